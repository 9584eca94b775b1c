"""Train the status-confidence model (pipeline/stages/status_model.py) from gold folders.

    python scripts/train_status_model.py                       # ../shared/gold/{dev,train}
    python scripts/train_status_model.py GOLD_DIR ... --out pipeline/data/status_model.json

Each gold folder holds gold.jsonl and raw/. Every predicted project that the scorer matches
to a gold project is one sample: the features of the cue that decided its status (or of
"no cue"), labelled right when the status equals the gold's. Prints a document-grouped
5-fold cross-validation over all folders, and (with two or more folders) the figure of a
fit on the first folder measured on the others; then fits on all and writes the weights.
Deterministic: fixed folds, lbfgs, weights rounded to 6 decimals. Needs scikit-learn
(`pip install -e .[train]`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract import Pipeline
from pipeline.io.read import read_document
from pipeline.outputs.evaluate import Project as EvalProject
from pipeline.outputs.evaluate import _match_projects, load_gold
from pipeline.stages.status_model import (
    MODEL_PATH,
    Features,
    fallback_features,
    model_from_dict,
)

CONFIDENT = 0.8
FOLDS = 5
C = 1.0


def samples(folder: Path, pipeline: Pipeline) -> tuple[list[Features], list[int], list[str]]:
    """(features, right, document) of every matched project of a gold folder."""
    xs, ys, docs = [], [], []
    for gold in load_gold(folder / "gold.jsonl"):
        path = folder / "raw" / gold.file
        if not path.is_file():
            continue
        source = read_document(path, gold.file)
        if source.status != "ok":
            continue
        ex = pipeline(source.doc_id, source.text)
        predicted = [EvalProject(p.name, p.status.value) for p in ex.projects]
        index = {id(p): i for i, p in enumerate(predicted)}
        _, pairs, _, _ = _match_projects(gold.projects, tuple(predicted))
        for g, p in pairs:
            project = ex.projects[index[id(p)]]
            xs.append(_features(project, ex.statuses))
            ys.append(int(g.status == p.status))
            docs.append(f"{folder.name}/{gold.file}")
    return xs, ys, docs


def _features(project, statuses) -> Features:  # type: ignore[no-untyped-def]
    for row in statuses:
        if row.project_key == project.key and (row.start, row.end) == (project.status_start, project.status_end):
            return row.features
    return fallback_features(project.status)


def fit(xs: list[Features], ys: list[int], weights: list[float] | None = None) -> dict:
    """Logistic regression on the samples; the weights as the JSON the package loads."""
    from sklearn.linear_model import LogisticRegression

    names = sorted({name for x in xs for name, _ in x})
    column = {name: i for i, name in enumerate(names)}
    matrix = [[0.0] * len(names) for _ in xs]
    for row, x in zip(matrix, xs, strict=True):
        for name, value in x:
            row[column[name]] = value
    model = LogisticRegression(C=C, solver="lbfgs", max_iter=5000)
    model.fit(matrix, ys, sample_weight=weights)
    return {"coef": {name: round(float(w), 6) for name, w in zip(names, model.coef_[0], strict=True)},
            "intercept": round(float(model.intercept_[0]), 6), "C": C}


def _score(weights: dict, x: Features) -> float:
    return model_from_dict(weights).score(x)


def figures(probs: list[float], ys: list[int]) -> str:
    above = [y for p, y in zip(probs, ys, strict=True) if p >= CONFIDENT]
    brier = sum((p - y) ** 2 for p, y in zip(probs, ys, strict=True)) / len(ys)
    right = sum(above) / len(above) if above else float("nan")
    return (f"{len(ys)} pairs, status right {sum(ys) / len(ys):.3f}; conf >= {CONFIDENT}: "
            f"{len(above) / len(ys):.0%} of pairs, {right:.3f} right; Brier {brier:.3f}")


def cross_validate(xs: list[Features], ys: list[int], docs: list[str]) -> list[float]:
    """Out-of-fold probabilities, folds by document (sorted, dealt round-robin)."""
    names = sorted(set(docs))
    fold_of = {name: i % FOLDS for i, name in enumerate(names)}
    probs = [0.0] * len(ys)
    for fold in range(FOLDS):
        train = [i for i, d in enumerate(docs) if fold_of[d] != fold]
        weights = fit([xs[i] for i in train], [ys[i] for i in train])
        for i, d in enumerate(docs):
            if fold_of[d] == fold:
                probs[i] = _score(weights, xs[i])
    return probs


def train_statuses(folders: list[Path], out: Path | None = MODEL_PATH, report=print) -> dict:  # type: ignore[no-untyped-def]
    """Train on the gold folders, report the held-out figures, write and return the weights."""
    pipeline = Pipeline()
    per_folder = [samples(f, pipeline) for f in folders]
    xs = [x for s in per_folder for x in s[0]]
    ys = [y for s in per_folder for y in s[1]]
    docs = [d for s in per_folder for d in s[2]]
    held_out = cross_validate(xs, ys, docs)
    report(f"cross-validated ({FOLDS} folds by document, {' + '.join(f.name for f in folders)}): "
           + figures(held_out, ys))
    for folder in folders if len(folders) > 1 else []:
        mine = [i for i, d in enumerate(docs) if d.startswith(f"{folder.name}/")]
        report(f"  of which {folder.name}: " + figures([held_out[i] for i in mine], [ys[i] for i in mine]))
    if len(folders) > 1:
        first = fit(per_folder[0][0], per_folder[0][1])
        for folder, (fx, fy, _) in zip(folders[1:], per_folder[1:], strict=True):
            report(f"trained on {folders[0].name}, measured on {folder.name}: "
                   + figures([_score(first, x) for x in fx], fy))
    weights = fit(xs, ys)
    weights["trained_on"] = [f.name for f in folders]
    if out is not None:
        out.write_text(json.dumps(weights, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        report(f"weights: {out}")
    return weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path,
                        default=[ROOT.parent / "shared" / "gold" / "dev", ROOT.parent / "shared" / "gold" / "train"])
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    bad = [str(f) for f in args.folders if not (f / "gold.jsonl").is_file()]
    if bad:
        print(f"error: not a gold folder (gold.jsonl and raw/): {', '.join(bad)}", file=sys.stderr)
        raise SystemExit(2)
    train_statuses(args.folders, args.out)


if __name__ == "__main__":
    main()
