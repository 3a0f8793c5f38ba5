"""Every config value is checked up front: a bad one is exit 3 with the allowed range, never a
traceback and never a silently absurd run (issue 12)."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from zhclean.cli import main
from zhclean.config import Config, ConfigError, FilterConfig, RunConfig, load_config

SAMPLE = str(Path(__file__).parents[1] / "examples" / "pages.jsonl")


@pytest.mark.parametrize("setting, message", [
    ('normalize.fixes=["bogus"]', "unknown fix 'bogus'"),
    ('normalize.fixes=["fold_widht"]', "did you mean 'fold_width'"),
    ('clean.disable=["NoSuchRule"]', "unknown rule"),
    ("filters.min_han_share=5", "from 0 to 1"),
    ("filters.min_han_share=-0.1", "from 0 to 1"),
    ("filters.min_han_share=nan", "from 0 to 1"),
    ("filters.min_terminal_punct_share=inf", "from 0 to 1"),
    ("filters.max_duplicated_line_share=1.5", "from 0 to 1"),
    ("filters.max_repeated_13gram_share=nan", "from 0 to 1"),
    ("filters.max_removed_share=2", "from 0 to 1"),
    ("filters.max_top_ngram_share=[0.2, 7]", "from 0 to 1"),
    ("filters.min_chars=-5", "0 or more"),
    ("run.max_driver_pages=-1", "1 or more"),
    ("run.max_driver_pages=0", "1 or more"),
    ('run.text_field=""', "text_field"),
    ('run.id_field=""', "id_field"),
    ('run.title_field=""', "title_field"),
    ('run.text_field="zhclean"', "zhclean adds"),
    ('run.id_field="reason"', "zhclean adds"),
    ('run.id_field="text"', "differ"),
    ("run.workers=0", "at least 1"),
    ("run.chunk_pages=0", "at least 1"),
    ("run.chunk_bytes=0", "at least 1"),
    ("run.max_text_bytes=0", "positive"),
    ("run.max_text_bytes=1e30", "expected int"),
    ("dedup.threshold=nan", "(0, 1]"),
    ("dedup.repeated_line_min_context_share=nan", "from 0 to 1"),
])
def test_a_bad_value_is_exit_3_with_the_allowed_range(tmp_path, setting, message):
    result = CliRunner().invoke(main, ["run", SAMPLE, "-o", str(tmp_path / "out"), "-q", "--set", setting])
    assert result.exit_code == 3, (result.output, result.exception)
    assert message in result.output
    assert not (tmp_path / "out").exists()  # checked before anything is written


def test_nan_in_a_config_file(tmp_path):
    (tmp_path / "c.toml").write_text("[filters]\nmin_han_share = nan\n")
    result = CliRunner().invoke(main, ["clean", SAMPLE, "-o", str(tmp_path / "out"), "-c",
                                       str(tmp_path / "c.toml")])
    assert result.exit_code == 3 and "filters.min_han_share = nan" in result.output


def test_checks_hold_for_the_library_too():
    with pytest.raises(ConfigError, match="min_chars"):
        FilterConfig(min_chars=-5)
    with pytest.raises(ConfigError, match="max_driver_pages"):
        RunConfig(max_driver_pages=-1)
    with pytest.raises(ConfigError, match="at most 1024"):  # (not run: it would start them)
        RunConfig(workers=100_000)
    with pytest.raises(ConfigError, match="unknown fix"):
        load_config(overrides={"normalize.fixes": ["bogus"]})


def test_defaults_and_switched_off_filters_are_valid():
    assert load_config() == Config()
    off = load_config(overrides={"filters.min_chars": 0, "filters.min_han_share": 0,
                                 "filters.max_top_ngram_share": [], "filters.max_removed_share": 0.0})
    assert off.filters.min_chars == 0 and off.filters.max_top_ngram_share == ()
