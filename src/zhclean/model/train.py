"""Train the junk model from labelled pages (`zhclean train`).

Labels are character offsets of what a good cleaner drops, with a kind each (LABELS.md of the
shared data; `zhclean.labels`). Each page is cleaned by the rules once; its units (sentences)
get their features (`zhclean.model.features`) and a label: junk when most of their visible
characters are labelled junk, with the most common kind among them.

1. **First stage**: logistic regression (scikit-learn, L-BFGS) over hashed n-grams and dense
   features, cross-fitted over `folds` groups of pages, so the second stage learns from scores
   on pages the first stage did not see; then fitted on all pages. A multinomial head learns
   the kind of junk units.
2. **Second stage**: LightGBM trees over the stacked features (`zhclean.model.stack`),
   cross-fitted the same way (for the page model and the thresholds), then fitted on all.
3. **Page model**: small LightGBM trees over the page aggregates (`junk_model.PAGE_NAMES`) of
   the cross-fitted stages and the page's own signals (`features.page_signals`), against the
   labellers' verdict (``all_spam``), monotone where the direction is not in doubt (more junk,
   less content, less of the title in the body, less cohesion: never less spam). Trees over
   these inputs, not a logistic regression over the first 14: on the cross-fitted scores of
   2,324 training pages they emptied 67 of 113 all-spam news pages where the logistic
   regression emptied 40 (news 0.976 / 0.528 against 0.973 / 0.412).
4. **Thresholds** (unit, page) are chosen on the cross-fitted scores of the training pages
   only: every source of at least `MIN_FLOOR_PAGES` pages keeps `MIN_CONTENT_KEPT` of its
   content where it can, then the mean over sources of the balanced score (harmonic mean of
   content kept and junk removed, by characters) is highest.

Why these libraries: scikit-learn's L-BFGS logistic regression and LightGBM's
``deterministic`` mode give the same weights for the same labels on the same machine (one
thread, fixed seeds, pages sorted by id); both are only needed to train (the ``train``
extra). The cleaner scores the result with numpy alone.
"""
from __future__ import annotations

import hashlib
import json
import platform
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import regex

from zhclean.cleaner import Cleaner
from zhclean.config import CleanConfig
from zhclean.errors import ConfigError
from zhclean.labels import ALL_SPAM
from zhclean.model import features as F
from zhclean.model.junk_model import (EVIDENCE_CODES, FORMAT, KIND_CODES, KIND_HASH_BITS, PAGE_NAMES, page_row)
from zhclean.model.stack import stacked, stacked_names
from zhclean.model.trees import TreeEnsemble

KINDS: tuple[str, ...] = tuple(KIND_CODES)
#: Rules the model does without: the cleaner does not run them when this model cleans (its
#: manifest names them). `OffTopicRun` and `KeywordList` cost 5 % and 3 % of the model path's
#: time, and their evidence had one tree split and small first-stage weights in the model before;
#: trained without them on the sixth round's 4,811 pages, the cross-fitted scores read news
#: 0.974 / 0.620 and extraction 0.971 / 0.903 against 0.977 / 0.598 and 0.971 / 0.884 with
#: them, and the cleaner ran at 1.00 of the rules' speed against 0.91 (README, "Sixth round").
RULES_OFF: tuple[str, ...] = ("KeywordList", "OffTopicRun")
#: The kind head's iterations. It names a removal's kind and decides nothing; stopped at 300 it
#: named the held-out fold's junk units as well as at its 1,000 cap (0.836 against 0.832 on the
#: seventh round's 5,923 training pages), and the stop saves about 3 of training's 20 minutes.
KIND_HEAD_ITERATIONS = 300
STAGE2_PARAMS = dict(objective="binary", learning_rate=0.12, num_leaves=31, max_depth=7, min_data_in_leaf=40,
                     feature_fraction=0.8, bagging_fraction=0.8, bagging_freq=1, seed=1, deterministic=True,
                     force_row_wise=True, num_threads=1, verbose=-1)
#: Rounds of the second stage: each tree costs the cleaner as much as any other (numpy walks
#: them level by level, to depth 7). 100 underfit: on the eighth round's 5,923 training pages,
#: cross-fitted news junk removed 0.641 at 200 against 0.609 at 100 (0.642 at 300).
STAGE2_ROUNDS = 200
#: The direction in which each page input may move the page's spam probability (1: up, -1:
#: down; the others are free): a page with more junk, less content, less of its title in its
#: body or less cohesion is never judged less likely spam. (On the cross-fitted scores the
#: constraints cost little: news 0.976 / 0.528 with them, 0.974 / 0.541 and 0.977 / 0.535
#: without, over two seeds.)
PAGE_MONOTONE = {"junk_mean": 1, "junk_share": 1, "content_chars_log": -1, "longest_content_log": -1,
                 "title_in_body": -1, "chunk_overlap": -1}
