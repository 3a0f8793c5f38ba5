"""Which rule removals stand whatever the model says (`decide.model_removals`, `trusted`), and
how training chooses the trusted codes (`train.trusted_by_cross_fitting`)."""
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


def _gone(trusted=frozenset(), own=frozenset()) -> list[tuple[int, int, str]]:
    removals = model_removals(UNITS, KEEP_ALL, lambda units: ["other_boilerplate"] * len(units), RULES, trusted,
                              trusted_own=own)
    return [(r.start, r.end, r.code) for r in removals]


def test_an_untrusted_rule_is_overruled_by_the_model() -> None:
    assert _gone() == []


def test_a_trusted_code_stands_with_its_context_spreads() -> None:
    assert _gone(frozenset({"spam.region_list"})) == [(0, 10, "spam.region_list"), (10, 20, "spam.region_list")]


def test_a_code_trusted_on_its_own_removals_leaves_its_context_spreads_to_the_model() -> None:
    assert _gone(frozenset({"spam.region_list"}), own=frozenset({"spam.region_list"})) == [
        (0, 10, "spam.region_list")]



def _example(page: str, covered: dict[str, list[int]], junk: list[bool]):
    """A labelled page of ten-character units, each junk or content, with the units each rule
    code removed (`covered`: code -> unit indexes, as rules' own hard removals)."""
    from zhclean.model import features as F
    from zhclean.model.junk_model import EVIDENCE_CODES
    from zhclean.model.train import PageExample

    n = len(junk)
    names = F.dense_names(EVIDENCE_CODES)
    dense = np.zeros((n, len(names)), np.float32)
    for code, which in covered.items():
        dense[which, names.index(f"decided:{code}")] = 1.0
        dense[which, names.index(f"hard:{code}")] = 1.0
    units = Units(np.arange(n, dtype=np.int64) * 10, np.arange(1, n + 1, dtype=np.int64) * 10,
                  np.arange(n, dtype=np.int64), dense, np.zeros((2, 0), np.uint32), np.zeros((n, 4), np.uint32),
                  np.zeros(0, np.uint32), np.zeros(0))
    is_junk = np.array(junk)
    return PageExample(page, "news", "content", units, np.full(n, 10.0), np.where(is_junk, 0.0, 10.0),
                       np.where(is_junk, 10.0, 0.0), np.where(is_junk, 0, -1))


def test_cross_fitting_trusts_the_codes_that_help_the_model_not_those_over_a_bar() -> None:
    """Three codes: footer removed only junk the model missed (trusted either way); cta
    removed junk the model missed and one content sentence (precision 0.95: under the bar of
    0.97, but forcing it removes far more junk than content); byline removed junk the model
    already drops and two content sentences (forcing it only loses content)."""
    from zhclean.model.train import trusted_by_cross_fitting, trusted_codes

    pages = [_example("footer", {"boilerplate.footer": list(range(25))}, [True] * 25 + [False] * 40),
             _example("cta", {"spam.cta": list(range(21))}, [True] * 20 + [False] * 41),
             _example("byline", {"meta.byline": list(range(24))}, [True] * 22 + [False] * 42)]
    # the model's cross-fitted junk scores: it misses the footer's and the cta's junk, finds
    # the byline page's, and keeps every content sentence
    p2 = np.concatenate([np.r_[np.full(25, 0.1), np.full(40, 0.1)], np.r_[np.full(20, 0.1), np.full(41, 0.1)],
                         np.r_[np.full(22, 0.99), np.full(42, 0.01)]])
    bounds = np.cumsum([0] + [len(e.units) for e in pages])
    dense = np.vstack([e.units.dense for e in pages])
    by_bar = {c for c, seen in trusted_codes(pages).items() if seen["units"]}
    by_cv = trusted_by_cross_fitting(pages, p2, bounds, dense)
    assert by_bar == {"boilerplate.footer"}
    assert {c for c, seen in by_cv.items() if seen["units"]} == {"boilerplate.footer", "spam.cta"}
    assert by_cv["spam.cta"]["precision"] == round(20 / 21, 4)

