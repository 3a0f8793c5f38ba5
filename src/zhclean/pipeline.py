"""Compose the stages of a batch run: read -> normalize -> clean -> document filters ->
dedup -> write, and account for every input record.

A run has three phases; each is a set of pure tasks an engine maps over (`engines/`):

1. **Chunks** (`process_chunk`, in parallel): parse, clean and filter a chunk of a shard;
   write its work records, dedup signatures and summary to the work folder (atomically, so a
   killed run resumes from the chunks that finished).
2. **Dedup** (`dedup_candidates`, on one machine from the workers' signatures; the Dask
   engine has a distributed version): one `DupDecision` per candidate page.
3. **Shards** (`write_shard`, in parallel): stream each shard's work records into its
   `kept` and `rejected` outputs.

Every input record comes out exactly once, kept or rejected with a reason; `run` checks
that ``pages_in == kept + rejected`` per shard and overall, and raises otherwise.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Protocol

import numpy as np
import orjson

from zhclean.cleaner import Cleaner
from zhclean.config import Config, config_to_dict, save_config
from zhclean.document import ALL_JUNK, EMPTY, CleanedPage
from zhclean.errors import ZhcleanError
from zhclean.io.readers import iter_chunks
from zhclean.io.records import FieldNames, InputRecord, RawItem, parse_item
from zhclean.io.shards import Shard, discover_shards
from zhclean.io.workdir import WorkDir, file_signature
from zhclean.io.writers import JsonlSink, dumps, open_sink
from zhclean.normalize import normalize
from zhclean.quality import DocumentFilters

#: What a run does: every stage (`run`), the cleaner alone (`clean`), dedup alone (`dedup`).
MODES = ("run", "clean", "dedup")
ALL_JUNK_CODE = "clean.all_junk"
EMPTY_CODE = "input.empty"


class Bar(Protocol):
    def update(self, pages: int, nbytes: int) -> None: ...
    def close(self) -> None: ...


#: ``progress(stage, total_bytes_or_None) -> Bar``; the CLI passes tqdm bars.
Progress = Callable[[str, "int | None"], Bar]


class _NoBar:
    def update(self, pages: int, nbytes: int) -> None:
        pass

    def close(self) -> None:
        pass


def _no_progress(stage: str, total: int | None) -> Bar:
    return _NoBar()


# --- Per-page stages ----------------------------------------------------------------------


@dataclass(frozen=True)
class Stages:
    """The compiled stages for one config and mode (built once per process)."""

    config: Config
    mode: str
    names: FieldNames
    cleaner: Cleaner | None
    filters: DocumentFilters | None
    dedup: Any  # zhclean.dedup.DedupConfig when dedup runs, else None


@lru_cache(maxsize=8)
def stages_for(config: Config, mode: str) -> Stages:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    run = config.run
    names = FieldNames(run.text_field, run.id_field, run.title_field, run.max_text_bytes)
    cleaner = Cleaner(config.clean, config.normalize) if mode != "dedup" and config.clean.enabled else None
    filters = DocumentFilters(config.filters) if mode == "run" and config.filters.enabled else None
    dedup = dedup_config(config) if mode in ("run", "dedup") else None
    return Stages(config, mode, names, cleaner, filters, dedup)


def dedup_config(config: Config) -> Any:
    """The dedup section when dedup is switched on (exact or near), else None."""
    cfg = getattr(config, "dedup", None)
    if cfg is None or not (cfg.exact or cfg.near):
        return None
    return cfg


@dataclass
class Timer:
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, since: float) -> float:
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - since
        return now


def process_record(rec: InputRecord, st: Stages, timer: Timer) -> dict[str, Any]:
    """One work record: ``{"status": "kept"|"rejected", "record": ...}``; a page that goes
    on to dedup also carries its ``input_text`` (to restore it if dedup removes the page)."""
    if rec.reason is not None:
        return _rejected(rec.fields, rec.reason, rec.detail)
    assert rec.text is not None
    names = st.names
    if st.mode == "dedup":
        return {"status": "kept", "record": rec.fields}
    t = time.perf_counter()
    if st.cleaner is not None:
        page = st.cleaner(rec.text, rec.title)
    else:
        page = CleanedPage(source=normalize(rec.text, st.config.normalize.fixes))
    info = page.to_dict()
    clean = page.text
    verdict = info["verdict"]
    t = timer.add("clean", t)
    if verdict == EMPTY:
        return _rejected(rec.fields, EMPTY_CODE, {"chars": len(rec.text)}, info)
    if verdict == ALL_JUNK:
        return _rejected(rec.fields, ALL_JUNK_CODE,
                         {"removed_share": info["removed_share"], "codes": page.codes()}, info)
    if st.filters is not None:
        features, rejection = st.filters(clean, page.removed_share)
        info["quality"] = features
        timer.add("filter", t)
        if rejection is not None:
            return _rejected(rec.fields, rejection.code, dict(rejection.detail), info)
    out = {"status": "kept", "record": {**rec.fields, names.text: clean, "zhclean": info}}
    if st.dedup is not None:
        out["input_text"] = rec.text
    return out


def _rejected(fields: dict[str, Any], reason: str, detail: dict[str, Any],
              info: dict[str, Any] | None = None) -> dict[str, Any]:
    record = {**fields, "reason": reason, "detail": detail}
    if info is not None:
        record["zhclean"] = info
    return {"status": "rejected", "record": record}


# --- Phase 1: chunks ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChunkTask:
    shard: Shard
    index: int
    first_seq: int  # position of the chunk's first item in its shard
    name: str  # work-file name


def page_key(shard: int, seq: int) -> str:
    """The stable key of a page: shard ordinal and position (sorting keys = input order)."""
    return f"{shard:06d}:{seq:010d}"


def process_chunk(config: Config, mode: str, work_root: str, task: ChunkTask,
                  items: list[RawItem] | None) -> dict[str, Any]:
    """Phase 1 for one chunk: parse, clean, filter, sign; write the work files; return the
    chunk's summary (counts per reason, bytes, seconds per stage). `items` None: the chunk
    was finished by an earlier run; return its saved summary."""
    st = stages_for(config, mode)
    work = WorkDir(work_root)
    if items is None:
        saved = work.load_summary(task.name)
        assert saved is not None
        return {**saved, "resumed": True, "seconds": {}}
    timer = Timer()
    reasons: dict[str, int] = {}
    keys: list[str] = []
    ids: list[str] = []
    texts: list[str] = []
    raw_bytes = text_bytes = 0
    with JsonlSink(work.records_path(task.name)) as sink:
        for offset, item in enumerate(items):
            t = time.perf_counter()
            rec = parse_item(item, task.shard.stem, st.names)
            raw_bytes += len(item.payload) if isinstance(item.payload, bytes) else 0
            timer.add("parse", t)
            line = process_record(rec, st, timer)
            if rec.text is not None:
                text_bytes += len(rec.text.encode("utf-8"))
                if not isinstance(item.payload, bytes):
                    raw_bytes += len(rec.text.encode("utf-8"))
            if line["status"] == "rejected":
                code = line["record"]["reason"]
                reasons[code] = reasons.get(code, 0) + 1
            elif st.dedup is not None:
                line["key"] = page_key(task.shard.ordinal, task.first_seq + offset)
                keys.append(line["key"])
                ids.append(str(line["record"][st.names.id]))
                texts.append(line["record"][st.names.text])
            t = time.perf_counter()
            sink.write(line)
            timer.add("write_work", t)
    if st.dedup is not None:
        t = time.perf_counter()
        work.save_arrays(task.name, **sign_pages(st, keys, ids, texts))
        timer.add("sign", t)
    summary = {"pages": len(items), "raw_bytes": raw_bytes, "text_bytes": text_bytes,
               "rejected": reasons, "candidates": len(items) - sum(reasons.values()),
               "seconds": timer.seconds}
    work.save_summary(task.name, summary)
    return summary


def sign_pages(st: Stages, keys: list[str], ids: list[str], texts: list[str]) -> dict[str, np.ndarray]:
    """What dedup needs of a batch of pages, computed where the pages are: clean lengths,
    exact keys and MinHash signatures (as `Deduplicator.add_signed` takes them).

    Uses the deduplicator's own signing (`Deduplicator.sign` when it has one, else `add` on a
    throwaway instance), so the signatures are exactly what a one-machine run computes."""
    from zhclean.dedup import Deduplicator

    dd = Deduplicator(st.dedup)
    sign = getattr(dd, "sign", None)
    if sign is not None:
        lengths, exact, sigs = sign(texts)
    elif texts:
        dd.add(zip(keys, texts))
        lengths = np.concatenate(dd._lengths)
        exact = np.concatenate(dd._keys)
        sigs = np.concatenate(dd._sigs)
    else:
        lengths = np.empty(0, dtype=np.int64)
        exact = np.empty(0, dtype=np.int64)
        sigs = np.empty((0, st.dedup.num_perm if st.dedup.near else 0), dtype=np.uint32)
    return {"keys": np.array(keys, dtype=str), "ids": np.array(ids, dtype=str),
            "lengths": np.asarray(lengths, dtype=np.int64), "exact": np.asarray(exact, dtype=np.int64),
            "sigs": np.asarray(sigs, dtype=np.uint32)}


def plan_chunks(shards: list[Shard], work: WorkDir, chunk_pages: int
                ) -> Iterator[tuple[ChunkTask, list[RawItem]]]:
    """Every chunk of every shard, in order. Chunk boundaries depend only on the input and
    `chunk_pages`."""
    for shard in shards:
        seq = 0
        for index, items in enumerate(iter_chunks(shard, chunk_pages)):
            yield ChunkTask(shard, index, seq, work.chunk_name(shard.ordinal, index)), items
            seq += len(items)


# --- Phase 2: dedup -----------------------------------------------------------------------


def dedup_candidates(config: Config, signed: Iterable[dict[str, np.ndarray]],
                     texts_for: Callable[[set[str]], dict[str, str]]) -> dict[str, dict[str, Any]]:
    """Decide duplicates over candidate pages from their signatures (`sign_pages` arrays, in
    chunk order). The local engine passes every chunk; the Dask engine only the pages that
    share an exact key or an LSH bucket with another page (the result is the same).

    Returns, for each page in a cluster of more than one page, what the output needs:
    ``{"kept": bool, "code": ..., "detail": DupDecision.to_dict() with user ids}``, keyed by
    page key. `texts_for(keys)` returns the clean texts of the given pages (for the exact
    Jaccard check of removed pages against their kept page).
    """
    from zhclean.dedup import NEAR, Deduplicator

    dd = Deduplicator(dedup_config(config))
    user_ids: dict[str, str] = {}
    for arr in signed:
        keys = arr["keys"].tolist()
        user_ids.update(zip(keys, arr["ids"].tolist()))
        dd.add_signed(keys, arr["lengths"], arr["exact"], arr["sigs"])
    decisions = dd.finish(texts=None)
    if dd.config.verify_exact:
        needed = {k for k, d in decisions.items() if d.code == NEAR}
        needed |= {decisions[k].duplicate_of for k in needed}  # type: ignore[misc]
        if needed:
            decisions = dd.finish(texts=texts_for(needed))
    out: dict[str, dict[str, Any]] = {}
    for key, d in decisions.items():
        if d.kept and d.cluster_size == 1:
            continue
        detail = d.to_dict()
        detail["id"] = user_ids[key]
        detail["cluster_id"] = user_ids[d.cluster_id]
        if d.duplicate_of is not None:
            detail["duplicate_of"] = user_ids[d.duplicate_of]
        out[key] = {"kept": d.kept, "code": d.code, "detail": detail}
    return out


def signed_chunks(work: WorkDir, names: Iterable[str]) -> Iterator[dict[str, np.ndarray]]:
    for name in names:
        if work.signatures_path(name).exists():
            yield work.load_arrays(name)


def texts_of(work_root: str, names: Iterable[str], keys: set[str], text_field: str) -> dict[str, str]:
    """The clean texts of the pages `keys`, read back from the work records."""
    return {line["key"]: line["record"][text_field]
            for line in iter_work_lines(WorkDir(work_root), names) if line.get("key") in keys}


def iter_work_lines(work: WorkDir, names: Iterable[str]) -> Iterator[dict[str, Any]]:
    for name in names:
        with open(work.records_path(name), "rb") as fh:
            for line in fh:
                yield orjson.loads(line)


# --- Phase 3: shards ----------------------------------------------------------------------


@dataclass(frozen=True)
class ShardOutput:
    shard: Shard
    chunk_names: tuple[str, ...]
    kept_path: str
    rejected_path: str
    format: str


def write_shard(config: Config, mode: str, work_root: str, job: ShardOutput,
                dups: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Phase 3 for one shard: its kept and rejected outputs, each written atomically."""
    st = stages_for(config, mode)
    work = WorkDir(work_root)
    t = time.perf_counter()
    kept = 0
    rejected: dict[str, int] = {}
    kept_text_bytes = 0
    with open_sink(job.kept_path, job.format) as ks, open_sink(job.rejected_path, job.format) as rs:
        for line in iter_work_lines(work, job.chunk_names):
            record = line["record"]
            dup = dups.get(line.get("key", ""))
            if line["status"] == "rejected":
                rs.write(record)
                code = record["reason"]
                rejected[code] = rejected.get(code, 0) + 1
            elif dup is not None and not dup["kept"]:
                info = record.pop("zhclean", None)
                if "input_text" in line:
                    record[st.names.text] = line["input_text"]
                record.update(reason=dup["code"], detail=dup["detail"])
                if info is not None:
                    record["zhclean"] = info
                rs.write(record)
                rejected[dup["code"]] = rejected.get(dup["code"], 0) + 1
            else:
                if st.dedup is not None:
                    info = record.setdefault("zhclean", {})
                    info["dedup"] = ({"cluster_id": dup["detail"]["cluster_id"],
                                      "cluster_size": dup["detail"]["cluster_size"]}
                                     if dup else {"cluster_id": str(record[st.names.id]),
                                                  "cluster_size": 1})
                ks.write(record)
                kept += 1
                kept_text_bytes += len(str(record.get(st.names.text, "")).encode("utf-8"))
    return {"input": job.shard.path, "kept": kept, "rejected": rejected,
            "kept_text_bytes": kept_text_bytes,
            "bytes_out": Path(job.kept_path).stat().st_size + Path(job.rejected_path).stat().st_size,
            "seconds": {"write": time.perf_counter() - t}}


