"""Linking amounts to projects: which project each figure is about (table of cases)."""

from __future__ import annotations

import pytest

from pipeline.run import Pipeline

# text -> {project name: {field: value}}; projects not listed must have no amounts linked.
CASES = [
    ("城南大道工程总投资3.5亿元，年度计划投资1.2亿元，1—9月完成投资0.9亿元，全长6.2公里。",
     {"城南大道工程": {"total_investment": 350_000_000, "planned_investment": 120_000_000,
                    "completed_investment": 90_000_000, "length_m": 6200}}),
    ("投资8亿元的城东快速路年内开工。",
     {"城东快速路": {"total_investment": 800_000_000}}),
    ("西湖大桥、北岸公园等12个项目开工，总投资45亿元。",
     {}),
    ("（二）滨江公园建设\n该项目总投资2000万元，目前已完工。",
     {"滨江公园建设": {"total_investment": 20_000_000}}),
    ("全县重点项目完成投资38亿元。",
     {}),
]


@pytest.mark.parametrize("text, expected", CASES, ids=[c[0][:12] for c in CASES])
def test_amounts_link_to_their_project(pipeline: Pipeline, text: str, expected: dict) -> None:
    ex = pipeline("t", text)
    fields = ("total_investment", "planned_investment", "completed_investment", "length_m", "area_m2")
    got = {p.name: {f: float(getattr(p, f)) for f in fields if getattr(p, f) is not None}
           for p in ex.projects}
    got = {name: values for name, values in got.items() if values}
    assert got == {name: {f: float(v) for f, v in values.items()} for name, values in expected.items()}
