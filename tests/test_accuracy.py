"""Accuracy floors on labelled pages beside the checkout (../shared/data; skipped when absent).

The headline floors are on the validation split of labels/ (pages no rule or model was
developed on: labels/README.md), per source; then the reference doorway page (seed) and the
clean control paragraphs. The floors sit just under what the shipped cleaner measures, so a
change that loses accuracy fails here; the issue's targets are higher where they are not met
and are tracked in the notes, not asserted. Scores use `zhclean.evaluate`, whose agreement with
../shared/eval/score.py is tested in test_evaluate.py; bench/score_labels.py prints the same
figures with the shared instrument itself.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhclean.evaluate import evaluate
from zhclean.labels import load_label_files, load_labelled

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not beside the checkout")

#: (label file, content kept floor, junk removed floor) on the validation split, just under
#: what the shipped model measures (bench/score_labels.py, 2026-12-08, the ninth round's
#: model): news 0.985 / 0.706, 61 of 85 all-spam pages emptied (1,364 pages; the eighth round's
#: model 0.983 / 0.680, the sixth's 0.990 / 0.661), wechat 0.971 / 0.970 (115 pages), spam
#: pages 0.996 / 0.658, extraction pages 0.970 / 0.900. The issue's target (0.97 / 0.90 per
#: source) is not met on news and spam pages (README.md).
VALIDATION_FLOORS = [
    ("news.jsonl", 0.98, 0.69),
    ("wechat.jsonl", 0.965, 0.96),
    ("spam_pages.jsonl", 0.99, 0.64),
    ("extraction_pages.jsonl", 0.965, 0.89),
]


@pytest.mark.shared
@needs_shared
@pytest.mark.slow
@pytest.mark.parametrize("labels, min_kept, min_removed", VALIDATION_FLOORS)
def test_the_cleaner_meets_its_floor_on_validation_pages(labels: str, min_kept: float, min_removed: float) -> None:
    pages = load_label_files([ROOT / "labels" / labels], SHARED, "validation")
    assert pages, labels
    evaluation = evaluate(pages)
    assert evaluation.failures(min_kept=min_kept, min_removed=min_removed) == [], evaluation.format()


@pytest.mark.shared
@needs_shared
def test_the_reference_doorway_page_is_cleaned() -> None:
    evaluation = evaluate(load_labelled(SHARED / "seed" / "seed.jsonl"))
    assert evaluation.failures(min_kept=1.0, min_removed=0.99) == [], evaluation.format()


@pytest.mark.shared
@needs_shared
@pytest.mark.slow
def test_clean_control_text_is_kept() -> None:
    """Mostly clean news paragraphs, scored against themselves with nothing to drop."""
    pages = []
    for line in (SHARED / "control" / "clean_sentences.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        pages.append({"id": record["id"], "text": record["text"], "drop": [], "verdict": "content"})
    evaluation = evaluate(pages)
    assert evaluation.content_kept >= 0.98, evaluation.format()
