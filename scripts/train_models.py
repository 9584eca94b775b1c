"""Train the models that weigh the rules' candidates, from the gold sets.

    python scripts/train_models.py [--gold ../shared/gold] [--out pipeline/data]

Deterministic: documents are read in sorted order, folds are grouped by document
(GroupKFold, no shuffling), the solver is lbfgs, and weights are rounded before they are
written. It prints the honest figures: document-grouped K-fold cross-validation over all
gold sets, and a model trained on dev only measured on train (nothing of train seen).

`train_projects` trains pipeline/data/project_model.json (pipeline/stages/project_model.py).
Needs the `train` extra (scikit-learn); the pipeline itself never imports it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract import Pipeline
from pipeline.io.read import read_document
from pipeline.outputs.evaluate import GoldDoc, _match_projects, load_gold
from pipeline.outputs.evaluate import Project as EvalProject
from pipeline.stages.project_model import FEATURES, ProjectModel, project_features

FOLDS = 5
C = 1.0                 # inverse regularisation of the logistic regression
F1_SLACK = 0.005        # see best_threshold
CONFIDENT = 0.8         # the confidence analysts filter on


@dataclass
class Candidates:
    """One gold set's project candidates: features, labels (relaxed match to a gold
    project, one to one as `keyproj eval` matches) and the document of each."""

    x: np.ndarray
    y: np.ndarray
    doc: list[str]
    gold_total: dict[str, int]      # gold projects per document (the recall denominator)


def collect(gold_dir: Path, pipeline: Pipeline) -> Candidates:
    """Run the rules (no model) over a gold set's raw texts and label every candidate."""
    golds: list[GoldDoc] = sorted(load_gold(gold_dir / "gold.jsonl"), key=lambda g: g.file)
    rows: list[list[float]] = []
    labels: list[int] = []
    docs: list[str] = []
    gold_total: dict[str, int] = {}
    for gold in golds:
        doc_name = f"{gold_dir.name}/{gold.file}"
        gold_total[doc_name] = len(gold.projects)
        source = read_document(gold_dir / "raw" / gold.file, gold.file)
        if source.status != "ok":
            continue
        ex = pipeline(source.doc_id, source.text)
        preds = tuple(EvalProject(p.name, p.status.value) for p in ex.projects)
        _, pairs, _, _ = _match_projects(gold.projects, preds)
        right = {id(p) for _, p in pairs}
        for pred, features in zip(preds, project_features(ex, pipeline.projects.judge, pipeline.rules), strict=True):
            rows.append([features[name] for name in FEATURES])
            labels.append(int(id(pred) in right))
            docs.append(doc_name)
    return Candidates(np.array(rows, dtype=float).reshape(-1, len(FEATURES)), np.array(labels), docs, gold_total)


def _join(parts: Sequence[Candidates]) -> Candidates:
    return Candidates(np.vstack([p.x for p in parts]), np.concatenate([p.y for p in parts]),
                      [d for p in parts for d in p.doc], {k: v for p in parts for k, v in p.gold_total.items()})


def _fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=C, max_iter=5000, solver="lbfgs")
    lr.fit(x, y)
    return lr.coef_[0], float(lr.intercept_[0])


def _out_of_fold(c: Candidates) -> np.ndarray:
    """Raw scores of each candidate from a model that never saw its document."""
    from sklearn.model_selection import GroupKFold

    scores = np.zeros(len(c.y))
    groups = np.array(c.doc)
    for fit_idx, test_idx in GroupKFold(n_splits=FOLDS).split(c.x, c.y, groups):
        w, b = _fit(c.x[fit_idx], c.y[fit_idx])
        scores[test_idx] = c.x[test_idx] @ w + b
    return scores


def _platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Calibration p = sigmoid(scale * score + shift), fitted on held-out scores."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1e6, max_iter=5000, solver="lbfgs")
    lr.fit(scores.reshape(-1, 1), y)
    return float(lr.coef_[0][0]), float(lr.intercept_[0])


def _prob(scores: np.ndarray, scale: float, shift: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(scale * scores + shift)))


