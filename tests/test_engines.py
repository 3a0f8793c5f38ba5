"""The Dask engine gives exactly the local engine's output (LocalCluster, 2 workers)."""
from __future__ import annotations

import json
import random

import pytest

from zhclean.config import load_config
from zhclean.engines import LocalEngine
from zhclean.pipeline import run

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

WORDS = ("城市 居民 河道 社区 图书馆 读者 学校 老师 公路 交通 工程 政府 介绍 表示 记者 今年 计划 "
         "建设 服务 安全 环境 经济 发展 农业 医院 健康 文化 活动 公园 科技 企业 市场 天气 旅游").split()


def page(rng: random.Random) -> str:
    return "\n".join("".join(rng.choice(WORDS) for _ in range(rng.randint(8, 14))) + "。"
                     for _ in range(20))


def write_corpus(folder, shards: int = 3, pages: int = 40) -> None:
    rng = random.Random(7)
    made: list[str] = []
    for s in range(shards):
        with open(folder / f"part-{s}.jsonl", "w", encoding="utf-8") as fh:
            for i in range(pages):
                if made and i % 5 == 0:  # an exact copy
                    text = rng.choice(made)
                elif made and i % 5 == 1:  # a near copy: one line changed
                    lines = rng.choice(made).split("\n")
                    lines[rng.randrange(len(lines))] = "这一段是新写的内容，和原文不同。"
                    text = "\n".join(lines)
                else:
                    text = page(rng)
                made.append(text)
                fh.write(json.dumps({"id": f"{s}-{i}", "text": text}, ensure_ascii=False) + "\n")


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as c:
        yield c


def outputs(out) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.name.startswith(("kept", "rejected"))}


@pytest.mark.slow
def test_dask_engine_equals_local_engine(tmp_path, client):
    from zhclean.engines.dask import DaskEngine

    (tmp_path / "in").mkdir()
    write_corpus(tmp_path / "in")
    config = load_config(overrides={"run.chunk_pages": 15})
    local = run(str(tmp_path / "in"), tmp_path / "local", config, engine=LocalEngine(1))
    engine = DaskEngine(client=client)
    dask = run(str(tmp_path / "in"), tmp_path / "dask", config, engine=engine)
    assert dask.stats["engine"] == "dask" and dask.stats["workers"] == 2
    assert local.stats["reasons"] == dask.stats["reasons"]
    assert local.stats["reasons"].get("dup.near", 0) > 0 and local.stats["reasons"].get("dup.exact", 0) > 0
    assert outputs(tmp_path / "local") == outputs(tmp_path / "dask")


def test_candidate_pages_cover_every_duplicate(tmp_path, client):
    from zhclean.engines.dask import DaskEngine, key_to_int
    import numpy as np

    assert key_to_int(np.array(["000001:0000000002"])).tolist() == [(1 << 32) | 2]
    (tmp_path / "in").mkdir()
    write_corpus(tmp_path / "in", shards=1, pages=30)
    config = load_config(overrides={"run.keep_work": True, "filters.enabled": False})
    result = run(str(tmp_path / "in"), tmp_path / "out", config, engine=DaskEngine(client=client))
    rejected = [json.loads(x) for x in (tmp_path / "out" / "rejected.jsonl").read_text().splitlines()]
    assert {r["reason"] for r in rejected} <= {"dup.exact", "dup.near"}
    assert result.pages_in == 30 and len(rejected) > 0


@pytest.mark.slow
def test_cli_dask_engine_with_worker_processes(tmp_path):
    """The CLI path: a LocalCluster of 2 worker processes (tasks and partitions pickled)."""
    from click.testing import CliRunner

    from zhclean.cli import main

    (tmp_path / "in").mkdir()
    write_corpus(tmp_path / "in", shards=2, pages=20)
    result = CliRunner().invoke(main, ["run", str(tmp_path / "in"), "-o", str(tmp_path / "dask"),
                                       "--engine", "dask", "--workers", "2", "-q"])
    assert result.exit_code == 0, result.output
    run(str(tmp_path / "in"), tmp_path / "local")
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "local")
    assert json.loads((tmp_path / "dask" / "stats.json").read_text())["engine"] == "dask"


def test_driver_limit_stops_with_advice_and_keeps_the_work(tmp_path, client):
    from zhclean.engines.dask import DaskEngine
    from zhclean.errors import ConfigError

    (tmp_path / "in").mkdir()
    write_corpus(tmp_path / "in", shards=1, pages=20)
    config = load_config(overrides={"run.max_driver_pages": 1})
    with pytest.raises(ConfigError, match="max_driver_pages"):
        run(str(tmp_path / "in"), tmp_path / "out", config, engine=DaskEngine(client=client))
    assert list((tmp_path / "out" / "_work").glob("*.npz"))
