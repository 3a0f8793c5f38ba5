"""Errors the library raises; each carries the exit code the CLI uses for it."""
from __future__ import annotations


class ZhcleanError(Exception):
    """Base class. `exit_code` travels with the error class to the CLI."""

    exit_code = 1


class ConfigError(ZhcleanError):
    """A config file or option is wrong: unreadable, unknown key, bad value."""

    exit_code = 3


class MissingExtra(ConfigError):
    """An optional dependency is not installed; the message names the extra that brings it,
    with the command for an installed package and for a source checkout."""

    def __init__(self, extra: str, needed_for: str, package: str):
        super().__init__(f"{needed_for} needs {package}, which comes with the {extra} extra: "
                         f"pip install 'zhclean[{extra}]' (from a source checkout: "
                         f"pip install '.[{extra}]')")
        self.extra = extra


class InputError(ZhcleanError):
    """An input path is missing or unreadable as a whole (bad records are not errors: they go
    to the rejected output)."""

    exit_code = 4


class OutputError(ZhcleanError):
    """The output location cannot be written."""

    exit_code = 5
