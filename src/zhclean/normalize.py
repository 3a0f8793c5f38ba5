"""Pure str -> str fixes, applied once before any rule. Each is named for what it does.

Offsets of every Removal refer to the output of `normalize`. Fixes that change the length of
the text run here and only here; `fold_width` is length-preserving, which is why rules can
match on a folded view and report offsets into the unfolded text.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable

import regex

# Classes of code points only: the standard re matches the same and is 3-5x faster here.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff\ufffe]")
#: A literal "\n" (or "\r\n") not inside code: not right after a quote, backslash, bracket, "="
#: or ASCII letter or digit, unless that letter ends another literal "\n" or a Han character
#: follows (a flattened page's line that ends with a number or a URL: "…400-123-456\n专家…").
_LITERAL_NEWLINE = regex.compile(
    r"(?:(?<=\\n)|(?<![A-Za-z0-9\"'`\\(=])|(?<=[A-Za-z0-9])(?=(?:(?:\\r)?\\n)+\p{Han}))(?:\\r)?\\n")
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_FULLWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH["\u3000"] = " "
_FULLWIDTH_CHAR = re.compile("[\uff01-\uff5e\u3000]")


def fix_line_endings(text: str) -> str:
    """CRLF, CR and the Unicode line/paragraph separators become ``\\n``."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\u2028", "\n").replace("\u2029", "\n")


def remove_control_chars(text: str) -> str:
    """Drop NULs, C0/C1 controls (except tab and newline), zero-width characters and BOMs."""
    return _CONTROL.sub("", text)


def unescape_literal_newlines(text: str) -> str:
    """Turn literal two-character ``\\n`` sequences into line breaks (a scraping artifact of
    pages that lost their real ones). One inside code (``"\\n"``, ``printf(\\n``, ``a\\nb``: right
    after a quote, backslash, bracket, ``=`` or an ASCII letter or digit) is left alone. The
    decision is local, so the fix is idempotent on any part of its output."""
    if "\\n" not in text:
        return text
    return _LITERAL_NEWLINE.sub("\n", text)


def fold_spaces(text: str) -> str:
    """No-break, ideographic and other special spaces become an ASCII space."""
    return _SPACES.sub(" ", text)


def compose_unicode(text: str) -> str:
    """Unicode NFC (canonical composition; never changes what a character means)."""
    return unicodedata.normalize("NFC", text)


def fold_width(text: str) -> str:
    """Full-width ASCII forms (，：！１Ａ) become ASCII. Length-preserving."""
    # One replace per distinct full-width character present: 6x faster than str.translate
    # with a dict on Chinese pages (the replacements are ASCII, so none feeds another).
    for char in set(_FULLWIDTH_CHAR.findall(text)):
        text = text.replace(char, _FULLWIDTH[char])
    return text


@lru_cache(maxsize=1)
def _t2s_converter():
    """OpenCC's Traditional-to-Simplified converter (``opencc``, a core dependency), or None
    where it cannot be imported (then the view stays unconverted)."""
    try:
        import opencc
    except ImportError:
        return None
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters become Simplified (OpenCC t2s: 還→还, 閱讀→阅读), line by line,
    keeping a line as it is where the conversion would change its length (or OpenCC cannot
    read it). A no-op where ``opencc`` cannot be imported. Length-preserving."""
    converter = _t2s_converter()
    if converter is None:
        return text

    def convert(part: str) -> str | None:
        try:
            out = converter.convert(part)
        except UnicodeEncodeError:  # a lone surrogate: OpenCC reads UTF-8
            return None
        return out if len(out) == len(part) else None

    whole = convert(text)
    if whole is not None:
        return whole
    return "".join(line if (c := convert(line)) is None else c for line in text.splitlines(keepends=True))


def apply_nfkc(text: str) -> str:
    """Unicode NFKC: compatibility forms folded (also circled digits, ligatures)."""
    return unicodedata.normalize("NFKC", text)


#: Fixes applied by default, in order.
DEFAULT_FIXES: tuple[str, ...] = (
    "fix_line_endings",
    "remove_control_chars",
    "unescape_literal_newlines",
    "fold_spaces",
    "compose_unicode",
)

#: Every fix by name, for the config (``normalize.fixes = [...]``).
FIXES: dict[str, Callable[[str], str]] = {
    "fix_line_endings": fix_line_endings,
    "remove_control_chars": remove_control_chars,
    "unescape_literal_newlines": unescape_literal_newlines,
    "fold_spaces": fold_spaces,
    "compose_unicode": compose_unicode,
    "fold_width": fold_width,
    "apply_nfkc": apply_nfkc,
    "to_simplified": to_simplified,
}


def normalize(text: str, fixes: tuple[str, ...] = DEFAULT_FIXES) -> str:
    """Apply the named fixes in order."""
    for name in fixes:
        text = FIXES[name](text)
    return text


def matching_view(text: str) -> str:
    """The string rules match against: width-folded, lower-cased and in Simplified characters
    by OpenCC (the rules' cues are Simplified: a Traditional page's "你可能還想看" is matched as
    "你可能还想看"); same length as `text`."""
    folded = fold_width(text)
    lowered = folded.lower()
    return to_simplified(lowered if len(lowered) == len(folded) else folded)
