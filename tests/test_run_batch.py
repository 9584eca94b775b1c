"""The batch run: workers, duplicates, resume, checkpoints, a SIGKILL midway, exit codes, the log.

The invariant behind every test here: whatever happened before (an earlier run, edits to
the folder, a run killed at any moment), the tables equal those of one fresh run.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.run import run
from pipeline.store import WORK_DIR

from conftest import raw_reports

TABLES = ("documents", "sections", "quantities", "projects", "statuses")


def make_folder(folder: Path, copies: int = 3) -> Path:
    """Distinct reports built from the samples (each copy gets its own extra paragraph)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        for sample in raw_reports():
            extra = f"\n补充说明：第{i + 1}批新建城西第{i + 1}污水处理厂工程，总投资{i + 2}.5亿元，已竣工。\n"
            (folder / f"{i:02d}_{sample.name}").write_text(sample.read_text(encoding="utf-8") + extra,
                                                           encoding="utf-8")
    return folder


def tables(out: Path) -> dict:
    return {t: pq.read_table(out / f"{t}.parquet") for t in TABLES}


def assert_same_tables(a: Path, b: Path) -> None:
    ta, tb = tables(a), tables(b)
    for name in TABLES:
        assert ta[name].num_rows == tb[name].num_rows, name
        assert ta[name].equals(tb[name]), f"table {name} differs"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_folder(tmp_path_factory.mktemp("batch") / "in")


