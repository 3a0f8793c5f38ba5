"""Clean a pandas DataFrame of pages and count what was removed: the notebook's view.

pandas is imported when a function needs it, so ``import zhclean`` stays quick; the plots of
these frames are in `zhclean.plots`.

- `clean_frame(df)` cleans a DataFrame column and returns one row per page: clean text,
  verdict, removed share, reason codes with counts, features of the clean text, and dedup
  clusters (when the input has them, or with ``dedup=True``).
- `reason_counts` and `cluster_sizes` count from that frame.
"""
from __future__ import annotations

import unicodedata
from collections import Counter, deque
from typing import TYPE_CHECKING, Any, Iterator

import regex

from zhclean.errors import InputError

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
