"""boilerplate.ui_junk: page-UI remnants (阅读原文, 展开全文, 分享到, image placeholders and
bare captions such as 图片/网络图)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import regex

from zhclean.document import Removal, Segment
from zhclean.rules.base import HARD, Page, han_count

#: A digest item's bracketed read-more link ("【外刊-[阅读原文](https://…)】"): UI after the
#: item's sentence, not one of its words (article blocks score it like a byline).
READ_MORE_LINK = regex.compile(r"【[^【】\[\]\n]{0,8}\[阅读原文\]\([^()\s]{0,2000}\)】")
UI_INLINE = regex.compile(
    r"\[[^\[\]\n]{0,80}\.(?:gif|jpe?g|png|bmp|webp|svg)\]"                       # [home_logo.gif]
    r"|[(（]\s*(?:网络|资料|图片|网图|配图)?(?:配图|图片|网图|资料图|图)(?:来源[:：]?[^)）]{0,12})?\s*[)）]"
    r"|注\s*[:：]\s*图片(?:来源|来自)(?:于)?网络"
    r"|图片(?:来源|来自)(?:于)?\s*[:：]?\s*(?:网络|网上|互联网)|图源(?:网络)?[:：]?"
    r"|▲\s*(?:网络图|图片|资料图|配图)[^\n。]{0,20}[。]?"
    r"|(?:网络|资料)(?:配)?图(?:片)?(?=\s|$|[。\n])|\[摘要\]"
    r"|(?<![^\s。！？!?”])(?:网络图|网图|资料图)(?![书谱形像表论层标片])"              # 。网络图小伙回忆称…
    r"|(?<![^\s。！？!?”])导读\s*[:：]"                                                   # 导读：美妞们，上午好…
    r"|" + READ_MORE_LINK.pattern +                                                        # 【外刊-[阅读原文](https://…)】
    r"|分享至(?:好友和)?朋友圈|用微信扫(?:码|描)?二维码分享|二维码分享至[^\n。]{0,10}|已显示全部内容|展开全部|查看全部\d*条?"
    r"|为什么显示这个广告[?？]?|为什么你不喜欢这个广告[?？]?|广告意见与建议|不喜欢减少或屏蔽此类内容"
    r"|(?<!\d)\d+\s*(?:跟贴|跟帖|条评论|人参与|人正在学习|人点赞|次阅读)"
)
#: The tail of an image tag left in the text ("=999) this.width=1000; src=http://…jpg
#: style=max-width:100%;/>"); its semicolons cut sentences, so it is matched on the page.
IMAGE_TAG = regex.compile(
    r"(?:=\d+\)\s*)?(?:this\.(?:width|height)\s*=\s*\d+;?\s*)*"
    r"src\s*=\s*[\"']?https?://[^\s\"'<>\]]{1,300}?\.(?:jpe?g|png|gif|bmp|webp)[\"']?"
    r"(?:\s*[a-z\-]{1,12}\s*=\s*[\"']?[^\s\"'<>]{0,60}[\"']?)*\s*/?>"
)
#: Every inline UI match contains one of these (one per alternative of UI_INLINE: the image
#: file's extension and "]", 图 for the captions and credits, the widget phrases, the counter
#: words), so the pattern only runs on the few sentences that hold one.
CUES = ("gif]", "jpg]", "jpeg]", "png]", "bmp]", "webp]", "svg]", "图", "[摘要]", "分享至", "二维码分享",
        "已显示全部内容", "展开全部", "查看全部", "广告", "不喜欢减少", "跟贴", "跟帖", "条评论", "人参与",
        "人正在学习", "人点赞", "次阅读", "导读", "[阅读原文](")
UI_SEGMENT = regex.compile(
    r"^(?:点击展开全文|点击阅读全文|阅读原文|展开全文|收藏本文|分享本文|打印本文|视频加载中\s*(?:\.{3}|…+)?|"
    r"字号\s*[:：]?\s*大\s*中\s*小|(?:【(?:打印|关闭|关闭窗口|收藏|返回顶部|打印本页)】\s*)+|图片加载(?:失败|中)\S{0,3}|展开剩余\s*\d+\s*%|赞\s*[(（]\d+[)）]|收藏\s*[(（]\d+[)）]|"
    r"阅读原文|展开全文|收起全文|展开全部|查看全文|点击展开|赞赏|打赏|留言|写留言|评论|发表评论|我要评论|我来说两句|"
    r"收藏|分享|分享到|分享至|点赞|在看|转发|举报|微信扫一扫|扫一扫|关注该公众号|知道了|取消|允许|预览时标签不可点|"
    r"网络图|网图|图片|配图|资料图|图|视频|小程序|抢首赞|已赞过|已踩过|你对这个回答的评价是|收起|复制链接|"
    r"字号|打印|打印本页|关闭|关闭窗口|返回|顶|踩|回复|引用|登录|注册|更多|加载更多|点击加载更多|"
    r"阅读\s*\d[\d.]*[万wk]?|\d+\s*(?:赞|评论|收藏|分享|阅读)|评论\s*[(（]\d+[)）]|有用|没用|"
    # counters in other shapes: 阅读(1234), 评论 0, 点赞 12, 浏览量：5678
    r"(?:阅读|评论|点赞|收藏|分享|转发|浏览|点击)(?:量|数|次数)?\s*[:：]?\s*[(（]?\s*\d[\d.,]*\s*[万wk]?\s*次?\s*[)）]?|"
    r"收藏本(?:页|站)|(?:微信)?扫一扫(?:分享|关注)|[【\[]\s*(?:字号|字体)\s*[:：]?\s*(?:[大中小]\s*){2,3}[】\]]|"
    r"[:：]|—\s*end\s*—|-+\s*end\s*-+|end|"
    # follow and answer buttons, share targets, reader settings, tags of Q&A and feed pages
    r"[+＋]?\s*关注|已关注|看过|我来答|写回答|邀请回答|等你来答|更多回答|好问题|关注问题|被浏览|关注者|编辑|播报(?:文章)?|"
    # a Q&A page's buttons run together once the zero-width spaces between them are dropped
    # ("关注问题写回答", "赞同 1添加评论")
    r"(?:关注问题|写回答|邀请回答|好问题|添加评论|赞同\s*\d*)(?:\s*(?:关注问题|写回答|邀请回答|好问题|添加评论|赞同\s*\d*"
    r"|分享|收藏|举报|收起|\d+\s*条评论))+|"
    r"展开阅读全文|阅读全文|换一换|链接已复制|用微信扫码二维码|微信扫码分享|不喜欢|登录并评论|[|｜]?\s*阅读模式|"
    r"字号(?:增大|减小)|字体\s*[:：]?\s*小\s*中?\s*大|手机版|客户端|qq空间|新浪微博|腾讯微博|\[embed\]|已踩过\s*<|"
    r"(?:点击)?(?:查看|浏览)(?:大图|原图|高清大图)|点击(?:图片)?(?:放大|看大图)|"
    # the same on Japanese pages (the matching view has 见 for 見, 开 for 開)
    r"シェア|ポスト|ツイート|line共有|urlコピー|もっと见る|详しく见る|目次を开く|次ページ|アプリで开く)"
    # more buttons, or the share targets after "分享到："
    r"(?:\s*[、，,|/·:：\s]\s*(?:阅读原文|点赞|在看|分享到?|收藏|转发|留言|赞赏|举报|评论|[:：]|"
    r"微信|朋友圈|微信好友|微博|新浪微博|腾讯微博|qq空间|qq好友|qq|豆瓣|人人网|贴吧|复制链接|打印本页|打印|关闭窗口|关闭))*[:：]?\s*$"
)


#: A separator line: a rule drawn with dashes, equals signs, underscores, stars or dots.
RULE_LINE = regex.compile(r"^[-=_*~—─━·.]{5,}$")
_RULE_CHARS = frozenset("-=_*~—─━·.")

#: A caption marked with a triangle: "▷村民正在整理家中的煤球", "▲图为活动现场" (a short segment, no punctuation).
CAPTION = regex.compile(r"^[▷▶►▲△]\s*[^。！？!?，,；;]{2,30}$")


@dataclass(frozen=True)
class InterfaceText:
    """A segment made only of UI words: buttons, counters, "展开全文", "—end—"; a short
    caption opened by ▷/▶ ("▷村民正在整理家中的煤球"); or a separator line ("-----").
    Must keep: sentences that use these words ("他在留言中写道…"), and a ▷ item that is a
    sentence (punctuated or longer than a caption)."""

    code: ClassVar[str] = "boilerplate.ui_junk"
    strength: ClassVar[str] = HARD
    trigger: ClassVar[regex.Pattern | None] = None
    local: ClassVar[bool] = True  # check reads the sentence alone (see rules/base.py)
    max_chars: int = 40

    def candidates(self, page: Page) -> list[int]:
        """The sentences short enough to be checked, and separator lines."""
        source = page.source
        return [k for k, s in enumerate(page.sentences)
                if s.end - s.start <= self.max_chars or source[s.start] in _RULE_CHARS]

    def check(self, seg: Segment, page: Page) -> Removal | None:
        if len(seg) <= self.max_chars and (m := UI_SEGMENT.search(page.view_of(seg))):
            return Removal(seg.start, seg.end, self.code, {"match": m[0].strip()[:30]})
        if len(seg) <= 40 and CAPTION.match(page.view_of(seg)):
            return Removal(seg.start, seg.end, self.code, {"caption": seg.text[:30]})
        if seg.text[0] in _RULE_CHARS and RULE_LINE.match(seg.text):
            return Removal(seg.start, seg.end, self.code, {"separator": seg.text[:10]})
        return None


@dataclass(frozen=True)
class InterfacePhrase:
    """Inline UI remnants: image placeholders ("[logo.gif]"), bracketed captions
    ("（网络配图）"), "注：图片来源于网络", "▲网络图", share and ad-feedback widgets, the tail
    of an image tag ("this.width=1000; src=http://….jpg style=…/>").
    Must keep: full descriptive captions (LABELS.md) and prose about pictures ("图片显示…")."""

    code: ClassVar[str] = "boilerplate.ui_junk"
    strength: ClassVar[str] = HARD
    cue_sets: ClassVar[tuple[tuple[str, ...], ...]] = (CUES,)

    def find(self, page: Page) -> Iterator[Removal]:
        for start, end in page.spans_with(CUES):
            for m in UI_INLINE.finditer(page.view, start, end):
                yield Removal(m.start(), m.end(), self.code, {"match": m[0][:30]})
        if "src" in page.view:
            for m in IMAGE_TAG.finditer(page.view):
                if not _inside_img_tag(page.view, m.start()):
                    yield Removal(m.start(), m.end(), self.code, {"image_tag": m[0][:30]})


def _inside_img_tag(view: str, pos: int, reach: int = 300) -> bool:
    """True when `pos` lies inside a whole ``<img …>`` tag (markup the page shows, not the tail
    of a broken tag left in the text)."""
    opened = view.rfind("<", max(0, pos - reach), pos)
    return opened >= 0 and view.startswith("<img", opened) and ">" not in view[opened:pos]


def is_bare_caption(text: str) -> bool:
    """A short label under a picture: few Han characters and no sentence punctuation."""
    return han_count(text) <= 12 and not any(c in "。！？!?，," for c in text)
