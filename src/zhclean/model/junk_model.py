"""The learned junk model: loads a model folder and judges every unit of a page.

A model folder holds ``manifest.json`` (feature names, reason codes, kinds, thresholds, where
the weights came from) and plain ``.npy`` arrays, read with ``allow_pickle=False``: nothing in
it can execute. Three parts, each small and scored with numpy:

1. **units, first stage**: a logistic regression over the unit's hashed character n-grams and
   its dense features (`zhclean.model.features`), and a multinomial one for the kind of junk;
2. **units, second stage**: gradient-boosted trees (`zhclean.model.trees`) over the unit's
   features, its first-stage score and its neighbours' (`zhclean.model.stack`);
3. **page**: gradient-boosted trees (small ones) over the page's aggregates of both stages
   (how much of it is junk and how the scores spread, how well its sentences cohere, how it
   relates to its title) and its own signals (how much of its title the body repeats, how
   much consecutive stretches of the body share their words: `features.page_signals`): a
   page with no genuine content (spliced fragments, link farms, teaser listings) is emptied.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from zhclean.errors import ConfigError
from zhclean.model import features as F
from zhclean.model.stack import Stacked, stacked_names
from zhclean.model.trees import TreeEnsemble

FORMAT = 2
#: Label kinds and the reason codes a learned removal of that kind carries.
KIND_CODES: dict[str, str] = {
    "seo_title": "spam.seo_title",
    "hotline": "spam.hotline",
    "cta": "spam.cta",
    "region_list": "spam.region_list",
    "keyword_list": "spam.keyword_list",
    "gambling_porn_ad": "spam.gambling_porn_ad",
    "marketing_template": "spam.marketing_template",
    "llm_artifact": "artifact.llm",
    "nav": "boilerplate.nav",
    "related": "boilerplate.related",
    "footer": "boilerplate.footer",
    "byline": "meta.byline",
    "listing_meta": "boilerplate.listing_meta",
    "ui_junk": "boilerplate.ui_junk",
    "other_boilerplate": "boilerplate.other",
}
#: The reason codes whose removals the features read as rule evidence.
EVIDENCE_CODES: tuple[str, ...] = (
    "spam.seo_title", "spam.hotline", "spam.region_list", "spam.keyword_list", "spam.gambling_porn_ad",
    "spam.cta", "spam.marketing_template", "spam.spliced", "spam.off_topic", "spam.keyword_stuffing",
    "spam.residue", "spam.remnant", "boilerplate.nav", "boilerplate.related", "boilerplate.footer",
    "boilerplate.ui_junk", "boilerplate.listing_meta", "boilerplate.link_run", "boilerplate.edge_block",
    "meta.byline", "artifact.llm", "artifact.mojibake",
)
#: Units scored by the second stage at once (its matrices are [rows, features] and [rows, trees]).
BLOCK_ROWS = 4096
#: Bits of the kind head's n-gram buckets (a fold of the first stage's buckets).
KIND_HASH_BITS = 16

PAGE_NAMES = ("junk_mean", "junk_share", "content_chars_log", "longest_content_log", "units_log",
              "prev_overlap_mean", "elsewhere_mean", "title_cover_mean", "title_cover_max", "rules_spam",
              "rules_removed", "terminal_share", "first_junk", "last_junk",
              # how the second stage's scores spread over the page's characters
              "junk_q10", "junk_q25", "junk_q50", "junk_q75", "junk_q90", "junk_max", "junk_min",
              "junk_share_0.5", "junk_share_0.3",
              # the first stage's logits, and the page's size
              "stage1_mean", "stage1_positive_share", "chars_log",
              # how the body relates to its title and to itself (`features.page_signals`)
              ) + F.SIGNAL_NAMES


@dataclass(frozen=True)
class Judgement:
    """What the model says of one page's units."""

    junk: np.ndarray       # float64 [units]: probability that the unit is junk
    page: float            # probability that the page has no genuine content
    unit_threshold: float
    page_threshold: float

    @property
    def junk_units(self) -> np.ndarray:
        return self.junk > self.unit_threshold

    @property
    def all_junk(self) -> bool:
        return self.page > self.page_threshold


