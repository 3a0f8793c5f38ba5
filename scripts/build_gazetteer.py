"""Rebuild src/zhclean/data/china_divisions.tsv.gz from a JioNLP wheel.

    pip download --no-deps jionlp==1.5.31 -d /tmp/jio
    python scripts/build_gazetteer.py /tmp/jio/jionlp-1.5.31-py2.py3-none-any.whl

Keeps province, city, county and town levels (village level is dropped: village names are
mostly common words such as 东风村 and would turn prose into "place names").
"""
from __future__ import annotations

import gzip
import io
import sys
import zipfile
from pathlib import Path

LEVELS = ("province", "city", "county", "town")
OUT = Path(__file__).resolve().parents[1] / "src/zhclean/data/china_divisions.tsv.gz"


def read_locations(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as whl:
        inner = zipfile.ZipFile(io.BytesIO(whl.read("jionlp/dictionary/china_location.zip")))
        return inner.read("china_location.txt").decode("utf-8")


def rows(text: str):
    seen = set()
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip("\t"))
        if depth >= len(LEVELS) or not line.strip():
            continue
        parts = line.strip().split("\t")
        row = (LEVELS[depth], parts[0], parts[2] if len(parts) > 2 else "")
        if row not in seen:
            seen.add(row)
            yield row


def main(argv: list[str]) -> None:
    text = read_locations(Path(argv[1]))
    with gzip.open(OUT, "wt", encoding="utf-8") as out:
        out.write("# level\tname\tshort_name\n")
        for row in rows(text):
            out.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main(sys.argv)
