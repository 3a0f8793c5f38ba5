"""Finding input shards: files, globs and folders, each with its format.

A shard is one input file (or one folder of ``.txt`` pages). Shards are sorted by path, and
their position in that list (the ordinal) is part of every record's stable key.
"""
from __future__ import annotations

import glob
import gzip
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from zhclean.errors import InputError, MissingExtra

#: Suffix (after an optional compression suffix) -> format name.
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".parquet": "parquet",
           ".csv": "csv"}
COMPRESSIONS = {".gz": "gzip", ".zst": "zstd"}


@dataclass(frozen=True)
class Shard:
    """One unit of input: a file, or a folder of ``.txt`` files (one page per file)."""

    ordinal: int
    path: str
    format: str  # jsonl | parquet | csv | txt
    compression: str = ""  # "" | gzip | zstd

    @property
    def stem(self) -> str:
        """The file name without format/compression suffixes: ``crawl/a.jsonl.gz`` -> ``a``."""
        name = Path(self.path).name
        for suffix in (*COMPRESSIONS, *FORMATS):
            if name.endswith(suffix):
                name = name[: -len(suffix)]
        return name

    @property
    def size(self) -> int:
        if self.format == "txt":
            return sum(p.stat().st_size for p in Path(self.path).rglob("*.txt"))
        return os.path.getsize(self.path)

    @property
    def decompressed_size(self) -> int | None:
        """Bytes the shard decompresses to, when the file says (for progress bars): the gzip
        trailer (exact below 4 GiB, single member) or the zstd frame header; else None."""
        if not self.compression:
            return self.size if self.format in ("jsonl", "csv", "txt") else None
        try:
            with open(self.path, "rb") as fh:
                if self.compression == "gzip":
                    fh.seek(-4, os.SEEK_END)
                    isize = int.from_bytes(fh.read(4), "little")
                    return isize if isize >= self.size else None
                import zstandard

                size = zstandard.get_frame_parameters(fh.read(18)).content_size
                return size if 0 < size < 2**63 else None
        except Exception:  # a hint only: any doubt means "unknown"
            return None

    @property
    def page_count(self) -> int | None:
        """Records in the shard, when known without reading it (for progress bars): a Parquet
        file's row count (its metadata), a text folder's files; else None."""
        if self.format == "parquet" and not self.compression:
            return _parquet_rows(self.path)
        if self.format == "txt":
            return sum(1 for p in Path(self.path).rglob("*.txt") if p.is_file())
        return None


def _parquet_rows(path: str) -> int | None:
    try:
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    except Exception:  # no pyarrow, or a broken file (the reader reports it): unknown
        return None


def format_of(path: str) -> tuple[str, str] | None:
    """(format, compression) for a file name, or None when it is not a supported input."""
    name = path.lower()
    compression = ""
    for suffix, comp in COMPRESSIONS.items():
        if name.endswith(suffix):
            name, compression = name[: -len(suffix)], comp
    for suffix, fmt in FORMATS.items():
        if name.endswith(suffix):
            return fmt, compression
    return None


def discover_shards(inputs: list[str] | tuple[str, ...] | str) -> list[Shard]:
    """Expand files, globs and folders into sorted shards.

    A folder holding JSONL/Parquet/CSV files gives one shard per file (non-recursive); a
    folder holding only ``.txt`` files is one shard of text pages. Raises `InputError` for a
    missing path, a glob that matches nothing, or a file of an unknown format.
    """
    if isinstance(inputs, str):
        inputs = [inputs]
    found: dict[str, tuple[str, str]] = {}
    for pattern in inputs:
        if any(ch in pattern for ch in "*?["):
            matches = sorted(glob.glob(pattern, recursive=True))
            if not matches:
                raise InputError(f"input pattern {pattern!r} matches no files")
        else:
            if not os.path.exists(pattern):
                raise InputError(f"input {pattern} does not exist")
            matches = [pattern]
        for path in matches:
            if os.path.isdir(path):
                found.update(_folder_shards(path))
            else:
                kind = format_of(path)
                if kind is None:
                    raise InputError(f"input {path}: unknown format; expected .jsonl, .json, "
                                     f".ndjson (optionally .gz/.zst), .parquet, .csv, or a "
                                     f"folder of .txt files")
                found[os.path.normpath(path)] = kind
    if not found:
        raise InputError(f"no input files found in {', '.join(inputs)}")
    return [Shard(i, path, fmt, comp) for i, (path, (fmt, comp)) in enumerate(sorted(found.items()))]


def _folder_shards(folder: str) -> dict[str, tuple[str, str]]:
    entries = sorted(os.listdir(folder))
    files = {}
    for name in entries:
        path = os.path.join(folder, name)
        if os.path.isfile(path) and (kind := format_of(name)) is not None:
            files[os.path.normpath(path)] = kind
    if files:
        return files
    if any(Path(folder).rglob("*.txt")):
        return {os.path.normpath(folder): ("txt", "")}
    raise InputError(f"input folder {folder} holds no .jsonl/.parquet/.csv/.txt files")


def open_binary(shard: Shard) -> BinaryIO:
    """Open a shard file for reading bytes, decompressing gzip or zstd."""
    try:
        if shard.compression == "gzip":
            return gzip.open(shard.path, "rb")  # type: ignore[return-value]
        if shard.compression == "zstd":
            try:
                import zstandard
            except ImportError:
                raise MissingExtra("zstd", f"{shard.path}: reading .zst", "zstandard") from None
            fh = open(shard.path, "rb")
            return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(fh, closefd=True))
        return open(shard.path, "rb")
    except OSError as exc:
        raise InputError(f"cannot read input {shard.path}: {exc.strerror}") from None
