"""Cross-page repeated lines: templates, page counts, bounded memory, removals with evidence."""
from __future__ import annotations

import pytest

from dedup_pages import LIBRARY, STORY
from zhclean.config import DedupConfig
from zhclean.dedup.repeated_lines import CODE, LineCounter, line_template

FOOTERS = [
    "朗瑞空调售后服务电话：400-{:03d}-4567（点击咨询）",
    "返回搜狐，查看更多",
    "（{}）关注我们，获取更多本地资讯",
]


def page(k: int, body: str) -> str:
    return "\n".join([FOOTERS[0].format(k), body, FOOTERS[1], FOOTERS[2].format("一二三四五"[k % 5])])


def corpus(n: int) -> list[str]:
    """Pages of different articles (two sentences each, one of them only on that page)
    between the same footers."""
    sentences = STORY + LIBRARY
    return [page(k, sentences[k % len(sentences)] + chr(0x4E00 + 37 * k) + sentences[(k + 5) % 18]
                 + "\n" + sentences[(k + 9) % len(sentences)]) for k in range(n)]


@pytest.mark.parametrize("a, b", [
    ("朗瑞空调售后服务电话400-123-4567", "佳美空调售后服务电话 800-765-4321"),
    ("（三）加强组织领导", "3. 加强组织领导"),
    ("第12条 附则", "第4条　附则"),
    ("①返回搜狐，查看更多", "返回搜狐,查看更多"),
    ("点击下载ZhiHu App", "点击下载Weibo App"),
])
def test_templates_mask_digits_brands_latin_names_and_enumerators(a, b):
    assert line_template(a) == line_template(b)


@pytest.mark.parametrize("a, b", [
    ("青川县启动饮水改造工程", "青川县启动道路改造工程"),
    ("Powered by WordPress", "Powered by Drupal"),  # a Latin line keeps its words
])
def test_templates_keep_what_makes_a_line_different(a, b):
    assert line_template(a) != line_template(b)


def test_lines_on_many_pages_are_marked_with_their_page_count():
    pages = corpus(12)
    counter = LineCounter(DedupConfig(repeated_line_min_pages=10))
    counter.add_many(pages)
    assert counter.pages == 12 and counter.forgotten == 0
    text = pages[3]
    removals = counter.removals(text)
    marked = [text[r.start:r.end] for r in removals]
    assert marked == [FOOTERS[0].format(3), FOOTERS[1], FOOTERS[2].format("四")]
    assert all(r.code == CODE and r.detail["page_count"] == 12 and r.detail["min_pages"] == 10
               and 6 <= r.detail["contexts"] <= 12 for r in removals)
    assert not any(sentence in marked for sentence in STORY + LIBRARY)


def test_a_line_repeated_within_one_page_counts_once_but_is_marked_everywhere():
    counter = LineCounter(DedupConfig(repeated_line_min_pages=3))
    counter.add_many(["返回搜狐，查看更多\n" * 5 + STORY[0], STORY[1]])
    assert counter.page_count("返回搜狐，查看更多") == 1
    counter.add_many(["返回搜狐，查看更多", "返回搜狐，查看更多\n" + STORY[2]])
    text = "返回搜狐，查看更多\n正文\n 返回搜狐，查看更多 "
    assert [(r.start, r.end) for r in counter.removals(text)] == [(0, 9), (14, 23)]


def test_short_lines_are_never_marked():
    counter = LineCounter(DedupConfig(repeated_line_min_pages=2, repeated_line_min_chars=4))
    counter.add_many(["图片\n" + STORY[k] for k in range(5)])
    assert counter.removals("图片\n" + STORY[0]) == ()


def test_counts_do_not_depend_on_page_order_or_partitioning():
    pages = corpus(30)
    one = LineCounter(DedupConfig(repeated_line_min_pages=5))
    one.add_many(pages)
    parts = [LineCounter(DedupConfig(repeated_line_min_pages=5)) for _ in range(3)]
    for k, text in enumerate(reversed(pages)):
        parts[k % 3].add(text)
    merged = parts[0]
    merged.merge(parts[1])
    merged.merge(parts[2])
    assert merged.pages == 30
    assert all(one.removals(t) == merged.removals(t) for t in pages)


def test_memory_is_bounded_and_overflow_only_forgets(monkeypatch):
    from zhclean.dedup import repeated_lines

    monkeypatch.setattr(repeated_lines, "FLUSH", 64)
    counter = LineCounter(DedupConfig(repeated_line_min_pages=10, repeated_line_capacity=1024))
    for k in range(3000):  # 3000 unique lines plus one footer on every page
        unique = chr(0x4E00 + k) + chr(0x5E00 + k)  # two different Han characters per page
        counter.add(f"通知：{unique}小区本周停水检修，请居民提前储水\n返回搜狐，查看更多")
    assert counter.forgotten > 0
    assert len(counter._keys) <= 1024 and counter.memory_bytes <= 1024 * 76 + 64 * 24
    assert counter.page_count("返回搜狐，查看更多") == 3000  # the frequent line survives


def test_an_article_reposted_on_many_pages_is_not_boilerplate():
    """Its paragraphs repeat in one context (each other); the site footers around it vary."""
    sites = [f"第{k}号站点：欢迎访问本站，更多精彩内容请关注我们的公众号{chr(0x4E00 + k)}{chr(0x5E00 + k)}"
             for k in range(15)]
    reposts = [f"{site}\n" + "\n".join(STORY) for site in sites]
    others = corpus(15)
    counter = LineCounter(DedupConfig(repeated_line_min_pages=10))
    counter.add_many(reposts + others)
    assert counter.page_count(STORY[5]) >= 15
    article_lines = {r.start for r in counter.removals(reposts[0])}
    assert article_lines == set()  # nothing of the article is cut
    marked = [others[3][r.start:r.end] for r in counter.removals(others[3])]
    assert FOOTERS[1] in marked  # while the footer of the other pages is
