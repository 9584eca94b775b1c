"""Score `keyproj run` output against gold annotations (see gold GUIDELINES.md, "Scoring")."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd

KINDS = ("money", "length", "area", "volume", "percent", "percentage_point")
STATUSES = ("planned", "started", "in_progress", "delayed", "completed", "operational", "unknown")
ROLES = ("total_investment", "planned_investment", "completed_investment", "other")
REL_TOL = 1e-4
CONFIDENT = 0.8     # the confidence analysts filter on (issue 13: >= 90 % right, >= 40 % of rows)

# Inline pinyin glosses such as 項(xiàng) or 军(jun4). Lowercase only, so that acronyms
# that belong to a name, like (PPP), are kept on both sides.
_GLOSS = re.compile(r"\(\s*[a-z\u00e0-\u024f\u0300-\u036f]+[1-5]?(?:\s+[a-z\u00e0-\u024f\u0300-\u036f]+[1-5]?)*\s*\)")
_converter: Any = None  # opencc is slow to build; created on first use


@dataclass(frozen=True, slots=True)
class Mention:
    """One quantity mention, gold or predicted."""
    kind: str
    text: str
    value: float | None
    value_high: float | None = None
    role: str | None = None
    start: int | None = None
    ignore: bool = False


@dataclass(frozen=True, slots=True)
class Project:
    """One project, gold (with alternative names) or predicted."""
    name: str
    status: str | None
    alt: tuple[str, ...] = ()
    confidence: float | None = None     # predicted: the status's confidence, if the run gives one


@dataclass(frozen=True, slots=True)
class GoldDoc:
    """Gold annotations of one document."""
    file: str
    mentions: tuple[Mention, ...]
    projects: tuple[Project, ...]


@dataclass(frozen=True, slots=True)
class PredDoc(GoldDoc):
    """Predictions for one document; `file` is its path relative to the input root."""


@dataclass(frozen=True, slots=True)
class Counts:
    """Gold, predicted and true-positive counts with derived P/R/F1."""
    gold: int = 0
    pred: int = 0
    tp: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.gold + other.gold, self.pred + other.pred, self.tp + other.tp)

    @property
    def precision(self) -> float | None:
        return self.tp / self.pred if self.pred else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        # 2tp/(gold+pred) equals the harmonic mean and is 0, not undefined, when one side is empty.
        return 2 * self.tp / (self.gold + self.pred) if self.gold + self.pred else None


@dataclass(frozen=True, slots=True)
class DocResult:
    """Errors found in one document."""
    file: str
    missing: bool
    misses: tuple[Mention, ...] = ()
    extras: tuple[Mention, ...] = ()
    role_mismatches: tuple[tuple[Mention, Mention], ...] = ()
    project_misses: tuple[Project, ...] = ()
    project_extras: tuple[Project, ...] = ()
    status_mismatches: tuple[tuple[Project, Project], ...] = ()

    @property
    def has_errors(self) -> bool:
        return self.missing or any((self.misses, self.extras, self.role_mismatches, self.project_misses,
                                    self.project_extras, self.status_mismatches))


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Scores over all gold documents."""
    kinds: dict[str, Counts]
    strict: Counts
    relaxed: Counts
    role_confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    status_confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    docs: tuple[DocResult, ...] = ()
    # (confidence, right) of every matched project pair whose prediction has a status confidence
    status_scores: tuple[tuple[float, bool], ...] = ()

    @property
    def quantities(self) -> Counts:
        return sum(self.kinds.values(), Counts())

    @property
    def role_accuracy(self) -> tuple[int, int]:
        """(correct, pairs) over matched money pairs."""
        return sum(n for (g, p), n in self.role_confusion.items() if g == p), sum(self.role_confusion.values())

    @property
    def status_accuracy(self) -> tuple[int, int]:
        """(correct, pairs) over relaxed-matched project pairs."""
        return sum(n for (g, p), n in self.status_confusion.items() if g == p), sum(self.status_confusion.values())

    def confident_statuses(self, threshold: float = CONFIDENT) -> tuple[int, int, int]:
        """(right, rows at or above `threshold`, rows with a confidence) over matched pairs:
        does a confidence of 0.8 mean what it says?"""
        above = [right for conf, right in self.status_scores if conf >= threshold]
        return sum(above), len(above), len(self.status_scores)


