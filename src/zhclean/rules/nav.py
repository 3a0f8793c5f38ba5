"""boilerplate.nav: menus, breadcrumbs, 上一篇/下一篇, pagination, "返回搜狐，查看更多"."""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import ClassVar, Iterator

import regex

from zhclean.document import Removal, Segment
from zhclean.rules.base import CJK, HARD, TERMINAL, Page, ends_sentence, han_count

NAV_INLINE = regex.compile(
    r"[▲△↑]?返回搜狐[,，]?\s*查看更多|查看更多\s*>+|更多\s*>{1,3}|>>\s*更多"
)
#: Every NAV_INLINE match contains one of these.
_INLINE_CUES = ("更多", "返回搜狐")
NAV_SEGMENT = regex.compile(
    r"^(?:当前位置|您的位置|您现在的位置|你的位置|你现在的位置|所在位置|位置)\s*[:：]"
    r"|^(?:首页|主页|网站首页)\s*(?:[>›»/|＞→-]|$)"
    r"|^(?:上一篇|下一篇|上一页|下一页|上一条|下一条|前一篇|后一篇)\s*(?:[:：]|$)"
    r"|^[▲△↑←<]?\s*返回(?:顶部|首页|列表|目录|上一页|栏目|上级)?\s*$"
    r"|^(?:首页|上一页|下一页|尾页|末页|\d{1,3}|\.\.\.)(?:\s+(?:首页|上一页|下一页|尾页|末页|\d{1,3}|\.\.\.|共\d+页)){2,}\s*$"
    r"|[\p{Han}]{1,8}\s*[>›»＞]\s*[\p{Han}]{1,8}\s*[>›»＞]"
    r"|^(?:切换导航|导航|网站导航|全部分类|热门搜索|热词|搜索|登录|注册|登录/注册|设为首页|加入收藏)\s*[:：]?\s*$"
)
#: Every NAV_SEGMENT match contains one of these.
NAV_CUES = ("位置", "首页", "主页", "上一", "下一", "前一", "后一", "返回", "尾页", "末页", "共", ">", "›", "»",
            "＞", "导航", "分类", "搜索", "热词", "登录", "注册", "收藏")
#: The one NAV_SEGMENT alternative not anchored at the start (breadcrumbs) needs one of these.
_ARROWS = (">", "›", "»", "＞")
_HARD_SEPARATOR = regex.compile(r"[|｜·•]")
_PIPES = regex.compile(r"\s*[|｜]\s*")
_SENTENCE_MARK = re.compile(rf"[{TERMINAL}，,、]")  # literals only: the faster standard re, same matches
_MENU_SPLIT = regex.compile(r"\s*[|｜·•/]\s*|\s+-\s+|\s{2,}|\s")
#: Every _MENU_SPLIT and _PIPES match holds one of these: without any, a segment is one item.
_MENU_MARK = regex.compile(r"[\s|｜·•/]")
#: The characters of _MENU_MARK (what `regex` calls \s, spelled out), for `Page.counts_of`.
_MENU_MARK_CHARS = ("|｜·•/\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
                    + "\u2028\u2029\u202f\u205f\u3000")
#: A markdown heading with one heading mark (a line of '#' tags, "# 安全 # 漏洞", is not one).
_HEADING = regex.compile(r"#{1,6}\s+[^#]+$")
#: A year or a measurement ("2011", "344m", "1.5km"): an item of a record's data, which a menu's
#: words are not.
_MEASURE = regex.compile(r"(?:19|20)\d\d|\d+(?:\.\d+)?(?:m|km|cm|kg|g|ml)")
#: A gloss in Latin words in brackets ("被掩埋的月 (The Buried Moon)"): one item, not a menu's
#: words.
_GLOSS = regex.compile(r"[(（][a-zA-Z][a-zA-Z'’.,:&\- ]*\s[a-zA-Z'’.,:&\- ]*[)）]")
#: A pager line with an ellipsis, which the sentence splitter cuts at the "…" ("1 2 3 … 20 下一页",
#: "上一页 1 2 3 … 18 19 20 下一页"): page numbers, at least one page link, nothing else.
PAGER_LINE = regex.compile(
    r"^\s*(?:(?:首页|上一页|下一页|尾页|末页|共\d+页|\[?\d{1,4}\]?|\.{3}|…+|[«»‹›<>])\s*)*"
    r"(?:\.{3}|…)(?:\s*(?:首页|上一页|下一页|尾页|末页|共\d+页|\[?\d{1,4}\]?|\.{3}|…+|[«»‹›<>]))*\s*$"
)
_PAGE_LINK = regex.compile(r"首页|上一页|下一页|尾页|末页")
_ELLIPSIS = re.compile(r"…|\.\.\.")
_NUMBER = re.compile(r"\d+")
#: Without a cue, NAV_SEGMENT can only match a pager line, which starts like this.
_PAGER_START = regex.compile(r"\d|\.\.\.")


