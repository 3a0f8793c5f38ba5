"""The single-machine deduplicator: exact, then MinHash near-duplicates, page by page decisions.

For the pipeline and the CLI::

    from zhclean.dedup import DedupConfig, Deduplicator
    dd = Deduplicator(DedupConfig())
    decisions = dd.run((page_id, clean_text) for ...)      # dict[str, DupDecision]

or, streaming (memory is the compact index only: ~0.7 KB per page at the defaults)::

    dd = Deduplicator(config)
    for batch in batches:                 # any iterable of (id, clean_text)
        dd.add(batch)
    decisions = dd.finish(texts=lookup)   # lookup: Mapping or callable id -> clean text,
                                          # used only for removed pages and their kept pages
                                          # (exact Jaccard); None skips that check

Run dedup on the *clean* text (after the cleaner): one article wrapped in two spam templates
is then a duplicate, and two articles sharing one template are not. Every input id gets
exactly one `DupDecision`; write removed pages to the rejected output with
``decision.to_dict()`` (code ``dup.exact`` / ``dup.near``, ``duplicate_of``, ``cluster_id``,
``cluster_size``, ``jaccard``, ``jaccard_exact``), and kept pages with their ``cluster_id`` /
``cluster_size``. `Deduplicator.describe()` gives the parameters to save with the output.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from zhclean.config import DedupConfig
from zhclean.dedup.clusters import page_ranks, resolve_clusters
from zhclean.dedup.exact import exact_key
from zhclean.dedup.lsh import candidate_pairs, lsh_params, verified_edges
from zhclean.dedup.minhash import EMPTY_VALUE, SCHEME, MinHasher, exact_jaccard, fold_codepoints
from zhclean.errors import InputError

EXACT = "dup.exact"
NEAR = "dup.near"
#: Pages per signature batch in `Deduplicator.add`.
ADD_BATCH = 2048


@dataclass(frozen=True, slots=True)
class DupDecision:
    """What dedup decided for one page.

    `kept` pages have ``code is None``; removed ones have ``code`` ``dup.exact`` or
    ``dup.near`` and ``duplicate_of``, the id of the *kept* page that represents them.
    `cluster_id` is the id of the best page of the cluster (its own id when alone) and
    `cluster_size` the number of pages in it. `jaccard` is the estimated n-gram Jaccard to
    ``duplicate_of`` (1.0 for exact duplicates), `jaccard_exact` the exact one when computed.
    """

    id: str
    kept: bool
    code: str | None
    duplicate_of: str | None
    cluster_id: str
    cluster_size: int
    jaccard: float | None = None
    jaccard_exact: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kept": self.kept, "code": self.code,
                "duplicate_of": self.duplicate_of, "cluster_id": self.cluster_id,
                "cluster_size": self.cluster_size, "jaccard": self.jaccard,
                "jaccard_exact": self.jaccard_exact}


class Deduplicator:
    """Exact and near-duplicate removal over a stream of ``(id, clean_text)`` pages."""

    def __init__(self, config: DedupConfig | None = None):
        self.config = config or DedupConfig()
        c = self.config
        self.hasher = MinHasher(c.ngram, c.num_perm, c.seed)
        self._ids: list[str] = []
        self._lengths: list[np.ndarray] = []
        self._keys: list[np.ndarray] = []
        self._sigs: list[np.ndarray] = []

    @property
    def bands(self) -> int:
        """LSH bands: ``bands_rows``, or datasketch's optimum for ``candidate_threshold``
        (computed on first use, ~1 s, then cached per process; signing does not need it)."""
        return self._bands_rows()[0]

    @property
    def rows(self) -> int:
        """LSH rows per band (see `bands`)."""
        return self._bands_rows()[1]

    def _bands_rows(self) -> tuple[int, int]:
        c = self.config
        return c.bands_rows or lsh_params(c.candidate_threshold, c.num_perm)

    def describe(self) -> dict[str, Any]:
        """The parameters in effect (save them with the output)."""
        c = self.config
        return {"ngram": c.ngram, "num_perm": c.num_perm, "seed": c.seed, "scheme": SCHEME,
                "bands": self.bands, "rows": self.rows, "threshold": c.threshold,
                "cluster_threshold": c.cluster_threshold,
                "candidate_threshold": c.candidate_threshold}

    def add(self, pages: Iterable[tuple[str, str]]) -> None:
        """Sign and index pages; call as often as needed, then `finish`."""
        batch: list[tuple[str, str]] = []
        for page in pages:
            batch.append(page)
            if len(batch) >= ADD_BATCH:
                self._add_batch(batch)
                batch = []
        if batch:
            self._add_batch(batch)

    def _add_batch(self, batch: list[tuple[str, str]]) -> None:
        lengths, keys, sigs = self.sign([t for _, t in batch])
        self.add_signed([str(i) for i, _ in batch], lengths, keys, sigs)

    def sign(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What dedup keeps of a batch of clean texts, computed where the texts are (a worker):
        ``(lengths, exact_keys, signatures)``, the arguments of `add_signed` besides the ids.

        lengths: ``int64`` non-space characters (the election's first criterion);
        exact_keys: ``int64`` `exact.exact_key`; signatures: ``uint32[len(texts), num_perm]``
        (all ``EMPTY_VALUE`` for pages under ``min_chars``, which only exact dedup sees), or
        ``(len(texts), 0)`` when near-duplicate removal is off.
        """
        texts = [t or "" for t in texts]
        lengths = np.fromiter((fold_codepoints(t).size for t in texts), dtype=np.int64,
                              count=len(texts))
        keys = np.fromiter((exact_key(t) for t in texts), dtype=np.int64, count=len(texts))
        if self.config.near:
            short = lengths < self.config.min_chars
            sigs = self.hasher.signatures([("" if s else t) for t, s in zip(texts, short)])
        else:
            sigs = np.empty((len(texts), 0), dtype=np.uint32)
        return lengths, keys, sigs

    def add_signed(self, ids: list[str], lengths: np.ndarray, exact_keys: np.ndarray,
                   signatures: np.ndarray) -> None:
        """Add pages already signed elsewhere (a worker, a cache): their ids, clean lengths
        (the election's first criterion), `exact.exact_key`s and signatures (an all-empty
        signature means "too short: exact dedup only")."""
        n = len(ids)
        sigs = np.asarray(signatures, dtype=np.uint32)
        width = self.config.num_perm if self.config.near else sigs.shape[-1]
        if len(lengths) != n or len(exact_keys) != n or sigs.shape != (n, width):
            raise ValueError(
                f"add_signed got {n} ids, {len(lengths)} lengths, {len(exact_keys)} exact keys "
                f"and signatures of shape {sigs.shape}; expected one of each per id and "
                f"signatures of shape ({n}, {width}) (num_perm of this DedupConfig): sign the "
                "pages with Deduplicator.sign under the same config")
        self._ids.extend(ids)
        self._lengths.append(np.asarray(lengths, dtype=np.int64))
        self._keys.append(np.asarray(exact_keys, dtype=np.int64))
        self._sigs.append(sigs)

    def run(self, pages: Iterable[tuple[str, str]]) -> dict[str, DupDecision]:
        """Deduplicate an iterable of ``(id, clean_text)`` at once (keeps the texts of the
        batch in memory for the exact Jaccard check; use add/finish for huge inputs)."""
        pages = [(str(i), t or "") for i, t in pages]
        self.add(pages)
        return self.finish(texts=dict(pages) if self.config.verify_exact else None)

    def finish(self, texts: Mapping[str, str] | Callable[[str], str] | None = None
               ) -> dict[str, DupDecision]:
        """Resolve everything added so far into one decision per id.

        `texts` (id -> clean text) is read only for pages removed as near-duplicates and their
        kept pages (the exact Jaccard check, ``verify_exact``). `finish` can be called again,
        e.g. first without texts to learn which pages need them (``code == "dup.near"`` and
        their ``duplicate_of``), then with just those texts; more pages can be added between.
        """
        c = self.config
        ids = self._ids
        n = len(ids)
        if len(set(ids)) != n:
            seen: set[str] = set()
            dup = next(i for i in ids if i in seen or seen.add(i))
            raise InputError(f"page id {dup!r} appears more than once in the dedup input; "
                             "ids must be unique (dedup reports each page by its id)")
        if n == 0:
            return {}
        lengths = np.concatenate(self._lengths)
        keys = np.concatenate(self._keys)
        ranks = page_ranks(ids, lengths)

        # Exact duplicates: the best-ranked page of each key represents it.
        rep = np.arange(n)
        if c.exact:  # (empty pages are not duplicates of each other: nothing to compare)
            keys = np.where(lengths == 0, -np.arange(1, n + 1), keys)
            order = np.lexsort((ranks, keys))
            sk = keys[order]
            first = np.concatenate(([True], sk[1:] != sk[:-1]))
            head = order[np.flatnonzero(first)]
            rep[order] = np.repeat(head, np.diff(np.append(np.flatnonzero(first), n)))
        is_rep = rep == np.arange(n)

        kept_as = np.full(n, -1, dtype=np.int64)
        jac = np.full(n, np.nan)
        component = np.arange(n)
        if c.near:
            sigs = self._signatures()
            idx = np.flatnonzero(is_rep & (sigs != EMPTY_VALUE).any(axis=1))
            pairs = candidate_pairs(sigs, ranks, self.bands, self.rows, pages=idx)
            edges, est = verified_edges(sigs, pairs, c.cluster_threshold)
            cl = resolve_clusters(edges, est, ranks, c.threshold)
            component, kept_as, jac = cl.component, cl.kept_as, cl.jaccard
        exact = self._verify_exact(texts, kept_as, jac) if texts is not None else None
        return self._decisions(rep, component, kept_as, jac, exact)

    def _signatures(self) -> np.ndarray:
        """All signatures as one array, moved chunk by chunk (peak: one chunk over the total)."""
        if len(self._sigs) != 1:
            total = sum(len(s) for s in self._sigs)
            out = np.empty((total, self.config.num_perm), dtype=np.uint32)
            pos = 0
            self._sigs.reverse()
            while self._sigs:
                chunk = self._sigs.pop()
                out[pos:pos + len(chunk)] = chunk
                pos += len(chunk)
            self._sigs = [out]
        return self._sigs[0]

    def _verify_exact(self, texts, kept_as: np.ndarray, jac: np.ndarray) -> np.ndarray:
        """Keep removed pages whose exact Jaccard to their kept page is below threshold;
        return the exact Jaccard of every page removed as a near-duplicate (NaN elsewhere)."""
        exact = np.full(len(kept_as), np.nan)
        lookup = texts if callable(texts) else texts.__getitem__

        def get(page: str) -> str:
            try:
                return lookup(page)
            except KeyError:
                raise InputError(
                    f"finish(texts=...) has no text for page {page!r}, which the exact Jaccard "
                    "check needs: pass the texts of the pages removed as dup.near and of their "
                    "duplicate_of (a first finish() without texts lists them), or set "
                    "dedup.verify_exact = false") from None

        for i in np.flatnonzero(kept_as >= 0):
            j = exact_jaccard(get(self._ids[i]), get(self._ids[kept_as[i]]), self.config.ngram)
            exact[i] = j
            if j < self.config.threshold:
                kept_as[i] = -1
                jac[i] = np.nan
        return exact

    def _decisions(self, rep, component, kept_as, jac, exact) -> dict[str, DupDecision]:
        ids = self._ids
        n = len(ids)
        # Exact duplicates follow their representative into its cluster.
        cluster = component[rep]
        size = np.bincount(cluster, minlength=n)[cluster]
        exact = np.full(n, np.nan) if exact is None else exact
        # plain lists: indexing them is several times faster than numpy scalars
        rep_l, cluster_l, size_l = rep.tolist(), cluster.tolist(), size.tolist()
        kept_l, jac_l, exact_l = kept_as.tolist(), jac.tolist(), exact.tolist()
        out: dict[str, DupDecision] = {}
        for i, page in enumerate(ids):
            r = rep_l[i]
            cid, csize = ids[cluster_l[i]], size_l[i]
            if kept_l[r] >= 0:
                je = None if exact_l[r] != exact_l[r] else round(exact_l[r], 4)  # NaN: not computed
                out[page] = DupDecision(page, False, NEAR, ids[kept_l[r]], cid, csize,
                                        round(jac_l[r], 4), je)
            elif r != i:
                out[page] = DupDecision(page, False, EXACT, ids[r], cid, csize, 1.0, None)
            else:
                out[page] = DupDecision(page, True, None, None, cid, csize)
        return out