# --- The run ------------------------------------------------------------------------------


class Engine(Protocol):
    name: str
    workers: int

    def imap(self, fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]]) -> Iterator[Any]: ...
    def close(self) -> None: ...


@dataclass
class RunResult:
    """What a run did; `stats` is also written to ``stats.json``."""

    output: Path
    stats: dict[str, Any]

    @property
    def pages_in(self) -> int:
        return self.stats["pages_in"]

    @property
    def kept(self) -> int:
        return self.stats["kept"]

    @property
    def rejected(self) -> int:
        return self.stats["rejected"]


def output_format(config: Config, shards: list[Shard]) -> str:
    fmt = config.run.output_format
    if fmt != "auto":
        return fmt
    return "parquet" if all(s.format == "parquet" for s in shards) else "jsonl"


def output_paths(out: Path, shards: list[Shard], fmt: str) -> list[tuple[str, str]]:
    ext = "parquet" if fmt == "parquet" else "jsonl"
    if len(shards) == 1:
        return [(str(out / f"kept.{ext}"), str(out / f"rejected.{ext}"))]
    return [(str(out / f"kept-{s.ordinal:05d}.{ext}"), str(out / f"rejected-{s.ordinal:05d}.{ext}"))
            for s in shards]


def run(inputs: str | list[str], output: str | Path, config: Config | None = None, *,
        mode: str = "run", engine: Engine | None = None, progress: Progress | None = None) -> RunResult:
    """Run the pipeline over `inputs` (files, globs, folders) into the folder `output`.

    Writes ``kept*``/``rejected*`` (one pair per input shard), ``stats.json`` and the resolved
    ``config.toml``. Resumes from a previous, interrupted run with the same inputs and config.
    """
    from zhclean.engines import make_engine

    config = config or Config()
    progress = progress or _no_progress
    stages_for(config, mode)  # fail early on a bad mode or a missing dedup extra
    started = time.perf_counter()
    shards = discover_shards(inputs)
    out = Path(output)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from zhclean.errors import OutputError

        raise OutputError(f"cannot create output folder {out}: {exc.strerror}") from None
    fmt = output_format(config, shards)
    work = WorkDir(out / "_work")
    manifest = {"mode": mode, "config": config_to_dict(config),
                "inputs": [file_signature(s.path) for s in shards]}
    work.prepare(manifest)
    own_engine = engine is None
    engine = engine or make_engine(config.run)
    seconds: dict[str, float] = {}
    try:
        # Phase 1: chunks.
        t = time.perf_counter()
        summaries, chunk_names, resumed = _run_chunks(config, mode, shards, work, engine, progress)
        seconds["chunks_wall"] = time.perf_counter() - t
        # Phase 2: dedup.
        dups: dict[str, dict[str, Any]] = {}
        t = time.perf_counter()
        if stages_for(config, mode).dedup is not None:
            bar = progress("dedup", None)
            dups = engine_dedup(engine, config, work, [n for names in chunk_names for n in names])
            bar.update(0, 0)
            bar.close()
        seconds["dedup"] = time.perf_counter() - t
        # Phase 3: shards.
        t = time.perf_counter()
        outputs = [ShardOutput(s, tuple(names), k, r, fmt)
                   for s, names, (k, r) in zip(shards, chunk_names, output_paths(out, shards, fmt))]
        bar = progress("write", None)
        shard_stats = []
        tasks = ((config, mode, str(work.root), job, _dups_of(dups, job.shard)) for job in outputs)
        for stat in engine.imap(write_shard, tasks):
            shard_stats.append(stat)
            bar.update(stat["kept"] + sum(stat["rejected"].values()), stat["bytes_out"])
        bar.close()
        seconds["write_wall"] = time.perf_counter() - t
    finally:
        if own_engine:
            engine.close()
    stats = _account(shards, summaries, shard_stats, seconds, started, engine, mode, resumed)
    if dups:
        from zhclean.dedup import Deduplicator

        stats["dedup"] = Deduplicator(dedup_config(config)).describe()
    save_config(config, out / "config.toml")
    with JsonlSink(out / "stats.json") as sink:  # atomic write of one JSON document
        sink.file.write(orjson.dumps(stats, option=orjson.OPT_INDENT_2) + b"\n")
    if not config.run.keep_work:
        work.remove()
    return RunResult(out, stats)


