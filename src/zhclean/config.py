"""Configuration: frozen dataclasses, loaded from TOML, validated once, saved with the output.

Config flows one way: TOML file -> CLI overrides -> frozen `Config` -> constructors.
Each section is owned by the stage it configures.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from zhclean.normalize import DEFAULT_FIXES


@dataclass(frozen=True)
class NormalizeConfig:
    """Which fixes of `zhclean.normalize` run, in order."""

    fixes: tuple[str, ...] = DEFAULT_FIXES


@dataclass(frozen=True)
class CleanConfig:
    """The span cleaner (`zhclean.cleaner`)."""

    enabled: bool = True
    #: Rule names (see `zhclean.rules.CATALOGUE`) to switch off.
    disable: tuple[str, ...] = ()
    #: Move bylines/editor/source tags into metadata (they are removed from the text either way).
    keep_metadata: bool = True


@dataclass(frozen=True)
class Config:
    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)


# --- Sections below are filled in by their stages' owners; Config gains them as fields. ---
# FilterConfig (quality.py, document filters)  -- pipeline issue
# DedupConfig (dedup/)                         -- dedup issue
# RunConfig / IO settings (pipeline.py, io/)   -- pipeline issue
