"""artifact.llm: chatbot leftovers pasted into pages."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import regex

from zhclean.document import Removal, Segment
from zhclean.rules.base import HARD, Page

LLM = regex.compile(
    r"^(?:当然(?:可以|没问题)?|好的(?:呢)?|没问题|可以)[!！,，。~～]*\s*(?:以下|下面|这是|我来|我将|为您)"
    r"|^以下是(?:一篇|一份|为您|我为(?:您|你))"
    r"|作为一(?:个|名)?(?:ai|人工智能)(?:语言模型|助手|模型)?"
    r"|我是一(?:个|名)?(?:ai|人工智能)(?:语言模型|助手)"
    r"|希望(?:以上|这些|这篇|上述)(?:内容|信息|回答|文章|建议)?(?:能)?对(?:您|你)有(?:所)?帮助"
    r"|如果(?:您|你)(?:还)?有(?:其他|任何|更多)(?:问题|需要|需求)[,，]?(?:请)?(?:随时)?(?:告诉|联系|提问)"
)

#: Every LLM match contains one of these.
LLM_CUES = ("以下", "下面", "这是", "我来", "我将", "为您", "作为一", "我是一", "帮助", "如果您", "如果你")


@dataclass(frozen=True)
class ChatbotLeftover:
    """Sentences a chat assistant wrote around the text it was asked for: "当然，以下是…",
    "作为一个AI语言模型…", "希望以上内容对您有帮助".
    Must keep: articles about AI that mention assistants in the third person (the patterns
    are anchored on the assistant's own first-person formulas)."""

    code: ClassVar[str] = "artifact.llm"
    strength: ClassVar[str] = HARD
    trigger: ClassVar[regex.Pattern | None] = None
    local: ClassVar[bool] = True  # check reads the sentence alone (see rules/base.py)
    cues: ClassVar[tuple[str, ...]] = LLM_CUES

    def check(self, seg: Segment, page: Page) -> Removal | None:
        m = LLM.search(page.view_of(seg))
        if m and len(seg) <= 120:
            return Removal(seg.start, seg.end, self.code, {"match": m[0]})
        return None
