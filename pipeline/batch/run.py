"""The batch run over a folder (the stages for one document are wired in `pipeline/extract.py`).

A batch run hashes every file (so duplicates and unchanged documents are known before they
are worked on: when earlier results could be reused, all files are hashed first), sends the
rest to worker processes with a time budget each, checkpoints finished documents in
`OUT/.keyproj-work/`, and assembles the final tables (`store`).

SIGINT (Ctrl-C) and SIGTERM stop a batch run cleanly: the workers are killed, the finished
documents are saved as a checkpoint, the log says so, and `run` raises `Interrupted`; the
next run resumes from there.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import settings
from pipeline.io.read import SourceDocument, discover, doc_id_for, open_regular, read_document
from pipeline.results import DocumentResult, RunSummary
from pipeline.rules.loader import RuleSet, load_rules
from pipeline.version import code_version

if TYPE_CHECKING:
    # imported where a pipeline is built (workers, --jobs 0): the process that only plans and
    # writes the tables never loads the stages and their patterns
    from pipeline.batch.pool import WorkerPool
    from pipeline.extract import Pipeline


def __getattr__(name: str) -> Any:
    """`run.Pipeline` still names the class (tests patch it), imported on first use."""
    if name == "Pipeline":
        from pipeline.extract import Pipeline

        return Pipeline
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

DEFAULT_MAX_BYTES = settings.MAX_BYTES
DEFAULT_TIME_BUDGET = settings.TIME_BUDGET_S     # seconds per document
DEFAULT_MAX_MEMORY_MB = settings.MAX_MEMORY_MB   # per worker process


def process(pipeline: Pipeline, source: SourceDocument) -> DocumentResult:
    """Extract one document; an exception becomes an error row, never a crash."""
    if source.status != "ok":
        return DocumentResult(source, None, source.status, source.error)
    try:
        return DocumentResult(source, pipeline(source.doc_id, source.text), "ok", source.error)
    except MemoryError:
        raise                       # the worker's memory limit: the pool replaces the worker
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the batch
        return DocumentResult(source, None, "error", f"{type(exc).__name__}: {exc}")


# ---- one document, as a task a worker can run ----------------------------------------------------

@dataclass(frozen=True, slots=True)
class Task:
    """One file to process: everything a worker needs, picklable."""

    path: str
    rel: str
    doc_id: str
    max_bytes: int
    content_hash: str | None
    duplicate_of: tuple[str, str] | None = None     # (doc_id, path) of the first copy
    size: int | None = None                         # bytes when planned (None: stat failed)

    def __reduce__(self) -> tuple[type[Task], tuple[Any, ...]]:
        # pickled as the tuple of its fields: a frozen dataclass with slots otherwise pickles
        # and unpickles through Python methods of `dataclasses` (20 us each way, for every
        # document sent to a worker)
        return Task, (self.path, self.rel, self.doc_id, self.max_bytes, self.content_hash, self.duplicate_of,
                      self.size)


def rows_for(pipeline: Pipeline, task: Task) -> dict[str, list[dict[str, Any]]]:
    """Read, extract and tabulate one file: its rows for every table (never raises)."""
    from pipeline.rows import document_rows

    return _tabulated(pipeline, task, document_rows)


def columns_for(pipeline: Pipeline, task: Task) -> dict[str, Any]:
    """`rows_for` as a worker makes them: each table's rows as `rows.Columns` (failure rows,
    as `failure_rows` gives them); a big text whose file holds its UTF-8 as those bytes."""
    from pipeline.rows import document_columns

    return _tabulated(pipeline, task, document_columns, file_bytes=True)


def _tabulated(pipeline: Pipeline, task: Task, tabulate: Callable[[DocumentResult, RuleSet], Any],
               file_bytes: bool = False) -> Any:
    from pipeline.io.read import read_again, unchanged
    from pipeline.rows import OffsetError, check_offsets

    if task.duplicate_of is not None:
        return failure_rows(pipeline.rules, task, "duplicate",
                            f"same content as {task.duplicate_of[1]}", task.duplicate_of[0])
    source = read_document(Path(task.path), task.rel, max_bytes=task.max_bytes, doc_id=task.doc_id)
    result = process(pipeline, source)
    try:
        rows = tabulate(result, pipeline.rules)
        check_offsets(rows)
    except MemoryError:
        raise
    except (OffsetError, Exception) as exc:  # noqa: BLE001 - a bug in one document stays in it
        return failure_rows(pipeline.rules, task, "error", f"{type(exc).__name__}: {exc}")
    # documents.content_hash is the reader's hash of the bytes actually extracted, not the
    # planned one: a file edited between planning and reading is then redone next run
    if not (file_bytes and source.utf8_file and source.size is not None and source.content_hash
            and source.size >= settings.BESIDE_BYTES and unchanged(Path(task.path), source.content_hash)):
        return rows
    # The text goes to the writer as UTF-8 bytes (`packed_rows`), and its file holds them
    # (checked unchanged just above): the extraction (the normalised text, the stages' objects)
    # and the text are let go first, then the bytes read again. Encoding the text held the text
    # (5.4 MB for an 8 MB document) and its UTF-8 at once, at the worker's peak. A file edited
    # in the moment between the check and the read fails the document (FileChanged: an error
    # row, redone by the next run).
    size, digest = source.size, source.content_hash
    del source, result
    texts = rows["documents"].values[rows["documents"].names.index("text")]
    texts[0] = None
    texts[0] = read_again(Path(task.path), size, digest)
    return rows


def failure_rows(rules: RuleSet, task: Task, status: str, message: str,
                 duplicate_of: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """The rows of a document that yields no facts (timed out, crashed, duplicate)."""
    from pipeline.rows import document_rows

    fmt = Path(task.rel).suffix.lower().lstrip(".") or "none"
    source = SourceDocument(task.doc_id, task.rel, fmt, None, "", status, message, task.content_hash,
                            file_size(Path(task.path)))
    return document_rows(DocumentResult(source, None, status, message, duplicate_of), rules)


# ---- worker processes ----------------------------------------------------------------------------

# Each worker process builds its Pipeline once (loading jieba takes about a second); this
# per-process slot is the one piece of module state, and only workers set it.
_WORKER_PIPELINE: Pipeline | None = None


# An invented report in miniature that passes every stage: a worker runs it once when it
# starts, so that what the stages build on first use (the gazetteer, normalise's character
# sets, the scanners' engine trials, jieba's routes) is built before its first document,
# outside that document's time budget.
WARM_UP_TEXT = ("青岚县2023年重点项目建设情况\n一、总体情况\n城南大道、滨江大桥等重点工程加快推进，"
                "青岚至石门公路改造工程已开工，总投资3.5亿元，完成投资1.2亿元，全长18.6公里；"
                "北郊水厂尚未开工。\n")


def _stages() -> type[Pipeline]:
    """The Pipeline class, its stages' modules imported with their dataclasses' methods from
    the cache file (`rules/made_methods.py`: 0.03-0.04 s of a worker's start), which gets
    any it did not hold."""
    from pipeline.rules.made_methods import cached_methods, save_made_methods

    with cached_methods():
        from pipeline.extract import Pipeline
    save_made_methods()
    return Pipeline


def warm_pipeline(rules: RuleSet) -> Pipeline:
    """A `Pipeline` for `rules`, run once on `WARM_UP_TEXT`."""
    from pipeline.rules.compiled import save_compiled

    pipeline = _stages()(rules)
    pipeline("warm-up", WARM_UP_TEXT)
    save_compiled()     # and those the stages compile on first use
    return pipeline


# The rules of the run, as a forked worker finds them in memory: set in the parent just
# before it forks its first workers. Reading them again from the cache file (hashing the
# rule files, unpickling, compiling the patterns again) took a worker 50-150 ms on its way
# to its first document. A spawned worker starts a new interpreter, where this is None.
_FORKED_RULES: RuleSet | None = None


# Set in a worker that skipped the warm-up: the patterns its first document compiles are
# saved once that document is done (what `warm_pipeline` saves after the warm-up).
_SAVE_AFTER_FIRST = False


def _init_worker(rules_dir: str, warm: bool = True) -> None:
    """A worker's set-up: the rules (its parent's when forked), and a Pipeline, warmed up
    when `warm`. A run with no more files than workers gives each at most one document:
    its worker skips the warm-up, which would only build before that document what the
    document builds itself (the warm-up took a run of one small file 0.05-0.08 s, on the
    path to its tables)."""
    global _WORKER_PIPELINE, _SAVE_AFTER_FIRST
    inherited = _FORKED_RULES
    if inherited is not None and str(inherited.directory) == rules_dir:
        rules = inherited
    else:
        rules = load_rules(rules_dir)
    if warm:
        _WORKER_PIPELINE = warm_pipeline(rules)
    else:
        _WORKER_PIPELINE = _stages()(rules)
        _SAVE_AFTER_FIRST = True


def _work(task: Task) -> Packed:
    global _SAVE_AFTER_FIRST
    assert _WORKER_PIPELINE is not None, "worker not initialised"
    answer = packed_rows(columns_for(_WORKER_PIPELINE, task))
    texts = answer["documents"][_text_column()]
    if any(t is not None and len(t) >= settings.BESIDE_BYTES for t in texts):
        from pipeline.batch.pool import beside

        answer["documents"][_text_column()] = [
            beside(t) if t is not None and len(t) >= settings.BESIDE_BYTES else t for t in texts]
    if _SAVE_AFTER_FIRST:
        from pipeline.rules.compiled import save_compiled

        _SAVE_AFTER_FIRST = False
        save_compiled()
    return answer


# A document's rows as a worker sends them: each table's columns as a list of value lists, in
# the schema's column order (`pipeline.schema`), without the names.
Packed = dict[str, list[list[Any]]]


def _column_names() -> dict[str, tuple[str, ...]]:
    # pipeline.schema needs no pyarrow; this process loads it once the first rows are made
    from pipeline.schema import COLUMN_NAMES

    return COLUMN_NAMES


def packed(columns: dict[str, dict[str, list[Any]]]) -> Packed:
    """A document's columns (`rows.to_columns`) as a worker sends them (`Packed`). With the
    names, a small document's answer was 1,200 bytes instead of 730, and pickling and
    unpickling it took 100 us instead of 55. Rows whose columns are not the schema's raise
    ValueError (the document becomes an error row)."""
    names = _column_names()
    out: Packed = {}
    for table, cols in columns.items():
        if len(cols) != len(names[table]):
            raise ValueError(f"{table} rows with the columns {sorted(cols)}, not the schema's")
        out[table] = [cols[name] for name in names[table]]
    return out


def packed_rows(rows: dict[str, Any]) -> Packed:
    """`packed(rows.to_columns(rows))` without the columns' dicts between: each column's
    values read from the rows in the schema's order (30-70 us a small document less).
    Tables given as `rows.Columns` (`columns_for`) are taken as they are."""
    from pipeline.rows import Columns

    names = _column_names()
    out: Packed = {}
    for table, table_rows in rows.items():
        if not table_rows:
            continue
        if isinstance(table_rows, Columns):
            out[table] = table_rows.values
            continue
        columns = names[table]
        if len(table_rows[0]) != len(columns):
            raise ValueError(f"{table} rows with the columns {sorted(table_rows[0])}, not the schema's")
        out[table] = [[row[name] for row in table_rows] for name in columns]
    texts = _text_column()
    out["documents"][texts] = [t if t is None or isinstance(t, bytes) else t.encode("utf-8")
                               for t in out["documents"][texts]]
    return out


@functools.cache
def _text_column() -> int:
    return _column_names()["documents"].index("text")


def unpacked(answer: Packed) -> dict[str, dict[str, list[Any]]]:
    """The columns (`rows.to_columns`) a worker's answer (`packed`) holds."""
    names = _column_names()
    return {table: dict(zip(names[table], values, strict=True)) for table, values in answer.items()}


