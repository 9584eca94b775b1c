"""A generated folder with every kind of bad input, run as one batch.

Each bad file gets its own row with the expected status; the batch finishes; and the good
files' facts are exactly those they have when run on their own (nothing lost, nothing
mixed in).
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from test_read_bad_input import billion_laughs, docx_with, good_docx, lying_zip_bomb

import pipeline.batch.run as run_module

from conftest import raw_reports

FACT_TABLES = ("sections", "quantities", "projects", "statuses")
MAX_BYTES = 8 * 1024 * 1024
TIME_BUDGET = 20.0


def zip_bomb() -> bytes:
    """An honest header: 300 MB of spaces that deflate to a few hundred KB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1 << 20)
            for _ in range(300):
                member.write(chunk)
    return buffer.getvalue()


# file name -> (bytes, expected status, words the message must contain)
BAD: dict[str, tuple[bytes, str, str]] = {
    "empty.txt": (b"", "empty", "no text"),
    "junk.txt": (bytes(range(256)) * 64, "error", "binary"),
    "truncated.docx": (good_docx()[:200], "error", "bad zip"),
    "bomb.docx": (zip_bomb(), "error", ""),
    "lying_bomb.docx": (lying_zip_bomb(), "error", ""),
    "laughs.docx": (docx_with(billion_laughs()), "error", "entities"),
    "huge.txt": ("城南大道工程总投资3亿元。".encode() * (MAX_BYTES // 30 + 10), "too_large", "MB"),
    "scan.jpg": (b"\xff\xd8\xff\xe0" + bytes(100), "unsupported", "not supported"),
}


def good_files(folder: Path) -> list[str]:
    names = []
    for i, sample in enumerate(raw_reports()):
        # odd names: spaces, Chinese characters
        name = [f"report {i}.txt", f"重点项目_{i}.txt", f"{i}.md", f"r{i}.txt"][i % 4]
        (folder / name).write_text(sample.read_text(encoding="utf-8"), encoding="utf-8")
        names.append(name)
    return names


def facts_by_path(out: Path) -> dict[str, dict[str, list]]:
    docs = pq.read_table(out / "documents.parquet").to_pylist()
    path_of = {d["doc_id"]: d["path"] for d in docs}
    facts: dict[str, dict[str, list]] = {}
    # rows per (path, table); doc_id dropped because it is derived from the path
    for table in FACT_TABLES:
        for row in pq.read_table(out / f"{table}.parquet").to_pylist():
            path = path_of[row.pop("doc_id")]
            facts.setdefault(path, {}).setdefault(table, []).append(row)
    return facts


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("broken")
    folder = root / "in"
    folder.mkdir()
    good = good_files(folder)
    for name, (data, _, _) in BAD.items():
        (folder / name).write_bytes(data)
    (folder / "zz copy of r3.txt").write_bytes((folder / good[3]).read_bytes())       # duplicate
    os.symlink(folder / "gone.txt", folder / "dangling.txt")                        # broken symlink
    os.mkdir(folder / "deep")
    (folder / "deep" / "no punctuation.txt").write_text("项目建设推进工程" * 125_000, encoding="utf-8")
    (folder / "deep" / "digits.txt").write_text("总投资" + "7" * 100_000 + "万元", encoding="utf-8")
    undecodable = os.fsencode(folder) + b"/bad\xb1\xa8name.txt"
    with open(undecodable, "wb") as fh:
        fh.write(raw_reports()[0].read_bytes() + "\n附：城东大道工程已竣工。\n".encode())
    (folder / "vanishing.txt").write_text("城北大道工程已竣工。", encoding="utf-8")

    # the file is found, then deleted before it is read
    real_discover = run_module.discover

    def discover_then_delete(inputs, **options):  # type: ignore[no-untyped-def]
        found = real_discover(inputs, **options)
        (folder / "vanishing.txt").unlink()
        return found

    mp = pytest.MonkeyPatch()
    mp.setattr(run_module, "discover", discover_then_delete)
    started = time.monotonic()
    try:
        summary = run_module.run([folder], root / "out", jobs=2, max_bytes=MAX_BYTES,
                                 time_budget=TIME_BUDGET)
    finally:
        mp.undo()
    seconds = time.monotonic() - started

    alone = root / "alone"
    alone.mkdir()
    good_files(alone)
    run_module.run([alone], root / "alone_out", jobs=0)
    return summary, root / "out", root / "alone_out", good, seconds


def documents(out: Path) -> dict[str, dict]:
    return {d["path"]: d for d in pq.read_table(out / "documents.parquet").to_pylist()}


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_file_has_its_row(broken_run, name: str) -> None:  # type: ignore[no-untyped-def]
    _, out, _, _, _ = broken_run
    _, status, words = BAD[name]
    row = documents(out)[name]
    assert row["status"] == status, row["error"]
    assert words in (row["error"] or "")


def test_links_names_duplicates_and_vanished_files(broken_run) -> None:  # type: ignore[no-untyped-def]
    summary, out, _, good, _ = broken_run
    docs = documents(out)
    assert docs["dangling.txt"]["status"] == "error" and "symbolic link" in docs["dangling.txt"]["error"]
    assert docs["vanishing.txt"]["status"] == "error" and "not found" in docs["vanishing.txt"]["error"]
    copy = docs["zz copy of r3.txt"]
    assert copy["status"] == "duplicate" and copy["duplicate_of"] == docs[good[3]]["doc_id"]
    assert docs["bad\\xb1\\xa8name.txt"]["status"] == "ok"
    failed = {path for path, _, _ in summary.failed} - {"deep/no punctuation.txt", "deep/digits.txt"}
    assert failed == set(BAD) | {"dangling.txt", "vanishing.txt"}


def test_pathological_text_ends_within_the_budget(broken_run) -> None:  # type: ignore[no-untyped-def]
    _, out, _, _, seconds = broken_run
    docs = documents(out)
    for name in ("deep/no punctuation.txt", "deep/digits.txt"):
        row = docs[name]
        assert row["status"] == "ok" or "time budget" in (row["error"] or ""), row["error"]
    assert seconds < 10 * TIME_BUDGET


def test_good_files_lose_nothing(broken_run) -> None:  # type: ignore[no-untyped-def]
    _, out, alone_out, good, _ = broken_run
    together, alone = facts_by_path(out), facts_by_path(alone_out)
    for name in good:
        for table in FACT_TABLES:
            assert together[name].get(table) == alone[name].get(table), (name, table)
    assert documents(out)[good[0]]["text"] == documents(alone_out)[good[0]]["text"]


# ---- paths that are not regular files ----------------------------------------------------------

def keyproj(*args: str, **kw) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    # `timeout` only ends a hung command so the test fails instead of hanging; it asserts no time
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                          timeout=300, check=False, **kw)


def test_a_fifo_and_a_socket_get_rows_and_never_hang_the_run(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "report.txt").write_text("城南大道工程总投资3亿元，已竣工。", encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")                  # opening it for reading waits for a writer
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "socket.txt"))
    try:
        result = keyproj("run", str(folder), "--out", str(tmp_path / "out"), "-q")
    finally:
        server.close()
    assert result.returncode == 1, result.stderr        # two documents failed, the run ended
    rows = {path: (d["status"], d["error"]) for path, d in documents(tmp_path / "out").items()}
    assert rows == {
        "report.txt": ("ok", None),
        "pipe.txt": ("error", "not a regular file (a pipe, socket or device)"),
        "socket.txt": ("error", "not a regular file (a pipe, socket or device)"),
    }


