"""zhclean.frame (clean_frame, features), the plots, and zhclean.report (the HTML report of an output folder)."""
from __future__ import annotations

import builtins
import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import zhclean
from zhclean.cli import main
from zhclean.errors import InputError, ZhcleanError
from zhclean.plots import (figure_png, plot_cluster_sizes, plot_han_share, plot_lengths,
                           plot_reasons)
from zhclean.frame import FRAME_COLUMNS, NO_TEXT, cluster_sizes, reason_counts, text_features
from zhclean.report import read_output, write_report

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "examples" / "pages.jsonl"


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return pd.read_json(PAGES, lines=True, dtype={"text": object})


@pytest.fixture(scope="module")
def frame(sample) -> pd.DataFrame:
    return zhclean.clean_frame(sample, dedup=True)


def test_text_features_measure_han_punctuation_and_repeated_lines():
    features = text_features("清水河，ab\n清水河，ab\n好")
    assert features["han_share"] == pytest.approx(7 / 13)
    assert features["punct_share"] == pytest.approx(2 / 13)
    assert features["repeated_line_share"] == pytest.approx(1 / 3)
    assert text_features("") == {"han_share": 0.0, "punct_share": 0.0, "repeated_line_share": 0.0}


def test_clean_frame_has_one_row_per_input_row(sample, frame):
    assert list(frame.index) == list(sample.index)
    assert list(frame.columns) == [*sample.columns, *FRAME_COLUMNS, "cluster_id", "cluster_size",
                                   "dup_code", "duplicate_of"]
    assert list(frame["id"]) == list(sample["id"]) and list(frame["text"]) == list(sample["text"])
    row = frame.set_index("id").loc["spam-wrapped-news"]
    assert row["verdict"] == "content"
    assert 0 < row["removed_share"] < 1
    assert row["chars_after"] < row["chars_before"]
    assert sum(row["codes"].values()) == row["n_removals"] > 0
    assert "清水河治理三年见成效" in row["clean_text"]


def test_rows_without_text_are_kept_with_a_verdict(frame):
    by_id = frame.set_index("id")
    assert by_id.loc["no-text-field", "verdict"] == NO_TEXT
    assert by_id.loc["text-not-string", "verdict"] == NO_TEXT
    assert by_id.loc["empty-page", "verdict"] == "empty"
    # the codes `zhclean clean` rejects them with
    assert by_id.loc["no-text-field", "reason"] == "input.missing_text"
    assert by_id.loc["text-not-string", "reason"] == "input.not_string"
    assert by_id.loc["empty-page", "reason"] == "input.empty"
    # a page the cleaner empties is rejected as clean.all_junk (the shipped model keeps the
    # short doorway page's titles: test_model_decisions.py::test_a_short_untitled_doorway_page_is_emptied)
    doorway = by_id.loc["doorway-only"]
    emptied = zhclean.Cleaner()(doorway["text"], doorway.get("title")).verdict == "all_junk"
    assert (doorway["reason"] == "clean.all_junk") == emptied
    assert doorway["verdict"] == ("all_junk" if emptied else "content")
    assert pd.isna(by_id.loc["clean-library-news", "reason"])


#: A Traditional-Chinese page whose title the SEO template re-inserts between paragraphs:
#: with the title given (as `zhclean run` gives it) the copies go; without it they stay.
TITLED = {
    "id": "titled-traditional", "url": "http://example.com/tw/1", "title": "台北市明年增設二十處公共托育中心",
    "text": "台北市明年增設二十處公共托育中心\n記者林雅婷／台北報導\n"
            "台北市政府今天宣布，明年起將在全市增設二十處公共托育中心，預計可提供一千個托育名額，讓更多雙薪家庭能夠安心工作。\n"
            "台北市明年增設二十處公共托育中心\n"
            "社會局表示，新設的托育中心將優先設在托育資源不足的行政區，並與鄰近的國小和社區活動中心合作，方便家長接送。\n"
            "台北市明年增設二十處公共托育中心\n"
            "市府也將提高托育人員的薪資補助，希望留住有經驗的保育人員，讓托育品質能夠持續提升，家長也能更加放心。\n"
            "責任編輯：陳怡君\n",
}
#: Records beside the bundled sample: a text that is a list, and a genuine page too short to keep.
ODD = [{"id": "list-text", "url": "http://example.com/l", "text": ["第一段", "第二段"]},
       {"id": "one-line", "url": "http://example.com/s", "text": "今天全市天气晴朗，气温回升。"}]


