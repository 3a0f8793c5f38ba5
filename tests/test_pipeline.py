"""The batch pipeline: nothing lost, deterministic, resumable.

Pages are written here (a seeded generator of Chinese-looking articles from a word list), never
copied from scraped data.
"""
from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from zhclean.config import load_config
from zhclean.pipeline import run

WORDS = ("城市 治理 居民 河道 街道 社区 图书馆 读者 学校 老师 学生 公路 交通 工程 项目 政府 部门 "
         "介绍 表示 记者 今年 去年 计划 完成 建设 提高 服务 质量 安全 环境 经济 发展 农业 村民 "
         "医院 医生 患者 健康 文化 活动 传统 节日 公园 绿地 科技 企业 产品 市场 价格 消费 "
         "天气 降雨 气温 春季 夏季 秋季 冬季 旅游 游客 景区 博物馆 展览 历史 故事 孩子 家长").split()


def article(rng: random.Random, sentences: int = 12) -> str:
    lines = []
    for _ in range(sentences):
        n = rng.randint(8, 16)
        words = [rng.choice(WORDS) for _ in range(n)]
        cut = rng.randint(3, n - 3)
        lines.append("".join(words[:cut]) + "，" + "".join(words[cut:]) + "。")
    return "\n".join("".join(lines[i:i + 3]) for i in range(0, len(lines), 3))


def corpus(seed: int, n: int, dup_every: int = 7) -> list[dict]:
    """`n` pages; every `dup_every`-th page copies an earlier one (an exact duplicate)."""
    rng = random.Random(seed)
    pages = []
    for i in range(n):
        if i and i % dup_every == 0:
            text = pages[rng.randrange(len(pages))]["text"]
        else:
            text = article(rng)
        pages.append({"id": f"p{seed}-{i}", "url": f"http://example.com/{seed}/{i}", "text": text})
    return pages


