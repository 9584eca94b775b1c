"""Are two runs' tables the same? The golden check for a refactoring.

    python scripts/compare_tables.py BEFORE AFTER

BEFORE and AFTER are folders of `keyproj run` outputs, one subfolder per input set (for
example dev, train, samples, corpus, each made with `keyproj run SET --out BEFORE/SET` by the
code before and after a change). Every table of every set is compared row for row on the
columns both runs have, leaving out what names the run rather than the text
(`pipeline_version`, `rules_hash`); columns the later run adds are listed. Exit 0 when every
table is identical, 1 otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow.parquet as pq

TABLES = ("documents", "sections", "quantities", "projects", "statuses")
RUN_COLUMNS = {"pipeline_version", "rules_hash"}
ORDER = ("doc_id", "start", "end", "name", "section_id", "quantity_id", "project_id")


def compare(before: Path, after: Path) -> int:
    differing = 0
    for name in sorted(p.name for p in before.iterdir() if p.is_dir()):
        for table in TABLES:
            old = pq.read_table(before / name / f"{table}.parquet").to_pandas()
            new = pq.read_table(after / name / f"{table}.parquet").to_pandas()
            columns = [c for c in old.columns if c not in RUN_COLUMNS]
            missing = [c for c in columns if c not in new.columns]
            added = [c for c in new.columns if c not in old.columns and c not in RUN_COLUMNS]
            if missing:
                print(f"{name}/{table}: columns missing after: {missing}")
                differing += 1
                continue
            order = [c for c in ORDER if c in columns]
            a = old[columns].sort_values(order).reset_index(drop=True).astype(str)
            b = new[columns].sort_values(order).reset_index(drop=True).astype(str)
            if len(a) != len(b) or not a.equals(b):
                rows = len(a.merge(b, how="outer", indicator=True).query("_merge != 'both'"))
                print(f"{name}/{table}: rows {len(a)} -> {len(b)}, {rows} differing rows")
                differing += 1
            else:
                print(f"{name}/{table}: identical ({len(a)} rows)" + (f", new columns {added}" if added else ""))
    return 1 if differing else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("usage: python scripts/compare_tables.py BEFORE AFTER", file=sys.stderr)
        sys.exit(2)
    sys.exit(compare(Path(sys.argv[1]), Path(sys.argv[2])))