def figures(c: Candidates, prob: np.ndarray, threshold: float) -> dict[str, float]:
    """Relaxed P/R/F1 of the candidates kept at `threshold`, and what confidence ≥ 0.8 means."""
    kept = prob >= threshold
    tp, pred, gold = int(c.y[kept].sum()), int(kept.sum()), sum(c.gold_total.values())
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    sure = prob >= CONFIDENT
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 3),
            "kept": pred, "gold": gold,
            "precision_at_0.8": round(float(c.y[sure].mean()) if sure.any() else 0.0, 3),
            "share_at_0.8": round(float(sure[kept].mean()) if kept.any() else 0.0, 3)}


def best_threshold(c: Candidates, prob: np.ndarray) -> float:
    """The lowest keep threshold whose relaxed F1 is within `F1_SLACK` of the best: the
    curve is flat near its top, and a lower threshold drops fewer projects of a kind of
    report the gold does not have."""
    grid = [float(t) for t in np.round(np.arange(0.0, 0.81, 0.02), 2)]
    f1 = [figures(c, prob, t)["f1"] for t in grid]
    best = max(f1)
    return next(t for t, f in zip(grid, f1, strict=True) if f >= best - F1_SLACK)


def _subset(c: Candidates, prefix: str) -> tuple[Candidates, np.ndarray]:
    """The candidates of the documents of one gold set, and their indices in `c`."""
    idx = np.array([i for i, d in enumerate(c.doc) if d.startswith(prefix + "/")], dtype=int)
    return Candidates(c.x[idx], c.y[idx], [c.doc[i] for i in idx],
                      {d: n for d, n in c.gold_total.items() if d.startswith(prefix + "/")}), idx


def train_model(c: Candidates, version: str) -> tuple[ProjectModel, np.ndarray]:
    """Weights fitted on all of `c`; calibration and threshold from its grouped CV. Also
    returns the calibrated out-of-fold probabilities (each from a model that never saw
    its document)."""
    oof = _out_of_fold(c)
    scale, shift = _platt(oof, c.y)
    prob = _prob(oof, scale, shift)
    threshold = best_threshold(c, prob)
    w, b = _fit(c.x, c.y)
    model = ProjectModel(tuple(round(float(v), 6) for v in w), round(b, 6), round(scale, 6), round(shift, 6),
                         threshold, version)
    return model, prob


def train_projects(gold_root: Path, out: Path, sets: Sequence[str] = ("dev", "train"),
                   report: bool = True) -> ProjectModel:
    """Train the project model on the gold sets under `gold_root`, write it to `out`, and
    print cross-validated and dev→train figures."""
    pipeline = Pipeline(weigh_projects=False)
    parts = {name: collect(gold_root / name, pipeline) for name in sets if (gold_root / name).is_dir()}
    if not parts:
        raise SystemExit(f"no gold sets under {gold_root}")
    every = _join(list(parts.values()))
    model, prob = train_model(every, "+".join(parts))
    if report:
        print(f"projects: {len(every.y)} candidates, {int(every.y.sum())} right, "
              f"{len(every.gold_total)} documents")
        print(f"  rules alone (all candidates kept): {figures(every, np.ones(len(every.y)), 0.0)}")
        print(f"  {FOLDS}-fold CV grouped by document over {'+'.join(parts)}: "
              f"{figures(every, prob, model.threshold)} (threshold {model.threshold})")
        for name in parts:
            sub, idx = _subset(every, name)
            print(f"    of which {name}: {figures(sub, prob[idx], model.threshold)}")
        if "dev" in parts and "train" in parts:
            dev_model, _ = train_model(parts["dev"], "dev")
            t = parts["train"]
            prob = np.array([dev_model.probability(dict(zip(FEATURES, row, strict=True))) for row in t.x])
            print(f"  trained on dev, measured on train: rules alone "
                  f"{figures(t, np.ones(len(t.y)), 0.0)}; with the model "
                  f"{figures(t, prob, dev_model.threshold)} (threshold {dev_model.threshold})")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(model.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return model


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold",
                        help="folder with the gold sets (dev/, train/, each gold.jsonl + raw/)")
    parser.add_argument("--out", type=Path, default=ROOT / "pipeline" / "data",
                        help="where the weights go")
    args = parser.parse_args(argv)
    train_projects(args.gold, args.out / "project_model.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
