"""The labelled-page format the cleaner is measured with, and how reason codes map onto it.

A labelled page is one JSONL record: ``id``, ``text`` (the page as scraped), ``drop``
(``[[start, end, kind], ...]``, character offsets into ``text`` that a good cleaner removes),
``gold`` (the text that should remain) and ``verdict`` (``content``, or ``all_spam`` when
nothing on the page is genuine). Kinds are the last part of the cleaner's reason codes
(``spam.hotline`` -> ``hotline``), with the few aliases in `KIND_ALIASES`. A cleaner's output to
score is JSONL of ``{"id", "text"}``.
"""
from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any, Iterable, Iterator

from zhclean.errors import InputError
from zhclean.io.records import json_error

#: Reason-code kinds whose label kind has a different name. Everything else maps by the last
#: dotted part of the code (``spam.hotline`` -> ``hotline``).
KIND_ALIASES: dict[str, str] = {
    "llm": "llm_artifact",
    "keyword_stuffing": "keyword_list",
    "repeated_line": "other_boilerplate",
    "mojibake": "other_boilerplate",
}
#: The verdict labellers give a page with no genuine content.
ALL_SPAM = "all_spam"


def label_kind(code: str) -> str:
    """The label kind a reason code is scored as: ``spam.hotline`` -> ``hotline``,
    ``artifact.llm`` -> ``llm_artifact``."""
    kind = code.rsplit(".", 1)[-1]
    return KIND_ALIASES.get(kind, kind)


def iter_json_lines(path: str | Path, what: str) -> Iterator[tuple[int, Any]]:
    """(line number, parsed value) for each non-blank line of a small JSONL file (optionally
    .gz), strictly: an unreadable file or a line that is not JSON is an `InputError` naming
    the file, the line and `what` the file should hold. (The batch readers in `zhclean.io`
    are the tolerant kind: they reject bad records instead.)"""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            for n, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    yield n, json.loads(line)
                except json.JSONDecodeError as err:
                    raise InputError(f"{path}, line {n}: not valid JSON: {json_error(err)}") from err
    except OSError as err:
        raise InputError(f"{path}: cannot read the {what} ({err.strerror or err})") from err
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: cannot read the {what}: not UTF-8 text ({err})") from err


def load_labelled(path: str | Path) -> list[dict[str, Any]]:
    """Read labelled pages (JSONL). Every record needs ``id``, a string ``text`` and a
    ``drop`` list of ``[start, end, kind]`` inside the text; errors name the line and field."""
    pages = []
    for n, record in iter_json_lines(path, "labelled pages"):
        where = f"{path}, line {n}"
        if not isinstance(record, dict) or "id" not in record:
            raise InputError(f"{where}: expected an object with an 'id' field")
        if not isinstance(record.get("text"), str):
            raise InputError(f"{where} (id {record['id']}): 'text' must be a string; "
                             "label only pages that have text")
        drop = record.get("drop")
        if not isinstance(drop, list):
            raise InputError(f"{where} (id {record['id']}): 'drop' must be a list of "
                             "[start, end, kind]")
        for span in drop:
            if (not isinstance(span, list) or len(span) != 3
                    or not all(isinstance(x, int) for x in span[:2])
                    or not 0 <= span[0] <= span[1] <= len(record["text"])):
                raise InputError(f"{where} (id {record['id']}): bad drop span {span!r}; "
                                 f"expected [start, end, kind] with 0 <= start <= end <= "
                                 f"{len(record['text'])}")
        pages.append(record)
    return pages


def load_outputs(path: str | Path, field: str = "text") -> dict[str, str]:
    """Read a cleaner's output (JSONL of ``{"id", field}``) as id -> kept text."""
    out: dict[str, str] = {}
    for n, record in iter_json_lines(path, "outputs"):
        if not isinstance(record, dict) or "id" not in record:
            raise InputError(f"{path}, line {n}: expected an object with an 'id' field")
        out[str(record["id"])] = record.get(field) or ""
    return out


def load_label_files(paths: Iterable[str | Path], pages_dir: str | Path | None = None,
                     split: str = "all") -> list[dict[str, Any]]:
    """Labelled pages from label files, each page with its text.

    A record either carries its ``text`` (the format of `load_labelled`), or is offsets only
    (``labels/*.jsonl`` of the repository: ``id``, ``page_file``, ``sha1``, ``drop``, ``verdict``),
    and its text is read from ``pages_dir / page_file`` (JSONL, optionally .gz, with ``id``,
    ``text`` and ``title``) and checked against ``sha1``. `split` keeps the records of one split
    (``train`` or ``validation``: the record's ``split``, else `split_of` its id) or ``all``.
    """
    records: list[dict[str, Any]] = []
    wanted: dict[str, set[str]] = {}
    for path in paths:
        for n, record in iter_json_lines(path, "labelled pages"):
            where = f"{path}, line {n}"
            if not isinstance(record, dict) or "id" not in record or not isinstance(record.get("drop"), list):
                raise InputError(f"{where}: expected an object with 'id' and 'drop' fields")
            record.setdefault("split", split_of(record["id"]))
            if split != "all" and record["split"] != split:
                continue
            record["_where"] = where
            records.append(record)
            if not isinstance(record.get("text"), str):
                if not record.get("page_file"):
                    raise InputError(f"{where} (id {record['id']}): no 'text' and no 'page_file' to read it from")
                wanted.setdefault(record["page_file"], set()).add(str(record["id"]))
    texts: dict[tuple[str, str], dict[str, Any]] = {}
    for page_file, ids in wanted.items():
        if pages_dir is None:
            raise InputError(f"labels refer to pages in {page_file!r}: give the folder that holds it "
                             "(--pages-dir)")
        for _, page in iter_json_lines(Path(pages_dir) / page_file, "pages"):
            if isinstance(page, dict) and str(page.get("id")) in ids:
                texts[page_file, str(page["id"])] = page
    out = []
    for record in records:
        where = record.pop("_where")
        if not isinstance(record.get("text"), str):
            page = texts.get((record["page_file"], str(record["id"])))
            if page is None or not isinstance(page.get("text"), str):
                raise InputError(f"{where}: page {record['id']} not found in {Path(pages_dir) / record['page_file']}")
            digest = hashlib.sha1(page["text"].encode("utf-8", "surrogatepass")).hexdigest()
            if record.get("sha1") and digest != record["sha1"]:
                raise InputError(f"{where}: page {record['id']} in {record['page_file']} is not the page "
                                 "that was labelled (its text hash differs)")
            record = {**record, "text": page["text"], "title": record.get("title", page.get("title"))}
        for span in record["drop"]:
            if (not isinstance(span, list) or len(span) != 3 or not all(isinstance(x, int) for x in span[:2])
                    or not 0 <= span[0] <= span[1] <= len(record["text"])):
                raise InputError(f"{where} (id {record['id']}): bad drop span {span!r}")
        out.append(record)
    return out


def split_of(page_id: Any) -> str:
    """``validation`` for a fifth of the pages, by a hash of the id; ``train`` for the rest.
    Fixed before any model or rule was fitted (labels/README.md)."""
    digest = hashlib.sha256(str(page_id).encode("utf-8", "surrogatepass")).hexdigest()
    return "validation" if int(digest[:8], 16) / 2**32 < 0.2 else "train"