def file_size(path: Path) -> int | None:
    """The file's size in bytes; None when it cannot be read."""
    try:
        return path.stat().st_size
    except OSError:
        return None


def file_hash(path: Path, size: int | None, max_bytes: int) -> str | None:
    """sha256 of the file's bytes; None when it cannot be read or its `size` (`file_size`)
    is unknown or over the limit."""
    if size is None or size > max_bytes:
        return None
    try:
        digest = hashlib.sha256()
        # chunks of at most 1 MB, no bigger than the file: a 1 MB buffer for a small file
        # cost more than hashing it
        chunk_size = min(1 << 20, size + 1)
        with open_regular(path) as fh:      # a pipe is refused, never waited on
            while chunk := fh.read(chunk_size):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


# ---- the batch run --------------------------------------------------------------------------------

def plan_tasks(inputs: list[Path], max_bytes: int, skip: list[Path] | None = None) -> list[Task]:
    """Every file as a task, in input order, with unique doc ids and duplicates marked
    (folders in `skip`, such as the run's own OUT, are not searched)."""
    return list(iter_tasks(list(discover(inputs, skip=skip or [])), max_bytes))


def iter_tasks(files: list[tuple[Path, str]], max_bytes: int) -> Iterator[Task]:
    """The tasks of `files` ((path, relative path) in input order), hashing each file as
    its task is asked for: a run with nothing to reuse starts work on the first files
    while the later ones are still being hashed."""
    seen_ids: dict[str, int] = {}
    first_copy: dict[str, tuple[str, str]] = {}
    for path, rel in files:
        doc_id = doc_id_for(rel)
        if doc_id in seen_ids:          # the same relative path under two inputs
            seen_ids[doc_id] += 1
            doc_id = f"{doc_id}-{seen_ids[doc_id]}"
        else:
            seen_ids[doc_id] = 0
        size = file_size(path)
        digest = file_hash(path, size, max_bytes)
        duplicate_of = first_copy.get(digest) if digest else None
        if digest and duplicate_of is None:
            first_copy[digest] = (doc_id, rel)
        yield Task(str(path), rel, doc_id, max_bytes, digest, duplicate_of, size)


