"""Write the repository's label files: offsets + text hash, never text."""
import gzip, hashlib, json, os, sys
from pathlib import Path
from workspace import DATA, FIRST_ROUNDS, WORK
import check
from zhclean.labels import split_of
D = DATA
OUT = str(Path(__file__).resolve().parents[1])
def sha1(t): return hashlib.sha1(t.encode("utf-8")).hexdigest()
def rec(pid, source, text, drop, verdict, page_file, origin):
    return {"id": pid, "source": source, "split": split_of(pid), "page_file": page_file, "sha1": sha1(text),
            "n_chars": len(text), "verdict": verdict, "drop": [list(d) for d in sorted(drop)], "origin": origin}
files = {k: [] for k in ("news", "wechat", "spam_pages", "extraction_pages")}
second = {"news": [], "wechat": []}
for l in open(f"{D}/dev/labelled_pool_pages.jsonl"):
    d = json.loads(l)
    files[d["source"]].append(rec(d["id"], d["source"], d["text"], d["drop"], d["verdict"],
                                  "dev/labelled_pool_pages.jsonl", "shared starter set"))
for name, source in (("spam_pages", "spam_pages"), ("extraction_pages", "extraction_pages")):
    for l in open(f"{D}/dev/{name}.jsonl"):
        d = json.loads(l)
        files[name].append(rec(d["id"], source, d["text"], d["drop"], d["verdict"], f"dev/{name}.jsonl", "shared dev set"))
P = check.pages()
man = json.load(open(f"{WORK}/manifest.json"))
pf = {"news": "pool/inews_news_pages.jsonl.gz", "wechat": "bench/wechat_articles.jsonl.gz"}
for b in man:
    if not os.path.exists(f"{WORK}/out/{b['batch']}.jsonl") and b["round"] not in FIRST_ROUNDS:
        continue  # a second labelling not done yet
    labs = {x["id"]: x for x in map(json.loads, filter(str.strip, open(f"{WORK}/out/{b['batch']}.jsonl")))}
    for pid in b["ids"]:
        p = P[pid]; lab = labs[pid]
        r = rec(pid, p["source"], p["text"], check.drops(lab, p["text"]), lab.get("verdict", "content"),
                pf[p["source"]], f"zhclean labelling 2026-12 ({b['batch']})")
        (files if b["round"] in FIRST_ROUNDS else second)[p["source"]].append(r)
os.makedirs(f"{OUT}/second", exist_ok=True)
for name, rs in files.items():
    with open(f"{OUT}/{name}.jsonl", "w") as f:
        for r in sorted(rs, key=lambda r: r["id"]):
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(name, len(rs), sum(r["split"] == "validation" for r in rs))
for name, rs in second.items():
    with open(f"{OUT}/second/{name}.jsonl", "w") as f:
        for r in sorted(rs, key=lambda r: r["id"]):
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print("second", name, len(rs))
