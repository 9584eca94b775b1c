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


# a gold file's bytes                                    -> the line on stderr (GOLD: its path)
BAD_GOLD = [
    (b"",                                                   "error: no gold document in GOLD"),
    (b"\n  \n",                                             "error: no gold document in GOLD"),
    (b"file,projects\na.txt,\n",                            "error: gold line 1 is not JSON (GOLD)"),
    (b'{"file": "a.txt"}\n{"file": "b.txt", ',              "error: gold line 2 is not JSON (GOLD)"),
    (b'["a.txt"]\n',                                        'error: gold line 1 is not an object with a "file" (GOLD)'),
    (b'{"projects": []}\n',                                 'error: gold line 1 is not an object with a "file" (GOLD)'),
    ('{"file": "甲.txt"}\n'.encode("gbk"),                  "error: cannot read the gold file: not UTF-8 text (GOLD)"),
]


@pytest.mark.parametrize(("data", "message"), BAD_GOLD, ids=[m.split(": ", 1)[1] + f" {i}" for i, (_, m)
                                                              in enumerate(BAD_GOLD)])
def test_a_gold_file_that_cannot_be_scored_is_one_line_and_exit_2(places: dict[str, str], tmp_path: Path,
                                                                   data: bytes, message: str) -> None:
    folder = tmp_path / "set"
    (folder / "raw").mkdir(parents=True)
    (folder / "raw" / "a.txt").write_text("新建北岸供水厂工程，总投资4.2亿元。\n", encoding="utf-8")
    gold = folder / "gold.jsonl"
    gold.write_bytes(data)
    for args in (["eval", "--gold", str(gold), "--pred", places["TABLES"]], ["eval", str(folder)]):
        result = invoke(*args)
        assert (result.exit_code, result.stderr.splitlines()) == (  # type: ignore[attr-defined]
            2, [message.replace("GOLD", str(gold))]), args


def test_a_folder_given_as_the_gold_file_is_one_line_and_exit_2(places: dict[str, str]) -> None:
    result = invoke("eval", "--gold", places["FOLDER"], "--pred", places["TABLES"])
    assert (result.exit_code, result.stderr.splitlines()) == (  # type: ignore[attr-defined]
        2, [f"error: cannot read the gold file: Is a directory ({places['FOLDER']})"])


def test_a_good_gold_file_is_scored(places: dict[str, str], tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"file": "county_2023_summary.txt", "projects": []}\n', encoding="utf-8")
    result = invoke("eval", "--gold", str(gold), "--pred", places["TABLES"])
    assert result.exit_code == 0 and "1 gold documents, 0 without predictions" in result.stdout  # type: ignore[attr-defined]
