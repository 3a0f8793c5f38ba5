"""spam.off_topic: an unrelated story spliced into a titled page among spam."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import regex

from zhclean.document import Removal, Segment
from zhclean.rules.base import HARD, Page, han_count
from zhclean.rules.contacts import find_contacts
from zhclean.rules.cta import CTA

_HAN_RUN = regex.compile(r"\p{Han}+")
#: Characters that make a bigram say nothing about the topic ("的时", "我们", "一个").
_FUNCTION_CHARS = frozenset("的了是在和与就都也很我你他她它们这那有说着过吧呢吗啊一不个人为上中大到以及之")


def topic_bigrams(text: str) -> frozenset[str]:
    """The Han character bigrams of `text` that carry topic (no function character)."""
    out = set()
    for run in _HAN_RUN.findall(text):
        for i in range(len(run) - 1):
            if run[i] not in _FUNCTION_CHARS and run[i + 1] not in _FUNCTION_CHARS:
                out.add(run[i:i + 2])
    return frozenset(out)


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

    def find(self, page: Page) -> Iterator[Removal]:
        title = topic_bigrams(page.title or "")
        if len(title) < self.anchor_bigrams:
            return
        sents = page.sentences
        grams = [topic_bigrams(s.text) for s in sents]
        anchors = [k for k, g in enumerate(grams) if len(g & title) >= self.anchor_bigrams]
        if not anchors:
            return
        topic = set(title)
        for k in anchors:
            topic |= grams[k]
        page_han = han_count(page.source)
        for lo, hi in self._runs(sents, grams, topic):
            lo, hi = self._trim(grams, lo, hi)
            han = sum(han_count(sents[k].text) for k in range(lo, hi))
            if han < self.min_han or han > self.max_page_share * page_han:
                continue
            run_grams = frozenset().union(*grams[lo:hi])
            copies = self._copies(sents, lo, hi)
            rest = set()
            for k, g in enumerate(grams):
                if not (lo <= k < hi) and k not in copies:
                    rest |= g
            shared = len(run_grams & rest) / max(len(run_grams), 1)
            if shared > self.max_shared:
                continue
            if (evidence := self._evidence(page, lo, hi)) is None:
                continue
            yield Removal(sents[lo].start, sents[hi - 1].end, self.code,
                          {"sentences": hi - lo, "han": han, "shared_bigrams": round(shared, 3),
                           "evidence": evidence})

    @staticmethod
    def _runs(sents: list[Segment], grams: list[frozenset[str]], topic: set[str]) -> Iterator[tuple[int, int]]:
        start = None
        for k in range(len(sents) + 1):
            off = k < len(sents) and han_count(sents[k].text) > 0 and not grams[k] & topic
            if off and start is None:
                start = k
            elif not off and start is not None:
                yield start, k
                start = None

    @staticmethod
    def _trim(grams: list[frozenset[str]], lo: int, hi: int) -> tuple[int, int]:
        """Leave to the article the end sentences that share more with the sentence next
        to the run than with the rest of the run (its last sentence, its closing advice)."""
        while hi - lo > 1 and lo > 0:
            inner = frozenset().union(*grams[lo + 1:hi])
            if len(grams[lo] & grams[lo - 1]) <= len(grams[lo] & inner):
                break
            lo += 1
        while hi - lo > 1 and hi < len(grams):
            inner = frozenset().union(*grams[lo:hi - 1])
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

    def _evidence(self, page: Page, lo: int, hi: int) -> str | None:
        view = page.view
        for k in range(max(0, lo - self.reach), min(len(page.sentences), hi + self.reach)):
            s = page.sentences[k]
            if any(len(m[0]) >= self.min_cta_share * len(s) for m in CTA.finditer(view, s.start, s.end)):
                return "call to action"
            if find_contacts(view, s.start, s.end):
                return "contact"
        return None
