"""Options the command line refuses, and the inputs it cannot work on, run as a user runs
them (`python -m pipeline`, a real process): a usage error is one line on stderr and exit
status 2; a file or folder with nothing to read is exit status 1 with the reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def keyproj(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """IN: a folder with one report; FILE: that report; DIR: a folder without tables."""
    root = tmp_path_factory.mktemp("options")
    (root / "in").mkdir()
    report = root / "in" / "a.txt"
    report.write_text("新建北岸供水厂工程，总投资4.2亿元。\n", encoding="utf-8")
    (root / "dir").mkdir()
    return {"IN": str(root / "in"), "FILE": str(report), "DIR": str(root / "dir"), "OUT": str(root / "out")}


USAGE_ERRORS = [
    # arguments (IN, FILE, DIR, OUT as in `places`)             -> the one line on stderr
    ("run IN --out OUT --jobs -1",                 "error: --jobs must be 0 or more"),
    ("run IN --out OUT --max-size 0",              "error: --max-size must be a number of MB above 0"),
    ("run IN --out OUT --max-size -5",             "error: --max-size must be a number of MB above 0"),
    ("run IN --out OUT --max-size nan",            "error: --max-size must be a number of MB above 0"),
    ("run IN --out OUT --time-budget 0",           "error: --time-budget must be a number of seconds above 0"),
    ("run IN --out OUT --time-budget inf",         "error: --time-budget must be a number of seconds above 0"),
    ("run IN --out OUT --max-memory 0",            "error: --max-memory must be at least 256 (MB)"),
    ("run IN --out OUT --max-memory -2048",        "error: --max-memory must be at least 256 (MB)"),
    ("run IN --out OUT --checkpoint-every 0",      "error: --checkpoint-every must be 1 or more"),
    ("query DIR 'SELECT 1' --limit -1",            "error: --limit must be 0 or more"),
    ("query DIR 'SELECT 1' --max-width 0",         "error: --max-width must be 1 or more"),
    ("query DIR 'SELECT 1' --format xml",          "error: --format must be one of table, csv, json"),
    ("report DIR --max-doc-chars -1",              "error: --max-doc-chars must be 1 or more"),
    ("report DIR --max-docs -1",                   "error: --max-docs must be 0 or more"),
    ("report DIR --max-projects -3",               "error: --max-projects must be 0 or more"),
    # found by click itself, before any command runs: one line all the same
    ("run IN --out OUT --zzz",                     "error: No such option: --zzz"),
    ("run",                                        "error: Missing argument 'inputs'."),
    ("frobnicate IN",                              "error: No such command 'frobnicate'."),
    ("explain FILE --kind bogus",
     "error: --kind must be one of money, length, area, volume, percent, percentage_point, section, project, "
     "status, check"),
]


@pytest.mark.parametrize(("args", "message"), USAGE_ERRORS, ids=[a for a, _ in USAGE_ERRORS])
def test_a_bad_option_is_a_usage_error(places: dict[str, str], args: str, message: str) -> None:
    import shlex

    argv = [places.get(word, word) for word in shlex.split(args)]
    result = keyproj(*argv)
    assert (result.returncode, result.stderr.splitlines()) == (2, [message])
    assert not Path(places["OUT"]).exists(), "a refused run writes nothing"


def test_explain_of_a_file_that_cannot_be_read_exits_1_with_the_reason(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 64)
    result = keyproj("explain", str(junk))
    assert result.returncode == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {junk}: error: ")


def test_explain_of_an_empty_file_exits_1(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = keyproj("explain", str(empty))
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {empty}: empty")


def test_a_run_on_a_folder_without_files_says_so_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    out = tmp_path / "out"
    result = keyproj("run", str(tmp_path / "in"), "--out", str(out))
    assert (result.returncode, result.stderr.splitlines()) == (1, [f"error: no files to read in {tmp_path / 'in'}"])
    assert not out.exists(), "OUT is left alone"


# what explain is given that it cannot read           -> exit status, the line on stderr (F: the path)
EXPLAIN_UNREADABLE = [
    ("a symbolic link to nothing",  "broken", 1, "error: F: error: broken symbolic link (its target F.gone does "
                                                 "not exist)"),
    ("two links to each other",     "loop",   1, "error: F: error: symbolic link loop"),
    ("a folder",                    "folder", 2, "error: F is a folder: explain reads one file (keyproj run reads "
                                                 "folders)"),
    ("nothing at all",              "absent", 2, "error: no such file: F"),
]


@pytest.mark.parametrize(("what", "make", "status", "message"), EXPLAIN_UNREADABLE,
                         ids=[w for w, *_ in EXPLAIN_UNREADABLE])
def test_explain_of_what_cannot_be_read_gives_the_readers_reason(tmp_path: Path, what: str, make: str,
                                                                  status: int, message: str) -> None:
    path = tmp_path / "r.txt"
    if make == "broken":
        path.symlink_to(tmp_path / "r.txt.gone")
    elif make == "loop":
        (tmp_path / "other.txt").symlink_to(path)
        path.symlink_to(tmp_path / "other.txt")
    elif make == "folder":
        path.mkdir()
    result = keyproj("explain", str(path))
    assert (result.returncode, result.stderr.splitlines()) == (status, [message.replace("F", str(path))])


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_explain_of_a_file_without_read_permission_exits_1_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("新建北岸供水厂工程，总投资4.2亿元。\n", encoding="utf-8")
    path.chmod(0)
    result = keyproj("explain", str(path))
    assert (result.returncode, result.stderr.splitlines()) == (
        1, [f"error: {path}: error: cannot read file: permission denied"])
