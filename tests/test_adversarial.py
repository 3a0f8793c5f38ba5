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
