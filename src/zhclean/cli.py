"""The command-line interface: a thin layer over the library.

Each command parses its options, builds a frozen config (TOML file -> CLI overrides), calls the
library and prints a summary. Errors are `ZhcleanError`s; their class carries the exit code.
Commands register on the `main` group; add a new one with ``@main.command()``.
"""
from __future__ import annotations

import click

from zhclean import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zhclean")
def main() -> None:
    """Clean scraped Chinese web corpora: spans, document filters, dedup."""
