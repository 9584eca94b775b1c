"""The stages' patterns kept between processes (pipeline/rules/compiled.py): a later process
reads a pattern compiled before instead of compiling it, and it finds what the compiled one
finds; a damaged file, or one someone else may write to, is never used; and the patterns
built from word lists have the same text in every process, whatever the order of a set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import regex

from pipeline.rules import compiled as memo
from pipeline.rules.loader import alternation
from pipeline.stages.quantities import _unit_pattern

PATTERN = alternation(["城南大道", "滨江大桥", "北郊水厂", "工程"])


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own, and the module as a new process finds it."""
    monkeypatch.setenv("KEYPROJ_CACHE_DIR", str(tmp_path / "cache"))
    _as_in_a_new_process(monkeypatch)
    return tmp_path / "cache"


def _as_in_a_new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "_memo", None)
    monkeypatch.setattr(memo, "_used", set())
    monkeypatch.setattr(memo, "_new", False)


def _compiled_without_compiling(monkeypatch: pytest.MonkeyPatch) -> regex.Pattern[str] | None:
    """The pattern a new process gets, or None when it had to compile it."""
    _as_in_a_new_process(monkeypatch)
    compiles: list[str] = []
    compile_ = memo.regex.compile
    monkeypatch.setattr(memo.regex, "compile", lambda p, f=0: compiles.append(p) or compile_(p, f))
    found = memo.compiled(PATTERN)
    monkeypatch.setattr(memo.regex, "compile", compile_)
    return None if compiles else found


def test_a_later_process_reads_the_pattern_and_it_finds_what_it_found(cache, monkeypatch):
    first = memo.compiled(PATTERN)
    memo.save_compiled()
    again = _compiled_without_compiling(monkeypatch)
    assert again is not None and again is not first
    text = "城南大道改造工程已开工，滨江大桥尚未开工"
    assert [m.span() for m in again.finditer(text)] == [m.span() for m in first.finditer(text)]
    assert again.pattern == first.pattern and again.flags == first.flags


def test_a_process_that_only_read_the_file_does_not_write_it(cache, monkeypatch):
    memo.compiled(PATTERN)
    memo.save_compiled()
    path = memo._memo_path()
    os.utime(path, (0, 0))
    _as_in_a_new_process(monkeypatch)
    memo.compiled(PATTERN)
    memo.save_compiled()
    assert path.stat().st_mtime != 0, "read: its time of use is noted"
    assert path.read_bytes()        # still there, and not rewritten empty


@pytest.mark.parametrize("spoil", ["garbage", "someone else may write", "a list, not a mapping"])
def test_a_file_that_cannot_be_trusted_is_compiled_again_never_an_error(cache, monkeypatch, spoil):
    memo.compiled(PATTERN)
    memo.save_compiled()
    path = memo._memo_path()
    if spoil == "garbage":
        path.write_bytes(b"\x80\x05not a pickle")
    elif spoil == "someone else may write":
        path.chmod(0o666)
    else:
        import pickle
        path.write_bytes(pickle.dumps([regex.compile(PATTERN)]))
    assert _compiled_without_compiling(monkeypatch) is None
    assert memo.compiled(PATTERN).search("北郊水厂建成")


def test_past_the_limit_the_file_keeps_only_the_patterns_the_process_used(cache, monkeypatch):
    monkeypatch.setattr(memo, "_MAX_KEPT", 3)
    for word in ("甲", "乙", "丙", "丁"):
        memo.compiled(word)
    memo.save_compiled()
    _as_in_a_new_process(monkeypatch)
    memo.compiled("戊")
    memo.save_compiled()
    _as_in_a_new_process(monkeypatch)
    memo.compiled("戊")
    assert memo._memo is not None and set(memo._memo) == {("戊", 0)}


@pytest.mark.parametrize(("words", "same_as"), [
    # a set of words in another order                          gives the same pattern as
    (["北郊水厂", "城南大道", "滨江大桥"],                     ["滨江大桥", "城南大道", "北郊水厂"]),
    (["开工", "竣工", "完工", "建成投产"],                     ["建成投产", "完工", "竣工", "开工"]),
    ({"亿元", "万元", "元"},                                   ["元", "万元", "亿元"]),
])
def test_an_alternation_of_words_is_the_same_text_whatever_their_order(words, same_as):
    assert alternation(words) == alternation(same_as)
    assert _unit_pattern(list(words)) == _unit_pattern(same_as)
    # and longest first still: 建成投产 before the shorter words
    assert alternation(["开工", "建成投产"]).startswith("建成投产")


def test_the_stages_patterns_have_the_same_text_in_processes_with_other_string_hashes():
    code = ("from pipeline.rules.loader import load_rules, alternation; from pipeline.stages.quantities import "
            "QuantityExtractor; from pipeline.stages.roles import _Cues; import hashlib; r = load_rules(); "
            "print(hashlib.sha256((QuantityExtractor(r).pattern.pattern + _Cues(r).pattern.pattern)"
            ".encode()).hexdigest())")
    seen = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(seen) == 1