def _opt(value: Any) -> Any:
    """Map pandas/NumPy missing values to None and NumPy scalars to Python ones."""
    if hasattr(value, "item"):  # NumPy scalar
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _float(value: Any) -> float | None:
    value = _opt(value)
    return None if value is None else float(value)


def _squash(text: str) -> str:
    return "".join(text.split())


def normalize_name(name: str) -> str:
    """Canonical project name: no glosses, punctuation, brackets, quotes or spaces; simplified."""
    global _converter
    if _converter is None:
        from opencc import OpenCC

        _converter = OpenCC("t2s")
    text = _GLOSS.sub("", unicodedata.normalize("NFKC", name))  # NFKC turns （） into ()
    text = "".join(c for c in text if unicodedata.category(c)[0] not in "PZC")
    return _converter.convert(text).casefold()


def longest_common_substring(a: str, b: str) -> int:
    """Length of the longest common substring of a and b."""
    best, prev = 0, [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


class GoldError(ValueError):
    """A gold file that cannot be scored against: one line, `<what> (<path>)`."""


def load_gold(path: Path) -> list[GoldDoc]:
    """Read a gold jsonl file, one document object per line (GoldError when it cannot be
    read, a line is no JSON object with a "file", or it holds no document)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise GoldError(f"cannot read the gold file: {reason} ({path})") from None
    docs = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            raise GoldError(f"gold line {number} is not JSON ({path})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("file"), str):
            raise GoldError(f'gold line {number} is not an object with a "file" ({path})')
        docs.append(_gold_doc(obj))
    if not docs:
        raise GoldError(f"no gold document in {path}")
    return docs


def _gold_doc(obj: dict[str, Any]) -> GoldDoc:
    mentions = tuple(
        Mention(kind, e.get("text", ""), _float(e.get("value")), _float(e.get("value_high")), e.get("role"),
                i, ignore=bool(e.get("ignore")) or e.get("value") is None)  # no value: cannot be matched
        for kind in KINDS for i, e in enumerate(obj.get(kind) or []))
    projects = tuple(Project(p["name"], p.get("status"), tuple(p.get("alt") or ()))
                     for p in obj.get("projects") or [])
    return GoldDoc(obj["file"], mentions, projects)


def _read(pred_dir: Path, name: str, required: bool = False) -> pd.DataFrame:
    from pipeline.outputs.query import load_table  # the one place that finds a table on disk

    table = load_table(Path(pred_dir), name.removesuffix(".parquet"))
    if table is None:
        if required:
            raise FileNotFoundError(f"{Path(pred_dir) / name} not found: is this a `keyproj run` output directory?")
        return pd.DataFrame({"doc_id": pd.Series(dtype=str)})
    return table.to_pandas()


def load_predictions(pred_dir: Path) -> dict[str, PredDoc]:
    """Read the run's Parquet tables, keyed by document path relative to the input root."""
    documents = _read(pred_dir, "documents.parquet", required=True)
    return predictions_from_rows(
        [{"doc_id": d, "path": p} for d, p in zip(documents["doc_id"], documents["path"])],
        _read(pred_dir, "quantities.parquet").to_dict("records"),
        _read(pred_dir, "projects.parquet").to_dict("records"))


def predictions_from_rows(documents: list[dict[str, Any]], quantities: list[dict[str, Any]],
                          projects: list[dict[str, Any]]) -> dict[str, PredDoc]:
    """Predictions from table rows (read from Parquet, or made in this process)."""
    paths = {str(r["doc_id"]): str(r["path"]).replace("\\", "/") for r in documents}
    mentions: dict[str, list[Mention]] = {d: [] for d in paths}
    found: dict[str, list[Project]] = {d: [] for d in paths}
    for row in quantities:
        if str(row["doc_id"]) in mentions and row.get("kind") in KINDS:
            start = _opt(row.get("start"))
            mentions[str(row["doc_id"])].append(Mention(
                row["kind"], _opt(row.get("text")) or "", _float(row.get("value")),
                _float(row.get("value_high")), _opt(row.get("role")), None if start is None else int(start)))
    for row in projects:
        if str(row["doc_id"]) in found:
            found[str(row["doc_id"])].append(Project(_opt(row.get("name")) or "", _opt(row.get("status")),
                                                     confidence=_float(row.get("status_confidence"))))
    return {path: PredDoc(path, tuple(mentions[d]), tuple(found[d])) for d, path in paths.items()}


def extract_folder(raw: Path, rules: Any = None) -> dict[str, PredDoc]:
    """Run the extraction on every file under `raw` in this process, as `keyproj run`
    would (same tasks, duplicates and error rows), and return its predictions."""
    from pipeline.batch.run import plan_tasks, rows_for
    from pipeline.extract import Pipeline

    pipeline = Pipeline(rules)
    tables: dict[str, list[dict[str, Any]]] = {"documents": [], "quantities": [], "projects": []}
    for task in plan_tasks([raw], 50 * 1024 * 1024):
        rows = rows_for(pipeline, task)
        for name, table in tables.items():
            table.extend(rows.get(name, []))
    return predictions_from_rows(tables["documents"], tables["quantities"], tables["projects"])


def evaluate_folder(folder: Path, rules: Any = None) -> EvalReport:
    """Score a gold folder (gold.jsonl beside raw/) by extracting its raw/ here."""
    return evaluate(load_gold(folder / "gold.jsonl"), extract_folder(folder / "raw", rules))


def combine(reports: list[EvalReport]) -> EvalReport:
    """One report over the documents of several (micro: counts and confusions are summed)."""
    kinds = {k: sum((r.kinds[k] for r in reports), Counts()) for k in KINDS}
    roles: Counter[tuple[str, str]] = Counter()
    statuses: Counter[tuple[str, str]] = Counter()
    for r in reports:
        roles.update(r.role_confusion)
        statuses.update(r.status_confusion)
    return EvalReport(kinds, sum((r.strict for r in reports), Counts()), sum((r.relaxed for r in reports), Counts()),
                      roles, statuses, tuple(d for r in reports for d in r.docs),
                      tuple(x for r in reports for x in r.status_scores))


def _find(pred: dict[str, PredDoc], file: str) -> PredDoc | None:
    """Prediction for a gold file: same relative path, else same base name."""
    if file in pred:
        return pred[file]
    base = PurePosixPath(file).name
    same = sorted(p for p in pred if PurePosixPath(p).name == base)
    return pred[same[0]] if same else None


def _same_value(a: float, b: float) -> bool:
    # Relative tolerance; with both values 0 this reduces to exact equality.
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b))


