"""spam.keyword_stuffing: pages written around one keyword repeated over and over."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import regex

from zhclean.document import Removal
from zhclean.rules.base import HARD, Page

_NOT_HAN = regex.compile(r"[^\p{Han}]+")
_SPAM_CODES = ("spam.", "boilerplate.listing_meta")


@dataclass(frozen=True)
class StuffedPage:
    """An SEO page whose most frequent character 4-gram covers at least `min_share` of its
    Han characters (a product keyword + a place name repeated in every sentence), on a page
    of at least `min_han` Han characters that also carries `min_spam_removals` spam findings.
    The 4-gram share is the signal of research/spam-taxonomy.md §2.1 (FineWeb-2
    top_n_grams, ChineseWebText's n-gram repetition); measured on real pages, genuine
    articles stay below 0.13 and the stuffed page here reaches 0.18.
    Must keep: a long article about one subject (its topic words repeat, but well under
    the threshold), short pages (the share is unstable under `min_han`)."""

    code: ClassVar[str] = "spam.keyword_stuffing"
    strength: ClassVar[str] = HARD
    min_share: float = 0.15
    min_han: int = 400
    min_spam_removals: int = 2

    def judge(self, page: Page, removals: list[Removal]) -> Removal | None:
        spam = sum(1 for r in removals if r.code.startswith(_SPAM_CODES))
        if spam < self.min_spam_removals:
            return None
        han = _NOT_HAN.sub("", page.source)
        if len(han) < self.min_han or (top := _top_4gram(han, self.min_share)) is None:
            return None
        gram, count = top
        share = 4 * count / len(han)
        if share >= self.min_share:
            return Removal(0, len(page.source), self.code, {"top_4gram": gram, "share": round(share, 3)})
        return None


def _top_4gram(han: str, min_share: float) -> tuple[str, int] | None:
    """The most frequent 4-gram of `han` and its count (the first to occur among equals, as
    `Counter.most_common` picks it), counted only over the 4-grams made of characters that
    alone reach `min_share` (4 * count / len(han)): a 4-gram that reaches it is made of such
    characters, so the answer is exact whenever the share can pass, and None when no 4-gram
    is made of them. Characters are counted with numpy (8x faster than counting every
    4-gram on bench pages, most of which have no such character)."""
    n = len(han)
    codes = np.frombuffer(han.encode("utf-32-le"), dtype="<u4")
    chars, counts = np.unique(codes, return_counts=True)
    frequent = chars[4 * counts / n >= min_share]
    if not len(frequent):
        return None
    table = np.zeros(int(codes.max()) + 1, dtype=bool)
    table[frequent] = True
    usable = table[codes]
    starts = np.flatnonzero(usable[:-3] & usable[1:-2] & usable[2:-1] & usable[3:])
    grams = Counter(han[i:i + 4] for i in starts.tolist())
    return grams.most_common(1)[0] if grams else None
