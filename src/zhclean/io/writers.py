"""Writers: kept/rejected sinks, each written atomically (a temporary file, then a rename).

A shard's output either exists complete or not at all, which is what makes a killed run
resumable. JSONL is written with orjson (keys in record order, so output is byte-identical
across runs); Parquet needs the ``parquet`` extra and stores the nested ``zhclean`` and
``detail`` fields as JSON strings, so every shard has a stable schema.

A write that fails (a full disk, a file size limit, no permission) raises `OutputError`
naming the file, after removing its temporary file: nothing half-written is left under a
final name, or under a temporary one.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Iterable

from zhclean.errors import MissingExtra, OutputError
from zhclean.io.jsoncodec import dumps

#: Fields stored as JSON text in Parquet output (nested, with free-form evidence).
JSON_COLUMNS = ("zhclean", "detail")


class AtomicFile:
    """A binary file written under a temporary name and renamed into place on `commit`."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.tmp = self.path.with_name(f".{self.path.name}.partial-{os.getpid()}")
        self.digest = hashlib.sha256()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.fh = open(self.tmp, "wb")
        except OSError as exc:
            raise _failed(self.path, exc) from None

    def write(self, data: bytes) -> None:
        try:
            self.fh.write(data)
        except OSError as exc:
            self.abort()
            raise _failed(self.path, exc) from None
        self.digest.update(data)

    def commit(self) -> str:
        """Rename the finished file into place; returns its SHA-256 (hex)."""
        try:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.abort()
            raise _failed(self.path, exc) from None
        return self.digest.hexdigest()

    def abort(self) -> None:
        try:
            self.fh.close()
        except OSError:
            pass  # (a failed flush of what is being thrown away)
        self.tmp.unlink(missing_ok=True)


def _failed(path: Path, exc: OSError) -> OutputError:
    return OutputError(f"cannot write {path}: {exc.strerror or exc} (check the free space and "
                       "permissions of the output folder; run the same command again to resume)")


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write a whole small file (config.toml, stats.json) atomically."""
    target = AtomicFile(path)
    target.write(data)
    target.commit()


class JsonlSink:
    """Records to a JSONL file, atomically. Use as a context manager: the file appears only
    when the block ends without an exception."""

    def __init__(self, path: str | Path):
        self.file = AtomicFile(path)
        self.count = 0
        self.bytes = 0
        self.digest = ""  # SHA-256 of the file, once committed

    def write(self, record: dict[str, Any]) -> None:
        line = dumps(record) + b"\n"
        self.file.write(line)
        self.count += 1
        self.bytes += len(line)

    def __enter__(self) -> "JsonlSink":
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is None:
            self.digest = self.file.commit()
        else:
            self.file.abort()


class ParquetSink:
    """Records to a Parquet file, atomically. Buffers one shard in memory (output memory is
    bounded by shard size)."""

    def __init__(self, path: str | Path):
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise MissingExtra("parquet", f"{path}: writing Parquet", "pyarrow") from None
        self.path = Path(path)
        self.rows: list[dict[str, Any]] = []
        self.count = 0
        self.bytes = 0

    def write(self, record: dict[str, Any]) -> None:
        row = {k: (dumps(v).decode() if k in JSON_COLUMNS and v is not None else v)
               for k, v in record.items()}
        self.rows.append(row)
        self.count += 1

    def __enter__(self) -> "ParquetSink":
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is not None:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns: dict[str, None] = {}
        for row in self.rows:
            columns.update(dict.fromkeys(row))
        try:
            table = pa.Table.from_pylist(self.rows) if self.rows else pa.table({})
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            # Mixed types in a column: store every value of such columns as JSON text.
            table = _table_with_json_fallback(self.rows, list(columns))
        target = AtomicFile(self.path)
        target.fh.close()
        try:
            pq.write_table(table, target.tmp, compression="zstd")
            os.replace(target.tmp, self.path)
        except OSError as exc:
            target.abort()
            raise _failed(self.path, exc) from None
        self.bytes = os.path.getsize(self.path)


def _table_with_json_fallback(rows: list[dict[str, Any]], columns: list[str]) -> Any:
    import pyarrow as pa

    arrays = {}
    for col in columns:
        values = [row.get(col) for row in rows]
        try:
            arrays[col] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arrays[col] = pa.array([None if v is None else dumps(v).decode() for v in values])
    return pa.table(arrays)


def open_sink(path: str | Path, fmt: str) -> JsonlSink | ParquetSink:
    return ParquetSink(path) if fmt == "parquet" else JsonlSink(path)


def write_jsonl(path: str | Path, records: Iterable[dict[str, Any]]) -> None:
    with JsonlSink(path) as sink:
        for record in records:
            sink.write(record)
