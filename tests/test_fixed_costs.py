"""Fixed costs of a run: a worker is warm before its first document, no pattern is escaped
per document, and the process that plans the run and writes the tables never loads the
extraction stages."""

from __future__ import annotations

import os
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from pipeline.batch import run as batch_run
from pipeline.rules.loader import load_rules
from pipeline.stages import ledger_rules as ledger_rules_module
from pipeline.stages import region
from pipeline.text import normalise


def test_a_worker_builds_what_stages_build_on_first_use_before_its_first_document():
    rules = load_rules()
    region.gazetteer.cache_clear()
    batch_run._init_worker(str(rules.directory))
    pipeline = batch_run._WORKER_PIPELINE
    assert pipeline is not None
    # built once by the warm-up, then only looked up
    assert region.gazetteer.cache_info().currsize == 1
    seg = pipeline.projects.segmenter
    assert seg.lexicon is not None or seg._blocks, "jieba's routes are warm (in C, or cached in Python)"
    # and the warm-up is a real document: it finds what a report holds
    ex = pipeline("doc", batch_run.WARM_UP_TEXT)
    assert {p.name for p in ex.projects} >= {"青岚至石门公路改造工程", "北郊水厂"}


@pytest.mark.parametrize(("char", "invisible"), [
    ("\u200b", True),      # zero-width space: 7\u200b35亿元 is 735亿元
    ("\ufeff", True),      # a byte-order mark inside the text
    ("\u00ad", True),      # soft hyphen
    ("\u202e", True),      # a bidi override
    (" ", False), ("\u3000", False), ("a", False), ("项", False), ("，", False),
])
def test_the_invisible_characters_are_found_once_with_the_rules_not_by_each_worker(char, invisible):
    rules = load_rules()
    assert (char in rules.normalise.invisible_chars) is invisible
    assert bool(rules.normalise.invisible.fullmatch(char)) is invisible


def test_a_task_pickles_as_the_tuple_of_all_its_fields():
    import dataclasses
    import pickle

    task = batch_run.Task("in/a.txt", "a.txt", "d1", 1000, "ab" * 32, ("d0", "b.txt"), 12)
    assert pickle.loads(pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL)) == task
    # a field added to Task and forgotten in its __reduce__ would be lost on the way to a worker
    assert len(task.__reduce__()[1]) == len(dataclasses.fields(batch_run.Task))


