"""spam.region_list: lists of regions used as "service area" / "sales network" claims."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import regex

from zhclean.document import Removal, Segment
from zhclean.resources import division_automaton, place_coverage
from zhclean.rules.base import HARD, Page, ends_sentence, han_count

#: Every HEADER match contains one of these.
HEADER_CUES = ("区域", "网点", "范围", "城市", "网络", "地区")
_SEPARATORS = "、，, /|"
_STOP = regex.compile(r"[。！？!?]")
_CODED_ITEM = regex.compile(r"\d{1,4}\p{Han}")
_ITEM_SPLIT = regex.compile(r"[、，,/|｜;；\s]+")
HEADER = regex.compile(
    r"(?:服务|维修|售后|销售|营销|经营|覆盖|业务)(?:区域|网点|范围|城市|网络|地区)(?:覆盖|分布|包括|有)?\s*[:：]\s*$"
    r"|(?:服务|维修|售后)?网点(?:覆盖|分布)\s*[:：]?\s*$"
)


@dataclass(frozen=True)
class RegionList:
    """A segment that is a list of place names: at least `min_items` items separated by
    、，/| or spaces, whose Han characters the gazetteer of administrative divisions covers
    for at least `min_coverage`; or a "服务区域:" header that introduces one.
    Must keep: a news sentence naming a few places ("北京、上海、广州等地") — fewer items and
    low coverage; a legitimate list of award-winning towns inside a sentence of prose; a
    code table whose items carry numbers ("01北京、02上海、03天津…").
    Coverage 0.6 and 5 items: research/spam-taxonomy.md §2.3 (service-area lines cover
    1.0, prose ≤ 0.15)."""

    code: ClassVar[str] = "spam.region_list"
    strength: ClassVar[str] = HARD
    trigger: ClassVar[regex.Pattern | None] = None
    #: `check` reads the sentence, and of the page only what `local_key` returns.
    local: ClassVar[bool] = True
    min_items: int = 5
    min_coverage: float = 0.6
    min_items_sentence: int = 12
    max_item_chars: int = 16
    max_header_chars: int = 40
    #: Items numbered by a code ("01北京", "12安徽") in at least this share: a code table.
    min_coded_share: float = 0.6
    cue_sets: ClassVar[tuple[tuple[str, ...], ...]] = (HEADER_CUES,)

    def candidates(self, page: Page) -> list[int]:
        """The sentences with enough separators for a list, short ones with a header word,
        and those of a line that is a list split by semicolons (the ways `check` can fire)."""
        headers = [k for k in page.sentences_with(HEADER_CUES) if len(page.sentences[k]) <= self.max_header_chars]
        lists = np.flatnonzero(page.counts_of(_SEPARATORS) >= self.min_items - 1).tolist()
        lines = self._semicolon_lines(page)
        split = [k for k, s in enumerate(page.sentences) if s.line in lines] if lines else []
        return sorted(set(headers).union(lists, split))

    def local_key(self, seg: Segment, page: Page) -> str | None:
        """The line of the sentence when it is a list split by semicolons."""
        lines = self._semicolon_lines(page)
        return lines.get(seg.line)

    def _semicolon_lines(self, page: Page) -> dict[int, str]:
        """Line number -> view of each line with `min_items` - 1 semicolons or more (cached
        on the page): the sentence splitter cuts "覆盖区域：鼓楼区；玄武区；…" into one item a
        sentence, so such a list is judged as its line."""
        cached = page.__dict__.get("_semicolon_lines")
        if cached is not None:
            return cached
        found: dict[int, str] = {}
        if ";" in page.view:
            for line in page.lines:
                view = page.view_of(line)
                if view.count(";") >= self.min_items - 1:
                    found[line.line] = view
        page.__dict__["_semicolon_lines"] = found
        return found

    def check(self, seg: Segment, page: Page) -> Removal | None:
        if (line := self.local_key(seg, page)) is not None and self._is_region_list(line):
            return Removal(seg.start, seg.end, self.code, {"semicolon_list": True})
        text = page.view_of(seg)
        if len(text) <= self.max_header_chars and (m := HEADER.search(text)):
            return Removal(seg.start, seg.end, self.code, {"header": m[0]})
        if sum(map(text.count, _SEPARATORS)) < self.min_items - 1:
            return None
        items = [i for i in _ITEM_SPLIT.split(text) if i]
        if sum(1 for i in items if len(i) <= self.max_item_chars) < self.min_items:
            return None
        if _STOP.search(text, 0, len(text) - 1):
            return None
        return self._judge(seg, text, items)

    def _is_region_list(self, line: str) -> bool:
        """A semicolon-split line of short place names (no other sentence stop in it)."""
        items = [i for i in _ITEM_SPLIT.split(line) if i]
        if sum(1 for i in items if len(i) <= self.max_item_chars) < self.min_items or _STOP.search(line):
            return False
        return place_coverage(line) >= self.min_coverage

    def _judge(self, seg: Segment, text: str, items: list[str]) -> Removal | None:
        if ends_sentence(text) and len(items) < self.min_items_sentence:
            return None  # a sentence naming a few places
        if sum(1 for i in items if _CODED_ITEM.match(i)) >= self.min_coded_share * len(items):
            return None  # a code table ("01北京、02上海、…"), not a service-area claim
        coverage = place_coverage(seg.text)
        if coverage >= self.min_coverage and not self._is_sentence(seg.text, items):
            return Removal(seg.start, seg.end, self.code,
                           {"items": len(items), "coverage": round(coverage, 2)})
        return None

    @staticmethod
    def _is_sentence(text: str, items: list[str]) -> bool:
        """A list inside a sentence: a lead-in of prose before the first item and a full stop
        at the end ("获评示范镇的有：光村镇、…、邦溪镇。")."""
        if not ends_sentence(text):
            return False
        lead = regex.split(r"[:：]", items[0], maxsplit=1)
        return len(lead) == 2 and han_count(lead[0]) >= 4 and place_coverage(lead[0]) < 0.5


#: A service-area label, the way the glued lists open ("服务区域：", "上门服务范围：",
#: "我们的网点遍布：", "分公司遍布："), at a sentence's start or after a space or mark.
AREA_LABEL = regex.compile(
    r"(?<![^\s。！？!?；;])(?:我们的|本公司)?"
    r"(?:(?:服务|维修|售后|销售|营销|经营|覆盖|业务|上门)(?:服务)?(?:区域|网点|范围|城市|网络|地区)(?:覆盖|分布|遍布|包括|有)?"
    r"|(?:网点|分公司|门店|分店|服务网点)(?:遍布|覆盖|分布)(?:全国)?|业务覆盖)\s*[:：]\s*"
)
#: Every AREA_LABEL match contains one of these.
AREA_CUES = ("区域", "网点", "范围", "城市", "网络", "地区", "遍布", "覆盖")
_AREA_SEPARATOR = regex.compile(r"\s*[、，,/|｜;；·]\s*|\s+")


@dataclass(frozen=True)
class RegionListRunOn:
    """A labelled service-area list whose last place runs straight on into the next sentence
    ("服务区域：朝阳区、海淀区、…、昌平区专家表示，…", a page that lost its line breaks): the
    span from the label to the end of the last place name the gazetteer knows. The prose after
    it is kept.
    Must keep: the prose the list is glued to; a sentence that names a few places after a
    label of another kind ("获评示范镇的有：…"), or fewer than `min_items` places."""

    code: ClassVar[str] = "spam.region_list"
    strength: ClassVar[str] = HARD
    cue_sets: ClassVar[tuple[tuple[str, ...], ...]] = (AREA_CUES,)
    min_items: int = 5
    max_chars: int = 400

    def find(self, page: Page):
        view = page.view
        for k in page.sentences_with(AREA_CUES):
            seg = page.sentences[k]
            if view.find(":", seg.start, seg.end) < 0:
                continue  # every label ends with a colon (the view folds "：" to ":")
            for label in AREA_LABEL.finditer(view, seg.start, seg.end):
                end, items = self._places(view, label.end(), min(len(view), label.end() + self.max_chars))
                if items >= self.min_items:
                    yield Removal(label.start(), end, self.code, {"label": label[0].strip(), "items": items})

    @staticmethod
    def _places(view: str, start: int, stop: int) -> tuple[int, int]:
        """End of the run of separated place names from `start` (each the longest gazetteer
        name that starts there) and how many there are."""
        longest: dict[int, int] = {}
        for end, length in division_automaton().iter(view, start, stop):
            first = end - length + 1
            longest[first] = max(longest.get(first, 0), end + 1)
        pos, items, last = start, 0, start
        while (end := longest.get(pos)) is not None:
            items, last = items + 1, end
            gap = _AREA_SEPARATOR.match(view, end, stop)
            if gap is None:
                break
            pos = gap.end()
        return last, items
