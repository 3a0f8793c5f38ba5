"""Score the cleaner against labelled pages, character by character.

Labelled pages use the format of the project's measurement data: ``id``, ``text`` (the page as
scraped), ``drop`` (``[[start, end, kind], ...]`` character offsets into ``text`` that a good
cleaner removes), ``gold`` (the text that should remain) and ``verdict`` (``content`` or
``all_spam``).

The definitions follow the shared measuring instrument (``../shared/eval/score.py``), and a test
checks that the numbers agree on the shared dev sets:

- Both the page and the cleaner's output are compared after NFKC (character by character), with
  all whitespace and every literal two-character ``\\n`` removed.
- The output is aligned to the page with `difflib.SequenceMatcher` (no autojunk); a page
  character counts as kept when it falls inside a matching block. Output characters that match
  nothing are `extra` (text the cleaner added or rewrote) and count against precision.
- ``content_kept`` = kept content chars / content chars; ``junk_removed`` = 1 - kept junk chars /
  junk chars; ``balanced`` is their harmonic mean (keeping everything scores 0); ``precision`` =
  kept content / everything kept (extra included); a page missing from the output is emptied.
"""
from __future__ import annotations

import difflib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping

import numpy as np

from zhclean.document import CONTENT
from zhclean.errors import ZhcleanError
from zhclean.labels import ALL_SPAM, label_kind

#: The code a character gets when the cleaner drops the whole page (verdict ``all_junk``)
#: without a span over it; the pipeline rejects such pages with this reason.
ALL_JUNK_CODE = "clean.all_junk"

class FloorNotMet(ZhcleanError):
    """The cleaner scored below a floor given to ``zhclean eval`` (``--min-kept``,
    ``--min-removed``)."""

    exit_code = 1


# --- measuring one page -------------------------------------------------------------------


def comparable(text: str) -> tuple[str, list[int]]:
    """The string the scores compare, and for each of its characters the offset in `text` it
    came from: NFKC per character, whitespace dropped, literal two-character ``\\n`` dropped."""
    chars: list[str] = []
    offsets: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        if text.startswith("\\n", i):
            i += 2
            continue
        for c in unicodedata.normalize("NFKC", text[i]):
            if not c.isspace():
                chars.append(c)
                offsets.append(i)
        i += 1
    return "".join(chars), offsets


def kept_mask(page: str, output: str) -> tuple[list[bool], int]:
    """Which characters of `page` (already `comparable`) survive in `output` (same), and how
    many output characters match nothing in the page."""
    if output == page:  # what difflib finds too, without its quadratic search
        return [True] * len(page), 0
    kept = [False] * len(page)
    matched = 0
    matcher = difflib.SequenceMatcher(None, page, output, autojunk=False)
    for a, _b, size in matcher.get_matching_blocks():
        kept[a:a + size] = [True] * size
        matched += size
    return kept, len(output) - matched


@dataclass(frozen=True)
class PageScore:
    """Character counts for one labelled page (all after `comparable`)."""

    id: str
    content_chars: int
    junk_chars: int
    content_kept_chars: int
    junk_kept_chars: int
    extra_chars: int
    all_spam: bool
    #: label kind -> (junk chars of that kind, how many of them the cleaner removed)
    by_kind: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    #: (label kind, or None for content; reason code) -> characters the cleaner removed with
    #: that code; filled by `evaluate` (which sees the removals), empty for bare outputs
    removed_by: Mapping[tuple[str | None, str], int] = field(default_factory=dict)
    #: Where the page comes from (the labelled record's ``source``), for `Evaluation.by_source`.
    source: str = ""

    @property
    def content_kept(self) -> float:
        """Share of the page's content kept; 0 for a page without content (as score.py)."""
        return self.content_kept_chars / self.content_chars if self.content_chars else 0.0

    @property
    def junk_removed(self) -> float:
        return 1 - self.junk_kept_chars / self.junk_chars if self.junk_chars else 0.0

    @property
    def junk_left(self) -> int:
        """Junk characters kept plus characters the cleaner added: what a reader still sees."""
        return self.junk_kept_chars + self.extra_chars

    @property
    def emptied(self) -> bool:
        return self.content_kept_chars + self.junk_kept_chars + self.extra_chars == 0


