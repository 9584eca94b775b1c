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

from pipeline.batch.run import run
from pipeline.batch.store import WORK_DIR

from conftest import raw_reports

TABLES = ("documents", "sections", "quantities", "projects", "statuses", "checks")


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
    import pipeline.batch.run as run_module

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


# ---- the tables change as one set ------------------------------------------------------------------

class Killed(BaseException):
    """Stands for SIGKILL at one step of a run's end (nothing after it runs, no cleanup)."""


def read_tables(out: Path) -> dict:
    """The tables as keyproj's readers see them (query, export, report, eval)."""
    from pipeline.outputs.query import load_table

    return {t: load_table(out, t) for t in TABLES}


@pytest.mark.parametrize("kill_at", range(1, 13))
def test_a_run_killed_between_renames_leaves_one_runs_tables(tmp_path: Path, monkeypatch, kill_at: int) -> None:
    folder = make_folder(tmp_path / "in", copies=1)
    out = tmp_path / "out"
    run([folder], out, jobs=0)
    old = read_tables(out)
    for f in sorted(folder.iterdir())[::2]:
        f.write_text(f.read_text(encoding="utf-8") + "\n新建南湖公园工程，已完工。\n", encoding="utf-8")
    run([folder], tmp_path / "fresh", jobs=0, resume=False)
    new = read_tables(tmp_path / "fresh")

    renames = 0
    real_replace = os.replace

    def replace_until_killed(src, dst):  # type: ignore[no-untyped-def]
        nonlocal renames
        renames += 1
        if renames == kill_at:
            raise Killed
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_until_killed)
    try:
        run([folder], out, jobs=0)
    except Killed:
        pass
    monkeypatch.undo()
    seen = read_tables(out)
    assert all(seen[t].equals(old[t]) for t in TABLES) or all(seen[t].equals(new[t]) for t in TABLES), \
        "readers see the tables of one run, never a mix"
    run([folder], out, jobs=0)
    assert all(read_tables(out)[t].equals(new[t]) for t in TABLES)


def test_an_out_written_before_manifests_is_read_and_resumed(folder: Path, fresh_out: Path, tmp_path: Path) -> None:
    from pipeline.batch.manifest import MANIFEST, TABLES_DIR

    out = tmp_path / "old"
    out.mkdir()
    for t in TABLES:        # the layout of earlier versions: plain files, no manifest
        (out / f"{t}.parquet").write_bytes((fresh_out / f"{t}.parquet").read_bytes())
    assert all(read_tables(out)[t].equals(tables(fresh_out)[t]) for t in TABLES)
    again = run([folder], out, jobs=0)
    assert again.processed == 0
    assert (out / MANIFEST).is_file() and (out / TABLES_DIR).is_dir()
    assert_same_tables(fresh_out, out)


# ---- every file gets a row; outputs are never inputs ----------------------------------------------

def test_a_file_nested_100_folders_deep_gets_its_row(tmp_path: Path) -> None:
    deep = tmp_path / "in"
    for i in range(100):
        deep = deep / f"d{i}"
    deep.mkdir(parents=True)
    (deep / "report.txt").write_text("城南大道工程总投资3亿元，已竣工。", encoding="utf-8")
    run([tmp_path / "in"], tmp_path / "out", jobs=0)
    [row] = tables(tmp_path / "out")["documents"].to_pylist()
    assert row["path"] == "/".join(f"d{i}" for i in range(100)) + "/report.txt"
    assert row["status"] == "ok"


def test_out_inside_the_input_folder_is_never_read(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "in", copies=1)
    out = folder / "tables"
    first = run([folder], out, jobs=0)
    (out / "csv").mkdir()
    (out / "csv" / "projects.csv").write_text("name\n城南大道工程\n", encoding="utf-8")   # an export
    second = run([folder], out, jobs=0)
    paths = tables(out)["documents"].column("path").to_pylist()
    assert paths == sorted(p.name for p in folder.iterdir() if p.is_file())
    assert (first.processed, second.processed, second.reused) == (len(paths), 0, len(paths))


# ---- errors about OUT itself: one line, exit 2 -------------------------------------------------------

def test_out_that_is_a_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    good = make_folder(tmp_path / "in", copies=1)
    (tmp_path / "out").write_text("not a folder")
    result = keyproj("run", str(good), "--out", str(tmp_path / "out"), "-q")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"error: the output folder is a file, not a folder ({tmp_path / 'out'})"]


