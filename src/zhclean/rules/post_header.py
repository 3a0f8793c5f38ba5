"""meta.byline: the header or footer line of a blog post or comment: who posted it, when, and
its counts ("# re: 标题 2004-12-27 12:46 网友名", "由某某张贴 @ 2005-03-18 01:28:08 (369) 共 1 篇评论"),
and the lines that mark each post of a thread ("#3", "5楼", "某某 回复了此帖")."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Iterator

import regex

from zhclean.document import Removal
from zhclean.rules.base import HARD, Page, visible_count

#: A date with a time of day: "2004-12-27 12:46", "2005年8月12日16:12:21", "2005/05/17 22:11:42",
#: "2024年5月16日星期四 16点12分".
_DATE_TIME = regex.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*(?:(?:星期|周)[一二三四五六日天]\s*)?"
    r"\d{1,2}(?::\d{2}(?::\d{2})?(?:\s*[ap]m)?|点\d{1,2}分)",
    regex.IGNORECASE,
)
#: A comment's reply or floor mark ("# re:", "#12楼", "回复：", "沙发"), at the line's start.
_COMMENT_MARK = regex.compile(r"^\s*#?\s*(?:re\s*[:：]|\d{1,4}\s*楼|回复\s*[:：]|沙发|板凳|地板)", regex.IGNORECASE)
#: Who posted it: "由某某张贴", "发表于", "posted by", "by 某某", "本贴由…于…发表".
_POSTED = regex.compile(r"张贴|发表于?|发布于?|编辑于|发帖|posted|(?<![a-z])by(?![a-z])", regex.IGNORECASE)
#: What a post header holds besides a name: counts, "发表评论 >>>", image placeholders,
#: posting words, separators.
_FURNITURE = regex.compile(
    r"[(（\[【]\s*(?:阅读|浏览|评论|回复|点击|查看|人气)[^)）\]】\n]{0,24}[)）\]】]"
    r"|(?:阅读|浏览|评论|回复|点击|查看|人气)\s*[:：]?\s*\d+\s*(?:次|条|篇)?"
    r"|共\s*\d+\s*(?:篇|条)?\s*(?:评论|回复)|发表评论|[(（]\d+[)）]"
    r"|\[[\w.-]{1,40}\.(?:gif|jpe?g|png)\]"
    r"|本贴|本帖|张贴|发表于?|发布于?|编辑于|发帖|posted|(?<![a-z])by(?![a-z])|(?<![a-z])re\s*[:：]|\d{1,4}\s*楼|回复|由|于|在"
    r"|[#@\-|·•/:：;；()（）\[\]【】〖〗〓<>»«.\s]",
    regex.IGNORECASE,
)
#: A whole line that marks a post of a thread: its floor ("#3", "5楼", "第5楼"), a reply notice
#: ("某某 回复了此帖", "最后由 某某 回复于 19 天前"), a quote notice ("引用 某某 的帖子："), a
#: relative time ("1 月前") or a like count ("2 个赞").
_THREAD_MARK = regex.compile(
    r"#\d{1,4}|第?\d{1,4}\s*[楼樓]|\S{1,20}\s*回复了(?:此|该)?帖子?|引用\s*\S{1,20}\s*(?:的帖子|发表的)\s*[:：]?"
    r"|最后由\s*\S{1,20}\s*回复于\s*[^\n]{1,12}|\d{1,3}\s*个?月前|\d{1,5}\s*个赞"
    r"|\d[\d,]{0,8}\s*人赞同了(?:该|这个)?(?:回答|文章)"
)
#: Sentence punctuation: a line with any of it left over is prose, not a header.
_PROSE_MARK = regex.compile(r"[。！？!?，,；]")


@dataclass(frozen=True)
class PostHeader:
    """The line above or below a blog post or a comment that says who posted it and when:
    a date with a time of day, with either a reply/floor mark at its start ("# re: 标题
    2004-12-27 12:46 网友名", "#3楼 2008-05-12 10:21 网友名") or a posting word ("由某某张贴
    @ 2005-03-18 01:28:08 (369) 共 1 篇评论 发表评论 >>>", "发表于 2004年12月27日 12:40 -
    (阅读:3727;评论:63)", "本贴由某某于2005年8月12日16:12:21在〖某论坛〗发表.", "编辑于
    2023-03-01 15:45・IP 属地北京"). What is
    left after the date, the counts, the marks and the posting words is a name (and, after
    a reply mark, the post's title): at most `max_rest` characters (`max_rest_reply` after a
    reply mark), without sentence punctuation.
    Must keep: sentences that mention when something was published ("该论文发表于2019年5月3日
    10:00出版的期刊上，引起了广泛关注。": punctuated prose), a post's headline followed by its
    date (no posting word, no reply mark: the headline is content), and the comments
    themselves. Also a whole line (at most `max_mark_chars`) that only marks a post of a
    thread (`_THREAD_MARK`: "#3", "5楼", "某某 回复了此帖", "引用 某某 的帖子：", "1 月前",
    "2 个赞", "12 人赞同了该回答"); as byline anchors they no longer split a thread's replies into blocks. Must
    keep: a sentence that names a floor ("住在5楼的张阿姨说，…")."""

    code: ClassVar[str] = "meta.byline"
    strength: ClassVar[str] = HARD
    max_chars: int = 120
    max_rest: int = 20
    max_rest_reply: int = 50
    max_mark_chars: int = 40

    def find(self, page: Page) -> Iterator[Removal]:
        for line in page.lines:
            if len(line) > self.max_chars:
                continue
            text = line.text
            if len(text) <= self.max_mark_chars and _THREAD_MARK.fullmatch(text.strip()):
                yield Removal(line.start, line.end, self.code, {"match": "thread mark"})
                continue
            date = _DATE_TIME.search(text)
            if date is None:
                continue
            reply = _COMMENT_MARK.search(text) is not None
            if not reply and not _POSTED.search(text):
                continue
            rest = _FURNITURE.sub("", text[:date.start()] + " " + text[date.end():])
            if _PROSE_MARK.search(rest):
                continue
            if visible_count(rest) <= (self.max_rest_reply if reply else self.max_rest):
                yield Removal(line.start, line.end, self.code,
                              {"match": "post header", "rest": rest.strip()[:30]})
