"""meta.byline: author, reporter, editor, source and date tags. Removed from the text and
kept as metadata (`author`, `correspondent`, `editor`, `source`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, Iterator

import regex

from zhclean.document import Removal
from zhclean.normalize import matching_view
from zhclean.rules.base import HARD, Page

_NAME = r"[\p{Han}a-z·]{1,6}(?:[ 　、,，][\p{Han}]{2,4}){0,3}"
#: A name that stops where the next label starts ("陈立为编辑｜时楠楠" -> "陈立为").
_SEP = r"\s*[:：丨|｜/]\s*"
_LABEL = (
    r"责任编辑|责编|编辑|主编|总编|审核|审校|校对|终审|值班编委|值班主任|值班编辑|值班校对|监制|"
    r"供稿|作者|撰文|提问者|回答者|楼主|发帖人|发布者|撰稿|文字|摄影|图片|视频|记者|通讯员|实习生|出品|策划|整理|排版|美编|制作"
)
_SOURCE = r"来源|文章来源|稿件来源|信息来源|稿源|出处|来自"
#: Verbs that follow a reporter in a sentence rather than a name.
_REPORTING = r"采访|表示|了解|获悉|调查|发现|注意到|看到|走访|探访|询问|提问|联系|介绍|说|从|在|的"
_TAG_NAME = (rf"[\p{{Han}}a-z·]{{1,6}}?(?:[ 　][\p{{Han}}]{{2,4}}){{0,3}}"
             rf"(?=[\s，,。;；|丨｜?？(（)）】\]]|$|\\n|(?:{_LABEL}|{_SOURCE}))")
BYLINE = regex.compile(
    # 【编辑:李岩】, (责任编辑：张三), [作者：xx]
    rf"[【\[(（]\s*(?:{_LABEL}|{_SOURCE})(?:{_SEP}|\s+)[^】\]）)\n]{{1,30}}[】\])）]"
    # 原标题： / 转帖： prefixes (the title after them is content)
    r"|(?:原标题|原题|转帖|转载自?)\s*[:：]"
    # □ 本报记者 张博 / 本报通讯员
    # (not "接受本报记者采访时表示", "对本报记者表示": a verb after the role is no name)
    # (nor "首度向本报记者自曝…": after 向/对/给 the reporter is the object of a sentence)
    rf"|[□■◎●]?\s*(?<![向对给让])(?:本报|本刊|本台|本网)(?:记者|通讯员|特约记者|评论员)(?!{_REPORTING})\s*{_NAME}(?=\s|$|[。，,)）】]|\\n)"
    # 新华社记者 谢环驰 摄 / 陕西日报记者 张辰摄 / （陕西日报记者 张辰）/ (记者 薛晓霞)
    rf"|[(（]?[\p{{Han}}]{{0,8}}记者\s+{_NAME}\s*(?:摄影?|报道)?[)）]?(?=\s|$|[。\n]|\\n)"
    rf"|[(（][\p{{Han}}]{{0,8}}记者\s*{_NAME}[)）]"
    # Taiwan style: 記者林雅婷／台北報導, 〔記者林雅婷、王志明／台北報導〕, 記者林雅婷／綜合報導
    # (matched on the Simplified, width-folded view: 记者林雅婷/台北报导); the slash between
    # the reporters and the place is what makes it a byline, not a sentence about a reporter
    rf"|[〔\[(（【]?(?<![\p{{Han}}])[\p{{Han}}]{{0,6}}?记者\s*\p{{Han}}{{2,4}}(?:[、,，]\p{{Han}}{{2,4}}){{0,3}}"
    rf"\s*/\s*\p{{Han}}{{2,6}}?报[导道][〕\])）】]?"
    # 责任编辑：张三 / 编辑｜时楠楠 胡鑫 / 来源：法政新洞察
    # (本文作者：小明 too)
    rf"|(?<![\p{{Han}}])(?:本文)?(?:{_LABEL})(?:{_SEP})(?:{_TAG_NAME})?(?:\s*(?:{_LABEL}|{_SOURCE}){_SEP}(?:{_TAG_NAME})?)*\s*[?？]?"
    # 文 | 李丽 / 文图：王强 (文 is no label inside _LABEL: a name ending in 文 would stop there)
    rf"|(?<![\p{{Han}}])(?:文|文图|图文)\s*[|｜丨:：]\s*{_TAG_NAME}"
    rf"|(?<![\p{{Han}}])(?:{_SOURCE}){_SEP}[^\s，,。；;！!？?\n]{{1,30}}[，,]?"
    # glued to the text before it on a page that lost its line breaks ("…12会昌县来源：某地税
    # 编辑：小兴"): a source chained to an editor label is a byline wherever it starts
    # (the source and editor labels spelled out, and a short name: the general labels and
    # names cost a third of the byline scan here)
    r"|(?:来源|稿源|文章来源|信息来源|内容来源)[:：]\s*[\p{Han}a-z]{2,16}?(?:责任编辑|责编|编辑)[:：]\s*"
    r"[\p{Han}a-z·]{1,6}?(?=[\s(（，,。;；|]|$|\\n)(?:\s*[(（][a-z0-9_\-]{2,20}[)）])?"
    # 本文来源：澎湃新闻 (not in brackets, where a credit of the author may follow)
    rf"|(?<![\p{{Han}}(（])本文来源{_SEP}[^\s，,。；;！!？?\n]{{1,30}}[，,]?"
    # 本文首发于微信公众号：xx / 综合《华西都市报》等
    r"|(?:本文)?(?:首发|首发于|发表于|发布于|转自|来自)(?:微信)?(?:公众号)?\s*[:：][^。\n]{1,30}[。]?"
    # (综合 + plain names needs 报道/消息/等 at the end: "综合目前的情况来讲" and a wrapped
    # line "综合性项目，有商业街、商务楼" are prose)
    r"|(?<![\p{Han}])综合[《“][^》”\n]{2,12}[》”]"
    r"(?:[、，,][《“]?[\p{Han}a-z]{2,12}[》”]?){0,4}等?(?:媒体)?(?:报道|消息)?(?=\s|$|\\n)"
    r"|(?<![\p{Han}])综合[\p{Han}a-z]{2,12}(?=[、，,]|等|(?:媒体)?(?:报道|消息))"
    r"(?:[、，,][《“]?[\p{Han}a-z]{2,12}[》”]?){0,4}(?:等(?:媒体)?(?:报道|消息)?|(?:媒体)?(?:报道|消息))(?=\s|$|\\n)"
    # （图文/区委办）
    r"|[(（]图文?\s*[/:：]\s*[^)）\n]{1,12}[)）]"
    # 湖南日报新湖南客户端通讯员 阳靖 / 通讯员 李明 记者 王晗
    # (the outlet's name is taken from the start of its Han run, at most 10 characters: a
    # pattern that could start anywhere before 通讯员 would be tried at every position)
    rf"|(?<![\p{{Han}}])[\p{{Han}}]{{0,10}}通讯员\s+{_NAME}(?=\s|$|[。，,)）】]|\\n)"
    rf"|通讯员\s+{_NAME}(?=\s|$|[。，,)）】]|\\n)"
    # a reporter's bare name in brackets right after a dateline ("中新社某地5月1日电 （赵某某）")
    r"|(?<=\d日电|[网报社]讯)\s*[(（]\p{Han}{2,4}(?:[ 、]\p{Han}{2,4}){0,2}[)）]"
    # a wire story's end mark
    r"|[(（]完\s*[)）]"  # (the cue is "(完": no space after the bracket)
)
#: What `regex` calls \s, spelled out for the standard `re` module (whose \s adds U+001C-U+001F).
_WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: Literal cues: the byline pattern only runs on sentences that contain one. (Standard `re`:
#: it scans the whole page, 4x faster than `regex` on this alternation of literals; a branch
#: that opens with a group, "(?:日电|讯)\s*[(（]", made the scan ten times slower, hence the
#: literals of the width-folded view: "日电(", "讯 (".)
_CUE = re.compile(rf"\(完|（完|日电\(|日电 \(|讯\(|讯 \(|记者|通讯员|评论员|原标题|原题|转帖|转载|首发|发表于|发布于|转自|来自|综合|图文?[{_WHITESPACE}]*[/:：]|文图?[{_WHITESPACE}]*[|｜丨:：]|{_LABEL}|{_SOURCE}")
DATE = regex.compile(
    r"(?:发布|更新|发表|上传|编辑)?(?:时间|日期)?\s*[:：]?\s*"
    r"(?:(?:\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|\d{1,2}月\d{1,2}日)"
    r"(?:\s*(?:星期|周)[一二三四五六日天])?(?:\s*\d{1,2}(?::\d{2}(?::\d{2})?|点\d{1,2}分?))?"
    r"(?:\s*(?:星期|周)[一二三四五六日天])?"  # the weekday after the time too
    # a relative time ("11 天前", "3小时前"), as forum posts and comments carry
    r"|(?<!\d)\d{1,3}\s*(?:秒|分钟|小时|天|周|个月|年)前)"
)
VIEWS = regex.compile(r"(?:阅读|浏览|点击|播放)(?:量|数|次数)?\s*[:：]?\s*\d[\d.,]*\s*[万wk]?(?:次|人)?")
_DATE_OR_VIEWS = regex.compile(rf"{DATE.pattern}|{VIEWS.pattern}")
#: Every date or view-count match contains one of these.
_DATE_CUES = ("年", "月", "-", "/", ".", "前", "阅读", "浏览", "点击", "播放")
#: Every DATE match holds "\d{4}\s*[-/.年]" or "\d月\d", every VIEWS match one of its words: a
#: cheap test before the full pattern (whose optional lead-ins make each position costly).
_DATE_OR_VIEWS_CORE = regex.compile(r"\d{4}\s*[-/.年]|\d月\d|\d\s*(?:秒|分钟|小时|天|周|个月|年)前|阅读|浏览|点击|播放")
#: A labelled timestamp with the time of day: a post header ("〓 某某论坛 发布时间 2005/03/15
#: 22:36:13 by 某网友 〓", "发表于 2023-05-06 10:21") is metadata whatever else it names.
_POSTED_AT = regex.compile(
    r"(?:发布|发表|更新|回复)(?:时间|日期|于)\s*[:：]?\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*\d{1,2}:\d{2}"
)
_SENTENCE_PUNCT = regex.compile(r"[，。！？；,!?;]")
_META_WORDS = regex.compile(r"发布时间|发布日期|更新时间|时间|日期|来源|作者|编辑|字号|大|中|小|[:：|丨/\s·-]")


@dataclass(frozen=True)
class Byline:
    """Bylines and tags: "□ 本报记者 张博", "【编辑:李岩】", "责任编辑：", "来源：xxx", the
    "原标题：" prefix, reporter credits in brackets, "XX客户端通讯员 李明", Taiwan-style
    "記者林雅婷／台北報導" (in either script: rules match the Simplified view), the wire end
    mark "（完）", and lines that hold only a date, a
    source and view counts.
    Must keep: news datelines that open the lead sentence ("新华社上海11月30日电 …"), and
    dates inside sentences ("5月12日，北京市…")."""

    code: ClassVar[str] = "meta.byline"
    strength: ClassVar[str] = HARD
    cue_sets: ClassVar[tuple[tuple[str, ...], ...]] = (_DATE_CUES,)

    def find(self, page: Page) -> Iterator[Removal]:
        view = page.view
        for index in sorted(page.sentences_hit(_CUE)):
            seg = page.sentences[index]
            for lo, hi in _byline_spans(view[seg.start:seg.end], view[max(0, seg.start - BYLINE_LOOKBEHIND):seg.start]):
                start, end = seg.start + lo, seg.start + hi
                yield Removal(start, end, self.code, {"match": page.source[start:end].strip()[:40]})
        for index in page.sentences_with(_DATE_CUES):
            seg = page.sentences[index]
            if len(seg) <= 80 and (kind := _date_line(page.view_of(seg))):
                yield Removal(seg.start, seg.end, self.code, {"match": kind})


#: The most characters a look-behind of `BYLINE` reads (`_byline_spans` passes them along
#: with a sentence; tests/test_page_scans.py checks it against the pattern).
BYLINE_LOOKBEHIND = 3


# The two answers below depend on a sentence's view alone (and the `BYLINE_LOOKBEHIND`
# characters before it, which the byline pattern's look-behinds see: it has no anchor, and its
# look-aheads end at the sentence's end), so they are kept by text: the fixpoint's second pass
# asks them again about the same sentences, and boilerplate recurs across pages.
@lru_cache(maxsize=4096)  # (a sentence is at most 2,000 characters: at most ~16 MB of Han text)
def _byline_spans(view: str, before: str) -> tuple[tuple[int, int], ...]:
    """The (start, end) of the byline matches of at least two characters in a sentence's
    `view`, relative to its start; `before` is the `BYLINE_LOOKBEHIND` characters before it
    (fewer at the start of the page)."""
    return tuple((m.start() - len(before), m.end() - len(before)) for m in BYLINE.finditer(before + view, len(before))
                 if m.end() - m.start() >= 2)


@lru_cache(maxsize=16384)
def _date_line(text: str) -> str | None:
    """Why a sentence's view (at most 80 characters) is a line of metadata: "date/metadata
    line" (only dates, view counts, bylines and labels), "post header" (a labelled timestamp
    with the time of day, and no sentence punctuation); None when it is not."""
    if not _DATE_OR_VIEWS_CORE.search(text) or not _DATE_OR_VIEWS.search(text):
        return None
    rest = VIEWS.sub("", DATE.sub("", text))
    rest = BYLINE.sub("", rest)
    if len(_META_WORDS.sub("", rest)) <= 2:
        return "date/metadata line"
    if _POSTED_AT.search(text) and not _SENTENCE_PUNCT.search(text):
        return "post header"
    return None


#: Metadata fields and where their value is, matched on the Simplified, width-folded view of a
#: byline (a correspondent, 通讯员, is a field of its own: as "author" it would hide the reporter
#: credited beside it, or be hidden by it).
_FIELDS = (
    ("editor", regex.compile(r"(?:责任编辑|责编|编辑)\s*[:：丨|｜/]?\s*([\p{Han}]{2,4})")),
    ("author", regex.compile(r"(?:本报记者|记者|作者|撰文|评论员)\s*[:：丨|｜/]?\s*([\p{Han}]{2,3}?)(?:摄|报道|报导)?(?![\p{Han}])")),
    ("correspondent", regex.compile(r"通讯员\s*[:：丨|｜/]?\s*([\p{Han}]{2,3}?)(?:摄|报道|报导)?(?![\p{Han}])")),
    ("source", regex.compile(r"(?:来源|文章来源|稿源|出处)\s*[:：丨|｜/]\s*([^\s，,。；;丨|]{2,20})")),
)


def byline_metadata(text: str) -> dict[str, str]:
    """Fields recovered from one removed byline span: the labels are found in its Simplified
    view (`matching_view`, same length), the values are taken from `text` as written
    (責任編輯：陳怡君 -> editor 陳怡君)."""
    view = matching_view(text)
    out = {}
    for name, pattern in _FIELDS:
        if m := pattern.search(view):
            out[name] = text[m.start(1):m.end(1)]
    return out
