"""One project, one row (GUIDELINES: one project named twice is one entry with the other
form in `alt`; two names joined by 及/和/与 and two parts of a project are two), as the
projects table shows it for invented reports; and the shortest short form that may join a
longer name is the rules' (rules/ledger.yaml identity.short_form_min_chars), not the code's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.extract import Pipeline
from pipeline.rules.loader import RuleSet, load_rules
from pipeline.stages.identity import one_key_per_project
from pipeline.types import ProjectMention

# report | its rows: (name, alt), in order
ROW_CASES = [
    # full name and short form: one row, the other form in alt
    ("青禾县团结水库扩建工程已开工。团结水库扩建工程进展顺利。",
     [("青禾县团结水库扩建工程", "团结水库扩建工程")]),
    ("云州市人民医院迁建项目已开工。人民医院迁建项目预计明年完工。",
     [("云州市人民医院迁建项目", "人民医院迁建项目")]),
    # a short form inside the full one: a qualifier before it, activity words after it
    ("青禾县团结水库扩建工程已开工。团结水库进展顺利。", [("青禾县团结水库扩建工程", "团结水库")]),
    ("青禾县110千伏云峰变电站新建工程已开工。云峰变电站进展顺利。",
     [("青禾县110千伏云峰变电站新建工程", "云峰变电站")]),
    # ... but not when the full one names another part before it
    ("城东快速路一期工程已完工。城东快速路进展顺利。", [("城东快速路一期工程", None), ("城东快速路", None)]),
    # the same name with and without 建设/项目/工程: one row
    ("北河治理工程已开工。北河治理工程建设进展顺利。", [("北河治理工程建设", None)]),
    ("青禾县团结水库项目已开工。团结水库建设进展顺利。", [("青禾县团结水库项目", "团结水库建设")]),
    # two phases, two sections: two rows
    ("城东快速路一期已建成通车，城东快速路二期正在施工。",
     [("城东快速路一期", None), ("城东快速路二期", None)]),
    ("凤栖大道北段已通车。凤栖大道今年完成投资3亿元。", [("凤栖大道北段", None), ("凤栖大道", None)]),
    # two names joined by 及: two rows, the second named again alone is still one
    ("东湖公园及凤栖大道已开工。凤栖大道进展顺利。", [("东湖公园", None), ("凤栖大道", None)]),
]


@pytest.fixture(scope="module")
def pipe() -> Pipeline:
    return Pipeline()


@pytest.mark.parametrize("text, rows", ROW_CASES, ids=lambda v: str(v)[:24])
def test_one_project_one_row(pipe: Pipeline, text: str, rows: list[tuple[str, str | None]]) -> None:
    projects = pipe("case", text).projects
    assert [(p.name, p.alt) for p in projects] == rows
    for p in projects:
        assert text[p.start:p.end] == p.name


def _mentions(keys: list[str]) -> list[ProjectMention]:
    return [ProjectMention(k, k, i * 20, i * 20 + len(k), "project.suffix") for i, k in enumerate(keys)]


# short_form_min_chars | the keys after one_key_per_project of 上码桥 and 集镇社区上码桥
MIN_CASES = [
    (4, ["上码桥", "集镇社区上码桥"]),         # the shipped rule: three characters are too generic
    (3, ["集镇社区上码桥", "集镇社区上码桥"]),
]


@pytest.mark.parametrize("minimum, keys", MIN_CASES)
def test_the_shortest_short_form_is_a_rule(tmp_path: Path, rules: RuleSet, minimum: int, keys: list[str]) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(rules.directory, copy)
    ledger = copy / "ledger.yaml"
    text = ledger.read_text(encoding="utf-8")
    assert "short_form_min_chars: 4\n" in text
    ledger.write_text(text.replace("short_form_min_chars: 4\n", f"short_form_min_chars: {minimum}\n"),
                      encoding="utf-8")
    edited = load_rules(copy)
    assert [m.key for m in one_key_per_project(_mentions(["上码桥", "集镇社区上码桥"]), edited)] == keys
