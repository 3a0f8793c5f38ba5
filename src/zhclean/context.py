"""Decisions that need the neighbours: spreading spam, protecting articles, page chrome.

Every sentence/clause of the page ("unit") gets a state from the rule hits:

* ``junk``: hard removals cover most of it. Its code decides its role as a neighbour:
  spam and boilerplate *spread* (``SPAM``); bylines, date lines and listing fields are
  *anchors* of an article (``ANCHOR``); UI remnants and chatbot leftovers are *transparent*.
* ``soft``: only soft evidence (a marketing sentence).
* ``good``: prose (enough CJK characters, punctuated like sentences).
* ``neutral``: short, no evidence (titles, subheadings, labels, names).

1. **Article blocks.** On line-structured pages with some prose, `article_blocks`
   (`zhclean.blocks`) finds the page's text blocks by maximum-subarray scoring (prose scores
   its characters, short lines and junk cost theirs). Units outside every block are page chrome
   (``boilerplate.edge_block``), except the headline right above a block.
2. **Runs.** Inside a block (or on the whole page when there are no blocks), each run of
   soft/neutral units is decided by its two neighbours:

   =====================  =============================================================
   neighbours             decision
   =====================  =============================================================
   spam | spam, or edge   drop the whole run (a title or a promise between spam lines)
   spam | good/anchor     drop the soft units nearest the spam side; keep the rest (the
                          headline right before the article survives)
   good | good            keep everything: prose is protected from weak evidence
   edge | good/anchor     on line-structured pages, a run of 2+ whole lines at the top
                          keeps only its last line; 3+ whole lines at the bottom go
   edge | edge            keep (no evidence either way)
   =====================  =============================================================

   Inside a block its edges count as anchors, not as the page's edges.
3. **Residue.** A page whose spam removals cover at least `residue_share` of it and on
   which no prose is left loses the rest too (``spam.residue``): a doorway page has no
   genuine content.
"""
from __future__ import annotations

from typing import Iterable

import regex

from zhclean.blocks import article_blocks
from zhclean.document import Removal
from zhclean.rules.base import CLOSERS, TERMINAL, Page, ends_sentence, han_count, hiragana_count, word_count
from zhclean.rules.seo_title import title_main
from zhclean.units import (ANCHOR, ANCHOR_CODES, EDGE, GOOD, JUNK, NEUTRAL, SOFT, SPAM, TRANSPARENT_CODES,
                           ContextPolicy, Unit)


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
    total = page.visible_count(0, len(page.source))
    for r in removals:
        if r.code.startswith("spam."):
            spam_chars += page.visible_count(r.start, r.end)
    if not total or spam_chars / total < policy.residue_share:
        return []
    for seg in page.sentences:
        if any(not mask[i] for i in range(seg.start, seg.end)):
            kept = "".join(page.source[i] for i in range(seg.start, seg.end) if not mask[i])
            if _is_prose(kept, policy):
                return []
    out = []
    detail = {"spam_share": round(spam_chars / total, 2)}
    for seg in page.sentences:  # only the parts no other removal covers keep their codes
        start = None
        for i in range(seg.start, seg.end + 1):
            free = i < seg.end and not mask[i]
            if free and start is None:
                start = i
            elif not free and start is not None:
                out.append(Removal(start, i, "spam.residue", detail))
                start = None
    return out


