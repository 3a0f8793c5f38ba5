"""spam.spliced: pages stitched together from fragments of unrelated pages."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import regex

from zhclean.document import Removal
from zhclean.rules.base import HARD, Page

SPLICE = regex.compile(r"\.{3,}|…+")


@dataclass(frozen=True)
class SplicedPage:
    """A page made of truncated snippets ("…标题...另一段…"), the shape of scraped search
    results and gambling link farms: at least `min_splices` ellipses and at least
    `min_density` of them per 1,000 characters (or `min_splices_with_spam` when the page
    also carries gambling or hotline spam). LABELS.md: text spliced together mid-sentence
    from unrelated fragments is junk, and such a page can be all spam.
    Must keep: articles that use ellipses in quotes or lists (a handful per page: measured
    on real articles, ≤ 9 per 1,000 characters and ≤ 35 in a page of that density)."""

    code: ClassVar[str] = "spam.spliced"
    strength: ClassVar[str] = HARD
    min_splices: int = 40
    min_density: float = 12.0
    min_splices_with_spam: int = 15
    min_density_with_spam: float = 6.0

    def judge(self, page: Page, removals: list[Removal]) -> Removal | None:
        splices = len(SPLICE.findall(page.source))
        density = 1000 * splices / max(len(page.source), 1)
        spam = any(r.code in ("spam.gambling_porn_ad", "spam.hotline") for r in removals)
        if (splices >= self.min_splices and density >= self.min_density) or (
                spam and splices >= self.min_splices_with_spam and density >= self.min_density_with_spam):
            return Removal(0, len(page.source), self.code,
                           {"splices": splices, "per_1000_chars": round(density, 1)})
        return None