def _match_mentions(gold: list[Mention], preds: list[Mention]
                    ) -> tuple[list[tuple[Mention, Mention]], list[Mention], list[Mention]]:
    """Match one kind's mentions one to one: (pairs, misses, extras).

    Gold lists are in reading order and predictions have spans, so equal values are paired
    in that order: the pairs are first an alignment of the two sequences (most pairs, then
    most pairs of identical text, then the earliest prediction), and only the mentions it
    leaves, whose equal values stand in another order, are then paired by value. Pairing by
    value alone could give the first of two 30亿元 the second's prediction and so score two
    right roles as two wrong ones; the number of pairs is the same either way.
    """
    real = [g for g in gold if not g.ignore]
    spans = [_squash(g.text) for g in gold if g.ignore and _squash(g.text)]
    free = sorted((p for p in preds if p.value is not None),
                  key=lambda p: p.start if p.start is not None else math.inf)
    aligned = dict(_align_in_order(real, free))     # gold index -> prediction index
    taken = set(aligned.values())
    misses = []
    for gi, g in enumerate(real):
        if gi in aligned:
            continue
        candidates = [pi for pi, p in enumerate(free)
                      if pi not in taken and _same_value(g.value, p.value)]  # type: ignore[arg-type]
        if not candidates:
            misses.append(g)
            continue
        best = next((pi for pi in candidates if _squash(free[pi].text) == _squash(g.text)), candidates[0])
        taken.add(best)
        aligned[gi] = best
    pairs = [(real[gi], free[pi]) for gi, pi in sorted(aligned.items())]
    # Ignore spans only excuse would-be extras: a span may be a bare unit (亿元) that a
    # correct mention such as 8561亿元 contains, and that mention must still score a hit.
    extras = [p for pi, p in enumerate(free) if pi not in taken
              and not any(s in _squash(p.text) or _squash(p.text) in s for s in spans)]
    return pairs, misses, extras


