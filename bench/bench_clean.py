"""Benchmark the cleaner: throughput on real pages, and the worst case on adversarial lines.

    python bench/bench_clean.py                  # all pages, then the adversarial lines
    python bench/bench_clean.py --limit 3000     # the first 3,000 pages
    python bench/bench_clean.py --profile        # also: top functions by cumulative time
    python bench/bench_clean.py --skip-adversarial --limit 500 --profile

Throughput: `Cleaner()(text, title)` on the pages of
``../shared/data/bench/wechat_articles.jsonl.gz`` (beside the checkout), one core, one
process; MB/s counts the UTF-8 bytes of the input text, timed from text in to CleanedPage out
(its `.text` rendered) in CPU time of the process (wall time is printed too: other
processes may share the machine), after a warm-up page that builds the cached resources.
Each cleaner runs in a fresh process, and the ratio to the baseline (``--baseline``, by
default the rules alone to a fixpoint) is the median over ``--rounds`` rounds that alternate
which of the two goes first: measured one after the other in one process, the second ran
about 10 % faster on caches the first had warmed (the same cleaner against itself gave
1.10). The target is
10 MB/s per core.

Adversarial: one line of 10 MB (UTF-8) per variant, no line breaks: repeated separators,
digits, brackets, '400-' fragments, '...' runs, alternating Han/punctuation, and a mix of
all of them (the shape of `tests/test_adversarial.py`). Target: under 10 s (CPU) each. Each
variant runs in a child process that is stopped after ``--adversarial-timeout`` seconds, so
a pattern that backtracks quadratically shows up as "> 120" instead of hanging the run.

Profile (``--profile``): cProfile over the same pages (a separate, slower pass), sorted by
cumulative time, then the rules' own functions, so the hot rules stand out.
"""
from __future__ import annotations

import argparse
import cProfile
import gzip
import io
import json
import multiprocessing
import pstats
import statistics
import sys
import time
from pathlib import Path

from zhclean import Cleaner
from zhclean.config import CleanConfig

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "data" / "bench" / "wechat_articles.jsonl.gz"
TARGET_MB_S = 10.0
TARGET_ADVERSARIAL_S = 10.0
ADVERSARIAL_UNITS = {
    "separators 、": "、",
    "digits": "7",
    "brackets 【【((": "【【((",
    "'400-' fragments": "400-",
    "'...' runs": "...",
    "Han/punct 城，": "城，",
}


def load_pages(path: Path, limit: int | None) -> list[tuple[str, str | None]]:
    pages = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            pages.append((record.get("text") or "", record.get("title")))
            if limit and len(pages) >= limit:
                break
    return pages


def throughput(cleaner: Cleaner, pages: list[tuple[str, str | None]]) -> dict[str, float]:
    """Wall-clock and CPU time of this process (the CPU figure is the per-core one when other
    processes share the machine)."""
    # Build the cached resources (the gazetteer's automaton is built by the first region list).
    cleaner("预热：城南街道积水点整治工程全面完工。客服电话400-820-3721。\n"
            "服务区域：朝阳区、海淀区、丰台区、石景山区、通州区、顺义区、昌平区")
    size = sum(len(text.encode("utf-8")) for text, _ in pages)
    removed = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for text, title in pages:
        page = cleaner(text, title)
        removed += len(text) - len(page.text)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"pages": len(pages), "mb": size / 1e6, "wall_s": wall, "cpu_s": cpu,
            "mb_s": size / 1e6 / cpu, "pages_s": len(pages) / cpu, "mb_s_wall": size / 1e6 / wall,
            "removed_chars_share": removed / max(1, sum(len(t) for t, _ in pages))}


def _throughput_in_child(model: str, corpus: str, limit: int | None, results) -> None:
    results.put(throughput(Cleaner(CleanConfig(model=model)), load_pages(Path(corpus), limit)))


