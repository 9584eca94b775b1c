"""The stages' own patterns (alternations of a lexicon's words, a rule's pattern joined with
others), compiled once on a machine rather than once in every process.

`regex` parses a pattern in Python: the 20-odd patterns the stages build from the rules
took 0.11-0.13 s of CPU at every worker's start, a tenth of a run of one small file. A
compiled `regex` pattern pickles as its compiled code (unpickling all of them takes 3 ms),
so the patterns a process compiled are kept in a cache file beside the rules' and the
segmenter's (`cache_dir()`), keyed by the pattern's text and flags; the next process reads
them instead of compiling them. The file is named by the Python and `regex` versions, read
only when private to the user (a pickle runs code when loaded), and written atomically.
A `re` pattern pickles as its text and would be compiled again on loading: the file keeps
its compiled code instead (`compiled_re`: what `re`'s compiler hands to `_sre.compile`,
the same for one Python version), asserted equal to `re.compile`'s when first kept.
It also keeps what `text/scan.py` proved of each status cue (`gate_of`, `lead_of`, `primer_of`:
where its matches can be, from its parse tree), under the pattern and a digest of scan.py's source.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # re's engine: builds a pattern from its code
import contextlib
import hashlib
import pickle
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeAlias

import regex

from pipeline.rules.loader import cache_dir, copy_shipped, is_private, mark_used, write_cache_file
from pipeline.text import scan
from pipeline.text.scan import Proof, use_proof_memo, use_re_compiler, use_regex_compiler

_FORMAT = 3         # 3: with the scanners' proofs (a file of format 2 is another file)
# a rule edited makes new patterns and leaves the old ones in the file: past this many, the
# file keeps only those this process used
_MAX_KEPT = 1000

_KIND = "keyproj-patterns-*.pickle"
_Key = tuple[str, int] | tuple[str, int, str]
# a `re` pattern's compiled form, as `_sre.compile` takes it after the pattern's text:
# (flags, code, groups, groupindex, indexgroup)
_ReCode = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]
_RE = "re"          # the third part of a `re` pattern's key
_PROOFS = ("gate", "lead", "primer")    # a proof's key: its pattern, flags and kind:digest of scan.py
_Value: TypeAlias = "regex.Pattern[str] | _ReCode | Proof"
_memo: dict[_Key, _Value] | None = None     # read on first use
_used: set[_Key] = set()
_new = False            # compiled here, not in the file


def _loaded() -> dict[_Key, _Value]:
    global _memo
    if _memo is None:
        path = _memo_path()
        _memo = _read(path) or (_read(path) if copy_shipped(path, _KIND) else {})
    return _memo


def compiled(pattern: str, flags: int = 0) -> regex.Pattern[str]:
    """`regex.compile(pattern, flags)`: from the cache file when a process compiled it before."""
    global _new
    memo = _loaded()
    key = (pattern, flags)
    found = memo.get(key)
    if not isinstance(found, regex.Pattern):
        found = regex.compile(pattern, flags)
        memo[key] = found
        _new = True
    _used.add(key)
    return found


def compiled_re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, its compiled code from the cache file when a process
    compiled it before (the parsing and compiling `re` does in Python is skipped)."""
    global _new
    memo = _loaded()
    key = (pattern, flags, _RE)
    code = memo.get(key)
    if isinstance(code, tuple):
        with contextlib.suppress(Exception):    # a code this Python does not take: compiled again
            found: re.Pattern[str] = _sre.compile(pattern, *code)
            _used.add(key)
            return found
    found = re.compile(pattern, flags)
    code = _re_code(pattern, flags)
    if code is not None and _from_code(pattern, code) == found:    # same flags, text and code
        memo[key] = code
        _used.add(key)
        _new = True
    return found


def proved(kind: str, pattern: regex.Pattern[str], prove: Callable[[], Proof]) -> Proof:
    """What `prove` proves of `pattern` (`scan.gate_of`, `lead_of`, `primer_of`), from the cache file
    when a process proved it before with the same scan.py."""
    global _new
    digest = _scan_digest()
    if digest is None:
        return prove()
    memo = _loaded()
    key = (pattern.pattern, pattern.flags, f"{kind}:{digest}")
    found = memo.get(key)
    if not _a_proof(found):
        found = prove()
        memo[key] = found
        _new = True
    _used.add(key)
    return found  # type: ignore[return-value]


_digest: list[str | None] = []      # scan.py's digest, once read


def _scan_digest() -> str | None:
    """A digest of text/scan.py's source: a proof kept by other code is never read (None
    when the source cannot be read: nothing is kept)."""
    if not _digest:
        try:
            _digest.append(hashlib.sha256(Path(scan.__file__).read_bytes()).hexdigest()[:16])
        except (OSError, TypeError):
            _digest.append(None)
    return _digest[0]


def _a_proof(value: object) -> bool:
    """() or (anchors, a number), as `scan.Proof`."""
    return isinstance(value, tuple) and (value == () or (
        len(value) == 2 and isinstance(value[0], tuple) and all(isinstance(a, str) for a in value[0])
        and isinstance(value[1], int)))


def _re_code(pattern: str, flags: int) -> _ReCode | None:
    """What `re._compiler.compile` hands to `_sre.compile` for `pattern` (None: this
    Python's `re` works otherwise)."""
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]

        tree = _parser.parse(pattern, flags)
        code = _compiler._code(tree, flags)
        groupindex = dict(tree.state.groupdict)
        indexgroup: list[str | None] = [None] * tree.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        # plain ints: the compiler's opcodes are named int constants, which do not pickle
        return (int(flags | tree.state.flags), [int(c) for c in code], int(tree.state.groups) - 1,
                {name: int(index) for name, index in groupindex.items()}, tuple(indexgroup))
    except Exception:  # noqa: BLE001 - the pattern is then compiled by re every time
        return None


def _from_code(pattern: str, code: _ReCode) -> re.Pattern[str] | None:
    try:
        found: re.Pattern[str] = _sre.compile(pattern, *code)
    except Exception:  # noqa: BLE001
        return None
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


def _valid(key: object, value: object) -> bool:
    """An entry of the cache file: a `regex` pattern under its text and flags, a `re`
    pattern's code under its text, flags and "re", or a scanner's proof under its pattern's
    text, flags and "gate:…", "lead:…" or "primer:…"."""
    if not isinstance(key, tuple) or not key or not isinstance(key[0], str):
        return False
    if len(key) == 2:
        return isinstance(value, regex.Pattern) and value.pattern == key[0] and value.flags & key[1] == key[1]
    if len(key) == 3 and isinstance(key[2], str) and key[2].partition(":")[0] in _PROOFS:
        return _a_proof(value)
    return (len(key) == 3 and key[2] == _RE and isinstance(value, tuple) and len(value) == 5
            and isinstance(value[0], int) and isinstance(value[1], list))


def _read(path: Path) -> dict[_Key, _Value]:
    """The patterns kept in `path`; none when there is no file to trust (missing, someone
    else's, unreadable, or not such a mapping): they are then compiled again."""
    if not (is_private(path.parent) and is_private(path)):
        return {}
    found: object = None
    with contextlib.suppress(Exception):    # a damaged file is written again, never an error
        found = pickle.loads(path.read_bytes())
    if not isinstance(found, dict) or not all(_valid(k, v) for k, v in found.items()):
        return {}
    mark_used(path)
    return found


use_re_compiler(compiled_re)     # the scanners' `re` patterns (text/scan.py) come from the cache too
use_regex_compiler(compiled)     # and their `regex` ones
use_proof_memo(proved)           # and what the scanners proved of their patterns
