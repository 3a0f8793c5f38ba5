"""spam.seo_title: keyword-stuffed title lines and SEO titles re-inserted into the text."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import ClassVar, Iterator

import numpy as np
import regex

from zhclean.document import Removal, Segment
from zhclean.rules.base import FIELD_ROW, HARD, Page, ends_sentence, han_count

DECORATION = regex.compile(
    r"《\s*20\d{2}\s*(?:汇总|最新|更新|推荐|版)?\s*》|【\s*(?:官方|最新|推荐|官网|今日|热门)\s*】"
    r"|[(（]\s*(?:今日|最新|实时)?更新\s*[)）]|[(（]\s*(?:点击|在线)?咨询\s*[)）]"
)
SERVICE_PHRASE = regex.compile(
    r"(?:售后|客服|维修|服务|人工|报修|保养|安装|清洗|移机|加氟)(?:服务)?(?:中心|网点|点)?(?:热线|电话|号码|网点|中心|查询)"
    r"|(?:官方网站|官网)(?=$|[\s|｜_:：\-—(（【\[\da-z]|电话|热线|入口|首页|客服|查询)"
    r"|(?:客服电话|服务热线|售后电话|维修电话|全国联保|24小时(?:人工|客服|售后|服务|维修))"
)
#: (官网 is a service phrase as a label, "××空调官网" or "官网：…"; in running text, "据该公司
#: 官网介绍", "在官网公布名单", it is not.)
#: Every DECORATION match contains one of these ...
DECORATION_CUES = ("《", "【", "(", "（")
#: ... and every SERVICE_PHRASE match one of these.
SERVICE_CUES = ("售后", "客服", "维修", "服务", "人工", "报修", "保养", "安装", "清洗", "移机", "加氟",
                "官方网站", "官网", "全国联保", "24小时")
_HAN_CHARS = regex.compile(r"\p{Han}")
_MASK = regex.compile(r"[\d\p{P}\p{S}\s a-z]+")
#: Markup that copies of one line may differ by: HTML tags, list enumerators, punctuation.
_MARKUP = regex.compile(r"<[^>\n]*>|^\s*(?:\d{1,3}[.、)）]|[-*+>#]+)\s*|[\p{P}\p{S}\s]+")
_PIPE_TITLE = regex.compile(r"[^|｜_\n]{2,30}(?:\s*[|｜_]\s*[^|｜_\n]{2,30}){2,}")
_PIPE_OR_UNDERSCORE = regex.compile(r"[|｜_]")
_DASH = regex.compile(r"[-—–]")
_TITLE_PART_CUES = ("|", "｜", "_", "-", "—", "–")
#: The separators of a stuffed title's parts ("杭州空调维修|杭州空调维修电话_…", "… - … - …").
_TITLE_PARTS = regex.compile(r"\s*[|｜_【】\[\]]\s*|\s+[-—–]\s+|\s*[-—–]\s*(?=\p{Han})")


_SITE_SEPARATOR = regex.compile(r"\s*[_|｜—–]\s*|\s+-\s+")
_HAN_WORD = regex.compile(r"\p{Han}+")


def title_main(title: str) -> str:
    """The given HTML title without its site suffix ("标题_站点名", "标题 - 站点名")."""
    return _SITE_SEPARATOR.split(title.strip())[0]


def template_key(text: str) -> str:
    """The line with digits, Latin letters, punctuation and spaces removed: lines that differ
    only by a number, an enumerator or a bracket share a key."""
    return _MASK.sub("", text)


#: Marks inside a clause-bearing line of prose (not title separators such as | _ -).
_CLAUSE_MARK = regex.compile(r"[，；。]")


@dataclass(frozen=True)
class SeoTitle:
    """Doorway-page title lines and their repeats.

    Fires on a title-like segment (no sentence ending, ≤ `max_chars`) that
    * carries a decoration (《2025汇总》, (点击咨询), 【最新】), or a brand-service phrase
      (售后服务电话, 维修网点, 官网) on a page with `min_service_phrases` such phrases (or one
      and a repeated brand prefix), or
    * shares its template key (digits/brackets masked) with `min_repeats`-1 other lines on a
      page that has a service phrase, or
    * shares its first `prefix_chars` Han characters (the brand) with `min_repeats`-1 other
      title-like lines on a page that also has a service phrase (hard-wrapped lines of
      prose, with a clause mark and `prose_han` Han characters, neither count nor go), or
    * is a '|'-separated keyword title with service words, or
    * is cut by | _ or dashes into parts that mostly repeat one keyword (4+ Han), or
    * repeats the line right above it (LABELS.md: the first copy of a title is kept), or
      repeats the page's given title after its first occurrence.
    Must keep: an article's own headline and its subheadings (no repeats; a single headline
    about a public hotline or a service centre is not a doorway page);
    tables of contents (repeated prefixes without a service phrase on the page).
    """

    code: ClassVar[str] = "spam.seo_title"
    strength: ClassVar[str] = HARD
    cue_sets: ClassVar[tuple[tuple[str, ...], ...]] = (DECORATION_CUES, SERVICE_CUES)
    max_chars: int = 80
    min_repeats: int = 3
    prefix_chars: int = 4
    min_service_phrases: int = 2
    min_keyword_han: int = 4
    #: A line with a clause mark (，；。) inside and this many Han characters is a
    #: hard-wrapped line of prose: it shares no brand prefix. Headlines with a comma are
    #: shorter ("独家专访某某：多重身份转变，初心不变" has 20; at 20 such sidebar headlines
    #: stopped counting on the dev set).
    prose_han: int = 24
    #: Parts that all open with one place or brand (2+ Han) need the keyword in half of them
    #: ("西安开锁公司-西安开锁换锁电话-西安24小时开锁").
    min_head_han: int = 2
    #: ... or, cut by _ or | (not dashes, which prose uses between places), short parts that
    #: each say something after the head.
    max_head_part_chars: int = 15

    def find(self, page: Page) -> Iterator[Removal]:
        decorated = page.starts_with(DECORATION_CUES)  # the patterns only run where they can match
        serviced = page.starts_with(SERVICE_CUES)
        cued = decorated | serviced
        # Phrases and decorations are only in sentences with a cue; a toolbar repeated at the
        # foot counts once.
        title_like = self._title_like_sentences(page)
        views = {page.view_of(s): s.start for s, like in zip(page.sentences, title_like) if like and s.start in cued}
        services = sum(len(SERVICE_PHRASE.findall(v)) for v, start in views.items() if start in serviced)
        phrases = services + sum(len(DECORATION.findall(v)) for v, start in views.items() if start in decorated)
        # Without a service phrase on the page (or enough decorations), only decorated
        # sentences can go, so the other title-like lines need no look.
        candidates = [s for s, like in zip(page.sentences, title_like) if like and s.start in cued]
        service_page = False
        if services or phrases >= self.min_service_phrases:
            candidates = [s for s, like in zip(page.sentences, title_like) if like]
            # lines that differ by a number or a Latin word, not copies of one line in other
            # markup (a page that shows its text as markdown, as HTML and rendered repeats
            # lines without being a template)
            variants = {_MARKUP.sub("", s.text) for s in candidates}
            keys = Counter(template_key(v) for v in variants)
            # hard-wrapped article lines (a clause mark inside, `prose_han` Han or more) that
            # open with the company the article is about ("现代汽车在此次车展上…，此次…") are
            # not titles sharing a brand
            prefixes = Counter(self._prefix(v) for v in
                               {_MARKUP.sub("", s.text) for s in candidates if not self._wrapped_prose(s.text)})
            brand_repeats = max((n for p, n in prefixes.items() if p), default=0) >= self.min_repeats
            # a lone decoration ("【推荐】" in a site's toolbar) does not make a hard-wrapped
            # article whose lines often start with its topic ("民间资本…") a doorway page
            service_page = phrases >= self.min_service_phrases or bool(services and brand_repeats)
        for seg in candidates:
            view = page.view_of(seg)
            detail = None
            if seg.start in decorated and (m := DECORATION.search(view)):
                detail = {"decoration": m[0]}
            elif service_page and (m := SERVICE_PHRASE.search(view)):
                detail = {"service_phrase": m[0]}
            elif service_page and len(key := template_key(seg.text)) >= 4 and keys[key] >= self.min_repeats:
                detail = {"template_repeats": keys[key]}
            elif (service_page and (p := self._prefix(seg.text)) and prefixes[p] >= self.min_repeats
                  and not self._wrapped_prose(seg.text)):
                detail = {"brand_prefix": p, "repeats": prefixes[p]}
            if detail:
                yield Removal(seg.start, seg.end, self.code, detail)
        yield from self._stuffed_titles(page, title_like)
        yield from self._repeated_titles(page)

    def _stuffed_titles(self, page: Page, title_like: list[bool]) -> Iterator[Removal]:
        """A title line cut by | _ or dashes into `min_repeats` or more short parts that
        (two thirds of them) repeat one keyword of `min_keyword_han` Han characters or more ("北京搬家公司_北京
        搬家公司电话_北京搬家公司哪家好"): keyword stuffing, whatever the brand. Parts that all
        open with the same `min_head_han` Han characters (a city or brand) need the keyword in
        half of them only ("西安开锁公司-西安开锁换锁电话-西安24小时开锁"), or none when the
        parts are cut by _ or | and short ("东莞注册公司_东莞代理记账_东莞工商注册代办")."""
        for k in page.sentences_with(_TITLE_PART_CUES):
            seg = page.sentences[k]
            view = page.view_of(seg)
            if not title_like[k]:
                continue
            parts = [p for p in _TITLE_PARTS.split(view.strip()) if p]
            if len(parts) < self.min_repeats or any(len(p) > 30 for p in parts):
                continue
            if keyword := _shared_keyword(parts, self.min_keyword_han, self.min_repeats):
                yield Removal(seg.start, seg.end, self.code, {"stuffed_keyword": keyword, "parts": len(parts)})
            elif head := _shared_head(parts, self.min_head_han):
                if keyword := _shared_keyword(parts, self.min_keyword_han, 2, share=0.5):
                    yield Removal(seg.start, seg.end, self.code,
                                  {"stuffed_keyword": keyword, "head": head, "parts": len(parts)})
                elif _PIPE_OR_UNDERSCORE.search(view) and not _DASH.search(view) and all(
                        len(p) <= self.max_head_part_chars and han_count(p) >= len(head) + 2 for p in parts):
                    # "东莞注册公司_东莞代理记账_东莞工商注册代办": one city, several services
                    yield Removal(seg.start, seg.end, self.code, {"head": head, "parts": len(parts)})

    def _title_like(self, seg: Segment, page: Page) -> bool:
        return len(seg) <= self.max_chars and not ends_sentence(seg.text) and page.han_count(seg.start, seg.end) >= 4

    def _title_like_sentences(self, page: Page) -> list[bool]:
        """`_title_like` of each sentence of the page (its length and Han count for all of
        them at once; the ending only where these pass)."""
        sentences = page.sentences
        out = [False] * len(sentences)
        for k in np.flatnonzero((page.sentence_lengths <= self.max_chars) & (page.sentence_han >= 4)).tolist():
            out[k] = not ends_sentence(sentences[k].text)
        return out

    def _wrapped_prose(self, text: str) -> bool:
        return han_count(text) >= self.prose_han and _CLAUSE_MARK.search(text) is not None

    def _prefix(self, text: str) -> str:
        han = "".join(_HAN_CHARS.findall(text, 0, self.prefix_chars * 3))
        return han[: self.prefix_chars] if len(han) >= self.prefix_chars else ""

    def _repeated_titles(self, page: Page) -> Iterator[Removal]:
        """Later copies of the page title (the given title without its site suffix, or a
        title-like line that the page repeats)."""
        titles = set()
        if page.title:
            for form in (page.title.strip(), title_main(page.title)):  # whole, or without the site
                if han_count(form) >= 6:
                    titles.add(form)
        previous = None
        for seg in page.lines:
            if previous is not None and seg.text == previous.text and self._title_like(seg, page) and len(seg.text) >= 6 \
                    and not FIELD_ROW.match(seg.text):  # two items' same price is no title
                yield Removal(seg.start, seg.end, self.code, {"repeat_of_line": previous.line})
            previous = seg
        for title in titles:
            first = page.source.find(title)
            if first < 0:
                continue
            pos = page.source.find(title, first + len(title))
            while pos >= 0:
                yield Removal(pos, pos + len(title), self.code, {"repeat_of": "page title"})
                pos = page.source.find(title, pos + len(title))


def _shared_head(parts: list[str], min_han: int) -> str | None:
    """The Han characters (`min_han` or more) that every part opens with."""
    head = regex.match(r"\p{Han}+", parts[0])
    if head is None:
        return None
    n = len(head[0])
    for p in parts[1:]:
        while n and not p.startswith(head[0][:n]):
            n -= 1
    return head[0][:n] if n >= min_han else None


def _shared_keyword(parts: list[str], min_han: int, min_parts: int, share: float = 2 / 3) -> str | None:
    """The longest run of `min_han` or more Han characters of the first part (the title's
    head keyword) that `min_parts` parts and `share` of them (two thirds) contain."""
    first, need = parts[0], max(min_parts, math.ceil(share * len(parts) - 1e-9))
    for n in range(len(first), min_han - 1, -1):
        for i in range(len(first) - n + 1):
            word = first[i:i + n]
            if _HAN_WORD.fullmatch(word) and sum(word in p for p in parts) >= need:
                return word
    return None
