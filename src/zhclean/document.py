"""The one shared data model: a page is one normalized string; every decision is a Removal.

Rules, context decisions, document filters and dedup all speak in `Removal`s over spans of
`CleanedPage.source` (the normalized text). The clean text is derived from the source and the
removals, never stored twice.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Mapping

#: Verdicts a cleaned page can carry.
CONTENT = "content"
ALL_JUNK = "all_junk"
EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class Removal:
    """A span of the normalized text that is not genuine content, and why.

    `code` is stable and dotted (``spam.hotline``, ``boilerplate.footer``); `detail` carries the
    evidence (matched text, measured value and threshold).
    """

    start: int
    end: int
    code: str
    detail: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span [{self.start}, {self.end}) for {self.code}")

    @property
    def kind(self) -> str:
        """The last part of the code: ``spam.hotline`` -> ``hotline``."""
        return self.code.rsplit(".", 1)[-1]

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "code": self.code, "detail": dict(self.detail)}


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of the normalized text: a line, or a sentence/clause inside a line.

    `start`/`end` are offsets into the page's normalized text; `text` is that slice.
    """

    start: int
    end: int
    text: str
    line: int  # index of the line this segment belongs to

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class CleanedPage:
    """The result of cleaning one page.

    `source` is the normalized input; `removals` are sorted, non-overlapping spans of it.
    `text` (the clean text) is derived: the source with removed spans cut out, line structure
    kept, blank lines collapsed.
    """

    source: str
    removals: tuple[Removal, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    features: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return render_kept(self.source, self.removals)

    @property
    def verdict(self) -> str:
        """``content`` when genuine text remains, ``all_junk`` when the cleaner removed it
        all, ``empty`` when the input had no text to begin with."""
        if not self.source.strip():
            return EMPTY
        return CONTENT if has_content(self.text) else ALL_JUNK

    @property
    def removed_chars(self) -> int:
        return sum(r.end - r.start for r in self.removals)

    @property
    def removed_share(self) -> float:
        """Share of the page's non-space characters that the cleaner removed."""
        total = _visible(self.source)
        if not total:
            return 0.0
        gone = sum(_visible(self.source[r.start:r.end]) for r in self.removals)
        return gone / total

    def codes(self) -> dict[str, int]:
        """Number of removals per reason code."""
        counts: dict[str, int] = {}
        for r in self.removals:
            counts[r.code] = counts.get(r.code, 0) + 1
        return counts

    def explain(self, width: int = 60) -> str:
        """A readable listing: one line per removed span with its code and evidence."""
        lines = [f"verdict: {self.verdict}; removed {len(self.removals)} spans, "
                 f"{self.removed_share:.0%} of the page"]
        for r in self.removals:
            snippet = self.source[r.start:r.end].replace("\n", "⏎")
            if len(snippet) > width:
                snippet = snippet[: width - 1] + "…"
            evidence = ", ".join(f"{k}={v}" for k, v in r.detail.items())
            lines.append(f"  [{r.start}:{r.end}] {r.code:28s} {snippet}" + (f"  ({evidence})" if evidence else ""))
        if self.metadata:
            lines.append("metadata: " + ", ".join(f"{k}={v}" for k, v in self.metadata.items()))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The machine-readable record stored in the `zhclean` field of the output."""
        return {
            "verdict": self.verdict,
            "removed_share": round(self.removed_share, 4),
            "removals": [r.to_dict() for r in self.removals],
            "metadata": dict(self.metadata),
        }

    def _repr_html_(self) -> str:  # Jupyter
        from zhclean.render import page_html

        return page_html(self)


def _visible(text: str) -> int:
    return len("".join(text.split()))


def has_content(text: str) -> bool:
    """True when the text holds at least one letter or Han character."""
    return any(c.isalnum() for c in text)


def render_kept(source: str, removals: tuple[Removal, ...]) -> str:
    """Cut the removed spans out of `source`; drop lines that end up blank.

    The result is always a subsequence of `source`.
    """
    if not removals:
        return _drop_blank_lines(source)
    parts: list[str] = []
    pos = 0
    for r in removals:
        if r.start > pos:
            _append_piece(parts, source[pos:r.start])
        pos = max(pos, r.end)
    _append_piece(parts, source[pos:])
    return _drop_blank_lines("".join(parts))


def _append_piece(parts: list[str], piece: str) -> None:
    """Join kept pieces without creating a new gap: a cut between two spaces must not leave
    a double space (a sentence break on the next pass)."""
    if parts and parts[-1][-1:] in (" ", "\t"):
        piece = piece.lstrip(" \t")
    if piece:
        parts.append(piece)


def _drop_blank_lines(text: str) -> str:
    if "\n" not in text:
        return text.strip()
    lines = [line.strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def render_kept_with_offsets(source: str, removals: tuple[Removal, ...]) -> tuple[str, list[int]]:
    """`render_kept`, and for each character of its result the offset in `source` it came
    from (a line break that joins two kept lines maps just past the first of them). Used to
    map removals found on the clean text back to the source."""
    pieces: list[tuple[int, int]] = []  # kept [start, end) of source, as render_kept joins them
    pos = 0
    for start, end in [(r.start, r.end) for r in removals] + [(len(source), len(source))]:
        if start > pos:
            lo = pos
            if pieces and source[pieces[-1][1] - 1] in (" ", "\t"):
                while lo < start and source[lo] in (" ", "\t"):
                    lo += 1
            if lo < start:
                pieces.append((lo, start))
        pos = max(pos, end)
    joined = "".join(source[a:b] for a, b in pieces)
    bounds = [0]
    for a, b in pieces:
        bounds.append(bounds[-1] + b - a)
    text: list[str] = []
    offsets: list[int] = []
    line_start = 0
    for line in joined.split("\n"):
        stripped = line.strip()
        if stripped:
            lo = line_start + (len(line) - len(line.lstrip()))
            hi = lo + len(stripped)
            if text:
                text.append("\n")
                offsets.append(offsets[-1] + 1)
            text.append(stripped)
            k = bisect_right(bounds, lo) - 1
            while lo < hi:
                a, b = pieces[k]
                take = min(hi, bounds[k + 1]) - lo
                first = a + (lo - bounds[k])
                offsets.extend(range(first, first + take))
                lo += take
                k += 1
        line_start += len(line) + 1
    return "".join(text), offsets


def merge_removals(removals: list[Removal]) -> tuple[Removal, ...]:
    """Sort removals and resolve overlaps: a span inside an earlier one is dropped; a partial
    overlap is trimmed so spans never overlap. The first (outermost, earliest) span wins."""
    out: list[Removal] = []
    for r in sorted(removals, key=lambda r: (r.start, -(r.end - r.start))):
        if out and r.start < out[-1].end:
            if r.end <= out[-1].end:
                continue
            r = Removal(out[-1].end, r.end, r.code, r.detail)
        if r.end > r.start:
            out.append(r)
    return tuple(out)
