"""Turning raw input items into records, and bad ones into reasons.

A reader yields `RawItem`s (a JSONL line, a Parquet/CSV row, a text file); `parse_item` turns
one into an `InputRecord`: either a page (`text` set) or a bad record (`reason` set, one of
the ``input.*`` codes below). Bad records never raise: they go to the rejected output.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from zhclean.io.jsoncodec import MAX_DEPTH, LoneSurrogate, TooDeep, parse_record

BAD_JSON = "input.bad_json"
BAD_ENCODING = "input.bad_encoding"
NOT_OBJECT = "input.not_object"
MISSING_TEXT = "input.missing_text"
NOT_STRING = "input.not_string"
TOO_LARGE = "input.too_large"
TRUNCATED_FILE = "input.truncated_file"
BAD_CSV = "input.bad_csv"
TOO_DEEP = "input.too_deep"

_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class RawItem:
    """One unparsed input item. `pos` is the 1-based line (JSONL) or row (Parquet, CSV)
    number; for a text folder `name` is the file's path relative to the folder."""

    pos: int
    payload: bytes | dict[str, Any]
    name: str = ""
    #: Set when the reader already judged the item bad (``input.truncated_file``: the rest
    #: of a damaged file; ``input.bad_csv``); `payload` then holds its raw bytes.
    reason: str = ""
    detail: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class InputRecord:
    """A parsed input record. `fields` is the record as read (every field is preserved in the
    output); `reason`/`detail` are set for a bad record, which has no `text`."""

    id: str
    fields: dict[str, Any]
    text: str | None = None
    title: str | None = None
    reason: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FieldNames:
    text: str = "text"
    id: str = "id"
    title: str = "title"
    max_text_bytes: int = 3 * 1024 * 1024  # (the default of `RunConfig.max_text_bytes`)


def parse_item(item: RawItem, stem: str, names: FieldNames) -> InputRecord:
    """Parse one raw item; never raises for bad data."""
    fallback_id = item.name or f"{stem}:{item.pos}"
    if item.reason:
        raw = item.payload if isinstance(item.payload, bytes) else b""
        return _bad(fallback_id, names, item.reason, dict(item.detail or {}),
                    raw=raw.decode("utf-8", "backslashreplace"))
    payload = item.payload
    if isinstance(payload, bytes):
        if item.name:  # a text file: the whole file is the page
            return _text_file(payload, item.name, names)
        return _json_line(payload, fallback_id, item.pos, names)
    return _from_fields(dict(payload), fallback_id, names, check_encoding=True)


def _json_line(line: bytes, fallback_id: str, pos: int, names: FieldNames) -> InputRecord:
    if line.startswith(b"\xef\xbb\xbf"):
        line = line[3:]
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data":  # cut mid-character: a truncated line
            return _bad(fallback_id, names, BAD_JSON, {"line": pos, "error": "truncated line"},
                        raw=line.decode("utf-8", "backslashreplace"))
        return _bad(fallback_id, names, BAD_ENCODING,
                    {"line": pos, "error": f"invalid UTF-8 at byte {exc.start}"},
                    raw=line.decode("utf-8", "backslashreplace"))
    try:
        value = parse_record(text)
    except TooDeep:
        return _bad(fallback_id, names, TOO_DEEP,
                    {"line": pos, "limit": MAX_DEPTH, "error": f"nested more than {MAX_DEPTH} levels deep"},
                    raw=text)
    except LoneSurrogate as exc:
        return _bad(fallback_id, names, BAD_ENCODING,
                    {"line": pos, "field": exc.field, "error": str(exc)}, raw=text)
    except ValueError as exc:
        error = json_error(exc) if isinstance(exc, json.JSONDecodeError) else str(exc)
        return _bad(fallback_id, names, BAD_JSON, {"line": pos, "error": error}, raw=text)
    if not isinstance(value, dict):
        return _bad(fallback_id, names, NOT_OBJECT,
                    {"line": pos, "type": type(value).__name__}, raw=text)
    return _from_fields(value, fallback_id, names)


