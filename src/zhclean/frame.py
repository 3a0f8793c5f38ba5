"""Clean a pandas DataFrame of pages and count what was removed: the notebook's view.

pandas is imported when a function needs it, so ``import zhclean`` stays quick; the plots of
these frames are in `zhclean.plots`.

- `clean_frame(df)` cleans a DataFrame column and returns one row per page: the input
  columns, then clean text, verdict, the reason `zhclean run` would reject the page for,
  removed share, reason codes with counts, features of the clean text, and dedup clusters
  (when the input has them, or with ``dedup=True``). Its defaults are those of `zhclean run`
  (fields ``text``, ``id``, ``title``), and bad records get the same ``input.*`` codes.
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

#: Columns `clean_frame` adds, in order, after the input columns (the dedup columns last when
#: present).
FRAME_COLUMNS = ("clean_text", "verdict", "reason", "removed_share", "chars_before", "chars_after",
                 "n_removals", "codes", "han_share", "punct_share", "repeated_line_share")
#: Verdict of a bad record: a text that is missing, not a string, not UTF-8 or too large (it is
#: kept in the frame, never dropped silently; ``reason`` holds its ``input.*`` code).
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


def page_row(page: Any, reason: str | None = None) -> dict[str, Any]:
    """One `clean_frame` row for a `CleanedPage` (`reason`: why a run rejects it, if it does)."""
    text = page.text
    row = {
        "clean_text": text,
        "verdict": page.verdict,
        "reason": reason,
        "removed_share": page.removed_share,
        "chars_before": len(page.source),
        "chars_after": len(text),
        "n_removals": len(page.removals),
        "codes": page.codes(),
    }
    row.update(text_features(text))
    return row


def _bad_record_row(reason: str) -> dict[str, Any]:
    return {"clean_text": None, "verdict": NO_TEXT, "reason": reason, "removed_share": 0.0,
            "chars_before": 0, "chars_after": 0, "n_removals": 0, "codes": {}, "han_share": 0.0,
            "punct_share": 0.0, "repeated_line_share": 0.0}


# --- the frame ----------------------------------------------------------------------------


def clean_frame(df: "pd.DataFrame", text: str = "text", title: str | None = "title",
                id: str | None = "id", config: Any = None, dedup: bool = False,
                filters: bool = False, chunk_size: int = 10_000, progress: bool | None = None,
                workers: int = 1) -> "pd.DataFrame":
    """Clean the `text` column of `df`; one row per input row, same index.

    The defaults are those of `zhclean run`: the text in ``text``, ids in ``id``, and titles in
    ``title`` when `df` has that column (``title=None``: no titles). Columns: every column of
    `df`, then `FRAME_COLUMNS` (an input column of the same name is replaced; ``codes`` is a
    dict code -> number of spans, `reason_counts` sums it). ``reason`` is the code
    `zhclean run` rejects the page with (None for a page it keeps): ``input.*`` for a bad
    record (verdict ``no_text``: a text missing, not a string, not UTF-8 or too large, as the
    CLI reads it), ``input.empty``, ``clean.all_junk``, ``clean.error``, and with
    ``filters=True`` the document filters' ``doc.*``. ``dedup=True`` runs `zhclean.dedup` on
    the clean texts of the pages a run would keep and adds ``cluster_id``, ``cluster_size``,
    ``dup_code`` and ``duplicate_of``; ``filters=True, dedup=True`` is what `zhclean run`
    does, page for page.

    Rows are cleaned `chunk_size` at a time with a tqdm bar (shown by default when there is
    more than one chunk), in `workers` processes when more than one (about 50 pages/s per
    process on 2 KB pages). `config` is a `Config` or a `CleanConfig` (defaults when None).
    """
    import pandas as pd
    from tqdm import tqdm

    if text not in df.columns:
        raise InputError(f"clean_frame: no column {text!r} in the DataFrame "
                         f"(columns: {', '.join(map(str, df.columns))}); pass text=...")
    if title is not None and title not in df.columns:
        from zhclean.config import RunConfig

        if title != RunConfig.title_field:  # the default, as in a run: used when it is there
            raise InputError(f"clean_frame: no title column {title!r} in the DataFrame "
                             f"(columns: {', '.join(map(str, df.columns))}); pass title=None "
                             "for none")
        title = None
    if chunk_size < 1 or workers < 1:
        raise ValueError(f"chunk_size and workers must be at least 1, got {chunk_size}, {workers}")
    config = _whole_config(config)
    starts = range(0, len(df), chunk_size)
    texts = [df[text].iloc[s:s + chunk_size] for s in starts]
    titles = [list(df[title].iloc[s:s + chunk_size]) if title is not None else None for s in starts]
    if progress is None:
        progress = len(df) > chunk_size
    parts = []
    added = list(FRAME_COLUMNS)
    with tqdm(total=len(df), disable=not progress, unit="page", desc="cleaning") as bar:
        jobs = ((list(t), h, config, filters) for t, h in zip(texts, titles))
        for chunk, rows in zip(texts, _map_chunks(jobs, workers, bar)):
            parts.append(pd.DataFrame(rows, index=chunk.index, columns=added))
    cleaned = pd.concat(parts) if parts else pd.DataFrame(columns=added, index=df.index)
    # the input columns, then ours; copied by position (`.array`), so a repeated index label
    # cannot misalign them
    frame = df[[c for c in df.columns if c not in added]].copy()
    for column in added:
        frame[column] = cleaned[column].array
    if dedup:
        frame = _with_clusters(frame, id if id is not None and id in df.columns else None, config)
    return frame


def _whole_config(config: Any) -> Any:
    """A `Config` from None, a `Config` or a `CleanConfig` (what `clean_frame` accepts)."""
    from zhclean.config import CleanConfig, Config

    if config is None:
        return Config()
    if isinstance(config, CleanConfig):
        return Config(clean=config)
    return config


def _map_chunks(jobs: Iterator[tuple[Any, ...]], workers: int, bar: Any) -> Iterator[list[dict[str, Any]]]:
    """`_clean_rows` over the jobs, in order, moving `bar` a row at a time (in one process) or
    a chunk at a time (with workers); at most two chunks per worker are in flight, so memory
    stays bounded on a large frame."""
    if workers == 1:
        for job in jobs:
            yield _clean_rows(*job, on_row=bar.update)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque[Any] = deque()

        def done() -> list[dict[str, Any]]:
            rows = pending.popleft().result()
            bar.update(len(rows))
            return rows

        for job in jobs:
            pending.append(pool.submit(_clean_rows, *job))
            if len(pending) >= 2 * workers:
                yield done()
        while pending:
            yield done()


def _clean_rows(texts: list[Any], titles: list[Any] | None, config: Any, filters: bool,
                on_row: Any = None) -> list[dict[str, Any]]:
    """`clean_frame` rows for one chunk (runs in a worker process when ``workers > 1``). Each
    value is read as `zhclean run` reads a record's fields (`io.records.parse_item`), cleaned
    by the same stages, and rejected with the same codes."""
    from zhclean.io.records import RawItem, parse_item
    from zhclean.stages import CLEAN_ERROR_CODE, rejection_of, stages_for

    st = stages_for(config, "run" if filters else "clean")
    names = st.names
    rows = []
    for i, value in enumerate(texts):
        fields = {} if _missing(value) else {names.text: value}
        if titles is not None and isinstance(titles[i], str):
            fields[names.title] = titles[i]
        rec = parse_item(RawItem(i + 1, fields), "frame", names)
        if rec.reason is not None:
            rows.append(_bad_record_row(rec.reason))
        else:
            assert rec.text is not None
            try:
                page = st.cleaner(rec.text, rec.title) if st.cleaner is not None else None
            except Exception:  # as in a run: one page's cleaner bug does not stop the frame
                rows.append({**_bad_record_row(CLEAN_ERROR_CODE), "verdict": "error"})
            else:
                if page is None:  # [clean] enabled = false: normalization only
                    from zhclean.document import CleanedPage
                    from zhclean.normalize import normalize

                    page = CleanedPage(source=normalize(rec.text, config.normalize.fixes))
                reason = rejection_of(page)
                if reason is None and st.filters is not None:
                    _, rejection = st.filters(page.text, round(page.removed_share, 4))
                    reason = rejection.code if rejection is not None else None
                rows.append(page_row(page, reason))
        if on_row is not None:
            on_row(1)
    return rows


def _missing(value: Any) -> bool:
    """A missing value of a frame (None, NaN, NA): a record without the text field."""
    import pandas as pd

    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


def _with_clusters(frame: "pd.DataFrame", id: str | None, config: Any) -> "pd.DataFrame":
    import pandas as pd

    from zhclean.dedup import Deduplicator
    from zhclean.stages import dedup_config

    # dedup keys are row positions, zero-padded so that they sort in input order as a run's
    # keys do (ids may repeat or be missing); results name the ids
    names = list(frame[id] if id is not None else frame.index)
    keys = [f"{k:012d}" for k in range(len(frame))]
    pages = [(k, t) for k, t, r in zip(keys, frame["clean_text"], frame["reason"])
             if pd.isna(r) and isinstance(t, str)]
    decisions = Deduplicator(dedup_config(config)).run(pages) if dedup_config(config) else {}
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