class NoInputFiles(ValueError):
    """The inputs hold no file to read."""


class Interrupted(Exception):
    """The run was stopped by SIGINT or SIGTERM after saving what it had finished."""

    def __init__(self, signum: int, saved: int) -> None:
        super().__init__(f"interrupted: {saved} documents saved; run again to resume")
        self.signum = signum
        self.saved = saved            # documents whose rows a resumed run reuses

    @property
    def exit_code(self) -> int:
        """What a shell reports for a process ended by the signal: 130 SIGINT, 143 SIGTERM."""
        return 128 + self.signum


def run(inputs: list[Path], out: Path, rules: RuleSet | None = None, *,
        jobs: int | None = settings.JOBS, max_bytes: int = DEFAULT_MAX_BYTES,
        time_budget: float | None = DEFAULT_TIME_BUDGET,
        max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB, resume: bool = True,
        checkpoint_docs: int = settings.CHECKPOINT_DOCS, checkpoint_bytes: int = settings.CHECKPOINT_BYTES,
        start_method: str | None = None,
        progress: Callable[[int, int], None] | None = None) -> RunSummary:
    """Process every file under `inputs` and write the tables to `out`.

    `jobs` worker processes (default: all cores; 0 runs in this process, without a time
    budget or memory limit), each using at most `max_memory_mb` (a document over it
    becomes an error row), started by `start_method` (None: the first ones forked where
    that is lean, `_fork_is_lean`, else spawned; their replacements spawned). With
    `resume`, documents whose rows from an earlier run are still valid are not processed
    again; the tables equal those of a fresh run either way.
    Raises NoInputFiles when `inputs` hold no file (OUT is left alone), Interrupted on
    SIGINT or SIGTERM (in the main thread) once the finished documents are saved,
    `store.OutputBusy` when another run holds OUT, and `store.OutputError` (one line,
    `<what> (<path>)`) when OUT cannot be written; then the previous tables are intact and
    nothing half-written is left.
    """
    started = time.perf_counter()
    files = list(discover(inputs, skip=[out]))      # OUT inside an input is no input
    if not files:
        raise NoInputFiles(f"no files to read in {', '.join(str(p) for p in inputs)}")
    rules = rules or load_rules()
    memory_limit = max_memory_mb * 1024 * 1024 if max_memory_mb else None
    # The workers set up (rules, stages, dictionary, warm-up: most of a small run's time)
    # while this process loads pyarrow, locks OUT and plans, instead of after it.
    with _start_workers(len(files), rules, jobs, time_budget, start_method, memory_limit) as pool:
        _lean_arrow_memory()
        from pipeline.batch.outdir import OutputError, describe_os_error, lock_out
        from pipeline.batch.store import remove_leftovers

        try:
            _prepare_out(out)
            with lock_out(out):
                remove_leftovers(out)
                return _run_locked(inputs, files, out, rules, started, pool, jobs=jobs,
                                   max_bytes=max_bytes, time_budget=time_budget, max_memory_mb=max_memory_mb,
                                   resume=resume, checkpoint_docs=checkpoint_docs,
                                   checkpoint_bytes=checkpoint_bytes, progress=progress)
        except OSError as exc:
            # inputs that cannot be read become rows; what escapes to here is OUT failing
            raise OutputError(describe_os_error(exc, out)) from exc


