"""The evidence a learned money-role decision would weigh (pipeline/stages/role_model.py),
and `scripts/train.py roles`, which measures such a decision against the rules alone by
grouped cross-validation. All sentences are invented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extract import Pipeline
from pipeline.outputs.evaluate import evaluate_folder
from pipeline.stages.role_model import role_features

from conftest import load_train_script

# sentence, which money amount (0-based), features it must have, features it must not have
FEATURE_CASES = [
    ("城东快速路项目总投资12亿元，2024年投资3亿元。", 1,
     {"rule=planned_investment", "by=year_part", "before_total", "year_word", "project_named", "nth=2"},
     {"by=cue_generic", "before_planned"}),
    ("城东快速路项目总投资12亿元，2024年投资3亿元。", 0,
     {"rule=total_investment", "by=cue_specific", "cue_distance=0", "project_named", "nth=1"},
     {"year_word", "before_total"}),
    ("全省交通投资完成300亿元。", 0,
     {"rule=completed_investment", "region_subject", "region_subject&rule=completed_investment"},
     {"project_named"}),
    ("两个项目分别完成投资12亿元、8亿元。", 1,
     {"rule=completed_investment", "by=list", "list_word", "amounts=2"},
     {"list_word&rule=total_investment"}),
    ("城东快速路项目（总投资12亿元，年度计划投资3亿元）。", 0,
     {"bracket", "after_planned", "rule=total_investment"},
     {"after_total"}),
    ("投资10亿元以上的项目12个。", 0,
     {"rule=other", "by=threshold", "band"},
     {"by=cue_generic"}),
]


@pytest.mark.parametrize(("text", "nth", "has", "has_not"), FEATURE_CASES)
def test_the_evidence_around_an_amount(pipeline: Pipeline, text: str, nth: int, has: set[str],
                                       has_not: set[str]) -> None:
    found, layout = pipeline.found("d", text, until="statuses")
    names = {name for name, _ in role_features(layout, found.quantities, pipeline.rules)[nth]}
    assert has <= names, has - names
    assert not (has_not & names), has_not & names


def _gold_set(root: Path, name: str, docs: list[tuple[str, list[tuple[str, float, str]]]]) -> None:
    folder = root / name
    (folder / "raw").mkdir(parents=True)
    lines = []
    for i, (text, money) in enumerate(docs):
        file = f"{name}{i}.txt"
        (folder / "raw" / file).write_text(text, encoding="utf-8")
        lines.append(json.dumps({"file": file, "money": [{"text": t, "value": v, "role": r} for t, v, r in money]},
                                ensure_ascii=False))
    (folder / "gold.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture()
def role_gold(tmp_path: Path) -> Path:
    """Two invented gold sets of ten documents each; in `train`, two amounts the rules read
    as a cost are gold `other` (a programme's figure)."""
    total = "total_investment"
    docs = [(f"城东{n}号路工程总投资{n}亿元，年度计划投资1亿元。",
             [(f"{n}亿元", n * 1e8, total), ("1亿元", 1e8, "planned_investment")]) for n in range(2, 12)]
    _gold_set(tmp_path, "dev", docs)
    train = [(f"滨江{n}号桥项目总投资{n}亿元，累计完成投资1亿元。",
              [(f"{n}亿元", n * 1e8, total), ("1亿元", 1e8, "completed_investment")]) for n in range(2, 10)]
    train += [("农网改造工程投资3亿元。", [("3亿元", 3e8, "other")]),
              ("棚改工程投资5亿元。", [("5亿元", 5e8, "other")])]
    _gold_set(tmp_path, "train", train)
    return tmp_path


def test_training_roles_twice_prints_the_same_figures_and_the_rules_figure_is_evals(role_gold: Path) -> None:
    pytest.importorskip("sklearn")
    train = load_train_script()
    first: list[str] = []
    second: list[str] = []
    better = train.train_roles(role_gold, report=first.append)
    assert train.train_roles(role_gold, report=second.append) == better
    assert first == second
    # the rules' figure per set is `keyproj eval`'s money-role accuracy
    for name in ("dev", "train"):
        right, pairs = evaluate_folder(role_gold / name).role_accuracy
        line = next(x for x in first if x.startswith(f"  {name}: "))
        assert f"rules alone {right / pairs:.3f} ({right} of {pairs})" in line
    assert any("rules other→total 2" in x for x in first)


def test_training_roles_on_gold_without_money_says_so(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    _gold_set(tmp_path, "dev", [("城东快速路工程已建成通车。", [])])
    lines: list[str] = []
    assert load_train_script().train_roles(tmp_path, report=lines.append) is False
    assert lines == ["roles: no gold money amount with a role: nothing to measure"]


def test_one_role_in_a_fold_leaves_the_rules_role(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    _gold_set(tmp_path, "dev", [(f"城东{n}号路工程总投资{n}亿元。", [(f"{n}亿元", n * 1e8, "total_investment")])
                                for n in range(2, 5)])
    lines: list[str] = []
    load_train_script().train_roles(tmp_path, report=lines.append)
    assert "dev: rules alone 1.000 (3 of 3); model, 5-fold CV grouped by document (C=0.1) 1.000 (3 of 3)" in lines[1]
