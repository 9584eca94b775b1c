"""scripts/train.py --lobo: each styles batch measured by models fitted without it (leave one
batch out), on tiny invented sample sets whose answer is known. A batch whose candidates say
what the gold sets' say scores 1; one whose candidates say the opposite scores 0, and would
not if it were in its own fit."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import load_train_script

# a styles document's name -> its batch (None: a gold set's document)
BATCH_OF = [
    ("styles/s01_ledger.txt", "s"),
    ("styles/e12_speech.txt", "e"),
    ("styles/a03.txt", "a"),
    ("stylesk/k05_notice.txt", "k"),       # confidence_check.py's name: the batch's folder
    ("styles/aa03_port.txt", "aa"),        # batches after the 26 letters take two
    ("stylesab/ab01_mail.txt", "ab"),
    # must not: a gold set's document, a styles folder's name without a file
    ("train/t01.txt", None),
    ("dev/styles_s01.txt", None),
    ("styles/", None),
    ("styles_extra/m01.txt", None),
]


@pytest.mark.parametrize("doc, batch", BATCH_OF, ids=[d for d, _ in BATCH_OF])
def test_a_document_belongs_to_the_batch_its_file_name_starts(doc: str, batch: str | None) -> None:
    assert load_train_script().styles_batch(doc) == batch


# per styles batch: whether its samples say the same as the gold sets' ("same") or the opposite
# ("inverted") -> each batch's figure from a fit without it, and the mean over batches
PROJECT_CASES = [
    ({"p": "same", "q": "same"}, {"p": 1.0, "q": 1.0}, 1.0),
    ({"p": "same", "q": "inverted"}, {"p": 1.0, "q": 0.0}, 0.5),
    ({"p": "inverted", "q": "same", "r": "same"}, {"p": 0.0, "q": 1.0, "r": 1.0}, 2 / 3),
]


def _project_samples(train, batches: dict[str, str]):  # type: ignore[no-untyped-def]
    # gold: 20 train documents, each a right candidate (a proper name) and a wrong one (page
    # navigation): features of the project model (`FEATURES`), the only ones it weighs
    s = train.Samples()
    for n in range(20):
        doc = f"train/t{n:02d}.txt"
        s.add((("proper", 1.0),), 1, doc, len(s.y))
        s.add((("navigation", 1.0),), 0, doc, len(s.y))
        s.gold_total[doc] = 1
    extra = train.Samples()
    for batch, kind in batches.items():
        for n in range(3):
            doc = f"styles/{batch}{n:02d}.txt"
            extra.add((("proper", 1.0),), int(kind == "same"), doc, len(extra.y))
            extra.add((("navigation", 1.0),), int(kind != "same"), doc, len(extra.y))
            extra.gold_total[doc] = 1
    s.extra = extra
    return s


@pytest.mark.parametrize("batches, figure, mean", PROJECT_CASES, ids=["both like gold", "one inverted", "three"])
def test_each_batch_s_project_f1_comes_from_a_fit_without_it(batches: dict[str, str], figure: dict[str, float],
                                                            mean: float) -> None:
    pytest.importorskip("sklearn")
    train = load_train_script()
    figures = train.lobo_projects(_project_samples(train, batches), lambda d: d.startswith("train/"))
    assert {f.batch: round(f.value, 3) for f in figures} == figure
    assert train.lobo_summary(figures, projects=True).startswith(f"mean over {len(batches)} batches {mean:.3f}")


STATUS_CASES = [
    ({"p": "same", "q": "same"}, {"p": 1.0, "q": 1.0}, 1.0),
    ({"p": "same", "q": "inverted"}, {"p": 1.0, "q": 0.0}, 0.5),
]


def _status_samples(train, batches: dict[str, str]):  # type: ignore[no-untyped-def]
    # each decision: a cue of its own clause (right in the gold sets) against the document's
    # prevailing state (wrong there), their states taking turns; no choice binds, so the
    # ranker decides

    def add(s, doc: str, same: bool) -> None:  # type: ignore[no-untyped-def]
        n = len(set(s.decision))
        states = ("completed", "in_progress")[::1 if n % 2 else -1]
        s.add((("link=clause", 1.0), (f"status={states[0]}", 1.0)), int(same), doc, n, rule=True)
        s.add((("link=document", 1.0), (f"status={states[1]}", 1.0)), int(not same), doc, n, rule=False)

    s = train.Samples()
    for n in range(30):
        add(s, f"{'dev' if n < 10 else 'train'}/d{n:02d}.txt", True)
    extra = train.Samples()
    for batch, kind in batches.items():
        for n in range(4):
            add(extra, f"styles/{batch}{n:02d}.txt", kind == "same")
    s.extra = extra
    return s


@pytest.mark.parametrize("batches, figure, mean", STATUS_CASES, ids=["both like gold", "one inverted"])
def test_each_batch_s_status_accuracy_comes_from_a_fit_without_it(batches: dict[str, str],
                                                                  figure: dict[str, float], mean: float) -> None:
    train = load_train_script()
    figures = train.lobo_statuses(_status_samples(train, batches), lambda d: d.startswith("train/"))
    assert {f.batch: round(f.value, 3) for f in figures} == figure
    assert train.lobo_summary(figures, projects=False).startswith(f"mean over {len(batches)} batches {mean:.3f}")


def test_the_batch_measured_is_never_in_its_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    # each fit's extra samples are the other batches' only, and the gold sets are in every fit
    train = load_train_script()
    s = _status_samples(train, {"p": "same", "q": "inverted", "r": "same"})
    seen: list[tuple[set[str], int]] = []
    calibrated: list[set[str]] = []
    fitted = train.status_model

    def recording(samples, calibrate_on=None, outside=None):  # type: ignore[no-untyped-def]
        seen.append(({train.styles_batch(d) for d in samples.extra.doc}, len(samples.y)))
        calibrated.append({train.styles_batch(d) for d in outside.doc})
        return fitted(samples, calibrate_on, outside)

    monkeypatch.setattr(train, "status_model", recording)
    train.lobo_statuses(s, outside=train.out_of_batch(s))
    assert seen == [({"q", "r"}, 60), ({"p", "r"}, 60), ({"p", "q"}, 60)]
    # nor are its decisions in the surety's fit or calibration
    assert calibrated == [{"q", "r"}, {"p", "r"}, {"p", "q"}]


def test_a_binding_cue_left_free_lets_the_ranker_choose() -> None:
    # the rules' choice binds and is wrong in batch q; left free (`free`), the ranker's choice
    # (learnt from the gold sets) is taken instead. Must not: with nothing free the rules decide
    train = load_train_script()
    s = _status_samples(train, {"q": "same"})
    s.extra = train.Samples()
    for n in range(4):
        doc = f"styles/q{n:02d}.txt"
        # the rules bind to the document's state, which the gold does not give; the clause cue's is right
        s.extra.add((("link=document", 1.0), ("status=completed", 1.0)), 0, doc, n, rule=True, own=True)
        s.extra.add((("link=clause", 1.0), ("status=in_progress", 1.0)), 1, doc, n, rule=False)
    bound = train.lobo_statuses(s)
    free = train.lobo_statuses(s, free=lambda x: ("link=document", 1.0) in x)
    assert [f.value for f in bound] == [0.0]
    assert [f.value for f in free] == [1.0]
    assert np.isclose(free[0].counts[1], 4)


# the candidates' states of each decision, and the gold's -> decisions within reach of any weighing
REACH_CASES = [
    ([(["completed", "in_progress"], "completed"), (["planned"], "planned")], 2),
    ([(["completed", "in_progress"], "operational"), (["planned", "unknown"], "unknown")], 1),
    # must not: a gold state no candidate states
    ([(["started"], "delayed")], 0),
]


@pytest.mark.parametrize("decisions, reach", REACH_CASES, ids=["both", "one", "none"])
def test_decisions_within_reach_offer_the_gold_state(decisions: list[tuple[list[str], str]], reach: int) -> None:
    train = load_train_script()
    s = train.Samples()
    for n, (states, gold) in enumerate(decisions):
        for state in states:
            s.add(((f"status={state}", 1.0),), int(state == gold), f"train/t{n}.txt", n)
    assert train.within_reach(s) == reach


def test_each_batch_s_out_of_batch_decisions_come_from_a_ranker_without_it() -> None:
    # the decisions the surety learns a new kind of report from: each batch's, by a ranker
    # whose fit holds the gold sets and the other batches only. Batch q says the opposite of
    # the rest: a ranker without it follows the gold sets and is wrong on all of it
    train = load_train_script()
    d = train.out_of_batch(_status_samples(train, {"p": "same", "q": "inverted", "r": "same"}))
    by_batch = {b: d.right[[train.styles_batch(x) == b for x in d.doc]] for b in "pqr"}
    assert {b: len(r) for b, r in by_batch.items()} == {"p": 4, "q": 4, "r": 4}
    assert by_batch["p"].all() and by_batch["r"].all() and not by_batch["q"].any()
    # must not: a set without styles batches has no out-of-batch decisions
    assert train.out_of_batch(_status_samples(train, {})) is None
