"""Decisions that need the neighbours: spreading spam, protecting articles, trimming edges.

Every sentence/clause of the page ("unit") gets a state from the rule hits:

* ``junk``: hard removals cover most of it. Its code decides its role as a neighbour:
  spam and boilerplate *spread* (``SPAM``); bylines and date lines are *anchors* of an
  article (``ANCHOR``); UI remnants and chatbot leftovers are *transparent* (skipped).
* ``soft``: only soft evidence (a marketing sentence).
* ``good``: article prose (enough Han characters, punctuated like sentences).
* ``neutral``: short, no evidence (titles, subheadings, labels, names).

Runs of soft/neutral units between two neighbours are then decided:

=====================  ===================================================================
neighbours             decision
=====================  ===================================================================
spam | spam, or edge   drop the whole run (a title line or a promise between spam lines)
spam | good/anchor     drop the soft units nearest the spam side; keep the rest (a headline
                       right before the article survives)
good | good           keep everything: article prose is protected from weak evidence
edge | good/anchor     on line-structured pages, a run of 2+ whole lines at the top keeps
                       only its last line (the headline); 3+ whole lines at the bottom go
=====================  ===================================================================

On line-structured pages, whole lines above the first paragraph of prose or below the last one
are page chrome (menus, link lists, footers) and go, whatever their neighbours; the line right
before the article (or its byline) is the headline and stays.

=====================  ===================================================================
edge | edge           keep (no evidence either way)
=====================  ===================================================================

A page whose spam removals cover at least `residue_share` of it and on which no article prose
is left loses the rest too (``spam.residue``): a doorway page has no genuine content.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from zhclean.document import Removal, Segment
from zhclean.rules.base import CLOSERS, TERMINAL, Page, ends_sentence, han_count, visible_count

JUNK, SOFT, GOOD, NEUTRAL = "junk", "soft", "good", "neutral"
SPAM, ANCHOR, EDGE = "spam", "anchor", "edge"

TRANSPARENT_CODES = frozenset({"boilerplate.ui_junk", "artifact.llm"})
ANCHOR_CODES = frozenset({"meta.byline", "boilerplate.listing_meta"})


@dataclass(frozen=True)
class ContextPolicy:
    """Thresholds of the context decisions (see the module docstring)."""

    #: A unit counts as junk when hard removals cover this share of its characters.
    junk_share: float = 0.5
    #: What is left of a junk unit is dropped with it when it has at most this many Han
    #: characters (a "(点击咨询)" remnant, a comma).
    remnant_han: int = 3
    #: Prose: at least this many Han characters and a sentence ending ...
    prose_han: int = 10
    #: ... or this many Han characters with punctuation inside (hard-wrapped article lines).
    prose_han_unended: int = 15
    #: Or simply this many Han characters.
    long_han: int = 40
    #: Top-of-page runs of at least this many whole lines keep only their last line.
    top_run_lines: int = 2
    #: Bottom-of-page runs of at least this many whole lines are dropped.
    bottom_run_lines: int = 3
    #: Spam share of the page above which a page with no prose left is emptied.
    residue_share: float = 0.5


@dataclass
class Unit:
    seg: Segment
    state: str
    code: str | None = None
    covered: int = 0
    size: int = 0
    whole_line: bool = False

    @property
    def role(self) -> str | None:
        """How this unit acts as a neighbour."""
        if self.state == GOOD:
            return GOOD
        if self.state != JUNK:
            return None
        if self.code in TRANSPARENT_CODES:
            return None
        if self.code in ANCHOR_CODES:
            return ANCHOR
        return SPAM


def decide(page: Page, hard: list[Removal], soft: dict[int, Removal],
           policy: ContextPolicy = ContextPolicy()) -> list[Removal]:
    """All removals for the page: the hard ones, remnants, and context decisions."""
    units = _units(page, hard, soft, policy)
    out = list(hard)
    for unit in units:
        if unit.state == JUNK and unit.covered < unit.size:
            rest = _uncovered_han(page.source, unit, hard)
            if rest <= policy.remnant_han:
                out.append(Removal(unit.seg.start, unit.seg.end, unit.code or "spam.remnant",
                                   {"remnant_of": unit.code}))
    out.extend(_spread(page, units, soft, policy))
    return out


def residue(page: Page, removals: Iterable[Removal], policy: ContextPolicy = ContextPolicy()) -> list[Removal]:
    """Removals that empty a spam page with no article prose left (``spam.residue``)."""
    spam_chars = 0
    removals = list(removals)
    if not any(r.code.startswith("spam.") for r in removals):
        return []
    mask = bytearray(len(page.source))
    for r in removals:
        mask[r.start:r.end] = b"\x01" * (r.end - r.start)
    total = visible_count(page.source)
    for r in removals:
        if r.code.startswith("spam."):
            spam_chars += visible_count(page.source[r.start:r.end])
    if not total or spam_chars / total < policy.residue_share:
        return []
    for seg in page.sentences:
        if any(not mask[i] for i in range(seg.start, seg.end)):
            kept = "".join(page.source[i] for i in range(seg.start, seg.end) if not mask[i])
            if _is_prose(kept, policy):
                return []
    out = []
    for seg in page.sentences:
        if any(not mask[i] for i in range(seg.start, seg.end)):
            out.append(Removal(seg.start, seg.end, "spam.residue",
                               {"spam_share": round(spam_chars / total, 2)}))
    return out


def _units(page: Page, hard: list[Removal], soft: dict[int, Removal], policy: ContextPolicy) -> list[Unit]:
    ordered = sorted(hard, key=lambda r: r.start)
    units = []
    j = 0
    for index, seg in enumerate(page.sentences):
        while j < len(ordered) and ordered[j].end <= seg.start:
            j += 1
        covered_by: dict[str, int] = {}
        k = j
        while k < len(ordered) and ordered[k].start < seg.end:
            r = ordered[k]
            lo, hi = max(r.start, seg.start), min(r.end, seg.end)
            if hi > lo:
                covered_by[r.code] = covered_by.get(r.code, 0) + (hi - lo)
            k += 1
        size = len(seg)
        covered = min(size, sum(covered_by.values()))
        line = page.line_by_number[seg.line]
        unit = Unit(seg, NEUTRAL, size=size, covered=covered,
                    whole_line=seg.start == line.start and seg.end == line.end)
        if covered and (covered >= policy.junk_share * size
                        or _uncovered_han_quick(seg.text, covered_by) <= policy.remnant_han and covered >= 0.3 * size):
            unit.state = JUNK
            unit.code = max(covered_by.items(), key=lambda kv: kv[1])[0]
        elif index in soft:
            unit.state = SOFT
            unit.code = soft[index].code
        elif _is_prose(seg.text, policy):
            unit.state = GOOD
        units.append(unit)
    return units


def _uncovered_han_quick(text: str, covered_by: dict[str, int]) -> int:
    return max(0, han_count(text) - sum(covered_by.values()))


def _uncovered_han(source: str, unit: Unit, hard: list[Removal]) -> int:
    seg = unit.seg
    mask = bytearray(len(seg))
    for r in hard:
        lo, hi = max(r.start, seg.start), min(r.end, seg.end)
        if hi > lo:
            mask[lo - seg.start:hi - seg.start] = b"\x01" * (hi - lo)
    return sum(1 for ch, m in zip(seg.text, mask) if not m and "\u4e00" <= ch <= "\u9fff")


def _is_prose(text: str, policy: ContextPolicy) -> bool:
    han = han_count(text)
    if han >= policy.long_han:
        return True
    if han >= policy.prose_han and (ends_sentence(text) or text.rstrip(CLOSERS).endswith("...")):
        return True
    inner = text.rstrip(CLOSERS + TERMINAL)
    return han >= policy.prose_han_unended and any(c in "，,；;。" for c in inner)


def _spread(page: Page, units: list[Unit], soft: dict[int, Removal], policy: ContextPolicy) -> list[Removal]:
    out: list[Removal] = []
    visible = [u for u in units if u.role is not None or u.state in (SOFT, NEUTRAL)]
    goods = [k for k, u in enumerate(visible) if u.state == GOOD]
    first_good, last_good = (goods[0], goods[-1]) if goods else (len(visible), -1)
    i = 0
    while i < len(visible):
        if visible[i].state not in (SOFT, NEUTRAL):
            i += 1
            continue
        j = i
        while j < len(visible) and visible[j].state in (SOFT, NEUTRAL):
            j += 1
        run = visible[i:j]
        left = visible[i - 1] if i > 0 else None
        right = visible[j] if j < len(visible) else None
        if goods and all(u.whole_line for u in run) and (j <= first_good or i > last_good):
            out.extend(_outside_article(run, right, before=j <= first_good))
        else:
            out.extend(_decide_run(run, left, right, policy))
        i = j
    return out


def _decide_run(run: list[Unit], left: Unit | None, right: Unit | None, policy: ContextPolicy) -> list[Removal]:
    lrole = left.role if left else EDGE
    rrole = right.role if right else EDGE
    roles = {lrole, rrole}
    if SPAM in roles and roles <= {SPAM, EDGE}:
        neighbour = left if lrole == SPAM else right
        return [_context_removal(u, neighbour, "between spam") for u in run]
    if SPAM in roles:
        # spam on one side, article (or byline) on the other: soft units nearest the spam go
        ordered = run if lrole == SPAM else list(reversed(run))
        neighbour = left if lrole == SPAM else right
        last_soft = max((k for k, u in enumerate(ordered) if u.state == SOFT), default=-1)
        return [_context_removal(u, neighbour, "soft next to spam") for u in ordered[: last_soft + 1]]
    if EDGE in roles and roles != {EDGE}:
        lines = [u for u in run if u.whole_line]
        if len(lines) != len(run):
            return []
        if lrole == EDGE and len(run) >= policy.top_run_lines:
            return [_edge_removal(u, "top") for u in run[:-1]]
        if rrole == EDGE and len(run) >= policy.bottom_run_lines:
            return [_edge_removal(u, "bottom") for u in run]
    return []


def _outside_article(run: list[Unit], right: Unit | None, before: bool) -> list[Removal]:
    """Whole lines above the first or below the last paragraph of prose: page chrome. Above
    the article, the line right before it (or before its byline) is its headline and stays."""
    where = "top" if before else "bottom"
    if before and right is not None and right.role in (GOOD, ANCHOR) and han_count(run[-1].seg.text) >= 2:
        run = run[:-1]
    return [_edge_removal(u, where) for u in run]


def _context_removal(unit: Unit, neighbour: Unit | None, why: str) -> Removal:
    code = unit.code if unit.state == SOFT else (neighbour.code if neighbour and neighbour.code else "spam.context")
    return Removal(unit.seg.start, unit.seg.end, code, {"context": why})


def _edge_removal(unit: Unit, where: str) -> Removal:
    code = unit.code if unit.state == SOFT else "boilerplate.edge_block"
    return Removal(unit.seg.start, unit.seg.end, code, {"context": f"{where} of page, outside the article"})
