"""Rows of project candidates the project model drops: their status cues stay facts, once each.

A status cue a list shares (青石水库、白马水库正在施工) is linked to each of its projects;
when the model drops those candidates, the cue is still one fact of the statuses table
(unlinked), not one row per dropped candidate (which made the facts view's key repeat).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.extract import Pipeline
from pipeline.io.read import read_document
from pipeline.results import DocumentResult
from pipeline.rows import document_rows

SHARED_CUE = [
    # text,                                   cue,    candidates sharing it
    ("青石水库、白马水库正在施工。",           "施工", 2),
    ("桐坪、石溪、龙湾电站加快建设。",         "加快建设", 3),
]


@pytest.mark.parametrize(("text", "cue", "candidates"), SHARED_CUE)
def test_a_cue_of_dropped_candidates_is_one_unlinked_row(tmp_path: Path, pipeline: Pipeline, text: str,
                                                        cue: str, candidates: int) -> None:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    source = read_document(path, path.name)
    ex = pipeline(source.doc_id, source.text)
    linked = [s for s in ex.statuses if source.text[s.start:s.end] == cue]
    assert len({s.project_key for s in linked}) == candidates, "the cue is linked to every candidate"
    dropped = replace(ex, projects=[])      # as when the model keeps none of them
    rows = document_rows(DocumentResult(source, dropped, "ok", None), pipeline.rules)["statuses"]
    spans = [(r["start"], r["end"], r["status"]) for r in rows if r["project_id"] is None]
    assert len(spans) == len(set(spans)), rows
    assert any(r["text"] == cue for r in rows)
