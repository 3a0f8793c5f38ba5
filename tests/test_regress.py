"""zhclean.regress: golden outputs per page, readable diffs, --update; the project's own
regression on its sample pages (tests/golden)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from zhclean.cli import main
from zhclean.document import CleanedPage, Removal
from zhclean.errors import InputError
from zhclean.regress import (OutputChanged, golden_name, load_golden, regress, span_changes)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "pages.jsonl"
GOLDEN = ROOT / "tests" / "golden"

HOTLINE = "客服热线400-123-4567"
ARTICLE = "清水河治理三年见成效，沿岸居民重回河边散步。"
FOOTER = "版权所有 晨光网"


def pattern_cleaner(**codes: str):
    """A stand-in cleaner: removes every match of each regex, under its code."""
    def clean(text, title=None):
        found = [Removal(m.start(), m.end(), code) for code, pattern in codes.items()
                 for m in re.finditer(pattern, text)]
        return CleanedPage(text, tuple(sorted(found, key=lambda r: r.start)))
    return clean


def write_samples(path: Path, pages: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n"
                            for i, t in pages.items()), encoding="utf-8")
    return path


@pytest.fixture
def samples(tmp_path):
    return write_samples(tmp_path / "samples.jsonl", {
        "news": "\n".join([HOTLINE, ARTICLE, FOOTER]),
        "plain": ARTICLE,
        "broken": 42,
    })


def hotline_only():
    return pattern_cleaner(**{"spam.hotline": r"客服热线\S+"})


def test_first_run_reports_new_pages_and_update_accepts_them(samples, tmp_path):
    golden = tmp_path / "golden"
    first = regress(samples, golden, hotline_only())
    assert not first.ok
    assert [(c.id, c.status) for c in first.changes] == [("news", "new"), ("plain", "new")]
    assert first.skipped == (("broken", "no 'text' string"),)
    assert regress(samples, golden, hotline_only(), update=True).ok
    assert sorted(p.name for p in golden.iterdir()) == ["news.json", "plain.json"]
    record = json.loads((golden / "news.json").read_text(encoding="utf-8"))
    assert record["removals"] == [{"start": 0, "end": 16, "code": "spam.hotline", "text": HOTLINE}]
    assert record["text"] == ARTICLE + "\n" + FOOTER
    again = regress(samples, golden, hotline_only())
    assert again.ok and again.changes == ()


def test_a_changed_rule_shows_spans_removed_restored_and_recoded(samples, tmp_path):
    golden = tmp_path / "golden"
    regress(samples, golden, hotline_only(), update=True)
    today = pattern_cleaner(**{"spam.cta": r"客服热线", "boilerplate.footer": r"版权所有.*"})
    result = regress(samples, golden, today)
    assert not result.ok
    (change,) = result.changes
    assert change.id == "news"
    assert [(s.status, s.old_code, s.new_code, s.text) for s in change.spans] == [
        ("recoded", "spam.hotline", "spam.cta", "客服热线"),
        ("restored", "spam.hotline", None, "400-123-4567"),
        ("removed", None, "boilerplate.footer", FOOTER),
    ]
    text = result.format()
    assert "news: 3 span(s) changed (verdict content)" in text
    assert "+ removed  [40:48] boilerplate.footer  «重回河边散步。⏎⟦版权所有 晨光网⟧»" in text
    assert "- restored [4:16] was spam.hotline  «客服热线⟦400-123-4567⟧⏎清水河治理三年»" in text
    assert "~ recoded  [0:4] spam.hotline -> spam.cta  «⟦客服热线⟧400-123-»" in text
    assert "accept with --update" in text


def test_update_rewrites_changed_goldens_and_removes_pages_gone(samples, tmp_path):
    golden = tmp_path / "golden"
    regress(samples, golden, hotline_only(), update=True)
    write_samples(samples, {"news": "\n".join([HOTLINE, ARTICLE])})
    result = regress(samples, golden, hotline_only())
    assert {(c.id, c.status) for c in result.changes} == {("news", "input_changed"),
                                                          ("plain", "gone")}
    assert "-" + FOOTER in result.format()
    regress(samples, golden, hotline_only(), update=True)
    assert sorted(load_golden(golden)) == ["news"]
    assert regress(samples, golden, hotline_only()).ok


def test_whitespace_changing_sides_is_not_a_change(samples, tmp_path):
    golden = tmp_path / "golden"
    regress(samples, golden, hotline_only(), update=True)
    with_newline = pattern_cleaner(**{"spam.hotline": r"客服热线\S+\n?"})
    assert regress(samples, golden, with_newline).ok


def test_span_changes_group_runs_by_old_and_new_code():
    old = [{"start": 0, "end": 4, "code": "a.x"}]
    new = [{"start": 2, "end": 6, "code": "a.y"}]
    assert [(c.status, c.start, c.end) for c in span_changes("0123456789", old, new)] == [
        ("restored", 0, 2), ("recoded", 2, 4), ("removed", 4, 6)]


def test_golden_names_are_safe_and_unique():
    assert golden_name("spam-wrapped-news") == "spam-wrapped-news.json"
    odd = [golden_name(i) for i in ("a/b", "a:b", "../x", "页面一")]
    assert len(set(odd)) == 4
    assert all("/" not in n and not n.startswith(".") for n in odd)


def test_bad_golden_files_and_samples_explain_themselves(samples, tmp_path):
    golden = tmp_path / "golden"
    golden.mkdir()
    (golden / "x.json").write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="x.json: not a golden output"):
        regress(samples, golden, hotline_only())
    dup = write_samples(tmp_path / "dup.jsonl", {"a": "x"})
    dup.write_text(dup.read_text(encoding="utf-8") * 2, encoding="utf-8")
    with pytest.raises(InputError, match="line 2: id 'a' appears twice"):
        regress(dup, tmp_path / "g2", hotline_only())


def test_cli_regress_exits_non_zero_on_change_and_zero_after_update(tmp_path):
    golden = tmp_path / "golden"
    runner = CliRunner()
    first = runner.invoke(main, ["regress", str(SAMPLES), "--golden", str(golden)])
    assert first.exit_code == OutputChanged.exit_code == 1
    assert "new page, no golden output yet" in first.output
    assert runner.invoke(main, ["regress", str(SAMPLES), "--golden", str(golden),
                                "--update"]).exit_code == 0
    assert runner.invoke(main, ["regress", str(SAMPLES), "--golden", str(golden)]).exit_code == 0
    # forget one removal in a golden file: today the cleaner "newly removes" it
    path = golden / "spam-wrapped-news.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    forgotten = record["removals"].pop(0)
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    changed = runner.invoke(main, ["regress", str(SAMPLES), "--golden", str(golden)])
    assert changed.exit_code == 1
    assert f"+ removed  [{forgotten['start']}:{forgotten['end']}] {forgotten['code']}" in changed.output
    assert "review, then accept with --update" in changed.output


@pytest.mark.skipif(not GOLDEN.is_dir(), reason="tests/golden not generated yet")
def test_the_sample_pages_match_their_golden_outputs():
    """The project's own regression: after changing a rule, review the diff this prints and
    accept it with `zhclean regress examples/pages.jsonl --golden tests/golden --update`."""
    result = regress(SAMPLES, GOLDEN)
    assert result.ok, result.format()
