"""Which cue sets a project's status, and how sure that is: a small learned ranker.

The rules propose (`link` ties cues to projects, `build_projects` picks the latest strong
one); this model weighs the candidates of each project and keeps the likeliest:

- every cue linked to the project, with how it was linked (in its clause before or after
  it, elsewhere in its sentence, in a later sentence, in a statement about a class of
  projects before a list, in the title or a heading), its cue class, whether it is weak or
  a plan, its distance, the size of the enumeration, whether the project's cues disagree,
  whether later cues follow it and whether the rules chose it;
- the state the document's opening states (its title line, else the lead sentence of a
  news report: 今年全县计划新开工重点项目15个), for the projects named after it;
- the document's prevailing state (a report on delays, on new starts: the state most of
  its cues state), with how much it prevails and how near such a cue is;
- the state most cues of its section state;
- the rules' fallback (a heading's state, or unknown; unknown weighed by how far the project
  stands from the nearest status cue of any kind, `_quiet`).

Each candidate is scored as the probability that its state is the gold's, the highest wins.
How sure the decided state is comes from a second small model (`sure_features`: how the
winning cue was linked, a plan or weak cue, whether rule and ranker agree), fitted on
held-out decisions and shifted so that ≥ 0.8 means at least 90% right on held-out documents
of the sets the rules were not tuned on, and capped below 0.8 for a cue shared by a long list
and for a completion other states contest (`CAPS`); it is `statuses.confidence` of the decided state's
rows and `projects.status_confidence` (other states keep their calibrated mass). Features
are general classes, never the words of names.

The weights ship as JSON in `pipeline/data/status_model.json`, trained by
`python scripts/train.py statuses` (document-grouped cross-validation over the gold sets,
then a fit on all of them); scoring is plain Python.

>>> model = load_status_model()
>>> row = StatusMention(Status.COMPLETED, 0, 2, "status.completed")
>>> near = model.score(link_features("clause", row, distance=0, group_size=1, rows=1, statuses=1))
>>> far = model.score(link_features("lookahead", row, distance=80, group_size=1, rows=1, statuses=1))
>>> 0.0 <= far < near <= 1.0
True
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from pipeline import settings
from pipeline.rules.configs import PROJECT_ANAPHORA_RULE
from pipeline.rules.loader import load_rules
from pipeline.stages.sections import innermost_section
from pipeline.text.layout import title_line
from pipeline.types import Extraction, Project, Section, Status, StatusMention

MODEL_PATH = settings.DATA_DIR / "status_model.json"

# where the deciding cue stands from the project; `heading`: a section title over it;
# `unknown`: no cue at all (the confidence that "unknown" is right); `document`: the state
# most of the document's cues state (the nearest cue before it in its section is no candidate:
# it measured worse on reports not tuned on, grouped CV on train 0.746 with it, 0.768 without);
# `doc_title`, `doc_lead`: the last strong cue of the document's title line, else of its first
# sentence (a news lead);
# `section`: the state most cues of its section state; `problem`: a heading about problems or
# delays over it (二、存在的问题)
LINK_KINDS = ("prefix", "clause", "before", "after", "lookahead", "group", "title", "heading", "unknown",
              "document", "section", "problem", "doc_title", "doc_lead")

Features = tuple[tuple[str, float], ...]     # (name, value), zeros left out


def link_features(kind: str, row: StatusMention, *, distance: int, group_size: int, rows: int,
                  statuses: int, sentence_groups: int = 1, document_groups: int = 1,
                  context: Mapping[str, float] | None = None) -> Features:
    """The features of a linked cue: how it was linked, its cue rule and status class,
    `rows` cues linked to its project with `statuses` distinct strong states among them,
    `sentence_groups` enumerations in the cue's sentence and `document_groups` in the
    document (crowded text links less surely); `context`: what the words around the cue say
    (a plan word earlier in its sentence, a mark of the past before it, a heading about
    problems over it: `link._StatusLinker._context`)."""
    values = {
        f"link={kind}": 1.0, f"status={row.status.value}": 1.0, f"rule={row.rule_id}": 1.0,
        "weak": float(row.weak), "future": float(row.future), "pace": float(row.pace),
        "log_distance": math.log1p(distance),
        "log_group_size": math.log1p(group_size), "log_rows": math.log1p(rows),
        "disagreeing_statuses": float(statuses > 1), "log_cue_chars": math.log1p(row.end - row.start),
        "log_sentence_groups": math.log1p(sentence_groups), "log_document_groups": math.log1p(document_groups),
        **(context or {}),
    }
    return tuple(_feature(name, value) for name, value in values.items() if value)


# One (name, value) pair per feature and value, shared by every cue that has it: the names
# are the link kinds, states, cue rules and context words of the rules, and the values mostly
# 1.0 or the log of a small count. An 8 MB document's 2,100 linked cues carried 28,000 pairs
# and 7,600 names made anew (2.2 MB alive until its rows were made, at a worker's peak of
# memory). A full table starts over, as the name judge's caches do.
_PAIRS: dict[tuple[str, float], tuple[str, float]] = {}
_PAIRS_MAX = 50_000


def _feature(name: str, value: float) -> tuple[str, float]:
    pair = (name, value)
    if type(value) is not float:
        return pair
    shared = _PAIRS.get(pair)
    if shared is None:
        if len(_PAIRS) >= _PAIRS_MAX:
            _PAIRS.clear()
        shared = _PAIRS[pair] = pair
    return shared


def fallback_features(status: Status) -> Features:
    """A project whose status has no linked cue: unknown, or set by a section heading."""
    kind = "unknown" if status is Status.UNKNOWN else "heading"
    return ((f"link={kind}", 1.0), (f"status={status.value}", 1.0))


def sure_features(winner: Features, agree: bool, states: int = 1) -> Features:
    """What says how sure a decided status is (the second model's features): how the winning
    cue was linked (its own clause, a group's statement, the document's prevailing state …),
    whether it is a plan or a weak cue, whether the rules' choice is also the state the ranker
    gives the most mass (rule and model agree), whether the project's candidates offer
    other known states (`states`: how many distinct known states they offer; competing states
    make any choice less sure: a cue before the project with another state after it), and
    whether the cue is shared (`shared_cue`: linked to a long list from outside the project's
    own clause, see `is_shared_cue`). A cue of the project's sentence that most of its other
    candidates corroborate counts as one of its own clause (`is_corroborated`). Never its
    words or its state."""
    kept = [(name, value) for name, value in winner if name.startswith("link=") and "&" not in name
            or name in ("future", "weak")]
    if is_corroborated(winner):
        kept = [("link=clause", 1.0) if name.startswith("link=") else (name, value) for name, value in kept]
    if agree:
        kept.append(("agree", 1.0))
    if states > 1:
        kept.append(("competing", 1.0))
    if is_shared_cue(winner):
        kept.append(("shared_cue", 1.0))
    if states > 1 and ("status=completed", 1.0) in winner and not is_reached_completion(winner):
        kept.append(("contested_completion", 1.0))
    return tuple(kept)


def is_reached_completion(winner: Features) -> bool:
    """Whether a winning completion is one the text marks as reached in the project's own
    clause (`past_marker`: 已, 已经 before the cue in its clause: 甲、乙两座水库均已完工) with no
    cue of the project's own stating another state (`disagreeing_statuses`): what competes with
    it is then only what the document or its section says of other projects (their prevailing
    state), no doubt about this one, and it is not a contested completion (`CAPS`). A
    completion with no mark of the past (甲竣工验收已列入计划: the 已 after the cue is not
    read), one whose own cues say works go on (甲外立面改造已完成，正在进行管网改造), or one
    outside its clause stays contested. Counted out of fold (own clause, marked, no own cue
    disagreeing): train 2 of 2 right, dev 3 of 3, the styles set's batches s-b, each scored by
    a ranker without its batch, 27 of 29; unmarked ones train 8 of 13. Leave one batch out:
    batch 9 0.917 right at 36 % of rows -> 0.929 at 42 % (docs/accuracy-history.md, stop 33)."""
    names = dict(winner)
    return (link_kind(winner) == "link=clause" and bool(names.get("past_marker"))
            and not names.get("disagreeing_statuses"))


#: the most a decision by a shared cue (`is_shared_cue`) may be trusted: below the 0.8 that
#: analysts filter on. Such a cue is right or wrong for its whole list at once, so the held-out
#: rate of its class rests on a handful of cues, not on as many projects: on train, grouped CV,
#: one document's cue before a list was wrong for most of it and alone broke the promise of
#: its fold (confidence >= 0.8 without the document's fold, mean of five fold assignments:
#: 0.874 right at 48.3 % of rows; capped, with a margin of z = 0.5, 0.897 at 42.8 %; the
#: figures with today's margin, `train.SURE_Z`, are in README's Accuracy table)
SHARED_CUE_CAP = 0.75


#: candidate features the ranker never weighs, for the surety only (`is_corroborated`):
#: `corroboration`, the share of the project's other candidates that state the candidate's
#: state on a cue other than its own (`_add_votes`)
SURE_ONLY = frozenset({"corroboration"})


#: link kinds of a cue in the project's own sentence but outside the clause after it (`link=clause`)
CORROBORATED_KINDS = ("link=prefix", "link=before", "link=after")


def is_corroborated(winner: Features) -> bool:
    """Whether the winning cue stands in the project's own sentence (`CORROBORATED_KINDS`: in
    its clause before it, or in another clause of its sentence, with no clause of a subject
    of its own between: `other_subject`), is no weak cue, and most of the project's other
    candidates (its other cues, a heading's, the title's, the document's and its section's
    prevailing state) state the same state on a cue other than its own (`corroboration` > 0.5,
    not the ranker's `vote_share`: in a document with one cue, the document's and section's
    prevailing state is that very cue, which corroborates nothing): 甲：总投资3亿元，目前正在进行
    主体施工 in a report whose section is mostly works under way. A delay said in the project's
    own sentence needs no corroboration (`status=delayed`: 甲：总投资3亿元，因征地问题进度滞后):
    a report names the projects whose schedule slipped one by one, and such a cue is no
    neutral state a later clause or another subject could override (train, out of fold: the
    delays decided by a cue of the project's sentence outside its clause right 11 of 11,
    dev 4 of 4). The surety reads either as a cue of the project's own clause. Figures (train
    out of fold, mean of five assignments: 0.910 right at 49.4 % of rows) and the ideas
    measured beside them: docs/accuracy-history.md, stops 29 and 30."""
    names = dict(winner)
    kind = link_kind(winner)
    backed = names.get("corroboration", 0.0) > 0.5 or bool(names.get("status=delayed"))
    return (kind in CORROBORATED_KINDS and backed
            and not names.get("other_subject") and not names.get("weak"))


def is_shared_cue(winner: Features) -> bool:
    """Whether the winning cue speaks of a long list (`wide_cue`: linked to five projects or
    more) from outside the project's own clause (before the list, a group's statement, the
    title): 新开工项目有A、B、C、D、E, 以下项目已竣工：… ."""
    names = {name for name, _ in winner}
    return "wide_cue" in names and "link=clause" not in names


@dataclass(frozen=True, slots=True)
class StatusModel:
    """A conditional logit over each project's candidates: a weight per feature name (names
    it does not know weigh 0); the softmax of the candidates' scores gives each state's
    probability mass, calibrated as sigmoid(scale·logit(mass) + shift). `unknown` is the
    held-out rate at which a project left unknown was right (the lower end of its interval). `sure`: a second, small
    logistic model over `sure_features` that says how likely the decided state is right
    (fitted on held-out decisions, its intercept lowered so that ≥ 0.8 keeps 90 % right on
    held-out documents); it gives the decided state's confidence (empty: the mass's)."""

    coef: dict[str, float]
    intercept: float = 0.0
    scale: float = 1.0
    shift: float = 0.0
    unknown: float = 0.0
    sure: dict[str, float] = field(default_factory=dict)
    sure_intercept: float = 0.0

    def raw(self, features: Features) -> float:
        """A candidate's score (log-odds against the other candidates of its project)."""
        return self.intercept + sum(self.coef.get(name, 0.0) * value for name, value in features)

    def score(self, features: Features) -> float:
        """A candidate on its own, as if it were its project's only rival to a neutral one."""
        return round(_sigmoid(self.raw(features)), 4)

    def calibrate(self, mass: float) -> float:
        """The confidence of a state whose softmax mass is `mass`."""
        mass = min(max(mass, 1e-6), 1 - 1e-6)
        return round(_sigmoid(self.scale * math.log(mass / (1 - mass)) + self.shift), 4)

    def surety(self, features: Features) -> float:
        """The probability that a decided (known) state is right (at most `SHARED_CUE_CAP`
        for a shared cue's)."""
        p = _sigmoid(self.sure_intercept + sum(self.sure.get(n, 0.0) * v for n, v in features))
        return round(capped_surety(p, features), 4)

    def to_json(self) -> dict[str, object]:
        return {"intercept": self.intercept, "scale": self.scale, "shift": self.shift, "unknown": self.unknown,
                "sure_intercept": self.sure_intercept, "sure": dict(sorted(self.sure.items())),
                "coef": dict(sorted(self.coef.items()))}


