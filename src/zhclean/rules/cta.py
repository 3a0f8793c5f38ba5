"""spam.cta: calls to action (点击咨询, 立即预约, 扫码关注, 点赞/在看/转发 prompts)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, Iterator

import regex

from zhclean.document import Removal
from zhclean.rules.base import HARD, Page

CTA = regex.compile(
    r"[(（\[【]?\s*(?:点击|在线|免费|电话|立即|马上)?咨询\s*[)）\]】]"           # (点击咨询)
    # (not "准备立即购买" in a story, nor "立即拨打110" in safety advice: a public number)
    r"|(?<!准备|打算|决定)(?:点击|在线|免费|立即|马上|欢迎)(?:咨询|预约|报名|下单|购买|抢购|领取"
    # (nor "工作人员立即拨打了110": 了/过 make it a report)
    r"|拨打(?![了过着])(?!\s*(?:11[09]|12[02]|12315|12345|12366|12377|96110)(?!\d))|来电|致电)"
    # (not "扫码后，关注到一家公司的公众号" in a report: 后/了/过 make it a story)
    r"|(?:扫码|扫一扫|扫描(?:下方|上方|下图|上图|图中)?(?:的)?二维码|长按(?:识别)?(?:下方|上方|下图|上图|图中)?(?:的)?(?:二维码|图片)|识别二维码)(?![后了过])[^。！？\n]{0,12}?(?:关注|添加|加入|下载|咨询|领取|进群|购买)[^。！？\n]{0,24}"
    # (not an example or a means in prose: "需要二次交互的跳转（如扫描二维码）", "通过扫描二维码登录")
    r"|(?<!如|例如|比如|通过)(?:长按(?:识别)?|扫描|识别)(?:(?:下方|上方|下图|上图|图中)的?)?(?:识别)?二维码"
    # (not after a modal: "我们要关注我们放在网上的照片" is prose, 我们 opens the object)
    r"|(?<![要该须])(?:关注|添加)(?:我们|本号|公众号|小编)[^。！？\n]{0,20}"
    r"|(?<![重要焦亮特观地热难优缺起终盲景据节站疑弱痛拐基论顶考试零整一有、])(?:(?:点个|给个?|求)[“\"]?(?:赞|在看|关注)[”\"]?|点[“\"]?(?:在看|关注)[”\"]?)(?![数量率、])"
    # (a bare 点赞 is a verb of prose: "网友纷纷点赞", "为孩子们的梦想点赞")
    # (a prompt, not a list of a post's counts: "阅读量、点赞、收藏、评论数")
    r"|(?<!、)(?:点赞|在看|转发|分享)(?:[、，,和及]?(?:点赞|在看|转发|分享|收藏)){1,3}(?![数量率等]|、(?:评论|阅读))"
    r"|(?:如果)?喜欢[^。！？\n]{0,10}?(?:就|的话)[,，]?\s*(?:请)?(?:把[^。！？\n]{0,16}?)?(?:点个?赞|点赞|关注|转发|分享|收藏|点个?在看)[^。！？\n]{0,30}"
    r"|(?:也)?欢迎(?:大家)?(?:转发|分享|点赞)[^。！？\n]{0,20}"
    # 喜欢本文请点个"在看"…, 觉得有用就点赞收藏吧 (the lead-in with the prompt)
    r"|(?:如果|若)?(?:喜欢|觉得(?:有用|不错|有帮助|好看|有收获))(?:本文|这篇文章|这篇|的话)?[,，]?\s*(?:请|就|记得|欢迎)?"
    r"(?:点个?[“\"]?(?:赞|在看)[”\"]?|点赞|关注|转发|分享|收藏)[^。！？\n]{0,30}"
    # a button or a group invitation on its own: "在线客服 点击咨询", "扫一扫，加入粉丝群"
    r"|(?<![^\s|｜])在线客服(?=\s|$)|点击(?:这里|此处)[，,]?"
    # (only a whole clause: "受害人加入微信群后被骗" is a story)
    r"|(?<![^\s，,:：!！])加入(?:我们的)?(?:粉丝群|读者群|交流群|微信群|qq群|社群)[吧哦]?[!！~～]?(?=\s*(?:\n|$))"
    r"|(?:欢迎|请在|请)?(?:下方|文末|底部)?留言(?:说说|讨论|评论|告诉我们|分享)[^。！？\n]{0,10}"
    r"|欢迎(?:在评论区|在留言区)?留言[^。！？\n]{0,20}"
    r"|(?:赶快|赶紧|快)(?:告诉|转给|分享给)[^。！？\n]{0,12}"
    r"|更多精彩(?:内容|资讯)?[，,]?\s*(?:请|敬请)?(?:关注|点击|访问)[^。！？\n]{0,20}"
    r"|(?:更多(?:内容|精彩|详情)?[，,]?\s*)?(?:请|敬请)?点击(?:下方|上方|左下角|右上角)?[“\"]?(?:阅读原文|蓝字|关注)[”\"]?[^。！？\n\s]{0,20}"
    r"|点击(?:下方|上方|左下角|右上角|底部)?(?:的)?(?:链接|按钮)|点击(?:阅读|查看)更多[^。！？\n\s]{0,10}"
    # 戳这里，免费试听 / 点我报名 / 立即下载APP，领取新人红包 / 转发到朋友圈，让更多人看到
    # (not "这点我很清楚", "几点我正在做的事": 点 after a Han character or a digit is a noun)
    r"|(?<![\p{Han}\d])戳(?:我|这里|此处)[，,]?[^。！？\n]{0,10}"
    r"|(?<![\p{Han}\d])点我(?:报名|咨询|预约|购买|领取|下载|试听)"
    # 戳右下角“在看”支持一下 / 点右下角“赞”
    r"|(?:(?<![\p{Han}\d])|(?<=就|请|快|记得|欢迎))(?:戳|点击?)(?:一下)?(?:右下角|左下角|下方|文末|底部)[“\"]?(?:在看|赞|好看)[”\"]?[^。！？\n]{0,8}"
    # 还等什么？赶快行动吧！ / 现在拨打电话，立享八折优惠
    # (not "还等什么呢？记者在现场看到…": the push ends its line or runs into another)
    r"|(?<![^\s，,。！!？?])(?:还(?:在)?等什么[?？!！]+(?=\s*(?:$|\n|\\n|赶快|赶紧|快|马上|立即|现在))|心动不如行动[!！]*)"
    r"|(?:赶快|赶紧|快来|马上)行动(?:起来)?吧[!！]*"
    r"|(?:现在|立即|马上)拨打(?:电话|热线)[^。！？\n]{0,4}?[，,]?\s*(?:立享|即享|即可享受?|立减|可享)[^。！？\n]{0,12}"
    r"|(?:立即|马上|免费)下载(?:app|客户端)?[^。！？\n]{0,16}(?:领取|红包|礼包|优惠)[^。！？\n]{0,8}"
    r"|(?<![^\s，,。！!：:])(?:请|记得|欢迎)?(?:转发|分享)(?:到|至)(?:朋友圈|微信群|微博)[^。！？\n]{0,16}"
    # (with its lead-in: 了解更多…价格表鉴定模式，请致电咨询)
    r"|(?:(?:想|如需|欲|要)?了解更多[^。！？\n]{0,30}?[，,]\s*)?(?:请|敬请|欢迎)?(?:致电|来电)咨询"
    # 微信搜索“xx”/微信搜索：xx/微信搜索公众号 xx (a name, an ID or a colon follows: "微信搜索
    # 页面上线了…" is a sentence about the feature)
    r"|(?:欢迎)?(?:在)?微信(?:中)?搜索\s*(?:[“\"「][^”\"」。\n]{1,16}[”\"」]|[:：]\s*[^。\n]{1,16}|公众号|[a-z][a-z0-9_\-]{4,19})[^。！？\n]{0,20}"
    r"|点击(?:标题|图片|链接|这里|此处)(?:即可)?(?:阅读|查看|进入|下载|了解)"
    r"|(?:添加|加)(?:小编)?(?:微信|好友)[^。！？\n]{0,20}(?:爆料|红包|领取)[^。！？\n]{0,10}"
    r"|(?:一键|记得|别忘了)(?:收藏|关注|三连|点赞)[^。！？\n]{0,10}"
    r"|(?:推荐|欢迎|敬请|请)关注(?:[:：][^。！？\n]{0,20}|$|(?=[\s。！!]))"
    r"|分享给(?:身边的|更多的?)?(?:朋友|好友|亲朋好友|家人)[^。！？\n]{0,20}"
    r"|[-—]*(?:底部|下方|文末)可?留言[-—]*"
    r"|搜索(?:添加)?(?:微信)?公众号\s*[:：]?[^。！？\n]{0,20}"
    r"|每(?:晚|天|日)[^。！？\n]{0,10}?(?:我|小编)?都?会?在这里(?:陪伴|等)着?(?:你|大家)[^。！？\n]{0,6}"
    r"|把(?:这个|这篇文章|这篇|此文|本文|它)告诉(?:身边|周围)的?(?:亲朋好友|朋友|家人)[^。！？\n]{0,20}"
)
#: The most characters a look-behind of `CTA` reads (`cta_spans` passes them along with a
#: sentence; tests/test_page_scans.py checks it against the pattern).
CTA_LOOKBEHIND = 2
#: Prompts taken with their lead-in; they open with a wildcard, so they only run on the
#: sentences that hold one of `LEAD_CUES`.
CTA_WITH_LEAD = regex.compile(
    # 请您先点击上面的蓝色字体“xx”，再点关注…: the whole follow-the-account sentence
    r"(?:[^。！？\n]{0,12}?(?:请您?先|您先)\s*)?点击?[^。！？\n]{0,10}?蓝色?字体?[^。！？\n]{0,40}?(?:关\s?注|订阅)[^。！？\n\s]{0,60}"
    # 百度搜索“xx书屋”最新章节第一时间免费阅读
    r"|[^。！？\n]{0,30}最新章节(?:第一时间)?(?:免费)?(?:阅读|更新)"
)
LEAD_CUES = ("蓝", "最新章节")

#: Every CTA match contains one of these; the pattern only runs on sentences that do.
CUES = ("咨询", "预约", "报名", "下单", "购买", "抢购", "领取", "拨打", "来电", "致电", "扫码", "扫描",
        "二维码", "长按", "关注", "添加", "赞", "在看", "转发", "分享", "留言", "告诉", "转给", "精彩",
        "阅读原文", "蓝字", "搜索", "点击", "收藏", "三连", "在这里", "扫一扫", "在线客服", "加入", "戳", "点我",
        "下载", "转发", "等什么", "心动", "行动", "立享", "即享", "可享", "立减")


@dataclass(frozen=True)
class CallToAction:
    """Inline calls to action; the span covers the phrase (and its brackets), so a genuine
    sentence around it survives. A segment left with nothing else is cleared later as a
    remnant.
    Must keep: prose that reports an action ("市民可拨打热线咨询" is kept: no imperative cue).
    """

    code: ClassVar[str] = "spam.cta"
    strength: ClassVar[str] = HARD
    cue_sets: ClassVar[tuple[tuple[str, ...], ...]] = (CUES,)

    def find(self, page: Page) -> Iterator[Removal]:
        led = [m.span() for start, end in page.spans_with(LEAD_CUES)
               for m in CTA_WITH_LEAD.finditer(page.view, start, end)]
        for lo, hi in led:
            yield Removal(lo, hi, self.code, {"match": page.view[lo:hi][:40]})
        for start, end in page.spans_with(CUES):
            for lo, hi in cta_spans(page.view[start:end], page.view[max(0, start - CTA_LOOKBEHIND):start]):
                yield Removal(start + lo, start + hi, self.code, {"match": page.view[start + lo:start + hi][:40]})


@lru_cache(maxsize=4096)  # (a sentence is at most 2,000 characters: at most ~16 MB of Han text)
def cta_spans(view: str, before: str) -> tuple[tuple[int, int], ...]:
    """The (start, end) of the `CTA` matches in a sentence's `view`, relative to its start;
    `before` is the `CTA_LOOKBEHIND` characters before it (fewer at the start of the page):
    the longest look-behind of the pattern, which has no anchor and whose look-aheads end at
    the sentence's end. Kept by text: the fixpoint's second pass and the off-topic rule ask
    about the same sentences."""
    text = before + view
    return tuple((m.start() - len(before), _clause_end(text, m) - len(before)) for m in CTA.finditer(text, len(before)))


#: Where a clause ends inside a prompt's tail, and what a tail cut off mid-clause stops at.
_CLAUSE_BREAK = regex.compile(r"[，,；;\s]")
_WORD_CHAR = regex.compile(r"[\p{Han}\p{L}\d]")
#: A sentence with this many clause breaks from a prompt's start to its end, the prompt's tail
#: stopping inside one of them, holds a prompt that ran on into the clauses of another sentence.
_RUN_ON_BREAKS = 2
#: Words of a prompt's later clauses besides CUES (回复 a keyword, 获取/资料/会员 as the reward).
_MORE_CUES = ("回复", "获取", "资料", "会员", "福利", "优惠", "红包", "奖励", "粉丝", "公众号", "社群", "二维码")


def _clause_end(text: str, m: regex.Match) -> int:
    """The end of a `CTA` match, pulled back to a clause break inside it when the match stops
    in the middle of a clause: its free tail ([^。！？\n]{0,N}) then ran on into the next
    sentence of a page that lost its line breaks ("关注我们，获取更多资讯" + "专家表示，城市绿地
    建设应兼顾…"). Pulled back to the last space in it (where two lines were joined), else to
    its first clause break, and only to one where the pattern still matches whole, so the
    prompt itself is never cut, and not when the clauses after the cut ask for something too
    (a CTA cue, 回复, 资料…: the prompt's own sentence): the prose after it is kept, at the
    price of leaving the rest of a two-clause prompt ("，了解更多资讯") when nothing marks where
    the prompt ended."""
    end = m.end()
    if end >= len(text) or not _WORD_CHAR.match(text, end):
        return end
    breaks = [b.start() for b in _CLAUSE_BREAK.finditer(text, m.start() + 1, end)]
    if len(breaks) + len(_CLAUSE_BREAK.findall(text, end)) < _RUN_ON_BREAKS:
        return end  # "记得关注我们，每周更新实用教程！": the tail stopped inside the prompt's own clause
    spaces = [b for b in breaks if text[b].isspace()]
    # the last space first (where two lines were joined), then the first clause break
    for cut in spaces[-1:] + breaks:
        short = CTA.match(text, m.start(), cut)
        if short is not None and short.end() >= cut - 1 and short.end() > m.start():
            rest = text[short.end():]
            # (the prompt's own later clauses ask for something too: "识别二维码加入某某社群，
            # 内有3000+资料可供下载，…" is one prompt, left whole)
            return end if any(cue in rest for cue in CUES + _MORE_CUES) else short.end()
    return end