def _align_in_order(gold: list[Mention], preds: list[Mention]) -> list[tuple[int, int]]:
    """The order-keeping pairs of equal values between gold and predictions (both in reading
    order): most pairs, then most of identical text, then the earliest prediction for each
    gold mention. Dynamic programming over suffixes; a score counts a pair as more than
    every identical text together."""
    n, m = len(gold), len(preds)
    if not n or not m:
        return []
    weight = n + 1
    texts = [_squash(p.text) for p in preds]

    def gain(i: int, j: int) -> int | None:
        if not _same_value(gold[i].value, preds[j].value):  # type: ignore[arg-type]
            return None
        return weight + (_squash(gold[i].text) == texts[j])

    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        row, below = best[i], best[i + 1]
        for j in range(m - 1, -1, -1):
            g = gain(i, j)
            row[j] = max(below[j], row[j + 1], -1 if g is None else g + below[j + 1])
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        g = gain(i, j)
        if g is not None and g + best[i + 1][j + 1] == best[i][j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j + 1] == best[i][j]:
            j += 1      # a later prediction serves this gold mention (or none does)
        else:
            i += 1
    return pairs


def _relaxed_score(pred_name: str, gold_names: set[str]) -> float:
    """Best LCS share of the longer name over gold names, or 0 when below the 70% threshold."""
    best = 0.0
    for name in gold_names:
        lcs, longer = longest_common_substring(pred_name, name), max(len(pred_name), len(name))
        # Integer test for lcs >= 0.7 * longer, so 7 of 10 characters is not lost to rounding.
        if lcs and 10 * lcs >= 7 * longer:
            best = max(best, lcs / longer)
    return best


def _match_projects(gold: tuple[Project, ...], preds: tuple[Project, ...]
                    ) -> tuple[int, list[tuple[Project, Project]], list[Project], list[Project]]:
    """Match projects one to one: (strict count, relaxed pairs incl. strict, misses, extras)."""
    gold_names = [{n for n in map(normalize_name, (g.name, *g.alt)) if n} for g in gold]
    pred_names = [normalize_name(p.name) for p in preds]
    matched: dict[int, int] = {}  # gold index -> pred index
    for gi, names in enumerate(gold_names):
        pi = next((i for i, n in enumerate(pred_names) if n in names and i not in matched.values()), None)
        if pi is not None:
            matched[gi] = pi
    strict = len(matched)
    candidates = []
    for gi, names in enumerate(gold_names):
        for pi, pn in enumerate(pred_names):
            if gi in matched or pi in matched.values():
                continue
            score = _relaxed_score(pn, names)
            if score:
                candidates.append((-score, gi, pi))
    for _, gi, pi in sorted(candidates):
        if gi not in matched and pi not in matched.values():
            matched[gi] = pi
    pairs = [(gold[gi], preds[pi]) for gi, pi in sorted(matched.items())]
    misses = [g for gi, g in enumerate(gold) if gi not in matched]
    extras = [p for pi, p in enumerate(preds) if pi not in matched.values()]
    return strict, pairs, misses, extras


def evaluate(gold: list[GoldDoc], pred: dict[str, PredDoc]) -> EvalReport:
    """Score predictions against gold; documents without predictions count as all misses."""
    kinds = {k: Counts() for k in KINDS}
    strict = relaxed = Counts()
    roles: Counter[tuple[str, str]] = Counter()
    statuses: Counter[tuple[str, str]] = Counter()
    docs = []
    scores: list[tuple[float, bool]] = []
    for doc in gold:
        found = _find(pred, doc.file)
        pmentions, pprojects = (found.mentions, found.projects) if found else ((), ())
        misses, extras, role_bad = [], [], []
        for kind in KINDS:
            pairs, miss, extra = _match_mentions([m for m in doc.mentions if m.kind == kind],
                                                 [m for m in pmentions if m.kind == kind])
            kinds[kind] += Counts(len(pairs) + len(miss), len(pairs) + len(extra), len(pairs))
            misses += miss
            extras += extra
            # Role accuracy is over money pairs whose gold entry states a role.
            for g, p in (pairs if kind == "money" else []):
                if g.role is not None:
                    roles[g.role, p.role or "-"] += 1
                    if g.role != p.role:
                        role_bad.append((g, p))
        n_strict, ppairs, pmiss, pextra = _match_projects(doc.projects, pprojects)
        strict += Counts(len(doc.projects), len(pprojects), n_strict)
        relaxed += Counts(len(doc.projects), len(pprojects), len(ppairs))
        for gold_project, pred_project in ppairs:
            statuses[gold_project.status or "-", pred_project.status or "-"] += 1
            if pred_project.confidence is not None:
                scores.append((pred_project.confidence, gold_project.status == pred_project.status))
        docs.append(DocResult(doc.file, found is None, tuple(misses), tuple(extras), tuple(role_bad),
                              tuple(pmiss), tuple(pextra),
                              tuple((g, p) for g, p in ppairs if g.status != p.status)))
    return EvalReport(kinds, strict, relaxed, roles, statuses, tuple(docs), tuple(scores))