#: the most a completion may be trusted when the project's candidates offer other known states
#: too (`contested_completion`: 甲完工 beside a plan or works under way for it; not a completion
#: marked reached in its own clause that no cue of its own contests, `is_reached_completion`). Whether works
#: are done (completed), in use (operational), under way or only planned is the gold's hardest
#: line, and a completion cue is the state most often wrong where another state competes: on
#: train, out of fold, 0.62 right of 13 in the project's own clause, 0.71 of 7 before a list
#: (every other contested state in its own clause 0.95-1.00), and on the styles set's untuned
#: batch 4 four of its nine confident wrong rows. Capped like a shared cue (SHARED_CUE_CAP).
CONTESTED_COMPLETION_CAP = 0.75

#: surety features that cap a decision below CONFIDENT, and the cap of each
CAPS = {"shared_cue": SHARED_CUE_CAP, "contested_completion": CONTESTED_COMPLETION_CAP}


def capped_surety(p: float, features: Features) -> float:
    """The surety `p` of a decision with the surety features `features`, capped for a shared
    cue and for a contested completion (`CAPS`)."""
    for name, value in features:
        if name in CAPS and value:
            p = min(p, CAPS[name])
    return p


def capped_decision(features: Features) -> bool:
    """Whether a decision's surety is capped below CONFIDENT (`CAPS`): such decisions take no
    part in where the surety's edge lies."""
    return any(name in CAPS and value for name, value in features)


