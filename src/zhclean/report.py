"""Counts, features and plots per reason: the notebook's view and the HTML report.

pandas lives here (imported when a function needs it, so ``import zhclean`` stays quick);
matplotlib comes with the ``explore`` extra and is imported only by the plots.

- `clean_frame(df)` cleans a DataFrame column and returns one row per page: clean text,
  verdict, removed share, reason codes with counts, features of the clean text, and dedup
  clusters (when the input has them, or with ``dedup=True``).
- `reason_counts` and `cluster_sizes` count from that frame; `zhclean.plots` draws it.
- `write_report(out_dir)` reads what ``zhclean clean``/``run`` wrote (kept*.jsonl,
  rejected*.jsonl, stats.json) and writes a self-contained ``report.html`` and ``stats.json``.
"""
from __future__ import annotations

import gzip
import html
import io
import json
import unicodedata
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping

import regex

from zhclean.errors import InputError, OutputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

_HAN = regex.compile(r"\p{Han}")

#: Columns of `clean_frame`, in order (``id`` first when the input has one; the dedup columns
#: last when present).
FRAME_COLUMNS = ("clean_text", "verdict", "removed_share", "chars_before", "chars_after",
                 "n_removals", "codes", "han_share", "punct_share", "repeated_line_share")
#: Verdict of a row whose text is missing or not a string (it is kept in the frame, never
#: dropped silently).
NO_TEXT = "no_text"


# --- features -----------------------------------------------------------------------------


def text_features(text: str) -> dict[str, float]:
    """Shares measured on a (clean) text: Han characters and punctuation among the non-space
    characters, and lines that repeat an earlier line among the non-blank lines."""
    chars = [c for c in text if not c.isspace()]
    n = len(chars)
    han = len(_HAN.findall(text))
    punct = sum(1 for c in chars if unicodedata.category(c).startswith("P"))
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    repeated = len(lines) - len(set(lines))
    return {
        "han_share": han / n if n else 0.0,
        "punct_share": punct / n if n else 0.0,
        "repeated_line_share": repeated / len(lines) if lines else 0.0,
    }


def page_row(page: Any) -> dict[str, Any]:
    """One `clean_frame` row for a `CleanedPage`."""
    text = page.text
    row = {
        "clean_text": text,
        "verdict": page.verdict,
        "removed_share": page.removed_share,
        "chars_before": len(page.source),
        "chars_after": len(text),
        "n_removals": len(page.removals),
        "codes": page.codes(),
    }
    row.update(text_features(text))
    return row


def _no_text_row() -> dict[str, Any]:
    return {"clean_text": None, "verdict": NO_TEXT, "removed_share": 0.0, "chars_before": 0,
            "chars_after": 0, "n_removals": 0, "codes": {}, "han_share": 0.0,
            "punct_share": 0.0, "repeated_line_share": 0.0}


# --- the frame ----------------------------------------------------------------------------


def clean_frame(df: "pd.DataFrame", text: str = "text", title: str | None = None,
                id: str | None = "id", config: Any = None, dedup: bool = False,
                chunk_size: int = 10_000, progress: bool | None = None,
                workers: int = 1) -> "pd.DataFrame":
    """Clean the `text` column of `df`; one row per input row, same index.

    Columns: `id` (when `df` has that column), then `FRAME_COLUMNS` (``codes`` is a dict code
    -> number of spans; `reason_counts` sums it), then ``cluster_id``/``cluster_size`` when `df`
    has them from a dedup run. ``dedup=True`` runs `zhclean.dedup` on the clean texts and adds
    ``cluster_id``, ``cluster_size``, ``dup_code`` and ``duplicate_of``.

    Rows are cleaned `chunk_size` at a time with a tqdm bar (shown by default when there is
    more than one chunk), in `workers` processes when more than one (about 50 pages/s per
    process on 2 KB pages). A row whose text is missing or not a string gets verdict
    ``no_text``. `title` names a column of page titles; `config` is a `Config` or a
    `CleanConfig` (defaults when None).
    """
    import pandas as pd
    from tqdm import tqdm

    if text not in df.columns:
        raise InputError(f"clean_frame: no column {text!r} in the DataFrame "
                         f"(columns: {', '.join(map(str, df.columns))}); pass text=...")
    if title is not None and title not in df.columns:
        raise InputError(f"clean_frame: no title column {title!r} in the DataFrame")
    if chunk_size < 1 or workers < 1:
        raise ValueError(f"chunk_size and workers must be at least 1, got {chunk_size}, {workers}")
    starts = range(0, len(df), chunk_size)
    texts = [df[text].iloc[s:s + chunk_size] for s in starts]
    titles = [list(df[title].iloc[s:s + chunk_size]) if title is not None else None for s in starts]
    if progress is None:
        progress = len(df) > chunk_size
    parts = []
    jobs = ((list(t), h, config) for t, h in zip(texts, titles))
    with tqdm(total=len(df), disable=not progress, unit="page", desc="cleaning") as bar:
        for chunk, rows in zip(texts, _map_chunks(jobs, workers)):
            parts.append(pd.DataFrame(rows, index=chunk.index, columns=list(FRAME_COLUMNS)))
            bar.update(len(chunk))
    frame = pd.concat(parts) if parts else pd.DataFrame(columns=list(FRAME_COLUMNS), index=df.index)
    # columns copied by position (`.array`), so a repeated index label cannot misalign them
    if id is not None and id in df.columns:
        frame.insert(0, "id", df[id].array)
    if dedup:
        frame = _with_clusters(frame)
    else:
        for column in ("cluster_id", "cluster_size"):
            if column in df.columns:
                frame[column] = df[column].array
    return frame


