"""What the junk model sees of each unit (a sentence or clause of the page), computed in one
array pass per page.

A page's units are the cleaner's sentences (`Page.sentences`). For each unit the model gets:

* **rule evidence**: for every reason code, the share of the unit's characters that the rules
  removed with it, before the context decisions (`hard`, and the soft hits) and after them
  (`decided`): each rule is a feature, not only a verdict;
* **shape**: length, the shares of Han, digits, Latin letters, punctuation and function
  characters, how it ends and starts, whether it is a whole line, where it sits on the page,
  how often its text recurs on the page, how much of it the page's title covers, the share of
  its Han characters that are place names (the gazetteer);
* **page**: length, lines, whether it lost its line breaks, the share the rules removed;
  and two signals only the page judgement reads (`page_signals`): how much of its headline the
  body repeats, and how much consecutive stretches of the body share their words;
* **lexical**: hashed character bigrams and trigrams of its matching view (digits folded to
  ``0``), each weighted 1/sqrt(number of n-grams in the unit).

The dense part is a float32 matrix (`DENSE_NAMES` names its columns); the lexical part is
given as hash buckets per position of the page, so a linear model scores every unit from one
running sum (`unit_sums`) and training builds a sparse matrix from the same hashes
(`gram_rows`).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np
import regex

from zhclean.document import Removal
from zhclean.resources import division_automaton
from zhclean.rules.base import Page
from zhclean.rules.cues import char_table, class_table

#: Hash buckets of the n-gram features (2**18: a 1 MB float32 weight vector per class).
HASH_BITS = 18

_DIGIT = regex.compile(r"\p{Nd}+")
_LATIN = regex.compile(r"[A-Za-z]+")
_PUNCT = regex.compile(r"[\p{P}\p{S}]+")
_SPACE = regex.compile(r"\s+")
_HAN = regex.compile(r"\p{Han}+")
TERMINAL_CHARS = "。！？!?…；;"
_CLOSERS = "”’」』\"')）]】"
FUNCTION_CHARS = "的了是在和与就都也很我你他她它们这那有说着过吧呢吗啊而被把对从向为以于及"
CLAUSE_CHARS = "，,、"
COLON_CHARS = "：:"
BRACKET_OPEN = "【[〖《(（"
PIPE_CHARS = "|｜/>＞»·•"

SHAPE_NAMES = (
    "log_chars", "han_share", "digit_share", "latin_share", "punct_share", "space_share",
    "function_share", "clause_per_han", "ends_terminal", "ends_colon", "ends_closer",
    "starts_bracket", "pipe_share", "has_colon", "whole_line", "log_units_in_line",
    "position", "log_index", "log_index_from_end", "log_repeats_on_page", "title_cover",
    "equals_title", "place_share", "url_like", "long_digits", "markdown_mark",
    "prev_overlap", "next_overlap", "elsewhere_share", "repeated_4grams",
)
PAGE_NAMES = ("page_log_chars", "page_log_lines", "page_flat", "page_rules_removed",
              "page_rules_spam", "page_has_title")


def evidence_names(codes: Sequence[str]) -> tuple[str, ...]:
    """Column names of the rule evidence for these reason codes."""
    return tuple(f"hard:{c}" for c in codes) + tuple(f"decided:{c}" for c in codes) + ("soft",)


def dense_names(codes: Sequence[str]) -> tuple[str, ...]:
    return SHAPE_NAMES + PAGE_NAMES + evidence_names(codes)


@dataclass(frozen=True)
class Units:
    """The units of one page and their features."""

    starts: np.ndarray  # int64, offsets into page.source
    ends: np.ndarray
    lines: np.ndarray   # int64, line number of each unit
    dense: np.ndarray   # float32 [units, len(dense_names(codes))]
    grams: np.ndarray   # uint32 [2, len(source)]: bigram and trigram bucket starting at each offset
    edges: np.ndarray   # uint32 [units, 4]: buckets of the first and last two and three characters
    title: np.ndarray   # uint32 [k]: buckets of the page title's bigrams and trigrams
    signals: np.ndarray  # float64 [len(SIGNAL_NAMES)]: the page's signals (`page_signals`)

    def __len__(self) -> int:
        return len(self.starts)

    def subset(self, which: np.ndarray) -> "Units":
        """The units picked by `which` (a boolean mask or indexes), on the same page."""
        return Units(self.starts[which], self.ends[which], self.lines[which], self.dense[which], self.grams,
                     self.edges[which], self.title, self.signals)


def unit_features(page: Page, codes: Sequence[str], hard: Iterable[Removal] = (),
                  soft: Iterable[Removal] = (), decided: Iterable[Removal] = ()) -> Units:
    """The features of every sentence of `page` (see the module docstring). `hard`, `soft`
    and `decided` are the rules' removals before and after the context decisions."""
    sentences = page.sentences
    starts, ends = page._sentence_bounds  # (the rules' candidate bounds: often built already)
    lines = np.fromiter((s.line for s in sentences), dtype=np.int64, count=len(sentences))
    bits = _class_table()[page._codes]  # each character's classes (`_CLASSES`)
    han_bigrams = _gram_ids(page._codes, 2, _in_class(bits, "han"))
    shape = _shape(page, bits, starts, ends, lines, han_bigrams)
    code_index = {c: i for i, c in enumerate(codes)}
    k = len(codes)
    decided = list(decided)
    # (start, end, column) of each removal: the hard and decided ones by code, the soft ones in one column
    spans = [(r.start, r.end, code_index[r.code]) for r in hard if r.code in code_index]
    spans += [(r.start, r.end, k + code_index[r.code]) for r in decided if r.code in code_index]
    spans += [(r.start, r.end, 2 * k) for r in soft]
    evid = _cover(spans, starts, ends, 2 * k + 1)
    sizes = np.maximum(ends - starts, 1).astype(np.float32)
    evid /= sizes[:, None]
    np.minimum(evid, 1.0, out=evid)
    # (filled in place: the parts are float32 already, and the page's columns one row for all)
    dense = np.empty((len(starts), shape.shape[1] + len(PAGE_NAMES) + evid.shape[1]), dtype=np.float32)
    dense[:, :shape.shape[1]] = shape
    dense[:, shape.shape[1]:shape.shape[1] + len(PAGE_NAMES)] = _page_columns(page, decided)
    dense[:, shape.shape[1] + len(PAGE_NAMES):] = evid
    # (digits fold to '0' as in `gram_buckets`, from the bits: no second table)
    grams = _gram_buckets(np.where(_in_class(bits, "digit"), ord("0"), page._codes))
    return Units(starts, ends, lines, dense, grams, edge_buckets(grams, starts, ends),
                 title_buckets(page.title), page_signals(page, han_bigrams))


