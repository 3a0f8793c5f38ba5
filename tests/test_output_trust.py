"""The output side under attack or failure (issue 12): the work folder is input like any other
(nothing in it executes, nothing of another run is used), a failed write is exit 5 with a
message and never leaves a half-written shard that a later run takes as finished, and a
resumed run leaves no temporary files behind."""
from __future__ import annotations

import ctypes
import json
import os
import pickle
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_pipeline import corpus as articles

from zhclean.config import load_config
from zhclean.pipeline import run


def corpus(n: int, seed: int = 0) -> list[dict]:
    """`n` distinct generated articles (the generator of test_pipeline), no duplicates."""
    return articles(seed, n, dup_every=10**6)


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


def outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.name.startswith(("kept", "rejected"))}


LINE_PASS = {"dedup.repeated_lines": True, "run.chunk_pages": 5, "run.keep_work": True}


class _Planted:
    """Unpickling this creates `marker` (what an attacker's pickle would do, harmlessly)."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_a_planted_pickle_in_the_work_folder_never_executes(tmp_path):
    src = write(tmp_path / "in.jsonl", corpus(12))
    config = load_config(overrides=LINE_PASS)
    first = run(str(src), tmp_path / "out", config)
    reference = outputs(tmp_path / "out")
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Planted(marker))
    work = tmp_path / "out" / "_work"
    for chunk in sorted(work.glob("s*-c*.json")):
        name = chunk.name[: -len(".json")]
        for suffix in (".lines.pkl", ".lines.npz"):  # the old name and the new one
            (work / f"{name}{suffix}").write_bytes(payload)
    for name in ("line_counts.pkl", "line_counts.npz"):
        (work / name).write_bytes(payload)
    again = run(str(src), tmp_path / "out", config)
    assert not marker.exists()
    assert outputs(tmp_path / "out") == reference and again.stats["reasons"] == first.stats["reasons"]
    assert not list(work.glob("*.pkl")) or not any(p.read_bytes() == payload for p in work.glob("*.npz"))


def test_work_files_of_another_run_are_not_used(tmp_path):
    src = write(tmp_path / "in.jsonl", corpus(12))
    config = load_config(overrides={"run.chunk_pages": 5, "run.keep_work": True})
    run(str(src), tmp_path / "out", config)
    reference = outputs(tmp_path / "out")
    same = corpus(1, seed=99)[0]["text"]  # another run, whose pages are all one page
    other = write(tmp_path / "other.jsonl", [{"id": f"o{i}", "text": same} for i in range(12)])
    run(str(other), tmp_path / "other", config)
    for planted in (tmp_path / "other" / "_work").glob("s00000-c0000*.npz"):
        shutil.copy(planted, tmp_path / "out" / "_work" / planted.name)
    run(str(src), tmp_path / "out", config)
    assert outputs(tmp_path / "out") == reference


def test_a_resumed_run_leaves_no_temporary_files(tmp_path):
    src = write(tmp_path / "in.jsonl", corpus(6))
    config = load_config(overrides={"run.chunk_pages": 2})
    run(str(src), tmp_path / "out", config)
    # what a kill -9 during the final writes leaves: temporary files next to the outputs
    for name in (".kept.jsonl.partial-4242", ".rejected.jsonl.partial-4242", ".stats.json.partial-77"):
        (tmp_path / "out" / name).write_bytes(b'{"id": "half')
    (tmp_path / "out" / ".notes.partial-1").write_text("not ours")
    run(str(src), tmp_path / "out", config)
    left = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert left == [".notes.partial-1", "config.toml", "kept.jsonl", "rejected.jsonl", "stats.json"]


# --- failed writes: exit 5 with a message -------------------------------------------------


def _no_root_override():
    """For root, drop the capabilities that let it ignore file permissions (in the child)."""
    if os.geteuid() != 0:
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def drop():
        for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl")
    return drop


def zhclean(*args: str, preexec=None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([sys.executable, "-m", "zhclean", *args, "-q"], capture_output=True,
                              text=True, preexec_fn=preexec, timeout=300)
    except subprocess.SubprocessError as exc:
        pytest.skip(f"cannot set up the child process: {exc}")


def test_an_unwritable_output_folder_is_exit_5(tmp_path):
    src = write(tmp_path / "in.jsonl", corpus(3))
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = zhclean("clean", str(src), "-o", str(out), preexec=_no_root_override())
    finally:
        out.chmod(0o755)
    assert result.returncode == 5, result.stderr
    assert "zhclean: error: cannot" in result.stderr and str(out) in result.stderr
    assert "Traceback" not in result.stderr


def test_a_read_only_config_toml_of_an_earlier_run_is_replaced(tmp_path):
    src = write(tmp_path / "in.jsonl", corpus(3))
    out = tmp_path / "out"
    assert zhclean("clean", str(src), "-o", str(out)).returncode == 0
    # the same run again redoes its finished output: the read-only file is replaced in place
    (out / "config.toml").chmod(0o444)
    before = (out / "config.toml").stat().st_ino
    result = zhclean("clean", str(src), "-o", str(out), preexec=_no_root_override())
    assert result.returncode == 0, result.stderr
    assert (out / "config.toml").stat().st_ino != before
    # another run's output is refused (io.outdir) unless --overwrite, which removes it first
    (out / "config.toml").chmod(0o444)
    result = zhclean("clean", str(src), "-o", str(out), "--set", "run.chunk_pages=7",
                     preexec=_no_root_override())
    assert result.returncode == 5 and "--overwrite" in result.stderr, result.stderr
    result = zhclean("clean", str(src), "-o", str(out), "--set", "run.chunk_pages=7", "--overwrite",
                     preexec=_no_root_override())
    assert result.returncode == 0, result.stderr
    assert load_config(out / "config.toml").run.chunk_pages == 7


@pytest.mark.slow
def test_a_full_disk_is_exit_5_and_never_leaves_a_finished_looking_shard(tmp_path):
    src = write(tmp_path / "in.jsonl", corpus(40))
    reference = run(str(src), tmp_path / "ref", load_config(overrides={"run.chunk_pages": 10}))
    assert reference.kept > 10
    size = (tmp_path / "ref" / "kept.jsonl").stat().st_size
    for limit in (size // 2, size // 6):  # dies writing the outputs; dies writing the work files
        out = tmp_path / f"out-{limit}"

        def full_disk(limit=limit):
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        result = zhclean("run", str(src), "-o", str(out), "--set", "run.chunk_pages=10", preexec=full_disk)
        assert result.returncode == 5, result.stderr
        assert "zhclean: error: cannot write" in result.stderr and "Traceback" not in result.stderr
        assert not (out / "stats.json").exists()  # an unfinished run says so
        assert not list(out.rglob(".*.partial-*"))  # no half-written file, final or temporary
        for name, data in outputs(out).items():  # what is there is complete
            assert data == (tmp_path / "ref" / name).read_bytes()
        # the same command again, with room: resumes and gives the uninterrupted output
        result = zhclean("run", str(src), "-o", str(out), "--set", "run.chunk_pages=10")
        assert result.returncode == 0, result.stderr
        assert outputs(out) == outputs(tmp_path / "ref")