def test_clean_frame_gives_what_zhclean_run_gives(tmp_path):
    """The notebook is the batch run: the same pages through `clean_frame` (with the filters
    and dedup of `run`) and `zhclean run` give the same clean texts, span codes and reasons."""
    records = [json.loads(line) for line in PAGES.read_text(encoding="utf-8").splitlines()]
    records += [TITLED, *ODD]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    ran = CliRunner().invoke(main, ["run", str(src), "-o", str(tmp_path / "out"), "-q"])
    assert ran.exit_code == 0, ran.output
    read = lambda name: {r["id"]: r for r in map(json.loads, (tmp_path / "out" / name).open(encoding="utf-8"))}
    kept, rejected = read("kept.jsonl"), read("rejected.jsonl")

    df = pd.read_json(src, lines=True, dtype={"text": object})
    frame = zhclean.clean_frame(df, filters=True, dedup=True)
    assert list(frame.columns[:len(df.columns)]) == list(df.columns)  # the input columns stay
    assert list(frame["url"]) == list(df["url"])
    rows = frame.set_index("id")
    for page_id in [r["id"] for r in records]:
        row = rows.loc[page_id]
        if page_id in kept:
            out = kept[page_id]
            assert pd.isna(row["reason"]) and pd.isna(row["dup_code"]), page_id
            assert row["clean_text"] == out["text"], page_id
        else:
            out = rejected[page_id]
            assert (row["dup_code"] if pd.notna(row["dup_code"]) else row["reason"]) == out["reason"], page_id
        removals = out.get("zhclean", {}).get("removals", [])
        assert row["codes"] == dict(Counter(r["code"] for r in removals)), page_id
    assert rows.loc["text-not-string", "reason"] == "input.not_string"
    assert rows.loc["list-text", "reason"] == "input.not_string"
    assert rows.loc["no-text-field", "reason"] == "input.missing_text"
    # (the shipped model keeps the reporter line "記者林雅婷／台北報導", so only the editor is
    # recovered: meta.byline is no longer trusted, test_model_decisions.py)
    assert kept["titled-traditional"]["zhclean"]["metadata"] == {"editor": "陳怡君"}
    # the title column is used by default, as `zhclean run` uses the title field
    untitled = zhclean.clean_frame(df, title=None).set_index("id")
    assert rows.loc["titled-traditional", "codes"] != untitled.loc["titled-traditional", "codes"]


def test_clean_frame_defaults_are_the_run_defaults():
    import inspect

    from zhclean.config import RunConfig

    params = inspect.signature(zhclean.clean_frame).parameters
    run = RunConfig()
    assert (params["text"].default, params["id"].default, params["title"].default) == \
        (run.text_field, run.id_field, run.title_field)


def test_chunks_give_the_same_frame(sample, frame):
    chunked = zhclean.clean_frame(sample, chunk_size=3, progress=False, dedup=True)
    pd.testing.assert_frame_equal(chunked, frame)


def test_worker_processes_give_the_same_frame(sample, frame):
    parallel = zhclean.clean_frame(sample, chunk_size=4, workers=2, progress=False, dedup=True)
    pd.testing.assert_frame_equal(parallel, frame)


def test_clean_frame_follows_the_config(sample):
    from zhclean.config import CleanConfig, Config

    off = zhclean.clean_frame(sample, config=Config(clean=CleanConfig(enabled=False)))
    assert off["n_removals"].sum() == 0


def test_dedup_puts_the_reposted_article_in_one_cluster(frame):
    by_id = frame.set_index("id")
    assert by_id.loc["spam-wrapped-news", "cluster_id"] == by_id.loc["spam-wrapped-news-repost", "cluster_id"]
    assert by_id.loc["spam-wrapped-news", "cluster_size"] == 2
    # the same template around another article is not a duplicate of the river story
    assert by_id.loc["spam-wrapped-library", "cluster_id"] != by_id.loc["spam-wrapped-news", "cluster_id"]
    assert by_id.loc["forum-answer", "cluster_size"] == 1
    assert 2 in cluster_sizes(frame).index


def test_dedup_copes_with_repeated_ids():
    article = "清水河治理三年见成效，沿岸居民重回河边散步。" * 4
    out = zhclean.clean_frame(pd.DataFrame({"id": ["x", "x", "y"],
                                            "text": [article, article, "另一篇完全不同的文章内容。" * 4]}),
                              dedup=True)
    assert list(out["cluster_size"]) == [2, 2, 1]
    assert list(out["cluster_id"]) == ["x", "x", "y"]
    assert out["dup_code"].iloc[1] == "dup.exact"


