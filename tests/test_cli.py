"""The CLI, in-process with click's CliRunner: commands, outputs, config, exit codes."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from zhclean.cli import main
from zhclean.config import Config, config_to_toml, load_config

SAMPLE = str(Path(__file__).parents[1] / "examples" / "pages.jsonl")


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_clean_keeps_fields_and_rejects_only_junk_and_bad_records(tmp_path):
    result = invoke("clean", SAMPLE, "-o", str(tmp_path), "-q")
    assert result.exit_code == 0, result.output
    kept, rejected = lines(tmp_path / "kept.jsonl"), lines(tmp_path / "rejected.jsonl")
    assert len(kept) + len(rejected) == 12
    news = next(r for r in kept if r["id"] == "spam-wrapped-news")
    assert news["url"] == "http://example.com/a/1.html"
    assert {"verdict", "removed_share", "removals", "metadata"} <= set(news["zhclean"])
    for r in news["zhclean"]["removals"]:
        assert {"start", "end", "code", "detail"} <= set(r)
    reasons = {r["reason"] for r in rejected}
    assert reasons <= {"clean.all_junk", "input.empty", "input.missing_text", "input.not_string"}
    assert {r["id"] for r in rejected} >= {"empty-page", "no-text-field", "text-not-string"}
    assert not any(r.startswith(("doc.", "dup.")) for r in reasons)  # clean is cleaning alone


def test_clean_with_other_field_names_and_derived_ids(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"body": "城南街道的积水点整治工程全面完工，沿线居民出行方便了许多。\n工程负责人介绍，"
                                       "明年还将继续改造老旧小区的雨污管网。", "headline": "标题"}, ensure_ascii=False)
                   + "\n", encoding="utf-8")
    result = invoke("clean", str(src), "-o", str(tmp_path / "out"), "--text-field", "body",
                    "--id-field", "doc_id", "--title-field", "headline", "-q")
    assert result.exit_code == 0
    [record] = lines(tmp_path / "out" / "kept.jsonl")
    assert record["doc_id"] == "in:1" and record["headline"] == "标题" and "zhclean" in record


def test_run_writes_stats_config_and_summary(tmp_path):
    result = invoke("run", SAMPLE, "-o", str(tmp_path), "--set", "filters.min_chars=100",
                    "--workers", "1")
    assert result.exit_code == 0
    assert "pages in" in result.output and "kept" in result.output
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert stats["pages_in"] == stats["kept"] + stats["rejected"] == 12
    saved = load_config(tmp_path / "config.toml")
    assert saved.filters.min_chars == 100
    assert any(code.startswith("dup.") for code in stats["reasons"])


def test_run_stage_switches(tmp_path):
    # (on the sample the cleaner finds duplicates, so switching dedup off shows)
    result = invoke("run", SAMPLE, "-o", str(tmp_path), "-q", "--no-dedup", "--no-filters")
    assert result.exit_code == 0
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert not any(code.startswith(("dup.", "doc.")) for code in stats["reasons"])


def test_dedup_command_alone(tmp_path):
    page = {"text": "清水河治理三年见成效，沿岸居民重回河边散步。" * 5}
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps({"id": f"d{i}", **page}, ensure_ascii=False) for i in range(3)),
                   encoding="utf-8")
    result = invoke("dedup", str(src), "-o", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0
    kept = lines(tmp_path / "out" / "kept.jsonl")
    rejected = lines(tmp_path / "out" / "rejected.jsonl")
    assert [r["id"] for r in kept] == ["d0"] and kept[0]["text"] == page["text"]
    assert kept[0]["zhclean"]["dedup"] == {"cluster_id": "d0", "cluster_size": 3}
    assert {r["reason"] for r in rejected} == {"dup.exact"}
    assert all(r["detail"]["duplicate_of"] == "d0" for r in rejected)


def write_pages(path: Path, n: int, tag: str) -> Path:
    """`n` distinct pages long enough to be kept."""
    body = "城南街道的积水点整治工程全面完工，沿线居民出行方便了许多。工程负责人介绍，明年还将继续改造老旧小区的雨污管网。"
    path.write_text("".join(json.dumps({"id": f"{tag}{i}", "text": f"第{i}号{tag}消息。" + body * 2},
                                       ensure_ascii=False) + "\n" for i in range(n)), encoding="utf-8")
    return path


def test_a_run_refuses_a_folder_holding_other_output(tmp_path):
    """A folder that holds an earlier run's shards is not written into: the run would leave
    them there for `report` to count. --overwrite replaces them; the run's own folder (its
    resumable work, or the same run finished) is always fine."""
    many = [write_pages(tmp_path / f"many-{i}.jsonl", 5, f"m{i}-") for i in range(3)]
    one = write_pages(tmp_path / "one.jsonl", 5, "o")
    out = tmp_path / "out"
    assert invoke("run", *map(str, many), "-o", str(out), "-q").exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert "kept-00002.jsonl" in before
    result = CliRunner().invoke(main, ["run", str(one), "-o", str(out), "-q"])
    assert result.exit_code == 5
    assert str(out) in result.output and "--overwrite" in result.output
    assert "kept-00000.jsonl" in result.output  # what it found there
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # untouched
    (out / "notes.txt").write_text("mine")
    result = invoke("run", str(one), "-o", str(out), "-q", "--overwrite")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["config.toml", "kept.jsonl", "notes.txt",
                                                     "rejected.jsonl", "stats.json"]
    stats = json.loads((out / "stats.json").read_text())
    assert stats["pages_in"] == 5 and stats["outputs"] == {"kept": ["kept.jsonl"],
                                                          "rejected": ["rejected.jsonl"]}
    # the same command again: its own finished output, rewritten
    assert invoke("run", str(one), "-o", str(out), "-q").exit_code == 0
    # any other file in the way
    other = tmp_path / "other"
    other.mkdir()
    (other / "data.csv").write_text("x")
    result = CliRunner().invoke(main, ["clean", str(one), "-o", str(other), "-q"])
    assert result.exit_code == 5 and "data.csv" in result.output


@pytest.mark.parametrize("args, code, message", [
    (["run", "missing.jsonl", "-o", "OUT"], 4, "does not exist"),
    (["run", SAMPLE, "-o", "OUT", "--config", "missing.toml"], 3, "does not exist"),
    (["run", SAMPLE, "-o", "OUT", "--set", "filter.min_chars=3"], 3, "did you mean 'filters'"),
    (["run", SAMPLE, "-o", "OUT", "--set", "filters.min_char=3"], 3, "did you mean 'min_chars'"),
    (["run", SAMPLE, "-o", "OUT", "--set", "filters.min_chars=abc"], 3, "expected int"),
    (["run", SAMPLE], 2, "Missing option"),
    (["run", SAMPLE, "-o", "FILE/sub"], 5, "cannot create output folder"),
])
def test_bad_usage_has_distinct_exit_codes(tmp_path, args, code, message):
    (tmp_path / "file").write_text("not a folder")
    args = [a.replace("OUT", str(tmp_path / "out")).replace("FILE", str(tmp_path / "file")) for a in args]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == code
    assert message in result.output


def test_unknown_key_in_config_file(tmp_path):
    (tmp_path / "bad.toml").write_text("[filters]\nmin_han_shar = 0.2\n")
    result = CliRunner().invoke(main, ["run", SAMPLE, "-o", str(tmp_path / "o"), "-c",
                                       str(tmp_path / "bad.toml")])
    assert result.exit_code == 3 and "min_han_share" in result.output
    (tmp_path / "broken.toml").write_text("[filters\n")
    result = CliRunner().invoke(main, ["run", SAMPLE, "-o", str(tmp_path / "o"), "-c",
                                       str(tmp_path / "broken.toml")])
    assert result.exit_code == 3 and "not valid TOML" in result.output


def test_config_round_trips_and_cli_flags_override_the_file(tmp_path):
    (tmp_path / "c.toml").write_text("[run]\nworkers = 2\ntext_field = 'body'\n[filters]\n"
                                     "max_removed_share = 0.9\n")
    config = load_config(tmp_path / "c.toml", {"run.workers": 1})
    assert config.run.workers == 1 and config.run.text_field == "body"
    assert config.filters.max_removed_share == 0.9
    (tmp_path / "saved.toml").write_text(config_to_toml(config))
    assert load_config(tmp_path / "saved.toml") == config
    assert load_config(None) == Config()


def test_example_config_is_valid():
    example = Path(__file__).parents[1] / "examples" / "zhclean.toml"
    assert load_config(example).run.engine == "local"


def test_python_dash_m(tmp_path):
    result = subprocess.run([sys.executable, "-m", "zhclean", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "run" in result.stdout and "clean" in result.stdout


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_progress_bars_show_pages_mb_and_a_total_and_end_cleanly(tmp_path, fmt):
    src = write_pages(tmp_path / "in.jsonl", 30, "p")
    if fmt == "parquet":
        pa = pytest.importorskip("pyarrow")
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(lines(src)), tmp_path / "in.parquet")
        src = tmp_path / "in.parquet"
    result = CliRunner().invoke(main, ["run", str(src), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    err = result.stderr
    # each bar's last state, as a terminal shows it (a carriage return redraws the line)
    shown = [line.rsplit("\r", 1)[-1] for line in err.split("\n")]
    clean = next(line for line in shown if line.strip().startswith("clean"))
    assert "100%" in clean and "30 pages" in clean.replace("30/30 pages", "30 pages")
    assert "MB" in clean and "<00:00" in clean  # the remaining time, from a known total
    if fmt == "parquet":
        assert "30/30 pages" in clean  # the row count from the Parquet metadata
    assert "\n\n" not in err and "" not in shown[:-1]  # no blank lines
    assert next(i for i, line in enumerate(shown) if line.startswith("pages in")) > shown.index(clean)


def test_a_bar_on_a_terminal_redraws_while_nothing_is_reported(monkeypatch):
    """A long step (dedup of a large corpus) reports once at its end: on a terminal the bar is
    redrawn meanwhile, so its elapsed time moves."""
    import io
    import time

    import zhclean.progress as progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(progress, "REDRAW_SECONDS", 0.02)
    screen = Terminal()
    bar = progress.TqdmProgress(file=screen)("dedup", None, 1000)
    time.sleep(0.3)
    drawn = screen.getvalue().count("\r")
    bar.update(1000, 2_000_000)
    bar.close()
    assert drawn >= 5
    assert screen.getvalue().endswith("\n") and "1,000/1,000 pages" in screen.getvalue()


def test_every_option_has_help_that_fits_its_command():
    """`--help` explains every option; dedup does not claim to pass the title to the cleaner."""
    for name, command in main.commands.items():
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "help":
                assert param.help, f"zhclean {name} {param.opts[0]} has no help"
    dedup_help = CliRunner().invoke(main, ["dedup", "--help"]).output
    assert "passed to the cleaner" not in dedup_help and "--title-field" in dedup_help
    title = next(p for p in main.commands["dedup"].params if p.name == "title_field")
    assert "dedup" in title.help and "ignore" in title.help
    assert "Field holding the page text" in CliRunner().invoke(main, ["explain", "--help"]).output


def test_dask_is_declared_once_with_one_lower_bound():
    """The resolver must not walk back through versions of distributed: dask with its
    distributed and dataframe extras, as Dask's docs recommend, one lower bound."""
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]
    for extra, requirements in project["optional-dependencies"].items():
        parsed = [Requirement(r) for r in requirements]
        assert "distributed" not in {r.name for r in parsed}, extra
        for r in parsed:
            if r.name == "dask":
                assert r.extras == {"distributed", "dataframe"}, extra
                assert [s.operator for s in r.specifier] == [">="], extra


def test_a_missing_extra_exits_with_the_config_code_and_both_install_commands(tmp_path, monkeypatch):
    import builtins

    out = tmp_path / "out"
    assert invoke("clean", SAMPLE, "-o", str(out), "-q").exit_code == 0
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    result = CliRunner().invoke(main, ["report", str(out)])
    assert result.exit_code == 3, result.output
    assert "pip install 'zhclean[explore]'" in result.output
    assert "pip install '.[explore]'" in result.output
