"""Accuracy on the labelled pages of labels/ (joined with their text in ../shared/data), per
source and split, scored by the shared instrument ../shared/eval/score.py.

    python bench/score_labels.py                     # validation split (the headline), shipped model
    python bench/score_labels.py --split train       # the pages the model was fitted on (dev figures)
    python bench/score_labels.py --model off         # the rules alone
    python bench/score_labels.py --model DIR --baseline off --json out.json

Validation pages are those no rule or model was developed on (labels/README.md): their
figures predict unseen pages of the same kinds; train figures are what was fitted. For each
source: content kept, junk removed, balanced, all-spam pages emptied, a 95 % bootstrap
interval over pages of content kept and junk removed (`Evaluation.interval`), junk removed per kind;
then the seed page and the control paragraphs (content kept). With --baseline the same pages
are also cleaned by that cleaner, side by side.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from zhclean import Cleaner
from zhclean.config import CleanConfig
from zhclean.evaluate import score_outputs
from zhclean.labels import load_label_files

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SCORE = SHARED / "eval" / "score.py"


def clean_all(config: CleanConfig, pages: list[dict]) -> dict[str, str]:
    cleaner = Cleaner(config)
    out = {}
    for page in pages:
        cleaned = cleaner(page["text"], page.get("title"))
        out[str(page["id"])] = cleaned.text if cleaned.verdict == "content" else ""
    return out


def score(pages: list[dict], kept: dict[str, str], work: Path, name: str) -> dict:
    """The shared instrument on these pages (RAW and GOLD from the labels, OUT the kept text;
    a page with nothing kept is left out of OUT, which the instrument counts as emptied)."""
    raw, gold, out = work / f"{name}.raw.jsonl", work / f"{name}.gold.jsonl", work / f"{name}.out.jsonl"
    with raw.open("w", encoding="utf-8") as r, gold.open("w", encoding="utf-8") as g, \
            out.open("w", encoding="utf-8") as o:
        for page in pages:
            pid = str(page["id"])
            r.write(json.dumps({"id": pid, "text": page["text"]}, ensure_ascii=False) + "\n")
            g.write(json.dumps({"id": pid, "drop": page["drop"], "verdict": page.get("verdict", "content")},
                               ensure_ascii=False) + "\n")
            if kept.get(pid):
                o.write(json.dumps({"id": pid, "text": kept[pid]}, ensure_ascii=False) + "\n")
    result = subprocess.run([sys.executable, str(SCORE), str(raw), str(gold), str(out), "--json"],
                            check=True, capture_output=True, text=True)
    return json.loads(result.stdout)


def control_pages() -> list[dict]:
    path = SHARED / "data" / "control" / "clean_sentences.jsonl"
    return [{**json.loads(line), "drop": [], "verdict": "content"} for line in path.open(encoding="utf-8")]


def seed_pages() -> list[dict]:
    return [json.loads(line) for line in (SHARED / "data" / "seed" / "seed.jsonl").open(encoding="utf-8")]


def line(name: str, res: dict) -> str:
    kinds = " ".join(f"{k}={v}" for k, v in res["junk_removed_by_kind"].items())
    if "interval_95" in res:  # the bootstrap interval over pages (zhclean.evaluate)
        (k0, k1), (r0, r1) = res["interval_95"]["content_kept"], res["interval_95"]["junk_removed"]
        kinds = f"95% interval kept {k0:.3f}-{k1:.3f} removed {r0:.3f}-{r1:.3f}  " + kinds
    return (f"{name:30s} pages={res['docs']:5d} kept={res['content_kept']:.4f} removed={res['junk_removed']:.4f} "
            f"balanced={res['balanced']:.4f} all_spam_emptied={res['all_spam_pages_emptied']:>6s}  {kinds}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="validation", choices=["validation", "train", "all"])
    parser.add_argument("--model", default="shipped", help="clean.model of the cleaner measured")
    parser.add_argument("--baseline", default=None, help="clean.model of a cleaner measured beside it ('off': the "
                        "rules; 'none' or left out: no baseline, as in bench_clean.py)")
    parser.add_argument("--labels", nargs="*", type=Path, default=sorted((REPO / "labels").glob("*.jsonl")))
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if not SCORE.exists():
        print(f"score_labels: {SCORE} not found: the shared data sits beside the checkout", file=sys.stderr)
        return 2
    pages = load_label_files(args.labels, SHARED / "data", args.split)
    sources = sorted({p["source"] for p in pages})
    cleaners = {"model": args.model, **({"baseline": args.baseline} if args.baseline not in (None, "none") else {})}
    figures: dict = {"split": args.split, "cleaners": cleaners}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for role, model in cleaners.items():
            config = CleanConfig(model=model)
            print(f"--- {role}: clean.model = {model!r}, {args.split} split ---")
            rows = figures.setdefault(role, {})
            for source in sources:
                chosen = [p for p in pages if p["source"] == source]
                kept = clean_all(config, chosen)
                rows[source] = score(chosen, kept, work, f"{role}.{source}")
                rows[source]["interval_95"] = score_outputs(chosen, kept).interval()
                print(line(source, rows[source]))
            seed = seed_pages()
            rows["seed"] = score(seed, clean_all(config, seed), work, f"{role}.seed")
            print(line("seed", rows["seed"]))
            control = control_pages()
            rows["control"] = score(control, clean_all(config, control), work, f"{role}.control")
            print(f"{'control (clean paragraphs)':30s} pages={rows['control']['docs']:5d} "
                  f"kept={rows['control']['content_kept']:.4f}")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
