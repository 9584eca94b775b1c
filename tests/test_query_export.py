"""`keyproj query` and `keyproj export` against the tables of the sample reports.

The pipeline runs once on data/raw; every answer is compared with the same computation
in pandas on the Parquet files, and every exported value with the Parquet value.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from pipeline import schema
from pipeline.batch.tables import SCHEMAS
from pipeline.cli import app
from pipeline.outputs.export import EXCEL_MAX_CELL_CHARS, MONEY_FORMAT, export, load_labels
from pipeline.outputs.query import LEDGER_TABLES, TABLE_NAMES, load_table, run_query

# the columns README "Tables" documents: each must have a Chinese label
DOCUMENTED_COLUMNS = {
    "documents": ["doc_id", "path", "format", "encoding", "chars", "title", "year", "status", "error",
                  "text", "pipeline_version", "rules_hash"],
    "sections": ["doc_id", "section_id", "parent_id", "level", "marker", "title", "start", "end", "rule_id"],
    "quantities": ["doc_id", "quantity_id", "section_id", "project_id", "kind", "value", "value_high", "unit",
                   "unit_raw", "qualifier", "role", "role_cue", "text", "start", "end", "rule_id"],
    "projects": ["doc_id", "project_id", "name", "alt_name", "text", "start", "end", "section_id", "category",
                 "status", "status_text", "total_investment", "planned_investment", "completed_investment",
                 "length_m", "area_m2", "mentions"],
    "statuses": ["doc_id", "project_id", "status", "text", "start", "end", "rule_id"],
}


@pytest.fixture(scope="session")
def tables_dir(raw_tables: Path) -> Path:
    return raw_tables


@pytest.fixture(scope="session")
def frames(tables_dir: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(tables_dir / f"{name}.parquet") for name in TABLE_NAMES}


@pytest.fixture(scope="session")
def parts_dir(tmp_path_factory: pytest.TempPathFactory, tables_dir: Path) -> Path:
    """The same tables in the distributed layout: DIR/<name>/part-N.parquet, three parts each."""
    out = tmp_path_factory.mktemp("parts")
    for name in TABLE_NAMES:
        table = pq.read_table(tables_dir / f"{name}.parquet")
        (out / name).mkdir()
        step = max(1, math.ceil(table.num_rows / 3))
        for i, offset in enumerate(range(0, max(table.num_rows, 1), step)):
            pq.write_table(table.slice(offset, step), out / name / f"part-{i}.parquet")
        # an in-flight temporary of an atomic writer must not be read
        (out / name / ".part-9.parquet").write_bytes(b"not parquet")
    return out


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


# --- query -------------------------------------------------------------------------------

def test_query_aggregate_equals_pandas(tables_dir: Path, frames: dict[str, pd.DataFrame]) -> None:
    columns, rows, cut = run_query(tables_dir, """
        SELECT status, count(*) AS n, sum(total_investment) AS total
        FROM projects GROUP BY status ORDER BY status""")
    assert columns == ["status", "n", "total"] and not cut
    p = frames["projects"]
    expected = p.groupby("status").agg(n=("project_id", "size"), total=("total_investment", "sum"))
    assert [r[0] for r in rows] == list(expected.index)
    assert [r[1] for r in rows] == list(expected["n"])
    for (_, _, total), want in zip(rows, expected["total"]):
        assert (total or 0.0) == pytest.approx(want)
    assert sum(r[1] for r in rows) == len(p) > 0


def test_query_join_equals_pandas(tables_dir: Path, frames: dict[str, pd.DataFrame]) -> None:
    _, rows, _ = run_query(tables_dir, """
        SELECT d.path, count(*) AS money FROM quantities q JOIN documents d USING (doc_id)
        WHERE q.kind = 'money' GROUP BY d.path ORDER BY d.path""")
    q, d = frames["quantities"], frames["documents"]
    expected = q[q.kind == "money"].merge(d[["doc_id", "path"]], on="doc_id").groupby("path").size()
    assert dict(rows) == expected.to_dict()
    assert len(rows) == 4


def test_query_part_file_layout_gives_the_same_answers(tables_dir: Path, parts_dir: Path) -> None:
    for name in TABLE_NAMES:
        sql = f"SELECT * FROM {name} ORDER BY ALL"
        assert run_query(parts_dir, sql)[1] == run_query(tables_dir, sql)[1], name
        assert load_table(parts_dir, name).num_rows == pq.read_table(tables_dir / f"{name}.parquet").num_rows


def test_query_cli_json_and_csv(tables_dir: Path, frames: dict[str, pd.DataFrame]) -> None:
    sql = "SELECT name, total_investment, status_text FROM projects ORDER BY doc_id, project_id"
    expected = frames["projects"].sort_values(["doc_id", "project_id"])
    result = invoke("query", str(tables_dir), sql, "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["name"] for r in records] == list(expected["name"])
    assert [r["total_investment"] for r in records] == [None if pd.isna(v) else v for v in expected["total_investment"]]

    result = invoke("query", str(tables_dir), sql, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["name", "total_investment", "status_text"]
    assert [r[0] for r in rows[1:]] == list(expected["name"])
    assert [float(r[1]) if r[1] else None for r in rows[1:]] == [
        None if pd.isna(v) else v for v in expected["total_investment"]]


def test_query_cli_table_aligns_chinese_and_limits(tables_dir: Path) -> None:
    result = invoke("query", str(tables_dir), "SELECT name, mentions FROM projects ORDER BY name", "--limit", "3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2 + 3
    assert "first 3 rows" in result.stderr
    # the mentions column starts at the same terminal column on every line (CJK is two wide)
    from pipeline.outputs.query import display_width
    ends = {display_width(line) for line in lines}
    assert len(ends) == 1, lines


def test_query_sql_error_exits_2_with_message(tables_dir: Path) -> None:
    result = invoke("query", str(tables_dir), "SELECT no_such_column FROM projects")
    assert result.exit_code == 2
    assert "error: SQL" in result.stderr and "no_such_column" in result.stderr
    result = invoke("query", str(tables_dir), "SELEC 1")
    assert result.exit_code == 2 and "error: SQL" in result.stderr


def test_query_without_tables_exits_2(tmp_path: Path) -> None:
    result = invoke("query", str(tmp_path), "SELECT 1")
    assert result.exit_code == 2 and "no tables" in result.stderr


@pytest.mark.parametrize("command", [["query", "{dir}", "SELECT count(*) FROM projects"],
                                     ["export", "{dir}", "--to", "csv", "--out", "{dir}/csv", "-q"],
                                     ["report", "{dir}", "--html", "{dir}/r.html", "-q"],
                                     ["eval", "--gold", "{dir}/gold.jsonl", "--pred", "{dir}"]])
def test_a_truncated_table_is_one_line_and_exit_2(tables_dir: Path, tmp_path: Path, command: list[str]) -> None:
    copy = tmp_path / "tables"
    copy.mkdir()
    (copy / "gold.jsonl").write_text('{"file": "a.txt", "projects": []}\n', encoding="utf-8")
    for name in TABLE_NAMES:
        (copy / f"{name}.parquet").write_bytes((tables_dir / f"{name}.parquet").read_bytes())
    data = (copy / "projects.parquet").read_bytes()
    (copy / "projects.parquet").write_bytes(data[: len(data) // 2])        # a copy cut short
    result = invoke(*[arg.format(dir=copy) for arg in command])
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("error: table file is not readable Parquet") and line.endswith(
        f"({copy / 'projects.parquet'})")


# --- export: csv ---------------------------------------------------------------------------

def normalise(value: Any) -> Any:
    """A value as both CSV and Excel can hold it: null, NaN and "" alike; every number a float."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