def _units(page: Page, hard: list[Removal], soft: dict[int, Removal], policy: ContextPolicy) -> list[Unit]:
    ordered = sorted(hard, key=lambda r: r.start)
    count = len(ordered)
    lines = page.line_by_number
    # a unit shorter than every prose threshold has fewer CJK characters than each of them
    shortest_prose = min(policy.long_han, policy.prose_han, policy.statement_han, policy.prose_han_unended,
                         policy.kana_prose_hiragana)
    long_han = policy.long_han
    words_of = page.sentence_words.tolist()
    # Hiragana make Japanese prose (`_is_prose`); a page without any spares each unit the count
    no_kana = 0 if _HIRAGANA.search(page.source) is None else None
    units = []
    j = 0
    for index, seg in enumerate(page.sentences):
        start, end = seg.start, seg.end
        while j < count and ordered[j].end <= start:
            j += 1
        size = end - start
        line = lines[seg.line]
        unit = Unit(seg, NEUTRAL, size=size, whole_line=start == line.start and end == line.end)
        units.append(unit)
        if j < count and ordered[j].start < end:  # hard removals reach into this unit
            # coverage is the union of the removals: a character two of them cover counts once,
            # for the first (by start) that reaches it
            covered_by: dict[str, int] = {}
            reach = start
            k = j
            while k < count and ordered[k].start < end:
                r = ordered[k]
                lo, hi = max(r.start, reach), min(r.end, end)
                if hi > lo:
                    covered_by[r.code] = covered_by.get(r.code, 0) + (hi - lo)
                    reach = hi
                k += 1
            covered = unit.covered = min(size, sum(covered_by.values()))
            if covered and (covered >= policy.junk_share * size
                            or _uncovered_han_quick(seg.text, covered_by) <= policy.remnant_han and covered >= 0.3 * size):
                unit.state = JUNK
                unit.code = max(covered_by.items(), key=lambda kv: kv[1])[0]
                continue
        if index in soft:
            unit.state = SOFT
            unit.code = soft[index].code
        elif size >= shortest_prose and ((words := words_of[index]) >= long_han
                                         or _is_prose(seg.text, policy, words, no_kana)):
            unit.state = GOOD
            unit.words = words
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


#: A URL (what `_is_prose` looks past at the end of a line).
_URL = regex.compile(r"https?://[!-~]+")


def _introduces_url(text: str) -> bool:
    """True for "…文档：https://…": a colon, then only a URL to the end (one scan from the
    last "http")."""
    at = text.rfind("http")
    return at > 0 and _URL.fullmatch(text, at) is not None and text[:at].rstrip().endswith(("：", ":"))


def _is_prose(text: str, policy: ContextPolicy, han: int | None = None, hiragana: int | None = None) -> bool:
    """`han`: the `word_count` of `text`, when the caller has it; `hiragana`: its
    `hiragana_count`, when the caller knows it."""
    if han is None:
        han = word_count(text)
    if han >= policy.long_han:
        return True
    # a sentence that introduces a list ("建议用户升级到以下版本：") is prose too, and so is
    # one that introduces a URL ("详细说明见官方文档：https://…")
    if han >= policy.prose_han and (ends_sentence(text) or text.rstrip(CLOSERS).endswith(("...", "：", ":"))
                                    or _introduces_url(text)):
        return True
    if han >= policy.statement_han and text.rstrip(CLOSERS + " ").endswith("。"):
        return True  # a short statement: headlines and menus do not end with a full stop
    inner = text.rstrip(CLOSERS + TERMINAL)
    if han >= policy.prose_han_unended and any(map(inner.__contains__, "，,；;。")):
        return True
    # Japanese written a phrase a line: its hiragana (particles, endings) make it prose
    if hiragana is None:
        hiragana = hiragana_count(text)
    return hiragana >= policy.kana_prose_hiragana and hiragana >= policy.kana_prose_share * han


def _spread(page: Page, units: list[Unit], soft: dict[int, Removal], policy: ContextPolicy) -> list[Removal]:
    out: list[Removal] = []
    for k in _given_title(units, page.title, len(units)) if page.title else ():
        units[k].given_title = True
    good = sum(u.size for u in units if u.state == GOOD)
    if len(page.lines) >= policy.block_min_lines and good >= policy.block_min_good_share * sum(u.size for u in units):
        blocks = article_blocks(units, policy)
        out.extend(_outside_blocks(units, blocks))
        for start, end in blocks:  # inside a block, its edges are the article's, not the page's
            out.extend(_decide_runs([u for u in units[start:end] if not u.outside], policy, edge=ANCHOR))
        return out
    return out + _decide_runs(units, policy, edge=EDGE)


def _decide_runs(units: list[Unit], policy: ContextPolicy, edge: str) -> list[Removal]:
    out: list[Removal] = []
    visible = [u for u in units if u.role is not None or u.state in (SOFT, NEUTRAL)]
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
        out.extend(_decide_run(run, left, right, policy, edge))
        i = j
    return out


