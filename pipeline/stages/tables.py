"""Ledgers written as tables: the header row names each column, each row is one project.

Four shapes are read, each a header row and the rows under it:

- a markdown pipe table (``| 序号 | 项目名称 | 总投资 | 年度计划 | 1-9月完成 | 进展情况 |``),
  its rows the lines that follow opening with ``|`` (a ``|---|`` line is skipped);
- tab-separated cells (``序号\\t项目名称\\t总投资（万元）…``), its rows the lines with a tab;
  in a pipe or tab table, a short line that opens with an ordinal and holds no cell mark is a
  group row (一、高速公路（3个）) and is passed over;
- cells padded with spaces to their columns (a PDF or a fixed-width print), its rows the
  lines up to a blank one, each cell in the column whose header word it stands under (a
  wide character counts two columns); a row with as many cells as the header, each parted
  by two spaces or more, goes by order (an export that parts cells by a run of spaces
  without padding them);
- one cell a line, as a web page's table copied as text gives (``序号⏎项目名称⏎总投资⏎…⏎1⏎
  城东快速路⏎…``): the header is the run of short lines from a number column's cell up to the
  first number alone on a line; each row runs from its number to the next row's number (one
  more), a group row or a sum, its lines the header's cells in order (a line of white space
  is an empty cell; lines past the last column go on its cell); a short line where a row's
  number should stand is a group row (一、续建项目（7个）) and is passed over. The next
  number, not a count of lines, ends a row: normalising may join a long cell to the next.

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
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import regex

from pipeline.rules.configs import LedgerTables
from pipeline.rules.loader import RuleSet
from pipeline.stages.found import Found, Stage
from pipeline.stages.status_model import StatusModel, link_features, load_status_model
from pipeline.text.layout import Layout
from pipeline.text.punctuation import CELL_MARKS, SPACES
from pipeline.types import Cell, Kind, ProjectMention, Quantity, Role, Row, StatusMention, Table

#: the kinds of column a header cell may name, in the order they are tried
KINDS = ("rate", "other", "total", "status", "planned", "completed", "name", "number")
#: the money role of each money column
COLUMN_ROLES = {"total": Role.TOTAL, "planned": Role.PLANNED, "completed": Role.COMPLETED, "other": Role.OTHER}
#: the role cue an amount takes from its column
TABLE_COLUMN_CUE = "table_column"

_SENTENCE_END = regex.compile(r"[。；;！？!?]")
_MOST_COLUMNS = 30        # a one-cell-a-line table's header has at most this many cells
_MOST_GROUP_ROWS = 3      # … and at most this many group rows stand between two of its rows
# (a pipe row's bars are `CELL_MARKS`: ASCII and box-drawing; normalisation folds ｜ to |)
_HEADER_MARKS = (*CELL_MARKS, "\t", "\u3000", "  ")     # a header line holds one (`_find_tables`)
_SPACES = " \u3000"
_WIDE_CELL = regex.compile(r"[^ \u3000\t](?:[^ \u3000\t]| (?! ))*")     # single spaces inside a cell
_WIDE = frozenset("WF")
_TRIM = frozenset(SPACES + "\r*_`")


@dataclass(frozen=True, slots=True)
class _Header:
    shape: str                       # pipe | tab | space
    kinds: tuple[str | None, ...]
    starts: tuple[int, ...]          # space: each column's display column
    runs: int = 0                    # space: the cells its runs of two spaces or more part


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
    """The cells of a pipe row (| a | b |, or a|b|c without the outer bars; any bar of
    `CELL_MARKS`), or None when the line is none."""
    line = text[start:end]
    lead = len(line) - len(line.lstrip())
    first = line[lead:lead + 1]
    if first and first in CELL_MARKS:
        spans = _split(text, start + lead + 1, end, first)
    else:
        # no opening bar: a row of three cells or more holds one bar twice or more
        bar = next((b for b in CELL_MARKS if line.count(b) >= 2), None)
        if bar is None:
            return None
        spans = _split(text, start, end, bar)
    if len(spans) > 1 and not text[spans[-1][0]:spans[-1][1]].strip():
        spans = spans[:-1]          # what follows the closing bar
    return spans


def _space_cells(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """The words of a line padded with spaces: (start, end, display column)."""
    out = []
    for m in regex.finditer(r"[^ \u3000\t]+", text[start:end]):
        out.append((start + m.start(), start + m.end(), _width(text[start:start + m.start()])))
    return out


def _wide_cells(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The cells of a line parted by runs of two spaces or more, an ideographic space or a tab."""
    return [(start + m.start(), start + m.end()) for m in _WIDE_CELL.finditer(text[start:end])]


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
    return _Header(shape, tuple(kinds), starts, len(_wide_cells(text, start, end)) if shape == "space" else 0)


