"""Prepare labelling batches: a seeded random sample of pool and wechat pages, shown as numbered
segments (segtool's segmentation). Never selects by what the cleaner does."""
import gzip, json, random, sys
from workspace import DATA, WORK, write_batch

SEED = "zhclean-labels-2026-12-07"
D = DATA
pool = [json.loads(l) for l in gzip.open(f"{D}/pool/inews_news_pages.jsonl.gz")]
wechat = [json.loads(l) for l in gzip.open(f"{D}/bench/wechat_articles.jsonl.gz")]
done = {json.loads(l)["id"] for l in open(f"{D}/dev/labelled_pool_pages.jsonl")}
rng = random.Random(SEED)
pool_ids = sorted(x["id"] for x in pool if x["id"] not in done)
wechat_ids = sorted(x["id"] for x in wechat if x["id"] not in done)
pool_pick = rng.sample(pool_ids, 800)
wechat_pick = rng.sample(wechat_ids, 260)
by_id = {x["id"]: ("news", x) for x in pool} | {x["id"]: ("wechat", x) for x in wechat}
# pages labelled twice (independent annotators): 120 news, 40 wechat, drawn from the sample
twice_pool = rng.sample(pool_pick, 120)
twice_wechat = rng.sample(wechat_pick, 40)

def batches(ids, size):
    return [ids[i:i + size] for i in range(0, len(ids), size)]

plan = []
for ids in batches(pool_pick, 50):
    plan.append(("A", "news", ids))
for ids in batches(wechat_pick, 13):
    plan.append(("A", "wechat", ids))
# second labellings: shuffled so a page's two labellings fall in different batches
rng.shuffle(twice_pool); rng.shuffle(twice_wechat)
for ids in batches(twice_pool, 40):
    plan.append(("B", "news", ids))
for ids in batches(twice_wechat, 10):
    plan.append(("B", "wechat", ids))

manifest = []
for n, (rnd, src, ids) in enumerate(plan):
    name = f"b{n:02d}_{src}_{rnd}"
    write_batch(name, [(pid, *by_id[pid]) for pid in ids])
    manifest.append({"batch": name, "round": rnd, "source": src, "ids": ids})
json.dump(manifest, open(f"{WORK}/manifest.json", "w"), indent=1)
# the page texts the batches refer to, for compiling
with open(f"{WORK}/pages.jsonl", "w", encoding="utf-8") as f:
    for pid in pool_pick + wechat_pick:
        s, d = by_id[pid]
        f.write(json.dumps({"id": pid, "source": s, "title": d.get("title") or "", "text": d["text"]}, ensure_ascii=False) + "\n")
print(len(plan), "batches")
