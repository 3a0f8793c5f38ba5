"""spam.hotline: segments whose point is a service number or contact ID."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import regex

from zhclean.document import Removal, Segment
from zhclean.rules.base import HARD, Page, ends_sentence, han_count
from zhclean.rules.contacts import CONTACT_CUE, CONTACT_HINT

SERVICE_KINDS = ("shared_cost", "toll_free")
#: A line that announces a contact block ("附：客服联系方式：", "商务合作：").
CONTACT_HEADER = regex.compile(r"(?:客服|联系|咨询|服务|售后|报修|投诉)(?:联系)?(?:方式|电话|热线|qq|微信)\s*[:：]?\s*$|^商务合作\s*[:：]?\s*$")
TRIGGER = regex.compile(r"联系方式|联系电话|服务热线|客服热线|商务合作|" + CONTACT_HINT.pattern)


@dataclass(frozen=True)
class HotlineSegment:
    """A sentence or line that carries a 400/800 number, a mobile, a QQ/WeChat ID, or a
    landline next to hotline words, and little else.

    Catches: "24小时服务热线 400-186-5909", "客服微信：kefu2024", "联系电话:13812345678".
    Must keep: a long article sentence that quotes a number ("可拨打12315投诉",
    "可在工作日拨打图书馆服务电话0571-86012345反映"): when what remains around the number is
    `max_other_han` Han characters or more and reads as a sentence, the segment is prose.
    Also a short line that only announces a contact block ("附：客服联系方式：").
    Thresholds: chosen on hand-written cases; a news sentence quoting a number runs to 25+
    Han characters around it.
    """

    code: ClassVar[str] = "spam.hotline"
    strength: ClassVar[str] = HARD
    trigger: ClassVar[regex.Pattern | None] = TRIGGER
    max_other_han: int = 25
    max_other_han_service: int = 40
    max_header_chars: int = 20

    def check(self, seg: Segment, page: Page) -> Removal | None:
        contacts = page.contacts(seg.start, seg.end)
        if not contacts:
            if len(seg) <= self.max_header_chars and (m := CONTACT_HEADER.search(page.view_of(seg))):
                return Removal(seg.start, seg.end, self.code, {"contact_header": m[0]})
            return None
        kinds = {c.kind for c in contacts}
        rest = seg.text
        for c in reversed(contacts):
            rest = rest[: c.start - seg.start] + rest[c.end - seg.start:]
        other = han_count(rest)
        cue = CONTACT_CUE.search(page.view_of(seg))
        service = bool(kinds & set(SERVICE_KINDS)) or kinds & {"qq", "wechat"}
        limit = self.max_other_han_service if service else self.max_other_han
        if kinds == {"fixed_line"} and not cue:
            return None
        if kinds == {"email"} and not cue:
            return None
        prose = ends_sentence(seg.text) and other >= limit // 2 and len(contacts) == 1
        if other < limit and not (prose and not service) or len(contacts) >= 3:
            return Removal(seg.start, seg.end, self.code,
                           {"contacts": [c.text for c in contacts][:5], "types": sorted(kinds)})
        return None