def _outside_blocks(units: list[Unit], blocks: list[tuple[int, int]]) -> list[Removal]:
    """Units outside every article block go, except the headline: the line above the first
    block that is the page's given title ("# 标题" above a cover image and the title's
    repeat), or else the last non-junk unit before a block (skipping bylines and date lines)."""
    if not blocks:
        return []
    inside = bytearray(len(units))
    titled = False
    for k, u in enumerate(units[:blocks[0][0]]):
        if u.given_title:
            inside[k] = titled = 1
    for start, end in blocks:
        inside[start:end] = b"\x01" * (end - start)
        headline = _headline_before(units, start)
        if titled and start == blocks[0][0] and headline is not None and not _SUBHEADING.match(units[headline].seg.text):
            headline = None  # the title is the headline; an account name above the text is not
        if headline is not None:
            inside[headline] = 1
            if _SUBHEADING.match(units[headline].seg.text) and headline > 0 and units[headline - 1].state != JUNK \
                    and han_count(units[headline - 1].seg.text) >= 8 and len(units[headline - 1].seg) <= 80:
                inside[headline - 1] = 1  # "一、培养目标：" heads the first section; the title is right above
    lines_inside = {u.seg.line for k, u in enumerate(units) if inside[k]}
    for k, u in enumerate(units):  # a block takes whole lines: "…。”一位学生家长说。" stays together
        if u.seg.line in lines_inside:
            inside[k] = 1
    out = []
    for k, u in enumerate(units):
        if inside[k]:
            continue
        u.outside = True
        if u.state != JUNK:
            out.append(_edge_removal(u, "outside the article's text blocks"))
    return out


def _decide_run(run: list[Unit], left: Unit | None, right: Unit | None, policy: ContextPolicy,
                edge: str = EDGE) -> list[Removal]:
    lrole = left.role if left else edge
    rrole = right.role if right else edge
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
            return [_edge_removal(u, "top of page, outside the article") for u in run[:-1] if not u.given_title]
        if rrole == EDGE and len(run) >= policy.bottom_run_lines:
            return [_edge_removal(u, "bottom of page, outside the article") for u in run]
    return []


_HIRAGANA = regex.compile(r"\p{Hiragana}")  # (what `hiragana_count` counts)
_HEADING_MARK = regex.compile(r"^\s*#{1,6}\s*")
_SPACE = regex.compile(r"\s+")
#: A section heading right above the text ("# 背景", "**1. 概述**", "二、…").
_SUBHEADING = regex.compile(r"\s*(?:#{1,6}\s|\*\*|\d{1,3}[.、]|[一二三四五六七八九十]{1,3}、)")


def _given_title(units: list[Unit], title: str, before: int) -> list[int]:
    """Indexes of the units of the first line before unit `before` that is the page's given
    title, whole or without its site suffix (markdown heading marks and spaces aside), and
    holds no junk."""
    wanted = {_SPACE.sub("", t) for t in (title, title_main(title)) if han_count(t) >= 4}
    k = 0
    while k < before:
        end = k
        while end < before and units[end].seg.line == units[k].seg.line:
            end += 1
        text = _SPACE.sub("", _HEADING_MARK.sub("", "".join(u.seg.text for u in units[k:end])))
        if text in wanted and all(u.state != JUNK for u in units[k:end]):
            return list(range(k, end))
        k = end
    return []


def _headline_before(units: list[Unit], start: int, reach: int = 8) -> int | None:
    """The article's headline above a block: the nearest title-like unit (4+ Han characters,
    not junk), looking past bylines, date lines, UI remnants, lines without Han text
    (image links, "!") and soft sentences (a marketing sentence that ends like one is no
    title: it stays outside the block)."""
    k = start - 1
    while k >= 0 and start - k <= reach:
        u = units[k]
        if u.state == SOFT and ends_sentence(u.seg.text):
            k -= 1  # a marketing sentence ("…竭诚为您服务。") is no headline: look above it
            continue
        han = han_count(u.seg.text)
        if u.state != JUNK and han >= 4 and len(u.seg) <= 80:
            return k
        if u.state == JUNK and u.code not in ANCHOR_CODES | TRANSPARENT_CODES:
            return None  # spam between the block and anything above it
        if u.state != JUNK and han >= 2:
            return k
        k -= 1
    return None


def _context_removal(unit: Unit, neighbour: Unit | None, why: str) -> Removal:
    code = unit.code if unit.state == SOFT else (neighbour.code if neighbour and neighbour.code else "spam.context")
    return Removal(unit.seg.start, unit.seg.end, code, {"context": why})


def _edge_removal(unit: Unit, where: str) -> Removal:
    code = unit.code if unit.state == SOFT else "boilerplate.edge_block"
    return Removal(unit.seg.start, unit.seg.end, code, {"context": where})
