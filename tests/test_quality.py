"""Document filters: each catches its case, keeps its negative, and reports value + threshold."""
from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from zhclean.config import FilterConfig
from zhclean.quality import (DocText, DocumentFilters, DuplicatedLines, FewTerminalPunct,
                             LowHanShare, MostlyJunk, RepeatedNgrams, TooShort, TopNgram,
                             build_filters)

ARTICLE = "\n".join([
    "入冬以来，家住城南的退休教师每天傍晚都会沿着河边走上一圈，河水比三年前清澈了许多。",
    "据市水务局介绍，这条河全长二十三公里，流经四个街道，沿岸共有七个居民小区。",
    "二〇二二年起，当地先后关停沿河排污口四十七个，新建污水管网六十余公里。",
    "问：治理过程中最难的是什么？",
    "答：最难的是老城区的雨污分流，那里的管道大多铺设于上世纪八十年代，图纸缺失。",
    "副局长表示，下一步将建立河长巡查制度，市民发现排污问题可拨打热线反映。",
])


def check(f, text, removed_share=0.0):
    doc = DocText(text, removed_share)
    value = f.measure(doc)
    return value, f.check(doc, value)


def test_a_real_article_passes_every_default_filter():
    features, rejection = DocumentFilters()(ARTICLE)
    assert rejection is None
    assert features["han_share"] > 0.8 and features["chars"] >= 200


def test_too_short():
    value, removal = check(TooShort(200), "短消息。")
    assert removal.code == "doc.too_short"
    assert removal.detail == {"feature": "chars", "value": 4.0, "threshold": 200}
    assert check(TooShort(200), ARTICLE)[1] is None


#: A complete news story of three short paragraphs (about 120 characters): genuine, and kept.
SHORT_STORY = "\n".join([
    "城西社区食堂今天正式开业，首批为辖区六十岁以上老人提供午餐和晚餐。",
    "社区负责人介绍，食堂每天供应两荤两素一汤，老人凭卡用餐可享受八折优惠。",
    "开业当天，不少老人早早来到食堂排队，有老人说，以后不用再为做饭发愁了。",
])


def test_the_default_length_keeps_a_short_story_and_drops_a_stub():
    """`min_chars` comes from the labelled pages (bench/too_short.py): a short story of a few
    sentences is kept by every default filter; a headline alone is a stub."""
    assert 100 < len(re.sub(r"\s", "", SHORT_STORY)) < 200
    assert DocumentFilters()(SHORT_STORY)[1] is None
    assert DocumentFilters()("城西社区食堂今天正式开业")[1].code == "doc.too_short"
    assert FilterConfig().min_chars == TooShort().min_chars == 80


def test_low_han_share():
    code = "def main():\n    return [x * 2 for x in range(10)]  # 计算\n" * 5
    assert check(LowHanShare(0.3), code)[1].code == "doc.low_han_share"
    assert check(LowHanShare(0.3), ARTICLE + "\nGDP 增长 5.2%，CPI 上涨 0.3%。")[1] is None


def test_few_terminal_punct():
    keywords = "\n".join(["空调维修", "热水器售后", "燃气灶安装", "冰箱清洗", "洗衣机保养"] * 3)
    assert check(FewTerminalPunct(0.106), keywords)[1].code == "doc.few_terminal_punct"
    headed = "清水河治理三年见成效\n" + ARTICLE
    assert check(FewTerminalPunct(0.106), headed)[1] is None


def test_duplicated_lines():
    repeated = "\n".join(["点击咨询，专业维修，上门服务。"] * 6 + ARTICLE.split("\n")[:2])
    value, removal = check(DuplicatedLines(0.287), repeated)
    assert removal.code == "doc.duplicated_lines" and value == 0.625
    assert check(DuplicatedLines(0.287), ARTICLE + "\n问：还有别的吗？\n问：还有别的吗？")[1] is None


