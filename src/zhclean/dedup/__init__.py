"""Duplicate removal on the clean text: exact, MinHash near-duplicates, repeated lines.

Public API (see `deduplicator` for the pipeline's view, docs/dedup.md for the defaults)::

    from zhclean.dedup import DedupConfig, Deduplicator, DupDecision
    decisions = Deduplicator(DedupConfig()).run(pages)   # pages: iterable of (id, clean_text)

Building blocks for a distributed engine, each a pure function of numpy arrays:
`exact_key` (int64 key of the normalized text), `MinHasher.signatures` (a batch of texts ->
``uint32[pages, num_perm]``, datasketch-compatible), `lsh_params`, `band_keys` (per page and
band, ``uint64``), `bucket_pairs` / `candidate_pairs` (pairs sharing a band key),
`verified_edges` (estimated-Jaccard check), `page_ranks` and `resolve_clusters` (clusters and
the deterministic election), and `Deduplicator.add_signed` to finish on one machine from
signatures computed elsewhere.

Cross-page boilerplate (optional pass, two passes over the corpus): `LineCounter` counts line
templates per page in bounded memory, then ``counter.removals(text)`` gives
``boilerplate.repeated_line`` Removals with their ``page_count`` (see `repeated_lines`).
"""
from zhclean.config import DedupConfig
from zhclean.dedup.clusters import Clusters, page_ranks, resolve_clusters
from zhclean.dedup.deduplicator import EXACT, NEAR, Deduplicator, DupDecision
from zhclean.dedup.exact import exact_form, exact_key
from zhclean.dedup.lsh import (band_key, band_keys, bucket_pairs, candidate_pairs, lsh_params,
                               verified_edges)
from zhclean.dedup.repeated_lines import LineCounter, line_template
from zhclean.dedup.minhash import MinHasher, estimate_jaccard, exact_jaccard, shingle_form, shingles

__all__ = [
    "EXACT",
    "NEAR",
    "Clusters",
    "DedupConfig",
    "Deduplicator",
    "DupDecision",
    "LineCounter",
    "MinHasher",
    "band_key",
    "band_keys",
    "bucket_pairs",
    "candidate_pairs",
    "estimate_jaccard",
    "exact_form",
    "exact_jaccard",
    "exact_key",
    "line_template",
    "lsh_params",
    "page_ranks",
    "resolve_clusters",
    "shingle_form",
    "shingles",
    "verified_edges",
]
