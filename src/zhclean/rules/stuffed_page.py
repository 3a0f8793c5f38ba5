"""spam.keyword_stuffing: pages written around one keyword repeated over and over."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import ClassVar

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
        han = _NOT_HAN.sub("", page.source)
        spam = sum(1 for r in removals if r.code.startswith(_SPAM_CODES))
        if len(han) < self.min_han or spam < self.min_spam_removals:
            return None
        grams = Counter(han[i:i + 4] for i in range(len(han) - 3))
        gram, count = grams.most_common(1)[0]
        share = 4 * count / len(han)
        if share >= self.min_share:
            return Removal(0, len(page.source), self.code, {"top_4gram": gram, "share": round(share, 3)})
        return None