def fresh_throughput(model: str, corpus: Path, limit: int | None) -> dict[str, float]:
    """`throughput` in a fresh process: no cache warmed by another configuration (the
    gazetteer's, the rules' memos), no memory grown by it."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=_throughput_in_child, args=(model, str(corpus), limit, results))
    child.start()
    figures = results.get()
    child.join()
    return figures


def compare(model: str, baseline: str, corpus: Path, limit: int | None, rounds: int) -> tuple[dict, dict, list[float]]:
    """Both cleaners, each in a fresh process, alternating which goes first, `rounds` times;
    the run of each with the median CPU time, and the ratio of every round."""
    runs: dict[str, list[dict]] = {model: [], baseline: []}
    ratios = []
    for r in range(rounds):
        order = (baseline, model) if r % 2 == 0 else (model, baseline)
        got = {m: fresh_throughput(m, corpus, limit) for m in order}
        for m, figures in got.items():
            runs[m].append(figures)
        ratios.append(got[model]["mb_s"] / got[baseline]["mb_s"])
        print(f"  round {r + 1}: {model!r} {got[model]['mb_s']:.2f} MB/s, {baseline!r} {got[baseline]['mb_s']:.2f} MB/s, "
              f"ratio {ratios[-1]:.3f}", file=sys.stderr, flush=True)

    def median_run(figures: list[dict]) -> dict:
        return sorted(figures, key=lambda f: f["cpu_s"])[len(figures) // 2]

    return median_run(runs[model]), median_run(runs[baseline]), ratios


def rule_times(pages: list[tuple[str, str | None]], model: str) -> list[tuple[str, float]]:
    """CPU seconds per stage and rule, as `Cleaner` itself records them when its `timings`
    is a dict: normalizing, building each Page, the page's one scan for every rule's literal
    cues, each span rule, each segment rule (finding its candidate sentences plus its
    checks), each page rule, the context decisions, and the fixpoint passes (their rules are
    counted under the same names). The timer around each check inflates the segment rules'
    figures (a few microseconds per call)."""
    cleaner = Cleaner(CleanConfig(model=model))
    cleaner.timings = {}
    for text, title in pages:
        cleaner(text, title)
    return sorted(cleaner.timings.items(), key=lambda kv: -kv[1])


def adversarial_line(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit.encode("utf-8")))


def mixed_line(size: int, block: int = 256 * 1024) -> str:
    parts, total, i = [], 0, 0
    units = list(ADVERSARIAL_UNITS.values())
    while total < size:
        unit = units[i % len(units)]
        count = max(1, min(block, size - total) // len(unit.encode("utf-8")))
        parts.append(unit * count)
        total += count * len(unit.encode("utf-8"))
        i += 1
    return "".join(parts)


def _clean_one(line: str, results) -> None:
    cleaner = Cleaner()
    cleaner("预热")
    start = time.process_time()
    page = cleaner(line)
    _ = page.text
    results.put((time.process_time() - start, len(page.removals)))


def adversarial(megabytes: float, timeout: float) -> list[tuple[str, float, float | None, int | None]]:
    """Each variant in a child process (CPU seconds measured there), stopped after `timeout`
    wall seconds so that a pathological pattern cannot hang the benchmark."""
    context = multiprocessing.get_context("fork")
    size = int(megabytes * 1024 * 1024)
    rows = []
    variants = [(name, adversarial_line(unit, size)) for name, unit in ADVERSARIAL_UNITS.items()]
    variants.append(("mix of all", mixed_line(size)))
    for name, line in variants:
        results = context.Queue()
        child = context.Process(target=_clean_one, args=(line, results))
        child.start()
        child.join(timeout)
        if child.is_alive():
            child.terminate()
            child.join()
            seconds, removals = None, None
        else:
            seconds, removals = results.get() if not results.empty() else (None, None)
        rows.append((name, len(line.encode("utf-8")) / 1e6, seconds, removals))
        shown = f"{seconds:7.2f} s" if seconds is not None else f"stopped after {timeout:g} s"
        print(f"  {name:20s} {rows[-1][1]:6.1f} MB  {shown}", file=sys.stderr, flush=True)
    return rows


def profile(cleaner: Cleaner, pages: list[tuple[str, str | None]], top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for text, title in pages:
        cleaner(text, title).text
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
    out.write(f"--- top {top} functions by cumulative time ---\n")
    stats.print_stats(top)
    out.write("--- the rules' own functions (by cumulative time) ---\n")
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(r"zhclean/(?:rules|context|segment)", top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="clean only the first N pages")
    parser.add_argument("--profile", action="store_true", help="print the top functions by cumulative time")
    parser.add_argument("--top", type=int, default=25, help="rows of the profile (default 25)")
    parser.add_argument("--adversarial-mb", type=float, default=10.0, help="size of each adversarial line")
    parser.add_argument("--adversarial-timeout", type=float, default=120.0,
                        help="stop a variant after this many seconds (default 120)")
    parser.add_argument("--skip-adversarial", action="store_true")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="pages to clean (jsonl.gz with text/title)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--model", default="shipped",
                        help="the cleaner measured: clean.model ('shipped', a model folder, or 'off')")
    parser.add_argument("--rounds", type=int, default=3,
                        help="fresh processes per cleaner for the ratio, alternating which goes first (default 3)")
    parser.add_argument("--baseline", default="off",
                        help="measured on the same pages in the same run, for the ratio: clean.model of the "
                             "baseline (default 'off': the rules alone to a fixpoint, the cleaner before "
                             "the model); 'none' skips it")
    args = parser.parse_args(argv)

    if not args.corpus.exists():
        print(f"bench_clean: benchmark pages not found: {args.corpus}\n"
              f"  expected ../shared/data/bench/wechat_articles.jsonl.gz beside the repository root "
              f"({REPO}); put the shared data there, or pass --corpus PATH.", file=sys.stderr)
        return 2

    pages = load_pages(args.corpus, args.limit)
    base = None
    if args.baseline != "none":
        figures, base, ratios = compare(args.model, args.baseline, args.corpus, args.limit, args.rounds)
    else:
        figures = fresh_throughput(args.model, args.corpus, args.limit)
    print(f"corpus: {args.corpus.name}, {figures['pages']} pages, {figures['mb']:.1f} MB of UTF-8 text, one core")
    print(f"cleaner: clean.model = {args.model!r}")
    if base is not None:
        print(f"baseline: clean.model = {args.baseline!r}, same pages, same run: {base['mb_s']:.2f} MB/s, "
              f"{base['pages_s']:.1f} pages/s (CPU time, median of {args.rounds} fresh processes); "
              f"ratio to it: {statistics.median(ratios):.2f} (median; rounds {', '.join(f'{r:.2f}' for r in ratios)})")
        figures["baseline"] = {"model": args.baseline, **base}
        figures["ratios"] = ratios
    print(f"{'measure':28s} {'value':>10s} {'target':>10s} {'ratio':>7s}")
    print(f"{'throughput MB/s (CPU time)':28s} {figures['mb_s']:10.2f} {TARGET_MB_S:10.1f} {figures['mb_s'] / TARGET_MB_S:7.2f}")
    print(f"{'pages/s (CPU time)':28s} {figures['pages_s']:10.1f}")
    print(f"{'throughput MB/s (wall)':28s} {figures['mb_s_wall']:10.2f} {TARGET_MB_S:10.1f} {figures['mb_s_wall'] / TARGET_MB_S:7.2f}")
    print(f"{'seconds CPU / wall':28s} {figures['cpu_s']:10.1f} {figures['wall_s']:10.1f}")
    print(f"{'chars removed (share)':28s} {figures['removed_chars_share']:10.3f}")

    rows = []
    if not args.skip_adversarial:
        print(f"\nadversarial single lines ({args.adversarial_mb:g} MB each, target < {TARGET_ADVERSARIAL_S:g} s):")
        rows = adversarial(args.adversarial_mb, args.adversarial_timeout)
        print(f"{'variant':22s} {'MB':>6s} {'seconds':>8s} {'MB/s':>7s} {'removals':>9s} {'ok':>4s}")
        for name, mb, seconds, removals in rows:
            if seconds is None:
                print(f"{name:22s} {mb:6.1f} {'> ' + format(args.adversarial_timeout, 'g'):>8s} {'':>7s} {'':>9s} {'NO':>4s}")
                continue
            ok = "yes" if seconds < TARGET_ADVERSARIAL_S else "NO"
            print(f"{name:22s} {mb:6.1f} {seconds:8.2f} {mb / max(seconds, 1e-9):7.2f} {removals:9d} {ok:>4s}")

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"throughput": figures, "target_mb_s": TARGET_MB_S,
                                         "adversarial": [dict(zip(("variant", "mb", "seconds", "removals"), r))
                                                         for r in rows]}, indent=2))

    if args.profile:
        print()
        print(profile(Cleaner(CleanConfig(model=args.model)), pages, args.top))
        stages = rule_times(pages, args.model)
        total = sum(t for _, t in stages)
        print(f"--- CPU seconds per stage over {len(pages)} pages (replayed with a timer around each call; "
              f"the untimed cleaner took {figures['cpu_s']:.1f} s) ---")
        for name, seconds in stages:
            print(f"{name:40s} {seconds:8.2f} {seconds / total:7.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
