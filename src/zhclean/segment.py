"""Text -> lines -> sentences/clauses, as offsets into one string.

Segments never include surrounding whitespace. Sentences end after terminal punctuation
(。！？!?；; and ellipses) plus any closing quotes/brackets, or at a run of two or more spaces
(scraped headers glued to the text: "扫黑除恶  重拳出击近日，…"). Pages that lost their line
breaks are therefore still judged sentence by sentence. Markdown links and images
(``![alt](url)``, ``[text](url)``) and bare URLs are never cut: the "!" of an image link and the
"?" of a query string are not sentence ends.
"""
from __future__ import annotations

import regex

from zhclean.document import Segment

#: A link or URL (stepped over whole), a sentence end (kept with its sentence) or a wide gap
#: (dropped between sentences). A URL is printable ASCII and does not end in punctuation. The
#: link's parts are bounded and possessive, and its text holds no '[', so a run of brackets
#: costs one step each. No match reaches across a line break (`split_page_sentences` relies on it).
_BOUNDARY = regex.compile(
    r"(?P<link>!?\[[^\[\]\n]{0,300}+\]\([^\S\n]*[^()\s]{0,2000}+(?:[^\S\n]+\"[^\"\n]{0,300}+\")?[^\S\n]*\)|https?://[!-~]*[\w/=#&%+-])"
    r"|(?P<end>(?:[。！？!?]+|[;；]|…+|\.{3,})[”’」』\"')）\]】]*)|[ \t]{2,}"
)
_CLAUSE_BREAK = regex.compile(r"[，,、：:]")

#: Longest segment judged as one piece; longer ones are cut at clause marks (bounds the work
#: any rule does on adversarial input such as a 10 MB line without punctuation).
MAX_SEGMENT = 2000


def split_lines(text: str) -> list[Segment]:
    """Every non-blank line as a Segment (stripped of surrounding whitespace)."""
    out = []
    pos = 0
    for number, raw in enumerate(text.split("\n")):
        stripped = raw.strip()  # str.strip() and str.isspace() agree on what is whitespace
        if stripped:
            start = pos + len(raw) - len(raw.lstrip())
            out.append(Segment(start, start + len(stripped), stripped, number))
        pos += len(raw) + 1
    return out


def split_sentences(text: str, line: Segment) -> list[Segment]:
    """The sentences of one line, as Segments of the page text (one scan of the line for
    sentence ends and wide gaps)."""
    out: list[Segment] = []
    pos = line.start
    number = line.line
    for m in _BOUNDARY.finditer(text, line.start, line.end):
        if m.lastgroup == "link":
            continue
        end = m.end() if m.lastgroup == "end" else m.start()
        if end > pos:
            _add(out, text, pos, end, number)
        pos = m.end()
    if pos == line.start and line.end - line.start <= MAX_SEGMENT and line.text == line.text.strip():
        out.append(Segment(line.start, line.end, line.text, number))  # one sentence: the line
    elif pos < line.end:
        _add(out, text, pos, line.end, number)
    return out


def split_page_sentences(text: str, lines: list[Segment]) -> list[Segment]:
    """The sentences of all `lines` of `text` (its `split_lines`), in order: what
    `split_sentences` gives line by line, from one scan of the whole text (no boundary match
    reaches across a line's ends, which are whitespace or the end of the text)."""
    out: list[Segment] = []
    bounds = _BOUNDARY.finditer(text)
    m = next(bounds, None)
    for line in lines:
        while m is not None and m.start() < line.start:  # a gap of spaces between lines
            m = next(bounds, None)
        pos = start = line.start
        stop, number = line.end, line.line
        while m is not None and m.start() < stop:
            if m.lastgroup == "link":
                m = next(bounds, None)
                continue
            end = m.end() if m.lastgroup == "end" else m.start()
            if end > pos:
                _add(out, text, pos, end, number)
            pos = m.end()
            m = next(bounds, None)
        if pos == start and stop - start <= MAX_SEGMENT:
            out.append(line)  # one sentence: the line (a Segment of the same span and text)
        elif pos < stop:
            _add(out, text, pos, stop, number)
    return out


def _add(out: list[Segment], text: str, start: int, end: int, line: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    if stripped is not piece:
        start += len(piece) - len(piece.lstrip())
    if len(stripped) <= MAX_SEGMENT:
        out.append(Segment(start, start + len(stripped), stripped, line))
    else:
        out.extend(_cut_long(text, start, start + len(stripped), line))


def _cut_long(text: str, start: int, end: int, line: int) -> list[Segment]:
    if end - start <= MAX_SEGMENT:
        return [Segment(start, end, text[start:end], line)]
    out = []
    while start < end:
        stop = min(end, start + MAX_SEGMENT)
        if stop < end:
            window = text[start + MAX_SEGMENT // 2:stop]
            breaks = [m.end() for m in _CLAUSE_BREAK.finditer(window)]
            if breaks:
                stop = start + MAX_SEGMENT // 2 + breaks[-1]
        out.append(Segment(start, stop, text[start:stop], line))
        start = stop
    return out

