"""The fast paths behind `Page` and the rules give the answers of the plain code they replace.

Each shortcut (one Aho-Corasick scan for all cue sets, separator counts per sentence, the
top 4-gram counted over frequent characters only, the gazetteer coverage by merged spans,
a line that is one sentence, the sentences of a page from one scan, character counts from
running counts, the contact hint found by its parts, the off-topic rule's early exit, code
listings found from their marked lines) is compared with the straightforward version on
hand-written pages and on hypothesis-generated strings of the characters that matter to it.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from zhclean.blocks import _CODE_MARK, _LINK, _code_lines, _latin_line
from zhclean.document import Segment
from zhclean.resources import division_automaton, place_coverage
from zhclean.normalize import normalize
from zhclean.rules.base import Page, han_count, visible_count, word_count
from zhclean.rules.contacts import CONTACT_HINT, contact_hint_starts
from zhclean.rules.off_topic import OffTopicRun
from zhclean.rules.stuffed_page import _top_4gram
from zhclean.segment import split_lines, split_page_sentences, split_sentences
from zhclean.units import GOOD, JUNK, NEUTRAL, SOFT, ContextPolicy, Unit

PAGE = (
    "首页 > 新闻中心 > 正文\n"
    "  格林空调售后服务电话：400-612-8377（点击咨询）  扫码关注我们……\n"
    "\n"
    "2024年5月12日，城南街道积水点整治工程全面完工。记者 张博 摄\n"
    "杭州市、宁波市、温州市、嘉兴市、湖州市/绍兴市|金华市\n"
    "上一篇：暴雨过后  下一篇：积水退去...相关阅读：城市内涝的治理\n"
    "型号 abc、bc"
)
CUE_SETS = (
    ("首页", ">", "上一", "下一"),
    ("年", "月", "-", "/", "."),
    ("服务", "客服", "售后服务", "服务电话"),  # nested cues
    ("ab", "b", "abc", "bc"),  # overlapping cues
    ("相关", "阅读", "相关阅读"),
)
TEXT = st.text(alphabet="ab c。！…\n\t服务客服售后电话年月-/.首页>上一下、，,|", max_size=80)


def _plain_counts(page: Page, chars: str) -> list[int]:
    return [sum(map(page.view_of(s).count, chars)) for s in page.sentences]


def _plain_top_4gram(han: str) -> tuple[str, int]:
    return Counter(han[i:i + 4] for i in range(len(han) - 3)).most_common(1)[0]


def _plain_coverage(text: str) -> float:
    covered = bytearray(len(text))
    for end, length in division_automaton().iter(text):
        covered[end - length + 1:end + 1] = b"\x01" * length
    han = [flag for ch, flag in zip(text, covered) if "\u4e00" <= ch <= "\u9fff"]
    return sum(han) / len(han) if han else 0.0


def _scanned_and_plain(text: str) -> tuple[Page, Page]:
    scanned, plain = Page(text), Page(text)
    scanned.scan_cues(CUE_SETS)
    return scanned, plain


def test_one_scan_finds_the_sentences_of_each_cue_set():
    scanned, plain = _scanned_and_plain(PAGE)
    for cues in CUE_SETS:
        assert scanned.sentences_with(cues) == plain.sentences_with(cues)
        assert scanned.sentences_with(cues)  # the page holds every set
    assert scanned.sentences_with(("整治",)) == plain.sentences_with(("整治",))  # not scanned


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_one_scan_equals_a_scan_per_set(text):
    scanned, plain = _scanned_and_plain(text)
    for cues in CUE_SETS:
        assert scanned.sentences_with(cues) == plain.sentences_with(cues)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="a 、，,/|-。\n\ud800\U0001F600城", max_size=80))
def test_counts_of_equals_str_count(text):
    page = Page(text)
    for chars in ("、，, /|", "/|、-,"):
        assert list(page.counts_of(chars)) == _plain_counts(page, chars)


def test_top_4gram_on_a_stuffed_page_and_on_ties():
    stuffed = "空调维修杭州空调维修宁波空调维修温州空调维修" * 30
    assert _top_4gram(stuffed, 0.15) == _plain_top_4gram(stuffed)
    tie = "甲乙丙丁" * 50 + "戊己庚辛" * 50  # equal counts: the first to occur wins
    assert _top_4gram(tie, 0.15) == _plain_top_4gram(tie) == ("甲乙丙丁", 50)
    assert _top_4gram("城南街道积水点整治工程全面完工" * 30, 0.99) is None  # no character is that frequent


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="甲乙丙丁的了", min_size=4, max_size=200), st.sampled_from([0.05, 0.15, 0.3]))
def test_top_4gram_is_exact_when_the_share_can_pass(han, share):
    expected = _plain_top_4gram(han)
    found = _top_4gram(han, share)
    if 4 * expected[1] / len(han) >= share:
        assert found == expected
    else:
        assert found is None or 4 * found[1] / len(han) < share


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["杭州市", "宁波", "西湖区", "、", "，", "a", "的", "北京市朝阳区"]), max_size=12))
def test_place_coverage_equals_the_per_character_count(parts):
    text = "".join(parts)
    assert place_coverage(text) == _plain_coverage(text)


def test_a_line_without_sentence_ends_is_one_sentence():
    text = "  第一行没有句号  \n第二行。有两句！\n"
    lines = split_lines(text)
    assert [(s.start, s.end, s.text) for s in split_sentences(text, lines[0])] == [(2, 9, "第一行没有句号")]
    assert [s.text for s in split_sentences(text, lines[1])] == ["第二行。", "有两句！"]


@pytest.mark.parametrize("line, sentences", [
    ("如图所示![示意图](https://img.example.com/a.png \"图一\")后面还有话。结束了！",
     ["如图所示![示意图](https://img.example.com/a.png \"图一\")后面还有话。", "结束了！"]),
    ("![](https://img.example.org/pic/640?wx_fmt=png)",
     ["![](https://img.example.org/pic/640?wx_fmt=png)"]),
    ("详见[说明页](https://www.example.com/about?title=说明)。下一句？",
     ["详见[说明页](https://www.example.com/about?title=说明)。", "下一句？"]),
    ("原文地址：https://www.example.com/s?id=12&from=home。真的吗?是的!",
     ["原文地址：https://www.example.com/s?id=12&from=home。", "真的吗?", "是的!"]),
])
def test_links_and_urls_are_not_cut_at_their_punctuation(line, sentences):
    """The "!" of an image link and the "?" of a query string are not sentence ends."""
    (seg,) = split_lines(line)
    assert [s.text for s in split_sentences(line, seg)] == sentences


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "城", "。", "!", "?", ";", "；", "…", ".", "\"", "”", ")", "】", " ", "\t",
                                 "\n", "\r", "\u3000", "\x0b", "\x85", "\u2028", "[", "]", "(", "![图](", "](",
                                 "http://e.cn/a?b=1", " \"t\")"]), max_size=60).map("".join))
def test_page_sentences_from_one_scan_equal_line_by_line(text):
    lines = split_lines(text)
    assert split_page_sentences(text, lines) == [s for line in lines for s in split_sentences(text, line)]
    long_line = "城" * 2500 + "。  " + "a" * 10 + "\n" + text
    lines = split_lines(long_line)
    assert split_page_sentences(long_line, lines) == [s for line in lines for s in split_sentences(long_line, line)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="a城們〇㐀𠀀豈あアㄱ가 \t\n\u3000\x0b\x1c\x85\u200b\ufeff\ud800。,", max_size=60), st.data())
def test_page_counts_equal_the_counts_of_the_text(text, data):
    page = Page(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    span = text[start:end]
    assert page.han_count(start, end) == han_count(span)
    assert page.word_count(start, end) == word_count(span)
    assert page.visible_count(start, end) == visible_count(span)


def _plain_code_lines(units: list[Unit], policy: ContextPolicy) -> list[bool]:
    """Every run of Latin lines, judged by its share of marked lines."""
    lines: list[list[int]] = []
    for k, u in enumerate(units):
        if lines and units[lines[-1][0]].seg.line == u.seg.line:
            lines[-1].append(k)
        else:
            lines.append([k])
    texts = [" ".join(units[k].seg.text for k in line) for line in lines]
    latin = [all(units[k].state in (NEUTRAL, SOFT) for k in line) and _latin_line(text, policy)
             for line, text in zip(lines, texts)]
    out = [False] * len(units)
    i = 0
    while i < len(lines):
        end = i
        while end < len(lines) and latin[end]:
            end += 1
        marked = sum(1 for text in texts[i:end] if _CODE_MARK.search(_LINK.sub(" ", text)))
        if marked and 3 * marked >= end - i:
            for line in lines[i:end]:
                out[line[0]:line[-1] + 1] = [True] * len(line)
        i = max(end, i + 1)
    return out


CODE_PIECES = ["a=b", "ls -la", "f(x)", "// note", " /* c", "x &&", "$HOME", "{", "run it", "ok", "-",
               "[link](u=1)", "http://a.cn/?b=1", "echo 'a;b'", "城市", "\"中文;\"", "中文的句子，很长。", " "]


def _units_of(lines: list[str]) -> list[Unit]:
    units, pos = [], 0
    for number, text in enumerate(lines):
        units.append(Unit(Segment(pos, pos + len(text), text, number), NEUTRAL))
        pos += len(text) + 1
    return units


def test_code_lines_need_a_third_of_a_run_marked():
    policy = ContextPolicy()
    third = _units_of(["城市的新闻稿件。", "ls -la", "run it", "ok", "中文的句子，很长。"])
    assert _code_lines(third, policy) == _plain_code_lines(third, policy) == [False, True, True, True, False]
    quarter = _units_of(["a=b", "ok", "run it", "ok"])
    assert _code_lines(quarter, policy) == _plain_code_lines(quarter, policy) == [False] * 4
    spanning = _units_of(["[link](u)", "// note", "ok"])  # a link line becomes blank: "^\\s*//" spans two lines
    assert _code_lines(spanning, policy) == _plain_code_lines(spanning, policy) == [False, True, True]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(CODE_PIECES), st.sampled_from(CODE_PIECES), st.booleans(),
                          st.sampled_from([NEUTRAL, NEUTRAL, SOFT, GOOD, JUNK])), min_size=1, max_size=14))
def test_code_lines_from_marked_lines_equal_every_run_judged(parts):
    units, line, pos = [], 0, 0
    for first, second, new_line, state in parts:
        text = (first + second).strip() or "x"
        units.append(Unit(Segment(pos, pos + len(text), text, line), state))
        pos, line = pos + len(text) + 1, line + new_line
    policy = ContextPolicy()
    assert _code_lines(units, policy) == _plain_code_lines(units, policy)


class _OffTopicWithoutExit(OffTopicRun):
    def _may_qualify(self, page, untitled, evidence):
        return True


OFF_TOPIC_PIECES = [
    "昨天下午，城东花园小区一部电梯突然发生故障，三名居民被困。",
    "消防救援人员十分钟内赶到现场，被困居民全部安全脱困。",
    "春天来了，院子里的桃花开得正艳，奶奶总爱搬一把竹椅坐在树下晒太阳，一边择菜一边哼着小曲。",
    "那些曲子调子悠长，像村口那条慢慢流淌的小河，后来我离开家乡去外地读书，每次打电话回去她总要问我。",
    "老屋门前的石榴树结满了果子，秋风一吹，红彤彤的灯笼挂满枝头，孩子们踮着脚尖伸手去够。",
    "喜欢这篇文章的朋友请点赞关注我们！",
    "咨询电话：13812345678",
    "物业表示将尽快更换老旧电梯。",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(OFF_TOPIC_PIECES), min_size=1, max_size=14), st.booleans())
def test_off_topic_early_exit_changes_nothing(pieces, lines):
    text = ("\n" if lines else "").join(pieces)
    page, plain = Page(text, "城东小区电梯故障困住居民 消防救援"), Page(text, "城东小区电梯故障困住居民 消防救援")
    assert list(OffTopicRun().find(page)) == list(_OffTopicWithoutExit().find(plain))


def test_off_topic_early_exit_on_the_rule_cases():
    cases = Path(__file__).parent / "cases" / "spam.off_topic.jsonl"
    fired = 0
    for line in cases.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        text = normalize(case["text"])
        found = list(OffTopicRun().find(Page(text, case.get("title"))))
        assert found == list(_OffTopicWithoutExit().find(Page(text, case.get("title"))))
        fired += bool(found)
    assert fired  # the cases hold spliced stories


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="0123456789 -–·qvxw信号扣企鹅微公众@a城。\n", max_size=80))
def test_contact_hint_starts_equal_the_alternation(text):
    assert contact_hint_starts(text) == [m.start() for m in CONTACT_HINT.finditer(text)]


#: Pages where what stands right before a span matters to the patterns' look-behinds ("准备"
#: before "立即购买", a Han character before "编辑：", a digit or letter before a number).
LOOKBEHIND_PAGES = (
    "准备立即购买这款。点击咨询(点击咨询)欢迎转发分享到朋友圈！本报记者 张三 编辑：李四\n来源：某某日报，",
    "如扫描二维码关注我们。联系电话13812345678，qq：12345678 微信号: kefu_2024 邮箱 a@b.com 点我报名",
    "服务热线400-820-3721（微信同号）…本文来源：某网，（记者 王五）戳这里，免费领取 a13812345678",
)
#: Characters the CTA, byline and contact patterns turn on, for generated pages.
LOOKBEHIND_TEXT = st.text(alphabet="准备立即购买点击咨询()（）扫描二维码关注我们编辑：:来源本报记者 张三4008203721微信号kefu@b.c，。\n",
                          max_size=60)


def _windows(n: int) -> list[tuple[int, int]]:
    return [(i, j) for i in range(n) for j in range(i + 1, n + 1)]


def _spans_kept_by_text_equal_page_scans(text: str) -> None:
    from zhclean.rules.byline import BYLINE, BYLINE_LOOKBEHIND, _byline_spans
    from zhclean.rules.contacts import CONTACT_LOOKBEHIND, find_contacts, span_contacts
    from zhclean.rules.cta import CTA, CTA_LOOKBEHIND, _clause_end, cta_spans
    view = Page(text).view
    for i, j in _windows(len(view)):
        assert [(i + a, i + b) for a, b in cta_spans(view[i:j], view[max(0, i - CTA_LOOKBEHIND):i])] == \
            [(m.start(), _clause_end(view[:j], m)) for m in CTA.finditer(view, i, j)]
        assert [(i + a, i + b) for a, b in _byline_spans(view[i:j], view[max(0, i - BYLINE_LOOKBEHIND):i])] == \
            [m.span() for m in BYLINE.finditer(view, i, j) if m.end() - m.start() >= 2]
        assert [(i + c.start, i + c.end, c.kind, c.text)
                for c in span_contacts(view[i:j], view[max(0, i - CONTACT_LOOKBEHIND):i])] == \
            [(c.start, c.end, c.kind, c.text) for c in find_contacts(view, i, j)]


@pytest.mark.parametrize("text", LOOKBEHIND_PAGES)
def test_spans_kept_by_text_equal_a_scan_of_the_page(text):
    """`cta_spans`, `_byline_spans` and `span_contacts` read a span's view and the characters
    before it that the patterns' look-behinds see, nothing else (every span of the page)."""
    _spans_kept_by_text_equal_page_scans(text)