def test_read_only_out_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    from pipeline.batch.runlog import RunLog
    from pipeline.batch.store import OutputError

    good = make_folder(tmp_path / "in", copies=1)
    out = tmp_path / "out"
    out.mkdir()
    if os.geteuid() == 0:       # root writes to a read-only folder anyway: simulate the refusal
        def refuse(self, lines):  # type: ignore[no-untyped-def]
            raise PermissionError(13, "Permission denied", str(self.path))
        monkeypatch.setattr(RunLog, "_write", refuse)
    else:
        out.chmod(0o555)
    try:
        with pytest.raises(OutputError) as error:
            run([good], out, jobs=0)
    finally:
        out.chmod(0o755)
    assert str(error.value) == f"cannot write the tables: permission denied ({out / 'keyproj.log'})"


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# what fills up, the error as it comes (pyarrow's carry no errno), the words the run says
FULL = {
    "disk": (lambda out: OSError(28, "No space left on device", str(out / "x")), "disk full"),
    # `ulimit -f`: a file over the size limit (before: pyarrow's raw message, the work folder
    # left full and no line in the log)
    "size limit": (lambda out: OSError("Error writing bytes to file. Detail: [errno 27] File too large"),
                   "a file over the size limit"),
}


@pytest.mark.parametrize("full", sorted(FULL))
@pytest.mark.parametrize("fails_at", ["checkpoint", "final tables"])
def test_a_full_disk_is_one_error_and_leaves_no_temporary_files(tmp_path: Path, monkeypatch, fails_at: str,
                                                                 full: str) -> None:
    """ENOSPC or EFBIG simulated where the run writes: a checkpoint part, or the final tables."""
    from pipeline.batch import store
    from pipeline.batch.store import OutputError

    folder = make_folder(tmp_path / "in", copies=1)
    out = tmp_path / "out"
    run([folder], out, jobs=0)
    before, files_before = read_tables(out), listing(out)
    (folder / "zz_new.txt").write_text("新建北山隧道工程，总投资3亿元。\n", encoding="utf-8")

    def disk_full(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise FULL[full][0](out)

    if fails_at == "checkpoint":
        monkeypatch.setattr(store.ipc, "new_file", disk_full)
    else:
        monkeypatch.setattr(store._GroupWriter, "add", disk_full)
    with pytest.raises(OutputError, match=rf"^cannot write the tables: {FULL[full][1]}"):
        run([folder], out, jobs=0, resume=False)
    monkeypatch.undo()
    assert all(read_tables(out)[t].equals(before[t]) for t in TABLES)
    assert listing(out) == files_before, "nothing of the failed run is left but its log lines"
    assert f"run failed: cannot write the tables: {FULL[full][1]}" in (out / "keyproj.log").read_text(encoding="utf-8")


@pytest.mark.parametrize("table", TABLES)
def test_a_corrupt_earlier_table_is_set_aside_and_the_run_goes_on(folder: Path, fresh_out: Path,
                                                                   tmp_path: Path, table: str) -> None:
    out = tmp_path / "out"
    keyproj("run", str(folder), "--out", str(out), "-q", "--jobs", "0")
    with open(out / f"{table}.parquet", "r+b") as fh:
        fh.truncate(100)                    # a disk error, or a copy cut short
    result = keyproj("run", str(folder), "--out", str(out), "--jobs", "0")
    assert result.returncode == 0, result.stderr
    assert "set aside an unreadable earlier table" in result.stderr
    assert len(list(out.glob(f"{table}.parquet.corrupt-*"))) == 1
    assert "set aside" in (out / "keyproj.log").read_text(encoding="utf-8")
    assert_same_tables(fresh_out, out)


@pytest.mark.parametrize(("documents", "workers", "bundle"), [
    # documents to do  workers  small documents a message
    (1,                1,       1),         # one file: sent alone
    (7,                2,       1),         # a few: each worker gets several messages
    (40,               1,       10),        # a quarter of the worker's share
    (2000,             1,       16),        # at most settings.BUNDLE_TASKS
    (2000,             2,       16),
    (100,              4,       6),
])
def test_small_documents_go_in_bundles_of_a_quarter_of_a_workers_share_at_most(documents, workers, bundle):
    from pipeline import settings
    from pipeline.batch.run import bundle_size

    assert settings.BUNDLE_TASKS == 16
    assert bundle_size(documents, workers) == bundle


def test_a_run_of_many_small_files_sends_them_in_bundles_and_keeps_each(tmp_path, monkeypatch):
    """Forty tiny files, one worker: bundles of ten go out, and every file has its row, in
    the order of the files, as when each went alone."""
    from pipeline.batch import pool as pool_module

    sent: list[int] = []
    send = pool_module._Worker.send

    def recorded(self, item):  # type: ignore[no-untyped-def]
        send(self, item)
        sent.append(len(item.members()))

    monkeypatch.setattr(pool_module._Worker, "send", recorded)
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(40):
        (folder / f"{i:02d}.txt").write_text(f"青岚县第{i}号文件\n城南大道改造工程已开工。\n", "utf-8")
    run([folder], tmp_path / "out", jobs=1)
    assert sent == [10, 10, 10, 10]
    documents = pq.read_table(tmp_path / "out" / "documents.parquet").to_pydict()
    assert documents["path"] == [f"{i:02d}.txt" for i in range(40)]
    assert set(documents["status"]) == {"ok"}


def test_a_workers_answer_packed_from_rows_is_the_one_packed_from_columns():
    """`packed_rows` (what a worker sends) equals `packed(to_columns(rows))` on the rows of
    invented documents: one with facts, one failed, one with a missing cell (an error)."""
    from pipeline.batch.run import Task, failure_rows, packed, packed_rows, rows_for
    from pipeline.extract import Pipeline
    from pipeline.rows import to_columns

    pipeline = Pipeline()
    text = "青岚县重点项目\n城南大道改造工程已开工，总投资3.5亿元。\n"
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.txt"
        path.write_text(text, "utf-8")
        task = Task(str(path), "a.txt", "a", 10_000_000, None, None, len(text.encode()))
        for rows in (rows_for(pipeline, task), failure_rows(pipeline.rules, task, "error", "boom")):
            assert packed_rows(rows) == packed(to_columns(rows))
        rows = rows_for(pipeline, task)
        del rows["documents"][0]["title"]
        with pytest.raises(ValueError, match="not the schema's"):
            packed_rows(rows)


def test_a_workers_columns_and_file_bytes_give_the_rows_answer(tmp_path: Path, monkeypatch) -> None:
    """`columns_for` (a worker's rows as columns, a big text sent as its file's bytes read
    again) packs to the same answer as `rows_for`'s dict rows: a UTF-8 file, one with CRLF
    line breaks and one in GBK (whose bytes are not the text's UTF-8, so the text is
    encoded); a file edited after it was read is never sent as bytes that are not the text."""
    from pipeline import settings
    from pipeline.batch import run as batch_run
    from pipeline.batch.run import Task, columns_for, packed, packed_rows, rows_for
    from pipeline.extract import Pipeline
    from pipeline.io import read as reader
    from pipeline.rows import to_columns

    monkeypatch.setattr(settings, "BESIDE_BYTES", 64)     # every text here counts as big
    pipeline = Pipeline()
    text = "青岚县重点项目\n城南大道改造工程已开工，总投资3.5亿元。\n北郊水厂尚未开工。\n" * 3
    files = {"utf8.txt": text.encode("utf-8"), "crlf.txt": text.replace("\n", "\r\n").encode("utf-8"),
             "gbk.txt": text.encode("gbk")}
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        task = Task(str(path), name, name, 10_000_000, None, None, len(data))
        answer = packed_rows(columns_for(pipeline, task))
        assert answer == packed(to_columns(rows_for(pipeline, task)))
        assert answer["documents"][batch_run._text_column()] == [text.encode("utf-8")]

    path = tmp_path / "utf8.txt"
    task = Task(str(path), "utf8.txt", "u", 10_000_000, None, None, len(files["utf8.txt"]))
    read_again = reader.read_again

    def edited_then_read(*args):        # edited between the check and the second read
        path.write_bytes(text.replace("开工", "完工").encode("utf-8"))
        return read_again(*args)

    monkeypatch.setattr(reader, "read_again", edited_then_read)
    with pytest.raises(reader.FileChanged):
        columns_for(pipeline, task)
    monkeypatch.setattr(reader, "read_again", read_again)
    path.write_bytes(files["utf8.txt"])
    unchanged = reader.unchanged

    def edited_then_checked(*args):     # edited after the read, before the check: the text encoded
        path.write_bytes(text.replace("开工", "竣工").encode("utf-8"))
        return unchanged(*args)

    monkeypatch.setattr(reader, "unchanged", edited_then_checked)
    answer = packed_rows(columns_for(pipeline, task))
    assert answer["documents"][batch_run._text_column()] == [text.encode("utf-8")]
