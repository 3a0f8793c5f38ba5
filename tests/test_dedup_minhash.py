"""Signatures: bit-identical to datasketch, accepted by its LSH, accurate, batch-independent."""
from __future__ import annotations

import math

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash, MinHashLSH

from dedup_pages import LIBRARY, STORY, library, story
from zhclean.dedup import (MinHasher, band_key, band_keys, bucket_pairs, candidate_pairs,
                           exact_jaccard, lsh_params, shingle_form, shingles, verified_edges)
from zhclean.dedup import minhash as minhash_module
from zhclean.dedup.minhash import shingle_hash

TEXTS = [
    story(),
    library(),
    "短文",                      # shorter than n: one shingle, the whole text
    "",                           # no shingles: the empty signature
    "ＡＢＣ　青川县\n学校饮水改造，ＯＫ！",  # full width and spaces fold
    "Ｈｅｌｌｏ 世界 ①②…" * 5,
]


def datasketch_signature(text: str, ngram: int = 5, num_perm: int = 128, seed: int = 1):
    m = MinHash(num_perm=num_perm, seed=seed, hashfunc=shingle_hash)
    grams = shingles(text, ngram)
    if grams:
        m.update_batch(grams)
    return m.hashvalues


@pytest.mark.parametrize("ngram, num_perm, seed", [(5, 128, 1), (3, 64, 42), (9, 256, 7)])
def test_signatures_equal_datasketch_minhash_with_our_shingle_hash(ngram, num_perm, seed):
    sigs = MinHasher(ngram, num_perm, seed).signatures(TEXTS)
    assert sigs.dtype == np.uint32 and sigs.shape == (len(TEXTS), num_perm)
    for text, sig in zip(TEXTS, sigs):
        assert np.array_equal(sig, datasketch_signature(text, ngram, num_perm, seed))


def test_empty_text_has_the_empty_signature():
    assert (MinHasher().signatures([""])[0] == np.uint32(0xFFFFFFFF)).all()


def test_datasketch_lean_minhash_and_lsh_accept_signatures_unchanged():
    edited = story(edits={"一千二百万元": "一千五百万元", "刘建平": "刘建华"})
    sigs = MinHasher().signatures([story(), edited, library()])
    lean = [LeanMinHash(MinHash(seed=1, hashvalues=s, scheme="affine32")) for s in sigs]
    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    for key, m in zip(["story", "edited", "library"], lean):
        lsh.insert(key, m)
    assert sorted(lsh.query(lean[0])) == ["edited", "story"]
    assert lean[0].jaccard(lean[1]) == pytest.approx((sigs[0] == sigs[1]).mean())
    # and they compare with MinHash objects datasketch builds itself from the same shingles
    own = MinHash(num_perm=128, seed=1, hashfunc=shingle_hash)
    own.update_batch(shingles(edited))
    assert lean[0].jaccard(LeanMinHash(own)) == lean[0].jaccard(lean[1])


def test_signature_of_a_text_does_not_depend_on_its_batch_or_windows(monkeypatch):
    hasher = MinHasher()
    together = hasher.signatures(TEXTS)
    alone = np.stack([hasher.signatures([t])[0] for t in TEXTS])
    assert np.array_equal(together, alone)
    monkeypatch.setattr(minhash_module, "BATCH_CHARS", 40)   # long texts cut in windows
    monkeypatch.setattr(minhash_module, "CHUNK", 7)          # permutation chunks mid-page
    assert np.array_equal(hasher.signatures(TEXTS), together)


def test_shingle_form_folds_width_case_and_space_and_is_idempotent():
    assert shingle_form("ＡＢＣ　青川 县\n學校") == "abc青川县學校"  # no Traditional->Simplified
    for text in TEXTS:
        assert shingle_form(shingle_form(text)) == shingle_form(text)


def _variant(k: int) -> tuple[str, str]:
    """Pairs of pages with a spread of exact Jaccard values."""
    base = "\n".join(STORY)
    other = "\n".join(STORY[k % 12:] + LIBRARY[: k % 6] + STORY[: k % 12 // 2])
    return base, other


def test_jaccard_estimate_is_within_tolerance_of_the_exact_value():
    hasher = MinHasher(num_perm=256)
    checked = 0
    for k in range(12):
        a, b = _variant(k)
        exact = exact_jaccard(a, b)
        sa, sb = hasher.signatures([a, b])
        estimate = (sa == sb).mean()
        sd = math.sqrt(max(exact * (1 - exact), 0.01) / 256)
        assert abs(estimate - exact) <= 4 * sd, (k, exact, estimate)
        checked += 0.05 < exact < 0.95
    assert checked >= 4  # the pairs cover a range of similarities


def test_lsh_params_are_datasketch_optimal_parameters():
    assert lsh_params(0.8, 128) == (9, 13)
    assert lsh_params(0.55, 128) == (21, 6)


def test_band_keys_are_equal_exactly_when_the_band_values_are():
    sigs = MinHasher().signatures([story(), story(), library()])
    sigs[1, 6:12] ^= 1  # change band 1 of the second page
    keys = band_keys(sigs, 21, 6)
    assert keys.shape == (3, 21) and keys.dtype == np.uint64
    assert keys[0, 0] == keys[1, 0] and keys[0, 1] != keys[1, 1]
    assert (keys[0] != keys[2]).all()
    assert np.array_equal(keys[:, 4], band_key(sigs, 4, 6))


def test_bucket_pairs_pair_members_with_the_best_ranked_of_the_bucket():
    keys = np.array([7, 7, 7, 7, 3, 9, 3], dtype=np.uint64)
    ranks = np.array([3, 0, 2, 1, 5, 4, 6])
    pairs = {tuple(p) for p in bucket_pairs(keys, ranks, fanout=2)}
    # bucket 7 by rank: 1, 3, 2, 0 -> each pairs with at most the 2 best before it
    assert pairs == {(1, 3), (1, 2), (3, 2), (1, 0), (3, 0), (4, 6)}


def test_candidate_pairs_and_verified_edges_find_the_copy_only():
    edited = story(edits={"六月底": "七月初"})
    sigs = MinHasher().signatures([story(), edited, library(), ""])
    ranks = np.arange(4)
    pairs = candidate_pairs(sigs, ranks, 21, 6, pages=np.array([0, 1, 2]))
    assert [tuple(p) for p in pairs] == [(0, 1)]
    edges, est = verified_edges(sigs, pairs, 0.7)
    assert [tuple(e) for e in edges] == [(0, 1)] and est[0] > 0.8
