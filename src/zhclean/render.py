"""Show a cleaned page: each removed span highlighted in a colour per kind, the kept text plain.

`page_html` is what a `CleanedPage` shows in Jupyter (self-contained HTML, the code and
evidence of each span on hover); `page_terminal` is the same for a terminal (rich when it is
installed, plain ANSI escapes otherwise); `explain` cleans one string and returns the page.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Callable, Iterator

from zhclean.document import CleanedPage, Removal
from zhclean.errors import InputError

#: Background colour per kind (the last part of a reason code); pale enough to read text on.
KIND_COLOURS: dict[str, str] = {
    "hotline": "#f8b4b4",
    "seo_title": "#fbd38d",
    "region_list": "#faf089",
    "keyword_list": "#fefcbf",
    "gambling_porn_ad": "#f687b3",
    "marketing_template": "#fed7aa",
    "cta": "#fca5a5",
    "llm": "#d6bcfa",
    "nav": "#bee3f8",
    "related": "#90cdf4",
    "footer": "#c3dafe",
    "listing_meta": "#b2f5ea",
    "ui_junk": "#c6f6d5",
    "byline": "#e2e8f0",
    "repeated_line": "#e9d8fd",
}
#: Colour for kinds without their own (``doc.*``, ``dup.*``, new rules).
OTHER_COLOUR = "#d1d5db"

#: Terminal style per kind: a rich style string, and the ANSI SGR code used without rich.
KIND_TERMINAL: dict[str, tuple[str, str]] = {
    "hotline": ("black on red", "30;41"),
    "seo_title": ("black on yellow", "30;43"),
    "region_list": ("black on bright_yellow", "30;103"),
    "keyword_list": ("black on bright_yellow", "30;103"),
    "gambling_porn_ad": ("white on magenta", "37;45"),
    "marketing_template": ("black on bright_red", "30;101"),
    "cta": ("white on red", "37;41"),
    "llm": ("black on bright_magenta", "30;105"),
    "nav": ("black on cyan", "30;46"),
    "related": ("black on bright_cyan", "30;106"),
    "footer": ("white on blue", "37;44"),
    "listing_meta": ("black on green", "30;42"),
    "ui_junk": ("black on bright_green", "30;102"),
    "byline": ("black on white", "30;47"),
    "repeated_line": ("black on bright_blue", "30;104"),
}
OTHER_TERMINAL = ("black on bright_white", "30;107")


def kind_colour(kind: str) -> str:
    return KIND_COLOURS.get(kind, OTHER_COLOUR)


def span_title(removal: Removal) -> str:
    """The hover text of a removed span: its code, then its evidence."""
    evidence = "; ".join(f"{k}={v}" for k, v in removal.detail.items())
    return f"{removal.code}: {evidence}" if evidence else removal.code


def pieces(page: CleanedPage) -> Iterator[tuple[str, Removal | None]]:
    """The page source cut into consecutive pieces: ``(text, removal)`` for a removed span,
    ``(text, None)`` for kept text."""
    pos = 0
    for r in page.removals:
        start = max(r.start, pos)
        if start > pos:
            yield page.source[pos:start], None
        if r.end > start:
            yield page.source[start:r.end], r
        pos = max(pos, r.end)
    if pos < len(page.source):
        yield page.source[pos:], None


def summary(page: CleanedPage) -> str:
    """One line: verdict, spans removed, share of the page."""
    return (f"verdict: {page.verdict}; removed {len(page.removals)} spans, "
            f"{page.removed_share:.0%} of the page")


def _legend_codes(page: CleanedPage) -> dict[str, int]:
    return dict(sorted(page.codes().items()))


# --- HTML ---------------------------------------------------------------------------------

_BOX = ("font-family:system-ui,'PingFang SC','Noto Sans CJK SC','Microsoft YaHei',sans-serif;"
        "line-height:1.7;max-width:60em")
_TEXT = "white-space:pre-wrap;margin:0.5em 0;padding:0.6em;border:1px solid #e5e7eb;border-radius:4px"
_MARK = "background:{colour};text-decoration:line-through;text-decoration-color:#6b7280;" \
        "border-radius:2px;padding:0 1px"


def page_html(page: CleanedPage, title: str | None = None) -> str:
    """Self-contained HTML for one cleaned page: removed spans highlighted (colour per kind,
    struck through, ``title`` attribute with code and evidence for the hover), kept text
    plain, a legend of the codes. Everything from the page is escaped."""
    esc = html.escape
    body = []
    for text, removal in pieces(page):
        if removal is None:
            body.append(esc(text))
        else:
            body.append(
                f'<mark class="zhclean-removed" data-code="{esc(removal.code)}" '
                f'title="{esc(span_title(removal))}" '
                f'style="{_MARK.format(colour=kind_colour(removal.kind))}">{esc(text)}</mark>')
    legend = " ".join(
        f'<span style="background:{kind_colour(code.rsplit(".", 1)[-1])};padding:0 4px;'
        f'border-radius:2px;margin-right:4px">{esc(code)} &times;{n}</span>'
        for code, n in _legend_codes(page).items())
    head = f"<div><b>{esc(title)}</b></div>" if title else ""
    meta = ""
    if page.metadata:
        meta = ('<div style="color:#4b5563;font-size:90%">metadata: '
                + esc(", ".join(f"{k}={v}" for k, v in page.metadata.items())) + "</div>")
    return (f'<div class="zhclean-page" style="{_BOX}">{head}'
            f'<div style="color:#374151">{esc(summary(page))}</div>'
            f'<div style="font-size:90%">{legend}</div>'
            f'<div style="{_TEXT}">{"".join(body)}</div>{meta}</div>')


# --- terminal -----------------------------------------------------------------------------


def page_terminal(page: CleanedPage, color: bool = True, codes: bool = True,
                  width: int | None = None) -> str:
    """The page for a terminal: removed spans in a colour per kind, each followed by its code
    in brackets when `codes` is true; kept text plain; a summary and legend on top.

    Uses rich when it is installed (the ``explore`` extra), plain ANSI escapes otherwise;
    ``color=False`` gives plain text with the codes marked by brackets.
    """
    try:
        return _rich(page, color, codes, width)
    except ImportError:
        return _ansi(page, color, codes)


def _terminal_style(kind: str) -> tuple[str, str]:
    return KIND_TERMINAL.get(kind, OTHER_TERMINAL)


def _split_trailing_space(text: str) -> tuple[str, str]:
    """``"热线 400\\n"`` -> ``("热线 400", "\\n")``: the code tag goes before the line break."""
    body = text.rstrip()
    return body, text[len(body):]


def _rich(page: CleanedPage, color: bool, codes: bool, width: int | None) -> str:
    from io import StringIO

    from rich.console import Console
    from rich.text import Text

    out = Text()
    out.append(summary(page) + "\n", style="bold")
    for code, n in _legend_codes(page).items():
        out.append(f" {code} ×{n} ", style=_terminal_style(code.rsplit(".", 1)[-1])[0])
        out.append(" ")
    out.append("\n\n")
    for text, removal in pieces(page):
        if removal is None:
            out.append(text)
            continue
        body, tail = _split_trailing_space(text)
        out.append(body, style=_terminal_style(removal.kind)[0])
        if codes:
            out.append(f"[{removal.code}]", style="dim")
        out.append(tail)
    buffer = StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color,
                      color_system="standard" if color else None, width=width or 100,
                      highlight=False, soft_wrap=width is None)
    console.print(out)
    return buffer.getvalue().rstrip("\n")


def _ansi(page: CleanedPage, color: bool, codes: bool) -> str:
    def paint(text: str, sgr: str) -> str:
        if not color:
            return text
        # keep line breaks outside the colour so a highlighted block does not bleed
        return "\n".join(f"\x1b[{sgr}m{part}\x1b[0m" if part else part for part in text.split("\n"))

    parts = [paint(summary(page), "1"), "\n"]
    parts.append(" ".join(paint(f" {code} ×{n} ", _terminal_style(code.rsplit(".", 1)[-1])[1])
                          for code, n in _legend_codes(page).items()))
    parts.append("\n\n")
    for text, removal in pieces(page):
        if removal is None:
            parts.append(text)
            continue
        body, tail = _split_trailing_space(text)
        parts.append(paint(body, _terminal_style(removal.kind)[1]))
        if codes:
            parts.append(paint(f"[{removal.code}]", "2"))
        parts.append(tail)
    return "".join(parts).rstrip("\n")


# --- one string ---------------------------------------------------------------------------


def explain(text: str, title: str | None = None, config: Any = None) -> CleanedPage:
    """Clean one page and return it; in Jupyter the result shows each removed span
    highlighted with its code on hover, and ``print(page.explain())`` lists the spans."""
    from zhclean.cleaner import clean_text

    return clean_text(text, title=title, config=config)


def load_page(path: str | Path, page_id: str | None = None, text_field: str = "text",
              id_field: str = "id", title_field: str = "title",
              warn: Callable[[str], None] | None = None) -> tuple[str, str | None]:
    """The text and title of one page of an input file, read as `zhclean clean` reads it
    (`zhclean.io`: JSONL, optionally .gz/.zst, Parquet, CSV; a .txt file is one page): the
    record whose id is `page_id` -- its `id_field`, or ``<file stem>:<line number>`` as a run
    names a record without one -- or the only page when `page_id` is None. Bad records before
    it (broken JSON, a text that is not a string, ...) are skipped, each passed to `warn` as a
    message naming its line and what is wrong; the page asked for being one is an `InputError`.
    A file whose bytes disagree with its name (`Shard.note`) is read as they say, with a warning."""
    path = Path(path)
    if path.suffix == ".txt":
        try:
            return path.read_text(encoding="utf-8"), None
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(f"{path}: cannot read the page ({err})") from err
    from zhclean.io import FieldNames, discover_shards, iter_items, parse_item

    [shard] = discover_shards([str(path)])
    if shard.note and warn is not None:  # the bytes disagree with the name, as a run warns
        warn(f"{path}: {shard.note}")
    names = FieldNames(text_field, id_field, title_field)
    found = None
    for item in iter_items(shard):
        rec = parse_item(item, shard.stem, names)
        where = f"{path}, {'row' if shard.format in ('parquet', 'csv') else 'line'} {item.pos}"
        if page_id is not None and rec.id != page_id:
            if rec.reason is not None and warn is not None:
                warn(f"{where}: skipped ({bad_record(rec)})")
            continue
        if rec.reason is not None:
            if page_id is None:
                if warn is not None:
                    warn(f"{where}: skipped ({bad_record(rec)})")
                continue
            if rec.reason in ("input.missing_text", "input.not_string"):
                raise InputError(f"{where}: page {page_id!r}: field {text_field!r} is missing or "
                                 f"not a string ({bad_record(rec)}); give the text field with "
                                 "--text-field")
            raise InputError(f"{where}: page {page_id!r} cannot be read ({bad_record(rec)})")
        if page_id is not None:
            return rec.text or "", rec.title
        if found is not None:
            raise InputError(f"{path} holds more than one page; choose one with --id")
        found = rec
    if found is None:
        raise InputError(f"{path}: no page with {id_field} {page_id!r}" if page_id is not None
                         else f"{path}: no pages")
    return found.text or "", found.title


def bad_record(rec: Any) -> str:
    """A bad record's reason and evidence in a few words: ``input.bad_json: Expecting ','
    delimiter at column 25 (found '"')``, ``input.not_string: field 'text' is int``."""
    detail = dict(rec.detail)
    if "error" in detail:
        return f"{rec.reason}: {detail['error']}"
    if rec.reason == "input.not_string":
        return f"{rec.reason}: field {detail.get('field')!r} is {detail.get('type')}"
    if rec.reason == "input.missing_text":
        return f"{rec.reason}: no field {detail.get('field')!r}"
    if rec.reason == "input.not_object":
        return f"{rec.reason}: a JSON {detail.get('type')}, not an object"
    detail.pop("line", None)
    return f"{rec.reason}: " + ", ".join(f"{k} {v}" for k, v in detail.items())
