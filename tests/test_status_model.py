"""The status-confidence model: shipped weights, deterministic training, confidence columns."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from pipeline.extract import Pipeline
from pipeline.stages.status_model import MODEL_PATH, load_status_model, model_from_dict

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_weights_load_and_score_without_gold() -> None:
    model = load_status_model()
    assert model.coef and all(isinstance(w, float) for w in model.coef.values())
    assert model_from_dict(json.loads(MODEL_PATH.read_text(encoding="utf-8"))) == model


# text -> (project, status, whether its confidence is at least 0.8)
CONFIDENCE_CASES = [
    ("城东快速路工程已竣工。", "城东快速路工程", "completed", True),     # the cue in its own clause
    ("城东快速路工程总投资3亿元。", "城东快速路工程", "unknown", False),   # no cue: unknown is a guess
]


@pytest.mark.parametrize("text, name, status, confident", CONFIDENCE_CASES, ids=[c[0] for c in CONFIDENCE_CASES])
def test_status_confidence(pipeline: Pipeline, text: str, name: str, status: str, confident: bool) -> None:
    from pipeline.stages.status_model import project_confidence

    ex = pipeline("t", text)
    project = next(p for p in ex.projects if p.name == name)
    rows = [s for s in ex.statuses if s.project_key == project.key]
    confidence = project_confidence(project.status, project.status_start, project.status_end, rows)
    assert project.status.value == status
    assert 0.0 <= confidence <= 1.0 and (confidence >= 0.8) == confident
    assert all(0.0 <= s.confidence <= 1.0 for s in ex.statuses if s.confidence is not None)


def _gold_folder(root: Path) -> Path:
    """A small invented gold folder: a few documents, gold statuses right and wrong."""
    texts = {
        "a.txt": ("城东快速路工程已竣工。北湖公园项目总投资3亿元。",
                  [("城东快速路工程", "completed"), ("北湖公园项目", "planned")]),
        "b.txt": ("南山隧道工程正在施工，西湖大桥工程已开工。",
                  [("南山隧道工程", "in_progress"), ("西湖大桥工程", "completed")]),
        "c.txt": ("续建项目2个，包括东港码头工程、北站广场项目。",
                  [("东港码头工程", "in_progress"), ("北站广场项目", "started")]),
        "d.txt": ("滨河绿道工程即将投入使用。",
                  [("滨河绿道工程", "in_progress")]),
        "e.txt": ("云岭水库工程进展缓慢。",
                  [("云岭水库工程", "delayed")]),
    }
    (root / "raw").mkdir(parents=True)
    lines = []
    for file, (text, projects) in texts.items():
        (root / "raw" / file).write_text(text, encoding="utf-8")
        lines.append(json.dumps({"file": file, "projects": [{"name": n, "status": s} for n, s in projects]},
                                ensure_ascii=False))
    (root / "gold.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_training_twice_gives_identical_weights(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    sys.path.insert(0, str(ROOT / "scripts"))
    from train_status_model import train_statuses

    folder = _gold_folder(tmp_path / "gold")
    first = train_statuses([folder], tmp_path / "one.json", report=lambda _: None)
    second = train_statuses([folder], tmp_path / "two.json", report=lambda _: None)
    assert first == second
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()
    assert set(first) >= {"coef", "intercept"} and first["coef"]
