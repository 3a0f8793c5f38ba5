"""End-to-end throughput of `zhclean run`: time, MB/s, pages/s and peak memory.

One command (from the repository root)::

    python bench/bench_pipeline.py                      # the 132 MB WeChat corpus, 3 setups
    python bench/bench_pipeline.py --limit-pages 2000   # a quick look while developing
    python bench/bench_pipeline.py --generate-gb 1      # also a generated 1 GB corpus

While others edit the code, benchmark a frozen copy: ``cp -r src/zhclean /tmp/snap/`` and run
with ``PYTHONPATH=/tmp/snap``; the ``code`` column (a hash of the imported package's
source) shows which code each row ran.

Each setup runs ``python -m zhclean run DATA -o OUT`` in a fresh process: the local engine
with 1 and 2 worker processes, the Dask engine on a 2-worker LocalCluster, and the local
engine with 2 workers and the span cleaner off (what the rest of the pipeline costs). Peak memory is
the largest sum of resident memory over the process and all its children (workers, Dask
scheduler), sampled every 0.2 s. MB are of decompressed input (JSONL bytes read).

Target (issue 4): >= 1 GB of raw text in <= 120 s on this 2-core machine (8.33 MB/s), peak
memory <= 8 GB. The "x target" column is measured MB/s / 8.33; "1 GB s" extrapolates the
measured rate linearly (every stage but the dedup resolution is per chunk).
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "bench" / "wechat_articles.jsonl.gz"
TARGET_MB_S = 1000 / 120
TARGET_PEAK_GB = 8.0
SETUPS = {
    "local-1": ["--workers", "1"],
    "local-2": ["--workers", "2"],
    "dask-2": ["--engine", "dask", "--workers", "2"],
    # The pipeline without the span cleaner (normalize, filters, dedup, IO): its own overhead.
    "local-2-noclean": ["--workers", "2", "--no-clean"],
}


def tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def code_fingerprint() -> str:
    """A hash of the package's source as it is now (other people edit the cleaner while a
    long benchmark runs: rows with different fingerprints ran different code)."""
    import importlib.util

    spec = importlib.util.find_spec("zhclean")  # the package the runs import (PYTHONPATH too)
    package = Path(spec.origin).parent if spec and spec.origin else ROOT / "src" / "zhclean"
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def run_once(data: Path, out: Path, flags: list[str]) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    code = code_fingerprint()
    cmd = [sys.executable, "-m", "zhclean", "run", str(data), "-o", str(out), "--quiet", *flags]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(ps))
        time.sleep(0.2)
    wall = time.perf_counter() - started
    err = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    stats = json.loads((out / "stats.json").read_text())
    return {"wall": wall, "peak": peak, "stats": stats, "code": code}


def prefix(data: Path, pages: int, folder: Path) -> Path:
    """The first `pages` records of `data` as a plain JSONL file."""
    target = folder / f"prefix-{pages}.jsonl"
    opener = gzip.open if data.suffix == ".gz" else open
    with opener(data, "rb") as src, open(target, "wb") as dst:
        for i, line in enumerate(src):
            if i >= pages:
                break
            dst.write(line)
    return target


def generate(data: Path, gigabytes: float, folder: Path) -> Path:
    """A corpus of `gigabytes` GB made from `data`: each copy gets new ids and its lines of
    every page rotated, so copies are near (not exact) duplicates of each other."""
    out_dir = folder / "generated"
    out_dir.mkdir(exist_ok=True)
    target = int(gigabytes * 1e9)
    written = copy = 0
    opener = gzip.open if data.suffix == ".gz" else open
    while written < target:
        with opener(data, "rb") as src, open(out_dir / f"part-{copy:03d}.jsonl", "wb") as dst:
            for line in src:
                record = json.loads(line)
                lines = str(record.get("text", "")).split("\n")
                k = copy % max(1, len(lines))
                record["text"] = "\n".join(lines[k:] + lines[:k])
                record["id"] = f"{record.get('id')}-{copy}"
                blob = (json.dumps(record, ensure_ascii=False) + "\n").encode()
                dst.write(blob)
                written += len(blob)
                if written >= target:
                    break
        copy += 1
    return out_dir


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--setups", default=",".join(SETUPS), help="comma-separated: " + ", ".join(SETUPS))
    ap.add_argument("--limit-pages", type=int, default=0, help="use only the first N pages")
    ap.add_argument("--generate-gb", type=float, default=0.0,
                    help="also run local-2 on a generated corpus of this many GB")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args()
    if not args.data.exists():
        raise SystemExit(f"{args.data} not found (it lives in ../shared/data beside the checkout)")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="zhclean-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    data = prefix(args.data, args.limit_pages, work) if args.limit_pages else args.data
    print(f"data: {data} ({os.path.getsize(data) / 1e6:.1f} MB on disk); {psutil.cpu_count()} CPUs")
    header = (f"{'setup':<16}{'pages':>8}{'MB in':>9}{'wall s':>9}{'MB/s':>8}{'pages/s':>9}"
              f"{'peak GB':>9}{'x target':>10}{'1 GB s':>9}  kept / rejected  code")
    print(header)
    print("-" * len(header), flush=True)
    runs = [(name, data, SETUPS[name]) for name in args.setups.split(",")]
    if args.generate_gb:
        runs.append((f"local-2 {args.generate_gb:g} GB", generate(args.data, args.generate_gb, work),
                     SETUPS["local-2"]))
    rows = []
    for name, source, flags in runs:
        r = run_once(source, work / f"out-{name.replace(' ', '-')}", flags)
        rows.append((name, r))
        s = r["stats"]
        mb = s["bytes_in"] / 1e6
        rate = mb / r["wall"]
        print(f"{name:<16}{s['pages_in']:>8}{mb:>9.1f}{r['wall']:>9.1f}{rate:>8.2f}"
              f"{s['pages_in'] / r['wall']:>9.1f}{r['peak'] / 1e9:>9.2f}{rate / TARGET_MB_S:>10.3f}"
              f"{1000 / rate:>9.0f}  {s['kept']} / {s['rejected']}  {r['code']}", flush=True)
    print(f"\ntarget: >= {TARGET_MB_S:.2f} MB/s (1 GB in 120 s), peak <= {TARGET_PEAK_GB:.0f} GB; "
          f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for name, r in rows:
        cpu = r["stats"]["seconds"]["cpu_per_stage"]
        print(f"{name}: cpu seconds per stage: " + ", ".join(f"{k} {v:.1f}" for k, v in cpu.items())
              + f"; dedup wall {r['stats']['seconds']['dedup']:.1f} s")
    if args.json:
        args.json.write_text(json.dumps([{"setup": n, "wall": r["wall"], "peak": r["peak"],
                                          "code": r["code"], "stats": r["stats"]} for n, r in rows],
                                        indent=1))


if __name__ == "__main__":
    main()
