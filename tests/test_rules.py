"""Rule integrity: the rule files load, and a broken copy fails with a useful message.

Every broken copy lives in its own tmp directory (load_rules is cached per path), and
the error must be a RuleError naming the file and the offending key.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.extract import Pipeline
from pipeline.rules.loader import DEFAULT_RULES_DIR, RuleError, RuleSet, load_rules
from pipeline.stages.quantities import QuantityExtractor
from pipeline.stages.region import calendar
from pipeline.stages.roles import assign_roles
from pipeline.stages.sections import split_sections
from pipeline.stages.statuses import StatusFinder
from pipeline.types import Extraction, Kind, Role, Status

RULE_FILES = sorted(p.name for p in DEFAULT_RULES_DIR.glob("*.yaml"))


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, target)
    return target


def edit_yaml(directory: Path, name: str, change: Callable[[Any], None]) -> None:
    """Load one rule file of a copy, apply `change` to its data, write it back."""
    path = directory / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# -- the shipped rules ----------------------------------------------------------------

def test_shipped_rules_load(rules: RuleSet) -> None:
    assert rules.directory == DEFAULT_RULES_DIR
    assert len(rules.hash) == 16
    assert {u.kind for u in rules.units} == set(Kind)
    assert set(rules.role_cues) == set(Role)
    # every status has a cue (an `unknown` cue may mark ambiguous words such as 开竣工)
    assert {Status(c.label) for c in rules.status_cues} >= set(Status) - {Status.UNKNOWN}
    assert rules.categories


def test_every_rule_file_is_read(tmp_path: Path) -> None:
    """Each rules/*.yaml is one the loader requires: none is dead data."""
    for name in RULE_FILES:
        directory = copy_rules(tmp_path / name)
        (directory / name).unlink()
        with pytest.raises(RuleError, match=f"{name}: rule file is missing"):
            load_rules(directory)


def test_unit_surfaces_are_unique(rules: RuleSet) -> None:
    surfaces = [u.surface for u in rules.units]
    assert len(surfaces) == len(set(surfaces))


def test_status_cues_are_namespaced_and_never_empty(rules: RuleSet) -> None:
    for cue in rules.status_cues:
        assert cue.id.startswith("status."), cue.id
        assert cue.pattern.fullmatch("") is None, f"{cue.id} matches the empty string"


def test_a_copy_of_the_rules_loads_and_hashes_the_same(tmp_path: Path, rules: RuleSet) -> None:
    copy = load_rules(copy_rules(tmp_path))
    assert copy is not rules
    assert copy.hash == rules.hash


def test_changing_a_rule_file_changes_the_hash(tmp_path: Path, rules: RuleSet) -> None:
    directory = copy_rules(tmp_path)
    edit_yaml(directory, "categories.yaml", lambda d: d["categories"]["map"].update({"港口": "交通"}))
    assert load_rules(directory).hash != rules.hash


# -- broken copies --------------------------------------------------------------------

def _set(*path: Any, value: Any) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        for key in path[:-1]:
            data = data[key]
        data[path[-1]] = value
    return change


def _delete(*path: Any) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        for key in path[:-1]:
            data = data[key]
        del data[path[-1]]
    return change


def _first_cue(key: str, value: Any) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        data["cues"][0][key] = value
    return change


def _duplicate_first_cue(data: Any) -> None:
    data["cues"].append(dict(data["cues"][0]))


BROKEN: list[Any] = [
    # (file, change, words the message must contain)
    pytest.param("quantities.yaml", _delete("placeholder"), ["missing key 'placeholder'"],
                 id="missing-key"),
    pytest.param("sections.yaml", _delete("max_title_chars"), ["missing key 'max_title_chars'"],
                 id="missing-key-sections"),
    pytest.param("projects.yaml", _delete("suffixes"), ["missing key 'suffixes'"], id="missing-list"),
    pytest.param("statuses.yaml", _first_cue("status", "finished"),
                 ["status", "unknown status 'finished'"], id="unknown-status"),
    pytest.param("statuses.yaml", _first_cue("pattern", "(?:尚未|还未(开工"), ["pattern", "bad pattern"],
                 id="bad-regex-status"),
    pytest.param("statuses.yaml", _duplicate_first_cue, ["duplicate id"], id="duplicate-status-id"),
    pytest.param("projects.yaml", _set("forbidden", value="[，。"), ["'forbidden'", "bad pattern"],
                 id="bad-regex-projects"),
    pytest.param("roles.yaml", _set("threshold_after", value="^(?:以上"), ["'threshold_after'", "bad pattern"],
                 id="bad-regex-roles"),
    pytest.param("normalise.yaml", _set("pinyin_gloss", value="[(（"), ["'pinyin_gloss'", "bad pattern"],
                 id="bad-regex-normalise"),
    pytest.param("units.yaml", _set("money", "元", "factor", value=-1), ["'money.元.factor'", "positive"],
                 id="negative-factor"),
    pytest.param("units.yaml", _set("area", "亩", "factor", value="0/15"), ["'area.亩.factor'", "positive"],
                 id="zero-fraction-factor"),
    pytest.param("units.yaml", _set("length", "公里", "factor", value="a thousand"),
                 ["'length.公里.factor'", "not a number"], id="non-numeric-factor"),
    pytest.param("units.yaml", _delete("money", "亿元", "factor"), ["missing key 'money.亿元.factor'"],
                 id="missing-factor"),
    pytest.param("units.yaml", _set("weight", value={"吨": {"factor": 1000}}), ["unknown kind 'weight'"],
                 id="unknown-kind"),
    pytest.param("roles.yaml", _set("roles", "estimated_investment", value={"specific": ["估算"]}),
                 ["'roles.estimated_investment'", "unknown role"], id="unknown-role"),
    pytest.param("roles.yaml", _set("roles", "other", "specific", value=["资金", ""]),
                 ["'roles.other.specific[1]'", "non-empty string"], id="empty-cue"),
    pytest.param("sections.yaml", _set("max_title_chars", value="sixty"), ["'max_title_chars'", "must be int"],
                 id="wrong-type"),
    pytest.param("categories.yaml", _set("categories", "map", "港口", value=["交通"]), ["'categories.map.港口'"],
                 id="category-not-a-string"),
    pytest.param("projects.yaml", _set("sufixes", value=["工程"]), ["unknown key 'sufixes'"],
                 id="unknown-top-level-key"),
    pytest.param("units.yaml", _set("length", "米", "arabic_onyl", value=True),
                 ["'length.米.arabic_onyl'", "unknown"], id="unknown-unit-key"),
    pytest.param("statuses.yaml", _first_cue("wek", True), ["wek", "unknown"], id="unknown-cue-key"),
    pytest.param("sections.yaml", _set("markers", 0, "parts", value=True), ["'markers[0].parts'", "unknown"],
                 id="unknown-marker-key"),
    # typed configs: nested keys and wrapped rules name their full key
    pytest.param("normalise.yaml", _set("hard_breaks", "slak", value=2), ["unknown key 'hard_breaks.slak'"],
                 id="unknown-nested-key"),
    pytest.param("normalise.yaml", _set("hard_breaks", "slack", value="two"), ["'hard_breaks.slack'", "must be int"],
                 id="wrong-nested-type"),
    pytest.param("quantities.yaml", _set("rule_ids", "placeholder", value=3), ["'rule_ids.placeholder'", "must be str"],
                 id="wrong-type-rule-id"),
    pytest.param("projects.yaml", _set("suffixes", "exmples", value=["城南大道"]), ["'suffixes.exmples'", "unknown"],
                 id="unknown-key-beside-a-rule"),
    pytest.param("projects.yaml", _set("shared_suffix_after", "pattern", value="等(.{0,12})"),
                 ["'shared_suffix_after'", "group named 'rest'"], id="pattern-without-its-group"),
    pytest.param("roles.yaml", _set("plain_plan", value="年度投资计划书"), ["'plain_plan'", "planned_investment"],
                 id="plain-plan-not-a-cue"),
    # examples and counter-examples
    pytest.param("statuses.yaml", _first_cue("examples", ["城南大道进展顺利"]),
                 ["'status.schedule_slipped'", "does not match its example '城南大道进展顺利'"],
                 id="status-example-not-matched"),
    pytest.param("statuses.yaml", _first_cue("not", ["城南大道推迟开工"]),
                 ["'status.schedule_slipped'", "matches '推迟开工' in its counter-example"],
                 id="status-counter-example-matched"),
    pytest.param("projects.yaml", _set("suffixes", "examples", value=["大数据"]),
                 ["'suffixes'", "does not match its example '大数据'"], id="word-list-example-not-matched"),
    pytest.param("projects.yaml", _set("suffixes", "not", value=["滨江大桥"]),
                 ["'suffixes'", "in its counter-example '滨江大桥'"], id="word-list-counter-example-matched"),
    pytest.param("sections.yaml", _set("markers", 3, "examples", value=["（一）交通项目"]),
                 ["'section.cn_comma'", "does not match"], id="marker-example-not-matched"),
    pytest.param("roles.yaml", _set("roles", "total_investment", "examples", value=["年度计划8000万元"]),
                 ["'roles.total_investment'", "does not match"], id="role-example-not-matched"),
    pytest.param("units.yaml", _set("money", "万元", "examples", value={"三千元": 3000}),
                 ["'money.万元'", "does not match"], id="unit-example-without-the-unit"),
    pytest.param("categories.yaml", _set("categories", "examples", value={"二、交通项目": "水利"}),
                 ["'categories'", "gives '交通'", "not '水利'"], id="category-example-wrong-value"),
    pytest.param("periods.yaml", _set("year", "examples", value="2023年"),
                 ["'year.examples'", "must be a list"], id="examples-not-a-list"),
    pytest.param("periods.yaml", _set("year", "not", value=[2023]), ["'year.not'", "non-empty texts"],
                 id="counter-example-not-text"),
]


@pytest.mark.parametrize("name, change, words", BROKEN)
def test_broken_rules_raise_rule_error(tmp_path: Path, name: str, change: Callable[[Any], None],
                                       words: list[str]) -> None:
    directory = copy_rules(tmp_path)
    edit_yaml(directory, name, change)
    with pytest.raises(RuleError) as info:
        load_rules(directory)
    message = str(info.value)
    assert name in message, f"message does not name the file: {message}"
    assert "\n" not in message, f"not one line: {message!r}"
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


def test_sections_marker_with_bad_regex(tmp_path: Path) -> None:
    directory = copy_rules(tmp_path)
    edit_yaml(directory, "sections.yaml", lambda d: d["markers"][1].update(pattern="(?P<marker>第["))
    with pytest.raises(RuleError) as info:
        load_rules(directory)
    assert "sections.yaml" in str(info.value)
    assert "section.part_ordinal.pattern" in str(info.value)


@pytest.mark.parametrize("name", RULE_FILES)
def test_invalid_yaml_names_the_file(tmp_path: Path, name: str) -> None:
    directory = copy_rules(tmp_path)
    (directory / name).write_text("key: [unclosed, list\n  other: {\n", encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_rules(directory)
    assert name in str(info.value)
    assert "not valid YAML" in str(info.value)


def test_top_level_list_is_rejected(tmp_path: Path) -> None:
    directory = copy_rules(tmp_path)
    (directory / "categories.yaml").write_text("- 工业\n- 交通\n", encoding="utf-8")
    with pytest.raises(RuleError, match="categories.yaml: top level must be a mapping"):
        load_rules(directory)


def test_missing_rules_directory(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="rules directory not found"):
        load_rules(tmp_path / "nowhere")


# -- the check-rules command ----------------------------------------------------------

def test_check_rules_command_accepts_the_shipped_rules() -> None:
    result = CliRunner().invoke(app, ["check-rules", str(DEFAULT_RULES_DIR)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok:")


def test_check_rules_command_reports_a_broken_copy(tmp_path: Path) -> None:
    directory = copy_rules(tmp_path)
    edit_yaml(directory, "units.yaml", _set("money", "元", "factor", value=-1))
    result = CliRunner().invoke(app, ["check-rules", str(directory)])
    assert result.exit_code == 2
    assert "units.yaml" in result.output and "money.元.factor" in result.output


# -- examples beside the rules ----------------------------------------------------------
# The loader checks that each rule matches its examples and none of its counter-examples
# (the broken copies above). These tests check what the stage then makes of them: the
# status cue that wins, the role, the value in base units, the heading, the period.

def _examples(file: str, prefix: str = "") -> list[Any]:
    """pytest params (rule key, example) of one rule file's examples, or counter-examples
    when `prefix` is 'not:'."""
    out = []
    for ex in load_rules().examples:
        if ex.file != file:
            continue
        texts = ex.not_ if prefix else [(text, stated) for text, stated in ex.matches]
        for item in texts:
            text = item if isinstance(item, str) else item[0]
            out.append(pytest.param(ex.key, item, id=f"{ex.key}:{prefix}{text}"))
    return out


def _cue_examples(prefix: str = "") -> list[Any]:
    """statuses.yaml's examples of its cues (ids status.…), not of its other keys (future_frame,
    a frame over a sentence: its examples are checked by the loader and its effect by
    tests/cases/statuses.yaml)."""
    return [p for p in _examples("statuses.yaml", prefix) if str(p.values[0]).startswith("status.")]


@pytest.mark.parametrize("key, example", _cue_examples())
def test_status_example_gives_its_cue(rules: RuleSet, key: str, example: tuple[str, Any]) -> None:
    found = [m.rule_id for m in StatusFinder(rules)(example[0])]
    cue = next(c for c in rules.status_cues if c.id == key)
    if cue.mask or cue.hide:
        assert found == [], f"{example[0]}: a masking cue's words state nothing, {found}"    # 推进情况
    else:
        assert key in found, f"{example[0]}: {found}"


@pytest.mark.parametrize("key, text", _cue_examples("not:"))
def test_status_counter_example_gives_no_such_cue(rules: RuleSet, key: str, text: str) -> None:
    assert key not in [m.rule_id for m in StatusFinder(rules)(text)]


def _roles(rules: RuleSet, text: str) -> list[Role | None]:
    return [q.role for q in assign_roles(text, QuantityExtractor(rules)(text), rules) if q.kind is Kind.MONEY]


@pytest.mark.parametrize("key, example", [p for p in _examples("roles.yaml") if p.values[0].startswith("roles.")])
def test_role_example_gives_its_role(rules: RuleSet, key: str, example: tuple[str, Any]) -> None:
    roles = _roles(rules, example[0])
    assert roles and roles[-1] is Role(key.removeprefix("roles.")), f"{example[0]}: {roles}"


@pytest.mark.parametrize("key, text", [p for p in _examples("roles.yaml", "not:") if p.values[0].startswith("roles.")])
def test_role_counter_example_gives_another_role(rules: RuleSet, key: str, text: str) -> None:
    roles = _roles(rules, text)
    assert roles and Role(key.removeprefix("roles.")) not in roles, f"{text}: {roles}"


@pytest.mark.parametrize("key, example", _examples("units.yaml"))
def test_unit_example_gives_its_value(quantity_extractor: QuantityExtractor, key: str,
                                      example: tuple[str, Any]) -> None:
    kind, surface = key.split(".", 1)
    text, stated = example
    found = quantity_extractor(text)
    assert len(found) == 1, f"{text}: {found}"
    q = found[0]
    assert (q.kind.value, q.unit_raw, text[q.start:q.end]) == (kind, surface, text)
    assert stated is not None and q.value is not None
    assert abs(q.value - Decimal(str(stated))) <= abs(Decimal(str(stated))) * Decimal("1e-9"), q.value


@pytest.mark.parametrize("key, text", _examples("units.yaml", "not:"))
def test_unit_counter_example_gives_no_quantity_in_that_unit(quantity_extractor: QuantityExtractor, key: str,
                                                             text: str) -> None:
    surface = key.split(".", 1)[1]
    assert [q for q in quantity_extractor(text) if q.unit_raw == surface] == []


@pytest.mark.parametrize("key, example", [p for p in _examples("sections.yaml") if p.values[0].startswith("section.")])
def test_section_example_is_a_heading_of_its_family(rules: RuleSet, key: str, example: tuple[str, Any]) -> None:
    assert key in [s.rule_id for s in split_sections(example[0], rules)[1:]]


@pytest.mark.parametrize("key, text",
                         [p for p in _examples("sections.yaml", "not:") if p.values[0].startswith("section.")])
def test_section_counter_example_is_no_heading_of_that_family(rules: RuleSet, key: str, text: str) -> None:
    assert key not in [s.rule_id for s in split_sections(text, rules)[1:]]


def _period_cues(rules: RuleSet, text: str) -> list[str]:
    """The period cues found in `text`, all tried together as the region stage does."""
    cal = calendar(rules)
    return [cal.period_cues[next(g for g in cal.period_cues if m.group(g) is not None)].id
            for m in cal.periods.finditer(text)]


@pytest.mark.parametrize("key, example", [p for p in _examples("periods.yaml") if p.values[0].startswith("period.")])
def test_period_example_gives_its_period(rules: RuleSet, key: str, example: tuple[str, Any]) -> None:
    assert _period_cues(rules, example[0])[:1] == [key]


@pytest.mark.parametrize("key, text",
                         [p for p in _examples("periods.yaml", "not:") if p.values[0].startswith("period.")])
def test_period_counter_example_gives_another_period(rules: RuleSet, key: str, text: str) -> None:
    assert key not in _period_cues(rules, text)


@pytest.mark.parametrize("key, example", [p for p in _examples("projects.yaml") if p.values[0] == "suffixes"])
def test_project_suffix_example_ends_in_a_suffix(pipeline: Pipeline, key: str, example: tuple[str, Any]) -> None:
    assert pipeline.projects.judge.has_suffix(example[0])


@pytest.mark.parametrize("key, text", [p for p in _examples("projects.yaml", "not:") if p.values[0] == "suffixes"])
def test_project_suffix_counter_example_has_none(pipeline: Pipeline, key: str, text: str) -> None:
    assert not pipeline.projects.judge.has_suffix(text)


def test_the_rules_that_decide_most_all_carry_examples(rules: RuleSet) -> None:
    """Every status cue, role, heading family, period cue and kind of unit has examples
    and counter-examples, and so do the project suffixes; every rule file has some."""
    with_examples = {(ex.file, ex.key) for ex in rules.examples if ex.matches}
    with_counter = {(ex.file, ex.key) for ex in rules.examples if ex.not_}
    wanted = {("statuses.yaml", cue.id) for cue in rules.statuses.cues}
    wanted |= {("roles.yaml", f"roles.{role.value}") for role in rules.roles.roles}
    wanted |= {("sections.yaml", marker.id) for marker in rules.sections.markers}
    wanted |= {("periods.yaml", period.id) for period in rules.periods.periods}
    wanted |= {("projects.yaml", "suffixes")}
    assert wanted - with_examples == set()
    assert wanted - with_counter == set()
    unit_kinds = {ex.key.split(".")[0] for ex in rules.examples if ex.file == "units.yaml"}
    assert unit_kinds == {k.value for k in Kind}
    assert {ex.file for ex in rules.examples} == set(RULE_FILES)


# -- a rule-file edit changes extraction, no code -------------------------------------------

def _extract_with(directory: Path, text: str) -> Extraction:
    return Pipeline(load_rules(directory))("doc", text)


EXTENSIONS: list[Any] = [
    # (rule file, change, text, what the shipped rules find, what the edited copy finds)
    pytest.param("statuses.yaml",
                 lambda d: d["cues"].append({"id": "status.wrapped_up", "status": "completed", "pattern": "圆满收官"}),
                 "城南大道项目总投资12亿元，圆满收官。", lambda ex: [(p.name, p.status.value) for p in ex.projects],
                 [("城南大道项目", "unknown")], [("城南大道项目", "completed")], id="status-word"),
    pytest.param("units.yaml", lambda d: d["length"].update({"英里": {"factor": "1609.344"}}),
                 "青云公路全长12英里。", lambda ex: [(q.kind.value, q.unit_raw, str(q.value)) for q in ex.quantities],
                 [], [("length", "英里", "19312.128")], id="unit"),
    pytest.param("projects.yaml", lambda d: d["suffixes"]["words"].append("驿站"),
                 "青石岭驿站年内建成投用。", lambda ex: [p.name for p in ex.projects],
                 [], ["青石岭驿站"], id="project-suffix"),
]


@pytest.mark.parametrize("name, change, text, facts, before, after", EXTENSIONS)
def test_a_rule_file_edit_changes_extraction(tmp_path: Path, pipeline: Pipeline, name: str,
                                             change: Callable[[Any], None], text: str,
                                             facts: Callable[[Extraction], Any], before: Any, after: Any) -> None:
    directory = copy_rules(tmp_path)
    edit_yaml(directory, name, change)
    assert facts(pipeline("doc", text)) == before
    assert facts(_extract_with(directory, text)) == after


# -- stages read typed configs ----------------------------------------------------------------

# configs.py's docstring shows the old form
STRING_KEY_READERS = {"rules/configs.py"}


def test_stages_read_rule_attributes_not_string_keys() -> None:
    """`rules.projects["suffixes"]` reads an untyped value; stages use the typed attribute."""
    package = Path(__file__).resolve().parent.parent / "pipeline"
    lookup = re.compile(r"\brules\.\w+\[[\"']|\brules\.\w+\.get\(")
    offenders = [f"{path.relative_to(package)}:{n}" for path in sorted(package.rglob("*.py"))
                 if str(path.relative_to(package)) not in STRING_KEY_READERS
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if lookup.search(line)]
    assert offenders == []


# the rule ids the code gives are written once, in pipeline/rules/configs.py; scope.py's
# `scope_rule` ids are another column's (project.linked there is no mention's rule)
RULE_ID_HOMES = {"rules/configs.py", "stages/scope.py"}


def test_rule_ids_the_code_gives_are_written_once() -> None:
    """"project.enumeration_item" spelt out in a stage would drift from the constant that the
    project model's features and the other stages test for (docstrings may show one)."""
    package = Path(__file__).resolve().parent.parent / "pipeline"
    rule_id = re.compile(r"(?:project|status)\.\w+")
    offenders = [f"{path.relative_to(package)}:{node.lineno}" for path in sorted(package.rglob("*.py"))
                 if str(path.relative_to(package)) not in RULE_ID_HOMES
                 for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                 if isinstance(node, ast.Constant) and isinstance(node.value, str) and rule_id.fullmatch(node.value)]
    assert offenders == []


def test_the_linkers_status_ids_are_its_own_and_a_start_plan_is_a_cue_of_the_rules(rules: RuleSet) -> None:
    """The cues the linker makes must not share an id with a cue of statuses.yaml (a table's
    rule_id would name two rules), and the plan to start it looks for must be one of them."""
    from pipeline.rules import configs
    cue_ids = {cue.id for cue in rules.status_cues}
    made = {configs.PROBLEM_HEADING_RULE, configs.PLAN_GOVERNED_RULE, configs.PLAN_SENTENCE_RULE,
            configs.PUSHED_START_RULE, configs.DONE_OBJECT_RULE, configs.PART_DONE_RULE,
            configs.PLAN_PUSH_RULE, configs.TASK_HEADING_RULE, configs.GOAL_FIELD_RULE}
    assert made.isdisjoint(cue_ids)
    assert configs.START_PLAN_RULE in cue_ids
    assert configs.MONEY_SPENT_RULE in cue_ids
