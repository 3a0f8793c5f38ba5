"""The second stage's inputs: each unit's own features beside its neighbours' first-stage
scores and shapes, and the page's aggregates (stacked neighbour scores: the sequence decision).

The first stage scores each unit alone (its words, shape and rule evidence); the second sees
the unit in its page: a short line between two junk lines, a headline above an article, a
sentence on a page where no sentence coheres with the next. Training uses cross-fitted
first-stage scores (`zhclean.model.train`), so the second stage learns how far to trust
them on pages the first stage has not seen.
"""
from __future__ import annotations

import numpy as np

from zhclean.model.features import SHAPE_NAMES

#: Shape columns the second stage also reads from the neighbours.
NEIGHBOUR_SHAPE = ("log_chars", "ends_terminal", "han_share", "whole_line", "punct_share", "digit_share")
#: Offsets of the neighbours whose first-stage score the second stage reads.
SCORE_OFFSETS = (1, 2, 3, -1, -2, -3)
#: A missing neighbour's score (before the first unit, after the last).
NO_SCORE = -8.0
WINDOW = 7
#: The farthest neighbour read.
REACH = max(abs(k) for k in SCORE_OFFSETS)

_SHAPE_INDEX = [SHAPE_NAMES.index(name) for name in NEIGHBOUR_SHAPE]


def stacked_names(dense_names: tuple[str, ...]) -> tuple[str, ...]:
    names = list(dense_names) + ["score"]
    for k in SCORE_OFFSETS:
        names.append(f"score[{k:+d}]")
        if abs(k) == 1:
            names += [f"{name}[{k:+d}]" for name in NEIGHBOUR_SHAPE]
    names += ["same_line[-1]", "same_line[+1]", "page_score_mean", "page_junk_share", "window_score",
              "score_before_mean", "score_after_mean"]
    return tuple(names)


class Stacked:
    """The second stage's input for one page, assembled block by block (`rows`): the page's
    vectors (neighbour scores, window and page means) are computed once, the matrix of a
    block of rows only when asked, so a page of a million sentences needs no matrix of a
    million rows."""

    def __init__(self, dense: np.ndarray, lines: np.ndarray, sizes: np.ndarray, score: np.ndarray):
        n = len(score)
        self.dense = dense
        self.score = score
        self.shape = dense[:, _SHAPE_INDEX]
        self.lines = lines
        weight = np.maximum(sizes, 1).astype(np.float64)
        self.mean = float((score * weight).sum() / weight.sum()) if n else 0.0
        self.junk_share = float((weight * (score > 0)).sum() / weight.sum()) if n else 0.0
        half = WINDOW // 2
        padded = _padded(score, half, NO_SCORE)
        self.window = np.convolve(padded, np.ones(WINDOW) / WINDOW, "valid")
        # the mean score of everything before and after the unit (char-weighted)
        cum_w = np.cumsum(weight)
        cum_s = np.cumsum(score * weight)
        self.before = np.where(cum_w - weight > 0, (cum_s - score * weight) / np.maximum(cum_w - weight, 1), NO_SCORE)
        after_w = cum_w[-1] - cum_w if n else cum_w
        after_s = (cum_s[-1] - cum_s) if n else cum_s
        self.after = np.where(after_w > 0, after_s / np.maximum(after_w, 1), NO_SCORE)
        # the neighbours' vectors padded with their fill, so a block's neighbours are slices
        self.padded_score = _padded(score, REACH, NO_SCORE)
        self.padded_shape = _padded(self.shape, 1, -1.0)
        self.padded_lines = _padded(lines, 1, -1)

    def rows(self, a: int, b: int) -> np.ndarray:
        """float32 [b - a, len(stacked_names(...))]: the rows of units a to b."""

        def at(padded: np.ndarray, pad: int, k: int) -> np.ndarray:
            """values[i - k] for the rows (the unit k places before; k < 0: after), from the
            values padded by `pad` on each side."""
            return padded[a + pad - k:b + pad - k]

        cols = [self.dense[a:b], self.score[a:b, None]]
        for k in SCORE_OFFSETS:
            cols.append(at(self.padded_score, REACH, k)[:, None])
            if abs(k) == 1:
                cols.append(at(self.padded_shape, 1, k))
        lines = self.lines[a:b]
        cols.append((at(self.padded_lines, 1, 1) == lines)[:, None])
        cols.append((at(self.padded_lines, 1, -1) == lines)[:, None])
        cols.append(np.full((b - a, 1), self.mean))
        cols.append(np.full((b - a, 1), self.junk_share))
        cols.append(self.window[a:b, None])
        cols.append(self.before[a:b, None])
        cols.append(self.after[a:b, None])
        return np.concatenate(cols, axis=1, dtype=np.float32)


def _padded(values: np.ndarray, pad: int, fill: float) -> np.ndarray:
    """`values` with `pad` rows of `fill` before and after."""
    out = np.full((len(values) + 2 * pad,) + values.shape[1:], fill, dtype=values.dtype)
    out[pad:pad + len(values)] = values
    return out


def stacked(dense: np.ndarray, lines: np.ndarray, sizes: np.ndarray, score: np.ndarray) -> np.ndarray:
    """float32 [units, len(stacked_names(...))]: the second stage's input for one page, whole.
    `sizes` are the units' visible characters (the page aggregates weigh by them)."""
    return Stacked(dense, lines, sizes, score).rows(0, len(score))
