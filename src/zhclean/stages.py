"""The per-page stages of a batch run, as functions of one record: `clean_record` (parse
result -> normalized, cleaned work record) then `finish_record` (the repeated-line cut and the
document filters). `Stages` holds what a config compiles to, built once per process;
`pipeline.py` composes these into a run and the engines (`engines/tasks.py`) call them per chunk.

A work record is ``{"status": "kept"|"rejected", "record": ..., "input_text": ...}``; every
rejection carries a reason code (``input.*`` from parsing, ``clean.*``, ``doc.*``).

The fields zhclean adds to a record are `OUR_FIELDS`: ``zhclean`` (every record) and
``reason``/``detail`` (rejected ones). An input field of one of these names is never
overwritten: its value moves to ``zhclean.input_fields`` (`with_ours`, `mark_rejected`).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from zhclean.cleaner import Cleaner
from zhclean.config import Config
from zhclean.document import ALL_JUNK, EMPTY, CleanedPage, has_content, render_kept
from zhclean.io.records import FieldNames, InputRecord
from zhclean.normalize import normalize
from zhclean.quality import DocumentFilters

#: What a run does: every stage (`run`), the cleaner alone (`clean`), dedup alone (`dedup`).
MODES = ("run", "clean", "dedup")
#: Fields zhclean adds to output records.
OUR_FIELDS = ("zhclean", "reason", "detail")
ALL_JUNK_CODE = "clean.all_junk"
EMPTY_CODE = "input.empty"
CLEAN_ERROR_CODE = "clean.error"


@dataclass(frozen=True)
class Stages:
    """The compiled stages for one config and mode (built once per process)."""

    config: Config
    mode: str
    names: FieldNames
    cleaner: Cleaner | None
    filters: DocumentFilters | None
    dedup: Any  # zhclean.dedup.DedupConfig when dedup runs, else None
    #: The repeated-line pass runs (phase 1b): filters and signing wait for it.
    line_pass: bool = False


@lru_cache(maxsize=8)
def stages_for(config: Config, mode: str) -> Stages:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    run = config.run
    names = FieldNames(run.text_field, run.id_field, run.title_field, run.max_text_bytes)
    cleaner = Cleaner(config.clean, config.normalize) if mode != "dedup" and config.clean.enabled else None
    filters = DocumentFilters(config.filters) if mode == "run" and config.filters.enabled else None
    dedup = dedup_config(config) if mode in ("run", "dedup") else None
    line_pass = mode == "run" and bool(getattr(getattr(config, "dedup", None), "repeated_lines", False))
    return Stages(config, mode, names, cleaner, filters, dedup, line_pass)


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


def clean_record(rec: InputRecord, st: Stages, timer: Timer) -> dict[str, Any]:
    """A parsed record -> a work record ``{"status": "kept"|"rejected", "record": ...}``,
    after normalizing and cleaning. A kept record holds the clean text and the `zhclean`
    field; its ``input_text`` (the text as read) restores the input if a later stage rejects
    the page."""
    if rec.reason is not None:
        return _rejected(rec.fields, rec.reason, rec.detail)
    assert rec.text is not None
    if st.mode == "dedup":
        return {"status": "kept", "record": with_ours(rec.fields, None), "input_text": rec.text}
    t = time.perf_counter()
    try:
        if st.cleaner is not None:
            page = st.cleaner(rec.text, rec.title)
        else:
            page = CleanedPage(source=normalize(rec.text, st.config.normalize.fixes))
        info = page.to_dict()
        clean = page.text
    except Exception as exc:  # a cleaner bug on odd input must not stop the batch
        timer.add("clean", t)
        return _rejected(rec.fields, CLEAN_ERROR_CODE,
                         {"error": f"{type(exc).__name__}: {exc}"[:1000]})
    timer.add("clean", t)
    reason = rejection_of(page)
    if reason == EMPTY_CODE:
        return _rejected(rec.fields, EMPTY_CODE, {"chars": len(rec.text)}, info)
    if reason == ALL_JUNK_CODE:
        return _rejected(rec.fields, ALL_JUNK_CODE,
                         {"removed_share": info["removed_share"], "codes": page.codes()}, info)
    return {"status": "kept", "record": with_ours({**rec.fields, st.names.text: clean}, info),
            "input_text": rec.text}


def rejection_of(page: CleanedPage) -> str | None:
    """The code a run rejects a cleaned page with (nothing to clean, nothing genuine left),
    or None when the page goes on to the filters."""
    return {EMPTY: EMPTY_CODE, ALL_JUNK: ALL_JUNK_CODE}.get(page.verdict)


def finish_record(line: dict[str, Any], st: Stages, timer: Timer, line_counts: Any = None
                  ) -> dict[str, Any]:
    """The stages after cleaning: cut lines that recur across the corpus (`line_counts`, a
    `LineCounter`, when the repeated-line pass runs), then the document filters."""
    if line["status"] != "kept" or st.mode != "run":
        return line
    record = line["record"]
    info = record["zhclean"]
    clean = record[st.names.text]
    removed_share = info["removed_share"]
    if line_counts is not None:
        t = time.perf_counter()
        found = line_counts.removals(clean)
        if found:
            cut = render_kept(clean, found)
            before = sum(1 for c in clean if not c.isspace()) or 1
            after = sum(1 for c in cut if not c.isspace())
            removed_share = round(1 - (1 - removed_share) * after / before, 4)
            info["repeated_lines"] = [r.to_dict() for r in found]  # offsets into the clean text
            record[st.names.text] = clean = cut
        timer.add("repeated_lines", t)
        if found and not has_content(clean):
            return _reject_kept(line, st, ALL_JUNK_CODE,
                                {"removed_share": removed_share, "stage": "repeated_lines"})
    if st.filters is not None:
        t = time.perf_counter()
        features, rejection = st.filters(clean, removed_share)
        info["quality"] = features
        timer.add("filter", t)
        if rejection is not None:
            return _reject_kept(line, st, rejection.code, dict(rejection.detail))
    return line


def process_record(rec: InputRecord, st: Stages, timer: Timer) -> dict[str, Any]:
    """`clean_record` then `finish_record` (without the repeated-line pass)."""
    return finish_record(clean_record(rec, st, timer), st, timer)


def with_ours(fields: dict[str, Any], info: dict[str, Any] | None, **ours: Any) -> dict[str, Any]:
    """An output record: the input `fields`, then our `ours` (``reason``, ``detail``) and
    `info` as ``zhclean`` (None: no ``zhclean`` field unless a user field had to move). An
    input field named like one of ours moves to ``zhclean.input_fields``."""
    taken = [name for name in OUR_FIELDS if name in fields and (name in ours or name == "zhclean")]
    if taken:
        info = {**(info or {}), "input_fields": {name: fields[name] for name in taken}}
        fields = {k: v for k, v in fields.items() if k not in taken}
    record = {**fields, **ours}
    if info is not None:
        record["zhclean"] = info
    return record


def mark_rejected(record: dict[str, Any], reason: str, detail: dict[str, Any]) -> None:
    """Reject an output record built by `with_ours` (its ``zhclean``, if any, is ours): set
    ``reason`` and ``detail``, moving input fields of those names to ``zhclean.input_fields``
    (the ``zhclean`` field stays last)."""
    info = record.pop("zhclean", None)
    moved = {name: record.pop(name) for name in ("reason", "detail") if name in record}
    if moved:
        info = info if info is not None else {}
        info["input_fields"] = {**info.get("input_fields", {}), **moved}
    record.update(reason=reason, detail=detail)
    if info is not None:
        record["zhclean"] = info


def _rejected(fields: dict[str, Any], reason: str, detail: dict[str, Any],
              info: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"status": "rejected", "record": with_ours(fields, info, reason=reason, detail=detail)}


def _reject_kept(line: dict[str, Any], st: Stages, reason: str, detail: dict[str, Any]) -> dict[str, Any]:
    """Reject a page that was kept so far: the input record (text as read) + reason."""
    record = line["record"]
    record[st.names.text] = line["input_text"]
    mark_rejected(record, reason, detail)
    return {"status": "rejected", "record": record}
