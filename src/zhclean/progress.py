"""Progress bars for the command line (tqdm): one bar per stage of a run, with pages and MB,
rates, and the time left wherever the total is known.

The bar counts MB when the run knows the input's size (JSONL and CSV files, text folders,
.gz/.zst files that record it), pages when it knows only the number of records (Parquet: the
row count in the file's metadata), and runs without a total otherwise; the other quantity
follows it. The pipeline reports a chunk at a time (`RunConfig.chunk_pages`,
`chunk_bytes`: a few seconds of work each), and on a terminal the bar is redrawn every
second besides, so the elapsed time moves through a long step too. A finished bar leaves its
final line, and nothing else, above the next.
"""
from __future__ import annotations

import sys
import threading
from typing import IO, Any

#: Seconds between redraws of a bar on a terminal.
REDRAW_SECONDS = 1.0


class TqdmProgress:
    """The pipeline's `progress` callable: ``progress(stage, total_bytes, total_pages)``."""

    def __init__(self, quiet: bool = False, file: IO[str] | None = None):
        self.quiet = quiet
        self.file = file

    def __call__(self, stage: str, total_bytes: int | None, total_pages: int | None) -> "StageBar":
        return StageBar(stage, total_bytes, total_pages, self.file or sys.stderr, self.quiet)


class StageBar:
    """One stage's bar; `update(pages, nbytes)` adds what a chunk did."""

    def __init__(self, stage: str, total_bytes: int | None, total_pages: int | None,
                 file: IO[str], disable: bool = False):
        from tqdm import tqdm

        self.by_bytes = total_bytes is not None
        self.pages = 0
        self.nbytes = 0
        if self.by_bytes:
            total: float | None = total_bytes / 1e6  # type: ignore[operator]
            places = _places(total)  # type: ignore[arg-type]
            unit, counted = " MB", f"{{n:,.{places}f}}/{{total:,.{places}f}} MB"
        else:
            total, unit = total_pages, " pages"
            counted = "{n:,}/{total:,} pages" if total is not None else "{n:,} pages"
        if total is not None:
            form = ("{desc}: {percentage:3.0f}%|{bar}| " + counted
                    + " [{elapsed}<{remaining}, {rate_noinv_fmt}{postfix}]")
        else:
            form = "{desc}: " + counted + " [{elapsed}, {rate_noinv_fmt}{postfix}]"
        # (rate_noinv: "0.38 MB/s", never "2.66s/ MB"; unit_scale: "5.84k pages/s")
        self.bar = tqdm(total=total, desc=f"{stage:>6}", unit=unit, unit_scale=True,
                        bar_format=form, file=file, disable=disable, leave=True,
                        dynamic_ncols=True)
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        if not disable and _is_terminal(file):
            self._ticker = threading.Thread(target=self._redraw, name=f"zhclean-{stage}-bar",
                                            daemon=True)
            self._ticker.start()

    def update(self, pages: int, nbytes: int) -> None:
        self.pages += pages
        self.nbytes += nbytes
        if self.by_bytes:
            self.bar.set_postfix_str(f"{self.pages:,} pages", refresh=False)
            self.bar.update(nbytes / 1e6)
        else:
            mb = self.nbytes / 1e6
            self.bar.set_postfix_str(f"{mb:,.{_places(mb)}f} MB", refresh=False)
            self.bar.update(pages)

    def close(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        if self.by_bytes and self.bar.total is not None and self.bar.n != self.bar.total:
            # decompressed sizes are hints (a gzip trailer): end at what was read
            self.bar.total = self.bar.n
        self.bar.close()

    def _redraw(self) -> None:
        while not self._stop.wait(REDRAW_SECONDS):
            self.bar.refresh()


def _places(mb: float) -> int:
    """Decimal places that show a size in MB without rounding a small one to 0.0."""
    return 1 if mb >= 10 else 2 if mb >= 1 else 3


def _is_terminal(file: Any) -> bool:
    try:
        return bool(file.isatty())
    except (AttributeError, ValueError):
        return False