#: The page model: a few hundred all-spam pages among thousands, so small, slow trees.
PAGE_PARAMS = dict(objective="binary", learning_rate=0.05, num_leaves=7, max_depth=3, min_data_in_leaf=20,
                   lambda_l2=1.0, feature_fraction=0.8, bagging_fraction=0.8, bagging_freq=1, seed=1,
                   monotone_constraints=[PAGE_MONOTONE.get(name, 0) for name in PAGE_NAMES],
                   monotone_constraints_method="advanced",
                   deterministic=True, force_row_wise=True, num_threads=1, verbose=-1)
PAGE_ROUNDS = 200
#: Each unit's weight in the second stage is multiplied by its source's (1 for the others). The
#: 132 extraction pages are few beside thousands of news pages, and a model fitted without
#: a weight lost their junk as the news labels grew (validation 0.892 -> 0.846 at 4,264
#: training pages); cross-fitted, 3x on them read extraction 0.971 / 0.915 against 0.971 /
#: 0.891, news 0.973 / 0.609 against 0.977 / 0.599 (docs/model.md).
SOURCE_WEIGHTS: dict[str, float] = {"extraction_pages": 3.0}


@dataclass
class PageExample:
    """One labelled page, cleaned by the rules, as units with features and labels."""

    id: str
    source: str
    verdict: str
    units: F.Units
    sizes: np.ndarray      # visible characters per unit
    content: np.ndarray    # visible content characters per unit (by the labels)
    junk: np.ndarray       # visible junk characters per unit
    kind: np.ndarray       # int [units]: index into KINDS of the most common junk kind, -1 if none
    outside: tuple[int, int] = (0, 0)  # visible content, junk characters outside every unit

    @property
    def is_junk(self) -> np.ndarray:
        return self.junk > self.content


def label_chars(text: str, source: str, drop: Sequence[Sequence[Any]], fixes: Sequence[str]) -> np.ndarray:
    """int8 per character of the normalized `source` (the cleaner's text): 0 content, else
    1 + the index of the junk kind, from `drop` offsets into the raw `text`."""
    from difflib import SequenceMatcher

    kind_index = {k: i + 1 for i, k in enumerate(KINDS)}
    raw = np.zeros(len(text), dtype=np.int8)
    for start, end, kind in drop:
        raw[start:end] = kind_index.get(kind, kind_index["other_boilerplate"])
    if source == text:
        return raw
    out = np.zeros(len(source), dtype=np.int8)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, text, source, autojunk=False).get_opcodes():
        if tag == "equal":
            out[j1:j2] = raw[i1:i2]
        elif j2 > j1:
            out[j1:j2] = np.resize(raw[i1:i2], j2 - j1) if i2 > i1 else (raw[i1 - 1] if i1 else 0)
    return out


def page_example(cleaner: Cleaner, record: dict[str, Any]) -> PageExample:
    ev = cleaner.evidence(record["text"], record.get("title"))
    units = F.unit_features(ev.page, EVIDENCE_CODES, ev.hard, ev.soft, ev.decided)
    labels = label_chars(record["text"], ev.source, record["drop"], cleaner.norm_config.fixes)
    visible = np.array([not c.isspace() for c in ev.source], dtype=bool)
    n = len(units)
    content = np.zeros(n)
    junk = np.zeros(n)
    kind = np.full(n, -1, dtype=np.int64)
    inside = np.zeros(len(ev.source), dtype=bool)
    for u, (s, e) in enumerate(zip(units.starts.tolist(), units.ends.tolist())):
        inside[s:e] = True
        lab = labels[s:e][visible[s:e]]
        content[u] = (lab == 0).sum()
        junk[u] = (lab > 0).sum()
        if junk[u]:
            kind[u] = int(np.bincount(lab[lab > 0]).argmax()) - 1
    rest = visible & ~inside
    return PageExample(str(record["id"]), str(record.get("source") or "default"), record.get("verdict", "content"),
                       units, content + junk, content, junk, kind,
                       (int((rest & (labels == 0)).sum()), int((rest & (labels > 0)).sum())))