def score_page(text: str, drop: Iterable[Iterable[Any]], output: str, *, id: str = "",
               verdict: str | None = None) -> PageScore:
    """Score one page: `text` as scraped, `drop` its ``[start, end, kind]`` labels, `output`
    what the cleaner kept ("" when it dropped the page)."""
    page, offsets = comparable(text)
    kind_at: list[str | None] = [None] * len(text)
    for start, end, kind in drop:
        for i in range(start, end):
            kind_at[i] = kind
    kinds = [kind_at[o] for o in offsets]
    kept, extra = kept_mask(page, comparable(output)[0])
    content = content_kept = junk_kept = 0
    by_kind: dict[str, list[int]] = {}
    for kind, k in zip(kinds, kept):
        if kind is None:
            content += 1
            content_kept += k
        else:
            junk_kept += k
            counts = by_kind.setdefault(kind, [0, 0])
            counts[0] += 1
            counts[1] += not k
    return PageScore(
        id=id, content_chars=content, junk_chars=len(kinds) - content,
        content_kept_chars=content_kept, junk_kept_chars=junk_kept, extra_chars=extra,
        all_spam=verdict == ALL_SPAM, by_kind={k: (t, g) for k, (t, g) in by_kind.items()},
    )


# --- measuring a set of pages -------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    """Scores over a set of labelled pages."""

    pages: tuple[PageScore, ...]

    def _total(self, name: str) -> int:
        return sum(getattr(p, name) for p in self.pages)

    @property
    def content_kept(self) -> float:
        return self._total("content_kept_chars") / max(self._total("content_chars"), 1)

    @property
    def junk_removed(self) -> float:
        return 1 - self._total("junk_kept_chars") / max(self._total("junk_chars"), 1)

    @property
    def precision(self) -> float:
        kept = self._total("content_kept_chars")
        everything = kept + self._total("junk_kept_chars") + self._total("extra_chars")
        return kept / max(everything, 1)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.content_kept
        return 2 * p * r / max(p + r, 1e-9)

    @property
    def balanced(self) -> float:
        """Harmonic mean of content kept and junk removed: keeping everything scores 0."""
        k, r = self.content_kept, self.junk_removed
        return 2 * k * r / max(k + r, 1e-9)

    def junk_removed_by_kind(self) -> dict[str, float]:
        total: Counter[str] = Counter()
        gone: Counter[str] = Counter()
        for p in self.pages:
            for kind, (t, g) in p.by_kind.items():
                total[kind] += t
                gone[kind] += g
        return {k: gone[k] / total[k] for k in sorted(total)}

    def content_removed_by_code(self) -> dict[str, int]:
        """Content characters removed, by the code that removed them (most first): where
        the cleaner loses text it should keep."""
        total: Counter[str] = Counter()
        for p in self.pages:
            for (kind, code), n in p.removed_by.items():
                if kind is None:
                    total[code] += n
        return dict(total.most_common())

    def junk_codes_by_kind(self) -> dict[str, dict[str, int]]:
        """For each labelled junk kind, the characters of it removed by each code."""
        out: dict[str, Counter[str]] = {}
        for p in self.pages:
            for (kind, code), n in p.removed_by.items():
                if kind is not None:
                    out.setdefault(kind, Counter())[code] += n
        return {k: dict(out[k].most_common()) for k in sorted(out)}

    def kind_agreement(self) -> float | None:
        """Share of the removed junk characters whose code names the labelled kind
        (`label_kind`); None when the removals are unknown (scores of bare outputs)."""
        agree = total = 0
        for p in self.pages:
            for (kind, code), n in p.removed_by.items():
                if kind is not None:
                    total += n
                    agree += n * (label_kind(code) == kind)
        return agree / total if total else None

    def all_spam_emptied(self) -> tuple[int, int]:
        """(all-spam pages the cleaner emptied, all-spam pages)."""
        spam = [p for p in self.pages if p.all_spam]
        return sum(p.emptied for p in spam), len(spam)

    def interval(self, rounds: int = 2000, level: float = 0.95, seed: int = 0) -> dict[str, tuple[float, float]]:
        """Bootstrap intervals (pages drawn with replacement, `rounds` times, seeded) of
        content kept and junk removed: how far the figures could move on another sample of
        pages like these. A few long pages carry much of a source's characters, so the
        interval can be wide where the page count looks large."""
        if not self.pages:
            return {"content_kept": (0.0, 0.0), "junk_removed": (0.0, 0.0)}
        columns = np.array([(p.content_chars, p.content_kept_chars, p.junk_chars, p.junk_kept_chars)
                            for p in self.pages], dtype=np.float64)
        draws = np.random.default_rng(seed).integers(0, len(self.pages), size=(rounds, len(self.pages)))
        counts = np.apply_along_axis(np.bincount, 1, draws, minlength=len(self.pages))  # [rounds, pages]
        totals = counts @ columns
        kept = totals[:, 1] / np.maximum(totals[:, 0], 1)
        removed = 1 - totals[:, 3] / np.maximum(totals[:, 2], 1)
        tail = (1 - level) / 2 * 100
        return {name: (float(np.percentile(v, tail)), float(np.percentile(v, 100 - tail)))
                for name, v in (("content_kept", kept), ("junk_removed", removed))}

    def most_junk_kept(self, n: int = 5) -> list[PageScore]:
        """The pages where a reader still sees the most junk (stable order on ties)."""
        return sorted(self.pages, key=lambda p: -p.junk_left)[:n]

    def least_content_kept(self, n: int = 5) -> list[PageScore]:
        return sorted(self.pages, key=lambda p: p.content_kept)[:n]

    def to_dict(self, worst: int = 5) -> dict[str, Any]:
        """The summary with score.py's keys (rounded as it rounds), plus the worst pages."""
        emptied, spam = self.all_spam_emptied()
        return {
            "docs": len(self.pages),
            "content_chars": self._total("content_chars"),
            "junk_chars": self._total("junk_chars"),
            "content_kept": round(self.content_kept, 4),
            "junk_removed": round(self.junk_removed, 4),
            "precision": round(self.precision, 4),
            "f1": round(self.f1, 4),
            "balanced": round(self.balanced, 4),
            "all_spam_pages_emptied": f"{emptied}/{spam}",
            "junk_removed_by_kind": {k: round(v, 3) for k, v in self.junk_removed_by_kind().items()},
            "most_junk_kept": [{"id": p.id, "junk_left_chars": p.junk_left}
                               for p in self.most_junk_kept(worst)],
            "least_content_kept": [{"id": p.id, "content_kept": round(p.content_kept, 4)}
                                   for p in self.least_content_kept(worst)],
        } | self._attribution() | self._sources()

    def _sources(self) -> dict[str, Any]:
        sources = self.by_source()
        if len(sources) < 2:
            return {}
        return {"by_source": {name: {"docs": len(e.pages), "content_kept": round(e.content_kept, 4),
                                     "junk_removed": round(e.junk_removed, 4), "balanced": round(e.balanced, 4),
                                     "all_spam_pages_emptied": "{}/{}".format(*e.all_spam_emptied()),
                                     "junk_removed_by_kind": {k: round(v, 3) for k, v in e.junk_removed_by_kind().items()}}
                              for name, e in sources.items()}}

    def _attribution(self) -> dict[str, Any]:
        agreement = self.kind_agreement()
        if agreement is None and not self.content_removed_by_code():
            return {}
        return {"content_removed_by_code": self.content_removed_by_code(),
                "junk_codes_by_kind": self.junk_codes_by_kind(),
                "kind_agreement": None if agreement is None else round(agreement, 4)}

    def by_source(self) -> dict[str, "Evaluation"]:
        """The scores of each source's pages (the labelled records' ``source``)."""
        groups: dict[str, list[PageScore]] = {}
        for p in self.pages:
            groups.setdefault(p.source or "-", []).append(p)
        return {k: Evaluation(tuple(v)) for k, v in sorted(groups.items())}

    def failures(self, min_kept: float | None = None, min_removed: float | None = None) -> list[str]:
        """Which floors the scores fall below, as sentences; empty when all are met."""
        out = []
        if min_kept is not None and self.content_kept < min_kept:
            out.append(f"content kept {self.content_kept:.4f} is below the floor {min_kept}")
        if min_removed is not None and self.junk_removed < min_removed:
            out.append(f"junk removed {self.junk_removed:.4f} is below the floor {min_removed}")
        return out

    def format(self, worst: int = 5) -> str:
        """A plain-text summary: the headline scores, per kind, and the worst pages."""
        d = self.to_dict(worst)
        lines = []
        sources = self.by_source()
        if len(sources) > 1:
            lines.append(f"{'source':20s} {'pages':>6s} {'kept':>7s} {'removed':>8s} {'balanced':>9s} {'all-spam emptied':>17s}")
            for name, e in sources.items():
                emptied, spam = e.all_spam_emptied()
                lines.append(f"{name:20s} {len(e.pages):6d} {e.content_kept:7.4f} {e.junk_removed:8.4f} "
                             f"{e.balanced:9.4f} {f'{emptied}/{spam}':>17s}")
            lines.append("all sources:")
        lines += [f"{k:24s} {d[k]}" for k in (
            "docs", "content_chars", "junk_chars", "content_kept", "junk_removed", "precision",
            "f1", "balanced", "all_spam_pages_emptied")]
        lines.append("junk removed by kind:")
        lines += [f"  {k:22s} {v:.3f}" for k, v in d["junk_removed_by_kind"].items()]
        lines.append("most junk kept: " + ", ".join(
            f"{p['id']}({p['junk_left_chars']})" for p in d["most_junk_kept"]))
        lines.append("least content kept: " + ", ".join(
            f"{p['id']}({p['content_kept']:.2f})" for p in d["least_content_kept"]))
        if "content_removed_by_code" in d:
            lines.append("content removed, by code (chars): " + (", ".join(
                f"{c} {n}" for c, n in d["content_removed_by_code"].items()) or "none"))
            lines.append("junk removed, by kind and code (chars):")
            lines += [f"  {k:22s} " + ", ".join(f"{c} {n}" for c, n in codes.items())
                      for k, codes in d["junk_codes_by_kind"].items()]
            if d["kind_agreement"] is not None:
                lines.append(f"{'code names the kind':24s} {d['kind_agreement']}")
        return "\n".join(lines)


