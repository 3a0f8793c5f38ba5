"""What every rule sees and returns.

A rule is a frozen dataclass with a `code`, a `strength`, its thresholds as fields, and one
method:

* segment rules: ``check(seg, page) -> Removal | None`` judge one sentence/clause (or line)
  as a whole;
* span rules: ``find(page) -> Iterable[Removal]`` scan the whole page for junk spans of any
  size (an injected casino name inside a sentence, a ``原标题：`` prefix, a footer clause);
* page rules: ``judge(page, removals) -> Removal | None`` decide, after the others, that the
  whole page is junk (a page spliced from fragments, a keyword-stuffed SEO page).

`strength` is ``"hard"`` (drop on this evidence alone) or ``"soft"`` (evidence that
`zhclean.context` weighs against the neighbours: it drops the segment only among junk, never
inside a run of article prose).

What a rule measures about a sentence, the `Page` keeps for every rule: its Han, CJK and
visible characters (``page.han_count(seg.start, seg.end)``, `word_count`, `visible_count`:
the module functions' answers for any span of the source, from running counts), the
sentences that hold a cue (`sentences_with`, `starts_with`: one scan for all rules' cue
sets) or a pattern (`sentences_hit`), per-sentence counts of a few characters
(`counts_of`), and the contact details in a span (`contacts`).
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar, Iterable, Protocol

import numpy as np
import regex

from zhclean.document import Removal, Segment
from zhclean.normalize import matching_view
from zhclean.rules.contacts import CONTACT_LOOKBEHIND, Contact, span_contacts
from zhclean.rules.cues import MASK, char_table, class_table, cue_automaton, cue_sets_automaton
from zhclean.segment import split_lines, split_page_sentences

HARD = "hard"
SOFT = "soft"

HAN = regex.compile(r"\p{Han}")
_HAN_RUN = regex.compile(r"\p{Han}+")
#: Characters of CJK writing: Han, kana, Hangul (prose in Japanese or Korean counts too).
CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_CJK_RUN = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]+")
_SPACE = regex.compile(r"\s+")
TERMINAL = "。！？!?…；;"
#: Function characters: a run of text with few of them is a list of terms, not prose.
FUNCTION_CHARS = frozenset("的了是在和与就都也很我你他她它们这那有说着过吧呢吗啊")
CLOSERS = "”’」』\"')）]】"
#: A field of a record with a number in its value ("成人票原价：60元", "游客咨询电话：58036000",
#: "开放时间：9:00-17:00"): data, neither a title nor page chrome. A link's digits are not
#: data ("原文地址：https://…/2022/1019/…": a reprint notice).
FIELD_ROW = regex.compile(r"\s*[\p{Han}\p{Katakana}a-zA-Z]{1,10}\s*[:：](?![^\n]*(?:https?:|www\.|\.com|\.cn))[^\n]{0,30}\d")


#: A sentence of Chinese prose: Han characters closed by a full stop.
_FENCED_PROSE = regex.compile(r"\p{Han}{6}[^。\n]{0,80}。")


@dataclass
class Page:
    """One page under analysis: the normalized text, its matching view, and its segments."""

    source: str
    title: str | None = None
    view: str = field(init=False)
    lines: list[Segment] = field(init=False)
    sentences: list[Segment] = field(init=False)

    def __post_init__(self) -> None:
        self.view = matching_view(self.source)
        self.lines = split_lines(self.source)
        self.sentences = split_page_sentences(self.source, self.lines)

    def view_of(self, seg: Segment) -> str:
        return self.view[seg.start:seg.end]

    @cached_property
    def line_by_number(self) -> dict[int, Segment]:
        return {line.line: line for line in self.lines}

    @cached_property
    def sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def scan_cues(self, cue_sets: tuple[tuple[str, ...], ...]) -> None:
        """Find the sentences of every cue set in one Aho-Corasick pass over the page (instead
        of one pass per set); `sentences_with` then answers for these sets from memory. The
        answers are the same: every occurrence of every cue is reported, and each counts for
        the sets that hold that cue."""
        cue_sets = tuple(c for c in cue_sets if c)
        if not cue_sets:
            return
        automaton, members, alphabet = cue_sets_automaton(cue_sets)
        # The cues' matches are the same in the view with every character that no cue holds
        # replaced by `MASK` (same offsets), which the automaton walks 1.5x as fast.
        codes = self._codes
        masked = np.where(alphabet[codes], codes, ord(MASK)).astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")
        found: list[set[int]] = [set() for _ in cue_sets]
        starts = self.sentence_starts
        sentences = self.sentences
        lo = hi = -1  # the sentence of the last hit ...
        k = done = 0  # ... and the sets it is already counted for
        for end, (length, mask) in automaton.iter(masked):
            start = end - length + 1
            if lo <= start < hi:
                if not mask & ~done:
                    continue
            else:
                k = bisect_right(starts, start) - 1
                if k < 0 or sentences[k].end <= start:
                    continue
                lo, hi = sentences[k].start, sentences[k].end
                done = 0
            for i in members(mask & ~done):
                found[i].add(k)
            done |= mask
        self.__dict__["_cue_sentences"] = {cues: sorted(hits) for cues, hits in zip(cue_sets, found)}

    def sentences_with(self, cues: tuple[str, ...]) -> list[int]:
        """Indexes of the sentences whose view contains one of the literal `cues` (one
        Aho-Corasick pass over the page, or none when `scan_cues` covered them; rules then
        run their full pattern on these only)."""
        scanned = self.__dict__.get("_cue_sentences")
        if scanned is not None and cues in scanned:
            return list(scanned[cues])
        starts = self.sentence_starts
        sentences = self.sentences
        hits: set[int] = set()
        lo = hi = -1  # the sentence of the last hit: further cues inside it change nothing
        for end, length in cue_automaton(cues).iter(self.view):
            start = end - length + 1
            if lo <= start < hi:
                continue
            k = bisect_right(starts, start) - 1
            if k >= 0 and sentences[k].end > start:
                hits.add(k)
                lo, hi = sentences[k].start, sentences[k].end
        return sorted(hits)

    def starts_with(self, cues: tuple[str, ...]) -> frozenset[int]:
        """Start offsets of the sentences containing a cue (cached per page and cue set)."""
        cache = self.__dict__.setdefault("_starts_cache", {})
        if cues not in cache:
            cache[cues] = frozenset(self.sentences[k].start for k in self.sentences_with(cues))
        return cache[cues]

    def spans_with(self, cues: tuple[str, ...]) -> list[tuple[int, int]]:
        """(start, end) of the sentences containing a cue, for span rules."""
        return [(self.sentences[k].start, self.sentences[k].end) for k in self.sentences_with(cues)]

    @cached_property
    def _codes(self) -> np.ndarray:
        """The view's code points (one per character)."""
        return np.frombuffer(self.view.encode("utf-32-le", "surrogatepass"), dtype="<u4")

    @cached_property
    def _source_codes(self) -> np.ndarray:
        """The source's code points (one per character), for the running counts."""
        return np.frombuffer(self.source.encode("utf-32-le", "surrogatepass"), dtype="<u4")

    def han_count(self, start: int, end: int) -> int:
        """`han_count(self.source[start:end])`, from a running count over the page: rules ask
        it of most sentences (``page.han_count(seg.start, seg.end)``)."""
        return self._han_running.item(end) - self._han_running.item(start)

    def word_count(self, start: int, end: int) -> int:
        """`word_count(self.source[start:end])` (CJK characters), from a running count."""
        return self._cjk_running.item(end) - self._cjk_running.item(start)

    def visible_count(self, start: int, end: int) -> int:
        """`visible_count(self.source[start:end])` (non-whitespace), from a running count."""
        return end - start - (self._space_running.item(end) - self._space_running.item(start))

    @cached_property
    def _han_running(self) -> np.ndarray:
        return self._running(_HAN_RUN)

    @cached_property
    def _cjk_running(self) -> np.ndarray:
        return self._running(_CJK_RUN)

    @cached_property
    def _space_running(self) -> np.ndarray:
        return self._running(_SPACE)

    def _running(self, run: regex.Pattern) -> np.ndarray:
        """How many characters of the source before each offset are in one of `run`'s runs
        (its character class: one lookup per character)."""
        codes = self._source_codes
        running = np.zeros(len(codes) + 1, dtype=np.int32)  # half the memory of int64 (a 10 MB line needs 40 MB)
        np.cumsum(class_table(run)[codes], dtype=np.int32, out=running[1:])
        return running

    def contacts(self, start: int, end: int) -> tuple[Contact, ...]:
        """`find_contacts(self.view, start, end)`, kept for the page (the hotline and
        off-topic rules ask it of the same sentences)."""
        cache = self.__dict__.setdefault("_contacts_cache", {})
        if (start, end) not in cache:
            found = span_contacts(self.view[start:end], self.view[max(0, start - CONTACT_LOOKBEHIND):start])
            cache[start, end] = tuple(Contact(start + c.start, start + c.end, c.kind, c.text) for c in found)
        return cache[start, end]

    def counts_of(self, chars: str) -> np.ndarray:
        """For each sentence, how many of its characters are one of `chars` (the sum of
        ``view_of(s).count(c)`` over the distinct characters c; vectorized, for cheap
        candidate bounds)."""
        cache = self.__dict__.setdefault("_counts_cache", {})
        if chars not in cache:
            marks = np.flatnonzero(char_table(chars)[self._codes])
            starts, ends = self._sentence_bounds
            cache[chars] = np.searchsorted(marks, ends) - np.searchsorted(marks, starts)
        return cache[chars]

    @cached_property
    def sentence_lengths(self) -> np.ndarray:
        """Each sentence's length in characters, as an array."""
        starts, ends = self._sentence_bounds
        return ends - starts

    @cached_property
    def sentence_han(self) -> np.ndarray:
        """Each sentence's `han_count`, as an array."""
        starts, ends = self._sentence_bounds
        return self._han_running[ends] - self._han_running[starts]

    @cached_property
    def sentence_words(self) -> np.ndarray:
        """Each sentence's `word_count` (CJK characters), as an array."""
        starts, ends = self._sentence_bounds
        return self._cjk_running[ends] - self._cjk_running[starts]

    @cached_property
    def _sentence_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """The sentences' start and end offsets, as arrays."""
        return (np.array(self.sentence_starts, dtype=np.int64),
                np.array([s.end for s in self.sentences], dtype=np.int64))

    def sentences_hit(self, pattern: regex.Pattern) -> set[int]:
        """Indexes of the sentences in which `pattern` matches the view (one scan of the page:
        segment rules with a `trigger` are only asked about these)."""
        hits: set[int] = set()
        starts = self.sentence_starts
        sentences = self.sentences
        view = self.view
        pos = 0
        while (m := pattern.search(view, pos)) is not None:
            k = bisect_right(starts, m.start()) - 1
            pos = max(m.end(), m.start() + 1)
            while 0 <= k < len(sentences) and sentences[k].start < m.end():
                if sentences[k].end > m.start():
                    hits.add(k)
                    pos = max(pos, sentences[k].end)  # one hit per sentence is enough
                k += 1
        return hits

    @cached_property
    def fenced_lines(self) -> frozenset[int]:
        """Numbers of the lines inside a markdown code fence (between two '```' lines): a
        program, a command session or a disassembly, whose words and digits are the article's
        (an unclosed fence runs to the end of the page). A fence around a sentence of prose
        ("…更好的因素之外，配置简单也是优点之一。") is a stray mark, and its lines are not code."""
        fenced: set[int] = set()
        run: list[int] | None = None
        prose = False
        for line in self.lines + [None]:
            if line is None or line.text.lstrip().startswith("```"):
                if run is not None and not prose:
                    fenced.update(run)
                run, prose = (None, False) if run is not None or line is None else ([], False)
            elif run is not None:
                run.append(line.line)
                prose = prose or _FENCED_PROSE.search(line.text) is not None
        return frozenset(fenced)

    @cached_property
    def is_flat(self) -> bool:
        """True for pages that lost their line breaks (one or two very long lines)."""
        return len(self.lines) <= 2 and len(self.source) > 300


