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


def _gone(trusted=frozenset(), trusted_own=frozenset()) -> list[tuple[int, int, str]]:
    removals = model_removals(UNITS, KEEP_ALL, lambda units: ["other_boilerplate"] * len(units), RULES,
                              trusted, trusted_own=trusted_own)
    return [(r.start, r.end, r.code) for r in removals]


def test_an_untrusted_rule_is_overruled_by_the_model() -> None:
    assert _gone() == []


def test_a_trusted_code_stands_with_its_context_spreads() -> None:
    assert _gone(frozenset({"spam.region_list"})) == [(0, 10, "spam.region_list"), (10, 20, "spam.region_list")]


def test_a_code_trusted_on_its_own_removals_leaves_its_context_spreads_to_the_model() -> None:
    own = frozenset({"spam.region_list"})
    assert _gone(own, own) == [(0, 10, "spam.region_list")]


def _example(page_id: str, hard: list[bool], decided: list[bool], junk: list[bool]):
    """A labelled page of ten-character units, `spam.region_list` evidence on some of them."""
    from zhclean.model import features as F
    from zhclean.model.junk_model import EVIDENCE_CODES
    from zhclean.model.train import PageExample

    names = F.dense_names(EVIDENCE_CODES)
    n = len(hard)
    units = _units([(10 * k, 10 * k + 10) for k in range(n)])
    dense = np.zeros((n, len(names)), np.float32)
    dense[:, names.index("hard:spam.region_list")] = hard
    dense[:, names.index("decided:spam.region_list")] = decided
    units = Units(units.starts, units.ends, units.lines, dense, units.grams, units.edges, units.title, units.signals)
    is_junk = np.array(junk, dtype=bool)
    sizes = np.full(n, 10.0)
    return PageExample(page_id, "news", "content", units, sizes, np.where(is_junk, 0.0, 10.0),
                       np.where(is_junk, 10.0, 0.0), np.where(is_junk, 0, -1))


def test_a_code_rules_emit_is_trusted_on_their_own_removals_not_on_its_context_spreads() -> None:
    from zhclean.model.train import trusted_codes

    # 40 service-area lists the rule removed, all junk; on another page the context spread the
    # code over 5 genuine sentences around one genuine list the rule removed: judged on every
    # removal of the code the labels would distrust it (400 junk of 460 characters: 0.87)
    lists = _example("a", [True] * 40, [True] * 40, [True] * 40)
    report = _example("b", [True] + [False] * 5, [True] * 6, [False] * 6)
    trusted = trusted_codes([lists, report])
    assert trusted["spam.region_list"] == {"units": 41, "precision": round(400 / 410, 4), "own": True}
