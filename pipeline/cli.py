"""The `keyproj` command line: parses options and calls the library, nothing more.

Heavy imports (pyarrow, jieba, spaCy) happen inside the commands so `--help` stays fast.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from pipeline import command, settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn folders of Chinese key-project progress reports into Parquet tables.",
    # plain help and usage errors: Rich's boxes cost `--help` 0.15-0.25 s of imports
    rich_markup_mode=None,
)


@app.command()
def run(
    inputs: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).")],
    out: Annotated[str, typer.Option(
        "--out", "-o", help="Folder for the Parquet tables (with --scheduler also an fsspec URL).")
    ] = "data/processed",
    rules: Annotated[Path | None, typer.Option(help="Rules folder (default: the project's rules/).")] = None,
    scheduler: Annotated[str | None, typer.Option(
        help="Run on a Dask distributed cluster, e.g. tcp://HOST:8786 (workers need keyproj installed).")
    ] = None,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", help="Worker processes (default: all cores; 0 = in this process, no time budget).")
    ] = settings.JOBS,
    max_size: Annotated[float, typer.Option(
        help="Skip files larger than this many MB (status too_large).")] = settings.MAX_SIZE_MB,
    time_budget: Annotated[float, typer.Option(
        help=f"Seconds one document may take, plus {settings.TIME_BUDGET_PER_MB_S:g} s per MB of its size, "
             "before it becomes an error row.")] = settings.TIME_BUDGET_S,
    max_memory: Annotated[int, typer.Option(
        help="MB of memory one worker process may use; a document that needs more becomes an error "
             "row (not applied with --jobs 0).")] = settings.MAX_MEMORY_MB,
    fresh: Annotated[bool, typer.Option("--fresh", help="Ignore results of earlier runs in OUT.")] = False,
    checkpoint_every: Annotated[int, typer.Option(
        help="Save finished documents to OUT/.keyproj-work every N documents (what a killed run keeps).")
    ] = settings.CHECKPOINT_DOCS,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
) -> None:
    """Extract sections, quantities, projects and statuses from every document.

    Running again on the same OUT resumes: unchanged documents are not processed again.
    Exit status 0 when every document is ok, 1 when some failed or there was no file to
    read, 2 for usage errors; Ctrl-C (130) or SIGTERM (143) stops the workers and saves
    the finished documents first. Failures are also logged in OUT/keyproj.log.

    Example: keyproj run data/raw --out data/processed --jobs 2
    """
    command.run_local(inputs, out, rules, scheduler, jobs, max_size, time_budget, max_memory, fresh,
                      checkpoint_every, quiet)


_check_options = command.check_options


@app.command()
def explain(
    file: Annotated[Path, typer.Argument(
        help="One report (.txt, .md, .docx, .pdf, .html …).",
        readable=False)],     # the reader says why a file cannot be read (exit 1), as a run's row does
    kind: Annotated[str | None, typer.Option(help="Only facts of this kind (money, project, status …).")] = None,
) -> None:
    """Print every fact of one document with its rule and its sentence, span marked 【】.

    Exit status 1 when the file cannot be read (the reason is printed), 2 for usage errors.

    Example: keyproj explain data/raw/county_2023_summary.txt --kind money
    """
    from pipeline.outputs.explain import FACT_KINDS, Unreadable, explain_file

    # a pipe, a device, a broken or looping link and a file without read permission are the
    # reader's to refuse (exit 1, its reason), as they are a run's rows
    if not os.path.lexists(file):
        typer.echo(f"error: no such file: {file}", err=True)
        raise typer.Exit(2)
    if file.is_dir():
        typer.echo(f"error: {file} is a folder: explain reads one file (keyproj run reads folders)", err=True)
        raise typer.Exit(2)
    _check_options((kind is None or kind in FACT_KINDS, f"--kind must be one of {', '.join(FACT_KINDS)}"))
    try:
        typer.echo(explain_file(file, kind))
    except Unreadable as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


@app.command("eval")
def eval_(
    sets: Annotated[list[Path] | None, typer.Argument(
        help="Gold folders (each with gold.jsonl and raw/): extracted here and scored, each and together.")
    ] = None,
    gold: Annotated[Path | None, typer.Option("--gold", help="Gold annotations (JSON lines).")] = None,
    pred: Annotated[Path | None, typer.Option("--pred", help="Folder of tables written by `keyproj run`.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    errors: Annotated[bool, typer.Option("--errors", help="List misses, extras and wrong labels.")] = False,
) -> None:
    """Score predicted tables against gold annotations (see the gold guidelines).

    Either score a run's tables against one gold file (--gold and --pred), or give gold
    folders: each folder's raw/ is extracted in this process with the current code and
    rules, and every set is reported on its own and all together.

    Examples: keyproj eval --gold ../shared/gold/dev/gold.jsonl --pred /tmp/out --errors
              keyproj eval ../shared/gold/dev ../shared/gold/train
    """
    import json

    from pipeline.outputs.evaluate import (
        GoldError,
        combine,
        evaluate,
        evaluate_folder,
        format_report,
        format_sets,
        load_gold,
        load_predictions,
        report_to_dict,
    )

    if sets and (gold or pred) or not sets and not (gold and pred):
        typer.echo("error: give gold folders, or both --gold and --pred (not both forms)", err=True)
        raise typer.Exit(2)
    if not sets:
        for path in (gold, pred):
            if not path.exists():   # type: ignore[union-attr]
                typer.echo(f"error: no such file or folder: {path}", err=True)
                raise typer.Exit(2)
        try:
            report = evaluate(load_gold(gold), load_predictions(pred))     # type: ignore[arg-type]
        except (FileNotFoundError, GoldError) as exc:   # no tables, one truncated, a bad gold file
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        if as_json:
            typer.echo(json.dumps(report_to_dict(report, errors=errors), ensure_ascii=False, indent=2))
        else:
            typer.echo(format_report(report, errors=errors))
        return
    bad = [str(s) for s in sets if not (s / "gold.jsonl").is_file() or not (s / "raw").is_dir()]
    if bad:
        typer.echo(f"error: not a gold folder (gold.jsonl and raw/): {', '.join(bad)}", err=True)
        raise typer.Exit(2)
    try:
        named = [(_set_name(s, sets), evaluate_folder(s)) for s in sets]
    except GoldError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if len(named) > 1:
        named.append(("all", combine([r for _, r in named])))
    if as_json:
        typer.echo(json.dumps({name: report_to_dict(r, errors=errors) for name, r in named},
                              ensure_ascii=False, indent=2))
    else:
        typer.echo(format_sets(named, errors=errors))


def _set_name(folder: Path, folders: list[Path]) -> str:
    """A gold folder's label: its name, or its path when two folders share a name."""
    names = [f.resolve().name for f in folders]
    name = folder.resolve().name
    return name if names.count(name) == 1 else str(folder)


