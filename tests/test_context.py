"""Context decisions on hand-built removals (`zhclean.context`)."""
from __future__ import annotations

from zhclean.context import decide
from zhclean.document import Removal
from zhclean.rules.base import Page


def test_overlapping_removals_count_once_toward_a_units_coverage():
    """Two removals over the same 12 characters of a 44-character sentence cover 12 of them,
    not 24: the sentence is not junk (junk_share 0.5), so the heading above it does not go
    as a line "between spam" and the page's edge."""
    heading = "作者自述"
    sentence = "这是一个由作者自己写成的完整句子，其中前面有十二个字被两条规则同时标记为可疑内容而已。"
    text = heading + "\n" + sentence
    at = len(heading) + 1
    hard = [Removal(at, at + 12, "spam.cta"), Removal(at, at + 12, "boilerplate.footer")]
    assert 12 / len(sentence) < 0.5 < 24 / len(sentence)
    removed = {(r.start, r.end) for r in decide(Page(text), hard, {})}
    assert removed == {(at, at + 12)}


def test_a_sentence_introducing_a_url_is_prose():
    """"…文档：https://…" introduces the URL like "…如下：" introduces a list."""
    from zhclean.context import _is_prose
    from zhclean.units import ContextPolicy

    policy = ContextPolicy()
    assert _is_prose("这个插件对应的官方配置说明文档：https://docs.example.com/guide?id=12&lang=zh", policy)
    assert not _is_prose("这个插件对应的官方配置说明文档 https://docs.example.com/guide?id=12", policy)
