"""The array shortcuts the model's features take answer exactly what the plain definitions
do: sums over ranges (empty ones, one that runs to the end of the page), the title's bigrams
found through a filter, distinct values by a sort; and the compiled tree walk scores as the
numpy one. Deterministic random cases."""
from __future__ import annotations

import os

import numpy as np
import pytest

from zhclean.model import features as F
from zhclean.model import trees
from zhclean.model.trees import TreeEnsemble


def _ranges(rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Ordered, disjoint ranges of [0, size), some empty, the last often ending at `size`."""
    cuts = np.sort(rng.integers(0, size + 1, 2 * int(rng.integers(0, 8))))
    if len(cuts) and rng.random() < 0.5:
        cuts[-1] = size
    return cuts[0::2].astype(np.int64), cuts[1::2].astype(np.int64)


def test_range_sums_equal_the_sums_of_the_slices():
    rng = np.random.default_rng(7)
    for _ in range(500):
        size = int(rng.integers(1, 40))
        values = rng.integers(0, 3, (3, size))
        starts, ends = _ranges(rng, size)
        expected = np.array([[row[s:e].sum() for s, e in zip(starts, ends)] for row in values]).reshape(3, -1)
        assert np.array_equal(F._range_sums(values, starts, ends), expected)
        assert np.array_equal(F._range_sums(values[0], starts, ends), expected[0])


def test_bigrams_in_finds_exactly_the_title_bigrams():
    rng = np.random.default_rng(11)
    for _ in range(500):
        # characters that collide on their low ten bits, so the filter lets wrong ones through
        alphabet = (rng.integers(0x4E00, 0x9FFF, 6)[:, None] + np.array([0, 1024, 2048])).ravel().astype(np.uint32)
        codes = rng.choice(alphabet, int(rng.integers(0, 30))).astype(np.uint32)
        title = rng.choice(alphabet, int(rng.integers(2, 8))).astype(np.uint32)
        pairs = {(int(a), int(b)) for a, b in zip(title[:-1], title[1:])}
        expected = [i + 1 < len(codes) and (int(codes[i]), int(codes[i + 1])) in pairs for i in range(len(codes))]
        assert F._bigrams_in(codes, title).tolist() == expected


def test_distinct_is_numpys_unique():
    rng = np.random.default_rng(3)
    for size in (0, 1, 2, 50, 3000):
        values = rng.integers(-(1 << 40), 1 << 40, size) // int(rng.integers(1, 1 << 38))
        assert np.array_equal(F._distinct(values), np.unique(values))


def test_trees_score_float32_rows_as_their_float64_copies():
    """The second stage's float32 rows are compared with float32 thresholds (each the largest
    float32 at or below the float64 one): the same leaves, also for values on either side of
    a threshold and NaN."""
    from zhclean.model.junk_model import load_model

    trees = load_model().stage2
    thresholds = trees._levels[2]
    edges = thresholds[np.isfinite(thresholds)].astype(np.float32)
    near = np.concatenate([edges, np.nextafter(edges, np.float32(np.inf)), np.nextafter(edges, np.float32(-np.inf))])
    rng = np.random.default_rng(5)
    width = int(trees.feature.max()) + 1
    x = rng.choice(near, (400, width)).astype(np.float32)
    x[rng.random(x.shape) < 0.02] = np.nan
    assert np.array_equal(trees.raw_score(x), trees.raw_score(x.astype(np.float64)))


compiled_only = pytest.mark.skipif(not trees.COMPILED, reason="the compiled walk was not built (no C compiler)")


def test_the_compiled_walk_is_built_in_ci():
    """CI installs with a C compiler: an install step that stops building the walk shows here
    (elsewhere the numpy walk stands in, to the same scores)."""
    if not os.environ.get("CI"):
        pytest.skip("outside CI a missing compiler only costs speed")
    assert trees.COMPILED


@compiled_only
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_compiled_walk_scores_as_the_numpy_walk(dtype, monkeypatch):
    """The same floats from both walks on the shipped model's trees, for values on and on
    either side of the thresholds, NaN, and rows of any count (one block of rows and more)."""
    from zhclean.model.junk_model import load_model

    model = load_model()
    rng = np.random.default_rng(9)
    for ensemble in (model.stage2, model.page_model):
        thresholds = ensemble._levels[2]
        with np.errstate(over="ignore"):  # (a threshold beyond float32's range: inf)
            edges = thresholds[np.isfinite(thresholds)].astype(dtype)
        near = np.concatenate([edges, np.nextafter(edges, dtype(np.inf)), np.nextafter(edges, dtype(-np.inf))])
        width = int(ensemble.feature.max()) + 1
        for rows in (1, 7, 256, 600):
            x = rng.choice(near, (rows, width)).astype(dtype)
            if rows > 1:
                x[rng.random(x.shape) < 0.03] = np.nan
            compiled = ensemble.raw_score(x)
            monkeypatch.setattr(trees, "COMPILED", False)
            assert np.array_equal(compiled, ensemble.raw_score(x))
            monkeypatch.setattr(trees, "COMPILED", True)


@compiled_only
def test_the_compiled_walk_refuses_tables_that_do_not_fit():
    """A malformed model folder raises instead of reading out of bounds."""
    ensemble = TreeEnsemble.from_arrays({"feature": np.array([5], np.int32), "threshold": np.array([0.0]),
                                         "default_left": np.array([True]), "left": np.array([-1], np.int32),
                                         "right": np.array([-2], np.int32), "leaf_value": np.array([1.0, 2.0]),
                                         "roots": np.array([0], np.int32)})
    with pytest.raises(ValueError, match="column"):
        ensemble.raw_score(np.zeros((3, 2)))  # it splits on column 5 of 2
    depth, feature, threshold, default_left, _, leaves = ensemble._levels
    out = np.empty((3, 1))
    with pytest.raises(ValueError, match="leaf table"):
        trees._compiled_leaves(np.zeros((3, 6)), depth, feature.astype(np.int32), threshold, default_left,
                               leaves[:1], out)
    with pytest.raises(ValueError, match="depth"):
        trees._compiled_leaves(np.zeros((3, 6)), 40, feature.astype(np.int32), threshold, default_left, leaves, out)
    with pytest.raises(ValueError, match="x: expected"):  # integer rows
        trees._compiled_leaves(np.zeros((3, 6), np.int64), depth, feature.astype(np.int32), threshold, default_left,
                               leaves, out)
    with pytest.raises(ValueError, match="threshold"):  # float32 rows, float64 thresholds
        trees._compiled_leaves(np.zeros((3, 6), np.float32), depth, feature.astype(np.int32), threshold,
                               default_left, leaves, out)
    assert ensemble.raw_score(np.array([[0, 0, 0, 0, 0, 1.0]])).tolist() == [2.0]


def _reference_chunk_overlap(ids: np.ndarray) -> float:
    stretches = [set(ids[i:i + F.CHUNK_BIGRAMS].tolist())
                 for i in range(0, len(ids) - F.CHUNK_BIGRAMS + 1, F.CHUNK_BIGRAMS)]
    return float(np.mean([len(a & b) / len(a | b) for a, b in zip(stretches, stretches[1:])]))


def test_chunk_overlap_is_the_mean_jaccard_of_consecutive_stretches():
    rng = np.random.default_rng(5)
    for size in (300, 301, 555, 1234):
        ids = rng.integers(0, 150, size=size).astype(np.int64) * 0x110000 + 0x4E00
        assert np.isclose(F._chunk_overlap(ids), _reference_chunk_overlap(ids))
    assert np.isnan(F._chunk_overlap(np.arange(299, dtype=np.int64)))  # fewer than three stretches


# An article that restates its headline and keeps to its topic, and a page spliced from
# unrelated fragments under a keyword title (written for these tests).
_ARTICLE = ("市图书馆少儿阅览室今天重新开放。重新开放的少儿阅览室增加了绘本区和亲子阅读区，"
            "图书馆负责人说，少儿阅览室的藏书比去年多了三成。少儿阅览室的开放时间也延长到晚上八点，"
            "家长可以下班后带孩子来图书馆读书。图书馆还为少儿阅览室招募了二十名志愿者，"
            "志愿者每周末在阅览室给孩子们讲绘本故事。不少家长说，重新开放的阅览室座位多了，"
            "孩子们在图书馆读书的时间也长了。图书馆负责人介绍，今年少儿阅览室计划再添置两千册新书，"
            "新书由家长和孩子在图书馆的网站上投票选出。少儿阅览室的亲子阅读区每天上午还有阅读课，"
            "阅读课由图书馆的馆员和志愿者轮流主讲，孩子们可以在阅览室借阅绘本带回家读。"
            "图书馆负责人说，少儿阅览室重新开放后的第一周，来阅览室读书的孩子比往年同期多了一倍。")
_SPLICED = ("气象台预计明天起气温下降六到八度，请市民注意添衣保暖。"
            "这家工厂去年的产值比前年增长了两成，新建的厂房年底投入使用。"
            "球队在客场以二比一取胜，主教练赛后表示队员们踢出了水平。"
            "专家提醒，夏季食物容易变质，剩菜应当及时放入冰箱冷藏。"
            "新开通的公交线路连接了火车站和大学城，沿途设有十二个站点。"
            "这部电视剧讲述了三代人在小镇上的生活，播出后收视率一路走高。"
            "考古队在河谷发掘出一批陶器，专家推测距今已有四千多年。"
            "银行下调了存款利率，储户纷纷把钱转向理财产品和国债。"
            "果农今年引进了新品种苹果，亩产提高了将近一半，价格也不错。"
            "航天员出舱完成了设备安装，地面指挥中心宣布任务圆满成功。"
            "小区物业更换了电梯，老人们上下楼方便多了，住户都很满意。"
            "博物馆推出夜场参观，周五和周六晚上延长开放到九点半。")


def _signals(text: str, title: str | None) -> np.ndarray:
    from zhclean.rules.base import Page

    page = Page(text, title=title)
    return F.page_signals(page, F._gram_ids(page._codes, 2, F._in_class(F._class_table()[page._codes], "han")))


def test_page_signals_tell_an_article_from_a_spliced_page(monkeypatch):
    monkeypatch.setattr(F, "CHUNK_BIGRAMS", 40)  # (pages of a few hundred characters)
    article = _signals(_ARTICLE, "少儿阅览室重新开放_本地新闻_某某网")
    spliced = _signals(_SPLICED, "快速赚钱的门路_本地新闻_某某网")
    assert article[0] > 0.8 and spliced[0] == 0.0  # the title's longest part, in the body or not
    assert article[1] > spliced[1] + 0.05  # the article keeps its topic words from stretch to stretch


def test_page_signals_are_unknown_without_a_title_or_on_a_short_page():
    assert np.isnan(_signals(_ARTICLE, None)[0]) and np.isnan(_signals(_ARTICLE, "  ")[0])
    assert np.isnan(_signals(_ARTICLE, "2026-12-07 | www.example.com")[0])  # no Han part
    assert np.isnan(_signals("图书馆今天重新开放。", "图书馆重新开放")[1])