# --- fitting --------------------------------------------------------------------------------


def _folds(examples: Sequence[PageExample], k: int) -> np.ndarray:
    """A fold per page, from a hash of its id (stable when pages are added); a paragraph or
    clean page (``<id>#p<k>``, ``<id>#c``) goes with the page it was cut from."""
    return np.array([int(hashlib.sha256(e.id.split("#")[0].encode()).hexdigest()[8:16], 16) % k for e in examples])


def _sparse_rows(examples: Sequence[PageExample], scale: np.ndarray, bits: int):
    import scipy.sparse as sp

    blocks = []
    for e in examples:
        data, idx, ptr = F.gram_rows(e.units, bits)
        grams = sp.csr_matrix((data, idx, ptr), shape=(len(e.units), 1 << bits))
        dense = sp.csr_matrix((e.units.dense - scale[0]) / scale[1])
        blocks.append(sp.hstack([grams, dense], format="csr"))
    return sp.vstack(blocks, format="csr")


def _logistic(C: float = 1.0, max_iter: int = 1000, **kw):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, solver="lbfgs", max_iter=max_iter, tol=1e-5, **kw)


def _fit_stage1(X, y, w):
    model = _logistic()
    model.fit(X, y, sample_weight=w)
    return model.coef_[0].astype(np.float64), float(model.intercept_[0])


def _fit_trees(X, y, w=None, params=STAGE2_PARAMS, rounds=STAGE2_ROUNDS) -> TreeEnsemble:
    import lightgbm as lgb

    booster = lgb.train(params, lgb.Dataset(X, y.astype(np.float64), weight=w, free_raw_data=True),
                        num_boost_round=rounds)
    return TreeEnsemble.from_lightgbm(booster.dump_model())


def _fit_page(X, y) -> TreeEnsemble:
    if y.all() or not y.any():  # one verdict only: a constant page model
        return TreeEnsemble.constant(50.0 if y.all() else -50.0)
    return _fit_trees(X, y, params=PAGE_PARAMS, rounds=PAGE_ROUNDS)


@dataclass
class Trained:
    manifest: dict[str, Any]
    arrays: dict[str, np.ndarray]
    #: Cross-fitted scores of the training pages: per page, its units' junk probabilities and
    #: its page probability (what the thresholds were chosen on).
    cross_fitted: dict[str, tuple[np.ndarray, float]] = field(default_factory=dict)
    #: The first stage: cross-fitted scores of every unit, weights and bias.
    stage1: tuple[np.ndarray, np.ndarray, float] | None = None


def train(records: Iterable[dict[str, Any]], *, folds: int = 5, cleaner: Cleaner | None = None,
          progress: Callable[[str], None] = lambda message: None, trust: str = "cv") -> Trained:
    """Train a model on labelled page records (``id``, ``text``, ``drop``, ``verdict``,
    optional ``title`` and ``source``). Deterministic: the same records give the same arrays.
    `cleaner` finds the rules' evidence (with its rules disabled, the model does without
    them: its manifest says so); by default the rules without `RULES_OFF`. `trust`: how the
    rule codes whose removals stand are chosen (``cv``, the default: `trusted_by_cross_fitting`;
    ``bar``: `trusted_codes`)."""
    if trust not in TRUST_MODES:
        raise ConfigError(f"trust must be one of {', '.join(TRUST_MODES)} (got {trust!r})")
    from threadpoolctl import threadpool_limits

    # load the fitting libraries before limiting threads: threadpoolctl limits only the
    # thread pools already loaded (OpenMP of scikit-learn's loss, LightGBM's, BLAS), and a
    # sum over two threads differs in its last bits from one (same weights on any machine,
    # and on the first or a later training in one process)
    import lightgbm  # noqa: F401
    import sklearn.linear_model  # noqa: F401

    cleaner = cleaner or Cleaner(CleanConfig(model="off", disable=RULES_OFF))
    records = sorted(records, key=lambda r: str(r["id"]))
    if len({str(r["id"]) for r in records}) != len(records):
        raise ConfigError("the labelled pages hold an id twice; each page must be labelled once")
    if len(records) < 2 * folds:
        raise ConfigError(f"training needs at least {2 * folds} labelled pages (got {len(records)})")
    pieces = paragraph_pages(records) + clean_pages(records)
    with threadpool_limits(1):
        progress(f"features of {len(records)} pages and {len(pieces)} paragraph and clean pages cut from them")
        examples = [page_example(cleaner, r) for r in records + pieces]
        return _train(examples, records, folds, progress, rules_off=tuple(cleaner.clean_config.disable),
                      trust=trust)


