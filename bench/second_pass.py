"""What the rules' fixpoint catches in its later passes, and how much of it the model
removes in its one pass.

    python bench/second_pass.py --limit 1500

The rules alone (``clean.model = "off"``) clean each page to a fixpoint: what a later pass
removes carries ``detail.pass``. With the model the rules run once and the model decides. For
the benchmark pages (../shared/data/bench/wechat_articles.jsonl.gz): how many pages a later pass
changes, its characters by reason code, and the share of those characters the model's single
pass removes too.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

from zhclean import Cleaner
from zhclean.config import CleanConfig

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "bench" / "wechat_articles.jsonl.gz"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=1500)
    parser.add_argument("--model", default="shipped")
    args = parser.parse_args(argv)
    rules, model = Cleaner(CleanConfig(model="off")), Cleaner(CleanConfig(model=args.model))
    pages = changed = 0
    by_code: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            pages += 1
            ruled = rules(record["text"], record.get("title"))
            later = [r for r in ruled.removals if r.detail.get("pass", 1) > 1]
            if later:
                changed += 1
                gone = bytearray(len(ruled.source))
                for r in model(record["text"], record.get("title")).removals:
                    gone[r.start:r.end] = b"\x01" * (r.end - r.start)
                for r in later:
                    by_code[r.code] += r.end - r.start
                    caught[r.code] += sum(gone[r.start:r.end])
            if pages >= args.limit:
                break
    total, hit = sum(by_code.values()), sum(caught.values())
    print(f"{pages} pages; the rules' later passes change {changed} of them, {total} characters; "
          f"the model's one pass removes {hit / max(total, 1):.1%} of those characters too")
    for code, n in by_code.most_common():
        print(f"  {code:28s} {n:7d} chars, model removes {caught[code] / n:6.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
