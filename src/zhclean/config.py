"""Configuration: frozen dataclasses, loaded from TOML, validated once, saved with the output.

Config flows one way: TOML file -> CLI overrides -> frozen `Config` -> constructors.
Each section is owned by the stage it configures.
"""
from __future__ import annotations

import difflib
import json
import math
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from types import UnionType
from typing import Any, Mapping, Union, get_args, get_origin, get_type_hints

from zhclean.errors import ConfigError
from zhclean.normalize import DEFAULT_FIXES, FIXES

#: Names zhclean gives fields of its own in output records (`stages.OUR_FIELDS`, and ``raw``
#: for a line that could not be parsed): no input field setting may name one of them.
RESERVED_FIELDS = ("zhclean", "reason", "detail", "raw")
#: Most worker processes (local engine) or LocalCluster workers a run starts.
MAX_WORKERS = 1024


def _bad(section: str, name: str, value: Any, why: str) -> ConfigError:
    return ConfigError(f"{section}.{name} = {value!r}: {why}")


def _is_share(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) \
        and 0.0 <= value <= 1.0


@dataclass(frozen=True)
class NormalizeConfig:
    """Which fixes of `zhclean.normalize` run, in order."""

    fixes: tuple[str, ...] = DEFAULT_FIXES

    def __post_init__(self) -> None:
        for fix in self.fixes:
            if fix not in FIXES:
                raise _bad("normalize", "fixes", list(self.fixes),
                           f"unknown fix {fix!r}{_suggest(str(fix), FIXES)}")


@dataclass(frozen=True)
class CleanConfig:
    """The span cleaner (`zhclean.cleaner`)."""

    enabled: bool = True
    #: Rule names (see `zhclean.rules.CATALOGUE`) to switch off.
    disable: tuple[str, ...] = ()
    #: Move bylines/editor/source tags into metadata (they are removed from the text either way).
    keep_metadata: bool = True
    #: The junk model that decides every sentence from the rules' evidence: "shipped" (the
    #: model inside the package), a folder written by `zhclean train`, or "off" (the rules
    #: and their context decisions alone).
    model: str = "shipped"
    #: With a model: clean the clean text again until nothing more goes (idempotent output,
    #: about 1.5x the time). The rules alone always run to a fixpoint.
    fixpoint: bool = False
    #: A page with more sentences than this is cleaned by the rules alone: the model keeps a
    #: few hundred bytes per sentence, and a page of a million one-character lines (an
    #: adversarial page under the size cap) would need gigabytes. Prose of the default
    #: `run.max_text_bytes` has about 35,000.
    model_max_sentences: int = 50_000

    def __post_init__(self) -> None:
        if not isinstance(self.model_max_sentences, int) or isinstance(self.model_max_sentences, bool) \
                or self.model_max_sentences < 1:
            raise _bad("clean", "model_max_sentences", self.model_max_sentences, "expected a whole number, 1 or more")
        if not isinstance(self.model, str) or not self.model.strip():
            raise _bad("clean", "model", self.model,
                       "expected 'shipped', 'off' or the folder of a model written by zhclean train")
        if self.model not in ("shipped", "off") and not (Path(self.model) / "manifest.json").is_file():
            raise _bad("clean", "model", self.model,
                       "not a zhclean model folder (no manifest.json in it); expected 'shipped', 'off' "
                       "or the folder of a model written by zhclean train")


