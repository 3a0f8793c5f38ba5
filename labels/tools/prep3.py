"""Round D: 40 of round C's pages labelled a second time, by another annotator (agreement)."""
import json, random, sys
from workspace import WORK, write_batch
man = json.load(open(f"{WORK}/manifest.json"))
c_ids = sorted(i for m in man if m["round"] == "C" for i in m["ids"])
pick = random.Random("zhclean-labels-2026-12-07-round-D").sample(c_ids, 40)
P = {d["id"]: d for d in map(json.loads, open(f"{WORK}/pages.jsonl", encoding="utf-8"))}
name = f"b{len(man):02d}_news_D"
write_batch(name, [(pid, "news", P[pid]) for pid in pick])
man.append({"batch": name, "round": "D", "source": "news", "ids": pick})
json.dump(man, open(f"{WORK}/manifest.json", "w"), indent=1)
print(name)
