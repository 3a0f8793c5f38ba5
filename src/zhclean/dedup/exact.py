"""Exact duplicates: a normalized key and its 64-bit hash.

Two pages are exact duplicates when their `exact_form`s are equal: the `shingle_form`
(NFKC per character, lower case, whitespace removed), with every punctuation and symbol
character (Unicode categories P* and S*) removed and every run of digits folded to one ``0``
(so the same article with a different date, view count or page number is still one page).
The key is a 64-bit BLAKE2b hash of that form (`exact_key`); the distributed engine shuffles
on it. At 1e9 pages the chance of any accidental collision is about 3%, so the form itself is
there for audits.
"""
from __future__ import annotations

import hashlib
import unicodedata
from functools import lru_cache

import numpy as np

from zhclean.dedup.minhash import fold_codepoints

_ZERO = np.uint32(ord("0"))


@lru_cache(maxsize=1)
def _classes() -> tuple[np.ndarray, np.ndarray]:
    """(drop, digit) boolean tables over code points: punctuation/symbols, decimal digits."""
    drop = np.zeros(0x110000, dtype=bool)
    digit = np.zeros(0x110000, dtype=bool)
    category = unicodedata.category
    for c in range(0x110000):
        cat = category(chr(c))
        if cat[0] in "PS":
            drop[c] = True
        elif cat == "Nd":
            digit[c] = True
    return drop, digit


def exact_codepoints(text: str) -> np.ndarray:
    """`exact_form` as a ``uint32`` code-point array."""
    drop, digit = _classes()
    cp = fold_codepoints(text)
    cp = cp[~drop[cp]]
    is_digit = digit[cp]
    if is_digit.any():
        follows_digit = np.concatenate(([False], is_digit[:-1]))
        cp = np.where(is_digit, _ZERO, cp)[~(is_digit & follows_digit)]
    return cp


def exact_form(text: str) -> str:
    """The normalized text compared for exact duplicates."""
    return exact_codepoints(text).tobytes().decode("utf-32-le")


def exact_key(text: str) -> int:
    """The signed 64-bit hash of `exact_form(text)` (fits an int64 column)."""
    digest = hashlib.blake2b(exact_codepoints(text).tobytes(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)