def link_kind(features: Features) -> str:
    """How a candidate's cue was linked to its project (its `link=` feature, not a crossed
    one): link=clause, link=after …; link=? when none says."""
    return next((name for name, _ in features if name.startswith("link=") and "&" not in name), "link=?")


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def model_from_dict(data: Mapping) -> StatusModel:
    """The model as the training script stores it."""
    return StatusModel({str(k): float(w) for k, w in data["coef"].items()}, float(data.get("intercept", 0.0)),
                       float(data.get("scale", 1.0)), float(data.get("shift", 0.0)),
                       float(data.get("unknown", 0.0)),
                       {str(k): float(w) for k, w in data.get("sure", {}).items()},
                       float(data.get("sure_intercept", 0.0)))


@lru_cache(maxsize=1)
def load_status_model() -> StatusModel:
    """The shipped weights, read once per process."""
    return model_from_dict(json.loads(Path(MODEL_PATH).read_text(encoding="utf-8")))


def project_confidence(status: Status, start: int | None, end: int | None,
                       rows: list[StatusMention]) -> float:
    """A project's status confidence: that of the cue that decided it (one of `rows`, the
    cues linked to it), else of a status with no linked cue (unknown, or a heading's)."""
    for row in rows:
        if row.start == start and row.end == end and row.confidence is not None:
            return row.confidence
    return load_status_model().unknown