# --- entry points -------------------------------------------------------------------------


def score_outputs(labelled: Iterable[Mapping[str, Any]], outputs: Mapping[str, str]) -> Evaluation:
    """Score ready-made outputs (id -> kept text); a page missing from `outputs` is emptied."""
    return Evaluation(tuple(
        replace(score_page(p["text"], p["drop"], outputs.get(str(p["id"]), ""), id=str(p["id"]),
                           verdict=p.get("verdict")), source=str(p.get("source") or ""))
        for p in labelled))


def cleaner_output(page) -> str:
    """What the cleaner keeps of a `CleanedPage`: its text, or nothing when the verdict says
    the page is junk or empty (the pipeline rejects such pages)."""
    return page.text if page.verdict == CONTENT else ""


def evaluate(labelled: Iterable[Mapping[str, Any]], clean: Callable[..., Any] | None = None) -> Evaluation:
    """Clean every labelled page (with its ``title`` when it has one) and score the result.

    `clean` is a `Cleaner` (or any callable ``(text, title) -> CleanedPage``); the default
    configuration is used when it is None.
    """
    if clean is None:
        from zhclean.cleaner import Cleaner

        clean = Cleaner()
    scores = []
    for p in labelled:
        page = clean(p["text"], p.get("title"))
        score = score_page(p["text"], p["drop"], cleaner_output(page), id=str(p["id"]),
                           verdict=p.get("verdict"))
        scores.append(replace(score, removed_by=attribute_removals(p["text"], p["drop"], page),
                              source=str(p.get("source") or "")))
    return Evaluation(tuple(scores))


