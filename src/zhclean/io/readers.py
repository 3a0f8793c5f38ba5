"""Streaming readers: each yields a shard's items in order, in bounded chunks.

Readers do the cheap part (splitting lines, reading row batches) so the main process can hand
chunks to workers; parsing and checking each item (`records.parse_item`) happens in the
workers. Chunk boundaries depend only on the input, never on the number of workers.
"""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Iterator

from zhclean.errors import InputError, MissingExtra
from zhclean.io.records import BAD_CSV, TRUNCATED_FILE, RawItem
from zhclean.io.shards import Shard, damage, open_binary

#: A chunk closes after this many items or this many bytes, whichever comes first (the
#: defaults of `RunConfig.chunk_pages` and `chunk_bytes`).
CHUNK_ITEMS = 200
CHUNK_BYTES = 2_000_000


def iter_items(shard: Shard) -> Iterator[RawItem]:
    """Every item of a shard, in order. Blank JSONL lines are not records and are skipped."""
    if shard.format == "jsonl":
        yield from _jsonl_items(shard)
    elif shard.format == "parquet":
        yield from _parquet_items(shard)
    elif shard.format == "csv":
        yield from _csv_items(shard)
    elif shard.format == "txt":
        yield from _txt_items(shard)
    else:  # pragma: no cover - discover_shards only makes the formats above
        raise InputError(f"{shard.path}: unknown format {shard.format}")


def iter_chunks(shard: Shard, max_items: int = CHUNK_ITEMS,
                max_bytes: int = CHUNK_BYTES) -> Iterator[list[RawItem]]:
    chunk: list[RawItem] = []
    size = 0
    for item in iter_items(shard):
        chunk.append(item)
        size += _size(item)
        if len(chunk) >= max_items or size >= max_bytes:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _size(item: RawItem) -> int:
    if isinstance(item.payload, bytes):
        return len(item.payload)
    return sum(len(v) for v in item.payload.values() if isinstance(v, (str, bytes)))


def _jsonl_items(shard: Shard) -> Iterator[RawItem]:
    """Lines of a JSONL file. A compressed file cut short (or corrupt) yields the lines before
    the damage, then one ``input.truncated_file`` item holding the cut line, if any."""
    with open_binary(shard) as fh:
        pos, last = 0, b""
        for pos, line in enumerate(fh, 1):  # one line behind: the last may be a cut one
            if pos > 1 and last.strip():
                yield RawItem(pos - 1, last.rstrip(b"\r\n"))
            last = line
        error = damage(fh)
        if error and not last.endswith(b"\n"):  # the damage cut this line
            yield _truncated(pos or 1, last, error)
            return
        if last.strip():
            yield RawItem(pos, last.rstrip(b"\r\n"))
        if error:
            yield _truncated(pos + 1, b"", error)


def _truncated(pos: int, raw: bytes, error: str, **where: int) -> RawItem:
    detail = where or {"line": pos}
    return RawItem(pos, raw, reason=TRUNCATED_FILE,
                   detail={**detail, "error": f"cannot read the rest of the file: {error}"})


def _parquet_items(shard: Shard) -> Iterator[RawItem]:
    """Rows of a Parquet file, row group by row group: a row group that cannot be read (a
    corrupt page) is one ``input.truncated_file`` item for its unread rows (``rows``), and
    the next row group is read."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingExtra("parquet", f"{shard.path}: reading Parquet", "pyarrow") from None
    try:
        pf = pq.ParquetFile(shard.path)
        sizes = [pf.metadata.row_group(g).num_rows for g in range(pf.num_row_groups)]
    except Exception as exc:  # pyarrow raises several types for a broken file
        raise InputError(f"{shard.path}: not a readable Parquet file: {exc}") from None
    first = 0
    for group, size in enumerate(sizes):
        done = 0
        try:
            for batch in pf.iter_batches(batch_size=1000, row_groups=[group]):
                for row in batch.to_pylist():
                    done += 1
                    yield RawItem(first + done, row)
        except Exception as exc:  # OSError, ArrowException, UnicodeDecodeError: a damaged page
            if done < size or not done:
                yield _truncated(first + done + 1, b"", f"{type(exc).__name__}: {exc}",
                                 row=first + done + 1, rows=max(size - done, 1), row_group=group)
        first += max(size, done)


def _csv_items(shard: Shard) -> Iterator[RawItem]:
    """Rows of a CSV file with a header row. A row whose quote is never closed (it would
    swallow the rest of the file) is one ``input.bad_csv`` item holding its first line, and
    reading resumes on the next line; so is a row with more (non-empty) values than the
    header. A damaged ``.csv.gz``/``.zst`` ends with an ``input.truncated_file`` item."""
    csv.field_size_limit(sys.maxsize)
    with open_binary(shard) as fh:
        text = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="surrogateescape", newline="")
        header: list[str] | None = None
        pos = 0
        held: tuple[str, list[str] | None, str] | None = None  # one row behind: it may be cut
        for row in _csv_rows(text):
            if header is None and row[1] is not None:
                header = row[1]
                continue
            if held is not None:
                pos += 1
                yield _csv_item(pos, *held, header or [])
            held = row
        error = damage(fh)
        if held is not None:
            pos += 1
            if error and not held[0].endswith(("\n", "\r")):  # the damage cut this row
                yield _truncated(pos, _raw(held[0]), error, row=pos)
                return
            yield _csv_item(pos, *held, header or [])
        if error:
            yield _truncated(pos + 1, b"", error, row=pos + 1)


def _csv_item(pos: int, raw: str, values: list[str] | None, error: str, header: list[str]) -> RawItem:
    if values is None:
        return RawItem(pos, _raw(raw), reason=BAD_CSV, detail={"row": pos, "error": error})
    if len(values) > len(header) and any(values[len(header):]):
        return RawItem(pos, _raw(raw), reason=BAD_CSV,
                       detail={"row": pos, "error": f"{len(values)} values, the header has {len(header)}"})
    return RawItem(pos, dict(zip(header, values + [None] * (len(header) - len(values)))))  # type: ignore[operator]


def _raw(text: str) -> bytes:
    return text.rstrip("\r\n").encode("utf-8", "surrogateescape")


class _Lines:
    """An iterator of lines that remembers the lines handed out since the last `take`."""

    def __init__(self, lines: Iterator[str]):
        self.lines = lines
        self.taken: list[str] = []
        self.ended = False

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        try:
            line = next(self.lines)
        except StopIteration:
            self.ended = True
            raise
        self.taken.append(line)
        return line

    def take(self) -> list[str]:
        taken, self.taken = self.taken, []
        return taken


def _csv_rows(lines: Iterator[str]) -> Iterator[tuple[str, list[str] | None, str]]:
    """(raw text, values, error) of every non-blank row; values None for a row whose quote
    runs to the end of the file: its first line is given as the bad row, and the lines the
    quote swallowed are read again as rows."""
    source = _Lines(iter(lines))
    while True:
        for values in csv.reader(source):
            taken = source.take()
            if source.ended and _unclosed_quote(taken):
                yield taken[0], None, "a quote opened on this line is never closed"
                source = _Lines(iter(taken[1:]))
                break
            if values:
                yield "".join(taken), values, ""
        else:
            return


def _unclosed_quote(lines: list[str]) -> bool:
    try:
        for _ in csv.reader(lines, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _txt_items(shard: Shard) -> Iterator[RawItem]:
    root = Path(shard.path)
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.txt") if p.is_file())
    for pos, name in enumerate(files, 1):
        try:
            data = (root / name).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {root / name}: {exc.strerror}") from None
        yield RawItem(pos, data, name=name)
