"""The tasks an engine runs: pure functions of (config, work folder, chunk or shard).

* `process_chunk` -- phase 1: parse, clean, (filter, sign) a chunk; write its work files.
* `finish_chunk` -- phase 1b, only with the repeated-line pass: cut lines that recur on many
  pages (counted over the whole corpus in phase 1), then filter and sign.
* `dedup_candidates` -- phase 2: one decision per candidate page from the signatures.
* `write_shard` -- phase 3: a shard's kept and rejected outputs, written atomically.

Every task reads and writes the work folder (`io.workdir`) and returns a small summary, so
any engine (processes, Dask) can run them and a killed run resumes from what is on disk.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from zhclean.config import Config
from zhclean.errors import OutputError
from zhclean.io.jsoncodec import loads
from zhclean.io.readers import iter_chunks
from zhclean.io.records import TRUNCATED_FILE, RawItem, parse_item
from zhclean.io.shards import Shard
from zhclean.io.workdir import WorkDir
from zhclean.io.writers import JsonlSink, open_sink
from zhclean.stages import Stages, Timer, clean_record, dedup_config, finish_record, mark_rejected, stages_for


@dataclass(frozen=True)
class ChunkTask:
    shard: Shard
    index: int
    first_seq: int  # position of the chunk's first item in its shard
    name: str  # work-file name


def page_key(shard: int, seq: int) -> str:
    """The stable key of a page: shard ordinal and position (sorting keys = input order)."""
    return f"{shard:06d}:{seq:010d}"


def plan_chunks(shards: list[Shard], work: WorkDir, chunk_pages: int, chunk_bytes: int
                ) -> Iterator[tuple[ChunkTask, list[RawItem]]]:
    """Every chunk of every shard, in order. Chunk boundaries depend only on the input,
    `chunk_pages` and `chunk_bytes` (both part of the run's manifest)."""
    for shard in shards:
        seq = 0
        for index, items in enumerate(iter_chunks(shard, chunk_pages, chunk_bytes)):
            yield ChunkTask(shard, index, seq, work.chunk_name(shard.ordinal, index)), items
            seq += len(items)


# --- phase 1 ------------------------------------------------------------------------------


def process_chunk(config: Config, mode: str, work_root: str, task: ChunkTask,
                  items: list[RawItem] | None) -> dict[str, Any]:
    """Parse and clean a chunk; unless the repeated-line pass defers them, filter and sign it
    too. Writes the work files and returns the chunk's summary (pages, bytes, seconds per
    stage). `items` None: an earlier run finished the chunk; return its saved summary."""
    st = stages_for(config, mode)
    work = WorkDir(work_root)
    if items is None:
        saved = work.load_summary(task.name)
        if saved is None:
            raise OutputError(f"the summary of chunk {task.name} in {work.root} went missing "
                              "during the run; run the same command again")
        return {**saved, "resumed": True, "seconds": {}}
    timer = Timer()
    raw_bytes = text_bytes = 0
    lines = []
    for offset, item in enumerate(items):
        t = time.perf_counter()
        rec = parse_item(item, task.shard.stem, st.names)
        timer.add("parse", t)
        if isinstance(item.payload, bytes):
            raw_bytes += len(item.payload) + (0 if item.name else 1)  # + the line's newline
        if rec.text is not None:
            size = len(rec.text.encode("utf-8"))
            text_bytes += size
            raw_bytes += 0 if isinstance(item.payload, bytes) else size
        line = clean_record(rec, st, timer)
        if line["status"] == "kept":
            line["key"] = page_key(task.shard.ordinal, task.first_seq + offset)
            if not st.line_pass:
                line = finish_record(line, st, timer)
        lines.append(line)
    summary: dict[str, Any] = {"pages": len(items), "rows": _rows(items), "raw_bytes": raw_bytes,
                               "text_bytes": text_bytes, "stage": "done"}
    files: dict[str, str] = {}
    if st.line_pass:
        from zhclean.dedup.repeated_lines import LineCounter

        t = time.perf_counter()
        counter = LineCounter(st.dedup)
        for line in lines:
            if line["status"] == "kept":
                counter.add(line["record"][st.names.text])
        path = work.line_counts_path(task.name)
        files[path.name] = work.save_arrays(path, **counter.to_arrays())
        timer.add("count_lines", t)
        summary["stage"] = "cleaned"
    else:
        files.update(_sign(st, work, task.name, lines, timer))
    files.update(_write_lines(work, task.name, lines, timer))
    summary["seconds"] = timer.seconds
    summary["files"] = files
    work.save_summary(task.name, summary)
    return summary


def _rows(items: list[RawItem]) -> int:
    """Input rows the items stand for (progress against a Parquet row count): a row group
    that cannot be read is one ``input.truncated_file`` record for its unread `rows`."""
    return sum(int((item.detail or {}).get("rows", 1)) if item.reason == TRUNCATED_FILE else 1
               for item in items)


def merge_line_counts(config: Config, work: WorkDir, names: list[str]) -> None:
    """Phase 1 -> 1b: add up the chunks' line counts into one counter in the work folder."""
    from zhclean.dedup.repeated_lines import LineCounter

    cfg = dedup_config(config)
    counter = LineCounter(cfg)
    for name in names:
        counter.merge(LineCounter.from_arrays(work.load_arrays(work.line_counts_path(name)), cfg))
    work.save_arrays(work.line_counts_path(), **counter.to_arrays())


def finish_chunk(config: Config, mode: str, work_root: str, name: str) -> dict[str, Any]:
    """Phase 1b (repeated-line pass): cut repeated lines, filter and sign a cleaned chunk."""
    st = stages_for(config, mode)
    work = WorkDir(work_root)
    summary = work.load_summary(name)
    if summary is None:
        raise OutputError(f"the summary of chunk {name} in {work.root} went missing during "
                          "the run; run the same command again")
    if summary["stage"] == "done":
        return {**summary, "resumed": True, "seconds": {}}
    timer = Timer()
    counter = _line_counts(str(work.root), work.run_id, st.dedup)
    lines = [finish_record(line, st, timer, counter) for line in _read_lines(work, name, final=False)]
    files = dict(summary["files"])
    files.update(_sign(st, work, name, lines, timer))
    files.update(_write_lines(work, name, lines, timer, final=True))
    seconds = dict(summary["seconds"])
    for stage, s in timer.seconds.items():
        seconds[stage] = seconds.get(stage, 0.0) + s
    summary = {**summary, "stage": "done", "seconds": seconds, "files": files}
    work.save_summary(name, summary)
    return summary


@lru_cache(maxsize=2)
def _line_counts(work_root: str, run_id: str, config: Any) -> Any:
    """The corpus's line counts, read once per process and run."""
    from zhclean.dedup.repeated_lines import LineCounter

    work = WorkDir(work_root)
    return LineCounter.from_arrays(work.load_arrays(work.line_counts_path()), config)


def _write_lines(work: WorkDir, name: str, lines: list[dict[str, Any]], timer: Timer,
                 final: bool = False) -> dict[str, str]:
    t = time.perf_counter()
    path = work.records_path(name, final)
    with JsonlSink(path) as sink:
        for line in lines:
            sink.write(line)
    timer.add("write_work", t)
    return {path.name: sink.digest}


def _read_lines(work: WorkDir, name: str, final: bool = True) -> Iterator[dict[str, Any]]:
    """A chunk's work records: the latest (`final`), or those phase 1 wrote."""
    path = work.current_records(name) if final else work.records_path(name)
    with open(path, "rb") as fh:
        for line in fh:
            yield loads(line)


def _sign(st: Stages, work: WorkDir, name: str, lines: list[dict[str, Any]], timer: Timer
          ) -> dict[str, str]:
    if st.dedup is None:
        return {}
    t = time.perf_counter()
    kept = [line for line in lines if line["status"] == "kept"]
    path = work.signatures_path(name)
    digest = work.save_arrays(path, **sign_pages(st, [line["key"] for line in kept],
                                                 [str(line["record"][st.names.id]) for line in kept],
                                                 [line["record"][st.names.text] for line in kept]))
    timer.add("sign", t)
    return {path.name: digest}


def sign_pages(st: Stages, keys: list[str], ids: list[str], texts: list[str]) -> dict[str, np.ndarray]:
    """What dedup needs of a batch of pages, computed where the pages are: clean lengths,
    exact keys and MinHash signatures (`Deduplicator.sign`, as `add_signed` takes them)."""
    lengths, exact, sigs = _signer(st.dedup).sign(texts)
    return {"keys": np.array(keys, dtype=str), "ids": np.array(ids, dtype=str),
            "lengths": np.asarray(lengths, dtype=np.int64), "exact": np.asarray(exact, dtype=np.int64),
            "sigs": np.asarray(sigs, dtype=np.uint32)}


def warm_up(st: Stages) -> None:
    """Build the per-process caches (cleaner rules, MinHash permutations and tables) once, in
    the parent: forked workers inherit them instead of each paying seconds to build them."""
    if st.cleaner is not None:
        st.cleaner("预热。")
    if st.dedup is not None:
        _signer(st.dedup).sign(["预热页面的文字内容用于构建缓存"])


@lru_cache(maxsize=4)
def _signer(config: Any) -> Any:
    """One Deduplicator per process and config, used only for its (pure) `sign`."""
    from zhclean.dedup import Deduplicator

    return Deduplicator(config)


# --- phase 2 ------------------------------------------------------------------------------


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
            yield work.load_arrays(work.signatures_path(name))


def texts_of(work_root: str, names: Iterable[str], keys: set[str], text_field: str) -> dict[str, str]:
    """The clean texts of the pages `keys`, read back from the work records (a line is only
    parsed when its key, written last, is one of them)."""
    work = WorkDir(work_root)
    out: dict[str, str] = {}
    for name in names:
        with open(work.current_records(name), "rb") as fh:
            for raw in fh:
                at = raw.rfind(b'"key":"')
                if at < 0 or raw[at + 7: raw.index(b'"', at + 7)].decode() not in keys:
                    continue
                line = loads(raw)
                if line.get("key") in keys:  # (a record may have a field named "key")
                    out[line["key"]] = line["record"][text_field]
    return out


# --- phase 3 ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShardOutput:
    shard: Shard
    chunk_names: tuple[str, ...]
    kept_path: str
    rejected_path: str
    format: str


def write_shard(config: Config, mode: str, work_root: str, job: ShardOutput,
                dups: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A shard's kept and rejected outputs from its work records, each written atomically."""
    st = stages_for(config, mode)
    work = WorkDir(work_root)
    t = time.perf_counter()
    kept = 0
    rejected: dict[str, int] = {}
    moved: dict[str, int] = {}  # input fields named like ours, moved to zhclean.input_fields
    kept_text_bytes = 0
    with open_sink(job.kept_path, job.format) as ks, open_sink(job.rejected_path, job.format) as rs:
        for name in job.chunk_names:
            for line in _read_lines(work, name):
                record = line["record"]
                dup = dups.get(line.get("key", ""))
                if line["status"] == "rejected":
                    rs.write(record)
                    code = record["reason"]
                    rejected[code] = rejected.get(code, 0) + 1
                elif dup is not None and not dup["kept"]:
                    record[st.names.text] = line["input_text"]
                    mark_rejected(record, dup["code"], dup["detail"])
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
                info = record.get("zhclean")
                if isinstance(info, dict) and "input_fields" in info:
                    for field in info["input_fields"]:
                        moved[field] = moved.get(field, 0) + 1
    return {"input": job.shard.path, "kept": kept, "rejected": rejected,
            "kept_text_bytes": kept_text_bytes, "moved_fields": moved,
            "bytes_out": Path(job.kept_path).stat().st_size + Path(job.rejected_path).stat().st_size,
            "seconds": {"write": time.perf_counter() - t}}
