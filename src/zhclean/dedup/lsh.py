"""LSH banding over MinHash signatures: band keys, candidate pairs, verified edges.

Compact by construction: no Python dict of sets. A band key is one ``uint64`` per page and
band (a hash of the band index and its ``rows`` signature values); candidates come from
sorting each band's keys (``argsort``) and pairing pages that share a key. Every function is a
pure function of numpy arrays, so the distributed engine can run `band_keys` per partition,
shuffle on the key, and run `bucket_pairs` per group of equal keys (see distributed.md 4.1-4.2).

Bands and rows are datasketch's optimal parameters (`datasketch.lsh._optimal_param`, the
grid search that `MinHashLSH(threshold=...)` runs) for the *candidate* threshold, which sits
below the removal threshold: the LSH only proposes pairs; each is verified on the signatures
(`verified_edges`) before it links two pages.

Within one bucket, pairs are not all k*(k-1)/2: each member is paired with the best
`fanout` members of the bucket by rank (`clusters.page_ranks`), which is every pair for
buckets up to `fanout` pages and linear work for a 100,000-page template bucket. The pages a
member is paired with are those most likely to be kept, which is what the election needs.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

#: Each page of a bucket is paired with at most this many of the bucket's best-ranked pages.
FANOUT = 32
_MIX = np.uint64(0x9E3779B97F4A7C15)
_STEPS = np.arange(1, 1025, dtype=np.uint64) * _MIX  # wraps mod 2**64, as intended


@lru_cache(maxsize=32)
def lsh_params(candidate_threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` minimizing datasketch's equal-weighted false-positive and
    false-negative areas around `candidate_threshold` (what ``MinHashLSH`` would pick)."""
    from datasketch.lsh import _optimal_param

    return tuple(int(v) for v in _optimal_param(candidate_threshold, num_perm, 0.5, 0.5))


def candidate_probability(jaccard: float, bands: int, rows: int) -> float:
    """Chance that a pair with this Jaccard shares at least one band (the LSH S-curve)."""
    return 1.0 - (1.0 - jaccard**rows) ** bands


def _fmix64(h: np.ndarray) -> np.ndarray:
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


def band_key(signatures: np.ndarray, band: int, rows: int) -> np.ndarray:
    """The ``uint64`` key of one band for every page (its ``rows`` values, hashed with the band
    index). Pages share it when those values are equal (up to a 64-bit hash collision, which
    verification filters out)."""
    sig = np.asarray(signatures)
    key = np.full(len(sig), _STEPS[band % len(_STEPS)], dtype=np.uint64)
    for k in range(rows):
        key ^= sig[:, band * rows + k].astype(np.uint64)
        key = _fmix64(key)
        key += _STEPS[k % len(_STEPS)]
    return key


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """All band keys, shape ``(pages, bands)`` (per partition, for a distributed shuffle)."""
    sig = np.asarray(signatures, dtype=np.uint32)
    if sig.ndim != 2 or sig.shape[1] < bands * rows:
        raise ValueError(f"signatures of shape {sig.shape} cannot give {bands} bands x {rows} rows")
    return np.stack([band_key(sig, b, rows) for b in range(bands)], axis=1)


def bucket_pairs(keys: np.ndarray, ranks: np.ndarray, fanout: int = FANOUT) -> np.ndarray:
    """Candidate pairs from one band's keys: ``int64`` array of shape ``(pairs, 2)`` holding
    page indices ``(better, worse)`` by rank. `ranks` are unique per page (smaller is better).
    """
    keys = np.asarray(keys)
    ranks = np.asarray(ranks)
    if len(keys) < 2:
        return np.empty((0, 2), dtype=np.int64)
    # Most keys are unique: find the shared ones with one plain sort, then order only those
    # by (key, rank).
    by_key = np.argsort(keys)
    sk = keys[by_key]
    same = sk[1:] == sk[:-1]
    shared = np.concatenate(([False], same)) | np.concatenate((same, [False]))
    members = by_key[shared]
    if not len(members):
        return np.empty((0, 2), dtype=np.int64)
    order = members[np.lexsort((ranks[members], keys[members]))]
    sk = keys[order]
    new = np.concatenate(([True], sk[1:] != sk[:-1]))
    group_start = np.flatnonzero(new)
    sizes = np.diff(np.concatenate((group_start, [len(sk)])))
    # position of each element inside its group
    pos = np.arange(len(sk)) - np.repeat(group_start, sizes)
    partners = np.minimum(pos, fanout)  # members before it in the group it pairs with
    total = int(partners.sum())
    if total == 0:
        return np.empty((0, 2), dtype=np.int64)
    worse = np.repeat(np.arange(len(sk)), partners)
    first = np.repeat(np.repeat(group_start, sizes), partners)
    step = np.arange(total) - np.repeat(np.cumsum(partners) - partners, partners)
    better = first + step
    return np.stack((order[better], order[worse]), axis=1).astype(np.int64)


def candidate_pairs(signatures: np.ndarray, ranks: np.ndarray, bands: int, rows: int,
                    pages: np.ndarray | None = None, fanout: int = FANOUT) -> np.ndarray:
    """Distinct candidate pairs ``(better, worse)`` of page indices over all bands, among
    `pages` (all when None). One band's keys exist at a time, so the scratch memory is
    ~16 bytes per page whatever the number of bands; `signatures` are never copied."""
    sig = np.asarray(signatures)
    if sig.ndim != 2 or sig.shape[1] < bands * rows:
        raise ValueError(f"signatures of shape {sig.shape} cannot give {bands} bands x {rows} rows")
    pages = np.arange(len(sig)) if pages is None else np.asarray(pages, dtype=np.int64)
    sub_ranks = np.asarray(ranks)[pages]
    codes = np.empty(0, dtype=np.int64)
    for band in range(bands):
        p = pages[bucket_pairs(band_key(sig, band, rows)[pages], sub_ranks, fanout)]
        codes = np.union1d(codes, (p[:, 0] << 32) | p[:, 1])
    return np.stack((codes >> 32, codes & 0xFFFFFFFF), axis=1)


def verified_edges(signatures: np.ndarray, pairs: np.ndarray, min_jaccard: float,
                   chunk: int = 65536) -> tuple[np.ndarray, np.ndarray]:
    """The pairs whose estimated Jaccard is at least `min_jaccard`, and those estimates."""
    keep = []
    est = []
    for s in range(0, len(pairs), chunk):
        p = pairs[s:s + chunk]
        j = (signatures[p[:, 0]] == signatures[p[:, 1]]).mean(axis=1)
        ok = j >= min_jaccard
        keep.append(p[ok])
        est.append(j[ok])
    if not keep:
        return np.empty((0, 2), dtype=np.int64), np.empty(0)
    return np.concatenate(keep), np.concatenate(est)