def _run_chunks(config: Config, mode: str, shards: list[Shard], work: WorkDir, engine: Engine,
                progress: Progress) -> tuple[list[list[dict[str, Any]]], list[list[str]], int]:
    summaries: list[list[dict[str, Any]]] = [[] for _ in shards]
    names: list[list[str]] = [[] for _ in shards]
    tasks: list[ChunkTask] = []
    compressed = any(s.compression or s.format == "parquet" for s in shards)
    bar = progress("clean" if mode != "dedup" else "sign",
                   None if compressed else sum(s.size for s in shards))

    def pending() -> Iterator[tuple[Any, ...]]:
        for task, items in plan_chunks(shards, work, config.run.chunk_pages):
            names[task.shard.ordinal].append(task.name)
            tasks.append(task)
            done = work.summary_path(task.name).exists()
            yield config, mode, str(work.root), task, None if done else items

    resumed = 0
    for i, summary in enumerate(engine.imap(process_chunk, pending())):
        summaries[tasks[i].shard.ordinal].append(summary)
        resumed += bool(summary.get("resumed"))
        bar.update(summary["pages"], summary["raw_bytes"])
    bar.close()
    return summaries, names, resumed


def engine_dedup(engine: Engine, config: Config, work: WorkDir, names: list[str]) -> dict[str, dict[str, Any]]:
    """Phase 2 on the engine's own terms: the Dask engine finds candidates on the cluster."""
    dedup = getattr(engine, "dedup", None)
    if dedup is not None:
        return dedup(config, work, names)
    return dedup_candidates(config, signed_chunks(work, names),
                            lambda keys: texts_of(str(work.root), names, keys, config.run.text_field))


