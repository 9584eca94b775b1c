"""Tables to spreadsheets (`keyproj export`): one sheet (xlsx) or one file (csv) per table,
plus `facts`, one row per fact ready to filter.

Made for an analyst: `timeline` (one project across reports) and `checks` (figures that
disagree) are sheets too when the run wrote them; the `projects` sheet and the `facts` sheet carry each row's document
context (path, title, province, city, county, year, period) beside `doc_id`; `facts` has one
row per quantity and status cue with its project's name and its sentence (the `facts` view of
`keyproj query`). Money is in one chosen unit (`money_unit`: 元, 万元 or 亿元; xlsx shows it with
thousands separators), and the `unit` of a money quantity says which.

CSV is UTF-8 with a byte-order mark, which is what makes Excel read Chinese correctly.
xlsx cells hold at most 32,767 characters: longer strings (in practice `documents.text`)
are cut and end with a note saying so; the "about" sheet lists every cut.
Labels can be Chinese (`labels="zh"`): column headers from `pipeline/schema.py` (with the unit),
sheet names, coded values (status, role, kind, unit …) and the about sheet from
`pipeline/data/labels_zh.yaml`.
"""

from __future__ import annotations

import csv
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import schema, settings
from pipeline.outputs.query import (
    CONTEXT_COLUMNS,
    LEDGER_TABLES,
    connect,
    display_width,
    facts_sql,
    load_table,
    require_tables,
    table_files,
)

if TYPE_CHECKING:
    import pyarrow as pa

LABELS_DIR = settings.DATA_DIR
EXCEL_MAX_CELL_CHARS = 32_767
EXCEL_MAX_ROWS = 1_048_576
CSV_ENCODING = "utf-8-sig"        # UTF-8 with BOM: Excel guesses a local code page without it
BATCH_ROWS = 10_000
# yuan per unit a spreadsheet may show money in
MONEY_UNITS = {"元": 1, "万元": 10_000, "亿元": 100_000_000}
MONEY_FORMAT = "#,##0.00##"          # thousands separators, 2 to 4 decimals
FACTS = "facts"

Progress = Callable[[Iterable[Any]], Iterable[Any]]


class ExportError(ValueError):
    """The tables cannot be exported as asked (e.g. more rows than an Excel sheet holds)."""


@dataclass(frozen=True, slots=True)
class Labels:
    """Display names for sheets, columns and coded values, and the about sheet's sentences;
    anything unlisted keeps its own name (the English default is all empty)."""

    tables: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)     # column -> value -> label
    about: dict[str, str] = field(default_factory=dict)

    def table(self, name: str) -> str:
        return self.tables.get(name, name)

    def column(self, name: str) -> str:
        return self.columns.get(name, name)

    def header(self, name: str, money_unit: str) -> str:
        """A column's header: a translated one says its unit (总投资（万元）)."""
        if name not in self.columns:
            return name
        unit = schema.unit_of(name)
        shown = money_unit if unit == "yuan" else schema.UNIT_ZH.get(unit or "")
        return f"{self.columns[name]}（{shown}）" if shown else self.columns[name]

    def value(self, column: str, value: Any) -> Any:
        if isinstance(value, str):
            return self.values.get(column, {}).get(value, value)
        return value

    def sentence(self, key: str, default: str, **fields: Any) -> str:
        return self.about.get(key, default).format(**fields)


@dataclass(slots=True)
class ExportSummary:
    written: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    truncated: list[str] = field(default_factory=list)   # "documents.text row 3: 40,112 chars"


def load_labels(language: str | None) -> Labels:
    """The labels for `language` (None or "en": the column names themselves)."""
    if language in (None, "", "en"):
        return Labels()
    import yaml

    path = LABELS_DIR / f"labels_{language}.yaml"
    if not path.is_file():
        available = sorted(p.stem.removeprefix("labels_") for p in LABELS_DIR.glob("labels_*.yaml"))
        raise ExportError(f"no labels for {language!r}; available: en, {', '.join(available)}")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    columns = schema.zh_labels() if language == "zh" else {}
    columns |= dict(data.get("columns") or {})
    values = {column: {str(k): str(v) for k, v in (mapping or {}).items()}
              for column, mapping in (data.get("values") or {}).items()}
    return Labels(dict(data.get("tables") or {}), columns, values, dict(data.get("about") or {}))


