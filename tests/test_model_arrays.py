"""The array shortcuts the model's features take answer exactly what the plain definitions
do: sums over ranges (empty ones, one that runs to the end of the page), the title's bigrams
found through a filter, distinct values by a sort. Deterministic random cases."""
from __future__ import annotations

import numpy as np

from zhclean.model import features as F


def _ranges(rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Ordered, disjoint ranges of [0, size), some empty, the last often ending at `size`."""
    cuts = np.sort(rng.integers(0, size + 1, 2 * int(rng.integers(0, 8))))
    if len(cuts) and rng.random() < 0.5:
        cuts[-1] = size
    return cuts[0::2].astype(np.int64), cuts[1::2].astype(np.int64)


def test_range_sums_equal_the_sums_of_the_slices():
    rng = np.random.default_rng(7)
    for _ in range(500):
        size = int(rng.integers(1, 40))
        values = rng.integers(0, 3, (3, size))
        starts, ends = _ranges(rng, size)
        expected = np.array([[row[s:e].sum() for s, e in zip(starts, ends)] for row in values]).reshape(3, -1)
        assert np.array_equal(F._range_sums(values, starts, ends), expected)
        assert np.array_equal(F._range_sums(values[0], starts, ends), expected[0])


def test_bigrams_in_finds_exactly_the_title_bigrams():
    rng = np.random.default_rng(11)
    for _ in range(500):
        # characters that collide on their low ten bits, so the filter lets wrong ones through
        alphabet = (rng.integers(0x4E00, 0x9FFF, 6)[:, None] + np.array([0, 1024, 2048])).ravel().astype(np.uint32)
        codes = rng.choice(alphabet, int(rng.integers(0, 30))).astype(np.uint32)
        title = rng.choice(alphabet, int(rng.integers(2, 8))).astype(np.uint32)
        pairs = {(int(a), int(b)) for a, b in zip(title[:-1], title[1:])}
        expected = [i + 1 < len(codes) and (int(codes[i]), int(codes[i + 1])) in pairs for i in range(len(codes))]
        assert F._bigrams_in(codes, title).tolist() == expected


def test_distinct_is_numpys_unique():
    rng = np.random.default_rng(3)
    for size in (0, 1, 2, 50, 3000):
        values = rng.integers(-(1 << 40), 1 << 40, size) // int(rng.integers(1, 1 << 38))
        assert np.array_equal(F._distinct(values), np.unique(values))


def test_trees_score_float32_rows_as_their_float64_copies():
    """The second stage's float32 rows are compared with float32 thresholds (each the largest
    float32 at or below the float64 one): the same leaves, also for values on either side of
    a threshold and NaN."""
    from zhclean.model.junk_model import load_model

    trees = load_model().stage2
    thresholds = trees._levels[2]
    edges = thresholds[np.isfinite(thresholds)].astype(np.float32)
    near = np.concatenate([edges, np.nextafter(edges, np.float32(np.inf)), np.nextafter(edges, np.float32(-np.inf))])
    rng = np.random.default_rng(5)
    width = int(trees.feature.max()) + 1
    x = rng.choice(near, (400, width)).astype(np.float32)
    x[rng.random(x.shape) < 0.02] = np.nan
    assert np.array_equal(trees.raw_score(x), trees.raw_score(x.astype(np.float64)))
