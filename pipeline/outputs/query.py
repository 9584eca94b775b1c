"""SQL over the tables (`keyproj query`), and the one place that finds a table on disk.

A table is stored either as `DIR/<name>.parquet` (what `keyproj run` writes) or as a
directory `DIR/<name>/` of part files `*.parquet` (what distributed runs write).
`table_files` resolves both; `load_table` (pyarrow) and `connect` (DuckDB views) build on it,
so export and report read exactly what query sees.

duckdb and pyarrow are imported inside the functions: the CLI imports this module lazily,
and `keyproj --help` must not pay for them.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

from pipeline.schema import DERIVED
from pipeline.schema import TABLE_NAMES as _ALL_TABLES

# one project across reports (`pipeline.batch.ledger`), rewritten after every run: views
# when a run wrote them. `checks` also holds within-report kinds, but a run rewrites it
# whole with the cross-report ones, so it is read like the derived tables.
LEDGER_TABLES = (*DERIVED, "checks")
# the tables every run writes, one part per document batch
TABLE_NAMES = tuple(name for name in _ALL_TABLES if name not in LEDGER_TABLES)


class TablesNotFound(FileNotFoundError):
    """DIR holds none of the tables."""


class QueryError(ValueError):
    """The SQL did not parse, bind or run; the message is DuckDB's."""


class StatementRefused(QueryError):
    """The SQL would write, or read something other than the tables, and was not allowed to."""


def table_files(directory: Path, name: str) -> list[Path]:
    """The Parquet files holding table `name` under `directory`, [] when it is absent.

    When `directory` has a manifest (`pipeline.batch.manifest`, written by every run since), the
    files it names: always the tables of one complete run. A manifest whose files are gone
    (a run replaced them just now) is read once more. Without a manifest (an OUT written
    before manifests), the plain names: a single file wins over a part-file directory of the
    same name (a stale directory beside it would otherwise double every row).
    """
    from pipeline.batch import manifest

    for _ in range(2):
        try:
            named = manifest.read(directory)
        except manifest.ManifestError:
            break       # unreadable: the plain names, which every run also writes
        if named is None:
            break
        files = manifest.table_files(directory, name, named)
        if files is not None:
            return files
    single = directory / f"{name}.parquet"
    if single.is_file():
        return [single]
    parts = directory / name
    if parts.is_dir():
        # part files only: hidden files are in-flight temporaries of an atomic writer
        return sorted(p for p in parts.rglob("*.parquet") if p.is_file() and not p.name.startswith("."))
    return []


def available_tables(directory: Path) -> dict[str, list[Path]]:
    """{table name: its files} for the tables present under `directory`, in TABLE_NAMES order."""
    found = {name: table_files(directory, name) for name in TABLE_NAMES}
    return {name: files for name, files in found.items() if files}


def require_tables(directory: Path) -> dict[str, list[Path]]:
    """Like available_tables, but an empty result is an error that says what was expected,
    and so is a table file that is not readable Parquet (truncated, overwritten)."""
    found = available_tables(directory)
    if not found:
        raise TablesNotFound(_no_tables_message(directory))
    for files in found.values():
        for path in files:
            _check_readable(path)
    return found


def _no_tables_message(directory: Path) -> str:
    """What to do about a folder without tables: a run stopped before its first tables
    (Ctrl-C, SIGKILL) left its finished documents in the work folder, and running it again
    resumes from them; any other folder needs a run."""
    from pipeline.batch.store import WORK_DIR

    if (directory / WORK_DIR).is_dir():
        return (f"no tables in {directory} yet: a run on it was stopped before it wrote them (its finished "
                f"documents are kept in {directory / WORK_DIR}); run `keyproj run INPUT --out {directory}` "
                "again to resume")
    return (f"no tables in {directory}: expected <table>.parquet or <table>/*.parquet for "
            f"{', '.join(TABLE_NAMES)} (write them with `keyproj run INPUT --out {directory}`)")


class TableUnreadable(TablesNotFound):
    """A table file is there but is not readable Parquet."""


