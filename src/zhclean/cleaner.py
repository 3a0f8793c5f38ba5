"""Compose the cleaning stages for one page: normalize -> segment -> rules -> context.

`clean_text` is the library's entry point for one string; the CLI and the batch pipeline call
the same `Cleaner`.
"""
from __future__ import annotations

from dataclasses import dataclass
from time import process_time
from typing import Iterable

from zhclean.config import CleanConfig, NormalizeConfig
from zhclean.context import decide, residue
from zhclean.document import CleanedPage, Removal, merge_removals, render_kept, render_kept_with_offsets
from zhclean.errors import ConfigError
from zhclean.model.decide import MAX_INNER_SHARE, model_removals
from zhclean.model.features import unit_features, visible_sizes
from zhclean.model.junk_model import load_model
from zhclean.normalize import normalize
from zhclean.rules import CATALOGUE, PAGE_RULES, SEGMENT_RULES, SPAN_RULES
from zhclean.rules.base import HARD, Page
from zhclean.rules.byline import byline_metadata
from zhclean.units import ContextPolicy


@dataclass(frozen=True)
class Evidence:
    """What the rules found on one page (`Cleaner.evidence`)."""

    source: str
    page: Page
    hard: list[Removal]
    soft: list[Removal]
    decided: tuple[Removal, ...]
    #: The page rule's removal when one judged the whole page.
    whole: Removal | None