def test_cluster_columns_from_an_earlier_dedup_run_pass_through():
    df = pd.DataFrame({"text": ["第一页的正文内容。", "第二页的正文内容。"],
                       "cluster_id": ["a", "a"], "cluster_size": [2, 2]})
    out = zhclean.clean_frame(df)
    assert list(out["cluster_id"]) == ["a", "a"]
    assert cluster_sizes(out).to_dict() == {2: 1}


def test_a_repeated_index_keeps_rows_in_place():
    df = pd.DataFrame({"id": ["a", "b", "c"], "text": ["第一页。", None, "第三页的正文。"],
                       "cluster_id": ["a", "b", "c"]}, index=[7, 7, 7])
    out = zhclean.clean_frame(df, chunk_size=2)
    assert list(out.index) == [7, 7, 7]
    assert list(out["id"]) == ["a", "b", "c"]
    assert list(out["verdict"]) == ["content", NO_TEXT, "content"]
    assert list(out["cluster_id"]) == ["a", "b", "c"]


def test_clean_frame_names_a_missing_column():
    with pytest.raises(InputError, match="no column 'body'.*pass text="):
        zhclean.clean_frame(pd.DataFrame({"text": ["x"]}), text="body")


def test_reason_counts_sum_the_codes(frame):
    counts = reason_counts(frame)
    assert counts.sum() == frame["n_removals"].sum()
    assert list(counts) == sorted(counts, reverse=True)


def test_plots_draw_from_the_frame(frame):
    for plot, title in [(plot_reasons, "Removed spans by reason"),
                        (plot_lengths, "Page length before and after cleaning"),
                        (plot_han_share, "Han share"),
                        (plot_cluster_sizes, "Duplicate cluster sizes")]:
        fig = plot(frame)
        assert fig.axes[0].get_title() == title
    assert figure_png(plot_reasons({})).startswith("data:image/png;base64,")


def test_plots_without_matplotlib_name_the_extra(monkeypatch, frame):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(ZhcleanError, match=r"zhclean\[explore\]"):
        plot_reasons(frame)


def write_output(folder: Path) -> Path:
    """A small output folder in the shape `zhclean run` writes."""
    folder.mkdir()
    kept = [
        {"id": "a", "text": "清水河治理三年见成效。", "zhclean": {
            "verdict": "content", "removed_share": 0.5,
            "removals": [{"start": 0, "end": 10, "code": "spam.hotline", "detail": {}},
                         {"start": 21, "end": 25, "code": "boilerplate.footer", "detail": {}}],
            "metadata": {}, "dedup": {"cluster_id": "a", "cluster_size": 3}}},
        {"id": "b", "text": "社区图书馆延长开放时间。", "zhclean": {
            "verdict": "content", "removed_share": 0.0, "removals": [], "metadata": {},
            "dedup": {"cluster_id": "b", "cluster_size": 1}}},
    ]
    rejected = [
        {"id": "c", "reason": "dup.near", "detail": {"duplicate_of": "a", "cluster_id": "a"}},
        {"id": "d", "reason": "dup.near", "detail": {"duplicate_of": "a", "cluster_id": "a"}},
        {"id": "e", "reason": "doc.too_short", "detail": {}, "zhclean": {
            "removals": [{"start": 0, "end": 3, "code": "spam.hotline", "detail": {}}]}},
    ]
    for name, records in (("kept.jsonl", kept), ("rejected.jsonl", rejected)):
        (folder / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                                   encoding="utf-8")
    (folder / "stats.json").write_text(json.dumps({"pages_in": 5}), encoding="utf-8")
    return folder


def test_write_report_is_self_contained_with_stats(tmp_path):
    out = write_output(tmp_path / "out")
    html_path = write_report(out)
    assert html_path == out / "report" / "report.html"
    page = html_path.read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 5
    assert "http://" not in page and "https://" not in page
    stats = json.loads((out / "report" / "stats.json").read_text(encoding="utf-8"))
    assert stats["pages"] == {"kept": 2, "rejected": 3, "total": 5}
    assert stats["rejected_by_reason"] == {"dup.near": 2, "doc.too_short": 1}
    # spans of kept pages only: a rejected page's text is not in the corpus
    assert stats["removed_spans_by_code"] == {"spam.hotline": 1, "boilerplate.footer": 1}
    assert stats["removed_spans_on_rejected_pages"] == {"spam.hotline": 1}
    assert stats["duplicate_clusters_by_size"] == {"3": 1}
    assert stats["kept_chars"]["before"] == 11 + 14 + 12
    assert stats["pipeline"] == {"pages_in": 5}
    assert json.loads((out / "stats.json").read_text()) == {"pages_in": 5}  # not overwritten


