"""Compose the stages of a batch run: read -> normalize -> clean -> (repeated lines) ->
document filters -> dedup -> write, and account for every input record.

Per page, `stages.clean_record` then `stages.finish_record` turn a parsed record into a work
record. A run has three phases of tasks (`engines/tasks.py`) that an engine maps over:

1. **Chunks** (in parallel): parse, clean, filter and sign a chunk of a shard; write its work
   records, dedup signatures and summary to the work folder atomically, so a killed run
   resumes from the chunks that finished. With the repeated-line pass on, phase 1 only
   cleans and counts lines; phase 1b cuts the lines that recur across the corpus, then
   filters and signs.
2. **Dedup** (on one machine from the workers' signatures; the Dask engine finds the
   candidates with a distributed shuffle): one `DupDecision` per candidate page.
3. **Shards** (in parallel): stream each shard's work records into its `kept` and
   `rejected` outputs.

Every input record comes out exactly once, kept or rejected with a reason; `run` checks that
``pages_in == kept + rejected`` per shard, and raises otherwise.

``stats.json`` is written last: an output folder without it holds an unfinished run (a run
removes the previous ``stats.json`` before it starts, and temporary files left by a killed one).
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Protocol

import orjson

from zhclean.config import Config, config_to_dict, save_config
from zhclean.errors import OutputError, ZhcleanError
from zhclean.io.outdir import claim_output_folder, run_fingerprint
from zhclean.io.shards import Shard, discover_shards
from zhclean.io.workdir import WorkDir, file_signature
from zhclean.io.writers import write_atomic
from zhclean.stages import dedup_config, stages_for

#: [run] settings that do not affect outputs: changing them keeps a run resumable.
RUNTIME_SETTINGS = ("engine", "workers", "scheduler", "keep_work", "max_driver_pages")


class Bar(Protocol):
    def update(self, pages: int, nbytes: int) -> None: ...
    def close(self) -> None: ...


#: ``progress(stage, total_bytes, total_pages) -> Bar`` (a total is None where it is not
#: known); the CLI passes tqdm bars (`zhclean.progress`). `Bar.update(pages, nbytes)` comes
#: once per chunk (at most `chunk_pages` pages or `chunk_bytes` bytes of input); in the clean
#: stage a Parquet row group that cannot be read counts as the rows it held, as the total does.
Progress = Callable[[str, "int | None", "int | None"], Bar]


class _NoBar:
    def update(self, pages: int, nbytes: int) -> None:
        pass

    def close(self) -> None:
        pass


def _no_progress(stage: str, total_bytes: int | None, total_pages: int | None) -> Bar:
    return _NoBar()


@contextmanager
def _bar(progress: Progress, stage: str, total_bytes: int | None = None,
         total_pages: int | None = None) -> Iterator[Bar]:
    """A progress bar that is closed however its stage ends."""
    bar = progress(stage, total_bytes, total_pages)
    try:
        yield bar
    finally:
        bar.close()


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
        mode: str = "run", engine: Engine | None = None, progress: Progress | None = None,
        overwrite: bool = False) -> RunResult:
    """Run the pipeline over `inputs` (files, globs, folders) into the folder `output`.

    Writes ``kept*``/``rejected*`` (one pair per input shard), ``stats.json`` (which lists
    them) and the resolved ``config.toml``. Resumes from a previous, interrupted run with the
    same inputs and config. `output` must be empty or hold this run's own work or output
    (`io.outdir`); `overwrite` first removes an earlier run's files instead of refusing.
    """
    from zhclean.engines import make_engine
    from zhclean.engines.tasks import ShardOutput, warm_up, write_shard

    started = time.perf_counter()
    config = config or Config()
    progress = progress or _no_progress
    stages = stages_for(config, mode)  # fails early on a bad mode
    shards = discover_shards(inputs)
    warm_up(stages)  # forked workers inherit the caches
    out = Path(output)
    fmt = output_format(config, shards)
    work = WorkDir(out / "_work")
    settings = config_to_dict(config)
    for key in RUNTIME_SETTINGS:  # how a run is executed never changes its results
        settings["run"].pop(key, None)
    manifest = {"mode": mode, "config": settings,
                "inputs": [file_signature(s.path) for s in shards]}
    if out.exists() and not out.is_dir():
        raise OutputError(f"cannot create output folder {out}: it is a file")
    claim_output_folder(out, manifest, overwrite)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create output folder {out}: {exc.strerror}") from None
    work.prepare(manifest)
    try:
        (out / "stats.json").unlink(missing_ok=True)  # its absence marks an unfinished run
        for stale in _partial_files(out):  # left by a run killed while writing its outputs
            stale.unlink()
    except OSError as exc:
        raise OutputError(f"cannot remove an earlier run's stats.json or temporary files from "
                          f"{out}: {exc.strerror}") from None
    own_engine = engine is None
    engine = engine or make_engine(config.run)
    seconds: dict[str, float] = {}
    try:
        # Phase 1: chunks.
        t = time.perf_counter()
        summaries, chunk_names, resumed = _run_chunks(config, mode, shards, work, engine, progress)
        seconds["chunks_wall"] = time.perf_counter() - t
        if stages.line_pass:
            t = time.perf_counter()
            summaries = _finish_chunks(config, mode, work, chunk_names, engine, progress,
                                       sum(c["pages"] for cs in summaries for c in cs))
            seconds["repeated_lines_wall"] = time.perf_counter() - t
        # Phase 2: dedup.
        dups: dict[str, dict[str, Any]] = {}
        t = time.perf_counter()
        pages = sum(c["pages"] for cs in summaries for c in cs)
        if stages.dedup is not None:
            with _bar(progress, "dedup", None, pages) as bar:
                dups = engine_dedup(engine, config, work, [n for names in chunk_names for n in names])
                bar.update(pages, sum(c["raw_bytes"] for cs in summaries for c in cs))
        seconds["dedup"] = time.perf_counter() - t
        # Phase 3: shards.
        t = time.perf_counter()
        outputs = [ShardOutput(s, tuple(names), k, r, fmt)
                   for s, names, (k, r) in zip(shards, chunk_names, output_paths(out, shards, fmt))]
        shard_stats = []
        tasks = ((config, mode, str(work.root), job, _dups_of(dups, job.shard)) for job in outputs)
        with _bar(progress, "write", None, pages) as bar:
            for stat in engine.imap(write_shard, tasks):
                shard_stats.append(stat)
                bar.update(stat["kept"] + sum(stat["rejected"].values()), stat["bytes_out"])
        seconds["write_wall"] = time.perf_counter() - t
    finally:
        if own_engine:
            engine.close()
    stats = _account(shards, summaries, shard_stats, seconds, started, engine, mode, resumed)
    stats["outputs"] = {"kept": [Path(o.kept_path).name for o in outputs],
                        "rejected": [Path(o.rejected_path).name for o in outputs]}
    stats["fingerprint"] = run_fingerprint(manifest)
    if stages.dedup is not None:
        from zhclean.dedup import Deduplicator

        stats["dedup"] = Deduplicator(dedup_config(config)).describe()
    save_config(config, out / "config.toml")
    write_atomic(out / "stats.json", orjson.dumps(stats, option=orjson.OPT_INDENT_2) + b"\n")
    if not config.run.keep_work:
        work.remove()
    return RunResult(out, stats)


def _partial_files(out: Path) -> list[Path]:
    """Temporary files of ours (`io.writers.AtomicFile`) in the output folder."""
    names = ("kept", "rejected", "stats.json", "config.toml")
    return [p for p in out.glob(".*.partial-*")
            if p.name[1:].startswith(names) and p.name.rpartition("-")[2].isdigit() and p.is_file()]


def _run_chunks(config: Config, mode: str, shards: list[Shard], work: WorkDir, engine: Engine,
                progress: Progress) -> tuple[list[list[dict[str, Any]]], list[list[str]], int]:
    from zhclean.engines.tasks import ChunkTask, plan_chunks, process_chunk

    summaries: list[list[dict[str, Any]]] = [[] for _ in shards]
    names: list[list[str]] = [[] for _ in shards]
    tasks: list[ChunkTask] = []
    sizes = [s.decompressed_size for s in shards]
    counts = [s.page_count for s in shards]

    def pending() -> Iterator[tuple[Any, ...]]:
        for task, items in plan_chunks(shards, work, config.run.chunk_pages, config.run.chunk_bytes):
            names[task.shard.ordinal].append(task.name)
            tasks.append(task)
            done = work.chunk_done(task.name)
            yield config, mode, str(work.root), task, None if done else items

    resumed = 0
    with _bar(progress, "clean" if mode != "dedup" else "sign",
              None if None in sizes else sum(sizes),  # type: ignore[arg-type]
              None if None in counts else sum(counts)) as bar:  # type: ignore[arg-type]
        for i, summary in enumerate(engine.imap(process_chunk, pending())):
            summaries[tasks[i].shard.ordinal].append(summary)
            resumed += bool(summary.get("resumed"))
            bar.update(summary.get("rows", summary["pages"]), summary["raw_bytes"])
    return summaries, names, resumed


def _finish_chunks(config: Config, mode: str, work: WorkDir, names: list[list[str]],
                   engine: Engine, progress: Progress, pages: int) -> list[list[dict[str, Any]]]:
    """Phase 1b: merge the chunks' line counts, then cut repeated lines, filter and sign."""
    from zhclean.engines.tasks import finish_chunk, merge_line_counts

    flat = [n for shard_names in names for n in shard_names]
    merge_line_counts(config, work, flat)
    results = iter(engine.imap(finish_chunk, ((config, mode, str(work.root), n) for n in flat)))
    summaries: list[list[dict[str, Any]]] = []
    with _bar(progress, "lines", None, pages) as bar:
        for shard_names in names:
            summaries.append([])
            for _ in shard_names:
                summaries[-1].append(next(results))
                bar.update(summaries[-1][-1]["pages"], summaries[-1][-1]["raw_bytes"])
    return summaries


