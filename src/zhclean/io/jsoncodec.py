"""JSON text in and out without losing a value: orjson where it can, the standard library
where it cannot.

* `parse_record` reads one input line. Numbers come out as they went in: a number that a
  64-bit integer or a double cannot hold exactly (an integer past 64 bits, ``1e400``,
  ``0.10000000000000000001``) and the non-standard ``NaN``/``Infinity`` are kept as their
  text (a JSON string), never rounded or turned into null. Records nested deeper than
  `MAX_DEPTH` raise `TooDeep`; a lone surrogate escape (``"\\ud800"``, not Unicode) raises
  `LoneSurrogate` naming the top-level field.
* `dumps` / `loads` write and read the work files and outputs: orjson, and the standard
  library for what orjson refuses (values nested past its 255 levels, types it does not
  know), in the same compact layout, so either reads what the other wrote.
"""
from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any

import orjson

#: Deepest nesting of arrays and objects a record may have. The standard library, which
#: writes what orjson cannot (past 255 levels), recurses once per level.
MAX_DEPTH = 500

_SURROGATE = re.compile("[\ud800-\udfff]")


class TooDeep(ValueError):
    """The record nests arrays/objects deeper than `MAX_DEPTH`."""


class LoneSurrogate(ValueError):
    """A string of the record holds a lone surrogate escape (not a Unicode character)."""

    def __init__(self, field: str):
        super().__init__(f"field {field!r} holds a lone surrogate escape (\\udXXX), not Unicode")
        self.field = field


def parse_record(text: str) -> Any:
    """One JSON value from `text`, numbers exact. Raises `TooDeep`, `LoneSurrogate` or
    `ValueError` (not JSON; the message says where).

    orjson reads integers past 64 bits as doubles and rounds long decimals; any number it may
    have rounded is a float, so a value holding a float (rare in web records) is read again
    with the standard library's exact number hooks."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN, 1e400, raw control characters, lone surrogates, deep
        value = _exact(text)
    else:
        levels, floats = _shape(value)
        if levels > MAX_DEPTH:
            raise TooDeep(f"nested more than {MAX_DEPTH} levels deep")
        if floats:
            value = _exact(text)
    return value


def _exact(text: str) -> Any:
    try:
        value = json.loads(text, strict=False, parse_int=_int, parse_float=_float,
                           parse_constant=str)
    except RecursionError:
        raise TooDeep(f"nested more than {MAX_DEPTH} levels deep") from None
    if _shape(value)[0] > MAX_DEPTH:
        raise TooDeep(f"nested more than {MAX_DEPTH} levels deep")
    field = _surrogate_field(value)
    if field is not None:
        raise LoneSurrogate(field)
    return value


def _shape(value: Any) -> tuple[int, bool]:
    """(levels of arrays/objects, whether a float is anywhere), without recursion."""
    deepest, floats = 0, False
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            floats = floats or isinstance(item, float)
            continue
        deepest = max(deepest, level)
        for child in item:
            if isinstance(child, (dict, list)):
                stack.append((child, level + 1))
            elif isinstance(child, float):
                floats = True
    return deepest, floats


def _int(token: str) -> int | str:
    if len(token) > 20:  # (and int() refuses more than 4,300 digits)
        return token
    value = int(token)
    return value if -(2**63) <= value < 2**64 else token


def _float(token: str) -> float | str:
    value = float(token)
    if math.isfinite(value) and Decimal(token) == Decimal(repr(value)):
        return value
    return token


def _surrogate_field(value: Any) -> str | None:
    """The top-level key of the first string (key or value) holding a lone surrogate."""
    if not isinstance(value, dict):
        return "" if has_surrogates(value) else None
    for key, item in value.items():
        if _SURROGATE.search(key) or has_surrogates(item):
            return key.encode("utf-8", "backslashreplace").decode("ascii")
    return None


def has_surrogates(value: Any) -> bool:
    """True when a string anywhere in `value` (keys included) holds a lone surrogate."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def dumps(record: Any) -> bytes:
    """One compact JSON document (no newline); keys in insertion order."""
    try:
        return orjson.dumps(record, option=orjson.OPT_NON_STR_KEYS)
    except (TypeError, orjson.JSONEncodeError):  # deeper than 255 levels, or an unknown type
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str)
        return text.encode("utf-8", "backslashreplace")


def loads(data: bytes | str) -> Any:
    """What `dumps` wrote."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)