def _column_at(starts: tuple[int, ...], pos: int, slack: int) -> int:
    """The column a word at display column `pos` stands under."""
    return max(0, bisect_right(starts, pos + slack) - 1)


def _row_cells(text: str, start: int, end: int, header: _Header, t: LedgerTables) -> list[Cell] | None:
    """The cells of one body line (trimmed, empty ones left out), or None when the line
    ends the table."""
    if header.shape in ("pipe", "tab") and _group_row(text, start, end, t):
        return []                   # 一、高速公路（3个）: a group's row, no cell of its own
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
        if len(words) == 1 and (_SENTENCE_END.search(text, start, end)
                                or words[0][1] - words[0][0] > 2 * t.longest_header_cell):
            return None             # a paragraph after the table: a heading row is a few words
        wide = _wide_cells(text, start, end)
        if len(wide) == header.runs == len(header.kinds):
            # as many cells as the header, each parted by two spaces or more (an export that
            # parts cells by a run of spaces without padding them to their columns): by order
            return [Cell(*_trim(text, s, e), i) for i, (s, e) in enumerate(wide)]
        cells = []
        for s, e, w in words:
            column = _column_at(header.starts, w, t.column_slack)
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


def _group_row(text: str, start: int, end: int, t: LedgerTables) -> bool:
    """A line between a pipe or tab table's rows that holds no cell mark and opens with an
    ordinal, short as a heading is (一、续建项目（7个）): passed over, the table goes on."""
    return (end - start <= 2 * t.longest_header_cell and "\t" not in text[start:end]
            and not any(b in text[start:end] for b in CELL_MARKS)
            and not _SENTENCE_END.search(text, start, end) and t.group_row.match(text, start, end) is not None)


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
    """The tables of `text`, in reading order (see the module doc). The pipeline finds them
    once per document, in the roles stage, and hands them on in `Found.tables`."""
    tables: tuple[Table, ...] = ()
    if "|" in text or "\t" in text or "  " in text or "\u3000" in text:
        tables = _find_tables(text, rules)
    cell_lines = _cell_line_tables(text, rules.ledger.tables)
    if cell_lines:
        tables = tuple(sorted(tables + cell_lines, key=lambda table: table.start))
    return tables


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of `text`, without its line break."""
    out = []
    n = len(text)
    start = 0
    while start <= n:
        end = text.find("\n", start)
        end = n if end < 0 else end
        out.append((start, end - 1 if end > start and text[end - 1] == "\r" else end))
        if end == n:
            break
        start = end + 1
    return out


def _number(cell: str) -> int:
    return int(unicodedata.normalize("NFKC", cell))


def _cell(text: str, line: tuple[int, int]) -> bool:
    """The line holds something, an ideographic space at least (an empty cell); a blank line
    after a table's last row ends it."""
    return bool(text[line[0]:line[1]].strip(" \t"))


def _next_row(text: str, line: tuple[int, int], number: int, t: LedgerTables) -> bool:
    """The line is the number of the row after row `number`, alone."""
    if not t.row_number.match(text, *line):
        return False
    s, e = _trim(text, *line)
    return _number(text[s:e]) == number + 1