def _fork_is_lean() -> bool:
    """Whether the first workers may be forked from this process: on Linux, before pyarrow
    is loaded and while this process runs one thread. A forked worker starts with the
    modules and the rules this process has already loaded (0.3 s sooner than a spawned one,
    which starts a new interpreter and imports them again) and nothing else: no pyarrow, no
    buffers, no thread whose locks a fork could catch half-held. Workers started later
    (replacing one that died) are spawned: by then this process holds pyarrow and its threads."""
    import sys

    return (sys.platform.startswith("linux") and "pyarrow" not in sys.modules
            and threading.active_count() == 1)


@contextlib.contextmanager
def _start_workers(files: int, rules: RuleSet, jobs: int | None, time_budget: float | None,
                   start_method: str | None, memory_limit: int | None) -> Iterator[WorkerPool[Task] | None]:
    """The worker processes of a run of `files` files (None with jobs=0: the documents are
    done in this process), started now; killed on leaving the block if still running (a
    run whose documents are all reused, or that fails before its first document, does not
    wait for their set-up to end)."""
    if jobs == 0:
        yield None
        return
    import multiprocessing

    from pipeline.batch.pool import WorkerPool

    global _FORKED_RULES
    workers = max(1, min(jobs or os.cpu_count() or 1, files))
    first = start_method or ("fork" if _fork_is_lean() else "spawn")
    _FORKED_RULES = rules if first == "fork" else None
    if first == "fork":
        _compile_ledger_rules(rules)
    try:
        pool: WorkerPool[Task] = WorkerPool(
            workers, _work, _init_worker, (str(rules.directory), files > workers),
            context=multiprocessing.get_context(first),
            replacement_context=multiprocessing.get_context(start_method or "spawn"),
            time_budget=time_budget, time_per_mb=settings.TIME_BUDGET_PER_MB_S if time_budget is not None else 0.0,
            memory_limit=memory_limit)
    finally:
        _FORKED_RULES = None        # the forked workers have their copy
    try:
        yield pool
    finally:
        pool.close(kill=True)


