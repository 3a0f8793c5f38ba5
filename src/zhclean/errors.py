"""Errors the library raises; each carries the exit code the CLI uses for it."""
from __future__ import annotations


class ZhcleanError(Exception):
    """Base class. `exit_code` travels with the error class to the CLI."""

    exit_code = 1


class ConfigError(ZhcleanError):
    """A config file or option is wrong: unreadable, unknown key, bad value."""

    exit_code = 3


class InputError(ZhcleanError):
    """An input path is missing or unreadable as a whole (bad records are not errors: they go
    to the rejected output)."""

    exit_code = 4


class OutputError(ZhcleanError):
    """The output location cannot be written."""

    exit_code = 5
