"""The output tables: schemas (declared once, here), building, and atomic Parquet writes.

All offsets in the tables point into `documents.text`, the stored text of the document;
every row with `text` satisfies `text == documents.text[start:end]` (checked on build).
"""

from __future__ import annotations

import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.read import document_title
from pipeline.rules import RuleSet
from pipeline.sections import innermost_section
from pipeline.types import BASE_UNIT, Doc, Extraction
from pipeline.version import code_version

if TYPE_CHECKING:
    from pipeline.run import DocumentResult

# where and when the report is from, each value with the span of documents.text that gave it
PLACE_COLUMNS = [
    column
    for name, kind in (("province", pa.string()), ("city", pa.string()), ("county", pa.string()),
                       ("year", pa.int32()), ("period", pa.string()))
    for column in ((name, kind), (f"{name}_start", pa.int64()), (f"{name}_end", pa.int64()))
]

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([
        ("doc_id", pa.string()), ("path", pa.string()), ("format", pa.string()),
        ("encoding", pa.string()), ("size_bytes", pa.int64()), ("content_hash", pa.string()),
        ("chars", pa.int64()), ("title", pa.string()),
        *PLACE_COLUMNS,
        ("status", pa.string()), ("error", pa.string()),
        ("duplicate_of", pa.string()),
        ("text", pa.string()), ("pipeline_version", pa.string()), ("rules_hash", pa.string()),
    ]),
    "sections": pa.schema([
        ("doc_id", pa.string()), ("section_id", pa.int32()), ("parent_id", pa.int32()),
        ("level", pa.int32()), ("marker", pa.string()), ("title", pa.string()),
        ("start", pa.int64()), ("end", pa.int64()), ("rule_id", pa.string()),
    ]),
    "quantities": pa.schema([
        ("doc_id", pa.string()), ("quantity_id", pa.int32()), ("section_id", pa.int32()),
        ("project_id", pa.int32()), ("kind", pa.string()), ("value", pa.float64()),
        ("value_high", pa.float64()), ("unit", pa.string()), ("unit_raw", pa.string()),
        ("qualifier", pa.string()), ("role", pa.string()), ("role_cue", pa.string()),
        ("text", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("rule_id", pa.string()),
    ]),
    "projects": pa.schema([
        ("doc_id", pa.string()), ("project_id", pa.int32()), ("name", pa.string()),
        ("alt_name", pa.string()), ("text", pa.string()), ("section_id", pa.int32()),
        ("start", pa.int64()), ("end", pa.int64()), ("category", pa.string()),
        ("status", pa.string()), ("status_text", pa.string()),
        ("total_investment", pa.float64()), ("planned_investment", pa.float64()),
        ("completed_investment", pa.float64()), ("length_m", pa.float64()),
        ("area_m2", pa.float64()), ("mentions", pa.int32()),
    ]),
    "statuses": pa.schema([
        ("doc_id", pa.string()), ("project_id", pa.int32()), ("status", pa.string()),
        ("text", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("rule_id", pa.string()),
    ]),
}


class OffsetError(AssertionError):
    """A fact's text does not equal the stored text at its offsets (a pipeline bug)."""


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _span(doc: Doc, start: int, end: int) -> tuple[int, int, str]:
    s, e = doc.original_span(start, end)
    return s, e, doc.text[s:e]


def document_rows(result: DocumentResult, rules: RuleSet) -> dict[str, list[dict[str, Any]]]:
    """The rows one document contributes to each table."""
    src = result.source
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
    rows["documents"].append({
        "doc_id": src.doc_id, "path": src.path, "format": src.format, "encoding": src.encoding,
        "size_bytes": src.size, "content_hash": src.content_hash,
        "chars": len(src.text), "title": document_title(src.text),
        "status": result.status, "error": result.error, "duplicate_of": result.duplicate_of,
        "text": src.text, "pipeline_version": code_version(), "rules_hash": rules.hash,
    })
    ex = result.extraction
    rows["documents"][0].update(_place_columns(ex))
    if ex is None:
        return rows
    doc = ex.doc
    for s in ex.sections:
        start, end = doc.original_span(s.start, s.end)
        rows["sections"].append({
            "doc_id": src.doc_id, "section_id": s.section_id, "parent_id": s.parent_id,
            "level": s.level, "marker": s.marker, "title": s.title, "start": start, "end": end,
            "rule_id": s.rule_id})
    project_ids = {p.key: i for i, p in enumerate(ex.projects)}
    for i, p in enumerate(ex.projects):
        start, end, text = _span(doc, p.start, p.end)
        status_text = None
        if p.status_start is not None and p.status_end is not None:
            status_text = _span(doc, p.status_start, p.status_end)[2]
        rows["projects"].append({
            "doc_id": src.doc_id, "project_id": i, "name": p.name, "alt_name": p.alt, "text": text,
            "section_id": p.section_id, "start": start, "end": end, "category": p.category,
            "status": p.status.value, "status_text": status_text,
            "total_investment": _num(p.total_investment), "planned_investment": _num(p.planned_investment),
            "completed_investment": _num(p.completed_investment), "length_m": _num(p.length_m),
            "area_m2": _num(p.area_m2), "mentions": p.mentions})
    for i, q in enumerate(ex.quantities):
        start, end, text = _span(doc, q.start, q.end)
        rows["quantities"].append({
            "doc_id": src.doc_id, "quantity_id": i,
            "section_id": innermost_section(ex.sections, q.start).section_id,
            "project_id": project_ids.get(q.project_key) if q.project_key else None,
            "kind": q.kind.value, "value": _num(q.value), "value_high": _num(q.value_high),
            "unit": BASE_UNIT[q.kind], "unit_raw": q.unit_raw, "qualifier": q.qualifier,
            "role": q.role.value if q.role else None, "role_cue": q.role_cue,
            "text": text, "start": start, "end": end, "rule_id": q.rule_id})
    for cue in ex.statuses:
        start, end, text = _span(doc, cue.start, cue.end)
        rows["statuses"].append({
            "doc_id": src.doc_id, "project_id": project_ids.get(cue.project_key) if cue.project_key else None,
            "status": cue.status.value, "text": text, "start": start, "end": end, "rule_id": cue.rule_id})
    return rows


def _place_columns(ex: Extraction | None) -> dict[str, Any]:
    """province … period_end, spans mapped back to the stored text (all null without extraction)."""
    names = [name for name, _ in PLACE_COLUMNS]
    values: dict[str, Any] = dict.fromkeys(names)
    if ex is None or ex.place is None:
        return values
    for name in names[::3]:
        value = getattr(ex.place, name)
        start, end = getattr(ex.place, f"{name}_start"), getattr(ex.place, f"{name}_end")
        if value is None or start is None or end is None:
            continue
        values[name] = value
        values[f"{name}_start"], values[f"{name}_end"] = ex.doc.original_span(start, end)
    return values


def check_offsets(rows: dict[str, list[dict[str, Any]]]) -> None:
    """Raise OffsetError unless every fact's text is the stored text at its offsets."""
    texts = {r["doc_id"]: r["text"] for r in rows["documents"]}
    for table in ("quantities", "projects", "statuses"):
        for r in rows[table]:
            if texts[r["doc_id"]][r["start"]:r["end"]] != r["text"]:
                raise OffsetError(f"{table} row {r} does not match the stored text")


def build_tables(results: list[DocumentResult], rules: RuleSet) -> dict[str, pa.Table]:
    """Arrow tables for a batch of documents (schemas from SCHEMAS)."""
    merged: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
    for result in results:
        rows = document_rows(result, rules)
        check_offsets(rows)
        for name, table_rows in rows.items():
            merged[name].extend(table_rows)
    return {name: pa.Table.from_pylist(merged[name], schema=schema) for name, schema in SCHEMAS.items()}


def write_tables(tables: dict[str, pa.Table], out: Path) -> None:
    """Write each table as OUT/<name>.parquet, atomically (temporary file, then rename)."""
    out.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{name}.", suffix=".parquet.tmp")
        os.close(fd)
        try:
            pq.write_table(table, tmp)
            os.replace(tmp, out / f"{name}.parquet")
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
