"""Finding contact details (phone numbers, QQ, WeChat IDs) in text.

Candidates come from bounded regexes over the width-folded view; phone candidates are then
validated and typed by `phonenumbers` (400 -> SHARED_COST, 800 -> TOLL_FREE, MOBILE,
FIXED_LINE). Enumerators such as "(1)" glued to a number are excluded by the patterns'
look-behind, which is what makes `phonenumbers.PhoneNumberMatcher` alone mis-parse them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
import regex

_SEP = r"[ \-‐–—·]?"  # not ".": dotted quads (IP addresses) are not phone numbers
PHONE_CANDIDATE = regex.compile(
    # (a number glued to Han text counts only where it ends its line: "联系电话13912345678";
    # in running text, "免费电话400-886-5590转…", it is a dealer's prose)
    r"(?:(?<![\d\w])|(?<=\p{Han})(?=[\d\-+() ]{10,16}\s*[。.!！]?\s*(?:\n|\\n|$)))(?:"
    rf"[48]00(?:{_SEP}\d){{7}}"                      # 400/800 service numbers, any grouping
    r"|[48]00\.\d{3}\.\d{4}"                          # 400.888.6666 (no IP address: 400 > 255)
    rf"|(?:\+?86{_SEP})?1[3-9]\d(?:{_SEP}\d){{8}}"  # mobiles
    r"|1[3-9]\d\.\d{4}\.\d{4}"                          # 138.1234.5678 (no IP address: 4-digit groups)
    r"|\(?0\d{2,3}\)?[ \-—]{0,2}[2-9]\d{6,7}"       # landlines with area code
    r"|\(?0\d{2,3}\)?[ \-—]{0,3}[2-9]\d{2,3}[ \-]\d{4}"  # ... grouped: 0755-2666 8888, 0755 - 2666 8888
    # ... with the country code: 0086-21-58886666, +86-10-6666 8888
    r"|(?:\+|00)86[ \-]?\(?[1-9]\d{1,2}\)?[ \-]?[2-9](?:\d{6,7}|\d{2,3}[ \-]\d{4})"
    r")(?![\d])"
)
#: A service number or mobile written partly or wholly in Han numerals to dodge filters:
#: "四零零-686-2233", "400-六八六-二二三三", "400零686零2233" (read digit by digit, then
#: validated like any phone candidate).
_NUMERALS = "零〇幺一二三四五六七八九"
_NUMERAL_VALUE = {ch: str(v) for v, chars in enumerate(("零〇", "一幺", "二", "三", "四", "五", "六", "七", "八", "九")) for ch in chars}
NUMERAL_PHONE = regex.compile(
    rf"(?<![\d{_NUMERALS}])(?:[48四八][0零〇]{{2}}|[1一幺][3-9三四五六七八九])(?:[ \-]?[\d{_NUMERALS}]){{7,9}}(?![\d{_NUMERALS}])"
)
#: ("?" for a colon lost to a bad encoding: "微信?kefu_2020"; "QQ/微信：12345678", one number for both)
QQ = regex.compile(r"(?:qq|q号|扣扣|企鹅)(?:号|群)?(?:\s*/\s*(?:微信|wx|vx|v信)(?:号)?)?\s*[:：?？]?\s*[1-9]\d{4,10}(?!\d)")
#: The Latin cues (vx, wx) start a word: inside an image URL's random letters
#: ("…/640?wx_fmt", "…OvXQxBd…") they are not a WeChat label.
WECHAT = regex.compile(
    r"(?:微信|威信|薇信|v信|(?<![a-z0-9/=._%-])(?:vx|wx)|加v|加微|微信号|公众号)(?:号)?\s*[:：?？]?\s*[a-z][a-z0-9_\-]{5,19}(?![a-z0-9_\-])"
)
#: A number given as a WeChat ID too: "1737260833(微信同号)". It starts at any digit, so it
#: only runs where "同号" is (a long run of digits would cost 15 steps a digit).
WECHAT_SAME_NUMBER = regex.compile(r"\d[\d \-]{5,14}\d\s*[(（]?\s*(?:微信|v信|vx)同号[)）]?")
#: Every `find_contacts` match holds one of these: five digits (separators allowed, as in a
#: phone candidate), a QQ/WeChat word, or "@". A cheap test before `find_contacts`.
_HINT_DIGITS = regex.compile(r"\d(?:[ \-‐–—·.]?\d){4}")  # (a phone candidate's separators, and the dots of 400.686.2233)
_HINT_WORDS = re.compile(r"qq|q号|扣扣|企鹅|微信|威信|薇信|v信|vx|wx|加v|加微|公众号|@")  # literals: the faster standard re
#: Digits with a Han numeral among them (the start of a `NUMERAL_PHONE`).
_HINT_NUMERALS = re.compile(rf"[\d{_NUMERALS}][ \-]?[{_NUMERALS}](?:[ \-]?[\d{_NUMERALS}]){{3}}")
CONTACT_HINT = regex.compile(f"{_HINT_DIGITS.pattern}|{_HINT_WORDS.pattern}|{_HINT_NUMERALS.pattern}")
EMAIL = regex.compile(r"[a-z0-9._%+\-]{1,64}@[a-z0-9.\-]{1,100}\.[a-z]{2,10}")
#: Words that say a segment is about reaching someone.
CONTACT_CUE = regex.compile(
    r"热线|电话|客服|售后|咨询|联系|手机|座机|传真|微信|qq|预约|报修|维修|服务|号码|致电|来电|拨打|爆料|商务合作"
    r"|\b(?:tel|fax|phone|mobile)\b"
)


def contact_hint_starts(view: str) -> list[int]:
    """Where the matches of ``CONTACT_HINT.finditer(view)`` start, in order, found by its
    parts one after the other (twice as fast as the alternation); a sentence needs only one
    of its hints, so a start that the alternation would hide under another part's match
    costs nothing but a look."""
    return sorted({m.start() for part in (_HINT_DIGITS, _HINT_WORDS, _HINT_NUMERALS) for m in part.finditer(view)})


@dataclass(frozen=True, slots=True)
class Contact:
    start: int
    end: int
    kind: str  # "shared_cost", "toll_free", "mobile", "fixed_line", "qq", "wechat", "email"
    text: str


@lru_cache(maxsize=4096)
def phone_type(digits: str) -> str | None:
    """The phonenumbers type of a Chinese number, or None when it is not a valid number."""
    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    kind = phonenumbers.number_type(number)
    return {
        phonenumbers.PhoneNumberType.SHARED_COST: "shared_cost",
        phonenumbers.PhoneNumberType.TOLL_FREE: "toll_free",
        phonenumbers.PhoneNumberType.MOBILE: "mobile",
        phonenumbers.PhoneNumberType.FIXED_LINE: "fixed_line",
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line",
    }.get(kind, "other")


#: The most characters a look-behind of the contact patterns reads (`span_contacts` is given
#: them along with a span; tests/test_page_scans.py checks it against the patterns).
CONTACT_LOOKBEHIND = 1


@lru_cache(maxsize=4096)  # (a segment is at most 2,000 characters: at most ~16 MB of Han text)
def span_contacts(view: str, before: str) -> tuple[Contact, ...]:
    """`find_contacts` of a span's `view`, offsets relative to its start; `before` is the
    `CONTACT_LOOKBEHIND` characters before it (fewer at the start of the page), all that the
    patterns' look-behinds see (they have no anchor, and their look-aheads end at the span's
    end). Kept by text: the fixpoint's second pass asks about the same sentences, and contact
    lines recur."""
    shift = len(before)
    return tuple(Contact(c.start - shift, c.end - shift, c.kind, c.text) for c in find_contacts(before + view, shift))


def find_contacts(view: str, start: int = 0, end: int | None = None) -> list[Contact]:
    """Contact details in `view[start:end]` (offsets are into `view`)."""
    end = len(view) if end is None else end
    found: list[Contact] = []
    for m in PHONE_CANDIDATE.finditer(view, start, end):
        digits = "".join(ch for ch in m[0] if ch.isdigit())
        kind = phone_type(digits)
        if kind is None and digits[:3] in ("400", "800") and len(digits) == 10:
            kind = "shared_cost" if digits[0] == "4" else "toll_free"
        if kind:
            found.append(Contact(m.start(), m.end(), kind, m[0]))
    numerals = _HINT_NUMERALS.search(view, start, end) is not None  # (a cheap gate: most text has none)
    for m in NUMERAL_PHONE.finditer(view, start, end) if numerals else ():
        if not any(ch in _NUMERAL_VALUE for ch in m[0]):
            continue  # all digits: a PHONE_CANDIDATE's
        digits = "".join(_NUMERAL_VALUE.get(ch, ch) for ch in m[0] if ch.isdigit() or ch in _NUMERAL_VALUE)
        kind = phone_type(digits)
        if kind is None and digits[:3] in ("400", "800") and len(digits) == 10:
            kind = "shared_cost" if digits[0] == "4" else "toll_free"
        if kind in ("shared_cost", "toll_free", "mobile"):
            found.append(Contact(m.start(), m.end(), kind, m[0]))
    patterns = [(QQ, "qq"), (WECHAT, "wechat"), (EMAIL, "email")]
    if view.find("同号", start, end) >= 0:
        patterns.append((WECHAT_SAME_NUMBER, "wechat"))
    for pattern, kind in patterns:
        for m in pattern.finditer(view, start, end):
            found.append(Contact(m.start(), m.end(), kind, m[0]))
    found.sort(key=lambda c: c.start)
    return found
