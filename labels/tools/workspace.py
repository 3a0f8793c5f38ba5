"""Where the labelling tools read and write, and the batch file the annotators read.

The workspace (`ZHCLEAN_LABELLING`, default the current folder) holds `batches/`, `out/`,
`pages.jsonl` and `manifest.json`: page text lives there, never in the repository."""
import os
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared"  # ../shared beside the checkout
DATA = str(SHARED / "data")
WORK = os.environ.get("ZHCLEAN_LABELLING", os.getcwd())
sys.path.insert(0, str(SHARED / "eval"))
from segtool import segments  # noqa: E402

#: Rounds whose labels are the first labelling of their pages (the others label pages of these a
#: second time, by other annotators: agreement).
FIRST_ROUNDS = ("A", "C", "E", "G", "H")


def write_batch(name, pages):
    """`batches/<name>.txt`: each page of `pages` ((id, source, record) with text and title)
    as numbered segments (GUIDE.md, "Your input")."""
    with open(f"{WORK}/batches/{name}.txt", "w", encoding="utf-8") as f:
        f.write(f"# batch {name}: {len(pages)} pages\n\n")
        for pid, source, d in pages:
            segs = segments(d["text"])
            f.write(f"=== PAGE id={pid} source={source} segments={len(segs)}\n")
            f.write(f"TITLE: {d.get('title') or ''}\n")
            for i, (a, b) in enumerate(segs):
                f.write(f"[{i}] {d['text'][a:b]}\n")
            f.write(f"=== END PAGE id={pid}\n\n")
