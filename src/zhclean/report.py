"""Read what ``zhclean clean``/``run`` wrote (kept*.jsonl, rejected*.jsonl, stats.json) into
frames, and write a self-contained ``report.html`` of it.

- `read_output(out_dir)` -> `OutputSummary` (kept rows in the `zhclean.frame` columns, rejected
  rows with their reasons, counts per reason).
- `write_report(out_dir)` writes ``report.html`` (tables and the `zhclean.plots` figures).
"""
from __future__ import annotations

import gzip
import html
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping

from zhclean.errors import InputError, MissingExtra, OutputError
from zhclean.io.records import json_error
from zhclean.frame import FRAME_COLUMNS, cluster_sizes, reason_counts, text_features

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@dataclass
class OutputSummary:
    """What a pipeline output folder holds, as frames and counts.

    `kept` has the `clean_frame` columns (``chars_before`` is the clean length plus the removed
    characters, as the source itself is not stored); `rejected` counts rejected pages by reason;
    `pipeline_stats` is the folder's own stats.json (empty when absent)."""

    kept: "pd.DataFrame"
    rejected: Counter = field(default_factory=Counter)
    rejected_examples: dict[str, list[str]] = field(default_factory=dict)
    #: removed spans by code on rejected pages that were cleaned first (e.g. doc.too_short);
    #: kept apart: a rejected page's text is not in the corpus, whatever was removed from it
    rejected_codes: Counter = field(default_factory=Counter)
    pipeline_stats: dict[str, Any] = field(default_factory=dict)

    def span_codes(self) -> Counter:
        """Removed spans by code over the kept pages (what cleaning took out of the corpus)."""
        return Counter({k: int(v) for k, v in reason_counts(self.kept).items()})

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
            "removed_spans_on_rejected_pages": dict(self.rejected_codes.most_common()),
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
            raise MissingExtra("parquet", f"{path}: reading Parquet", "pyarrow") from err
        return
    if name.endswith(".gz"):
        handle: Any = gzip.open(path, "rt", encoding="utf-8")
    elif name.endswith(".zst"):
        try:
            import zstandard
        except ImportError as err:
            raise MissingExtra("zstd", f"{path}: reading .zst", "zstandard") from err
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
                    raise InputError(f"{path}, line {n}: not valid JSON ({json_error(err)}); is "
                                     "this a zhclean output folder?") from err


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
           "reason": None, "removed_share": info.get("removed_share", 0.0), "chars_before": len(text) + removed,
           "chars_after": len(text), "n_removals": len(removals), "codes": dict(codes)}
    row.update(text_features(text))
    dedup = info.get("dedup") or {}
    for column in ("cluster_id", "cluster_size"):
        value = record.get(column, dedup.get(column))
        if value is not None:
            row[column] = value
    return row


