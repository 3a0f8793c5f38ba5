"""Aho-Corasick automatons over literal cues, and lookup tables over all code points.

`Page.scan_cues` finds every rule's cues in one walk of the page (`cue_sets_automaton`);
rules with word lists of their own build theirs with `build_automaton`. The tables answer
"is this character one of these?" for a whole page at once, as a numpy index
(`char_table`, `class_table`).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable, Iterable

import ahocorasick
import numpy as np
import regex


def build_automaton(entries: Iterable[tuple[str, object]]) -> ahocorasick.Automaton:
    """An Aho-Corasick automaton over ``(word, value)`` entries (a later entry for the same
    word replaces the value)."""
    automaton = ahocorasick.Automaton()
    for word, value in entries:
        automaton.add_word(word, value)
    automaton.make_automaton()
    return automaton


@lru_cache(maxsize=128)
def cue_automaton(cues: tuple[str, ...]) -> ahocorasick.Automaton:
    """Aho-Corasick automaton over literal cues; values are the cue lengths."""
    return build_automaton((cue, len(cue)) for cue in cues)


#: What `Page.scan_cues` puts in place of the characters that no cue holds. The automaton
#: holds it as the first edge of its root (a word that never matches: the mask is never
#: followed by `NEVER`), so a masked character costs one comparison there, where any other
#: character that starts no cue is compared with every first character of the cues.
MASK, NEVER = "\x00", "\x01"


@lru_cache(maxsize=16)
def cue_sets_automaton(cue_sets: tuple[tuple[str, ...], ...]) -> tuple[ahocorasick.Automaton, Callable[[int], tuple[int, ...]], np.ndarray]:
    """One automaton over the cues of several sets; values are (cue length, bit mask of the
    sets holding the cue), and the function turns a mask into the indexes of those sets;
    then a lookup table over all code points, True for the characters of the cues."""
    masks: dict[str, int] = {}
    for i, cues in enumerate(cue_sets):
        for cue in cues:
            masks[cue] = masks.get(cue, 0) | (1 << i)
    alphabet = set("".join(masks))
    if alphabet & {MASK, NEVER}:
        raise ValueError(f"cues must not hold {MASK!r} or {NEVER!r}")
    entries = [(MASK + NEVER, (2, 0))] + [(cue, (len(cue), mask)) for cue, mask in masks.items()]
    return build_automaton(entries), _set_bits, char_table("".join(sorted(alphabet)))


@lru_cache(maxsize=16)
def char_table(chars: str) -> np.ndarray:
    """A lookup table over all code points: True for the characters of `chars`."""
    table = np.zeros(0x110000, dtype=bool)
    table[[ord(c) for c in chars]] = True
    return table


@lru_cache(maxsize=8)
def class_table(run: regex.Pattern) -> np.ndarray:
    """A lookup table over all code points: True for the characters that `run` (a pattern
    for runs of one character class, such as ``\\p{Han}+``) matches."""
    table = np.zeros(0x110000, dtype=bool)
    every = np.arange(0x110000, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
    for m in run.finditer(every):
        table[m.start():m.end()] = True
    return table


@lru_cache(maxsize=4096)
def _set_bits(mask: int) -> tuple[int, ...]:
    """The indexes of the bits set in `mask`."""
    return tuple(i for i in range(mask.bit_length()) if mask >> i & 1)