def test_top_ngram_catches_keyword_stuffing():
    stuffed = "格林空调" * 50 + ARTICLE
    value, removal = check(TopNgram(2, 0.20), stuffed)
    assert removal.code == "doc.top_ngram" and removal.detail["n"] == 2
    assert check(TopNgram(2, 0.20), ARTICLE)[0] < 0.05


def test_repeated_ngrams_catches_a_pasted_paragraph():
    para = ARTICLE.split("\n")[0]
    value, removal = check(RepeatedNgrams(13, 0.5), "\n".join([para] * 4))
    assert removal.code == "doc.repeated_ngrams" and value > 0.9
    quoted = ARTICLE + "\n" + ARTICLE.split("\n")[1]
    assert check(RepeatedNgrams(13, 0.5), quoted)[1] is None


def test_mostly_junk_is_opt_in():
    assert all(not isinstance(f, MostlyJunk) for f in build_filters(FilterConfig()))
    features, rejection = DocumentFilters()(ARTICLE, removed_share=0.8)
    assert rejection is None and features["removed_share"] == 0.8
    features, rejection = DocumentFilters(FilterConfig(max_removed_share=0.5))(ARTICLE, 0.8)
    assert rejection.code == "doc.mostly_junk"


def test_config_switches_filters_off():
    assert build_filters(FilterConfig(enabled=False)) == ()
    names = {type(f).__name__ for f in build_filters(FilterConfig(min_han_share=0, max_top_ngram_share=()))}
    assert "LowHanShare" not in names and "TopNgram" not in names and "TooShort" in names


def test_first_failing_filter_is_the_reason_and_all_are_measured():
    features, rejection = DocumentFilters()("短。")
    assert rejection.code == "doc.too_short"
    assert {"han_share", "terminal_punct_share", "top_2gram_share", "repeated_13gram_share"} <= set(features)


def test_catalogue_lists_every_filter_once_with_a_doc_code():
    import inspect

    from zhclean import quality

    defined = {obj for _, obj in inspect.getmembers(quality, inspect.isclass)
               if obj.__module__ == quality.__name__ and hasattr(obj, "code")}
    assert set(quality.CATALOGUE) == defined
    codes = [f.code for f in quality.CATALOGUE]
    assert len(set(codes)) == len(codes) and all(c.startswith("doc.") for c in codes)
    order = [type(f) for f in build_filters(FilterConfig(max_removed_share=0.5))]
    assert sorted(set(order), key=order.index) == list(quality.CATALOGUE)


def test_repeated_values_matches_a_full_count():
    import numpy as np

    from zhclean.quality import repeated_values

    rng = np.random.default_rng(0)
    for n, distinct in [(1, 3), (2, 1), (100, 30), (5000, 4000), (5000, 2**62)]:
        values = rng.integers(0, distinct, n).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
        assert (repeated_values(values) == (counts[inverse] > 1)).all()


def test_a_flattened_article_counts_as_punctuated():
    flattened = ARTICLE.replace("\n", "")[:-1] + "以及更多内容"  # one line, cut mid-sentence
    assert check(FewTerminalPunct(0.106), flattened)[1] is None
    assert check(FewTerminalPunct(0.106), "空调维修 热水器售后 燃气灶安装。")[1] is None
    assert check(FewTerminalPunct(0.106), "空调维修 热水器售后 燃气灶安装")[1] is not None


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_doc_views_match_their_string_definitions(text):
    """The lookup tables behind `codepoints` and `word_codepoints` agree with `str.split`
    (spaces dropped) and with `[\\W_]` removal (letters and digits kept)."""
    doc = DocText(text)
    assert doc.codepoints.tobytes().decode("utf-32-le") == "".join(text.split())
    assert doc.word_codepoints.tobytes().decode("utf-32-le") == re.sub(r"[\W_]+", "", text)
    assert doc.lines == [line.strip() for line in text.split("\n") if line.strip()]