class JunkModel:
    """A trained model, loaded from its folder (`load_model`)."""

    def __init__(self, manifest: dict[str, Any], arrays: dict[str, np.ndarray], path: str = ""):
        self.manifest = manifest
        self.path = path
        self.codes: tuple[str, ...] = tuple(manifest["codes"])
        self.kinds: tuple[str, ...] = tuple(manifest["kinds"])
        expected = F.dense_names(self.codes)
        if tuple(manifest["dense_names"]) != expected or manifest.get("hash_bits") != F.HASH_BITS:
            raise ConfigError(f"the model in {path or 'memory'} was trained with other features than this "
                              "version of zhclean computes; retrain it (zhclean train)")
        if tuple(manifest["stacked_names"]) != stacked_names(expected):
            raise ConfigError(f"the model in {path or 'memory'} was trained with another second stage; retrain it")
        if tuple(manifest.get("page_names", ())) != PAGE_NAMES:
            raise ConfigError(f"the model in {path or 'memory'} was trained with another page model; retrain it")
        #: Rule codes whose removal of most of a unit stands whatever the model says
        #: (`zhclean.model.train.trusted_codes`).
        self.trusted: frozenset[str] = frozenset(manifest.get("trusted_codes", {}))
        #: ... those of them trusted on their rule's own removals: their context removals do not
        #: stand (`decide.model_removals`; a model trained before this knew no such codes).
        self.trusted_own: frozenset[str] = frozenset(
            code for code, seen in manifest.get("trusted_codes", {}).items() if seen.get("own"))
        #: Rules the model was trained without: the cleaner does not run them for it.
        self.rules_off: tuple[str, ...] = tuple(manifest.get("rules_off", ()))
        self.unit_threshold = float(manifest["thresholds"]["unit"])
        self.page_threshold = float(manifest["thresholds"]["page"])
        self.stage1_grams = arrays["stage1_grams"]
        self.stage1_dense = arrays["stage1_dense"]
        self.stage1_bias = float(manifest["stage1_bias"])
        self.scale = arrays["dense_scale"]  # [2, dense]: mean, std
        self.kind_grams = arrays["kind_grams"]
        self.kind_dense = arrays["kind_dense"]
        self.kind_bias = arrays["kind_bias"]
        self.stage2 = TreeEnsemble.from_arrays({k[len("stage2_"):]: v for k, v in arrays.items()
                                                if k.startswith("stage2_")})
        self.page_model = TreeEnsemble.from_arrays({k[len("page_"):]: v for k, v in arrays.items()
                                                    if k.startswith("page_")})

    def _dense_term(self, units: F.Units, weights: np.ndarray) -> np.ndarray:
        """The standardized dense features times `weights`, block by block (no float64 copy
        of the whole matrix)."""
        out = np.empty((len(units),) + weights.shape[1:])
        for a in range(0, len(units), BLOCK_ROWS):
            z = (units.dense[a:a + BLOCK_ROWS] - self.scale[0]) / self.scale[1]
            out[a:a + BLOCK_ROWS] = z @ weights
        return out

    def stage1(self, units: F.Units) -> np.ndarray:
        """First-stage logits of every unit."""
        return F.unit_sums(units, self.stage1_grams) + self._dense_term(units, self.stage1_dense) + self.stage1_bias

    def kind_scores(self, units: F.Units) -> np.ndarray:
        return (F.unit_sums(units, self.kind_grams, bits=KIND_HASH_BITS) + self._dense_term(units, self.kind_dense)
                + self.kind_bias)

    def kinds_of(self, units: F.Units) -> list[str]:
        """The kind of junk the kind head names for each of these units."""
        if not len(units):
            return []
        return [self.kinds[k] for k in np.argmax(self.kind_scores(units), axis=1).tolist()]

    def judge(self, units: F.Units, sizes: np.ndarray) -> Judgement:
        """The model's judgement of a page's units (`sizes`: their visible characters)."""
        if not len(units):
            return Judgement(np.zeros(0), 0.0, self.unit_threshold, self.page_threshold)
        s1 = self.stage1(units)
        second = Stacked(units.dense, units.lines, sizes, s1)
        junk = np.empty(len(units))
        for a in range(0, len(units), BLOCK_ROWS):  # bounded memory on a page of many sentences
            b = min(a + BLOCK_ROWS, len(units))
            junk[a:b] = _sigmoid(self.stage2.raw_score(second.rows(a, b)))
        row = page_row(units, sizes, junk, s1, self.unit_threshold)
        page = float(_sigmoid(self.page_model.raw_score(row[None, :])[0]))
        return Judgement(junk, page, self.unit_threshold, self.page_threshold)

    def describe(self) -> str:
        m = self.manifest
        return (f"zhclean junk model ({self.path}): trained on {m['trained']['pages']} labelled pages "
                f"({', '.join(f'{k} {v}' for k, v in m['trained']['sources'].items())}), "
                f"{m['trained']['units']} units; thresholds unit {self.unit_threshold:.3f}, page {self.page_threshold:.3f}")


#: Columns of the dense features that `page_row` reads (those before the rule evidence: the
#: same for any reason codes).
_DENSE_COLUMNS = {name: i for i, name in enumerate(F.dense_names(()))}


