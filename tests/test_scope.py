"""Scope and year at the level a user runs them: `keyproj run` on a folder, then
`keyproj query` for the two sums an analyst wants (the report's figure and the projects'
figure), each without double counting. The bulletin is invented; its figures are chosen so
that adding every amount of a role, or the sectors to the headline, gives a wrong answer.
The case tables for both stages are tests/cases/scope.yaml and tests/cases/years.yaml.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT

BULLETIN = """云岭市2025年1—9月重点项目建设进展情况通报

一、总体进展
今年全市共安排市级重点项目80个，总投资640亿元，其中续建项目410亿元、新建项目230亿元；年度计划投资150亿元。1—9月，全市重点项目累计完成投资118.5亿元，占年度计划的79%。其中，交通项目完成投资40.2亿元，产业项目52.3亿元，社会民生项目26亿元。全市实现地区生产总值520亿元。

二、重点项目
桐溪大桥项目总投资12亿元，年度计划投资3亿元，1—9月完成投资2.6亿元，目前主塔施工中。
望川物流园项目总投资8亿元，年度计划投资2.5亿元，已完成投资1.9亿元。
柳湾污水处理厂项目年度计划投资1.2亿元，完成投资0.8亿元。目前，柳湾污水处理厂项目完成投资0.8亿元，进展顺利。

云岭市重点项目建设办公室
2025年10月12日
"""

# a document whose text gives no year: its file name does
UNDATED = "全县重点项目建设情况\n全县项目建设稳步推进。\n"

# role -> (the report's figure, the projects' figure), in 亿元, as the bulletin states them
SUMS = {
    "total_investment": (640, 12 + 8),
    "planned_investment": (150, 3 + 2.5 + 1.2),
    "completed_investment": (118.5, 2.6 + 1.9 + 0.8),
}

HEADLINE_SQL = ("SELECT role, round(sum(value) / 1e8, 2) AS yi FROM quantities "
                "WHERE kind = 'money' AND scope = 'headline' GROUP BY role")
PROJECT_SQL = ("SELECT role, round(sum(value) / 1e8, 2) AS yi FROM quantities "
               "WHERE kind = 'money' AND scope = 'project' GROUP BY role")
PROJECTS_TABLE_SQL = ("SELECT round(sum(total_investment) / 1e8, 2) AS total_investment, "
                      "round(sum(planned_investment) / 1e8, 2) AS planned_investment, "
                      "round(sum(completed_investment) / 1e8, 2) AS completed_investment FROM projects")


def _keyproj(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def _query(out: Path, sql: str) -> list[dict[str, Any]]:
    proc = _keyproj("query", str(out), sql, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows: list[dict[str, Any]] = json.loads(proc.stdout)
    return rows


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("reports")
    (src / "bulletin.txt").write_text(BULLETIN, encoding="utf-8")
    (src / "county_report_2021.txt").write_text(UNDATED, encoding="utf-8")
    tables = tmp_path_factory.mktemp("tables")
    proc = _keyproj("run", str(src), "--out", str(tables), "--jobs", "1", "-q")
    assert proc.returncode == 0, proc.stderr
    return tables


@pytest.mark.parametrize("role", list(SUMS))
def test_summing_headline_gives_the_reports_figure(out: Path, role: str) -> None:
    got = {r["role"]: r["yi"] for r in _query(out, HEADLINE_SQL)}
    assert got[role] == pytest.approx(SUMS[role][0])


@pytest.mark.parametrize("role", list(SUMS))
def test_summing_project_gives_the_projects_figure(out: Path, role: str) -> None:
    got = {r["role"]: r["yi"] for r in _query(out, PROJECT_SQL)}
    assert got[role] == pytest.approx(SUMS[role][1])
    # and it is what the projects table says, project by project
    assert _query(out, PROJECTS_TABLE_SQL)[0][role] == pytest.approx(SUMS[role][1])


def test_every_money_amount_has_one_scope_and_parts_point_at_their_whole(out: Path) -> None:
    rows = _query(out, "SELECT quantity_id, doc_id, kind, scope, parent_quantity_id, value FROM quantities")
    money = [r for r in rows if r["kind"] == "money"]
    assert money and all(r["scope"] in {"headline", "sector", "group", "project", "breakdown", "other"}
                         for r in money)
    assert all(r["scope"] is None for r in rows if r["kind"] != "money")
    by_id = {(r["doc_id"], r["quantity_id"]): r for r in money}
    parts = [r for r in money if r["parent_quantity_id"] is not None]
    assert {r["scope"] for r in parts} == {"breakdown", "sector"}
    for part in parts:
        whole = by_id[(part["doc_id"], part["parent_quantity_id"])]
        assert whole["value"] >= part["value"]
    # the sectors are parts of the headline: adding both would count 118.5亿元 twice
    sectors = _query(out, "SELECT round(sum(value) / 1e8, 2) AS yi FROM quantities WHERE scope = 'sector'")
    assert sectors[0]["yi"] == pytest.approx(40.2 + 52.3 + 26)


@pytest.mark.parametrize("path, year, basis, published", [
    ("bulletin.txt", 2025, "title", "2025-10-12"),
    ("county_report_2021.txt", 2021, "file_name", None),
])
def test_documents_say_the_covered_year_how_it_was_found_and_when_published(
        out: Path, path: str, year: int, basis: str, published: str | None) -> None:
    rows = _query(out, f"SELECT year, year_basis, published, published_start, published_end, text "
                       f"FROM documents WHERE path = '{path}'")
    assert len(rows) == 1
    row = rows[0]
    assert (row["year"], row["year_basis"], row["published"]) == (year, basis, published)
    if published is not None:
        assert row["text"][row["published_start"]:row["published_end"]] == "2025年10月12日"
