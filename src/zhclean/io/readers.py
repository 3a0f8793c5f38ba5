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
from zhclean.io.records import RawItem
from zhclean.io.shards import Shard, open_binary

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
    the damage, then one item that becomes an ``input.truncated_file`` rejection."""
    pos = 0
    with open_binary(shard) as fh:
        try:
            for pos, line in enumerate(fh, 1):
                line = line.rstrip(b"\r\n")
                if line.strip():
                    yield RawItem(pos, line)
        except (OSError, EOFError, ValueError) as exc:  # truncated or corrupt .gz/.zst stream
            yield RawItem(pos + 1, b"", error=f"cannot decompress past line {pos}: {exc}")


def _parquet_items(shard: Shard) -> Iterator[RawItem]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingExtra("parquet", f"{shard.path}: reading Parquet", "pyarrow") from None
    try:
        pf = pq.ParquetFile(shard.path)
    except Exception as exc:  # pyarrow raises several types for a broken file
        raise InputError(f"{shard.path}: not a readable Parquet file: {exc}") from None
    pos = 0
    for batch in pf.iter_batches(batch_size=1000):
        for row in batch.to_pylist():
            pos += 1
            yield RawItem(pos, row)


def _csv_items(shard: Shard) -> Iterator[RawItem]:
    csv.field_size_limit(sys.maxsize)
    with open_binary(shard) as fh:
        text = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="surrogateescape", newline="")
        for pos, row in enumerate(csv.DictReader(text), 1):
            yield RawItem(pos, {k: v for k, v in row.items() if k is not None})


def _txt_items(shard: Shard) -> Iterator[RawItem]:
    root = Path(shard.path)
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.txt") if p.is_file())
    for pos, name in enumerate(files, 1):
        try:
            data = (root / name).read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {root / name}: {exc.strerror}") from None
        yield RawItem(pos, data, name=name)