def json_error(exc: json.JSONDecodeError) -> str:
    """What is wrong with a line of JSON and where, in full: ``Expecting ',' delimiter at column
    25 (found '"')``, ``Unterminated string starting at column 21; the line ends at column 24``,
    ``Expecting value at the end of the line (column 21)``. Columns count characters from 1."""
    msg, line = exc.msg, exc.doc.split("\n")[exc.lineno - 1] if exc.doc else ""
    where = f"column {exc.colno}" if exc.lineno == 1 else f"line {exc.lineno} column {exc.colno}"
    if msg.startswith("Unterminated string"):
        return f"{msg} {where}; the line ends at column {len(line)}"
    msg = msg.removesuffix(" at")
    if exc.pos >= len(exc.doc):
        return f"{msg} at the end of the line ({where})"
    return f"{msg} at {where} (found {exc.doc[exc.pos]!r})"


def _text_file(data: bytes, name: str, names: FieldNames) -> InputRecord:
    page_id = name[:-4] if name.endswith(".txt") else name
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _bad(page_id, names, BAD_ENCODING,
                    {"file": name, "error": f"invalid UTF-8 at byte {exc.start}"},
                    raw=data.decode("utf-8", "backslashreplace"))
    return _from_fields({names.id: page_id, "path": name, names.text: text}, page_id, names)


def _from_fields(fields: dict[str, Any], fallback_id: str, names: FieldNames,
                 check_encoding: bool = False) -> InputRecord:
    """`check_encoding`: a row read with ``surrogateescape`` (CSV) may hold invalid UTF-8 in
    any field (JSON lines were checked when parsed)."""
    bad_field = None
    if check_encoding:
        bad_field = next((k for k, v in fields.items() if _has_surrogates(k) or _has_surrogates(v)), None)
    if bad_field is not None:
        fields = {_escaped(k): _escaped(v) for k, v in fields.items()}
    raw_id = fields.get(names.id)
    page_id = fallback_id if raw_id is None or raw_id == "" else str(raw_id)
    if names.id not in fields or raw_id is None:
        fields = {names.id: page_id, **fields}
    if bad_field is not None:
        return InputRecord(page_id, fields, reason=BAD_ENCODING,
                           detail={"field": _escaped(bad_field), "error": "invalid UTF-8"})
    if names.text not in fields or fields[names.text] is None:
        return InputRecord(page_id, fields, reason=MISSING_TEXT,
                           detail={"field": names.text, "fields": sorted(map(str, fields))[:20]})
    text = fields[names.text]
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            return InputRecord(page_id, {**fields, names.text: text.decode("utf-8", "backslashreplace")},
                               reason=BAD_ENCODING,
                               detail={"field": names.text, "error": f"invalid UTF-8 at byte {exc.start}"})
        fields = {**fields, names.text: text}
    if not isinstance(text, str):
        return InputRecord(page_id, fields, reason=NOT_STRING,
                           detail={"field": names.text, "type": type(text).__name__})
    size = len(text.encode("utf-8"))
    if size > names.max_text_bytes:
        return InputRecord(page_id, fields, reason=TOO_LARGE,
                           detail={"bytes": size, "threshold": names.max_text_bytes})
    title = fields.get(names.title)
    return InputRecord(page_id, fields, text=text, title=title if isinstance(title, str) else None)


def _bad(page_id: str, names: FieldNames, reason: str, detail: dict[str, Any], raw: str) -> InputRecord:
    return InputRecord(page_id, {names.id: page_id, "raw": raw}, reason=reason, detail=detail)


def _has_surrogates(value: Any) -> bool:
    return isinstance(value, str) and _SURROGATE.search(value) is not None


def _escaped(value: Any) -> Any:
    """A string read with ``surrogateescape`` with its invalid bytes as ``\\xNN`` text."""
    if not _has_surrogates(value):
        return value
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
