"""Document filters: decide, on the cleaned text of a page, whether the page is worth keeping.

Each filter is a frozen dataclass: its fields are thresholds, `code` names the reason
(``doc.*``), `measure` computes one number from `DocText` and `check` compares it with the
threshold and returns a `Removal` over the whole page (detail: the measured value and the
threshold) or None. Every page gets every measurement (kept in ``zhclean.quality``), so a
threshold can be tuned from the output without re-running.

Measurements count characters, never `split()` words: Chinese has no spaces. Defaults follow
the Chinese settings of peer pipelines; each docstring names its source:
CWT = ChineseWebText/EvalWeb `preprocess.py` (CASIA-LM, aa459c4), FW2 = FineWeb-2
`configs/cmn_Hani.yml` (huggingface/fineweb-2, d0defb2), MN = MAP-NEO Matrix
`chinese_data_clean_pipeline/filter.py` (81f3cad).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, ClassVar, Protocol

import numpy as np

from zhclean.config import FilterConfig
from zhclean.document import Removal

#: Line endings that count as terminal punctuation (full-width and ASCII, closing quotes).
TERMINAL_PUNCT = frozenset("。！？…；.!?;”」』\"'）)")
#: Marks that end a sentence inside a line.
SENTENCE_ENDS = "。！？!?"


class DocText:
    """The cleaned text of one page, with the views the filters measure (computed lazily,
    once each)."""

    def __init__(self, text: str, removed_share: float = 0.0):
        self.text = text
        self.removed_share = removed_share

    @cached_property
    def lines(self) -> list[str]:
        return [line for line in map(str.strip, self.text.split("\n")) if line]

    @cached_property
    def _all_codepoints(self) -> np.ndarray:
        return np.frombuffer(self.text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)

    @cached_property
    def codepoints(self) -> np.ndarray:
        """Code points of the non-space characters (`str.isspace`, what `str.split` drops)."""
        cps = self._all_codepoints
        return cps[~_char_classes()[0][cps]]

    @cached_property
    def word_codepoints(self) -> np.ndarray:
        """Code points of the letters, digits and Han characters (`str.isalnum`, what n-grams
        are made of: a run of ``-----`` or ``……`` is layout, not repeated content)."""
        cps = self._all_codepoints
        return cps[_char_classes()[1][cps]]

    def ngram_hashes(self, n: int) -> np.ndarray:
        """A 64-bit polynomial hash of every character n-gram (of `word_codepoints`),
        built by doubling (H[a+b] = H[a] * M**b + H[b] shifted by a) and cached, so the
        2/3/4/13-gram filters share the work."""
        if n in self._hashes:
            return self._hashes[n]
        length = len(self.word_codepoints) - n + 1
        if length <= 0:
            h = np.empty(0, dtype=np.uint64)
        elif n == 1:
            h = self.word_codepoints.astype(np.uint64) + np.uint64(1)
        else:
            a = 1 << (n.bit_length() - 1)
            a = a // 2 if a == n else a
            b = n - a
            h = self.ngram_hashes(a)[:length] * _POWERS[b] + self.ngram_hashes(b)[a:a + length]
        self._hashes[n] = h
        return h

    @cached_property
    def _hashes(self) -> dict[int, np.ndarray]:
        return {}


@lru_cache(maxsize=1)
def _char_classes() -> tuple[np.ndarray, np.ndarray]:
    """Two lookup tables over every code point: is it a space (`str.isspace`), is it a
    letter or digit (`str.isalnum`). Built once per process (~0.3 s); a page is then
    classified with one numpy take instead of a regex or split pass."""
    # (generators, not a list of the 1.1 M characters: that list alone held ~60 MB at once)
    space = np.fromiter((chr(c).isspace() for c in range(0x110000)), dtype=bool, count=0x110000)
    word = np.fromiter((chr(c).isalnum() for c in range(0x110000)), dtype=bool, count=0x110000)
    return space, word


_MULT = 0x100000001B3
_POWERS = [np.uint64(pow(_MULT, k, 1 << 64)) for k in range(64)]


#: Most buckets `repeated_values` counts in (int64 each: 32 MB): on a long page the table would
#: otherwise take 128-256 bytes per character; more values then share a bucket and are sorted,
#: with the same result.
MAX_BUCKETS = 1 << 22


def repeated_values(values: np.ndarray) -> np.ndarray:
    """True where the value occurs more than once in `values` (uint64 hashes). Buckets the
    values in a table 16x their number first (at most `MAX_BUCKETS`); only values sharing a
    bucket are sorted."""
    n = len(values)
    size = min(1 << (16 * n).bit_length(), MAX_BUCKETS)
    bucket = ((values ^ (values >> np.uint64(31))) & np.uint64(size - 1)).astype(np.int64)
    maybe = np.bincount(bucket, minlength=size)[bucket] > 1
    out = np.zeros(n, dtype=bool)
    idx = np.flatnonzero(maybe)
    if len(idx):
        order = np.argsort(values[idx])
        ordered = values[idx][order]
        same = ordered[1:] == ordered[:-1]
        rep = np.zeros(len(idx), dtype=bool)
        rep[1:] |= same
        rep[:-1] |= same
        out[idx[order]] = rep
    return out


class DocumentFilter(Protocol):
    code: ClassVar[str]

    @property
    def feature(self) -> str: ...

    def measure(self, doc: DocText) -> float: ...

    def check(self, doc: DocText, value: float) -> Removal | None: ...


def _reject(doc: DocText, code: str, feature: str, value: float, threshold: float,
            **extra: Any) -> Removal:
    return Removal(0, len(doc.text), code,
                   {"feature": feature, "value": round(value, 4), "threshold": threshold, **extra})


@dataclass(frozen=True)
class TooShort:
    """Fewer than `min_chars` non-space characters left after cleaning.
    Catches: doorway pages, stubs (a headline alone, one line), what is left of a spam page.
    Must keep: a complete short news story of a few sentences (120-200 characters).
    Source: measured, not borrowed (CWT's 200 rejected complete short stories).
    `bench/too_short.py` cleans the labelled TRAIN pages of ../shared/data/dev (373: 359
    genuine, 14 all-spam) and counts the pages each value rejects. Genuine pages rejected:
    20 -> 5, 50 -> 18, 80 -> 33, 100 -> 37, 150 -> 39, 200 -> 43; all-spam leftovers caught:
    3, 4, 6, 6, 6, 6 (none of them has more than 75 characters left, and no page of either kind
    lies between 76 and 89). 80 is the lowest round value that catches every leftover 200
    caught; the genuine pages it rejects are stubs (31 of the 33 have under 80 characters
    of gold text)."""

    code: ClassVar[str] = "doc.too_short"
    feature: ClassVar[str] = "chars"
    min_chars: int = 80

    def measure(self, doc: DocText) -> float:
        return float(len(doc.codepoints))

    def check(self, doc: DocText, value: float) -> Removal | None:
        if value < self.min_chars:
            return _reject(doc, self.code, self.feature, value, self.min_chars)
        return None


@dataclass(frozen=True)
class LowHanShare:
    """Han characters are less than `min_share` of the non-space characters.
    Catches: code, tables of numbers, English or other-language pages, encoding debris.
    Must keep: a Chinese article with some English terms and numbers.
    Source: CWT drops pages whose `[\\u4e00-\\u9fa5]` share is < 0.30."""

    code: ClassVar[str] = "doc.low_han_share"
    feature: ClassVar[str] = "han_share"
    min_share: float = 0.30

    def measure(self, doc: DocText) -> float:
        cps = doc.codepoints
        if not len(cps):
            return 0.0
        han = ((cps >= 0x4E00) & (cps <= 0x9FFF)) | ((cps >= 0x3400) & (cps <= 0x4DBF))
        return float(han.mean())

    def check(self, doc: DocText, value: float) -> Removal | None:
        if value < self.min_share:
            return _reject(doc, self.code, self.feature, value, self.min_share)
        return None


@dataclass(frozen=True)
class FewTerminalPunct:
    """Less than `min_share` of the lines end in terminal punctuation (。！？… and ASCII).
    A line holding two or more sentence ends (。！？!?) counts as punctuated too: scraped
    Chinese pages often lost their line breaks, and one long line of prose cut off mid
    sentence is still prose. Catches: keyword lists, menus, listings that survived cleaning.
    Must keep: articles with headings and short captions (the threshold is low on purpose);
    flattened articles. Source: FW2 FineWeb quality filter, `line_punct_thr` 0.106 for
    cmn_Hani (the two-sentence rule is ours)."""

    code: ClassVar[str] = "doc.few_terminal_punct"
    feature: ClassVar[str] = "terminal_punct_share"
    min_share: float = 0.106

    def measure(self, doc: DocText) -> float:
        if not doc.lines:
            return 0.0
        return sum(1 for line in doc.lines if _punctuated(line)) / len(doc.lines)

    def check(self, doc: DocText, value: float) -> Removal | None:
        if value < self.min_share:
            return _reject(doc, self.code, self.feature, value, self.min_share)
        return None


def _punctuated(line: str) -> bool:
    if line[-1] in TERMINAL_PUNCT:
        return True
    return sum(line.count(c) for c in SENTENCE_ENDS) >= 2


@dataclass(frozen=True)
class DuplicatedLines:
    """More than `max_share` of the lines repeat an earlier line of the same page.
    Catches: templated spam repeated down a page, scraped pagination repeats.
    Must keep: an article with a repeated short refrain or a repeated Q/A label.
    Source: FW2 Gopher repetition filter, `dup_line_frac` 0.287 for cmn_Hani."""

    code: ClassVar[str] = "doc.duplicated_lines"
    feature: ClassVar[str] = "duplicated_line_share"
    max_share: float = 0.287

    def measure(self, doc: DocText) -> float:
        if not doc.lines:
            return 0.0
        return 1.0 - len(set(doc.lines)) / len(doc.lines)

    def check(self, doc: DocText, value: float) -> Removal | None:
        if value > self.max_share:
            return _reject(doc, self.code, self.feature, value, self.max_share)
        return None


@dataclass(frozen=True)
class TopNgram:
    """The most frequent character n-gram covers more than `max_share` of the characters
    (count x n / letters, digits and Han characters; punctuation and symbols are not counted,
    so a ``------`` separator is not "repetition"). Catches: keyword stuffing (one brand name repeated).
    Must keep: a normal article, where the top bigram (的是, 我们) stays under 5 %.
    Source: MN `filter.py`, top 2/3/4-character n-gram share 0.20/0.18/0.16."""

    code: ClassVar[str] = "doc.top_ngram"
    n: int = 2
    max_share: float = 0.20

    @property
    def feature(self) -> str:
        return f"top_{self.n}gram_share"

    def measure(self, doc: DocText) -> float:
        hashes = doc.ngram_hashes(self.n)
        if len(hashes) < 2:
            return 0.0
        ordered = np.sort(hashes)
        ends = np.flatnonzero(ordered[1:] != ordered[:-1])
        top = int(np.diff(np.concatenate(([-1], ends, [len(ordered) - 1]))).max())
        return top * self.n / len(doc.word_codepoints) if top > 1 else 0.0

    def check(self, doc: DocText, value: float) -> Removal | None:
        if value > self.max_share:
            return _reject(doc, self.code, self.feature, value, self.max_share, n=self.n)
        return None


@dataclass(frozen=True)
class RepeatedNgrams:
    """Characters (letters, digits, Han) covered by `n`-grams that occur more than once
    exceed `max_share`.
    Catches: pages made of the same paragraph pasted again and again.
    Must keep: an article quoting one sentence twice.
    Source: CWT drops pages where repeated character 13-grams make up > 50 %."""

    code: ClassVar[str] = "doc.repeated_ngrams"
    n: int = 13
    max_share: float = 0.5

    @property
    def feature(self) -> str:
        return f"repeated_{self.n}gram_share"

    def measure(self, doc: DocText) -> float:
        hashes = doc.ngram_hashes(self.n)
        if len(hashes) < 2:
            return 0.0
        starts = repeated_values(hashes)
        if not starts.any():
            return 0.0
        # A character is covered when a repeated n-gram starts in the n positions ending at it.
        cs = np.concatenate(([0], np.cumsum(starts)))
        pos = np.arange(len(doc.word_codepoints))
        hi = np.minimum(pos, len(starts) - 1) + 1
        lo = np.maximum(pos - self.n + 1, 0)
        covered = cs[hi] - cs[np.minimum(lo, hi)] > 0
        return float(covered.mean())

    def check(self, doc: DocText, value: float) -> Removal | None:
        if value > self.max_share:
            return _reject(doc, self.code, self.feature, value, self.max_share, n=self.n)
        return None


@dataclass(frozen=True)
class MostlyJunk:
    """Opt-in: the cleaner removed more than `max_share` of the page. Off by default: a
    spam-wrapped page whose genuine article survives cleaning is kept (the article is the
    point of span cleaning). Turn it on to drop pages from spam sites altogether."""

    code: ClassVar[str] = "doc.mostly_junk"
    feature: ClassVar[str] = "removed_share"
    max_share: float = 1.0

    def measure(self, doc: DocText) -> float:
        return doc.removed_share

    def check(self, doc: DocText, value: float) -> Removal | None:
        if value > self.max_share:
            return _reject(doc, self.code, self.feature, value, self.max_share)
        return None


#: Every document filter, in the order they are checked (one line per filter).
CATALOGUE = (
    TooShort,
    LowHanShare,
    FewTerminalPunct,
    DuplicatedLines,
    TopNgram,
    RepeatedNgrams,
    MostlyJunk,
)


def build_filters(config: FilterConfig) -> tuple[DocumentFilter, ...]:
    """The filters a config switches on, in the order they are checked."""
    if not config.enabled:
        return ()
    filters: list[DocumentFilter] = []
    if config.min_chars:
        filters.append(TooShort(config.min_chars))
    if config.min_han_share:
        filters.append(LowHanShare(config.min_han_share))
    if config.min_terminal_punct_share:
        filters.append(FewTerminalPunct(config.min_terminal_punct_share))
    if config.max_duplicated_line_share:
        filters.append(DuplicatedLines(config.max_duplicated_line_share))
    for n, share in enumerate(config.max_top_ngram_share, start=2):
        if share:
            filters.append(TopNgram(n, share))
    if config.max_repeated_13gram_share:
        filters.append(RepeatedNgrams(13, config.max_repeated_13gram_share))
    if config.max_removed_share is not None:
        filters.append(MostlyJunk(config.max_removed_share))
    return tuple(filters)


class DocumentFilters:
    """Measure a page with every filter, then reject it for the first that fails."""

    def __init__(self, config: FilterConfig | None = None):
        self.filters = build_filters(config or FilterConfig())

    def __call__(self, text: str, removed_share: float = 0.0) -> tuple[dict[str, float], Removal | None]:
        doc = DocText(text, removed_share)
        features: dict[str, float] = {"removed_share": round(removed_share, 4)}
        rejection = None
        for f in self.filters:
            value = f.measure(doc)
            features[f.feature] = round(value, 4)
            if rejection is None:
                rejection = f.check(doc, value)
        return features, rejection