@dataclass(frozen=True)
class FilterConfig:
    """Document filters (`zhclean.quality`), applied to the cleaned text of each page.

    Defaults and their sources (see docs/pipeline.md and the docstrings in quality.py):
    measured on labelled pages (`min_chars`), ChineseWebText (CWT) `preprocess.py`, FineWeb-2 `configs/cmn_Hani.yml` (FW2) and the
    MAP-NEO Matrix zh pipeline `filter.py` (MN). A value of 0 (or None) switches a filter off.
    """

    enabled: bool = True
    #: Fewer non-space characters than this after cleaning -> ``doc.too_short``. Measured on
    #: the labelled TRAIN pages (bench/too_short.py): 80 drops every all-spam leftover that 200
    #: dropped and 33 genuine pages of 359 instead of 43 (a few-sentence story stays).
    min_chars: int = 80
    #: Share of Han characters among non-space characters -> ``doc.low_han_share`` (CWT: < 0.30).
    min_han_share: float = 0.30
    #: Share of lines ending in terminal punctuation -> ``doc.few_terminal_punct`` (FW2: 0.106).
    min_terminal_punct_share: float = 0.106
    #: Share of lines that duplicate an earlier line -> ``doc.duplicated_lines`` (FW2: 0.287).
    max_duplicated_line_share: float = 0.287
    #: Character share of the most frequent 2/3/4-character n-gram -> ``doc.top_ngram`` (MN:
    #: 0.20/0.18/0.16, character n-grams).
    max_top_ngram_share: tuple[float, ...] = (0.20, 0.18, 0.16)
    #: Character share covered by repeated 13-character n-grams -> ``doc.repeated_ngrams``
    #: (CWT: > 0.5).
    max_repeated_13gram_share: float = 0.5
    #: Opt-in: share of the page the cleaner removed -> ``doc.mostly_junk``. None keeps
    #: spam-wrapped pages whose genuine article survived cleaning (the default).
    max_removed_share: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.min_chars, int) or isinstance(self.min_chars, bool) or self.min_chars < 0:
            raise _bad("filters", "min_chars", self.min_chars,
                       "expected a whole number of characters, 0 or more (0 switches the filter off)")
        for name in ("min_han_share", "min_terminal_punct_share", "max_duplicated_line_share",
                     "max_repeated_13gram_share"):
            if not _is_share(getattr(self, name)):
                raise _bad("filters", name, getattr(self, name),
                           "expected a share from 0 to 1 (0 switches the filter off)")
        if not all(_is_share(v) for v in self.max_top_ngram_share):
            raise _bad("filters", "max_top_ngram_share", list(self.max_top_ngram_share),
                       "expected shares from 0 to 1 for the 2-, 3-, 4-grams ... (0 or [] switches "
                       "them off)")
        if self.max_removed_share is not None and not _is_share(self.max_removed_share):
            raise _bad("filters", "max_removed_share", self.max_removed_share,
                       "expected a share from 0 to 1, or leave it unset (the filter is off)")