def check_money_unit(unit: str) -> None:
    if unit not in MONEY_UNITS:
        raise ExportError(f"unknown money unit {unit!r}; expected one of {', '.join(MONEY_UNITS)}")


def in_money_unit(table: pa.Table, unit: str) -> pa.Table:
    """`table` with money in `unit`: every column whose schema unit is yuan, and `value` and
    `value_high` of the rows whose `unit` is yuan (that `unit` then says `unit`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    factor = MONEY_UNITS[unit]

    def scaled(values: Any) -> Any:
        return pc.divide(values.cast(pa.float64()), float(factor)) if factor != 1 else values

    for i, name in enumerate(table.column_names):
        if schema.unit_of(name) == "yuan":
            table = table.set_column(i, name, scaled(table[name]))
    if "unit" in table.column_names:
        money = pc.fill_null(pc.equal(table["unit"], "yuan"), False)
        for name in ("value", "value_high"):
            if name in table.column_names:
                i = table.column_names.index(name)
                table = table.set_column(i, name, pc.if_else(money, scaled(table[name]), table[name]))
        i = table.column_names.index("unit")
        table = table.set_column(i, "unit", pc.if_else(money, pa.scalar(unit), table["unit"]))
    return table


def with_context(table: pa.Table, documents: pa.Table | None) -> pa.Table:
    """`table` with its documents' CONTEXT_COLUMNS after `doc_id` (rows in their own order)."""
    import pyarrow as pa

    if documents is None or "doc_id" not in table.column_names:
        return table
    present = [c for c in CONTEXT_COLUMNS if c in documents.column_names and c not in table.column_names]
    context = documents.select(["doc_id", *present]).to_pylist()
    by_doc = {row["doc_id"]: row for row in context}
    ids = table["doc_id"].to_pylist()
    at = table.column_names.index("doc_id") + 1
    for offset, name in enumerate(present):
        field_ = documents.schema.field(name)
        values = [by_doc.get(i, {}).get(name) for i in ids]
        table = table.add_column(at + offset, field_, pa.array(values, field_.type))
    return table


def sheets(directory: Path, money_unit: str) -> Iterator[tuple[str, Callable[[], pa.Table]]]:
    """(name, its table when called) for every sheet: `facts` when the tables have sentence
    spans, then the tables, then `timeline` and `checks` when the run wrote them. Loaded one
    at a time, so only one is held at once."""
    names = list(require_tables(directory))
    names += [name for name in LEDGER_TABLES if table_files(directory, name)]
    documents: list[pa.Table | None] = []

    def context() -> pa.Table | None:
        if not documents:
            docs = load_table(directory, "documents")
            documents.append(None if docs is None else docs.select(
                [c for c in ("doc_id", *CONTEXT_COLUMNS) if c in docs.column_names]))
        return documents[0]

    def table(name: str) -> Callable[[], pa.Table]:
        def load() -> pa.Table:
            loaded = load_table(directory, name)
            assert loaded is not None
            if name == "projects":
                loaded = with_context(loaded, context())
            return in_money_unit(loaded, money_unit)
        return load

    con = connect(directory, cut_large=False)     # only the tables' columns are asked
    try:
        has_facts = facts_sql(con) is not None
    finally:
        con.close()
    if has_facts:           # first: what an analyst filters
        yield FACTS, lambda: in_money_unit(facts_table(directory), money_unit)
    for name in names:
        yield name, table(name)


def facts_table(directory: Path) -> pa.Table:
    """The `facts` view of `keyproj query` as one Arrow table."""
    con = connect(directory)
    try:
        relation = con.sql("SELECT * FROM facts")
        # to_arrow_table since DuckDB 1.4 (arrow before)
        fetch = getattr(relation, "to_arrow_table", None) or getattr(relation, "arrow")  # noqa: B009
        table: pa.Table = fetch()
        return table
    finally:
        con.close()


def _rows(table: pa.Table) -> Iterator[dict[str, Any]]:
    """The rows of `table` as dicts, a batch at a time (no full copy in Python objects)."""
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        yield from batch.to_pylist()


