"""Every default is stated once, in `pipeline/settings.py`: the command line's options, the
library's keyword arguments and the reader all show the same value."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest
import typer

from pipeline import settings
from pipeline.batch.run import run
from pipeline.cli import app
from pipeline.io.read import read_document
from pipeline.outputs.report import Limits


def _option_default(command: str, option: str) -> Any:
    click_command = typer.main.get_command(app).commands[command]  # type: ignore[attr-defined]
    [param] = [p for p in click_command.params if p.name == option]
    return param.default


def _keyword_default(function: Callable[..., Any], name: str) -> Any:
    return inspect.signature(function).parameters[name].default


def option(command: str, name: str) -> Callable[[], Any]:
    return lambda: _option_default(command, name)


def keyword(function: Callable[..., Any], name: str) -> Callable[[], Any]:
    return lambda: _keyword_default(function, name)


@pytest.mark.parametrize(("where", "shown", "setting"), [
    ("keyproj run --max-size",          option("run", "max_size"),            settings.MAX_SIZE_MB),
    ("keyproj run --time-budget",       option("run", "time_budget"),         settings.TIME_BUDGET_S),
    ("keyproj run --checkpoint-every",  option("run", "checkpoint_every"),    settings.CHECKPOINT_DOCS),
    ("keyproj run --jobs",              option("run", "jobs"),                settings.JOBS),
    ("keyproj query --max-width",       option("query", "max_width"),         settings.QUERY_MAX_WIDTH),
    ("keyproj report --max-docs",       option("report", "max_docs"),         settings.REPORT_MAX_DOCS),
    ("keyproj report --max-doc-chars",  option("report", "max_doc_chars"),    settings.REPORT_MAX_DOC_CHARS),
    ("keyproj report --max-projects",   option("report", "max_projects"),     settings.REPORT_MAX_PROJECTS),
    ("run(max_bytes=)",                 keyword(run, "max_bytes"),            settings.MAX_BYTES),
    ("run(time_budget=)",               keyword(run, "time_budget"),          settings.TIME_BUDGET_S),
    ("run(checkpoint_docs=)",           keyword(run, "checkpoint_docs"),      settings.CHECKPOINT_DOCS),
    ("run(checkpoint_bytes=)",          keyword(run, "checkpoint_bytes"),     settings.CHECKPOINT_BYTES),
    ("run(jobs=)",                      keyword(run, "jobs"),                 settings.JOBS),
    ("read_document(max_bytes=)",       keyword(read_document, "max_bytes"),  settings.MAX_BYTES),
    ("report Limits.max_docs",          lambda: Limits().max_docs,            settings.REPORT_MAX_DOCS),
    ("report Limits.max_doc_chars",     lambda: Limits().max_doc_chars,       settings.REPORT_MAX_DOC_CHARS),
    ("report Limits.max_projects",      lambda: Limits().max_projects,        settings.REPORT_MAX_PROJECTS),
])
def test_default_comes_from_settings(where: str, shown: Callable[[], Any], setting: Any) -> None:
    assert shown() == setting, where


def test_max_size_in_megabytes_and_bytes_agree() -> None:
    assert settings.MAX_BYTES == settings.MAX_SIZE_MB * 1024 * 1024
