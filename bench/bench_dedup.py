"""Benchmark zhclean dedup: signature speed, accuracy against exact Jaccard, reposts, memory.

    python bench/bench_dedup.py                 # everything (a few minutes on one core)
    python bench/bench_dedup.py --only speed    # or: accuracy, reposts, lines, memory

Speed: MB/s (UTF-8 bytes of the input text per CPU second, one core, text in -> signature out)
of zhclean's vectorized signatures, datasketch ``MinHash.update_batch`` (sha1 of each
5-gram, its default) and rensa (``RMinHash.update`` per page, and its bulk
``digest_matrix_from_token_sets``; both need the Python list of shingles, which is counted),
all with 128 permutations and character 5-grams of the same shingle form, on the same pages.

Accuracy: on the first 5,000 pages of the throughput corpus, every pair with character
5-gram Jaccard >= 0.5 is found exactly (prefix filtering, see `exact_pairs`), then the
Deduplicator's result is scored: recall of pairs >= 0.8 / >= 0.9 (both pages in one
cluster; and resolved: one of them removed), and false removals (removed pages with no kept
page at exact Jaccard >= 0.7).

Needs ../shared/data beside the checkout (skipped with a message when absent). rensa is
optional (``pip install zhclean[bench]``).
"""
from __future__ import annotations

import os

os.environ.setdefault("RAYON_NUM_THREADS", "1")  # rensa (Rust, rayon): one core, as for the others

import argparse
import gc
import gzip
import json
import sys
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

import numpy as np

from zhclean.config import DedupConfig
from zhclean.dedup import Deduplicator, MinHasher, shingle_form
from zhclean.dedup.minhash import _MULTIPLIERS

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BENCH = DATA / "bench" / "wechat_articles.jsonl.gz"
REPOSTS = DATA / "dev" / "repost_pairs.jsonl"
NUM_PERM, NGRAM = 128, 5


def load_pages(limit: int | None = None) -> list[dict]:
    pages = []
    with gzip.open(BENCH, "rt", encoding="utf-8") as fh:
        for line in fh:
            pages.append(json.loads(line))
            if limit and len(pages) >= limit:
                break
    return pages


# --- speed -----------------------------------------------------------------------------------

def _shingle_lists(texts):
    out = []
    for t in texts:
        f = shingle_form(t)
        out.append([f[i:i + NGRAM] for i in range(max(len(f) - NGRAM + 1, 1))] if f else [])
    return out