@dataclass(frozen=True)
class RunConfig:
    """The batch run (`zhclean.pipeline`, `zhclean.io`, `zhclean.engines`)."""

    #: ``local`` (processes on this machine) or ``dask``.
    engine: str = "local"
    #: Worker processes for the local engine; workers for a Dask LocalCluster.
    workers: int = 1
    #: Dask scheduler address (``tcp://host:8786``); empty: start a LocalCluster.
    scheduler: str = ""
    #: ``auto`` (the input's format; CSV and text folders give JSONL), ``jsonl`` or ``parquet``.
    output_format: str = "auto"
    text_field: str = "text"
    id_field: str = "id"
    #: Passed to the cleaner when the record has it.
    title_field: str = "title"
    #: Records whose text is larger than this (UTF-8 bytes) -> ``input.too_large``. Cleaning a
    #: page takes up to ~250 bytes of memory per byte of text (a page of one-character lines;
    #: prose ~100), so the worst page at 3 MiB peaks at ~0.85 GB (`bench/bench_memory.py`).
    max_text_bytes: int = 3 * 1024 * 1024
    #: Pages per chunk (the unit of work handed to a worker, of progress and of resuming): a
    #: chunk closes at `chunk_pages` pages or `chunk_bytes` bytes of input, whichever comes
    #: first. 200 pages / 2 MB are 2-3 s of cleaning, so progress moves every few seconds.
    chunk_pages: int = 200
    chunk_bytes: int = 2_000_000
    #: Dask engine: most dedup candidate pages the client resolves (~1 KB each); more fails
    #: with advice instead of running the client out of memory.
    max_driver_pages: int = 10_000_000
    #: Keep the work folder (per-chunk intermediate results) after a successful run.
    keep_work: bool = False

    def __post_init__(self) -> None:
        if self.engine not in ("local", "dask"):
            raise ConfigError(f"[run] engine must be 'local' or 'dask', got {self.engine!r}")
        if not 1 <= self.workers <= MAX_WORKERS:
            raise ConfigError(f"[run] workers must be at least 1 and at most {MAX_WORKERS}, "
                              f"got {self.workers}")
        if self.output_format not in ("auto", "jsonl", "parquet"):
            raise ConfigError(f"[run] output_format must be auto, jsonl or parquet, "
                              f"got {self.output_format!r}")
        if self.chunk_pages < 1:
            raise ConfigError(f"[run] chunk_pages must be at least 1, got {self.chunk_pages}")
        if self.chunk_bytes < 1:
            raise ConfigError(f"[run] chunk_bytes must be at least 1, got {self.chunk_bytes}")
        if self.max_text_bytes < 1:
            raise ConfigError(f"[run] max_text_bytes must be positive, got {self.max_text_bytes}")
        if self.max_driver_pages < 1:
            raise _bad("run", "max_driver_pages", self.max_driver_pages,
                       "expected a whole number of pages, 1 or more (10,000,000 is the default)")
        for name in ("text_field", "id_field", "title_field"):
            if not getattr(self, name):
                raise _bad("run", name, getattr(self, name), "expected the name of a field, not empty")
        for name in ("text_field", "id_field"):
            if getattr(self, name) in RESERVED_FIELDS:
                raise _bad("run", name, getattr(self, name),
                           f"names a field zhclean adds to its output ({', '.join(RESERVED_FIELDS)}); "
                           "rename the field in the input")
        if self.text_field == self.id_field:
            raise _bad("run", "id_field", self.id_field, "text_field and id_field must differ")