@settings(max_examples=100, deadline=None)
@given(LOOKBEHIND_TEXT)
def test_spans_kept_by_text_equal_a_scan_of_generated_pages(text):
    _spans_kept_by_text_equal_page_scans(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="a城們あア 。，,\n\t8", max_size=80))
def test_sentence_arrays_equal_the_counts_of_each_sentence(text):
    page = Page(text)
    assert page.sentence_lengths.tolist() == [len(s) for s in page.sentences]
    assert page.sentence_han.tolist() == [han_count(s.text) for s in page.sentences]
    assert page.sentence_words.tolist() == [word_count(s.text) for s in page.sentences]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="城市空调维修电话。！…”a1 \n|", max_size=120))
def test_title_like_sentences_equal_the_test_of_each(text):
    from zhclean.rules.seo_title import SeoTitle
    page, rule = Page(text), SeoTitle()
    assert rule._title_like_sentences(page) == [rule._title_like(s, page) for s in page.sentences]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="城市区路号12.3-vCVE ：:人元米m٣", max_size=40))
def test_is_data_equals_its_four_patterns(text):
    from zhclean.blocks import _DATA, _PLACE, _VERSION, FIELD_ROW, _is_data
    plain = text.strip()
    assert _is_data(text) == (bool(FIELD_ROW.match(plain)) or bool(_DATA.fullmatch(plain))
                              or bool(_VERSION.search(plain)) and word_count(plain) <= 6
                              or bool(_PLACE.search(plain)) and word_count(plain) <= 20)


