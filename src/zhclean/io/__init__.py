"""Readers and writers: JSONL (plain, .gz, .zst), Parquet, CSV, folders of .txt pages;
kept + rejected sinks written atomically per shard."""
from zhclean.io.readers import iter_chunks, iter_items
from zhclean.io.records import FieldNames, InputRecord, RawItem, parse_item
from zhclean.io.shards import Shard, discover_shards
from zhclean.io.writers import JsonlSink, ParquetSink, open_sink

__all__ = ["FieldNames", "InputRecord", "JsonlSink", "ParquetSink", "RawItem", "Shard",
           "discover_shards", "iter_chunks", "iter_items", "open_sink", "parse_item"]
