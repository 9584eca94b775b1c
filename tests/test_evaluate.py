"""Tests for the gold scorer behind `keyproj eval`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pipeline.outputs.evaluate import (
    Counts,
    EvalReport,
    combine,
    evaluate,
    evaluate_folder,
    format_report,
    load_gold,
    load_predictions,
    longest_common_substring,
    normalize_name,
    predictions_from_rows,
    report_to_dict,
)


def gold_doc(file: str = "a.txt", projects: list[dict[str, Any]] | None = None, **kinds: list[dict]) -> dict:
    """A gold document object with empty kinds unless given."""
    doc: dict[str, Any] = {"file": file, "money": [], "length": [], "area": [], "volume": [], "percent": [],
                           "percentage_point": [], "projects": projects or []}
    doc.update(kinds)
    return doc


def q(kind: str, text: str, value: float | None, start: int = 0, role: str | None = None,
      value_high: float | None = None, doc_id: str = "d1") -> dict[str, Any]:
    """A predicted quantity row."""
    return {"doc_id": doc_id, "kind": kind, "text": text, "value": value, "value_high": value_high,
            "role": role, "start": start, "end": start + len(text)}


def p(name: str, status: str = "unknown", doc_id: str = "d1") -> dict[str, Any]:
    """A predicted project row."""
    return {"doc_id": doc_id, "project_id": f"{doc_id}-{name}", "name": name, "status": status}


def run(tmp_path: Path, gold: list[dict], quantities: list[dict] = (), projects: list[dict] = (),
        documents: list[tuple[str, str]] = (("d1", "a.txt"),)) -> EvalReport:
    """Write gold jsonl and prediction parquet files, load them back and evaluate."""
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in gold) + "\n", encoding="utf-8")
    pred_dir = tmp_path / "pred"
    pred_dir.mkdir()
    pd.DataFrame([{"doc_id": d, "path": path, "status": "ok", "text": ""} for d, path in documents],
                 columns=["doc_id", "path", "status", "text"]).to_parquet(pred_dir / "documents.parquet")
    pd.DataFrame(list(quantities), columns=["doc_id", "kind", "text", "value", "value_high", "role", "start", "end"]
                 ).astype({"value": float, "value_high": float}).to_parquet(pred_dir / "quantities.parquet")
    pd.DataFrame(list(projects), columns=["doc_id", "project_id", "name", "status"]
                 ).to_parquet(pred_dir / "projects.parquet")
    return evaluate(load_gold(gold_path), load_predictions(pred_dir))


def counts(c: Counts) -> tuple[int, int, int]:
    return c.gold, c.pred, c.tp


@pytest.mark.parametrize("gold_value, pred_value, hit", [
    (5654000000, 5654000000, True),
    (5654000000, 5654000000 * (1 + 0.9e-4), True),
    (5654000000, 5654000000 * (1 + 1.1e-4), False),
    (42.14, 42.1400001, True),
    (42.14, 42.15, False),
    (0, 0, True),
    (0, 1e-9, False),
])
def test_value_tolerance(tmp_path: Path, gold_value: float, pred_value: float, hit: bool) -> None:
    gold = [gold_doc(percent=[{"text": "x%", "value": gold_value}])]
    report = run(tmp_path, gold, [q("percent", "x%", pred_value)])
    assert counts(report.kinds["percent"]) == (1, 1, int(hit))


def test_duplicate_values_match_one_to_one(tmp_path: Path) -> None:
    gold = [gold_doc(money=[{"text": "5亿元", "value": 5e8, "role": "other"}] * 2)]
    preds = [q("money", "5亿元", 5e8, start=s) for s in (10, 20, 30)]
    report = run(tmp_path, gold, preds)
    assert counts(report.kinds["money"]) == (2, 3, 2)
    assert [m.start for m in report.docs[0].extras] == [30]


def test_matching_prefers_identical_text_then_earliest(tmp_path: Path) -> None:
    gold = [gold_doc(length=[{"text": "2公里", "value": 2000}])]
    preds = [q("length", "2000米", 2000, start=5), q("length", "2公里", 2000, start=50),
             q("length", "2 公里", 2000, start=40)]
    report = run(tmp_path, gold, preds)
    # Identical text after removing white space: the earliest of the two "2公里" wins.
    assert [m.start for m in report.docs[0].extras] == [5, 50]


def test_matching_without_identical_text_takes_earliest(tmp_path: Path) -> None:
    gold = [gold_doc(money=[{"text": "3亿元", "value": 3e8, "role": "other"}])]
    preds = [q("money", "3.0亿元", 3e8, start=30), q("money", "30000万元", 3e8, start=10)]
    report = run(tmp_path, gold, preds)
    assert [m.start for m in report.docs[0].extras] == [30]


def test_kinds_are_scored_separately(tmp_path: Path) -> None:
    gold = [gold_doc(area=[{"text": "30平方米", "value": 30}])]
    report = run(tmp_path, gold, [q("volume", "30立方米", 30)])
    assert counts(report.kinds["area"]) == (1, 0, 0)
    assert counts(report.kinds["volume"]) == (0, 1, 0)
    assert counts(report.quantities) == (1, 1, 0)


@pytest.mark.parametrize("pred_text, pred_value, extra", [
    ("9亿元", 9e8, 0),          # inside the span "5 9亿元"
    ("59亿元", 5.9e9, 0),       # inside once white space is removed
    ("约5 9亿元", 9e8, 0),      # contains the span
    ("6亿元", 6e8, 1),          # unrelated: an extra
])
def test_ignore_spans(tmp_path: Path, pred_text: str, pred_value: float, extra: int) -> None:
    gold = [gold_doc(money=[{"text": "5 9亿元", "ignore": True, "role": "other"}])]
    report = run(tmp_path, gold, [q("money", pred_text, pred_value)])
    assert counts(report.kinds["money"]) == (0, extra, 0)


def test_ignore_span_does_not_swallow_correct_mention(tmp_path: Path) -> None:
    # A bare-unit span such as "亿元" is contained in every 亿元 amount; a correct one still counts.
    gold = [gold_doc(money=[{"text": "亿元", "ignore": True},
                            {"text": "8561亿元", "value": 8.561e11, "role": "other"}])]
    report = run(tmp_path, gold, [q("money", "8561亿元", 8.561e11, role="other"), q("money", "3亿元", 3e8)])
    assert counts(report.kinds["money"]) == (1, 1, 1)


def test_ignore_span_is_per_kind(tmp_path: Path) -> None:
    gold = [gold_doc(money=[{"text": "xx%", "ignore": True}])]
    report = run(tmp_path, gold, [q("percent", "xx%", 5)])
    assert counts(report.kinds["percent"]) == (0, 1, 0)


def test_null_valued_predictions_are_not_scored(tmp_path: Path) -> None:
    gold = [gold_doc(money=[{"text": "3万元", "value": 30000, "role": "other"}])]
    report = run(tmp_path, gold, [q("money", "×万元", None, start=0), q("money", "3万元", 30000, start=9)])
    assert counts(report.kinds["money"]) == (1, 1, 1)


def test_gold_entry_without_value_acts_as_ignore_span(tmp_path: Path) -> None:
    gold = [gold_doc(money=[{"text": "×亿元", "role": "other"}])]
    report = run(tmp_path, gold, [q("money", "×亿元", 1e8), q("count", "5个", 5)])
    assert counts(report.quantities) == (0, 0, 0)


def test_missing_optional_tables(tmp_path: Path) -> None:
    pd.DataFrame({"doc_id": ["d1"], "path": ["a.txt"]}).to_parquet(tmp_path / "documents.parquet")
    assert load_predictions(tmp_path)["a.txt"].mentions == ()
    with pytest.raises(FileNotFoundError):
        load_predictions(tmp_path / "nowhere")


def test_range_matches_on_low_end(tmp_path: Path) -> None:
    gold = [gold_doc(money=[{"text": "3-5亿元", "value": 3e8, "value_high": 5e8, "role": "other"}])]
    report = run(tmp_path, gold, [q("money", "3至5亿元", 3e8, value_high=5e8)])
    assert counts(report.kinds["money"]) == (1, 1, 1)


def test_money_role_accuracy(tmp_path: Path) -> None:
    gold = [gold_doc(money=[{"text": "1亿元", "value": 1e8, "role": "total_investment"},
                            {"text": "2亿元", "value": 2e8, "role": "completed_investment"},
                            {"text": "3亿元", "value": 3e8, "role": "other"},
                            {"text": "4亿元", "value": 4e8, "role": "other"}])]
    preds = [q("money", "1亿元", 1e8, role="total_investment"), q("money", "2亿元", 2e8, role="planned_investment"),
             q("money", "3亿元", 3e8, role=None)]  # 4亿元 missed: not a pair
    report = run(tmp_path, gold, preds)
    assert report.role_accuracy == (1, 3)
    assert [(g.role, m.role) for g, m in report.docs[0].role_mismatches] == [
        ("completed_investment", "planned_investment"), ("other", None)]
    assert report.role_confusion[("other", "-")] == 1


# Equal values are paired in reading order (gold lists are in reading order, predictions
# have spans), so a right role is not scored wrong because two equal amounts were crossed.
# Each row: gold money (text, value in 亿, role) in reading order; predictions (text, value,
# start, role); the (gold role, predicted role) of each pair, in gold order; misses.
@pytest.mark.parametrize("gold_money, pred_money, paired, missed", [
    # a band (30亿元以上) then a cost of the same value: the identical text of the second must
    # not pull the first gold mention onto it
    ([("30亿元", 30, "other"), ("30亿元", 30, "total_investment")],
     [("30亿元以上", 30, 10, "other"), ("30亿元", 30, 50, "total_investment")],
     [("other", "other"), ("total_investment", "total_investment")], []),
    # the first of two equal amounts is not predicted: its neighbour in reading order says
    # which gold mention the one prediction is
    ([("5亿元", 5, "total_investment"), ("3亿元", 3, "planned_investment"), ("5亿元", 5, "completed_investment")],
     [("3亿元", 3, 10, "planned_investment"), ("5亿元", 5, 20, "completed_investment")],
     [("planned_investment", "planned_investment"), ("completed_investment", "completed_investment")],
     ["5亿元"]),
    # values in another order than the gold's still pair (the count is by value)
    ([("5亿元", 5, "other"), ("3亿元", 3, "other")],
     [("3亿元", 3, 10, "other"), ("5亿元", 5, 20, "other")],
     [("other", "other"), ("other", "other")], []),
    # two equal amounts both predicted: first with first
    ([("8亿元", 8, "total_investment"), ("8亿元", 8, "completed_investment")],
     [("约8亿元", 8, 10, "total_investment"), ("8亿元", 8, 40, "completed_investment")],
     [("total_investment", "total_investment"), ("completed_investment", "completed_investment")], []),
])
def test_equal_values_pair_in_reading_order(tmp_path: Path, gold_money: list, pred_money: list,
                                            paired: list, missed: list) -> None:
    gold = [gold_doc(money=[{"text": t, "value": v * 1e8, "role": r} for t, v, r in gold_money])]
    preds = [q("money", t, v * 1e8, start=s, role=r) for t, v, s, r in pred_money]
    report = run(tmp_path, gold, preds)
    right = sum(g == p for g, p in paired)
    assert report.role_accuracy == (right, len(paired))
    assert sorted(report.role_confusion.elements()) == sorted(paired)
    assert [m.text for m in report.docs[0].misses] == missed


@pytest.mark.parametrize("name, expected", [
    ("云岚高速 公路", "云岚高速公路"),
    ("“三溪两岸”整治提升项目", "三溪两岸整治提升项目"),
    ("《某某》【二期】工程", "某某二期工程"),
    ("城西输变电工程（二期）", "城西输变电工程二期"),
    ("滬昆高速改擴(kuò)建工程", "沪昆高速改扩建工程"),
    ("項(xiàng)目", "项目"),
    ("某军(jun4)营（xiàng mù）", "某军营"),
    ("青禾县城乡供水一体化(PPP)项目", "青禾县城乡供水一体化ppp项目"),
    ("云州市轨道交通３号线、一期", "云州市轨道交通3号线一期"),
    ("", ""),
])
def test_normalize_name(name: str, expected: str) -> None:
    assert normalize_name(name) == expected


@pytest.mark.parametrize("a, b, expected", [
    ("", "abc", 0),
    ("abc", "abc", 3),
    ("xabcy", "zabcw", 3),
    ("abcd", "dcba", 1),
    ("智能装备零部件产业园", "市智能装备零部件产业园一期", 10),
    ("ab", "cd", 0),
])
def test_longest_common_substring(a: str, b: str, expected: int) -> None:
    assert longest_common_substring(a, b) == expected
    assert longest_common_substring(b, a) == expected


@pytest.mark.parametrize("gold_project, pred_name, strict, relaxed", [
    ({"name": "云岚高速公路", "alt": []}, "云岚高速公路", 1, 1),
    ({"name": "云岚高速公路", "alt": []}, "“云岚高速公路”", 1, 1),
    ({"name": "白石角翠湖城项目", "alt": ["白石角翠湖城"]}, "白石角翠湖城", 1, 1),
    ({"name": "鳳岭古城河畔房車營地", "alt": []}, "凤岭古城河畔房车营地", 1, 1),
    ({"name": "滬昆高速改擴建工程", "alt": []}, "滬昆高速改擴(kuò)建工程", 1, 1),
    # 7 of 10 characters shared: exactly the relaxed threshold.
    ({"name": "一二三四五六七八九十", "alt": []}, "一二三四五六七", 0, 1),
    ({"name": "一二三四五六七八九十", "alt": []}, "一二三四五六", 0, 0),
    # Relaxed against an alternative name when the main name is too different.
    ({"name": "青禾北岸", "alt": ["青禾北岸污水处理厂"]}, "青禾北岸污水处理厂工程", 0, 1),
    ({"name": "城东快速路", "alt": []}, "城西体育馆", 0, 0),
])
def test_project_matching(tmp_path: Path, gold_project: dict, pred_name: str, strict: int, relaxed: int) -> None:
    gold = [gold_doc(projects=[{**gold_project, "status": "planned"}])]
    report = run(tmp_path, gold, projects=[p(pred_name, "planned")])
    assert counts(report.strict) == (1, 1, strict)
    assert counts(report.relaxed) == (1, 1, relaxed)


def test_projects_match_one_to_one(tmp_path: Path) -> None:
    gold = [gold_doc(projects=[{"name": "城东快速路", "alt": [], "status": "planned"}])]
    report = run(tmp_path, gold, projects=[p("城东快速路"), p("城东快速路"), p("城东快速路工程")])
    assert counts(report.strict) == (1, 3, 1)
    assert counts(report.relaxed) == (1, 3, 1)
    assert [x.name for x in report.docs[0].project_extras] == ["城东快速路", "城东快速路工程"]


def test_strict_match_uses_each_prediction_once(tmp_path: Path) -> None:
    gold = [gold_doc(projects=[{"name": "城东快速路", "alt": [], "status": "planned"},
                               {"name": "城东快速路一期", "alt": ["城东快速路"], "status": "planned"}])]
    report = run(tmp_path, gold, projects=[p("城东快速路")])
    assert counts(report.strict) == (2, 1, 1)
    assert [x.name for x in report.docs[0].project_misses] == ["城东快速路一期"]


def test_relaxed_match_takes_best_score_first(tmp_path: Path) -> None:
    gold = [gold_doc(projects=[{"name": "城东快速路一期工程", "alt": [], "status": "planned"}])]
    # Both fit (7/9 and 8/9 characters); the closer one wins although it comes second.
    report = run(tmp_path, gold, projects=[p("城东快速路一期"), p("城东快速路一期工")])
    assert counts(report.relaxed) == (1, 2, 1)
    assert [x.name for x in report.docs[0].project_extras] == ["城东快速路一期"]


def test_strict_and_relaxed_in_one_document(tmp_path: Path) -> None:
    gold = [gold_doc(projects=[{"name": "城东快速路一期工程", "alt": [], "status": "planned"},
                               {"name": "城东快速路", "alt": [], "status": "completed"}])]
    # "城东快速路" is relaxed for the first gold entry too, but must go strictly to the second;
    # "城东快速路一期" then pairs with the first.
    report = run(tmp_path, gold, projects=[p("城东快速路", "completed"), p("城东快速路一期", "planned")])
    assert counts(report.strict) == (2, 2, 1)
    assert counts(report.relaxed) == (2, 2, 2)
    assert report.status_accuracy == (2, 2)


def test_status_accuracy_and_confusion(tmp_path: Path) -> None:
    gold = [gold_doc(projects=[{"name": "甲水库", "alt": [], "status": "completed"},
                               {"name": "乙大桥", "alt": [], "status": "in_progress"},
                               {"name": "丙公园", "alt": [], "status": "planned"}])]
    preds = [p("甲水库", "completed"), p("乙大桥", "delayed"), p("丁医院", "planned")]
    report = run(tmp_path, gold, projects=preds)
    assert report.status_accuracy == (1, 2)
    assert report.status_confusion == {("completed", "completed"): 1, ("in_progress", "delayed"): 1}
    assert [(g.name, x.status) for g, x in report.docs[0].status_mismatches] == [("乙大桥", "delayed")]
    assert [x.name for x in report.docs[0].project_misses] == ["丙公园"]


def test_missing_document_counts_as_misses(tmp_path: Path) -> None:
    gold = [gold_doc("a.txt", money=[{"text": "1元", "value": 1, "role": "other"}]),
            gold_doc("b.txt", money=[{"text": "2元", "value": 2, "role": "other"}],
                     projects=[{"name": "甲水库", "alt": [], "status": "planned"}])]
    report = run(tmp_path, gold, [q("money", "1元", 1, role="other")])
    assert counts(report.kinds["money"]) == (2, 1, 1)
    assert counts(report.relaxed) == (1, 0, 0)
    assert [d.missing for d in report.docs] == [False, True]
    assert report_to_dict(report)["documents"]["missing"] == ["b.txt"]


@pytest.mark.parametrize("path, found", [("a.txt", True), ("sub/a.txt", True), ("sub/b.txt", False)])
def test_gold_file_matched_by_path_or_basename(tmp_path: Path, path: str, found: bool) -> None:
    gold = [gold_doc("a.txt", percent=[{"text": "5%", "value": 5}])]
    report = run(tmp_path, gold, [q("percent", "5%", 5)], documents=[("d1", path)])
    assert counts(report.kinds["percent"]) == (1, 1 if found else 0, 1 if found else 0)


def test_predictions_of_other_documents_are_not_used(tmp_path: Path) -> None:
    gold = [gold_doc("a.txt", percent=[{"text": "5%", "value": 5}])]
    report = run(tmp_path, gold, [q("percent", "5%", 5, doc_id="d2")], documents=[("d1", "a.txt"), ("d2", "b.txt")])
    assert counts(report.kinds["percent"]) == (1, 0, 0)


def test_counts_metrics() -> None:
    c = Counts(gold=4, pred=2, tp=1)
    assert (c.precision, c.recall, c.f1) == (0.5, 0.25, pytest.approx(1 / 3))
    assert (Counts().precision, Counts().recall, Counts().f1) == (None, None, None)
    assert Counts(gold=3).f1 == 0.0


def test_format_and_dict(tmp_path: Path) -> None:
    gold = [gold_doc(money=[{"text": "1亿元", "value": 1e8, "role": "total_investment"},
                            {"text": "7亿元", "value": 7e8, "role": "other"}],
                     projects=[{"name": "乙大桥", "alt": [], "status": "in_progress"}])]
    report = run(tmp_path, gold, [q("money", "1亿元", 1e8, role="other"), q("money", "2亿元", 2e8)],
                 [p("乙大桥", "delayed")])
    text = format_report(report)
    assert "all quantities" in text and "7亿元" not in text
    full = format_report(report, errors=True)
    for needle in ("7亿元", "2亿元", "total_investment → other", "乙大桥  in_progress → delayed",
                   "status confusion", "money role confusion"):
        assert needle in full
    data = report_to_dict(report, errors=True)
    json.dumps(data)
    assert data["quantities"]["money"] == {"gold": 2, "pred": 2, "tp": 1, "precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert data["money_role"] == {"correct": 0, "pairs": 1, "accuracy": 0.0}
    assert data["errors"][0]["misses"][0]["text"] == "7亿元"
    assert "errors" not in report_to_dict(report)


def test_format_summarises_missing_documents(tmp_path: Path) -> None:
    gold = [gold_doc("b.txt", money=[{"text": "9亿元", "value": 9e8, "role": "other"}])]
    full = format_report(run(tmp_path, gold), errors=True)
    assert "b.txt  no predictions: 1 quantities and 0 projects missed" in full
    assert "9亿元" not in full


# --- several gold sets at once (`keyproj eval DEV TRAIN`) ----------------------------------------

def gold_folder(root: Path, name: str, docs: dict[str, tuple[str, dict]]) -> Path:
    """A gold folder: raw/<file> with the text, gold.jsonl with each file's gold object."""
    folder = root / name
    (folder / "raw").mkdir(parents=True)
    lines = []
    for file, (text, gold) in docs.items():
        (folder / "raw" / file).write_text(text, encoding="utf-8")
        lines.append(json.dumps(gold_doc(file, **gold), ensure_ascii=False))
    (folder / "gold.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture()
def two_sets(tmp_path: Path) -> tuple[Path, Path]:
    first = gold_folder(tmp_path, "first", {"a.txt": (
        "城东快速路工程总投资12亿元，已建成通车。",
        {"money": [{"text": "12亿元", "value": 1.2e9, "role": "total_investment"}],
         "projects": [{"name": "城东快速路工程", "status": "operational"}]})})
    second = gold_folder(tmp_path, "second", {"b.txt": (
        "北湖公园项目完成投资3亿元。",
        {"money": [{"text": "3亿元", "value": 3e8, "role": "planned_investment"}],
         "projects": [{"name": "北湖公园项目", "status": "in_progress"}]})})
    return first, second


def test_gold_folders_are_extracted_and_scored_each_and_together(two_sets: tuple[Path, Path]) -> None:
    first, second = (evaluate_folder(folder) for folder in two_sets)
    both = combine([first, second])
    #        set      money role    status
    rows = [(first, (1, 1), (1, 1)),
            (second, (0, 1), (1, 1)),
            (both, (1, 2), (2, 2))]
    for report, role, status in rows:
        assert report.role_accuracy == role
        assert report.status_accuracy == status
    assert len(both.docs) == 2 and counts(both.kinds["money"]) == (2, 2, 2)


def test_eval_command_takes_gold_folders(two_sets: tuple[Path, Path]) -> None:
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, ["eval", *map(str, two_sets)])
    assert result.exit_code == 0, result.output
    header, *body = result.output.splitlines()
    assert header.split() == ["first", "second", "all"]
    assert next(line for line in body if line.startswith("money role accuracy")).split()[-3:] == \
        ["1.000", "0.000", "0.500"]
    data = json.loads(CliRunner().invoke(app, ["eval", str(two_sets[0]), "--json"]).output)
    assert list(data) == ["first"] and data["first"]["money_role"]["accuracy"] == 1.0