def _lookbehind_widths(pattern: str) -> list[int | None]:
    """The most characters each look-behind of `pattern` can read (None where a quantifier
    leaves it unbounded or this small reader does not follow it). It reads literals, escapes,
    ``\\p{…}``, character classes, alternation and nested groups: what the rules' look-behinds
    are made of."""
    def width(body: str, i: int = 0, stop: str = "") -> tuple[int | None, int]:
        best, n = 0, 0
        while i < len(body) and body[i] != stop:
            c = body[i]
            if c == "|":
                best, n, i = max(best, n), 0, i + 1
                continue
            if c == "[":
                j = i + 1 + (body[i + 1] == "^")
                j += body[j] == "]"  # a ']' first in the class is a member
                while body[j] != "]":
                    j += 2 if body[j] == "\\" else 1
                i = j + 1
            elif c == "\\":
                i = body.index("}", i) + 1 if body[i + 1] in "pP" and body[i + 2] == "{" else i + 2
            elif c == "(":
                j = i + 1
                if body.startswith("?:", j):
                    j += 2
                elif body.startswith("?", j):
                    return None, i  # a look-around inside: not followed
                inner, i = width(body, j, ")")
                if inner is None:
                    return None, i
                n += inner
                i += 1
                continue
            elif c in "*+?{":
                return None, i
            else:
                i += 1
            n += 1
        return max(best, n), i

    out = []
    for m in regex.finditer(r"\(\?<[=!]", pattern):
        out.append(width(pattern, m.end(), ")")[0])
    return out