#: Paragraph pages (`paragraph_pages`): at most this many from each labelled page.
PARAGRAPHS_PER_PAGE = 2
#: ... of at least this many Han characters, and at most `PARAGRAPH_CHARS` characters.
PARAGRAPH_HAN = 8
PARAGRAPH_CHARS = 300
PARAGRAPH_SOURCE = "paragraphs"
_HAN_CHAR = regex.compile(r"\p{Han}")
_SENTENCE_END = regex.compile(r"(?<=[。！？!?])")


def _sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of the sentences of `text`: its lines cut after 。！？!?."""
    out = []
    pos = 0
    for line in text.split("\n"):
        cut = pos
        for piece in _SENTENCE_END.split(line):
            if piece:
                out.append((cut, cut + len(piece)))
            cut += len(piece)
        pos += len(line) + 1
    return out


def paragraph_pages(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pages of one short genuine passage each: runs of sentences of a line that no labelled
    drop touches, up to `PARAGRAPH_CHARS` characters, cut from the labelled pages. A corpus
    also holds short clean texts, which web pages teach the model little about (on a page, a
    lone short line is mostly chrome). Chosen by a hash of the page id and offset; id
    ``<page id>#p<k>``, so cross-fitting keeps them in their page's fold."""
    out = []
    for record in records:
        if record.get("verdict") == ALL_SPAM:
            continue
        text = record["text"]
        junk = np.zeros(len(text) + 1, dtype=np.int64)
        for start, end, _ in record["drop"]:
            junk[start] += 1
            junk[end] -= 1
        touched = np.concatenate([[0], np.cumsum(np.cumsum(junk[:-1]) > 0)])
        pieces = []
        run_start = run_end = None  # the current run of sentences no drop touches
        for start, end in _sentences(text) + [(len(text), len(text))]:
            clean = end > start and not touched[end] - touched[start]
            if clean and run_start is not None and "\n" not in text[run_end:start] and end - run_start <= PARAGRAPH_CHARS:
                run_end = end
                continue
            if run_start is not None:
                piece = text[run_start:run_end].strip()
                if len(_HAN_CHAR.findall(piece)) >= PARAGRAPH_HAN:
                    pieces.append((hashlib.sha256(f"{record['id']}:{run_start}".encode()).hexdigest(), piece))
            run_start, run_end = (start, end) if clean and end - start <= PARAGRAPH_CHARS else (None, None)
        for k, (_, piece) in enumerate(sorted(pieces)[:PARAGRAPHS_PER_PAGE]):
            out.append({"id": f"{record['id']}#p{k}", "source": PARAGRAPH_SOURCE, "text": piece, "drop": [],
                        "verdict": "content"})
    return out


#: Clean pages (`clean_pages`): a labelled page's content alone, when it holds at least this
#: many characters.
CLEAN_PAGE_CHARS = 300
CLEAN_SOURCE = "clean_pages"
#: Sources of pages cut from the labelled pages (they repeat labelled text).
DERIVED_SOURCES = (PARAGRAPH_SOURCE, CLEAN_SOURCE)