@pytest.mark.parametrize("args", [
    [],                                    # nothing to score
    ["--gold", "g.jsonl"],                 # --gold without --pred
    ["first", "--gold", "g.jsonl"],        # both forms at once
    ["not-a-gold-folder"],                 # no gold.jsonl / raw/
])
def test_eval_usage_errors(two_sets: tuple[Path, Path], args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from pipeline.cli import app

    monkeypatch.chdir(two_sets[0].parent)
    result = CliRunner().invoke(app, ["eval", *args])
    assert result.exit_code == 2


def test_status_confidence_is_scored_where_predictions_give_it(tmp_path: Path) -> None:
    gold = [gold_doc(projects=[{"name": n, "status": "started"} for n in ("甲路", "乙桥", "丙馆")])]
    preds = [{**p("甲路", "started"), "status_confidence": 0.9},
             {**p("乙桥", "planned"), "status_confidence": 0.85},
             {**p("丙馆", "started"), "status_confidence": 0.3}]
    gold_path = tmp_path / "gold.jsonl"
    gold_path.write_text(json.dumps(gold[0], ensure_ascii=False) + "\n", encoding="utf-8")
    report = evaluate(load_gold(gold_path), predictions_from_rows([{"doc_id": "d1", "path": "a.txt"}], [], preds))
    assert report.confident_statuses() == (1, 2, 3)      # right, at or above 0.8, scored
    assert "status conf >= 0.8" in format_report(report)
