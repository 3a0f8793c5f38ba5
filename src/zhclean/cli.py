"""The command-line interface: a thin layer over the library.

Each command parses its options, builds a frozen config (TOML file -> CLI overrides), calls the
library and prints a summary. Errors are `ZhcleanError`s; their class carries the exit code
(`ZhcleanGroup` maps them for every command). Add a command with ``@main.command()``; reuse
`config_options`/`io_options` for the shared flags.
"""
from __future__ import annotations

import sys
from typing import Any, Callable

import click

from zhclean import __version__
from zhclean.config import Config, load_config
from zhclean.errors import ZhcleanError


class ZhcleanGroup(click.Group):
    """Turns a `ZhcleanError` raised by any command into a message and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ZhcleanError as exc:
            click.echo(f"zhclean: error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=ZhcleanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zhclean")
def main() -> None:
    """Clean scraped Chinese web corpora: spans, document filters, dedup."""


# --- shared options -----------------------------------------------------------------------


def config_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--config and --set: the TOML file and ``section.key=value`` overrides."""
    fn = click.option("--set", "overrides", multiple=True, metavar="SECTION.KEY=VALUE",
                      help="Override one config setting, e.g. --set filters.min_chars=100 "
                           "(repeatable).")(fn)
    fn = click.option("--config", "-c", "config_path", type=click.Path(dir_okay=False),
                      help="TOML config file (see examples/zhclean.toml).")(fn)
    return fn


#: What --title-field does for the commands that clean; `dedup` says what it does there.
TITLE_HELP = "Field holding the page title, passed to the cleaner when present [title]."
DEDUP_TITLE_HELP = ("Field holding the page title [title]; dedup ignores it (it compares the "
                    "text only) and keeps it in the output as it is.")


