"""`pipeline/schema.py` is the one list of output columns: the rows, the Arrow schemas, the
Chinese labels and README "Tables" all agree with it; and every fact's sentence holds it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from pipeline import schema
from pipeline.batch.run import process
from pipeline.batch.tables import SCHEMAS
from pipeline.extract import Pipeline
from pipeline.io.read import SourceDocument
from pipeline.outputs.export import load_labels
from pipeline.results import DocumentResult
from pipeline.rows import check_offsets, document_rows

from conftest import ROOT

# Invented reports: facts in sentences ended by 。！？, line breaks and the end of the text.
TEXTS = [
    "一、重点项目\n（一）交通\n望川大道全长6.2公里，总投资3.8亿元。已于9月建成通车！\n北山公路改建工程进展缓慢",
    "城南大(dà)桥已竣(jùn)工通(tōng)车，总投(tóu)资3.5亿元，全长1.2公(gōng)里。",
    "  柏树湾水库工程年度计划投资12.5亿元，完成投资4.2亿元，完成率33.6%  \n\n西湖大桥尚未开工？",
    # a figure that disagrees (8.5 of 10 is 85 %, not 95 %): a checks row
    "城东污水处理厂项目年度计划投资10亿元，完成投资8.5亿元，占年度计划的95%。",
]


def _source(doc_id: str, text: str) -> SourceDocument:
    return SourceDocument(doc_id, f"{doc_id}.txt", "txt", "utf-8", text, "ok", None)


@pytest.fixture(scope="module")
def rows(pipeline: Pipeline) -> dict[str, list[dict[str, Any]]]:
    merged: dict[str, list[dict[str, Any]]] = {name: [] for name in schema.TABLES}
    results: list[DocumentResult] = [process(pipeline, _source(f"d{i}", t)) for i, t in enumerate(TEXTS)]
    # a document that could not be read: no extraction, one documents row
    results.append(DocumentResult(SourceDocument("bad", "bad.doc", "doc", None, "", "error", "corrupt"),
                                  None, "error", "corrupt"))
    for result in results:
        doc_rows = document_rows(result, pipeline.rules)
        check_offsets(doc_rows)
        for name, table_rows in doc_rows.items():
            merged[name].extend(table_rows)
    return merged


def test_every_row_has_exactly_the_schemas_columns(rows: dict[str, list[dict[str, Any]]]) -> None:
    assert all(rows[t] for t in schema.TABLES), "each table gets rows from the texts"
    for table, table_rows in rows.items():
        for row in table_rows:
            assert sorted(row) == sorted(schema.column_names(table)), table


def test_columns_declared_not_nullable_always_have_a_value(rows: dict[str, list[dict[str, Any]]]) -> None:
    for table, columns in schema.TABLES.items():
        required = [c.name for c in columns if not c.nullable]
        for row in rows[table]:
            assert [c for c in required if row[c] is None] == [], f"{table} row {row}"


def test_arrow_schemas_are_the_schemas_columns_and_hold_the_rows(rows: dict[str, list[dict[str, Any]]]) -> None:
    assert tuple(SCHEMAS) == schema.TABLE_NAMES
    for table, columns in schema.TABLES.items():
        assert [(f.name, str(f.type)) for f in SCHEMAS[table]] == [
            (c.name, {"float64": "double"}.get(c.type, c.type)) for c in columns]
        assert pa.Table.from_pylist(rows[table], schema=SCHEMAS[table]).to_pylist() == rows[table]


def test_each_column_is_declared_once_with_a_known_type_and_a_chinese_label() -> None:
    for table, columns in schema.TABLES.items():
        names = [c.name for c in columns]
        assert len(names) == len(set(names)), f"{table} declares a column twice"
        for c in columns:
            assert c.type in schema.ARROW_TYPES, f"{table}.{c.name}"
            assert re.search(r"[\u4e00-\u9fff]", c.zh), f"{table}.{c.name} has no Chinese label"
            assert c.description, f"{table}.{c.name} has no description"
    # one name, one label: export's headers are looked up by column name
    label_of: dict[str, set[str]] = {}
    for c in (c for columns in schema.TABLES.values() for c in columns):
        label_of.setdefault(c.name, set()).add(c.zh)
    assert {n: zh for n, zh in label_of.items() if len(zh) > 1} == {}


def test_export_labels_come_from_the_schema() -> None:
    labels = load_labels("zh")
    for columns in schema.TABLES.values():
        for c in columns:
            assert labels.column(c.name).startswith(c.zh)


def readme_columns(readme: str) -> dict[str, list[str]]:
    """The columns each `### <table>` table of README "## Tables" lists in its first cells
    ("doc_id, quantity_id" is two; "province_start … period_end" every column in between)."""
    section = readme.split("\n## Tables", 1)[1].split("\n## ", 1)[0]
    found: dict[str, list[str]] = {}
    for block in section.split("\n### ")[1:]:
        table, _, body = block.partition("\n")
        names: list[str] = []
        for line in body.splitlines():
            cells = line.split("|")
            if len(cells) < 3 or cells[1].strip() in ("column", "") or set(cells[1].strip()) <= {"-"}:
                continue
            for name in cells[1].split(","):
                first, _, last = (n.strip().strip("`") for n in name.partition("…"))
                if last:        # a range in the schema's order, of the names ending like its ends
                    order = schema.column_names(table.strip())
                    ends = (first.rsplit("_", 1)[-1], last.rsplit("_", 1)[-1])
                    names += [n for n in order[order.index(first):order.index(last) + 1]
                              if n.endswith(ends)]
                else:
                    names.append(first)
        found[table.strip()] = names
    return found


def test_readme_lists_every_column_of_every_table_and_no_other() -> None:
    listed = readme_columns((ROOT / "README.md").read_text(encoding="utf-8"))
    assert set(listed) == set(schema.TABLES) | set(schema.DERIVED)
    for table in listed:
        assert sorted(listed[table]) == sorted(schema.column_names(table)), table


def test_markdown_table_lists_every_column() -> None:
    for table in schema.TABLES:
        lines = schema.markdown_table(table).splitlines()[2:]
        assert [line.split("|")[1].strip() for line in lines] == schema.column_names(table)


# --- sentences ---------------------------------------------------------------------------

SENTENCES = [
    # text                                                   fact       -> its sentence
    ("望川大道总投资5亿元。该路已建成通车！\n下一段", "5亿元", "望川大道总投资5亿元。"),
    ("望川大道总投资5亿元。该路已建成通车！\n下一段", "建成通车", "该路已建成通车！"),
    ("「望川大道已建成通车。」北山公路全长8公里", "建成通车", "「望川大道已建成通车。」"),
    ("  年度计划投资12.5亿元，完成率33.6%  \n\n西湖大桥尚未开工？", "33.6%", "年度计划投资12.5亿元，完成率33.6%"),
    ("  年度计划投资12.5亿元，完成率33.6%  \n\n西湖大桥尚未开工？", "12.5亿元", "年度计划投资12.5亿元，完成率33.6%"),
    ("城南大(dà)桥已竣(jùn)工通车。总投(tóu)资3.5亿元，全长1.2公(gōng)里", "1.2公(gōng)里",
     "总投(tóu)资3.5亿元，全长1.2公(gōng)里"),
    ("「望川大道已建成通车。」北山公路全长8公里", "8公里", "北山公路全长8公里"),
    ("“北山公路全长8公里！！”西湖大桥总投资2亿元", "8公里", "“北山公路全长8公里！！”"),
    ("“北山公路全长8公里！！”西湖大桥总投资2亿元", "2亿元", "西湖大桥总投资2亿元"),
    ("北山公路全长8公里\n\n\n西湖大桥总投资2亿元\n", "2亿元", "西湖大桥总投资2亿元"),
]


@pytest.mark.parametrize(("text", "fact", "sentence"), SENTENCES)
def test_a_facts_sentence_is_the_one_holding_it(pipeline: Pipeline, text: str, fact: str, sentence: str) -> None:
    rows = document_rows(process(pipeline, _source("s", text)), pipeline.rules)
    facts = [r for t in ("quantities", "statuses") for r in rows[t] if r["text"] == fact]
    assert facts, f"{fact} was not extracted"
    for r in facts:
        assert text[r["sentence_start"]:r["sentence_end"]] == sentence


def test_every_facts_sentence_holds_it(rows: dict[str, list[dict[str, Any]]], tmp_path: Path) -> None:
    texts = {r["doc_id"]: r["text"] for r in rows["documents"]}
    for table in ("quantities", "statuses"):
        for r in rows[table]:
            sentence = texts[r["doc_id"]][r["sentence_start"]:r["sentence_end"]]
            assert r["text"] in sentence and sentence == sentence.strip()