def _compile_ledger_rules(rules: RuleSet) -> None:
    """Compile the ledger's patterns (`ledger_rules`, kept per rule set) before the first
    workers are forked: this process needs them for the tables' ledger (`ledger.prepare`)
    and every worker for its rows (identity, dates, checks), so a forked worker finds them
    compiled instead of compiling them again (25 ms of `regex` parsing each). A bad pattern
    is left to fail where it failed before, in `ledger.prepare` and the workers."""
    from pipeline.rules.loader import RuleError
    from pipeline.stages.ledger_rules import ledger_rules

    with contextlib.suppress(RuleError):
        ledger_rules(rules)


def _prepare_out(out: Path) -> None:
    """Create OUT; a file in its place is a clear error, not a traceback."""
    from pipeline.batch.outdir import OutputError

    if out.exists() and not out.is_dir():
        raise OutputError(f"the output folder is a file, not a folder ({out})")
    out.mkdir(parents=True, exist_ok=True)


def _run_locked(inputs: list[Path], files: list[tuple[Path, str]], out: Path, rules: RuleSet,
                started: float, pool: WorkerPool[Task] | None, *, jobs: int | None, max_bytes: int,
                time_budget: float | None, max_memory_mb: int | None, resume: bool, checkpoint_docs: int,
                checkpoint_bytes: int, progress: Callable[[int, int], None] | None) -> RunSummary:
    """The run itself, with OUT locked."""
    from pipeline.batch import ledger
    from pipeline.batch.outdir import describe_os_error
    from pipeline.batch.runlog import RunLog
    from pipeline.batch.store import TableStore

    log = RunLog(out / "keyproj.log")
    log.start(inputs, jobs=jobs, max_bytes=max_bytes, time_budget=time_budget, max_memory_mb=max_memory_mb)
    store = TableStore(out, rules)
    chosen: dict[str, Any] = {}         # doc_id -> where its rows are saved
    tasks: list[Task] = []
    done = 0

    def save() -> None:
        part = store.checkpoint()
        if part is not None:
            for doc_id in part.doc_order:
                chosen[doc_id] = part

    def keep(task: Task, columns: dict[str, dict[str, list[Any]]]) -> None:
        nonlocal done
        store.add(columns)
        if store.pending_docs() >= checkpoint_docs or store.pending_text_bytes() >= checkpoint_bytes:
            save()
        done += 1
        if progress:
            progress(done, len(files))

    results = None
    with _StopSignals() as signals:
        try:
            todo = _plan(store, files, tasks, chosen, rules, max_bytes=max_bytes, resume=resume)
            ledger.prepare(rules)       # while the workers set up, not after the last document
            summary = RunSummary(out, reused=len(chosen), processed=len(files) - len(chosen),
                                 notes=store.notes)
            log.notes(store.notes)
            done = len(chosen)
            if progress:
                progress(done, len(files))
            results = _results(todo, len(files) - len(chosen), rules, pool)
            for task, columns in results:
                with signals.deferred():        # the store's buffers are never left half-updated
                    keep(task, columns)
                # the store holds what it needs: the loop's names would keep the last document's
                # rows as Python objects through the final save and the writing of the tables
                del task, columns
            with signals.deferred():
                save()
                counts = store.finish([t.doc_id for t in tasks], chosen)
        except _Stop as stop:
            if results is not None:
                results.close()                 # kills the workers, if any
            save()                              # further signals are ignored meanwhile
            log.interrupted(len(chosen), signal.Signals(stop.signum).name, time.perf_counter() - started)
            raise Interrupted(stop.signum, len(chosen)) from None
        except OSError as exc:
            if results is not None:
                results.close()
            store.abandon()
            if _disk_full(exc):
                # the parts would hold the disk full: the next run starts over instead
                shutil.rmtree(store.work, ignore_errors=True)
            log.failed(describe_os_error(exc, out))
            raise
    _summarise(summary, store.committed["documents"], counts)
    summary.seconds = time.perf_counter() - started
    log.finish(summary)
    return summary