def _pipeline_stats(folder: Path) -> dict[str, Any]:
    """The folder's own stats.json (empty when absent)."""
    if not (folder / "stats.json").is_file():
        return {}
    try:
        stats = json.loads((folder / "stats.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise InputError(f"{folder / 'stats.json'}: unreadable ({err})") from err
    return stats if isinstance(stats, dict) else {}


def read_output(folder: str | Path) -> OutputSummary:
    """Read a pipeline output folder: the kept and rejected files its stats.json lists (only
    those: other files in the folder are not the run's), or without such a list every
    kept*.jsonl[.gz|.zst] / kept*.parquet and rejected*.(same)."""
    import pandas as pd

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder; give the output folder of `zhclean clean`/`run`")
    stats = _pipeline_stats(folder)
    listed = stats.get("outputs")
    if isinstance(listed, dict):  # the run's own files, and no others that may lie there
        kept_files, rejected_files = ([folder / str(name) for name in listed.get(kind) or []]
                                      for kind in ("kept", "rejected"))
        for path in (*kept_files, *rejected_files):
            if not path.is_file():
                raise InputError(f"{folder}: stats.json lists {path.name}, which is missing; "
                                 "the output folder is incomplete (re-run the command)")
    else:  # a folder from before stats.json listed its files, or made by hand
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
    return OutputSummary(kept, rejected, rejected_examples=examples, rejected_codes=span_codes,
                         pipeline_stats=stats)


def write_report(out_dir: str | Path, to: str | Path | None = None) -> Path:
    """Write ``report.html`` (figures embedded) and ``stats.json`` for a pipeline output folder.

    `to` defaults to ``OUT_DIR/report`` (the folder's own stats.json is not overwritten; it is
    included under ``"pipeline"``). Returns the path of report.html.
    """
    from zhclean.plots import figure_png

    summary = read_output(out_dir)
    target = Path(to) if to is not None else Path(out_dir) / "report"
    stats = summary.stats()
    figures = [(title, caption, figure_png(fig)) for title, caption, fig in report_figures(summary)]
    page = _report_html(Path(out_dir), stats, summary, figures)
    try:
        target.mkdir(parents=True, exist_ok=True)
        (target / "stats.json").write_text(json.dumps(stats, ensure_ascii=False, indent=2) + "\n",
                                           encoding="utf-8")
        (target / "report.html").write_text(page, encoding="utf-8")
    except OSError as err:
        raise OutputError(f"{target}: cannot write the report ({err.strerror})") from err
    return target / "report.html"


def report_figures(summary: OutputSummary) -> list[tuple[str, str, "Any"]]:
    """The report's figures: ``(title, caption, matplotlib Figure)``; the caption says what
    is counted, which the title does not."""
    from zhclean.plots import plot_cluster_sizes, plot_han_share, plot_lengths, plot_reasons

    figures = [("Removed spans by reason",
                "Spans the cleaner cut out of the kept pages, by reason code. Pages rejected "
                "as a whole are not counted here: they are in the rejected pages.",
                plot_reasons(summary.span_codes(), "Removed spans by reason", unit="spans"))]
    if summary.rejected:
        figures.append(("Rejected pages by reason",
                        "Pages left out of the output, by the code they were rejected with: bad "
                        "records (input.*), nothing genuine left (clean.*), document filters "
                        "(doc.*), duplicates (dup.*).",
                        plot_reasons(summary.rejected, "Rejected pages by reason", unit="pages")))
    if len(summary.kept):
        figures.append(("Page length before and after cleaning",
                        "Characters per kept page in the input and in the clean text, on a "
                        "log scale.", plot_lengths(summary.kept)))
        figures.append(("Han share",
                        "Share of Han characters among the non-space characters of each kept "
                        "page's clean text.", plot_han_share(summary.kept)))
    figures.append(("Duplicate cluster sizes",
                    "Clusters of duplicate pages by the number of pages in them; each "
                    "cluster's best page is kept, the others are rejected as dup.*.",
                    plot_cluster_sizes(summary.kept)))
    return figures


def _number(value: Any) -> str:
    """A count with thousands separators; anything else as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _table(rows: Iterable[tuple[Any, ...]], head: tuple[str, ...]) -> str:
    esc = html.escape
    out = ["<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>"]
    out += ["<tr>" + "".join(f"<td>{esc(_number(c))}</td>" for c in row) + "</tr>" for row in rows]
    return "".join(out) + "</table>"


def _report_html(folder: Path, stats: dict[str, Any], summary: OutputSummary,
                 images: list[tuple[str, str, str]]) -> str:
    esc = html.escape
    pages = stats["pages"]
    chars = stats["kept_chars"]
    overview = _table([
        ("pages in", pages["total"]), ("kept", pages["kept"]), ("rejected", pages["rejected"]),
        ("characters kept / before cleaning", f"{chars['after']:,} / {chars['before']:,}"),
        ("share of kept pages' characters removed", f"{chars['removed_share']:.1%}"),
    ], ("", "value"))
    codes = _table(stats["removed_spans_by_code"].items(), ("code", "spans"))
    codes_rejected = _table(stats["removed_spans_on_rejected_pages"].items(), ("code", "spans"))
    rejected = _table(((r, n, ", ".join(summary.rejected_examples.get(r, [])))
                       for r, n in stats["rejected_by_reason"].items()),
                      ("reason", "pages", "examples"))
    top = summary.kept.sort_values("removed_share", ascending=False).head(10) if len(summary.kept) else []
    worst = _table(((r["id"], f"{r['removed_share']:.0%}", ", ".join(
        f"{c}×{n}" for c, n in sorted(r["codes"].items()))) for _, r in
        (top.iterrows() if len(top) else [])), ("id", "removed", "codes"))
    figs = "".join(f'<figure><img alt="{esc(title)}" src="{uri}"><figcaption>{esc(caption)}'
                   f"</figcaption></figure>" for title, caption, uri in images)
    style = ("body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#111827}"
             "table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #d1d5db;"
             "padding:2px 8px;text-align:left}figure{display:inline-block;margin:0 1em 1em 0}"
             "img{max-width:100%}")
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>zhclean report: {esc(str(folder))}</title><style>{style}</style></head><body>"
            f"<h1>zhclean report</h1><p>{esc(str(folder))}</p>{overview}{figs}"
            f"<h2>Removed spans by code</h2><p>On the kept pages.</p>{codes}"
            f"<h2>Rejected pages</h2>{rejected}"
            f"<h3>Spans removed from rejected pages before they were rejected</h3>{codes_rejected}"
            f"<h2>Kept pages with the most removed</h2>{worst}"
            f"<p>Numbers: stats.json beside this file.</p></body></html>")