CONTEXT = ["path", "title", "province", "city", "county", "year", "period"]
YUAN_PER = {"元": 1, "万元": 1e4, "亿元": 1e8}


def expected_sheet(tables_dir: Path, name: str, money_unit: str = "万元") -> pd.DataFrame:
    """What a sheet must hold, made with pandas from the Parquet files: projects with their
    documents' context after doc_id, money divided into `money_unit`."""
    frame = pd.read_parquet(tables_dir / f"{name}.parquet")
    if name == "projects":
        documents = pd.read_parquet(tables_dir / "documents.parquet", columns=["doc_id", *CONTEXT])
        frame = frame.merge(documents, on="doc_id", how="left")
        frame = frame[["doc_id", *CONTEXT, *[c for c in frame.columns if c not in CONTEXT and c != "doc_id"]]]
    for column in [c for c in frame.columns if schema.unit_of(c) == "yuan"]:
        frame[column] = frame[column] / YUAN_PER[money_unit]
    if "unit" in frame.columns:
        money = frame["unit"] == "yuan"
        for column in ("value", "value_high"):
            frame[column] = frame[column].where(~money, frame[column] / YUAN_PER[money_unit])
        frame["unit"] = frame["unit"].where(~money, money_unit)
    return frame


def parquet_columns(tables_dir: Path, name: str, money_unit: str = "万元") -> tuple[list[str], list[list[Any]]]:
    frame = expected_sheet(tables_dir, name, money_unit).astype(object)
    frame = frame.where(frame.notna(), None)
    return list(frame.columns), [[normalise(v) for v in frame[c]] for c in frame.columns]