def test_explain_refuses_a_fifo_instead_of_waiting_on_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    result = keyproj("explain", str(tmp_path / "pipe.txt"))
    assert result.returncode == 1, result.stderr        # a file that cannot be read
    assert "not a regular file" in result.stderr, result.stderr


def test_the_planner_never_opens_a_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    swapped = tmp_path / "swapped.txt"
    swapped.write_text("x", encoding="utf-8")
    size = run_module.file_size(swapped)        # planned as a regular file …
    swapped.unlink()
    os.mkfifo(swapped)                          # … and a pipe by the time it is hashed
    code = ("import sys; from pathlib import Path; from pipeline.batch.run import file_hash, file_size; "
            "p = Path(sys.argv[1]); print(file_hash(p, file_size(p), 1000), file_hash(Path(sys.argv[2]), 1, 1000))")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "pipe.txt"), str(swapped)],
                            capture_output=True, text=True, timeout=300, check=False)
    assert size == 1 and result.stdout.split() == ["None", "None"], result.stderr


# ---- two runs on one OUT ----------------------------------------------------------------------

HOLD_LOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
os.ftruncate(fd, 0); os.write(fd, f"{os.getpid()}\\n".encode())
print("locked", flush=True)
sys.stdin.read()            # hold the lock until the test closes stdin
"""


def test_a_second_run_on_the_same_out_exits_2_and_leaves_the_tables_alone(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    good_files(folder)
    out = tmp_path / "out"
    assert keyproj("run", str(folder), "--out", str(out), "-q").returncode == 0
    before = {t: table_bytes(out, t) for t in ("documents", *FACT_TABLES)}
    (folder / "new.txt").write_text("城北大道工程已竣工。", encoding="utf-8")

    # another process holds OUT's lock, as a run that is writing there does
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(out / ".keyproj.lock")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        second = keyproj("run", str(folder), "--out", str(out), "-q")
    finally:
        holder.communicate("")
    assert second.returncode == 2
    assert second.stderr.splitlines() == [f"error: another keyproj run is writing {out} (pid {holder.pid})"]
    assert {t: table_bytes(out, t) for t in before} == before

    # the lock is gone with the process that held it: the next run works
    assert keyproj("run", str(folder), "--out", str(out), "-q").returncode == 0
    assert "new.txt" in documents(out)


def table_bytes(out: Path, table: str) -> bytes:
    return (out / f"{table}.parquet").read_bytes()


# ---- duplicates across resume -------------------------------------------------------------------

REPORT = "城南大道工程总投资3亿元，已竣工。\n新建城西污水处理厂工程，完成投资1.2亿元。\n"
OTHER = "北山隧道工程总投资5亿元，进展缓慢。\n"


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


# what changes between a run and the resumed run, on a folder holding b.txt and its copy
# c.txt (c is a duplicate of b) and an unrelated d.txt
DUPLICATE_CHANGES: dict[str, Callable[[Path], None]] = {
    "first copy deleted":        lambda f: (f / "b.txt").unlink(),
    "first copy edited":         lambda f: _append(f / "b.txt", "另有东郊变电站工程。\n"),
    "second copy edited":        lambda f: _append(f / "c.txt", "另有东郊变电站工程。\n"),
    "earlier-sorting copy added": lambda f: (f / "a.txt").write_text(REPORT, encoding="utf-8"),
    "later copy added":          lambda f: (f / "e.txt").write_text(REPORT, encoding="utf-8"),
    "other file becomes a copy": lambda f: (f / "d.txt").write_text(REPORT, encoding="utf-8"),
    "first copy renamed later":  lambda f: (f / "b.txt").rename(f / "z.txt"),
    "copies swap contents":      lambda f: ((f / "b.txt").write_text(OTHER, encoding="utf-8"),
                                            (f / "d.txt").write_text(REPORT, encoding="utf-8")),
}


@pytest.mark.parametrize("change", sorted(DUPLICATE_CHANGES))
def test_duplicates_after_a_resume_equal_a_fresh_run(tmp_path: Path, change: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in {"b.txt": REPORT, "c.txt": REPORT, "d.txt": OTHER}.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    run_module.run([folder], out, jobs=0)
    DUPLICATE_CHANGES[change](folder)
    run_module.run([folder], out, jobs=0)
    run_module.run([folder], tmp_path / "fresh", jobs=0, resume=False)
    for table in ("documents", *FACT_TABLES):
        resumed = pq.read_table(out / f"{table}.parquet")
        fresh = pq.read_table(tmp_path / "fresh" / f"{table}.parquet")
        assert resumed.equals(fresh), (table, resumed.to_pylist(), fresh.to_pylist())