# A spreadsheet reads a cell that starts with one of these as a formula (tab and carriage
# return too, in some); OWASP's advice for CSV injection is to prefix such a cell with '.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: null (and NaN) empty, floats in their shortest exact form, and
    text a spreadsheet would run as a formula made inert with a leading ' (`neutralise`).

    >>> csv_cell(None), csv_cell(float("nan")), csv_cell(8650000000.0), csv_cell("项目")
    ('', '', '8650000000.0', '项目')
    >>> csv_cell(-3.2), csv_cell("=1+2"), csv_cell("@SUM(A1)"), csv_cell("-3.2")
    ('-3.2', "'=1+2", "'@SUM(A1)", '-3.2')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return neutralise(value)
    return value


def neutralise(text: str) -> str:
    """`text` with a ' in front when a spreadsheet would take it for a formula; a plain
    number stays as it is (it is no formula, and -3.2 must still read as a number)."""
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def fit_excel_cell(text: str, limit: int = EXCEL_MAX_CELL_CHARS) -> tuple[str, bool]:
    """`text` cut to fit one Excel cell, ending with a note that says how long it was.

    >>> fit_excel_cell("短")
    ('短', False)
    >>> cut, was_cut = fit_excel_cell("字" * 100, limit=60)
    >>> len(cut), was_cut, cut[-32:]
    (60, True, '…[truncated: 100 chars in total]')
    """
    if len(text) <= limit:
        return text, False
    note = f"…[truncated: {len(text):,} chars in total]"
    return text[:limit - len(note)] + note, True


