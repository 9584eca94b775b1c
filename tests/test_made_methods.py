"""The dataclasses' methods from the cache file (pipeline/rules/made_methods.py): a class
made while `cached_methods()` is open gets the same methods as one made without it, whether
their code was compiled there or taken from the file; the file is written, read back by a
new process, and not read when someone else may write to it.
"""

from __future__ import annotations

import dataclasses
import enum
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.rules import made_methods


class Colour(enum.Enum):
    RED = "red"


def _classes() -> list[type]:
    """Invented classes of the shapes the package makes: frozen and slotted, defaults and
    factories, ordered, keyword-only, a field kept out of eq and repr."""

    @dataclasses.dataclass(frozen=True, slots=True)
    class Span:
        start: int
        end: int
        label: str = "项目"

    @dataclasses.dataclass(order=True)
    class Row:
        key: str
        amounts: list[float] = dataclasses.field(default_factory=list)
        colour: Colour = Colour.RED

    @dataclasses.dataclass(kw_only=True, eq=False)
    class Options:
        jobs: int | None = None
        note: str = dataclasses.field(default="", repr=False, compare=False)

    return [Span, Row, Options]


METHODS = ("__init__", "__repr__", "__eq__", "__hash__", "__lt__", "__setattr__", "__delattr__",
           "__getstate__", "__setstate__")


def _methods(cls: type) -> dict[str, object]:
    """Each generated method's code and annotations (what `exec` made)."""
    found = {}
    for name in METHODS:
        fn = cls.__dict__.get(name)
        if callable(fn) and hasattr(fn, "__code__"):
            found[name] = (fn.__code__, fn.__annotations__, fn.__defaults__, fn.__kwdefaults__)
    return found


@pytest.fixture
def memo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, object]:
    """An empty memo, and a cache folder of the test's own."""
    monkeypatch.setenv("KEYPROJ_CACHE_DIR", str(tmp_path / "cache"))
    fresh: dict[str, object] = {}
    monkeypatch.setattr(made_methods, "_memo", fresh)
    monkeypatch.setattr(made_methods, "_new", False)
    return fresh


def _equal_methods(made: Callable[[], list[type]]) -> None:
    plain = [_methods(c) for c in _classes()]
    assert [_methods(c) for c in made()] == plain


def test_methods_compiled_there_or_taken_from_the_memo_are_the_same(memo: dict[str, object]) -> None:
    def made() -> list[type]:
        with made_methods.cached_methods():
            return _classes()

    _equal_methods(made)                 # compiled into the memo
    assert memo and made_methods._new
    taken = dict(memo)
    _equal_methods(made)                 # taken from it
    assert memo == taken


def test_a_made_class_behaves_as_a_dataclass(memo: dict[str, object]) -> None:
    with made_methods.cached_methods():
        span_class, row_class, options_class = _classes()
    span = span_class(1, 3)
    assert span == span_class(1, 3, "项目") and hash(span) == hash(span_class(1, 3))
    assert repr(span).endswith("Span(start=1, end=3, label='项目')")
    with pytest.raises(dataclasses.FrozenInstanceError):
        span.start = 2      # type: ignore[misc]
    assert row_class("a") < row_class("b") and row_class("a").amounts == []
    assert repr(options_class(jobs=2, note="x")).endswith("Options(jobs=2)")


def test_exec_is_the_modules_own_again_once_closed(memo: dict[str, object]) -> None:
    with made_methods.cached_methods():
        with made_methods.cached_methods():
            assert dataclasses.__dict__["exec"] is made_methods._exec
        assert dataclasses.__dict__["exec"] is made_methods._exec
    assert "exec" not in dataclasses.__dict__


def test_a_new_process_reads_the_file_written(memo: dict[str, object], tmp_path: Path) -> None:
    with made_methods.cached_methods():
        _classes()
    made_methods.save_made_methods()
    [written] = (tmp_path / "cache").glob("keyproj-methods-*.marshal")
    code = ("from pipeline.rules import made_methods as m; m._loaded(); "
            "print(len(m._memo), m._new)")
    env = {**os.environ, "KEYPROJ_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.split() == [str(len(memo)), "False"]
    if os.name == "posix":
        written.chmod(0o666)        # someone else may write it: its code is not run
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
        assert out.stdout.split()[0] == "0"
