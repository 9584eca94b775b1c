"""Where keyproj's cache files live and whom they may be read from, with nothing but the
standard library: read before any module whose classes a cache file holds is imported
(`made_methods.py`), and by `loader.py`, which keeps the rest of the cache files' handling."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# The cache files a wheel ships (`pipeline/batch/prebuilt.py`, built by setup.py): the files
# of its own rules and code, named as the user's cache names them.
SHIPPED_CACHE_DIR = Path(__file__).resolve().parent.parent / "_prebuilt"


def cache_dir() -> Path:
    """Where keyproj keeps what it builds once for later runs (the validated rules, the
    segmenter's dictionary): $KEYPROJ_CACHE_DIR, else the user's cache folder
    ($XDG_CACHE_HOME or ~/.cache, then keyproj/), else a folder of this user's own in the
    temporary folder."""
    if os.environ.get("KEYPROJ_CACHE_DIR"):
        return Path(os.environ["KEYPROJ_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if os.path.isabs(base) and os.access(base if os.path.isdir(base) else os.path.dirname(base), os.W_OK):
        return Path(base) / "keyproj"
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"keyproj-{uid}"


def is_private(path: Path) -> bool:
    """`path` exists, belongs to this user, and no one else may write to it."""
    try:
        st = path.stat()
    except OSError:
        return False
    if not hasattr(os, "getuid"):
        return True
    return st.st_uid == os.getuid() and not st.st_mode & 0o022
