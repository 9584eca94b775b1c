"""Provenance: every row's offsets point at its text in the stored document.

The pipeline, the row builder and the tables' Arrow schemas run on every sample report in data/raw/, on every text of
the case tables, and on a few texts made to stress the offset map (pinyin glosses,
traditional characters, full-width forms). For quantities, projects and statuses,
`documents.text[start:end] == text`; sections lie within the text and inside their parent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from pipeline.batch.run import process
from pipeline.batch.tables import SCHEMAS
from pipeline.extract import Pipeline
from pipeline.io.read import SourceDocument, read_document
from pipeline.results import DocumentResult
from pipeline.rows import check_offsets, document_rows

from conftest import CASES_DIR, RAW_DIR, raw_reports
from test_cases import load_case_file

# Invented texts whose facts straddle or follow the places where normalisation drops
# or folds characters.
STRESS = [
    "城南大(dà)桥已竣(jùn)工通(tōng)车，总投(tóu)资3.5亿元，全长1.2公(gōng)里。",
    "重點(diǎn)項目：柏樹灣水庫工程總投資１２．５億元，已完成投資４．２億元，完成率３３．６％。",
    "一、總體情況\n（一）望川大道（wàng）建设\n该路全长６．２公里，已于９月建成通车。\n"
    "二、存在問題\n北山公路改建工程進展緩慢（huǎn）。",
    "（1）東湖(dōng)大橋\u3000已開(kāi)工建設；（2）西湖大橋尚未開工。",
    "项目总投资约800万，其中竣(jun4)工项目投资300萬元。",
]


def _source(doc_id: str, text: str) -> SourceDocument:
    return SourceDocument(doc_id, f"{doc_id}.txt", "txt", "utf-8", text, "ok", None)


def _tables(pipeline: Pipeline, sources: list[SourceDocument]) -> dict[str, list[dict[str, Any]]]:
    results: list[DocumentResult] = [process(pipeline, s) for s in sources]
    failed = [(r.source.doc_id, r.error) for r in results if r.status != "ok"]
    assert not failed, f"documents failed: {failed}"
    merged: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
    for result in results:
        rows = document_rows(result, pipeline.rules)
        check_offsets(rows)
        for name, table_rows in rows.items():
            merged[name].extend(table_rows)
    # through Arrow with the tables' schemas, as the store writes them
    return {name: pa.Table.from_pylist(merged[name], schema=schema).to_pylist() for name, schema in SCHEMAS.items()}


def _check(rows: dict[str, list[dict[str, Any]]]) -> None:
    texts = {r["doc_id"]: r["text"] for r in rows["documents"]}
    problems = []
    for table in ("quantities", "projects", "statuses"):
        for r in rows[table]:
            text = texts[r["doc_id"]]
            if not (0 <= r["start"] < r["end"] <= len(text)):
                problems.append(f"{table}: span {r['start']}-{r['end']} outside the text ({len(text)}): {r}")
            elif text[r["start"]:r["end"]] != r["text"]:
                problems.append(f"{table}: text {r['text']!r} but the document has "
                                f"{text[r['start']:r['end']]!r} at {r['start']}-{r['end']}")
    sections: dict[tuple[str, int], dict[str, Any]] = {}
    for r in rows["sections"]:
        sections[(r["doc_id"], r["section_id"])] = r
        text = texts[r["doc_id"]]
        if not (0 <= r["start"] <= r["end"] <= len(text)):
            problems.append(f"sections: span {r['start']}-{r['end']} outside the text ({len(text)}): {r}")
    for r in rows["sections"]:
        if r["parent_id"] is None:
            continue
        parent = sections.get((r["doc_id"], r["parent_id"]))
        if parent is None:
            problems.append(f"sections: parent {r['parent_id']} missing: {r}")
        elif not (parent["start"] <= r["start"] <= r["end"] <= parent["end"] and parent["level"] < r["level"]):
            problems.append(f"sections: {r['marker']}{r['title']} ({r['start']}-{r['end']}) is not inside "
                            f"its parent {parent['marker']}{parent['title']} ({parent['start']}-{parent['end']})")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", raw_reports(), ids=lambda p: p.name)
def test_sample_report_offsets(pipeline: Pipeline, path: Path) -> None:
    source = read_document(path, path.name)
    assert source.status == "ok", source.error
    rows = _tables(pipeline, [source])
    assert rows["quantities"] and rows["projects"] and rows["sections"], "the sample report yields facts"
    _check(rows)


@pytest.mark.parametrize("path", sorted(CASES_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_case_text_offsets(pipeline: Pipeline, path: Path) -> None:
    sources = [_source(f"{path.stem}-{c.line}", c.text) for c in load_case_file(path)]
    _check(_tables(pipeline, sources))


def test_stress_text_offsets(pipeline: Pipeline) -> None:
    rows = _tables(pipeline, [_source(f"stress-{i}", t) for i, t in enumerate(STRESS)])
    assert len(rows["quantities"]) >= 8 and rows["projects"], "the stress texts yield facts"
    _check(rows)


def test_glossed_facts_keep_their_gloss_in_the_stored_text(pipeline: Pipeline) -> None:
    rows = _tables(pipeline, [_source("gloss", STRESS[0])])
    assert "1.2公(gōng)里" in [r["text"] for r in rows["quantities"]]
    assert any("(dà)" in r["text"] for r in rows["projects"]), rows["projects"]


def test_raw_dir_has_the_four_samples() -> None:
    assert len(raw_reports()) == 4, sorted(p.name for p in RAW_DIR.iterdir())