def _check_readable(path: Path) -> None:
    """Read the file's Parquet footer (a few KB): a truncated file has none."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pq.read_metadata(path)
    except (OSError, pa.ArrowException) as exc:
        raise _unreadable(path, exc) from None


def _unreadable(path: Path, exc: Exception) -> TableUnreadable:
    why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return TableUnreadable(f"table file is not readable Parquet (truncated or damaged: {why}) ({path})")


def load_table(directory: Path, name: str) -> pa.Table | None:
    """Table `name` as one Arrow table (part files concatenated), None when absent.

    Part files written by different versions may differ in columns: missing ones become nulls.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = table_files(directory, name)
    if not files:
        return None
    parts = []
    for f in files:
        try:
            parts.append(pq.read_table(f))
        except (OSError, pa.ArrowException) as exc:
            raise _unreadable(f, exc) from None
    if len(parts) == 1:
        return parts[0]
    return pa.concat_tables(parts, promote_options="permissive")


def connect(directory: Path, *, read_only: bool = True, cut_large: bool = True) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per table present under `directory`, and
    the views `facts` and `sentences`. `cut_large=False` spares a caller that will not read the
    facts the cutting of large documents' sentences (`create_fact_views`): the views are then
    plain SQL, right but slow on a large document.

    `read_only` (the default) confines the connection to the tables' own files: any other
    file, extension or URL is out of reach, and the configuration is locked so that no
    statement can undo that (DuckDB's own settings, not a parse of the SQL). The table
    files themselves stay writable by `COPY … TO`; `run_query` refuses such statements.
    """
    import duckdb

    con = duckdb.connect(":memory:")
    allowed = []
    ledger = {name: files for name in LEDGER_TABLES if (files := table_files(directory, name))}
    for name, files in {**require_tables(directory), **ledger}.items():
        # absolute: the views and allowed_paths must name a file the same way
        names = [os.path.abspath(f) for f in files]
        paths = ", ".join(_sql_string(f) for f in names)
        # union_by_name: part files from different pipeline versions may differ in columns
        con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet([{paths}], union_by_name = true)')
        allowed += names
    create_fact_views(con, cut_large=cut_large)
    if read_only:
        con.execute("SET allowed_paths = $paths", {"paths": allowed})
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    return con


# Columns of `documents` that place a fact: the context every facts row and sheet carries.
CONTEXT_COLUMNS = ("path", "title", "province", "city", "county", "year", "period")
VIEW_NAMES = ("facts", "sentences")


def _columns(con: duckdb.DuckDBPyConnection, view: str) -> set[str]:
    try:
        return {row[0] for row in con.execute(f'DESCRIBE "{view}"').fetchall()}
    except Exception:           # noqa: BLE001 - the table is absent: no columns
        return set()


def facts_sql(con: duckdb.DuckDBPyConnection, *, cut_sentences: bool = False) -> str | None:
    """SELECT of one row per fact (each quantity and status cue) with its document's context,
    its project's name and its sentence's text; None when the tables predate sentence spans.
    `scope` is carried when the quantities have it (and null for status cues).

    The sentence is DuckDB's substr of the document's text, except, when `cut_sentences`, for
    the sentences of the table CUT_SENTENCES (large documents', cut in Python)."""
    quantities, statuses = _columns(con, "quantities"), _columns(con, "statuses")
    need = {"sentence_start", "sentence_end"}
    documents = _columns(con, "documents")
    if not (need <= quantities and need <= statuses and {"text", *CONTEXT_COLUMNS} <= documents
            and _columns(con, "projects")):
        return None
    context = ", ".join(f"d.{c}" for c in CONTEXT_COLUMNS)
    scope = "q.scope" if "scope" in quantities else None

    def sentence(alias: str) -> str:
        substr = (f"substr(d.text, {alias}.sentence_start + 1, "
                  f"{alias}.sentence_end - {alias}.sentence_start)")
        # CASE evaluates substr only on the rows without a cut sentence (the small documents')
        return f"CASE WHEN c.sentence IS NULL THEN {substr} ELSE c.sentence END" if cut_sentences else substr

    def cut_join(alias: str) -> str:
        if not cut_sentences:
            return ""
        return (f"\n        LEFT JOIN {CUT_SENTENCES} c ON c.doc_id = {alias}.doc_id"
                f" AND c.sentence_start = {alias}.sentence_start AND c.sentence_end = {alias}.sentence_end")

    def select(alias: str, fact: str, kind: str, role: str, status: str, values: str) -> str:
        return f"""
        SELECT {alias}.doc_id, {context}, '{fact}' AS fact, {alias}.project_id, p.name AS project,
               {kind} AS kind, {role} AS role, {f"{scope if alias == 'q' else 'NULL'} AS scope, " if scope else ""}
               {status} AS status, {values}, {alias}.text, {alias}.start, {alias}."end",
               {alias}.sentence_start, {alias}.sentence_end,
               {sentence(alias)} AS sentence
        FROM {"quantities" if alias == "q" else "statuses"} {alias}
        JOIN documents d USING (doc_id)
        LEFT JOIN projects p ON p.doc_id = {alias}.doc_id AND p.project_id = {alias}.project_id{cut_join(alias)}"""

    return (select("q", "quantity", "q.kind", "q.role", "NULL", "q.quantity_id, q.value, q.value_high, q.unit")
            + "\nUNION ALL\n"
            + select("s", "status", "'status'", "NULL", "s.status",
                     "NULL AS quantity_id, NULL AS value, NULL AS value_high, NULL AS unit")
            + "\nORDER BY path, doc_id, start, fact")


SENTENCES_SQL = """
SELECT doc_id, path, sentence_start, sentence_end, any_value(sentence) AS sentence,
       count(*) FILTER (WHERE fact = 'quantity') AS quantities,
       count(*) FILTER (WHERE fact = 'status') AS statuses
FROM facts GROUP BY doc_id, path, sentence_start, sentence_end
ORDER BY path, doc_id, sentence_start"""


# DuckDB's substr walks a UTF-8 string from its start on every call: cutting every fact's
# sentence out of one document costs its length times its facts, quadratic in a large document
# (a 12 MB text with 1,560 facts: 15 CPU-s; 30 MB: minutes). The sentences of documents longer
# than this many characters are cut in Python instead (str indexing is constant time), one
# document's text at a time, into the small table CUT_SENTENCES that the facts view joins.
# Normal reports (10-60 thousand characters) stay below it and keep the plain SQL path.
LARGE_DOCUMENT_CHARS = 100_000
CUT_SENTENCES = "large_document_sentences"


def large_documents(con: duckdb.DuckDBPyConnection) -> list[str]:
    """doc_id of every document longer than LARGE_DOCUMENT_CHARS that holds a fact."""
    length = "d.chars" if "chars" in _columns(con, "documents") else "length(d.text)"
    rows = con.execute(f"""
        SELECT d.doc_id FROM documents d
        WHERE coalesce({length}, 0) > {LARGE_DOCUMENT_CHARS}
          AND (d.doc_id IN (SELECT doc_id FROM quantities) OR d.doc_id IN (SELECT doc_id FROM statuses))
        ORDER BY d.doc_id""").fetchall()
    return [row[0] for row in rows]


def cut_large_sentences(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> pa.Table:
    """(doc_id, sentence_start, sentence_end, sentence) of every fact's sentence in `doc_ids`,
    cut in Python: linear in the text. The texts are streamed one document at a time, so only
    one large text is held at once."""
    import pyarrow as pa

    wanted = "[" + ", ".join(_sql_string(d) for d in doc_ids) + "]"
    spans: dict[str, list[tuple[int, int]]] = {}
    for doc_id, start, end in con.execute(f"""
            SELECT DISTINCT doc_id, sentence_start, sentence_end FROM (
                SELECT doc_id, sentence_start, sentence_end FROM quantities
                UNION ALL SELECT doc_id, sentence_start, sentence_end FROM statuses)
            WHERE list_contains({wanted}, doc_id) AND sentence_start IS NOT NULL AND sentence_end IS NOT NULL
            ORDER BY doc_id, sentence_start, sentence_end""").fetchall():
        spans.setdefault(doc_id, []).append((start, end))
    columns: dict[str, list[Any]] = {"doc_id": [], "sentence_start": [], "sentence_end": [], "sentence": []}
    # a streamed result: fetchone holds one row (one text) in Python at a time
    result = con.execute(f"SELECT doc_id, text FROM documents WHERE list_contains({wanted}, doc_id)")
    while (row := result.fetchone()) is not None:
        doc_id, text = row
        for start, end in spans.get(doc_id, ()):
            columns["doc_id"].append(doc_id)
            columns["sentence_start"].append(start)
            columns["sentence_end"].append(end)
            columns["sentence"].append(_substr(text, start, end))
    return pa.table({"doc_id": pa.array(columns["doc_id"], pa.string()),
                     "sentence_start": pa.array(columns["sentence_start"], pa.int64()),
                     "sentence_end": pa.array(columns["sentence_end"], pa.int64()),
                     "sentence": pa.array(columns["sentence"], pa.string())})


def _substr(text: str | None, start: int, end: int) -> str | None:
    """What DuckDB's substr(text, start + 1, end - start) gives, for the spans a run writes
    (0 <= start <= end): the characters text[start:end]; null for a null text."""
    if text is None:
        return None
    return text[max(start, 0):max(end, start, 0)]


def create_fact_views(con: duckdb.DuckDBPyConnection, *, cut_large: bool = True) -> None:
    """The views `facts` (one row per quantity and status cue, with its document's path, title,
    place and year, its project's name and its sentence) and `sentences` (one row per sentence
    that holds a fact: its text and how many quantities and status cues it holds, to join
    back on doc_id and sentence_start). Left out for tables without sentence spans.

    Large documents' sentences are cut in Python first (LARGE_DOCUMENT_CHARS) when `cut_large`;
    without any, the views are plain SQL."""
    sql = facts_sql(con)
    if sql is None:
        return
    large = large_documents(con) if cut_large else []
    if large:
        cut = cut_large_sentences(con, large)
        con.register("cut_sentences_arrow", cut)
        con.execute(f"CREATE TEMP TABLE {CUT_SENTENCES} AS SELECT * FROM cut_sentences_arrow")
        con.unregister("cut_sentences_arrow")
        sql = facts_sql(con, cut_sentences=True)
        assert sql is not None
    con.execute(f"CREATE VIEW facts AS {sql}")
    con.execute(f"CREATE VIEW sentences AS {SENTENCES_SQL}")


def _sql_string(value: str) -> str:
    """A SQL string literal (single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


# Statement types a read-only query may run. SELECT covers SHOW, DESCRIBE, SUMMARIZE,
# VALUES and FROM-first queries; EXPLAIN is not here because EXPLAIN ANALYZE runs its
# statement (a COPY … TO included).
READ_ONLY_STATEMENTS = frozenset({"SELECT"})


def refuse_writes(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Raise StatementRefused unless every statement of `sql` only reads. The statements'
    types come from DuckDB's own parser."""
    import duckdb

    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(str(exc)) from None
    for statement in statements:
        kind = statement.type.name
        if kind not in READ_ONLY_STATEMENTS:
            raise StatementRefused(
                f"{kind} statements are not run: query only reads the tables "
                "(--allow-write runs any statement, with access to every file)")


_FACT_VIEW_NAME = re.compile(r"facts|sentences", re.IGNORECASE)


def names_fact_views(sql: str) -> bool:
    """Whether `sql` may read the views `facts` or `sentences`: their names anywhere in it (in a
    string or a comment too: a needless view costs time, never a wrong answer).

    >>> names_fact_views("SELECT * FROM Facts"), names_fact_views("SELECT count(*) FROM projects")
    (True, False)
    """
    return _FACT_VIEW_NAME.search(sql) is not None


def run_query(directory: Path, sql: str, limit: int | None = None, *,
              allow_write: bool = False) -> tuple[list[str], list[tuple[Any, ...]], bool]:
    """Run `sql` over the tables: (column names, rows, whether rows were cut at `limit`).

    Only SELECT statements over the tables run, unless `allow_write`: then any statement,
    with access to any file (COPY … TO, ATTACH, INSTALL …).
    """
    import duckdb

    con = connect(directory, read_only=not allow_write, cut_large=names_fact_views(sql))
    try:
        if not allow_write:
            refuse_writes(con, sql)
        try:
            result = con.execute(sql)
        except duckdb.Error as exc:
            raise QueryError(str(exc)) from None
        if result.description is None:       # a statement without a result (e.g. SET)
            return [], [], False
        columns = [d[0] for d in result.description]
        if limit is None:
            return columns, result.fetchall(), False
        rows = result.fetchmany(limit + 1)
        return columns, rows[:limit], len(rows) > limit
    finally:
        con.close()


# --- output formats --------------------------------------------------------------------

def display_width(text: str) -> int:
    """Terminal columns `text` takes: CJK and full-width characters take two.

    >>> display_width("abc"), display_width("项目"), display_width("Ａ1")
    (3, 4, 3)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
               for ch in text)


# Escape sequences a terminal acts on: CSI (colours, cursor moves, erase), OSC (window
# title, hyperlinks, clipboard) ended by BEL or ST, and the two-character ESC forms.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)"
    r"|\x1b[ -/]*[0-~]?",
    re.DOTALL)
# Control characters other than line breaks and tabs (which `clip` shows as ⏎ and space).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` without terminal escape sequences or other control characters, so that a cell
    printed to a terminal cannot move the cursor, recolour, retitle or clear it.

    >>> printable("ok\x1b[2J\x1b]0;owned\x07 项目\x08")
    'ok 项目'
    """
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def clip(text: str, width: int) -> str:
    """`text` cut to at most `width` terminal columns, with … when cut; newlines shown as ⏎.

    >>> clip("重点项目建设", 7)
    '重点项…'
    >>> clip("ab", 5)
    'ab'
    """
    text = text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎").replace("\t", " ")
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def format_cell(value: Any) -> str:
    """How a value reads in the aligned table: null as empty, floats without a useless .0.

    >>> format_cell(None), format_cell(8650000000.0), format_cell(88.6), format_cell(float("nan"))
    ('', '8650000000', '88.6', 'NaN')
    """
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], max_width: int = 40) -> str:
    """An aligned plain-text table for a terminal; numbers right-aligned, cells clipped to
    `max_width` columns, control characters and escape sequences removed (`printable`).

    >>> print(format_table(["name", "n"], [("项目", 3), ("b", None)]))
    name  n
    ----  -
    项目  3
    b
    """
    cells = [[clip(printable(format_cell(v)), max_width) for v in row] for row in rows]
    header = [clip(printable(c), max_width) for c in columns]
    widths = [max([display_width(header[i])] + [display_width(r[i]) for r in cells]) for i in range(len(columns))]
    numeric = [bool(rows) and all(_is_number(r[i]) or r[i] is None for r in rows) for i in range(len(columns))]

    def line(values: Sequence[str], align_numbers: bool) -> str:
        parts = []
        for i, v in enumerate(values):
            pad = " " * (widths[i] - display_width(v))
            parts.append(pad + v if align_numbers and numeric[i] else v + pad)
        return "  ".join(parts).rstrip()

    lines = [line(header, False), line(["-" * w for w in widths], False)]
    lines += [line(r, True) for r in cells]
    return "\n".join(lines)


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None       # JSON has no NaN/Infinity
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return str(value)     # Decimal, dates, UUIDs …: their text


def format_json(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A JSON array of objects, Chinese kept as is.

    >>> format_json(["a", "b"], [(1, "项目")])
    '[\\n  {"a": 1, "b": "项目"}\\n]'
    """
    records = [json.dumps(dict(zip(columns, (_json_value(v) for v in row))), ensure_ascii=False)
               for row in rows]
    if not records:
        return "[]"
    return "[\n  " + ",\n  ".join(records) + "\n]"


def format_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """CSV with a header row; nulls empty, floats in their shortest exact form.

    >>> format_csv(["a", "b"], [(1.0, None), (2.5, "x,y")])
    'a,b\\r\\n1.0,\\r\\n2.5,"x,y"\\r\\n'
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return buffer.getvalue()


FORMATS = ("table", "csv", "json")


def format_result(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, max_width: int = 40) -> str:
    """The result in one of FORMATS."""
    if fmt == "csv":
        return format_csv(columns, rows)
    if fmt == "json":
        return format_json(columns, rows)
    if fmt == "table":
        return format_table(columns, rows, max_width)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