# --- the ranker: candidates of each project and the choice ---------------------------------

_ONE_STATE = math.log1p(1) + 1e-9      # `log_sentence_states` of a sentence stating one state


@dataclass(frozen=True, slots=True)
class Candidate:
    """One way to set a project's status: the state, the cue span that says it (None for
    unknown), the linked row it is (None when it is no linked cue), and its features."""

    status: Status
    start: int | None
    end: int | None
    features: Features
    row: StatusMention | None = None
    cue: StatusMention | None = None        # an unlinked cue that would be linked (document, section)
    by_rules: bool = False                  # the rules' choice

    @property
    def binding(self) -> bool:
        """The rules' choice among the project's own cues, and one they are surer of than the
        ranker: any but a cue in a later clause of the project's sentence (`link=after`),
        whose clause may well be another subject's (甲完成投资3亿元，另有项目建成投产), or
        which is a plan (甲总投资3亿元，预计明年竣工: a plan says what is not reached yet, and
        the document may say what is); there the ranker weighs it against the project's other
        candidates (on train, grouped CV: 0.805 right with the ranker free beyond another
        subject, 0.793 with the rules' choice binding; free for a plan too, 0.806 against
        0.804, dev-fit->train 0.762 against 0.760), or which states a pace against a schedule
        (甲完成投资3亿元，快于时间进度: the pace of its investment, not a state reached; train
        CV 0.795 -> 0.800, dev-fit->train 0.750 -> 0.755, dev unchanged). A pace in the
        project's own clause still binds (其中甲达到序时进度 after a list's delay), and so does a plan
        after the project's label and colon when its sentence states nothing else (2.甲大桥：计划年底
        通车: the entry is the project's own; 甲：钢构件吊装完成，明年可望建成 is left to the ranker)."""
        return self.row is not None and self.by_rules and not (
            ("link=after", 1.0) in self.features
            and (("other_subject", 1.0) in self.features or ("pace", 1.0) in self.features
                 or ("future", 1.0) in self.features and not self._label_plan_alone))

    @property
    def _label_plan_alone(self) -> bool:
        """A plan after the project's label and colon, the only state its sentence states."""
        return ("after_label", 1.0) in self.features and dict(self.features).get(
            "log_sentence_states", 0.0) <= _ONE_STATE


