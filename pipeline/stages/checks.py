"""Figures of one document that do not agree (the `checks` table; the checks across
reports are in `pipeline/batch/ledger.py`). Thresholds and cues: rules/ledger.yaml `checks`.

- `plan_share`: completed ÷ planned against a stated share of the year's plan
  (完成投资8.5亿元，占年度计划10亿元的… 95% → 85 % computed), beyond rounding;
- `parts_exceed_total`: the parts of a total (其中 …, 分别为 …) sum to more than it;
- `completed_over_total`: a project's completed investment above its total investment;
- `share_over_100`: a share of a whole (占全市…的X%) above 100 % (completing 120 % of a
  plan is no such share, and no check).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pipeline.rules.loader import RuleSet
from pipeline.stages.ledger_rules import LedgerRules, ledger_rules
from pipeline.text.punctuation import SEGMENT_MARKS
from pipeline.types import Extraction, Kind, Project, Quantity, Role

ERROR, WARNING = "error", "warning"
_CLAUSE_MARKS = "。；;！？!?\n"
_INVESTMENT_ROLES = (Role.TOTAL, Role.PLANNED, Role.COMPLETED)     # parts are checked for these amounts
_SHARE_CUE_CHARS = 30       # how far before a percentage its cue (占年度计划的) may start


@dataclass(frozen=True, slots=True)
class Check:
    """Figures that do not agree: the main one (`start`/`end`) and the one it is checked
    against (`other_start`/`other_end`), in normalised offsets of one document."""

    kind: str
    severity: str
    message: str
    start: int
    end: int
    other_start: int
    other_end: int
    project_key: str | None = None


def document_checks(ex: Extraction, rules: RuleSet) -> list[Check]:
    """Every check one document raises, in text order."""
    lr = ledger_rules(rules)
    text = ex.doc.norm
    money = [q for q in ex.quantities if q.kind is Kind.MONEY and q.value is not None]
    found = [*_plan_shares(text, ex.quantities, money, lr), *_shares_over_100(text, ex.quantities, lr),
             *_parts_over_total(text, money, lr), *_completed_over_total(text, ex.projects, money, lr)]
    return sorted(found, key=lambda c: (c.start, c.kind))


def _fmt(value: Decimal | float) -> str:
    return f"{float(value):.1f}".rstrip("0").rstrip(".")


def _share_cue(text: str, q: Quantity) -> str:
    """The text of q's clause before it (at most `_SHARE_CUE_CHARS` characters)."""
    before = text[max(0, q.start - _SHARE_CUE_CHARS):q.start]
    cut = max(before.rfind(c) for c in _CLAUSE_MARKS + "，,")
    return before[cut + 1:].rstrip(" ")


def _last_before(money: list[Quantity], role: Role, pos: int, floor: int, project: str | None) -> Quantity | None:
    """The last amount of `role` between `floor` and `pos`, of `project` when it has one."""
    for q in reversed(money):
        if q.start >= pos or q.end < floor or q.role is not role:
            continue
        if project is None or q.project_key in (None, project):
            return q
    return None


def _plan_shares(text: str, quantities: list[Quantity], money: list[Quantity], lr: LedgerRules) -> list[Check]:
    window = int(lr.checks.plan_share_window)
    tolerance = float(lr.checks.plan_share_tolerance)
    found = []
    shares = [q for q in quantities if q.kind is Kind.PERCENT and q.value is not None
              and lr.plan_share_before.search(_share_cue(text, q))]
    for k, q in enumerate(shares):
        assert q.value is not None
        # the completed amount in the percentage's own sentence (an earlier sentence's is
        # another project's, often); the plan may be stated a sentence before (年度计划投资X。
        # 1-10月完成投资Y，占年度计划的Z%), within the paragraph, but not before an earlier
        # share: that plan is used up (全省完成X，占年度计划P的81%，其中：重大项目完成Y，占年度
        # 计划80%: Y's own plan is not stated)
        paragraph = max(0, q.start - window, text.rfind("\n", 0, q.start) + 1,
                        shares[k - 1].end if k else 0)
        sentence = max(paragraph, *(text.rfind(c, 0, q.start) + 1 for c in SEGMENT_MARKS))
        done = _last_before(money, Role.COMPLETED, q.start, sentence, q.project_key)
        plan = _last_before(money, Role.PLANNED, q.start, paragraph, q.project_key)
        if done is None or plan is None or not plan.value or done.value is None:
            continue
        computed = float(done.value) / float(plan.value) * 100
        if abs(computed - float(q.value)) > tolerance:
            found.append(Check(
                "plan_share", WARNING,
                f"{text[done.start:done.end]} completed of {text[plan.start:plan.end]} planned is "
                f"{_fmt(computed)}%, but the text states {text[q.start:q.end]}",
                q.start, q.end, done.start, done.end, q.project_key))
    return found


