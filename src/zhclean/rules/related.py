"""boilerplate.related: "相关新闻/推荐阅读/热门文章/阅读排行榜/最新评论" headers and the headlines under them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import numpy as np
import regex

from zhclean.document import Removal
from zhclean.normalize import matching_view
from zhclean.rules.base import HARD, Page, ends_sentence, han_count

HEADER = regex.compile(
    r"^[•·●■\-—\s#*]*(?:相关(?:阅读|新闻|文章|推荐|链接|报道|资讯|内容|专题|问题|搜索|热文)|推荐阅读|延伸阅读|扩展阅读|热门(?:文章|推荐|新闻|排行|阅读|资讯|标签)"
    r"|猜你(?:喜欢|还会看|想看|还喜欢)|你可能(?:还)?(?:喜欢|感兴趣|也喜欢|想看)|精彩推荐|最新(?:文章|资讯|新闻|发布)|图文推荐|热点(?:文章|新闻|推荐)"
    r"|往期(?:回顾|精选|推荐)|(?:本期|今日)导读|历史文章|更多(?:文章|新闻|精彩)|点击排行|本周热门|今日推荐|编辑推荐|本文标签|标签|tags?"
    r"|(?:阅读|评论|点击|推荐|热门|人气|热度|本周|本月|今日|24小时|热门点击)排行榜?|排行榜|大家都在看|其他人(?:也|还)在看"
    r"|(?:最新|热门|最热|精彩|全部|相关)评论|评论列表"
    # headers that also open sentences ("特别推荐这本书。"): only alone on their segment
    r"|(?:(?:其他)?类似问题|(?:为你|为您|特别|重点|热文|更多)推荐|推荐文章|看了(?:又|还)看|(?:24小时|今日|本周)?热文"
    # the same headers on Japanese pages (関連記事, 人気記事ランキング, この記事を見た人におすすめの記事;
    # the matching view has 记 for 記, 连 for 連, 见 for 見)
    r"|関[連连][記记]事|人気[記记]事(?:ランキング)?|(?:この[記记]事を(?:[見见]た|読んだ)人に)?おすすめの[記记]事|あわせて読みたい)"
    r"(?=\s*[:：]?\s*(?:\.{3}|…)?\s*$))"
    r"\s*[:：]?"
)
#: Every HEADER match contains one of these (its words, past the bullets).
HEADER_CUES = ("相关", "推荐阅读", "延伸阅读", "扩展阅读", "热门", "猜你", "你可能", "精彩推荐", "最新", "图文推荐",
               "热点", "往期", "历史文章", "更多", "点击排行", "本周热门", "今日推荐", "编辑推荐", "标签", "tag",
               "排行", "大家都在看", "其他人", "评论", "导读", "回顾", "类似问题", "推荐", "看了", "热文",
               "関连记事", "人気记事", "おすすめの记事", "あわせて読みたい")
#: Headers of what follows an article (lists of other articles, rankings, comments), not of a
#: part of it: the article has ended above one (`zhclean.context` ends the main block there).
#: Tag lines and tables of contents (本期导读) are not among them: they stand above the article
#: or under its headline.
_TAG_HEADER = regex.compile(r"^[•·●■\-—\s#*]*(?:本文标签|标签|tags?|(?:本期|今日)导读)\s*[:：]?")


def ends_article(text: str, max_tail_han: int = 4) -> bool:
    """True for a line that is only a related-articles, ranking or comments header (not a
    tag line): "网友评论@网友…" opens quoted comments inside a news story."""
    view = matching_view(text)
    m = HEADER.match(view)
    return m is not None and han_count(view[m.end():]) <= max_tail_han and _TAG_HEADER.match(view) is None
#: A header after the site's or account's name ("城南生活网精彩要闻回顾"), ending its sentence
#: (often glued to the byline before it); the name before it is taken back by `_NAME_BEFORE`.
NAMED_HEADER = regex.compile(r"(?:精彩要闻回顾|要闻回顾|精彩回顾|往期精彩|往期回顾|往期精选|往期推荐)[\s:：?？!！]*$")
_NAME_BEFORE = regex.compile(r"[\p{Han}a-z0-9]{1,10}$")
#: A header with its numbered headlines on one line: "热门文章：1. … 2. … 3. …".
INLINE_LIST = regex.compile(
    r"^[•·●■\-—\s#*]*(?:相关(?:阅读|新闻|文章|推荐)|推荐阅读|延伸阅读|热门(?:文章|推荐|新闻|阅读)|猜你喜欢|精彩推荐"
    r"|最新文章|往期(?:回顾|精选|推荐))\s*[:：]\s*(?:\d{1,2}\s*[.、)．]\s*[^\d\n]{4,40}?\s*){3,}$"
)
#: A segment left of an emoji that the scraper turned into '?' (counts as no item).
_PLACEHOLDER = regex.compile(r"^[?？\s]+$")


@dataclass(frozen=True)
class RelatedLinks:
    """A related-articles header and the run of headlines after it: each following segment
    of at most `max_chars` characters, until a segment of prose (≥ `prose_han` Han
    characters ending in 。) or a blank run ends the list.
    Must keep: an article's own text after such a header word used in a sentence
    ("相关新闻报道称，…" is not a header: the header must open its line or sentence and be
    followed by a list). A 往期/要闻回顾 header may follow the site's name and end a
    sentence ("…城南生活网精彩要闻回顾?"); '?' placeholders of dropped emoji between the
    headlines do not count as items. A header followed on its line by three or more numbered
    headlines ("热门文章：1. … 2. … 3. …") goes with them. A header above the page's first
    sentence of prose, with one line under it and then prose, is a menu item ("首页 新闻
    最新文章") above the article's own headline: the headline stays
    (`min_items_before_prose`); under the article, one headline and its teaser are junk."""

    code: ClassVar[str] = "boilerplate.related"
    strength: ClassVar[str] = HARD
    max_chars: int = 60
    prose_han: int = 40
    max_items: int = 40
    max_header_tail: int = 14
    #: A header with fewer headlines than this before prose is a menu item ("最新文章")
    #: above the article's own headline and text, not a list of other articles.
    min_items_before_prose: int = 2
    #: ... when no sentence of this many Han characters ending in 。！？ comes before it.
    top_prose_han: int = 15
    cue_sets: ClassVar[tuple[tuple[str, ...], ...]] = (HEADER_CUES,)

    def find(self, page: Page) -> Iterator[Removal]:
        units = page.sentences
        headed = page.starts_with(HEADER_CUES)  # HEADER can only match in these
        i = 0
        while i < len(units):
            seg = units[i]
            view = page.view_of(seg) if seg.start in headed else None
            if view is not None and (inline := INLINE_LIST.match(view)):
                yield Removal(seg.start, seg.end, self.code, {"inline_list": inline[0][:12]})
                i += 1
                continue
            m = (HEADER.match(view) or NAMED_HEADER.search(view)) if view is not None else None
            if not m or han_count(seg.text[m.end():]) > self.max_header_tail:
                i += 1
                continue
            start = m.start()
            if m.re is NAMED_HEADER and (name := _NAME_BEFORE.search(view, 0, start)):
                start = name.start()
            yield Removal(seg.start + start, seg.end, self.code, {"header": m[0].strip()})
            j = i + 1
            items = 0
            under: list[Removal] = []
            prose_next = False
            while j < len(units) and items < self.max_items:
                item = units[j]
                text = item.text
                items += not _PLACEHOLDER.match(text)
                prose_next = True
                if len(text) > self.max_chars or (han_count(text) >= self.prose_han and text.endswith("。")):
                    break
                if text.endswith("。") and han_count(text) >= 15 and item.line == units[j - 1].line:
                    break
                if "。" in text[:-1] or ("，" in text and han_count(text) >= 20 and not _HEADLINE_END.search(text)):
                    break  # a fragment of prose, not a headline (one ending in ？/！ may hold a comma)
                prose_next = False
                under.append(Removal(item.start, item.end, self.code, {"under_header": m[0].strip()}))
                j += 1
            if not (prose_next and len(under) < self.min_items_before_prose and under
                    and units[i + 1].line != seg.line and self._above_text(page, i)):
                yield from under
            i = j

    def _above_text(self, page: Page, i: int) -> bool:
        """True when no sentence of prose (`top_prose_han` Han characters ending a sentence)
        comes before sentence `i`: the page's top chrome, above its article."""
        for seg in page.sentences[:i]:
            if page.han_count(seg.start, seg.end) >= self.top_prose_han and ends_sentence(seg.text):
                return False
        return True


_HEADLINE_END = regex.compile(r"(?:[!！?？]+|\.{3,}|…+)[”’」』\"')）]*$")
_CLAUSE_MARK = regex.compile(r"[，,；;。]")
_ELLIPSIS_END = regex.compile(r"(?:\.{3,}|…+)[”’」』\"')）]*$")
_LIST_MARK = regex.compile(r"[、:：]")
_FUNCTION_CHARS = frozenset("的了是在和我你他她们这那就都也很吗呢吧啊")


@dataclass(frozen=True)
class HeadlineRun:
    """Headlines of other articles glued into the text: at least `min_run` consecutive
    sentences of `min_chars`–`max_chars` characters that end in ！, ？ or an ellipsis
    ("原来是因为……", without 、 or ：, which mark a list trailing off), carry no comma or
    full stop, and few function characters ("美联储加息再添市场动荡让人措手不及!",
    "今晚耶伦德拉基将成焦点本周能否突破阻力?").
    Must keep: exclamations and questions in prose and dialogue ("真的吗？我不信！"): they are
    short, or carry commas and function characters."""

    code: ClassVar[str] = "boilerplate.related"
    strength: ClassVar[str] = HARD
    min_run: int = 3
    min_chars: int = 8
    max_chars: int = 45
    max_function_share: float = 0.08

    def find(self, page: Page) -> Iterator[Removal]:
        sentences = page.sentences
        marks = page.counts_of("!！?？….")  # a headline ends with one (or an ellipsis)
        sized = (page.sentence_lengths >= self.min_chars) & (page.sentence_lengths <= self.max_chars)
        heads = [k for k in np.flatnonzero((marks > 0) & sized).tolist() if self._is_headline(sentences[k].text)]
        run: list[int] = []  # consecutive headlines
        for k in heads + [None]:
            if k is not None and run and k == run[-1] + 1:
                run.append(k)
                continue
            if len(run) >= self.min_run:
                for item in run:
                    yield Removal(sentences[item].start, sentences[item].end, self.code, {"headline_run": len(run)})
            run = [k] if k is not None else []

    def _is_headline(self, text: str) -> bool:
        if not (self.min_chars <= len(text) <= self.max_chars) or not _HEADLINE_END.search(text):
            return False
        if _CLAUSE_MARK.search(text):
            return False
        if _ELLIPSIS_END.search(text) and _LIST_MARK.search(text):
            return False  # "地质勘探：地灾预警、地震资料处理……": a list trailing off, not a headline
        han = han_count(text)
        return han >= self.min_chars and sum(1 for c in text if c in _FUNCTION_CHARS) <= self.max_function_share * han