def _row_end(text: str, lines: list[tuple[int, int]], i: int, width: int, number: int, t: LedgerTables) -> int:
    """The index of the line after row `number`'s, which opens at line `i`: up to the next row's
    number, a group row or a sum; past the header's `width`, a wrapped cell goes on until a
    blank line, a paragraph or another table's header, and never past twice the width."""
    j = i + 1
    while j < len(lines) and j - i < 2 * width and not (j - i >= width and not _cell(text, lines[j])):
        js, je = _trim(text, *lines[j])
        if _next_row(text, lines[j], number, t) or t.group_row.match(text, js, je) \
                or t.total_row.match(text, js, je):
            break
        if j - i >= width and (je - js > 2 * t.longest_header_cell or _SENTENCE_END.search(text, js, je)
                               or t.number_column.search(text[js:je])):
            break   # a paragraph or another table's header after the last row
        j += 1
    return j


@lru_cache(maxsize=8)
def _header_word_line(number_column: str) -> regex.Pattern[str]:
    """A line holding only a number column's word (rules/ledger.yaml number_column, written
    anchored as a whole cell): where a one-cell-a-line table's header may open."""
    word = number_column.removeprefix("^").removesuffix("$")
    return regex.compile(rf"(?m)^[ \t\u3000]*(?:{word})[ \t\u3000]*\r?$")


def _cell_line_tables(text: str, t: LedgerTables) -> tuple[Table, ...]:
    """The tables written one cell a line (the module doc's fourth shape). Only a line that
    is a number column's header cell alone (序号) can open one; the text's lines are listed
    once, when the first such line is found. A header is at most `_MOST_COLUMNS` lines and at
    most `_MOST_GROUP_ROWS` group rows stand between two rows, so every line is read a bounded
    number of times whatever the text holds."""
    tables: list[Table] = []
    patterns = _patterns(t)
    lines: list[tuple[int, int]] = []
    line_starts: list[int] = []
    at = 0
    header_word = _header_word_line(t.number_column.pattern)
    while (m := header_word.search(text, at)) is not None:
        if not lines:
            lines = _lines(text)
            line_starts = [ls for ls, _ in lines]
        k = bisect_right(line_starts, m.start()) - 1      # the header word's line
        start = lines[k][0]
        at = lines[k][1] + 1
        kinds: list[str | None] = []
        h = k
        while h < len(lines) and len(kinds) < _MOST_COLUMNS:
            ls, le = lines[h]
            cs, ce = _trim(text, ls, le)
            if t.row_number.match(text, ls, le) or t.group_row.match(text, cs, ce) or not ce > cs \
                    or ce - cs > t.longest_header_cell or _SENTENCE_END.search(text, cs, ce) \
                    or (kinds and t.number_column.search(text[cs:ce])):
                break           # (a second number column: another header)
            kinds.append(_kind(text[cs:ce], patterns))
            h += 1
        width = len(kinds)
        first_row = h
        while first_row < min(len(lines), h + _MOST_GROUP_ROWS) \
                and t.group_row.match(text, *_trim(text, *lines[first_row])):
            first_row += 1      # 一、续建项目（7个） over the first row
        if width < 4 or first_row >= len(lines) or not t.row_number.match(text, *lines[first_row]) \
                or not any(kind in COLUMN_ROLES for kind in kinds) or "name" not in kinds:
            continue
        rows: list[Row] = []
        i = first_row
        last = lines[h - 1][1]
        number = 0
        groups = 0      # group rows since the last row
        while i < len(lines):
            ls, le = lines[i]
            cs, ce = _trim(text, ls, le)
            total = t.total_row.match(text, cs, ce) is not None
            if total or _next_row(text, lines[i], number, t):
                number = number if total else number + 1
                j = _row_end(text, lines, i, width, number, t)
                cells = [Cell(*_trim(text, *lines[i + c]), min(c, width - 1)) for c in range(j - i)]
                rows.append(Row(ls, lines[j - 1][1], [c for c in cells if c.end > c.start], total))
                last = rows[-1].end
                i, groups = j, 0
            elif groups < _MOST_GROUP_ROWS and cs < ce and ce - cs <= 2 * t.longest_header_cell \
                    and not _SENTENCE_END.search(text, cs, ce):
                i, groups = i + 1, groups + 1      # a group row (一、续建项目（7个）)
            else:
                break           # a blank line or a paragraph after the table
        if rows:
            tables.append(Table(start, last, tuple(kinds), tuple(rows), cell_lines=True))
            at = max(at, last + 1)
    return tuple(tables)


