"""The learned junk model: training is deterministic, the model folder holds nothing that can
execute, numpy scores the trees as LightGBM does, the shipped model loads from the package and
decides pages of each kind written for these tests (`tests/model_pages.py`)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from model_pages import labelled_pages
from zhclean import Cleaner
from zhclean.cli import main
from zhclean.config import CleanConfig
from zhclean.errors import ConfigError
from zhclean.model import trees
from zhclean.model.junk_model import ARRAY_NAMES, load_model, read_model, save_model
from zhclean.model.trees import TreeEnsemble

lightgbm = pytest.importorskip("lightgbm")
pytest.importorskip("sklearn")


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def small_labels(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("labels") / "labels.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for record in labelled_pages(36):
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="module")
def small_model(small_labels, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("model") / "m"
    result = CliRunner().invoke(main, ["train", str(small_labels), "-o", str(out), "--folds", "3", "-q"])
    assert result.exit_code == 0, result.output
    return out


def test_training_twice_on_the_same_labels_gives_the_same_model_byte_for_byte(small_labels, small_model, tmp_path):
    again = tmp_path / "again"
    result = CliRunner().invoke(main, ["train", str(small_labels), "-o", str(again), "--folds", "3", "-q"])
    assert result.exit_code == 0, result.output
    assert _digest(again) == _digest(small_model)


def test_trust_chosen_by_cross_fitting_is_recorded_and_deterministic(small_labels, tmp_path):
    folders = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = CliRunner().invoke(main, ["train", str(small_labels), "-o", str(out), "--folds", "3", "-q",
                                           "--trust", "cv"])
        assert result.exit_code == 0, result.output
        folders.append(out)
    assert _digest(folders[0]) == _digest(folders[1])
    manifest = json.loads((folders[0] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["trained"]["trust"] == "cv"
    model = load_model(str(folders[0]))
    assert model.trusted == set(manifest["trusted_codes"])
    assert model.trusted_own == {c for c, seen in manifest["trusted_codes"].items() if seen.get("own")}
    assert all({"units", "precision"} <= set(seen) for seen in manifest["trusted_codes"].values())


def test_a_first_training_in_a_process_fits_on_one_thread(small_labels, tmp_path):
    """threadpoolctl limits only the thread pools loaded when the limit is set: a first
    training in a process (scikit-learn and LightGBM not yet imported) must still fit on one
    thread, or its sums differ in their last bits from a later training's (measured: a model
    trained after another in one process differed in every array)."""
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "import zhclean.model.train as T\n"
        "seen = []\n"
        "fit = T._fit_stage1\n"
        "def spy(*a, **k):\n"
        "    from threadpoolctl import threadpool_info\n"
        "    seen.extend(i['num_threads'] for i in threadpool_info())\n"
        "    return fit(*a, **k)\n"
        "T._fit_stage1 = spy\n"
        "from zhclean.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(seen))\n")
    out = subprocess.run([sys.executable, "-c", script, "train", str(small_labels), "--folds", "3", "-q",
                          "-o", str(tmp_path / "m")], check=True, capture_output=True, text=True)
    threads = json.loads(out.stdout.strip().splitlines()[-1])
    assert threads and set(threads) == {1}


def test_a_trained_model_cleans_through_the_cli(small_model, small_labels, tmp_path):
    result = CliRunner().invoke(main, ["clean", str(small_labels), "-o", str(tmp_path / "out"), "-q",
                                       "--model", str(small_model)])
    assert result.exit_code == 0, result.output
    kept = [json.loads(line) for line in (tmp_path / "out" / "kept.jsonl").open(encoding="utf-8")]
    assert kept and all("text" in page for page in kept)
    saved = (tmp_path / "out" / "config.toml").read_text(encoding="utf-8")
    assert str(small_model) in saved


def test_the_model_folder_is_plain_arrays(small_model):
    names = {p.name for p in small_model.iterdir()}
    assert names == {"manifest.json"} | {f"{n}.npy" for n in ARRAY_NAMES}
    for name in ARRAY_NAMES:
        assert np.load(small_model / f"{name}.npy", allow_pickle=False).dtype != object
    manifest = json.loads((small_model / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["trained"]["pages"] == 36
    assert len(manifest["trained"]["labels_sha256"]) == 64


def test_a_planted_pickle_is_refused_not_executed(small_model, tmp_path):
    import shutil

    bad = tmp_path / "bad"
    shutil.copytree(small_model, bad)
    np.save(bad / "page_leaf_value.npy", np.array([{"not": "an array"}], dtype=object), allow_pickle=True)
    with pytest.raises(ConfigError, match="page_leaf_value"):
        read_model(bad)


def test_a_folder_that_is_not_a_model_is_a_config_error(tmp_path):
    result = CliRunner().invoke(main, ["clean", str(tmp_path / "x.jsonl"), "-o", str(tmp_path / "o"),
                                       "--model", str(tmp_path)])
    assert result.exit_code == 3
    assert "not a zhclean model folder" in result.output


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled walk", "numpy walk"])
def test_both_walks_score_trees_as_lightgbm_does(compiled, monkeypatch):
    if compiled and not trees.COMPILED:
        pytest.skip("the compiled walk was not built in this install (no C compiler)")
    monkeypatch.setattr(trees, "COMPILED", compiled)
    rng = np.random.default_rng(3)
    x = rng.normal(size=(600, 6))
    x[rng.random(x.shape) < 0.05] = np.nan
    y = (np.nan_to_num(x[:, 0]) + np.nan_to_num(x[:, 1]) * np.nan_to_num(x[:, 2]) > 0).astype(float)
    booster = lightgbm.train({"objective": "binary", "num_leaves": 7, "verbose": -1, "deterministic": True,
                              "num_threads": 1, "seed": 1}, lightgbm.Dataset(x, y), num_boost_round=25)
    ours = TreeEnsemble.from_lightgbm(booster.dump_model()).raw_score(x)
    assert np.allclose(ours, booster.predict(x, raw_score=True), atol=1e-9)


def test_a_constant_ensemble_scores_its_value_on_every_row():
    # (the page model of labels with one verdict only: a tree of one leaf)
    x = np.random.default_rng(1).normal(size=(5, 3))
    assert TreeEnsemble.constant(2.5).raw_score(x).tolist() == [2.5] * 5


def test_training_refuses_a_page_labelled_twice(small_labels, tmp_path):
    twice = tmp_path / "twice.jsonl"
    lines = small_labels.read_text(encoding="utf-8").splitlines()
    twice.write_text("\n".join(lines + lines[:1]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["train", str(twice), "-o", str(tmp_path / "m"), "-q"])
    assert result.exit_code == 3
    assert "id twice" in result.output


def test_labels_without_text_are_joined_with_their_pages_and_checked(tmp_path):
    from zhclean.labels import load_label_files

    pages = tmp_path / "pages" / "p.jsonl"
    pages.parent.mkdir()
    records = labelled_pages(3)
    pages.write_text("".join(json.dumps({"id": r["id"], "text": r["text"], "title": "T"}, ensure_ascii=False) + "\n"
                             for r in records), encoding="utf-8")
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps({"id": r["id"], "page_file": "p.jsonl", "drop": r["drop"],
                                          "sha1": hashlib.sha1(r["text"].encode()).hexdigest(),
                                          "verdict": r["verdict"]}) + "\n" for r in records), encoding="utf-8")
    loaded = load_label_files([labels], tmp_path / "pages")
    assert [r["text"] for r in loaded] == [r["text"] for r in records]
    assert {r["title"] for r in loaded} == {"T"}
    pages.write_text(pages.read_text(encoding="utf-8").replace("。", "！"), encoding="utf-8")
    with pytest.raises(Exception, match="not the page that was labelled"):
        load_label_files([labels], tmp_path / "pages")


def test_a_page_of_more_sentences_than_the_model_takes_is_cleaned_by_the_rules(small_model):
    from zhclean.config import CleanConfig

    text = "\n".join(["格林空调售后服务电话:400-612-8377(点击咨询)"] + ["清水河治理三年见成效。"] * 30)
    capped = Cleaner(CleanConfig(model=str(small_model), model_max_sentences=10))(text)
    rules = Cleaner(CleanConfig(model="off"))(text)
    assert capped.features.get("model_skipped") is True
    assert capped.removals == rules.removals
    assert "model_skipped" not in Cleaner(CleanConfig(model=str(small_model)))(text).features


def test_eval_reports_each_source_and_kind(small_labels, small_model):
    result = CliRunner().invoke(main, ["eval", str(small_labels), "--model", str(small_model), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert set(scores["by_source"]) == {"news", "wechat"}
    for source in scores["by_source"].values():
        assert 0 <= source["content_kept"] <= 1 and 0 <= source["junk_removed"] <= 1
        assert source["junk_removed_by_kind"]


def test_the_shipped_model_is_package_data_and_loads():
    from importlib import resources

    import tomllib

    folder = resources.files("zhclean.model") / "shipped"
    files = {p.name for p in folder.iterdir()}
    assert {"manifest.json"} | {f"{n}.npy" for n in ARRAY_NAMES} <= files
    declared = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    patterns = declared["tool"]["setuptools"]["package-data"]["zhclean"]
    assert "model/shipped/*.npy" in patterns and "model/shipped/*.json" in patterns
    model = load_model()
    assert model is load_model("shipped")  # once per process
    assert model.manifest["trained"]["pages"] >= 1000
    assert sum(p.stat().st_size for p in Path(str(folder)).iterdir()) < 20e6


def test_threshold_floor_holds_only_sources_with_enough_pages():
    """A source of a few dozen pages (one emptied page moves its content kept by points) does
    not pin the thresholds to the content floor; a large source does, and a small one still
    counts in the mean balanced score."""
    from zhclean.model.train import MIN_CONTENT_KEPT, MIN_FLOOR_PAGES, _objective

    scores = {"news": {"content_kept": 0.975, "balanced": 0.70},
              "spam_pages": {"content_kept": 0.91, "balanced": 0.93}}
    few = {"news": 3000, "spam_pages": MIN_FLOOR_PAGES - 1}
    many = {"news": 3000, "spam_pages": MIN_FLOOR_PAGES}
    assert _objective(scores, few) == (0.0, pytest.approx(0.815))
    assert _objective(scores, many)[0] == pytest.approx(-(MIN_CONTENT_KEPT - 0.91))
    short = {**scores, "news": {"content_kept": 0.96, "balanced": 0.75}}
    assert _objective(short, few)[0] == pytest.approx(-(MIN_CONTENT_KEPT - 0.96))
    assert _objective(short, few) < _objective(scores, few)  # losing text outranks removing junk
