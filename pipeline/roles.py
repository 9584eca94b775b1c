"""Money roles: total, planned, completed investment, or other money.

The cue that ends nearest the amount in its clause decides (longest cue when several end
at the same place, so 计划完成投资 is planned while 完成投资 is completed); generic
words (投资, 投入) decide only when no specific cue is there. A clause without any cue
that follows a breakdown marker (其中) inherits the role of the total before it.

>>> from pipeline.rules import load_rules
>>> from pipeline.quantities import QuantityExtractor
>>> rules = load_rules()
>>> text = "总投资12亿元，年度计划投资3亿元，其中，交通项目2亿元；完成投资1亿元。"
>>> qs = assign_roles(text, QuantityExtractor(rules)(text), rules)
>>> [q.role.value for q in qs]
['total_investment', 'planned_investment', 'planned_investment', 'completed_investment']
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import regex

from pipeline.rules import RuleSet, alternation
from pipeline.sentences import char_index
from pipeline.types import Kind, Quantity, Role

_ROLE_CLAUSE_END = "，,；;。！？!?\n"
_BREAKDOWN_SCOPE_END = "。！？!?\n"


class _Cues:
    def __init__(self, rules: RuleSet) -> None:
        self.tier: dict[str, tuple[Role, int]] = {}
        for role, (specific, generic) in rules.role_cues.items():
            for word in generic:
                self.tier.setdefault(word, (role, 2))
            for word in specific:
                self.tier[word] = (role, 1)
        self.pattern = regex.compile(alternation(list(self.tier)))
        self.threshold = regex.compile(rules.roles["threshold_after"])
        self.breakdown = regex.compile(alternation(rules.roles["breakdown_markers"]))
        self.budget = regex.compile(rules.roles["budget_after"])
        self.breakdown_item = regex.compile(rules.roles["breakdown_item"])
        self.verbs = set(rules.roles["completion_verbs"])
        self.measure = regex.compile(alternation(rules.roles["measures"]))
        self.comparison = regex.compile(rules.roles["comparison_before"])


@lru_cache(maxsize=4)
def _cues(rules: RuleSet) -> _Cues:
    return _Cues(rules)


def find_role(prefix: str, cues: _Cues) -> tuple[Role, str] | None:
    """The role decided by the cues in `prefix` (the clause before an amount), if any.

    A completion verb (完成, 累计投入 …) governs the amount after it whatever the noun in
    between (完成中央资金3亿元, 已完成省级投资计划6亿元) unless a longer planned cue holds
    it (计划完成, 力争完成) or a measure is its subject (地区生产总值完成73亿元). Otherwise
    the cue ending nearest the amount decides, the longest at one place.
    """
    matches = list(cues.pattern.finditer(prefix, overlapped=True))
    verbs = [m for m in matches if m.group() in cues.verbs]
    if verbs:
        verb = verbs[-1]
        holders = [m for m in matches if cues.tier[m.group()][0] is Role.PLANNED
                   and m.start() <= verb.start() and verb.end() <= m.end()]
        if holders:
            return Role.PLANNED, max(holders, key=lambda m: len(m.group())).group()
        subject = cues.measure.search(prefix, 0, verb.start())
        if subject is not None:
            return Role.OTHER, subject.group()
        return Role.COMPLETED, verb.group()
    best: dict[int, tuple[int, int, str]] = {}
    for m in matches:
        role, tier = cues.tier[m.group()]
        key = (m.end(), len(m.group()))
        if tier not in best or key > best[tier][:2]:
            best[tier] = (*key, m.group())
    for tier in (1, 2):
        if tier in best:
            word = best[tier][2]
            return cues.tier[word][0], word
    return None


def assign_roles(text: str, quantities: list[Quantity], rules: RuleSet) -> list[Quantity]:
    """Return the quantities with `role` set on every money amount."""
    cues = _cues(rules)
    out: list[Quantity] = []
    prev_role: Role | None = None       # role of the previous amount (thresholds aside)
    prev_end = 0
    prev_money_end = 0
    for q in quantities:
        if q.kind is not Kind.MONEY:
            out.append(q)
            continue
        clause_start = char_index(text, _ROLE_CLAUSE_END).last_before(q.start) + 1
        # cues before an earlier amount of the clause are that amount's (实际完成25亿元增加9亿元)
        prefix = text[max(clause_start, prev_money_end):q.start]
        after = text[q.end:q.end + 16]
        found = find_role(prefix, cues)
        if cues.threshold.match(after):
            out.append(replace(q, role=Role.OTHER, role_cue="threshold"))
            prev_money_end = q.end
            continue
        if prev_role is not None and cues.comparison.search(prefix):
            role, cue = prev_role, "comparison"     # 完成12.98亿元，比去年同期12.62亿元增长
        elif found is not None and found[0] is not Role.OTHER and cues.budget.match(after):
            role, cue = Role.TOTAL, "budget"        # 计划投资4亿元的城东快速路: the whole cost
        elif found is not None:
            role, cue = found
        elif prev_role is not None and _in_breakdown(text, prev_end, q.start, prefix, cues):
            role, cue = prev_role, "breakdown"      # 其中，A 5亿元，B 3亿元: each item inherits
        else:
            role, cue = Role.OTHER, None
        prev_role, prev_end = role, q.end
        prev_money_end = q.end
        out.append(replace(q, role=role, role_cue=cue))
    return out


def _in_breakdown(text: str, prev_end: int, start: int, prefix: str, cues: _Cues) -> bool:
    """This amount is an item of a breakdown: a marker (其中) sits between the previous amount
    and this one, or earlier in the sentence they share and the amount follows a bare item
    name (其中，交通项目完成投资126亿元，产业项目98亿元)."""
    between = text[prev_end:start]
    if "\n" in between.strip("\n"):
        return False
    if cues.breakdown.search(between):
        return True
    if any(ch in _BREAKDOWN_SCOPE_END for ch in between):
        return False
    if not cues.breakdown_item.search(prefix.strip()):
        return False
    sentence_start = char_index(text, _BREAKDOWN_SCOPE_END).last_before(prev_end) + 1
    return cues.breakdown.search(text, sentence_start, prev_end) is not None