def _shares_over_100(text: str, quantities: list[Quantity], lr: LedgerRules) -> list[Check]:
    return [Check("share_over_100", ERROR,
                  f"a share of a whole cannot exceed 100%: {_share_cue(text, q)}{text[q.start:q.end]}",
                  q.start, q.end, q.start, q.end, q.project_key)
            for q in quantities
            if q.kind is Kind.PERCENT and q.value is not None and q.value > 100
            and lr.whole_share_before.search(_share_cue(text, q))]


def _parts_over_total(text: str, money: list[Quantity], lr: LedgerRules) -> list[Check]:
    """An investment total followed by a breakdown marker (其中, 分别为 …) in its sentence or
    opening the next, and at least two parts (the first after the marker, then items that
    inherit its role) whose sum exceeds it. One part alone is often no part at all
    (年均超收2040亿元，其中去年超收2573亿元)."""
    tolerance = Decimal(str(lr.checks.parts_tolerance))
    found = []
    for i, total in enumerate(money):
        if total.role_cue in ("breakdown", "list") or not total.value:
            continue
        parts = _parts_after(text, money, i, lr)
        summed = sum((p.value for p in parts if p.value is not None), Decimal(0))
        if len(parts) >= 2 and summed > total.value * (1 + tolerance):
            found.append(Check(
                "parts_exceed_total", ERROR,
                f"the parts ({' + '.join(text[p.start:p.end] for p in parts)}) sum to "
                f"{_fmt(summed / Decimal(10) ** 8)}亿元, more than their total {text[total.start:total.end]}",
                total.start, total.end, parts[0].start, parts[-1].end, total.project_key))
    return found


def _parts_after(text: str, money: list[Quantity], i: int, lr: LedgerRules) -> list[Quantity]:
    """The parts of money[i]: the next amount when a breakdown marker stands between them
    and it has the total's role, then the amounts that follow as items of its list."""
    total = money[i]
    if i + 1 >= len(money) or total.role not in _INVESTMENT_ROLES:
        return []
    first = money[i + 1]
    marker = lr.breakdown.search(text, total.end, first.start)
    if marker is None or first.role is not total.role or not _adjacent(text, total.end, marker.start()) \
            or any(c in SEGMENT_MARKS for c in text[marker.end():first.start]):
        return []
    parts = [first]
    for q in money[i + 2:]:
        if q.role_cue not in ("breakdown", "list") or q.role is not total.role:
            break
        parts.append(q)
    return parts


def _adjacent(text: str, end: int, marker: int) -> bool:
    """The breakdown marker at `marker` speaks of the amount ending at `end`: in its sentence,
    or opening the next one (…增长12.4%。其中，…)."""
    between = text[end:marker]
    stops = [i for i, c in enumerate(between) if c in SEGMENT_MARKS]
    return not stops or (len(stops) == 1 and not between[stops[0] + 1:].strip(" ，,：:\n"))


def _first_of(money: list[Quantity], key: str, role: Role) -> Quantity | None:
    return next((q for q in money if q.project_key == key and q.role is role), None)


def _completed_over_total(text: str, projects: list[Project], money: list[Quantity],
                          lr: LedgerRules) -> list[Check]:
    tolerance = Decimal(str(lr.checks.completed_tolerance))
    found = []
    for p in projects:
        if p.completed_investment is None or not p.total_investment:
            continue
        if p.completed_investment <= p.total_investment * (1 + tolerance):
            continue
        done, total = _first_of(money, p.key, Role.COMPLETED), _first_of(money, p.key, Role.TOTAL)
        if done is None or total is None:
            continue
        found.append(Check(
            "completed_over_total", ERROR,
            f"{p.name}: completed investment {text[done.start:done.end]} is more than its total "
            f"investment {text[total.start:total.end]}",
            done.start, done.end, total.start, total.end, p.key))
    return found
