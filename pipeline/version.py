"""Which code produced a row: the package version plus a fingerprint of the extraction code.

Stored in `documents.pipeline_version`; a resumed run reuses a document's rows only when
this (and the rules hash) is unchanged, so editing the extraction never leaves stale rows
behind. The fingerprint covers what can change a row: every module of `pipeline/` except
those that only run the batch or read, show or move finished rows (`NOT_EXTRACTION`), and
every file under `pipeline/data/` except the output labels (a model's weights there change
rows). Editing the HTML report or the CLI therefore keeps every earlier row reusable.
A new module counts as extraction until it is listed below.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from pipeline import __version__

# Modules whose edits never change a row: the command line, the batch machinery around
# the per-document work (`run.py` holds that work and stays in), and the output commands.
NOT_EXTRACTION = frozenset({
    "__main__", "cli", "settings",                                  # options and defaults
    "distributed", "manifest", "pool", "runlog", "store",           # batch machinery
    "evaluate", "explain", "export", "query", "report", "spacy_component",  # outputs
})
# Files of pipeline/data/ read only by the output commands.
NOT_EXTRACTION_DATA = frozenset({"labels_zh.yaml"})


def extraction_files(package: Path) -> list[Path]:
    """The files whose content `pipeline_version` fingerprints, in a fixed order."""
    modules = [p for p in package.glob("*.py") if p.stem not in NOT_EXTRACTION]
    data = [p for p in (package / "data").glob("*") if p.is_file() and p.name not in NOT_EXTRACTION_DATA]
    return sorted(modules) + sorted(data)


def fingerprint(package: Path) -> str:
    """A short hash of the extraction files of the package folder `package`."""
    digest = hashlib.sha1()
    for path in extraction_files(package):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


@lru_cache(maxsize=1)
def code_version() -> str:
    return f"{__version__}+{fingerprint(Path(__file__).parent)}"
