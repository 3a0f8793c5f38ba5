"""The work folder of a run: per-chunk intermediate results that make a run resumable.

Layout (under ``<output>/_work/``)::

    manifest.json                     inputs, sizes and config of the run the folder belongs to
    s00000-c00000.jsonl               one line per record of chunk 0 of shard 0 (work records)
    s00000-c00000.lines.npz           its line counts (repeated-line pass only)
    s00000-c00000.final.jsonl         its records after the repeated-line pass
    s00000-c00000.npz                 dedup signatures of that chunk's candidate pages
    s00000-c00000.json                the chunk's summary; written last, so its presence
                                      means the chunk is complete
    line_counts.npz                   the corpus's line counts (repeated-line pass only)

Every file is written atomically. A killed run leaves complete chunks behind; the next run
with the same inputs and config skips them. A different manifest empties the folder (a run
only gets there with ``overwrite``: see `io.outdir`).

The folder is input like any other, so nothing in it can execute: records are JSON, arrays
are ``.npz`` read with ``allow_pickle=False``. Every array file carries the run's id (a hash
of the manifest), and a chunk's summary carries the run id and the SHA-256 of each file the
chunk wrote: a chunk is reused only when all of them match (otherwise it is done again), and
an array file of another run is refused.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from zhclean.errors import OutputError
from zhclean.io.writers import AtomicFile

MANIFEST = "manifest.json"


class WorkDir:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def matches(self, manifest: dict[str, Any]) -> bool:
        """True when the folder holds the work of the run of `manifest` (same inputs, settings)."""
        try:
            return (self.root / MANIFEST).read_text(encoding="utf-8") == _manifest_text(manifest)
        except (OSError, UnicodeDecodeError):
            return False

    def prepare(self, manifest: dict[str, Any]) -> bool:
        """Make the folder ready for `manifest`; return True when earlier work is reused."""
        text = _manifest_text(manifest)
        path = self.root / MANIFEST
        try:
            if self.matches(manifest):
                for stale in self.root.glob(".*.partial-*"):
                    stale.unlink(missing_ok=True)
                return True
            if self.root.is_symlink() or self.root.is_file():
                self.root.unlink()
            elif self.root.exists():
                shutil.rmtree(self.root)
            self.root.mkdir(parents=True)
        except OSError as exc:
            raise OutputError(f"cannot prepare the work folder {self.root}: {exc.strerror or exc}") from None
        target = AtomicFile(path)
        target.write(text.encode("utf-8"))
        target.commit()
        self.__dict__.pop("run_id", None)
        return False

    @cached_property
    def run_id(self) -> str:
        """The id of the run the folder belongs to: a hash of its manifest."""
        try:
            return hashlib.sha256((self.root / MANIFEST).read_bytes()).hexdigest()[:16]
        except OSError as exc:
            raise OutputError(f"cannot read {self.root / MANIFEST}: {exc.strerror}") from None

    def chunk_name(self, shard: int, chunk: int) -> str:
        return f"s{shard:05d}-c{chunk:05d}"

    def records_path(self, name: str, final: bool = False) -> Path:
        """The chunk's work records; `final`: after the repeated-line pass (a separate file,
        so re-running an interrupted pass always starts from the same records)."""
        return self.root / (f"{name}.final.jsonl" if final else f"{name}.jsonl")

    def current_records(self, name: str) -> Path:
        final = self.records_path(name, final=True)
        return final if final.exists() else self.records_path(name)

    def signatures_path(self, name: str) -> Path:
        return self.root / f"{name}.npz"

    def line_counts_path(self, name: str | None = None) -> Path:
        """A chunk's line counts, or (no name) the whole corpus's."""
        return self.root / (f"{name}.lines.npz" if name else "line_counts.npz")

    def summary_path(self, name: str) -> Path:
        return self.root / f"{name}.json"

    def load_summary(self, name: str) -> dict[str, Any] | None:
        """The chunk's summary, or None when there is none of this run."""
        try:
            summary = json.loads(self.summary_path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(summary, dict) or summary.get("run") != self.run_id:
            return None
        return summary

    def save_summary(self, name: str, summary: dict[str, Any]) -> None:
        target = AtomicFile(self.summary_path(name))
        target.write(json.dumps({**summary, "run": self.run_id}, sort_keys=True).encode("utf-8"))
        target.commit()

    def chunk_done(self, name: str) -> bool:
        """True when the chunk's summary is this run's and every file it lists is unchanged."""
        summary = self.load_summary(name)
        if summary is None or not isinstance(summary.get("files"), dict):
            return False
        for file, digest in summary["files"].items():
            path = self.root / file
            if path.parent != self.root or not path.is_file() or file_digest(path) != digest:
                return False
        return True

    def save_arrays(self, path: Path, **arrays: np.ndarray) -> str:
        """Write arrays stamped with the run id; returns the file's SHA-256."""
        buf = io.BytesIO()
        np.savez(buf, run=np.array(self.run_id), **arrays)
        target = AtomicFile(path)
        target.write(buf.getvalue())
        return target.commit()

    def load_arrays(self, path: Path) -> dict[str, np.ndarray]:
        """Arrays written by `save_arrays` in this run (never pickles)."""
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
        except (OSError, ValueError, EOFError) as exc:
            raise OutputError(f"cannot read the work file {path}: {exc}; remove {self.root} "
                              "and run again") from None
        if str(arrays.pop("run", "")) != self.run_id:
            raise OutputError(f"the work file {path} does not belong to this run; remove "
                              f"{self.root} and run again")
        return arrays

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _manifest_text(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, sort_keys=True, ensure_ascii=False, indent=1)


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(obj: Any) -> str:
    """A short stable hash of a JSON-able value (config, input list)."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def file_signature(path: str) -> dict[str, Any]:
    st = os.stat(path)
    return {"path": path, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