def han_count(text: str) -> int:
    return sum(map(len, _HAN_RUN.findall(text)))


_HIRAGANA_RUN = regex.compile(r"\p{Hiragana}+")


def hiragana_count(text: str) -> int:
    return sum(map(len, _HIRAGANA_RUN.findall(text)))


def word_count(text: str) -> int:
    """Number of CJK characters (Han, kana, Hangul)."""
    return sum(map(len, _CJK_RUN.findall(text)))  # runs, not one match per character: 2x faster


def visible_count(text: str) -> int:
    """Number of non-whitespace characters."""
    return len(text) - sum(len(m) for m in _SPACE.findall(text))


def ends_sentence(text: str) -> bool:
    """True when the text ends with terminal punctuation (closing quotes allowed)."""
    stripped = text.rstrip(CLOSERS + " ")
    return bool(stripped) and stripped[-1] in TERMINAL


#: A clause break inside a sentence (a comma or a semicolon).
CLAUSE_MARK = regex.compile(r"[，,；;]")


def reads_as_prose(text: str, min_han: int, *, ends: bool = True) -> bool:
    """Does `text`, what is left of a segment once the junk glued to it goes (a page that lost
    its line breaks: "首页 > 新闻 > 正文专家表示，…。"), read as a sentence of prose: `min_han` Han
    characters or more, a clause break, and (with `ends`) the end of a sentence?"""
    return (han_count(text) >= min_han and CLAUSE_MARK.search(text) is not None
            and (not ends or ends_sentence(text)))


