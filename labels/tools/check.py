#!/usr/bin/env python3
"""Check a labelling batch's output, and show a page with its drops marked.

  python3 labels/tools/check.py BATCH              validate out/BATCH.jsonl against the batch
  python3 labels/tools/check.py BATCH --show ID    the page with drops marked ⟦kind:…⟧
"""
import json, re, sys
from workspace import WORK, segments

KINDS = {"seo_title", "hotline", "cta", "region_list", "keyword_list", "gambling_porn_ad",
         "marketing_template", "llm_artifact", "nav", "related", "footer", "byline",
         "listing_meta", "ui_junk", "other_boilerplate"}
HERE = WORK

def pages():
    return {d["id"]: d for d in map(json.loads, open(f"{HERE}/pages.jsonl", encoding="utf-8"))}

def expand(key, n):
    m = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+))?\s*", str(key))
    if not m:
        raise ValueError(f"bad segment key {key!r} (use \"7\" or \"7-12\")")
    a = int(m[1]); b = int(m[2]) if m[2] else a
    if not (0 <= a <= b < n):
        raise ValueError(f"segment key {key!r} out of range 0..{n - 1}")
    return range(a, b + 1)

def drops(lab, text):
    """[start, end, kind] offsets, validated; raises ValueError on any problem."""
    segs = segments(text)
    out = []
    for key, kind in (lab.get("drop") or {}).items():
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        for i in expand(key, len(segs)):
            out.append([*segs[i], kind])
    for sp in lab.get("spans") or []:
        if sp.get("kind") not in KINDS:
            raise ValueError(f"unknown kind {sp.get('kind')!r} in span")
        seg = int(sp["seg"])
        if not 0 <= seg < len(segs):
            raise ValueError(f"span segment {seg} out of range")
        a, b = segs[seg]
        j = text.find(sp["text"], a, b) if sp.get("text") else -1
        for _ in range(int(sp.get("nth", 1)) - 1):  # the nth occurrence inside the segment
            j = text.find(sp["text"], j + 1, b) if j >= 0 else -1
        if j < 0:
            raise ValueError(f"span text not found in segment {seg}: {sp.get('text')!r}")
        out.append([j, j + len(sp["text"]), sp["kind"]])
    if lab.get("verdict", "content") not in ("content", "all_spam"):
        raise ValueError(f"bad verdict {lab.get('verdict')!r}")
    return sorted(out)

def main():
    batch = sys.argv[1].removesuffix(".jsonl").removesuffix(".txt").split("/")[-1]
    man = {b["batch"]: b for b in json.load(open(f"{HERE}/manifest.json"))}[batch]
    P = pages()
    labs = {}
    errors = []
    try:
        lines = open(f"{HERE}/out/{batch}.jsonl", encoding="utf-8").read().splitlines()
    except FileNotFoundError:
        lines = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            lab = json.loads(line)
        except ValueError as e:
            errors.append(f"line {n}: not JSON ({e})"); continue
        if lab.get("id") in labs:
            errors.append(f"line {n}: id {lab.get('id')} labelled twice (the last line wins)")
        labs[lab.get("id")] = lab
    if "--show" in sys.argv:
        pid = sys.argv[sys.argv.index("--show") + 1]
        text = P[pid]["text"]
        ds = drops(labs[pid], text)
        pos, parts = 0, []
        for s, e, k in ds:
            if s < pos:
                s = pos
            parts.append(text[pos:s]); parts.append(f"⟦{k}:{text[s:e]}⟧"); pos = max(pos, e)
        parts.append(text[pos:])
        print("".join(parts)); return
    for pid in man["ids"]:
        if pid not in labs:
            errors.append(f"{pid}: not labelled yet"); continue
        text = P[pid]["text"]
        try:
            ds = drops(labs[pid], text)
        except (ValueError, KeyError, TypeError) as e:
            errors.append(f"{pid}: {e}"); continue
        gone = bytearray(len(text))
        for s, e, _ in ds:
            gone[s:e] = b"\x01" * (e - s)
        body = [i for i, c in enumerate(text) if not c.isspace()]
        kept = sum(1 for i in body if not gone[i]) / max(len(body), 1)
        v = labs[pid].get("verdict", "content")
        if v == "all_spam" and kept > 0.02:
            errors.append(f"{pid}: verdict all_spam but {kept:.0%} of the text is not dropped (drop every segment)")
        if v == "content" and kept == 0:
            errors.append(f"{pid}: everything dropped but verdict is content (all_spam?)")
    extra = set(labs) - set(man["ids"])
    for pid in extra:
        errors.append(f"{pid}: not a page of this batch")
    done = len([p for p in man["ids"] if p in labs])
    print(f"{batch}: {done}/{len(man['ids'])} pages labelled, {len(errors)} problems")
    for e in errors:
        print("  " + e)

if __name__ == "__main__":
    main()
