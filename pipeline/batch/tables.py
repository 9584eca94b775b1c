"""The output tables' Arrow schemas, made from `pipeline.schema` (each column declared once there).

The rows themselves come from `pipeline.rows` (plain dicts, no pyarrow, so worker processes
stay small) and are written by `pipeline.batch.store`. All offsets in the tables point into
`documents.text`, the stored text of the document; every row with `text` satisfies
`text == documents.text[start:end]` (`check_offsets`, run on every document's rows).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.schema import DERIVED, TABLE_NAMES, TABLES, Column


def arrow_field(column: Column) -> pa.Field:
    # every field nullable, as the tables have always been (Column.nullable is checked by tests)
    return pa.field(column.name, getattr(pa, column.type)())


SCHEMAS: dict[str, pa.Schema] = {
    table: pa.schema([arrow_field(c) for c in columns]) for table, columns in TABLES.items()
}
# Tables computed from a run's committed tables, across documents (`pipeline.batch.ledger`):
# written with the others and named by the manifest, never reused document by document.
DERIVED_SCHEMAS: dict[str, pa.Schema] = {
    **{table: pa.schema([arrow_field(c) for c in columns]) for table, columns in DERIVED.items()},
    "checks": SCHEMAS["checks"],
}


def read_parquet(path: Path | str, columns: list[str] | None = None) -> pa.Table:
    """One local Parquet file, as `pq.read_table` reads it but without building a dataset:
    that imports pyarrow.dataset (0.3-0.6 s, about half of a one-file run's wall time)."""
    with pq.ParquetFile(path) as f:
        return f.read(columns=columns)


assert tuple(SCHEMAS) == TABLE_NAMES, "schema.TABLE_NAMES and SCHEMAS must list the same tables"
