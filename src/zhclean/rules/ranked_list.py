"""boilerplate.related: ranking widgets whose rank numbers are glued to the headlines."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import regex

from zhclean.document import Removal
from zhclean.rules.base import HARD, Page

#: A rank glued to its headline: digits, then a CJK character or a Latin letter that is not a
#: unit or counter ("1上周ETF增加超122亿份", "3NYX逆色…"; not "3月…", "2号线…", "5年…").
_RANK = regex.compile(
    r"^(\d{1,2})(?=[\p{Han}\p{Hiragana}\p{Katakana}a-zA-Z“「《\"])"
    r"(?![年月日号時时分秒点個个万亿億元岁歲人次名楼樓层層期届屆季周週天小度块塊条條位家只张張件部本集米里斤克kKmMgG%])"
)

_DIGIT = regex.compile(r"\d")
#: A numbered headline with its click count: "3. 某某新闻标题(6210)".
_COUNTED = regex.compile(r"^(\d{1,2})\s*[.．、·]\s*\S.*?[(（]\d+[)）]$")
#: A rank on a line of its own ("9."), its headline on the next line.
#: (A dot after it, no leading zero: "01" alone above a paragraph numbers an article's sections.)
_MARKER = regex.compile(r"^([1-9]\d?)[.．]$")


@dataclass(frozen=True)
class RankedList:
    """A ranking widget ("热门排行", "24小时热文") scraped without its header: at least
    `min_run` items in a row with consecutive ranks, each headline at most `max_chars`
    characters without a full stop inside. The rank is glued to the headline ("1上周ETF增加
    超122亿份…", "2资本动态|拉夏贝尔…"), or followed by a mark with the item's click count at
    the end ("3. 某某新闻标题(6210)"), or alone with a dot on the line above the headline
    ("9." then "某某新闻标题…", which does not end with 。).
    Must keep: numbered points of an article ("1. …", "1、…", "（1）…": a mark after the
    number and no count at the end; "01" above a paragraph), chronicles and timetables
    ("1月…", "2月…"; "3号线…": a unit after the number), and runs shorter than `min_run`."""

    code: ClassVar[str] = "boilerplate.related"
    strength: ClassVar[str] = HARD
    min_run: int = 4
    max_chars: int = 60

    def find(self, page: Page) -> Iterator[Removal]:
        run: list = []  # (lines of the item, its rank)
        lines = page.lines
        k = 0
        while k <= len(lines):
            item, rank = self._item(lines, k) if k < len(lines) else ([], None)
            k += max(1, len(item))
            if rank is not None and run and rank == run[-1][1] + 1:
                run.append((item, rank))
                continue
            if len(run) >= self.min_run:
                for item_lines, _ in run:
                    for line in item_lines:
                        yield Removal(line.start, line.end, self.code, {"ranked_list": len(run)})
            run = [(item, rank)] if rank is not None else []

    def _item(self, lines, k: int) -> tuple[list, int | None]:
        """The ranked item at line `k` (its lines) and its rank, or ([line], None)."""
        line = lines[k]
        text = line.text
        if _DIGIT.match(text) is None:  # each of the three patterns starts with a digit
            return [line], None
        if m := _MARKER.match(text):  # "9." above its headline
            if k + 1 == len(lines):
                return [line], None  # a rank on the last line: no headline below it
            below = lines[k + 1].text
            if self._headline(below) and not _MARKER.match(below) and not below.endswith("。"):
                return [line, lines[k + 1]], int(m[1])
            return [line], None
        if self._headline(text) and (m := _RANK.match(text) or _COUNTED.match(text)):
            return [line], int(m[1])
        return [line], None

    def _headline(self, text: str) -> bool:
        return len(text) <= self.max_chars and "。" not in text[:-1]
