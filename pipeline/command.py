"""`keyproj run` without typer (the entry point, `pipeline/__main__.py`, calls it).

Importing typer (with its copy of click, `inspect` and the CLI module) costs a run of one
small file about 0.1 s of CPU before its worker can start, on the serial path to its tables.
So the entry point reads a plain `keyproj run` command line here (`plain_run_options`: the
options of `cli.run`, each written as `--name value` or a flag, every value one that typer
makes alike) and runs it (`run_local`) without importing typer at all. Any other command
line, or anything it is not sure of (`--help`, `--opt=value`, a value starting with `-`,
an option given twice, a missing or unreadable input …), goes to typer as before, so help
texts and click's usage errors are typer's own. `cli.run` (typer's `run`) calls the same
`run_local`.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from pipeline import settings

if TYPE_CHECKING:
    from pipeline.results import RunSummary
    from pipeline.rules.loader import RuleSet


# ---- option values as typer makes them ---------------------------------------------------------
#
# Typer (0.2x) turns every option's text into its value with pydantic; cli.py replaces that for
# the simple types (str, int, float, bool, Path) with `simple_value`, which makes each value as
# pydantic would and declines (`DECLINED`) whatever it is not sure of ("1_000", " 3"), which
# typer's own coercion then takes, errors included.

DECLINED: object = object()
_INT = re.compile(r"[+-]?[0-9]{1,18}")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?:nan|inf)")


def simple_value(annotation: object, value: object, checked_path: Callable[[Path], object] | None) -> object:
    """`value` (the command line's text, or a default) as `annotation` (str, int, float, bool, Path),
    as typer's pydantic coercion makes it; `DECLINED` when unsure. `checked_path` runs
    typer's checks of a plain `Path` parameter (exists, readable …) on the made path."""
    if annotation is bool or isinstance(value, bool):
        return value if annotation is bool and isinstance(value, bool) else DECLINED
    if annotation is str:
        return value if isinstance(value, str) else DECLINED
    if annotation is int:
        if isinstance(value, int):
            return value
        return int(value) if isinstance(value, str) and _INT.fullmatch(value) else DECLINED
    if annotation is float:
        if isinstance(value, int | float):
            return float(value)
        return float(value) if isinstance(value, str) and _FLOAT.fullmatch(value) else DECLINED
    if annotation is Path:
        path = Path(value) if isinstance(value, str) and value else value
        if not isinstance(path, Path):
            return DECLINED
        return checked_path(path) if checked_path else path
    return DECLINED


# ---- `keyproj run` read without typer ---------------------------------------------------------

# The options of `cli.run`: each spelling -> (parameter, type; bool for a flag). A test holds
# this table to typer's own reading of the same command lines (tests/test_command.py).
RUN_OPTIONS: dict[str, tuple[str, type]] = {
    "--out": ("out", str), "-o": ("out", str),
    "--rules": ("rules", Path),
    "--scheduler": ("scheduler", str),
    "--jobs": ("jobs", int), "-j": ("jobs", int),
    "--max-size": ("max_size", float),
    "--time-budget": ("time_budget", float),
    "--max-memory": ("max_memory", int),
    "--fresh": ("fresh", bool),
    "--checkpoint-every": ("checkpoint_every", int),
    "--quiet": ("quiet", bool), "-q": ("quiet", bool),
}
RUN_DEFAULTS: dict[str, Any] = {
    "out": "data/processed", "rules": None, "scheduler": None, "jobs": settings.JOBS,
    "max_size": float(settings.MAX_SIZE_MB), "time_budget": float(settings.TIME_BUDGET_S),
    "max_memory": settings.MAX_MEMORY_MB, "fresh": False, "checkpoint_every": settings.CHECKPOINT_DOCS,
    "quiet": False,
}


def plain_run_options(argv: list[str]) -> dict[str, Any] | None:
    """The keyword arguments of `run_local` for a `keyproj run` command line, as typer gives
    them to `cli.run`; None for any other command line and for one this reading is not sure
    of (typer reads those: help, usage errors and all)."""
    if not argv or argv[0] != "run":
        return None
    given: dict[str, Any] = {}
    inputs: list[Path] = []
    tokens = iter(argv[1:])
    for token in tokens:
        if not token.startswith("-"):
            path = _readable_input(token)
            if path is None:
                return None
            inputs.append(path)
            continue
        if token not in RUN_OPTIONS:
            return None
        name, kind = RUN_OPTIONS[token]
        if name in given:
            return None
        if kind is bool:
            given[name] = True
            continue
        text = next(tokens, None)
        if text is None or text.startswith("-") or not text:
            return None
        value = simple_value(kind, text, None)
        if value is DECLINED:
            return None
        given[name] = value
    if not inputs:
        return None
    return {"inputs": inputs, **RUN_DEFAULTS, **given}


def _readable_input(token: str) -> Path | None:
    """An input path as typer checks a plain `Path` argument (it refuses one that exists
    but cannot be read), or None where typer should say so."""
    if not token:
        return None
    path = Path(token)
    try:
        os.stat(path)
    except OSError:
        return path
    return path if os.access(path, os.R_OK) else None


def say(message: str) -> None:
    """A line on stderr (what `typer.echo(message, err=True)` writes)."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def usage_error(message: str) -> NoReturn:
    """A usage error: one line on stderr, exit status 2."""
    say(f"error: {message}")
    raise SystemExit(2)


def check_options(*checks: tuple[bool, str]) -> None:
    """A usage error for the first check that fails."""
    for ok, message in checks:
        if not ok:
            usage_error(message)


# The smallest --max-memory taken: a worker sets up in about 50 MB, and a slip such as
# --max-memory 2 is refused rather than failing every document.
MIN_MAX_MEMORY_MB = 256


def positive(value: float) -> bool:
    """Above 0 and finite (`--time-budget nan` or `inf` is no budget at all)."""
    import math

    return math.isfinite(value) and value > 0


def run_local(inputs: list[Path], out: str, rules: Path | None, scheduler: str | None, jobs: int | None,
              max_size: float, time_budget: float, max_memory: int, fresh: bool, checkpoint_every: int,
              quiet: bool) -> None:
    """`keyproj run` once its options are read (see `cli.run` for what each means); ends
    with SystemExit for any status but 0. The modules it imports make their dataclasses
    with the methods' code from the cache file (`rules/made_methods.py`: 0.04-0.08 s of CPU
    before a run's first worker starts; the file gets what it lacked at the end)."""
    from pipeline.rules.made_methods import cached_methods, save_made_methods

    try:
        with _ctrl_c_ends_at_once(not scheduler), cached_methods():
            _run_local(inputs, out, rules, scheduler, jobs, max_size, time_budget, max_memory, fresh,
                       checkpoint_every, quiet)
    finally:
        save_made_methods()


@contextlib.contextmanager
def _ctrl_c_ends_at_once(local_run: bool) -> Iterator[None]:
    """Within a local run, Ctrl-C outside the run's own handling of it (`batch.run`'s stop
    signals, which save the finished documents: while the rules load and the workers start,
    and once the tables are written) ends the process at once with status 130 and one line.
    Python's KeyboardInterrupt could be raised anywhere there: in a `__del__` of `regex`'s
    parser while patterns compile, where it is printed as "Exception ignored in
    Group.__del__" and lost (the run went on), or as a traceback. Ending at once leaves
    what a SIGKILL leaves, which a run is made to survive (the lock on OUT dies with the
    process; the next run removes what was left half-written)."""
    if not local_run or threading.current_thread() is not threading.main_thread():
        yield
        return
    installed_by = os.getpid()

    def end_now(signum: int, frame: object) -> None:
        if os.getpid() == installed_by:     # not a worker forked before it ignored Ctrl-C
            os.write(2, b"interrupted; run again to resume\n")
        os._exit(128 + signum)

    previous = signal.signal(signal.SIGINT, end_now)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _run_local(inputs: list[Path], out: str, rules: Path | None, scheduler: str | None, jobs: int | None,
               max_size: float, time_budget: float, max_memory: int, fresh: bool, checkpoint_every: int,
               quiet: bool) -> None:
    if not scheduler and not _NOT_IMPORTED.intersection(sys.modules):
        # A local run never needs pandas or numpy, but pyarrow imports numpy with itself
        # (0.13-0.19 s of CPU, more than the rest of pyarrow, and its BLAS threads) and pandas
        # on its first conversion of Python rows to Arrow (~90 MB more in the process that
        # writes the tables, and in the peak memory of a run). This command-line process
        # declines both imports, which pyarrow handles as "not installed" (it builds and
        # writes the tables from Python lists); nothing else runs in this process.
        sys.meta_path.insert(0, _Declined())
    missing = [str(p) for p in inputs if not p.exists() and not p.is_symlink()]
    if missing:
        usage_error(f"no such file or folder: {', '.join(missing)}")
    check_options(
        (jobs is None or jobs >= 0, "--jobs must be 0 or more"),
        (positive(max_size), "--max-size must be a number of MB above 0"),
        (positive(time_budget), "--time-budget must be a number of seconds above 0"),
        (max_memory >= MIN_MAX_MEMORY_MB, f"--max-memory must be at least {MIN_MAX_MEMORY_MB} (MB)"),
        (checkpoint_every >= 1, "--checkpoint-every must be 1 or more"),
    )
    # imported once the options are checked: a usage error costs no rules or batch modules
    from pipeline.batch.run import run as run_pipeline
    from pipeline.rules.loader import RuleError, load_rules
    from pipeline.rules.made_methods import save_made_methods

    try:
        rule_set = load_rules(rules)
    except RuleError as exc:
        usage_error(str(exc))
    save_made_methods()     # before a worker is forked: it finds them in the file too

    from pipeline.batch.outdir import OutputBusy, OutputError
    from pipeline.io.read import shown

    bar = ProgressLine(quiet)
    max_bytes = int(max_size * 1024 * 1024)
    try:
        if scheduler:
            summary = _run_on_cluster(inputs, out, scheduler, rule_set, max_bytes, bar)
            layout = "{documents,sections,quantities,projects,statuses,checks}/part-*.parquet"
        else:
            if "://" in out:
                usage_error("an fsspec URL for --out needs --scheduler; give a folder")
            from pipeline.batch.run import Interrupted, NoInputFiles

            try:
                summary = run_pipeline(list(inputs), Path(out), rule_set, jobs=jobs, max_bytes=max_bytes,
                                       time_budget=time_budget, max_memory_mb=max_memory, resume=not fresh,
                                       checkpoint_docs=checkpoint_every, progress=bar.update)
            except NoInputFiles as exc:
                say(f"error: {exc}")
                raise SystemExit(1) from None
            except Interrupted as exc:
                bar.close()
                say(str(exc))
                raise SystemExit(exc.exit_code) from None
            layout = "{documents,sections,quantities,projects,statuses,checks,timeline}.parquet"
    except (OutputBusy, OutputError) as exc:
        bar.close()
        usage_error(str(exc))
    bar.close()
    if not quiet:
        docs = ", ".join(f"{n} {status}" for status, n in sorted(summary.documents.items())) or "none"
        facts = ", ".join(f"{n} {kind}" for kind, n in summary.facts.items())
        say(f"documents: {docs} ({summary.processed} processed, {summary.reused} unchanged "
            f"since the last run, {summary.seconds:.1f} s)")
        say(f"facts:     {facts}")
        for path, status, error in summary.failed:
            say(f"  {status}:  {shown(path)}: {shown(error)}")
        for note in summary.notes:
            say(f"note:      {note}")
        say(f"tables:    {out}/{layout}")
        say(f"log:       {out}/keyproj.log")
    if summary.failed:
        raise SystemExit(1)


def _run_on_cluster(inputs: list[Path], out: str, scheduler: str, rule_set: RuleSet, max_bytes: int,
                    bar: ProgressLine) -> RunSummary:
    """`run --scheduler`: the cluster extra checked first, and every local path made
    absolute here, on the client (the workers run in other folders, or on other machines)."""
    try:
        import distributed  # noqa: F401
        import fsspec  # noqa: F401
    except ImportError:
        usage_error("--scheduler needs the cluster extra: pip install 'keyproj[cluster]'")
    from pipeline.batch.distributed import run_distributed

    absolute = [Path(os.path.abspath(p)) for p in inputs]
    out_url = out if "://" in out else os.path.abspath(out)
    try:
        return run_distributed(absolute, out_url, scheduler, rule_set, max_bytes=max_bytes,
                               progress=bar.update)
    except OSError as exc:      # no scheduler at that address
        bar.close()
        usage_error(f"cannot reach the Dask scheduler {scheduler}: {exc}")


# the packages `keyproj run` declines to import in its own process (see there)
_NOT_IMPORTED = frozenset({"pandas", "numpy"})
# and the modules pyarrow imports only if they are there, none of which a local run uses:
# cloudpickle (pyarrow's pickler of its own objects, else the standard pickle; 13 ms of CPU
# with the logging module it loads) and the remote filesystems pyarrow.parquet loads through
# pyarrow.fs (S3, Azure, GCS, HDFS: 8 ms)
_NOT_IMPORTED_FOR_ARROW = frozenset({"cloudpickle", "pyarrow._s3fs", "pyarrow._azurefs", "pyarrow._gcsfs",
                                     "pyarrow._hdfs"})


class _Declined:
    """An import hook that makes `import pandas` and `import numpy` (and their submodules),
    and the optional modules of pyarrow above, fail, for `keyproj run` only (see there)."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.partition(".")[0] in _NOT_IMPORTED or name in _NOT_IMPORTED_FOR_ARROW:
            raise ImportError(f"{name} is not used by keyproj run")
        return None


class ProgressLine:
    """`documents  37/120` on stderr, redrawn in place at most ten times a second."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet or not sys.stderr.isatty()
        self._last = 0.0
        self._drawn = False

    def update(self, done: int, total: int) -> None:
        import time

        now = time.monotonic()
        if self.quiet or (now - self._last < 0.1 and done != total):
            return
        self._last = now
        width = 30
        filled = width * done // total if total else width
        sys.stderr.write(f"\rdocuments  [{'#' * filled}{'-' * (width - filled)}]  {done}/{total}")
        sys.stderr.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            sys.stderr.write("\n")


def exit_now(code: object) -> NoReturn:
    """End this process with the status `sys.exit(code)` gives, without Python's teardown,
    which frees every object of every module one by one (pyarrow's and the rules' among
    them: 0.05-0.06 s of CPU, more wall time on a busy machine, at the end of every run of
    one small file) only for the process to end. What an exit needs still happens: the
    functions registered with `atexit` run (multiprocessing's, a caller's) and the
    standard streams are flushed. Only once the command has returned, and with no other
    thread running (Python's own exit would wait for it)."""
    import atexit
    import threading

    if threading.active_count() > 1:
        raise SystemExit(code)
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):      # a closed pipe (keyproj query | head) or stream
            status = status or 1
    os._exit(status)
