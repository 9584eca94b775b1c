"""The output tables: Arrow schemas (declared once, here), building, and atomic Parquet writes.

The rows themselves come from `pipeline.rows` (plain dicts, no pyarrow, so worker processes
stay small). All offsets in the tables point into `documents.text`, the stored text of the
document; every row with `text` satisfies `text == documents.text[start:end]` (checked on build).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.rows import PLACE_NAMES, TABLE_NAMES, OffsetError, check_offsets, document_rows
from pipeline.rules import RuleSet

__all__ = ["SCHEMAS", "OffsetError", "build_tables", "check_offsets", "document_rows", "write_tables"]

if TYPE_CHECKING:
    from pipeline.run import DocumentResult

# where and when the report is from, each value with the span of documents.text that gave it
_PLACE_TYPES = {"province": pa.string(), "city": pa.string(), "county": pa.string(),
                "year": pa.int32(), "period": pa.string()}
PLACE_COLUMNS = [(name, _PLACE_TYPES[name] if name in _PLACE_TYPES else pa.int64()) for name in PLACE_NAMES]

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
        ("area_m2", pa.float64()), ("mentions", pa.int32()), ("confidence", pa.float64()),
        ("status_confidence", pa.float64()),
    ]),
    "statuses": pa.schema([
        ("doc_id", pa.string()), ("project_id", pa.int32()), ("status", pa.string()),
        ("text", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("rule_id", pa.string()),
        ("confidence", pa.float64()),
    ]),
}


assert tuple(SCHEMAS) == TABLE_NAMES, "rows.TABLE_NAMES and SCHEMAS must list the same tables"


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
