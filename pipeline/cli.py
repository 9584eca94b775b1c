"""The `keyproj` command line: parses options and calls the library, nothing more.

Heavy imports (pyarrow, jieba, spaCy) happen inside the commands so `--help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn folders of Chinese key-project progress reports into Parquet tables.",
)


@app.command()
def run(
    inputs: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the Parquet tables.")] = Path(
        "data/processed"),
    rules: Annotated[Path | None, typer.Option(help="Rules folder (default: the project's rules/).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
) -> None:
    """Extract sections, quantities, projects and statuses from every document.

    Example: keyproj run data/raw --out data/processed
    """
    from pipeline.rules import RuleError, load_rules
    from pipeline.run import run as run_pipeline

    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        typer.echo(f"error: no such file or folder: {', '.join(missing)}", err=True)
        raise typer.Exit(2)
    try:
        rule_set = load_rules(rules)
    except RuleError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None

    def progress(files):  # type: ignore[no-untyped-def]
        if quiet:
            return files
        return typer.progressbar(files, label="documents", file=sys.stderr, show_pos=True)

    def with_bar(files):  # type: ignore[no-untyped-def]
        bar = progress(files)
        if bar is files:
            yield from files
            return
        with bar as items:
            yield from items

    summary = run_pipeline(list(inputs), out, rule_set, progress=with_bar)
    if not quiet:
        docs = ", ".join(f"{n} {status}" for status, n in sorted(summary.documents.items())) or "none"
        facts = ", ".join(f"{n} {kind}" for kind, n in summary.facts.items())
        typer.echo(f"documents: {docs}", err=True)
        typer.echo(f"facts:     {facts}", err=True)
        for path, error in summary.failed:
            typer.echo(f"  failed:  {path}: {error}", err=True)
        typer.echo(f"tables:    {out}/{{documents,sections,quantities,projects,statuses}}.parquet",
                   err=True)
    if summary.failed:
        raise typer.Exit(1)


@app.command()
def explain(
    file: Annotated[Path, typer.Argument(help="One report (.txt or .md).")],
    kind: Annotated[str | None, typer.Option(help="Only facts of this kind (money, project, status …).")] = None,
) -> None:
    """Print every fact of one document with its rule and its sentence, span marked 【】.

    Example: keyproj explain data/raw/county_2023_summary.txt --kind money
    """
    from pipeline.explain import explain_file

    if not file.is_file():
        typer.echo(f"error: no such file: {file}", err=True)
        raise typer.Exit(2)
    typer.echo(explain_file(file, kind))


@app.command("eval")
def eval_(
    gold: Annotated[Path, typer.Option("--gold", help="Gold annotations (JSON lines).")],
    pred: Annotated[Path, typer.Option("--pred", help="Folder of tables written by `keyproj run`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    errors: Annotated[bool, typer.Option("--errors", help="List misses, extras and wrong labels.")] = False,
) -> None:
    """Score predicted tables against gold annotations (see the gold guidelines).

    Example: keyproj eval --gold ../shared/gold/dev/gold.jsonl --pred /tmp/out --errors
    """
    import json

    from pipeline.evaluate import evaluate, format_report, load_gold, load_predictions, report_to_dict

    for path in (gold, pred):
        if not path.exists():
            typer.echo(f"error: no such file or folder: {path}", err=True)
            raise typer.Exit(2)
    report = evaluate(load_gold(gold), load_predictions(pred))
    if as_json:
        typer.echo(json.dumps(report_to_dict(report, errors=errors), ensure_ascii=False, indent=2))
    else:
        typer.echo(format_report(report, errors=errors))


@app.command("check-rules")
def check_rules(
    rules: Annotated[Path | None, typer.Argument(help="Rules folder (default: the project's rules/).")] = None,
) -> None:
    """Load and validate every rule file; print what was loaded or the first error.

    Example: keyproj check-rules rules/
    """
    from pipeline.rules import RuleError, load_rules

    try:
        r = load_rules(rules)
    except RuleError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"ok: {r.directory} (hash {r.hash}): {len(r.units)} units, "
               f"{len(r.status_cues)} status cues, {len(r.projects['suffixes'])} project suffixes")


def main() -> None:
    app()