@dataclass(frozen=True, slots=True)
class _DocumentState:
    """What the whole document says: its strong cues in order, and the state most of them state."""

    cues: tuple[StatusMention, ...]
    starts: tuple[int, ...]
    prevailing: Status | None
    share: float
    prevailing_cues: tuple[StatusMention, ...] = ()     # the cues of the prevailing state
    sections: dict[tuple[int, int], _SectionState] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, ex: Extraction, cues: Sequence[StatusMention]) -> _DocumentState:
        strong = tuple(sorted((c for c in cues if not c.weak and not c.future), key=lambda c: c.start))
        status, share = _prevailing(strong)
        return cls(strong, tuple(c.start for c in strong), status, share,
                   tuple(c for c in strong if c.status is status))

    def within(self, start: int, end: int) -> tuple[StatusMention, ...]:
        return self.cues[bisect_left(self.starts, start):bisect_left(self.starts, end)]

    def in_section(self, start: int, end: int) -> _SectionState:
        """The strong cues of the section [start, end) and the state most of them state,
        found once per section: every project of a section asks (a section of 4,000 rows,
        each a project with a cue, took the stage 10 s)."""
        found = self.sections.get((start, end))
        if found is None:
            cues = self.within(start, end)
            status, share = _prevailing(cues)
            of_status = tuple(c for c in cues if c.status is status)
            found = self.sections[(start, end)] = _SectionState(
                cues, status, share, of_status, tuple(c.start for c in of_status))
        return found

    def nearest(self, pos: int, status: Status) -> StatusMention | None:
        """The cue of `status` nearest to `pos` (the earlier one on a tie)."""
        of_status = [c for c in self.cues if c.status is status] if status is not self.prevailing \
            else self.prevailing_cues
        i = bisect_left(of_status, pos, key=lambda c: c.start)
        near = of_status[max(i - 1, 0):i + 1]
        return min(near, key=lambda c: (abs(c.start - pos), c.start)) if near else None


@dataclass(frozen=True, slots=True)
class _SectionState:
    """What a section says: its strong cues in order, the state most of them state and its
    share, and the cues of that state (with their starts, to find the nearest)."""

    cues: tuple[StatusMention, ...]
    prevailing: Status | None
    share: float
    prevailing_cues: tuple[StatusMention, ...]
    prevailing_starts: tuple[int, ...]

    def nearest(self, pos: int) -> StatusMention:
        """The cue of the prevailing state nearest to `pos`, the first in order on a tie: what
        ``min(prevailing_cues, key=distance)`` finds, by bisection."""
        cues, starts = self.prevailing_cues, self.prevailing_starts
        i = bisect_left(starts, pos)
        best = cues[i] if i < len(cues) else None       # the first at or after pos
        if i > 0:
            left = cues[bisect_left(starts, starts[i - 1])]     # the first at the start before
            if best is None or pos - left.start <= best.start - pos:
                best = left
        assert best is not None, "a section with a prevailing state has its cues"
        return best


def _prevailing(cues: Sequence[StatusMention]) -> tuple[Status | None, float]:
    """The state most of `cues` state (ties: the one named first) and its share."""
    counts = Counter(c.status for c in cues)
    if not counts:
        return None, 0.0
    first = {c.status: i for i, c in reversed(list(enumerate(cues)))}
    status, n = max(counts.items(), key=lambda kv: (kv[1], -first[kv[0]]))
    return status, n / len(cues)


def _log_chars(n: int) -> float:
    return math.log1p(max(n, 0)) / 5


@dataclass(slots=True)
class _Draft:
    """A candidate while its features are gathered (frozen into a `Candidate` at the end)."""

    status: Status
    start: int | None
    end: int | None
    features: dict[str, float]
    row: StatusMention | None = None
    cue: StatusMention | None = None
    by_rules: bool = False
    #: the cue spans the candidate rests on: its own cue's, or for the document's and its
    #: section's prevailing state every cue of that state (`_add_votes`)
    evidence: tuple[StatusMention, ...] = ()       # the document's or section's cues, not copied

    def freeze(self) -> Candidate:
        return Candidate(self.status, self.start, self.end, tuple((k, v) for k, v in self.features.items() if v),
                         self.row, self.cue, self.by_rules)


