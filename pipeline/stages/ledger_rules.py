"""`rules/ledger.yaml`, loaded once per rule set: identity, dates, responsible units and
the figure checks (see the file for what each entry means, with examples)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from pipeline.rules.compiled import compiled
from pipeline.rules.configs import LedgerChecks
from pipeline.rules.loader import RuleError, RuleSet, alternation


@dataclass(frozen=True, slots=True, eq=False)
class LedgerRules:
    phase: regex.Pattern[str]
    own_level_words: tuple[str, ...]
    separator: str
    relative_years: dict[str, int]
    year_parts: tuple[str, ...]
    month_numerals: dict[str, int]
    date: regex.Pattern[str]            # one date expression (named groups, see _date_pattern)
    max_gap: int
    gap_stop: regex.Pattern[str]
    plan_start_rules: frozenset[str]
    plan_end_rules: frozenset[str]
    unit: regex.Pattern[str]            # group 1: the value after a unit cue
    leader: regex.Pattern[str]
    max_distance: int
    checks: LedgerChecks
    plan_share_before: regex.Pattern[str]
    whole_share_before: regex.Pattern[str]
    breakdown: regex.Pattern[str]       # 其中, 分别为 … (rules/roles.yaml breakdown_markers)


def _date_pattern(relative: dict[str, int], parts: tuple[str, ...], months: dict[str, int]) -> regex.Pattern[str]:
    """A date: a year (2021年, 今年) and/or a month (9月, 九月) and a day (2日), or a part
    of a year (年底): 2023年9月2日, 今年7月, 2021年底, 9月2日, 去年底."""
    month = f"(?P<month>1[0-2]|0?[1-9]|{alternation(list(months))})月(?:份)?"
    day = r"(?:(?P<day>3[01]|[12][0-9]|0?[1-9])[日号])"
    # 年内 is this year, 五年内 is not: no numeral before a relative year
    relative_year = rf"(?<![0-9一二三四五六七八九十两几多])(?P<relative>{alternation(list(relative))})"
    year = rf"(?:(?P<year>(?:19|20)[0-9]{{2}})年|{relative_year})"
    part = f"(?P<part>{alternation(list(parts))})"
    return compiled(rf"(?<![0-9]){year}(?:{month}{day}?|{part})?|(?<![0-9年]){month}{day}?")


@lru_cache(maxsize=8)
def ledger_rules(rules: RuleSet) -> LedgerRules:
    """The ledger rules compiled (the loader has read and checked ledger.yaml). Their patterns
    come from the patterns' cache file (`compiled`): `regex` parsed them in 9 ms of every
    run's start, before its first workers are forked."""
    c = rules.ledger
    ident, dates, resp = c.identity, c.dates, c.responsible
    relative = {str(k): int(v) for k, v in dates.relative_years.items()}
    months = {str(k): int(v) for k, v in dates.month_numerals.items()}
    value = f"[ \t]*(?:{resp.separator})[ \t]*({resp.value})"
    try:
        unit = compiled(f"(?:{alternation(resp.unit_cues)}){value}")
        leader = compiled(f"(?:{alternation(resp.leader_cues)}){value}")
    except regex.error as exc:
        raise RuleError(f"ledger.yaml: key 'responsible.value' or 'responsible.separator': bad pattern: {exc}") \
            from exc
    return LedgerRules(
        phase=ident.phase, own_level_words=ident.own_level_words, separator=ident.separator,
        relative_years=relative, year_parts=dates.year_parts, month_numerals=months,
        date=_date_pattern(relative, dates.year_parts, months),
        max_gap=dates.max_gap, gap_stop=dates.gap_stop,
        plan_start_rules=frozenset(dates.plan_start_rules), plan_end_rules=frozenset(dates.plan_end_rules),
        unit=unit, leader=leader, max_distance=resp.max_distance,
        checks=c.checks, plan_share_before=c.checks.plan_share_before,
        whole_share_before=c.checks.whole_share_before,
        breakdown=compiled(alternation(rules.roles.breakdown_markers)),
    )