def _find_tables(text: str, rules: RuleSet) -> tuple[Table, ...]:
    """The tables, each header tried line by line; only a line holding |, a tab, two spaces
    or an ideographic space can be a header (each shape `_header` reads needs one), so the
    lines tried are those the next such mark stands in, found by `str.find` (one scan of
    the text per mark), and the lines between are passed over untested."""
    t = rules.ledger.tables
    n = len(text)
    # each mark's next place at or after `at` (-1: none is left; -2: not looked for yet)
    marks = dict.fromkeys(_HEADER_MARKS, -2)
    tables = []
    at = 0                                       # a line's start: where to look on from
    while True:
        pos = n
        for mark, p in marks.items():
            if p != -1 and p < at:
                p = marks[mark] = text.find(mark, at)
            if p != -1 and p < pos:
                pos = p
        if pos == n:
            break
        start = text.rfind("\n", at, pos) + 1 or at
        end = text.find("\n", pos)
        end = n if end < 0 else end
        header = _header(text, start, end, t)
        if header is None:
            if end == n:
                break
            at = end + 1
            continue
        rows: list[Row] = []
        last = end                               # the end of the table's last line
        while last < n:                          # a line follows (after the newline at `last`)
            ls = last + 1
            le = text.find("\n", ls)
            le = n if le < 0 else le
            cells = _row_cells(text, ls, le, header, t)
            if cells is None:
                break
            last = le
            if not cells:
                continue
            total = _is_total(text, cells, header, t)
            if rows and not total and not rows[-1].total and _continues(cells, header):
                rows[-1].cells.extend(cells)
                rows[-1].end = le
            else:
                rows.append(Row(ls, le, list(cells), total))
        if rows:
            tables.append(Table(start, last, header.kinds, tuple(rows)))
        if last == n:
            break
        at = last + 1                            # the line that ended the table may head one
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
        i = _cell_of(cells, starts, q.start, q.end) if q.kind is Kind.MONEY else None
        if i is not None:
            q = replace(q, role=cells[i][2], role_cue=TABLE_COLUMN_CUE)
        out.append(q)
    return out


def _row_keys(table: Table, row: Row, mentions: list[ProjectMention], starts: list[int]) -> list[str]:
    """The keys of the projects named in the row's name cells (two when it names two: 甲、乙)."""
    name = table.column("name")
    if name is None or row.total:
        return []
    keys: list[str] = []
    for cell in row.cells_of(name):
        i = bisect_right(starts, cell.start - 1)
        while i < len(mentions) and mentions[i].start < cell.end:
            m = mentions[i]
            if m.key and m.end <= cell.end and m.key not in keys:
                keys.append(m.key)
            i += 1
    return keys


def link_rows(text: str, found: Found, rules: RuleSet, model: StatusModel) -> Found:
    """Each row's facts to the row's project: a status cue in its status column's cells (those
    of the lines it wraps onto too, which the sentence-bound linker leaves alone or hands to
    the row below) and an amount in its money columns' cells; an amount in a 合计 row is no
    project's. The same `found` when the text has no table or its rows name no project."""
    tables = found.tables if found.tables is not None else find_tables(text, rules)
    if not tables:
        return found
    mentions = sorted(found.mentions, key=lambda m: m.start)
    starts = [m.start for m in mentions]
    t = rules.ledger.tables
    status_cells: list[tuple[int, int, tuple[str, ...], int, bool]] = []
    money_cells: list[tuple[int, int, str | None]] = []
    for table in tables:
        status = table.column("status")
        for row in table.rows:
            keys = _row_keys(table, row, mentions, starts)
            if status is not None and keys:
                first_line = -1 if table.cell_lines else text.find("\n", row.start, row.end)
                line_end = row.end if first_line < 0 else first_line    # the row's own line(s)
                status_cells += [(c.start, c.end, tuple(keys), line_end, whole)
                                 for c, whole in _clause_pieces(text, row.cells_of(status), t)]
            if row.total or len(keys) == 1:
                owner = None if row.total else keys[0]
                money_cells += [(c.start, c.end, owner) for c in row.cells
                                if table.kinds[c.column] in COLUMN_ROLES]
    if not status_cells and not money_cells:
        return found
    statuses = _relink_cues(found, sorted(status_cells), model)
    quantities = _relink_money(found.quantities, sorted(money_cells, key=lambda c: c[0]))
    return replace(found, statuses=statuses, quantities=quantities)