def clean_pages(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each labelled page that is not all spam and has something to drop, with every labelled
    drop cut out (and the lines left empty removed), without its title: a long text with
    nothing to drop. The labelled pages hold few long untitled texts, and none without any
    chrome; a corpus holds many (the control set's clean news paragraphs, up to 7,500
    characters: a tree page model that never saw them emptied some). They are scored by the
    stages but not fitted by them (`_train`); the page model and the thresholds learn from
    them. Id ``<page id>#c`` (cross-fitting keeps it in its page's fold)."""
    out = []
    for record in records:
        if record.get("verdict") == ALL_SPAM:
            continue
        text = record["text"]
        # (not `document.render_kept`: it also closes the gap between spaces around a cut, and
        # the shipped model was trained on these texts)
        pieces, at = [], 0
        for start, end, _ in sorted(map(tuple, record["drop"])):
            pieces.append(text[at:max(start, at)])
            at = max(at, end)
        kept = "".join(pieces) + text[at:]
        clean = "\n".join(line.strip() for line in kept.split("\n") if line.strip())
        if len(clean) >= CLEAN_PAGE_CHARS and record["drop"]:
            out.append({"id": f"{record['id']}#c", "source": CLEAN_SOURCE, "text": clean, "drop": [],
                        "verdict": "content"})
    return out


def _train(examples: list[PageExample], records: list[dict[str, Any]], folds: int,
           progress: Callable[[str], None], stage1: tuple[np.ndarray, np.ndarray, float] | None = None,
           rules_off: Sequence[str] = RULES_OFF, trust: str = "cv") -> Trained:
    """The stages over prepared examples. `stage1` (cross-fitted scores, weights, bias) skips
    fitting the first stage again (experiments on the later stages)."""
    dense_names = F.dense_names(EVIDENCE_CODES)
    dense = np.vstack([e.units.dense for e in examples])
    # the clean pages are scored by the stages (cross-fitted) but not fitted by them: they
    # repeat labelled text, and serve the page model and the thresholds (`clean_pages`)
    fitted = np.concatenate([np.full(len(e.units), e.source != CLEAN_SOURCE) for e in examples])
    scale = np.stack([dense[fitted].mean(axis=0), dense[fitted].std(axis=0) + 1e-6]).astype(np.float32)
    y = np.concatenate([e.is_junk for e in examples])
    sizes = np.concatenate([e.sizes for e in examples]) + 1.0
    # The first stage learns words from many small units (weights: the square root of their
    # characters); the second decides what the scores count, characters (weights: characters).
    weight = np.concatenate([np.full(len(e.units), SOURCE_WEIGHTS.get(e.source, 1.0)) for e in examples])
    w = np.sqrt(sizes)
    w2 = sizes * weight
    owner = np.concatenate([np.full(len(e.units), i) for i, e in enumerate(examples)])
    # example i's units are rows bounds[i]:bounds[i + 1] of every per-unit array (a slice, not
    # a mask over all units: that made the stages after the fits quadratic in the pages)
    bounds = np.cumsum([0] + [len(e.units) for e in examples])
    fold_of_page = _folds(examples, folds)
    fold = fold_of_page[owner]
    if y.all() or not y.any():
        raise ConfigError("the labelled pages need both junk and content units to train on")

    if stage1 is None:
        progress("first stage (cross-fitted)")
        X1 = _sparse_rows(examples, scale, F.HASH_BITS)
        s1 = np.zeros(len(y))
        for k in range(folds):
            test = fold == k
            train = ~test & fitted
            coef, bias = _fit_stage1(X1[train], y[train], w[train])
            s1[test] = X1[test] @ coef + bias
        progress("first stage (all pages)")
        coef, bias = _fit_stage1(X1[fitted], y[fitted], w[fitted])
        del X1
    else:
        s1, coef, bias = stage1
    stage1_grams, stage1_dense = coef[: 1 << F.HASH_BITS].astype(np.float32), coef[1 << F.HASH_BITS:].astype(np.float32)

    progress("kind head")
    junk_rows = y & (np.concatenate([e.kind for e in examples]) >= 0) & fitted
    kinds = np.concatenate([e.kind for e in examples])[junk_rows]
    Xk = _sparse_rows(examples, scale, KIND_HASH_BITS)[junk_rows]
    kind_grams = np.zeros((1 << KIND_HASH_BITS, len(KINDS)), np.float32)
    kind_dense = np.zeros((len(dense_names), len(KINDS)), np.float32)
    kind_bias = np.full(len(KINDS), -1e3, np.float32)
    present = np.unique(kinds)
    if len(present) == 1:
        kind_bias[present[0]] = 0.0
    else:
        from sklearn.exceptions import ConvergenceWarning

        km = _logistic(C=1.0, max_iter=KIND_HEAD_ITERATIONS)
        with warnings.catch_warnings():
            # the head names a removal's kind and decides nothing: stopping it early is the point
            warnings.simplefilter("ignore", ConvergenceWarning)
            km.fit(Xk, kinds, sample_weight=w[junk_rows])
        coefs = km.coef_ if len(present) > 2 else np.vstack([-km.coef_[0], km.coef_[0]])
        biases = km.intercept_ if len(present) > 2 else np.array([-km.intercept_[0], km.intercept_[0]])
        for j, k in enumerate(km.classes_):
            kind_grams[:, k] = coefs[j][: 1 << KIND_HASH_BITS]
            kind_dense[:, k] = coefs[j][1 << KIND_HASH_BITS:]
            kind_bias[k] = biases[j]
    del Xk

    progress("second stage (cross-fitted)")
    X2 = np.vstack([stacked(e.units.dense, e.units.lines, e.sizes, s1[bounds[i]:bounds[i + 1]])
                    for i, e in enumerate(examples)])
    p2 = np.zeros(len(y))
    for k in range(folds):
        test = fold == k
        train = ~test & fitted
        p2[test] = _sigmoid(_fit_trees(X2[train], y[train], w2[train]).raw_score(X2[test]))
    progress("second stage (all pages)")
    stage2 = _fit_trees(X2[fitted], y[fitted], w2[fitted])

    if trust == "cv":
        progress("trusted codes (cross-fitted)")
        trusted = trusted_by_cross_fitting(examples, p2, bounds, dense)
    else:
        trusted = trusted_codes(examples)
    progress("page model and thresholds")
    # the units a trusted rule removed most of go whatever the model says (`decide`)
    forced = _forced(dense, trusted)
    effective = np.where(forced, 1.0, p2)  # what decides each unit; the page model reads p2
    unit_threshold = _choose_unit_threshold(examples, effective, bounds)
    rows = np.vstack([page_row(e.units, e.sizes, p2[bounds[i]:bounds[i + 1]], s1[bounds[i]:bounds[i + 1]], unit_threshold)
                      for i, e in enumerate(examples)])
    spam = np.array([e.verdict == "all_spam" for e in examples])
    page_oof = np.zeros(len(examples))
    for k in range(folds):
        test = fold_of_page == k
        page_oof[test] = _sigmoid(_fit_page(rows[~test], spam[~test]).raw_score(rows[test]))
    page_model = _fit_page(rows, spam)
    page_threshold = _choose_page_threshold(examples, effective, bounds, unit_threshold, page_oof)

    cv = _scores(examples, effective, bounds, unit_threshold, page_oof, page_threshold)
    progress("done")
    sources = _pages_per_source(examples)
    manifest = {
        "format": FORMAT,
        "hash_bits": F.HASH_BITS,
        "codes": list(EVIDENCE_CODES),
        "kinds": list(KINDS),
        "kind_codes": KIND_CODES,
        "dense_names": list(dense_names),
        "stacked_names": list(stacked_names(dense_names)),
        "page_names": list(PAGE_NAMES),
        "stage1_bias": bias,
        "thresholds": {"unit": unit_threshold, "page": page_threshold},
        "trusted_codes": trusted,
        "rules_off": sorted(rules_off),
        "trained": {"pages": len(records),
                    "paragraph_pages": sum(e.source == PARAGRAPH_SOURCE for e in examples),
                    "clean_pages": sum(e.source == CLEAN_SOURCE for e in examples), "units": int(len(y)),
                    "sources": dict(sorted(sources.items())),
                    "labels_sha256": labels_digest(records), "folds": folds,
                    "source_weights": dict(sorted(SOURCE_WEIGHTS.items())),
                    **({"trust": trust} if trust != "bar" else {}),
                    "stage2": {"rounds": STAGE2_ROUNDS, **{k: v for k, v in STAGE2_PARAMS.items() if k != "verbose"}},
                    "page": {"rounds": PAGE_ROUNDS, **{k: v for k, v in PAGE_PARAMS.items() if k != "verbose"}}},
        "cross_fitted_scores": cv,
        "versions": _versions(),
    }
    arrays = {"stage1_grams": stage1_grams, "stage1_dense": stage1_dense, "dense_scale": scale,
              "kind_grams": kind_grams, "kind_dense": kind_dense, "kind_bias": kind_bias,
              **{f"stage2_{k}": v for k, v in stage2.arrays().items()},
              **{f"page_{k}": v for k, v in page_model.arrays().items()}}
    crossed = {e.id: (effective[bounds[i]:bounds[i + 1]], float(page_oof[i])) for i, e in enumerate(examples)}
    return Trained(manifest, arrays, crossed, (s1, coef, bias))


#: A rule code is trusted (its removal of most of a unit stands whatever the model says) when
#: the labelled pages agree with it this often (junk characters of the units it removed
#: most of) over at least `TRUST_SUPPORT` units; a code seen on fewer units is trusted unless
#: the labels contradict it (below `DISTRUST_PRECISION`): the model had no pages to learn to
#: overrule it on.
TRUST_PRECISION = 0.97
TRUST_SUPPORT = 20
DISTRUST_PRECISION = 0.9


def trusted_codes(examples: Sequence[PageExample]) -> dict[str, dict[str, float]]:
    """The rule codes whose removals (after the context decisions) the model does not
    overrule, with the support and precision they were judged on (on the labelled pages,
    not the paragraph pages cut from them)."""
    examples = [e for e in examples if e.source not in DERIVED_SOURCES]  # (they repeat labelled text)
    dense = np.vstack([e.units.dense for e in examples])
    content = np.concatenate([e.content for e in examples])
    junk = np.concatenate([e.junk for e in examples])
    out = {}
    for code in EVIDENCE_CODES:
        covered = _covered(dense, code, own=False)
        units = int(covered.sum())
        chars = float((content[covered] + junk[covered]).sum())
        precision = float(junk[covered].sum() / chars) if chars else 1.0
        if (units >= TRUST_SUPPORT and precision >= TRUST_PRECISION) or \
                (units < TRUST_SUPPORT and precision >= DISTRUST_PRECISION):
            out[code] = {"units": units, "precision": round(precision, 4)}
    return out


#: How the trusted codes are chosen (`train`'s `trust`).
TRUST_MODES = ("bar", "cv")
#: `trusted_by_cross_fitting` tries the codes whose removals hold at least this much junk.
TRUST_CANDIDATE_PRECISION = 0.85


def trusted_by_cross_fitting(examples: Sequence[PageExample], p2: np.ndarray, bounds: np.ndarray,
                             dense: np.ndarray) -> dict[str, dict[str, Any]]:
    """The trusted codes chosen by what forcing them does to the cross-fitted scores, not by a
    precision bar: a code seen on fewer than `TRUST_SUPPORT` units is trusted as in
    `trusted_codes` (unless the labels contradict it); then each code with support whose
    removals hold at least `TRUST_CANDIDATE_PRECISION` junk, on all its removals or on its
    rules' own (``own``: its context spreads are left to the model), most precise first, is
    kept when forcing it raises the objective of the unit threshold (`_objective`, the
    threshold chosen again each time). A bar decides every page's removals of a code by
    which side of 0.97 its precision falls on (``meta.byline``: 0.9704 on 4,811 training
    pages, trusted; under 0.97 on 5,923, 0.967 on its rules' own removals, not trusted); this
    asks whether the model does better with the code forced or without."""
    labelled = np.concatenate([np.full(len(e.units), e.source not in DERIVED_SOURCES) for e in examples])
    content = np.concatenate([e.content for e in examples])[labelled]
    junk = np.concatenate([e.junk for e in examples])[labelled]
    pages = _pages_per_source(examples)
    out: dict[str, dict[str, Any]] = {}
    candidates = []
    for code in EVIDENCE_CODES:
        for own in (False, True):
            covered = _covered(dense, code, own)
            if own and np.array_equal(covered, _covered(dense, code, False)):
                continue  # no context spreads: the same removals
            seen = covered[labelled]
            units = int(seen.sum())
            chars = float((content[seen] + junk[seen]).sum())
            precision = float(junk[seen].sum() / chars) if chars else 1.0
            entry = {"units": units, "precision": round(precision, 4), **({"own": True} if own else {})}
            if not own and units < TRUST_SUPPORT:
                if precision >= DISTRUST_PRECISION:
                    out[code] = entry
                break
            if precision >= TRUST_CANDIDATE_PRECISION:
                candidates.append((-precision, code, own, entry))

    def objective(trusted):
        effective = np.where(_forced(dense, trusted), 1.0, p2)
        return max(_objective(_scores(examples, effective, bounds, t), pages) for t in UNIT_THRESHOLDS)

    best = objective(out)
    for _, code, own, entry in sorted(candidates, key=lambda c: (c[0], c[1], c[2])):
        if code in out:
            continue  # trusted on all its removals, or on its own already
        score = objective({**out, code: entry})
        if score > best:
            out[code], best = entry, score
    return dict(sorted(out.items()))


def _forced(dense: np.ndarray, trusted: dict[str, dict[str, Any]]) -> np.ndarray:
    """The units a trusted code removed most of (on its rules' own removals for ``own``)."""
    forced = np.zeros(len(dense), dtype=bool)
    for code, seen in trusted.items():
        forced |= _covered(dense, code, bool(seen.get("own")))
    return forced


def _covered(dense: np.ndarray, code: str, own: bool) -> np.ndarray:
    names = F.dense_names(EVIDENCE_CODES)
    covered = dense[:, names.index(f"decided:{code}")] >= 0.5
    if own:
        covered &= dense[:, names.index(f"hard:{code}")] >= 0.5
    return covered


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


def _scores(examples, p2, bounds, unit_threshold, page_prob=None, page_threshold=1.0) -> dict[str, dict[str, float]]:
    """Content kept and junk removed (visible characters) per source, from unit decisions
    (`p2`: every example's units in turn, example i's at ``bounds[i]:bounds[i + 1]``)."""
    tot: dict[str, np.ndarray] = {}
    for i, e in enumerate(examples):
        gone = p2[bounds[i]:bounds[i + 1]] > unit_threshold
        if page_prob is not None and page_prob[i] > page_threshold:
            gone = np.ones_like(gone)
        c_out, j_out = e.outside
        t = tot.setdefault(e.source, np.zeros(4))
        t += [e.content.sum() + c_out, e.content[~gone].sum() + c_out, e.junk.sum() + j_out, e.junk[gone].sum()]
    out = {}
    for source, (c, ck, j, jr) in sorted(tot.items()):
        kept = ck / c if c else 1.0
        removed = jr / j if j else 1.0
        out[source] = {"content_kept": round(kept, 4), "junk_removed": round(removed, 4),
                       "balanced": round(2 * kept * removed / max(kept + removed, 1e-9), 4)}
    return out


def _mean_balanced(scores: dict[str, dict[str, float]]) -> float:
    return float(np.mean([s["balanced"] for s in scores.values()]))


#: The content each source should keep, at least, on the cross-fitted scores when the
#: thresholds are chosen: the project's target on unseen pages.
MIN_CONTENT_KEPT = 0.97
#: ... a source with fewer pages than this holds no threshold to that floor (it still counts in
#: the mean balanced score): on a few dozen pages one emptied page moves content kept by
#: several points (32 spam_pages training pages: 0.911 ± 0.069 where one content page went),
#: and a floor on that noise pinned both thresholds for every source.
MIN_FLOOR_PAGES = 100


def _objective(scores: dict[str, dict[str, float]], pages: dict[str, int]) -> tuple[float, float]:
    """Thresholds are ranked by how far the sources of at least `MIN_FLOOR_PAGES` pages fall
    short of keeping `MIN_CONTENT_KEPT` of their content (summed over them: losing text is worse
    than keeping junk), then by the mean balanced score over all sources."""
    shortfall = sum(max(0.0, MIN_CONTENT_KEPT - s["content_kept"]) for source, s in scores.items()
                    if pages[source] >= MIN_FLOOR_PAGES)
    return (-round(shortfall, 4), _mean_balanced(scores))


def _pages_per_source(examples: Sequence[PageExample]) -> dict[str, int]:
    pages: dict[str, int] = {}
    for e in examples:
        pages[e.source] = pages.get(e.source, 0) + 1
    return pages


#: The unit thresholds tried (`_choose_unit_threshold`, `trusted_by_cross_fitting`).
UNIT_THRESHOLDS = np.round(np.linspace(0.2, 0.95, 31), 4)


def _choose_unit_threshold(examples, p2, bounds) -> float:
    pages = _pages_per_source(examples)
    best = max(UNIT_THRESHOLDS, key=lambda t: (_objective(_scores(examples, p2, bounds, t), pages), -abs(t - 0.5)))
    return float(best)


def _choose_page_threshold(examples, p2, bounds, unit_threshold, page_prob) -> float:
    grid = np.round(np.r_[np.linspace(0.3, 0.95, 27), 1.0], 4)
    pages = _pages_per_source(examples)
    best = max(grid, key=lambda t: (_objective(_scores(examples, p2, bounds, unit_threshold, page_prob, t), pages), t))
    return float(best)


def labels_digest(records: Sequence[dict[str, Any]]) -> str:
    """SHA-256 of the labels trained on (ids, text hashes, offsets, verdicts)."""
    h = hashlib.sha256()
    for r in records:
        h.update(json.dumps([str(r["id"]), hashlib.sha1(r["text"].encode("utf-8", "surrogatepass")).hexdigest(),
                             sorted([list(d) for d in r["drop"]]), r.get("verdict", "content")],
                            ensure_ascii=False).encode())
    return h.hexdigest()


def _versions() -> dict[str, str]:
    import lightgbm
    import scipy
    import sklearn

    import zhclean

    return {"zhclean": zhclean.__version__, "scikit-learn": sklearn.__version__, "lightgbm": lightgbm.__version__,
            "numpy": np.__version__, "scipy": scipy.__version__, "python": platform.python_version()}
