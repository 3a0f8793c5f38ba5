"""Which rule removals stand whatever the model says (`decide.model_removals`, `trusted`)."""
from __future__ import annotations

import numpy as np

from zhclean.document import Removal
from zhclean.model.decide import model_removals
from zhclean.model.features import Units
from zhclean.model.junk_model import Judgement


def _units(bounds: list[tuple[int, int]]) -> Units:
    n = len(bounds)
    return Units(np.array([a for a, _ in bounds], np.int64), np.array([b for _, b in bounds], np.int64),
                 np.arange(n, dtype=np.int64), np.zeros((n, 1), np.float32), np.zeros((2, 0), np.uint32),
                 np.zeros((n, 4), np.uint32), np.zeros(0, np.uint32), np.zeros(0))


#: Three sentences of ten characters; the model keeps all three.
UNITS = _units([(0, 10), (10, 20), (20, 30)])
KEEP_ALL = Judgement(np.full(3, 0.1), 0.0, 0.5, 0.5)
RULES = [Removal(0, 10, "spam.region_list", {"items": 6}),
         Removal(10, 20, "spam.region_list", {"context": "between spam"}),
         Removal(20, 30, "spam.hotline", {})]


def _gone(trusted=frozenset()) -> list[tuple[int, int, str]]:
    removals = model_removals(UNITS, KEEP_ALL, lambda units: ["other_boilerplate"] * len(units), RULES, trusted)
    return [(r.start, r.end, r.code) for r in removals]


def test_an_untrusted_rule_is_overruled_by_the_model() -> None:
    assert _gone() == []


def test_a_trusted_code_stands_with_its_context_spreads() -> None:
    assert _gone(frozenset({"spam.region_list"})) == [(0, 10, "spam.region_list"), (10, 20, "spam.region_list")]