def test_lookbehinds_stay_within_what_the_text_caches_pass():
    """`cta_spans`, `_byline_spans` and `span_contacts` are given as many characters before a
    span as their patterns' look-behinds read: a pattern that looks further back needs its
    constant raised (or the cache would answer for a different context)."""
    from zhclean.rules.byline import BYLINE, BYLINE_LOOKBEHIND
    from zhclean.rules.contacts import (CONTACT_LOOKBEHIND, EMAIL, PHONE_CANDIDATE, QQ, WECHAT,
                                        WECHAT_SAME_NUMBER)
    from zhclean.rules.cta import CTA, CTA_LOOKBEHIND
    for pattern, limit in ((CTA, CTA_LOOKBEHIND), (BYLINE, BYLINE_LOOKBEHIND), (PHONE_CANDIDATE, CONTACT_LOOKBEHIND),
                           (QQ, CONTACT_LOOKBEHIND), (WECHAT, CONTACT_LOOKBEHIND), (EMAIL, CONTACT_LOOKBEHIND),
                           (WECHAT_SAME_NUMBER, CONTACT_LOOKBEHIND)):
        widths = _lookbehind_widths(pattern.pattern)
        assert None not in widths and max(widths, default=0) <= limit, (pattern.pattern[:60], widths, limit)
    assert _lookbehind_widths(r"(?<=\d日电|[网报社]讯)a(?<![^\s，,])(?<!如|例如)(?<=x+)") == [3, 1, 2, None]
