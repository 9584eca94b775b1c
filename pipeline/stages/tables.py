"""Ledgers written as tables: the header row names each column, each row is one project.

Three shapes are read, each a header row and the rows under it:

- a markdown pipe table (``| 序号 | 项目名称 | 总投资 | 年度计划 | 1-9月完成 | 进展情况 |``),
  its rows the lines that follow opening with ``|`` (a ``|---|`` line is skipped);
- tab-separated cells (``序号\\t项目名称\\t总投资（万元）…``), its rows the lines with a tab;
- cells padded with spaces to their columns (a PDF or a fixed-width print), its rows the
  lines up to a blank one, each cell in the column whose header word it stands under (a
  wide character counts two columns).

A header is a line of short cells (rules/ledger.yaml `tables.longest_header_cell`, no
sentence end) naming a money column (total, planned, completed) and a name or number
column: a paragraph with ``|`` in it is no table. Each header cell takes the first kind
whose pattern it holds (`KINDS`, rules/ledger.yaml `tables`). A row whose number cell is
empty continues the row before (a cell that wraps onto the next line stays in its row); a
row whose number or name cell is 合计/小计 is a row of sums (`Row.total`), no project's.

>>> from pipeline.rules.loader import load_rules
>>> text = "| 序号 | 项目名称 | 总投资 | 进展情况 |\\n|---|---|---|---|\\n| 1 | 城东快速路 | 12亿元 | 在建 |\\n"
>>> [t.kinds for t in find_tables(text, load_rules())]
[('number', 'name', 'total', 'status')]
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field, replace

import regex

from pipeline.rules.configs import LedgerTables
from pipeline.rules.loader import RuleSet
from pipeline.types import Kind, Quantity, Role

#: the kinds of column a header cell may name, in the order they are tried
KINDS = ("rate", "total", "status", "planned", "completed", "name", "number")
#: the money role of each money column
COLUMN_ROLES = {"total": Role.TOTAL, "planned": Role.PLANNED, "completed": Role.COMPLETED}
#: the role cue an amount takes from its column
TABLE_COLUMN_CUE = "table_column"

_SENTENCE_END = regex.compile(r"[。；;！？!?]")
_SPACES = " \u3000"
_WIDE = frozenset("WF")
_TRIM = frozenset(" \t\u3000\r*_`")


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell's text (offsets into the text, white space and markup trimmed) and its column."""

    start: int
    end: int
    column: int


@dataclass(slots=True)
class Row:
    """One row of a table: its cells, those of the lines it wraps onto too."""

    start: int
    end: int
    cells: list[Cell] = field(default_factory=list)
    total: bool = False              # 合计 / 小计: a row of sums

    def cells_of(self, column: int) -> list[Cell]:
        return [c for c in self.cells if c.column == column]


@dataclass(frozen=True, slots=True)
class Table:
    """A header row's column kinds (None: a column no rule names) and the rows under it."""

    start: int
    end: int
    kinds: tuple[str | None, ...]
    rows: tuple[Row, ...]

    def column(self, kind: str) -> int | None:
        return self.kinds.index(kind) if kind in self.kinds else None


@dataclass(frozen=True, slots=True)
class _Header:
    shape: str                       # pipe | tab | space
    kinds: tuple[str | None, ...]
    starts: tuple[int, ...]          # space: each column's display column