def io_options(fn: Callable[..., Any] | None = None, *, title_help: str = TITLE_HELP) -> Any:
    """Inputs, output folder, field names, workers, progress (``@io_options``, or
    ``@io_options(title_help=...)`` for a command that uses the title differently)."""
    if fn is None:
        return lambda f: io_options(f, title_help=title_help)
    options = [
        click.argument("inputs", nargs=-1, required=True),
        click.option("--output", "-o", required=True, type=click.Path(file_okay=False),
                     help="Output folder (kept*, rejected*, stats.json, config.toml)."),
        click.option("--text-field", help="Field holding the page text [text]."),
        click.option("--id-field", help="Field holding the page id [id]; pages without one get "
                                        "<file stem>:<line number>."),
        click.option("--title-field", help=title_help),
        click.option("--format", "output_format", type=click.Choice(["auto", "jsonl", "parquet"]),
                     help="Output format [auto: like the input]."),
        click.option("--workers", "-w", type=click.IntRange(min=1),
                     help="Worker processes (local) or Dask workers [1]."),
        click.option("--engine", type=click.Choice(["local", "dask"]), help="[local]"),
        click.option("--scheduler", metavar="ADDRESS",
                     help="Dask scheduler address, e.g. tcp://host:8786 (implies --engine dask)."),
        click.option("--keep-work", is_flag=True, default=None,
                     help="Keep the _work folder (per-chunk intermediate results)."),
        click.option("--model", metavar="DIR",
                     help="Junk model folder written by `zhclean train`, 'shipped' (the model "
                          "inside zhclean) or 'off' (the rules alone) [clean.model: shipped]."),
        click.option("--overwrite", is_flag=True,
                     help="Replace an earlier run's output in OUTPUT (kept*, rejected*, "
                          "stats.json, config.toml, _work/, report/). Without it a run only "
                          "writes into an empty folder or its own (resumable or finished) work."),
        click.option("--quiet", "-q", is_flag=True, help="No progress bars or summary."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def build_config(config_path: str | None, overrides: tuple[str, ...], **flags: Any) -> Config:
    """TOML file -> ``--set`` overrides -> specific flags (the most specific wins)."""
    parsed: dict[str, Any] = {}
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"expected SECTION.KEY=VALUE, got {item!r}", param_hint="--set")
        parsed[key.strip()] = value.strip()
    if flags.get("scheduler"):
        flags.setdefault("engine", "dask")
        flags["engine"] = flags["engine"] or "dask"
    for name in ("text_field", "id_field", "title_field", "output_format", "workers", "engine",
                 "scheduler", "keep_work"):
        if flags.get(name) is not None:
            parsed[f"run.{name}"] = flags[name]
    if flags.get("model") is not None:
        parsed["clean.model"] = flags["model"]
    for key, value in flags.get("extra", {}).items():
        parsed[key] = value
    return load_config(config_path, parsed)


# --- summary ------------------------------------------------------------------------------


def print_summary(stats: dict[str, Any]) -> None:
    """The end-of-run table: counts per reason, bytes, time."""
    total = stats["pages_in"] or 1
    lines = [
        f"{'pages in':<28}{stats['pages_in']:>10,}",
        f"{'kept':<28}{stats['kept']:>10,}  {stats['kept'] / total:6.1%}",
        f"{'rejected':<28}{stats['rejected']:>10,}  {stats['rejected'] / total:6.1%}",
    ]
    for code, n in stats["reasons"].items():
        lines.append(f"  {code:<26}{n:>10,}  {n / total:6.1%}")
    secs = stats["seconds"]["total"]
    lines.append(f"{'input':<28}{stats['bytes_in'] / 1e6:>10.1f} MB  "
                 f"({stats['mb_per_s'] or 0:.2f} MB/s, {stats['pages_in'] / max(secs, 1e-9):,.0f} "
                 f"pages/s, {secs:.1f} s, {stats['engine']} x{stats['workers']})")
    lines.append(f"{'kept text':<28}{stats['text_bytes_kept'] / 1e6:>10.1f} MB")
    if stats.get("resumed_chunks"):
        lines.append(f"{'resumed chunks':<28}{stats['resumed_chunks']:>10,}")
    click.echo("\n".join(lines), err=True)


def _run(mode: str, inputs: tuple[str, ...], output: str, config: Config, quiet: bool,
         overwrite: bool) -> None:
    from zhclean.pipeline import run
    from zhclean.progress import TqdmProgress

    result = run(list(inputs), output, config, mode=mode, progress=TqdmProgress(quiet),
                 overwrite=overwrite)
    if not quiet:
        print_summary(result.stats)
        click.echo(f"output: {result.output}", err=True)
    for warning in result.stats.get("warnings", ()):  # shown even with --quiet
        click.echo(f"zhclean: warning: {warning}", err=True)


# --- commands -----------------------------------------------------------------------------


@main.command()
@io_options
@config_options
def clean(inputs: tuple[str, ...], output: str, config_path: str | None,
          overrides: tuple[str, ...], quiet: bool, overwrite: bool, **flags: Any) -> None:
    """Clean pages (the span cleaner alone) into OUTPUT/kept.jsonl and rejected.jsonl.

    Kept pages keep every input field; `text` becomes the clean text and a `zhclean` field
    holds the removed spans and recovered metadata. Pages with nothing genuine left, and bad
    records, go to rejected with a reason. No document filters, no dedup (see `run`).
    """
    _run("clean", inputs, output, build_config(config_path, overrides, **flags), quiet, overwrite)


@main.command("run")
@io_options
@config_options
@click.option("--no-clean", is_flag=True, help="Switch the span cleaner off ([clean] enabled).")
@click.option("--no-filters", is_flag=True, help="Switch document filters off ([filters] enabled).")
@click.option("--no-dedup", is_flag=True, help="Switch dedup off ([dedup] exact and near).")
def run_command(inputs: tuple[str, ...], output: str, config_path: str | None,
                overrides: tuple[str, ...], quiet: bool, overwrite: bool, no_clean: bool,
                no_filters: bool, no_dedup: bool, **flags: Any) -> None:
    """The whole pipeline: read, normalize, clean, document filters, dedup, write.

    INPUTS are files (.jsonl/.json/.ndjson, optionally .gz/.zst; .parquet; .csv), globs
    ('crawl/*.jsonl.gz') or folders (of such files, or of .txt pages). One kept/rejected pair
    per input shard, stats.json and the resolved config.toml go to OUTPUT. Run the same
    command again after an interruption to resume.
    """
    extra: dict[str, Any] = {}
    if no_clean:
        extra["clean.enabled"] = False
    if no_filters:
        extra["filters.enabled"] = False
    if no_dedup:
        extra.update({"dedup.exact": False, "dedup.near": False})
    _run("run", inputs, output, build_config(config_path, overrides, extra=extra, **flags), quiet,
         overwrite)


@main.command()
@io_options(title_help=DEDUP_TITLE_HELP)
@config_options
def dedup(inputs: tuple[str, ...], output: str, config_path: str | None,
          overrides: tuple[str, ...], quiet: bool, overwrite: bool, **flags: Any) -> None:
    """Deduplicate already-cleaned pages (the dedup stage alone; text is used as is).

    Kept pages gain `zhclean.dedup` (cluster id and size); removed ones go to rejected with
    `dup.exact`/`dup.near` and the page they duplicate.
    """
    _run("dedup", inputs, output, build_config(config_path, overrides, **flags), quiet, overwrite)


# --- explore and regress: explain, report, eval, regress -----------------------------------
# (zhclean.render, zhclean.frame, zhclean.report, zhclean.evaluate, zhclean.regress; see docs/explore.md)


def _require(module: str, extra: str, what: str, package: str) -> None:
    """`MissingExtra` (exit 3) when `module` cannot be imported."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        from zhclean.errors import MissingExtra

        raise MissingExtra(extra, what, package)


def _cleaner(config: Config) -> Any:
    from zhclean.cleaner import Cleaner

    return Cleaner(config.clean, config.normalize)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--id", "page_id", help="Id of the page (not needed for a file of one page or a "
                                      ".txt file); a record without an id is <file stem>:<line "
                                      "number>, as in `zhclean run`.")
@click.option("--text-field", default="text", show_default=True,
              help="Field holding the page text.")
@click.option("--id-field", default="id", show_default=True, help="Field holding the page id.")
@click.option("--title-field", default="title", show_default=True,
              help="Field holding the page title, passed to the cleaner when present.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False),
              help="Also write the highlighted page as a self-contained HTML file.")
@click.option("--color/--no-color", default=None, help="Colours [when writing to a terminal].")
@click.option("--codes/--no-codes", default=True, help="Print each span's code after it.")
@click.option("--list", "listing", is_flag=True, help="Also list the spans with their evidence.")
@click.option("--model", metavar="DIR",
              help="Junk model folder written by `zhclean train`, 'shipped' or 'off' [clean.model: shipped].")
@config_options
def explain(file: str, page_id: str | None, text_field: str, id_field: str, title_field: str,
            html_path: str | None, color: bool | None, codes: bool, listing: bool, model: str | None,
            config_path: str | None, overrides: tuple[str, ...]) -> None:
    """Show what the cleaner removes from one page of FILE, each span coloured by kind.

    FILE is read as `zhclean clean` reads it (JSONL, optionally .gz/.zst, Parquet, CSV; a .txt
    file is one page): bad records are skipped with a warning.
    """
    from zhclean.render import load_page, page_html, page_terminal

    text, title = load_page(file, page_id, text_field, id_field, title_field,
                            warn=lambda message: click.echo(f"zhclean: warning: {message}", err=True))
    page = _cleaner(build_config(config_path, overrides, model=model))(text, title)
    if color is None:
        color = sys.stdout.isatty()
    click.echo(page_terminal(page, color=color, codes=codes), color=color)
    if listing:
        click.echo("\n" + page.explain())
    if html_path:
        from pathlib import Path

        Path(html_path).write_text("<!DOCTYPE html><meta charset='utf-8'>" + page_html(page, title),
                                   encoding="utf-8")
        click.echo(f"html: {html_path}", err=True)


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False))
@click.option("--to", "to_dir", type=click.Path(file_okay=False),
              help="Where report.html and stats.json go [OUT_DIR/report].")
def report(out_dir: str, to_dir: str | None) -> None:
    """Write an HTML report (figures embedded) and stats.json for an output folder of
    `zhclean clean`/`run`. Needs the explore extra (matplotlib)."""
    from zhclean.report import write_report

    click.echo(f"report: {write_report(out_dir, to_dir)}")


@main.command("eval")
@click.argument("labelled", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--pages-dir", type=click.Path(file_okay=False),
              help="Folder that the labels' page_file paths are relative to (labels that carry "
                   "no text of their own, as labels/*.jsonl).")
@click.option("--split", type=click.Choice(["all", "train", "validation"]), default="all", show_default=True,
              help="Score the labelled pages of this split only.")
@click.option("--outputs", type=click.Path(dir_okay=False),
              help="Score this cleaner output (JSONL of id + text) instead of running the cleaner.")
@click.option("--min-kept", type=click.FloatRange(0, 1), help="Fail below this content kept.")
@click.option("--min-removed", type=click.FloatRange(0, 1), help="Fail below this junk removed.")
@click.option("--worst", default=5, show_default=True, help="How many worst pages to list.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
@click.option("--model", metavar="DIR",
              help="Junk model folder written by `zhclean train`, 'shipped' or 'off' [clean.model: shipped].")
@config_options
def eval_command(labelled: tuple[str, ...], pages_dir: str | None, split: str, outputs: str | None,
                 min_kept: float | None, min_removed: float | None, worst: int, as_json: bool,
                 model: str | None, config_path: str | None, overrides: tuple[str, ...]) -> None:
    """Score the cleaner against LABELLED pages (JSONL: id, text or page_file + sha1, drop
    [[start, end, kind]], verdict, source), character by character: per source when the pages
    name several, and per kind of junk; exit 1 below a --min-kept/--min-removed floor."""
    import json

    from zhclean.evaluate import FloorNotMet, evaluate, score_outputs
    from zhclean.labels import load_label_files, load_outputs

    pages = load_label_files(labelled, pages_dir, split)
    if outputs:
        result = score_outputs(pages, load_outputs(outputs))
    else:
        result = evaluate(pages, _cleaner(build_config(config_path, overrides, model=model)))
    click.echo(json.dumps(result.to_dict(worst), ensure_ascii=False) if as_json
               else result.format(worst))
    failures = result.failures(min_kept, min_removed)
    if failures:
        raise FloorNotMet("; ".join(failures))


@main.command()
@click.argument("labels", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False),
              help="Folder to write the model to (manifest.json and .npy arrays).")
@click.option("--pages-dir", type=click.Path(file_okay=False),
              help="Folder that the labels' page_file paths are relative to (labels that carry "
                   "no text of their own).")
@click.option("--split", type=click.Choice(["all", "train", "validation"]), default="all", show_default=True,
              help="Train on the labelled pages of this split only (a record's `split`, else a "
                   "hash of its id).")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True,
              help="Groups of pages for cross-fitting the stages and choosing thresholds.")
@click.option("--trust", type=click.Choice(["bar", "cv"]), default="cv", show_default=True,
              help="How the rule codes whose removals stand whatever the model says are chosen: "
                   "'cv', those that raise the cross-fitted scores when forced (the shipped model); "
                   "'bar', those the labelled pages agree with at least 97 percent of the time "
                   "(docs/model.md).")
@click.option("--quiet", "-q", is_flag=True, help="No progress messages.")
@config_options
def train(labels: tuple[str, ...], output: str, pages_dir: str | None, split: str, folds: int, trust: str,
          quiet: bool, config_path: str | None, overrides: tuple[str, ...]) -> None:
    """Train a junk model on LABELS (JSONL of labelled pages: id, text or page_file + sha1,
    drop [[start, end, kind]], verdict, source) and write it to OUTPUT; then
    `zhclean clean --model OUTPUT`. Needs the training extra: pip install 'zhclean[train]'.

    Deterministic: the same labels give the same model, byte for byte, on the same machine.
    """
    import time
    from dataclasses import replace

    from zhclean.cleaner import Cleaner
    from zhclean.labels import load_label_files
    from zhclean.model.junk_model import read_model, save_model
    from zhclean.model.train import RULES_OFF, train as train_model

    _require("sklearn", "train", "training a model", "scikit-learn")
    _require("lightgbm", "train", "training a model", "lightgbm")
    config = build_config(config_path, overrides)
    records = load_label_files(labels, pages_dir, split)
    started = time.perf_counter()

    def progress(message: str) -> None:
        if not quiet:
            click.echo(f"[{time.perf_counter() - started:6.0f} s] {message}", err=True)

    off = tuple(sorted(set(config.clean.disable) | set(RULES_OFF)))
    cleaner = Cleaner(replace(config.clean, model="off", disable=off), config.normalize)
    trained = train_model(records, folds=folds, cleaner=cleaner, progress=progress, trust=trust)
    save_model(output, trained.manifest, trained.arrays)
    if not quiet:
        click.echo(read_model(output).describe(), err=True)
        for source, s in trained.manifest["cross_fitted_scores"].items():
            click.echo(f"  cross-fitted on the training pages, {source}: content kept {s['content_kept']:.3f}, "
                       f"junk removed {s['junk_removed']:.3f}", err=True)


@main.command()
@click.argument("samples", type=click.Path(dir_okay=False))
@click.option("--golden", required=True, type=click.Path(file_okay=False),
              help="Folder of golden outputs (one JSON per page).")
@click.option("--update", is_flag=True, help="Accept today's output as the new golden outputs.")
@config_options
def regress(samples: str, golden: str, update: bool, config_path: str | None,
            overrides: tuple[str, ...]) -> None:
    """Compare today's cleaning of SAMPLES (JSONL: id, text) with the golden outputs, page by
    page; print the spans newly removed, restored or recoded; exit 1 on any change."""
    from zhclean.regress import OutputChanged, regress as run_regression

    result = run_regression(samples, golden, _cleaner(build_config(config_path, overrides)), update)
    click.echo(result.format())
    if not result.ok:
        raise OutputChanged(f"{len(result.changes)} page(s) differ from the golden outputs in "
                            f"{golden}; review, then accept with --update")
