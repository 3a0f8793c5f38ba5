"""Peak memory of `zhclean run` on one large page, by the shape of the page.

    python bench/bench_memory.py                       # every shape at 1 MiB, and the worst at the cap
    python bench/bench_memory.py --mib 2 --shapes ascii_lines,prose
    python bench/bench_memory.py --at-cap-only

Each measurement is a fresh process running `zhclean run` (1 worker, so the page is cleaned
in that process) on a JSONL file holding one page of the given shape, written here; the peak
is the process's maximum resident set size (``getrusage``). The figure per character and per
byte of UTF-8 text is the growth between a page of a quarter of the size and the full size,
(peak - peak_quarter) / (3/4 of the size), so the baseline (interpreter, rules, gazetteer)
drops out. The page-size cap (`run.max_text_bytes`) is chosen so that the worst shape at the
cap stays under 1 GB; the last line measures exactly that page.
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from zhclean.config import RunConfig

WORDS = ("城市 治理 居民 河道 街道 社区 图书馆 读者 学校 老师 学生 公路 交通 工程 项目 政府 部门 "
         "介绍 表示 记者 今年 去年 计划 完成 建设 提高 服务 质量 安全 环境 经济 发展").split()
LIMIT_GB = 1.0


def prose(size: int, breaks: bool = True) -> str:
    """Chinese sentences of 8-16 words, a line break after ~30 % of them."""
    rng = random.Random(1)
    parts, n = [], 0
    while n < size:
        s = "".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))) + "，" + \
            "".join(rng.choice(WORDS) for _ in range(5)) + "。"
        if breaks and rng.random() < 0.3:
            s += "\n"
        parts.append(s)
        n += len(s.encode())
    return "".join(parts)


def repeat(unit: str, size: int) -> str:
    return unit * (size // len(unit.encode()) + 1)


#: Shape -> text of about `size` UTF-8 bytes. The one-character lines are the worst found:
#: every line is a segment with its objects, for one byte of text and one of line break.
SHAPES = {
    "prose": lambda size: prose(size),
    "prose_flat": lambda size: prose(size, breaks=False),
    "ascii_prose": lambda size: repeat("The quick brown fox jumps over the lazy dog. ", size),
    "ascii_lines": lambda size: repeat("a\n", size),
    "han_lines": lambda size: repeat("城\n", size),
    "short_sentences": lambda size: repeat("城。", size),
    "ascii_sentences": lambda size: repeat("a!", size),
    "digits": lambda size: repeat("7", size),
    "separators": lambda size: repeat("、", size),
}

_CHILD = """
import resource, sys
from zhclean.cli import main
try:
    code = main(sys.argv[1:], standalone_mode=False)  # (returns the exit code of an error)
finally:
    print("PEAK", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, file=sys.stderr)
sys.exit(code if isinstance(code, int) else 0)
"""


def peak_rss(text: str, folder: Path, max_text_bytes: int | None) -> int:
    """Peak RSS (bytes) of `zhclean run` on a file holding one page of `text`."""
    page = folder / "page.jsonl"
    page.write_text(json.dumps({"id": "p", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    # --overwrite: each page's run replaces the previous page's output (another run's)
    args = ["run", str(page), "-o", str(folder / "out"), "-q", "--workers", "1", "--overwrite"]
    if max_text_bytes is not None:
        args += ["--set", f"run.max_text_bytes={max_text_bytes}"]
    result = subprocess.run([sys.executable, "-c", _CHILD, *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"zhclean run failed:\n{result.stderr[-2000:]}")
    return int(result.stderr.rsplit("PEAK", 1)[1].split()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mib", type=float, default=1.0, help="page size for the per-shape figures [1]")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated shapes")
    parser.add_argument("--at-cap-only", action="store_true", help="only the worst shape at the cap")
    args = parser.parse_args()
    cap = RunConfig().max_text_bytes
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = peak_rss("城市治理。", folder, None)
        print(f"baseline (a one-sentence page): {base / 1e6:.0f} MB")
        if not args.at_cap_only:
            size = int(args.mib * 1024 * 1024)
            print(f"\n{'shape':<18}{'MB of text':>11}{'chars':>11}{'peak MB':>9}{'B/char':>8}{'B/byte':>8}")
            for shape in args.shapes.split(","):
                full, quarter = (SHAPES[shape](n).encode()[:n].decode("utf-8", "ignore")
                                 for n in (size, size // 4))
                peaks = [peak_rss(text, folder, size + 1) for text in (full, quarter)]
                grow, chars = peaks[0] - peaks[1], len(full) - len(quarter)
                nbytes = len(full.encode()) - len(quarter.encode())
                print(f"{shape:<18}{len(full.encode()) / 1e6:>11.2f}{len(full):>11,}{peaks[0] / 1e6:>9.0f}"
                      f"{grow / chars:>8.0f}{grow / nbytes:>8.0f}", flush=True)
        text = SHAPES["ascii_lines"](cap).encode()[:cap].decode()
        peak = peak_rss(text, folder, None)
        verdict = "under" if peak < LIMIT_GB * 1e9 else "OVER"
        print(f"\nworst shape (ascii_lines) at the default cap, run.max_text_bytes = {cap:,}: "
              f"peak {peak / 1e9:.2f} GB, {verdict} the {LIMIT_GB:.0f} GB target")


if __name__ == "__main__":
    main()
