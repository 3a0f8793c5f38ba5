"""Regression on samples: compare today's cleaning with golden outputs, page by page.

The golden folder holds one JSON file per page (``<id>.json``): the page id, a hash of the
normalized source, the verdict, the clean text and every removed span with its code and
text. Files are pretty-printed so a reviewer reads the change in a pull request.

`regress` cleans each sample page and compares it with its golden output at character level:
spans newly removed, spans restored (removed before, kept now) and spans whose code changed,
each with its text; a page whose input changed since the golden was written is reported with a
line diff of the clean text. ``update=True`` accepts today's output as the new golden.
"""
from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from zhclean.errors import InputError, OutputError, ZhcleanError
from zhclean.labels import iter_json_lines

#: Format version written into each golden file.
GOLDEN_VERSION = 1
#: Characters of context shown on each side of a changed span.
CONTEXT = 8
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,100}")


class OutputChanged(ZhcleanError):
    """``zhclean regress`` found pages whose output differs from the golden outputs."""

    exit_code = 1


# --- golden files -------------------------------------------------------------------------


def snapshot(page_id: str, page: Any) -> dict[str, Any]:
    """The golden record of one cleaned page (detail/evidence left out: it is not the output)."""
    return {
        "version": GOLDEN_VERSION,
        "id": page_id,
        "source_sha1": hashlib.sha1(page.source.encode("utf-8")).hexdigest(),
        "verdict": page.verdict,
        "removals": [{"start": r.start, "end": r.end, "code": r.code,
                      "text": page.source[r.start:r.end]} for r in page.removals],
        "text": page.text,
    }


def golden_name(page_id: str) -> str:
    """The file name for a page id: the id itself when it is a safe file name, otherwise a
    cleaned-up id plus a short hash (ids stay unique)."""
    if _SAFE_NAME.fullmatch(page_id) and not page_id.endswith("."):
        return page_id + ".json"
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", page_id)[:60].strip("._") or "page"
    return f"{stem}-{hashlib.sha1(page_id.encode('utf-8')).hexdigest()[:10]}.json"


