"""The output tables' Arrow schemas, declared once, here.

The rows themselves come from `pipeline.rows` (plain dicts, no pyarrow, so worker processes
stay small) and are written by `pipeline.batch.store`. All offsets in the tables point into
`documents.text`, the stored text of the document; every row with `text` satisfies
`text == documents.text[start:end]` (`check_offsets`, run on every document's rows).
"""

from __future__ import annotations

import pyarrow as pa

from pipeline.rows import DATE_NAMES, PLACE_NAMES, TABLE_NAMES

# where and when the report is from, each value with the span of documents.text that gave it
_PLACE_TYPES = {"province": pa.string(), "city": pa.string(), "county": pa.string(),
                "year": pa.int32(), "period": pa.string()}
PLACE_COLUMNS = [(name, _PLACE_TYPES[name] if name in _PLACE_TYPES else pa.int64()) for name in PLACE_NAMES]
DATE_COLUMNS = [(name, pa.int64() if name.endswith(("_start", "_end")) else pa.string()) for name in DATE_NAMES]

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([
        ("doc_id", pa.string()), ("path", pa.string()), ("format", pa.string()),
        ("encoding", pa.string()), ("size_bytes", pa.int64()), ("content_hash", pa.string()),
        ("chars", pa.int64()), ("title", pa.string()),
        *PLACE_COLUMNS, *DATE_COLUMNS,
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
        ("scope", pa.string()), ("scope_rule", pa.string()), ("parent_quantity_id", pa.int32()),
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


