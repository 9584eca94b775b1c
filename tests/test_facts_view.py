"""The `facts` and `sentences` views on a large document: each fact's sentence is cut in Python
(constant-time str indexing, one document's text at a time) instead of by DuckDB's substr, which
walks the UTF-8 text from its start for every fact (quadratic in one document's length).

The tables are written by hand from invented sentences: a document over LARGE_DOCUMENT_CHARS is
a few fact sentences among many lines of prose. Each test asserts the path taken (the table of
cut sentences), never a time, and that the sentence is the document's text at its span.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from pipeline.batch.tables import SCHEMAS
from pipeline.cli import app
from pipeline.outputs.export import facts_table
from pipeline.outputs.query import (
    CUT_SENTENCES,
    LARGE_DOCUMENT_CHARS,
    connect,
    names_fact_views,
    run_query,
)

PROSE = "各部门密切配合，强化要素保障，全力协调解决推进中的困难和问题。\n"
# (sentence, the amount in it, the status cue in it): invented
FACT_SENTENCES = [
    ("城东污水处理厂项目总投资3.5亿元，目前已开工建设。", "3.5亿元", "已开工"),
    ("滨河快速路项目年度计划投资2亿元，主体工程已完工。", "2亿元", "已完工"),
    ("南山物流园项目完成投资8000万元，正在加快推进。", "8000万元", "正在加快推进"),
]


def document(doc_id: str, prose_lines: int) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    """(text, quantity rows, status rows): the fact sentences spread among `prose_lines` lines."""
    text, quantities, statuses = "", [], []
    gap = prose_lines // len(FACT_SENTENCES)
    for i, (sentence, amount, cue) in enumerate(FACT_SENTENCES):
        text += PROSE * gap
        start = len(text)
        text += sentence + "\n"
        span = {"doc_id": doc_id, "project_id": i, "sentence_start": start, "sentence_end": start + len(sentence)}
        at = start + sentence.index(amount)
        quantities.append({**span, "quantity_id": i, "section_id": 0, "kind": "money", "unit": "yuan",
                           "value": 1.0, "text": amount, "start": at, "end": at + len(amount), "rule_id": "t"})
        at = start + sentence.index(cue)
        statuses.append({**span, "status": "started", "text": cue, "start": at, "end": at + len(cue),
                         "rule_id": "t"})
    return text + PROSE, quantities, statuses


def write_tables(out: Path, docs: dict[str, int], *, without: tuple[str, ...] = ()) -> dict[str, str]:
    """Tables of the documents {doc_id: prose lines} under `out`, columns `without` left out
    (an OUT of an older version); their texts by doc_id."""
    rows: dict[str, list[dict[str, Any]]] = {"documents": [], "quantities": [], "statuses": [], "projects": []}
    texts = {}
    for doc_id, prose_lines in docs.items():
        text, quantities, statuses = document(doc_id, prose_lines)
        texts[doc_id] = text
        rows["documents"].append({"doc_id": doc_id, "path": f"{doc_id}.txt", "chars": len(text), "text": text,
                                  "status": "ok", "pipeline_version": "t", "rules_hash": "t"})
        rows["quantities"] += quantities
        rows["statuses"] += statuses
        rows["projects"] += [{"doc_id": doc_id, "project_id": q["project_id"], "name": f"项目{q['project_id']}",
                              "text": "项目", "section_id": 0, "start": 0, "end": 2, "status": "started",
                              "mentions": 1} for q in quantities]
    out.mkdir(parents=True, exist_ok=True)
    for name, table_rows in rows.items():
        table = pa.Table.from_pylist(table_rows, schema=SCHEMAS[name])
        table = table.drop_columns([c for c in without if c in table.column_names])
        pq.write_table(table, out / f"{name}.parquet")
    return texts


LARGE = LARGE_DOCUMENT_CHARS // len(PROSE) + 100     # prose lines that make a document large
SMALL = 30

CASES = [
    # (what, {doc_id: prose lines}, columns left out, doc_ids whose sentences are cut in Python)
    ("one large document", {"big": LARGE}, (), {"big"}),
    ("a normal document keeps the SQL path", {"small": SMALL}, (), set()),
    ("a large and a normal one", {"big": LARGE, "small": SMALL}, (), {"big"}),
    ("an older OUT without documents.chars", {"big": LARGE, "small": SMALL}, ("chars",), {"big"}),
]


@pytest.mark.parametrize(("what", "docs", "without", "cut"), CASES, ids=[c[0] for c in CASES])
def test_each_sentence_is_its_span_and_large_documents_are_cut_in_python(
        tmp_path: Path, what: str, docs: dict[str, int], without: tuple[str, ...], cut: set[str]) -> None:
    texts = write_tables(tmp_path, docs, without=without)
    con = connect(tmp_path)
    try:
        tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
        facts = con.execute("SELECT doc_id, fact, sentence_start, sentence_end, sentence FROM facts").fetchall()
        sentences = con.execute("SELECT doc_id, sentence_start, sentence_end, sentence FROM sentences").fetchall()
        cut_docs = ({row[0] for row in con.execute(f"SELECT doc_id FROM {CUT_SENTENCES}").fetchall()}
                    if CUT_SENTENCES in tables else set())
    finally:
        con.close()
    assert cut_docs == cut, what
    assert len(facts) == 2 * len(FACT_SENTENCES) * len(docs)
    assert len(sentences) == len(FACT_SENTENCES) * len(docs)
    for doc_id, *_, start, end, sentence in facts + sentences:
        assert sentence == texts[doc_id][start:end]
        assert sentence in {s for s, _, _ in FACT_SENTENCES}


def test_export_facts_sheet_of_a_large_document(tmp_path: Path) -> None:
    texts = write_tables(tmp_path, {"big": LARGE})
    table = facts_table(tmp_path)
    assert table.num_rows == 2 * len(FACT_SENTENCES)
    for row in table.to_pylist():
        assert row["sentence"] == texts["big"][row["sentence_start"]:row["sentence_end"]]


def test_query_cli_prints_a_large_documents_sentences(tmp_path: Path) -> None:
    write_tables(tmp_path, {"big": LARGE})
    result = CliRunner().invoke(app, ["query", str(tmp_path), "SELECT sentence FROM sentences", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert [row[0] for row in csv.reader(result.output.splitlines()[1:])] == [s for s, _, _ in FACT_SENTENCES]


def test_a_query_not_naming_the_views_does_not_cut(tmp_path: Path) -> None:
    """A query of the tables alone does not read the large texts into Python; the views are
    there all the same (the plain SQL path)."""
    write_tables(tmp_path, {"big": LARGE})
    _, rows, _ = run_query(tmp_path, "SHOW TABLES")
    assert {"facts", "sentences"} <= {r[0] for r in rows}
    assert CUT_SENTENCES not in {r[0] for r in rows}


NAMES_FACT_VIEWS = [
    ("SELECT * FROM facts", True),
    ("select count(*) from Sentences", True),
    ("WITH f AS (SELECT * FROM facts) SELECT * FROM f", True),
    ("SELECT name, status FROM projects", False),
    ("SELECT sum(value) FROM quantities WHERE role = 'total_investment'", False),
]


@pytest.mark.parametrize(("sql", "names"), NAMES_FACT_VIEWS)
def test_names_fact_views(sql: str, names: bool) -> None:
    assert names_fact_views(sql) is names
