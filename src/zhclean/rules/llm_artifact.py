"""artifact.llm: chatbot leftovers pasted into pages."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import regex

from zhclean.document import Removal, Segment
from zhclean.rules.base import HARD, Page, reads_as_prose

LLM = regex.compile(
    # (not "当然，以下几点值得注意", "当然可以，这是我们应该做的": the assistant's opener
    # announces what it wrote)
    r"^(?:当然(?:可以|没问题)?|好的(?:呢)?|没问题|可以)[!！,，。~～]*\s*(?:(?:以下|下面)(?:就)?(?:是|为|我)|这是(?:一篇|一份|为您|我为|根据)|我来|我将|为您)"
    r"|^以下是(?:一篇|一份|为您|我为(?:您|你))"
    r"|作为一(?:个|名)?(?:ai|人工智能)(?:语言模型|助手|模型)?"
    r"|我是一(?:个|名)?(?:ai|人工智能)(?:语言模型|助手)"
    # (the assistant's sign-off opens its sentence; an author's own closing often runs on
    # after other clauses of it, "…欢迎指正，希望这篇文章对您有所帮助，…", and stays)
    r"|^(?:最后|总之)?[,，]?\s*希望(?:以上|这些|这篇|上述)(?:内容|信息|回答|文章|建议)?(?:能)?对(?:您|你)有(?:所)?帮助"
    r"|如果(?:您|你)(?:还)?有(?:其他|任何|更多)(?:问题|需要|需求)[,，]?\s*(?:请|欢迎)?(?:随时)?(?:告诉|联系|提问)"
    # (a sentence of its own: quoted speech, "他说：“如有其他需要，请告诉我。”", is prose)
    r"|^如(?:还)?有(?:其他|任何|更多)(?:问题|需要|需求)[,，]?\s*(?:请|欢迎)?(?:随时)?(?:告诉我|问我|向我提问)"
    r"|^以上(?:就)?是[^。！？\n]{0,30}?(?:内容|介绍|回答|解答)[,，]\s*希望(?:能)?对(?:您|你)有(?:所)?帮助"
    # (not "对不起，我不能去了" in a story: what the assistant cannot do is reach the web)
    r"|^(?:很)?(?:抱歉|对不起)[,，]\s*(?:我|作为)[^。！？\n]{0,12}?(?:无法|不能|没有办法|不具备)[^。！？\n]{0,6}?"
    r"(?:访问|浏览|连接|获取|提供|查询)(?:互联网|网络|网页|实时|最新|链接)"
)
#: An opener left alone by the sentence splitter ("当然可以！" before "以下是…"): it counts
#: only when an assistant's announcement follows it.
OPENER = regex.compile(r"(?:当然(?:可以|没问题)?|好的(?:呢)?|没问题)[!！,，。~～]*")
ANNOUNCEMENT = regex.compile(r"(?:\s|\\n)*(?:以下|下面)(?:就)?(?:是|为)")
#: The opener just before a sentence (the announcement it was cut from).
OPENER_BEFORE = regex.compile(r"(?:当然(?:可以|没问题)?|好的(?:呢)?|没问题)[!！,，。~～]+\s*$")

#: The rest of an opening announcement, up to its colon ("…改写的文章：", "…的新闻稿："): what
#: follows it is the text the assistant was asked for, which stays.
_ANNOUNCED = regex.compile(r"[^。！？!?\n:：]{0,40}[:：]\s*")

#: Every LLM match contains one of these.
LLM_CUES = ("以下", "下面", "这是", "我来", "我将", "为您", "作为一", "我是一", "帮助", "如果您", "如果你",
            "问题", "需要", "需求", "抱歉", "对不起", "当然", "好的", "没问题")


@dataclass(frozen=True)
class ChatbotLeftover:
    """Sentences a chat assistant wrote around the text it was asked for: "当然，以下是…",
    "作为一个AI语言模型…", "希望以上内容对您有帮助", "如有其他需要，请告诉我", "以上就是…的全部
    内容，希望对您有所帮助", "抱歉，我无法访问互联网"; and an opener ("当然可以！") that the
    splitter cut off its "以下是…".
    An announcement ending in a colon with the text it announces on the same line ("好的，
    下面是根据您的要求改写的文章：" + the article, a page that lost its line breaks) goes up
    to its colon only.
    Must keep: articles about AI that mention assistants in the third person (the patterns
    are anchored on the assistant's own first-person formulas), and the text an assistant
    was asked for, after its announcement."""

    code: ClassVar[str] = "artifact.llm"
    strength: ClassVar[str] = HARD
    trigger: ClassVar[regex.Pattern | None] = None
    #: The text an announcement ending in a colon introduces, on the same line: this many Han
    #: characters or more, a clause break and a sentence end make it the text asked for.
    min_announced_han: int = 12
    #: `check` reads the sentence, and of the page only what `local_key` returns.
    local: ClassVar[bool] = True

    def local_key(self, seg: Segment, page: Page) -> tuple[bool, bool]:
        """Whether an assistant's announcement ("以下是") follows the sentence, and whether
        an opener ("当然可以！") comes right before it."""
        before = page.view[max(0, seg.start - 8):seg.start]
        return (ANNOUNCEMENT.match(page.view, seg.end) is not None,
                OPENER_BEFORE.search(before) is not None)

    cues: ClassVar[tuple[str, ...]] = LLM_CUES

    def check(self, seg: Segment, page: Page) -> Removal | None:
        view = page.view_of(seg)
        m = LLM.search(view)
        if m and m.start() == 0 and (colon := _ANNOUNCED.match(view, m.end())):
            rest = view[colon.end():]
            if reads_as_prose(rest, self.min_announced_han):
                return Removal(seg.start, seg.start + colon.end(), self.code, {"match": m[0], "announces": True})
        if m and len(seg) <= 120:
            return Removal(seg.start, seg.end, self.code, {"match": m[0]})
        if OPENER.fullmatch(view) or ANNOUNCEMENT.match(view):
            followed, preceded = self.local_key(seg, page)
            if followed and OPENER.fullmatch(view) or preceded and ANNOUNCEMENT.match(view) and len(seg) <= 60:
                return Removal(seg.start, seg.end, self.code, {"opener": view[:20]})
        return None
