"""Score the cleaner on the labelled sets in ../shared/data with ../shared/eval/score.py.

    python bench/score_shared.py            # all sets
    python bench/score_shared.py spam       # sets whose name contains "spam"

Runs `zhclean clean` exactly as a user would (the CLI, in a subprocess) on each set, then the
instrument on its kept output. Prints one line of figures per set.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SETS = {
    "seed": "data/seed/seed.jsonl",
    "spam_pages": "data/dev/spam_pages.jsonl",
    "extraction_pages": "data/dev/extraction_pages.jsonl",
    "control": "data/control/clean_sentences.jsonl",
}


def score(name: str, path: Path, out_dir: Path) -> dict:
    subprocess.run([sys.executable, "-m", "zhclean", "clean", str(path), "-o", str(out_dir), "--quiet"],
                   check=True)
    gold = path
    if name == "control":  # scored against itself with empty drop lists
        gold = out_dir / "control_gold.jsonl"
        with open(path, encoding="utf-8") as src, open(gold, "w", encoding="utf-8") as dst:
            for line in src:
                rec = json.loads(line)
                dst.write(json.dumps({"id": rec["id"], "drop": [], "verdict": "content"}, ensure_ascii=False) + "\n")
    kept = out_dir / "kept.jsonl"
    res = subprocess.run([sys.executable, str(SHARED / "eval/score.py"), str(path), str(gold), str(kept), "--json"],
                         check=True, capture_output=True, text=True)
    return json.loads(res.stdout)


def main(argv: list[str]) -> None:
    if not SHARED.exists():
        sys.exit(f"{SHARED} not found: the shared data sits beside the checkout")
    wanted = argv[1:] or list(SETS)
    for name, rel in SETS.items():
        if not any(w in name for w in wanted):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            res = score(name, SHARED / rel, Path(tmp))
        kinds = " ".join(f"{k}={v}" for k, v in res["junk_removed_by_kind"].items())
        print(f"{name:18s} content_kept={res['content_kept']:.4f} junk_removed={res['junk_removed']:.4f} "
              f"balanced={res['balanced']:.4f} all_spam_emptied={res['all_spam_pages_emptied']}  {kinds}")


if __name__ == "__main__":
    main(sys.argv)
