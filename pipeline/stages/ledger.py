"""A project's ledger (项目台账) fields in one document: the date each status cue gives,
the planned start and end, the responsible unit and the contact leader.

    1.岚皋县城南污水处理厂。总投资1.2亿元，于2023年9月2日开工。计划2024年6月竣工。
      责任单位：县住建局；联系领导：副县长 周某

gives the 开工 cue the date 2023-09-02 (day), the project planned_end 2024-06, responsible_unit
县住建局 and contact_leader 副县长 周某. A unit or leader belongs to the project named last
before it (at most `responsible.max_distance` characters before, rules/ledger.yaml).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from pipeline.rules.loader import RuleSet
from pipeline.stages.dates import EventDate, date_of_cue, plan_kind, writing_year
from pipeline.stages.ledger_rules import ledger_rules
from pipeline.types import Extraction, ProjectMention


@dataclass(frozen=True, slots=True)
class Named:
    """A value the text names, with its span (normalised offsets)."""

    value: str
    start: int
    end: int


@dataclass(slots=True)
class ProjectLedger:
    planned_start: EventDate | None = None
    planned_end: EventDate | None = None
    responsible_unit: Named | None = None
    contact_leader: Named | None = None


@dataclass(slots=True)
class Ledger:
    """One document's ledger facts: dates by status cue (its index in `Extraction.statuses`),
    fields by project key."""

    cue_dates: dict[int, EventDate] = field(default_factory=dict)
    projects: dict[str, ProjectLedger] = field(default_factory=dict)


def document_ledger(ex: Extraction, rules: RuleSet) -> Ledger:
    year = writing_year(ex.place, rules)
    ledger = Ledger()
    for i, cue in enumerate(ex.statuses):
        date = date_of_cue(ex.doc.norm, cue, year, rules)
        if date is None:
            continue
        kind = plan_kind(cue, rules)
        if kind is None and not cue.future:
            ledger.cue_dates[i] = date
        elif kind is not None and cue.project_key is not None:
            _plan(ledger.projects.setdefault(cue.project_key, ProjectLedger()), kind, date)
    for key, attr, named in _responsible(ex, rules):
        fields = ledger.projects.setdefault(key, ProjectLedger())
        if getattr(fields, attr) is None:
            setattr(fields, attr, named)
    return ledger


def _plan(fields: ProjectLedger, kind: str, date: EventDate) -> None:
    """The first plan a document states for each end wins (a later one is usually a stage's)."""
    if kind == "start" and fields.planned_start is None:
        fields.planned_start = date
    elif kind == "end" and fields.planned_end is None:
        fields.planned_end = date


def _responsible(ex: Extraction, rules: RuleSet) -> list[tuple[str, str, Named]]:
    """(project key, field, value) for every unit and leader cue the text has."""
    lr = ledger_rules(rules)
    mentions = sorted((m for m in ex.mentions if m.key), key=lambda m: m.start)
    starts = [m.start for m in mentions]
    found = []
    for pattern, attr in ((lr.unit, "responsible_unit"), (lr.leader, "contact_leader")):
        for m in pattern.finditer(ex.doc.norm):
            owner = _owner(mentions, starts, m.start(), lr.max_distance)
            value = m.group(1).strip()
            if owner is None or not value:
                continue
            start = m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip()))
            found.append((owner.key, attr, Named(value, start, start + len(value))))
    return found


def _owner(mentions: list[ProjectMention], starts: list[int], pos: int, reach: int) -> ProjectMention | None:
    i = bisect_right(starts, pos) - 1
    if i < 0 or pos - mentions[i].end > reach:
        return None
    return mentions[i]


def first_cue_at(ex: Extraction) -> dict[int, int]:
    """The index in `Extraction.statuses` of the first cue starting at each place: what a
    project's deciding cue is looked up in (`deciding_cue`), made once per document (a
    search of the cues for each project took a document naming 30,000 projects 40 s)."""
    first: dict[int, int] = {}
    for i, cue in enumerate(ex.statuses):
        first.setdefault(cue.start, i)
    return first


def deciding_cue(cue_at: dict[int, int], status_start: int | None) -> int | None:
    """The index in `Extraction.statuses` of the cue at `status_start` (a project's deciding
    cue), from `first_cue_at`."""
    if status_start is None:
        return None
    return cue_at.get(status_start)
