"""Which code produced a row: the package version plus a fingerprint of its source files.

Stored in `documents.pipeline_version`; a resumed run reuses a document's rows only when
this (and the rules hash) is unchanged, so editing the code never leaves stale rows behind.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from pipeline import __version__


@lru_cache(maxsize=1)
def code_version() -> str:
    digest = hashlib.sha1()
    # the code and the trained weights it ships (data/*.json: the project and status models)
    here = Path(__file__).parent
    for path in sorted([*here.glob("*.py"), *here.glob("data/*.json")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:8]}"