def _plan(store: Any, files: list[tuple[Path, str]], tasks: list[Task], chosen: dict[str, Any],
          rules: RuleSet, *, max_bytes: int, resume: bool) -> Iterable[Task]:
    """The tasks still to do. Fills `tasks` with every file's task (at once, or as the
    returned tasks are drawn) and `chosen` with the documents whose earlier rows are reused."""
    from pipeline.batch.store import DocumentKey
    from pipeline.io.formats import libreoffice

    earlier = store.earlier_sources()   # also numbers new parts after leftovers
    if resume and earlier:
        # what can be reused is known only once every file is hashed
        tasks.extend(iter_tasks(files, max_bytes))
        order = {t.doc_id: i for i, t in enumerate(tasks)}
        version = code_version()
        wanted = {t.doc_id: DocumentKey(t.doc_id, t.rel, t.content_hash, version, rules.hash,
                                        t.duplicate_of[0] if t.duplicate_of else None)
                  for t in tasks}
        # `unsupported` rows of formats that need LibreOffice are read again once it is
        # installed (whether it was there when they were written is not recorded)
        retry = frozenset({"unsupported"}) if libreoffice() else frozenset()
        chosen.update(store.reusable(earlier, wanted, order, retry=retry))
        return [t for t in tasks if t.doc_id not in chosen]

    # every document is new: hashing goes on while the first ones are processed, and
    # the final tables grow as parts are written
    def planned() -> Iterator[Task]:
        for task in iter_tasks(files, max_bytes):
            tasks.append(task)
            yield task

    if files:
        store.write_as_you_go()
    return planned()


def _disk_full(exc: OSError) -> bool:
    """No room left for what the run writes: the disk, a quota or a file size limit."""
    return exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG) or "No space left" in str(exc) \
        or "File too large" in str(exc)


def _lean_arrow_memory() -> None:
    """Arrow's default allocator (mimalloc) keeps ~100 MB of freed pages per checkpoint in
    this process (measured: 15 MB live, +110 MB RSS); jemalloc returns them (+41 MB).
    Chosen before pyarrow is first imported, jemalloc serves every Arrow allocation, not
    only those after the switch: per 100 MB of reports this process then peaks 20 MB lower
    (150 MB) and uses 0.05 s less CPU."""
    import sys

    if "pyarrow" not in sys.modules:
        # Arrow reads the variable once, when pyarrow is imported; the environment is left
        # as it was (worker processes inherit it)
        before = os.environ.get("ARROW_DEFAULT_MEMORY_POOL")
        os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "jemalloc"
        try:
            import pyarrow  # noqa: F401
        finally:
            if before is None:
                del os.environ["ARROW_DEFAULT_MEMORY_POOL"]
            else:
                os.environ["ARROW_DEFAULT_MEMORY_POOL"] = before
    import pyarrow as pa

    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except (NotImplementedError, pa.ArrowNotImplementedError):
        pa.set_memory_pool(pa.system_memory_pool())


