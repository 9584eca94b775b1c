"""The project model: shipped weights load and score without ../shared, training is
deterministic, and the confidence reaches the tables and `explain`."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from pipeline.batch.run import run
from pipeline.extract import Pipeline
from pipeline.outputs.explain import explain_file
from pipeline.stages.project_model import (
    FEATURES,
    WEIGHTS_PATH,
    ProjectModel,
    project_features,
)

from conftest import ROOT, load_train_script

GOLD = Path(__file__).resolve().parent / "fixtures" / "project_gold"
REPORT = "青禾县团结水库已下闸蓄水。棚户区改造工程全面推进。城南大道、滨江大桥等重点工程全面开工。"


def test_shipped_weights_load_and_cover_every_feature() -> None:
    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    model = ProjectModel.load()
    assert tuple(data["features"]) == FEATURES
    assert len(model.weights) == len(FEATURES)
    assert all(math.isfinite(w) for w in model.weights)
    assert 0.0 <= model.threshold < 1.0


def test_every_project_gets_a_confidence_in_0_1() -> None:
    ex = Pipeline()("doc", REPORT)
    assert ex.projects
    assert all(p.confidence is not None and 0.0 <= p.confidence <= 1.0 for p in ex.projects)


def test_features_are_numbers_for_every_candidate() -> None:
    pipe = Pipeline(weigh_projects=False)
    ex = pipe("doc", REPORT)
    rows = project_features(ex, pipe.projects.judge, pipe.rules)
    assert len(rows) == len(ex.projects)
    for row in rows:
        assert set(row) == set(FEATURES)
        assert all(isinstance(v, float) and math.isfinite(v) for v in row.values())



SPARSE_REPORTS = [
    REPORT,
    "一、续建项目\n东坝、西岭、南湾3个中型灌区全面完工。青禾至石门公路改造工程完成投资1.2亿元，投资3.5亿元的"
    "城东快速路年内开工；新建数字经济产业园。",
]


@pytest.mark.parametrize("report", SPARSE_REPORTS)
def test_sparse_features_are_the_nonzero_ones_and_score_the_same(report: str) -> None:
    # the model weighs a big document's candidates on their nonzero features only (memory)
    pipe = Pipeline(weigh_projects=False)
    ex = pipe("doc", report)
    dense = project_features(ex, pipe.projects.judge, pipe.rules)
    sparse = project_features(ex, pipe.projects.judge, pipe.rules, sparse=True)
    model = ProjectModel.load()
    assert len(dense) == len(sparse) == len(ex.projects)
    for full, kept in zip(dense, sparse, strict=True):
        assert {k: v for k, v in full.items() if v} == {k: v for k, v in kept.items() if v}
        assert set(kept) <= set(FEATURES)
        assert model.probability(kept) == model.probability(full)
        # to the last bit: the bias and each weight times its feature added in FEATURES'
        # order, whatever order the features come in and however many zeros are left out
        in_order = model.bias
        for name, weight in zip(FEATURES, model.weights, strict=True):
            in_order += weight * full[name]
        assert model.score(kept) == model.score(dict(reversed(full.items()))) == in_order

def test_without_the_model_nothing_is_dropped_and_no_confidence() -> None:
    weighed = Pipeline()("doc", REPORT).projects
    unweighed = Pipeline(weigh_projects=False)("doc", REPORT).projects
    assert {p.key for p in weighed} <= {p.key for p in unweighed}
    assert all(p.confidence is None for p in unweighed)


def test_a_model_that_keeps_everything_changes_no_row_but_its_confidence() -> None:
    keep_all = ProjectModel(weights=(0.0,) * len(FEATURES), bias=0.0, threshold=0.0)
    rows = Pipeline(project_model=keep_all)("doc", REPORT).projects
    assert [p.name for p in rows] == [p.name for p in Pipeline(weigh_projects=False)("doc", REPORT).projects]
    assert {p.confidence for p in rows} == {0.5}


def test_training_twice_gives_identical_weights(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    train = load_train_script()
    first = train.train_projects(GOLD, tmp_path / "a.json", report=lambda _: None)
    second = train.train_projects(GOLD, tmp_path / "b.json", report=lambda _: None)
    assert first == second
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    # what it wrote loads as the pipeline loads its shipped weights
    assert ProjectModel.load(tmp_path / "a.json") == first


def test_confidence_in_the_projects_table_and_in_explain(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "r.txt").write_text(REPORT, encoding="utf-8")
    run([folder], tmp_path / "out", jobs=0)
    projects = pd.read_parquet(tmp_path / "out" / "projects.parquet")
    assert "confidence" in projects.columns
    assert projects["confidence"].between(0, 1).all()
    assert "confidence=" in explain_file(folder / "r.txt", "project")


def _feature_entries() -> list[tuple[str, str, bool]]:
    import yaml

    data = yaml.safe_load((ROOT / "rules" / "model_features.yaml").read_text(encoding="utf-8"))
    return [(name, text, must) for name, entry in data.items() if "pattern" in entry
            for must, key in ((True, "examples"), (False, "not")) for text in entry.get(key, [])]


@pytest.mark.parametrize("name, text, must", _feature_entries(), ids=lambda v: str(v))
def test_feature_words_find_their_examples_and_not_their_counter_examples(rules, name: str, text: str,
                                                                          must: bool) -> None:
    from dataclasses import fields

    from pipeline.rules.configs import ModelFeatureRules

    pattern = getattr(rules.model_features, name)
    # a pattern read right after a name (`rule(at=True)`) is matched there, as the stage does
    at_start = {f.name: f.metadata.get("at", False) for f in fields(ModelFeatureRules)}[name]
    assert ((pattern.match(text) if at_start else pattern.search(text)) is not None) == must


@pytest.mark.parametrize("content, message", [
    ("count_after: {pattern: '\\s*等'}\n", "missing key 'class_after'"),
    ("nonsense: 1\n", "unknown key 'nonsense'"),
], ids=["one entry only", "an unknown key"])
def test_a_broken_feature_words_file_is_a_rule_error_naming_it(tmp_path: Path, rules, content: str,
                                                               message: str) -> None:
    import shutil

    from pipeline.rules.loader import RuleError, load_rules

    copy = tmp_path / "rules"
    shutil.copytree(rules.directory, copy)
    (copy / "model_features.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(RuleError, match=f"model_features.yaml: {message}"):
        load_rules(copy)


def test_a_bad_pattern_in_feature_words_names_its_key(tmp_path: Path, rules) -> None:
    import shutil

    import yaml

    from pipeline.rules.loader import RuleError, load_rules

    copy = tmp_path / "rules"
    shutil.copytree(rules.directory, copy)
    data = yaml.safe_load((copy / "model_features.yaml").read_text(encoding="utf-8"))
    data["company"]["pattern"] = "公司("
    (copy / "model_features.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleError, match="model_features.yaml: key 'company.pattern'"):
        load_rules(copy)


# the right (1) and wrong (0) rows in order of falling score | how many of the surest rows
# may get confidence >= 0.8: the most whose share right is, by the lower end of its Wilson
# interval one standard error wide, at least 0.9 (n right of n reach it from n = 10 on)
EDGE_CASES = [
    ("1" * 10 + "0" * 10, 10),
    ("1" * 9 + "0" * 10, 0),                 # 9 of 9: 0.9 is not sure enough
    ("1" * 30 + "0" + "1" * 5 + "0" * 20, 36),
    ("1" * 30 + "00" + "0" * 20, 31),      # 30 of 31 is sure enough, 30 of 32 is not
    ("0" * 5, 0),
    ("", 0),                               # no row at all (every decision capped): no edge
]


@pytest.mark.parametrize("rows, sure", EDGE_CASES, ids=lambda v: str(v)[:20])
def test_the_confident_edge_keeps_the_promise_with_a_margin(rows: str, sure: int) -> None:
    import numpy as np

    train = load_train_script()
    right = np.array([int(c) for c in rows])
    scores = np.arange(len(rows), 0, -1, dtype=float)       # falling
    edge = train.confident_edge(scores, right)
    assert (0 if edge is None else int((scores >= edge).sum())) == sure
    if edge is not None:
        assert train.wilson_low(int(right[scores >= edge].sum()), sure) >= train.CONFIDENT_RIGHT


def test_calibrated_confidence_is_right_at_0_8_as_promised() -> None:
    """Scores that order well but not perfectly (invented, fixed seed): after the
    calibration, the rows at 0.8 or more are surely at least 90% right."""
    import numpy as np

    train = load_train_script()
    rng = np.random.default_rng(7)
    right = rng.random(600) < 0.6
    scores = np.where(right, 1.0, -0.5) + rng.normal(0, 1.2, 600)
    a, b = train.project_calibration(scores, [int(r) for r in right])
    sure = train.sigmoid(a * scores + b) >= train.CONFIDENT
    assert sure.any()
    assert train.wilson_low(int(right[sure].sum()), int(sure.sum())) >= train.CONFIDENT_RIGHT


def test_comparing_trees_prints_their_figures_and_writes_the_same_weights(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    train = load_train_script()
    lines: list[str] = []
    plain = train.train_projects(GOLD, tmp_path / "a.json", report=lambda _: None)
    compared = train.train_projects(GOLD, tmp_path / "b.json", report=lines.append, trees=True)
    assert compared == plain
    assert sum(line.lstrip().startswith("trees (") for line in lines) == len(train.TREE_SETTINGS)
    assert any("calibrated without the document's fold" in line for line in lines)


# a relaxed-F1 curve over keep thresholds (invented) | the threshold chosen: the middle one
# (the lower of two middles) of those within F1_SLACK (0.005) of the best, not its lowest end
PLATEAU_CASES = [
    ([(0.20, 0.790), (0.22, 0.800), (0.24, 0.799), (0.26, 0.798), (0.28, 0.797), (0.30, 0.780)], 0.24),
    ([(0.20, 0.700), (0.22, 0.800), (0.24, 0.760)], 0.22),                  # a peak: the peak
    ([(0.10, 0.801), (0.20, 0.700), (0.30, 0.799), (0.40, 0.798)], 0.30),   # a dip inside: not counted
    ([(0.20, 0.800), (0.22, 0.800)], 0.20),                                 # two middles: the lower
]


@pytest.mark.parametrize("curve, chosen", PLATEAU_CASES, ids=lambda v: str(v)[:30])
def test_the_keep_threshold_is_the_middle_of_the_plateau(curve: list[tuple[float, float]], chosen: float) -> None:
    train = load_train_script()
    assert train.plateau_middle([t for t, _ in curve], [f for _, f in curve]) == chosen


def test_the_untuned_f1_over_fold_assignments_holds_the_first_assignments(tmp_path: Path) -> None:
    """train.py prints the untuned set's relaxed F1 over several assignments of the documents
    to folds: the first assignment's figure (the one printed as "of which train") is one of
    them, and the mean lies in the range."""
    pytest.importorskip("sklearn")
    import re

    train = load_train_script()
    lines: list[str] = []
    train.train_projects(GOLD, tmp_path / "a.json", report=lines.append)
    one = next(ln for ln in lines if ln.strip().startswith("of which train: relaxed F1"))
    over = next(ln for ln in lines if "assignments of the documents to folds" in ln)
    first = float(re.search(r"relaxed F1 ([0-9.]+)", one).group(1))
    mean, low, high = map(float, re.search(r"mean ([0-9.]+) \(([0-9.]+)-([0-9.]+)\)", over).groups())
    assert low <= mean <= high
    assert low <= first <= high


@pytest.mark.parametrize("before", [
    # what stands before a mention in its sentence (sentence_start: nothing but an ordinal)
    "", "  ", "\n", "（一）", "  (十二)  ", "3.", "12、", "三、", "①", "（十十十）", " （十十十） ",
    "一是", "（一）城南", "3.加快", "城南大道和", "（一）  （二）", "  1.  \n  ", "（一）" + " " * 40,
    "甲" * 6, "甲乙丙丁戊", "（一）甲", "1.2.", "一、二、", "(1)(2)", "全面推进" + "（一）",
])
def test_a_mention_opens_its_sentence_as_the_ordinal_sub_says(before: str) -> None:
    # the fast form (no scan when more than an ordinal's characters stand there) equals the
    # one the features were trained with
    from pipeline.stages.project_model import _ORDINAL_LINE, _opens_its_sentence

    assert _opens_its_sentence(before) == (_ORDINAL_LINE.sub("", before, count=1).strip() == "")


@pytest.mark.parametrize("text, name, ordinal", [
    # a line opening with an ordinal: a list's or a ledger's entry (`ordinal_line`) ...
    ("（三）城南大道已完工。", "城南大道", True),
    ("3.城南大道已完工。", "城南大道", True),
    # ... and a table row's number before its name cell (tab or spaces), as ledger_item reads it
    ("12\t青峰湿地公园\t湿地修复800亩\t暂缓实施\n13\t城南大道\t拓宽3公里\t已完工\n", "青峰湿地公园", True),
    ("7   青峰湿地公园   湿地修复800亩   暂缓实施\n", "青峰湿地公园", True),
    # not a year or an amount opening the line, nor a name with nothing before it
    ("2025年青峰湿地公园暂缓实施。", "2025年青峰湿地公园", False),
    ("青峰湿地公园暂缓实施。", "青峰湿地公园", False),
])
def test_a_line_opening_with_an_ordinal_or_a_row_number(text: str, name: str, ordinal: bool) -> None:
    pipe = Pipeline(weigh_projects=False)
    found, _ = pipe.found("case", text, until="region")
    ex = found.extraction()
    features = dict(zip([p.name for p in ex.projects], project_features(ex, pipe.projects.judge, pipe.rules)))
    assert features[name]["ordinal_line"] == float(ordinal)


@pytest.mark.parametrize("text, name, length", [
    # a sentence's length counts its text: the runs of spaces padding a flattened table's columns
    # (one ledger row laid out on one line) are layout, not words
    ("7      青峰湿地公园          湿地修复800亩          暂缓实施\n", "青峰湿地公园", 0.2),
    ("7 青峰湿地公园 湿地修复800亩 暂缓实施\n", "青峰湿地公园", 0.23),
    ("青峰湿地公园暂缓实施，湿地修复800亩。\n", "青峰湿地公园", 0.2),
])
def test_a_sentence_length_leaves_out_column_padding(text: str, name: str, length: float) -> None:
    pipe = Pipeline(weigh_projects=False)
    found, _ = pipe.found("case", text, until="region")
    ex = found.extraction()
    features = dict(zip([p.name for p in ex.projects], project_features(ex, pipe.projects.judge, pipe.rules)))
    assert features[name]["sentence_len"] == pytest.approx(length, abs=0.015)
