"""Where a command writes or reads a file the user named (export's --out, report's --html,
eval's --gold) and that file cannot be used: one line `error: …` naming the path the user
gave, exit status 2, no traceback, nothing half-written left beside it. Run as a user runs
them (the typer app, in this process)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app


def invoke(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


@pytest.fixture()
def places(tmp_path: Path, raw_tables: Path) -> dict[str, str]:
    """TABLES: a run's tables; FILE: a plain file; FOLDER: an empty folder."""
    (tmp_path / "file.txt").write_text("not a folder\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    return {"TABLES": str(raw_tables), "FILE": str(tmp_path / "file.txt"), "FOLDER": str(tmp_path / "folder")}


# the command (TABLES, FILE, FOLDER as in `places`)    -> the line on stderr, with the paths put in
CANNOT_WRITE = [
    ("export TABLES --to csv --out FILE -q",         "error: cannot write the export: the output folder is a file, "
                                                     "not a folder (FILE)"),
    ("export TABLES --to csv --out FILE/csv -q",     "error: cannot write the export: the output folder is a file, "
                                                     "not a folder (FILE/csv)"),
    ("export TABLES --to xlsx --out FOLDER -q",      "error: cannot write the export: Is a directory (FOLDER)"),
    ("export TABLES --to xlsx --out FILE/x.xlsx -q", "error: cannot write the export: the output folder is a file, "
                                                     "not a folder (FILE/x.xlsx)"),
    ("report TABLES --html FOLDER -q",               "error: cannot write the report: Is a directory (FOLDER)"),
    ("report TABLES --html FILE/r.html -q",          "error: cannot write the report: the output folder is a file, "
                                                     "not a folder (FILE/r.html)"),
]


def filled(text: str, places: dict[str, str]) -> str:
    for name, path in places.items():
        text = text.replace(name, path)
    return text


@pytest.mark.parametrize(("args", "message"), CANNOT_WRITE, ids=[a for a, _ in CANNOT_WRITE])
def test_an_output_that_cannot_be_written_is_one_line_and_exit_2(places: dict[str, str], args: str,
                                                                  message: str) -> None:
    before = {p.name for p in Path(places["FOLDER"]).parent.rglob("*")}
    result = invoke(*filled(args, places).split())
    assert (result.exit_code, result.stderr.splitlines()) == (2, [filled(message, places)])  # type: ignore[attr-defined]
    assert {p.name for p in Path(places["FOLDER"]).parent.rglob("*")} == before, "nothing half-written is left"


def test_an_output_that_can_be_written_still_is(places: dict[str, str]) -> None:
    result = invoke(*filled("export TABLES --to csv --out FOLDER/csv -q", places).split())
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert (Path(places["FOLDER"]) / "csv" / "projects.csv").stat().st_size > 0
