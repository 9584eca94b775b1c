"""Processes a `keyproj run` starts, tried as a user does: Ctrl-C and SIGTERM midway, a
LibreOffice conversion that overruns the time budget, LibreOffice installed between runs.

LibreOffice is played by a fake `soffice` on PATH (a shell script): it forks a helper, as
the real one does, notes both process ids, and either hangs or converts at once. A run
that meets a `.doc` therefore hangs in the conversion for as long as the test wants.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.batch.store import WORK_DIR

from conftest import process_alive

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir() or sys.platform == "win32",
                                reason="POSIX signals and /proc")

# A report of our own: two projects, an amount each.
REPORT = "一、重点项目进展\n新建北岸供水厂工程，总投资4.2亿元，已开工。\n东环路改造项目完成投资1.5亿元，已竣工。\n"
CONVERTED = "新建西湖泵站工程，总投资2亿元，已完工。"

HANGING_SOFFICE = """#!/bin/sh
# a LibreOffice that never finishes: a forked helper and itself wait forever
sleep 600 &
echo "$$ $! $PPID" >> "{pids}"
wait
"""
CONVERTING_SOFFICE = """#!/bin/sh
# a LibreOffice that converts at once: writes OUTDIR/input.txt
while [ $# -gt 0 ]; do
  if [ "$1" = "--outdir" ]; then shift; outdir="$1"; fi
  shift
done
mkdir -p "$outdir"
printf '%s\\n' "{text}" > "$outdir/input.txt"
"""


def fake_soffice(folder: Path, script: str) -> dict[str, str]:
    """An environment whose PATH finds `script` as soffice first."""
    folder.mkdir(parents=True, exist_ok=True)
    exe = folder / "soffice"
    exe.write_text(script, encoding="utf-8")
    exe.chmod(0o755)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


def without_soffice() -> dict[str, str]:
    """An environment whose PATH has no soffice or libreoffice at all."""
    keep = [d for d in os.environ["PATH"].split(os.pathsep)
            if not any((Path(d) / name).exists() for name in ("soffice", "libreoffice"))]
    return {**os.environ, "PATH": os.pathsep.join(keep)}


def wait_until(condition, what: str, seconds: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def soffice_pids(pid_file: Path) -> list[int]:
    """Every process the fake soffice noted: itself, its helper, and the worker that ran it."""
    if not pid_file.exists():
        return []
    return [int(p) for line in pid_file.read_text().splitlines() for p in line.split()]


def saved_parts(out: Path) -> int:
    """Checkpoint parts the run has written so far."""
    work = out / WORK_DIR
    return len([p for p in work.iterdir() if p.name.startswith("part-")]) if work.is_dir() else 0


def keyproj(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                          timeout=600, env=env)


def statuses(out: Path) -> dict[str, str]:
    docs = pq.read_table(out / "documents.parquet", columns=["path", "status"]).to_pylist()
    return {d["path"]: d["status"] for d in docs}


def folder_with_a_doc(folder: Path, reports: int = 3) -> Path:
    """`reports` text reports, then z.doc (which only LibreOffice reads)."""
    folder.mkdir(parents=True)
    for i in range(reports):
        (folder / f"r{i}.txt").write_text(REPORT + f"第{i + 1}期。\n", encoding="utf-8")
    (folder / "z.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return folder


# ---- Ctrl-C and SIGTERM ----------------------------------------------------------------------

STOPS = [
    # how the run is stopped                 signal         exit status  the log says
    ("Ctrl-C (SIGINT to the process group)", signal.SIGINT, 130, "run interrupted by SIGINT"),
    ("SIGTERM to the keyproj process",       signal.SIGTERM, 143, "run interrupted by SIGTERM"),
]


@pytest.mark.parametrize(("how", "signum", "status", "logged"), STOPS, ids=[s[0] for s in STOPS])
def test_a_signal_stops_the_workers_keeps_the_checkpoints_and_exits_128_plus_n(
        tmp_path: Path, how: str, signum: int, status: int, logged: str) -> None:
    folder = folder_with_a_doc(tmp_path / "in")
    pids = tmp_path / "pids"
    env = fake_soffice(tmp_path / "bin", HANGING_SOFFICE.format(pids=pids))
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(folder), "--out", str(out),
                             "--jobs", "1", "--checkpoint-every", "1", "-q"],
                            env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        # the three reports are saved, and the worker hangs in the conversion of z.doc
        wait_until(lambda: (len(soffice_pids(pids)) == 3 and saved_parts(out) == 3) or proc.poll() is not None,
                   "three checkpoints and the conversion")
        assert proc.poll() is None, proc.communicate()
        if signum == signal.SIGINT:
            os.killpg(proc.pid, signum)         # what a terminal does on Ctrl-C
        else:
            os.kill(proc.pid, signum)           # what a service manager or `kill` does
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == status
    assert stderr.splitlines() == ["interrupted: 3 documents saved; run again to resume"]
    wait_until(lambda: not any(process_alive(pid) for pid in soffice_pids(pids)), "the worker and soffice to end")
    log = (out / "keyproj.log").read_text(encoding="utf-8").splitlines()
    assert logged in log[-1] and "3 documents saved" in log[-1]

    # a first run stopped has no tables yet: a reader says so, and how to get them
    result = keyproj("query", str(out), "SELECT count(*) FROM projects", env=without_soffice())
    assert (result.returncode, result.stderr.splitlines()) == (2, [
        f"error: no tables in {out} yet: a run on it was stopped before it wrote them (its finished documents "
        f"are kept in {out / WORK_DIR}); run `keyproj run INPUT --out {out}` again to resume"])

    # the resumed run reads only z.doc (here LibreOffice is gone: unsupported)
    result = keyproj("run", str(folder), "--out", str(out), "--jobs", "1", env=without_soffice())
    assert "(1 processed, 3 unchanged" in result.stderr
    assert statuses(out) == {"r0.txt": "ok", "r1.txt": "ok", "r2.txt": "ok", "z.doc": "unsupported"}


def test_ctrl_c_while_the_rules_load_ends_the_run_at_once_with_one_line(tmp_path: Path) -> None:
    # before the run's own stop signals take over (they save what is finished), Ctrl-C ends
    # the process at once: no traceback, and no KeyboardInterrupt lost in a `__del__` of the
    # patterns' parser. The run is held while it loads its rules: one rule file is a FIFO
    # that this test opens and never writes.
    rules = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parent.parent / "rules", rules)
    fifo = rules / "units.yaml"
    fifo.unlink()
    os.mkfifo(fifo)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "r.txt").write_text(REPORT, encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(folder), "--out", str(out),
                             "--rules", str(rules), "--jobs", "1", "-q"],
                            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    writer: list[int] = []

    def reading_the_rules() -> bool:
        try:            # opens only once the run has the FIFO open for reading
            writer.append(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            return proc.poll() is not None
        return True

    try:
        wait_until(reading_the_rules, "the run to read its rules")
        assert proc.poll() is None, proc.communicate()
        os.killpg(proc.pid, signal.SIGINT)      # what a terminal does on Ctrl-C
        _, stderr = proc.communicate(timeout=120)
    finally:
        for fd in writer:
            os.close(fd)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130
    assert stderr.splitlines() == ["interrupted; run again to resume"]
    assert not (out / "documents.parquet").exists()


# Python raises KeyboardInterrupt where the main thread is: inside a `__del__` (regex's parser
# has them) it is printed as "Exception ignored in …" and lost, and the program goes on
_CTRL_C_IN_A_DEL = """
import time
from pipeline.command import _ctrl_c_ends_at_once

class Slow:
    def __del__(self):
        print("in __del__", flush=True)
        time.sleep(60)

with _ctrl_c_ends_at_once(True):
    Slow()
    print("went on", flush=True)
"""


def test_ctrl_c_inside_a_del_still_ends_the_run() -> None:
    proc = subprocess.Popen([sys.executable, "-c", _CTRL_C_IN_A_DEL], start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "in __del__\n"
        os.killpg(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert (proc.returncode, stdout, stderr) == (130, "", "interrupted; run again to resume\n")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_workers_die_with_a_keyproj_process_killed_outright(tmp_path: Path) -> None:
    folder = folder_with_a_doc(tmp_path / "in", reports=0)
    pids = tmp_path / "pids"
    env = fake_soffice(tmp_path / "bin", HANGING_SOFFICE.format(pids=pids))
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(folder), "--out", str(tmp_path / "out"),
                             "--jobs", "1", "-q"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: len(soffice_pids(pids)) == 3 or proc.poll() is not None, "the conversion to start")
    finally:
        proc.kill()                             # SIGKILL: no handler runs in keyproj
        proc.wait()
    soffice, _, worker = soffice_pids(pids)
    try:
        wait_until(lambda: not process_alive(worker), "the worker to die with its parent")
    finally:
        # soffice's own session outlives a SIGKILLed keyproj (nothing is left to end it)
        os.killpg(soffice, signal.SIGKILL)


# ---- LibreOffice --------------------------------------------------------------------------------

def test_a_conversion_over_the_time_budget_leaves_no_soffice_running(tmp_path: Path) -> None:
    folder = folder_with_a_doc(tmp_path / "in", reports=1)
    pids = tmp_path / "pids"
    env = fake_soffice(tmp_path / "bin", HANGING_SOFFICE.format(pids=pids))
    result = keyproj("run", str(folder), "--out", str(tmp_path / "out"), "--jobs", "1", "--time-budget", "2",
                     env=env)
    assert result.returncode == 1
    assert statuses(tmp_path / "out") == {"r0.txt": "ok", "z.doc": "error"}
    assert re.search(r"error: +z.doc: timed out", result.stderr)
    soffice, helper, worker = soffice_pids(pids)
    wait_until(lambda: not any(process_alive(pid) for pid in (soffice, helper, worker)), "soffice to be killed")


def test_installing_libreoffice_makes_a_resume_read_the_unsupported_rows(tmp_path: Path) -> None:
    folder = folder_with_a_doc(tmp_path / "in", reports=1)
    out = tmp_path / "out"
    first = keyproj("run", str(folder), "--out", str(out), "--jobs", "1", env=without_soffice())
    assert first.returncode == 1 and statuses(out)["z.doc"] == "unsupported"

    env = fake_soffice(tmp_path / "bin", CONVERTING_SOFFICE.format(text=CONVERTED))
    second = keyproj("run", str(folder), "--out", str(out), "--jobs", "1", env=env)
    assert second.returncode == 0, second.stderr
    assert "(1 processed, 1 unchanged" in second.stderr
    assert statuses(out) == {"r0.txt": "ok", "z.doc": "ok"}
    projects = pq.read_table(out / "projects.parquet", columns=["doc_id", "name"]).to_pylist()
    assert "西湖泵站工程" in {p["name"] for p in projects}, "the converted text is extracted"
