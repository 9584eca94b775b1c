"""`pipeline_version` changes when, and only when, an edit can change a row.

Each case copies the package to a temporary folder, edits one file (or adds one) and
compares the fingerprint before and after.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import version
from pipeline.version import fingerprint

PACKAGE = Path(version.__file__).resolve().parent


@pytest.mark.parametrize(("edited", "changes_rows"), [
    # extraction: the stages, the rule loader, the records, the row builder, the wiring, reading
    ("stages/quantities.py",       True),
    ("stages/link.py",             True),
    ("rules/loader.py",            True),
    ("text/normalise.py",          True),
    ("types.py",                   True),
    ("schema.py",                  True),      # the columns
    ("rows.py",                    True),
    ("extract.py",                 True),
    ("io/read.py",                 True),
    ("stages/a_new_stage.py",      True),      # a new stage counts as soon as it exists
    ("data/project_weights.json",  True),      # a model's weights under pipeline/data
    # outputs, the command line and the batch machinery: rows stay reusable
    ("outputs/report.py",          False),
    ("outputs/export.py",          False),
    ("outputs/query.py",           False),
    ("outputs/explain.py",         False),
    ("outputs/evaluate.py",        False),
    ("cli.py",                     False),
    ("settings.py",                False),
    ("batch/store.py",             False),
    ("batch/pool.py",              False),
    ("batch/run.py",               False),
    ("data/labels_zh.yaml",        False),     # export's Chinese headers
])
def test_fingerprint_covers_only_what_changes_extraction(tmp_path: Path, edited: str, changes_rows: bool) -> None:
    package = tmp_path / "pipeline"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    before = fingerprint(package)
    with (package / edited).open("a", encoding="utf-8") as fh:
        fh.write("\n# an edit\n")
    assert (fingerprint(package) != before) == changes_rows


def test_code_version_is_the_package_version_and_fingerprint() -> None:
    from pipeline import __version__

    assert version.code_version() == f"{__version__}+{fingerprint(PACKAGE)}"