def _num(value: float | None, high: float | None = None) -> str:
    text = "-" if value is None else format(value, ".10g")
    return text if high is None else f"{text}–{format(high, '.10g')}"


def _pct(value: float | None) -> str:
    return "    -" if value is None else f"{value:.3f}"


def _row(label: str, c: Counts) -> str:
    return (f"{label:<20}{c.gold:>6}{c.pred:>6}{c.tp:>6}"
            f"  {_pct(c.precision)}  {_pct(c.recall)}  {_pct(c.f1)}")


def _accuracy(label: str, correct_pairs: tuple[int, int]) -> str:
    correct, pairs = correct_pairs
    return f"{label:<20}{_pct(correct / pairs if pairs else None)}  ({correct}/{pairs} pairs)"


def _matrix(title: str, confusion: Counter[tuple[str, str]], order: tuple[str, ...]) -> list[str]:
    seen = {x for pair in confusion for x in pair}
    labels = [x for x in order if x in seen] + sorted(seen - set(order))
    heads = [x.removesuffix("_investment") for x in labels]  # keeps role columns narrow
    width, col = max(map(len, labels), default=0) + 2, max(map(len, heads), default=0) + 2
    lines = [f"{title} (rows gold, columns predicted)", " " * width + "".join(f"{h:>{col}}" for h in heads)]
    return lines + [f"{g:<{width}}" + "".join(f"{confusion[g, p] or '.':>{col}}" for p in labels) for g in labels]


def _doc_lines(d: DocResult) -> list[str]:
    if d.missing:  # listing every gold entry of an unprocessed document would only be noise
        return [f"== {d.file}  no predictions: {len(d.misses)} quantities and {len(d.project_misses)} projects missed"]
    lines = [f"== {d.file}"]
    sections = [
        ("quantity misses", [f"{m.kind:<17}{m.text}  {_num(m.value, m.value_high)}" for m in d.misses]),
        ("quantity extras", [f"{m.kind:<17}{m.text}  {_num(m.value, m.value_high)}" for m in d.extras]),
        ("role mismatches", [f"{g.text}  {g.role} → {p.role or '-'}" for g, p in d.role_mismatches]),
        ("project misses", [f"{p.name}  ({p.status})" for p in d.project_misses]),
        ("project extras", [f"{p.name}  ({p.status or '-'})" for p in d.project_extras]),
        ("status mismatches", [f"{g.name}  {g.status} → {p.status or '-'}" + ("" if g.name == p.name else
                               f"  [pred: {p.name}]") for g, p in d.status_mismatches]),
    ]
    for title, items in sections:
        if items:
            lines += [f"  {title}:"] + [f"    {x}" for x in items]
    return lines


def format_report(report: EvalReport, errors: bool = False) -> str:
    """Render the scores as a terminal table, optionally followed by per-document errors."""
    missing = sum(d.missing for d in report.docs)
    lines = [f"{'':<20}{'gold':>6}{'pred':>6}{'tp':>6}  {'P':>5}  {'R':>5}  {'F1':>5}"]
    lines += [_row(k, c) for k, c in report.kinds.items()]
    lines += [_row("all quantities", report.quantities), _accuracy("money role accuracy", report.role_accuracy),
              _row("projects strict", report.strict), _row("projects relaxed", report.relaxed),
              _accuracy("status accuracy", report.status_accuracy)]
    right, above, scored = report.confident_statuses()
    if scored:
        lines.append(f"{'status conf >= ' + str(CONFIDENT):<20}{_pct(right / above if above else None)}  "
                     f"({right}/{above} right; {above}/{scored} = {above / scored:.0%} of pairs)")
    lines.append(f"{len(report.docs)} gold documents, {missing} without predictions")
    if errors:
        for d in report.docs:
            lines += ([""] + _doc_lines(d)) if d.has_errors else []
        lines += [""] + _matrix("status confusion", report.status_confusion, STATUSES)
        lines += [""] + _matrix("money role confusion", report.role_confusion, ROLES)
    return "\n".join(lines)


