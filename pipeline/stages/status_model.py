"""How sure a status is: a small logistic model over how its cue was linked.

The rules propose (a cue is linked to a project by `link`); this model weighs the signals
the rules see and returns the probability that the cue states the project's status as the
gold would: where the cue stands from the project (in its clause before or after it,
elsewhere in its sentence, in a later sentence, in a statement about a class of projects
before a list, in a heading), the cue's status class, whether it is weak or a plan, its
distance, the size of the enumeration, and whether the project's cues disagree. Never the
words of names.

The weights ship as JSON in `pipeline/data/status_model.json`, trained by
`python scripts/train_status_model.py` (document-grouped cross-validation over the gold
sets, then a fit on all of them); scoring is plain Python, so scikit-learn is needed for
training only.

>>> model = load_status_model()
>>> row = StatusMention(Status.COMPLETED, 0, 2, "status.completed")
>>> near = model.score(link_features("clause", row, distance=0, group_size=1, rows=1, statuses=1))
>>> far = model.score(link_features("lookahead", row, distance=80, group_size=1, rows=3, statuses=2))
>>> 0.0 <= far < near <= 1.0
True
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache

from pipeline import settings
from pipeline.types import Status, StatusMention

MODEL_PATH = settings.DATA_DIR / "status_model.json"

# where the deciding cue stands from the project; `heading`: a section title over it;
# `unknown`: no cue at all (the confidence that "unknown" is right)
LINK_KINDS = ("prefix", "clause", "before", "after", "lookahead", "group", "title", "heading", "unknown")

Features = tuple[tuple[str, float], ...]     # (name, value), zeros left out


def link_features(kind: str, row: StatusMention, *, distance: int, group_size: int, rows: int,
                  statuses: int, sentence_groups: int = 1, document_groups: int = 1) -> Features:
    """The features of a linked cue: how it was linked, its cue rule and status class,
    `rows` cues linked to its project with `statuses` distinct strong states among them,
    `sentence_groups` enumerations in the cue's sentence and `document_groups` in the
    document (crowded text links less surely)."""
    values = {
        f"link={kind}": 1.0, f"status={row.status.value}": 1.0, f"rule={row.rule_id}": 1.0,
        "weak": float(row.weak), "future": float(row.future), "log_distance": math.log1p(distance),
        "log_group_size": math.log1p(group_size), "log_rows": math.log1p(rows),
        "disagreeing_statuses": float(statuses > 1), "log_cue_chars": math.log1p(row.end - row.start),
        "log_sentence_groups": math.log1p(sentence_groups), "log_document_groups": math.log1p(document_groups),
    }
    return tuple((name, value) for name, value in values.items() if value)


def fallback_features(status: Status) -> Features:
    """A project whose status has no linked cue: unknown, or set by a section heading."""
    kind = "unknown" if status is Status.UNKNOWN else "heading"
    return ((f"link={kind}", 1.0), (f"status={status.value}", 1.0))


@dataclass(frozen=True, slots=True)
class StatusModel:
    """Logistic regression: a weight per feature name (names it does not know weigh 0)."""

    coef: dict[str, float]
    intercept: float

    def score(self, features: Features) -> float:
        z = self.intercept + sum(self.coef.get(name, 0.0) * value for name, value in features)
        return round(1.0 / (1.0 + math.exp(-z)), 4)


def model_from_dict(data: dict) -> StatusModel:
    """The model as the training script stores it."""
    return StatusModel({str(k): float(w) for k, w in data["coef"].items()}, float(data["intercept"]))


@lru_cache(maxsize=1)
def load_status_model() -> StatusModel:
    """The shipped weights, read once per process."""
    return model_from_dict(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


def project_confidence(status: Status, start: int | None, end: int | None,
                       rows: list[StatusMention]) -> float:
    """A project's status confidence: that of the cue that decided it (one of `rows`, the
    cues linked to it), else of a status with no linked cue (unknown, or a heading's)."""
    for row in rows:
        if row.start == start and row.end == end and row.confidence is not None:
            return row.confidence
    return load_status_model().score(fallback_features(status))
