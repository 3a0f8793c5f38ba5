"""Compose the cleaning stages for one page: normalize -> segment -> rules -> context.

`clean_text` is the library's entry point for one string; the CLI and the batch pipeline call
the same `Cleaner`.
"""
from __future__ import annotations

from zhclean.config import CleanConfig, NormalizeConfig
from zhclean.context import ContextPolicy, decide, residue
from zhclean.document import CleanedPage, Removal, merge_removals, render_kept_with_offsets
from zhclean.errors import ConfigError
from zhclean.normalize import normalize
from zhclean.rules import CATALOGUE, PAGE_RULES, SEGMENT_RULES, SPAN_RULES
from zhclean.rules.base import HARD, Page, han_count, visible_count
from zhclean.rules.byline import byline_metadata


class Cleaner:
    """Holds the rules for one configuration; build it once and call it on every page."""

    #: Passes over the clean text before giving up on a fixpoint (two suffice on real pages).
    max_passes = 4

    def __init__(self, clean: CleanConfig | None = None, norm: NormalizeConfig | None = None,
                 policy: ContextPolicy | None = None):
        self.clean_config = clean or CleanConfig()
        self.norm_config = norm or NormalizeConfig()
        self.policy = policy or ContextPolicy()
        unknown = set(self.clean_config.disable) - set(CATALOGUE)
        if unknown:
            raise ConfigError(f"clean.disable names unknown rules {sorted(unknown)}; "
                              f"known rules: {', '.join(sorted(CATALOGUE))}")
        off = set(self.clean_config.disable)
        self.segment_rules = tuple(cls() for cls in SEGMENT_RULES if cls.__name__ not in off)
        self.span_rules = tuple(cls() for cls in SPAN_RULES if cls.__name__ not in off)
        self.page_rules = tuple(cls() for cls in PAGE_RULES if cls.__name__ not in off)

    def __call__(self, text: str, title: str | None = None) -> CleanedPage:
        """Clean one page, to a fixpoint: the clean text is cleaned again (up to `max_passes`
        times) and what a later pass removes is mapped back onto the source, so cleaning the
        clean text again removes nothing (idempotence by construction)."""
        source = normalize(text, self.norm_config.fixes)
        if not self.clean_config.enabled or not source.strip():
            return CleanedPage(source=source)
        page = Page(source, title)
        removals, whole = self._pass(page)
        if whole:
            return CleanedPage(source=source, removals=removals, features=_features(page))
        for number in range(2, self.max_passes + 1):
            kept, offsets = render_kept_with_offsets(source, removals)
            if not kept:
                break
            later, whole = self._pass(Page(kept, title))
            if not later:
                break
            mapped = [Removal(offsets[r.start], offsets[r.end - 1] + 1, r.code, {**r.detail, "pass": number})
                      for r in later if r.end > r.start]
            removals = merge_removals(list(removals) + mapped)
        return CleanedPage(source=source, removals=removals,
                           metadata=self._metadata(source, removals) if self.clean_config.keep_metadata else {},
                           features=_features(page))

    def _pass(self, page: Page) -> tuple[tuple[Removal, ...], bool]:
        """One pass of every rule and the context decisions over `page`; True when a page
        rule judged the whole page."""
        hard: list[Removal] = []
        soft: dict[int, Removal] = {}
        for rule in self.span_rules:
            hard.extend(rule.find(page))
        hits = [set(page.sentences_with(rule.cues)) if getattr(rule, "cues", None)
                else page.sentences_hit(rule.trigger) if rule.trigger is not None else None
                for rule in self.segment_rules]
        for index, seg in enumerate(page.sentences):
            for rule, hit in zip(self.segment_rules, hits):
                if hit is not None and index not in hit:
                    continue
                removal = rule.check(seg, page)
                if removal is None:
                    continue
                if rule.strength == HARD:
                    hard.append(removal)
                    break
                soft.setdefault(index, removal)
        for rule in self.page_rules:
            if whole := rule.judge(page, hard):
                return (whole,), True
        removals = decide(page, hard, soft, self.policy)
        removals.extend(residue(page, removals, self.policy))
        return merge_removals(removals), False

    @staticmethod
    def _metadata(source: str, removals: tuple[Removal, ...]) -> dict[str, str]:
        found: dict[str, str] = {}
        for r in removals:
            if r.code == "meta.byline":
                for key, value in byline_metadata(source[r.start:r.end]).items():
                    found.setdefault(key, value)
        return found


def _features(page: Page) -> dict[str, float | int]:
    chars = visible_count(page.source)
    han = han_count(page.source)
    return {"chars": chars, "han_share": round(han / chars, 4) if chars else 0.0,
            "lines": len(page.lines), "sentences": len(page.sentences), "flat": page.is_flat}


def clean_text(text: str, title: str | None = None, config: CleanConfig | None = None) -> CleanedPage:
    """Clean one page. `title` (the page's HTML title, when known) helps find SEO titles
    re-inserted in the text."""
    return Cleaner(config)(text, title)
