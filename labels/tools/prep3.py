"""Round D: 40 of round C's pages labelled a second time, by another annotator (agreement)."""
import json, random, sys
import os
from pathlib import Path
SHARED = Path(__file__).resolve().parents[3] / "shared"  # ../shared beside the checkout
#: the labelling workspace: batches/, out/, pages.jsonl, manifest.json (page text lives here,
#: never in the repository)
WORK = os.environ.get("ZHCLEAN_LABELLING", os.getcwd())
sys.path.insert(0, str(SHARED / "eval"))
from segtool import segments
man = json.load(open(f"{WORK}/manifest.json"))
c_ids = sorted(i for m in man if m["round"] == "C" for i in m["ids"])
pick = random.Random("zhclean-labels-2026-12-07-round-D").sample(c_ids, 40)
P = {d["id"]: d for d in map(json.loads, open(f"{WORK}/pages.jsonl", encoding="utf-8"))}
name = f"b{len(man):02d}_news_D"
with open(f"{WORK}/batches/{name}.txt", "w", encoding="utf-8") as f:
    f.write(f"# batch {name}: {len(pick)} pages\n\n")
    for pid in pick:
        d = P[pid]; segs = segments(d["text"])
        f.write(f"=== PAGE id={pid} source=news segments={len(segs)}\n")
        f.write(f"TITLE: {d.get('title') or ''}\n")
        for i, (a, b) in enumerate(segs):
            f.write(f"[{i}] {d['text'][a:b]}\n")
        f.write(f"=== END PAGE id={pid}\n\n")
man.append({"batch": name, "round": "D", "source": "news", "ids": pick})
json.dump(man, open(f"{WORK}/manifest.json", "w"), indent=1)
print(name)
