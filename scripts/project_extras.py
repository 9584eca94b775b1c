"""Candidates the project model keeps that are not projects, counted by structure (issue 13):
where the model's precision goes on text it was not fitted on.

    python scripts/project_extras.py [--gold ../shared/gold] [--sets dev train] [--show dev] [--dropped]

The candidates are collected and weighed as `scripts/train.py projects` does: every
document extracted with the model off, each candidate labelled against the gold (relaxed,
as `keyproj eval` matches), the model's regularisation, calibration and keep threshold
chosen by its grouped 5-fold CV. A candidate is scored by the model of the fold that did
not see its document; one kept (probability ≥ the threshold) and not matched to a gold
project is an extra, counted under every class it falls in:

- beside a gold project: a second name of a matched gold project (its short or full form,
  an extra row where the guideline wants `alt`); overlapping a gold project's occurrence in
  the text (a boundary error: the gold project missed as well, or found by another candidate;
  the candidate cut short inside it, running on around it, or crossing its edge; and which
  edge is wrong by what kind of text, as `candidate_misses.edge_kinds` says);
- the phrase's own shape: nothing distinguishing (no place, proper name, part mark, capacity);
  a programme, policy or sector phrase (a policy verb or scope word opening it, a system or
  field as its head, a verb or adjective before its ending, a year or a slogan in it); an
  organisation; a class or count word inside it;
- its surroundings: a count or class word right after it (等12个, 三大, 类), closing a list
  (等 before it), a list item, a heading or a line of its own, people, events or venues in its
  sentence, page navigation, a plan around it, a work verb before it (推进…), 工作/任务 after it;
- the document: named more than once, inside a longer candidate, containing another.

The other side, with `--dropped`: the right candidates the model drops (probability below
the threshold), by the same classes of shape and surroundings, beside how many dropped wrong
ones fall in each: a class where many right ones are dropped is a feature that pulls too hard.
Counts only, per set; `--show SET` lists that set's extras (and with `--dropped` its dropped
right candidates) with their classes and probability (use it for dev, the set the rules are
tuned on, never to copy a train extra's words). Last, the features that carry the most weight among the confident extras
(probability ≥ 0.8): each feature's mean contribution to the score (weight of the fold's
model × value) over them, against its mean over the confident right ones.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import regex

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from candidate_misses import _BETWEEN, edge_kinds, simplified  # noqa: E402
from train import (  # noqa: E402
    FOLDS,
    Samples,
    fit,
    fold_of,
    gold_documents,
    matched_documents,
    project_model,
)

from pipeline.extract import Pipeline  # noqa: E402
from pipeline.outputs.evaluate import (  # noqa: E402
    GoldDoc,  # noqa: E402
    _relaxed_score,
    normalize_name,
)
from pipeline.rules.configs import PROJECT_ANAPHORA_RULE  # noqa: E402
from pipeline.stages.project_model import FEATURES  # noqa: E402

CONFIDENT = 0.8


@dataclass(frozen=True)
class Candidate:
    """One project candidate of the rules, where it stands, and what the gold says of it."""

    doc: str
    name: str
    spans: tuple[tuple[int, int], ...]
    features: dict[str, float]
    right: bool
    second_name: bool             # matches (relaxed) a gold project another candidate matched
    gold_overlap: str | None      # "missed, cut short" …: a gold project its text overlaps (`boundary`)
    edges: tuple[str, ...] = ()   # of a boundary extra: which edge is wrong, by what text (`edge_kinds`)


def gold_spans(text: str, names: Sequence[str]) -> list[tuple[int, int]]:
    """Every span of `text` that reads as one of `names` (either script; line breaks,
    spaces and punctuation allowed between characters)."""
    folded = simplified(text)
    out: list[tuple[int, int]] = []
    for name in names:
        chars = [c for c in simplified(name) if not (c.isspace() or regex.match(r"\p{P}", c))]
        if len(chars) >= 2:
            pattern = _BETWEEN.join(regex.escape(c) for c in chars)
            out.extend(m.span() for m in regex.finditer(pattern, folded))
    return out


def collect(docs: Sequence[tuple[str, GoldDoc, Path]], pipeline: Pipeline) -> tuple[Samples, list[Candidate]]:
    """The training samples (as `train.collect_projects`) and each candidate's surroundings."""
    s = Samples()
    out: list[Candidate] = []
    for doc in matched_documents(docs, pipeline, s):
        name, ex, pairs = doc.name, doc.ex, doc.pairs
        right = {id(p) for _, p in pairs}
        matched_gold = [{n for n in map(normalize_name, (g.name, *g.alt)) if n} for g, _ in pairs]
        text = ex.doc.norm
        found_spans = [sp for g, _ in pairs for sp in gold_spans(text, [g.name, *g.alt])]
        missed_spans = [sp for g in doc.missed for sp in gold_spans(text, [g.name, *g.alt])]
        spans_of: dict[str, list[tuple[int, int]]] = {}
        for m in ex.mentions:
            if m.rule_id != PROJECT_ANAPHORA_RULE:
                spans_of.setdefault(m.key, []).append((m.start, m.end))
        for p, pred, f in zip(ex.projects, doc.preds, doc.features, strict=True):
            ok = id(pred) in right
            spans = tuple(spans_of.get(p.key, [(p.start, p.end)]))
            pn = normalize_name(p.name)
            second = not ok and any(_relaxed_score(pn, names) for names in matched_gold)

            overlap = None if ok or second else (boundary(spans, missed_spans, "missed")
                                                 or boundary(spans, found_spans, "found"))
            edges = ()
            if overlap is not None:
                pair = overlapping(spans, missed_spans if overlap.startswith("missed") else found_spans)
                if pair is not None:
                    edges = edge_kinds(text, pair[1], pair[0], pipeline.projects.judge)
            out.append(Candidate(name, p.name, spans, f, ok, second, overlap, edges))
    return s, out