def test_report_figures_label_what_they_count(tmp_path):
    from zhclean.report import report_figures

    summary = read_output(write_output(tmp_path / "out"))
    figures = {title: (caption, fig) for title, caption, fig in report_figures(summary)}
    caption, removed = figures["Removed spans by reason"]
    ax = removed.axes[0]
    assert ax.get_xlabel() == "spans"
    assert sorted(bar.get_width() for bar in ax.patches) == [1, 1]  # kept pages' spans only
    caption, rejected = figures["Rejected pages by reason"]
    assert rejected.axes[0].get_xlabel() == "pages"
    for title, (caption, fig) in figures.items():
        assert caption and title not in caption, title  # a caption says more than the title
        assert fig.axes[0].get_title() == title
    import html

    page = write_report(tmp_path / "out").read_text(encoding="utf-8")
    for title, (caption, _) in figures.items():
        assert f"<figcaption>{html.escape(caption)}</figcaption>" in page


def test_report_numbers_have_thousands_separators(tmp_path):
    import html

    out = write_output(tmp_path / "out")
    records = [json.loads(line) for line in (out / "kept.jsonl").read_text(encoding="utf-8").splitlines()]
    records[1]["text"] = "社区图书馆延长开放时间。" * 150  # 1,800 characters
    (out / "kept.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                                    encoding="utf-8")
    page = html.unescape(write_report(out).read_text(encoding="utf-8"))
    assert "1,811 / 1,825" in page  # characters kept / before cleaning
    fig = plot_reasons({"dup.near": 12_000, "doc.too_short": 3_500}, "Rejected pages by reason", unit="pages")
    assert fig.axes[0].xaxis.get_major_formatter()(12_000, 0) == "12,000"
    assert plot_lengths(pd.DataFrame({"chars_before": [10, 20], "chars_after": [5, 20]})) \
        .axes[0].yaxis.get_major_formatter()(2_000, 0) == "2,000"


def test_read_output_explains_a_wrong_folder(tmp_path):
    with pytest.raises(InputError, match="not a folder"):
        read_output(tmp_path / "missing")
    with pytest.raises(InputError, match="no kept"):
        read_output(tmp_path)


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_report_of_a_real_run(tmp_path, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow", reason="Parquet needs the parquet extra")
    runner = CliRunner()
    ran = runner.invoke(main, ["run", str(PAGES), "-o", str(tmp_path / "out"), "-q",
                               "--format", fmt])
    assert ran.exit_code == 0, ran.output
    result = runner.invoke(main, ["report", str(tmp_path / "out"), "--to", str(tmp_path / "rep")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "rep" / "report.html").is_file()
    stats = json.loads((tmp_path / "rep" / "stats.json").read_text(encoding="utf-8"))
    lines = sum(1 for line in PAGES.read_text(encoding="utf-8").splitlines() if line.strip())
    assert stats["pages"]["total"] == lines
    assert stats["removed_spans_by_code"]
    assert "unknown" not in stats["rejected_by_reason"]
    assert stats["duplicate_clusters_by_size"]  # the reposted river story


def test_report_reads_only_what_stats_json_lists(tmp_path):
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["run", str(PAGES), "-o", str(out), "-q"]).exit_code == 0
    pages_in = json.loads((out / "stats.json").read_text(encoding="utf-8"))["pages_in"]
    (out / "kept-00003.jsonl").write_bytes((out / "kept.jsonl").read_bytes())  # stale shards
    (out / "rejected-00003.jsonl").write_bytes((out / "rejected.jsonl").read_bytes())
    assert read_output(out).stats()["pages"]["total"] == pages_in
    (out / "kept.jsonl").unlink()
    with pytest.raises(InputError, match="stats.json lists kept.jsonl"):
        read_output(out)


def test_cli_report_of_a_wrong_folder_exits_with_the_input_error_code(tmp_path):
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == InputError.exit_code
    assert "no kept" in result.output
