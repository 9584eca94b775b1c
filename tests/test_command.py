"""`keyproj run` read without typer (pipeline/command.py): each command line it reads gives
`run_local` exactly the arguments typer gives it, and each it is not sure of goes to typer
(help, click's usage errors). A table of command lines, each run both ways.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from pipeline import command
from pipeline.cli import app

# a command line ("IN" is a folder that exists, "GONE" one that does not) -> read without typer?
COMMAND_LINES = [
    ("run IN",                                                           True),
    ("run IN GONE --out OUT",                                            True),    # typer checks no existence
    ("run IN -o OUT -j 2 -q",                                            True),
    ("run --jobs 0 IN --fresh --quiet --checkpoint-every 5",             True),    # options before inputs
    ("run IN --max-size 2.5 --time-budget 30 --max-memory 512",          True),
    ("run IN --max-size 1e2 --time-budget inf --jobs +3",                True),    # what typer makes of them
    ("run IN --rules RULES --scheduler tcp://h:1",                       True),
    # typer reads these
    ("run IN --jobs -1",                                                 False),   # a value starting with -
    ("run IN --out=OUT",                                                 False),
    ("run IN -j2",                                                       False),
    ("run IN -qj 2",                                                     False),
    ("run IN --jobs 1_000",                                              False),   # pydantic's, not ours
    ("run IN --jobs two",                                                False),
    ("run IN --jobs 1 --jobs 2",                                         False),   # given twice
    ("run IN --quiet --quiet",                                           False),
    ("run IN --zzz",                                                     False),
    ("run IN --help",                                                    False),
    ("run IN -- OUT",                                                    False),
    ("run IN --out",                                                     False),   # a missing value
    ("run",                                                              False),   # no input
    ("run --quiet",                                                      False),
    ("explain IN",                                                       False),
    ("--help",                                                           False),
    ("",                                                                 False),
]


def _argv(line: str, places: dict[str, str]) -> list[str]:
    return [places.get(word, word) for word in line.split()]


@pytest.fixture
def places(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "in").mkdir()
    return {"IN": str(tmp_path / "in"), "GONE": str(tmp_path / "gone"), "OUT": str(tmp_path / "out"),
            "RULES": str(tmp_path / "rules")}


def _typer_arguments(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any] | None:
    """The arguments typer's `run` gives run_local for `argv` (None: it gave none)."""
    seen: list[dict[str, Any]] = []
    names = ("inputs", "out", "rules", "scheduler", "jobs", "max_size", "time_budget", "max_memory",
             "fresh", "checkpoint_every", "quiet")
    monkeypatch.setattr(command, "run_local", lambda *args: seen.append(dict(zip(names, args, strict=True))))
    CliRunner().invoke(app, argv)
    return seen[0] if seen else None


@pytest.mark.parametrize(("line", "read_here"), COMMAND_LINES, ids=[line or "(nothing)" for line, _ in COMMAND_LINES])
def test_a_plain_run_is_read_as_typer_reads_it(line: str, read_here: bool, places: dict[str, str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    argv = _argv(line, places)
    ours = command.plain_run_options(argv)
    assert (ours is not None) == read_here
    if ours is not None:
        theirs = _typer_arguments(argv, monkeypatch)
        assert ours == theirs
        assert [type(v) for v in ours.values()] == [type(v) for v in theirs.values()]   # 2 is not 2.0


def test_an_input_that_cannot_be_read_goes_to_typer(places: dict[str, str]) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    locked = Path(places["IN"]) / "locked.txt"
    locked.write_text("甲工程已开工。", "utf-8")
    locked.chmod(0)
    assert command.plain_run_options(["run", str(locked)]) is None


def test_every_option_of_typers_run_is_read_here() -> None:
    click_run = typer.main.get_command(app).commands["run"]  # type: ignore[attr-defined]
    spellings = {s: p.name for p in click_run.params for s in p.opts if s.startswith("-")}
    assert spellings == {s: name for s, (name, _) in command.RUN_OPTIONS.items()}
    defaults = {p.name: p.default for p in click_run.params if p.name != "inputs"}
    assert defaults == command.RUN_DEFAULTS


def test_a_plain_run_imports_no_typer(places: dict[str, str]) -> None:
    code = ("import sys, atexit; from pipeline.__main__ import main; "
            "atexit.register(lambda: print(sorted(m for m in ('typer', 'click', 'pipeline.cli') "
            "if m in sys.modules))); "
            f"sys.argv = ['keyproj', 'run', {places['IN']!r}, '--out', {places['OUT']!r}, '--jobs', '0', '-q']; "
            "main()")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 1          # an empty folder: no file to read
    assert out.stdout.strip() == "[]"
    assert out.stderr.startswith("error: ")