def write_jsonl(path: Path, records: list) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def malformed_shards(folder: Path) -> int:
    """Shards holding every kind of bad input; returns the number of records in them."""
    folder.mkdir()
    good = corpus(1, 20)
    lines = [json.dumps(r, ensure_ascii=False).encode() for r in good]
    bad = [
        b'{"id": "truncated", "text": "\xe6\x9c\xac\xe6\x8a\xa5\xe8\xae\xaf',   # cut mid-record
        b'{"id": "bad-utf8", "text": "\xff\xfe\xe6\x9c"}',                       # invalid UTF-8
        b'\xef\xbb\xbf' + json.dumps({"id": "bom", "text": article(random.Random(6))},
                                       ensure_ascii=False).encode(),           # BOM
        json.dumps({"id": "nul", "text": article(random.Random(5))}, ensure_ascii=False)
        .encode().replace("。".encode(), "。".encode() + b"\x00"),              # raw NULs
        b'{"id": "int-text", "text": 12345}',
        b'{"id": "list-text", "text": ["a", "b"]}',
        b'{"id": "no-text", "title": "x"}',
        b'["not", "an", "object"]',
        b'{"id": "null-text", "text": null}',
        b'   ',                                                                  # blank: no record
    ]
    (folder / "a.jsonl").write_bytes(b"\n".join(lines[:10] + bad + lines[10:]))  # no final \n
    (folder / "b.jsonl").write_bytes(b"")                                          # empty file
    big = {"id": "huge", "text": "大" * (50 * 1024 * 1024 // 3 + 10)}               # a 50 MB page
    with gzip.open(folder / "c.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(good[3], ensure_ascii=False) + "\n")
        fh.write(json.dumps(big, ensure_ascii=False) + "\n")
    return len(good) + len(bad) - 1 + 2


def outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())
            if p.name.startswith(("kept", "rejected"))}


def test_every_record_comes_out_once(tmp_path):
    n = malformed_shards(tmp_path / "in")
    config = load_config(overrides={"run.max_text_bytes": 8 * 1024 * 1024})
    result = run(str(tmp_path / "in"), tmp_path / "out", config)
    out = tmp_path / "out"
    kept = [r for name in ("kept-00000.jsonl", "kept-00001.jsonl", "kept-00002.jsonl")
            for r in read_jsonl(out / name)]
    rejected = [r for name in ("rejected-00000.jsonl", "rejected-00001.jsonl", "rejected-00002.jsonl")
                for r in read_jsonl(out / name)]
    assert result.pages_in == n == len(kept) + len(rejected)
    reasons = {r["id"]: r["reason"] for r in rejected}
    assert reasons["a:11"] == "input.bad_json"  # no readable id: <file stem>:<line number>
    assert reasons["a:12"] == "input.bad_encoding"
    assert reasons["int-text"] == reasons["list-text"] == "input.not_string"
    assert reasons["no-text"] == reasons["null-text"] == "input.missing_text"
    assert reasons["a:18"] == "input.not_object"
    assert reasons["huge"] == "input.too_large"
    assert {r["id"] for r in kept} >= {"bom", "nul"}
    assert "\x00" not in next(r for r in kept if r["id"] == "nul")["text"]
    stats = json.loads((out / "stats.json").read_text())
    assert stats["pages_in"] == stats["kept"] + stats["rejected"] == n
    assert sum(stats["reasons"].values()) == stats["rejected"]
    assert stats["reasons"].get("dup.exact", 0) >= 2
    assert not (out / "_work").exists()


def test_kept_record_keeps_fields_and_explains(tmp_path):
    pages = corpus(2, 5, dup_every=100)
    write_jsonl(tmp_path / "p.jsonl", pages)
    run(str(tmp_path / "p.jsonl"), tmp_path / "out")
    kept = read_jsonl(tmp_path / "out" / "kept.jsonl")
    assert [r["id"] for r in kept] == [p["id"] for p in pages]
    for record, page in zip(kept, pages):
        assert record["url"] == page["url"]
        info = record["zhclean"]
        assert {"verdict", "removed_share", "removals", "metadata", "quality", "dedup"} <= set(info)
        assert info["quality"]["chars"] > 200
    assert (tmp_path / "out" / "config.toml").exists()


def test_same_output_with_one_or_two_workers(tmp_path):
    for i in range(3):
        write_jsonl(tmp_path / f"in-{i}.jsonl", corpus(10 + i, 60))
    one = run(str(tmp_path / "in-*.jsonl"), tmp_path / "one", load_config(overrides={"run.workers": 1}))
    two = run(str(tmp_path / "in-*.jsonl"), tmp_path / "two", load_config(overrides={"run.workers": 2}))
    again = run(str(tmp_path / "in-*.jsonl"), tmp_path / "one")
    assert one.stats["reasons"] == two.stats["reasons"]
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")
    assert outputs(tmp_path / "one") == outputs(again.output)
    assert len(outputs(tmp_path / "one")) == 6


def test_spam_wrapped_page_is_kept_unless_opted_out(tmp_path):
    src = Path(__file__).parents[1] / "examples" / "pages.jsonl"
    run(str(src), tmp_path / "default")
    kept = {r["id"]: r for r in read_jsonl(tmp_path / "default" / "kept.jsonl")}
    news = kept["spam-wrapped-news"]
    assert "清水河治理三年见成效" in news["text"]
    share = news["zhclean"]["removed_share"]
    assert share == news["zhclean"]["quality"]["removed_share"] > 0.3
    strict = load_config(overrides={"filters.max_removed_share": share - 0.01})
    run(str(src), tmp_path / "strict", strict)
    rejected = {r["id"]: r for r in read_jsonl(tmp_path / "strict" / "rejected.jsonl")}
    assert rejected["spam-wrapped-news"]["reason"] == "doc.mostly_junk"


@pytest.mark.slow
def test_kill_and_resume_gives_identical_output(tmp_path):
    for i in range(3):
        write_jsonl(tmp_path / f"in-{i}.jsonl", corpus(20 + i, 300))
    config = load_config(overrides={"run.chunk_pages": 20})
    reference = run(str(tmp_path / "in-*.jsonl"), tmp_path / "ref", config)
    cmd = [sys.executable, "-m", "zhclean", "run", str(tmp_path / "in-*.jsonl"), "-o",
           str(tmp_path / "out"), "--quiet", "--set", "run.chunk_pages=20"]
    proc = subprocess.Popen(cmd, start_new_session=True)
    work = tmp_path / "out" / "_work"
    deadline = time.time() + 120
    while time.time() < deadline and len(list(work.glob("*.json"))) < 3:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = {p.name for p in work.glob("s*.json")}
    assert finished, "the run was killed before any chunk finished"
    assert not (tmp_path / "out" / "stats.json").exists()
    result = subprocess.run(cmd + ["--workers", "2"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    stats = json.loads((tmp_path / "out" / "stats.json").read_text())
    assert stats["resumed_chunks"] >= len(finished)
    assert outputs(tmp_path / "out") == outputs(reference.output)


def test_parquet_in_parquet_out(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pages = corpus(3, 12)
    pq.write_table(pa.Table.from_pylist(pages), tmp_path / "in.parquet")
    result = run(str(tmp_path / "in.parquet"), tmp_path / "out")
    kept = pq.read_table(tmp_path / "out" / "kept.parquet").to_pylist()
    rejected = pq.read_table(tmp_path / "out" / "rejected.parquet").to_pylist()
    assert len(kept) + len(rejected) == 12 == result.pages_in
    assert json.loads(kept[0]["zhclean"])["verdict"] == "content"  # nested fields as JSON text
    assert {r["reason"] for r in rejected} == {"dup.exact"}


def test_text_folder_and_csv_give_jsonl(tmp_path):
    (tmp_path / "txt").mkdir()
    for i, p in enumerate(corpus(4, 3, dup_every=100)):
        (tmp_path / "txt" / f"page{i}.txt").write_text(p["text"], encoding="utf-8")
    result = run(str(tmp_path / "txt"), tmp_path / "out")
    kept = read_jsonl(tmp_path / "out" / "kept.jsonl")
    assert [r["id"] for r in kept] == ["page0", "page1", "page2"] and result.kept == 3
    import csv

    with open(tmp_path / "in.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["id", "text"])
        writer.writeheader()
        writer.writerows({"id": p["id"], "text": p["text"]} for p in corpus(5, 3, dup_every=100))
    assert run(str(tmp_path / "in.csv"), tmp_path / "csv").kept == 3
    assert (tmp_path / "csv" / "kept.jsonl").exists()


def test_mostly_junk_opt_in_through_config(tmp_path):
    src = Path(__file__).parents[1] / "examples" / "pages.jsonl"
    config = load_config(overrides={"filters.max_removed_share": 0.0, "filters.min_chars": 1})
    result = run(str(src), tmp_path / "out", config)
    rejected = read_jsonl(tmp_path / "out" / "rejected.jsonl")
    mostly = [r for r in rejected if r["reason"] == "doc.mostly_junk"]
    assert all(r["detail"]["value"] > 0 for r in mostly)
    assert result.pages_in == 12


def test_repeated_line_pass_cuts_corpus_boilerplate(tmp_path):
    footer = "清水河街道社区服务中心编印的第十二期居民读本，仅在街道内部交流使用。"
    pages = corpus(6, 24, dup_every=100)
    for p in pages:
        p["text"] += "\n" + footer
    for i in range(2):
        write_jsonl(tmp_path / f"in-{i}.jsonl", pages[i * 12:(i + 1) * 12])
    overrides = {"dedup.repeated_lines": True, "run.chunk_pages": 5}
    one = run(str(tmp_path / "in-*"), tmp_path / "one", load_config(overrides=overrides))
    run(str(tmp_path / "in-*"), tmp_path / "two",
              load_config(overrides={**overrides, "run.workers": 2}))
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")
    kept = read_jsonl(tmp_path / "one" / "kept-00000.jsonl")
    assert one.kept == 24 and all(footer not in r["text"] for r in kept)
    cut = kept[0]["zhclean"]["repeated_lines"]
    assert cut[0]["code"] == "boilerplate.repeated_line" and cut[0]["detail"]["page_count"] == 24
    assert "repeated_lines" in one.stats["seconds"]["cpu_per_stage"]


def test_a_cleaner_crash_rejects_the_page_not_the_batch(tmp_path, monkeypatch):
    from zhclean import cleaner

    real = cleaner.Cleaner.__call__

    def flaky(self, text, title=None):
        if "炸" in text:
            raise RecursionError("rule blew up")
        return real(self, text, title)

    monkeypatch.setattr(cleaner.Cleaner, "__call__", flaky)
    pages = corpus(8, 4, dup_every=100)
    pages[2]["text"] += "炸"
    write_jsonl(tmp_path / "p.jsonl", pages)
    result = run(str(tmp_path / "p.jsonl"), tmp_path / "out")
    [bad] = read_jsonl(tmp_path / "out" / "rejected.jsonl")
    assert bad["reason"] == "clean.error" and "rule blew up" in bad["detail"]["error"]
    assert bad["text"] == pages[2]["text"] and result.kept == 3


class RecordedBar:
    def __init__(self, stage: str, total_bytes: int | None, total_pages: int | None):
        self.stage, self.total_bytes, self.total_pages = stage, total_bytes, total_pages
        self.updates: list[tuple[int, int]] = []
        self.closed = False

    def update(self, pages: int, nbytes: int) -> None:
        self.updates.append((pages, nbytes))

    def close(self) -> None:
        self.closed = True


class Recorder:
    """A `progress` callable that records what the run reports."""

    def __init__(self):
        self.bars: list[RecordedBar] = []

    def __call__(self, stage: str, total_bytes: int | None, total_pages: int | None) -> RecordedBar:
        self.bars.append(RecordedBar(stage, total_bytes, total_pages))
        return self.bars[-1]

    def stage(self, name: str) -> RecordedBar:
        return next(b for b in self.bars if b.stage == name)


def test_progress_comes_in_small_steps_with_a_total(tmp_path):
    """With two workers, 1,000 pages report progress in many steps (not one or two chunks
    of 1,000), against the input's size; every bar is closed."""
    path = write_jsonl(tmp_path / "in.jsonl", corpus(7, 1000))
    progress = Recorder()
    run(str(path), tmp_path / "out", load_config(overrides={"run.workers": 2}), progress=progress)
    clean = progress.stage("clean")
    assert clean.total_bytes == path.stat().st_size
    assert sum(p for p, _ in clean.updates) == 1000
    assert sum(b for _, b in clean.updates) == path.stat().st_size
    assert len(clean.updates) >= 5 and max(p for p, _ in clean.updates) <= 200
    assert all(bar.closed for bar in progress.bars)
    assert {"clean", "dedup", "write"} <= {bar.stage for bar in progress.bars}


def test_parquet_progress_has_a_page_total_from_the_metadata(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(corpus(8, 30)), tmp_path / "in.parquet")
    progress = Recorder()
    run(str(tmp_path / "in.parquet"), tmp_path / "out", progress=progress)
    clean = progress.stage("clean")
    assert clean.total_pages == 30 and clean.total_bytes is None
    assert all(bar.closed for bar in progress.bars)


def test_parquet_progress_reaches_its_total_past_a_corrupt_row_group(tmp_path):
    """A row group that cannot be read is one input.truncated_file record (issue 12); the bar
    counts the rows it held, so it ends at the metadata's row count (issue 13)."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    path = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(corpus(12, 30, dup_every=10**6)), path, row_group_size=10)
    meta = pq.ParquetFile(path).metadata
    [column] = [meta.row_group(1).column(j) for j in range(meta.num_columns)
                if meta.row_group(1).column(j).path_in_schema == "text"]
    data = bytearray(path.read_bytes())
    middle = column.data_page_offset + column.total_compressed_size // 2
    data[middle: middle + 16] = b"\xee" * 16
    path.write_bytes(bytes(data))
    progress = Recorder()
    result = run(str(path), tmp_path / "out", load_config(overrides={"run.chunk_pages": 4}),
                 progress=progress)
    assert result.pages_in == 21 and result.stats["reasons"]["input.truncated_file"] == 1
    clean = progress.stage("clean")
    assert clean.total_pages == 30 and sum(p for p, _ in clean.updates) == 30


def test_a_gzip_file_cut_short_gives_no_size_from_its_last_bytes(tmp_path):
    """The gzip trailer is a size hint; a file cut short ends in compressed data instead, which
    must not become a total of gigabytes (issue 12's damaged inputs, issue 13's bars)."""
    from zhclean.io.shards import discover_shards

    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in corpus(10, 40)).encode() + b"\n"
    packed = gzip.compress(data)
    (tmp_path / "whole.jsonl.gz").write_bytes(packed)
    (tmp_path / "cut.jsonl.gz").write_bytes(packed[: len(packed) // 2] + b"\x00\x00\x00\xf0")
    cut, whole = discover_shards([str(tmp_path / "whole.jsonl.gz"), str(tmp_path / "cut.jsonl.gz")])  # (sorted)
    assert whole.decompressed_size == len(data) and cut.decompressed_size is None
    progress = Recorder()
    result = run(str(tmp_path / "cut.jsonl.gz"), tmp_path / "out", progress=progress)
    assert progress.stage("clean").total_bytes is None
    assert result.stats["reasons"].get("input.truncated_file") == 1


def test_bars_are_closed_when_a_run_fails(tmp_path, monkeypatch):
    path = write_jsonl(tmp_path / "in.jsonl", corpus(9, 10))
    import zhclean.engines.tasks as tasks

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(tasks, "write_shard", broken)
    progress = Recorder()
    with pytest.raises(RuntimeError):
        run(str(path), tmp_path / "out", progress=progress)
    assert progress.bars and all(bar.closed for bar in progress.bars)


def test_interrupted_work_resumes_only_for_its_own_run(tmp_path):
    from zhclean.errors import OutputError

    path = write_jsonl(tmp_path / "in.jsonl", corpus(11, 8))
    out = tmp_path / "out"
    run(str(path), out, load_config(overrides={"run.keep_work": True}))
    for name in ("kept.jsonl", "rejected.jsonl", "stats.json", "config.toml"):
        (out / name).unlink()  # what a killed run leaves: its work folder
    with pytest.raises(OutputError, match="holds no resumable work of this run .*_work"):
        run(str(path), out, load_config(overrides={"filters.min_chars": 1}))
    assert (out / "_work" / "manifest.json").exists()  # not discarded silently
    assert run(str(path), out).stats["resumed_chunks"] == 1  # its own run resumes
    fresh = run(str(path), out, load_config(overrides={"filters.min_chars": 1}), overwrite=True)
    assert fresh.stats["resumed_chunks"] == 0 and fresh.pages_in == 8