def _patterns(t: LedgerTables) -> tuple[tuple[str, regex.Pattern[str]], ...]:
    return tuple((kind, getattr(t, f"{kind}_column")) for kind in KINDS)


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in _WIDE else 1 for ch in s)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without white space and markdown emphasis around it (** 合计 **)."""
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def _split(text: str, start: int, end: int, sep: str) -> list[tuple[int, int]]:
    """The spans between `sep` characters of text[start:end]."""
    spans, at = [], start
    while True:
        i = text.find(sep, at, end)
        if i < 0:
            spans.append((at, end))
            return spans
        spans.append((at, i))
        at = i + 1


def _pipe_cells(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """The cells of a pipe row (| a | b |), or None when the line is none."""
    line = text[start:end]
    lead = len(line) - len(line.lstrip())
    if not line.lstrip().startswith("|"):
        return None
    spans = _split(text, start + lead + 1, end, "|")
    if len(spans) > 1 and not text[spans[-1][0]:spans[-1][1]].strip():
        spans = spans[:-1]          # what follows the closing bar
    return spans


def _space_cells(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """The words of a line padded with spaces: (start, end, display column)."""
    out = []
    for m in regex.finditer(r"[^ \u3000\t]+", text[start:end]):
        out.append((start + m.start(), start + m.end(), _width(text[start:start + m.start()])))
    return out


def _kind(cell: str, patterns: tuple[tuple[str, regex.Pattern[str]], ...]) -> str | None:
    for kind, pattern in patterns:
        if pattern.search(cell):
            return kind
    return None


def _header(text: str, start: int, end: int, t: LedgerTables) -> _Header | None:
    """The header a line is, in the first shape it reads as, or None."""
    if end - start > 40 * t.longest_header_cell or _SENTENCE_END.search(text, start, end):
        return None
    pipe = _pipe_cells(text, start, end)
    starts: tuple[int, ...] = ()
    if pipe is not None:
        shape, spans = "pipe", pipe
    elif "\t" in text[start:end]:
        shape, spans = "tab", _split(text, start, end, "\t")
    elif "  " in text[start:end] or "\u3000" in text[start:end]:
        words = _space_cells(text, start, end)
        shape, spans = "space", [(s, e) for s, e, _ in words]
        starts = tuple(w for _, _, w in words)
    else:
        return None
    if len(spans) < 3:
        return None
    patterns = _patterns(t)
    kinds = []
    for s, e in spans:
        s, e = _trim(text, s, e)
        if e - s > t.longest_header_cell:
            return None
        kinds.append(_kind(text[s:e], patterns) if e > s else None)
    if not any(k in COLUMN_ROLES for k in kinds) or not ("name" in kinds or "number" in kinds):
        return None
    return _Header(shape, tuple(kinds), starts)


def _lines(text: str) -> list[tuple[int, int]]:
    spans, at = [], 0
    for line in text.split("\n"):
        spans.append((at, at + len(line)))
        at += len(line) + 1
    return spans


def _column_at(starts: tuple[int, ...], pos: int, slack: int) -> int:
    """The column a word at display column `pos` stands under."""
    return max(0, bisect_right(starts, pos + slack) - 1)


def _row_cells(text: str, start: int, end: int, header: _Header, slack: int) -> list[Cell] | None:
    """The cells of one body line (trimmed, empty ones left out), or None when the line
    ends the table."""
    if header.shape == "pipe":
        spans = _pipe_cells(text, start, end)
        if spans is None:
            return None
        if all(not regex.sub(r"[\s:：\-—]", "", text[s:e]) for s, e in spans):
            return []               # |---|---|: the header's rule
        cells = [(s, e, i) for i, (s, e) in enumerate(spans)]
    elif header.shape == "tab":
        if "\t" not in text[start:end]:
            return None
        cells = [(s, e, i) for i, (s, e) in enumerate(_split(text, start, end, "\t"))]
    else:
        if not text[start:end].strip():
            return None
        words = _space_cells(text, start, end)
        if len(words) == 1 and _SENTENCE_END.search(text, start, end) and _width(text[start:end]) > 60:
            return None             # a paragraph after the table
        cells = []
        for s, e, w in words:
            column = _column_at(header.starts, w, slack)
            if cells and cells[-1][2] == column:
                cells[-1] = (cells[-1][0], e, column)       # one cell's words: one cell
            else:
                cells.append((s, e, column))
    out = []
    for s, e, i in cells:
        s, e = _trim(text, s, e)
        if e > s and i < len(header.kinds):
            out.append(Cell(s, e, i))
    return out


def _is_total(text: str, row: list[Cell], header: _Header, t: LedgerTables) -> bool:
    return any(header.kinds[c.column] in ("number", "name") and t.total_row.match(text, c.start, c.end)
               for c in row)


def _continues(row: list[Cell], header: _Header) -> bool:
    """A line whose number cell is empty (and which sums nothing) continues the row above."""
    number = header.kinds.index("number") if "number" in header.kinds else None
    if number is not None:
        return not any(c.column == number for c in row)
    name = header.kinds.index("name")
    return not any(c.column == name for c in row)


def find_tables(text: str, rules: RuleSet) -> tuple[Table, ...]:
    """The tables of `text`, in reading order (see the module doc)."""
    if "|" not in text and "\t" not in text and "  " not in text and "\u3000" not in text:
        return ()
    t = rules.ledger.tables
    lines = _lines(text)
    tables = []
    i = 0
    while i < len(lines):
        start, end = lines[i]
        header = _header(text, start, end, t)
        if header is None:
            i += 1
            continue
        rows: list[Row] = []
        j = i + 1
        while j < len(lines):
            ls, le = lines[j]
            cells = _row_cells(text, ls, le, header, t.column_slack)
            if cells is None:
                break
            j += 1
            if not cells:
                continue
            total = _is_total(text, cells, header, t)
            if rows and not total and not rows[-1].total and _continues(cells, header):
                rows[-1].cells.extend(cells)
                rows[-1].end = le
            else:
                rows.append(Row(ls, le, list(cells), total))
        if rows:
            tables.append(Table(start, lines[j - 1][1], header.kinds, tuple(rows)))
        i = j
    return tuple(tables)


def table_roles(text: str, quantities: list[Quantity], rules: RuleSet,
                tables: tuple[Table, ...] | None = None) -> list[Quantity]:
    """The quantities with every money amount in a money column's cell given that column's
    role (rule cue `TABLE_COLUMN_CUE`), the 合计 row's too; the same list when `text` has
    no table."""
    if not any(q.kind is Kind.MONEY for q in quantities):
        return quantities
    tables = find_tables(text, rules) if tables is None else tables
    if not tables:
        return quantities
    cells = sorted((c.start, c.end, role) for table in tables for row in table.rows for c in row.cells
                   if (role := COLUMN_ROLES.get(table.kinds[c.column] or "")) is not None)
    if not cells:
        return quantities
    starts = [c[0] for c in cells]
    out = []
    for q in quantities:
        if q.kind is Kind.MONEY:
            i = bisect_right(starts, q.start) - 1
            if i >= 0 and q.end <= cells[i][1]:
                q = replace(q, role=cells[i][2], role_cue=TABLE_COLUMN_CUE)
        out.append(q)
    return out
