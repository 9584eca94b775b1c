"""Region and period detection: the gazetteer, its validation, spans and cost.

The behaviour on report openings is tabled in tests/cases/regions.yaml (run by
tests/test_cases.py); this file checks what a table cannot.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from pipeline.rules.loader import DEFAULT_RULES_DIR, RuleError, RuleSet, load_rules
from pipeline.stages.region import PlacePeriod, calendar, detect_place_and_period, gazetteer

FIELDS = ("province", "city", "county", "year", "period")


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, target)
    return target


# -- the gazetteer ------------------------------------------------------------------------

def test_gazetteer_has_every_level(rules: RuleSet) -> None:
    levels = [r.level for r in rules.regions.values()]
    assert levels.count("province") == 34
    assert 330 <= levels.count("prefecture") <= 340
    assert levels.count("county") >= 2800


def test_gazetteer_is_current(rules: RuleSet) -> None:
    """Divisions changed in recent years appear in their present form."""
    by_name: dict[str, list[str]] = {}
    for r in rules.regions.values():
        by_name.setdefault(r.name, []).append(r.code)
    # 莱芜市 became 济南市莱芜区 (2019); 寿县 moved to 淮南市 (2015); 白杨市 was set up in 2023
    assert "莱芜市" not in by_name
    assert rules.regions[by_name["莱芜区"][0]].parent == by_name["济南市"][0]
    assert rules.regions[by_name["寿县"][0]].parent == by_name["淮南市"][0]
    assert "白杨市" in by_name


def test_every_unit_reaches_a_province(rules: RuleSet) -> None:
    gaz = gazetteer(rules)
    for unit in rules.regions.values():
        top = gaz.ancestors(unit)[-1] if unit.parent else unit
        assert top.level == "province", unit


def test_compiled_once_per_rule_set(rules: RuleSet) -> None:
    assert gazetteer(rules) is gazetteer(rules)
    assert calendar(rules) is calendar(rules)


# -- the result ---------------------------------------------------------------------------

def test_nothing_known_is_all_none(rules: RuleSet) -> None:
    assert detect_place_and_period("", rules) == PlacePeriod()
    assert detect_place_and_period("同志们：", rules) == PlacePeriod()


@pytest.mark.parametrize("text", [
    "长兴县2023年1—10月重点项目建设情况",
    "  \n\n政府工作报告\n——2024年1月12日在德清县第十八届人民代表大会第四次会议上\n各位代表：",
    "重点项目建设工作汇报\n今年以来，在湖州市委领导下，德清县上下齐心。全县完成投资30亿元。",
])
def test_spans_point_into_the_text(rules: RuleSet, text: str) -> None:
    found = detect_place_and_period(text, rules)
    for f in FIELDS:
        value, start, end = getattr(found, f), getattr(found, f"{f}_start"), getattr(found, f"{f}_end")
        assert (value is None) == (start is None) == (end is None), f
        if start is not None:
            assert 0 <= start < end <= len(text)
            assert text[start:end].strip() == text[start:end], (f, text[start:end])
    if found.county is not None:
        assert text[found.county_start:found.county_end] == found.county


def test_only_the_opening_is_read(rules: RuleSet) -> None:
    body = "今年以来，全县上下齐心协力，扎实推进各项工作。" * 40
    found = detect_place_and_period("重点项目工作汇报\n" + body + "德清县2023年1-6月", rules)
    assert (found.county, found.year, found.period) == (None, None, None)


# -- rule-file validation -------------------------------------------------------------------

def _write_tsv_line(directory: Path, line: str) -> None:
    with (directory / "regions.tsv").open("a", encoding="utf-8") as f:
        f.write(line + "\n")


@pytest.mark.parametrize("line, message", [
    ("999999\t某县\tcounty", "expected 4 tab-separated columns"),
    ("12345\t某县\tcounty\t330500", "code '12345' is not six digits"),
    ("330522\t某县\tcounty\t330500", "duplicate code '330522'"),
    ("999999\t某县\ttownship\t330500", "level 'township' is not one of"),
    ("999999\t某省\tprovince\t330000", "a province has no parent"),
    ("999999\t\tcounty\t330500", "empty name"),
])
def test_malformed_region_lines_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    directory = copy_rules(tmp_path)
    lines = (directory / "regions.tsv").read_text(encoding="utf-8").count("\n")
    _write_tsv_line(directory, line)
    with pytest.raises(RuleError) as info:
        load_rules(directory)
    assert f"regions.tsv: line {lines + 1}: {message}" in str(info.value)


def test_region_parent_must_exist_one_level_up(tmp_path: Path) -> None:
    directory = copy_rules(tmp_path)
    _write_tsv_line(directory, "999998\t某县\tcounty\t990000")
    with pytest.raises(RuleError, match=r"regions.tsv: code '999998' \(某县\): parent '990000' is not in the file"):
        load_rules(directory)
    directory = copy_rules(tmp_path / "2")
    _write_tsv_line(directory, "999997\t某市\tprefecture\t330500")
    with pytest.raises(RuleError, match="a prefecture cannot lie in a prefecture"):
        load_rules(directory)


def test_missing_gazetteer_is_named(tmp_path: Path) -> None:
    directory = copy_rules(tmp_path)
    (directory / "regions.tsv").unlink()
    with pytest.raises(RuleError, match="regions.tsv: rule file is missing"):
        load_rules(directory)


def _edit(directory: Path, name: str, change) -> None:  # type: ignore[no-untyped-def]
    path = directory / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize("name, change, message", [
    ("regions.yaml", lambda d: d.pop("suffixes"), "regions.yaml: missing key 'suffixes'"),
    ("regions.yaml", lambda d: d.update(level_cue="全(省|市)"),
     "regions.yaml: key 'level_cue' needs a group named 'suffix'"),
    ("regions.yaml", lambda d: d["not_followed_by"].update({"县": 1}), "regions.yaml: key 'not_followed_by.县'"),
    ("periods.yaml", lambda d: d.update(year="(19|20)\\d{2}年"), "periods.yaml: key 'year' needs a group named 'year'"),
    ("periods.yaml", lambda d: d["periods"].append({"id": "period.x", "pattern": "(?P<n>\\d)月", "label": "月"}),
     "periods.yaml: key 'period.x.label'"),
    ("periods.yaml", lambda d: d["periods"].append({"id": "period.quarter_1", "pattern": "x", "label": "x"}),
     "duplicate id 'period.quarter_1'"),
    ("periods.yaml", lambda d: d["periods"].append({"id": "period.y", "pattern": "(", "label": "y"}),
     "periods.yaml: key 'period.y.pattern': bad pattern"),
    ("periods.yaml", lambda d: d.update(colour="red"), "periods.yaml: unknown key 'colour'"),
])
def test_malformed_naming_and_period_rules(tmp_path: Path, name: str, change, message: str) -> None:  # type: ignore[no-untyped-def]
    directory = copy_rules(tmp_path)
    _edit(directory, name, change)
    with pytest.raises(RuleError) as info:
        load_rules(directory)
    assert message in str(info.value)


def test_gazetteer_changes_the_rules_hash(tmp_path: Path, rules: RuleSet) -> None:
    directory = copy_rules(tmp_path)
    _write_tsv_line(directory, "999999\t某县\tcounty\t330500")
    assert load_rules(directory).hash != rules.hash
