"""spam.hotline: segments whose point is a service number or contact ID."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import regex

from zhclean.document import Removal, Segment
from zhclean.rules.base import HARD, Page, ends_sentence, han_count, reads_as_prose
from zhclean.rules.contacts import CONTACT_CUE, CONTACT_HINT, Contact

SERVICE_KINDS = ("shared_cost", "toll_free")
#: A line that announces a contact block ("附：客服联系方式：", "商务合作：").
CONTACT_HEADER = regex.compile(r"(?:客服|联系|咨询|服务|售后|报修|投诉)(?:联系)?(?:方式|电话|热线|qq|微信)\s*[:：]?\s*$|^商务合作\s*[:：]?\s*$")
#: An address given as contact info: the line opens with the address label and names another
#: contact field after it (matched at the segment start: "地址：…号 邮编：201203", "公司地址：…  电话：…", "联系地址：… 联系人：李先生").
ADDRESS = regex.compile(r"(?:公司|联系|通讯|通信|办公|门店|总部|工厂|本店|店铺|售后)?(?:地址|厂址)\s*[:：]")
ADDRESS_FIELD = regex.compile(r"(?:邮编|邮政编码|电话|联系人|传真|手机|热线|qq|微信|邮箱|e-?mail)\s*[:：]")
TRIGGER = regex.compile(r"联系方式|联系电话|服务热线|客服热线|商务合作|地址\s*[:：]|" + CONTACT_HINT.pattern)
#: The field of an address block that a glued sentence can follow, with its value: a postal
#: code, or a contact person with a title ("邮编：201203", "联系人：李先生").
_ADDRESS_FIELD_VALUE = regex.compile(r"(?:邮编|邮政编码)\s*[:：]\s*\d{6}(?!\d)\s*"
                                     r"|联系人\s*[:：]\s*\p{Han}{1,2}(?:先生|女士|小姐|经理|老师|总)\s*")
#: A field label before one contact, and nothing after it: "游客咨询电话：58792888".
_FIELD = regex.compile(r"^\s*(\p{Han}{2,10})\s*[:：]\s*$")
_NUMBER = regex.compile(r"\s*(\d[\d\- *]{4,18}\d)\s*")
#: What may stand before a contact glued to the start of a segment: its label only, with the
#: hours it names ("24小时报修热线：", "24h服务热线：", "客服热线（9:00-18:00）：").
_LABEL_BEFORE = regex.compile(
    r"\s*(?:(?:\d{1,2}\s*(?:小时|h)\s*)?[\p{Han}a-z/]{1,14}(?:\s*[(（][^()（）\n]{1,16}[)）])?\s*[:：]?)?\s*")
#: A label that ends right before a contact at the end of a segment ("…客服热线：").
_LABEL_END = regex.compile(r"[\p{Han}a-z/]{2,10}\s*[:：]\s*$")
#: A request that leads to the contact ("若您还有疑问，请添加花生微信…"): the clause is the ad's.
_ASKS = regex.compile(r"请|添加|加入|联系|咨询|拨打|致电|欢迎|关注|扫码|私信")
#: A word before a QQ/WeChat label ("客服微信：", "官方QQ：").
_ID_CUE_BEFORE = regex.compile(r"(?:客服|官方|个人|私人|咨询|联系|商务|售后|添加|加)$")
#: A note in brackets after a contact ("（王老师）", "(9:00-21:00)").
_NOTE_AFTER = regex.compile(r"\s*[(（][^()（）\n]{1,16}[)）]")
_LITERAL_BREAKS = regex.compile(r"(?:\s|(?:\\r)?\\n)*")  # (a literal "\r\n" too: normalize unescapes both)
#: The contact's own clause goes on after it ("加微信：xx，免费获取方案"): not glued prose.
_CLAUSE_GOES_ON = regex.compile(r"\s*[，,、:：;；]")
_NOTE_AFTER_END = regex.compile(r"(?:\s*[(（][^()（）\n]{1,16}[)）])?\s*[。.!！]?\s*")


@dataclass(frozen=True)
class HotlineSegment:
    """A sentence or line that carries a 400/800 number, a mobile, a QQ/WeChat ID, or a
    landline next to hotline words, and little else.

    Catches: "24小时服务热线 400-186-5909", "客服微信：kefu2024", "联系电话:13812345678".
    Must keep: a long article sentence that quotes a number ("可拨打12315投诉",
    "可在工作日拨打图书馆服务电话0571-86012345反映"): when what remains around the number is
    `max_other_han` Han characters or more and reads as a sentence, the segment is prose.
    Also a short line that only announces a contact block ("附：客服联系方式："), and a QQ/WeChat
    label cut off from its ID by a "?" ("客服微信?kefu_2020": the sentence splitter ends the
    segment at the "?"), removed with the ID. And an address used as contact info: a short
    segment that opens with an address label (地址：, 公司地址：) on a line that also names
    another contact field within `max_address_chars` (邮编：, 电话：, 联系人：); a bare address
    line stays (a news story may give a venue's address), and so does an address inside a
    sentence.
    Also the contact field of each item of a listing ("1、某某公园 / 成人票原价：60元 /
    游客咨询电话：58036000" for each venue): the same label `min_record_fields` times or more on
    the page, with a different number at least `min_distinct_share` of the times, is a field
    of the page's records (LABELS: contact fields inside a document are content), whereas a
    hotline ad repeats one number.
    Thresholds: chosen on hand-written cases; a news sentence quoting a number runs to 25+
    Han characters around it.
    """

    code: ClassVar[str] = "spam.hotline"
    strength: ClassVar[str] = HARD
    trigger: ClassVar[regex.Pattern | None] = TRIGGER
    max_other_han: int = 25
    max_other_han_service: int = 40
    max_header_chars: int = 20
    max_id_chars: int = 24
    max_address_chars: int = 80
    min_record_fields: int = 4
    min_distinct_share: float = 0.75
    min_glued_prose_han: int = 12

    def check(self, seg: Segment, page: Page) -> Removal | None:
        contacts = page.contacts(seg.start, seg.end)
        if not contacts and (cut := self._cut_contact(seg, page)):
            end = _LITERAL_BREAKS.match(page.view, cut.end, seg.end + self.max_id_chars).end()
            return Removal(seg.start, end, self.code, {"contacts": [cut.text], "types": [cut.kind]})
        if not contacts and (field := self._address_block(seg, page)):
            if end := self._glued_address_end(seg, page):
                return Removal(seg.start, end, self.code, {"address_with": field, "glued": True})
            return Removal(seg.start, seg.end, self.code, {"address_with": field})
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
        if len(contacts) == 1 and self._record_field(seg, contacts[0], page):
            return None
        glued = self._glued_contact(seg, contacts, page)
        if glued and len(contacts) == 1 and han_count(rest) >= self.min_glued_prose_han:
            return glued  # the label and contact only: the prose it is glued to stays
        if glued and glued.detail.get("glued") == "start" and len(glued.detail["contacts"]) == len(contacts) > 1 \
                and han_count(page.view[glued.end:seg.end]) >= self.min_glued_prose_han:
            return glued  # "联系QQ:1234567 微信：wxid_kefu" + prose: the labelled contacts only
        if other < limit and not (prose and not service) or len(contacts) >= 3:
            return Removal(seg.start, seg.end, self.code,
                           {"contacts": [c.text for c in contacts][:5], "types": sorted(kinds)})
        return glued

    def _glued_contact(self, seg: Segment, contacts: tuple[Contact, ...], page: Page) -> Removal | None:
        """A labelled contact glued to the prose of its segment, on a page that lost its line
        breaks: at the start ("服务热线：400-686-2233 专家表示，…。") or at the end ("…见缝插绿
        客服微信：kefu_2020"). Only the label and the contact go (LABELS.md: a short junk
        prefix of a sentence is a span) when `min_glued_prose_han` Han characters or more are
        left (the whole segment goes otherwise). The label must name the contact
        (CONTACT_CUE); a prefix needs a sentence after it that does not go on from the
        contact with a comma ("加微信：xx，免费获取方案！" is one ad), a suffix a clause that does
        not ask for it ("若您还有疑问，请添加某某微信…" is one ad: 请/添加/联系…), and a landline
        at the end of a sentence, an official document's way, stays."""
        view = page.view
        first, last = contacts[0], contacts[-1]
        head = _LABEL_BEFORE.fullmatch(view, seg.start, first.start)
        if head and (CONTACT_CUE.search(head[0]) or first.kind in ("qq", "wechat")) and ends_sentence(seg.text):
            taken = [first]
            for c in contacts[1:]:  # more labelled contacts right after it ("QQ:… 微信：…")
                if not _LABEL_BEFORE.fullmatch(view, taken[-1].end, c.start):
                    break
                taken.append(c)
            last_taken = taken[-1]
            note = _NOTE_AFTER.match(view, last_taken.end, seg.end)
            stop = note.end() if note else last_taken.end
            # (with the literal "\n" after it, left as text where a digit follows: the rest
            # must not start with one, or cleaning the output again would unescape it)
            stop = _LITERAL_BREAKS.match(view, stop, seg.end).end()
            if not _CLAUSE_GOES_ON.match(view, stop, seg.end):  # "微信：xx，免费领取…" is one ad
                return Removal(seg.start, stop, self.code,
                               {"glued": "start", "contacts": [c.text for c in taken], "types": [c.kind for c in taken]})
        if not _NOTE_AFTER_END.fullmatch(view, last.end, seg.end) or last.kind == "fixed_line":
            return None
        if last.kind in ("qq", "wechat"):  # the label is part of the match ("微信：xx"), a cue may precede it
            cue = _ID_CUE_BEFORE.search(view, max(seg.start, last.start - 4), last.start)
            start = cue.start() if cue else last.start
        elif label := _LABEL_END.search(view, max(seg.start, last.start - 16), last.start):
            start = label.start() if CONTACT_CUE.search(label[0]) else -1
        else:
            start = -1
        clause = view.rfind("，", seg.start, start), view.rfind(",", seg.start, start)
        if start > seg.start and not _ASKS.search(view, max(clause) + 1, start):
            return Removal(start, seg.end, self.code, {"glued": "end", "contacts": [last.text], "types": [last.kind]})
        return None

    def _address_block(self, seg: Segment, page: Page) -> str | None:
        """The other contact field (邮编, 电话, 联系人…) on the line of this short segment
        that opens with an address label, within `max_address_chars` of it; None when the
        segment is not such an address."""
        view = page.view
        if len(seg) > self.max_address_chars or not ADDRESS.match(view, seg.start, seg.end):
            return None
        line_end = view.find("\n", seg.start)
        stop = min(len(view) if line_end < 0 else line_end, seg.start + self.max_address_chars)
        m = ADDRESS_FIELD.search(view, seg.start + 3, stop)
        return m[0] if m else None

    def _glued_address_end(self, seg: Segment, page: Page) -> int | None:
        """Where an address block ends when a sentence is glued to its last field (a page that
        lost its line breaks: "地址：…88号 邮编：201203专家表示，…。"): after a postal code or a
        contact person with a title; None unless the rest is prose (`min_glued_prose_han` Han
        characters or more, a clause break, the end of a sentence)."""
        view = page.view
        last = None
        for last in _ADDRESS_FIELD_VALUE.finditer(view, seg.start, seg.end):
            pass
        if last is None:
            return None
        end = _LITERAL_BREAKS.match(view, last.end(), seg.end).end()  # (as in `_glued_contact`)
        rest = view[end:seg.end]
        if not reads_as_prose(rest, self.min_glued_prose_han):
            return None
        return end

    def _cut_contact(self, seg: Segment, page: Page) -> Contact | None:
        """A QQ/WeChat ID whose label ends this short segment with a "?" (a colon lost to a
        bad encoding, "客服微信?kefu_2020", which the sentence splitter cuts in two): the
        contact that runs from this segment into the next one on its line."""
        view = page.view
        if len(seg) > self.max_header_chars or view[seg.end - 1] != "?":
            return None
        line_end = view.find("\n", seg.end)
        stop = min(len(view) if line_end < 0 else line_end, seg.end + self.max_id_chars)
        for c in page.contacts(seg.start, stop):
            if c.kind in ("qq", "wechat") and c.start < seg.end < c.end:
                return c
        return None

    def _record_field(self, seg: Segment, contact: Contact, page: Page) -> bool:
        """True when `contact` is the value of a field ("游客咨询电话：…") that the page's
        records each fill in with their own number."""
        label = _FIELD.match(page.view[seg.start:contact.start])
        if label is None or page.view[contact.end:seg.end].strip():
            return False
        fields = _record_fields(page)
        numbers = fields.get(label[1], [])
        return (len(numbers) >= self.min_record_fields
                and len(set(numbers)) >= self.min_distinct_share * len(numbers))


def _record_fields(page: Page) -> dict[str, list[str]]:
    """For each field label on the page, the numbers given after it, one per line (cached on
    the page): the local numbers of a listing ("58792888") are not all valid contacts."""
    cached = page.__dict__.get("_record_fields")
    if cached is not None:
        return cached
    fields: dict[str, list[str]] = {}
    view = page.view
    for line in page.lines:
        text = view[line.start:line.end]
        colon = max(text.find("："), text.find(":"))
        if colon < 0 or not (label := _FIELD.match(text[:colon + 1])):
            continue
        if number := _NUMBER.fullmatch(text, colon + 1):  # a number, valid phone or not
            fields.setdefault(label[1], []).append(regex.sub(r"\D", "", number[0]))
    page.__dict__["_record_fields"] = fields
    return fields
