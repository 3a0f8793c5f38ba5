"""Round C: 400 more news pages, a seeded random sample of pool pages not yet labelled (never
selected by what the cleaner does), 8 batches of 50."""
import gzip, json, random, sys
import os
from pathlib import Path
SHARED = Path(__file__).resolve().parents[3] / "shared"  # ../shared beside the checkout
#: the labelling workspace: batches/, out/, pages.jsonl, manifest.json (page text lives here,
#: never in the repository)
WORK = os.environ.get("ZHCLEAN_LABELLING", os.getcwd())
sys.path.insert(0, str(SHARED / "eval"))
from segtool import segments

SEED = "zhclean-labels-2026-12-07-round-C"
D = str(SHARED / "data")
pool = [json.loads(l) for l in gzip.open(f"{D}/pool/inews_news_pages.jsonl.gz")]
done = {json.loads(l)["id"] for l in open(f"{D}/dev/labelled_pool_pages.jsonl")}
done |= {json.loads(l)["id"] for l in open(f"{WORK}/pages.jsonl")}
ids = sorted(x["id"] for x in pool if x["id"] not in done)
pick = random.Random(SEED).sample(ids, 400)
by_id = {x["id"]: x for x in pool}
man = json.load(open(f"{WORK}/manifest.json"))
start = len(man)
for k in range(8):
    name = f"b{start + k:02d}_news_C"
    chunk = pick[k * 50:(k + 1) * 50]
    with open(f"{WORK}/batches/{name}.txt", "w", encoding="utf-8") as f:
        f.write(f"# batch {name}: {len(chunk)} pages\n\n")
        for pid in chunk:
            d = by_id[pid]
            segs = segments(d["text"])
            f.write(f"=== PAGE id={pid} source=news segments={len(segs)}\n")
            f.write(f"TITLE: {d.get('title') or ''}\n")
            for i, (a, b) in enumerate(segs):
                f.write(f"[{i}] {d['text'][a:b]}\n")
            f.write(f"=== END PAGE id={pid}\n\n")
    man.append({"batch": name, "round": "C", "source": "news", "ids": chunk})
json.dump(man, open(f"{WORK}/manifest.json", "w"), indent=1)
with open(f"{WORK}/pages.jsonl", "a", encoding="utf-8") as f:
    for pid in pick:
        d = by_id[pid]
        f.write(json.dumps({"id": pid, "source": "news", "title": d.get("title") or "", "text": d["text"]}, ensure_ascii=False) + "\n")
print(len(ids), "unlabelled;", [m["batch"] for m in man[start:]])
