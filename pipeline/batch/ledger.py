"""One project across many reports: the `timeline` table and the checks across reports,
computed from a run's finished tables just before they are committed (`store._commit`),
so they are always those of the same run and never depend on which documents were reused.

- `timeline`: one row per project per document, the rows of one `project_key` ordered by
  the report's year, then its period (一季度 … 全年), then its path;
- `checks`: the run's per-document checks (`stages/checks.py`) plus, along each timeline,
  `status_went_back` (a later report two steps behind an earlier one: operational in 2021,
  planned in 2022) and `total_changed` (a total investment more than `total_change_factor`
  times another report's). Their spans: the figure in the later report (`start`/`end`)
  and the one in the earlier report (`other_doc_id`, `other_start`/`other_end`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import regex

from pipeline.batch.tables import DERIVED_SCHEMAS, read_parquet
from pipeline.rules.loader import RuleSet
from pipeline.stages.ledger_rules import ledger_rules

SERIES_KINDS = frozenset({"status_went_back", "total_changed"})
_PERIOD_END = {"一季度": 3, "上半年": 6, "二季度": 6, "前三季度": 9, "三季度": 9, "下半年": 12, "四季度": 12,
               "全年": 12}
_MONTHS = regex.compile(r"^(?:1-)?(1[0-2]|[1-9])月$")
Row = dict[str, Any]


def period_order(period: str | None) -> int:
    """How far into its year a period reaches: 一季度 3, 1-10月 10, 全年 12; unknown last (13).

    >>> [period_order(p) for p in ("一季度", "1-10月", "全年", None)]
    [3, 10, 12, 13]
    """
    if period is None:
        return 13
    if period in _PERIOD_END:
        return _PERIOD_END[period]
    m = _MONTHS.match(period)
    return int(m.group(1)) if m else 13


def timeline_rows(documents: list[Row], projects: list[Row]) -> list[Row]:
    """The timeline: every project of an ok document, grouped by key, in report order."""
    docs = {d["doc_id"]: d for d in documents if d["status"] == "ok"}
    names = DERIVED_SCHEMAS["timeline"].names
    rows = []
    for p in projects:
        doc = docs.get(p["doc_id"])
        if doc is None or not p.get("project_key"):
            continue
        row = {name: p.get(name) for name in names}
        row.update(path=doc["path"], year=doc["year"], period=doc["period"])
        rows.append(row)
    return sorted(rows, key=lambda r: (r["project_key"], r["year"] is None, r["year"] or 0,
                                       period_order(r["period"]), r["path"], r["project_id"]))


def _by_key(timeline: list[Row]) -> Iterable[list[Row]]:
    group: list[Row] = []
    for row in timeline:
        if group and row["project_key"] != group[0]["project_key"]:
            yield group
            group = []
        group.append(row)
    if group:
        yield group


def series_checks(timeline: list[Row], totals: dict[tuple[str, int], Row], rules: RuleSet) -> list[Row]:
    """Checks along each project's timeline (`timeline_rows` order). `totals` gives the
    total-investment amount (doc_id, project_id) -> its quantities row, for its span."""
    lr = ledger_rules(rules)
    rank: dict[str, int] = lr.checks.status_rank
    drop = int(lr.checks.status_rank_drop)
    factor = float(lr.checks.total_change_factor)
    found = []
    for group in _by_key(timeline):
        furthest: Row | None = None
        last_total: tuple[Row, Row] | None = None     # (timeline row, its total's quantities row)
        for row in group:
            if row["year"] is None:
                continue        # a report of unknown year has no place in the order
            r = rank.get(row["status"])
            if r is not None and furthest is not None and rank[furthest["status"]] - r >= drop \
                    and furthest["doc_id"] != row["doc_id"]:
                found.append(_check(row, furthest, "status_went_back", "warning",
                                    f"{row['name']}: {row['status']} in {row['path']} ({row['year']}), but already "
                                    f"{furthest['status']} in {furthest['path']} ({furthest['year']})", row, furthest))
            if r is not None and (furthest is None or r > rank[furthest["status"]]):
                furthest = row
            total = totals.get((row["doc_id"], row["project_id"]))
            if total is None:
                continue
            if last_total is not None and last_total[1]["doc_id"] != row["doc_id"]:
                before, now = last_total[1]["value"], total["value"]
                if before and now and max(before, now) / min(before, now) > factor:
                    found.append(_check(row, last_total[0], "total_changed", "warning",
                                        f"{row['name']}: total investment {total['text']} in {row['path']} "
                                        f"({row['year']}), {last_total[1]['text']} in {last_total[0]['path']} "
                                        f"({last_total[0]['year']})", total, last_total[1]))
            last_total = (row, total)
    return found


def _check(row: Row, earlier: Row, kind: str, severity: str, message: str, span: Row, other: Row) -> Row:
    return {"doc_id": row["doc_id"], "check_id": None, "kind": kind, "severity": severity,
            "project_id": row["project_id"], "project_key": row["project_key"], "message": message,
            "text": span["text"], "start": span["start"], "end": span["end"],
            "other_doc_id": earlier["doc_id"], "other_text": other["text"], "other_start": other["start"],
            "other_end": other["end"]}


def _totals(quantities: Iterable[Row]) -> dict[tuple[str, int], Row]:
    """(doc_id, project_id) -> the first total-investment amount linked to that project."""
    found: dict[tuple[str, int], Row] = {}
    for q in quantities:
        if q["role"] == "total_investment" and q["kind"] == "money" and q["project_id"] is not None \
                and q["value"] is not None:
            found.setdefault((q["doc_id"], q["project_id"]), q)
    return found


def all_checks(document_checks: list[Row], series: list[Row], doc_order: list[str]) -> list[Row]:
    """The per-document checks (minus any series check an earlier run left among them) and
    the series checks, by document in run order, numbered within each document."""
    position = {d: i for i, d in enumerate(doc_order)}
    rows = [r for r in document_checks if r["kind"] not in SERIES_KINDS] + series
    rows.sort(key=lambda r: (position.get(r["doc_id"], len(position)), r["kind"] in SERIES_KINDS,
                             r["check_id"] if r["check_id"] is not None else 0, r["start"]))
    seen: dict[str, int] = {}
    for r in rows:
        r["check_id"] = seen.get(r["doc_id"], 0)
        seen[r["doc_id"]] = r["check_id"] + 1
    return rows


def derived_tables(files: dict[str, Any], rules: RuleSet, filesystem: Any = None) -> dict[str, pa.Table]:
    """`timeline` and the full `checks` from a run's finished tables: `files` maps
    documents, projects, quantities and checks to a Parquet file or a folder of part files
    (on `filesystem`, e.g. an fsspec one, when not local)."""
    def read(name: str, columns: list[str] | None = None) -> pa.Table:
        return _read(files[name], columns, filesystem)

    doc_cols = ["doc_id", "path", "status", "year", "period"]
    documents = read("documents", columns=doc_cols).to_pylist()
    project_cols = [n for n in DERIVED_SCHEMAS["timeline"].names if n not in ("path", "year", "period")]
    projects = read("projects", columns=project_cols).to_pylist()
    timeline = timeline_rows(documents, projects)
    quantity_cols = ["doc_id", "project_id", "role", "kind", "value", "text", "start", "end"]
    totals = _totals(_total_investment_rows(read("quantities", columns=quantity_cols)))
    series = series_checks(timeline, totals, rules)
    checks = all_checks(read("checks").to_pylist(), series, [d["doc_id"] for d in documents])
    return {name: _table(rows, name) for name, rows in (("timeline", timeline), ("checks", checks))}


def _read(source: Any, columns: list[str] | None, filesystem: Any) -> pa.Table:
    """A Parquet table: a local file without building a dataset (`read_parquet`), a folder
    of part files or a file on another filesystem through `pq.read_table`."""
    if filesystem is None and Path(source).is_file():
        return read_parquet(source, columns)
    return pq.read_table(source, columns=columns, filesystem=filesystem)


# Up to this many quantity rows are read whole and filtered in Python (`_totals` checks
# the role), sparing the import of pyarrow.compute (about 0.1 s); larger tables are
# filtered by Arrow first.
_FILTER_IN_PYTHON = 20_000


def _total_investment_rows(quantities: pa.Table) -> list[Row]:
    """The rows among which `_totals` looks: all of a small table, else those whose role
    is total_investment (in their order either way)."""
    if quantities.num_rows <= _FILTER_IN_PYTHON:
        return quantities.to_pylist()
    import pyarrow.compute as pc

    return quantities.filter(pc.equal(quantities.column("role"), "total_investment")).to_pylist()


def prepare(rules: RuleSet) -> None:
    """Compile what `derive` needs (the ledger's patterns: 50-100 ms), ahead of the end of a
    run: done while the workers set up, it is off the path of a small run's last step."""
    ledger_rules(rules)


def derive(files: dict[str, Path], folder: Path, rules: RuleSet) -> dict[str, Path]:
    """Write `timeline` and the full `checks` from a run's finished tables (`files`, table ->
    Parquet file) as temporary files in `folder`; table -> file, to be committed with them."""
    return {name: _write(table, name, folder) for name, table in derived_tables(files, rules).items()}


def _table(rows: list[Row], table: str) -> pa.Table:
    schema = DERIVED_SCHEMAS[table]
    return pa.Table.from_pylist(rows, schema=schema) if rows else schema.empty_table()


def _write(data: pa.Table, table: str, folder: Path) -> Path:
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{table}.", suffix=".parquet.tmp")
    os.close(fd)
    pq.write_table(data, tmp, compression="zstd", compression_level=1)
    return Path(tmp)
