"""Which code produced a row: the package version plus a fingerprint of the extraction code.

Stored in `documents.pipeline_version`; a resumed run reuses a document's rows only when
this (and the rules hash) is unchanged, so editing the extraction never leaves stale rows
behind. The fingerprint covers exactly what can change a row: the records (`types.py`), the
columns (`schema.py`), the wiring (`extract.py`), the rows made from a result (`rows.py`), the packages `text/`, `io/`
(how bytes become text), `rules/` (the loader) and `stages/`, and every file under `data/`
except the output labels (a model's weights there change rows). Editing the batch machinery
(`batch/`), the output commands (`outputs/`), the CLI or the settings therefore keeps every
earlier row reusable.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from pipeline import __version__

# What a row depends on: these top-level modules and everything in these packages.
EXTRACTION_MODULES = ("types.py", "schema.py", "extract.py", "rows.py")
EXTRACTION_PACKAGES = ("text", "io", "rules", "stages")
# Files of pipeline/data/ read only by the output commands.
NOT_EXTRACTION_DATA = frozenset({"labels_zh.yaml"})


def extraction_files(package: Path) -> list[Path]:
    """The files whose content `pipeline_version` fingerprints, in a fixed order."""
    modules = [package / name for name in EXTRACTION_MODULES]
    modules += [p for sub in EXTRACTION_PACKAGES for p in (package / sub).glob("*.py")]
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