def boundary(spans: Sequence[tuple[int, int]], gold: Sequence[tuple[int, int]], which: str) -> str | None:
    """How the candidate's mentions overlap a gold project's occurrences (`which`: that
    project is missed or found): the candidate inside it (cut short), around it (runs on), or
    crossing its edge; None when they do not overlap."""
    for a, b in spans:
        for s0, e in gold:
            if a < e and s0 < b:
                how = "cut short" if s0 <= a and b <= e else "runs on" if a <= s0 and e <= b else "crossing"
                return f"{which}, {how}"
    return None


def overlapping(spans: Sequence[tuple[int, int]],
                gold: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The first (candidate span, gold span) pair that overlaps, or None."""
    return next(((c, g) for c in spans for g in gold if c[0] < g[1] and g[0] < c[1]), None)


#: classes read from the candidate's features: (class, features any of which puts it there)
FEATURE_CLASSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("nothing distinguishing (no place, proper name, mark)", ("unmarked", "head_empty")),
    ("programme/policy/sector phrase", ("policy_start", "scope_start", "sector_head", "abstract_head",
                                        "set_phrase", "slogan", "year")),
    ("organisation or place alone", ("org_end", "company", "place_park", "org_after")),
    ("class or count word in the name", ("class_in_name",)),
    ("count/class word after it (等N个, 三大, 类)", ("count_after", "class_after")),
    ("closes a list (等 before it)", ("etc_before",)),
    ("list item (、/及/和)", ("in_list", "joined")),
    ("heading or line of its own", ("in_heading", "line_alone", "starts_line")),
    ("people, event or venue in its sentence", ("event_context", "venue")),
    ("page navigation", ("navigation",)),
    ("plan around it", ("plan_context",)),
    ("work verb before (推进…) or 工作/任务 after", ("work_verb_before", "work_after")),
    ("a collective before it (全县, 一批)", ("collective_before",)),
    ("no suffix (a bare list item)", ("sfx_none",)),
    ("named more than once", ()),
    ("inside a longer candidate", ("inside_other",)),
    ("contains another candidate", ("contains_other",)),
)

#: the first of these an extra has is its main class (one per extra, so they add up)
MAIN = ("second name of a gold project (alt form, duplicate row)",
        "boundary: overlaps a missed gold project (extra and miss)",
        "boundary: overlaps a gold project found by another candidate",
        "page navigation", "people, event or venue in its sentence",
        "count/class word after it (等N个, 三大, 类)", "class or count word in the name",
        "closes a list (等 before it)", "organisation or place alone",
        "programme/policy/sector phrase", "nothing distinguishing (no place, proper name, mark)",
        "heading or line of its own", "list item (、/及/和)", "other (specific-looking phrase)")


def classes(c: Candidate) -> tuple[str, ...]:
    out = []
    if c.second_name:
        out.append(MAIN[0])
    if c.gold_overlap is not None:
        out.append(MAIN[1] if c.gold_overlap.startswith("missed") else MAIN[2])
        out.append(f"boundary, the gold project {c.gold_overlap}")
        out.extend(f"edge {k}" for k in c.edges)
    for cls, names in FEATURE_CLASSES:
        if any(c.features.get(n) for n in names) or (cls == "named more than once" and len(c.spans) > 1):
            out.append(cls)
    return tuple(out)


def main_class(cls: Sequence[str]) -> str:
    return next((c for c in MAIN if c in cls), MAIN[-1])


def contributions(s: Samples, c: float) -> np.ndarray:
    """Per sample and feature (columns: FEATURES), weight × value under the model of the
    fold that did not see its document."""
    folds = fold_of(s.doc)
    which = np.array([folds[d] for d in s.doc])
    out = np.zeros((len(s.y), len(FEATURES)))
    for k in range(FOLDS):
        test, rest = np.flatnonzero(which == k), np.flatnonzero(which != k)
        model = fit([s.x[i] for i in rest], [s.y[i] for i in rest], c)
        for i in test:
            x = dict(s.x[i])
            out[i] = [model.coef.get(n, 0.0) * x.get(n, 0.0) for n in FEATURES]
    return out


def report(set_name: str, cands: Sequence[Candidate], prob: np.ndarray, threshold: float) -> list[str]:
    kept = prob >= threshold
    wrong = [i for i, c in enumerate(cands) if kept[i] and not c.right]
    lines = [f"{set_name}: {int(kept.sum())} candidates kept out of fold, {len(wrong)} of them wrong "
             f"({len(wrong) / max(int(kept.sum()), 1):.1%}); {sum(prob[i] >= CONFIDENT for i in wrong)} "
             f"wrong at probability >= {CONFIDENT}"]
    main = Counter(main_class(classes(cands[i])) for i in wrong)
    lines.append("  main class (each extra once):")
    lines += [f"  {main[cls]:4d}  {cls}" for cls in MAIN if main[cls]]
    every = Counter(cl for i in wrong for cl in classes(cands[i]))
    lines.append("  every class an extra falls in (and how many kept right candidates fall in it):")
    right_every = Counter(cl for i, c in enumerate(cands) if kept[i] and c.right for cl in classes(c))
    lines += [f"  {n:4d}  {cls}  (right: {right_every[cls]})" for cls, n in every.most_common()
              if not cls.startswith("edge ")]
    untouched = sum(1 for i in wrong if not cands[i].second_name and cands[i].gold_overlap is None)
    lines.append(f"  touching a gold name: {len(wrong) - untouched} (a second name or overlapping one), "
                 f"none: {untouched}")
    lines.append("  boundary extras by edge (which side is wrong, and by what text):")
    lines += [f"  {n:4d}  {cls[5:]}" for cls, n in sorted(every.items(), key=lambda kv: (-kv[1], kv[0]))
              if cls.startswith("edge ")]
    return lines


def dropped_report(set_name: str, cands: Sequence[Candidate], prob: np.ndarray, threshold: float) -> list[str]:
    """The right candidates the model drops, by every class of shape and surroundings they
    fall in, beside the dropped wrong ones of each class."""
    dropped = prob < threshold
    right = [i for i, c in enumerate(cands) if dropped[i] and c.right]
    wrong_every = Counter(cl for i, c in enumerate(cands) if dropped[i] and not c.right for cl in classes(c))
    every = Counter(cl for i in right for cl in classes(cands[i]))
    lines = [f"{set_name}: {int(dropped.sum())} candidates dropped out of fold, {len(right)} of them right "
             f"({len(right) / max(int(dropped.sum()), 1):.1%}); "
             f"{sum(prob[i] >= threshold - 0.1 for i in right)} within 0.1 of the threshold",
             "  every class a dropped right candidate falls in (and how many dropped wrong ones fall in it):"]
    lines += [f"  {n:4d}  {cls}  (wrong: {wrong_every[cls]})" for cls, n in every.most_common()]
    bare = sum(1 for i in right if not classes(cands[i]))
    lines.append(f"  {bare:4d}  in no class")
    return lines


def weight_report(contrib: np.ndarray, cands: Sequence[Candidate], prob: np.ndarray, top: int = 12) -> list[str]:
    sure = prob >= CONFIDENT
    wrong = np.array([sure[i] and not c.right for i, c in enumerate(cands)])
    right = np.array([sure[i] and c.right for i, c in enumerate(cands)])
    if not wrong.any():
        return ["no confident extras"]
    mw, mr = contrib[wrong].mean(axis=0), contrib[right].mean(axis=0) if right.any() else np.zeros(len(FEATURES))
    # what lifts the wrong ones more than the right ones: the features to look at
    order = np.argsort(-(mw - mr), kind="stable")[:top]
    lines = [f"features carrying the confident extras (probability >= {CONFIDENT}; {int(wrong.sum())} wrong, "
             f"{int(right.sum())} right): mean weight x value, wrong vs right, by how much more it lifts the wrong"]
    lines += [f"  {FEATURES[j]:<22}{mw[j]:+.2f}  {mr[j]:+.2f}" for j in order]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "gold")
    parser.add_argument("--sets", nargs="+", default=["dev", "train"])
    parser.add_argument("--show", default=None, help="list this set's extras with their classes (dev)")
    parser.add_argument("--dropped", action="store_true",
                        help="also count the right candidates the model drops, by class")
    args = parser.parse_args(argv)
    docs = gold_documents(args.gold, args.sets)
    s, cands = collect(docs, Pipeline(weigh_projects=False, rank_statuses=False))
    names = sorted({d.split("/")[0] for d in s.gold_total}, key=list(args.sets).index)
    untuned = tuple(f"{n}/" for n in names[1:])
    model, prob = project_model(s, "+".join(names), (lambda d: d.startswith(untuned)) if untuned else None)
    print(f"threshold {model.threshold} ({model.version}), {FOLDS}-fold CV grouped by document")
    for name in names:
        idx = [i for i, c in enumerate(cands) if c.doc.startswith(name + "/")]
        sub = [cands[i] for i in idx]
        print("\n".join(report(name, sub, prob[idx], model.threshold)))
        if args.show == name:
            for i in idx:
                c = cands[i]
                if prob[i] >= model.threshold and not c.right:
                    print(f"    {c.doc.split('/', 1)[1]}  {c.name}  {prob[i]:.2f}  "
                          f"[{main_class(classes(c))}; {'; '.join(classes(c))}]")
        if args.dropped:
            print("\n".join(dropped_report(name, sub, prob[idx], model.threshold)))
            if args.show == name:
                for i in idx:
                    c = cands[i]
                    if prob[i] < model.threshold and c.right:
                        print(f"    dropped  {c.doc.split('/', 1)[1]}  {c.name}  {prob[i]:.2f}  "
                              f"[{'; '.join(classes(c))}]")
    c_value = float(model.version.split("C=")[-1])
    contrib = contributions(s, c_value)
    for name in names[1:] or names:
        idx = [i for i, c in enumerate(cands) if c.doc.startswith(name + "/")]
        print(f"{name}: " + "\n".join(weight_report(contrib[idx], [cands[i] for i in idx], prob[idx])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
