"""The methods `dataclasses` writes for keyproj's classes, compiled once on a machine
rather than once in every process.

`@dataclass` writes each class's `__init__`, `__repr__`, `__eq__`, `__hash__` … as Python
source and compiles it with `exec`. The modules a run's command-line process imports
(the rules' 29 configs, the records of types.py, the batch modules) make about 310 such
methods, a worker's stages about 150 more: 0.04-0.08 s of CPU each, on the path of a run of
one small file to its tables. While `cached_methods()` is open, `dataclasses` compiles
through `_exec`, which takes the code object compiled for the same source text from a cache
file (`marshal`, named by the Python version, beside the rules' and patterns' cache files)
and compiles only a source it has not seen: the same text compiled as `exec` compiles it
(no `__future__` flag of this module inherited), so the same methods. The file is read
only when private to the user (its code runs), a wheel ships it (`batch/prebuilt.py`), and
`save_made_methods` writes it when a process compiled something new.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import marshal
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pipeline.rules.cache_place import SHIPPED_CACHE_DIR, cache_dir, is_private

_FORMAT = 1
_KIND = "keyproj-methods-*.marshal"
# methods of classes changed since leave their old source in the file: past this many, the
# file keeps only those this process used
_MAX_KEPT = 3000

_memo: dict[str, types.CodeType] | None = None     # read when first opened
_used: set[str] = set()
_new = False            # compiled here (or copied from the wheel), not in the user's file
_open = 0               # cached_methods() nested this deep
_NOT_SET: Any = object()
_before: Any = _NOT_SET


def _exec(source: object, globals: dict[str, Any] | None = None, locals: dict[str, Any] | None = None) -> None:
    """`exec` as `dataclasses` calls it, a source string's code from the memo."""
    global _new
    if globals is None:     # exec's defaults, as seen from the module calling it
        globals = dataclasses.__dict__
    if not isinstance(source, str) or _memo is None:
        exec(source, globals, locals)      # type: ignore[arg-type]
        return
    code = _memo.get(source)
    if code is None:
        # dont_inherit: compiled as exec compiles it in dataclasses, which has no __future__
        # import (this module's `annotations` would make the methods' annotations strings)
        code = compile(source, "<string>", "exec", dont_inherit=True)
        _memo[source] = code
        _new = True
    _used.add(source)
    exec(code, globals, locals)


@contextlib.contextmanager
def cached_methods() -> Iterator[None]:
    """While open, the dataclasses made in this process get their methods' code from the
    cache file (see the module's doc). Nested or not, the module's `exec` is its own again
    once the outermost one closes."""
    global _open, _before
    _loaded()
    if _open == 0:
        _before = dataclasses.__dict__.get("exec", _NOT_SET)
        dataclasses.exec = _exec    # type: ignore[attr-defined]  # a global that hides the builtin
    _open += 1
    try:
        yield
    finally:
        _open -= 1
        if _open == 0:
            if _before is _NOT_SET:
                del dataclasses.exec    # type: ignore[attr-defined]
            else:
                dataclasses.exec = _before    # type: ignore[attr-defined]


def save_made_methods(always: bool = False) -> None:
    """Write the methods' code this process compiled to the cache file (with what it read
    from it), when there is any; `always`: also when none is new (the wheel's build)."""
    global _new
    if _memo is None or not (_new or always):
        return
    from pipeline.rules.loader import write_cache_file

    kept = _memo if len(_memo) <= _MAX_KEPT else {k: v for k, v in _memo.items() if k in _used}
    write: Callable[[Any], object] = lambda f: marshal.dump(kept, f)  # noqa: E731
    write_cache_file(_memo_path(), write, _KIND)
    _new = False


def _memo_path() -> Path:
    key = repr((_FORMAT, sys.version, marshal.version))
    return cache_dir() / f"keyproj-methods-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:24]}.marshal"


def _loaded() -> dict[str, types.CodeType]:
    global _memo, _new
    if _memo is None:
        path = _memo_path()
        _memo = _read(path)
        if _memo:
            with contextlib.suppress(OSError):
                path.touch()        # used now: pruning keeps the most recently used (loader.mark_used)
        else:
            _memo = _read(SHIPPED_CACHE_DIR / path.name)
            _new = bool(_memo)      # copied into the user's cache by the next save
    return _memo


def _read(path: Path) -> dict[str, types.CodeType]:
    """The methods' code kept in `path`; none when there is no file to trust (missing,
    someone else's, unreadable, or not such a mapping)."""
    if not (is_private(path.parent) and is_private(path)):
        return {}
    found: object = None
    with contextlib.suppress(Exception):    # a damaged file is written again, never an error
        found = marshal.loads(path.read_bytes())
    if not isinstance(found, dict) or not all(isinstance(k, str) and isinstance(v, types.CodeType)
                                              for k, v in found.items()):
        return {}
    return found