RE_CASES = [
    # pattern                                  flags            text it is tried on
    ("城南大道|滨江大桥|工程",                  0,               "城南大道改造工程已开工，滨江大桥尚未开工"),
    (r"(?P<what>[^，。]{2,8})(?<!尚未)开工",     0,               "青石隧道已开工，北郊水厂尚未开工"),
    (r"(?:已|正在)?(竣工|投产)(?!仪式)",         0,               "已竣工投产，竣工仪式"),
    (r"^\s*[一二三]、",                         __import__("re").MULTILINE, "一、总体\n 二、进度"),
    (r"km|KM",                                  __import__("re").IGNORECASE, "全长18Km"),
]


@pytest.mark.parametrize(("pattern", "flags", "text"), RE_CASES)
def test_a_re_pattern_from_the_file_is_the_one_re_compiles(cache, monkeypatch, pattern, flags, text):
    """`compiled_re` keeps a `re` pattern's compiled code; a later process builds the pattern
    from it without parsing (re's parser is never called), and it is the pattern re.compile
    makes (equal: same text, flags and code), finding the same matches and groups."""
    import re

    first = memo.compiled_re(pattern, flags)
    assert first == re.compile(pattern, flags)
    memo.save_compiled()
    _as_in_a_new_process(monkeypatch)
    from re import _parser  # type: ignore[attr-defined]

    monkeypatch.setattr(_parser, "parse", lambda *a: pytest.fail("re parsed the pattern again"))
    again = memo.compiled_re(pattern, flags)
    assert again == re.compile(pattern, flags) and again.groupindex == first.groupindex
    assert [(m.span(), m.groups()) for m in again.finditer(text)] == [(m.span(), m.groups())
                                                                    for m in first.finditer(text)]


def test_a_pattern_re_cannot_compile_raises_as_re_does(cache):
    import re

    with pytest.raises(re.error):
        memo.compiled_re("(?P<a>x", 0)


def test_the_scanners_compile_their_re_patterns_through_the_cache():
    from pipeline.text import scan

    assert scan._compile_re is memo.compiled_re


# what the scanners prove of a pattern (text/scan.py gate_of, lead_of), kept in the file
PROOF_PATTERNS = ["开工建设|开工|动工", "(?<!恢)复工(?!程)", "(?:已经|已)?完成[^，。]{0,6}?[0-9.]+%", "^开工",
                  "(?i)开工\\d+"]


@pytest.mark.parametrize("pattern", PROOF_PATTERNS)
def test_a_later_process_reads_the_scanners_proofs_without_parsing(cache, monkeypatch, pattern):
    """A gate or lead proven in one process (or none, for ^ and flags) is what the next
    process reads, without `re`'s parser: the same as proving it there."""
    from pipeline.text import scan

    compiled_ = regex.compile(pattern)
    first = (scan.gate_of(compiled_), scan.lead_of(compiled_))
    assert first == (scan.Gate(frozenset(p[0]), p[1]) if (p := scan._prove_gate(compiled_)) else None,
                     scan.Lead(frozenset(p[0]), p[1]) if (p := scan._prove_lead(compiled_)) else None)
    memo.save_compiled()
    _as_in_a_new_process(monkeypatch)
    monkeypatch.setattr(scan.sre_parse, "parse", lambda *a: pytest.fail("the pattern was parsed again"))
    assert (scan.gate_of(compiled_), scan.lead_of(compiled_)) == first


def test_a_proof_kept_by_another_scan_py_is_proven_again(cache, monkeypatch):
    """A proof is kept under a digest of scan.py's source: once the source changes, the kept
    proof is not read (the reasoning that made it may have changed)."""
    from pipeline.text import scan

    pattern = regex.compile("开工建设|开工|动工")
    scan.gate_of(pattern)
    memo.save_compiled()
    _as_in_a_new_process(monkeypatch)
    monkeypatch.setattr(memo, "_digest", ["another scan.py"])
    proofs: list[str] = []
    prove = scan._prove_gate
    monkeypatch.setattr(scan, "_prove_gate", lambda p: proofs.append(p.pattern) or prove(p))
    assert scan.gate_of(pattern) == scan.Gate(frozenset({"开工", "动工"}), 4)
    assert proofs == [pattern.pattern]


@pytest.mark.parametrize("value", [("开工",), (("开工",), "4"), ((1,), 4), [("开工",), 4], (("开工",), 4, 0)])
def test_a_kept_proof_of_another_shape_makes_the_file_untrusted(value):
    assert not memo._valid(("开工", 0, "gate:0123"), value)
    assert memo._valid(("开工", 0, "gate:0123"), (("开工",), 4)) and memo._valid(("开工", 0, "lead:0123"), ())


def test_the_scanners_take_their_proofs_through_the_cache():
    from pipeline.text import scan

    assert scan._proof_memo is memo.proved
