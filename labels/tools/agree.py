"""Agreement between the two labellings of the pages labelled twice, with score.py
(first labelling = gold, second = output), per source.

    python3 agree.py [ROUND] [--without ID,ID]   # e.g. agree.py F; --without: leave pages out"""
import json, os, subprocess, sys, tempfile
from workspace import FIRST_ROUNDS, SHARED, WORK
import check
P = check.pages()
man = json.load(open(f"{WORK}/manifest.json"))
def labels(batch):
    f = f"{WORK}/out/{batch}.jsonl"
    if not os.path.exists(f): return {}
    return {x["id"]: x for x in map(json.loads, filter(str.strip, open(f)))}
args = sys.argv[1:]
without = set()  # ids left out
if "--without" in args:
    k = args.index("--without")
    without = set(args[k + 1].split(","))
    del args[k:k + 2]
only = args[0] if args else None  # a round of second labellings, e.g. D
A = {}; B = {}
for b in man:
    (A if b["round"] in FIRST_ROUNDS else B).update({k: (v, b["batch"]) for k, v in labels(b["batch"]).items()})
res = {}
for src in ("news", "wechat"):
    ids = [i for i in B if i in A and P[i]["source"] == src and (only is None or B[i][1].endswith("_" + only))
           and i not in without]
    if not ids: continue
    d = tempfile.mkdtemp()
    with open(f"{d}/raw.jsonl", "w") as r, open(f"{d}/gold.jsonl", "w") as g, open(f"{d}/out.jsonl", "w") as o:
        for i in ids:
            t = P[i]["text"]
            r.write(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n")
            ga = check.drops(A[i][0], t)
            g.write(json.dumps({"id": i, "drop": ga, "verdict": A[i][0].get("verdict", "content")}, ensure_ascii=False) + "\n")
            gb = check.drops(B[i][0], t)
            keep = bytearray(b"\x01" * len(t))
            for s, e, _ in gb: keep[s:e] = b"\x00" * (e - s)
            kept = "".join(c for c, k in zip(t, keep) if k)
            if B[i][0].get("verdict") == "all_spam": kept = ""
            o.write(json.dumps({"id": i, "text": kept}, ensure_ascii=False) + "\n")
    out = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), f"{d}/raw.jsonl", f"{d}/gold.jsonl", f"{d}/out.jsonl", "--json"], capture_output=True, text=True)
    res[src] = {"pages": len(ids), **json.loads(out.stdout)}
    # and the verdict agreement
    res[src]["verdict_agreement"] = sum(A[i][0].get("verdict","content") == B[i][0].get("verdict","content") for i in ids) / len(ids)
print(json.dumps(res, ensure_ascii=False, indent=1))