def _map_chunks(jobs: Iterator[tuple[Any, ...]], workers: int) -> Iterator[list[dict[str, Any]]]:
    """`_clean_rows` over the jobs, in order; with workers, at most two chunks per worker are
    in flight, so memory stays bounded on a large frame."""
    if workers == 1:
        yield from (_clean_rows(*job) for job in jobs)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque[Any] = deque()
        for job in jobs:
            pending.append(pool.submit(_clean_rows, *job))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _clean_rows(texts: list[Any], titles: list[Any] | None, config: Any) -> list[dict[str, Any]]:
    """`clean_frame` rows for one chunk (runs in a worker process when ``workers > 1``)."""
    from zhclean.cleaner import Cleaner

    # a whole Config (its clean and normalize sections) or a CleanConfig
    cleaner = (Cleaner(config.clean, config.normalize) if hasattr(config, "normalize")
               else Cleaner(config))
    rows = []
    for i, value in enumerate(texts):
        if not isinstance(value, str):
            rows.append(_no_text_row())
            continue
        head = titles[i] if titles is not None else None
        rows.append(page_row(cleaner(value, head if isinstance(head, str) else None)))
    return rows


def _with_clusters(frame: "pd.DataFrame") -> "pd.DataFrame":
    import pandas as pd

    from zhclean.dedup import Deduplicator

    # dedup keys are row positions (ids may repeat or be missing); results name the ids
    names = list(frame["id"] if "id" in frame.columns else frame.index)
    keys = [str(k) for k in range(len(frame))]
    pages = [(k, t) for k, t, v in zip(keys, frame["clean_text"], frame["verdict"])
             if v == "content"]
    decisions = Deduplicator().run(pages)
    found = [decisions.get(k) for k in keys]

    def name(key: str | None) -> Any:
        return None if key is None else names[int(key)]

    frame = frame.copy()
    frame["cluster_id"] = [name(d.cluster_id) if d else None for d in found]
    frame["cluster_size"] = pd.array([d.cluster_size if d else None for d in found], dtype="Int64")
    frame["dup_code"] = [d.code if d else None for d in found]
    frame["duplicate_of"] = [name(d.duplicate_of) if d else None for d in found]
    return frame


def reason_counts(frame: "pd.DataFrame") -> "pd.Series":
    """Removed spans per reason code over the frame, most frequent first."""
    import pandas as pd

    total: Counter[str] = Counter()
    for codes in frame["codes"]:
        total.update(codes or {})
    return pd.Series(dict(total.most_common()), dtype="int64", name="spans")


def cluster_sizes(frame: "pd.DataFrame") -> "pd.Series":
    """Number of duplicate clusters (two pages or more) of each size; empty without clusters."""
    import pandas as pd

    if "cluster_id" not in frame.columns:
        return pd.Series(dtype="int64", name="clusters")
    members = frame.dropna(subset=["cluster_id"]).groupby("cluster_id")
    # every member of a dedup run carries its cluster's size; a pipeline output keeps only the
    # cluster's best page, so the size comes from that column rather than from counting rows
    sizes = (members["cluster_size"].max() if "cluster_size" in frame.columns
             else members.size()).astype("int64")
    sizes = sizes[sizes > 1]
    return sizes.value_counts().sort_index().rename("clusters")


# --- a pipeline output folder -------------------------------------------------------------


