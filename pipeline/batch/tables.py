"""The output tables' Arrow schemas, declared once, here.

The rows themselves come from `pipeline.rows` (plain dicts, no pyarrow, so worker processes
stay small) and are written by `pipeline.batch.store`. All offsets in the tables point into
`documents.text`, the stored text of the document; every row with `text` satisfies
`text == documents.text[start:end]` (`check_offsets`, run on every document's rows).
"""

from __future__ import annotations

import pyarrow as pa

from pipeline.rows import PLACE_NAMES, TABLE_NAMES

# where and when the report is from, each value with the span of documents.text that gave it
_PLACE_TYPES = {"province": pa.string(), "city": pa.string(), "county": pa.string(),
                "year": pa.int32(), "period": pa.string()}
PLACE_COLUMNS = [(name, _PLACE_TYPES[name] if name in _PLACE_TYPES else pa.int64()) for name in PLACE_NAMES]

# one project across reports (rules/ledger.yaml, stages/identity.py and stages/ledger.py)
LEDGER_PROJECT_COLUMNS = [
    ("project_key", pa.string()), ("status_date", pa.string()), ("status_date_precision", pa.string()),
    ("planned_start", pa.string()), ("planned_end", pa.string()),
    ("responsible_unit", pa.string()), ("responsible_unit_start", pa.int64()), ("responsible_unit_end", pa.int64()),
    ("contact_leader", pa.string()), ("contact_leader_start", pa.int64()), ("contact_leader_end", pa.int64()),
]
# figures that do not agree (stages/checks.py in a document, batch/ledger.py across reports)
CHECK_SCHEMA = pa.schema([
    ("doc_id", pa.string()), ("check_id", pa.int32()), ("kind", pa.string()), ("severity", pa.string()),
    ("project_id", pa.int32()), ("project_key", pa.string()), ("message", pa.string()),
    ("text", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
    ("other_doc_id", pa.string()), ("other_text", pa.string()), ("other_start", pa.int64()),
    ("other_end", pa.int64()),
])

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
        *LEDGER_PROJECT_COLUMNS,
    ]),
    "statuses": pa.schema([
        ("doc_id", pa.string()), ("project_id", pa.int32()), ("status", pa.string()),
        ("text", pa.string()), ("start", pa.int64()), ("end", pa.int64()), ("rule_id", pa.string()),
        ("confidence", pa.float64()),
        ("event_date", pa.string()), ("event_date_precision", pa.string()),
        ("event_date_start", pa.int64()), ("event_date_end", pa.int64()),
    ]),
    "checks": CHECK_SCHEMA,
}

# Tables computed from a run's committed tables, across documents (`pipeline.batch.ledger`):
# written with the others and named by the manifest, never reused document by document.
DERIVED_SCHEMAS: dict[str, pa.Schema] = {
    "timeline": pa.schema([
        ("project_key", pa.string()), ("name", pa.string()), ("doc_id", pa.string()), ("path", pa.string()),
        ("year", pa.int32()), ("period", pa.string()), ("project_id", pa.int32()),
        ("status", pa.string()), ("status_text", pa.string()),
        ("status_date", pa.string()), ("status_date_precision", pa.string()),
        ("planned_start", pa.string()), ("planned_end", pa.string()),
        ("total_investment", pa.float64()), ("planned_investment", pa.float64()),
        ("completed_investment", pa.float64()),
        ("responsible_unit", pa.string()), ("contact_leader", pa.string()),
        ("text", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
    ]),
    "checks": CHECK_SCHEMA,
}

assert tuple(SCHEMAS) == TABLE_NAMES, "rows.TABLE_NAMES and SCHEMAS must list the same tables"


