"""The one runner for the case tables in tests/cases/<stage>.yaml.

Each case file is a YAML list of entries::

    - text: 项目总投资3.5亿元。        # the input
      expect:                          # every fact the stage finds, in reading order
        - {text: 3.5亿元, kind: money, value: 350000000}
      xfail: why the code gets it wrong # optional; runs as a strict xfail

`expect` lists *all* facts the stage reports for the text (so `expect: []` means "finds
nothing"), except in normalise.yaml, where each fact is one independent check. Only the
keys written are compared, every key written is compared, and a key the stage does not
know is an error, as is a value outside its closed vocabulary (kind, role, status …).
Each entry becomes one pytest case, named `<file>:<line>`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.extract import Pipeline
from pipeline.rules.loader import RuleSet
from pipeline.stages.link import LinkRules
from pipeline.stages.quantities import QuantityExtractor
from pipeline.stages.region import detect_place_and_period
from pipeline.stages.scope import Scope
from pipeline.stages.sections import split_sections
from pipeline.text.layout import Enumerations
from pipeline.text.normalise import normalise
from pipeline.types import Kind, Quantity, Role, Status

CASES_DIR = Path(__file__).resolve().parent / "cases"
ENTRY_KEYS = {"text", "expect", "xfail"}
QUALIFIERS = {"approx", "below", "above", None}
#: relative tolerance for values (亩 → m² is a repeating decimal)
REL_TOL = Decimal("1e-9")


class CaseFileError(ValueError):
    """A case file is malformed (a test-data bug, reported at collection)."""


def _enum(values: set[Any]) -> Callable[[Any], bool]:
    return lambda v: v in values


def _number_or_null(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    if isinstance(v, str):
        try:
            Decimal(v)
        except ArithmeticError:
            return False
        return True
    return False


def _str(v: Any) -> bool:
    return isinstance(v, str) and v != ""


def _str_or_null(v: Any) -> bool:
    return v is None or _str(v)


def _year_or_null(v: Any) -> bool:
    return v is None or (isinstance(v, int) and not isinstance(v, bool) and 1900 <= v <= 2100)


PLACE_PERIOD_FIELDS = ("province", "city", "county", "year", "period")


@dataclass(frozen=True)
class Stage:
    keys: dict[str, Callable[[Any], bool]]     # fact key -> validator of its expected value
    ordered: bool = True                       # expect lists every fact, in order


STAGES: dict[str, Stage] = {
    "quantities": Stage({
        "text": _str, "kind": _enum({k.value for k in Kind}), "value": _number_or_null,
        "value_high": _number_or_null, "qualifier": _enum(QUALIFIERS), "unit_raw": _str}),
    "roles": Stage({"text": _str, "value": _number_or_null, "role": _enum({r.value for r in Role}), "cue": _str}),
    "sections": Stage({
        "level": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
        "marker": _str, "title": _str, "parent": _str_or_null}),
    "statuses": Stage({"name": _str, "status": _enum({s.value for s in Status}), "alt": _str_or_null}),
    "projects": Stage({"name": _str, "status": _enum({s.value for s in Status}), "alt": _str_or_null}),
    "normalise": Stage({"norm": lambda v: isinstance(v, str), "span": _str, "original": _str}, ordered=False),
    # one fact per text: each field's value, and the text of the span that gave it
    # the units of text a document is laid out in (text/layout.py), unit by unit in reading order
    "layout": Stage({"unit": _enum({"sentence", "segment", "clause", "group", "heading"}), "text": _str,
                     "project": _str_or_null}),
    "regions": Stage({**{f: _year_or_null if f == "year" else _str_or_null for f in PLACE_PERIOD_FIELDS},
                      **{f"{f}_text": _str for f in PLACE_PERIOD_FIELDS}}),
    # every money amount in order: its scope, the amount it breaks down, the project it counts for
    "scope": Stage({"text": _str, "role": _enum({r.value for r in Role}), "scope": _enum({s.value for s in Scope}),
                    "parent": _str_or_null, "project": _str_or_null}),
    # one fact per text: the covered year, how it was found, and when the report was issued
    "years": Stage({"year": _year_or_null, "year_basis": _str_or_null, "year_text": _str_or_null,
                    "published": _str_or_null, "published_text": _str_or_null}),
    "identity": Stage({"name": _str, "key": _str}),     # projects.project_key (stages/identity.py)
}


@dataclass(frozen=True)
class Case:
    stage: str
    file: str
    line: int
    text: str
    expect: list[dict[str, Any]]
    xfail: str | None

    @property
    def id(self) -> str:
        return f"{self.file}:{self.line}"


def load_case_file(path: Path) -> list[Case]:
    """Read and validate one case file; raise CaseFileError naming file and line."""
    stage_name = path.stem
    if stage_name not in STAGES:
        raise CaseFileError(f"{path.name}: no stage '{stage_name}' (expected one of {', '.join(STAGES)})")
    stage = STAGES[stage_name]
    loader = yaml.SafeLoader(path.read_text(encoding="utf-8"))
    try:
        root = loader.get_single_node()
        if root is None or not isinstance(root, yaml.SequenceNode):
            raise CaseFileError(f"{path.name}: top level must be a list of cases")
        cases = []
        for node in root.value:
            line = node.start_mark.line + 1
            where = f"{path.name}:{line}"
            entry = loader.construct_object(node, deep=True)
            cases.append(_validate(entry, stage_name, stage, path.name, line, where))
    except yaml.YAMLError as exc:
        raise CaseFileError(f"{path.name}: not valid YAML: {exc}") from exc
    finally:
        loader.dispose()
    return cases


def _validate(entry: Any, stage_name: str, stage: Stage, file: str, line: int, where: str) -> Case:
    if not isinstance(entry, dict):
        raise CaseFileError(f"{where}: a case must be a mapping with text and expect")
    unknown = set(entry) - ENTRY_KEYS
    if unknown:
        raise CaseFileError(f"{where}: unknown key(s) {sorted(unknown)} (allowed: {sorted(ENTRY_KEYS)})")
    for key in ("text", "expect"):
        if key not in entry:
            raise CaseFileError(f"{where}: missing key '{key}'")
    if not _str(entry["text"]):
        raise CaseFileError(f"{where}: 'text' must be a non-empty string")
    xfail = entry.get("xfail")
    if "xfail" in entry and not _str(xfail):
        raise CaseFileError(f"{where}: 'xfail' must be a non-empty reason")
    expect = entry["expect"]
    if not isinstance(expect, list):
        raise CaseFileError(f"{where}: 'expect' must be a list (use [] for no facts)")
    if not stage.ordered and not expect:
        raise CaseFileError(f"{where}: {stage_name} cases need at least one check in 'expect'")
    for i, fact in enumerate(expect, 1):
        if not isinstance(fact, dict) or not fact:
            raise CaseFileError(f"{where}: expect[{i}] must be a non-empty mapping")
        for key, value in fact.items():
            if key not in stage.keys:
                raise CaseFileError(f"{where}: expect[{i}]: unknown key '{key}' for {stage_name} "
                                    f"(allowed: {', '.join(stage.keys)})")
            if not stage.keys[key](value):
                raise CaseFileError(f"{where}: expect[{i}]: bad value for '{key}': {value!r}")
        if stage_name == "normalise" and ("span" in fact) != ("original" in fact):
            raise CaseFileError(f"{where}: expect[{i}]: 'span' and 'original' go together")
    return Case(stage_name, file, line, entry["text"], expect, xfail)


def load_all_cases(directory: Path = CASES_DIR) -> list[Case]:
    cases: list[Case] = []
    for path in sorted(directory.glob("*.yaml")):
        cases.extend(load_case_file(path))
    return cases


ALL_CASES = load_all_cases()


def _params() -> list[Any]:
    return [pytest.param(c, id=c.id,
                         marks=[pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else [])
            for c in ALL_CASES]


# -- what each stage reports, as plain dicts with every key the cases may check ----------

def _quantities(text: str, rules: RuleSet, qx: QuantityExtractor, pipe: Pipeline) -> list[dict[str, Any]]:
    doc = normalise("case", text, rules)
    out = []
    for q in qx(doc.norm):
        s, e = doc.original_span(q.start, q.end)
        out.append({"text": doc.text[s:e], "kind": q.kind.value, "value": q.value,
                    "value_high": q.value_high, "qualifier": q.qualifier, "unit_raw": q.unit_raw})
    return out


def _roles(text: str, rules: RuleSet, qx: QuantityExtractor, pipe: Pipeline) -> list[dict[str, Any]]:
    ex = pipe("case", text)
    out = []
    for q in ex.quantities:
        if q.kind is Kind.MONEY:
            s, e = ex.doc.original_span(q.start, q.end)
            out.append({"text": ex.doc.text[s:e], "value": q.value,
                        "role": q.role.value if q.role else None, "cue": q.role_cue})
    return out


def _sections(text: str, rules: RuleSet, qx: QuantityExtractor, pipe: Pipeline) -> list[dict[str, Any]]:
    sections = split_sections(normalise("case", text, rules).norm, rules)
    by_id = {s.section_id: s for s in sections}
    return [{"level": s.level, "marker": s.marker, "title": s.title,
             "parent": by_id[s.parent_id].marker if s.parent_id else None}
            for s in sections[1:]]


def _projects(text: str, rules: RuleSet, qx: QuantityExtractor, pipe: Pipeline) -> list[dict[str, Any]]:
    return [{"name": p.name, "status": p.status.value, "alt": p.alt} for p in pipe("case", text).projects]


def _normalise(text: str, rules: RuleSet, qx: QuantityExtractor, pipe: Pipeline) -> list[dict[str, Any]]:
    doc = normalise("case", text, rules)
    return [{"norm": doc.norm, "doc": doc}]


def _regions(text: str, rules: RuleSet, qx: QuantityExtractor, pipe: Pipeline) -> list[dict[str, Any]]:
    doc = normalise("case", text, rules)
    found = detect_place_and_period(doc.norm, rules)
    fact: dict[str, Any] = {}
    for f in PLACE_PERIOD_FIELDS:
        start, end = getattr(found, f"{f}_start"), getattr(found, f"{f}_end")
        fact[f] = getattr(found, f)
        if start is None:
            fact[f"{f}_text"] = None
        else:
            s, e = doc.original_span(start, end)
            fact[f"{f}_text"] = doc.text[s:e]
    return [fact]


def _layout(text: str, rules: RuleSet, qx: QuantityExtractor, pipe: Pipeline) -> list[dict[str, Any]]:
    """Sentences, segments, clauses, enumeration groups (of the mentions the stages before
    linking find) and the projects section headings name, in the normalised text."""
    found, layout = pipe.found("case", text, until="link")
    enumerations = Enumerations.of(layout, found.mentions, LinkRules.of(rules).enumeration_gap)
    norm = layout.text
    spans = [*(("sentence", s.start, s.end) for s in layout.sentences),
             *(("segment", s, e) for s, e in layout.segments), *(("clause", s, e) for s, e in layout.clauses),
             *(("group", g.start, g.end) for g in enumerations.groups)]
    facts: list[dict[str, Any]] = [{"unit": unit, "text": norm[s:e].strip(), "project": None}
                                   for unit, s, e in spans]
    return facts + [{"unit": "heading", "text": s.title, "project": enumerations.headings.by_section[s.section_id]}
                    for s in layout.sections if s.section_id in enumerations.headings.by_section]


def _scope(text: str, rules: RuleSet, qx: QuantityExtractor, pipe: Pipeline) -> list[dict[str, Any]]:
    ex = pipe("case", text)
    names = {p.key: p.name for p in ex.projects}

    def written(q: Quantity) -> str:
        s, e = ex.doc.original_span(q.start, q.end)
        return ex.doc.text[s:e]

    return [{"text": written(q), "role": q.role.value if q.role else None, "scope": q.scope,
             "parent": None if q.parent is None else written(ex.quantities[q.parent]),
             "project": names.get(q.project_key) if q.scope == Scope.PROJECT and q.project_key else None}
            for q in ex.quantities if q.kind is Kind.MONEY]


def _years(text: str, rules: RuleSet, qx: QuantityExtractor, pipe: Pipeline) -> list[dict[str, Any]]:
    doc = normalise("case", text, rules)
    found = detect_place_and_period(doc.norm, rules)
    fact: dict[str, Any] = {"year": found.year, "year_basis": found.year_basis, "published": found.published}
    for f in ("year", "published"):
        start, end = getattr(found, f"{f}_start"), getattr(found, f"{f}_end")
        fact[f"{f}_text"] = None if start is None else doc.text[slice(*doc.original_span(start, end))]
    return [fact]
def _identity(text: str, rules: RuleSet, qx: QuantityExtractor, pipe: Pipeline) -> list[dict[str, Any]]:
    from pipeline.stages.identity import project_key, report_region

    ex = pipe("case", text)
    return [{"name": p.name, "key": project_key(p.key, report_region(ex.place), rules)} for p in ex.projects]


EXTRACT = {"quantities": _quantities, "roles": _roles, "sections": _sections,
           "statuses": _projects, "projects": _projects, "normalise": _normalise, "regions": _regions,
           "layout": _layout,
           "scope": _scope, "years": _years, "identity": _identity}


def _same(key: str, expected: Any, actual: Any) -> bool:
    if key in ("value", "value_high"):
        if expected is None or actual is None:
            return expected is None and actual is None
        want, got = Decimal(str(expected)), Decimal(actual)
        return abs(got - want) <= REL_TOL * max(Decimal(1), abs(want))
    return bool(expected == actual)


def _show(facts: list[dict[str, Any]]) -> str:
    if not facts:
        return "    (nothing)"
    return "\n".join("    " + ", ".join(f"{k}: {v}" for k, v in f.items() if k != "doc") for f in facts)


def _check_ordered(case: Case, actual: list[dict[str, Any]]) -> list[str]:
    problems = []
    if len(actual) != len(case.expect):
        problems.append(f"expected {len(case.expect)} fact(s), got {len(actual)}")
    for i, (want, got) in enumerate(zip(case.expect, actual), 1):
        for key, value in want.items():
            if not _same(key, value, got[key]):
                problems.append(f"fact {i}: {key}: expected {value!r}, got {got[key]!r}")
    return problems


def _check_normalise(case: Case, actual: list[dict[str, Any]]) -> list[str]:
    doc = actual[0]["doc"]
    problems = []
    for i, want in enumerate(case.expect, 1):
        if "norm" in want and doc.norm != want["norm"]:
            problems.append(f"check {i}: norm: expected {want['norm']!r}, got {doc.norm!r}")
        if "span" in want:
            start = doc.norm.find(want["span"])
            if start < 0:
                problems.append(f"check {i}: span {want['span']!r} not in the normalised text {doc.norm!r}")
                continue
            s, e = doc.original_span(start, start + len(want["span"]))
            if doc.text[s:e] != want["original"]:
                problems.append(f"check {i}: span {want['span']!r} maps to {doc.text[s:e]!r}, "
                                f"expected {want['original']!r}")
    return problems


@pytest.mark.parametrize("case", _params())
def test_case(case: Case, rules: RuleSet, quantity_extractor: QuantityExtractor, pipeline: Pipeline) -> None:
    actual = EXTRACT[case.stage](case.text, rules, quantity_extractor, pipeline)
    if STAGES[case.stage].ordered:
        problems = _check_ordered(case, actual)
    else:
        problems = _check_normalise(case, actual)
    if problems:
        pytest.fail(f"{case.id}: {case.text!r}\n  " + "\n  ".join(problems)
                    + f"\n  expected:\n{_show(case.expect)}\n  got:\n{_show(actual)}", pytrace=False)


# -- the runner's own contract ------------------------------------------------------------

def test_every_stage_has_a_case_file() -> None:
    present = {p.stem for p in CASES_DIR.glob("*.yaml")}
    assert present == set(STAGES), f"case files {sorted(present)} != stages {sorted(STAGES)}"
    for stage in STAGES:
        assert any(c.stage == stage for c in ALL_CASES), f"{stage}.yaml has no cases"


@pytest.mark.parametrize("bad, message", [
    ("- {text: 总投资3亿元, expect: [], note: x}", "unknown key(s) ['note']"),
    ("- {text: 总投资3亿元, expect: [{text: 3亿元, amount: 300000000}]}", "unknown key 'amount'"),
    ("- {text: 总投资3亿元, expect: [{kind: cash}]}", "bad value for 'kind'"),
    ("- {text: 总投资3亿元}", "missing key 'expect'"),
    ("- {text: 总投资3亿元, expect: [], xfail: ''}", "'xfail' must be a non-empty reason"),
    ("- {text: 总投资3亿元, expect: {text: 3亿元}}", "'expect' must be a list"),
    ("- {text: 总投资3亿元, expect: [{}]}", "must be a non-empty mapping"),
    ("text: 总投资3亿元", "top level must be a list"),
])
def test_runner_rejects_malformed_cases(tmp_path: Path, bad: str, message: str) -> None:
    path = tmp_path / "quantities.yaml"
    path.write_text("# header\n" + bad + "\n", encoding="utf-8")
    with pytest.raises(CaseFileError) as info:
        load_case_file(path)
    assert message in str(info.value)
    assert str(info.value).startswith("quantities.yaml")


def test_runner_rejects_unknown_stage(tmp_path: Path) -> None:
    path = tmp_path / "money.yaml"
    path.write_text("- {text: 总投资3亿元, expect: []}\n", encoding="utf-8")
    with pytest.raises(CaseFileError, match="no stage 'money'"):
        load_case_file(path)


def test_case_ids_are_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "roles.yaml"
    path.write_text("# comment\n\n- text: 总投资3亿元\n  expect: []\n- text: 完成投资1亿元\n  expect: []\n",
                    encoding="utf-8")
    assert [c.id for c in load_case_file(path)] == ["roles.yaml:3", "roles.yaml:5"]