@dataclass
class OutputSummary:
    """What a pipeline output folder holds, as frames and counts.

    `kept` has the `clean_frame` columns (``chars_before`` is the clean length plus the removed
    characters, as the source itself is not stored); `rejected` counts rejected pages by reason;
    `pipeline_stats` is the folder's own stats.json (empty when absent)."""

    kept: "pd.DataFrame"
    rejected: Counter = field(default_factory=Counter)
    rejected_examples: dict[str, list[str]] = field(default_factory=dict)
    #: removed spans by code on rejected pages that were cleaned first (e.g. doc.too_short)
    rejected_codes: Counter = field(default_factory=Counter)
    pipeline_stats: dict[str, Any] = field(default_factory=dict)

    def span_codes(self) -> Counter:
        """Removed spans by code over every cleaned page, kept or rejected."""
        codes = Counter({k: int(v) for k, v in reason_counts(self.kept).items()})
        codes.update(self.rejected_codes)
        return codes

    def stats(self) -> dict[str, Any]:
        """The numbers behind the report, for stats.json."""
        kept = self.kept
        n_kept = len(kept)
        before = int(kept["chars_before"].sum()) if n_kept else 0
        after = int(kept["chars_after"].sum()) if n_kept else 0
        return {
            "pages": {"kept": n_kept, "rejected": sum(self.rejected.values()),
                      "total": n_kept + sum(self.rejected.values())},
            "rejected_by_reason": dict(self.rejected.most_common()),
            "removed_spans_by_code": dict(self.span_codes().most_common()),
            "kept_chars": {"before": before, "after": after,
                           "removed_share": round(1 - after / before, 4) if before else 0.0},
            "chars_after_quantiles": _quantiles(kept["chars_after"]) if n_kept else {},
            "han_share_quantiles": _quantiles(kept["han_share"]) if n_kept else {},
            "duplicate_clusters_by_size": {str(k): int(v) for k, v in cluster_sizes(kept).items()},
            "pipeline": self.pipeline_stats,
        }


def _quantiles(series: Any) -> dict[str, float]:
    q = series.astype(float).quantile([0.1, 0.5, 0.9])
    return {f"p{int(k * 100)}": round(float(v), 4) for k, v in q.items()}


def _output_files(folder: Path, stem: str) -> list[Path]:
    return sorted(p for p in folder.glob(f"{stem}*")
                  if p.name.endswith((".jsonl", ".jsonl.gz", ".jsonl.zst", ".parquet")))


