"""Article blocks: the page's main text as ranges of units, by maximum-subarray scoring (the
idea of Finn et al.'s Body Text Extraction), ended by a related-articles, ranking or comments
header or a reprint notice after the article. Used by `zhclean.context` on line-structured
pages; units outside every block are page chrome (``boilerplate.edge_block``)."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import accumulate

import regex

from zhclean.rules.base import FIELD_ROW, hiragana_count, visible_count, word_count
from zhclean.rules.footer import FooterSentence
from zhclean.rules.related import RelatedLinks, ends_article
from zhclean.rules.ui_junk import READ_MORE_LINK, RULE_LINE
from zhclean.units import ANCHOR_CODES, GOOD, JUNK, NEUTRAL, SOFT, TRANSPARENT_CODES, ContextPolicy, Unit

#: Rows of a list or a table: list items, numbered points ("1、", "（二）"), table cells.
_ROW = regex.compile(r"[-*+]\s|\||\d{1,3}[.、)）]\s*\S|[一二三四五六七八九十]{1,3}[、.]|[(（][一二三四五六七八九十\d]{1,3}[)）]")
#: Numbered points ("1、", "二、", "（三）"): the rows of a table of contents.
_POINT = regex.compile(r"\d{1,3}[.、)）]\s*\S|[一二三四五六七八九十]{1,3}[、.]|[(（][一二三四五六七八九十\d]{1,3}[)）]")
#: Lines that structure a document (markdown headings, bold subheadings, list items, table
#: rows, quotes, numbered points, "—— 第一章" outline entries): neither evidence of an article
#: nor of page chrome.
_STRUCTURED = regex.compile(r"\*\*[^*\n]+\*\*[:：]?$|#{1,6}(?:\s|$)|>\s|—{2,}\s*\S|" + _ROW.pattern)
#: Rows of a table or a record (a field and its value: `FIELD_ROW`; a number, a price, a
#: rating: "3.61", "61人", "￥2,000～￥2,999"): data of the document, like `_STRUCTURED` lines.
#: Page chrome is words (menus, labels), not data.
_DATA = regex.compile(r"[^\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}a-zA-Z]*(?:\d\p{Han}{1,2}|[￥¥$€£]\s*\d|\d[.,]\d)[^\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}a-zA-Z]*")
_DIGIT = regex.compile(r"\d")  # what every pattern of `_is_data` needs (the same `\d`)
#: A place in a record: a street address ending in block numbers ("…区泉3-11-27 クレスト泉 1F",
#: "…路12号") or a distance ("新橋駅 344m / 日本料理"), with few words around it.
_PLACE = regex.compile(r"\p{Han}{2,}[都道府県省市区町村郡][^\n]{0,40}?\d+(?:[-－]\d+)+|\p{Han}{2,}[市区县路街][^\n]{0,20}?\d+号|(?<![\d.])\d+(?:\.\d+)?\s?(?:m|km|米|公里)(?![a-zA-Z])")
#: A dated entry heading of a diary, schedule or log ("2/1 夜「…」", "3月5日 晴"): structure when
#: text follows it; a run of them with no text between is a table of contents.
_DATED_HEADING = regex.compile(r"\d{1,2}/\d{1,2}\s+\S|\d{1,2}月\d{1,2}日\s+\S")
#: A version number or an identifier ("3.1.0", "CVE-2099-12345"): with few words around it, a
#: line of a document's data.
_VERSION = regex.compile(r"(?<![\d.])\d+(?:\.\d+){2,}(?![\d.])|(?<![\w-])[A-Za-z]{2,10}-\d{2,}(?:-\d+)+(?![\w-])")
#: Lines of a code listing or a shell session: mostly Latin text with the operators of code
#: (``-e KEY=value \\``, ``a && b``, ``f(x);``, ``$VAR``). Page chrome is words, not code.
_CODE_MARKS = (r"[=$\\{};]", r"&&|\|\|", r"(?:^|\s)--?[a-zA-Z][\w-]*", r"\w\(", r"^\s*(?://|/\*)")
_CODE_MARK = regex.compile("|".join(_CODE_MARKS))
_QUOTED = regex.compile(r'"[^"]*"|\'[^\']*\'')
#: Links and image links (``[text](url)``, bare URLs): their query strings look like code.
_LINK = regex.compile(r"!?\[[^\]]*\]\([^)]*\)|(?:https?:)?//\S+|www\.\S+")
#: The same, one pattern per operator and line by line, to find the lines that may carry one
#: in a few searches over all the lines of a page (each is much faster than the alternation).
_CODE_MARK_LINES = tuple(regex.compile(mark, regex.MULTILINE) for mark in _CODE_MARKS)
_LINK_IN_LINE = regex.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)|(?:https?:)?//\S+|www\.\S+")

#: A unit that is only image links ("![](https://…/640?wx_fmt=png)"): a picture between
#: paragraphs, as much the article's as the page chrome's.
_IMAGE_ONLY = regex.compile(r"(?:!\[[^\]\n]*\]\([^)\n]*\)\s*)+")

RELATED_CODE = RelatedLinks.code
FOOTER_CODE = FooterSentence.code
#: Footer sentences that close an article: copyright, reprint and takedown notices.
_END_NOTICE = regex.compile(r"版权|转载|侵权|免责|授权|copyright|©|icp|备案|创作者|原创", regex.IGNORECASE)


def article_blocks(units: list[Unit], policy: ContextPolicy) -> list[tuple[int, int]]:
    """The page's main text as [start, end) ranges of unit indexes.

    Each unit scores its Han characters when it is prose and a penalty per character when it
    is not (junk, short lines); the best-scoring contiguous range is the article (the
    maximum-subarray idea of Finn et al.'s Body Text Extraction). Further ranges on either
    side are taken while they score at least `second_block_share` of the best one, so an
    answer thread or a two-part article keeps all its parts. A header of related articles,
    rankings or comments after the best range's start ends the article: nothing from it on
    is taken (the excerpts of a "你可能还想看" feed are prose, but not this page's). A block
    takes the table right under it (`_table_end`) and the table of contents right above it
    (`_table_start`); blocks with only a listing's records between them are joined
    (`_bridged`).
    """
    scores = []
    # rows of a list or a table, fields and data, code; None: a unit that scores as one of
    # these, judged only when `_table_end` asks (it looks at a few units after each block)
    rows: list[bool | None] = [False] * len(units)
    code = _code_lines(units, policy)
    for k, u in enumerate(units):
        data = None  # `_is_data` of the unit, once asked
        if u.state == GOOD:
            scores.append(u.words)
        elif u.state == SOFT and (words := word_count(u.seg.text)) >= policy.long_han:
            scores.append(words)  # a long sentence with marketing words is prose all the same
        elif u.state == JUNK and (u.code in ANCHOR_CODES or RULE_LINE.match(u.seg.text)
                                  or READ_MORE_LINK.fullmatch(u.seg.text)):
            scores.append(0.0)  # bylines, date lines, separator lines, an item's read-more link
        elif u.state == JUNK:
            scores.append(-policy.junk_penalty * u.size)
        elif (_STRUCTURED.match(u.seg.text) or code[k] or _heads_text(units, k) or _IMAGE_ONLY.fullmatch(u.seg.text)
              or (data := _is_data(u.seg.text)) or _is_phrase(u.seg.text, policy)):
            # headings, list items, table rows and fields, quotes, code, pictures of a
            # document, phrases of Japanese written a line at a time
            scores.append(0.0)
            rows[k] = None if data is None else bool(_ROW.match(u.seg.text)) or code[k] or data
        elif u.size <= policy.short_chars:
            scores.append(-policy.short_penalty * u.size)
        else:
            scores.append(-policy.long_penalty * u.size)
    blocks: list[tuple[int, int]] = []
    best = _max_subarray(scores, 0, len(scores))
    if best is None:
        return blocks
    end = _article_end(units, scores, best[0])
    if end < len(scores):  # a "相关阅读"/"最新评论" header after the article ends it
        scores = scores[:end]
        best = _max_subarray(scores, 0, end)
        if best is None:
            return blocks
    floor = max(policy.min_block_score, policy.second_block_share * best[2])
    pending = [(0, len(scores))]
    while pending:
        lo, hi = pending.pop()
        found = _max_subarray(scores, lo, hi)
        if found is None or (blocks and found[2] < floor):
            continue
        start, end, _ = found
        blocks.append((start, end))
        pending += [(lo, start), (end, hi)]
    blocks.sort()
    limits = [start for start, _ in blocks[1:]] + [len(scores)]
    blocks = [(start, _table_end(units, rows, code, end, limit, policy)) for (start, end), limit in zip(blocks, limits)]
    floors = [0] + [end for _, end in blocks[:-1]]
    blocks = [(_table_start(units, start, floor, policy), end) for (start, end), floor in zip(blocks, floors)]
    return _bridged(units, rows, code, blocks, policy)


def _bridged(units: list[Unit], rows: list[bool | None], code: list[bool], blocks: list[tuple[int, int]],
             policy: ContextPolicy) -> list[tuple[int, int]]:
    """`blocks` with each pair of neighbours joined when the stretch between them is the
    document's too: no junk in it but bylines, date lines and UI remnants, and at least
    `bridge_share` of its other units prose or rows (a listing's records: a shop's name,
    its rating, price and address lines, a line of comment). Page chrome between two parts
    of an article is menus and headlines, which are neither. (On the dev set, the records
    between the parts of a listing page are half rows and prose; the junk-free stretches
    of chrome between blocks, a sixth at most.)"""
    out = blocks[:1]
    for start, end in blocks[1:]:
        gap = range(out[-1][1], start)
        content = [k for k in gap if units[k].state != JUNK]
        kept = all(units[k].code in ANCHOR_CODES | TRANSPARENT_CODES for k in gap if units[k].state == JUNK)
        dense = sum(1 for k in content if units[k].state == GOOD or _is_row(units, rows, code, k))
        if content and kept and dense >= policy.bridge_share * len(content):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _table_end(units: list[Unit], rows: list[bool | None], code: list[bool], end: int, limit: int,
               policy: ContextPolicy) -> int:
    """Where a block ending at `end` ends once it takes the table or list right under its last
    prose line ("附：招生专业及考试科目" and its rows): the longest run of non-junk units up to
    `limit` that ends on a row and whose `rows` (list items, numbered points, table cells,
    fields and data, code) are at least `table_share` of its units, with at least
    `table_rows` rows. Prose ends a block, but an appendix of data is the document's too;
    page chrome is words, headings and pictures ("**欢迎关注…**", "![](…)"), not rows. Under a
    last line that introduces a list ("支持以下标签："), every short line (at most
    `item_chars` characters) is an item of it ("ad：广告引流", "profanity：辱骂内容")."""
    best, count = end, 0
    introduced = end > 0 and units[end - 1].seg.text.rstrip().endswith(("：", ":"))
    for k in range(end, limit):
        u = units[k]
        if u.state == JUNK and u.code not in ANCHOR_CODES or u.state == GOOD:
            break
        if _is_row(units, rows, code, k) or introduced and u.state != JUNK and len(u.seg) <= policy.item_chars:
            count += 1
            if count >= policy.table_rows and count >= policy.table_share * (k + 1 - end):
                best = k + 1
    return best


def _is_row(units: list[Unit], rows: list[bool | None], code: list[bool], k: int) -> bool:
    """`rows[k]`, judged now when `article_blocks` left it open (None)."""
    if rows[k] is None:
        text = units[k].seg.text
        rows[k] = bool(_ROW.match(text)) or code[k] or _is_data(text)
    return bool(rows[k])


def _table_start(units: list[Unit], start: int, floor: int, policy: ContextPolicy) -> int:
    """Where a block starting at `start` starts once it takes the table or list right above
    its first prose line (a report's table of contents: "第一章 …", "一、…", "二、…"): the
    longest run of non-junk units down to `floor` that starts on a numbered point (`_POINT`),
    with these making up `table_share` of its units and at least `table_rows` of them
    (`_table_end`, upwards). Bullets, fields, data and code do not count here: a site's menu
    ("* [首页](…)"), a stock ticker or a sidebar's figures above an article are page chrome."""
    best, count = start, 0
    for k in range(start - 1, floor - 1, -1):
        u = units[k]
        if u.state == JUNK and u.code not in ANCHOR_CODES or u.state == GOOD:
            break
        if _POINT.match(u.seg.text):
            count += 1
            if count >= policy.table_rows and count >= policy.table_share * (start - k):
                best = k
    return best


def _heads_text(units: list[Unit], k: int) -> bool:
    """Is unit `k` a dated entry heading with prose right under it?"""
    return k + 1 < len(units) and units[k + 1].state == GOOD and bool(_DATED_HEADING.match(units[k].seg.text))


def _is_data(text: str) -> bool:
    """A field with its value, a number with at most a short unit ("61人", "3.61"), or a
    version or identifier with few words ("固件版本 3.1.0 - 3.1.8", "CVE-2099-12345"), or a place
    (an address, a distance) with few words. Each of these holds a digit: most lines hold
    none, and one scan for it spares them the four patterns."""
    if _DIGIT.search(text) is None:
        return False
    text = text.strip()
    if FIELD_ROW.match(text) or _DATA.fullmatch(text):
        return True
    # the word counts first: `_PLACE` tries every Han character of a long line
    words = word_count(text)
    return (words <= 6 and _VERSION.search(text) is not None
            or words <= 20 and _PLACE.search(text) is not None)


def _is_phrase(text: str, policy: ContextPolicy) -> bool:
    """A phrase of Japanese written a line at a time ("と鏡の前で", "今まで"): its hiragana are
    grammar (particles, endings), which menus and labels ("記事一覧", "ログイン") lack."""
    if len(text) > policy.kana_phrase_chars:
        return False
    hiragana = hiragana_count(text)
    return hiragana >= policy.kana_phrase_hiragana and hiragana >= policy.kana_phrase_share * word_count(text)


def _article_end(units: list[Unit], scores: list[float], start: int, reach: int = 8) -> int:
    """Index of the first unit at or after `start` (the best block's first unit) where the
    article has ended; len(units) when there is none. That is a header of related articles,
    rankings or comments, or a copyright/reprint notice ("如需授权…请联系", "以上内容为创作者
    平台上传") with more text above it than below it (a notice mid-way through a digest does
    not end it). When a header also stands just above `start` (within `reach` units), the
    best block may itself be a sidebar list or a comment thread above the article: then a
    header ends the article only where more text lies above it than below it too. (The
    header's own list of items between it and `start` does not count toward `reach`.)"""
    def is_end(u: Unit) -> bool:
        return u.state == JUNK and u.code == RELATED_CODE and ends_article(u.seg.text)

    def more_above(k: int) -> bool:
        above = _max_subarray(scores, 0, k)
        below = _max_subarray(scores, k + 1, len(scores))
        return above is not None and (below is None or above[2] >= below[2])

    def header_above() -> bool:  # within `reach` units, not counting the header's own list
        seen = 0
        for u in reversed(units[:start]):
            if is_end(u):
                return True
            if not (u.state == JUNK and u.code == RELATED_CODE):
                seen += 1
                if seen >= reach:
                    return False
        return False

    in_section = header_above()
    for k in range(start, len(units)):
        u = units[k]
        if u.state == JUNK and u.code == FOOTER_CODE and _END_NOTICE.search(u.seg.text) and more_above(k):
            return k
        if is_end(u) and (not in_section or more_above(k)):
            return k
    return len(units)


def _code_lines(units: list[Unit], policy: ContextPolicy) -> list[bool]:
    """For each unit: is it on a line of a code listing? Runs of consecutive Latin lines (CJK
    only inside quoted strings, at most `code_max_cjk_share`; links do not count) are code
    when at least a third of their lines carry code operators (``then``, ``fi`` and
    ``sleep 5s`` belong to the script around them); a line of Latin page chrome
    ("Powered by …") carries none. Judged by whole lines: a URL's ``?`` splits sentences."""
    lines: list[list[int]] = []  # unit indexes of each line, in order
    # only lines of neutral and soft units can be Latin lines (prose and junk are not code)
    latin_states: list[bool] = []
    number = None
    for k, u in enumerate(units):
        if lines and u.seg.line == number:
            lines[-1].append(k)
            if latin_states[-1] and u.state not in (NEUTRAL, SOFT):
                latin_states[-1] = False
        else:
            lines.append([k])
            latin_states.append(u.state in (NEUTRAL, SOFT))
            number = u.seg.line
    eligible = [i for i, ok in enumerate(latin_states) if ok]
    texts = {i: " ".join(units[k].seg.text for k in lines[i]) for i in eligible}
    marked = [eligible[j] for j in _marked_lines(list(texts.values()))]
    if not marked:
        return [False] * len(units)  # no line carries a code operator: no listing
    latin: dict[int, bool] = {}

    def is_latin(i: int) -> bool:
        if i not in latin:
            latin[i] = i in texts and _latin_line(texts[i], policy)
        return latin[i]

    out = [False] * len(units)
    done = 0  # lines before this one belong to a run already judged
    for i in marked:  # a run of Latin lines is code only when one of its lines is marked
        if i < done or not is_latin(i):
            continue
        start, end = i, i + 1
        while start > 0 and is_latin(start - 1):
            start -= 1
        while end < len(lines) and is_latin(end):
            end += 1
        done = end
        count = bisect_left(marked, end) - bisect_left(marked, start)
        if 3 * count >= end - start:
            for line in lines[start:end]:
                for k in line:
                    out[k] = True
    return out


def _marked_lines(texts: list[str]) -> list[int]:
    """Indexes of the lines that carry a code operator outside links (in order). Each
    operator's matches over all the lines together cover every line that holds one (a match
    spanning a line break is confirmed line by line)."""
    bare = _LINK_IN_LINE.sub(" ", "\n".join(texts))
    lines = bare.split("\n")
    starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    maybe: set[int] = set()
    for mark in _CODE_MARK_LINES:
        for m in mark.finditer(bare):
            maybe.update(range(bisect_right(starts, m.start()) - 1, bisect_right(starts, m.end() - 1)))
    return [i for i in sorted(maybe) if _CODE_MARK.search(lines[i])]


def _latin_line(text: str, policy: ContextPolicy) -> bool:
    bare = _QUOTED.sub("", _LINK.sub("", text))
    visible = visible_count(bare)
    return visible > 0 and word_count(bare) <= policy.code_max_cjk_share * visible


def _max_subarray(scores: list[float], lo: int, hi: int) -> tuple[int, int, float] | None:
    best = None
    run_start, total = lo, 0.0
    for k in range(lo, hi):
        if total <= 0:
            run_start, total = k, 0.0
        total += scores[k]
        if total > 0 and (best is None or total > best[2]):
            best = (run_start, k + 1, total)
    return best
