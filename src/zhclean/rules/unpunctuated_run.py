"""boilerplate.link_run: long runs of text without any punctuation (glued link lists), as a
whole segment, or as a stretch inside one that the page repeats (a menu scraped twice)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import numpy as np
import regex

from zhclean.document import Removal, Segment
from zhclean.rules.base import FUNCTION_CHARS, HARD, Page

#: Marks that break a sentence into clauses (not brackets or quotes: 《》 and “” are used
#: inside glued titles too).
_PUNCT = regex.compile(r"[，,。．！!？?；;：:、\s]")
#: Inside a sentence, list bullets separate items too ("◎建立…机制◎密切关注…").
_STRETCH_BREAK = regex.compile(r"[，,。．！!？?；;：:、\s◎●○■□◆◇•·▪►▶]")


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
    local: ClassVar[bool] = True  # check reads the sentence alone (see rules/base.py)
    min_han: int = 60
    chars_per_mark: int = 60
    max_function_share: float = 0.05

    def candidates(self, page: Page) -> list[int]:
        """The sentences long enough to hold `min_han` Han characters."""
        return [k for k, s in enumerate(page.sentences) if s.end - s.start >= self.min_han]

    def check(self, seg: Segment, page: Page) -> Removal | None:
        if len(seg) < self.min_han:
            return None
        han = page.han_count(seg.start, seg.end)
        if han < self.min_han:
            return None
        marks = len(_PUNCT.findall(seg.text))
        if marks * self.chars_per_mark >= len(seg.text):
            return None
        function_share = sum(1 for c in seg.text if c in FUNCTION_CHARS) / han
        if function_share < self.max_function_share:
            return Removal(seg.start, seg.end, self.code,
                           {"han": han, "punctuation": marks, "function_share": round(function_share, 3)})
        return None


@dataclass(frozen=True)
class RepeatedLinkStretch:
    """A menu scraped twice, glued into sentences: a stretch between two punctuation marks of
    at least `min_han` Han characters, with under `max_function_share` function characters,
    that shares a `repeat_chars`-character piece with another such stretch on the page
    ("…解读初请失业金废钞令解密12月美联储会议解读意大利…" in the middle of one paragraph and
    again in another). Only the stretch goes (with any prose glued to its ends without a
    mark between them).
    Must keep: long unpunctuated official sentences (one copy; a lead repeated as a summary
    runs well under `min_han` between marks: on the 15,510 bench pages and the control and
    extraction sets no stretch of content qualifies), lists with bullets (◎, ●, ■)."""

    code: ClassVar[str] = "boilerplate.link_run"
    strength: ClassVar[str] = HARD
    min_han: int = 100
    max_function_share: float = 0.1
    repeat_chars: int = 16

    def find(self, page: Page) -> Iterator[Removal]:
        stretches = []
        # (a stretch holds at most its sentence's Han characters: most sentences hold too few)
        for k in np.flatnonzero(page.sentence_han >= self.min_han).tolist():
            seg = page.sentences[k]
            pos = seg.start
            for m in _STRETCH_BREAK.finditer(page.view, seg.start, seg.end):
                stretches.extend(self._measure(page, pos, m.start()))
                pos = m.end()
            stretches.extend(self._measure(page, pos, seg.end))
        if len(stretches) < 2:
            return
        n = self.repeat_chars
        pieces = [frozenset(page.view[s + i:s + i + n] for i in range(e - s - n + 1)) for s, e, _ in stretches]
        for k, (start, end, detail) in enumerate(stretches):
            if any(pieces[k] & other for j, other in enumerate(pieces) if j != k):
                yield Removal(start, end, self.code, detail)

    def _measure(self, page: Page, start: int, end: int) -> list[tuple[int, int, dict]]:
        han = page.han_count(start, end)
        if han < self.min_han:
            return []
        text = page.source[start:end]
        share = sum(1 for c in text if c in FUNCTION_CHARS) / han
        if share >= self.max_function_share:
            return []
        return [(start, end, {"han": han, "function_share": round(share, 3), "repeated": True})]
