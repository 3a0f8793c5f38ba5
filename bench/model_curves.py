"""How the junk model's accuracy depends on its training pages: a learning curve and
leave-one-source-out, on the labels of labels/ (text from ../shared/data).

    python bench/model_curves.py                       # both (about 45 min on one core)
    python bench/model_curves.py --no-loso             # the learning curve only
    python bench/model_curves.py --no-curve            # leave-one-source-out only

Learning curve: models trained on 25 %, 50 % and 100 % of the training split (a fixed subset
by a hash of the page id, the same pages in each larger share), scored on the whole
validation split, per source (balanced = harmonic mean of content kept and junk removed).
Leave-one-source-out: a model trained on the training split of the other sources, scored
on every labelled page of the source left out (none of which it saw). Scores by
`zhclean.evaluate`, which agrees with ../shared/eval/score.py (tests/test_evaluate.py).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

from zhclean import Cleaner
from zhclean.config import CleanConfig
from zhclean.evaluate import evaluate
from zhclean.labels import load_label_files
from zhclean.model.junk_model import save_model
from zhclean.model.train import train

REPO = Path(__file__).resolve().parents[1]
PAGES = REPO.parent / "shared" / "data"


def share_of(page_id: str) -> float:
    """A fixed number in [0, 1) per page (nested subsets: a page in the 25 % is in the 50 %)."""
    return int(hashlib.sha256(f"curve:{page_id}".encode()).hexdigest()[:8], 16) / 2**32


def fit(records: list[dict], folder: Path) -> str:
    trained = train(records, cleaner=Cleaner(CleanConfig(model="off")))
    save_model(folder, trained.manifest, trained.arrays)
    return str(folder)


def scores(model: str, pages: list[dict]) -> dict[str, dict]:
    result = evaluate(pages, Cleaner(CleanConfig(model=model)))
    out = {}
    for source, e in result.by_source().items():
        emptied, spam = e.all_spam_emptied()
        out[source] = {"pages": len(e.pages), "content_kept": round(e.content_kept, 4),
                       "junk_removed": round(e.junk_removed, 4), "balanced": round(e.balanced, 4),
                       "all_spam_emptied": f"{emptied}/{spam}"}
    return out


def show(title: str, rows: dict[str, dict]) -> None:
    print(title)
    for source, s in rows.items():
        print(f"  {source:18s} pages={s['pages']:5d} kept={s['content_kept']:.4f} removed={s['junk_removed']:.4f} "
              f"balanced={s['balanced']:.4f} all_spam_emptied={s['all_spam_emptied']}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--curve", default="0.25,0.5,1", help="shares of the training pages (default 0.25,0.5,1)")
    parser.add_argument("--no-curve", action="store_true", help="skip the learning curve")
    parser.add_argument("--no-loso", action="store_true", help="skip leave-one-source-out")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if not PAGES.is_dir():
        print(f"model_curves: {PAGES} not found: the shared data sits beside the checkout", file=sys.stderr)
        return 2
    labels = sorted((REPO / "labels").glob("*.jsonl"))
    everything = load_label_files(labels, PAGES, "all")
    training = [p for p in everything if p["split"] == "train"]
    validation = [p for p in everything if p["split"] == "validation"]
    shares = [] if args.no_curve else [float(x) for x in args.curve.split(",") if x.strip()]
    figures: dict = {"curve": {}, "leave_one_source_out": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for share in shares:
            started = time.perf_counter()
            subset = [p for p in training if share_of(str(p["id"])) < share]
            model = fit(subset, Path(tmp) / f"curve{share}")
            rows = scores(model, validation)
            figures["curve"][str(share)] = {"train_pages": len(subset), "validation": rows}
            show(f"learning curve: {share:.0%} of the training pages ({len(subset)} pages, "
                 f"{time.perf_counter() - started:.0f} s), validation split:", rows)
        if not args.no_loso:
            for source in sorted({p["source"] for p in everything}):
                started = time.perf_counter()
                rest = [p for p in training if p["source"] != source]
                model = fit(rest, Path(tmp) / f"without-{source}")
                held = [p for p in everything if p["source"] == source]
                rows = scores(model, held)
                figures["leave_one_source_out"][source] = {"train_pages": len(rest), **rows[source]}
                show(f"leave {source} out: trained on {len(rest)} pages of the other sources "
                     f"({time.perf_counter() - started:.0f} s), scored on all {len(held)} {source} pages:", rows)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
