"""Segment rules declared `local` (their `check` reads the sentence alone, see
`zhclean.rules.base.SegmentRule`): the cleaner reuses their answers by sentence text and view,
from page to page and across the fixpoint's passes. A rule that starts reading something else of
the page (a neighbour, its line, a page-wide count, the title) must drop the declaration; these
tests catch it when a sentence then answers differently on two pages.

The sentences are those of the rule cases (`tests/cases/*.jsonl`), each judged on its own page
and inside pages that differ around it: contacts, breadcrumbs and pagers on other lines, a
title, a flat page (no line breaks), a fenced code block.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhclean import Cleaner
from zhclean.document import Removal, Segment
from zhclean.normalize import normalize
from zhclean.rules import SEGMENT_RULES
from zhclean.rules.base import Page

CASES_DIR = Path(__file__).parent / "cases"
EXAMPLES = Path(__file__).parents[1] / "examples" / "pages.jsonl"

LOCAL_RULES = [cls for cls in SEGMENT_RULES if getattr(cls, "local", False)]
assert LOCAL_RULES, "no segment rule is declared local: these tests test nothing"

#: Surroundings that change what a non-local rule could read: (prefix, suffix, title, glue).
#: `glue` joins the case's lines (a wide gap makes a flat page of one line, its sentences cut
#: the same).
_SURROUNDINGS = [
    ("服务热线：400-123-4567\n首页 > 新闻中心 > 正文\n", "\n上一篇：春天的故事\n下一篇：夏天的故事\n1 2 3 4 5 下一页", "新闻中心 - 示例网", "\n"),
    ("这一段是文章的开头，讲的是一件平常的事情。" * 12 + "  ", "  " + "他说完就走了，留下我们几个在原地等待消息。" * 8, None, "  "),
    ("咨询电话：58036001\n咨询电话：58036002\n咨询电话：58036003\n咨询电话：58036004\n", "\n客服电话：58036005\n客服电话：58036006\n客服电话：58036007\n客服电话：58036008", None, "\n"),
    ("隐私政策 | 用户协议 | 联系我们\n", "\n版权所有 © 2024 示例公司 保留所有权利。", "示例", "\n"),
    ("下面是这次用到的命令：\n```\n", "\n```\n命令执行完以后，再检查一遍输出。", None, "\n"),  # inside a code fence
]


def _case_texts() -> list[str]:
    texts = []
    for path in sorted(CASES_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(normalize(json.loads(line)["text"]))
    return texts


TEXTS = _case_texts()


def _relative(removal: Removal | None, seg: Segment):
    if removal is None:
        return None
    return (removal.start - seg.start, removal.end - seg.start, removal.code, dict(removal.detail))


def _key(rule, seg: Segment, page: Page):
    return rule.local_key(seg, page) if hasattr(rule, "local_key") else None


@pytest.mark.parametrize("cls", LOCAL_RULES, ids=lambda cls: cls.__name__)
def test_local_rule_answers_the_same_on_other_pages(cls):
    rule = cls()
    compared = hits = 0
    for text in TEXTS:
        alone = Page(text)
        answers = {(s.start, s.text, _key(rule, s, alone)): _relative(rule.check(s, alone), s) for s in alone.sentences}
        for prefix, suffix, title, glue in _SURROUNDINGS:
            body = text.replace("\n", glue)
            page = Page(prefix + body + suffix, title)
            offset = len(prefix)
            for seg in page.sentences:
                key = (seg.start - offset, seg.text, _key(rule, seg, page))
                if key not in answers:
                    continue  # a sentence cut differently here, one of the surroundings, or
                    # one whose `local_key` (what else the rule reads) differs here
                mine = _relative(rule.check(seg, page), seg)
                assert mine == answers[key], (cls.__name__, seg.text, title, glue)
                compared += 1
                hits += mine is not None
    assert compared > 100 and hits > 0, (compared, hits)


def test_reused_answers_change_nothing(monkeypatch):
    """The cleaner's output is the same with every rule asked afresh about every sentence."""
    pages = [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    pages = [p for p in pages if isinstance(p.get("text"), str)]  # (the examples hold malformed rows too)
    pages += [{"text": text + "\n" + text} for text in TEXTS[::5]]  # repeated sentences on a page
    reused = [Cleaner()(p["text"], p.get("title")) for p in pages]
    for cls in LOCAL_RULES:
        monkeypatch.setattr(cls, "local", False)
    fresh = [Cleaner()(p["text"], p.get("title")) for p in pages]
    for a, b in zip(reused, fresh):
        assert (a.text, a.removals, a.metadata) == (b.text, b.removals, b.metadata)