@dataclass(frozen=True)
class NavigationLine:
    """Breadcrumbs ("首页 > 新闻 > 正文", "当前位置："), 上一篇/下一篇 links, pagination, and
    menu lines: at least `min_items` short items (≤ `max_item_chars`) separated by |, ·, or
    spaces, with no sentence punctuation; or three or more '|'-separated links of at most
    `max_link_chars` ("历史:轶闻秘档|历史映像室历史专题|民间说史").
    Must keep: a sentence that lists words with 、 (that is a list, judged elsewhere); a line
    of Latin words or a shell command separated by spaces only (no CJK: not a Chinese menu);
    the rows of a markdown table (a line that starts and ends with '|'), a markdown
    subheading ("## iOS 16 正式版"), and a record's data separated the same way, with a year
    or a measurement among its items ("2016 / 美国 / 剧情 / 导演名", "[東京] 新橋駅 344m / 日本料理");
    the lines of a fenced code block (a shell session, a register dump: the article's code)
    and a line ending with a colon, which introduces what follows (a share bar ending in
    "分享到：" is left to ui_junk)."""

    code: ClassVar[str] = "boilerplate.nav"
    strength: ClassVar[str] = HARD
    trigger: ClassVar[regex.Pattern | None] = None
    cue_sets: ClassVar[tuple[tuple[str, ...], ...]] = (NAV_CUES,)
    min_items: int = 4
    max_item_chars: int = 6
    max_link_chars: int = 12
    #: Prose after a breadcrumb glued to it: at least this many Han characters, ending a sentence.
    min_glued_prose_han: int = 12
    #: `check` reads the sentence, and of the page only what `local_key` returns.
    local: ClassVar[bool] = True

    def local_key(self, seg: Segment, page: Page) -> tuple[bool, bool, bool, bool, bool]:
        """What `check` reads of the page besides the sentence: is its line inside a fenced
        code block, does a cue start in it, is it its whole line, is its line a markdown
        table row, is its line a pager cut at an ellipsis."""
        line = page.line_by_number[seg.line]
        return (seg.line in page.fenced_lines, seg.start in page.starts_with(NAV_CUES),
                seg.start == line.start and seg.end == line.end,
                len(line.text) > 1 and line.text[0] in "|｜" and line.text[-1] in "|｜",
                seg.line in _pager_lines(page))

    def candidates(self, page: Page) -> list[int]:
        """The sentences `check` can remove: those with a cue, and unpunctuated ones that
        are a pager (digits, "...") or hold a menu separator (without a cue, NAV_SEGMENT
        matches nothing else, and a menu or link list needs a separator)."""
        cued = set(page.sentences_with(NAV_CUES))
        marked = page.counts_of(_MENU_MARK_CHARS)
        view = page.view
        pagers = _pager_lines(page)
        return [k for k, s in enumerate(page.sentences)
                if k in cued or s.line in pagers or (not _SENTENCE_MARK.search(view, s.start, s.end)
                                                     and (marked[k] or _PAGER_START.match(view, s.start, s.end)))]

    def check(self, seg: Segment, page: Page) -> Removal | None:
        if seg.line in page.fenced_lines:
            return None  # a line of code ("$ mount | grep bpf", "6 0 0 1"), not a menu or pager
        if seg.line in _pager_lines(page):
            return Removal(seg.start, seg.end, self.code, {"pager_line": True})
        text = page.view_of(seg)
        punctuated = _SENTENCE_MARK.search(text) is not None
        if punctuated and seg.start not in page.starts_with(NAV_CUES):
            return None  # a sentence, and none of the breadcrumb/pager words
        if m := _nav_segment(text):
            if punctuated and (end := _glued_crumbs_end(text, self.min_glued_prose_han)):
                return Removal(seg.start, seg.start + end, self.code, {"match": m[0].strip()[:30], "glued": True})
            return Removal(seg.start, seg.end, self.code, {"match": m[0].strip()[:30]})
        if punctuated:
            return None
        line = page.line_by_number[seg.line]
        if len(line.text) > 1 and line.text[0] in "|｜" and line.text[-1] in "|｜":
            return None  # a row of a markdown table ("| 工具 | 准确性 | 可读性 |"), not a menu
        if _HEADING.match(text):
            return None  # a markdown subheading ("## iOS 16 正式版"), not a menu
        whole_line = seg.start == line.start and seg.end == line.end
        if not whole_line and not _HARD_SEPARATOR.search(text):
            return None  # words separated by spaces inside running text
        if not _MENU_MARK.search(text):
            return None  # one item, one link
        if not _HARD_SEPARATOR.search(text) and not CJK.search(text):
            return None  # Latin words or a command line ("docker stop web && docker rm web")
        items = [i for i in _MENU_SPLIT.split(_GLOSS.sub("()", text)) if i]
        if any(_MEASURE.fullmatch(i) for i in items):
            return None  # "2011 / 美国 / 动画", "[東京] 新橋駅 344m / 日本料理": a record's data
        if text.rstrip().endswith((":", "：")) and any(len(i.rstrip(":：")) > 1 for i in items):
            return None  # a line introducing what follows ("例如以下 bpf 指令 (ip proto 6):"); a
            # header spelt out one character at a time ("相 关 阅 读：") is still chrome
        if len(items) >= self.min_items and all(len(i) <= self.max_item_chars for i in items):
            return Removal(seg.start, seg.end, self.code, {"menu_items": len(items)})
        links = [i for i in _PIPES.split(text) if i.strip()]
        if len(links) >= 3 and all(len(i) <= self.max_link_chars for i in links):
            return Removal(seg.start, seg.end, self.code, {"links": len(links)})
        return None


