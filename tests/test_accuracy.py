"""Accuracy floors on the labelled pages in ../shared/data (skipped when it is absent).

The floors sit just under what the cleaner measures today, so a change that loses accuracy
fails here; the issue's targets (content kept ≥ 0.97, junk removed ≥ 0.90 on the dev sets)
are higher and are tracked in the notes, not asserted. Scores use `zhclean.evaluate`, whose
agreement with ../shared/eval/score.py is tested in test_evaluate.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from zhclean.evaluate import evaluate
from zhclean.labels import load_labelled

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not beside the checkout")

#: (labelled file, content kept floor, junk removed floor); measured 2026-11-28:
#: seed 1.000 / 1.000, spam pages 0.997 / 0.909, extraction pages 0.971 / 0.937 (the keep, gen,
#: junk and keep2 branches merged), 0.976 / 0.937 after the extr3 branch; control 0.992.
#: Fourth session's merges: spam pages 0.998 / 0.915, extraction pages 0.976 / 0.938, control
#: 0.993; the floors sit just under these.
FLOORS = [
    ("seed/seed.jsonl", 1.0, 0.99),
    ("dev/spam_pages.jsonl", 0.995, 0.91),
    pytest.param("dev/extraction_pages.jsonl", 0.97, 0.93, marks=pytest.mark.slow),
]


@pytest.mark.shared
@needs_shared
@pytest.mark.parametrize("labelled, min_kept, min_removed", FLOORS)
def test_the_cleaner_meets_its_floor(labelled: str, min_kept: float, min_removed: float) -> None:
    evaluation = evaluate(load_labelled(SHARED / labelled))
    assert evaluation.failures(min_kept=min_kept, min_removed=min_removed) == [], evaluation.format()


@pytest.mark.shared
@needs_shared
@pytest.mark.slow
def test_clean_control_text_is_kept() -> None:
    """Mostly clean news paragraphs, scored against themselves with nothing to drop."""
    import json

    pages = []
    for line in (SHARED / "control" / "clean_sentences.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        pages.append({"id": record["id"], "text": record["text"], "drop": [], "verdict": "content"})
    evaluation = evaluate(pages)
    assert evaluation.content_kept >= 0.99, evaluation.format()
