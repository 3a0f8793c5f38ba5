"""How the junk model's accuracy depends on its training pages: a learning curve and
leave-one-source-out, on the labels of labels/ (text from ../shared/data).

    python bench/model_curves.py                       # both (about 50 min of CPU; 2 processes)
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
import multiprocessing
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from zhclean import Cleaner
from zhclean.config import CleanConfig
from zhclean.evaluate import evaluate
from zhclean.labels import load_label_files
from zhclean.model.junk_model import save_model
from zhclean.model.train import TRUST_MODES, train

REPO = Path(__file__).resolve().parents[1]
PAGES = REPO.parent / "shared" / "data"


def share_of(page_id: str) -> float:
    """A fixed number in [0, 1) per page (nested subsets: a page in the 25 % is in the 50 %)."""
    return int(hashlib.sha256(f"curve:{page_id}".encode()).hexdigest()[:8], 16) / 2**32


def fit(records: list[dict], folder: Path, trust: str = "cv") -> str:
    """A model trained as `zhclean train --trust TRUST` trains it (its default cleaner: the
    rules without `train.RULES_OFF`)."""
    trained = train(records, trust=trust)
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


def _job(kind: str, key: str, train_ids: list[str], score_ids: list[str], folder: str,
         trust: str) -> tuple[str, str, int, dict, float]:
    """One model: trained on `train_ids`, scored on `score_ids` (in a fresh process each)."""
    started = time.perf_counter()
    everything = {str(p["id"]): p for p in load_label_files(sorted((REPO / "labels").glob("*.jsonl")), PAGES, "all")}
    model = fit([everything[i] for i in train_ids], Path(folder), trust)
    rows = scores(model, [everything[i] for i in score_ids])
    return kind, key, len(train_ids), rows, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--curve", default="0.25,0.5,1", help="shares of the training pages (default 0.25,0.5,1)")
    parser.add_argument("--no-curve", action="store_true", help="skip the learning curve")
    parser.add_argument("--no-loso", action="store_true", help="skip leave-one-source-out")
    parser.add_argument("--workers", type=int, default=2, help="models trained at once, one process each (default 2)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--trust", choices=TRUST_MODES, default="cv",
                        help="how the trusted rule codes are chosen (zhclean train --trust; default cv, as the "
                             "shipped model was trained)")
    args = parser.parse_args(argv)
    if not PAGES.is_dir():
        print(f"model_curves: {PAGES} not found: the shared data sits beside the checkout", file=sys.stderr)
        return 2
    labels = sorted((REPO / "labels").glob("*.jsonl"))
    everything = load_label_files(labels, PAGES, "all")
    training = [str(p["id"]) for p in everything if p["split"] == "train"]
    validation = [str(p["id"]) for p in everything if p["split"] == "validation"]
    source_of = {str(p["id"]): p["source"] for p in everything}
    shares = [] if args.no_curve else [float(x) for x in args.curve.split(",") if x.strip()]
    figures: dict = {"curve": {}, "leave_one_source_out": {}}
    with tempfile.TemporaryDirectory() as tmp:
        jobs = [("curve", str(share), [i for i in training if share_of(i) < share], validation, f"{tmp}/curve{share}")
                for share in shares]
        if not args.no_loso:
            for source in sorted(set(source_of.values())):
                jobs.append(("loso", source, [i for i in training if source_of[i] != source],
                             [i for i in source_of if source_of[i] == source], f"{tmp}/without-{source}"))
        # each model in a process of its own, so that no training sees another's leftovers
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=args.workers, mp_context=context, max_tasks_per_child=1) as pool:
            for kind, key, n, rows, secs in map(lambda f: f.result(), [pool.submit(_job, *job, args.trust) for job in jobs]):
                if kind == "curve":
                    figures["curve"][key] = {"train_pages": n, "validation": rows}
                    show(f"learning curve: {float(key):.0%} of the training pages ({n} pages, {secs:.0f} s), "
                         "validation split:", rows)
                else:
                    figures["leave_one_source_out"][key] = {"train_pages": n, **rows[key]}
                    show(f"leave {key} out: trained on {n} pages of the other sources ({secs:.0f} s), "
                         f"scored on all its pages:", {key: rows[key]})
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
