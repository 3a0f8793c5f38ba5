"""Clusters of near-duplicates and the election of the page each cluster keeps.

The rule (documented in docs/dedup.md, and the same for every engine):

1. **Rank.** Pages are ranked by the length of their clean text, longest first, then by id
   (smallest first, as Python compares strings). The rank depends only on a page's own
   ``(length, id)``, never on input order, partitioning or worker count (`page_ranks`).
2. **Cluster.** Verified edges (estimated Jaccard >= ``cluster_threshold``) are resolved
   transitively into connected components (scipy's union-find-equivalent
   `connected_components`). The cluster id is the id of the best-ranked member.
3. **Elect.** Walking a cluster's members by rank, a member that is not yet covered becomes a
   *kept* page, and covers every not-yet-covered member joined to it by an edge whose
   estimated Jaccard is >= ``threshold``; those are removed with ``duplicate_of`` = that kept
   page. A member of a chain that no kept page is close to is therefore kept itself, never
   lost: a page is only removed when it is (estimated) at least ``threshold`` similar to the
   page that represents it, and that page is always kept.

`resolve_clusters` is a pure function of the edges and the pages' ``(length, id)``: the
distributed engine can collect its edges and call it as is.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np


def page_ranks(ids: Sequence[str], lengths: Sequence[int] | np.ndarray) -> np.ndarray:
    """``rank[i]`` of page i: 0 for the best page (longest clean text, then smallest id)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    by_id = np.argsort(np.asarray(ids, dtype=object), kind="stable")
    order = by_id[np.argsort(-lengths[by_id], kind="stable")]
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(len(order))
    return ranks


@dataclass(frozen=True)
class Clusters:
    """The result of `resolve_clusters`, as arrays over page indices.

    ``component[i]``: the index of the best-ranked page of i's cluster (i itself when alone);
    ``size[i]``: the number of pages in i's cluster; ``kept_as[i]``: -1 when page i is kept,
    else the index of the kept page it duplicates; ``jaccard[i]``: the estimated Jaccard to
    that page (NaN for kept pages).
    """

    component: np.ndarray
    size: np.ndarray
    kept_as: np.ndarray
    jaccard: np.ndarray


def resolve_clusters(edges: np.ndarray, estimates: np.ndarray, ranks: np.ndarray,
                     threshold: float) -> Clusters:
    """Cluster pages transitively over `edges` (``(m, 2)`` page indices, with their estimated
    Jaccard in `estimates`) and elect kept pages by `ranks` (see the module docstring)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(ranks)
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    estimates = np.asarray(estimates, dtype=np.float64)
    component = np.arange(n)
    size = np.ones(n, dtype=np.int64)
    kept_as = np.full(n, -1, dtype=np.int64)
    jaccard = np.full(n, np.nan)
    if not len(edges):
        return Clusters(component, size, kept_as, jaccard)
    graph = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    counts = np.bincount(labels)
    size = counts[labels]
    # best-ranked member of each label
    best = np.full(len(counts), -1, dtype=np.int64)
    order = np.argsort(ranks, kind="stable")
    rev = order[::-1]
    best[labels[rev]] = rev  # last write wins: the best rank
    component = best[labels]

    # Covering edges (>= threshold), oriented from the better to the worse page.
    strong = estimates >= threshold
    u, v, w = edges[strong, 0], edges[strong, 1], estimates[strong]
    swap = ranks[u] > ranks[v]
    u, v = np.where(swap, v, u), np.where(swap, u, v)
    # CSR adjacency: for each better page, its worse neighbours, in rank order of neighbour.
    adj_order = np.lexsort((ranks[v], u))
    u, v, w = u[adj_order], v[adj_order], w[adj_order]
    start = np.searchsorted(u, np.arange(n + 1))
    covered = np.zeros(n, dtype=bool)
    members = order[size[order] > 1]  # clustered pages, best first
    for page in members:
        if covered[page]:
            continue
        lo, hi = start[page], start[page + 1]
        if lo == hi:
            continue
        nb = v[lo:hi]
        free = ~covered[nb]
        nb = nb[free]
        covered[nb] = True
        kept_as[nb] = page
        jaccard[nb] = w[lo:hi][free]
    return Clusters(component, size, kept_as, jaccard)