#: A breadcrumb or a menu of links at a segment's start, up to its last separator:
#: "当前位置：首页 » 资讯 » ", "首页 | 关于我们 | 产品中心 | ".
_CRUMBS = regex.compile(
    r"\s*(?:(?:当前位置|您的位置|您现在的位置|你的位置|你现在的位置|所在位置|位置)\s*[:：]\s*)?"
    r"((?:[^\s>›»/|｜＞→，,。！？!?:：]{1,8}\s*[>›»/|｜＞→]{1,2}\s*){2,})"
)
_CRUMB = regex.compile(r"[^\s>›»/|｜＞→，,。！？!?:：]+")


def _glued_crumbs_end(text: str, min_prose_han: int) -> int | None:
    """Where a breadcrumb or link menu that opens `text` ends when a sentence is glued to its
    last item (a page that lost its line breaks: "首页 > 新闻中心 > 正文专家表示，…。"): the
    last item is taken up to a space after it, else as long as the longest item before it
    (or "正文"), and the rest is left
    when it is prose (`min_prose_han` Han characters or more, ending a sentence). None when
    the segment is the breadcrumb, or no prose follows it."""
    crumbs = _CRUMBS.match(text)
    if crumbs is None or not ends_sentence(text):
        return None
    last = _CRUMB.match(text, crumbs.end())
    if last is None:
        return None
    if last.end() < len(text) and text[last.end()].isspace() and len(last[0]) <= 8:
        end = last.end()  # the space after it marks where the item ends
    else:
        longest = max(len(i) for i in _CRUMB.findall(text, crumbs.start(1), crumbs.end()))
        end = last.start() + (2 if last[0].startswith("正文") else min(len(last[0]), longest))
    return end if han_count(text[end:]) >= min_prose_han else None


def _pager_lines(page: Page) -> frozenset[int]:
    """Numbers of the lines that are a pager with an ellipsis (`PAGER_LINE`, two page numbers
    or more and a page link), cached on the page: the sentence splitter cuts them at the "…",
    so they are judged as lines."""
    cached = page.__dict__.get("_pager_lines")
    if cached is not None:
        return cached
    found = set()
    view = page.view
    if "…" in view or "..." in view:
        starts = [line.start for line in page.lines]
        pos = 0
        while m := _ELLIPSIS.search(view, pos):
            k = bisect_right(starts, m.start()) - 1
            line = page.lines[k] if k >= 0 else None
            if line is None or m.start() >= line.end:  # between lines
                pos = m.end()
                continue
            pos = line.end  # the next line with an ellipsis
            text = view[line.start:line.end]
            if (len(text) <= 200 and PAGER_LINE.match(text) and _PAGE_LINK.search(text)
                    and len(_NUMBER.findall(text)) >= 2):
                found.add(line.line)
    page.__dict__["_pager_lines"] = frozenset(found)
    return page.__dict__["_pager_lines"]


def _nav_segment(text: str) -> regex.Match | None:
    r"""`NAV_SEGMENT.search(text)`, scanning past the start only when a breadcrumb arrow is
    there: every other alternative is anchored with ^ (a search would try them, and the
    breadcrumb's [\p{Han}]{1,8}, at every position of every sentence)."""
    if m := NAV_SEGMENT.match(text):
        return m
    if any(arrow in text for arrow in _ARROWS):
        return NAV_SEGMENT.search(text)
    return None


@dataclass(frozen=True)
class NavigationPhrase:
    """Inline navigation links: "返回搜狐，查看更多", "查看更多>>", "更多>>".
    Must keep: prose that uses the words ("返回首页后…" is only a link as a whole line, which
    `NavigationLine` judges)."""

    code: ClassVar[str] = "boilerplate.nav"
    strength: ClassVar[str] = HARD
    cue_sets: ClassVar[tuple[tuple[str, ...], ...]] = (_INLINE_CUES,)

    def find(self, page: Page) -> Iterator[Removal]:
        if not page.sentences_with(_INLINE_CUES):
            return  # every match holds 更多 (or 返回搜狐), which no sentence has
        for m in NAV_INLINE.finditer(page.view):
            yield Removal(m.start(), m.end(), self.code, {"match": m[0]})
