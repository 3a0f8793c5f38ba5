"""spam.keyword_list: runs of product keywords or search terms separated by / 、 | -."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import regex

from zhclean.document import Removal, Segment
from zhclean.rules.base import HARD, Page, ends_sentence, han_count, reads_as_prose, visible_count

_SEPARATORS = regex.compile(r"\s*(?:[/|｜、]|-{1,}|,|，)\s*")
_SEPARATOR_CHARS = "/|、-,"
_FUNCTION_CHARS = regex.compile("[的了是在和与及就都也而被把对从向为以于这那我你他她它们]")
_HARD_SEPARATORS = regex.compile(r"[/|｜]|-{1,}")
#: A list's last item, and the clause breaks of prose glued to it.
_GLUED_ITEM = regex.compile(r"\s*[^\s/|｜\-，,。！？!?；;]+")
#: A label that announces a list of search terms or tags ("热门搜索：", "相关标签：", "关键词：").
LIST_LABEL = regex.compile(
    r"^\s*(?:热门|相关|推荐|热点|今日|本周|每日|本文|文章)?(?:搜索|搜索词|搜索热词|热门词|关键词|关键字|标签|tags?|热搜词?|热词|话题)\s*[:：]\s*"
    r"|^\s*(?:大家都在搜|猜你喜欢搜|本文标签|文章标签)\s*[:：]?\s*"
)
#: Every LIST_LABEL match contains one of these.
_LABEL_CUES = ("搜", "关键词", "关键字", "标签", "tag", "热词", "话题")
#: After such a label, spaces separate items too ("二手车 二手车评估 二手车过户").
_LABELLED_SEPARATORS = regex.compile(r"\s*[/|｜、,，]\s*|\s+")


@dataclass(frozen=True)
class KeywordList:
    """Keyword stuffing: at least `min_items` short items (2–`max_item_chars` chars) split by
    / | 、 - or commas, few function characters (的, 了, 是 … < `max_function_share`), and
    either `/`/`|`/`-` separators or items that repeat a common word.
    A segment opening with / is the tail of such a list cut by a '?' inside it
    (`min_fragment_items` items suffice; not one opening with |, a markdown table row).
    A list after a label of search terms or tags ("热门搜索：", "相关标签：", "关键词：") needs
    only `min_labelled_items` short items, separated by spaces too.
    Must keep: a sentence listing things with 、 ("包括：东湖分馆、桂花园分馆和滨江分馆等。"):
    those have function characters and a lead-in, and end like a sentence."""

    code: ClassVar[str] = "spam.keyword_list"
    strength: ClassVar[str] = HARD
    trigger: ClassVar[regex.Pattern | None] = None
    local: ClassVar[bool] = True  # check reads the sentence alone (see rules/base.py)
    min_items: int = 8
    max_item_chars: int = 14
    max_function_share: float = 0.06
    min_han_share: float = 0.5
    #: A segment that opens with "/" is the rest of a list cut by a "?" inside it
    #: ("/怎么鉴定/去哪里卖?/最新价格/…"): fewer items suffice, and longer ones are allowed.
    min_fragment_items: int = 3
    min_fragment_short: float = 0.6
    #: After a label ("热门搜索：", "标签："), three items make a list.
    min_labelled_items: int = 3
    #: Prose glued to a list's last item: at least this many Han characters, with a comma or stop.
    min_glued_prose_han: int = 12

    def candidates(self, page: Page) -> list[int]:
        """The sentences with the separators that `check` asks for first (fewer for a list's
        tail that opens with "/")."""
        least = min(self.min_items, self.min_fragment_items) - 1
        listed = np.flatnonzero(page.counts_of(_SEPARATOR_CHARS) >= least).tolist()
        labelled = [k for k in page.sentences_with(_LABEL_CUES) if LIST_LABEL.match(page.view_of(page.sentences[k]))]
        return sorted(set(listed) | set(labelled))

    def check(self, seg: Segment, page: Page) -> Removal | None:
        text = page.view_of(seg)
        if (label := LIST_LABEL.match(text)) and (removal := self._labelled(seg, text, label.end())):
            return removal
        if (end := self._glued_list_end(text)) and (removal := self._judge(seg, text[:end])):
            return Removal(seg.start, seg.start + end, self.code, {**removal.detail, "glued": True})
        return self._judge(seg, text)

    def _judge(self, seg: Segment, text: str) -> Removal | None:
        """The list checks on `text` (the segment's view, or the list glued to its prose)."""
        fragment = text.startswith("/")  # not "|": a markdown table row opens with one
        min_items = self.min_fragment_items if fragment else self.min_items
        if sum(map(text.count, _SEPARATOR_CHARS)) < min_items - 1:
            return None
        items = [i for i in _SEPARATORS.split(text) if i]
        if len(items) < min_items:
            return None
        short = sum(1 for i in items if 2 <= len(i) <= self.max_item_chars)
        if short < (self.min_fragment_short if fragment else 0.8) * len(items):
            return None
        han = han_count(text)
        if han < self.min_han_share * visible_count(text):
            return None  # command lines, paths, code
        function_share = len(_FUNCTION_CHARS.findall(text)) / max(han, 1)
        if function_share > self.max_function_share:
            return None
        hard_separators = len(_HARD_SEPARATORS.findall(text))
        if hard_separators < min_items - 1 and ends_sentence(text):
            return None  # "…遗址，…遗址等。": an enumeration inside prose
        repeated = self._shared_word(items)
        if hard_separators >= min_items - 1 or repeated:
            return Removal(seg.start, seg.end, self.code,
                           {"items": len(items), "function_share": round(function_share, 3),
                            **({"shared_word": repeated} if repeated else {}),
                            **({"fragment": True} if fragment else {})})
        return None

    def _glued_list_end(self, text: str) -> int | None:
        """Where a list split by / | - ends when a sentence is glued to its last item (a page
        that lost its line breaks: "…|益阳|郴州专家表示，城市绿地…。"): the last item is taken
        up to a space after it, else as long as the longest item before it; None when no
        prose follows: `min_glued_prose_han` Han characters or more, with a clause break,
        ending a sentence (not a last item that is one long keyword phrase with a stop:
        "…/购买群体某某价格表鉴定择某某公司。")."""
        if not ends_sentence(text) or sum(map(text.count, "/|｜-")) < self.min_items - 1:
            return None
        separators = list(_HARD_SEPARATORS.finditer(text))
        if len(separators) < self.min_items - 1:
            return None
        start = separators[-1].end()
        last = _GLUED_ITEM.match(text, start)
        if last is None:
            return None
        if last.end() < len(text) and text[last.end()].isspace():
            end = last.end()
        else:
            before = [i.strip() for i in _HARD_SEPARATORS.split(text[:separators[-1].start()])]
            end = start + min(len(last[0]), max(map(len, before[-3:])))
        rest = text[end:]
        return end if reads_as_prose(rest, self.min_glued_prose_han, ends=False) else None

    def _labelled(self, seg: Segment, text: str, start: int) -> Removal | None:
        """A list after a label of search terms or tags: `min_labelled_items` short items, no
        sentence ending, no function characters (the label says what the list is)."""
        items = [i for i in _LABELLED_SEPARATORS.split(text[start:]) if i]
        if len(items) < self.min_labelled_items or ends_sentence(text):
            return None
        if any(not 2 <= len(i) <= self.max_item_chars for i in items) or _FUNCTION_CHARS.search(text, start):
            return None
        return Removal(seg.start, seg.end, self.code, {"label": text[:start].strip(), "items": len(items)})

    @staticmethod
    def _shared_word(items: list[str]) -> str | None:
        """A 2–4 character word that more than half of the items contain (价格, 厂家, 多少钱)."""
        counts: Counter[str] = Counter()
        for item in items:
            counts.update({item[i:i + n] for n in (2, 3, 4) for i in range(len(item) - n + 1)})
        if not counts:
            return None
        word, count = max(counts.items(), key=lambda kv: (kv[1], len(kv[0])))
        return word if count > len(items) / 2 and regex.fullmatch(r"\p{Han}+", word) else None
