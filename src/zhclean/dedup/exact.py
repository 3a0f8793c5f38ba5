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

from zhclean.dedup.minhash import _fold_table

_ZERO = np.uint32(ord("0"))


@lru_cache(maxsize=1)
def _exact_table() -> np.ndarray:
    """Code point -> its exact-form code point: the shingle-form fold, then 0 (dropped) for
    punctuation and symbols (Unicode P*, S*) and ``0`` for every decimal digit (Nd)."""
    fold = _fold_table()
    kind = np.zeros(0x110000, dtype=np.uint8)  # 0 keep, 1 drop, 2 digit
    category = unicodedata.category
    for c in range(0x110000):
        cat = category(chr(c))
        if cat[0] in "PS":
            kind[c] = 1
        elif cat == "Nd":
            kind[c] = 2
    folded_kind = kind[fold]
    table = np.where(folded_kind == 1, 0, np.where(folded_kind == 2, _ZERO, fold)).astype(np.uint32)
    table.flags.writeable = False
    return table


def exact_codepoints(text: str) -> np.ndarray:
    """`exact_form` as a ``uint32`` code-point array."""
    cp = _exact_table()[np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)]
    cp = cp[cp != 0]
    zero = cp == _ZERO  # every 0 stands for a digit (run): keep one per run
    if zero.any():
        cp = cp[~(zero & np.concatenate(([False], zero[:-1])))]
    return cp


def exact_form(text: str) -> str:
    """The normalized text compared for exact duplicates."""
    return exact_codepoints(text).tobytes().decode("utf-32-le")


def exact_key(text: str) -> int:
    """The signed 64-bit hash of `exact_form(text)` (fits an int64 column)."""
    digest = hashlib.blake2b(exact_codepoints(text).tobytes(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)