def bundle_size(count: int, workers: int) -> int:
    """How many small documents go to a worker in one message, for `count` documents shared
    by `workers`: up to `settings.BUNDLE_TASKS`, a quarter of a worker's share at most."""
    return max(1, min(settings.BUNDLE_TASKS, count // (4 * max(1, workers))))


def _results(todo: Iterable[Task], count: int, rules: RuleSet,  # type: ignore[no-untyped-def]
             pool: WorkerPool[Task] | None):
    """(task, its rows as columns) for every task of `todo` (`count` of them), in order:
    done by the workers of `pool`, or in this process when it is None (jobs=0).

    The workers were started before this process loaded pyarrow (`_start_workers`): a
    worker forked later would carry its pyarrow and buffers, and every worker's memory
    would count them again.
    """
    if not count:
        return
    if pool is None:
        from pipeline.rows import to_columns

        pipeline = _stages()(rules)
        for task in todo:
            try:
                rows = rows_for(pipeline, task)
            except MemoryError:
                rows = failure_rows(rules, task, "error", "out of memory")
            yield task, to_columns(rows)
        return
    from pipeline.batch.pool import Failure

    workers = pool.size
    # Tasks out at a time, bounded so memory stays flat, but deep enough that the workers
    # still have work queued while this process writes a checkpoint: with four tasks per
    # worker they sat idle through every checkpoint (a 2-worker run took 5 % longer).
    try:
        for task, answer in pool.map(todo, lambda task: task.size or 0,
                                     most_tasks=workers * settings.TASKS_PER_WORKER,
                                     most_bytes=settings.BYTES_IN_FLIGHT,
                                     worker_bytes=settings.QUEUED_BYTES_PER_WORKER,
                                     bundle_tasks=bundle_size(count, workers),
                                     bundle_bytes=settings.BUNDLE_BYTES):
            if isinstance(answer, Failure):
                # rows imports the stages: loaded in this process only for a failure
                from pipeline.rows import to_columns

                yield task, to_columns(failure_rows(rules, task, "error", answer.message))
            else:
                yield task, unpacked(answer)
    except BaseException:
        pool.close(kill=True)
        raise
    # every answer is in: the workers end on their own while this process writes the
    # tables (waiting for their exits took a small run 20-150 ms); `_start_workers` reaps them
    pool.release()


class _Stop(BaseException):
    """SIGINT or SIGTERM arrived. A BaseException, so that no `except Exception` meant for
    one document's failure (with --jobs 0 the documents run in this process) swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _StopSignals:
    """Within this block SIGINT and SIGTERM raise `_Stop` in the main thread, once: later
    ones are ignored, so that saving what is finished cannot itself be interrupted. Inside
    `deferred()` the first one waits until the block ends. Outside the main thread, where
    Python cannot handle signals, nothing changes."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.signum: int | None = None
        self._raised = False
        self._deferring = 0
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _StopSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, frame: object) -> None:
        if self.signum is not None:
            return
        self.signum = signum
        if not self._deferring:
            self._raise()

    def _raise(self) -> None:
        assert self.signum is not None
        if not self._raised:
            self._raised = True
            raise _Stop(self.signum)

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        self._deferring += 1
        try:
            yield
        finally:
            self._deferring -= 1
        if self.signum is not None and not self._deferring:
            self._raise()


def _summarise(summary: RunSummary, documents: Path, counts: dict[str, Any]) -> None:
    from pipeline.batch.tables import read_parquet

    docs = read_parquet(documents, ["path", "status", "error"])
    for row in docs.to_pylist():
        summary.add_document(row["path"], row["status"], row["error"])
    summary.facts = dict(counts["kinds"])
    for table in ("projects", "statuses", "sections"):
        summary.facts[table] = counts["rows"].get(table, 0)