def _dups_of(dups: dict[str, dict[str, Any]], shard: Shard) -> dict[str, dict[str, Any]]:
    prefix = f"{shard.ordinal:06d}:"
    return {k: v for k, v in dups.items() if k.startswith(prefix)}


def _account(shards: list[Shard], summaries: list[list[dict[str, Any]]],
             shard_stats: list[dict[str, Any]], seconds: dict[str, float], started: float,
             engine: Engine, mode: str, resumed: int) -> dict[str, Any]:
    reasons: dict[str, int] = {}
    stage_seconds: dict[str, float] = {}
    per_shard = []
    pages_in = kept = rejected = 0
    for shard, chunks, out in zip(shards, summaries, shard_stats):
        n_in = sum(c["pages"] for c in chunks)
        n_rej = sum(out["rejected"].values())
        if n_in != out["kept"] + n_rej:
            raise ZhcleanError(f"accounting error in {shard.path}: {n_in} records in, "
                               f"{out['kept']} kept + {n_rej} rejected out (a bug: please report)")
        for code, n in out["rejected"].items():
            reasons[code] = reasons.get(code, 0) + n
        for c in [*chunks, out]:
            for stage, s in c["seconds"].items():
                stage_seconds[stage] = stage_seconds.get(stage, 0.0) + s
        pages_in += n_in
        kept += out["kept"]
        rejected += n_rej
        per_shard.append({"input": shard.path, "pages": n_in, "kept": out["kept"],
                          "rejected": n_rej})
    total = time.perf_counter() - started
    bytes_in = sum(c["raw_bytes"] for chunks in summaries for c in chunks)
    return {
        "mode": mode,
        "engine": engine.name,
        "workers": engine.workers,
        "pages_in": pages_in,
        "kept": kept,
        "rejected": rejected,
        "reasons": dict(sorted(reasons.items())),
        "bytes_in": bytes_in,
        "text_bytes_in": sum(c["text_bytes"] for chunks in summaries for c in chunks),
        "text_bytes_kept": sum(s["kept_text_bytes"] for s in shard_stats),
        "bytes_out": sum(s["bytes_out"] for s in shard_stats),
        "seconds": {"total": round(total, 3),
                    **{k: round(v, 3) for k, v in seconds.items()},
                    "cpu_per_stage": {k: round(v, 3) for k, v in sorted(stage_seconds.items())}},
        "mb_per_s": round(bytes_in / 1e6 / total, 3) if total else None,
        "resumed_chunks": resumed,
        "shards": per_shard,
    }
