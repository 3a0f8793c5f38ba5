"""Where `doc.too_short` should cut: how many genuine pages each `filters.min_chars` rejects.

Reads the labelled pages in ``../shared/data/dev`` (spam, extraction and pool pages; each has a
``verdict``: ``content`` when something on it is genuine, ``all_spam`` when nothing is), keeps
the TRAIN split only -- a page is validation when
``int(sha256(str(id)).hexdigest()[:8], 16) / 2**32 < 0.2``, and is skipped before anything of
it is used -- cleans each page with the default cleaner (its title passed, as `zhclean run`
passes it) and counts, for each threshold, the pages whose clean text has fewer non-space
characters than it (what `doc.too_short` measures):

* genuine pages rejected: ``content`` pages the filter would drop (the cost);
* their genuine characters: the gold text of those pages (non-space characters), and how
  many of them have gold text that short too (stubs rather than over-cleaned stories);
* genuine pages whose gold is that short: the same count on the labelled gold text (what the
  filter would do behind a perfect cleaner);
* all-spam pages caught: ``all_spam`` pages the cleaner left text on, which the filter drops
  (the benefit; the cleaner empties most of them itself).

    python bench/too_short.py [--values 0,25,50,...]

Prints one table row per threshold. It is a measuring script: no page text is printed.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "dev"
FILES = ("spam_pages.jsonl", "extraction_pages.jsonl", "labelled_pool_pages.jsonl")
VALUES = (0, 25, 50, 75, 100, 120, 150, 175, 200)


def is_validation(page_id: object) -> bool:
    return int(hashlib.sha256(str(page_id).encode()).hexdigest()[:8], 16) / 2**32 < 0.2


def train_pages(folder: Path):
    for name in FILES:
        with open(folder / name, encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                if is_validation(record["id"]):
                    continue  # never looked at
                yield name, record


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED)
    parser.add_argument("--values", default=",".join(map(str, VALUES)))
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"no labelled pages at {args.data}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT / "src"))
    from zhclean.cleaner import Cleaner
    from zhclean.quality import DocText

    def chars(text: str) -> int:
        return len(DocText(text).codepoints)

    cleaner = Cleaner()
    pages = []  # (file, verdict, clean chars, gold chars)
    for name, record in train_pages(args.data):
        title = record.get("title") if isinstance(record.get("title"), str) else None
        clean = cleaner(record["text"], title).text
        pages.append((name, record["verdict"], chars(clean), chars(record.get("gold") or "")))
    genuine = [p for p in pages if p[1] == "content"]
    spam = [p for p in pages if p[1] != "content"]
    by_file = {name: sum(1 for p in pages if p[0] == name) for name in FILES}
    print(f"TRAIN pages: {len(pages)} ({', '.join(f'{n} {c}' for n, c in by_file.items())}); "
          f"genuine {len(genuine)}, all-spam {len(spam)}")
    print(f"{'min_chars':>9}  {'genuine rejected':>16}  {'their gold chars':>16}  "
          f"{'of them stubs':>13}  {'gold that short':>15}  {'all-spam caught':>15}")
    for value in (int(v) for v in args.values.split(",")):
        rejected = [p for p in genuine if p[2] < value]
        gold_short = sum(1 for p in genuine if p[3] < value)
        caught = sum(1 for p in spam if 0 < p[2] < value)
        stubs = sum(1 for p in rejected if p[3] < value)
        print(f"{value:>9}  {len(rejected):>16}  {sum(p[3] for p in rejected):>16,}  "
              f"{stubs:>13}  {gold_short:>15}  {caught:>15}")
    left = sum(1 for p in spam if p[2] > 0)
    print(f"all-spam pages the cleaner left text on: {left} of {len(spam)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
