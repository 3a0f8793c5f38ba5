"""MinHash signatures of character n-gram shingles, vectorized with numpy over a whole batch.

The hot path of dedup. Text in, one ``uint32[num_perm]`` signature per page out, with no
Python-level step per shingle:

1. The pages of a batch are joined and encoded once as a ``uint32`` code-point array, folded
   to their shingle form with one table lookup (`shingle_form`: NFKC per character, lower
   case, all whitespace removed; Chinese has no spaces, so shingles are *characters*, never
   `\\W`-split words).
2. The hash of every n-gram at every position comes from one vector expression,
   ``h = (sum_k cp[i+k] * M_k mod 2**64) >> 32`` (Dietzfelbinger's vector multiply-shift:
   2-universal for 21-bit code points), see `shingle_hash` for the same thing on one string.
3. datasketch's ``affine32`` permutation scheme (datasketch >= 2.0, its default) is applied
   to all shingles for all permutations at once: ``fmix32(h)`` then
   ``a_k * h + b_k mod 2**32``, with ``a, b`` generated from the seed exactly as
   ``datasketch.MinHash(num_perm, seed)`` does, and a segmented minimum per page
   (`numpy.minimum.reduceat`) over chunks that stay in cache (permutations x shingles,
   so every inner loop is long and contiguous).

So a zhclean signature equals, bit for bit, ``datasketch.MinHash(num_perm=..., seed=...,
hashfunc=shingle_hash)`` updated with the page's `shingles` (a test checks it), and
``MinHash(seed=..., hashvalues=sig, scheme="affine32")``, ``LeanMinHash`` and
``MinHashLSH`` take it unchanged. datasketch's own default hash (sha1 of UTF-8 bytes) is not
used: it is a Python call per shingle, the cost this module exists to avoid. Mixing our
signatures with ones made with datasketch's default hashfunc is meaningless (different
shingle hashes), exactly as mixing two datasketch hashfuncs would be.

Memory: a batch is cut by a budget of characters (`BATCH_CHARS`); a page longer than that
is processed in windows overlapping by ``n - 1`` characters, so a 100 MB page costs a few
tens of MB of scratch, never a copy per permutation.

Pages shorter than ``n`` characters (after `shingle_form`) give one shingle, the whole
text; empty pages give the empty signature (all ``2**32 - 1``), which `lsh` never indexes.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np

#: Characters per batch (bounds the scratch arrays: ~20 bytes per character).
BATCH_CHARS = 1 << 22
#: Shingles per permutation chunk (num_perm x CHUNK uint32 stays in the L2 cache).
CHUNK = 8192
#: The largest value of a signature entry; a page without shingles has only these.
EMPTY_VALUE = np.uint32(0xFFFFFFFF)
#: datasketch's permutation scheme these signatures follow.
SCHEME = "affine32"

# Multipliers of the vector multiply-shift shingle hash (fixed odd 64-bit constants; at most
# 32 characters per shingle, see DedupConfig.ngram).
_MULTIPLIERS = (np.random.RandomState(0x5A4843).randint(0, 1 << 62, 32, dtype=np.uint64)
                * np.uint64(2) + np.uint64(1))


@lru_cache(maxsize=1)
def _fold_table() -> np.ndarray:
    """Code point -> folded code point, 0 for whitespace (and NUL), which is dropped.

    A character folds to ``NFKC(c).lower()`` when that is one character; characters whose
    NFKC form is several characters (``…`` -> ``...``, ``㈱`` -> ``(株)``) are kept as they
    are. The table is applied to a whole batch at once (numpy take), and is idempotent, so
    folding folded text changes nothing. Built once per process (~0.5 s).
    """
    table = np.arange(0x110000, dtype=np.uint32)
    normalize = unicodedata.normalize
    for c in range(0x110000):
        if 0xD800 <= c < 0xE000:
            continue
        ch = chr(c)
        if ch.isspace():
            table[c] = 0
            continue
        folded = normalize("NFKC", ch).lower()
        if len(folded) == 1 and folded != ch:
            table[c] = ord(folded)
    table[0] = 0
    while True:  # close the table under itself: fold(fold(c)) == fold(c)
        again = table[table]
        if np.array_equal(again, table):
            break
        table = again
    table.flags.writeable = False
    return table


def fold_codepoints(text: str) -> np.ndarray:
    """The `shingle_form` of `text` as a ``uint32`` code-point array."""
    cp = _fold_table()[np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)]
    return cp[cp != 0]


def shingle_form(text: str) -> str:
    """The string shingled for MinHash: every character compatibility-folded and lower-cased
    (NFKC per character, see `_fold_table`), every whitespace character removed."""
    return fold_codepoints(text).tobytes().decode("utf-32-le")


def shingles(text: str, ngram: int = 5) -> list[str]:
    """The character n-grams of `shingle_form(text)` (for tests and the exact Jaccard)."""
    form = shingle_form(text)
    if not form:
        return []
    if len(form) < ngram:
        return [form]
    return [form[i:i + ngram] for i in range(len(form) - ngram + 1)]


def shingle_hash(shingle: str) -> int:
    """The 32-bit hash of one shingle, the per-string reference of the vectorized code.

    Pass it as ``hashfunc`` to ``datasketch.MinHash`` to get the signatures `signatures`
    computes (the shingle must be at most 32 characters).
    """
    acc = 0
    for k, ch in enumerate(shingle):
        acc += ord(ch) * int(_MULTIPLIERS[k])
    return (acc % (1 << 64)) >> 32


@lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``(a, b)`` as ``datasketch.MinHash(num_perm, seed)`` generates them (affine32 scheme),
    each shaped ``(num_perm, 1)`` for broadcasting over shingles. Cached: read-only arrays."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a, b = a.reshape(-1, 1), b.reshape(-1, 1)
    a.flags.writeable = False
    b.flags.writeable = False
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, in place (datasketch's pre-mix for affine32)."""
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h


