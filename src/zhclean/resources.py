"""Expensive shared resources, built once per process by cached factories.

Nothing here is configured at import time; each factory is called by the rule that needs it.
"""
from __future__ import annotations

import gzip
import re
from functools import lru_cache
from importlib import resources as importlib_resources

import ahocorasick

#: Administrative suffixes: a gazetteer name must end with one to count on its own.
DIVISION_SUFFIXES = ("省", "市", "区", "县", "镇", "乡", "街道", "州", "盟", "旗", "自治县", "自治州")


@lru_cache(maxsize=1)
def division_names() -> frozenset[str]:
    """Names of Chinese administrative divisions down to town level (full names, and the
    short names of provinces, cities and counties of two or more characters)."""
    path = importlib_resources.files("zhclean") / "data" / "china_divisions.tsv.gz"
    names: set[str] = set()
    with gzip.open(path.open("rb"), "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            level, name, short = line.rstrip("\n").split("\t")
            names.add(name)
            if short and len(short) >= 2 and level != "town":
                names.add(short)
    return frozenset(names)


@lru_cache(maxsize=1)
def division_automaton() -> ahocorasick.Automaton:
    """Aho-Corasick automaton over `division_names()`; values are the name lengths."""
    automaton = ahocorasick.Automaton()
    for name in division_names():
        automaton.add_word(name, len(name))
    automaton.make_automaton()
    return automaton


#: Han characters as `place_coverage` counts them (the CJK Unified Ideographs block).
_HAN_RUN = re.compile("[\u4e00-\u9fff]+")


@lru_cache(maxsize=8192)
def place_coverage(text: str) -> float:
    """Share of the Han characters of `text` covered by gazetteer matches (longest wins).
    Cached: the fixpoint's second pass asks again about the same list segments."""
    han = sum(map(len, _HAN_RUN.findall(text)))
    if not han:
        return 0.0
    spans = sorted((end - length + 1, end + 1) for end, length in division_automaton().iter(text))
    hits = 0
    lo = hi = 0
    for start, end in spans + [(len(text) + 1, len(text) + 1)]:  # merged, then counted once
        if start > hi:
            if hi > lo:
                hits += sum(map(len, _HAN_RUN.findall(text, lo, hi)))
            lo, hi = start, end
        elif end > hi:
            hi = end
    return hits / han