def test_planning_a_run_and_writing_its_tables_imports_no_extraction_stage():
    code = ("import sys; import pipeline.batch.run, pipeline.cli, pipeline.batch.store, pipeline.batch.ledger; "
            "print(sorted(m for m in sys.modules if m in ('pipeline.extract', 'pipeline.rows', 'jieba', 'marisa_trie') "
            "or m.startswith(('pipeline.stages.projects', 'pipeline.stages.names', 'pipeline.stages.quantities'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_pattern_is_escaped_per_document(monkeypatch):
    import re

    import regex

    pipeline = batch_run.warm_pipeline(load_rules())
    calls = []
    for module in (re, regex):
        escape = module.escape
        monkeypatch.setattr(module, "escape", lambda s, *a, _escape=escape, **k: calls.append(s) or _escape(s, *a, **k))
    docs = ["一、交通\n滨海大道改造工程即将完工，该工程累计完成投资4.2亿元。",
            "二、水利\n东坑水库、黄泥垄水库等工程稳步推进，其中东坑水库已完成主体。",
            "三、产业\n恒川智能装备制造园区项目尚未开工，计划年内动工建设。"]
    for i, text in enumerate(docs):
        assert pipeline(f"d{i}", text).projects     # real documents, with projects found
    assert calls == []


def _recorded_pools(monkeypatch) -> list:
    """Every WorkerPool a run starts, kept for inspection after the run."""
    from pipeline.batch import pool as pool_module

    pools: list = []
    original = pool_module.WorkerPool

    class Recorded(original):           # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.processes = [w.process for w in self._workers]
            pools.append(self)

    monkeypatch.setattr(pool_module, "WorkerPool", Recorded)
    return pools


def test_the_workers_start_before_this_process_loads_pyarrow_and_plans(tmp_path, monkeypatch):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("城南大道改造工程已开工，总投资3.5亿元。", "utf-8")
    pools = _recorded_pools(monkeypatch)
    order: list[str] = []
    lean = batch_run._lean_arrow_memory
    monkeypatch.setattr(batch_run, "_lean_arrow_memory",
                        lambda: order.append(f"pyarrow loaded, {len(pools)} pool(s) started") or lean())
    summary = batch_run.run([tmp_path / "in"], tmp_path / "out", jobs=1, start_method="fork")
    assert order == ["pyarrow loaded, 1 pool(s) started"]
    assert summary.processed == 1 and summary.facts["projects"] >= 1
    assert not any(p.is_alive() for p in pools[0].processes)


@pytest.mark.parametrize("case", ["OUT is held by another run", "every document is reused"])
def test_workers_started_early_never_outlive_a_run_that_needs_none(tmp_path, monkeypatch, case):
    from pipeline.batch.store import OutputBusy, lock_out

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("北郊水厂尚未开工。", "utf-8")
    out = tmp_path / "out"
    if case == "every document is reused":
        batch_run.run([tmp_path / "in"], out, jobs=0)
    pools = _recorded_pools(monkeypatch)
    if case == "OUT is held by another run":
        out.mkdir()
        with lock_out(out), pytest.raises(OutputBusy):
            batch_run.run([tmp_path / "in"], out, jobs=1, start_method="fork")
    else:
        summary = batch_run.run([tmp_path / "in"], out, jobs=1, start_method="fork")
        assert summary.reused == 1 and summary.processed == 0
    assert len(pools) == 1 and pools[0].size == 0
    assert not any(p.is_alive() for p in pools[0].processes)


@pytest.mark.parametrize(("platform", "pyarrow_loaded", "threads", "forked"), [
    # where this process is        pyarrow loaded  threads running  first workers forked
    ("linux",                      False,          1,               True),
    ("linux",                      True,           1,               False),
    ("linux",                      False,          3,               False),
    ("darwin",                     False,          1,               False),
])
def test_the_first_workers_are_forked_only_from_a_lean_process(monkeypatch, platform, pyarrow_loaded,
                                                               threads, forked):
    import threading

    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(threading, "active_count", lambda: threads)
    if pyarrow_loaded:
        monkeypatch.setitem(sys.modules, "pyarrow", sys.modules.get("pyarrow") or object())
    else:
        monkeypatch.delitem(sys.modules, "pyarrow", raising=False)
    assert batch_run._fork_is_lean() == forked


def test_a_small_run_writes_and_reads_its_tables_without_arrow_datasets_or_compute(tmp_path):
    # pyarrow.dataset (which pq.read_table builds) cost 0.3-0.6 s of a one-file run's wall time,
    # pyarrow.compute (a cast, a filter) 0.1 s; a run's tables need neither
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("城南大道改造工程已开工，总投资3.5亿元。", "utf-8")
    code = ("import sys, atexit; from pipeline.cli import main; "
            "atexit.register(lambda: print(sorted(m for m in ('pyarrow.dataset', 'pyarrow.compute') "
            "if m in sys.modules))); "
            f"sys.argv = ['keyproj', 'run', {str(tmp_path / 'in')!r}, '--out', {str(tmp_path / 'out')!r}, "
            "'--jobs', '0', '-q']; main()")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert pq.read_table(tmp_path / "out" / "projects.parquet").num_rows == 1
    assert out.stdout.strip() == "[]"


def test_the_totals_across_reports_are_the_same_filtered_in_python_or_by_arrow(monkeypatch):
    import pyarrow as pa

    from pipeline.batch import ledger

    rows = [{"doc_id": d, "project_id": p, "role": role, "kind": "money", "value": v, "text": "x", "start": 0, "end": 1}
            for d, p, role, v in [("a", 0, "total_investment", 5.0), ("a", 0, "total_investment", 6.0),
                                  ("a", 1, "completed_investment", 2.0), ("b", 0, None, 1.0),
                                  ("b", 0, "total_investment", 3.0)]]
    table = pa.Table.from_pylist(rows)
    in_python = ledger._totals(ledger._total_investment_rows(table))
    monkeypatch.setattr(ledger, "_FILTER_IN_PYTHON", 0)
    by_arrow = ledger._totals(ledger._total_investment_rows(table))
    assert in_python == by_arrow
    assert {k: q["value"] for k, q in by_arrow.items()} == {("a", 0): 5.0, ("b", 0): 3.0}



def test_a_forked_worker_uses_the_rules_its_parent_has_loaded(tmp_path, monkeypatch):
    rules = load_rules()
    calls = tmp_path / "load_rules calls"
    monkeypatch.setenv("KEYPROJ_TEST_RULES_CALLS", str(calls))
    monkeypatch.setattr(batch_run, "load_rules", _recording_load_rules)   # the forked worker has it too
    _forked_run_of_one_file(tmp_path, rules, "城南大道改造工程已开工，总投资3.5亿元。")
    assert not calls.exists(), f"the worker read the rules again: {calls.read_text()}"
    assert batch_run._FORKED_RULES is None, "the parent keeps no reference once its workers are forked"


def test_a_forked_worker_finds_the_ledger_patterns_its_parent_compiled(tmp_path, monkeypatch):
    # the parent needs them for the tables' ledger, each worker for its rows: compiled once,
    # before the fork, not again in every worker
    rules = load_rules()
    calls = tmp_path / "compiled by"
    monkeypatch.setenv("KEYPROJ_TEST_LEDGER_CALLS", str(calls))
    monkeypatch.setattr(ledger_rules_module, "_date_pattern", _recording_date_pattern)
    ledger_rules_module.ledger_rules.cache_clear()
    try:
        _forked_run_of_one_file(tmp_path, rules, "城南大道改造工程于2023年5月开工，总投资3.5亿元。")
    finally:
        ledger_rules_module.ledger_rules.cache_clear()     # no entry made with the recording pattern is kept
    assert calls.read_text().split() == [str(os.getpid())], "compiled in this process only, once"


def _forked_run_of_one_file(tmp_path, rules, text):
    """`batch_run.run` with one forked worker on one file holding `text`, which must give a
    project."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(text, "utf-8")
    summary = batch_run.run([tmp_path / "in"], tmp_path / "out", rules, jobs=1, start_method="fork")
    assert summary.processed == 1 and summary.facts["projects"] >= 1


def _recording_date_pattern(*args):
    """ledger_rules._date_pattern, noting the id of each process that calls it in the file
    $KEYPROJ_TEST_LEDGER_CALLS."""
    with open(os.environ["KEYPROJ_TEST_LEDGER_CALLS"], "a") as fh:
        fh.write(f"{os.getpid()}\n")
    return _DATE_PATTERN(*args)


_DATE_PATTERN = ledger_rules_module._date_pattern


def _recording_load_rules(directory=None):
    """load_rules, noting each call in the file $KEYPROJ_TEST_RULES_CALLS (written by
    whichever process calls it)."""
    import os

    with open(os.environ["KEYPROJ_TEST_RULES_CALLS"], "a") as fh:
        fh.write(f"{directory}\n")
    return load_rules(directory)


# ---- the command line's fixed cost -----------------------------------------------------------------

HEAVY_FOR_THE_CLI = ("pydantic", "rich", "pyarrow", "numpy", "pandas", "cloudpickle", "pyarrow._s3fs",
                     "pipeline.batch.run", "pipeline.extract")


@pytest.mark.parametrize(("args", "loaded"), [
    # keyproj …                                    heavy modules it loads
    ("--help",                                     []),
    ("run --help",                                 []),
    ("rn",                                         []),            # no such command
    ("run",                                        []),            # a missing argument
    ("run IN --out OUT --time-budget inf",         []),            # an option refused by keyproj
    ("run IN --out OUT --jobs -1",                 []),
    ("run IN --out OUT --jobs 0 -q",               ["pipeline.batch.run", "pipeline.extract", "pyarrow"]),  # no numpy
    ("run IN --out OUT --jobs 1 -q",               ["pipeline.batch.run", "pyarrow"]),  # stages in the worker
])
def test_the_command_line_loads_no_heavy_module_it_does_not_need(tmp_path, args, loaded):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("城南大道改造工程已开工，总投资3.5亿元。", "utf-8")
    argv = [{"IN": str(tmp_path / "in"), "OUT": str(tmp_path / "out")}.get(a, a) for a in args.split()]
    code = ("import sys, atexit; from pipeline.cli import main; "
            f"atexit.register(lambda: print(sorted(m for m in {HEAVY_FOR_THE_CLI!r} if m in sys.modules))); "
            f"sys.argv = ['keyproj', *{argv!r}]; main()")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip().splitlines()[-1] == str(loaded), out.stderr


SIMPLE_VALUES = [
    # annotation        values from the command line (or defaults), each made as typer's pydantic makes it
    ("int",             ["3", "+3", "-3", "007", 3, " 3", "3.0", "1_000", "٣", "x", "", True, 2.0]),
    ("float",           ["1", "1.5", "-1e3", ".5", "5.", "nan", "inf", "-inf", "Infinity", " 1", "1_0", "x", 2, 2.5]),
    ("str",             ["x", "", " a ", 3]),
    ("bool",            [True, False, "yes", None]),
    ("Path",            ["a", "", " a", "IN", "MISSING"]),
    ("Path | None",     ["a", "", "MISSING"]),
    ("int | None",      ["3", "x", None]),
    ("str | None",      ["x", None]),
    ("list[Path]",      [("a", "IN"), ["a"], ("",), ()]),
    ("list[Path] | None", [("a", "b"), ["a"], None]),
    ("list[str] | None",  [("a",), ("a", "b"), None]),
]


@pytest.mark.parametrize(("annotation", "values"), SIMPLE_VALUES, ids=[a for a, _ in SIMPLE_VALUES])
def test_an_option_value_made_without_pydantic_is_the_one_typer_makes(tmp_path, annotation, values):
    import math
    from pathlib import Path  # noqa: F401 - named by the annotations

    import typer
    from typer._coercion import build_runtime_param, resolve_type_descriptor
    from typer.models import OptionInfo

    from pipeline import cli

    (tmp_path / "IN").mkdir()
    typ = eval(annotation)      # noqa: S307 - the table's own annotations
    info = OptionInfo()
    coerce = cli._simple_coercion(typ, info)
    assert coerce is not None, f"{annotation} is one of the simple types"
    pydantic_param = build_runtime_param(resolve_type_descriptor(typ, info))
    made = 0
    for value in values:
        value = str(tmp_path / value) if value in ("IN", "MISSING") else value
        value = type(value)(str(tmp_path / v) if v == "IN" else v for v in value) if isinstance(value, tuple) else value
        if value is None:
            continue                # typer gives None without coercing it
        ours = coerce(value, lambda p: p)
        try:
            theirs = pydantic_param._coerce_value(value, param=None, ctx=None)
        except (typer.BadParameter, ValueError):
            theirs = "refused"
        if ours is cli._DECLINED:
            continue                # typer's coercion makes it, as before
        made += 1
        same = (type(ours) is type(theirs)
                and (ours == theirs or (isinstance(ours, float) and math.isnan(ours) and math.isnan(theirs))))
        assert same, f"{annotation}: {value!r} made {ours!r}, typer makes {theirs!r}"
    assert made, "the common values are made without pydantic"


# ---- per-document overhead ----------------------------------------------------------------------

class _UnwalkableTable(dict):
    """The simplification table, refusing to be walked key by key (4,200 keys per document)."""

    def __iter__(self):
        raise AssertionError("the table was walked for one document")


@pytest.mark.parametrize(("text", "simplified"), [
    # a document's text        simplified (same length)
    ("城南大道改造工程已開工",    "城南大道改造工程已开工"),
    ("無錫市重點項目",           "无锡市重点项目"),
    ("plain ascii, 3.5亿元",    "plain ascii, 3.5亿元"),
])
def test_simplifying_a_document_looks_up_its_own_characters_not_the_whole_table(monkeypatch, text, simplified):
    rules = load_rules()
    table = _UnwalkableTable(normalise._replacements(rules))
    monkeypatch.setattr(normalise, "_replacements", lambda rules: table)
    assert normalise.to_simplified(text, rules) == simplified


class _RecordedReads:
    """A file opened by `open_regular`, noting how many bytes each read asked for."""

    def __init__(self, path, handle, asked: list[int], grow: bytes = b"") -> None:
        self._path, self._handle, self._asked, self._grow = path, handle, asked, grow

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._handle.close()

    def fileno(self) -> int:
        return self._handle.fileno()

    def read(self, n: int = -1) -> bytes:
        self._asked.append(n)
        if self._grow:      # the file grows after it was opened, before it is read
            with open(self._path, "ab") as fh:
                fh.write(self._grow)
            self._grow = b""
        return self._handle.read(n)


@pytest.mark.parametrize(("size", "max_bytes", "grows", "read", "largest_ask"), [
    # bytes in the file  limit   grows by  bytes read          largest read asked for
    (100,                1000,   0,        100,                101),
    (0,                  1000,   0,        0,                  1),
    (1000,               1000,   0,        1000,               1001),
    (100,                1000,   50,       150,                1000 + 1 - 101), # read on up to the limit
    (100,                120,    50,       121,                101),            # grown over it: one past
])
def test_a_file_is_read_with_a_buffer_of_its_own_size_not_of_the_limit(tmp_path, monkeypatch, size, max_bytes,
                                                                       grows, read, largest_ask):
    from pipeline.io import read as read_module

    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * size)
    asked: list[int] = []
    opener = read_module.open_regular
    monkeypatch.setattr(read_module, "open_regular",
                        lambda p: _RecordedReads(p, opener(p), asked, b"y" * grows))
    data = read_module._read_capped(path, max_bytes)
    assert (len(data), max(asked)) == (read, largest_ask)
    assert data == (b"x" * size + b"y" * grows)[:max_bytes + 1]


@pytest.mark.parametrize("size", [0, 1, 100, (1 << 20) + 7])
def test_a_file_is_hashed_in_chunks_no_bigger_than_itself(tmp_path, monkeypatch, size):
    import hashlib

    path = tmp_path / "a.txt"
    path.write_bytes(bytes(range(256)) * (size // 256) + b"z" * (size % 256))
    asked: list[int] = []
    opener = batch_run.open_regular
    monkeypatch.setattr(batch_run, "open_regular", lambda p: _RecordedReads(p, opener(p), asked))
    assert batch_run.file_hash(path, size, 1 << 30) == hashlib.sha256(path.read_bytes()).hexdigest()
    assert max(asked) == min(size + 1, 1 << 20)


def test_a_documents_rows_use_patterns_compiled_once(monkeypatch):
    # regex's module functions (regex.findall(pattern_text, …)) look the pattern up in a cache
    # on every call; patterns a document's rows need are compiled once, as the stages' are
    import regex

    from pipeline.rows import document_rows, to_columns

    pipeline = batch_run.warm_pipeline(load_rules())
    docs = [("a", "reports/county_2023_summary.txt", "二、交通\n滨海大道改造工程已开工，总投资4.2亿元。"),
            ("b", "reports/plan_2024.txt", "东坑水库工程稳步推进，完成投资1.5亿元。")]
    to_columns(document_rows(batch_run.process(pipeline, _source(*docs[0])), pipeline.rules))   # first use
    calls = []
    for name in ("compile", "search", "match", "fullmatch", "findall", "finditer", "sub", "split"):
        function = getattr(regex, name)
        monkeypatch.setattr(regex, name, lambda *a, _f=function, _n=name, **k: calls.append(_n) or _f(*a, **k))
    for doc in docs:
        rows = document_rows(batch_run.process(pipeline, _source(*doc)), pipeline.rules)
        assert rows["projects"] and rows["documents"][0]["year"] in (2023, 2024)
    assert calls == []


def _source(doc_id: str, rel: str, text: str):
    from pipeline.io.read import SourceDocument

    return SourceDocument(doc_id, rel, "txt", "utf-8", text, "ok", None, None, len(text.encode()))


# ---- the end of a small run ---------------------------------------------------------------------

def test_the_ledgers_patterns_are_compiled_before_the_run_waits_for_its_first_document(tmp_path, monkeypatch):
    from pipeline.batch import ledger
    from pipeline.batch import pool as pool_module
    from pipeline.stages.ledger_rules import ledger_rules

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("城南大道改造工程已开工，总投资3.5亿元。", "utf-8")
    order: list[str] = []
    monkeypatch.setattr(ledger, "ledger_rules", lambda rules: order.append("ledger rules") or ledger_rules(rules))
    collect = pool_module.WorkerPool._collect
    monkeypatch.setattr(pool_module.WorkerPool, "_collect",
                        lambda self, answers: order.append("waiting for a worker") or collect(self, answers))
    summary = batch_run.run([tmp_path / "in"], tmp_path / "out", jobs=1, start_method="fork")
    assert summary.processed == 1
    assert order[0] == "ledger rules" and "waiting for a worker" in order


def _slow_exit() -> None:
    import time

    time.sleep(60)      # a worker asked to end takes its time (killed once the run is over)
    os._exit(0)


def test_the_tables_are_written_while_the_workers_end_not_after(tmp_path, monkeypatch):
    from pipeline.batch import pool as pool_module
    from pipeline.batch import store as store_module

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("城南大道改造工程已开工，总投资3.5亿元。", "utf-8")
    pools = _recorded_pools(monkeypatch)
    monkeypatch.setattr(pool_module, "_end_worker", _slow_exit)         # the forked worker has it
    alive_at_finish: list[bool] = []
    finish = store_module.TableStore.finish
    monkeypatch.setattr(store_module.TableStore, "finish", lambda self, *a: alive_at_finish.append(
        any(p.is_alive() for p in pools[0].processes)) or finish(self, *a))
    summary = batch_run.run([tmp_path / "in"], tmp_path / "out", jobs=1, start_method="fork")
    assert summary.processed == 1 and summary.facts["projects"] >= 1
    assert alive_at_finish == [True], "the tables were finished only once the worker had ended"
    assert not any(p.is_alive() for p in pools[0].processes), "and the worker does not outlive the run"


_FORMAT_PATTERNS = ("_page_number", "_declared_charset", "_html_tag", "_html_space", "_html_wrap",
                    "_wrap_between_cjk")


def test_reading_plain_text_compiles_none_of_the_pdf_and_html_patterns(tmp_path):
    from pipeline.io import formats
    from pipeline.io.read import read_document

    for name in _FORMAT_PATTERNS:
        getattr(formats, name).cache_clear()
    (tmp_path / "a.txt").write_text("城南大道改造工程已开工。", "utf-8")
    (tmp_path / "b.html").write_text("<html><head><meta charset='utf-8'></head>"
                                     "<body><p>城南大道\n改造工程已开工。</p></body></html>", "utf-8")
    assert read_document(tmp_path / "a.txt", "a.txt").status == "ok"
    assert [n for n in _FORMAT_PATTERNS if getattr(formats, n).cache_info().currsize] == []
    page = read_document(tmp_path / "b.html", "b.html")
    assert page.status == "ok" and "城南大道改造工程已开工" in page.text     # compiled on first use, and used
    assert formats._declared_charset.cache_info().currsize == 1


class _ShortReads:
    """A file whose every read gives at most `most` bytes, as a network file system may."""

    def __init__(self, data: bytes, most: int) -> None:
        self._data, self._most, self._at = data, most, 0

    def read(self, n: int = -1) -> bytes:
        n = min(n, self._most)
        chunk = self._data[self._at:self._at + n]
        self._at += len(chunk)
        return chunk


@pytest.mark.parametrize(("size", "most_per_read", "asked", "got"), [
    # bytes in the file  most bytes a read gives  asked for  bytes read
    (100,                1000,                    101,       100),
    (100,                7,                       101,       100),      # short reads: read on to the end
    (100,                7,                       50,        50),       # no further than asked
    (0,                  7,                       1,         0),
    (1000,               1,                       1001,      1000),
])
def test_a_file_is_read_whole_however_few_bytes_each_read_gives(size, most_per_read, asked, got):
    from pipeline.io import read as read_module

    data = bytes(range(256)) * (size // 256) + b"z" * (size % 256)
    assert read_module._read_up_to(_ShortReads(data, most_per_read), asked) == data[:got]


# ---- a document's rows on their way from a worker ------------------------------------------------

@pytest.mark.parametrize("text", [
    "城南大道改造工程已开工，总投资3.5亿元，完成投资1.2亿元。",     # projects, quantities, statuses
    "一、总体情况\n全年经济运行平稳。",                               # sections only
    "",                                                                # an empty document
])
def test_a_workers_answer_holds_the_columns_of_the_rows_without_their_names(text):
    import pickle

    from pipeline.rows import document_rows, to_columns

    pipeline = batch_run.warm_pipeline(load_rules())
    columns = to_columns(document_rows(batch_run.process(pipeline, _source("d1", "a.txt", text)), pipeline.rules))
    answer = batch_run.packed(columns)
    assert batch_run.unpacked(pickle.loads(pickle.dumps(answer))) == columns
    assert "doc_id" not in pickle.dumps(answer).decode("latin-1")


@pytest.mark.parametrize(("change", "error"), [
    # the rows of a document                     refused with
    ("a column more than the schema's",          ValueError),
    ("a column of the schema missing",           ValueError),
    ("a column renamed",                         KeyError),
])
def test_rows_whose_columns_are_not_the_schemas_are_refused_on_the_way(change, error):
    columns = {"documents": {name: [None] for name in batch_run._column_names()["documents"]}}
    cols = columns["documents"]
    if change == "a column more than the schema's":
        cols["colour"] = ["red"]
    elif change == "a column of the schema missing":
        del cols["title"]
    else:
        cols["colour"] = cols.pop("title")
    with pytest.raises(error):
        batch_run.packed(columns)


@pytest.mark.parametrize(("given", "expected"), [
    # doc_id given        the document's id
    (None,                "made from the path"),
    ("a1b2c3-1",          "a1b2c3-1"),          # a run's: the same relative path under a second input
])
def test_a_document_read_for_a_run_has_the_runs_id_from_the_start(tmp_path, given, expected):
    from pipeline.io.read import doc_id_for, read_document

    (tmp_path / "a.txt").write_text("北郊水厂尚未开工。", "utf-8")
    source = read_document(tmp_path / "a.txt", "a.txt", doc_id=given)
    assert source.doc_id == (doc_id_for("a.txt") if expected == "made from the path" else expected)
    assert source.status == "ok" and source.text == "北郊水厂尚未开工。"


# ---- a worker with one document, the tables' fsyncs, the command's exit --------------------------

@pytest.mark.parametrize(("files", "jobs", "warm"), [
    # files in the run  --jobs  the workers run the warm-up document
    (1,                 1,      False),     # one file: its document builds what it needs
    (1,                 None,   False),     # all cores, one file: one worker, no warm-up
    (2,                 2,      False),     # one document each
    (3,                 2,      True),      # a worker has a second document to be warm for
    (40,                1,      True),
])
def test_a_worker_warms_up_only_when_it_may_get_more_than_one_document(monkeypatch, files, jobs, warm):
    from pipeline.batch import pool as pool_module

    started: list[tuple] = []

    class Recorded:
        size = 1

        def __init__(self, workers, function, initializer, initargs, **kwargs):
            started.append(initargs)

        def close(self, *, kill: bool = False) -> None:
            pass

    monkeypatch.setattr(pool_module, "WorkerPool", Recorded)
    rules = load_rules()
    with batch_run._start_workers(files, rules, jobs, 10.0, "fork", None):
        pass
    assert started == [(str(rules.directory), warm)]


def test_a_worker_without_the_warm_up_saves_the_patterns_of_its_first_document_once(tmp_path, monkeypatch):
    from pipeline.rules import compiled

    saved: list[int] = []
    monkeypatch.setattr(compiled, "save_compiled", lambda always=False: saved.append(1))
    monkeypatch.setattr(batch_run, "_WORKER_PIPELINE", None)
    monkeypatch.setattr(batch_run, "_SAVE_AFTER_FIRST", False)
    batch_run._init_worker(str(load_rules().directory), warm=False)
    assert saved == [], "no warm-up document, nothing saved before the first document"
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("北郊水厂尚未开工，城南大道改造工程已开工。", "utf-8")
    tasks = list(batch_run.iter_tasks([(tmp_path / n, n) for n in ("a.txt", "b.txt")], 1 << 20))
    first = batch_run._work(tasks[0])
    batch_run._work(tasks[1])
    assert saved == [1]
    assert batch_run.unpacked(first)["documents"]["status"] == ["ok"]


@pytest.mark.parametrize(("files", "failing"), [
    # files to make durable   which fsync fails (None: none)
    (0,                       None),
    (1,                       None),
    (7,                       None),
    (7,                       3),
])
def test_the_tables_are_made_durable_all_at_once_and_every_one_is(tmp_path, monkeypatch, files, failing):
    import threading

    from pipeline.batch import store as store_module

    paths = [tmp_path / f"t{i}.parquet" for i in range(files)]
    synced: list[str] = []
    threads: set[str] = set()

    def fsync(path):
        threads.add(threading.current_thread().name)
        if failing is not None and path == paths[failing]:
            raise OSError(5, "Input/output error", str(path))
        synced.append(path.name)

    monkeypatch.setattr(store_module, "_fsync", fsync)
    if failing is None:
        store_module._fsync_all(paths)
    else:
        with pytest.raises(OSError, match="Input/output"):
            store_module._fsync_all(paths)
    assert sorted(synced) == sorted(p.name for i, p in enumerate(paths) if i != failing)
    if files > 1:
        assert threads == {"keyproj-fsync"}, "each in a thread of its own, not one after another"


_EXIT = ("import sys, atexit, threading, time; from pipeline.cli import main; "
         "atexit.register(lambda: print('exit handler ran', flush=True)); {before}"
         "sys.argv = ['keyproj', *{argv!r}]; print('before', end=''); main()")


@pytest.mark.parametrize(("args", "before", "status", "printed"), [
    # the command                  the caller first          exit status  also on stdout
    ("run IN --out OUT --jobs 1 -q", "",                      0,           ""),
    ("run IN --out OUT --jobs -1",   "",                      2,           ""),      # a usage error
    ("run MISSING --out OUT",        "",                      2,           ""),
    ("--help",                       "",                      0,           "Usage"),  # flushed, all of it
    ("--help",
     "threading.Thread(target=lambda: (time.sleep(2), print('thread done', flush=True))).start(); ",
     0, "thread done"),                                                            # a thread still running
])
def test_the_command_ends_with_its_status_its_output_and_the_exit_handlers(tmp_path, args, before, status, printed):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("城南大道改造工程已开工，总投资3.5亿元。", "utf-8")
    argv = [{"IN": str(tmp_path / "in"), "OUT": str(tmp_path / "out"),
             "MISSING": str(tmp_path / "missing")}.get(a, a) for a in args.split()]
    done = subprocess.run([sys.executable, "-c", _EXIT.format(before=before, argv=argv)],
                          capture_output=True, text=True)
    assert done.returncode == status, done.stderr
    assert done.stdout.startswith("before")
    assert done.stdout.rstrip().endswith("exit handler ran")
    assert printed in done.stdout
    if args.startswith("run") and status == 0:
        assert pq.read_table(tmp_path / "out" / "projects.parquet").num_rows == 1
