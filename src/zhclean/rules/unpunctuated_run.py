"""boilerplate.link_run: long runs of text without any punctuation (glued link lists)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import regex

from zhclean.document import Removal, Segment
from zhclean.rules.base import HARD, Page, han_count

#: Marks that break a sentence into clauses (not brackets or quotes: 《》 and “” are used
#: inside glued titles too).
_PUNCT = regex.compile(r"[，,。．！!？?；;：:、\s]")
_FUNCTION_CHARS = frozenset("的了是在和与就都也很我你他她它们这那有说着过吧呢吗啊")


@dataclass(frozen=True)
class UnpunctuatedRun:
    """A segment of at least `min_han` Han characters with fewer than one punctuation mark
    per `chars_per_mark` characters: headlines of other pages glued together by the scraper
    ("炒外汇新手入门解读初请失业金废钞令解密12月美联储会议解读…"). Chinese prose carries a
    comma or stop every 15–30 characters (spaces count as marks: informal posts use them as
    commas), and run-on informal prose is full of function characters (的, 了, 我, 很 …), which
    glued headlines lack: fewer than `max_function_share` of the Han characters.
    Must keep: hard-wrapped prose (short lines), poems and titles (short), and long
    sentences with commas."""

    code: ClassVar[str] = "boilerplate.link_run"
    strength: ClassVar[str] = HARD
    trigger: ClassVar[regex.Pattern | None] = None
    min_han: int = 60
    chars_per_mark: int = 60
    max_function_share: float = 0.05

    def candidates(self, page: Page) -> list[int]:
        """The sentences long enough to hold `min_han` Han characters."""
        return [k for k, s in enumerate(page.sentences) if s.end - s.start >= self.min_han]

    def check(self, seg: Segment, page: Page) -> Removal | None:
        if len(seg) < self.min_han:
            return None
        han = han_count(seg.text)
        if han < self.min_han:
            return None
        marks = len(_PUNCT.findall(seg.text))
        if marks * self.chars_per_mark >= len(seg.text):
            return None
        function_share = sum(1 for c in seg.text if c in _FUNCTION_CHARS) / han
        if function_share < self.max_function_share:
            return Removal(seg.start, seg.end, self.code,
                           {"han": han, "punctuation": marks, "function_share": round(function_share, 3)})
        return None
