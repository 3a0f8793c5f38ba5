"""zhclean.render: highlighted pages for Jupyter and the terminal; `zhclean explain`."""
from __future__ import annotations

import builtins
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import zhclean
from zhclean.cli import main
from zhclean.document import CleanedPage, Removal
from zhclean.errors import InputError
from zhclean.render import load_page, page_html, page_terminal, pieces

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "examples" / "pages.jsonl"

SOURCE = "客服热线400-123-4567\n清水河<治理>三年见成效 & 居民点赞。\n版权所有 © 晨光网"
PAGE = CleanedPage(SOURCE, (
    Removal(0, 16, "spam.hotline", {"match": "400-123-4567"}),
    Removal(SOURCE.index("版权"), len(SOURCE), "boilerplate.footer", {"match": "版权所有"}),
))
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_pieces_cover_the_source_in_order():
    parts = list(pieces(PAGE))
    assert "".join(text for text, _ in parts) == SOURCE
    assert [r.code if r else None for _, r in parts] == ["spam.hotline", None, "boilerplate.footer"]


def test_html_highlights_each_span_with_its_code_on_hover():
    out = page_html(PAGE)
    marks = re.findall(r'<mark [^>]*title="([^"]*)"[^>]*>([^<]*)</mark>', out)
    assert marks == [("spam.hotline: match=400-123-4567", "客服热线400-123-4567"),
                     ("boilerplate.footer: match=版权所有", "版权所有 © 晨光网")]
    assert "#f8b4b4" in out  # the hotline colour
    assert "清水河&lt;治理&gt;三年见成效 &amp; 居民点赞。" in out  # kept text plain and escaped


def test_html_escapes_everything_from_the_page():
    evil = '<script>alert("x")</script>'
    page = CleanedPage(evil + "正文", (Removal(0, len(evil), "spam.cta", {"match": '"><b>'}),))
    out = page_html(page, title="<i>t</i>")
    assert "<script>" not in out and "<i>" not in out
    assert "&lt;script&gt;" in out
    assert 'title="spam.cta: match=&quot;&gt;&lt;b&gt;"' in out


def test_cleaned_page_renders_in_jupyter():
    assert PAGE._repr_html_() == page_html(PAGE)


def test_terminal_output_colours_spans_and_tags_codes():
    out = page_terminal(PAGE, color=True)
    assert "\x1b[" in out
    plain = ANSI.sub("", out)
    assert "客服热线400-123-4567[spam.hotline]\n清水河<治理>三年见成效" in plain
    assert plain.endswith("版权所有 © 晨光网[boilerplate.footer]")


def test_terminal_without_colour_is_plain_text():
    out = page_terminal(PAGE, color=False, codes=False)
    assert "\x1b" not in out
    assert out.splitlines()[0] == "verdict: content; removed 2 spans, 57% of the page"
    assert out.endswith(SOURCE)


def test_terminal_falls_back_to_ansi_without_rich(monkeypatch):
    real_import = builtins.__import__

    def no_rich(name, *args, **kwargs):
        if name == "rich" or name.startswith("rich."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_rich)
    out = page_terminal(PAGE, color=True)
    assert "\x1b[30;41m客服热线400-123-4567\x1b[0m" in out
    assert "[spam.hotline]" in ANSI.sub("", out)


def test_explain_returns_the_cleaned_page():
    text = json.loads(PAGES.read_text(encoding="utf-8").splitlines()[0])["text"]
    page = zhclean.explain(text)
    assert isinstance(page, CleanedPage)
    assert page.removals, "the spam-wrapped sample page should lose its spam"
    assert 'class="zhclean-removed"' in page._repr_html_()


def test_load_page_finds_a_record_by_id_and_explains_errors(tmp_path):
    text, title = load_page(PAGES, "forum-answer")
    assert text.startswith("您的位置")
    assert title is None
    with pytest.raises(InputError, match="no page with id 'nope'"):
        load_page(PAGES, "nope")
    with pytest.raises(InputError, match="more than one page"):
        load_page(PAGES)
    with pytest.raises(InputError, match="'text' is missing or not a string"):
        load_page(PAGES, "text-not-string")
    one = tmp_path / "page.txt"
    one.write_text("一页文字", encoding="utf-8")
    assert load_page(one) == ("一页文字", None)


