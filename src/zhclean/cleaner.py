"""Compose the cleaning stages for one page: normalize -> segment -> rules -> context.

`clean_text` is the library's entry point for one string; the CLI and the batch pipeline call
the same `Cleaner`.
"""
from __future__ import annotations

from zhclean.config import CleanConfig, NormalizeConfig
from zhclean.document import CleanedPage
from zhclean.normalize import normalize


class Cleaner:
    """Holds the compiled rules for one configuration; reuse it across pages."""

    def __init__(self, clean: CleanConfig | None = None, norm: NormalizeConfig | None = None):
        self.clean_config = clean or CleanConfig()
        self.norm_config = norm or NormalizeConfig()

    def __call__(self, text: str, title: str | None = None) -> CleanedPage:
        source = normalize(text, self.norm_config.fixes)
        return CleanedPage(source=source)


def clean_text(text: str, title: str | None = None, config: CleanConfig | None = None) -> CleanedPage:
    """Clean one page. `title` (the page's HTML title, when known) helps find SEO titles
    re-inserted in the text."""
    return Cleaner(config)(text, title)
