"""scripts/confidence_check.py: the styles batches it reads, and how it marks a broken promise."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

from conftest import FIXTURES_DIR, load_script


def test_only_the_named_batches_are_read() -> None:
    check = load_script("confidence_check")
    docs = check.styles_documents(FIXTURES_DIR / "styles", ["w"])
    assert docs and all(name.startswith("stylesw/w") and path.name.startswith("w") for name, _, path in docs)
    assert check.styles_documents(FIXTURES_DIR / "styles", []) == []


# --batches values -> the batches read, or None: a usage error (an unknown batch)
BATCH_ARGUMENTS = [
    (["r", "t"], ["r", "t"]),
    (["r,t"], ["r", "t"]),
    (["w"], ["w"]),
    # must not: letters run together (the form before batches took two letters), a batch
    # that is not in the styles gold
    (["rt"], None),
    (["r", "zz"], None),
]


@pytest.mark.parametrize("values, batches", BATCH_ARGUMENTS, ids=[" ".join(v) for v, _ in BATCH_ARGUMENTS])
def test_batches_are_named_one_by_one(values: list[str], batches: list[str] | None) -> None:
    check = load_script("confidence_check")
    if batches is None:
        with pytest.raises(ValueError, match="unknown styles batch"):
            check.parse_batches(values, check.known_batches(FIXTURES_DIR / "styles"))
    else:
        assert check.parse_batches(values, check.known_batches(FIXTURES_DIR / "styles")) == batches


# confidences, right or not -> whether the promise (>= 90 % right at >= 40 % of rows) is marked broken
PROMISE_CASES = [
    ([0.9] * 10 + [0.5] * 5, [1] * 10 + [0] * 5, False),     # 10 of 10 right at 67 %
    ([0.9] * 10 + [0.5] * 5, [1] * 8 + [0] * 7, True),       # 8 of 10 right
    ([0.9] * 2 + [0.5] * 8, [1] * 10, True),                 # all right but at 20 % of rows
]


@pytest.mark.parametrize("confidence, right, broken", PROMISE_CASES, ids=["kept", "too few right", "too few rows"])
def test_a_broken_promise_is_marked(confidence: list[float], right: list[int], broken: bool) -> None:
    figure = load_script("confidence_check").promise(np.array(confidence), np.array(right))
    assert figure.endswith("!") == broken


def test_the_surety_classes_count_the_named_batches_beside_train() -> None:
    # decisions of two batches and of train, each with what the surety reads: the named
    # batch's classes, largest first, with their right rows, confidence and train's counts
    check = load_script("confidence_check")
    train = check.train
    clause, after = (("link=clause", 1.0), ("agree", 1.0)), (("link=after", 1.0), ("agree", 1.0))

    def decisions(rows: list[tuple[tuple[tuple[str, float], ...], int, str]]) -> object:
        n = len(rows)
        return train.Decisions(np.array([r for _, r, _ in rows]), np.ones(n), np.zeros(n),
                               np.zeros(n, dtype=bool), [x for x, _, _ in rows], [d for _, _, d in rows])

    styles = decisions([(after, 1, "stylesy/y1.txt"), (after, 0, "stylesy/y1.txt"), (clause, 1, "stylesy/y2.txt"),
                        (clause, 1, "stylesx/x1.txt")])
    held = decisions([(after, 0, "train/a.txt"), (clause, 1, "train/a.txt"), (clause, 1, "dev/b.txt")])
    rows = check.surety_classes(held, styles, np.array([0.5, 0.5, 0.9, 0.9]), ["y"])
    assert rows == [("  class of y: link=after agree", "1/2 right, confidence 0.500; train 0/1"),
                    ("  class of y: link=clause agree", "1/1 right, confidence 0.900; train 1/1")]


def _decision_samples(train: ModuleType, docs: list[str], wrong_every: int) -> object:
    # one decision per document: a cue of the project's own clause (right but every
    # `wrong_every`-th document) against unknown
    s = train.Samples()
    for n, doc in enumerate(docs):
        right = int(n % wrong_every != 0)
        s.add((("link=clause", 1.0), ("status=in_progress", 1.0)), right, doc, n, rule=True, own=True)
        s.add((("link=unknown", 1.0), ("status=unknown", 1.0)), 1 - right, doc, n, rule=False)
    return s


def test_leave_one_batch_out_never_fits_on_the_batch_it_measures(monkeypatch: pytest.MonkeyPatch) -> None:
    # two styles batches: each is measured by a fit whose extra samples are only the other's,
    # on dev + train; one row per batch, then the worst, the mean and the pooled rows
    pytest.importorskip("sklearn")
    check = load_script("confidence_check")
    train = check.train
    gold = _decision_samples(train, [f"dev/d{n:02d}.txt" for n in range(10)]
                             + [f"train/t{n:02d}.txt" for n in range(30)], 10)
    styles = _decision_samples(train, [f"stylesp/p{n:02d}.txt" for n in range(6)]
                               + [f"stylesq/q{n:02d}.txt" for n in range(6)], 4)
    seen: list[set[str]] = []
    calibrated: list[set[str]] = []
    fitted = train.status_model

    def recording(s, calibrate_on=None, outside=None):  # type: ignore[no-untyped-def]
        seen.append({d[:7] for d in s.extra.doc})
        calibrated.append({d[:7] for d in outside.doc})
        return fitted(s, calibrate_on, outside)

    monkeypatch.setattr(train, "status_model", recording)
    rows = check.lobo_rows(check.Collected(None, None, gold, styles), ["p", "q"])
    assert seen == [{"stylesq"}, {"stylesp"}]
    # the surety is fitted and calibrated on the other batch's decisions only (out of batch)
    assert calibrated == [{"stylesq"}, {"stylesp"}]
    labels = [label for label, _ in rows]
    assert labels[0].startswith("(d) batch p left out") and labels[1].startswith("(d) batch q left out")
    assert labels[2:] == ["(d) worst batch (right/0.9 or share/0.4)", "(d) mean over batches", "(d) all batches pooled"]
    assert rows[4][1].split("(")[-1].split("/")[1].startswith("12)")      # every row of both batches


def test_projects_left_out_in_turn_are_measured_on_their_kept_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    # two styles batches of project candidates: each batch is measured by a project model whose
    # extra samples are only the other batch's; a candidate below the model's threshold is no
    # row; one row per batch, then the worst, the mean and the pooled rows
    check = load_script("confidence_check")
    train = check.train
    gold = train.Samples()
    for n in range(4):
        gold.add((("proper", 1.0),), 1, f"train/t{n}.txt", n)
    styles = train.Samples()
    # (probability, gold project) per candidate: batch p 3 sure and right, 1 unsure; batch q
    # 2 sure of which 1 right, 1 below the threshold (dropped)
    cands = {"stylesp/p1.txt": [(0.9, 1), (0.9, 1), (0.95, 1), (0.6, 0)],
             "stylesq/q1.txt": [(0.9, 1), (0.85, 0), (0.1, 0)]}
    for doc, rows in cands.items():
        for p, y in rows:
            styles.add((("p", p),), y, doc, len(styles.y))
    seen: list[set[str]] = []

    def fitted(s, version, calibrate_on=None):  # type: ignore[no-untyped-def]
        seen.append({d[:7] for d in s.extra.doc})
        return type("M", (), {"threshold": 0.36})(), None

    monkeypatch.setattr(train, "project_model", fitted)
    monkeypatch.setattr(train, "_project_probability", lambda model, xs: np.array([dict(x)["p"] for x in xs]))
    rows = dict(check.project_lobo_rows(check.Collected(gold, styles, None, None), ["p", "q"]))
    assert seen == [{"stylesq"}, {"stylesp"}]
    assert rows["(e) batch p left out, threshold 0.36"] == "1.000 @ 75.0% (3/4)"
    assert rows["(e) batch q left out, threshold 0.36"] == "0.500 @ 100.0% (2/2) !"
    assert rows["(e) worst batch (right/0.9 or share/0.4)"] == "q: 0.500 @ 100.0%"
    assert rows["(e) all batches pooled"] == "0.800 @ 83.3% (5/6) !"