class Cleaner:
    """Holds the rules for one configuration; build it once and call it on every page."""

    #: Passes over the clean text before giving up on a fixpoint. Two suffice on real pages
    #: (a pass that removes nothing ends the loop); a page of repeated lines that a pass
    #: removes one at a time needs one pass for each (the model with `clean.fixpoint` removed
    #: one of three repeated editor lines per pass, and 4 passes left a hotline title that a
    #: fifth removed: tests/test_cleaner_properties.py).
    max_passes = 16
    #: Set to a dict to collect CPU seconds per stage and rule (profiling; off by default).
    timings: dict[str, float] | None = None
    #: Most sentences a local rule's memo holds (it is emptied when full; a few MB each).
    memo_size = 20_000

    def __init__(self, clean: CleanConfig | None = None, norm: NormalizeConfig | None = None,
                 policy: ContextPolicy | None = None):
        self.clean_config = clean or CleanConfig()
        self.norm_config = norm or NormalizeConfig()
        self.policy = policy or ContextPolicy()
        unknown = set(self.clean_config.disable) - set(CATALOGUE)
        if unknown:
            raise ConfigError(f"clean.disable names unknown rules {sorted(unknown)}; "
                              f"known rules: {', '.join(sorted(CATALOGUE))}")
        #: The junk model that decides every unit (`CleanConfig.model`), or None: the rules
        #: and their context decisions alone, to a fixpoint.
        self.model = load_model(self.clean_config.model) if self.clean_config.model not in (None, "", "off") else None
        # rules the model was trained without (its manifest says which) do not run for it
        off = set(self.clean_config.disable) | (set(self.model.rules_off) if self.model is not None else set())
        self.segment_rules = tuple(cls() for cls in SEGMENT_RULES if cls.__name__ not in off)
        self.span_rules = tuple(cls() for cls in SPAN_RULES if cls.__name__ not in off)
        self.page_rules = tuple(cls() for cls in PAGE_RULES if cls.__name__ not in off)
        #: For each segment rule declared `local`, its answers by sentence text and view, kept
        #: from page to page (a rule's answer depends on nothing else: boilerplate sentences
        #: recur across pages, and most of the fixpoint's second pass repeats the first).
        self.memos: tuple[dict | None, ...] = tuple({} if getattr(rule, "local", False) else None
                                                    for rule in self.segment_rules)
        #: Every cue set the rules ask the page about, found in one scan per page.
        self.cue_sets = tuple(dict.fromkeys(
            cues for rule in self.span_rules + self.segment_rules + self.page_rules
            for cues in getattr(rule, "cue_sets", ()) + ((rule.cues,) if getattr(rule, "cues", None) else ())))

    def __call__(self, text: str, title: str | None = None) -> CleanedPage:
        """Clean one page.

        With a junk model (`CleanConfig.model`, the default): one pass of the rules, whose
        removals are evidence, then the model decides every sentence. The rules alone
        (``model = "off"``) decide with their context rules, to a fixpoint: the clean text is
        cleaned again (up to `max_passes` times) and what a later pass removes is mapped back
        onto the source, so cleaning the clean text again removes nothing. With the model the
        fixpoint is optional (`CleanConfig.fixpoint`): the model decides in its first pass
        what the rules' second pass used to catch."""
        source = self._run("normalize", normalize, text, self.norm_config.fixes)
        if not self.clean_config.enabled or not source.strip():
            return CleanedPage(source=source)
        page = self._run("page (view, lines, sentences)", Page, source, title)
        for memo in self.memos:
            if memo is not None and len(memo) > self.memo_size:
                memo.clear()
        removals, whole, extra = self._decide_page(page)
        features = {**_features(page), **extra}
        del page  # (a later pass builds its own Page: two at once would double the peak)
        if whole:
            return CleanedPage(source=source, removals=removals, features=features)
        passes = self.max_passes if self.model is None or self.clean_config.fixpoint else 1
        for number in range(2, passes + 1):
            kept = self._run("fixpoint: render", render_kept, source, removals)
            if not kept or (number == 2 and kept == source):
                break  # the same text again: every further pass repeats the first one
            later, whole, _ = self._decide_page(self._run("page (view, lines, sentences)", Page, kept, title))
            if not later:
                break
            # the same text as render_kept's, with each character's source offset (only needed
            # when there is something to map back)
            _, offsets = self._run("fixpoint: render", render_kept_with_offsets, source, removals)
            mapped = [Removal(offsets[r.start], offsets[r.end - 1] + 1, r.code, {**r.detail, "pass": number})
                      for r in later if r.end > r.start]
            removals = merge_removals(list(removals) + mapped)
        return CleanedPage(source=source, removals=removals,
                           metadata=self._metadata(source, removals) if self.clean_config.keep_metadata else {},
                           features=features)

    def _decide_page(self, page: Page) -> tuple[tuple[Removal, ...], bool, dict[str, float]]:
        """One pass over `page`: its removals, whether a page rule judged the whole page (the
        rules alone), and what the model adds to the page's features."""
        if self.model is None:
            removals, whole = self._pass(page)
            return removals, whole, {}
        if len(page.sentences) > self.clean_config.model_max_sentences:
            removals, whole = self._pass(page)  # the rules alone: the model's matrices grow per sentence
            return removals, whole, {"model_skipped": True}
        hard, soft, whole = self._rules(page)
        decided = (whole,) if whole is not None else self._run(
            "context (decide, residue, merge)", self._decide, page, hard, soft)
        model = self.model
        units = self._run("model (features)", unit_features, page, model.codes, hard, soft.values(), decided)
        judgement = self._run("model (judge)", model.judge, units, visible_sizes(page, units))
        removals = self._run("model (removals)", model_removals, units, judgement, model.kinds_of, decided,
                             model.trusted, MAX_INNER_SHARE, model.trusted_own)
        return removals, False, {"page_junk": round(judgement.page, 4)}

    def evidence(self, text: str, title: str | None = None) -> "Evidence":
        """One pass of the rules over `text`, kept whole: the normalized text, the page, the
        rules' removals before the context decisions (hard, and soft by sentence) and after
        them (`decided`). What the junk model reads (`zhclean.model`)."""
        source = self._run("normalize", normalize, text, self.norm_config.fixes)
        page = self._run("page (view, lines, sentences)", Page, source, title)
        if not source.strip():
            return Evidence(source, page, [], [], (), None)
        hard, soft, whole = self._rules(page)
        decided = (whole,) if whole is not None else self._run(
            "context (decide, residue, merge)", self._decide, page, hard, soft)
        return Evidence(source, page, hard, list(soft.values()), decided, whole)

    def _pass(self, page: Page) -> tuple[tuple[Removal, ...], bool]:
        """One pass of every rule and the context decisions over `page`; True when a page
        rule judged the whole page."""
        hard, soft, whole = self._rules(page)
        if whole is not None:
            return (whole,), True
        return self._run("context (decide, residue, merge)", self._decide, page, hard, soft), False

    def _rules(self, page: Page) -> tuple[list[Removal], dict[int, Removal], Removal | None]:
        """Every rule over `page`: the hard removals, the soft ones by sentence, and the
        page rule's removal when one judged the whole page (None otherwise)."""
        hard: list[Removal] = []
        soft: dict[int, Removal] = {}
        self._run("cues (one scan for all rules)", page.scan_cues, self.cue_sets)
        for rule in self.span_rules:
            hard.extend(self._run(f"span  {type(rule).__name__}", lambda r=rule: list(r.find(page))))
        # Rule by rule over its candidate sentences; a sentence leaves the running at its first
        # hard hit (what a loop over sentences, then rules in order, would do).
        sentences = page.sentences
        claimed: dict[int, Removal] = {}
        for rule, memo in zip(self.segment_rules, self.memos):
            name = f"seg   {type(rule).__name__}"
            check = self._timed(name, rule.check)
            if memo is not None:
                check = _memoized(check, memo, getattr(rule, "local_key", None))
            candidates = self._run(name, _candidates, rule, page)
            is_hard = rule.strength == HARD
            for index in range(len(sentences)) if candidates is None else candidates:
                if index in claimed:
                    continue
                removal = check(sentences[index], page)
                if removal is None:
                    continue
                if is_hard:
                    claimed[index] = removal
                else:
                    soft.setdefault(index, removal)
        hard.extend(claimed[index] for index in sorted(claimed))
        for rule in self.page_rules:
            if whole := self._run(f"page  {type(rule).__name__}", rule.judge, page, hard):
                return hard, soft, whole
        return hard, soft, None

    def _decide(self, page: Page, hard: list[Removal], soft: dict[int, Removal]) -> tuple[Removal, ...]:
        removals = decide(page, hard, soft, self.policy)
        removals.extend(residue(page, removals, self.policy))
        return merge_removals(removals)

    def _timed(self, stage: str, fn):
        """`fn` itself, or when `self.timings` is a dict, `fn` timed under `stage` (the hot
        per-sentence calls then pay no dispatch when nobody is timing them)."""
        if self.timings is None:
            return fn
        return lambda *args: self._run(stage, fn, *args)

    def _run(self, stage: str, fn, *args):
        """Call `fn`; when `self.timings` is a dict, add its CPU seconds under `stage`
        (what `bench/bench_clean.py` reports per rule)."""
        if self.timings is None:
            return fn(*args)
        start = process_time()
        try:
            return fn(*args)
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + process_time() - start

    @staticmethod
    def _metadata(source: str, removals: tuple[Removal, ...]) -> dict[str, str]:
        found: dict[str, str] = {}
        for r in removals:
            if r.code == "meta.byline":
                for key, value in byline_metadata(source[r.start:r.end]).items():
                    found.setdefault(key, value)
        return found


