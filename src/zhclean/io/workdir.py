"""The work folder of a run: per-chunk intermediate results that make a run resumable.

Layout (under ``<output>/_work/``)::

    manifest.json                     inputs, sizes and config of the run the folder belongs to
    s00000-c00000.jsonl               one line per record of chunk 0 of shard 0 (work records)
    s00000-c00000.lines.pkl           its line counts (repeated-line pass only)
    s00000-c00000.final.jsonl         its records after the repeated-line pass
    s00000-c00000.npz                 dedup signatures of that chunk's candidate pages
    s00000-c00000.json                the chunk's summary; written last, so its presence
                                      means the chunk is complete

Every file is written atomically. A killed run leaves complete chunks behind; the next run
with the same inputs and config skips them. A different manifest empties the folder (a run
only gets there with ``overwrite``: see `io.outdir`).
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np

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
        if self.matches(manifest):
            for stale in self.root.glob(".*.partial-*"):
                stale.unlink(missing_ok=True)
            return True
        if self.root.exists():
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True)
        target = AtomicFile(path)
        target.write(text.encode("utf-8"))
        target.commit()
        return False

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

    def summary_path(self, name: str) -> Path:
        return self.root / f"{name}.json"

    def load_summary(self, name: str) -> dict[str, Any] | None:
        path = self.summary_path(name)
        if not path.exists():
            return None
        return json.loads(path.read_text(encoding="utf-8"))

    def save_summary(self, name: str, summary: dict[str, Any]) -> None:
        target = AtomicFile(self.summary_path(name))
        target.write(json.dumps(summary, sort_keys=True).encode("utf-8"))
        target.commit()

    def save_arrays(self, name: str, **arrays: np.ndarray) -> None:
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        target = AtomicFile(self.signatures_path(name))
        target.write(buf.getvalue())
        target.commit()

    def load_arrays(self, name: str) -> dict[str, np.ndarray]:
        with np.load(self.signatures_path(name), allow_pickle=False) as data:
            return {k: data[k] for k in data.files}

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _manifest_text(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, sort_keys=True, ensure_ascii=False, indent=1)


def fingerprint(obj: Any) -> str:
    """A short stable hash of a JSON-able value (config, input list)."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def file_signature(path: str) -> dict[str, Any]:
    st = os.stat(path)
    return {"path": path, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
