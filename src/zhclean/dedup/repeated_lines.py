"""Cross-document boilerplate: lines (and line templates) that recur on many pages.

An optional two-pass stage of the pipeline::

    counter = LineCounter(config.dedup)
    for text in corpus:            # pass 1: count each template once per page
        counter.add(text)
    for text in corpus:            # pass 2: mark lines whose template is on many pages
        removals = counter.removals(text)   # Removals over spans of `text`

Each line is reduced to a *template* before counting: folded like the MinHash shingle form
(NFKC per character, lower case, no whitespace), a leading enumerator removed (``1.``,
``（三）``, ``②``, ``第4条``, bullets), a brand name before a product noun masked
(``格林空调`` / ``美顺热水器`` -> ``@空调`` / ``@热水器``), and runs of Latin letters and of
digits folded (``a``, ``0``; Latin only in lines with Han characters). So
``朗瑞空调售后电话400-123-4567`` and ``佳美空调售后电话400-765-4321`` count as one line. A line is marked
``boilerplate.repeated_line`` (detail: ``page_count``, ``min_pages``) when its template is
on at least ``repeated_line_min_pages`` distinct pages and it has at least
``repeated_line_min_chars`` non-space characters.

Bounded memory: templates are counted as 64-bit hashes in sorted numpy arrays
(``uint64`` keys, ``uint32`` page counts: 12 bytes per distinct template), never as strings.
Hashes are buffered and merged in bulk; when more than ``repeated_line_capacity`` distinct
templates are held, the least frequent are forgotten (ties by hash). Counts are therefore
lower bounds: running out of capacity can only miss a repeated line, never mark a line that
is rare. Counts are exact (and independent of page order) while the capacity is not reached.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import regex

from zhclean.config import DedupConfig
from zhclean.dedup.minhash import _fold_table, shingle_form
from zhclean.document import Removal

CODE = "boilerplate.repeated_line"
#: Hashes buffered before a merge into the counts.
FLUSH = 1 << 20

_ENUMERATOR = regex.compile(
    r"^(?:第[0-9一二三四五六七八九十百千]+[条章节款项篇]"
    r"|[(\[【]?[0-9一二三四五六七八九十百]{1,4}[)\]】、.:]"
    r"|[•·\-*>#+]+)")
#: Enumerators that fold to plain digits (① -> 1), so they are removed before folding.
_CIRCLED = regex.compile(r"^\s*[①-⑳⑴-⒇⒈-⒛❶-❿]")
_PRODUCT = ("空调|热水器|冰箱|洗衣机|燃气灶|油烟机|烟机|壁挂炉|电视|地暖|净水器|指纹锁|门锁|"
            "保险柜|集成灶|中央空调|太阳能|锅炉|电梯|马桶|手机|电脑|投影仪")
_PRODUCT_ANY = regex.compile(_PRODUCT)
_BRAND = regex.compile(rf"\p{{Han}}{{2,4}}?(?=(?:{_PRODUCT}))")
_LATIN = regex.compile(r"[a-z]+")
_HAN = regex.compile(r"\p{Han}")
_DIGITS = regex.compile(r"[0-9]+")


def line_template(line: str) -> str:
    """The form of a line that is counted across pages (see the module docstring)."""
    circled = _CIRCLED.match(line)
    return _template(shingle_form(line[circled.end():] if circled else line))


def _template(form: str) -> str:
    """The template of a line already in shingle form."""
    form = _ENUMERATOR.sub("", form, count=1)
    if _HAN.search(form):  # Latin runs inside Chinese text are names; a Latin line is not
        if _PRODUCT_ANY.search(form):
            form = _BRAND.sub("@", form)
        form = _LATIN.sub("a", form)
    return _DIGITS.sub("0", form)


@lru_cache(maxsize=1)
def _page_fold_table() -> np.ndarray:
    table = _fold_table().copy()
    table[ord("\n")] = ord("\n")
    return table


def _folded_lines(text: str) -> list[str]:
    """The shingle form of every line of `text` (one page folded at once; same line count)."""
    cp = _page_fold_table()[np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)]
    return cp[cp != 0].tobytes().decode("utf-32-le").split("\n")


def _hash(template: str) -> int:
    digest = hashlib.blake2b(template.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


class LineCounter:
    """Counts, for every line template, the number of distinct pages it appears on."""

    def __init__(self, config: DedupConfig | None = None):
        self.config = config or DedupConfig()
        self._keys = np.empty(0, dtype=np.uint64)
        self._counts = np.empty(0, dtype=np.uint32)
        self._pending: list[np.ndarray] = []
        self._pending_size = 0
        self.pages = 0
        #: distinct templates forgotten for lack of capacity (0 means the counts are exact)
        self.forgotten = 0

    def _line_hashes(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, template hash) of each countable line of one page."""
        out = []
        min_chars = self.config.repeated_line_min_chars
        pos = 0
        for raw, form in zip(text.split("\n"), _folded_lines(text)):
            start, end = pos, pos + len(raw)
            pos = end + 1
            if len(form) < min_chars:
                continue
            while text[start].isspace():
                start += 1
            while text[end - 1].isspace():
                end -= 1
            circled = _CIRCLED.match(raw)
            template = _template(shingle_form(raw[circled.end():]) if circled else form)
            if template:
                out.append((start, end, _hash(template)))
        return out

    def add(self, text: str) -> None:
        """Count the templates of one page (each at most once)."""
        self.pages += 1
        hashes = np.unique(np.fromiter((h for _, _, h in self._line_hashes(text)), dtype=np.uint64))
        if len(hashes):
            self._pending.append(hashes)
            self._pending_size += len(hashes)
            if self._pending_size >= FLUSH:
                self._flush()

    def add_many(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.add(text)

    def merge(self, other: LineCounter) -> None:
        """Add the counts of another counter (e.g. one per partition of a corpus)."""
        other._flush()
        self._pending.append(np.repeat(other._keys, other._counts.astype(np.int64)))
        self.pages += other.pages
        self.forgotten += other.forgotten
        self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        new = np.concatenate(self._pending)
        self._pending, self._pending_size = [], 0
        keys = np.concatenate((self._keys, new))
        weights = np.concatenate((self._counts, np.ones(len(new), dtype=np.uint32)))
        self._keys, inverse = np.unique(keys, return_inverse=True)
        self._counts = np.bincount(inverse, weights=weights).astype(np.uint32)
        capacity = self.config.repeated_line_capacity
        if len(self._keys) > capacity:
            keep = np.sort(np.lexsort((self._keys, -self._counts.astype(np.int64)))[:capacity])
            self.forgotten += len(self._keys) - capacity
            self._keys, self._counts = self._keys[keep], self._counts[keep]

    def page_count(self, line: str) -> int:
        """Number of pages counted with this line's template (0 when unknown)."""
        self._flush()
        h = np.uint64(_hash(line_template(line)))
        i = np.searchsorted(self._keys, h)
        return int(self._counts[i]) if i < len(self._keys) and self._keys[i] == h else 0

    def removals(self, text: str) -> tuple[Removal, ...]:
        """`boilerplate.repeated_line` Removals for the lines of `text` whose template is on at
        least ``repeated_line_min_pages`` pages (offsets into `text`, sorted)."""
        self._flush()
        found = self._line_hashes(text)
        if not found or not len(self._keys):
            return ()
        hashes = np.fromiter((h for _, _, h in found), dtype=np.uint64, count=len(found))
        idx = np.minimum(np.searchsorted(self._keys, hashes), len(self._keys) - 1)
        counts = np.where(self._keys[idx] == hashes, self._counts[idx], 0)
        min_pages = self.config.repeated_line_min_pages
        return tuple(Removal(start, end, CODE, {"page_count": int(count), "min_pages": min_pages})
                     for (start, end, _), count in zip(found, counts) if count >= min_pages)

    @property
    def memory_bytes(self) -> int:
        """Bytes held by the counts (and the pending buffer)."""
        return self._keys.nbytes + self._counts.nbytes + 8 * self._pending_size