def candidates(ex: Extraction, project: Project, rows: Sequence[StatusMention],
               doc: _DocumentState, first_start: int, title: tuple[StatusMention, str] | None = None,
               cue_projects: Mapping[tuple[int, int], int] | None = None,
               nearest_cue: int | None = None) -> list[Candidate]:
    """Every way to set `project`'s status (its linked `rows` by the rules, the document's
    title's state (`title`, for a project named after it: 全县重点项目集中开工 over the
    report's list), the document's prevailing state, its section's prevailing state, a cue in
    a heading over it, the rules' fallback; `nearest_cue`: how many characters part the
    project's nearest mention from the nearest status cue of any kind, None for none)."""
    out: list[_Draft] = []
    chosen = (project.status_start, project.status_end)
    context = {"log_doc_cues": math.log1p(len(doc.cues)), "doc_share": doc.share,
               "project_has_rows": float(bool(rows))}
    last_strong = max((i for i, r in enumerate(rows) if not r.weak), default=-1)
    for i, row in enumerate(rows):
        out.append(_Draft(row.status, row.start, row.end, {
            **dict(row.features), "rule_choice": float((row.start, row.end) == chosen),
            "later_rows": math.log1p(len(rows) - i - 1), "later_strong": float(last_strong > i),
            "prevailing": float(row.status is doc.prevailing),
            **_shared(cue_projects.get((row.start, row.end), 1) if cue_projects else 1)},
            row=row, by_rules=(row.start, row.end) == chosen))
    heading = _heading_cue(ex, first_start, doc)
    if heading is not None and not any((r.start, r.end) == (heading.start, heading.end) for r in rows):
        out.append(_Draft(heading.status, heading.start, heading.end, {
            **dict(fallback_features(heading.status)), **context,
            "rule_choice": float((heading.start, heading.end) == chosen)}, cue=heading))
    if title is not None and not any((r.start, r.end) == (title[0].start, title[0].end) for r in rows) \
            and first_start >= title[0].end:
        opening, kind = title
        out.append(_Draft(opening.status, opening.start, opening.end, {
            f"link={kind}": 1.0, f"status={opening.status.value}": 1.0, **context,
            "future": float(opening.future), "rule_agrees": float(project.status is opening.status)}, cue=opening))
    if doc.prevailing is not None:
        cue = doc.nearest(first_start, doc.prevailing)
        assert cue is not None
        out.append(_Draft(doc.prevailing, cue.start, cue.end, {
            "link=document": 1.0, f"status={doc.prevailing.value}": 1.0, **context,
            "log_distance": _log_chars(abs(cue.start - first_start)),
            "rule_agrees": float(project.status is doc.prevailing)}, cue=cue,
            evidence=doc.prevailing_cues))
    section = innermost_section(ex.sections, first_start)
    if section.section_id != 0:
        in_section = doc.in_section(section.start, section.end)
        status, share = in_section.prevailing, in_section.share
        if status is not None:
            cue = in_section.nearest(first_start)
            out.append(_Draft(status, cue.start, cue.end, {
                "link=section": 1.0, f"status={status.value}": 1.0, **context,
                "section_share": share, "log_section_cues": math.log1p(len(in_section.cues)),
                "prevailing": float(status is doc.prevailing),
                "rule_agrees": float(project.status is status)}, cue=cue,
                evidence=in_section.prevailing_cues))
    _add_votes(out)
    # unknown, weighed by how much the document says of states at all (its confidence is the
    # held-out rate at which a chosen unknown was right: `StatusModel.unknown`)
    out.append(_Draft(Status.UNKNOWN, None, None, {
        **dict(fallback_features(Status.UNKNOWN)),
        **{f"unknown_{k}": v for k, v in (context | _quiet(nearest_cue)).items()}}))
    return [d.freeze() for d in out]


def _quiet(nearest_cue: int | None) -> dict[str, float]:
    """How far the project stands from the nearest status cue of any kind, linked to it or
    not, for its unknown candidate only (`unknown_log_nearest_cue`, `unknown_no_cue_near`):
    whether the text speaks of states around a project that has no cue of its own (a bare
    line of a list, a heading with no cue under it, a cue beside it the linker refused) says
    how likely the gold leaves it unknown rather than giving it the document's or its
    section's state. The weight is learnt (train.py statuses), not set here: on dev + train a
    cue beside the project raises unknown, one far off lowers it (a report whose every
    line states a state). Train CV mean of five assignments 0.770 -> 0.774, dev-fit -> train
    0.761 -> 0.761; on the document's and section's candidates too: 0.775 but 0.759. Also
    measured and not kept: a row overridden by a later strong row of another state in its
    clause (`overridden_in_clause`: 0.774 / 0.761, no change)."""
    if nearest_cue is None:
        return {"no_cue_near": 1.0}
    return {"log_nearest_cue": _log_chars(nearest_cue)}


def _nearest_cue(spans: Sequence[tuple[int, int]], cues: Sequence[StatusMention],
                 starts: Sequence[int]) -> int | None:
    """The fewest characters between any of `spans` (a project's mentions) and any of
    `cues` (sorted by start, `starts` their starts); None when there is no cue."""
    if not cues:
        return None
    best: int | None = None
    for start, end in spans:
        i = bisect_left(starts, start)
        for cue in cues[max(i - 3, 0):i + 1]:
            gap = max(cue.start - end, start - cue.end, 0)
            best = gap if best is None else min(best, gap)
    return best