def is_numeric(tables_dir: Path, name: str, column: str) -> bool:
    t = pq.read_schema(tables_dir / f"{name}.parquet").field(column).type
    return pa.types.is_integer(t) or pa.types.is_floating(t)


def test_csv_round_trip(tables_dir: Path, tmp_path: Path) -> None:
    summary = export(tables_dir, "csv", tmp_path / "csv")
    ledger = [n for n in LEDGER_TABLES if (tables_dir / f"{n}.parquet").is_file()]
    assert ledger == list(LEDGER_TABLES), "a run writes the timeline and checks tables"
    assert sorted(p.name for p in summary.written) == sorted(f"{n}.csv" for n in ["facts", *TABLE_NAMES, *ledger])
    for name in [*TABLE_NAMES, *ledger]:
        path = tmp_path / "csv" / f"{name}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), "Excel needs the BOM"
        frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        columns, values = parquet_columns(tables_dir, name)
        assert list(frame.columns) == columns
        for column, want in zip(columns, values):
            cells = list(frame[column])
            numeric = is_numeric(tables_dir, name if column not in CONTEXT else "documents", column)
            got = [normalise(float(c)) if c and numeric else normalise(c) for c in cells]
            assert got == [pytest.approx(w, rel=1e-15) if isinstance(w, float) else w for w in want], \
                f"{name}.{column}"
    projects = pd.read_csv(tmp_path / "csv" / "projects.csv", encoding="utf-8-sig")
    assert "凤栖大道" in set(projects["name"])
    assert projects["total_investment"].isna().any() and projects["total_investment"].notna().any()


def test_csv_labels_zh(tables_dir: Path, tmp_path: Path) -> None:
    export(tables_dir, "csv", tmp_path, language="zh")
    labels = load_labels("zh")
    for name, documented in DOCUMENTED_COLUMNS.items():
        header = next(csv.reader(io.StringIO((tmp_path / f"{name}.csv").read_text("utf-8-sig"))))
        assert header == [labels.header(c, "万元") for c in expected_sheet(tables_dir, name).columns]
        for column in documented:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in labels.column(column)), f"{name}.{column} has no label"
    assert load_labels("zh").column("a_column_nobody_labelled") == "a_column_nobody_labelled"


# --- export: xlsx --------------------------------------------------------------------------