@app.command("check-rules")
def check_rules(
    rules: Annotated[Path | None, typer.Argument(help="Rules folder (default: the project's rules/).")] = None,
) -> None:
    """Load and validate every rule file; print what was loaded or the first error.

    Example: keyproj check-rules rules/
    """
    from pipeline.rules.loader import RuleError, load_rules
    from pipeline.stages.ledger_rules import ledger_rules

    try:
        r = load_rules(rules)
        ledger_rules(r)         # its patterns are compiled on first use: check them here too
    except RuleError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"ok: {r.directory} (hash {r.hash}): {len(r.units)} units, "
               f"{len(r.status_cues)} status cues, {len(r.projects.suffixes)} project suffixes")


def main() -> None:
    """The `keyproj` command through typer (`pipeline.__main__.main`, the entry point, sends
    every command line here but a plain `keyproj run`)."""
    _coerce_simple_types_without_pydantic()
    _usage_errors_in_one_line()
    try:
        app()
    except SystemExit as done:
        command.exit_now(done.code)


def _usage_errors_in_one_line() -> None:
    """Click shows a usage error it finds itself (an unknown option, a value of the wrong
    type, a missing argument) as the usage, a hint and the message; ours are one line
    (`error: …`, exit 2), and a script reading stderr should not tell the two apart."""
    # typer 0.29 carries its own copy of click: its UsageError is the one typer.BadParameter
    # derives from, whichever click that is
    usage_error = next((c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError"), None)
    if usage_error is None:
        return

    def show(self: Any, file: object = None) -> None:
        typer.echo(f"error: {self.format_message()}", err=True)

    setattr(usage_error, "show", show)  # noqa: B010 - click's display of a usage error replaced


# ---- option values without pydantic ----------------------------------------------------------
#
# Typer (0.2x) turns every option's text into its value with a pydantic TypeAdapter: importing
# pydantic and building the adapters cost a run 0.1-0.3 s before its first worker could start,
# and every usage error as much. The options here are str, int, float, bool and Path (alone, in a
# list, or optional), whose values `_simple_value` makes as pydantic would. Anything else it
# declines (another type, constraints such as min/max, a text it is not sure of, like "1_000"
# or " 3"), and typer's own coercion takes that value, errors included.

_DECLINED = command.DECLINED
_TYPER_TESTED = "0.29."   # the typer line whose private coercion classes are replaced
_simple_value = command.simple_value


def _simple_coercion(annotation: object, info: Any) -> Callable[[object, Callable[[Path], object]], object] | None:
    """How `_simple_value` makes a value of `annotation` (a simple type, a list of one, or
    either optional), or None where typer's coercion is kept (other types, constraints)."""
    import types
    import typing

    if (info.parser is not None or info.min is not None or info.max is not None or info.clamp
            or info.path_type is not None):
        return None
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    optional = origin in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args
    inner = next(a for a in args if a is not type(None)) if optional else annotation
    listed = typing.get_origin(inner) is list
    leaf = typing.get_args(inner)[0] if listed else inner
    if leaf not in (str, int, float, bool, Path) or (optional and typing.get_origin(leaf) is not None):
        return None
    # typer checks a path (exists, readable …) only for a plain `Path` or `list[Path]`;
    # an optional one is made by pydantic alone
    checks = leaf is Path and not optional

    def coerce(value: object, check: Callable[[Path], object]) -> object:
        one = check if checks else None
        if not listed:
            return _simple_value(leaf, value, one)
        if not isinstance(value, list | tuple):
            return _DECLINED
        items = [_simple_value(leaf, item, one) for item in value]
        return _DECLINED if _DECLINED in items else items

    return coerce


def _coerce_simple_types_without_pydantic() -> None:
    """Make typer coerce the simple options with `_simple_coercion` (its own coercion, and
    pydantic, for the rest). Only on the typer line whose private classes this was written
    against and tested with (0.29): any other typer is left alone, slower but never broken."""
    if not typer.__version__.startswith(_TYPER_TESTED):
        return
    try:
        from typer._coercion import RuntimeParam, build_runtime_param
        from typer._param_types import coerce_cli_path
        from typer.core import _TyperParameter
    except ImportError:
        return
    if getattr(_TyperParameter, "_keyproj_simple", False):
        return
    typer_runtime_param = _TyperParameter.get_runtime_param

    @dataclasses.dataclass(frozen=True)
    class SimpleParam(RuntimeParam):
        coerce_simple: Callable[[object, Callable[[Path], object]], object]
        type_descriptor: Any    # for typer's own coercion of a declined value

        def typer_coercion(self) -> Any:
            return build_runtime_param(self.type_descriptor)

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            def check(path: Path) -> object:
                return coerce_cli_path(path, self.parameter_info, path_type=Path, param=param, ctx=ctx)

            made = self.coerce_simple(value, check)
            if made is _DECLINED:
                return self.typer_coercion()._coerce_value(value, param=param, ctx=ctx)
            return made

    def runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            desc = self.type_descriptor
            simple = None if desc.file_annotation is not None else _simple_coercion(desc.annotation,
                                                                                   desc.parameter_info)
            if simple is None:
                return typer_runtime_param(self)
            self._runtime_param = SimpleParam(desc.parameter_info, desc.annotation, simple, desc)
        return self._runtime_param

    setattr(_TyperParameter, "get_runtime_param", runtime_param)  # noqa: B010 - a method replaced
    setattr(_TyperParameter, "_keyproj_simple", True)  # noqa: B010 - an attribute typer lacks


# --- from tables to answers: query, export, report ---------------------------------------
# (appended after main() on purpose: other commands above are edited by others; the
# decorators register these on `app` at import time all the same)

def _tables_dir_or_exit(directory: Path) -> None:
    """Exit 2 with a clear message unless `directory` holds at least one table."""
    from pipeline.outputs.query import TablesNotFound, require_tables

    try:
        require_tables(directory)
    except TablesNotFound as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None


def _cannot_write(what: str, exc: OSError, path: Path) -> NoReturn:
    """A usage error for an output the user named that cannot be written: one line, the
    reason in plain words and the path given (not a temporary file's name), exit 2."""
    from pipeline.batch.outdir import os_error_reason

    command.usage_error(f"cannot write {what}: {os_error_reason(exc)} ({path})")


def _stderr_bar(label: str, quiet: bool = False):  # type: ignore[no-untyped-def]
    """A progress wrapper for the library's `progress=` hooks: a bar on stderr, or nothing."""
    def wrap(items):  # type: ignore[no-untyped-def]
        items = list(items)
        if quiet or len(items) < 2 or not sys.stderr.isatty():
            yield from items
            return
        with typer.progressbar(items, label=label, file=sys.stderr, show_pos=True) as bar:
            yield from bar
    return wrap


@app.command()
def query(
    directory: Annotated[Path, typer.Argument(help="Folder of tables written by `keyproj run`.")],
    sql: Annotated[str, typer.Argument(help="SQL (DuckDB); tables: documents, sections, quantities, "
                                            "projects, statuses; views: facts, sentences.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table (aligned), csv or json.")] = "table",
    limit: Annotated[int | None, typer.Option(help="Print at most this many rows.")] = None,
    max_width: Annotated[int, typer.Option(help="table format: cut cells wider than this.")] = settings.QUERY_MAX_WIDTH,
    allow_write: Annotated[bool, typer.Option(
        "--allow-write", help="Run any statement, with access to every file (COPY … TO, ATTACH, "
                              "INSTALL, CREATE …); without it only SELECT over the tables runs.")] = False,
) -> None:
    """Run SQL over the tables; each table is a view by its name.

    Tables are DIR/<name>.parquet or DIR/<name>/*.parquet (part files). Only SELECT
    statements run, and they read nothing but the tables, unless --allow-write. The table
    format prints cell text without control characters or terminal escape sequences.

    Example: keyproj query data/processed "SELECT status, count(*) AS n FROM projects GROUP BY 1 ORDER BY n DESC"
    """
    from pipeline.outputs.query import FORMATS, QueryError, format_result, run_query

    _check_options(
        (fmt in FORMATS, f"--format must be one of {', '.join(FORMATS)}"),
        (limit is None or limit >= 0, "--limit must be 0 or more"),
        (max_width >= 1, "--max-width must be 1 or more"),
    )
    _tables_dir_or_exit(directory)
    try:
        columns, rows, cut = run_query(directory, sql, limit, allow_write=allow_write)
    except QueryError as exc:
        typer.echo(f"error: SQL: {exc}", err=True)
        raise typer.Exit(2) from None
    text = format_result(columns, rows, fmt, max_width)
    typer.echo(text, nl=not text.endswith("\n"))
    if cut:
        typer.echo(f"(first {limit} rows shown; --limit to see more)", err=True)


@app.command()
def export(
    directory: Annotated[Path, typer.Argument(help="Folder of tables written by `keyproj run`.")],
    to: Annotated[str, typer.Option("--to", help="xlsx (one sheet per table) or csv (one file per table).")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="xlsx: the workbook (default DIR/tables.xlsx); csv: a folder (default DIR/csv).")] = None,
    labels: Annotated[str | None, typer.Option(
        help="zh: Chinese sheet names, headers, values (status, role …) and about sheet (default: as stored).")] = None,
    money_unit: Annotated[str, typer.Option(
        "--money-unit", help="Money in 元, 万元 or 亿元.")] = settings.EXPORT_MONEY_UNIT,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
) -> None:
    """Export every table to Excel or CSV (UTF-8 with BOM, so Excel reads Chinese), and a facts
    sheet: one row per amount and status cue with its document, place, year, project and sentence.

    xlsx cells longer than Excel's 32,767 characters (documents.text) are cut with a note;
    the first sheet lists them.

    Example: keyproj export data/processed --to xlsx --out tables.xlsx --labels zh
    """
    from pipeline.outputs.export import EXPORT_FORMATS, ExportError
    from pipeline.outputs.export import export as export_tables

    if to not in EXPORT_FORMATS:
        typer.echo(f"error: --to must be one of {', '.join(EXPORT_FORMATS)}", err=True)
        raise typer.Exit(2)
    _tables_dir_or_exit(directory)
    try:
        summary = export_tables(directory, to, out, labels, progress=_stderr_bar("tables", quiet),
                                money_unit=money_unit)
    except ExportError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except OSError as exc:      # --out on a read-only or missing path, a file where a folder goes …
        _cannot_write("the export", exc, out or directory)
    if not quiet:
        rows = ", ".join(f"{n:,} {name}" for name, n in summary.rows.items())
        typer.echo(f"rows:    {rows}", err=True)
        if summary.truncated:
            typer.echo(f"cut:     {len(summary.truncated)} cells over Excel's limit (listed on the first sheet)",
                       err=True)
        for path in summary.written:
            typer.echo(f"written: {path}", err=True)


@app.command()
def report(
    directory: Annotated[Path, typer.Argument(help="Folder of tables written by `keyproj run`.")],
    html: Annotated[Path, typer.Option("--html", help="The HTML file to write.")] = Path("report.html"),
    max_docs: Annotated[int, typer.Option(
        help="Embed at most this many annotated documents.")] = settings.REPORT_MAX_DOCS,
    max_doc_chars: Annotated[int, typer.Option(
        help="Cut each embedded document at this many characters.")] = settings.REPORT_MAX_DOC_CHARS,
    max_projects: Annotated[int, typer.Option(
        help="Rows of the projects table at most.")] = settings.REPORT_MAX_PROJECTS,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
) -> None:
    """Write one self-contained HTML report that works offline.

    Corpus overview, investment and status charts, a sortable and filterable projects
    table, and documents with every fact highlighted (click a project to see it).

    Example: keyproj report data/processed --html report.html
    """
    from pipeline.outputs.report import Limits, write_report

    _check_options(
        (max_docs >= 0, "--max-docs must be 0 or more"),
        (max_doc_chars >= 1, "--max-doc-chars must be 1 or more"),
        (max_projects >= 0, "--max-projects must be 0 or more"),
    )
    _tables_dir_or_exit(directory)
    try:
        size = write_report(directory, html, Limits(max_docs, max_doc_chars, max_projects),
                            progress=_stderr_bar("documents", quiet))
    except OSError as exc:      # --html on a read-only or missing path, a folder …
        _cannot_write("the report", exc, html)
    if not quiet:
        typer.echo(f"written: {html} ({size / 1024:,.0f} KB)", err=True)


@app.command()
def timeline(
    directory: Annotated[Path, typer.Argument(help="Folder of tables written by `keyproj run`.")],
    names: Annotated[list[str] | None, typer.Argument(
        help="Show the projects whose key or name contains one of these (default: every project "
             "named in more than one report).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table (aligned), csv or json.")] = "table",
    max_width: Annotated[int, typer.Option(help="table format: cut cells wider than this.")] = settings.QUERY_MAX_WIDTH,
) -> None:
    """One project across many reports: a row per report, in year order.

    The same project in any report has one `project_key` (traditional or simplified, 项目/工程
    endings, 二期/2期, the region when the name lacks one). Figures that disagree, within a
    report or across reports, are in the `checks` table (`keyproj query DIR "SELECT * FROM checks"`).

    Example: keyproj timeline data/processed 青藏铁路
    """
    from pipeline.outputs.query import FORMATS, TablesNotFound, format_result
    from pipeline.outputs.timeline import timeline_view

    _check_options((fmt in FORMATS, f"--format must be one of {', '.join(FORMATS)}"),
                   (max_width >= 1, "--max-width must be 1 or more"))
    try:
        columns, rows = timeline_view(directory, names or [])
    except TablesNotFound as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if not rows:
        typer.echo("no project matches" if names else "no project is named in more than one report", err=True)
        raise typer.Exit(1)
    text = format_result(columns, rows, fmt, max_width)
    typer.echo(text, nl=not text.endswith("\n"))
