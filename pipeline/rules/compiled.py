"""The stages' own patterns (alternations of a lexicon's words, a rule's pattern joined with
others), compiled once on a machine rather than once in every process.

`regex` parses a pattern in Python: the 20-odd patterns the stages build from the rules
took 0.11-0.13 s of CPU at every worker's start, a tenth of a run of one small file. A
compiled `regex` pattern pickles as its compiled code (unpickling all of them takes 3 ms),
so the patterns a process compiled are kept in a cache file beside the rules' and the
segmenter's (`cache_dir()`), keyed by the pattern's text and flags; the next process reads
them instead of compiling them. The file is named by the Python and `regex` versions, read
only when private to the user (a pickle runs code when loaded), and written atomically.
A `re` pattern pickles as its text and would be compiled again on loading: not kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import sys
from pathlib import Path

import regex

from pipeline.rules.loader import cache_dir, copy_shipped, is_private, mark_used, write_cache_file

_FORMAT = 1
# a rule edited makes new patterns and leaves the old ones in the file: past this many, the
# file keeps only those this process used
_MAX_KEPT = 1000

_KIND = "keyproj-patterns-*.pickle"
_Key = tuple[str, int]
_memo: dict[_Key, regex.Pattern[str]] | None = None     # read on first use
_used: set[_Key] = set()
_new = False            # compiled here, not in the file


def compiled(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """`regex.compile(pattern, flags)`: from the cache file when a process compiled it before."""
    global _memo, _new
    if _memo is None:
        path = _memo_path()
        _memo = _read(path) or (_read(path) if copy_shipped(path, _KIND) else {})
    key = (pattern, flags)
    found = _memo.get(key)
    if found is None:
        found = _memo[key] = regex.compile(pattern, flags)
        _new = True
    _used.add(key)
    return found


def save_compiled(always: bool = False) -> None:
    """Write the patterns this process compiled to the cache file (with those read from it),
    when there are any; a process that only read the file writes nothing, unless `always`
    (the wheel's build writes every pattern it holds into a fresh cache folder, also when an
    earlier step of the same process compiled and saved them elsewhere)."""
    global _new
    if _memo is None or not (_new or always):
        return
    kept = dict(_memo)
    if len(kept) > _MAX_KEPT:
        kept = {k: v for k, v in kept.items() if k in _used}
    write_cache_file(_memo_path(), lambda f: pickle.dump(kept, f, protocol=pickle.HIGHEST_PROTOCOL), _KIND)
    _new = False


def _memo_path() -> Path:
    key = repr((_FORMAT, sys.version, regex.__version__))
    return cache_dir() / f"keyproj-patterns-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:24]}.pickle"


def _read(path: Path) -> dict[_Key, regex.Pattern[str]]:
    """The patterns kept in `path`; none when there is no file to trust (missing, someone
    else's, unreadable, or not such a mapping): they are then compiled again."""
    if not (is_private(path.parent) and is_private(path)):
        return {}
    found: object = None
    with contextlib.suppress(Exception):    # a damaged file is written again, never an error
        found = pickle.loads(path.read_bytes())
    if not isinstance(found, dict) or not all(
            isinstance(k, tuple) and isinstance(v, regex.Pattern) and v.pattern == k[0] and v.flags & k[1] == k[1]
            for k, v in found.items()):
        return {}
    mark_used(path)
    return found