def engine_dedup(engine: Engine, config: Config, work: WorkDir, names: list[str]) -> dict[str, dict[str, Any]]:
    """Phase 2 on the engine's own terms: the Dask engine finds candidates on the cluster."""
    from zhclean.engines.tasks import dedup_candidates, signed_chunks, texts_of

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
    moved: dict[str, int] = {}
    stage_seconds: dict[str, float] = {}
    per_shard = []
    warnings = [f"{shard.path}: {shard.note}" for shard in shards if shard.note]
    pages_in = kept = rejected = 0
    for shard, chunks, out in zip(shards, summaries, shard_stats):
        n_in = sum(c["pages"] for c in chunks)
        n_rej = sum(out["rejected"].values())
        if n_in != out["kept"] + n_rej:
            raise ZhcleanError(f"accounting error in {shard.path}: {n_in} records in, "
                               f"{out['kept']} kept + {n_rej} rejected out (a bug: please report)")
        for code, n in out["rejected"].items():
            reasons[code] = reasons.get(code, 0) + n
        for name, n in out.get("moved_fields", {}).items():
            moved[name] = moved.get(name, 0) + n
        for c in [*chunks, out]:
            for stage, s in c["seconds"].items():
                stage_seconds[stage] = stage_seconds.get(stage, 0.0) + s
        pages_in += n_in
        kept += out["kept"]
        rejected += n_rej
        per_shard.append({"input": shard.path, "pages": n_in, "kept": out["kept"],
                          "rejected": n_rej, **({"note": shard.note} if shard.note else {})})
    if moved:
        warnings.append(f"{sum(moved.values())} input field(s) named like the fields zhclean adds "
                        f"({', '.join(sorted(moved))}) were kept under zhclean.input_fields")
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
        "moved_fields": dict(sorted(moved.items())),
        "warnings": warnings,
    }
