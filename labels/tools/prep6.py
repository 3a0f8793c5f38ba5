"""Round H: 300 more news pages, a seeded random sample of pool pages not yet labelled (never
selected by what the cleaner does), 6 batches of 50; round I: 30 pages of round G and 30 of
round H labelled a second time, by other annotators (agreement)."""
import gzip, json, random
from workspace import DATA, WORK, write_batch

SEED = "zhclean-labels-2026-12-07-round-H"
pool = [json.loads(l) for l in gzip.open(f"{DATA}/pool/inews_news_pages.jsonl.gz")]
done = {json.loads(l)["id"] for l in open(f"{DATA}/dev/labelled_pool_pages.jsonl")}
done |= {json.loads(l)["id"] for l in open(f"{WORK}/pages.jsonl")}
ids = sorted(x["id"] for x in pool if x["id"] not in done)
pick = random.Random(SEED).sample(ids, 300)
by_id = {x["id"]: x for x in pool}
man = json.load(open(f"{WORK}/manifest.json"))
start = len(man)
for k in range(6):
    name = f"b{start + k:02d}_news_H"
    chunk = pick[k * 50:(k + 1) * 50]
    write_batch(name, [(pid, "news", by_id[pid]) for pid in chunk])
    man.append({"batch": name, "round": "H", "source": "news", "ids": chunk})
g_ids = sorted(i for m in man if m["round"] == "G" for i in m["ids"])
rng = random.Random("zhclean-labels-2026-12-07-round-I")
second = rng.sample(g_ids, 30) + rng.sample(sorted(pick), 30)
for k in range(2):
    name = f"b{len(man):02d}_news_I"
    chunk = second[k * 30:(k + 1) * 30]
    write_batch(name, [(pid, "news", by_id[pid]) for pid in chunk])
    man.append({"batch": name, "round": "I", "source": "news", "ids": chunk})
json.dump(man, open(f"{WORK}/manifest.json", "w"), indent=1)
with open(f"{WORK}/pages.jsonl", "a", encoding="utf-8") as f:
    for pid in pick:
        d = by_id[pid]
        f.write(json.dumps({"id": pid, "source": "news", "title": d.get("title") or "", "text": d["text"]}, ensure_ascii=False) + "\n")
print(len(ids), "unlabelled;", [m["batch"] for m in man[start:]])
