"""The final tables' Parquet writer (`pipeline.batch.store._GroupWriter`): which columns get
statistics, and that leaving them out of whole texts keeps every value.

A column chunk's statistics (min, max) of a column of whole texts copied two texts out of
every row group while it was written (one 8 MB document: +33 MB in the writing process for a
moment), and were kept in the file only for texts under 4 KB; they are not computed now.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.batch.store import SCHEMAS, _GroupWriter, statistics_columns


@pytest.mark.parametrize(("table", "without"), [
    ("documents", {"text"}),          # whole reports
    ("sections", set()),              # a heading's words
    ("quantities", set()),            # "3.5亿元": short, kept
    ("projects", set()),
    ("statuses", set()),
    ("checks", set()),
])
def test_every_column_but_whole_texts_gets_statistics(table: str, without: set[str]) -> None:
    chosen = statistics_columns(table, SCHEMAS[table])
    names = set(SCHEMAS[table].names)
    assert (names if chosen is True else set(chosen)) == names - without


def _documents(texts: list[str | None]) -> pa.Table:
    schema = SCHEMAS["documents"]
    rows = [{name: None for name in schema.names} | {"doc_id": f"d{i}", "path": f"青岚/{i}.txt", "text": text,
                                                      "status": "ok", "format": "txt"}
            for i, text in enumerate(texts)]
    return pa.Table.from_pylist(rows, schema=schema)


@pytest.mark.parametrize("texts", [
    ["城东大道改造工程已开工，总投资3.5亿元。"],
    ["南湖水厂" * 20_000, "", None],                     # a long text, an empty one, none
    ["北坪新区综合管廊项目\n完成投资1.2亿元", "石门大桥已通车。"],
])
def test_a_documents_table_is_written_whole_without_text_statistics(tmp_path: Path, texts: list) -> None:
    path = tmp_path / "documents.parquet"
    writer = _GroupWriter(str(path), SCHEMAS["documents"], "documents")
    writer.add(_documents(texts))
    writer.close()
    assert pq.read_table(path).equals(_documents(texts))
    chunks = pq.ParquetFile(path).metadata.row_group(0)
    columns = {chunks.column(i).path_in_schema: chunks.column(i) for i in range(chunks.num_columns)}
    assert not columns["text"].is_stats_set
    assert columns["doc_id"].is_stats_set and columns["doc_id"].statistics.min == "d0"
