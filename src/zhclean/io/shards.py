"""Finding input shards: files, globs and folders, each with its format.

A shard is one input file (or one folder of ``.txt`` pages). Shards are sorted by path, and
their position in that list (the ordinal) is part of every record's stable key.

The name gives a file's format; its first bytes decide the compression (gzip, zstd or none)
and recognise Parquet, so plain JSONL named ``.gz`` is read as plain JSONL, with a note.
"""
from __future__ import annotations

import glob
import gzip
import io
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from zhclean.errors import InputError, MissingExtra

#: Suffix (after an optional compression suffix) -> format name.
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".parquet": "parquet",
           ".csv": "csv"}
COMPRESSIONS = {".gz": "gzip", ".zst": "zstd"}
#: First bytes of a file -> its compression (or "parquet").
MAGIC = {b"\x1f\x8b": "gzip", b"\x28\xb5\x2f\xfd": "zstd", b"PAR1": "parquet"}
#: Bytes read from a compressed file at a time.
BLOCK = 1 << 16


@dataclass(frozen=True)
class Shard:
    """One unit of input: a file, or a folder of ``.txt`` files (one page per file)."""

    ordinal: int
    path: str
    format: str  # jsonl | parquet | csv | txt
    compression: str = ""  # "" | gzip | zstd
    #: Where the bytes disagree with the name: what was found and how the file is read.
    note: str = ""

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
        trailer (exact below 4 GiB, single member; no more than deflate's 1032:1 allows, so
        the last bytes of a file cut short are not taken for it) or the zstd frame header;
        else None."""
        if not self.compression:
            return self.size if self.format in ("jsonl", "csv", "txt") else None
        try:
            with open(self.path, "rb") as fh:
                if self.compression == "gzip":
                    fh.seek(-4, os.SEEK_END)
                    isize = int.from_bytes(fh.read(4), "little")
                    return isize if self.size <= isize <= 1032 * self.size else None
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
    return [_sniffed(Shard(i, path, fmt, comp)) for i, (path, (fmt, comp)) in enumerate(sorted(found.items()))]


def _sniffed(shard: Shard) -> Shard:
    """The shard as its first bytes say it is: compressed or not whatever the name says, and
    Parquet whatever the name says (a ``.parquet`` file is never guessed away from)."""
    if shard.format in ("txt", "parquet"):
        return shard
    try:
        with open(shard.path, "rb") as fh:
            head = fh.read(4)
    except OSError:
        return shard  # open_binary reports it
    if not head:
        return shard  # an empty file: nothing contradicts the name
    found = next((kind for magic, kind in MAGIC.items() if head.startswith(magic)), "")
    if found == "parquet":
        return Shard(shard.ordinal, shard.path, "parquet", "",
                     f"named {shard.format}, but the bytes are Parquet: read as Parquet")
    if found == shard.compression:
        return shard
    named = {"gzip": ".gz", "zstd": ".zst"}.get(shard.compression, "uncompressed")
    read_as = {"gzip": "gzip", "zstd": "zstd"}.get(found, "not compressed")
    return Shard(shard.ordinal, shard.path, shard.format, found,
                 f"named {named}, but the bytes are {read_as}: read as {found or 'plain'} {shard.format}")


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
    """Open a shard file for reading bytes, decompressing gzip or zstd. A compressed file cut
    short or corrupt reads as far as it can be decompressed, then ends: `damage(fh)` then
    says why."""
    if shard.compression == "zstd":
        try:
            import zstandard  # noqa: F401
        except ImportError:
            raise MissingExtra("zstd", f"{shard.path}: reading .zst", "zstandard") from None
    try:
        fh = open(shard.path, "rb")
    except OSError as exc:
        raise InputError(f"cannot read input {shard.path}: {exc.strerror}") from None
    if shard.compression == "gzip":
        return io.BufferedReader(DecompressedStream(_gzip_blocks(fh), fh), BLOCK)
    if shard.compression == "zstd":
        return io.BufferedReader(DecompressedStream(_zstd_blocks(fh), fh), BLOCK)
    return fh


def damage(fh: BinaryIO) -> str:
    """Why a stream from `open_binary` ended early ("" when it did not)."""
    return getattr(getattr(fh, "raw", None), "damage", "")


class DecompressedStream(io.RawIOBase):
    """The bytes of a compressed file as a raw stream, block by block. Where the compressed
    data is cut short or corrupt the stream ends (instead of raising mid-line, which would
    drop the lines already decompressed) and `damage` holds the error."""

    def __init__(self, blocks: Iterator[bytes], source: BinaryIO):
        self._blocks: Iterator[bytes] | None = blocks
        self._source = source
        self._view = memoryview(b"")
        self.damage = ""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not len(self._view):
            if self._blocks is None:
                return 0
            try:
                self._view = memoryview(next(self._blocks))
            except StopIteration:
                self._blocks = None
            except (OSError, EOFError, zlib.error, _ZstdError) as exc:
                self._blocks = None
                self.damage = f"{type(exc).__name__}: {exc}"
        n = min(len(buffer), len(self._view))
        buffer[:n] = self._view[:n]
        self._view = self._view[n:]
        return n

    def close(self) -> None:
        self._source.close()
        super().close()


try:
    from zstandard import ZstdError as _ZstdError
except ImportError:  # pragma: no cover - the zstd extra is missing
    class _ZstdError(Exception):  # type: ignore[no-redef]
        pass


def _gzip_blocks(source: BinaryIO) -> Iterator[bytes]:
    """Decompressed blocks of a gzip file (every member); raises where it is damaged, after
    the blocks before the damage."""
    with gzip.GzipFile(fileobj=source, mode="rb") as fh:
        while block := fh.read1(BLOCK):
            yield block


def _zstd_blocks(source: BinaryIO) -> Iterator[bytes]:
    """Decompressed blocks of a zstd file (every frame); raises where it is damaged, and at
    the end of a file cut inside a frame (zstandard's stream reader just stops there)."""
    import zstandard

    dctx = zstandard.ZstdDecompressor()
    frame, inside = dctx.decompressobj(), False
    while chunk := source.read(BLOCK):
        while chunk:
            inside = True
            if out := frame.decompress(chunk):
                yield out
            if not frame.eof:
                break
            chunk, frame, inside = frame.unused_data, dctx.decompressobj(), False
    if inside:
        raise EOFError("the file ends inside a zstd frame (cut short)")