def _atomic_target(path: Path) -> tuple[Path, Callable[[], None]]:
    """A temporary file beside `path` and the function that moves it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)      # mkstemp makes 0600; an export is for sharing
    return Path(tmp), lambda: os.replace(tmp, path)


def write_csv(table: pa.Table, path: Path, labels: Labels, money_unit: str = settings.EXPORT_MONEY_UNIT) -> int:
    """One table as an Excel-friendly CSV file; returns the number of rows."""
    tmp, commit = _atomic_target(path)
    try:
        with open(tmp, "w", encoding=CSV_ENCODING, newline="") as f:
            writer = csv.writer(f)     # \r\n line ends and quoting of newlines: what Excel expects
            writer.writerow([labels.header(c, money_unit) for c in table.column_names])
            for row in _rows(table):
                writer.writerow([csv_cell(labels.value(c, v)) for c, v in row.items()])
        commit()
    finally:
        if tmp.exists():
            tmp.unlink()
    return table.num_rows


def export_csv(directory: Path, out_dir: Path, labels: Labels | None = None,
               progress: Progress | None = None, money_unit: str = settings.EXPORT_MONEY_UNIT) -> ExportSummary:
    """Every sheet (`sheets`) as `out_dir/<name>.csv`."""
    labels = labels or Labels()
    summary = ExportSummary()
    todo = list(sheets(directory, money_unit))
    for name, load in (progress(todo) if progress else todo):
        path = out_dir / f"{name}.csv"
        summary.rows[name] = write_csv(load(), path, labels, money_unit)
        summary.written.append(path)
    return summary


def _column_widths(table: pa.Table, headers: list[str], sample_rows: int = 200) -> list[float]:
    """Excel column widths from the header and the first rows, capped so text columns stay usable."""
    sample = table.slice(0, sample_rows).to_pylist()
    widths: list[float] = []
    for name, header in zip(table.column_names, headers):
        longest = max([display_width(header)] + [display_width(str(r[name])[:80]) for r in sample
                                                 if r[name] is not None])
        widths.append(min(max(longest + 2, 6), 60))
    return widths


def _is_money(name: str, row: dict[str, Any], money_unit: str) -> bool:
    """Whether the cell `row[name]` is an amount of money (in `money_unit`, see in_money_unit)."""
    return schema.unit_of(name) == "yuan" or (name in ("value", "value_high") and row.get("unit") == money_unit)


def _write_sheet(workbook: Any, sheet_name: str, table: pa.Table, table_name: str, labels: Labels,
                 summary: ExportSummary, money_unit: str = settings.EXPORT_MONEY_UNIT) -> None:
    if table.num_rows + 1 > EXCEL_MAX_ROWS:
        raise ExportError(f"{table_name} has {table.num_rows:,} rows, more than an Excel sheet holds "
                          f"({EXCEL_MAX_ROWS - 1:,}); export it with --to csv")
    sheet = workbook.add_worksheet(sheet_name)
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": MONEY_FORMAT})
    headers = [labels.header(c, money_unit) for c in table.column_names]
    for col, (header, width) in enumerate(zip(headers, _column_widths(table, headers))):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, header, bold)
    for r, row in enumerate(_rows(table), start=1):
        for col, (name, value) in enumerate(row.items()):
            if value is None or (isinstance(value, float) and not math.isfinite(value)):
                continue                          # an empty cell reads back as null
            if isinstance(value, bool):
                sheet.write_boolean(r, col, value)
            elif isinstance(value, (int, float)):
                sheet.write_number(r, col, value, money if _is_money(name, row, money_unit) else None)
            else:
                text, was_cut = fit_excel_cell(str(labels.value(name, value)))
                if was_cut:
                    summary.truncated.append(f"{table_name}.{name} row {r}: {len(str(value)):,} chars")
                # write_string, never write(): a cell starting with = must stay text, not a formula
                sheet.write_string(r, col, text)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, table.num_rows, max(len(headers) - 1, 0))


def export_xlsx(directory: Path, out_path: Path, labels: Labels | None = None,
                progress: Progress | None = None, money_unit: str = settings.EXPORT_MONEY_UNIT) -> ExportSummary:
    """Every sheet (`sheets`) under `directory` as one sheet of `out_path`, after an "about" sheet."""
    import xlsxwriter

    labels = labels or Labels()
    summary = ExportSummary()
    todo = list(sheets(directory, money_unit))
    tmp, commit = _atomic_target(out_path)
    try:
        workbook = xlsxwriter.Workbook(str(tmp), {
            "strings_to_urls": False,        # keep text as text: no auto-links, formulas or numbers
            "strings_to_formulas": False,
            "strings_to_numbers": False,
        })
        about = workbook.add_worksheet(labels.table("about"))
        for name, load in (progress(todo) if progress else todo):
            table = load()
            _write_sheet(workbook, labels.table(name)[:31], table, name, labels, summary, money_unit)
            summary.rows[name] = table.num_rows
        _write_about(about, directory, summary, labels, money_unit)
        workbook.close()
        commit()
    finally:
        if tmp.exists():
            tmp.unlink()
    summary.written.append(out_path)
    return summary


def _write_about(sheet: Any, directory: Path, summary: ExportSummary, labels: Labels,
                 money_unit: str = settings.EXPORT_MONEY_UNIT) -> None:
    """What the workbook holds, the unit of money, and which cells were cut to Excel's limit."""
    lines = [labels.sentence("source", "keyproj tables from {directory}", directory=directory), ""]
    lines += [labels.sentence("rows", "{table}: {rows:,} rows", table=labels.table(name), rows=n)
              for name, n in summary.rows.items()]
    lines += ["", labels.sentence("money", "Money in {unit}", unit=money_unit), ""]
    if summary.truncated:
        lines.append(labels.sentence(
            "some_cut", "{n} cells were longer than Excel's {limit:,} characters and were cut "
            "(the full text is in the Parquet tables):", n=len(summary.truncated), limit=EXCEL_MAX_CELL_CHARS))
        lines += summary.truncated
    else:
        lines.append(labels.sentence("none_cut", "No cell was cut: every value is complete."))
    sheet.set_column(0, 0, 100)
    for r, line in enumerate(lines):
        sheet.write_string(r, 0, line)


EXPORT_FORMATS = ("xlsx", "csv")


def default_out(directory: Path, fmt: str) -> Path:
    """Where an export goes when no --out is given: beside the tables."""
    return directory / "tables.xlsx" if fmt == "xlsx" else directory / "csv"


def export(directory: Path, fmt: str, out: Path | None = None, language: str | None = None,
           progress: Progress | None = None, money_unit: str = settings.EXPORT_MONEY_UNIT) -> ExportSummary:
    """Export the tables under `directory` as `fmt` (xlsx or csv), money in `money_unit`."""
    labels = load_labels(language)
    check_money_unit(money_unit)
    out = out or default_out(directory, fmt)
    if fmt == "xlsx":
        return export_xlsx(directory, out, labels, progress, money_unit)
    if fmt == "csv":
        return export_csv(directory, out, labels, progress, money_unit)
    raise ExportError(f"unknown format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
