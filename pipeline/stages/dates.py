"""When a status was reached, and when a plan says it will be: `statuses.event_date`.

A date stands right before its status cue, in the same clause (于2023年9月2日开工,
今年7月交付使用, 2021年底建成), or inside a plan's cue (计划2024年6月竣工). It is resolved
against the year the report was written (今年, 去年, a month without a year: `writing_year`)
and kept at the precision
the text gives: day (2023-09-02), month (2022-07) or year (2021). No date, or a date that
needs a year the report does not give, is None.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import regex

from pipeline.rules.loader import RuleSet
from pipeline.stages.ledger_rules import LedgerRules, ledger_rules
from pipeline.stages.region import calendar
from pipeline.types import PlacePeriod, Project, Status, StatusMention

# year bases (`documents.year_basis`) of reports that look back on the year before the one
# they were written in: a 2024 government work report covers 2023, and its 今年 is 2024
_LOOKING_BACK = ("review_heading", "delivery_year_minus_one")


@dataclass(frozen=True, slots=True)
class EventDate:
    value: str          # 2023-09-02, 2022-07 or 2021
    precision: str      # day, month or year
    start: int          # the date expression (offsets of the text it was found in)
    end: int


def _month(raw: str, lr: LedgerRules) -> int:
    return int(raw) if raw.isdigit() else lr.month_numerals[raw]


def writing_year(place: PlacePeriod | None, rules: RuleSet) -> int | None:
    """The year the report was written, which 今年/去年/明年 count from: the year of its
    stated issue date; else the covered year, one later for a report looking back.

    >>> from pipeline.rules.loader import load_rules
    >>> rules = load_rules()
    >>> [writing_year(PlacePeriod(year=2023, year_basis=b, published=p), rules)
    ...  for b, p in (("title", None), ("delivery_year_minus_one", None), ("title", "2024-01"))]
    [2023, 2024, 2024]
    """
    if place is None:
        return None
    if place.published:
        return int(place.published[:4])
    if place.year is not None and place.year_basis in _LOOKING_BACK:
        return place.year - calendar(rules).delivery_year_offset
    return place.year


def resolve(m: regex.Match[str], report_year: int | None, lr: LedgerRules) -> EventDate | None:
    """The date one match of `LedgerRules.date` names, or None when its year is unknown.

    >>> from pipeline.rules.loader import load_rules
    >>> lr = ledger_rules(load_rules())
    >>> [resolve(lr.date.search(t), 2022, lr).value for t in ("2023年9月2日", "今年7月", "2021年底", "去年十二月")]
    ['2023-09-02', '2022-07', '2021', '2021-12']
    """
    if m.group("year"):
        year: int | None = int(m.group("year"))
    elif m.group("relative"):
        year = None if report_year is None else report_year + lr.relative_years[m.group("relative")]
    else:
        year = report_year
    if year is None:
        return None
    if m.group("month") is None:
        return EventDate(f"{year:04d}", "year", m.start(), m.end())
    month = _month(m.group("month"), lr)
    if m.group("day") is None:
        return EventDate(f"{year:04d}-{month:02d}", "month", m.start(), m.end())
    return EventDate(f"{year:04d}-{month:02d}-{int(m.group('day')):02d}", "day", m.start(), m.end())


def date_of_cue(text: str, cue: StatusMention, report_year: int | None, rules: RuleSet) -> EventDate | None:
    """The date of status cue `cue` in `text` (both in normalised offsets), None if none.

    The last date that ends inside the cue (a plan: 计划2024年6月竣工) or at most
    `max_gap` characters before it with no clause mark between (于9月2日正式开工).
    """
    lr = ledger_rules(rules)
    window_start = max(0, cue.start - lr.max_gap - 16)
    found = None
    for m in lr.date.finditer(text, window_start, cue.end):
        if m.end() > cue.end:
            break
        gap = text[m.end():cue.start] if m.end() <= cue.start else ""
        if len(gap) <= lr.max_gap and not lr.gap_stop.search(gap) and not lr.gap_stop.search(text[m.end():cue.end]):
            found = m
    return None if found is None else resolve(found, report_year, lr)


def plan_kind(cue: StatusMention, rules: RuleSet) -> str | None:
    """`start` or `end` for a plan's cue (计划…开工, 计划…竣工), None for any other cue."""
    lr = ledger_rules(rules)
    if not cue.future:
        return None
    if cue.rule_id in lr.plan_start_rules:
        return "start"
    if cue.rule_id in lr.plan_end_rules:
        return "end"
    return None


def started_before_this_year(projects: list[Project], text: str, place: PlacePeriod | None,
                             rules: RuleSet) -> list[Project]:
    """`projects` with a start dated in a year before the one the report was written in
    (2024年2月开工 in a 2026 report) as in progress: the works have gone on since, and the
    GUIDELINES' started is a start with nothing later (in the gold sets and the styles
    batches 1-50, none of the 15 projects the rules gave such a start is started: 6 are in
    progress, the rest further on). A start this year, or with no year the text gives, stays."""
    year = writing_year(place, rules)
    if year is None:
        return projects
    out = []
    for project in projects:
        if project.status is Status.STARTED and project.status_start is not None and project.status_end is not None:
            cue = StatusMention(project.status, project.status_start, project.status_end, "")
            date = date_of_cue(text, cue, year, rules)
            if date is not None and int(date.value[:4]) < year:
                project = replace(project, status=Status.IN_PROGRESS)
        out.append(project)
    return out