def test_xlsx_round_trip(tables_dir: Path, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "t.xlsx"
    summary = export(tables_dir, "xlsx", out)
    assert summary.written == [out] and not summary.truncated
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["about", "facts", *TABLE_NAMES, *LEDGER_TABLES]
    for name in [*TABLE_NAMES, *LEDGER_TABLES]:
        rows = list(book[name].iter_rows(values_only=True))
        columns, values = parquet_columns(tables_dir, name)
        assert list(rows[0]) == columns
        assert len(rows) - 1 == len(values[0])
        for i, (column, want) in enumerate(zip(columns, values)):
            got = [normalise(r[i]) for r in rows[1:]]
            # xlsx stores numbers with 16 significant digits (Excel shows 15): 2e5/0.9375 may
            # lose its 17th digit, so numbers match to 1e-15, text and nulls exactly
            assert got == [pytest.approx(w, rel=1e-15) if isinstance(w, float) else w for w in want], \
                f"{name}.{column}"
    about = " ".join(str(r[0]) for r in book["about"].iter_rows(values_only=True) if r[0])
    assert "No cell was cut" in about


def test_xlsx_labels_zh(tables_dir: Path, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "zh.xlsx"
    export(tables_dir, "xlsx", out, language="zh")
    labels = load_labels("zh")
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["说明", "事实", "文档", "章节", "数量", "项目", "状态", "时间线", "核查"]
    header = next(book["项目"].iter_rows(values_only=True))
    assert header[:4] == ("文档编号", "文件路径", "标题", "省份")
    assert "总投资（万元）" in header and "长度（米）" in header
    assert list(header) == [labels.header(c, "万元") for c in expected_sheet(tables_dir, "projects").columns]


def write_tables(directory: Path, rows: dict[str, list[dict[str, Any]]]) -> Path:
    """Parquet tables with the pipeline's schemas (columns not given are null)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, table_schema in SCHEMAS.items():
        pq.write_table(pa.Table.from_pylist(rows.get(name, []), schema=table_schema), directory / f"{name}.parquet")
    return directory


def test_xlsx_cuts_cells_over_excels_limit_and_keeps_text_as_text(tmp_path: Path) -> None:
    import openpyxl

    long_text = "重点项目建设" * 7000 + "尾"          # 42,001 characters
    tables = write_tables(tmp_path / "tables", {"documents": [
        {"doc_id": "a", "path": "long.txt", "text": long_text, "status": "ok", "chars": len(long_text)},
        {"doc_id": "b", "path": "=HYPERLINK(\"http://x\")", "text": "=1+1", "title": "http://example.com"},
    ]})
    out = tmp_path / "t.xlsx"
    summary = export(tables, "xlsx", out)
    assert summary.truncated == ["documents.text row 1: 42,001 chars"]
    book = openpyxl.load_workbook(out)
    sheet = book["documents"]
    header = [c.value for c in sheet[1]]
    text_cell = sheet.cell(row=2, column=header.index("text") + 1)
    assert len(text_cell.value) == EXCEL_MAX_CELL_CHARS
    assert text_cell.value.startswith("重点项目建设") and text_cell.value.endswith("[truncated: 42,001 chars in total]")
    formula_cell = sheet.cell(row=3, column=header.index("text") + 1)
    assert formula_cell.value == "=1+1" and formula_cell.data_type == "s"
    assert sheet.cell(row=3, column=header.index("title") + 1).hyperlink is None
    about = [r[0] for r in book["about"].iter_rows(values_only=True)]
    assert "documents.text row 1: 42,001 chars" in about


def test_export_cli(tables_dir: Path, tmp_path: Path) -> None:
    result = invoke("export", str(tables_dir), "--to", "xlsx", "--out", str(tmp_path / "x.xlsx"), "--labels", "zh")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x.xlsx").stat().st_size > 0
    assert invoke("export", str(tables_dir), "--to", "pdf").exit_code == 2
    result = invoke("export", str(tables_dir), "--to", "csv", "--out", str(tmp_path), "--labels", "xx")
    assert result.exit_code == 2 and "no labels for 'xx'" in result.stderr


def test_export_reads_part_file_layout(parts_dir: Path, tables_dir: Path, tmp_path: Path) -> None:
    export(parts_dir, "csv", tmp_path / "a")
    export(tables_dir, "csv", tmp_path / "b")
    for name in TABLE_NAMES:
        assert (tmp_path / "a" / f"{name}.csv").read_bytes() == (tmp_path / "b" / f"{name}.csv").read_bytes()


# --- hostile cell text: CSV injection, terminal escapes, statements that write ----------------

CSV_CELLS = [
    # a value in the tables          -> its CSV cell (OWASP: a formula start gets a ')
    ("=HYPERLINK(\"http://x\",\"y\")",   "'=HYPERLINK(\"http://x\",\"y\")"),
    ("+1+cmd|' /C calc'!A0",             "'+1+cmd|' /C calc'!A0"),
    ("-2+3",                             "'-2+3"),
    ("@SUM(A1:A9)",                      "'@SUM(A1:A9)"),
    ("\t=1+1",                           "'\t=1+1"),
    ("\r=1+1",                           "'\r=1+1"),
    ("-3.2",                             "-3.2"),          # a plain number is no formula
    ("+5",                               "+5"),
    ("北岸供水厂=一期",                   "北岸供水厂=一期"),  # = inside is harmless
    ("",                                 ""),
]


def test_csv_export_neutralises_formula_cells(tmp_path: Path) -> None:
    tables = write_tables(tmp_path / "tables", {"projects": [
        {"doc_id": "a", "project_id": i, "name": value, "total_investment": -3.5 if i == 0 else None}
        for i, (value, _) in enumerate(CSV_CELLS)]})
    export(tables, "csv", tmp_path / "csv", money_unit="元")
    with open(tmp_path / "csv" / "projects.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["name"]) for r in rows] == [cell for _, cell in CSV_CELLS]
    assert rows[0]["total_investment"] == "-3.5", "numbers stay numbers"


def test_query_table_format_strips_terminal_control_sequences(tables_dir: Path) -> None:
    sql = ("SELECT chr(27) || '[2J' || chr(27) || ']0;owned' || chr(7) || '北岸' || chr(27) || '[31m'"
           " || chr(8) || chr(13) || '工程' AS name")
    result = invoke("query", str(tables_dir), sql)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2] == "北岸⏎工程"
    assert not any(ord(ch) < 32 and ch != "\n" for ch in result.stdout)
    result = invoke("query", str(tables_dir), sql, "--format", "json")
    assert json.loads(result.stdout)[0]["name"].startswith("\x1b[2J"), "json and csv keep the text as it is"


REFUSED = [
    # statement (TABLES: the tables folder, ELSEWHERE: a file outside it)  -> error contains
    ("COPY (SELECT 1 AS x) TO 'TABLES/documents.parquet' (FORMAT parquet)", "COPY statements are not run"),
    ("COPY (SELECT 1 AS x) TO 'TABLES/documents.parquet' (FORMAT parquet, USE_TMP_FILE false)",
     "COPY statements are not run"),
    ("COPY projects TO 'ELSEWHERE'",                          "COPY statements are not run"),
    ("EXPORT DATABASE 'ELSEWHERE'",                           "EXPORT statements are not run"),
    ("ATTACH 'ELSEWHERE' AS other",                           "ATTACH statements are not run"),
    ("INSTALL httpfs",                                        "LOAD statements are not run"),
    ("LOAD httpfs",                                           "LOAD statements are not run"),
    ("CREATE TABLE t AS SELECT * FROM projects",              "CREATE statements are not run"),
    ("INSERT INTO projects (name) VALUES ('x')",              "INSERT statements are not run"),
    ("SET enable_external_access = true",                     "SET statements are not run"),
    ("PRAGMA enable_profiling",                               "PRAGMA statements are not run"),
    ("EXPLAIN ANALYZE COPY (SELECT 1) TO 'ELSEWHERE'",        "EXPLAIN statements are not run"),
    ("SELECT 1; COPY projects TO 'ELSEWHERE'",                "COPY statements are not run"),
    ("SELECT * FROM read_csv('ELSEWHERE')",                   "file system operations are disabled"),
    ("SELECT * FROM read_parquet('ELSEWHERE')",               "file system operations are disabled"),
    ("SELECT * FROM glob('TABLES/*')",                        "file system operations are disabled"),
]


@pytest.mark.parametrize(("sql", "error"), REFUSED, ids=[s for s, _ in REFUSED])
def test_query_refuses_statements_that_write_or_reach_outside_the_tables(
        tables_dir: Path, tmp_path: Path, sql: str, error: str) -> None:
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_text("secret\n1\n", encoding="utf-8")
    before = {name: (tables_dir / f"{name}.parquet").read_bytes() for name in TABLE_NAMES}
    statement = sql.replace("TABLES", str(tables_dir)).replace("ELSEWHERE", str(elsewhere))
    result = invoke("query", str(tables_dir), statement)
    assert result.exit_code == 2 and result.stderr.startswith("error: SQL: ")
    assert error in result.stderr
    assert {name: (tables_dir / f"{name}.parquet").read_bytes() for name in TABLE_NAMES} == before
    assert elsewhere.read_text(encoding="utf-8") == "secret\n1\n"


def test_query_allow_write_runs_any_statement(tables_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.csv"
    result = invoke("query", str(tables_dir), f"COPY (SELECT count(*) AS n FROM projects) TO '{target}'",
                    "--allow-write")
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").splitlines()[0] == "n"


# --- analyst sheets: facts, context, money unit, Chinese values ------------------------------

def expected_facts(tables_dir: Path) -> pd.DataFrame:
    """One row per quantity and status cue with its document's context, project name and
    sentence, joined in pandas from the Parquet files."""
    documents = pd.read_parquet(tables_dir / "documents.parquet", columns=["doc_id", *CONTEXT, "text"])
    projects = pd.read_parquet(tables_dir / "projects.parquet", columns=["doc_id", "project_id", "name"])
    parts = []
    for table, fact in (("quantities", "quantity"), ("statuses", "status")):
        frame = pd.read_parquet(tables_dir / f"{table}.parquet").merge(documents, on="doc_id")
        frame = frame.merge(projects.rename(columns={"name": "project"}), on=["doc_id", "project_id"], how="left")
        frame["fact"] = fact
        frame["sentence"] = [t[s:e] for t, s, e in zip(frame["text_y"], frame["sentence_start"], frame["sentence_end"])]
        parts.append(frame.rename(columns={"text_x": "text"}))
    return pd.concat(parts, ignore_index=True)


FACT_KEY = ["doc_id", "fact", "start", "end", "text", "project_id"]


def keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` indexed by what makes a fact one row (a cue linked to two projects is two)."""
    frame = frame.astype({"start": int, "end": int})
    frame["project_id"] = [str(int(float(v))) if v not in ("", None) and pd.notna(v) else ""
                           for v in frame["project_id"]]
    return frame.set_index(FACT_KEY).sort_index()


def key(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    return list(keyed(frame).index)


def test_facts_csv_is_the_join_of_the_tables_and_each_sentence_holds_its_fact(
        tables_dir: Path, tmp_path: Path) -> None:
    export(tables_dir, "csv", tmp_path, money_unit="元")
    got = pd.read_csv(tmp_path / "facts.csv", encoding="utf-8-sig", keep_default_na=False, dtype=str)
    want = expected_facts(tables_dir).astype(object)
    want = want.where(want.notna(), "")
    got, want = keyed(got), keyed(want)
    assert list(got.index) == list(want.index) and got.index.is_unique
    for column in [*CONTEXT, "project", "sentence"]:
        # a year read through pandas with nulls beside it is a float (2023.0)
        assert list(got[column]) == [str(int(v)) if isinstance(v, float) else str(v) for v in want[column]], column
    assert all(t in sentence for (_, _, _, _, t, _), sentence in zip(got.index, got["sentence"]))
    assert set(got.index.get_level_values("fact")) == {"quantity", "status"} and (got["project"] != "").any()


MONEY_UNITS = [
    # --money-unit  amount of 2416.8亿元 shown as
    ("元",          241_680_000_000.0),
    ("万元",        24_168_000.0),
    ("亿元",        2416.8),
]


@pytest.mark.parametrize(("unit", "shown"), MONEY_UNITS)
def test_money_is_in_the_chosen_unit_with_a_thousands_format(
        tables_dir: Path, tmp_path: Path, unit: str, shown: float) -> None:
    import openpyxl

    result = invoke("export", str(tables_dir), "--to", "xlsx", "--out", str(tmp_path / "m.xlsx"), "--money-unit", unit)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "m.xlsx")
    for sheet in ("facts", "quantities"):
        rows = list(book[sheet].iter_rows(min_row=1))
        header = [c.value for c in rows[0]]
        value, unit_col, text = header.index("value"), header.index("unit"), header.index("text")
        [cells] = [r for r in rows[1:] if r[text].value == "2416.8亿元"]
        assert cells[value].value == pytest.approx(shown) and cells[unit_col].value == unit
        assert cells[value].number_format == MONEY_FORMAT
        percent = next(r for r in rows[1:] if r[unit_col].value == "percent")
        assert percent[value].number_format == "General", "only money gets the money format"
    header = [c.value for c in book["projects"][1]]
    want = expected_sheet(tables_dir, "projects", unit)
    column = header.index("total_investment")
    got = [c[column].value for c in book["projects"].iter_rows(min_row=2)]
    assert got == [pytest.approx(v) if pd.notna(v) else None for v in want["total_investment"]]


def test_an_unknown_money_unit_is_one_line_and_exit_2(tables_dir: Path, tmp_path: Path) -> None:
    result = invoke("export", str(tables_dir), "--to", "csv", "--out", str(tmp_path), "--money-unit", "美元")
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: unknown money unit '美元'; expected one of 元, 万元, 亿元"


CHINESE_VALUES = [
    # sheet        column    stored value          -> shown with --labels zh
    ("projects",   "status", "in_progress",          "在建"),
    ("quantities", "role",   "completed_investment", "完成投资"),
    ("quantities", "kind",   "percent",              "百分比"),
    ("facts",      "fact",   "status",               "状态"),
    ("documents",  "status", "ok",                   "正常"),
]


@pytest.mark.parametrize(("sheet", "column", "stored", "shown"), CHINESE_VALUES)
def test_labels_zh_translates_values_and_the_about_sheet(
        tables_dir: Path, tmp_path: Path, sheet: str, column: str, stored: str, shown: str) -> None:
    export(tables_dir, "csv", tmp_path / "en")
    export(tables_dir, "csv", tmp_path / "zh", language="zh")
    labels = load_labels("zh")
    en = pd.read_csv(tmp_path / "en" / f"{sheet}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    zh = pd.read_csv(tmp_path / "zh" / f"{sheet}.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    header = labels.header(column, "万元")
    assert stored in set(en[column])
    assert list(zh[header]) == [shown if v == stored else labels.value(column, v) for v in en[column]]
    assert stored not in set(zh[header])


def test_about_sheet_in_chinese_says_the_money_unit(tables_dir: Path, tmp_path: Path) -> None:
    import openpyxl

    export(tables_dir, "xlsx", tmp_path / "zh.xlsx", language="zh", money_unit="亿元")
    about = [r[0] for r in openpyxl.load_workbook(tmp_path / "zh.xlsx")["说明"].iter_rows(values_only=True) if r[0]]
    assert "金额单位：亿元" in about and "没有单元格被截断：每个值都完整。" in about
    assert any(line.startswith("事实：") for line in about)


# --- query: the facts and sentences views ------------------------------------------------------

def test_query_facts_view_equals_the_join(tables_dir: Path) -> None:
    columns, rows, _ = run_query(tables_dir, "SELECT doc_id, fact, start, \"end\", text, project_id, project, "
                                             "sentence, path FROM facts")
    got, want = keyed(pd.DataFrame(rows, columns=columns)), keyed(expected_facts(tables_dir))
    assert list(got.index) == list(want.index) and got.index.is_unique
    for column in ("project", "sentence", "path"):
        assert got[column].fillna("").tolist() == want[column].fillna("").tolist(), column


def test_query_sentences_view_has_each_sentence_holding_a_fact_once(tables_dir: Path) -> None:
    _, rows, _ = run_query(tables_dir, "SELECT doc_id, sentence_start, sentence_end, sentence, quantities, statuses "
                                       "FROM sentences")
    facts = expected_facts(tables_dir)
    spans = facts.groupby(["doc_id", "sentence_start", "sentence_end"])["fact"].value_counts().unstack(fill_value=0)
    assert len(rows) == len(spans)
    for doc_id, start, end, sentence, quantities, statuses in rows:
        counts = spans.loc[(doc_id, start, end)]
        assert (quantities, statuses) == (counts.get("quantity", 0), counts.get("status", 0))
        assert sentence == facts[(facts["doc_id"] == doc_id) & (facts["sentence_start"] == start)]["sentence"].iloc[0]
    result = invoke("query", str(tables_dir), "SELECT count(*) AS n FROM sentences WHERE sentence LIKE '%开工%'",
                    "--format", "csv")
    assert result.exit_code == 0 and int(result.stdout.splitlines()[1]) > 0


def test_facts_carry_each_amounts_scope(tables_dir: Path, tmp_path: Path) -> None:
    """facts and the facts sheet carry quantities.scope (null for status cues and for amounts
    that are no money), and --labels zh translates it."""
    quantities = pq.read_table(tables_dir / "quantities.parquet").to_pandas()
    scopes = {(d, s): sc for d, s, sc in zip(quantities["doc_id"], quantities["start"], quantities["scope"])}
    _, rows, _ = run_query(tables_dir, "SELECT fact, doc_id, start, kind, scope FROM facts")
    assert rows
    for fact, doc_id, start, kind, scope in rows:
        if fact == "status" or kind != "money":
            assert scope is None
        else:
            assert scope == scopes[(doc_id, start)]
    assert {scope for fact, _, _, kind, scope in rows if fact == "quantity" and kind == "money"} >= {"project", "other"}
    export(tables_dir, "csv", tmp_path / "zh", language="zh")
    facts = pd.read_csv(tmp_path / "zh" / "facts.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    labels = load_labels("zh")
    translated = set(facts[labels.header("scope", "万元")]) - {""}
    assert translated and not translated & {"headline", "sector", "group", "project", "breakdown", "other"}
