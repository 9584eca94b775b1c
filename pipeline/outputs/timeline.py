"""`keyproj timeline DIR [NAME…]`: each project's reports in year order, as a table.

Reads the `timeline` table a run writes (`pipeline.batch.ledger`). A NAME picks the
projects whose key or name contains it (in simplified or traditional characters); with no
NAME, every project named in more than one report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.outputs.query import TablesNotFound, load_table, require_tables

COLUMNS = ("project_key", "year", "period", "path", "status", "status_text", "status_date",
           "total_investment", "planned_investment", "completed_investment", "planned_end", "name")
_YI = 1e8       # amounts are shown in 亿元, as the reports write them


class NoTimeline(TablesNotFound):
    """DIR has tables, but none written with a timeline (an older run)."""


def _simplified(text: str) -> str:
    from pipeline.rules.loader import load_rules
    from pipeline.text.normalise import to_simplified

    return to_simplified(text, load_rules())


def _cell(name: str, value: Any) -> Any:
    if name.endswith("_investment") and value is not None:
        return f"{value / _YI:.4f}".rstrip("0").rstrip(".") + "亿元"
    return value


def timeline_view(directory: Path, names: list[str]) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The rows of the projects `names` pick (all projects in 2+ reports when none), by
    project and then in report order; TablesNotFound / NoTimeline when there is nothing to read."""
    require_tables(directory)
    table = load_table(directory, "timeline")
    if table is None:
        raise NoTimeline(f"no timeline table in {directory}: run `keyproj run INPUT --out {directory}` "
                         "again with this version")
    rows = table.to_pylist()        # already ordered by key, year, period, path
    wanted = [_simplified(n) for n in names]
    if wanted:
        keys = {r["project_key"] for r in rows
                if any(w in r["project_key"] or w in (r["name"] or "") for w in wanted)}
    else:
        docs: dict[str, set[str]] = {}
        for r in rows:
            docs.setdefault(r["project_key"], set()).add(r["doc_id"])
        keys = {k for k, d in docs.items() if len(d) > 1}
    return list(COLUMNS), [tuple(_cell(c, r[c]) for c in COLUMNS) for r in rows if r["project_key"] in keys]
