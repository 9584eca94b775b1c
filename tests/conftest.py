"""Shared fixtures: the rule set and the extractors, built once per test session.

Building a `Pipeline` loads jieba's dictionary (about a second), so every test that needs
one takes the session-scoped `pipeline` fixture instead of building its own.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from pipeline.extract import Pipeline
from pipeline.rules.loader import RuleSet, load_rules
from pipeline.stages.quantities import QuantityExtractor

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "data" / "raw"
CASES_DIR = Path(__file__).resolve().parent / "cases"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"


def load_script(name: str) -> ModuleType:
    """scripts/<name>.py as a module (a script, not part of the package), registered in
    sys.modules under its name: its dataclasses look themselves up there."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def load_train_script() -> ModuleType:
    """scripts/train.py as a module."""
    return load_script("train")


def raw_reports() -> list[Path]:
    """The project's own sample reports (data/raw/*.txt)."""
    return sorted(RAW_DIR.glob("*.txt"))


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return load_rules()


@pytest.fixture(scope="session")
def pipeline(rules: RuleSet) -> Pipeline:
    return Pipeline(rules)


@pytest.fixture(scope="session")
def quantity_extractor(rules: RuleSet) -> QuantityExtractor:
    return QuantityExtractor(rules)


@pytest.fixture(scope="session")
def raw_tables(tmp_path_factory: pytest.TempPathFactory, rules: RuleSet) -> Path:
    """The tables `keyproj run` writes for data/raw, built once per session (in this process).

    Tests read them and may write next to them, never into them.
    """
    from pipeline.batch.run import run

    out = tmp_path_factory.mktemp("raw_tables") / "tables"
    run([RAW_DIR], out, rules, jobs=0)
    return out


def process_alive(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie, dead but not yet reaped, is not)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