def page_row(units: F.Units, sizes: np.ndarray, junk: np.ndarray, stage1: np.ndarray, threshold: float) -> np.ndarray:
    """The page model's input (`PAGE_NAMES`) from the second stage's unit probabilities
    (`junk`) and the first stage's logits (`stage1`)."""
    col = _DENSE_COLUMNS
    w = np.maximum(sizes, 0).astype(np.float64)
    total = max(w.sum(), 1.0)
    is_junk = junk > threshold
    content = w * ~is_junk
    # the longest run of consecutive content units, in characters
    running = np.cumsum(content)
    at_junk = np.maximum.accumulate(np.where(is_junk, running, 0.0))  # the running sum at the last junk unit
    longest = float((running - at_junk).max()) if len(content) else 0.0
    long_units = units.dense[:, col["han_share"]] * np.expm1(units.dense[:, col["log_chars"]]) >= 15
    def mean_of(name: str) -> float:
        values = units.dense[long_units, col[name]]
        return float(values.mean()) if len(values) else 0.0
    content_units = ~is_junk
    terminal = float(units.dense[content_units, col["ends_terminal"]].mean()) if content_units.any() else 0.0
    # the score below which each share of the page's characters lies (+1: a unit of no visible
    # character still counts a little)
    order = np.argsort(junk, kind="stable")
    weight = w + 1.0
    below = np.cumsum(weight[order]) / weight.sum()
    quantiles = junk[order][np.minimum(np.searchsorted(below, (0.1, 0.25, 0.5, 0.75, 0.9)), len(junk) - 1)]
    # without a title, how the page covers it is unknown (NaN: the trees learn where it goes),
    # not "nothing in common with the title"
    titled = len(units.title) > 0
    return np.array([
        float((junk * w).sum() / total), float((w * is_junk).sum() / total), np.log1p(content.sum()),
        np.log1p(longest), np.log1p(len(junk)), mean_of("prev_overlap"), mean_of("elsewhere_share"),
        mean_of("title_cover") if titled else np.nan,
        float(units.dense[:, col["title_cover"]].max()) if titled else np.nan,
        float(units.dense[0, col["page_rules_spam"]]), float(units.dense[0, col["page_rules_removed"]]),
        terminal, float(junk[0]), float(junk[-1]),
        *quantiles.tolist(), float(junk.max()), float(junk.min()),
        float((weight * (junk > 0.5)).sum() / weight.sum()), float((weight * (junk > 0.3)).sum() / weight.sum()),
        float((stage1 * weight).sum() / weight.sum()), float((weight * (stage1 > 0)).sum() / weight.sum()),
        np.log1p(weight.sum()), *units.signals.tolist(),
    ])


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


_TREE_ARRAYS = ("feature", "threshold", "default_left", "left", "right", "leaf_value", "roots")
ARRAY_NAMES = (("stage1_grams", "stage1_dense", "dense_scale", "kind_grams", "kind_dense", "kind_bias")
               + tuple(f"stage2_{k}" for k in _TREE_ARRAYS) + tuple(f"page_{k}" for k in _TREE_ARRAYS))


def save_model(path: str | Path, manifest: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    """Write a model folder: the manifest and one .npy per array (no pickles)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    for name in ARRAY_NAMES:
        np.save(path / f"{name}.npy", np.ascontiguousarray(arrays[name]), allow_pickle=False)
    (path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                        encoding="utf-8")


def read_model(path: str | Path) -> JunkModel:
    """Load a model folder written by `save_model` (`zhclean train -o DIR`)."""
    path = Path(path)
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ConfigError(f"{path}: not a zhclean model folder (cannot read manifest.json: {err})") from err
    if manifest.get("format") != FORMAT:
        raise ConfigError(f"{path}: model format {manifest.get('format')!r}, this zhclean reads {FORMAT}")
    arrays = {}
    for name in ARRAY_NAMES:
        try:
            arrays[name] = np.load(path / f"{name}.npy", allow_pickle=False)
        except (OSError, ValueError) as err:
            raise ConfigError(f"{path}: cannot read {name}.npy ({err})") from err
    return JunkModel(manifest, arrays, str(path))


#: The model shipped inside the package.
SHIPPED = "shipped"


def load_model(path: str | None = None) -> JunkModel:
    """The model in folder `path`, or the one shipped with zhclean; loaded once per process."""
    return _load(str(path) if path not in (None, SHIPPED) else SHIPPED)


@lru_cache(maxsize=4)
def _load(path: str) -> JunkModel:
    if path == SHIPPED:
        return read_model(Path(str(importlib_resources.files("zhclean.model") / "shipped")))
    return read_model(path)
