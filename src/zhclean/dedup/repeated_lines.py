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
``boilerplate.repeated_line`` (detail: ``page_count``, ``contexts``, ``min_pages``) when its
template is on at least ``repeated_line_min_pages`` distinct pages, in at least
``repeated_line_min_context_share`` x that many distinct *contexts*, and it has at least
``repeated_line_min_chars`` non-space characters.

Contexts tell boilerplate from reposts. A line's context on a page is the page's longest
other line (hashed). A footer repeats next to different articles, so its contexts are about
as many as its pages; the paragraphs of one article reposted on fifty sites repeat next to
each other, so they have one or two contexts, and are left to near-duplicate removal instead
of being cut from every copy. Contexts are counted exactly up to `CONTEXT_SLOTS` (16), then
estimated from the 16 smallest context hashes (k minimum values).

Bounded memory: templates are counted as 64-bit hashes in sorted numpy arrays (``uint64``
keys, ``uint32`` page counts, 16 ``uint32`` context hashes: 76 bytes per distinct template),
never as strings.
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
#: Smallest distinct context hashes kept per template (the count is exact up to this many,
#: then a k-minimum-values estimate).
CONTEXT_SLOTS = 16
_NO_CONTEXT = np.uint32(0xFFFFFFFF)

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


def _contexts(hashes: np.ndarray, longest: tuple[int, int]) -> np.ndarray:
    """The context of each line (sorted unique `hashes`) on one page: the page's longest
    *other* line (`longest`: the two longest lines' hashes, longest first; ties by hash). On
    reposts of one article that is the same paragraph; on different articles it differs, and a
    site-wide line is rarely longer than every paragraph of an article. A one-line page is its
    own context."""
    first, second = longest
    out = np.full(len(hashes), first, dtype=np.uint64)
    out[hashes == np.uint64(first)] = second
    return out


