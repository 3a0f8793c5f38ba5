"""A single 10 MB line built to stress the segmenter and every rule's regexes: runs of
separators (、、、), digits, brackets (【【((), '400-' fragments, '...' runs and alternating
Han/punctuation, with no line break anywhere. It must clean without error and give a
well-formed result. How long it takes belongs in ``bench/bench_clean.py``, not here.
"""
from __future__ import annotations

import pytest

from zhclean import Cleaner

TEN_MB = 10 * 1024 * 1024
BLOCK_BYTES = 256 * 1024
#: One unit of each pattern; a block repeats one unit, blocks alternate.
UNITS = ("、", "7", "【【((", "400-", "...", "城，", "热线400-", "【】", "1、", "（点击）")


def adversarial_line(size: int = TEN_MB, block: int = BLOCK_BYTES) -> str:
    """A line of `size` UTF-8 bytes made of alternating blocks of each pattern."""
    parts, total, i = [], 0, 0
    while total < size:
        unit = UNITS[i % len(UNITS)]
        count = max(1, min(block, size - total) // len(unit.encode()))
        parts.append(unit * count)
        total += count * len(unit.encode())
        i += 1
    return "".join(parts)


@pytest.mark.slow
def test_ten_megabyte_adversarial_line_cleans() -> None:
    text = adversarial_line()
    assert "\n" not in text and len(text.encode()) >= TEN_MB - 16
    page = Cleaner()(text)
    assert len(page.source) == len(text)  # nothing to normalize in it
    end = 0
    for r in page.removals:
        assert r.start >= end and r.end <= len(page.source) and "." in r.code
        end = r.end
    clean = page.text
    assert len(clean) <= len(page.source)
    chars = iter(page.source)
    assert all(c in chars for c in clean)  # a subsequence of the source


def test_adversarial_line_builder_is_exact_enough() -> None:
    line = adversarial_line(100_000, block=1_000)
    assert 100_000 - 16 <= len(line.encode()) <= 100_000
    assert set("、7【(4.城，") <= set(line)


_PEAK_OF_A_RUN = """
import sys
from zhclean.cli import main
code = main(sys.argv[1:], standalone_mode=False)  # (returns the exit code of an error)
# this process's own peak (VmHWM starts afresh at exec; ru_maxrss would carry the peak of the
# test process it was forked from)
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print("PEAK", peak * 1024, file=sys.stderr)
sys.exit(code if isinstance(code, int) else 0)
"""


def _peak_rss_of_run(tmp_path, text: str) -> int:
    import json
    import subprocess
    import sys

    page = tmp_path / "page.jsonl"
    page.write_text(json.dumps({"id": "p", "text": text}) + "\n", encoding="utf-8")
    # --overwrite: each page's run replaces the previous page's output (another run's)
    result = subprocess.run([sys.executable, "-c", _PEAK_OF_A_RUN, "run", str(page), "-o",
                             str(tmp_path / "out"), "-q", "--workers", "1", "--overwrite"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return int(result.stderr.rsplit("PEAK", 1)[1].split()[0])


@pytest.mark.slow
def test_the_worst_page_at_the_default_size_cap_stays_under_1_gb(tmp_path) -> None:
    """One-character lines are the costliest page per byte (bench/bench_memory.py): every line
    is a segment with its objects. From the growth between a 256 KiB and a 1 MiB page of them,
    a page at the default `run.max_text_bytes` must peak under 1 GB (with 5 % to spare for
    the slight upward curve measured up to 3 MiB)."""
    from zhclean.config import RunConfig

    small, large = 256 * 1024, 1024 * 1024
    peaks = [_peak_rss_of_run(tmp_path, "a\n" * (size // 2)) for size in (small, large)]
    per_byte = (peaks[1] - peaks[0]) / (large - small)
    at_cap = peaks[1] + per_byte * (RunConfig().max_text_bytes - large)
    assert at_cap < 0.95e9, f"{per_byte:.0f} bytes per byte of text; {at_cap / 1e9:.2f} GB at the cap"
