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

#: A numbered headline with its click count: "3. 某某新闻标题(6210)".
_COUNTED = regex.compile(r"^(\d{1,2})\s*[.．、·]\s*\S.*?[(（]\d+[)）]$")


@dataclass(frozen=True)
class RankedList:
    """A ranking widget ("热门排行", "24小时热文") scraped without its header: at least
    `min_run` lines in a row that open with consecutive numbers glued to a headline
    ("1上周ETF增加超122亿份…", "2资本动态|拉夏贝尔…", "3利率迈进2字头…"), or with a mark after
    the number and the item's click count at its end ("3. 某某新闻标题(6210)"), each at most
    `max_chars` characters, without a full stop inside.
    Must keep: numbered points of an article ("1. …", "1、…", "（1）…": a mark after the
    number, and no count at the end), chronicles and timetables ("1月…", "2月…"; "3号线…": a unit after
    the number), and runs shorter than `min_run`."""

    code: ClassVar[str] = "boilerplate.related"
    strength: ClassVar[str] = HARD
    min_run: int = 4
    max_chars: int = 60

    def find(self, page: Page) -> Iterator[Removal]:
        run: list = []
        for line in page.lines + [None]:
            rank = self._rank(line) if line is not None else None
            if rank is not None and run and rank == run[-1][1] + 1:
                run.append((line, rank))
                continue
            if len(run) >= self.min_run:
                for item, _ in run:
                    yield Removal(item.start, item.end, self.code, {"ranked_list": len(run)})
            run = [(line, rank)] if rank is not None else []

    def _rank(self, line) -> int | None:
        text = line.text
        if len(text) > self.max_chars or "。" in text[:-1]:
            return None
        m = _RANK.match(text) or _COUNTED.match(text)
        return int(m[1]) if m else None
