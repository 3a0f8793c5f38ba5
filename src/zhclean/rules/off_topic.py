"""spam.off_topic: an unrelated story spliced into a titled page among spam."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import ClassVar, Iterator

import regex

from zhclean.document import Removal, Segment
from zhclean.rules.base import FUNCTION_CHARS, HAN, HARD, Page
from zhclean.rules.cues import build_automaton
from zhclean.rules.contacts import contact_hint_starts
from zhclean.rules.cta import CTA_LOOKBEHIND, cta_spans
from zhclean.rules.cta import CUES as CTA_CUES

#: Characters that make a bigram say nothing about the topic ("的时", "我们", "一个").
_FUNCTION_CHARS = FUNCTION_CHARS | frozenset("一不个人为上中大到以及之")


#: A run of Han characters without function characters.
_TOPIC_RUN = regex.compile(r"[\p{Han}--[" + "".join(sorted(_FUNCTION_CHARS)) + r"]]+", regex.V1)


def topic_bigrams(text: str) -> frozenset[str]:
    """The Han character bigrams of `text` that carry topic (no function character)."""
    return frozenset(run[i:i + 2] for run in _TOPIC_RUN.findall(text) for i in range(len(run) - 1))


class _LazyBigrams:
    """Topic bigrams of each sentence, computed when first asked for."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.cache: dict[int, frozenset[str]] = {}

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, k: int) -> frozenset[str]:
        if k not in self.cache:
            self.cache[k] = topic_bigrams(self.texts[k])
        return self.cache[k]