@dataclass(frozen=True)
class DedupConfig:
    """Duplicate removal (`zhclean.dedup`): exact, MinHash near-duplicates, repeated lines.

    Three thresholds on the Jaccard similarity of character n-gram sets, in rising order:
    `candidate_threshold` sets the LSH bands/rows (pairs above it are very likely compared),
    `cluster_threshold` links verified pairs into clusters (transitively), and `threshold`
    decides removal: a page is removed only when its Jaccard to the kept page of its cluster
    is at least `threshold`. See docs/dedup.md for how the defaults were chosen.
    """

    #: Remove pages whose normalized text (NFKC, case, whitespace, punctuation, digit runs
    #: folded) is identical (`dup.exact`).
    exact: bool = True
    #: Remove MinHash near-duplicates (`dup.near`).
    near: bool = True
    #: Shingle length in characters (Chinese has no spaces: shingle by characters).
    ngram: int = 5
    #: Number of MinHash permutations (signature length).
    num_perm: int = 128
    #: Jaccard to the kept page at or above which a page is removed as a near-duplicate.
    threshold: float = 0.8
    #: Estimated Jaccard at or above which two pages are linked into one cluster.
    cluster_threshold: float = 0.7
    #: Jaccard the LSH bands/rows are optimized for (datasketch's optimal parameters).
    candidate_threshold: float = 0.55
    #: Explicit LSH (bands, rows); None derives them from `candidate_threshold`.
    bands_rows: tuple[int, int] | None = None
    #: Seed of the MinHash permutations (datasketch's permutation generator).
    seed: int = 1
    #: Compute the exact n-gram Jaccard of each removed page to its kept page, and keep the
    #: page when it falls below `threshold` (needs the texts again; cheap: only removed pages).
    verify_exact: bool = True
    #: Pages with fewer normalized characters than this are not near-deduplicated (only
    #: exact): a few shared characters are not evidence of a copy.
    min_chars: int = 30
    #: Mark lines (digit/latin/enumerator-masked templates) that recur across many pages.
    repeated_lines: bool = False
    #: A line template on at least this many distinct pages is `boilerplate.repeated_line`.
    repeated_line_min_pages: int = 10
    #: Lines shorter than this (non-space characters) are never marked.
    repeated_line_min_chars: int = 4
    #: ... and only when its pages show at least this share of distinct contexts (the page's
    #: longest other line): a footer repeats next to different articles; the paragraphs of one
    #: article reposted on many pages repeat next to each other, and are left to near-dedup.
    repeated_line_min_context_share: float = 0.2
    #: Distinct line templates the counter holds (76 bytes each); beyond it the rarest are
    #: forgotten (counts can only be underestimated: memory is bounded, content is not marked).
    repeated_line_capacity: int = 2_000_000

    def __post_init__(self) -> None:
        from zhclean.errors import ConfigError

        def bad(name: str, why: str) -> ConfigError:
            return ConfigError(f"dedup.{name} = {getattr(self, name)!r}: {why}")

        if not isinstance(self.ngram, int) or not 1 <= self.ngram <= 32:
            raise bad("ngram", "expected a whole number of characters from 1 to 32 (5 suits Chinese)")
        if not isinstance(self.num_perm, int) or not 16 <= self.num_perm <= 1024:
            raise bad("num_perm", "expected a whole number from 16 to 1024 (128 is the default)")
        for name in ("threshold", "cluster_threshold", "candidate_threshold"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not 0.0 < value <= 1.0:
                raise bad(name, "expected a Jaccard similarity in (0, 1], such as 0.8")
        if not self.candidate_threshold <= self.cluster_threshold <= self.threshold:
            raise ConfigError(
                f"dedup thresholds must rise: candidate_threshold ({self.candidate_threshold}) <= "
                f"cluster_threshold ({self.cluster_threshold}) <= threshold ({self.threshold}); "
                "lower candidate_threshold or raise threshold")
        if self.bands_rows is not None:
            try:
                bands, rows = (int(v) for v in self.bands_rows)
            except (TypeError, ValueError):
                raise bad("bands_rows", "expected two whole numbers [bands, rows], or leave it unset")
            if bands < 1 or rows < 1 or bands * rows > self.num_perm:
                raise bad("bands_rows", f"bands * rows must be at most num_perm ({self.num_perm})")
            object.__setattr__(self, "bands_rows", (bands, rows))
        if not isinstance(self.seed, int) or not 0 <= self.seed < 2**32:
            raise bad("seed", "expected a whole number from 0 to 2**32 - 1")
        if not isinstance(self.min_chars, int) or self.min_chars < 0:
            raise bad("min_chars", "expected a whole number of characters, 0 or more")
        if not isinstance(self.repeated_line_min_pages, int) or self.repeated_line_min_pages < 2:
            raise bad("repeated_line_min_pages", "expected a whole number of pages, 2 or more")
        if not isinstance(self.repeated_line_min_chars, int) or self.repeated_line_min_chars < 1:
            raise bad("repeated_line_min_chars", "expected a whole number of characters, 1 or more")
        share = self.repeated_line_min_context_share
        if not isinstance(share, (int, float)) or not 0.0 <= share <= 1.0:
            raise bad("repeated_line_min_context_share", "expected a share from 0 to 1, such as 0.5")
        if not isinstance(self.repeated_line_capacity, int) or self.repeated_line_capacity < 1024:
            raise bad("repeated_line_capacity", "expected a whole number of line hashes, 1024 or more")


@dataclass(frozen=True)
class Config:
    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    clean: CleanConfig = field(default_factory=CleanConfig)
    filters: FilterConfig = field(default_factory=FilterConfig)
    run: RunConfig = field(default_factory=RunConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)


# --- Loading, validating, overriding and saving -------------------------------------------


def load_config(path: str | Path | None = None, overrides: Mapping[str, Any] | None = None) -> Config:
    """Read a TOML file (or start from the defaults), apply ``section.key`` overrides, validate.

    Raises `ConfigError` naming the file and key for unreadable files, unknown sections or keys
    (with a suggestion) and values of the wrong type.
    """
    data: dict[str, Any] = {}
    source = "defaults"
    if path is not None:
        source = str(path)
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError:
            raise ConfigError(f"config file {path} does not exist") from None
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    config = config_from_dict(data, source)
    return with_overrides(config, overrides or {})


def config_from_dict(data: Mapping[str, Any], source: str = "config") -> Config:
    sections = {f.name: f.default_factory for f in fields(Config)}  # type: ignore[misc]
    built = {}
    for name, value in data.items():
        if name not in sections:
            raise ConfigError(f"{source}: unknown section [{name}]{_suggest(name, sections)}")
        if not isinstance(value, Mapping):
            raise ConfigError(f"{source}: [{name}] must be a table of settings, got {value!r}")
        built[name] = _section_from_dict(sections[name](), value, f"{source}: [{name}]")
    return Config(**built)


def with_overrides(config: Config, overrides: Mapping[str, Any]) -> Config:
    """Apply ``{"section.key": value}`` overrides (CLI flags, ``--set``). A value given as a
    string is parsed as a TOML value when it is one (``"0.5"`` -> 0.5, ``"[1, 2]"`` -> list)."""
    for dotted, value in overrides.items():
        if value is None:
            continue
        section_name, _, key = dotted.partition(".")
        sections = {f.name for f in fields(Config)}
        if section_name not in sections or not key:
            raise ConfigError(f"override {dotted}: expected section.key with section one of "
                              f"{', '.join(sorted(sections))}{_suggest(section_name, sections)}")
        section = getattr(config, section_name)
        if isinstance(value, str):
            value = _parse_scalar(value)
        new_section = _section_from_dict(section, {key: value}, f"override {dotted}")
        config = replace(config, **{section_name: new_section})
    return config


def config_to_dict(config: Config) -> dict[str, dict[str, Any]]:
    """Plain dict of every setting (None values omitted), for TOML/JSON output."""
    out: dict[str, dict[str, Any]] = {}
    for f in fields(config):
        section = getattr(config, f.name)
        out[f.name] = {k: (list(v) if isinstance(v, tuple) else v)
                       for k, v in asdict(section).items() if v is not None}
    return out


def config_to_toml(config: Config) -> str:
    """The resolved config as TOML text; `load_config` reads it back to an equal `Config`."""
    lines = ["# zhclean resolved configuration (defaults + config file + command-line overrides)"]
    for section, values in config_to_dict(config).items():
        lines.append(f"\n[{section}]")
        for key, value in values.items():
            lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def save_config(config: Config, path: str | Path) -> None:
    """Write the resolved config as TOML, atomically (`OutputError` when it cannot)."""
    from zhclean.io.writers import write_atomic

    write_atomic(path, config_to_toml(config).encode("utf-8"))


def _section_from_dict(section: Any, values: Mapping[str, Any], where: str) -> Any:
    hints = get_type_hints(type(section))
    names = [f.name for f in fields(section)]
    changes = {}
    for key, value in values.items():
        if key not in names:
            raise ConfigError(f"{where}: unknown key {key!r}{_suggest(key, names)}")
        changes[key] = _coerce(value, hints[key], f"{where} {key}")
    return replace(section, **changes)


def _coerce(value: Any, hint: Any, where: str) -> Any:
    origin = get_origin(hint)
    args = get_args(hint)
    if origin in (Union, UnionType):
        if value is None and type(None) in args:
            return None
        last_error: ConfigError | None = None
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _coerce(value, arg, where)
            except ConfigError as exc:
                last_error = exc
        raise last_error or ConfigError(f"{where}: bad value {value!r}")
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        return tuple(_coerce(v, args[0], where) for v in value)
    if hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif hint is str:
        if isinstance(value, str):
            return value
    else:
        return value
    raise ConfigError(f"{where}: expected {hint.__name__}, got {value!r}")


def _parse_scalar(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else f"; known: {', '.join(sorted(choices))}"
