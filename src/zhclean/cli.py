"""The command-line interface: a thin layer over the library.

Each command parses its options, builds a frozen config (TOML file -> CLI overrides), calls the
library and prints a summary. Errors are `ZhcleanError`s; their class carries the exit code
(`ZhcleanGroup` maps them for every command). Add a command with ``@main.command()``; reuse
`config_options`/`io_options` for the shared flags.
"""
from __future__ import annotations

import sys
import time
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


def io_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Inputs, output folder, field names, workers, progress."""
    options = [
        click.argument("inputs", nargs=-1, required=True),
        click.option("--output", "-o", required=True, type=click.Path(file_okay=False),
                     help="Output folder (kept*, rejected*, stats.json, config.toml)."),
        click.option("--text-field", help="Field holding the page text [text]."),
        click.option("--id-field", help="Field holding the page id [id]; pages without one get "
                                        "<file stem>:<line number>."),
        click.option("--title-field", help="Field holding the page title, passed to the "
                                           "cleaner when present [title]."),
        click.option("--format", "output_format", type=click.Choice(["auto", "jsonl", "parquet"]),
                     help="Output format [auto: like the input]."),
        click.option("--workers", "-w", type=click.IntRange(min=1),
                     help="Worker processes (local) or Dask workers [1]."),
        click.option("--engine", type=click.Choice(["local", "dask"]), help="[local]"),
        click.option("--scheduler", metavar="ADDRESS",
                     help="Dask scheduler address, e.g. tcp://host:8786 (implies --engine dask)."),
        click.option("--keep-work", is_flag=True, default=None,
                     help="Keep the _work folder (per-chunk intermediate results)."),
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
    for key, value in flags.get("extra", {}).items():
        parsed[key] = value
    return load_config(config_path, parsed)


# --- progress and summary -----------------------------------------------------------------


class TqdmProgress:
    """Progress bars for the pipeline's stages: MB read, pages, pages/s."""

    def __init__(self, quiet: bool):
        self.quiet = quiet

    def __call__(self, stage: str, total: int | None) -> Any:
        from tqdm import tqdm

        return _Bar(tqdm(total=total, desc=f"{stage:>6}", unit="B", unit_scale=True,
                         unit_divisor=1000, disable=self.quiet, file=sys.stderr, leave=True))


class _Bar:
    def __init__(self, bar: Any):
        self.bar = bar
        self.pages = 0
        self.started = time.perf_counter()

    def update(self, pages: int, nbytes: int) -> None:
        self.pages += pages
        rate = self.pages / max(time.perf_counter() - self.started, 1e-9)
        self.bar.set_postfix_str(f"{self.pages} pages, {rate:,.0f} pages/s", refresh=False)
        self.bar.update(nbytes)

    def close(self) -> None:
        self.bar.close()


def print_summary(stats: dict[str, Any]) -> None:
    """The end-of-run table: counts per reason, bytes, time."""
    total = stats["pages_in"] or 1
    lines = [
        "",
        f"{'pages in':<28}{stats['pages_in']:>10}",
        f"{'kept':<28}{stats['kept']:>10}  {stats['kept'] / total:6.1%}",
        f"{'rejected':<28}{stats['rejected']:>10}  {stats['rejected'] / total:6.1%}",
    ]
    for code, n in stats["reasons"].items():
        lines.append(f"  {code:<26}{n:>10}  {n / total:6.1%}")
    secs = stats["seconds"]["total"]
    lines.append(f"{'input':<28}{stats['bytes_in'] / 1e6:>10.1f} MB  "
                 f"({stats['mb_per_s'] or 0:.2f} MB/s, {stats['pages_in'] / max(secs, 1e-9):,.0f} "
                 f"pages/s, {secs:.1f} s, {stats['engine']} x{stats['workers']})")
    lines.append(f"{'kept text':<28}{stats['text_bytes_kept'] / 1e6:>10.1f} MB")
    if stats.get("resumed_chunks"):
        lines.append(f"{'resumed chunks':<28}{stats['resumed_chunks']:>10}")
    click.echo("\n".join(lines), err=True)


def _run(mode: str, inputs: tuple[str, ...], output: str, config: Config, quiet: bool) -> None:
    from zhclean.pipeline import run

    result = run(list(inputs), output, config, mode=mode, progress=TqdmProgress(quiet))
    if not quiet:
        print_summary(result.stats)
        click.echo(f"output: {result.output}", err=True)


# --- commands -----------------------------------------------------------------------------


@main.command()
@io_options
@config_options
def clean(inputs: tuple[str, ...], output: str, config_path: str | None,
          overrides: tuple[str, ...], quiet: bool, **flags: Any) -> None:
    """Clean pages (the span cleaner alone) into OUTPUT/kept.jsonl and rejected.jsonl.

    Kept pages keep every input field; `text` becomes the clean text and a `zhclean` field
    holds the removed spans and recovered metadata. Pages with nothing genuine left, and bad
    records, go to rejected with a reason. No document filters, no dedup (see `run`).
    """
    _run("clean", inputs, output, build_config(config_path, overrides, **flags), quiet)


@main.command("run")
@io_options
@config_options
@click.option("--no-clean", is_flag=True, help="Switch the span cleaner off ([clean] enabled).")
@click.option("--no-filters", is_flag=True, help="Switch document filters off ([filters] enabled).")
@click.option("--no-dedup", is_flag=True, help="Switch dedup off ([dedup] exact and near).")
def run_command(inputs: tuple[str, ...], output: str, config_path: str | None,
                overrides: tuple[str, ...], quiet: bool, no_clean: bool, no_filters: bool,
                no_dedup: bool, **flags: Any) -> None:
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
    _run("run", inputs, output, build_config(config_path, overrides, extra=extra, **flags), quiet)


@main.command()
@io_options
@config_options
def dedup(inputs: tuple[str, ...], output: str, config_path: str | None,
          overrides: tuple[str, ...], quiet: bool, **flags: Any) -> None:
    """Deduplicate already-cleaned pages (the dedup stage alone; text is used as is).

    Kept pages gain `zhclean.dedup` (cluster id and size); removed ones go to rejected with
    `dup.exact`/`dup.near` and the page they duplicate.
    """
    _run("dedup", inputs, output, build_config(config_path, overrides, **flags), quiet)