def broken_file(tmp_path: Path) -> Path:
    """A JSONL file that `zhclean clean` reads: good pages around a broken line, a raw control
    character inside a string, a text that is not a string and a page without an id."""
    good = [json.loads(line) for line in PAGES.read_text(encoding="utf-8").splitlines()][:3]
    lines = [json.dumps(good[0], ensure_ascii=False),
             '{"id": "cut-short", "text": "清水河治理',                        # broken JSON
             json.dumps({"id": "ctrl", "text": "清水河\x01治理三年见成效。"}, ensure_ascii=False)
             .replace("\\u0001", "\x01"),                                       # a raw control character
             '{"id": "number", "text": 12}',
             json.dumps(good[1], ensure_ascii=False),
             json.dumps({"text": good[2]["text"]}, ensure_ascii=False)]          # no id: <stem>:<line>
    path = tmp_path / "pages.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_explain_reads_a_file_as_clean_does(tmp_path):
    path = broken_file(tmp_path)
    ran = CliRunner().invoke(main, ["clean", str(path), "-o", str(tmp_path / "out"), "-q"])
    assert ran.exit_code == 0, ran.output
    warnings: list[str] = []
    good = [json.loads(line) for line in PAGES.read_text(encoding="utf-8").splitlines()][:3]
    assert load_page(path, good[1]["id"], warn=warnings.append) == (good[1]["text"], None)
    assert warnings == [
        f"{path}, line 2: skipped (input.bad_json: Unterminated string starting at column 29; "
        f"the line ends at column 34)",
        f"{path}, line 4: skipped (input.not_string: field 'text' is int)",
    ]
    assert load_page(path, "ctrl") == ("清水河\x01治理三年见成效。", None)  # as clean reads it
    assert load_page(path, "pages:6")[0] == good[2]["text"]  # the id clean gives it
    with pytest.raises(InputError, match=r"line 2: .*input.bad_json: Unterminated string"):
        load_page(path, "pages:2")
    with pytest.raises(InputError, match="'text' is missing or not a string"):
        load_page(path, "number")


def test_explain_reads_gzip_and_parquet(tmp_path):
    import gzip

    text = "清水河治理三年见成效，沿岸居民重回河边散步。"
    (tmp_path / "p.jsonl.gz").write_bytes(gzip.compress(
        json.dumps({"id": "g", "text": text, "title": "标题"}, ensure_ascii=False).encode()))
    assert load_page(tmp_path / "p.jsonl.gz", "g") == (text, "标题")
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["a", "b"], "text": ["第一页", text]}), tmp_path / "p.parquet")
    assert load_page(tmp_path / "p.parquet", "b") == (text, None)


def test_explain_reads_a_file_as_its_bytes_say_with_the_warning_a_run_gives(tmp_path):
    import gzip

    text = "清水河治理三年见成效，沿岸居民重回河边散步。"
    line = json.dumps({"id": "g", "text": text}, ensure_ascii=False).encode()
    (tmp_path / "plain.jsonl.gz").write_bytes(line + b"\n")  # plain JSONL named .gz
    (tmp_path / "packed.jsonl").write_bytes(gzip.compress(line + b"\n"))  # gzip named .jsonl
    for name in ("plain.jsonl.gz", "packed.jsonl"):
        warnings: list[str] = []
        assert load_page(tmp_path / name, "g", warn=warnings.append) == (text, None)
        ran = CliRunner().invoke(main, ["clean", str(tmp_path / name), "-o", str(tmp_path / f"out-{name}"),
                                        "-q"])
        assert ran.exit_code == 0, ran.output
        assert warnings and [f"zhclean: warning: {w}" for w in warnings] == ran.stderr.splitlines()


def test_cli_explain_skips_bad_lines_with_a_warning(tmp_path):
    path = broken_file(tmp_path)
    page_id = json.loads(PAGES.read_text(encoding="utf-8").splitlines()[1])["id"]
    result = CliRunner().invoke(main, ["explain", str(path), "--id", page_id, "--no-color"])
    assert result.exit_code == 0, result.output
    assert "warning" in result.stderr and "line 2: skipped (input.bad_json" in result.stderr
    assert "verdict: content" in result.stdout


def test_cli_explain_prints_the_page_and_writes_html(tmp_path):
    html_path = tmp_path / "page.html"
    result = CliRunner().invoke(main, ["explain", str(PAGES), "--id", "spam-wrapped-news",
                                       "--no-color", "--list", "--html", str(html_path)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    assert "清水河治理三年见成效" in result.stdout
    assert re.search(r"\[spam\.\w+\]", result.stdout)
    assert "<mark" in html_path.read_text(encoding="utf-8")


def test_cli_explain_unknown_id_exits_with_the_input_error_code():
    result = CliRunner().invoke(main, ["explain", str(PAGES), "--id", "nope"])
    assert result.exit_code == InputError.exit_code
    assert "no page with id 'nope'" in result.output