def _time(fn, texts, repeat=1):
    """Best CPU time of this process over `repeat` runs (process time, so other load on a
    shared machine does not count; every contender here runs on one thread)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.process_time()
        fn(texts)
        best = min(best, time.process_time() - t0)
    return best


def bench_speed(pages: list[dict], ds_pages: int) -> None:
    texts = [p["text"] for p in pages]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    hasher = MinHasher(NGRAM, NUM_PERM, 1)
    results = {}
    results["zhclean MinHasher.signatures"] = mb / _time(hasher.signatures, texts, repeat=3)
    try:
        import rensa

        def rensa_update(ts):
            for sh in _shingle_lists(ts):
                m = rensa.RMinHash(num_perm=NUM_PERM, seed=1)
                m.update(sh)
                m.digest()

        def rensa_matrix(ts):
            rensa.RMinHash.digest_matrix_from_token_sets(_shingle_lists(ts), NUM_PERM, 1)

            results["rensa RMinHash.update"] = mb / _time(rensa_update, texts, repeat=3)
        results["rensa digest_matrix_from_token_sets"] = mb / _time(rensa_matrix, texts, repeat=3)
    except ImportError:
        print("  rensa not installed (pip install rensa): skipped")
    from datasketch import MinHash

    sub = texts[:ds_pages]
    sub_mb = sum(len(t.encode("utf-8")) for t in sub) / 1e6

    def ds(ts):
        for sh in _shingle_lists(ts):
            m = MinHash(num_perm=NUM_PERM, seed=1)
            m.update_batch([s.encode("utf-8") for s in sh])

    results[f"datasketch update_batch (first {len(sub)} pages)"] = sub_mb / _time(ds, sub)
    print(f"  {len(texts)} pages, {mb:.1f} MB of UTF-8, {NUM_PERM} permutations, character {NGRAM}-grams, "
          "one core, best of 3 in CPU time")
    ours = results["zhclean MinHasher.signatures"]
    for name, speed in results.items():
        print(f"  {name:48s} {speed:7.2f} MB/s   zhclean is {ours / speed:5.2f}x")


# --- exact ground truth ----------------------------------------------------------------------

def shingle_sets(texts: list[str]) -> list[np.ndarray]:
    """Sorted unique 64-bit hashes of each text's character 5-grams (collisions: ~1e-9)."""
    out = []
    for t in texts:
        cp = np.frombuffer(shingle_form(t).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        if len(cp) < NGRAM:
            out.append(np.unique(cp.sum(keepdims=True) * _MULTIPLIERS[0]) if len(cp) else np.empty(0, np.uint64))
            continue
        m = len(cp) - NGRAM + 1
        h = cp[:m] * _MULTIPLIERS[0]
        for k in range(1, NGRAM):
            h ^= (h >> np.uint64(29))
            h += cp[k:m + k] * _MULTIPLIERS[k]
        out.append(np.unique(h))
    return out


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenated aranges [s, s + n) for each (s, n)."""
    total = int(lengths.sum())
    return np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)


def exact_pairs(sets: list[np.ndarray], t: float) -> dict[tuple[int, int], float]:
    """Every pair (i < j) with exact Jaccard >= t, by prefix filtering (Bayardo et al. 2007):
    order tokens by document frequency; if J(x, y) >= t then |x & y| >= t * |x|, so x and y
    share a token among the first |x| - ceil(t * |x|) + 1 of x and the first
    |y| - ceil(t * |y|) + 1 of y. Candidate pairs are all pairs sharing a prefix token (and
    passing the size filter t <= |x| / |y|); each is verified exactly. Exhaustive."""
    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    indptr = np.concatenate(([0], np.cumsum(sizes)))
    vocab, tokens = np.unique(np.concatenate(sets), return_inverse=True)
    df = np.bincount(tokens)
    # prefix of each set under the (df, token) order
    pref_doc, pref_tok = [], []
    for d in range(len(sets)):
        if not sizes[d]:
            continue
        ids = tokens[indptr[d]:indptr[d + 1]]
        p = int(sizes[d] - np.ceil(t * sizes[d] - 1e-9) + 1)
        pref = ids[np.lexsort((ids, df[ids]))[:p]]
        pref_tok.append(pref)
        pref_doc.append(np.full(len(pref), d, dtype=np.int64))
    tok, doc = np.concatenate(pref_tok), np.concatenate(pref_doc)
    o = np.lexsort((doc, tok))
    tok, doc = tok[o], doc[o]
    start = np.flatnonzero(np.concatenate(([True], tok[1:] != tok[:-1])))
    size = np.diff(np.append(start, len(tok)))
    pos = np.arange(len(tok)) - np.repeat(start, size)       # all pairs inside each group
    later = np.repeat(np.arange(len(tok)), pos)
    earlier = _ranges(np.repeat(start, size), pos)
    code = np.unique(doc[earlier] * len(sets) + doc[later])
    a, b = code // len(sets), code % len(sets)
    lo, hi = np.minimum(sizes[a], sizes[b]), np.maximum(sizes[a], sizes[b])
    ok = lo >= t * hi
    a, b = a[ok], b[ok]
    # exact intersections: one dense membership vector per first page
    mark = np.zeros(len(vocab), dtype=bool)
    out = {}
    bounds = np.flatnonzero(np.concatenate(([True], a[1:] != a[:-1], [True])))
    for g in range(len(bounds) - 1):
        i = a[bounds[g]]
        js = b[bounds[g]:bounds[g + 1]]
        mark[tokens[indptr[i]:indptr[i + 1]]] = True
        hits = mark[tokens[_ranges(indptr[js], sizes[js])]]
        inter = np.add.reduceat(hits, np.concatenate(([0], np.cumsum(sizes[js])[:-1])))
        mark[tokens[indptr[i]:indptr[i + 1]]] = False
        jac = inter / (sizes[i] + sizes[js] - inter)
        for j, v in zip(js[jac >= t], jac[jac >= t]):
            out[(int(i), int(j))] = float(v)
    return out


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def bench_accuracy(pages: list[dict], config: DedupConfig) -> None:
    texts = [p["text"] for p in pages]
    ids = [p["id"] for p in pages]
    t0 = time.perf_counter()
    sets = shingle_sets(texts)
    truth = exact_pairs(sets, 0.5)
    print(f"  {len(pages)} pages; exact pairs with Jaccard >= 0.5: {len(truth)} "
          f"(prefix filtering, {time.perf_counter() - t0:.1f} s)")
    k = min(300, len(sets))
    brute = {(i, j) for i in range(k) for j in range(i + 1, k) if len(sets[i]) and len(sets[j])
             and _jaccard(sets[i], sets[j]) >= 0.5}
    print(f"  check: brute force over all pairs of the first {k} pages finds the same pairs: "
          f"{brute == {p for p in truth if p[1] < k}} ({len(brute)} pairs)")
    for label, cfg in (("zhclean", config),
                       ("zhclean, estimates only (verify_exact=False)", replace(config, verify_exact=False))):
        t0 = time.perf_counter()
        dd = Deduplicator(cfg)
        dec = dd.run(zip(ids, texts))
        print(f"  {label}: Deduplicator.run {time.perf_counter() - t0:.1f} s; {dd.describe()}")
        _score(truth, ids, dec, label)
    # datasketch MinHashLSH(threshold=0.8) over the same signatures (LeanMinHash, unchanged)
    from datasketch import LeanMinHash, MinHash, MinHashLSH

    sigs = MinHasher(config.ngram, config.num_perm, config.seed).signatures(texts)
    lsh = MinHashLSH(threshold=0.8, num_perm=config.num_perm)
    with lsh.insertion_session() as session:
        for i, s in enumerate(sigs):
            session.insert(i, LeanMinHash(MinHash(seed=config.seed, hashvalues=s, scheme="affine32")))
    found = set()
    for i, s in enumerate(sigs):
        for j in lsh.query(LeanMinHash(MinHash(seed=config.seed, hashvalues=s, scheme="affine32"))):
            if j != i:
                found.add((min(i, j), max(i, j)))
    for cut in (0.8, 0.9):
        want = [p for p, j in truth.items() if j >= cut]
        got = sum(p in found for p in want)
        print(f"  datasketch MinHashLSH(0.8) {lsh.b}x{lsh.r} on our signatures: candidate recall "
              f"J>={cut}: {got}/{len(want)} = {got / max(len(want), 1):.3f}")


def _score(truth, ids, dec, label):
    index = {pid: i for i, pid in enumerate(ids)}
    cluster = [dec[pid].cluster_id for pid in ids]
    kept = np.array([dec[pid].kept for pid in ids])
    for cut in (0.8, 0.9):
        want = [p for p, j in truth.items() if j >= cut]
        same = sum(cluster[i] == cluster[j] for i, j in want)
        resolved = sum(cluster[i] == cluster[j] and not (kept[i] and kept[j]) for i, j in want)
        print(f"  {label}: pairs J>={cut}: {len(want)}; same cluster {same} "
              f"(recall {same / max(len(want), 1):.4f}); one of the two removed {resolved} "
              f"({resolved / max(len(want), 1):.4f})")
    near = {}
    for (i, j), jac in truth.items():
        near.setdefault(i, []).append((j, jac))
        near.setdefault(j, []).append((i, jac))
    removed = [i for i, pid in enumerate(ids) if dec[pid].code == "dup.near"]
    bad = [i for i in removed if not any(kept[j] and jac >= 0.7 for j, jac in near.get(i, []))]
    to_kept = [truth.get(tuple(sorted((i, index[dec[ids[i]].duplicate_of]))), 0.0) for i in removed]
    exact_dups = sum(dec[pid].code == "dup.exact" for pid in ids)
    print(f"  {label}: removed {len(removed)} near + {exact_dups} exact; false removals "
          f"(no kept page at J >= 0.7): {len(bad)}; lowest exact J to duplicate_of: "
          f"{min(to_kept, default=float('nan')):.3f}")


# --- reposts ---------------------------------------------------------------------------------

def bench_reposts(config: DedupConfig) -> None:
    from zhclean import clean_text

    pairs = [json.loads(line) for line in REPOSTS.open(encoding="utf-8")]
    wanted = {p["a"] for p in pairs} | {p["b"] for p in pairs}
    texts = {}
    with gzip.open(BENCH, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if rec["id"] in wanted:
                texts[rec["id"]] = rec["text"]
    for label, form in (("raw text", lambda t: t), ("cleaned text", lambda t: clean_text(t).text)):
        dec = Deduplicator(config).run((pid, form(t)) for pid, t in texts.items())
        same = sum(dec[p["a"]].cluster_id == dec[p["b"]].cluster_id for p in pairs)
        removed = sum(dec[p["a"]].cluster_id == dec[p["b"]].cluster_id
                      and not (dec[p["a"]].kept and dec[p["b"]].kept) for p in pairs)
        print(f"  {label:13s}: {len(pairs)} repost pairs; same cluster {same}; one removed {removed}")


# --- memory ----------------------------------------------------------------------------------

def _synthetic(dd: Deduplicator, pages: int, num_perm: int) -> None:
    """Random signatures (the index cannot tell them from real ones) with 2% planted
    near-copies (one permutation changed), added in chunks of 100,000 pages."""
    rng = np.random.default_rng(0)
    step = 100_000
    for s in range(0, pages, step):
        m = min(step, pages - s)
        sig = rng.integers(0, 2**32 - 1, (m, num_perm), dtype=np.uint32)
        copies = rng.random(m) < 0.02
        src = rng.integers(0, m, m)
        sig[copies] = sig[src[copies]]
        sig[copies, rng.integers(0, num_perm, copies.sum())] ^= np.uint32(1)
        dd.add_signed([f"p{s + i:08d}" for i in range(m)], rng.integers(200, 5000, m),
                      rng.integers(-2**62, 2**62, m), sig)


def _synthetic_texts(pages: int, seed: int = 0):
    """Synthetic Chinese pages (~300 characters drawn from 3,000 common Han code points in
    runs, 2% near-copies with a few characters changed), as (id, text), in batches."""
    rng = np.random.default_rng(seed)
    alphabet = np.arange(0x4E00, 0x4E00 + 3000, dtype=np.uint32)
    step = 20_000
    for s in range(0, pages, step):
        m = min(step, pages - s)
        cps = alphabet[rng.integers(0, len(alphabet), (m, 300))]
        copies = np.flatnonzero(rng.random(m) < 0.02)
        cps[copies] = cps[rng.integers(0, m, len(copies))]
        cps[copies, rng.integers(0, 300, len(copies))] = alphabet[0]
        texts = cps.astype("<u4").tobytes().decode("utf-32-le")
        yield [(f"t{s + i:08d}", texts[i * 300:(i + 1) * 300]) for i in range(m)]


def bench_memory(pages: int, config: DedupConfig) -> None:
    """Memory of the index (tracemalloc: every numpy and Python allocation) after adding
    `pages` synthetic pages, and its peak while `finish` resolves them; then the time of
    `finish` in an untraced run (tracing slows allocation-heavy code several fold)."""
    config = replace(config, verify_exact=False)
    dd = Deduplicator(config)
    tracemalloc.start()
    _synthetic(dd, pages, config.num_perm)
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    dec = dd.finish()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    removed = sum(not d.kept for d in dec.values())
    del dec, dd
    gc.collect()
    dd = Deduplicator(config)
    _synthetic(dd, pages, config.num_perm)
    t0 = time.perf_counter()
    dd.finish()
    took = time.perf_counter() - t0
    print(f"  {pages} synthetic pages ({dd.bands} bands x {dd.rows} rows, {config.num_perm} "
          f"permutations): held after add {held / 1e6:.0f} MB = {held / pages:.0f} B/page; peak "
          f"during finish {peak / 1e6:.0f} MB = {peak / pages:.0f} B/page (includes the {pages} "
          f"decisions returned); finish {took:.1f} s untraced; removed {removed}")
    text_pages = min(pages, 200_000)
    dd = Deduplicator(config)
    batches = list(_synthetic_texts(text_pages))
    tracemalloc.start()
    for batch in batches:
        dd.add(batch)
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    removed = sum(not d.kept for d in dd.finish().values())
    print(f"  check with text: {text_pages} synthetic text pages through Deduplicator.add hold "
          f"{held / text_pages:.0f} B/page (removed {removed} of the 2% planted copies)")


def bench_lines(pages: list[dict]) -> None:
    """The repeated-line pass on real pages: speed of both passes, memory, what is marked."""
    from collections import Counter

    from zhclean.dedup.repeated_lines import LineCounter, line_template

    texts = [p["text"] for p in pages]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    counter = LineCounter(DedupConfig(repeated_lines=True))
    t0 = time.process_time()
    counter.add_many(texts)
    counter.page_count("")  # merge the buffer
    count_s = time.process_time() - t0
    t0 = time.process_time()
    marked = [counter.removals(t) for t in texts]
    mark_s = time.process_time() - t0
    cut = sum(r.end - r.start for rs in marked for r in rs)
    total = sum(len(t) for t in texts)
    templates = Counter(line_template(t[r.start:r.end]) for t, rs in zip(texts, marked) for r in rs)
    print(f"  {len(texts)} pages, {mb:.1f} MB: count {mb / count_s:.1f} MB/s, mark {mb / mark_s:.1f} MB/s; "
          f"{len(counter._keys)} distinct templates in {counter.memory_bytes / 1e6:.1f} MB "
          f"(forgotten: {counter.forgotten}); {sum(map(len, marked))} lines marked on "
          f"{sum(1 for rs in marked if rs)} pages, {cut / total:.1%} of the characters")
    print("  most marked templates: " + "; ".join(f"{k[:24]!r} x{v}" for k, v in templates.most_common(8)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", choices=["speed", "accuracy", "reposts", "memory", "lines"])
    ap.add_argument("--speed-pages", type=int, default=2000)
    ap.add_argument("--datasketch-pages", type=int, default=300)
    ap.add_argument("--accuracy-pages", type=int, default=5000)
    ap.add_argument("--memory-pages", type=int, default=1_000_000)
    args = ap.parse_args()
    if not BENCH.exists():
        print(f"skipped: {BENCH} is absent (the benchmark needs ../shared/data beside the checkout)")
        return 0
    config = DedupConfig()
    run = (lambda name: args.only in (None, name))
    if run("speed"):
        print("signatures, text in -> signature out:")
        bench_speed(load_pages(args.speed_pages), args.datasketch_pages)
    if run("accuracy"):
        print("accuracy against exact character 5-gram Jaccard (shingle form: NFKC per character, lower case, no whitespace):")
        bench_accuracy(load_pages(args.accuracy_pages), config)
    if run("reposts"):
        print("repost pairs (dev/repost_pairs.jsonl), found as duplicates:")
        bench_reposts(config)
    if run("lines"):
        print(f"repeated lines (min_pages {config.repeated_line_min_pages}), first {args.accuracy_pages} pages:")
        bench_lines(load_pages(args.accuracy_pages))
    if run("memory"):
        print("LSH index memory (tracemalloc):")
        bench_memory(args.memory_pages, config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