def visible_sizes(page: Page, units: Units) -> np.ndarray:
    """Each unit's visible (non-whitespace) characters."""
    running = page._space_running
    return (units.ends - units.starts) - (running[units.ends] - running[units.starts])


def expand_ranges(first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """int: ``first[i], first[i] + 1, ..., first[i] + count[i] - 1`` for every i, in order
    (the offsets of many ranges in one array: a unit's characters, the units a span reaches)."""
    return np.arange(count.sum()) + np.repeat(first - (np.cumsum(count) - count), count)


def _cover(rows: list[tuple[int, int, int]], starts: np.ndarray, ends: np.ndarray, columns: int) -> np.ndarray:
    """float32 [units, columns]: at ``[unit, column]``, the characters of each unit that the
    spans ``(start, end, column)`` of that column cover (whole numbers, exact in float32)."""
    out = np.zeros((len(starts), columns), dtype=np.float32)
    if not rows or not len(starts):
        return out
    spans = np.array(rows, dtype=np.int64)
    lo = np.searchsorted(ends, spans[:, 0], side="right")
    hi = np.searchsorted(starts, spans[:, 1], side="left")
    count = np.maximum(hi - lo, 0)
    if not count.sum():
        return out
    # one (removal, unit) pair per unit a removal reaches
    which = np.repeat(np.arange(len(spans)), count)
    unit = expand_ranges(lo, count)
    overlap = np.minimum(spans[which, 1], ends[unit]) - np.maximum(spans[which, 0], starts[unit])
    keep = overlap > 0
    return np.bincount(unit[keep] * columns + spans[which[keep], 2], weights=overlap[keep],
                       minlength=out.size).reshape(out.shape).astype(np.float32)


def _range_sums(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """int64: the sum of `values` (integers, along their last axis) over each range
    [start, end); the ranges are in order and do not overlap (a unit's characters, or a part
    of them). One `reduceat` over the ranges' bounds: a running sum over the whole page
    costs several times more."""
    out = np.zeros(values.shape[:-1] + (len(starts),), dtype=np.int64)
    some = ends > starts  # (reduceat answers values[start] for an empty range)
    if some.any():
        bounds = np.empty(2 * int(some.sum()), dtype=np.intp)
        bounds[0::2] = starts[some]
        bounds[1::2] = ends[some]
        # reduceat's last range runs to the end; only the last range can end there
        out[..., some] = np.add.reduceat(values, bounds[:-1] if bounds[-1] >= values.shape[-1] else bounds,
                                         axis=-1, dtype=np.int64)[..., 0::2]
    return out


def _shape(page: Page, bits: np.ndarray, starts: np.ndarray, ends: np.ndarray, lines: np.ndarray,
           han_bigrams: np.ndarray) -> np.ndarray:
    n = len(starts)
    out = np.zeros((n, len(SHAPE_NAMES)), dtype=np.float32)
    if not n:
        return out
    codes = page._codes  # the matching view's code points
    size = (ends - starts).astype(np.float64)
    counts = _class_counts(bits, starts, ends)
    visible = size - counts["space"]
    vis = np.maximum(visible, 1)
    han = counts["han"]
    col = {name: i for i, name in enumerate(SHAPE_NAMES)}
    out[:, col["log_chars"]] = np.log1p(visible)
    out[:, col["han_share"]] = han / vis
    out[:, col["digit_share"]] = counts["digit"] / vis
    out[:, col["latin_share"]] = counts["latin"] / vis
    out[:, col["punct_share"]] = counts["punct"] / vis
    out[:, col["space_share"]] = counts["space"] / np.maximum(size, 1)
    out[:, col["function_share"]] = counts["function"] / np.maximum(han, 1)
    out[:, col["clause_per_han"]] = counts["clause"] / np.maximum(han, 1)
    out[:, col["pipe_share"]] = counts["pipe"] / vis
    out[:, col["has_colon"]] = counts["colon"] > 0
    last = codes[ends - 1]
    # the last character before closing quotes and brackets
    closer = char_table(_CLOSERS)
    before = np.maximum(ends - 2, starts)
    stripped_last = np.where(closer[last], codes[before], last)
    out[:, col["ends_terminal"]] = char_table(TERMINAL_CHARS)[stripped_last]
    out[:, col["ends_colon"]] = char_table(COLON_CHARS)[last]
    out[:, col["ends_closer"]] = closer[last]
    out[:, col["starts_bracket"]] = char_table(BRACKET_OPEN)[codes[starts]]
    out[:, col["markdown_mark"]] = char_table("#!*>-")[codes[starts]]
    # a unit is a whole line when it is its line's only unit
    # (same[k]: unit k is on the line of unit k - 1; False before the first and after the last)
    same = np.zeros(n + 1, dtype=bool)
    np.equal(lines[1:], lines[:-1], out=same[1:-1])
    out[:, col["whole_line"]] = ~(same[:-1] | same[1:])
    # (the units of a line are adjacent: each unit's count is the length of its run of lines,
    # between the bounds where `same` is False, n included)
    bounds = np.flatnonzero(~same)
    per_line = bounds[1:] - bounds[:-1]
    out[:, col["log_units_in_line"]] = np.log(np.repeat(per_line, per_line))
    total = max(len(page.source), 1)
    out[:, col["position"]] = starts / total
    index = np.arange(n)
    out[:, col["log_index"]] = np.log1p(index)
    out[:, col["log_index_from_end"]] = np.log1p(n - 1 - index)
    view = page.view
    texts = [view[s:e] for s, e in zip(starts.tolist(), ends.tolist())]
    seen = Counter(texts)
    out[:, col["log_repeats_on_page"]] = np.log([seen[t] for t in texts])
    if page.title and len(page.title.strip()) >= 2:
        title = _title_view(page.title.strip())
        title_codes = np.frombuffer(title.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        in_title = _bigrams_in(codes, title_codes)
        bigrams = np.maximum(ends - starts - 1, 0)
        # bigrams starting in [start, end - 1)
        out[:, col["title_cover"]] = np.where(bigrams > 0, _range_sums(in_title, starts, np.maximum(ends - 1, starts))
                                              / np.maximum(bigrams, 1), 0.0)
        out[:, col["equals_title"]] = [t == title for t in texts]
    out[:, col["place_share"]] = _place_share(view, counts["list"], starts, ends, han) / np.maximum(han, 1)
    out[:, col["url_like"]] = [("http" in t or "www." in t or ".com" in t or ".cn" in t) for t in texts]
    out[:, col["long_digits"]] = _long_digit_runs(view, starts, ends)
    prev, nxt, elsewhere = _cohesion(han_bigrams, starts, ends, 2)
    out[:, col["prev_overlap"]] = prev
    out[:, col["next_overlap"]] = nxt
    out[:, col["elsewhere_share"]] = elsewhere
    out[:, col["repeated_4grams"]] = _repeated_share(codes, ~_in_class(bits, "space"), starts, ends)
    return out


#: The character classes `_shape` counts in each unit, one bit each (`_class_table`).
_CLASSES = ("space", "han", "digit", "latin", "punct", "function", "clause", "pipe", "colon", "list")
_CLASS_BITS = np.arange(len(_CLASSES), dtype=np.uint16)[:, None]


@lru_cache(maxsize=1)
def _class_table() -> np.ndarray:
    """Code point -> the bits of `_CLASSES` it belongs to."""
    tables = {"space": class_table(_SPACE), "han": class_table(_HAN), "digit": class_table(_DIGIT),
              "latin": class_table(_LATIN), "punct": class_table(_PUNCT), "function": char_table(FUNCTION_CHARS),
              "clause": char_table(CLAUSE_CHARS), "pipe": char_table(PIPE_CHARS), "colon": char_table(COLON_CHARS),
              "list": char_table(LIST_SEPARATORS)}
    out = np.zeros(0x110000, dtype=np.uint16)
    for bit, name in enumerate(_CLASSES):
        out |= tables[name].astype(np.uint16) << bit
    return out


def _in_class(bits: np.ndarray, name: str) -> np.ndarray:
    """bool per character: in class `name` (`bits` from `_class_table`)."""
    return (bits & (1 << _CLASSES.index(name))) != 0


def _class_counts(bits: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> dict[str, np.ndarray]:
    """How many characters of each class (`_CLASSES`) each unit holds, from each character's
    bits (`_class_table`): one sum over the units for all of them (of a [classes, characters]
    matrix: 20 bytes a character, for a moment)."""
    counts = _range_sums((bits >> _CLASS_BITS) & 1, starts, ends).astype(np.float64)
    return dict(zip(_CLASSES, counts))


def _repeated_share(codes: np.ndarray, visible: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                    n: int = 4) -> np.ndarray:
    """For each unit, the share of its n-grams (of `visible` characters) that occur more than
    once on the page (its own repeats included): a paragraph, title or excerpt the page
    carries twice. Counted in hashed buckets (four per character of the page, up to 2**22),
    without sorting."""
    ids = _gram_ids(codes, n, visible)
    ok = ids >= 0
    bits = min(max(int(len(codes)).bit_length() + 2, 10), 22)
    buckets = ((ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - bits)).astype(np.int64)
    counts = np.bincount(buckets[ok], minlength=1 << bits)
    repeated = ok & (counts[buckets] > 1)
    last = np.maximum(ends - n + 1, starts)  # n-grams starting in [start, end - n + 1)
    grams, repeats = _range_sums(np.stack((ok, repeated)), starts, last)  # (one reduceat for both)
    return np.where(grams > 0, repeats / np.maximum(grams, 1), 0.0)


def _gram_ids(codes: np.ndarray, n: int, allowed: np.ndarray) -> np.ndarray:
    """int64 id of the n-gram starting at each offset, or -1 where it does not lie wholly in
    `allowed` characters (or runs past the end)."""
    size = len(codes)
    ids = np.full(size, -1, dtype=np.int64)
    if size < n:
        return ids
    k = size - n + 1
    h = codes[:k].astype(np.int64)
    ok = allowed[:k].copy()
    for j in range(1, n):
        # exact for bigrams (0x110000 ** 2 fits); a 59-bit rolling hash beyond
        h = (h * 0x110000 + codes[j:j + k]) & 0x7FFFFFFFFFFFFFF
        ok &= allowed[j:j + k]
    ids[:k] = np.where(ok, h, -1)
    return ids


def _cohesion(ids: np.ndarray, starts: np.ndarray, ends: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each unit, over the distinct n-grams wholly inside it: the Jaccard overlap with the
    previous and with the next unit, and the share that occur elsewhere on the page."""
    n = len(starts)
    prev = np.zeros(n); nxt = np.zeros(n); elsewhere = np.zeros(n)
    if not n:
        return prev, nxt, elsewhere
    # the n-grams wholly inside each unit: those starting at [start, end - width + 1)
    count = np.maximum(ends - starts - width + 1, 0)
    pos = expand_ranges(starts, count)
    owner = np.repeat(np.arange(n), count)
    found = ids[pos]
    valid = found >= 0
    found, owner = found[valid], owner[valid]
    if not len(found):
        return prev, nxt, elsewhere
    # distinct (n-gram, unit) pairs, the n-gram hashed to 32 bits (a collision merges two
    # n-grams of a page: rare, and it only nudges the shares), in one sort by n-gram then unit:
    # the units that hold an n-gram are adjacent there, in order
    gram = (found.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) >> np.uint64(32)).astype(np.int64)
    by_gram = _distinct(gram << 32 | owner)
    units = by_gram & 0xFFFFFFFF
    per_unit = np.bincount(units, minlength=n)
    # an n-gram that several units hold equals a neighbour there
    same = (by_gram[1:] >> 32) == (by_gram[:-1] >> 32)
    shared = np.concatenate((same, [False])) | np.concatenate(([False], same))
    elsewhere = np.bincount(units, weights=shared, minlength=n) / np.maximum(per_unit, 1)
    # overlap of unit k and k+1: an n-gram of k whose next pair is the same n-gram in k + 1
    follows = same & (units[1:] == units[:-1] + 1)
    inter = np.bincount(units[:-1][follows], minlength=n)[: n - 1]
    union = per_unit[:-1] + per_unit[1:] - inter
    jac = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
    nxt[:-1] = jac
    prev[1:] = jac
    return prev, nxt, elsewhere


@lru_cache(maxsize=4)
def _title_view(title: str) -> str:
    """`matching_view` of a page's title: `_shape` asks it of the stripped title and
    `title_buckets` of the title as given, most often the same string (one OpenCC call)."""
    from zhclean.normalize import matching_view

    return matching_view(title)


def _bigrams_in(codes: np.ndarray, other: np.ndarray) -> np.ndarray:
    """bool per offset of `codes`: the bigram starting there is one of the bigrams of `other`
    (the title's code points). Only the offsets whose character shares its low ten bits with
    a character of `other` are looked up (a cheap filter: most of a page's are not)."""
    grams = _distinct(other[:-1].astype(np.int64) * 0x110000 + other[1:])  # `_gram_ids`' exact bigram ids
    found = np.zeros(len(codes), dtype=bool)
    first = np.zeros(1024, dtype=bool)
    first[other & 1023] = True
    maybe = np.flatnonzero(first[codes[:-1] & 1023])
    ids = codes[maybe].astype(np.int64) * 0x110000 + codes[maybe + 1]  # `_gram_ids`' exact bigram ids
    at = np.minimum(np.searchsorted(grams, ids), len(grams) - 1)
    found[maybe[grams[at] == ids]] = True
    return found


def _distinct(values: np.ndarray) -> np.ndarray:
    """`np.unique(values)`, by one sort: numpy's own (2.3 on) hashes first, several times
    slower on the few thousand values of a page."""
    values = np.sort(values)
    first = np.ones(len(values), dtype=bool)
    np.not_equal(values[1:], values[:-1], out=first[1:])
    return values[first]


#: Separators of a list of names; only units with three or more are scanned for place names
#: (a service-area list is one; the commas of prose are not counted).
LIST_SEPARATORS = "、/|｜"


def _place_share(view: str, separators: np.ndarray, starts: np.ndarray, ends: np.ndarray, han: np.ndarray) -> np.ndarray:
    """Characters of each unit covered by gazetteer names (the automaton's longest
    non-overlapping matches), for the units shaped like lists of Han names (three or more
    `LIST_SEPARATORS`, at least half Han characters); 0 for the rest."""
    out = np.zeros(len(starts))
    for u in np.flatnonzero((separators >= 3) & (2 * han >= ends - starts)).tolist():
        out[u] = _places_covered(view[starts[u]:ends[u]])
    return out


@lru_cache(maxsize=8192)
def _places_covered(text: str) -> int:
    """Characters of `text` covered by the gazetteer automaton's longest non-overlapping
    matches. Cached: the same lists (service areas, navigation) recur from page to page, and
    the automaton walks about a microsecond a character."""
    return sum(length for _, length in division_automaton().iter_long(text))


_LONG_DIGITS = regex.compile(r"\d[\d\- ]{5,}\d")


def _long_digit_runs(view: str, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How many runs of 7+ digits (phone-like, dashes and spaces allowed) start in each unit."""
    hits = np.array([m.start() for m in _LONG_DIGITS.finditer(view)], dtype=np.int64)
    if not len(hits):
        return np.zeros(len(starts))
    return (np.searchsorted(hits, ends) - np.searchsorted(hits, starts)).astype(np.float64)


def _page_columns(page: Page, decided: list[Removal]) -> np.ndarray:
    """float32 [len(PAGE_NAMES)]: the page's columns, the same for each of its units."""
    total = max(page.visible_count(0, len(page.source)), 1)
    removed = sum(r.end - r.start for r in decided)
    spam = sum(r.end - r.start for r in decided if r.code.startswith("spam."))
    row = np.array([np.log1p(total), np.log1p(len(page.lines)), float(page.is_flat),
                    min(removed / total, 1.0), min(spam / total, 1.0), float(bool(page.title))],
                   dtype=np.float32)
    return row


#: The page's signals that only the page judgement reads (`junk_model.page_row`). A page
#: spliced from fragments of unrelated articles under a keyword title repeats little of its
#: headline and changes its words from stretch to stretch; an article restates its headline
#: and its topic words (on the training pages' cross-fitted scores, each ranks all-spam news
#: pages under genuine ones at AUC 0.75 and 0.79).
SIGNAL_NAMES = ("title_in_body", "chunk_overlap")
#: What separates a title's parts ("headline_site", "headline - section | site").
_TITLE_PARTS = regex.compile(r"\s*(?:[_|｜]|--+|—+|\s-\s)\s*")
#: Han bigrams in each stretch that `chunk_overlap` compares (a page needs three stretches).
CHUNK_BIGRAMS = 100


def page_signals(page: Page, han_bigrams: np.ndarray) -> np.ndarray:
    """float64 [len(`SIGNAL_NAMES`)] (`han_bigrams`: `_gram_ids` of the page's Han bigrams):

    * ``title_in_body``: the share of the distinct Han bigrams of the title's longest part
      that occur in the page (NaN without a title of Han characters);
    * ``chunk_overlap``: the mean Jaccard overlap of the distinct Han bigrams of consecutive
      stretches of `CHUNK_BIGRAMS` Han bigrams (NaN on a page of fewer than three stretches).
    """
    body = han_bigrams[han_bigrams >= 0]
    return np.array([_title_in_body(page.title, body), _chunk_overlap(body)])


def _title_in_body(title: str | None, body: np.ndarray) -> float:
    if not title or not title.strip():
        return np.nan
    parts = [p for p in _TITLE_PARTS.split(_title_view(title.strip())) if _HAN.search(p)]
    if not parts:
        return np.nan
    codes = np.frombuffer(max(parts, key=len).encode("utf-32-le", "surrogatepass"), dtype="<u4")
    grams = _gram_ids(codes, 2, _in_class(_class_table()[codes], "han"))
    grams = _distinct(grams[grams >= 0])
    if not len(grams):
        return np.nan
    if not len(body):
        return 0.0
    # (a sort and a search: `np.isin` hashes, ~20x slower on a page's few thousand bigrams)
    body = np.sort(body)
    return float((body[np.minimum(np.searchsorted(body, grams), len(body) - 1)] == grams).mean())


#: `_gram_ids`' exact bigram ids are below 0x110000 ** 2 < 2 ** 41: a stretch's number fits above them.
_STRETCH_SHIFT = 41


def _chunk_overlap(body: np.ndarray) -> float:
    chunks = len(body) // CHUNK_BIGRAMS
    if chunks < 3:
        return np.nan
    # distinct (stretch, bigram) pairs as stretch << 41 | bigram, sorted
    stretch_of = np.repeat(np.arange(chunks, dtype=np.int64), CHUNK_BIGRAMS) << _STRETCH_SHIFT
    pairs = _distinct(stretch_of | body[:chunks * CHUNK_BIGRAMS])
    stretch = pairs >> _STRETCH_SHIFT
    per = np.bincount(stretch, minlength=chunks)
    # a pair whose bigram recurs in the next stretch
    following = pairs + (1 << _STRETCH_SHIFT)
    at = np.minimum(np.searchsorted(pairs, following), len(pairs) - 1)
    shared = np.bincount(stretch[pairs[at] == following], minlength=chunks)[:chunks - 1]
    return float(np.mean(shared / (per[:-1] + per[1:] - shared)))


# --- hashed n-grams -------------------------------------------------------------------------

_P1, _P2, _P3 = np.uint64(0x9E3779B1), np.uint64(0x85EBCA77), np.uint64(0xC2B2AE3D)


@lru_cache(maxsize=1)
def _fold_table() -> np.ndarray:
    """Code point -> the code point n-grams see: every decimal digit becomes '0'."""
    table = np.arange(0x110000, dtype=np.uint32)
    table[class_table(_DIGIT)] = ord("0")
    return table


def gram_buckets(view: str) -> np.ndarray:
    """uint32 [2, len(view)]: the hash bucket of the bigram and of the trigram starting at each
    offset (the last offsets, where no n-gram starts, hold bucket 0; `unit_sums` never reads
    them)."""
    return _gram_buckets(_fold_table()[np.frombuffer(view.encode("utf-32-le", "surrogatepass"), dtype="<u4")])


def _gram_buckets(folded: np.ndarray) -> np.ndarray:
    """`gram_buckets` of a text given as its folded code points (`_fold_table`)."""
    codes = folded.astype(np.uint64)
    n = len(codes)
    out = np.zeros((2, n), dtype=np.uint32)
    mask = np.uint64((1 << HASH_BITS) - 1)
    if n >= 2:
        h2 = (codes[:-1] * _P1) ^ (codes[1:] * _P2)
        h2 ^= h2 >> np.uint64(29)
        out[0, :-1] = (h2 * _P3 >> np.uint64(20)) & mask
    if n >= 3:
        h3 = (codes[:-2] * _P1) ^ (codes[1:-1] * _P2) ^ (codes[2:] * _P3)
        h3 ^= h3 >> np.uint64(31)
        out[1, :-2] = ((h3 * _P1 >> np.uint64(17)) & mask)
    return out


#: Salts that keep the edge and title n-grams apart from the body's in the shared buckets.
_EDGE_SALTS = np.array([0x5BD1E995, 0x1B873593, 0x27D4EB2F, 0x165667B1], dtype=np.uint32)
_TITLE_SALT = np.uint32(0x61C88647)
#: The `grams` row (bigram 0, trigram 1) of each of `edge_buckets`' columns.
_EDGE_ROWS = np.array([0, 1, 0, 1], dtype=np.intp)
#: Weight of each edge n-gram in a unit's row (the body's n-grams share a total norm of 1).
EDGE_WEIGHT = 0.5


def edge_buckets(grams: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """uint32 [units, 4]: the buckets of each unit's first bigram and trigram and its last
    bigram and trigram, salted (how a sentence starts and ends: a fragment cut mid-sentence
    starts with 的 or a closing quote)."""
    mask = np.uint32((1 << HASH_BITS) - 1)
    if not len(starts):
        return np.zeros((0, 4), np.uint32)
    at = np.stack((starts, starts, np.maximum(ends - 2, starts), np.maximum(ends - 3, starts)), axis=1)
    out = grams[_EDGE_ROWS, at] ^ _EDGE_SALTS  # (one gather: bigram, trigram, bigram, trigram)
    short = ends - starts < 3
    out[short, 1] = out[short, 3] = _EDGE_SALTS[1] ^ _EDGE_SALTS[3]  # no trigram in a short unit
    out &= mask
    return out


def title_buckets(title: str | None) -> np.ndarray:
    """The salted buckets of the title's bigrams and trigrams (empty without a title)."""
    if not title or len(title) < 2:
        return np.zeros(0, np.uint32)
    grams = gram_buckets(_title_view(title))
    n = len(title)
    buckets = np.concatenate([grams[0, :n - 1], grams[1, :max(n - 2, 0)]])
    return (buckets ^ _TITLE_SALT) & np.uint32((1 << HASH_BITS) - 1)


def gram_counts(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How many bigrams and trigrams lie inside each unit."""
    size = ends - starts
    return np.maximum(size - 1, 0), np.maximum(size - 2, 0)


#: Most n-gram offsets `unit_sums` gathers weights for at once (bounds its memory on a huge
#: page: a [offsets, kinds] block of the kind head is 15 float64 per offset).
SUM_BLOCK = 1 << 18


def unit_sums(units: Units, weights: np.ndarray, bits: int = HASH_BITS) -> np.ndarray:
    """For each unit, the sum of `weights` (float32 [2**bits] or [2**bits, k]) over its
    n-grams, each weighted 1/sqrt(its unit's n-gram count), plus its edge and title n-grams:
    the linear model's lexical term (`gram_rows` times the weights), gathered over the units'
    offsets in blocks of about `SUM_BLOCK`. With fewer `bits` than `HASH_BITS`, buckets fold
    onto their low bits. (Gathers use `take`: for a matrix of weights, several times faster
    than indexing with an array.)"""
    starts, ends = units.starts, units.ends
    n = len(starts)
    total = np.zeros((n,) + weights.shape[1:])
    if not n:
        return total
    n2, n3 = gram_counts(starts, ends)
    fold = (lambda b: b) if bits == HASH_BITS else (lambda b: b & np.uint32((1 << bits) - 1))
    done = np.cumsum(n2)  # offsets gathered up to each unit
    a = 0
    while a < n:
        # the units from a whose offsets fit in one block (at least one unit; all of them on
        # most pages)
        gathered = done[a - 1] if a else 0
        b = n if done[-1] - gathered <= SUM_BLOCK else max(
            int(np.searchsorted(done, gathered + SUM_BLOCK, side="right")), a + 1)
        count = n2[a:b]  # the offsets where the units' bigrams start
        first = np.cumsum(count) - count
        has = count > 0
        if count.sum():
            offsets = np.arange(first[-1] + count[-1]) + np.repeat(starts[a:b] - first, count)
            # the bigram and trigram bucket of each offset, in one gather each
            both = weights.take(fold(units.grams.take(offsets, axis=1)), axis=0)
            bigrams, trigrams = both[0], both[1]
            # trigrams: every offset but the last of each unit (whose trigram, zeroed, adds 0)
            trigrams[(first + count - 1)[has]] = 0.0
            w = np.add(bigrams, trigrams, dtype=np.float64)
            total[a + np.flatnonzero(has)] = np.add.reduceat(w, first[has], axis=0)
        a = b
    norm = 1.0 / np.sqrt(np.maximum(n2 + n3, 1))
    total = total * (norm if total.ndim == 1 else norm[:, None])
    total = total + EDGE_WEIGHT * weights.take(fold(units.edges), axis=0).sum(axis=1)
    if len(units.title):
        total = total + weights.take(fold(units.title), axis=0).sum(axis=0) / np.sqrt(len(units.title))
    return total


def gram_rows(units: Units, bits: int = HASH_BITS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The lexical features as a sparse matrix in CSR parts (data, indices, indptr), one row
    per unit, for training (`unit_sums` with the same `bits` computes their product with a
    weight vector)."""
    starts, ends = units.starts, units.ends
    n2, n3 = gram_counts(starts, ends)
    norm = 1.0 / np.sqrt(np.maximum(n2 + n3, 1))
    indices, data, indptr = [], [], [0]
    title = units.title
    title_weight = np.full(len(title), 1.0 / np.sqrt(max(len(title), 1)), dtype=np.float32)
    edge_weight = np.full(4, EDGE_WEIGHT, dtype=np.float32)
    for u in range(len(starts)):
        s = int(starts[u])
        idx = np.concatenate([units.grams[0, s:s + n2[u]], units.grams[1, s:s + n3[u]], units.edges[u], title])
        if bits != HASH_BITS:
            idx = idx & ((1 << bits) - 1)
        indices.append(idx)
        data.append(np.concatenate([np.full(n2[u] + n3[u], norm[u], dtype=np.float32), edge_weight, title_weight]))
        indptr.append(indptr[-1] + len(idx))
    if not indices:
        return np.zeros(0, np.float32), np.zeros(0, np.int32), np.array(indptr, dtype=np.int64)
    return (np.concatenate(data), np.concatenate(indices).astype(np.int32), np.array(indptr, dtype=np.int64))
