"""Round G: 300 more news pages, a seeded random sample of pool pages not yet labelled (never
selected by what the cleaner does), 6 batches of 50."""
import gzip, json, random
from workspace import DATA, WORK, write_batch

SEED = "zhclean-labels-2026-12-07-round-G"
pool = [json.loads(l) for l in gzip.open(f"{DATA}/pool/inews_news_pages.jsonl.gz")]
done = {json.loads(l)["id"] for l in open(f"{DATA}/dev/labelled_pool_pages.jsonl")}
done |= {json.loads(l)["id"] for l in open(f"{WORK}/pages.jsonl")}
ids = sorted(x["id"] for x in pool if x["id"] not in done)
pick = random.Random(SEED).sample(ids, 300)
by_id = {x["id"]: x for x in pool}
man = json.load(open(f"{WORK}/manifest.json"))
start = len(man)
for k in range(6):
    name = f"b{start + k:02d}_news_G"
    chunk = pick[k * 50:(k + 1) * 50]
    write_batch(name, [(pid, "news", by_id[pid]) for pid in chunk])
    man.append({"batch": name, "round": "G", "source": "news", "ids": chunk})
json.dump(man, open(f"{WORK}/manifest.json", "w"), indent=1)
with open(f"{WORK}/pages.jsonl", "a", encoding="utf-8") as f:
    for pid in pick:
        d = by_id[pid]
        f.write(json.dumps({"id": pid, "source": "news", "title": d.get("title") or "", "text": d["text"]}, ensure_ascii=False) + "\n")
print(len(ids), "unlabelled;", [m["batch"] for m in man[start:]])