@dataclass(frozen=True)
class OffTopicRun:
    """A run of prose that has nothing to do with the page: on a page with a title, a run of
    consecutive sentences (≥ `min_han` Han characters) none of which shares a topic bigram
    with the title or with the sentences that match the title (≥ `anchor_bigrams` title
    bigrams), and whose bigrams are at most `max_shared` shared with the rest of the page
    (a copy of the run elsewhere does not count). LABELS.md: an unrelated story spliced into
    a page is junk ("小事也是这样，高高的堂叔…" in the middle of a drink-driving report).

    Spam evidence is required too: a call to action (covering at least `min_cta_share` of
    its sentence: "点赞" inside prose is not one) or a contact detail inside the run or
    within `reach` sentences of it; and the run is an insertion, at most `max_page_share` of
    the page's Han characters (a statute whose title names only its first article is not
    off-topic). A copy of the run elsewhere on the page (spliced stories are often pasted
    twice) is not counted as the rest of the page. Sentences at the run's
    ends that share more with the article sentence next to them than with the run are left to
    the article.

    Pages longer than `max_chars` (books, manuals, long reports: not news pages with a story
    spliced in) are not judged, which also bounds the work.
    Must keep: a long article's digressions and a novel's chapters (they share names and
    topic words with the rest of the page: measured on real pages, 0.07 and up, against
    0.01–0.03 for spliced stories), multi-story digests without spam around them.
    """

    code: ClassVar[str] = "spam.off_topic"
    strength: ClassVar[str] = HARD
    min_han: int = 80
    anchor_bigrams: int = 2
    max_shared: float = 0.04
    max_page_share: float = 0.5
    reach: int = 3
    min_cta_share: float = 0.3
    max_chars: int = 20_000

    def find(self, page: Page) -> Iterator[Removal]:
        title = topic_bigrams(page.title or "")
        if len(title) < self.anchor_bigrams or len(page.source) > self.max_chars:
            return
        evidence = self._evidence_sentences(page)
        if not evidence:  # no run can qualify: skip the topic work (most pages)
            return
        sents = page.sentences
        texts = [s.text for s in sents]
        in_title = build_automaton((g, i) for i, g in enumerate(title))  # bigrams found by substring search: no set per sentence
        # one scan of the page: the title bigrams inside each sentence (a bigram is 2 characters)
        title_hits: list[set[int]] = [set() for _ in sents]
        starts = page.sentence_starts
        for end, i in in_title.iter(page.source):
            k = bisect_right(starts, end - 1) - 1
            if k >= 0 and end < sents[k].end:
                title_hits[k].add(i)
        anchors = [k for k, hits in enumerate(title_hits) if len(hits) >= self.anchor_bigrams]
        if not anchors:
            return
        han = page.sentence_han.tolist()
        untitled = [not hits and han[k] > 0 for k, hits in enumerate(title_hits)]
        if not self._may_qualify(han, untitled, evidence):
            return  # skip the topic work (most pages with evidence)
        topic = set(title)
        for k in anchors:
            topic |= topic_bigrams(texts[k])
        in_topic = build_automaton((g, i) for i, g in enumerate(topic))
        off = [HAN.search(t) is not None and next(in_topic.iter(t), None) is None for t in texts]
        grams = _LazyBigrams(texts)
        page_han = page.han_count(0, len(page.source))
        for lo, hi in self._runs(off):
            if sum(han[lo:hi]) < self.min_han:
                continue  # trimming only shortens a run
            lo, hi = self._trim(grams, lo, hi)
            run_han = sum(han[lo:hi])
            if run_han < self.min_han or run_han > self.max_page_share * page_han:
                continue
            near = self._near(evidence, lo, hi, len(sents))
            if not near:
                continue
            run_grams = frozenset().union(*(grams[k] for k in range(lo, hi)))
            inside = "\n".join(texts[k] for k in list(range(lo, hi)) + sorted(self._copies(sents, lo, hi)))
            # a bigram is shared when the page holds it outside the run and its copies
            shared = sum(1 for g in run_grams if page.source.count(g) > inside.count(g)) / max(len(run_grams), 1)
            if shared > self.max_shared:
                continue
            yield Removal(sents[lo].start, sents[hi - 1].end, self.code,
                          {"sentences": hi - lo, "han": run_han, "shared_bigrams": round(shared, 3),
                           "evidence": near[0]})

    def _may_qualify(self, han: list[int], untitled: list[bool], evidence: dict[int, str]) -> bool:
        """Whether a run can qualify: an off-topic sentence holds none of the title's bigrams
        either (`untitled`), so each run lies inside a run of such sentences, which must hold
        `min_han` Han characters and have evidence within `reach`."""
        return any(self._near(evidence, lo, hi, len(han)) for lo, hi in self._runs(untitled)
                   if sum(han[lo:hi]) >= self.min_han)

    def _near(self, evidence: dict[int, str], lo: int, hi: int, count: int) -> list[str]:
        """The evidence of the sentences within `reach` of the run [lo, hi), in order."""
        return [evidence[k] for k in range(max(0, lo - self.reach), min(count, hi + self.reach)) if k in evidence]

    @staticmethod
    def _runs(off: list[bool]) -> Iterator[tuple[int, int]]:
        start = None
        for k in range(len(off) + 1):
            if k < len(off) and off[k]:
                if start is None:
                    start = k
            elif start is not None:
                yield start, k
                start = None

    @staticmethod
    def _trim(grams: _LazyBigrams, lo: int, hi: int) -> tuple[int, int]:
        """Leave to the article the end sentences that share more with the sentence next
        to the run than with the rest of the run (its last sentence, its closing advice)."""
        while hi - lo > 1 and lo > 0:
            inner = frozenset().union(*(grams[k] for k in range(lo + 1, hi)))
            if len(grams[lo] & grams[lo - 1]) <= len(grams[lo] & inner):
                break
            lo += 1
        while hi - lo > 1 and hi < len(grams):
            inner = frozenset().union(*(grams[k] for k in range(lo, hi - 1)))
            if len(grams[hi - 1] & grams[hi]) <= len(grams[hi - 1] & inner):
                break
            hi -= 1
        return lo, hi

    @staticmethod
    def _copies(sents: list[Segment], lo: int, hi: int, min_chars: int = 12) -> set[int]:
        """Sentences outside [lo, hi) that repeat (or contain) a sentence of the run."""
        inside = {"".join(s.text.split()) for s in sents[lo:hi]}
        inside = {t for t in inside if len(t) >= min_chars}
        out = set()
        for k, s in enumerate(sents):
            if lo <= k < hi:
                continue
            text = "".join(s.text.split())
            if any(t in text or (len(text) >= min_chars and text in t) for t in inside):
                out.add(k)
        return out

    def _evidence_sentences(self, page: Page) -> dict[int, str]:
        """Sentence index -> "call to action" or "contact", for the sentences that carry one
        (a call to action covering at least `min_cta_share` of its sentence). Only sentences
        with a CTA cue or a contact hint are looked at (one scan of the page each)."""
        view = page.view
        sents = page.sentences
        starts = [s.start for s in sents]
        with_cue = page.starts_with(CTA_CUES)
        hinted = {bisect_right(starts, start) - 1 for start in contact_hint_starts(view)}
        out: dict[int, str] = {}
        cued = {bisect_right(starts, x) - 1 for x in with_cue}  # with_cue holds sentence starts
        for k in sorted(hinted | cued):
            if k < 0:
                continue
            s = sents[k]
            if s.start in with_cue and any(
                    hi - lo >= self.min_cta_share * len(s)
                    for lo, hi in cta_spans(view[s.start:s.end], view[max(0, s.start - CTA_LOOKBEHIND):s.start])):
                out[k] = "call to action"
            elif k in hinted and page.contacts(s.start, s.end):
                out[k] = "contact"
        return out
