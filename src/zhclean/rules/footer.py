"""boilerplate.footer: copyright, ICP registration, disclaimers and site information."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import regex

from zhclean.document import Removal, Segment
from zhclean.rules.base import HARD, Page, han_count, reads_as_prose

FOOTER = regex.compile(
    r"版权所有(?![人者方权])|版权归.{0,8}所有|all rights reserved|copyright|©|\(c\)\s*\d{4}"
    r"|icp[备证]|icp\s*\d|[京沪津渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川贵云陕甘青蒙桂藏宁新]icp|公网安备|网安备"
    r"|(?<![、的])(?:免责声明|版权声明|法律声明)(?![、，,和与及或])"
    r"|如(?:涉及|有涉及)(?:作品)?(?:内容|版权)|如有侵权|侵权(?:请)?(?:联系)?删除|若有侵权|涉嫌侵权"
    r"|转载请(?:注明|联系|保留)"
    r"|本文(?:系|为)?(?:转载|转自)|本文仅代表作者|不代表(?:本站|本网|本平台|本号|.{1,8}的?)(?:立场|观点|看法)"
    r"|(?:投资者|读者)?据此操作[,，]?\s*风险(?:请)?自担|仅供(?:参考|学习|交流)[,，]?\s*(?:不构成|请勿)"
    r"|本站(?:内容|部分内容|信息|资源)(?:来自|来源于|均来自)|信息(?:并未|未经).{0,6}核实"
    r"|(?:本平台|平台)仅提供信息存储(?:空间)?服务|特别声明[:：]|仅供其?表达个人看法|不(?:代表|表明).{1,8}(?:立场|观点)"
    r"|请遵守.{0,10}(?:法律法规|公约)|如存在侵权|原创标注"
    # the reporting line of a site's footer ("违法和不良信息举报电话：12377")
    # (not "违法和不良信息举报工作是网络治理的…": the line names a channel)
    r"|(?:违法(?:和|与))?不良信息举报(?:电话|中心|邮箱|专区|入口|专线)"
    # cookie notices ("本网站使用Cookie…", "继续浏览即表示您同意…"; Japanese "当サイトではクッキーを使用…")
    r"|(?:本网站|本站|我们)(?:会|将)?(?:使用|采用)\s*cookies?|同意(?:我们)?(?:使用|接受)\s*cookies?"
    r"|继续(?:浏览|使用)(?:本网站|本站)?(?:即|则)(?:表示|视为)(?:您)?同意"
    r"|クッキーを使用|(?:ブラウジング|閲覧)を続けることにより"
    r"|(?:联系我们|关于我们|网站地图|广告服务|网站声明|意见反馈|帮助中心|加入我们)(?:(?:\s*[|丨·/-]\s*|\s+)(?:联系我们|关于我们|网站地图|广告服务|网站声明|意见反馈|帮助中心|加入我们|友情链接|招聘信息)){1,}"
)

#: Every footer match contains one of these (matched on the lower-cased, width-folded view).
CUES = ("版权", "rights", "copyright", "©", "(c)", "icp", "公网安备", "网安备", "许可证", "声明", "隐私政策",
        "用户协议", "侵权", "转载", "未经", "本文", "不代表", "不表明", "风险", "仅供", "本站", "核实",
        "联系我们", "关于我们", "网站地图", "广告服务", "意见反馈", "帮助中心", "加入我们", "平台", "个人看法",
        "文明上网", "理性发言", "不传谣言", "请遵守", "如存在", "原创标注", "cookie", "继续浏览", "继续使用",
        "クッキー", "を続けることにより", "不良信息")

#: Formulas that also occur in news and regulations ("…将依法用网、文明上网纳入校规"): they
#: count only in a short sentence or at a sentence start. Between 未经…许可 and the verb a
#: notice puts a prohibition ("未经授权禁止转载", "未经许可，不得复制") or at most a comma;
#: "未经授权的一方复制了数据" is a news sentence about a breach.
WEAK_FOOTER = regex.compile(r"未经(?:本站|本网|作者|书面){0,2}(?:许可|授权|同意)"
                            r"(?:[^。！？]{0,8}?(?:不得|禁止|严禁|请勿|不可|不能|不允许|谢绝|勿)[^。！？]{0,4}?|[,，、\s]{0,2})"
                            r"(?:转载|复制|使用)"
                            r"|文明上网|理性发言|不传谣言")
#: What follows a footer formula on its line: years, a registration number ("11010502030000号"),
#: a company name ("：某某信息技术有限公司"), "出处", "请联系删除", a domain.
FOOTER_TAIL = regex.compile(
    r"(?:[\s:：©]*(?:\d{4}(?:\s*[-–—]\s*\d{4})?|[备证]?\d[\d\-]*号?(?:-\d+)?|出处|www\.[a-z0-9.\-]+"
    r"|请?联系(?:我们|本站)?(?:删除|处理)|删除|[\p{Han}a-z0-9.]{2,20}?(?:有限公司|公司|集团)))*"
)
#: Glued prose starts right after the footer (a space at most), not with a mark that goes on.
_GLUED_START = regex.compile(r"\s?[\p{Han}a-z0-9“\"]")
#: The formulas that end a footer line (a sentence glued after one is another sentence).
_CLOSING = ("版权所有", "rights reserved", "copyright", "©", "icp", "网安备", "侵权", "转载请", "网站地图",
            "联系我们", "关于我们")

#: Names of a site's documents and licences: a footer line is little more than the names
#: ("隐私政策 | 用户协议", "[隐私政策](…)", "增值电信业务经营许可证：…"); a sentence that
#: says something about them is prose ("您公司的隐私政策可能需要更新").
NAMED_FOOTER = regex.compile(r"隐私政策|用户协议|增值电信业务经营许可证|互联网新闻信息服务许可证")


@dataclass(frozen=True)
class FooterSentence:
    """A sentence carrying a footer formula: copyright, ICP numbers, disclaimers
    ("如涉及作品内容、版权…请联系"), "转载请注明出处", "不代表本站立场".
    Must keep: articles *about* copyright cases: the sentence must be short (footers are
    formulaic; `max_chars`) or begin with the formula; 未经许可转载, which news also uses, only
    counts in very short sentences (`max_chars_weak`) or at their start; the names 隐私政策,
    用户协议 and the licences only count when the sentence has at most `max_rest_han` Han
    characters besides them (a sentence about a privacy policy or a licence is content); a
    short line of a list that the article introduces ("…需要以下页面：" / 隐私政策 / 免责声明)."""

    code: ClassVar[str] = "boilerplate.footer"
    strength: ClassVar[str] = HARD
    trigger: ClassVar[regex.Pattern | None] = None
    local: ClassVar[bool] = True  # check reads the sentence alone (see rules/base.py)
    cues: ClassVar[tuple[str, ...]] = CUES
    max_chars: int = 90
    max_chars_weak: int = 40
    #: "我已阅读并同意《用户协议》和《隐私政策》" has 8 besides the names.
    max_rest_han: int = 8
    #: A line of at most `max_item_chars` characters in a list (at most `max_item_lines`
    #: such lines) under a line of prose of `introducer_han` Han characters or more that
    #: introduces it ("网站一般需要以下几个页面：" / 隐私政策 / 免责声明) is an item the
    #: article talks about, not the site's footer.
    max_item_chars: int = 12
    max_item_lines: int = 12
    introducer_han: int = 8

    def local_key(self, seg: Segment, page: Page) -> bool:
        """What `check` reads of the page besides the sentence: is it a short whole line of a
        list that a line of prose ending in a colon introduces."""
        if len(seg) > self.max_item_chars:
            return False
        lines = page.line_by_number
        line = lines[seg.line]
        if seg.start != line.start or seg.end != line.end:
            return False
        items = 0
        for number in range(seg.line - 1, max(seg.line - 3 * self.max_item_lines, 0) - 1, -1):
            above = lines.get(number)
            if above is None:
                continue  # a blank line
            text = above.text.rstrip()
            if text.endswith(("：", ":")):
                return han_count(text) >= self.introducer_han
            items += 1
            if len(text) > self.max_item_chars or items >= self.max_item_lines:
                return False
        return False

    #: Prose glued to a footer line: at least this many Han characters, with a clause break.
    min_glued_prose_han: int = 12

    def check(self, seg: Segment, page: Page) -> Removal | None:
        if self.local_key(seg, page):
            return None  # an item of a list the article introduces
        view = page.view_of(seg)
        m = FOOTER.search(view)
        if m and (len(seg) <= self.max_chars or m.start() < 8):
            if end := self._glued_footer_end(view):
                return Removal(seg.start, seg.start + end, self.code, {"match": m[0], "glued": True})
            return Removal(seg.start, seg.end, self.code, {"match": m[0]})
        m = WEAK_FOOTER.search(view)
        if m and (len(seg) <= self.max_chars_weak or m.start() < 4):
            return Removal(seg.start, seg.end, self.code, {"match": m[0]})
        if "隐私政策" in view or "用户协议" in view or "许可证" in view:
            names = NAMED_FOOTER.findall(view)
            if names and han_count(view) - sum(han_count(n) for n in names) <= self.max_rest_han:
                return Removal(seg.start, seg.end, self.code, {"match": names[0]})
        return None

    def _glued_footer_end(self, view: str) -> int | None:
        """Where a footer line that opens `view` ends when a sentence is glued to it (a page
        that lost its line breaks: "Copyright © 2024 某某公司 版权所有专家表示，城市绿地…。"):
        after its last footer formula and what follows one (years, a registration number, a
        company name, "出处"). None unless the rest starts right there, holds no footer
        formula or footer word (CUES: 本站, 核实, 声明…), and is prose (`min_glued_prose_han` Han characters or more, a clause break,
        the end of a sentence): a disclaimer that goes on ("免责声明：本文仅代表作者个人观点，
        与本站无关…") is one footer sentence."""
        last = None
        for last in FOOTER.finditer(view):
            pass
        if last is None or not any(word in last[0] for word in _CLOSING):
            return None  # "本站使用 cookie …", "免责声明：…": the formula opens a sentence
        end = FOOTER_TAIL.match(view, last.end()).end()
        rest = view[end:]
        if (not rest or not _GLUED_START.match(rest) or not reads_as_prose(rest, self.min_glued_prose_han)
                or WEAK_FOOTER.search(rest)
                or any(cue in rest for cue in CUES)):
            return None
        return end