class SegmentRule(Protocol):
    code: ClassVar[str]
    strength: ClassVar[str]
    #: When set, `check` is only called on sentences where this pattern matches the view.
    trigger: ClassVar[regex.Pattern | None]
    #: Optional, and preferred to `trigger` where the rule's matches always contain one of a
    #: few literal strings: `check` is only called on sentences that contain a cue (one
    #: Aho-Corasick pass over the page for all of them).
    # cues: ClassVar[tuple[str, ...]]
    #: Optional, any rule: ``cue_sets``, the cue tuples it asks `Page.sentences_with` (or
    #: `starts_with`, `spans_with`) about; the cleaner finds them all in one scan of the page.
    #: Optional, for rules with neither: ``candidates(page) -> list[int]``, the indexes of the
    #: sentences that pass a cheap necessary condition of `check` (a length bound); `check`
    #: is only called on these.
    #: Optional, default False: ``local``, True when `check`'s answer depends on the sentence
    #: alone: on ``seg.text``, ``page.view_of(seg)`` and the page's counts over
    #: ``[seg.start, seg.end)`` (`han_count`, `word_count`, `visible_count`), the removal
    #: covering ``[seg.start, seg.end)`` or offsets relative to ``seg.start``. The cleaner then
    #: reuses the answer for every later sentence of the same text and view, on any page and
    #: in the fixpoint's later passes (most of pass 2's sentences are pass 1's). A rule that reads
    #: anything else of the page (``seg.line``, neighbouring sentences or lines,
    #: `starts_with`, `contacts` or a pattern run on ``page.view`` with ``pos``/``endpos``
    #: (its lookbehinds see before the sentence), page-wide caches, ``title``, ``is_flat``)
    #: must leave it False, or name what else it reads in ``local_key(seg, page) -> hashable``
    #: (a few flags: is the sentence a whole line, does its line look like a table row), which
    #: the cleaner adds to the memo's key. `tests/test_local_rules.py` checks that each local
    #: rule answers the same for a sentence (of the same `local_key`) on different pages.
    # local: ClassVar[bool]

    def check(self, seg: Segment, page: Page) -> Removal | None: ...


class PageRule(Protocol):
    code: ClassVar[str]
    strength: ClassVar[str]

    def judge(self, page: Page, removals: list[Removal]) -> Removal | None: ...


class SpanRule(Protocol):
    code: ClassVar[str]
    strength: ClassVar[str]

    def find(self, page: Page) -> Iterable[Removal]: ...