def load_golden(folder: str | Path) -> dict[str, tuple[Path, dict[str, Any]]]:
    """Golden records in `folder` by page id (with their files); an absent folder is empty."""
    folder = Path(folder)
    out: dict[str, tuple[Path, dict[str, Any]]] = {}
    if not folder.exists():
        return out
    if not folder.is_dir():
        raise InputError(f"{folder}: the golden outputs must be a folder")
    for path in sorted(folder.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise InputError(f"{path}: not a golden output ({err}); fix it or re-run with "
                             "--update") from err
        if not isinstance(record, dict) or "id" not in record or "removals" not in record:
            raise InputError(f"{path}: not a golden output (needs 'id' and 'removals'); "
                             "re-run with --update")
        out[str(record["id"])] = (path, record)
    return out


# --- comparing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SpanChange:
    """A stretch of the page whose fate changed: ``removed`` (kept before), ``restored``
    (removed before), or ``recoded`` (removed both times, under another code)."""

    status: str
    start: int
    end: int
    old_code: str | None
    new_code: str | None
    text: str
    #: up to `CONTEXT` characters of the page before and after the span, to find it by
    before: str = ""
    after: str = ""

    def format(self, width: int = 70) -> str:
        """One line: sign, status, offsets, code(s), and the span «in its context»."""
        sign = {"removed": "+", "restored": "-", "recoded": "~"}[self.status]
        codes = {"removed": self.new_code, "restored": f"was {self.old_code}",
                 "recoded": f"{self.old_code} -> {self.new_code}"}[self.status]
        snippet = self.text
        if len(snippet) > width:
            snippet = snippet[: width - 1] + "…"
        shown = f"{self.before}⟦{snippet}⟧{self.after}".replace("\n", "⏎")
        return f"  {sign} {self.status:8s} [{self.start}:{self.end}] {codes}  «{shown}»"


@dataclass(frozen=True)
class PageChange:
    """How one page differs from its golden output. `status`: ``changed``, ``new`` (no golden
    yet), ``gone`` (a golden without a sample page) or ``input_changed`` (the normalized
    source differs, so spans cannot be compared: `text_diff` is a line diff of the clean text)."""

    id: str
    status: str
    old_verdict: str | None = None
    new_verdict: str | None = None
    spans: tuple[SpanChange, ...] = ()
    text_diff: tuple[str, ...] = ()

    def format(self) -> str:
        verdict = (f"verdict {self.old_verdict} -> {self.new_verdict}"
                   if self.old_verdict != self.new_verdict else f"verdict {self.new_verdict}")
        if self.status == "new":
            return f"{self.id}: new page, no golden output yet (verdict {self.new_verdict})"
        if self.status == "gone":
            return f"{self.id}: golden output without a sample page"
        if self.status == "input_changed":
            return "\n".join([f"{self.id}: the input changed since the golden output ({verdict}); "
                              "clean text diff:"] + [f"  {line}" for line in self.text_diff])
        return "\n".join([f"{self.id}: {len(self.spans)} span(s) changed ({verdict})"]
                         + [s.format() for s in self.spans])


def _code_map(length: int, removals: Iterable[dict[str, Any]]) -> list[str | None]:
    codes: list[str | None] = [None] * length
    for r in removals:
        for i in range(max(0, r["start"]), min(length, r["end"])):
            codes[i] = r["code"]
    return codes


def span_changes(source: str, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[SpanChange]:
    """Character-level differences between two sets of removals over the same source,
    grouped into maximal runs with the same (old code, new code)."""
    before = _code_map(len(source), old)
    after = _code_map(len(source), new)
    changes = []
    i = 0
    while i < len(source):
        if before[i] == after[i]:
            i += 1
            continue
        j = i
        while j < len(source) and before[j] == before[i] and after[j] == after[i]:
            j += 1
        status = "removed" if before[i] is None else "restored" if after[i] is None else "recoded"
        changes.append(SpanChange(status, i, j, before[i], after[i], source[i:j],
                                  source[max(0, i - CONTEXT):i], source[j:j + CONTEXT]))
        i = j
    return changes


def compare(golden: dict[str, Any], current: dict[str, Any], source: str) -> PageChange | None:
    """Compare a golden record with today's (both from `snapshot`); None when they agree.
    `source` is today's normalized page (`CleanedPage.source`). Spans of whitespace alone that
    changed sides are not reported unless the clean text itself changed."""
    page_id = current["id"]
    old_v, new_v = golden.get("verdict"), current["verdict"]
    if golden.get("source_sha1") != current["source_sha1"]:
        if golden.get("text") == current["text"] and old_v == new_v:
            return None
        diff = difflib.unified_diff(str(golden.get("text", "")).split("\n"),
                                    current["text"].split("\n"), "golden", "today", n=0,
                                    lineterm="")
        return PageChange(page_id, "input_changed", old_v, new_v,
                          text_diff=tuple(line for line in diff if not line.startswith("@@")))
    spans = [s for s in span_changes(source, golden["removals"], current["removals"])
             if s.text.strip()]  # a line break changing sides alters nothing a reader sees
    if not spans and old_v == new_v:
        if golden.get("text") == current["text"]:
            return None
        spans = span_changes(source, golden["removals"], current["removals"])
    return PageChange(page_id, "changed", old_v, new_v, tuple(spans))


# --- running ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regression:
    """The outcome of one regression run."""

    checked: int
    changes: tuple[PageChange, ...]
    skipped: tuple[tuple[str, str], ...] = ()
    updated: bool = False

    @property
    def ok(self) -> bool:
        """No change (or the changes were accepted with ``update``)."""
        return self.updated or not self.changes

    def format(self) -> str:
        lines = [change.format() for change in self.changes]
        lines += [f"{page_id}: skipped ({why})" for page_id, why in self.skipped]
        n = len(self.changes)
        if self.updated:
            lines.append(f"{self.checked} pages checked; {n} golden output(s) written or removed")
        else:
            lines.append(f"{self.checked} pages checked; {n} changed"
                         + ("" if n == 0 else "; accept with --update if the changes are right"))
        return "\n".join(lines)


def load_samples(path: str | Path) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Sample pages (JSONL with ``id``, ``text`` and optional ``title``), and the ids skipped
    because they have no text to clean, with why."""
    pages: list[dict[str, Any]] = []
    skipped: list[tuple[str, str]] = []
    seen: set[str] = set()
    for n, record in iter_json_lines(path, "samples"):
        if not isinstance(record, dict) or "id" not in record:
            raise InputError(f"{path}, line {n}: expected an object with an 'id' field")
        page_id = str(record["id"])
        if page_id in seen:
            raise InputError(f"{path}, line {n}: id {page_id!r} appears twice; ids must be unique")
        seen.add(page_id)
        if not isinstance(record.get("text"), str):
            skipped.append((page_id, "no 'text' string"))
            continue
        pages.append(record)
    return pages, skipped


def regress(samples: str | Path, golden_dir: str | Path, clean: Callable[..., Any] | None = None,
            update: bool = False) -> Regression:
    """Clean every sample page and compare with the golden outputs in `golden_dir`.

    `clean` is a `Cleaner` (default configuration when None). With `update`, today's outputs
    are written as the golden ones (changed and new pages; goldens of pages no longer in the
    samples are deleted) and the result reports what was accepted.
    """
    if clean is None:
        from zhclean.cleaner import Cleaner

        clean = Cleaner()
    pages, skipped = load_samples(samples)
    golden = load_golden(golden_dir)
    changes: list[PageChange] = []
    to_write: list[dict[str, Any]] = []
    for record in pages:
        page_id = str(record["id"])
        page = clean(record["text"], record.get("title"))
        current = snapshot(page_id, page)
        if page_id not in golden:
            changes.append(PageChange(page_id, "new", None, current["verdict"]))
            to_write.append(current)
            continue
        change = compare(golden[page_id][1], current, page.source)
        if change is not None:
            changes.append(change)
            to_write.append(current)
    ids = {str(r["id"]) for r in pages}
    stale = [page_id for page_id in golden if page_id not in ids]
    changes += [PageChange(page_id, "gone") for page_id in stale]
    if update:
        _write(Path(golden_dir), to_write, [golden[page_id][0] for page_id in stale])
    return Regression(len(pages), tuple(changes), tuple(skipped), updated=update)


def _write(folder: Path, records: list[dict[str, Any]], remove: list[Path]) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for record in records:
            path = folder / golden_name(record["id"])
            path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        for path in remove:
            path.unlink()
    except OSError as err:
        raise OutputError(f"{folder}: cannot write the golden outputs ({err.strerror})") from err