@pytest.fixture(scope="module")
def fresh_out(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fresh")
    run([folder], out, jobs=0)
    return out


def test_workers_give_the_same_tables_as_one_process(folder: Path, fresh_out: Path, tmp_path: Path) -> None:
    summary = run([folder], tmp_path, jobs=2, checkpoint_docs=3)
    assert summary.processed == len(list(folder.iterdir()))
    assert_same_tables(fresh_out, tmp_path)
    assert not (tmp_path / WORK_DIR).exists(), "checkpoint parts are removed after a complete run"


def test_second_run_processes_nothing(folder: Path, fresh_out: Path, tmp_path: Path) -> None:
    run([folder], tmp_path, jobs=0)
    again = run([folder], tmp_path, jobs=0)
    assert (again.processed, again.reused) == (0, len(list(folder.iterdir())))
    assert_same_tables(fresh_out, tmp_path)


def test_resume_after_edits_equals_a_fresh_run(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "in", copies=2)
    out = tmp_path / "out"
    run([folder], out, jobs=0)
    files = sorted(folder.iterdir())
    files[0].write_text(files[0].read_text(encoding="utf-8") + "\n新建东郊变电站工程，已开工。\n",
                        encoding="utf-8")                       # changed
    files[1].unlink()                                           # deleted
    (folder / "zz_new.txt").write_text("新建北山隧道工程，总投资3亿元，进展缓慢。\n", encoding="utf-8")
    summary = run([folder], out, jobs=0)
    assert summary.processed == 2 and summary.reused == len(files) - 2
    fresh = tmp_path / "fresh"
    run([folder], fresh, jobs=0, resume=False)
    assert_same_tables(fresh, out)
    paths = set(tables(out)["documents"].column("path").to_pylist())
    assert files[1].name not in paths and "zz_new.txt" in paths


def test_same_content_twice_is_marked_duplicate_of_the_first(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = raw_reports()[0].read_text(encoding="utf-8")
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "b copy.txt").write_text(text, encoding="utf-8")
    summary = run([folder], tmp_path / "out", jobs=0)
    docs = tables(tmp_path / "out")["documents"].to_pylist()
    first, second = docs
    assert first["status"] == "ok" and second["status"] == "duplicate"
    assert second["duplicate_of"] == first["doc_id"] and "a.txt" in second["error"]
    assert second["content_hash"] == first["content_hash"]
    facts = tables(tmp_path / "out")["quantities"].column("doc_id").to_pylist()
    assert set(facts) == {first["doc_id"]}, "a duplicate's facts are not counted twice"
    assert summary.failed == [], "a duplicate is not a failure"


def test_time_budget_turns_a_slow_document_into_an_error_row(tmp_path: Path, monkeypatch) -> None:
    import pipeline.run as run_module

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(raw_reports()[0].read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "slow.txt").write_text("SLOW", encoding="utf-8")
    real_call = run_module.Pipeline.__call__

    def hanging_call(self, doc_id, text):  # type: ignore[no-untyped-def]
        if text.strip() == "SLOW":
            time.sleep(3600)                # a document that would hang the batch
        return real_call(self, doc_id, text)

    # forked worker processes (not the default spawned ones) run the patched class
    monkeypatch.setattr(run_module.Pipeline, "__call__", hanging_call)
    started = time.monotonic()
    summary = run([folder], tmp_path / "out", jobs=1, time_budget=3, start_method="fork")
    assert time.monotonic() - started < 60
    docs = {d["path"]: d for d in tables(tmp_path / "out")["documents"].to_pylist()}
    assert docs["good.txt"]["status"] == "ok"
    assert docs["slow.txt"]["status"] == "error" and "time budget" in docs["slow.txt"]["error"]
    assert [f[0] for f in summary.failed] == ["slow.txt"]


# ---- the command line: exit codes, the log, a SIGKILL midway -------------------------------------

def keyproj(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                          timeout=600, **kw)


def test_exit_codes_and_log(tmp_path: Path) -> None:
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.txt").write_text(raw_reports()[0].read_text(encoding="utf-8"), encoding="utf-8")
    assert keyproj("run", str(good), "--out", str(tmp_path / "o1"), "-q").returncode == 0

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.txt").write_text(raw_reports()[0].read_text(encoding="utf-8"), encoding="utf-8")
    (bad / "junk.txt").write_bytes(bytes(range(256)) * 64)
    result = keyproj("run", str(bad), "--out", str(tmp_path / "o2"))
    assert result.returncode == 1
    assert "junk.txt" in result.stderr
    log = (tmp_path / "o2" / "keyproj.log").read_text(encoding="utf-8")
    assert "junk.txt" in log and "run finished" in log

    assert keyproj("run", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o3")).returncode == 2
    assert keyproj("run", str(good), "--jobs", "-1").returncode == 2
    assert keyproj("run", str(good), "--no-such-option").returncode == 2


def test_sigkill_midway_then_rerun_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "in", copies=10)            # 40 documents
    out = tmp_path / "out"
    # an earlier complete run on part of the folder: its tables must survive the kill
    early = tmp_path / "early"
    make_folder(early, copies=1)
    for f in early.iterdir():
        f.rename(folder / f.name)                           # same names: they overwrite 00_*
    keyproj("run", str(folder), "--out", str(out), "--jobs", "1", "-q")
    before = tables(out)
    changed = sorted(folder.iterdir())[::3]                 # change a third of the documents
    for f in changed:
        f.write_text(f.read_text(encoding="utf-8") + "\n新建南湖公园工程，已完工。\n", encoding="utf-8")

    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(folder), "--out", str(out),
                             "--jobs", "1", "--checkpoint-every", "2", "-q"],
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    work = out / WORK_DIR
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if work.is_dir() and len([p for p in work.iterdir() if p.name.startswith("part-")]) >= 2:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before it could be killed; make the folder bigger"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()

    middle = tables(out)                                    # the old tables, intact and readable
    for name in TABLES:
        assert middle[name].equals(before[name])

    result = keyproj("run", str(folder), "--out", str(out), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    processed = int(re.search(r"\((\d+) processed", result.stderr).group(1))
    assert processed < len(changed), "the rerun reuses the documents checkpointed before the kill"
    fresh = tmp_path / "fresh"
    keyproj("run", str(folder), "--out", str(fresh), "--jobs", "1", "-q")
    assert_same_tables(fresh, out)
