"""Where the labelling tools read and write, and the batch file the annotators read.

The workspace (`ZHCLEAN_LABELLING`, default the current folder) holds `batches/`, `out/`,
`pages.jsonl` and `manifest.json`: page text lives there, never in the repository."""
import os
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared"  # ../shared beside the checkout
DATA = str(SHARED / "data")
WORK = os.environ.get("ZHCLEAN_LABELLING", os.getcwd())
sys.path.insert(0, str(SHARED / "eval"))
from segtool import segments  # noqa: E402

#: Rounds whose labels are the first labelling of their pages (the others label pages of these a
#: second time, by other annotators: agreement).
FIRST_ROUNDS = ("A", "C", "E", "G", "H", "J", "L", "N", "P", "R", "T", "V", "X", "Z", "AB", "AD", "AF", "AH", "AJ")


def write_batch(name, pages):
    """`batches/<name>.txt`: each page of `pages` ((id, source, record) with text and title)
    as numbered segments (GUIDE.md, "Your input")."""
    with open(f"{WORK}/batches/{name}.txt", "w", encoding="utf-8") as f:
        f.write(f"# batch {name}: {len(pages)} pages\n\n")
        for pid, source, d in pages:
            segs = segments(d["text"])
            f.write(f"=== PAGE id={pid} source={source} segments={len(segs)}\n")
            f.write(f"TITLE: {d.get('title') or ''}\n")
            for i, (a, b) in enumerate(segs):
                f.write(f"[{i}] {d['text'][a:b]}\n")
            f.write(f"=== END PAGE id={pid}\n\n")


# --- a round of news pages from the pool (rounds C, E, G, H and their second labellings) ----


def pool_pages():
    """The unlabelled news pool, by id (`pool/inews_news_pages.jsonl.gz`)."""
    import gzip
    import json

    return {x["id"]: x for x in map(json.loads, gzip.open(f"{DATA}/pool/inews_news_pages.jsonl.gz"))}


def wechat_pages():
    """The WeChat bench corpus, by id (`bench/wechat_articles.jsonl.gz`)."""
    import gzip
    import json

    return {x["id"]: x for x in map(json.loads, gzip.open(f"{DATA}/bench/wechat_articles.jsonl.gz"))}


def sample_unlabelled(pool, seed, n):
    """`n` pool ids drawn with `random.Random(seed)` from those not labelled yet (the starter
    set and every page of the workspace), sorted first: never chosen by what the cleaner does."""
    import json
    import random

    done = {json.loads(line)["id"] for line in open(f"{DATA}/dev/labelled_pool_pages.jsonl")}
    done |= {json.loads(line)["id"] for line in open(f"{WORK}/pages.jsonl")}
    ids = sorted(i for i in pool if i not in done)
    print(len(ids), "unlabelled")
    return random.Random(seed).sample(ids, n)


def load_manifest():
    import json

    return json.load(open(f"{WORK}/manifest.json"))


def add_batches(manifest, pool, ids, round_, size, source="news"):
    """Batches of `size` pages of `ids` (from `pool`, of `source`) for round `round_`, numbered
    after the manifest's."""
    for k in range(0, len(ids), size):
        name = f"b{len(manifest):02d}_{source}_{round_}"
        chunk = ids[k:k + size]
        write_batch(name, [(pid, source, pool[pid]) for pid in chunk])
        manifest.append({"batch": name, "round": round_, "source": source, "ids": chunk})


def save_round(manifest, pool, new_ids, source="news"):
    """Write the manifest, and append the newly sampled pages to `pages.jsonl`."""
    import json

    json.dump(manifest, open(f"{WORK}/manifest.json", "w"), indent=1)
    with open(f"{WORK}/pages.jsonl", "a", encoding="utf-8") as f:
        for pid in new_ids:
            d = pool[pid]
            f.write(json.dumps({"id": pid, "source": source, "title": d.get("title") or "", "text": d["text"]},
                               ensure_ascii=False) + "\n")


def first_labelling_round(round_, n, size=50, source="news"):
    """A round of `n` pages of `source` never labelled (news: the pool; wechat: the bench
    corpus), drawn with the seed ``zhclean-labels-2026-12-07-round-<round_>``, in batches of
    `size`: (pages, the ids drawn, the manifest with their batches added; `save_round` writes it)."""
    pool = pool_pages() if source == "news" else wechat_pages()
    pick = sample_unlabelled(pool, f"zhclean-labels-2026-12-07-round-{round_}", n)
    manifest = load_manifest()
    add_batches(manifest, pool, pick, round_, size, source)
    return pool, pick, manifest


def round_with_agreement(first: str, n: int, second: str, k: int, size: int = 50, second_size: int | None = None,
                         source: str = "news") -> None:
    """Round `first` (`first_labelling_round`: `n` pages in batches of `size`) and round
    `second`: `k` of its pages, drawn with the seed ``zhclean-labels-2026-12-07-round-<second>``,
    for other annotators to label again (agreement), in batches of `second_size` (default `k`);
    then the manifest and pages are saved."""
    import random

    pages, pick, manifest = first_labelling_round(first, n, size=size, source=source)
    rng = random.Random(f"zhclean-labels-2026-12-07-round-{second}")
    add_batches(manifest, pages, rng.sample(sorted(pick), k), second, second_size or k, source=source)
    save_round(manifest, pages, pick, source=source)