def _memoized(check, memo: dict, local_key=None):
    """`check`, answering from `memo` for a sentence of the same text and view (and
    `local_key`, when the rule has one) as one asked before (a local rule's answer depends on
    nothing else; its removal is moved to the sentence's offsets)."""
    def memoized(seg, page: Page) -> Removal | None:
        view = page.view[seg.start:seg.end]
        # (the view, when it differs from the text: most keys then share the page's string)
        key = (seg.text, None if view == seg.text else view)
        if local_key is not None:
            key += (local_key(seg, page),)
        known = memo.get(key, memo)
        if known is memo:
            removal = check(seg, page)
            memo[key] = None if removal is None else (
                removal.start - seg.start, removal.end - seg.start, removal.code, dict(removal.detail))
            return removal
        if known is None:
            return None
        start, end, code, detail = known
        return Removal(seg.start + start, seg.start + end, code, dict(detail))
    return memoized


def _candidates(rule, page: Page) -> Iterable[int] | None:
    """The sentences a segment rule is asked about: those with one of its literal cues, or
    where its trigger matches, or those its own `candidates` method names; None (all of
    them) for rules with none of these."""
    if getattr(rule, "cues", None):
        return page.sentences_with(rule.cues)
    if rule.trigger is not None:
        return page.sentences_hit(rule.trigger)
    if hasattr(rule, "candidates"):
        return rule.candidates(page)
    return None


def _features(page: Page) -> dict[str, float | int]:
    chars = page.visible_count(0, len(page.source))
    han = page.han_count(0, len(page.source))
    return {"chars": chars, "han_share": round(han / chars, 4) if chars else 0.0,
            "lines": len(page.lines), "sentences": len(page.sentences), "flat": page.is_flat}


def clean_text(text: str, title: str | None = None, config: CleanConfig | None = None) -> CleanedPage:
    """Clean one page. `title` (the page's HTML title, when known) helps find SEO titles
    re-inserted in the text."""
    return Cleaner(config)(text, title)