def _cell_of(cells: Sequence[tuple[Any, ...]], starts: list[int], start: int, end: int) -> int | None:
    i = bisect_right(starts, start) - 1
    return i if i >= 0 and end <= cells[i][1] else None


def _clause_pieces(text: str, pieces: list[Cell], t: LedgerTables) -> list[tuple[Cell, bool]]:
    """A cell's pieces (one a line), each with whether its clauses start in it: the first, and
    one after a piece that ends its clause (…进场施工， | 进度滞后). A line cut inside a clause
    (厂房主体 | 完工; 计划 | 8月进场) leaves the tail's words to the clause's head, which a cue
    found in the tail alone misreads (完工 of 主体完工; 进场 of a plan)."""
    return [(c, i == 0 or t.cell_clause_end.search(text, pieces[i - 1].start, pieces[i - 1].end) is not None)
            for i, c in enumerate(pieces)]


def _relink_cues(found: Found, cells: list[tuple[int, int, tuple[str, ...], int, bool]],
                 model: StatusModel) -> list[StatusMention]:
    """The linked cues with those in a row's status cells given to the row's projects only: a
    cue the linker gave another project leaves it, one it left alone joins, scored as a cue
    linked after its project in its sentence (link=after) on the row's own line and as one
    in a later sentence (link=lookahead) on a line the cell wraps onto."""
    starts = [c[0] for c in cells]
    out: list[StatusMention] = []
    placed: set[tuple[int, int, str | None]] = set()
    for s in found.statuses:
        i = _cell_of(cells, starts, s.start, s.end)
        if i is None or s.project_key in cells[i][2]:
            out.append(s)
            placed.add((s.start, s.end, s.project_key))
    added: list[tuple[StatusMention, int]] = []
    for cue in found.cues:
        i = _cell_of(cells, starts, cue.start, cue.end)
        if i is None:
            continue
        if not cells[i][4]:
            continue                # the tail of a clause cut by the line's end
        for key in cells[i][2]:
            if (cue.start, cue.end, key) not in placed:
                placed.add((cue.start, cue.end, key))
                added.append((replace(cue, project_key=key), cells[i][3]))
    if added:
        per_key: dict[str | None, list[StatusMention]] = {}
        for s in out + [row for row, _ in added]:
            per_key.setdefault(s.project_key, []).append(s)
        for row, line_end in added:
            rows = per_key[row.project_key]
            states = len({r.status for r in rows if not r.weak and not r.future})
            kind = "after" if row.start < line_end else "lookahead"
            features = link_features(kind, row, distance=0, group_size=1, rows=len(rows), statuses=states)
            out.append(replace(row, confidence=model.score(features), features=features))
    out.sort(key=lambda s: s.start)
    return out


def _relink_money(quantities: list[Quantity], cells: list[tuple[int, int, str | None]]) -> list[Quantity]:
    if not cells:
        return quantities
    starts = [c[0] for c in cells]
    out = []
    for q in quantities:
        i = _cell_of(cells, starts, q.start, q.end) if q.kind is Kind.MONEY else None
        if i is not None and q.project_key != cells[i][2]:
            q = replace(q, project_key=cells[i][2])
        out.append(q)
    return out


def make_table_rows(rules: RuleSet) -> Stage:
    """The stage after `link`: each table row's facts to the row's project (`link_rows`)."""
    model = load_status_model()

    def table_rows(layout: Layout, found: Found) -> Found:
        return link_rows(layout.text, found, rules, model)
    return table_rows
