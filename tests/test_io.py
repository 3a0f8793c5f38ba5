"""Readers, record parsing and atomic writers (data written here, in every supported shape)."""
from __future__ import annotations

import gzip
import json

import pytest

from zhclean.errors import InputError
from zhclean.io import FieldNames, JsonlSink, discover_shards, iter_chunks, iter_items, parse_item
from zhclean.io.records import RawItem

PAGE = "社区图书馆延长开放时间。读者下班后也能来借书。"


def parse_all(shard, names=FieldNames()):
    return [parse_item(item, shard.stem, names) for item in iter_items(shard)]


def test_discover_files_globs_and_folders(tmp_path):
    for name in ("b.jsonl", "a.jsonl.gz", "c.parquet", "notes.md"):
        (tmp_path / name).write_bytes(b"")
    shards = discover_shards(str(tmp_path))
    assert [s.path.rsplit("/", 1)[-1] for s in shards] == ["a.jsonl.gz", "b.jsonl", "c.parquet"]
    assert [s.ordinal for s in shards] == [0, 1, 2]
    assert shards[0].compression == "gzip" and shards[0].stem == "a"
    assert len(discover_shards(str(tmp_path / "*.jsonl*"))) == 2
    with pytest.raises(InputError, match="does not exist"):
        discover_shards(str(tmp_path / "missing.jsonl"))
    with pytest.raises(InputError, match="matches no files"):
        discover_shards(str(tmp_path / "*.csv"))
    with pytest.raises(InputError, match="unknown format"):
        discover_shards(str(tmp_path / "notes.md"))


def test_text_folder_is_one_shard_of_pages(tmp_path):
    (tmp_path / "pages" / "sub").mkdir(parents=True)
    (tmp_path / "pages" / "one.txt").write_text(PAGE, encoding="utf-8")
    (tmp_path / "pages" / "sub" / "two.txt").write_bytes(b"\xef\xbb\xbf" + PAGE.encode())
    (tmp_path / "pages" / "bad.txt").write_bytes(b"\xff\xfe\x00")
    [shard] = discover_shards(str(tmp_path / "pages"))
    assert shard.format == "txt"
    records = parse_all(shard)
    assert [r.id for r in records] == ["bad", "one", "sub/two"]
    assert records[0].reason == "input.bad_encoding"
    assert records[2].text == PAGE


def test_jsonl_plain_gzip_zstd_read_the_same(tmp_path):
    zstd = pytest.importorskip("zstandard")
    data = b"".join(json.dumps({"id": i, "text": PAGE}, ensure_ascii=False).encode() + b"\n"
                    for i in range(5))
    (tmp_path / "p.jsonl").write_bytes(data)
    (tmp_path / "g.jsonl.gz").write_bytes(gzip.compress(data))
    (tmp_path / "z.jsonl.zst").write_bytes(zstd.ZstdCompressor().compress(data))
    results = [[(r.id, r.text) for r in parse_all(s)] for s in discover_shards(str(tmp_path))]
    assert results[0] == results[1] == results[2] == [(str(i), PAGE) for i in range(5)]


def test_parquet_and_csv(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"doc": ["a", "b"], "body": [PAGE, None]}), tmp_path / "p.parquet")
    (tmp_path / "c.csv").write_text('id,text\nx,"第一行\n第二行"\n,' + PAGE + "\n", encoding="utf-8-sig")
    parquet, csv_ = discover_shards([str(tmp_path / "c.csv"), str(tmp_path / "p.parquet")])[::-1]
    names = FieldNames(text="body", id="doc")
    pq_records = parse_all(parquet, names)
    assert [(r.id, r.reason) for r in pq_records] == [("a", None), ("b", "input.missing_text")]
    csv_records = parse_all(csv_)
    assert [r.id for r in csv_records] == ["x", "c:2"]
    assert csv_records[0].text == "第一行\n第二行"


@pytest.mark.parametrize("line, reason", [
    (b'{"id": "a", "text": "\xe6\x9c', "input.bad_json"),
    (b'{"id": "a", "text": "\xff"}', "input.bad_encoding"),
    (b'[1, 2]', "input.not_object"),
    (b'{"id": "a"}', "input.missing_text"),
    (b'{"id": "a", "text": {"k": 1}}', "input.not_string"),
    (b'{"id": "a", "text": "' + "长".encode() * 40 + b'"}', "input.too_large"),
])
def test_bad_lines_get_a_reason_and_keep_their_content(line, reason):
    rec = parse_item(RawItem(7, line), "f", FieldNames(max_text_bytes=100))
    assert rec.reason == reason and rec.text is None
    assert rec.id in ("a", "f:7")
    assert rec.fields.get("raw") or rec.fields.get("id") == "a"


@pytest.mark.parametrize("line, error", [
    (b'{"id": "a", "text": "x" "y"}', "Expecting ',' delimiter at column 25 (found '\"')"),
    (b'{"id": "a", "text": "cut', "Unterminated string starting at column 21; the line ends at column 24"),
    (b'{"id": "a", "text": "x"} trailing', "Extra data at column 26 (found 't')"),
    (b'{"id": "a", "text": ', "Expecting value at the end of the line (column 21)"),
])
def test_bad_json_says_what_is_wrong_and_where_in_full(line, error):
    rec = parse_item(RawItem(5, line), "f", FieldNames())
    assert rec.reason == "input.bad_json"
    assert rec.detail == {"line": 5, "error": error}


def test_bom_and_raw_nul_are_accepted():
    text = json.dumps({"text": PAGE}, ensure_ascii=False).encode()
    rec = parse_item(RawItem(1, b"\xef\xbb\xbf" + text.replace("。".encode(), b"\x00", 1)), "f", FieldNames())
    assert rec.reason is None and rec.id == "f:1" and "\x00" in rec.text


def test_chunks_depend_only_on_the_input(tmp_path):
    (tmp_path / "p.jsonl").write_text("\n".join(json.dumps({"text": str(i)}) for i in range(25)))
    [shard] = discover_shards(str(tmp_path / "p.jsonl"))
    assert [len(c) for c in iter_chunks(shard, max_items=10)] == [10, 10, 5]


def test_sink_is_atomic(tmp_path):
    with pytest.raises(RuntimeError):
        with JsonlSink(tmp_path / "kept.jsonl") as sink:
            sink.write({"id": 1})
            raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []
    with JsonlSink(tmp_path / "kept.jsonl") as sink:
        sink.write({"id": 1, "text": "中"})
    assert (tmp_path / "kept.jsonl").read_text(encoding="utf-8") == '{"id":1,"text":"中"}\n'


def test_truncated_gzip_keeps_what_it_can_and_says_so(tmp_path):
    data = gzip.compress(b"".join(json.dumps({"id": i, "text": PAGE * 20}, ensure_ascii=False).encode()
                                  + b"\n" for i in range(300)))
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    [shard] = discover_shards(str(tmp_path / "cut.jsonl.gz"))
    records = parse_all(shard)
    assert records[-1].reason == "input.truncated_file"
    assert records[-1].id == f"cut:{records[-1].detail['line']}"
    assert all(r.reason is None for r in records[:-1]) and len(records) > 1