def attribute_removals(text: str, drop: Iterable[Iterable[Any]], page: Any) -> dict[tuple[str | None, str], int]:
    """Which codes removed which labelled characters: (label kind or None for content, code)
    -> characters, compared as the scores compare them (`comparable`). The cleaner's spans
    refer to its normalized source; it is aligned to the scraped `text` character by
    character (they differ only where normalization changed something, such as a literal
    ``\n``). On a page the cleaner judges junk, characters outside any span count under
    `ALL_JUNK_CODE`."""
    raw, raw_offsets = comparable(text)
    src, src_offsets = comparable(page.source)
    kind_at: list[str | None] = [None] * len(text)
    for start, end, kind in drop:
        for i in range(start, end):
            kind_at[i] = kind
    code_at: list[str | None] = [None] * len(page.source)
    for r in page.removals:
        code_at[r.start:r.end] = [r.code] * (r.end - r.start)
    fallback = None if page.verdict == CONTENT else ALL_JUNK_CODE
    if raw == src:
        pairs: Iterable[tuple[int, int]] = zip(range(len(raw)), range(len(src)))
    else:
        matcher = difflib.SequenceMatcher(None, raw, src, autojunk=False)
        pairs = [(a + k, b + k) for a, b, size in matcher.get_matching_blocks() for k in range(size)]
    out: Counter[tuple[str | None, str]] = Counter()
    for i, j in pairs:
        code = code_at[src_offsets[j]] or fallback
        if code is not None:
            out[(kind_at[raw_offsets[i]], code)] += 1
    return dict(out)
