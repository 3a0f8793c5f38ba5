"""Round E: 400 more news pages, a seeded random sample of pool pages not yet labelled (never
selected by what the cleaner does), 8 batches of 50; round F: 40 of them labelled a second
time, by other annotators (agreement)."""
import gzip, json, random
from workspace import DATA, WORK, write_batch

SEED = "zhclean-labels-2026-12-07-round-E"
pool = [json.loads(l) for l in gzip.open(f"{DATA}/pool/inews_news_pages.jsonl.gz")]
done = {json.loads(l)["id"] for l in open(f"{DATA}/dev/labelled_pool_pages.jsonl")}
done |= {json.loads(l)["id"] for l in open(f"{WORK}/pages.jsonl")}
ids = sorted(x["id"] for x in pool if x["id"] not in done)
pick = random.Random(SEED).sample(ids, 400)
by_id = {x["id"]: x for x in pool}
man = json.load(open(f"{WORK}/manifest.json"))
start = len(man)
for k in range(8):
    name = f"b{start + k:02d}_news_E"
    chunk = pick[k * 50:(k + 1) * 50]
    write_batch(name, [(pid, "news", by_id[pid]) for pid in chunk])
    man.append({"batch": name, "round": "E", "source": "news", "ids": chunk})
second = random.Random("zhclean-labels-2026-12-07-round-F").sample(sorted(pick), 40)
name = f"b{len(man):02d}_news_F"
write_batch(name, [(pid, "news", by_id[pid]) for pid in second])
man.append({"batch": name, "round": "F", "source": "news", "ids": second})
json.dump(man, open(f"{WORK}/manifest.json", "w"), indent=1)
with open(f"{WORK}/pages.jsonl", "a", encoding="utf-8") as f:
    for pid in pick:
        d = by_id[pid]
        f.write(json.dumps({"id": pid, "source": "news", "title": d.get("title") or "", "text": d["text"]}, ensure_ascii=False) + "\n")
print(len(ids), "unlabelled;", [m["batch"] for m in man[start:]])