class LineCounter:
    """Counts, for every line template, the pages it appears on and their distinct contexts."""

    def __init__(self, config: DedupConfig | None = None):
        self.config = config or DedupConfig()
        self._keys = np.empty(0, dtype=np.uint64)
        self._counts = np.empty(0, dtype=np.uint32)
        self._contexts = np.full((0, CONTEXT_SLOTS), _NO_CONTEXT, dtype=np.uint32)
        self._pending: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self._pending_size = 0
        self.pages = 0
        #: distinct templates forgotten for lack of capacity (0 means the counts are exact)
        self.forgotten = 0

    def _line_hashes(self, text: str) -> list[tuple[int, int, int, int]]:
        """(start, end, template hash, folded length) of each countable line of one page."""
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
                out.append((start, end, _hash(template), len(form)))
        return out

    def add(self, text: str) -> None:
        """Count the templates of one page (each at most once) in the page's context."""
        self.pages += 1
        lines = self._line_hashes(text)
        if not lines:
            return
        hashes = np.unique(np.fromiter((h for _, _, h, _ in lines), dtype=np.uint64))
        ranked = sorted({(-n, h) for _, _, h, n in lines})
        first = ranked[0][1]
        second = next((h for _, h in ranked if h != first), first)
        contexts = (_contexts(hashes, (first, second)) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        ones = np.ones(len(hashes), dtype=np.uint32)
        self._pending.append((hashes, ones, hashes, contexts))
        self._pending_size += len(hashes)
        if self._pending_size >= FLUSH:
            self._flush()

    def add_many(self, texts: Iterable[str]) -> None:
        for text in texts:
            self.add(text)

    def merge(self, other: LineCounter) -> None:
        """Add the counts of another counter (e.g. one per partition of a corpus)."""
        other._flush()
        self._pending.append((other._keys, other._counts, *other._context_pairs()))
        self.pages += other.pages
        self.forgotten += other.forgotten
        self._flush()

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The counts as plain arrays (what the pipeline's work folder stores, as ``.npz``)."""
        self._flush()
        return {"keys": self._keys, "counts": self._counts, "contexts": self._contexts,
                "pages": np.array(self.pages, dtype=np.int64),
                "forgotten": np.array(self.forgotten, dtype=np.int64)}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], config: DedupConfig | None = None) -> LineCounter:
        """A counter from `to_arrays`' arrays (checked for shape and type, never unpickled)."""
        counter = cls(config)
        keys, counts, contexts = arrays["keys"], arrays["counts"], arrays["contexts"]
        if (keys.dtype != np.uint64 or counts.dtype != np.uint32 or contexts.dtype != np.uint32
                or keys.ndim != 1 or counts.shape != keys.shape
                or contexts.shape != (len(keys), CONTEXT_SLOTS)
                or (len(keys) > 1 and not (keys[1:] > keys[:-1]).all())):
            raise ValueError("not the arrays of a LineCounter")
        counter._keys, counter._counts, counter._contexts = keys, counts, contexts
        counter.pages, counter.forgotten = int(arrays["pages"]), int(arrays["forgotten"])
        return counter

    def _context_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        rows, slots = np.nonzero(self._contexts != _NO_CONTEXT)
        return self._keys[rows], self._contexts[rows, slots]

    def _flush(self) -> None:
        if not self._pending:
            return
        parts = [(self._keys, self._counts, *self._context_pairs()), *self._pending]
        self._pending, self._pending_size = [], 0
        keys, inverse = np.unique(np.concatenate([p[0] for p in parts]), return_inverse=True)
        weights = np.concatenate([p[1] for p in parts]).astype(np.float64)
        counts = np.bincount(inverse, weights=weights).astype(np.uint32)
        # contexts: the CONTEXT_SLOTS smallest distinct context hashes of each template
        pk = np.concatenate([p[2] for p in parts])
        pc = np.concatenate([p[3] for p in parts])
        order = np.lexsort((pc, pk))
        pk, pc = pk[order], pc[order]
        fresh = np.concatenate(([True], (pk[1:] != pk[:-1]) | (pc[1:] != pc[:-1])))[:len(pk)]
        pk, pc = pk[fresh], pc[fresh]
        first = np.flatnonzero(np.concatenate(([True], pk[1:] != pk[:-1])))
        slot = np.arange(len(pk)) - np.repeat(first, np.diff(np.append(first, len(pk))))
        kept = slot < CONTEXT_SLOTS
        contexts = np.full((len(keys), CONTEXT_SLOTS), _NO_CONTEXT, dtype=np.uint32)
        contexts[np.searchsorted(keys, pk[kept]), slot[kept]] = pc[kept]
        capacity = self.config.repeated_line_capacity
        if len(keys) > capacity:
            keep = np.sort(np.lexsort((keys, -counts.astype(np.int64)))[:capacity])
            self.forgotten += len(keys) - capacity
            keys, counts, contexts = keys[keep], counts[keep], contexts[keep]
        self._keys, self._counts, self._contexts = keys, counts, contexts

    def _lookup(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(page count, estimated distinct contexts) of each template hash (0, 0 if unknown)."""
        self._flush()
        if not len(self._keys):
            return np.zeros(len(hashes), dtype=np.int64), np.zeros(len(hashes))
        idx = np.minimum(np.searchsorted(self._keys, hashes), len(self._keys) - 1)
        known = self._keys[idx] == hashes
        counts = np.where(known, self._counts[idx], 0).astype(np.int64)
        ctx = self._contexts[idx]
        filled = (ctx != _NO_CONTEXT).sum(axis=1)
        # all slots full: k-minimum-values estimate of the number of distinct contexts
        kmv = (CONTEXT_SLOTS - 1) * 2.0**32 / (ctx[:, -1].astype(np.float64) + 1.0)
        contexts = np.where(filled < CONTEXT_SLOTS, filled, np.minimum(kmv, counts))
        return counts, np.where(known, contexts, 0.0)

    def page_count(self, line: str) -> int:
        """Number of pages counted with this line's template (0 when unknown)."""
        return int(self._lookup(np.array([_hash(line_template(line))], dtype=np.uint64))[0][0])

    def removals(self, text: str) -> tuple[Removal, ...]:
        """`boilerplate.repeated_line` Removals for the lines of `text` whose template is on at
        least ``repeated_line_min_pages`` pages in enough distinct contexts (offsets into
        `text`, sorted)."""
        found = self._line_hashes(text)
        if not found:
            return ()
        hashes = np.fromiter((h for _, _, h, _ in found), dtype=np.uint64, count=len(found))
        counts, contexts = self._lookup(hashes)
        c = self.config
        out = []
        for (start, end, _, _), count, ctx in zip(found, counts.tolist(), contexts.tolist()):
            if count >= c.repeated_line_min_pages and ctx >= c.repeated_line_min_context_share * count:
                out.append(Removal(start, end, CODE, {"page_count": count, "contexts": round(ctx),
                                                      "min_pages": c.repeated_line_min_pages}))
        return tuple(out)

    @property
    def memory_bytes(self) -> int:
        """Bytes held by the counts (and the pending buffer)."""
        held = self._keys.nbytes + self._counts.nbytes + self._contexts.nbytes
        return held + sum(sum(a.nbytes for a in p) for p in self._pending)