@dataclass(frozen=True)
class MinHasher:
    """Computes signatures for one (ngram, num_perm, seed); reuse it across batches.

    >>> MinHasher(ngram=5, num_perm=128, seed=1).signatures(["第一篇文章的正文", "另一篇"]).shape
    (2, 128)
    """

    ngram: int = 5
    num_perm: int = 128
    seed: int = 1

    def signatures(self, texts: Sequence[str]) -> np.ndarray:
        """One signature per text, as a ``uint32`` array of shape ``(len(texts), num_perm)``.

        Texts are folded to their `shingle_form` here (folding is idempotent: passing texts
        already in that form gives the same signatures).
        """
        out = np.full((len(texts), self.num_perm), EMPTY_VALUE, dtype=np.uint32)
        for rows, pieces in _batches(texts, self.ngram):
            self._sign_batch(pieces, rows, out)
        return out

    def _sign_batch(self, pieces: list[str], rows: np.ndarray, out: np.ndarray) -> None:
        """Fold the shingles of `pieces` (row `rows[i]` of `out` for piece i; rows are unique
        within a batch) into `out`."""
        n = self.ngram
        raw = np.fromiter((len(p) for p in pieces), dtype=np.int64, count=len(pieces))
        cp = _fold_table()[np.frombuffer("".join(pieces).encode("utf-32-le"), dtype=np.uint32)]
        keep = cp != 0
        lens = np.add.reduceat(keep, np.cumsum(raw) - raw, dtype=np.int64)  # folded lengths
        cp = cp[keep]
        total = len(cp)
        # n-gram hashes at every position (the tail is padded with 0 for short pieces)
        wide = np.zeros(total + n, dtype=np.uint64)
        wide[:total] = cp
        h = wide[:total] * _MULTIPLIERS[0]
        for k in range(1, n):
            h += wide[k:total + k] * _MULTIPLIERS[k]
        # Keep the positions where a shingle starts and fits in its piece (one per short piece).
        counts = np.maximum(lens - n + 1, np.minimum(lens, 1))
        ends = np.cumsum(lens)
        valid = np.ones(total, dtype=bool)
        valid[_ranges(ends - lens + counts, lens - counts)] = False
        hashes = h[valid]
        first_of = np.cumsum(counts) - counts
        for i in np.flatnonzero((lens < n) & (lens > 0)):  # a short piece's one shingle
            hashes[first_of[i]] = np.uint64(shingle_hash(shingle_form(pieces[i])) << 32)
        hashes = _fmix32((hashes >> np.uint64(32)).astype(np.uint32))
        some = counts > 0
        self._permute_min(hashes, first_of[some], rows[some], out)

    def _permute_min(self, hashes: np.ndarray, starts: np.ndarray, rows: np.ndarray,
                     out: np.ndarray) -> None:
        """``out[rows[p]] = min(out[rows[p]], min over the shingles of piece p of a*h+b)``;
        piece p's hashes start at ``starts[p]`` (increasing) and end where the next starts."""
        a, b = permutations(self.num_perm, self.seed)
        buf = np.empty((self.num_perm, CHUNK), dtype=np.uint32)
        ends = np.append(starts[1:], len(hashes))
        for s in range(0, len(hashes), CHUNK):
            hv = hashes[s:s + CHUNK]
            view = buf[:, :len(hv)]
            np.multiply(a, hv, out=view)
            np.add(view, b, out=view)
            p0 = np.searchsorted(ends, s, side="right")
            p1 = np.searchsorted(starts, s + len(hv), side="left")
            mins = np.minimum.reduceat(view, np.maximum(starts[p0:p1], s) - s, axis=1).T
            target = rows[p0:p1]
            np.minimum(out[target], mins, out=mins)
            out[target] = mins


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The concatenated ranges ``[start, start + length)``."""
    lengths = np.asarray(lengths, dtype=np.int64)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return offsets + np.arange(int(lengths.sum()))


def _batches(texts: Sequence[str], ngram: int) -> Iterable[tuple[np.ndarray, list[str]]]:
    """Group texts into pieces of at most ~BATCH_CHARS characters; a longer text is folded
    and cut into windows overlapping by ``ngram - 1`` characters (each keeps the text's row)."""
    rows: list[int] = []
    pieces: list[str] = []
    size = 0
    step = BATCH_CHARS - (ngram - 1)
    for row, text in enumerate(texts):
        if not text:
            continue
        if len(text) <= BATCH_CHARS:
            windows = [text]
        else:
            form = shingle_form(text)
            last = max(len(form) - ngram + 1, 1)
            windows = [form[i:i + BATCH_CHARS] for i in range(0, last, step)]
        for window in windows:
            if size + len(window) > BATCH_CHARS and pieces:
                yield np.asarray(rows, dtype=np.int64), pieces
                rows, pieces, size = [], [], 0
            rows.append(row)
            pieces.append(window)
            size += len(window)
    if pieces:
        yield np.asarray(rows, dtype=np.int64), pieces


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray:
    """Share of equal signature entries, row by row (the MinHash estimate of Jaccard)."""
    return (np.asarray(sig_a) == np.asarray(sig_b)).mean(axis=-1)


def exact_jaccard(text_a: str, text_b: str, ngram: int = 5) -> float:
    """The exact Jaccard of two texts' character n-gram sets (`shingles`)."""
    a, b = set(shingles(text_a, ngram)), set(shingles(text_b, ngram))
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)
