"""boilerplate.nav: menus, breadcrumbs, 上一篇/下一篇, pagination, "返回搜狐，查看更多"."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import regex

from zhclean.document import Removal, Segment
from zhclean.rules.base import CJK, HARD, TERMINAL, Page

NAV_INLINE = regex.compile(
    r"[▲△↑]?返回搜狐[,，]?\s*查看更多|查看更多\s*>+|更多\s*>{1,3}|>>\s*更多"
)
NAV_SEGMENT = regex.compile(
    r"^(?:当前位置|您的位置|您现在的位置|你的位置|你现在的位置|所在位置|位置)\s*[:：]"
    r"|^(?:首页|主页|网站首页)\s*(?:[>›»/|＞→-]|$)"
    r"|^(?:上一篇|下一篇|上一页|下一页|上一条|下一条|前一篇|后一篇)\s*(?:[:：]|$)"
    r"|^[▲△↑]?\s*返回(?:顶部|首页|列表|目录|上一页|栏目|上级)\s*$"
    r"|^(?:首页|上一页|下一页|尾页|末页|\d{1,3}|\.\.\.)(?:\s+(?:首页|上一页|下一页|尾页|末页|\d{1,3}|\.\.\.|共\d+页)){2,}\s*$"
    r"|[\p{Han}]{1,8}\s*[>›»＞]\s*[\p{Han}]{1,8}\s*[>›»＞]"
    r"|^(?:切换导航|导航|网站导航|全部分类|热门搜索|热词|搜索|登录|注册|登录/注册|设为首页|加入收藏)\s*[:：]?\s*$"
)
#: Every NAV_SEGMENT match contains one of these.
NAV_CUES = ("位置", "首页", "主页", "上一", "下一", "前一", "后一", "返回", "尾页", "末页", "共", ">", "›", "»",
            "＞", "导航", "分类", "搜索", "热词", "登录", "注册", "收藏")
_HARD_SEPARATOR = regex.compile(r"[|｜·•]")
_PIPES = regex.compile(r"\s*[|｜]\s*")
_SENTENCE_MARK = regex.compile(rf"[{TERMINAL}，,、]")
_MENU_SPLIT = regex.compile(r"\s*[|｜·•/]\s*|\s+-\s+|\s{2,}|\s")


@dataclass(frozen=True)
class NavigationLine:
    """Breadcrumbs ("首页 > 新闻 > 正文", "当前位置："), 上一篇/下一篇 links, pagination, and
    menu lines: at least `min_items` short items (≤ `max_item_chars`) separated by |, ·, or
    spaces, with no sentence punctuation; or three or more '|'-separated links of at most
    `max_link_chars` ("历史:轶闻秘档|历史映像室历史专题|民间说史").
    Must keep: a sentence that lists words with 、 (that is a list, judged elsewhere); a line
    of Latin words or a shell command separated by spaces only (no CJK: not a Chinese menu)."""

    code: ClassVar[str] = "boilerplate.nav"
    strength: ClassVar[str] = HARD
    trigger: ClassVar[regex.Pattern | None] = None
    min_items: int = 4
    max_item_chars: int = 6
    max_link_chars: int = 12

    def check(self, seg: Segment, page: Page) -> Removal | None:
        text = page.view_of(seg)
        punctuated = _SENTENCE_MARK.search(text) is not None
        if punctuated and seg.start not in page.starts_with(NAV_CUES):
            return None  # a sentence, and none of the breadcrumb/pager words
        if m := NAV_SEGMENT.search(text):
            return Removal(seg.start, seg.end, self.code, {"match": m[0].strip()[:30]})
        if punctuated:
            return None
        line = page.line_by_number[seg.line]
        whole_line = seg.start == line.start and seg.end == line.end
        if not whole_line and not _HARD_SEPARATOR.search(text):
            return None  # words separated by spaces inside running text
        if not _HARD_SEPARATOR.search(text) and not CJK.search(text):
            return None  # Latin words or a command line ("docker stop web && docker rm web")
        items = [i for i in _MENU_SPLIT.split(text) if i]
        if len(items) >= self.min_items and all(len(i) <= self.max_item_chars for i in items):
            return Removal(seg.start, seg.end, self.code, {"menu_items": len(items)})
        links = [i for i in _PIPES.split(text) if i.strip()]
        if len(links) >= 3 and all(len(i) <= self.max_link_chars for i in links):
            return Removal(seg.start, seg.end, self.code, {"links": len(links)})
        return None


@dataclass(frozen=True)
class NavigationPhrase:
    """Inline navigation links: "返回搜狐，查看更多", "查看更多>>", "更多>>".
    Must keep: prose that uses the words ("返回首页后…" is only a link as a whole line, which
    `NavigationLine` judges)."""

    code: ClassVar[str] = "boilerplate.nav"
    strength: ClassVar[str] = HARD

    def find(self, page: Page) -> Iterator[Removal]:
        for m in NAV_INLINE.finditer(page.view):
            yield Removal(m.start(), m.end(), self.code, {"match": m[0]})