# a cue linked to this many projects or more speaks of a list, not of the project: one
# cue over a long list (a title, a group's statement) is right or wrong for all of them at once
_WIDE_CUE = 5


def _shared(projects: int) -> dict[str, float]:
    """How many projects the cue is linked to (itself included): a cue over a long list
    decides less surely than one of the project's own."""
    return {"log_cue_projects": math.log1p(projects - 1), "wide_cue": float(projects >= _WIDE_CUE)}


def _add_votes(drafts: list[_Draft]) -> None:
    """Each candidate crossed with how it was found, and how many others state the same
    (`vote_share`, a ranker feature); for the surety only (`SURE_ONLY`), how many others
    state the same on a cue other than its own (`corroboration`: the document's or its
    section's prevailing state counts only when a cue of that state other than the
    candidate's stands in it; a lone cue is no corroboration of itself)."""
    counts = Counter(d.status for d in drafts)
    others = max(len(drafts) - 1, 1)
    # corroboration counted per state, not draft by draft against every other draft: a report
    # naming one project thousands of times made this quadratic (see `_rests_elsewhere`)
    resting: Counter[Status] = Counter()                    # drafts with a cue, per state
    on_cue: Counter[tuple[Status, int, int | None]] = Counter()     # of those, on one cue only
    for o in drafts:
        if o.start is not None:
            resting[o.status] += 1
            cue = _only_cue(o)
            if cue is not None:
                on_cue[(o.status, *cue)] += 1
    for d in drafts:
        kind = next(name for name in d.features if name.startswith("link="))
        votes = counts[d.status] - 1
        independent = 0
        if d.start is not None:
            # the other drafts of its state with a cue, less those resting on d's cue alone
            independent = resting[d.status] - on_cue[(d.status, d.start, d.end)] - _rests_elsewhere(d, d)
        d.features.update({f"{kind}&status={d.status.value}": 1.0, "log_votes": math.log1p(votes),
                           "vote_share": votes / others, "corroboration": independent / others})


def _only_cue(draft: _Draft) -> tuple[int, int | None] | None:
    """The span of the one cue `draft` rests on, or None when it rests on more than one (or
    on none: no start)."""
    if draft.start is None:
        return None
    if draft.evidence:      # (a lookup, not a copy: a report of thousands of rows, each a
        # project, would copy its thousands of cues for each)
        if len(draft.evidence) > 1:
            return None
        return draft.evidence[0].start, draft.evidence[0].end
    return draft.start, draft.end


def _rests_elsewhere(other: _Draft, draft: _Draft) -> bool:
    """Whether `other` rests on a cue other than `draft`'s (a draft with no cue, unknown, has
    none to be corroborated on)."""
    if draft.start is None or other.start is None:
        return False
    # one cue at most is the draft's own: resting on several, `other` rests elsewhere too
    cue = _only_cue(other)
    return cue is None or cue != (draft.start, draft.end)


def _heading_cue(ex: Extraction, pos: int, doc: _DocumentState) -> StatusMention | None:
    """A strong cue in the title of the innermost section over `pos` that has one."""
    section: Section | None = innermost_section(ex.sections, pos)
    while section is not None and section.section_id != 0:
        if section.title_end > section.title_start:
            i = bisect_left(doc.starts, section.title_start)
            if i < len(doc.cues) and doc.cues[i].end <= section.title_end:
                return doc.cues[i]
        section = ex.sections[section.parent_id] if section.parent_id is not None else None
    return None


def project_candidates(ex: Extraction, cues: Sequence[StatusMention],
                       title_max_chars: int | None = None) -> list[list[Candidate]]:
    """The candidates of every project of `ex`, in order (`cues`: all the document's status
    cues, linked or not; `title_max_chars`: the longest title line, rules/links.yaml of the
    pipeline's rule set; None: the shipped rules')."""
    if title_max_chars is None:
        title_max_chars = load_rules().links.title_max_chars
    doc = _DocumentState.of(ex, cues)
    rows_of: dict[str | None, list[StatusMention]] = {}
    for s in ex.statuses:
        rows_of.setdefault(s.project_key, []).append(s)
    first: dict[str, int] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    for m in ex.mentions:
        spans.setdefault(m.key, []).append((m.start, m.end))
        if m.rule_id != PROJECT_ANAPHORA_RULE and (m.key not in first or m.start < first[m.key]):
            first[m.key] = m.start
    title = _title_cue(ex.doc.norm, cues, title_max_chars, first.values())
    cue_projects = Counter((s.start, s.end) for s in ex.statuses)
    every_cue = sorted(cues, key=lambda c: c.start)
    cue_starts = [c.start for c in every_cue]
    return [candidates(ex, p, sorted(rows_of.get(p.key, []), key=lambda r: r.start), doc,
                       first.get(p.key, p.start), title, cue_projects,
                       _nearest_cue(spans.get(p.key, [(p.start, p.end)]), every_cue, cue_starts))
            for p in ex.projects]


