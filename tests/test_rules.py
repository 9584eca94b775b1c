"""Rule integrity: the rule files load, and a broken copy fails with a useful message.

Every broken copy lives in its own tmp directory (load_rules is cached per path), and
the error must be a RuleError naming the file and the offending key.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.rules.loader import DEFAULT_RULES_DIR, RuleError, RuleSet, load_rules
from pipeline.types import Kind, Role, Status

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
    edit_yaml(directory, "categories.yaml", lambda d: d["categories"].update({"港口": "交通"}))
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
    pytest.param("categories.yaml", _set("categories", "港口", value=["交通"]), ["'categories.港口'"],
                 id="category-not-a-string"),
    pytest.param("projects.yaml", _set("sufixes", value=["工程"]), ["unknown key 'sufixes'"],
                 id="unknown-top-level-key"),
    pytest.param("units.yaml", _set("length", "米", "arabic_onyl", value=True),
                 ["'length.米.arabic_onyl'", "unknown"], id="unknown-unit-key"),
    pytest.param("statuses.yaml", _first_cue("wek", True), ["wek", "unknown"], id="unknown-cue-key"),
    pytest.param("sections.yaml", _set("markers", 0, "parts", value=True), ["'markers[0].parts'", "unknown"],
                 id="unknown-marker-key"),
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
