"""Per-rule cases: what each reason code must catch, and the negatives that must survive.

The cases are data, one JSONL file per reason code in ``tests/cases/<code>.jsonl``; every case
is run through `zhclean.clean_text` with the rules alone (``clean.model = "off"``:
normalization, every rule and the context decisions), so a rule is judged the way it works on
real pages. The junk model that decides with the rules' findings as evidence is tested in
test_model_decisions.py and measured on labelled pages (test_accuracy.py).

A case is ``{"text", "expect", "code", "note"}`` plus optional fields:

* ``expect``: ``"removed"`` -- every non-space character of ``span`` (or of the whole text)
  lies inside a removal with ``code`` (any code with ``"any_code": true``, for spans that the
  context decisions drop along with their neighbours); ``"kept"`` -- no removal touches
  ``span`` (or the whole text) and it is still in ``CleanedPage.text``.
* ``span``: the substring judged (every occurrence, or only the ``occurrence``-th, 0-based).
* ``title``: the page's HTML title, passed to the cleaner.
* ``metadata``: fields the page's ``metadata`` must hold (what the cleaner recovered from the
  removed bylines), e.g. ``{"editor": "陳怡君"}``.
* ``xfail``: the cleaner is known to get this case wrong, and why. The case stays as written
  (it says what the cleaner should do) and is reported as xfail until the rule is fixed.

All texts are written for these tests; none is copied from scraped data.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from zhclean import clean_text as _clean_text
from zhclean.config import CleanConfig

RULES = CleanConfig(model="off")


def clean_text(text: str, title: str | None = None):
    """The rules alone, to a fixpoint."""
    return _clean_text(text, title=title, config=RULES)
from zhclean.document import CleanedPage
from zhclean.rules import CATALOGUE

CASES_DIR = Path(__file__).parent / "cases"

#: Codes whose case files must hold at least MIN_REMOVED catches and MIN_KEPT negatives.
MAIN_CODES = (
    "spam.hotline", "spam.seo_title", "spam.region_list", "spam.cta", "spam.gambling_porn_ad",
    "spam.keyword_list", "spam.marketing_template", "artifact.llm", "boilerplate.nav",
    "boilerplate.footer", "boilerplate.related", "boilerplate.ui_junk",
    "boilerplate.listing_meta", "meta.byline",
)
MIN_REMOVED, MIN_KEPT = 6, 4
#: Codes given by the context decisions rather than a rule (see `zhclean.context`).
CONTEXT_CODES = frozenset({"spam.residue", "spam.context", "spam.remnant", "boilerplate.edge_block"})
REQUIRED = ("text", "expect", "code", "note")
OPTIONAL = ("span", "occurrence", "title", "any_code", "xfail", "metadata")


def load_cases() -> list[tuple[str, dict]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                cases.append((f"{path.stem}:{number}", json.loads(line)))
    return cases


CASES = load_cases()


def _occurrences(source: str, span: str) -> list[int]:
    found, pos = [], source.find(span)
    while pos >= 0:
        found.append(pos)
        pos = source.find(span, pos + 1)
    return found


def _located(page: CleanedPage, case: dict) -> list[tuple[int, int]]:
    span = case.get("span", case["text"]).strip()
    starts = _occurrences(page.source, span)
    assert starts, f"case error: span {span!r} is not in the normalized text {page.source!r}"
    if "occurrence" in case:
        starts = [starts[case["occurrence"]]]
    return [(s, s + len(span)) for s in starts]


def _uncovered(page: CleanedPage, start: int, end: int, code: str | None) -> str:
    """The non-space characters of source[start:end] outside removals (with `code`)."""
    mask = bytearray(end - start)
    for r in page.removals:
        if code is not None and r.code != code:
            continue
        lo, hi = max(r.start, start), min(r.end, end)
        if hi > lo:
            mask[lo - start:hi - start] = b"\x01" * (hi - lo)
    return "".join(c for c, m in zip(page.source[start:end], mask) if not m and not c.isspace())


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_case(case: dict) -> None:
    page = clean_text(case["text"], title=case.get("title"))
    if case.get("xfail"):
        try:
            _check(page, case)
        except AssertionError:
            pytest.xfail(case["xfail"])
        return  # an xfail case that passes: the rule was fixed (reported by test_no_stale_xfail)
    _check(page, case)


def _check(page: CleanedPage, case: dict) -> None:
    explain = page.explain(width=80)
    for key, value in case.get("metadata", {}).items():
        assert page.metadata.get(key) == value, (f"metadata {key}: {page.metadata.get(key)!r}, "
                                                 f"want {value!r} ({case['note']})\n{explain}")
    for start, end in _located(page, case):
        if case["expect"] == "removed":
            code = None if case.get("any_code") else case["code"]
            left = _uncovered(page, start, end, code)
            assert not left, f"not removed as {code or 'anything'}: {left!r} ({case['note']})\n{explain}"
        else:
            touched = [r for r in page.removals if r.start < end and r.end > start]
            assert not touched, (f"kept span lost {[(page.source[r.start:r.end], r.code) for r in touched]} "
                                 f"({case['note']})\n{explain}")
            for line in page.source[start:end].split("\n"):
                assert line.strip() in page.text, f"{line.strip()!r} missing from the clean text\n{explain}"


def test_stale_xfails() -> None:
    """An xfail case the cleaner now gets right should lose its mark (list them)."""
    stale = []
    for case_id, case in CASES:
        if case.get("xfail"):
            try:
                _check(clean_text(case["text"], title=case.get("title")), case)
            except AssertionError:
                continue
            stale.append(case_id)
    if stale:
        pytest.skip(f"xfail cases that now pass (remove their mark): {stale}")


def test_case_files_are_well_formed() -> None:
    codes = {cls.code for cls in CATALOGUE.values()} | CONTEXT_CODES
    seen: dict[tuple, str] = {}
    for case_id, case in CASES:
        # the case files merge by union (.gitattributes): a case edited on two branches comes
        # back twice, once with its old fields
        key = (case["text"], case.get("title"), case.get("span"), case["expect"])
        assert key not in seen, f"{case_id}: the same case as {seen[key]}"
        seen[key] = case_id
        stem = case_id.split(":")[0]
        assert set(REQUIRED) <= set(case), f"{case_id}: needs {REQUIRED}"
        assert set(case) <= set(REQUIRED + OPTIONAL), f"{case_id}: unknown keys {set(case) - set(REQUIRED + OPTIONAL)}"
        assert case["expect"] in ("removed", "kept"), case_id
        assert case["code"] == stem, f"{case_id}: code {case['code']!r} in the file for {stem!r}"
        assert case["code"] in codes, f"{case_id}: unknown code {case['code']!r}"
        assert case["note"].strip(), f"{case_id}: say why"
        if "span" in case:
            assert case["span"].strip() and case["span"] in case["text"], f"{case_id}: span not in text"


@pytest.mark.parametrize("code", MAIN_CODES)
def test_every_main_code_has_enough_cases(code: str) -> None:
    counts = Counter(case["expect"] for case_id, case in CASES if case["code"] == code)
    assert counts["removed"] >= MIN_REMOVED, f"{code}: {counts['removed']} catch cases, want {MIN_REMOVED}"
    assert counts["kept"] >= MIN_KEPT, f"{code}: {counts['kept']} keep cases, want {MIN_KEPT}"
