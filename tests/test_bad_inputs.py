"""Hostile inputs that must neither lose a record nor stop a batch (issue 12).

Every case runs the real reader (and, where the bug was in a later stage, the whole command
in-process) on data written here. The accounting rule throughout: every record read comes out
exactly once, kept or rejected with a reason, and the command exits 0.
"""
from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from dedup_pages import LIBRARY, STORY

from zhclean.cli import main
from zhclean.io import FieldNames, discover_shards, iter_items, parse_item

PAGE = "社区图书馆延长开放时间，读者下班后也能来借书。馆长介绍，今年计划再开两家分馆。"


def parse_all(path: Path, names: FieldNames = FieldNames()):
    [shard] = discover_shards(str(path))
    return [parse_item(item, shard.stem, names) for item in iter_items(shard)]


def jsonl(records: list[dict]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)


def pages(n: int, repeat: int = 1) -> list[dict]:
    return [{"id": f"p{i}", "text": f"第{i}篇。" + PAGE * repeat} for i in range(n)]


def cli(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def out_records(out: Path) -> tuple[list[dict], list[dict]]:
    kept = [r for p in sorted(out.glob("kept*.jsonl")) for r in read(p)]
    rejected = [r for p in sorted(out.glob("rejected*.jsonl")) for r in read(p)]
    return kept, rejected


def zstd_stream(data: bytes) -> bytes:
    """`data` compressed the way streaming writers do it: many blocks, one frame."""
    zstd = pytest.importorskip("zstandard")
    buf = io.BytesIO()
    with zstd.ZstdCompressor().stream_writer(buf, closefd=False) as writer:
        for at in range(0, len(data), 4096):
            writer.write(data[at:at + 4096])
    return buf.getvalue()


# --- compressed files ---------------------------------------------------------------------


def test_truncated_zst_keeps_what_it_can_and_says_so(tmp_path):
    records = pages(2000, repeat=4)
    data = zstd_stream(jsonl(records))
    (tmp_path / "cut.jsonl.zst").write_bytes(data[: len(data) // 2])
    parsed = parse_all(tmp_path / "cut.jsonl.zst")
    *good, last = parsed
    assert last.reason == "input.truncated_file"
    assert last.detail["line"] == len(good) + 1 and last.id == f"cut:{len(good) + 1}"
    assert [r.id for r in good] == [f"p{i}" for i in range(len(good))] and len(good) > 100
    assert all(r.reason is None for r in good)  # no half line taken for a bad record


def test_small_truncated_zst_is_one_truncated_record(tmp_path):
    zstd = pytest.importorskip("zstandard")
    data = zstd.ZstdCompressor().compress(jsonl(pages(20)))
    (tmp_path / "cut.jsonl.zst").write_bytes(data[: len(data) // 2])
    parsed = parse_all(tmp_path / "cut.jsonl.zst")
    assert [r.reason for r in parsed][-1] == "input.truncated_file"


def test_corrupt_zst_beside_a_good_shard(tmp_path):
    data = bytearray(zstd_stream(jsonl(pages(300, repeat=4))))
    data[len(data) // 2: len(data) // 2 + 8] = b"\xff" * 8
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl.zst").write_bytes(bytes(data))
    (tmp_path / "in" / "b.jsonl").write_bytes(jsonl(pages(5)))
    result = cli("clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, result.output
    kept, rejected = out_records(tmp_path / "out")
    assert [r["reason"] for r in rejected if r["reason"].startswith("input.")] == ["input.truncated_file"]
    assert {f"p{i}" for i in range(5)} <= {r["id"] for r in read(tmp_path / "out" / "kept-00001.jsonl")}
    stats = json.loads((tmp_path / "out" / "stats.json").read_text())
    assert stats["pages_in"] == len(kept) + len(rejected)


@pytest.mark.parametrize("name, compress", [
    ("plain.jsonl.gz", lambda b: b),                 # plain JSONL named .gz
    ("gz.jsonl", gzip.compress),                     # gzip named plain
    ("zst.jsonl.gz", lambda b: zstd_stream(b)),      # zstd named .gz
])
def test_compression_is_read_from_the_bytes_not_the_name(tmp_path, name, compress):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_bytes(compress(jsonl(pages(20))))
    result = cli("clean", str(tmp_path / "in" / name), "-o", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, result.output
    kept, rejected = out_records(tmp_path / "out")
    assert len(kept) == 20 and not rejected
    stats = json.loads((tmp_path / "out" / "stats.json").read_text())
    assert "the bytes are" in stats["shards"][0]["note"]  # and says so
    assert stats["warnings"]


def test_parquet_with_a_corrupt_data_page_keeps_the_other_row_groups(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    rows = pages(30)
    path = tmp_path / "p.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=10, compression="snappy")
    meta = pq.ParquetFile(path).metadata
    column = [meta.row_group(1).column(j) for j in range(meta.num_columns)
              if meta.row_group(1).column(j).path_in_schema == "text"][0]
    data = bytearray(path.read_bytes())
    middle = column.data_page_offset + column.total_compressed_size // 2
    data[middle: middle + 16] = b"\xee" * 16
    path.write_bytes(bytes(data))
    parsed = parse_all(path)
    assert [r.id for r in parsed if r.reason is None] == [f"p{i}" for i in (*range(10), *range(20, 30))]
    [bad] = [r for r in parsed if r.reason is not None]
    assert bad.reason == "input.truncated_file"
    assert bad.detail["row"] == 11 and bad.detail["rows"] == 10 and bad.detail["row_group"] == 1
    result = cli("clean", str(path), "-o", str(tmp_path / "out"), "-q", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    kept, rejected = out_records(tmp_path / "out")
    assert len(kept) + len(rejected) == 21


# --- CSV ----------------------------------------------------------------------------------


def test_csv_unterminated_quote_loses_no_row(tmp_path):
    (tmp_path / "q.csv").write_text(f'id,text\na,"{PAGE}\nb,{PAGE}\nc,{PAGE}\n', encoding="utf-8")
    parsed = parse_all(tmp_path / "q.csv")
    assert [(r.id, r.reason) for r in parsed] == [("q:1", "input.bad_csv"), ("b", None), ("c", None)]
    assert parsed[0].fields["raw"] == f'a,"{PAGE}' and "quote" in parsed[0].detail["error"]
    assert parsed[0].detail["row"] == 1


def test_csv_quoted_line_breaks_still_read_as_one_field(tmp_path):
    (tmp_path / "q.csv").write_text(f'id,text\na,"第一行\n第二行"\nb,{PAGE}', encoding="utf-8")
    parsed = parse_all(tmp_path / "q.csv")
    assert [(r.id, r.text) for r in parsed] == [("a", "第一行\n第二行"), ("b", PAGE)]


def test_csv_row_with_more_values_than_the_header_is_rejected_not_trimmed(tmp_path):
    (tmp_path / "x.csv").write_text(f"id,text\na,{PAGE},extra,more\nb,{PAGE},,\n", encoding="utf-8")
    parsed = parse_all(tmp_path / "x.csv")
    assert parsed[0].reason == "input.bad_csv" and "4 values" in parsed[0].detail["error"]
    assert parsed[0].fields["raw"] == f"a,{PAGE},extra,more"
    assert parsed[1].reason is None and parsed[1].text == PAGE  # empty extra values carry nothing


def test_csv_invalid_utf8_in_another_column(tmp_path):
    (tmp_path / "in.csv").write_bytes(b"id,url,text\na,http://x.cn/\xff\xfe," + PAGE.encode() + b"\n"
                                      b"b,http://x.cn/ok," + PAGE.encode() + b"\n")
    result = cli("run", str(tmp_path / "in.csv"), "-o", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, result.output
    kept, rejected = out_records(tmp_path / "out")
    [bad] = [r for r in rejected if r["id"] == "a"]
    assert bad["reason"] == "input.bad_encoding" and bad["detail"]["field"] == "url"
    assert bad["url"] == "http://x.cn/\\xff\\xfe"
    assert len(kept) + len(rejected) == 2


# --- JSON: surrogates, nesting, numbers ---------------------------------------------------


@pytest.mark.parametrize("field", ["text", "url", "id", "title"])
def test_lone_surrogate_escape_in_any_field(tmp_path, field):
    good = pages(3, repeat=6)
    bad = {"id": "s1", "url": "http://x.cn/1", "title": "标题", "text": PAGE * 6}
    line = json.dumps(bad, ensure_ascii=False).replace(f'"{field}": "', f'"{field}": "\\ud800', 1)
    (tmp_path / "in.jsonl").write_text("\n".join([line] + [json.dumps(r, ensure_ascii=False) for r in good]),
                                       encoding="utf-8")
    result = cli("run", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out"), "-q",
                 "--set", "filters.min_chars=10")
    assert result.exit_code == 0, result.output
    kept, rejected = out_records(tmp_path / "out")
    [bad_out] = [r for r in rejected if r["reason"] == "input.bad_encoding"]
    assert bad_out["detail"]["field"] == field and "\\ud800" in bad_out["raw"]
    assert len(kept) + len(rejected) == 4


def test_object_nested_5000_deep_is_a_bad_record(tmp_path):
    deep = '{"id": "deep", "text": "x", "a": ' + "[" * 5000 + "]" * 5000 + "}"
    (tmp_path / "in.jsonl").write_text(deep + "\n" + json.dumps({"id": "p0", "text": "\n".join(STORY)},
                                                                ensure_ascii=False), encoding="utf-8")
    result = cli("run", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, result.output
    kept, rejected = out_records(tmp_path / "out")
    assert [r["reason"] for r in rejected] == ["input.too_deep"]
    assert rejected[0]["raw"] == deep and rejected[0]["detail"]["limit"] == 500
    assert [r["id"] for r in kept] == ["p0"]


def test_300_deep_field_on_a_near_duplicate_page(tmp_path):
    deep: object = "leaf"
    for _ in range(300):
        deep = {"k": deep}
    records = [{"id": "a", "text": "\n".join(STORY), "meta": deep},
               {"id": "b", "text": "\n".join(STORY[:-1] + LIBRARY[:1])}]
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records),
                                       encoding="utf-8")
    result = cli("run", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, result.output
    kept, rejected = out_records(tmp_path / "out")
    assert len(kept) == 1 and [r["reason"] for r in rejected] == ["dup.near"]
    [a] = [r for r in kept + rejected if r["id"] == "a"]
    assert a["meta"] == deep


@pytest.mark.parametrize("token, expected", [
    ("123456789012345678901234567890", "123456789012345678901234567890"),   # past 64 bits
    ("-9223372036854775809", "-9223372036854775809"),
    ("18446744073709551615", 18446744073709551615),                        # fits: a number
    ("1e400", "1e400"),                                                    # not a double
    ("NaN", "NaN"),
    ("-Infinity", "-Infinity"),
    ("0.10000000000000000001", "0.10000000000000000001"),                  # past a double's digits
    ("2.5", 2.5),
])
def test_numbers_come_out_as_they_went_in(tmp_path, token, expected):
    line = '{"id": ' + token + ', "n": [' + token + '], "text": "' + PAGE + '"}'
    (tmp_path / "in.jsonl").write_text(line + "\n", encoding="utf-8")
    result = cli("clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, result.output
    [record] = read(tmp_path / "out" / "kept.jsonl")
    assert record["id"] == expected and record["n"] == [expected]
    assert type(record["id"]) is type(expected)


# --- user fields named like ours ----------------------------------------------------------


def test_fields_named_like_ours_are_never_overwritten(tmp_path):
    records = [
        {"id": "k", "text": "\n".join(STORY), "reason": "theirs", "detail": {"a": 1}, "zhclean": "mine"},
        {"id": "r", "text": "", "reason": "theirs", "detail": [1, 2], "zhclean": {"x": 1}},
        {"id": "d", "text": "\n".join(STORY), "reason": "dup-theirs", "detail": "d"},
    ]
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records),
                                       encoding="utf-8")
    result = cli("run", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    kept, rejected = out_records(tmp_path / "out")
    by_id = {r["id"]: r for r in kept + rejected}
    k, r, d = by_id["k"], by_id["r"], by_id["d"]
    assert k["reason"] == "theirs" and k["detail"] == {"a": 1}        # kept: only zhclean is ours
    assert k["zhclean"]["input_fields"] == {"zhclean": "mine"}
    assert r["reason"] == "input.empty"
    assert r["zhclean"]["input_fields"] == {"reason": "theirs", "detail": [1, 2], "zhclean": {"x": 1}}
    assert d["reason"] == "dup.exact" and d["detail"]["duplicate_of"] == "k"
    assert d["zhclean"]["input_fields"] == {"reason": "dup-theirs", "detail": "d"}
    stats = json.loads((tmp_path / "out" / "stats.json").read_text())
    assert stats["moved_fields"] == {"detail": 2, "reason": 2, "zhclean": 2}
    assert "zhclean.input_fields" in result.output  # the run says so


def test_dedup_of_a_cleaned_output_keeps_the_earlier_info(tmp_path):
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": "a", "text": PAGE, "zhclean": "earlier"},
                                                  ensure_ascii=False), encoding="utf-8")
    result = cli("dedup", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out"), "-q")
    assert result.exit_code == 0, result.output
    [record] = read(tmp_path / "out" / "kept.jsonl")
    assert record["zhclean"]["input_fields"] == {"zhclean": "earlier"}
    assert record["zhclean"]["dedup"] == {"cluster_id": "a", "cluster_size": 1}


# --- the repeated-line pass on pages with no countable line --------------------------------


def test_repeated_line_pass_on_pages_without_long_lines(tmp_path):
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps({"id": i, "text": "短\n行\n一"}) for i in range(3)),
                                       encoding="utf-8")
    result = cli("run", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out"), "-q",
                 "--set", "dedup.repeated_lines=true")
    assert result.exit_code == 0, result.output