def _records(path: Path) -> Iterator[dict[str, Any]]:
    name = path.name
    if name.endswith(".parquet"):
        import pandas as pd

        try:
            yield from pd.read_parquet(path).to_dict("records")
        except ImportError as err:
            raise InputError(f"{path}: reading Parquet needs pyarrow: pip install "
                             "'zhclean[parquet]'") from err
        return
    if name.endswith(".gz"):
        handle: Any = gzip.open(path, "rt", encoding="utf-8")
    elif name.endswith(".zst"):
        try:
            import zstandard
        except ImportError as err:
            raise InputError(f"{path}: reading .zst needs zstandard: pip install "
                             "'zhclean[zstd]'") from err
        handle = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(path.open("rb")),
                                  encoding="utf-8")
    else:
        handle = path.open(encoding="utf-8")
    with handle:
        for n, line in enumerate(handle, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as err:
                    raise InputError(f"{path}, line {n}: not JSON ({err.msg}); is this a "
                                     "zhclean output folder?") from err


def _info(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record's ``zhclean`` field as a dict: Parquet outputs hold it as a JSON string, and
    a missing one reads back as NaN."""
    info = record.get("zhclean")
    if isinstance(info, str):
        try:
            info = json.loads(info)
        except json.JSONDecodeError:
            return {}
    return info if isinstance(info, dict) else {}


def _kept_row(record: Mapping[str, Any]) -> dict[str, Any]:
    info = _info(record)
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    removals = info.get("removals") or []
    codes = Counter(r["code"] for r in removals)
    removed = sum(r["end"] - r["start"] for r in removals)
    row = {"id": record.get("id"), "clean_text": text, "verdict": info.get("verdict", "content"),
           "removed_share": info.get("removed_share", 0.0), "chars_before": len(text) + removed,
           "chars_after": len(text), "n_removals": len(removals), "codes": dict(codes)}
    row.update(text_features(text))
    dedup = info.get("dedup") or {}
    for column in ("cluster_id", "cluster_size"):
        value = record.get(column, dedup.get(column))
        if value is not None:
            row[column] = value
    return row


def read_output(folder: str | Path) -> OutputSummary:
    """Read a pipeline output folder: kept*.jsonl[.gz|.zst] or kept*.parquet,
    rejected*.(same), stats.json."""
    import pandas as pd

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder; give the output folder of `zhclean clean`/`run`")
    kept_files = _output_files(folder, "kept")
    rejected_files = _output_files(folder, "rejected")
    if not kept_files and not rejected_files:
        raise InputError(f"{folder}: no kept*.jsonl or rejected*.jsonl files; give the output "
                         "folder of `zhclean clean`/`run`")
    rows = [_kept_row(r) for p in kept_files for r in _records(p)]
    kept = pd.DataFrame(rows)
    if kept.empty:
        kept = pd.DataFrame(columns=["id", *FRAME_COLUMNS])
    rejected: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    span_codes: Counter[str] = Counter()
    for path in rejected_files:
        for record in _records(path):
            reason = record.get("reason")
            reason = reason if isinstance(reason, str) and reason else "unknown"
            rejected[reason] += 1
            span_codes.update(r["code"] for r in _info(record).get("removals") or [])
            if len(examples.setdefault(reason, [])) < 5:
                examples[reason].append(str(record.get("id")))
    stats: dict[str, Any] = {}
    if (folder / "stats.json").is_file():
        try:
            stats = json.loads((folder / "stats.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            raise InputError(f"{folder / 'stats.json'}: unreadable ({err})") from err
    return OutputSummary(kept, rejected, rejected_examples=examples, rejected_codes=span_codes,
                         pipeline_stats=stats)


def write_report(out_dir: str | Path, to: str | Path | None = None) -> Path:
    """Write ``report.html`` (figures embedded) and ``stats.json`` for a pipeline output folder.

    `to` defaults to ``OUT_DIR/report`` (the folder's own stats.json is not overwritten; it is
    included under ``"pipeline"``). Returns the path of report.html.
    """
    from zhclean.plots import (figure_png, plot_cluster_sizes, plot_han_share, plot_lengths,
                               plot_reasons)

    summary = read_output(out_dir)
    target = Path(to) if to is not None else Path(out_dir) / "report"
    stats = summary.stats()
    figures = {"Removed spans by reason": plot_reasons(summary.span_codes())}
    if summary.rejected:
        figures["Rejected pages by reason"] = plot_reasons(summary.rejected, "Rejected pages by reason")
    if len(summary.kept):
        figures["Page length"] = plot_lengths(summary.kept)
        figures["Han share"] = plot_han_share(summary.kept)
    figures["Duplicate clusters"] = plot_cluster_sizes(summary.kept)
    page = _report_html(Path(out_dir), stats, summary, {k: figure_png(f) for k, f in figures.items()})
    try:
        target.mkdir(parents=True, exist_ok=True)
        (target / "stats.json").write_text(json.dumps(stats, ensure_ascii=False, indent=2) + "\n",
                                           encoding="utf-8")
        (target / "report.html").write_text(page, encoding="utf-8")
    except OSError as err:
        raise OutputError(f"{target}: cannot write the report ({err.strerror})") from err
    return target / "report.html"


def _table(rows: Iterable[tuple[Any, ...]], head: tuple[str, ...]) -> str:
    esc = html.escape
    out = ["<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>"]
    out += ["<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in row) + "</tr>" for row in rows]
    return "".join(out) + "</table>"


def _report_html(folder: Path, stats: dict[str, Any], summary: OutputSummary,
                 images: dict[str, str]) -> str:
    esc = html.escape
    pages = stats["pages"]
    chars = stats["kept_chars"]
    overview = _table([
        ("pages in", pages["total"]), ("kept", pages["kept"]), ("rejected", pages["rejected"]),
        ("characters kept / before cleaning", f"{chars['after']} / {chars['before']}"),
        ("share of kept pages' characters removed", f"{chars['removed_share']:.1%}"),
    ], ("", "value"))
    codes = _table(stats["removed_spans_by_code"].items(), ("code", "spans"))
    rejected = _table(((r, n, ", ".join(summary.rejected_examples.get(r, [])))
                       for r, n in stats["rejected_by_reason"].items()),
                      ("reason", "pages", "examples"))
    top = summary.kept.sort_values("removed_share", ascending=False).head(10) if len(summary.kept) else []
    worst = _table(((r["id"], f"{r['removed_share']:.0%}", ", ".join(
        f"{c}×{n}" for c, n in sorted(r["codes"].items()))) for _, r in
        (top.iterrows() if len(top) else [])), ("id", "removed", "codes"))
    figs = "".join(f'<figure><img alt="{esc(name)}" src="{uri}"><figcaption>{esc(name)}'
                   f"</figcaption></figure>" for name, uri in images.items())
    style = ("body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#111827}"
             "table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #d1d5db;"
             "padding:2px 8px;text-align:left}figure{display:inline-block;margin:0 1em 1em 0}"
             "img{max-width:100%}")
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>zhclean report: {esc(str(folder))}</title><style>{style}</style></head><body>"
            f"<h1>zhclean report</h1><p>{esc(str(folder))}</p>{overview}{figs}"
            f"<h2>Removed spans by code</h2>{codes}<h2>Rejected pages</h2>{rejected}"
            f"<h2>Kept pages with the most removed</h2>{worst}"
            f"<p>Numbers: stats.json beside this file.</p></body></html>")
