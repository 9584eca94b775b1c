"""Tables to spreadsheets (`keyproj export`): one sheet (xlsx) or one file (csv) per table.

CSV is UTF-8 with a byte-order mark, which is what makes Excel read Chinese correctly.
xlsx cells hold at most 32,767 characters: longer strings (in practice `documents.text`)
are cut and end with a note saying so; the "about" sheet lists every cut.
Column labels can be Chinese (`labels="zh"`): the map is data, `pipeline/data/labels_zh.yaml`.
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

from pipeline import settings
from pipeline.outputs.query import display_width, load_table, require_tables

if TYPE_CHECKING:
    import pyarrow as pa

LABELS_DIR = settings.DATA_DIR
EXCEL_MAX_CELL_CHARS = 32_767
EXCEL_MAX_ROWS = 1_048_576
CSV_ENCODING = "utf-8-sig"        # UTF-8 with BOM: Excel guesses a local code page without it
BATCH_ROWS = 10_000

Progress = Callable[[Iterable[Any]], Iterable[Any]]


class ExportError(ValueError):
    """The tables cannot be exported as asked (e.g. more rows than an Excel sheet holds)."""


@dataclass(frozen=True, slots=True)
class Labels:
    """Display names for tables and columns; anything unlisted keeps its own name."""

    tables: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)

    def table(self, name: str) -> str:
        return self.tables.get(name, name)

    def column(self, name: str) -> str:
        return self.columns.get(name, name)


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
    return Labels(dict(data.get("tables") or {}), dict(data.get("columns") or {}))


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


def write_csv(table: pa.Table, path: Path, labels: Labels) -> int:
    """One table as an Excel-friendly CSV file; returns the number of rows."""
    tmp, commit = _atomic_target(path)
    try:
        with open(tmp, "w", encoding=CSV_ENCODING, newline="") as f:
            writer = csv.writer(f)     # \r\n line ends and quoting of newlines: what Excel expects
            writer.writerow([labels.column(c) for c in table.column_names])
            for row in _rows(table):
                writer.writerow([csv_cell(v) for v in row.values()])
        commit()
    finally:
        if tmp.exists():
            tmp.unlink()
    return table.num_rows


def export_csv(directory: Path, out_dir: Path, labels: Labels | None = None,
               progress: Progress | None = None) -> ExportSummary:
    """Every table under `directory` as `out_dir/<table>.csv`."""
    labels = labels or Labels()
    summary = ExportSummary()
    names = list(require_tables(directory))
    for name in (progress(names) if progress else names):
        table = load_table(directory, name)
        assert table is not None
        path = out_dir / f"{name}.csv"
        summary.rows[name] = write_csv(table, path, labels)
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


def _write_sheet(workbook: Any, sheet_name: str, table: pa.Table, table_name: str, labels: Labels,
                 summary: ExportSummary) -> None:
    if table.num_rows + 1 > EXCEL_MAX_ROWS:
        raise ExportError(f"{table_name} has {table.num_rows:,} rows, more than an Excel sheet holds "
                          f"({EXCEL_MAX_ROWS - 1:,}); export it with --to csv")
    sheet = workbook.add_worksheet(sheet_name)
    bold = workbook.add_format({"bold": True})
    headers = [labels.column(c) for c in table.column_names]
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
                sheet.write_number(r, col, value)
            else:
                text, was_cut = fit_excel_cell(str(value))
                if was_cut:
                    summary.truncated.append(f"{table_name}.{name} row {r}: {len(str(value)):,} chars")
                # write_string, never write(): a cell starting with = must stay text, not a formula
                sheet.write_string(r, col, text)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, table.num_rows, max(len(headers) - 1, 0))


def export_xlsx(directory: Path, out_path: Path, labels: Labels | None = None,
                progress: Progress | None = None) -> ExportSummary:
    """Every table under `directory` as one sheet of `out_path`, plus an "about" sheet first."""
    import xlsxwriter

    labels = labels or Labels()
    summary = ExportSummary()
    names = list(require_tables(directory))
    tmp, commit = _atomic_target(out_path)
    try:
        workbook = xlsxwriter.Workbook(str(tmp), {
            "strings_to_urls": False,        # keep text as text: no auto-links, formulas or numbers
            "strings_to_formulas": False,
            "strings_to_numbers": False,
        })
        about = workbook.add_worksheet(labels.table("about"))
        for name in (progress(names) if progress else names):
            table = load_table(directory, name)
            assert table is not None
            _write_sheet(workbook, labels.table(name)[:31], table, name, labels, summary)
            summary.rows[name] = table.num_rows
        _write_about(about, directory, summary, labels)
        workbook.close()
        commit()
    finally:
        if tmp.exists():
            tmp.unlink()
    summary.written.append(out_path)
    return summary


def _write_about(sheet: Any, directory: Path, summary: ExportSummary, labels: Labels) -> None:
    """What the workbook holds and which cells were cut to Excel's limit."""
    lines = [f"keyproj tables from {directory}", ""]
    lines += [f"{labels.table(name)}: {n:,} rows" for name, n in summary.rows.items()]
    lines.append("")
    if summary.truncated:
        lines.append(f"{len(summary.truncated)} cells were longer than Excel's {EXCEL_MAX_CELL_CHARS:,} "
                     "characters and were cut (the full text is in the Parquet tables):")
        lines += summary.truncated
    else:
        lines.append("No cell was cut: every value is complete.")
    sheet.set_column(0, 0, 100)
    for r, line in enumerate(lines):
        sheet.write_string(r, 0, line)


EXPORT_FORMATS = ("xlsx", "csv")


def default_out(directory: Path, fmt: str) -> Path:
    """Where an export goes when no --out is given: beside the tables."""
    return directory / "tables.xlsx" if fmt == "xlsx" else directory / "csv"


def export(directory: Path, fmt: str, out: Path | None = None, language: str | None = None,
           progress: Progress | None = None) -> ExportSummary:
    """Export the tables under `directory` as `fmt` (xlsx or csv)."""
    labels = load_labels(language)
    out = out or default_out(directory, fmt)
    if fmt == "xlsx":
        return export_xlsx(directory, out, labels, progress)
    if fmt == "csv":
        return export_csv(directory, out, labels, progress)
    raise ExportError(f"unknown format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
