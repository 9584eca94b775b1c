"""Does confidence >= 0.8 keep its promise (at least 90 % of those rows right, at least 40 %
of rows there) where nothing was fitted? One table, for `projects` and `statuses`:

    python scripts/confidence_check.py [--gold ../shared/gold] [--styles tests/fixtures/styles]
                                       [--batches s u v w] [--cache FILE] [--wrong w] [--classes y]
    python scripts/confidence_check.py --lobo --batches s u v w aa [--cache FILE] [--statuses-only]

- (a) train, calibrated without the document's fold (what `train.py` prints: each fold's
  confidence from models fitted and calibrated on the other folds; statuses also as the
  mean of five fold assignments);
- (b) fitted and calibrated on dev only, measured on train;
- (c) fitted on dev + train alone, measured on each batch of the styles set
  (tests/fixtures/styles: invented reports; the rules were tuned on batches 1-6) and on all
  of them: how the confidence carries to styles the gold sets have few of. Since learn1 the
  shipped weights (`train.py all`) are fitted on the styles set too, so this fit is no
  longer the shipped one: it is the models without the styles set.
- (d) with `--lobo`, statuses: leave one batch out. Each batch of `--batches` in turn is
  left out of every fit; the ranker and the surety are fitted as `train.py all` fits them (dev
  + train + the other batches, the surety fitted and calibrated on train's grouped CV and on
  the other batches' decisions, each by a ranker without its batch) and measured on it: the
  promise per batch, the worst batch (the one furthest below 90 % right or 40 % of rows), the
  mean over batches and all batches pooled. Deterministic; about a minute a batch.
- (e) with `--lobo` (not with `--statuses-only`), projects the same way: each batch left out of
  the project model's fit (its weights, regularisation, calibration and keep threshold, as
  `train.py all` fits them), measured on the batch's kept candidates.

`--wrong w` lists the styles set's confident wrong status rows of the batches given (their
text is invented: it may be read) with how each was decided. `--classes y` counts the status
decisions of the batches given by what the surety reads (`status_model.sure_features`: how the
winning cue was linked, agree, competing, the caps), each class with its rows, how many are
right and its confidence, beside the same class's rows and right ones on train out of fold
(counts only): which rows sit below 0.8, and whether train's held-out rate says they should. `--cache FILE` keeps the
extracted samples (a pickle) so that a second run only fits; delete it after a code change.
Only the batches named by `--batches` are read: each a batch's file-name letters (`r`, `aa`;
`train.styles_batch_of`), separated by spaces or commas. Before stop 43 every batch was one
letter and the option took them run together (`--batches rt`); such a run is now an unknown
batch, a usage error.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))   # train.py, a script beside this one

import train  # noqa: E402  (scripts/train.py: its samples, folds and fits)

from pipeline.extract import Pipeline
from pipeline.outputs.evaluate import GoldDoc, load_gold


def styles_documents(folder: Path, batches: Sequence[str]) -> list[tuple[str, GoldDoc, Path]]:
    """(styles<batch>/file, gold, raw path) of the styles documents of `batches`, sorted; other
    lines of the gold are left alone."""
    out = []
    for gold in sorted(load_gold(folder / "gold.jsonl"), key=lambda g: g.file):
        if (batch := train.styles_batch_of(gold.file)) in batches:
            out.append((f"styles{batch}/{gold.file}", gold, folder / "raw" / gold.file))
    return out


def known_batches(folder: Path) -> set[str]:
    """The batches of the styles gold in `folder`."""
    return {train.styles_batch_of(g.file) for g in load_gold(folder / "gold.jsonl")}


def parse_batches(values: Sequence[str], known: set[str]) -> list[str]:
    """The batches named by `--batches` values (names separated by spaces or commas), each
    checked against `known` (`known_batches`): ValueError naming the unknown and the known
    ones."""
    names = [name for value in values for name in value.replace(",", " ").split()]
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(f"unknown styles batch {', '.join(unknown)} (known: {' '.join(sorted(known))}; "
                         "separate batches with spaces: --batches r t)")
    return names


@dataclass
class Collected:
    """The samples of each model: dev + train (`gold`) and the styles documents (`styles`)."""

    projects: Any
    styles_projects: Any
    statuses: Any
    styles_statuses: Any


def collect(gold_root: Path, styles: Path, batches: Sequence[str]) -> Collected:
    gold = train.gold_documents(gold_root, ("dev", "train"))
    side = styles_documents(styles, batches)
    bare = Pipeline(weigh_projects=False, rank_statuses=False)
    ranked = Pipeline(rank_statuses=False)          # the shipped project model keeps the projects
    return Collected(train.collect_projects(gold, bare), train.collect_projects(side, bare),
                     train.collect_statuses(gold, ranked), train.collect_statuses(side, ranked))


#: issue 13's promise: at least this share of rows reaches confidence >= CONFIDENT (and of
#: those, train.CONFIDENT_RIGHT are right)
PROMISED_SHARE = 0.4


def promise(confidence: np.ndarray, right: np.ndarray) -> str:
    """`right share @ row share (rows)` at confidence >= CONFIDENT, marked when it fails."""
    sure = confidence >= train.CONFIDENT
    if not len(right):
        return "-"
    share = float(sure.mean())
    acc = float(right[sure].mean()) if sure.any() else float("nan")
    ok = acc >= train.CONFIDENT_RIGHT and share >= PROMISED_SHARE
    return f"{acc:.3f} @ {share:5.1%} ({int(sure.sum())}/{len(right)}){'' if ok else ' !'}"


def _batch_names(docs: Sequence[str]) -> list[str]:
    return sorted({d.split("/")[0] for d in docs})


def project_rows(c: Collected) -> list[tuple[str, str]]:
    s = c.projects
    untuned = ("train/",)
    rows = []
    prob, right = train.projects_cross_confidence(s, untuned)
    rows.append(("(a) train, without the document's fold", promise(prob, right)))
    first, _ = s.subset(lambda d: d.startswith("dev/"))
    rest, _ = s.subset(lambda d: d.startswith("train/"))
    held, _ = train.project_model(first, "dev")
    p = train._project_probability(held, rest.x)
    kept = p >= held.threshold
    rows.append(("(b) fitted on dev -> train", promise(p[kept], np.asarray(rest.y)[kept])))
    model, _ = train.project_model(s, "dev+train", lambda d: d.startswith(untuned))
    st = c.styles_projects
    p = train._project_probability(model, st.x)
    y = np.asarray(st.y)
    docs = np.array([d.split("/")[0] for d in st.doc])
    kept = p >= model.threshold
    for name in _batch_names(st.doc):
        part = kept & (docs == name)
        rows.append((f"(c) dev+train -> styles {name.removeprefix('styles')}", promise(p[part], y[part])))
    rows.append(("(c) dev+train -> styles, all", promise(p[kept], y[kept])))
    return rows


def _surety_class(d: Any, i: int) -> str:
    return " ".join(n for n, _ in d.sure_x[i]) + (" (unknown)" if d.unknown[i] else "")


def surety_classes(held: Any, styles: Any, conf: np.ndarray, batches: Sequence[str]) -> list[tuple[str, str]]:
    """The status decisions (`train.Decisions`) of the styles `batches` by surety class
    (`_surety_class`), the largest first: rows, right, confidence; and how many of `held`'s
    train decisions (out of fold: the ranker's grouped CV) the class has and how many are
    right (counts only, no text)."""
    on_train: dict[str, list[int]] = {}
    for i, doc in enumerate(held.doc):
        if doc.startswith("train/"):
            tally = on_train.setdefault(_surety_class(held, i), [0, 0])
            tally[0] += 1
            tally[1] += int(held.right[i])
    tallies: dict[str, list[float]] = {}
    for i, doc in enumerate(styles.doc):
        if train.styles_batch(doc) in batches:
            tally = tallies.setdefault(_surety_class(styles, i), [0, 0, float(conf[i])])
            tally[0] += 1
            tally[1] += int(styles.right[i])
    rows = []
    for name, (n, right, confidence) in sorted(tallies.items(), key=lambda kv: (-kv[1][0], kv[0])):
        seen = on_train.get(name, [0, 0])
        rows.append((f"  class of {' '.join(batches)}: {name}",
                     f"{int(right)}/{int(n)} right, confidence {confidence:.3f}; train {seen[1]}/{seen[0]}"))
    return rows


def status_rows(c: Collected, wrong: Sequence[str] = (), classes: Sequence[str] = ()) -> list[tuple[str, str]]:
    s = c.statuses
    untuned = ("train/",)
    rows = []
    scores = train.out_of_fold(s, ranker=True)
    right, confidence, _ = train._cross_confidence(s, scores, untuned)
    rows.append(("(a) train, without the document's fold", promise(np.concatenate(confidence), np.concatenate(right))))
    _, mean = train.repeated_status_accuracy(s, untuned)
    rows.append(("(a) the same, mean of 5 fold assignments", mean.removeprefix(f"conf >= {train.CONFIDENT}: ")))
    first, _ = s.subset(lambda d: d.startswith("dev/"))
    rest, _ = s.subset(lambda d: d.startswith("train/"))
    _, _, alone_surety = train.status_model(first)
    ranker = train.fit_ranker(first.x, first.y, first.decision)
    d = train.Decisions.of(rest, ranker.scores(rest.x))
    rows.append(("(b) fitted on dev -> train", promise(alone_surety.confidence(d), d.right)))
    model, _, surety = train.status_model(s, lambda doc: doc.startswith(untuned))
    st = c.styles_statuses
    d = train.Decisions.of(st, train.Logistic(model.coef, 0.0).scores(st.x))
    conf = surety.confidence(d)
    docs = np.array([x.split("/")[0] for x in d.doc])
    for name in _batch_names(d.doc):
        part = docs == name
        rows.append((f"(c) dev+train -> styles {name.removeprefix('styles')}", promise(conf[part], d.right[part])))
    rows.append(("(c) dev+train -> styles, all", promise(conf, d.right)))
    if classes:
        rows.extend(surety_classes(train.Decisions.of(s, scores), d, conf, classes))
    if wrong:
        for i in np.flatnonzero((conf >= train.CONFIDENT) & ~d.right.astype(bool)):
            if train.styles_batch(d.doc[i]) in wrong:
                rows.append((f"  confident wrong: {d.doc[i]}",
                             f"{conf[i]:.3f} {' '.join(n for n, _ in d.sure_x[i])}"))
    return rows


def _batches_in(st: train.Samples, batches: Sequence[str]) -> list[str]:
    """The batches of `batches` that hold documents of the styles set."""
    held = {train.styles_batch(d) for d in st.doc}
    return [b for b in batches if b in held]


def _left_out(st: train.Samples, b: str, batches: Sequence[str]) -> tuple[train.Samples, train.Samples]:
    """The styles samples of batch `b`, and those of the other batches of `batches`."""
    left, _ = st.subset(lambda d: train.styles_batch(d) == b)
    rest, _ = st.subset(lambda d: (batch := train.styles_batch(d)) != b and batch in batches)
    return left, rest


def lobo_rows(c: Collected, batches: Sequence[str],
              weight: float = train.STATUS_STYLES_WEIGHT) -> list[tuple[str, str]]:
    """The status promise on each styles batch left out in turn (leave-one-batch-out): the
    ranker and the surety fitted as `train.py all` fits them (dev + train, the other styles
    batches of `batches` in every fit weighing `weight`, calibrated on train's grouped CV and
    on the other batches' out-of-batch decisions, `train.out_of_batch`: their rankers saw the
    batch left out, its labels never reach the surety), measured on the batch left out, which
    no part of that fit saw; then the worst batch's
    right share and share of rows (worst: the furthest below 90 % right or 40 % of rows), the
    mean over batches and all batches' rows pooled. Train's figure with every batch in the
    fit is `train.py all`'s promise line (calibrated without the document's fold)."""
    gold, st = c.statuses, c.styles_statuses
    names = _batches_in(st, batches)
    rows: list[tuple[str, str]] = []
    rights, shares, confs, trues = [], [], [], []
    every, _ = st.subset(lambda d: train.styles_batch(d) in batches)
    outside = train.out_of_batch(replace(gold, extra=every, extra_weight=weight))
    for b in names:
        left, rest = _left_out(st, b, batches)
        s = replace(gold, extra=rest, extra_weight=weight)
        model, _, surety = train.status_model(s, lambda d: d.startswith("train/"), train.without_batch(outside, b))
        d = train.Decisions.of(left, train.Logistic(model.coef, 0.0).scores(left.x))
        conf = surety.confidence(d)
        sure = conf >= train.CONFIDENT
        rights.append(float(d.right[sure].mean()) if sure.any() else float("nan"))
        shares.append(float(sure.mean()))
        confs.append(conf)
        trues.append(d.right)
        rows.append((f"(d) batch {b} left out, ranker {d.right.mean():.3f}", promise(conf, d.right)))
    rows.extend(_lobo_summary(names, rights, shares, confs, trues, "(d)"))
    return rows


def project_lobo_rows(c: Collected, batches: Sequence[str],
                      weight: float = train.STYLES_WEIGHT) -> list[tuple[str, str]]:
    """The project promise on each styles batch left out in turn: the project model fitted as
    `train.py all` fits it (dev + train, the other styles batches of `batches` in every fit
    weighing `weight`; calibrated and thresholded on train's grouped CV), measured on the kept
    candidates of the batch left out (right: a gold project); then the worst batch, the mean
    over batches and all batches' rows pooled, as `lobo_rows`."""
    gold, st = c.projects, c.styles_projects
    names = _batches_in(st, batches)
    rows: list[tuple[str, str]] = []
    rights, shares, confs, trues = [], [], [], []
    for b in names:
        left, rest = _left_out(st, b, batches)
        model, _ = train.project_model(replace(gold, extra=rest, extra_weight=weight), f"without {b}",
                                       lambda d: d.startswith("train/"))
        p = train._project_probability(model, left.x)
        kept = p >= model.threshold
        conf, right = p[kept], np.asarray(left.y)[kept]
        sure = conf >= train.CONFIDENT
        rights.append(float(right[sure].mean()) if sure.any() else float("nan"))
        shares.append(float(sure.mean()) if len(sure) else 0.0)
        confs.append(conf)
        trues.append(right)
        rows.append((f"(e) batch {b} left out, threshold {model.threshold:g}", promise(conf, right)))
    rows.extend(_lobo_summary(names, rights, shares, confs, trues, "(e)"))
    return rows


def _lobo_summary(names: list[str], rights: list[float], shares: list[float], confs: list[np.ndarray],
                  trues: list[np.ndarray], tag: str) -> list[tuple[str, str]]:
    """The worst batch (the furthest below 90 % right or 40 % of rows), the mean over batches
    and all batches' rows pooled."""
    if not names:
        return []
    worst = min(range(len(names)), key=lambda i: min(np.nan_to_num(rights[i]) / train.CONFIDENT_RIGHT,
                                                     shares[i] / PROMISED_SHARE))
    return [(f"{tag} worst batch (right/0.9 or share/0.4)",
             f"{names[worst]}: {rights[worst]:.3f} @ {shares[worst]:5.1%}"),
            (f"{tag} mean over batches", f"{np.nanmean(rights):.3f} @ {np.mean(shares):5.1%}; lowest right "
             f"{np.nanmin(rights):.3f}, lowest share {min(shares):5.1%}"),
            (f"{tag} all batches pooled", promise(np.concatenate(confs), np.concatenate(trues)))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold")
    parser.add_argument("--styles", type=Path, default=ROOT / "tests" / "fixtures" / "styles")
    parser.add_argument("--batches", nargs="+", default=["s", "u", "v", "w"],
                        help="the styles batches to read (file-name letters: r t aa)")
    parser.add_argument("--cache", type=Path, help="a pickle of the extracted samples (made when absent)")
    parser.add_argument("--wrong", nargs="*", default=[], help="list the confident wrong status rows of these batches")
    parser.add_argument("--classes", nargs="*", default=[],
                        help="count the status decisions of these batches by surety class")
    parser.add_argument("--lobo", action="store_true",
                        help="each batch of --batches left out of the fit in turn (statuses, then projects)")
    parser.add_argument("--statuses-only", action="store_true", help="with --lobo: the statuses' table only")
    args = parser.parse_args(argv)
    known = known_batches(args.styles)     # (the gold read once for the three options)
    try:
        args.batches = parse_batches(args.batches, known)
        args.wrong = parse_batches(args.wrong, known)
        args.classes = parse_batches(args.classes, known)
    except ValueError as error:
        parser.error(str(error))        # one line, exit 2
    if args.cache and args.cache.is_file():
        collected = pickle.loads(args.cache.read_bytes())
    else:
        collected = collect(args.gold, args.styles, args.batches)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(collected))
    width = 44
    if args.lobo:
        print(f"{'confidence >= 0.8: right @ share of rows':<{width}}  statuses, leave one batch out")
        for label, figure in lobo_rows(collected, args.batches):
            print(f"{label:<{width}}  {figure}")
        if not args.statuses_only:
            print(f"{'':<{width}}  projects, leave one batch out")
            for label, figure in project_lobo_rows(collected, args.batches):
                print(f"{label:<{width}}  {figure}")
        print("(! : fails the promise, >= 90 % right at >= 40 % of rows)")
        return 0
    print(f"{'confidence >= 0.8: right @ share of rows':<{width}}  projects")
    for label, figure in project_rows(collected):
        print(f"{label:<{width}}  {figure}")
    print(f"{'':<{width}}  statuses")
    for label, figure in status_rows(collected, args.wrong, args.classes):
        print(f"{label:<{width}}  {figure}")
    print("(! : fails the promise, >= 90 % right at >= 40 % of rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
