"""Fuzzing the readers (issue 12): JSONL (plain, .gz, .zst), CSV (plain, .gz) and Parquet files,
cut at a random byte, with random bytes flipped, or both, go through `zhclean clean`.

Whatever the damage, the command exits 0 with every record it read accounted for (stats:
pages_in == kept + rejected, and as many records in the output files), or exits 4 with a
message naming the file (a Parquet file that cannot be read at all: the documented case). On a
file only cut short, every record before the cut comes out kept, text intact, in order.
Seeded, so a failure names a case that can be replayed; ZHCLEAN_FUZZ_SEEDS=500 runs a longer
campaign (the default, 10 seeds per format and damage, takes seconds).
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import os
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from zhclean.cli import main

N = 40
KNOWN = ("input.", "clean.all_junk")


def records(rng: random.Random) -> list[dict]:
    words = "城市 治理 居民 河道 街道 社区 图书馆 读者 学校 交通 工程 天气 \" , \\n 1.5e3 a\tb".split(" ")
    return [{"id": f"r{i}", "n": rng.randint(-10**6, 10**6),
             "text": "".join(rng.choice(words) for _ in range(rng.randint(5, 60))) + "。"}
            for i in range(N)]


def encode(fmt: str, rows: list[dict]) -> bytes:
    if fmt.startswith("jsonl"):
        data = b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in rows)
    elif fmt.startswith("csv"):
        buf = io.StringIO()
        writer = csv.DictWriter(buf, ["id", "n", "text"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        data = buf.getvalue().encode()
    else:
        pa = pytest.importorskip("pyarrow")
        import pyarrow.parquet as pq

        buf = io.BytesIO()
        pq.write_table(pa.Table.from_pylist(rows), buf, row_group_size=10,
                       compression=random.Random(len(rows)).choice(["snappy", "zstd", "none"]))
        return buf.getvalue()
    if fmt.endswith(".gz"):
        return gzip.compress(data)
    if fmt.endswith(".zst"):
        zstd = pytest.importorskip("zstandard")
        out = io.BytesIO()
        with zstd.ZstdCompressor().stream_writer(out, closefd=False) as writer:
            for at in range(0, len(data), 512):  # many blocks, like a streaming writer
                writer.write(data[at:at + 512])
                writer.flush(zstd.FLUSH_BLOCK)
        return out.getvalue()
    return data


def damage(data: bytes, how: str, rng: random.Random) -> tuple[bytes, int | None]:
    """The damaged bytes, and the cut (None when nothing was cut)."""
    cut = None
    if how in ("cut", "cut+flip"):
        cut = rng.randrange(1, len(data))
        data = data[:cut]
    if how in ("flip", "cut+flip"):
        buf = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        data = bytes(buf)
    return data, cut


FORMATS = ("jsonl", "jsonl.gz", "jsonl.zst", "csv", "csv.gz", "parquet")
SEEDS = int(os.environ.get("ZHCLEAN_FUZZ_SEEDS", "10"))
CASES = [(fmt, how, seed) for fmt in FORMATS for how in ("cut", "flip", "cut+flip") for seed in range(SEEDS)]


@pytest.mark.parametrize("fmt, how, seed", CASES, ids=[f"{f}-{h}-{s}" for f, h, s in CASES])
def test_damaged_files_lose_no_record(tmp_path: Path, fmt: str, how: str, seed: int) -> None:
    rng = random.Random(f"{fmt}/{how}/{seed}")
    rows = records(rng)
    clean = encode(fmt, rows)
    data, cut = damage(clean, how, rng)
    path = tmp_path / f"in.{fmt}"
    path.write_bytes(data)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["clean", str(path), "-o", str(out), "-q", "--format", "jsonl",
                                       "--set", "clean.enabled=false", "--set", "normalize.fixes=[]"])
    assert isinstance(result.exception, SystemExit) or result.exception is None, result.output
    if result.exit_code == 4:  # the documented exit: a file that cannot be read at all
        assert fmt == "parquet" and str(path) in result.output
        return
    assert result.exit_code == 0, result.output
    kept, rejected = (_read_jsonl(out / name) for name in ("kept.jsonl", "rejected.jsonl"))
    stats = json.loads((out / "stats.json").read_text())
    assert stats["pages_in"] == stats["kept"] + stats["rejected"] == len(kept) + len(rejected)
    assert all(r["reason"].startswith(KNOWN) for r in rejected), {r["reason"] for r in rejected}
    if how != "cut":
        return
    # Only cut short: what precedes the cut comes out whole, in order.
    texts = {r["id"]: r["text"] for r in rows}
    kept_ids = [r["id"] for r in kept]
    if fmt in ("jsonl", "csv"):
        # (a plain file gives no sign of a cut: a last CSV row cut inside a field reads as a
        # shorter row, and only the rows before it are sure to be whole)
        before = clean[:cut]
        whole = [r["id"] for r in rows
                 if json.dumps(r, ensure_ascii=False).encode() + b"\n" in before
                 or _csv_line(r) in before]
        assert kept_ids[: len(whole)] == whole
        assert all(r["text"] == texts[r["id"]] for r in kept if r["id"] in whole)
    else:  # compressed or Parquet: the damage is seen, so every record kept is whole
        assert kept_ids == [f"r{i}" for i in range(len(kept_ids))]
        assert all(r["text"] == texts[r["id"]] for r in kept)
        assert [r["reason"] for r in rejected][-1:] in ([], ["input.truncated_file"])


def _read_jsonl(path: Path) -> list[dict]:
    """Records split on newlines only (str.splitlines would also split on U+2028, NEL...)."""
    return [json.loads(line) for line in path.read_bytes().split(b"\n") if line]


def _csv_line(row: dict) -> bytes:
    buf = io.StringIO()
    csv.DictWriter(buf, ["id", "n", "text"], lineterminator="\n").writerow(row)
    return buf.getvalue().encode()
