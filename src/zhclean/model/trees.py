"""Gradient-boosted trees as arrays, evaluated by a small compiled walk or with numpy.

Training uses LightGBM (the ``train`` extra); the trained ensemble is stored as a few integer
and float arrays, so the cleaner needs neither LightGBM nor its OpenMP runtime and loads
nothing that can execute. Scoring walks every row down every tree in C (`_treewalk.c`, built
at install where a C compiler is at hand: about a third of the array walk's time on the second
stage), or else with numpy, every unit of a page against every tree in one vectorized walk.
Both give the same floats: the leaves they reach are summed by the same numpy call.
`tests/test_model.py` checks that the scores equal LightGBM's own, and
`tests/test_model_arrays.py` that the two walks agree.

Layout: the nodes of all trees in one table. Node ``i`` splits on ``feature[i]`` at
``threshold[i]`` (go left when the value is ``<=`` the threshold, and, where
``default_left[i]``, when it is NaN), with children ``left[i]``, ``right[i]``; a child below
zero is the leaf ``~child`` of ``leaf_value``. ``roots[t]`` is tree t's first node (a tree with
one leaf has root ``~leaf``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Mapping

import numpy as np

try:  # the compiled walk (setup.py): optional, the numpy walk gives the same scores
    from zhclean.model._treewalk import leaves as _compiled_leaves
except ImportError:  # pragma: no cover - an install without a C compiler
    _compiled_leaves = None

#: Whether `TreeEnsemble.raw_score` walks the trees in C (`_treewalk.c`); False after an
#: install without a C compiler. Tests set it False to check the numpy walk.
COMPILED = _compiled_leaves is not None

#: Deepest tree scored level by level (`TreeEnsemble._levels`); deeper ensembles are walked.
MAX_LEVELS = 12


@dataclass(frozen=True)
class TreeEnsemble:
    feature: np.ndarray      # int32 [nodes]
    threshold: np.ndarray    # float64 [nodes]
    default_left: np.ndarray  # bool [nodes]
    left: np.ndarray         # int32 [nodes]
    right: np.ndarray        # int32 [nodes]
    leaf_value: np.ndarray   # float64 [leaves]
    roots: np.ndarray        # int32 [trees]
    #: Classes per round: 1 for a binary or regression model, k for a k-class model (tree t
    #: then adds to class t % k).
    classes: int = 1

    def raw_score(self, x: np.ndarray) -> np.ndarray:
        """The ensemble's raw score (a logit) for each row of `x`: [rows] for one class, else
        [rows, classes]."""
        levels = self._levels
        if levels is not None and COMPILED and len(self.roots) and len(x):
            return self._compiled_score(x)
        if levels is not None:
            if isinstance(x, np.ndarray) and x.dtype == np.float32:
                # (the second stage's rows: compared in float32, no float64 copy, same answers)
                depth, feature, _, default_left, right, leaves = levels
                return self._level_score(x, depth, feature, self._thresholds32, default_left, right, leaves)
            return self._level_score(np.asarray(x, dtype=np.float64), *levels)
        return self._walk_score(np.asarray(x, dtype=np.float64))

    def _compiled_score(self, x: np.ndarray) -> np.ndarray:
        """`raw_score` by the compiled walk over the level tables: the leaf each row reaches in
        each tree, summed per class as `_level_score` sums them (the same floats)."""
        if not (isinstance(x, np.ndarray) and x.dtype in (np.float32, np.float64) and x.flags.c_contiguous):
            x = np.ascontiguousarray(x, dtype=np.float64)
        depth, feature, threshold, default_left, _, leaves = self._levels
        values = np.empty((len(x), len(self.roots)))
        _compiled_leaves(x, depth, self._feature32, self._thresholds32 if x.dtype == np.float32 else threshold,
                         default_left, leaves, values)
        return self._class_sums(values)

    @cached_property
    def _feature32(self) -> np.ndarray:
        """`_levels`' features as the int32 the compiled walk reads."""
        return self._levels[1].astype(np.int32)

    def _class_sums(self, values: np.ndarray) -> np.ndarray:
        """[rows, trees] leaf values -> the raw score: [rows], or [rows, classes]."""
        if self.classes == 1:
            return values.sum(axis=1)
        return np.stack([values[:, k::self.classes].sum(axis=1) for k in range(self.classes)], axis=1)

    @cached_property
    def _levels(self) -> tuple[np.ndarray, ...] | None:
        """The trees as complete binary trees of one depth (a leaf above the bottom copied
        into every leaf below it), so every row descends every tree in lockstep: one gather
        per level instead of a walk with a mask. None when a tree is deeper than `MAX_LEVELS`.

        Flat tables, one entry per level-order node ``p`` of tree ``t`` at ``t * width + p``:
        its feature, threshold, default direction, and its right child (``2p + 2``, or on the
        last level the leaf ``2p + 2 - width`` at ``t * 2**depth + leaf`` of `leaves`); the
        left child is the entry before the right one in either table."""
        depth = self._depths()
        if depth is None:
            return None
        trees = len(self.roots)
        inner = (1 << depth) - 1
        feature = np.zeros((trees, max(inner, 1)), np.int32)
        threshold = np.full((trees, max(inner, 1)), np.inf)
        default_left = np.ones((trees, max(inner, 1)), bool)
        leaves = np.zeros((trees, 1 << depth))
        for t, root in enumerate(self.roots.tolist()):
            stack = [(root, 0, 0)]  # (node or ~leaf, level, index within level)
            while stack:
                node, level, index = stack.pop()
                if node < 0:
                    span = 1 << (depth - level)
                    leaves[t, index * span:(index + 1) * span] = self.leaf_value[~node]
                    continue
                pos = (1 << level) - 1 + index
                feature[t, pos] = self.feature[node]
                threshold[t, pos] = self.threshold[node]
                default_left[t, pos] = self.default_left[node]
                stack.append((int(self.left[node]), level + 1, 2 * index))
                stack.append((int(self.right[node]), level + 1, 2 * index + 1))
        width = feature.shape[1]
        tree = np.arange(trees, dtype=np.intp)[:, None]
        child = 2 * np.arange(width, dtype=np.intp) + 2
        right = np.where(child < width, tree * width + child, tree * (1 << depth) + child - width)
        return (depth, feature.ravel().astype(np.intp), threshold.ravel(), default_left.ravel(), right.ravel(),
                leaves.ravel())

    @cached_property
    def _thresholds32(self) -> np.ndarray:
        """`_levels`' thresholds for float32 values: each the largest float32 at or below the
        float64 threshold, so that ``v <= t32`` exactly when ``v <= t`` for every float32 ``v``
        (NaN compares false either way). Half the bytes per gather."""
        threshold = self._levels[2]
        with np.errstate(over="ignore"):  # (beyond float32's range: inf, then the largest float32)
            t32 = threshold.astype(np.float32)
        above = t32.astype(np.float64) > threshold
        t32[above] = np.nextafter(t32[above], np.float32(-np.inf))
        return t32

    def _depths(self) -> int | None:
        deepest = 0
        for root in self.roots.tolist():
            stack = [(root, 0)]
            while stack:
                node, level = stack.pop()
                if node < 0:
                    deepest = max(deepest, level)
                    if deepest > MAX_LEVELS:
                        return None
                    continue
                stack.append((int(self.left[node]), level + 1))
                stack.append((int(self.right[node]), level + 1))
        return deepest

    def _level_score(self, x: np.ndarray, depth: int, feature: np.ndarray, threshold: np.ndarray,
                     default_left: np.ndarray, right: np.ndarray, leaves: np.ndarray) -> np.ndarray:
        """Every row down every tree of the flat tables (`_levels`), one level at a time: four
        gathers over a [rows, trees] array of node indexes per level."""
        rows, trees = len(x), len(self.roots)
        if not rows or not trees:
            out = np.zeros((rows, self.classes))
            return out[:, 0] if self.classes == 1 else out
        # the root of every tree (on depth 0, its one leaf), the same for every row: the first
        # level's lookups are one per tree; row r's feature f is r * n + f
        node = np.arange(trees, dtype=np.intp) * (len(feature) // trees if depth else 1)
        row_base = (np.arange(rows, dtype=np.intp) * x.shape[1])[:, None]
        flat_x = x.ravel()
        nan = np.isnan(flat_x).any()
        for _ in range(depth):
            value = flat_x.take(row_base + feature.take(node))
            left = value <= threshold.take(node)
            if nan:
                left |= np.isnan(value) & default_left.take(node)
            node = right.take(node) - left
        return self._class_sums(leaves.take(np.broadcast_to(node, (rows, trees))))

    def _walk_score(self, x: np.ndarray) -> np.ndarray:
        rows = len(x)
        trees = len(self.roots)
        if not rows or not trees:
            out = np.zeros((rows, self.classes))
            return out[:, 0] if self.classes == 1 else out
        node = np.broadcast_to(self.roots, (rows, trees)).copy()
        active = node >= 0
        row_index = np.broadcast_to(np.arange(rows)[:, None], (rows, trees))
        while active.any():
            at = node[active]
            value = x[row_index[active], self.feature[at]]
            go_left = (value <= self.threshold[at]) | (np.isnan(value) & self.default_left[at])
            node[active] = np.where(go_left, self.left[at], self.right[at])
            active = node >= 0
        return self._class_sums(self.leaf_value[~node])

    def arrays(self) -> dict[str, np.ndarray]:
        return {"feature": self.feature, "threshold": self.threshold, "default_left": self.default_left,
                "left": self.left, "right": self.right, "leaf_value": self.leaf_value, "roots": self.roots}

    @classmethod
    def constant(cls, value: float) -> "TreeEnsemble":
        """One tree of one leaf: the same raw score for every row."""
        empty = np.zeros(0, np.int32)
        return cls(empty, np.zeros(0), np.zeros(0, bool), empty, empty, np.array([value], np.float64),
                   np.array([~0], np.int32))

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], classes: int = 1) -> "TreeEnsemble":
        return cls(**{k: arrays[k] for k in ("feature", "threshold", "default_left", "left", "right",
                                             "leaf_value", "roots")}, classes=classes)

    @classmethod
    def from_lightgbm(cls, dump: Mapping[str, Any]) -> "TreeEnsemble":
        """From ``lightgbm.Booster.dump_model()`` (numerical splits only, as zhclean trains)."""
        feature: list[int] = []
        threshold: list[float] = []
        default_left: list[bool] = []
        left: list[int] = []
        right: list[int] = []
        leaf_value: list[float] = []
        roots: list[int] = []

        def walk(tree: Mapping[str, Any]) -> int:
            if "leaf_value" in tree or "split_index" not in tree:
                leaf_value.append(float(tree.get("leaf_value", 0.0)))
                return ~(len(leaf_value) - 1)
            if tree.get("decision_type", "<=") != "<=":
                raise ValueError(f"unsupported split {tree.get('decision_type')!r}")
            if tree.get("missing_type", "None") not in ("None", "NaN"):
                raise ValueError(f"unsupported missing-value handling {tree.get('missing_type')!r}")
            i = len(feature)
            feature.append(int(tree["split_feature"]))
            threshold.append(float(tree["threshold"]))
            default_left.append(bool(tree.get("default_left", True)) and tree.get("missing_type") == "NaN")
            left.append(0)
            right.append(0)
            left[i] = walk(tree["left_child"])
            right[i] = walk(tree["right_child"])
            return i

        for info in dump["tree_info"]:
            roots.append(walk(info["tree_structure"]))
        return cls(np.array(feature, np.int32), np.array(threshold, np.float64), np.array(default_left, bool),
                   np.array(left, np.int32), np.array(right, np.int32), np.array(leaf_value, np.float64),
                   np.array(roots, np.int32), classes=int(dump.get("num_tree_per_iteration", 1)))
