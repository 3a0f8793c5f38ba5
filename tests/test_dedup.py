"""Dedup decisions on hand-made clusters: exact, near, chains, election, spam-wrapped pages."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dedup_pages import SPAM_A, SPAM_B, library, story
from zhclean.config import DedupConfig, load_config
from zhclean.dedup import Deduplicator, exact_form, exact_jaccard, exact_key
from zhclean.errors import ConfigError, InputError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "pages.jsonl"


def run(pages, **config):
    return Deduplicator(DedupConfig(**config)).run(pages)


def test_exact_form_folds_width_space_punctuation_and_digits():
    a = "２０２４年３月１日　青川县：学校饮水改造完工！"
    b = "2025年4月12日 青川县 学校饮水改造完工。"
    assert exact_form(a) == exact_form(b) == "0年0月0日青川县学校饮水改造完工"
    assert exact_key(a) == exact_key(b)
    assert exact_key(a) != exact_key("青川县学校饮水改造开工")


def test_duplicate_of_is_always_a_kept_page():
    text = story()
    # a and b are exact duplicates (same form, same length: a wins by id); c is longer and a
    # near-duplicate of both, so c is kept and b follows a into c's cluster as dup.near.
    dec = run([("b", text), ("a", text.replace("\n", "  ")), ("c", text + "\n2025年")])
    assert dec["c"].kept and dec["c"].cluster_size == 3
    assert (dec["a"].code, dec["a"].duplicate_of) == ("dup.near", "c")
    assert (dec["b"].code, dec["b"].duplicate_of) == ("dup.near", "c")
    assert {d.cluster_id for d in dec.values()} == {"c"}


def test_exact_duplicate_of_equal_length_goes_to_smallest_id():
    text = story()
    dec = run([("z", text), ("m", text), ("q", text)])
    assert dec["m"].kept
    assert [dec[i].duplicate_of for i in ("q", "z")] == ["m", "m"]
    assert {dec[i].code for i in ("q", "z")} == {"dup.exact"}


def test_near_duplicate_with_edits_is_removed_with_evidence():
    edited = story(edits={"一千二百万元": "一千五百万元", "六月底": "七月初", "刘建平": "刘建华"})
    # same length: the smaller id ("a-orig") is kept
    dec = run([("b-edit", edited), ("a-orig", story()), ("other", library())])
    assert dec["a-orig"].kept and dec["other"].kept
    d = dec["b-edit"]
    assert (d.kept, d.code, d.duplicate_of, d.cluster_id, d.cluster_size) == (
        False, "dup.near", "a-orig", "a-orig", 2)
    exact = exact_jaccard(story(), edited)
    assert d.jaccard_exact == pytest.approx(exact, abs=1e-4)
    assert abs(d.jaccard - exact) < 0.1
    assert dec["other"].cluster_size == 1 and dec["other"].cluster_id == "other"
    assert d.to_dict()["code"] == "dup.near"


@pytest.mark.parametrize("verify_exact", [True, False])
def test_chain_never_removes_a_page_nothing_kept_represents(verify_exact):
    # A ~ B (J 0.82), B ~ C (J 0.82), but A and C only 0.67: C must survive if A is kept.
    pages = [("A", story(0, 10)), ("B", story(1, 11)), ("C", story(2, 12))]
    dec = run(pages, verify_exact=verify_exact)
    text = dict(pages)
    assert dec["A"].kept  # the longest
    assert {d.cluster_id for d in dec.values()} == {"A"}
    assert all(d.cluster_size == 3 for d in dec.values())
    assert not (dec["C"].duplicate_of == "A")
    for d in dec.values():
        if not d.kept:
            assert dec[d.duplicate_of].kept
            assert exact_jaccard(text[d.id], text[d.duplicate_of]) >= 0.8


def test_unrelated_pages_and_short_pages_are_kept():
    dec = run([("s1", "你好"), ("s2", "你好呀"), ("story", story()), ("lib", library()), ("e", "")])
    assert all(d.kept and d.cluster_size == 1 for d in dec.values())


def test_empty_pages_are_not_duplicates_of_each_other():
    dec = run([("e1", ""), ("e2", "   "), ("e3", "")])
    assert all(d.kept for d in dec.values())


def test_after_cleaning_one_article_in_two_templates_is_a_duplicate():
    # Simulates the cleaner: dedup sees the clean text, not the spam.
    wrapped_a, wrapped_b, other = SPAM_A + story(), SPAM_B + story(), SPAM_A + library()
    assert exact_jaccard(wrapped_a, wrapped_b) < 0.8  # on raw text, the template hides it
    cleaned = {"a": story(), "b": story(), "c": library()}
    dec = run(cleaned.items())
    assert dec["b"].duplicate_of == "a" and dec["c"].kept
    raw = run([("a", wrapped_a), ("b", wrapped_b), ("c", other)])
    assert raw["b"].kept and raw["c"].kept


@pytest.mark.parametrize("model", ["off", "shipped"])
def test_spam_wrapped_example_pages_dedup_on_clean_text(model: str):
    """examples/pages.jsonl: one article in two spam templates is a duplicate; two articles in
    one template are not. Needs the cleaner to remove the templates."""
    from zhclean import clean_text
    from zhclean.config import CleanConfig

    pages = {r["id"]: r.get("text", "") for r in map(json.loads, EXAMPLES.open(encoding="utf-8"))}
    ids = ["spam-wrapped-news", "spam-wrapped-news-repost", "spam-wrapped-library"]
    dec = run((i, clean_text(pages[i], config=CleanConfig(model=model)).text) for i in ids)
    news, repost, lib = (dec[i] for i in ids)
    assert news.cluster_id == repost.cluster_id and not (news.kept and repost.kept)
    assert lib.kept and lib.cluster_size == 1


def test_every_input_id_comes_out_exactly_once_and_duplicate_ids_are_refused():
    pages = [(f"p{i}", story(i % 3, 12)) for i in range(9)]
    dec = run(pages)
    assert sorted(dec) == sorted(i for i, _ in pages)
    with pytest.raises(InputError, match="'p1' appears more than once"):
        run(pages + [("p1", "x")])


def test_streaming_add_finish_equals_run():
    pages = [(f"p{i}", story(i % 4, 12 - i % 3)) for i in range(12)] + [("lib", library())]
    dd = Deduplicator()
    dd.add(pages[:5])
    dd.add(pages[5:])
    assert dd.finish(texts=dict(pages)) == run(pages)


def test_only_exact_or_only_near():
    text = story()
    pages = [("a", text), ("b", text), ("c", story(edits={"六月底": "七月初"}))]
    only_exact = run(pages, near=False)
    assert only_exact["b"].code == "dup.exact" and only_exact["c"].kept
    only_near = run(pages, exact=False)
    assert only_near["b"].code == "dup.near" and only_near["b"].jaccard == 1.0


def test_describe_reports_bands_and_rows_from_the_candidate_threshold():
    d = Deduplicator(DedupConfig()).describe()
    assert (d["bands"], d["rows"], d["scheme"]) == (21, 6, "affine32")
    assert Deduplicator(DedupConfig(bands_rows=(16, 8))).describe()["bands"] == 16


@pytest.mark.parametrize("override, message", [
    ({"dedup.threshold": 0.5}, "thresholds must rise"),
    ({"dedup.ngram": 0}, "dedup.ngram = 0"),
    ({"dedup.num_perm": 8}, "dedup.num_perm = 8"),
    ({"dedup.bands_rows": [20, 10]}, "at most num_perm"),
    ({"dedup.threshold": 1.5}, "in \\(0, 1\\]"),
])
def test_config_errors_teach(override, message):
    with pytest.raises(ConfigError, match=message):
        load_config(None, override)


def test_sign_on_workers_then_finish_twice_equals_run():
    pages = [("a", story()), ("b", story(edits={"六月底": "七月初"})), ("c", library()),
             ("d", story(1, 12)), ("e", "短")]
    worker = Deduplicator()
    dd = Deduplicator()
    for part in (pages[:2], pages[2:]):
        lengths, keys, sigs = worker.sign([t for _, t in part])
        assert sigs.shape == (len(part), 128) and keys.dtype.kind == "i"
        dd.add_signed([i for i, _ in part], lengths, keys, sigs)
    first = dd.finish()
    need = {k for k, d in first.items() if d.code == "dup.near"}
    need |= {first[k].duplicate_of for k in need}
    assert need
    text = dict(pages)
    assert dd.finish(texts={k: text[k] for k in need}) == run(pages)


def test_misuse_is_explained():
    dd = Deduplicator()
    lengths, keys, sigs = dd.sign([story(), library()])
    with pytest.raises(ValueError, match="signatures of shape \\(2, 128\\)"):
        dd.add_signed(["a", "b"], lengths, keys, sigs[:, :64])
    dd.add_signed(["a", "b"], lengths, keys, sigs)
    dd.add([("c", story(edits={"六月底": "七月初"}))])
    with pytest.raises(InputError, match="no text for page 'c'"):
        dd.finish(texts={"a": story()})
