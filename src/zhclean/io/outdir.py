"""The output folder of a run: what zhclean writes there, and when a run may write into it.

A run writes ``kept*``/``rejected*`` (one pair per input shard), ``stats.json``,
``config.toml`` and, while it works, ``_work/``; ``zhclean report`` adds ``report/``. A run
writes into a folder only when it is empty, or holds this run's own work: the resumable
``_work/`` of the same inputs and settings, or the finished output of the same run (its
``stats.json`` carries the run's fingerprint). Anything else -- an earlier run's shards, other
files -- would be left beside the new output and counted by whoever reads the folder, so the
run refuses, unless told to overwrite: then zhclean's own files are removed first (the
folder's other files are left alone, and never read).
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from zhclean.errors import OutputError
from zhclean.io.workdir import WorkDir, fingerprint

#: Files a run writes (with the temporary names `AtomicFile` gives them while writing).
OUTPUT_FILE = re.compile(r"^\.?(?:(?:kept|rejected)(?:-\d{5})?\.(?:jsonl|parquet)|stats\.json|config\.toml)"
                         r"(?:\.partial-\d+)?$")
#: Folders zhclean writes inside an output folder: the work folder, the default report.
OUTPUT_FOLDERS = ("_work", "report")
#: What ``zhclean report`` writes into its folder.
REPORT_FILES = frozenset({"report.html", "stats.json"})


def run_fingerprint(manifest: dict[str, Any]) -> str:
    """The fingerprint of a run's manifest (inputs and output-shaping settings), saved in
    ``stats.json`` so that the same run can recognise its finished output."""
    return fingerprint(manifest)


def claim_output_folder(out: Path, manifest: dict[str, Any], overwrite: bool = False) -> None:
    """Make sure the run of `manifest` may write into `out` (see the module docstring);
    raise `OutputError` naming what is in the way, or with `overwrite` remove zhclean's files."""
    if not out.is_dir():
        return
    entries = sorted(p.name for p in out.iterdir())
    if not entries or _own_work(out, manifest) or _own_output(out, manifest):
        return
    if not overwrite:
        shown = ", ".join(entries[:8]) + (f" and {len(entries) - 8} more" if len(entries) > 8 else "")
        raise OutputError(
            f"output folder {out} is not empty and holds no resumable work of this run (it holds "
            f"{shown}); a run writes into an empty folder, resumes its own interrupted work, "
            "or redoes its own finished output. Choose a new folder, or pass --overwrite "
            "(Python: overwrite=True) to remove an earlier run's kept*, rejected*, stats.json, "
            "config.toml, _work/ and report/ first")
    for name in entries:
        path = out / name
        try:
            if path.is_dir() and not path.is_symlink():
                if name == "_work" or (name == "report" and _is_report(path)):
                    shutil.rmtree(path)
            elif OUTPUT_FILE.match(name):
                path.unlink()
        except OSError as exc:
            raise OutputError(f"cannot remove {path} (--overwrite): {exc.strerror}") from None


def _own_work(out: Path, manifest: dict[str, Any]) -> bool:
    return WorkDir(out / "_work").matches(manifest)


def _own_output(out: Path, manifest: dict[str, Any]) -> bool:
    try:
        stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(stats, dict) and stats.get("fingerprint") == run_fingerprint(manifest)


def _is_report(folder: Path) -> bool:
    return {p.name for p in folder.iterdir()} <= REPORT_FILES