def _ratio(correct_pairs: tuple[int, int]) -> float | None:
    correct, pairs = correct_pairs
    return correct / pairs if pairs else None


def _summary_rows(report: EvalReport) -> list[tuple[str, str]]:
    """(label, value) lines of the side-by-side table of several sets."""
    q, r = report.quantities, report.relaxed
    right, above, scored = report.confident_statuses()
    return [
        ("documents", str(len(report.docs))),
        ("quantities F1", _pct(q.f1)),
        ("money role accuracy", _pct(_ratio(report.role_accuracy))),
        ("projects relaxed F1", _pct(r.f1)),
        ("  precision", _pct(r.precision)),
        ("  recall", _pct(r.recall)),
        ("projects strict F1", _pct(report.strict.f1)),
        ("status accuracy", _pct(_ratio(report.status_accuracy))),
        (f"  conf >= {CONFIDENT} right", _pct(right / above if above else None)),
        (f"  conf >= {CONFIDENT} share", _pct(above / scored if scored else None)),
    ]


def format_sets(named: list[tuple[str, EvalReport]], errors: bool = False) -> str:
    """Several gold sets side by side (the last column may be all of them together);
    with `errors`, each set's full report and misses follow."""
    rows = [_summary_rows(report) for _, report in named]
    width = max(8, *(len(name) + 2 for name, _ in named))
    lines = [f"{'':<24}" + "".join(f"{name:>{width}}" for name, _ in named)]
    for i, (label, _) in enumerate(rows[0]):
        lines.append(f"{label:<24}" + "".join(f"{r[i][1]:>{width}}" for r in rows))
    if errors:
        for name, report in named:
            lines += ["", f"### {name}", format_report(report, errors=True)]
    return "\n".join(lines)


def _counts_dict(c: Counts) -> dict[str, Any]:
    return {"gold": c.gold, "pred": c.pred, "tp": c.tp, "precision": c.precision, "recall": c.recall, "f1": c.f1}


def _accuracy_dict(correct_pairs: tuple[int, int]) -> dict[str, Any]:
    correct, pairs = correct_pairs
    return {"correct": correct, "pairs": pairs, "accuracy": correct / pairs if pairs else None}


def _mention_dict(m: Mention) -> dict[str, Any]:
    return {"kind": m.kind, "text": m.text, "value": m.value, "value_high": m.value_high, "role": m.role}


def report_to_dict(report: EvalReport, errors: bool = False) -> dict[str, Any]:
    """JSON-ready form of the report."""
    out: dict[str, Any] = {
        "documents": {"gold": len(report.docs), "missing": [d.file for d in report.docs if d.missing]},
        "quantities": {k: _counts_dict(c) for k, c in (*report.kinds.items(), ("all", report.quantities))},
        "money_role": _accuracy_dict(report.role_accuracy),
        "projects": {"strict": _counts_dict(report.strict), "relaxed": _counts_dict(report.relaxed)},
        "status": _accuracy_dict(report.status_accuracy),
    }
    right, above, scored = report.confident_statuses()
    if scored:
        out["status_confident"] = {"threshold": CONFIDENT, "correct": right, "pairs": above, "scored": scored,
                                   "accuracy": right / above if above else None, "share": above / scored}
    if errors:
        out["errors"] = [{
            "file": d.file, "missing": d.missing,
            "misses": [_mention_dict(m) for m in d.misses], "extras": [_mention_dict(m) for m in d.extras],
            "role_mismatches": [{"text": g.text, "gold": g.role, "pred": p.role} for g, p in d.role_mismatches],
            "project_misses": [{"name": p.name, "status": p.status} for p in d.project_misses],
            "project_extras": [{"name": p.name, "status": p.status} for p in d.project_extras],
            "status_mismatches": [{"gold_name": g.name, "pred_name": p.name, "gold": g.status, "pred": p.status}
                                  for g, p in d.status_mismatches],
        } for d in report.docs if d.has_errors]
        for key, confusion in (("status_confusion", report.status_confusion),
                               ("role_confusion", report.role_confusion)):
            out[key] = [{"gold": g, "pred": p, "count": n} for (g, p), n in sorted(confusion.items())]
    return out