def _title_cue(text: str, cues: Sequence[StatusMention], title_max_chars: int,
               named: Iterable[int] = ()) -> tuple[StatusMention, str] | None:
    """The last strong cue of the document's opening and what the opening is: its title line
    (`layout.title_line`, as link and the status finder read it: `doc_title`), else, when its
    first line holds a full stop, its first sentence, the lead of a news report (`doc_lead`:
    今年全市计划新开工项目…); a plan or not (计划开工项目一览 states the plan of the projects it
    lists). A first line that is neither (a list head 新开工项目：, a line cut by ；) opens nothing,
    and neither does a first sentence that names a project (`named`: where each project is
    first named):
    its cue is that project's (甲大楼已投入使用。乙工程确保年底前…: no lead for 乙)."""
    title = title_line(text, title_max_chars)
    if title is not None:
        (start, end), kind = title, "doc_title"
    else:
        start = len(text) - len(text.lstrip())
        line_end = text.find("\n", start)
        end = text.find("。", start, len(text) if line_end < 0 else line_end)
        if end < 0 or any(start <= at < end for at in named):
            return None
        kind = "doc_lead"
    cue = max((c for c in cues if start <= c.start and c.end <= end and not c.weak),
              key=lambda c: c.start, default=None)
    return (cue, kind) if cue is not None else None


def decide_statuses(ex: Extraction, cues: Sequence[StatusMention], model: StatusModel | None = None,
                    title_max_chars: int | None = None) -> tuple[list[Project], list[StatusMention]]:
    """Each project's status set by the state with the most probability among its
    candidates (its best-scored cue gives the span); every linked row's confidence is its
    state's calibrated probability; a cue that wins without being linked to the project
    (the document's, the section's, a heading's) becomes a row linked to it
    (`title_max_chars`: see `project_candidates`)."""
    model = model or load_status_model()
    confidence: dict[tuple[int, int, str | None], float] = {}
    added: list[StatusMention] = []
    projects = []
    for project, options in zip(ex.projects, project_candidates(ex, cues, title_max_chars), strict=True):
        win, mass = _choose(model, options)
        decided = _decided_confidence(model, win, mass)
        for c in options:
            if c.row is not None:
                confidence[(c.row.start, c.row.end, c.row.project_key)] = \
                    decided if c.status is win.status else model.calibrate(mass[c.status])
        if win.cue is not None and win.row is None:
            added.append(replace(win.cue, project_key=project.key, confidence=decided, features=win.features))
        projects.append(replace(project, status=win.status, status_start=win.start, status_end=win.end))
    rows = [replace(s, confidence=confidence.get((s.start, s.end, s.project_key), s.confidence))
            for s in ex.statuses]
    return projects, sorted(rows + added, key=lambda c: (c.start, c.project_key or ""))


def _decided_confidence(model: StatusModel, win: Candidate, mass: dict[Status, float]) -> float:
    """The confidence of the decided state: the second model's surety over how the winner
    was linked and whether rule and ranker agree (the mass's calibration for an older model
    without one)."""
    if win.status is Status.UNKNOWN:
        return model.unknown
    if not model.sure:
        return model.calibrate(mass[win.status])
    agree = max(mass, key=lambda s: mass[s]) is win.status
    states = len({s for s in mass if s is not Status.UNKNOWN})
    return model.surety(sure_features(win.features, agree, states))


def _choose(model: StatusModel, options: Sequence[Candidate]) -> tuple[Candidate, dict[Status, float]]:
    """The candidate that sets the status, and each state's softmax mass (its confidence).

    A project with cues of its own keeps the rules' choice among them (the latest state
    reached: the gold's rule, which the rules follow better than the model learns it)
    unless that choice is a cue in a later clause (`Candidate.binding`); any other takes
    the best-scored candidate of the state with the most mass (ties: the earlier candidate)."""
    scores = [model.raw(c.features) for c in options]
    top = max(scores)
    weights = [math.exp(z - top) for z in scores]
    total = sum(weights)
    mass: dict[Status, float] = {}
    for c, w in zip(options, weights, strict=True):
        mass[c.status] = mass.get(c.status, 0.0) + w / total
    own = next((c for c in options if c.binding), None)
    if own is not None:
        return own, mass
    best = max(range(len(options)), key=lambda i: (mass[options[i].status], scores[i], -i))
    return options[best], mass
