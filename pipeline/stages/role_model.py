"""The evidence around a money amount's role, as features a learned decision can weigh.

The rules of `stages/roles.py` decide each amount's role by the first mechanism that
applies. What they saw on the way (which cue, how far, which other cues the sentence holds,
whether it names a project, a region or a sector, a plan or a year, a list or a bracket) is
written here as general features — classes of report language from rules/roles.yaml,
never the words of particular names — so that `scripts/train.py roles` can measure by
grouped cross-validation whether a model over them decides better than the rules alone.

>>> from pipeline.extract import Pipeline
>>> pipeline = Pipeline(weigh_projects=False, rank_statuses=False)
>>> found, layout = pipeline.found("d", "城东快速路项目总投资12亿元，2024年投资3亿元。", until="statuses")
>>> for x in role_features(layout, found.quantities, pipeline.rules):
...     print([n for n, _ in x if n.startswith(("rule=", "by=", "before_")) and "&" not in n])
['by=cue_specific', 'rule=total_investment']
['before_total', 'by=year_part', 'rule=planned_investment']
"""

from __future__ import annotations

from pipeline.rules.loader import RuleSet
from pipeline.stages.roles import RoleCues, role_cues
from pipeline.stages.tables import TABLE_COLUMN_CUE
from pipeline.text.layout import Layout
from pipeline.text.punctuation import CLAUSE_END, SENTENCE_END
from pipeline.types import Kind, Quantity, Role

Features = tuple[tuple[str, float], ...]     # (name, value), zeros left out

#: the mechanisms `role_cue` names besides a cue word (stages/roles.py; a table's column: stages/tables.py)
MECHANISMS = frozenset({"threshold", "list", "new_level", "comparison", "budget", "target", "source",
                        "breakdown", "parallel", "bracket", "cost_after", "region", "done_near",
                        "period_done", "this_year", "year_part", "year_target", "task_heading",
                        "excess", TABLE_COLUMN_CUE})


def _distance(d: int) -> str:
    return "0" if d <= 0 else "1-3" if d <= 3 else "4-8" if d <= 8 else "9+"


def _roles_in(text: str, start: int, end: int, cues: RoleCues) -> set[Role]:
    """The roles of the specific cues found in text[start:end]."""
    return {cues.tier[m.group()][0] for m in cues.pattern.finditer(text, start, end, overlapped=True)
            if cues.tier[m.group()][1] == 1}


def amount_features(layout: Layout, q: Quantity, nth: int, count: int, cues: RoleCues) -> Features:
    """The evidence around one money amount whose rule role is set (`nth` of `count` amounts
    in its sentence)."""
    text = layout.text
    sentence_start, sentence_end = layout.unit_around(q.start, q.end, SENTENCE_END)
    clause_start = layout.clause_start(q.start, CLAUSE_END)
    clause_end = layout.clause_end(q.end, CLAUSE_END)
    rule = q.role.value if q.role else "none"
    cue = q.role_cue or "none"
    on: dict[str, float] = {f"rule={rule}": 1.0}
    if cue in MECHANISMS or cue == "none":
        on[f"by={cue}"] = 1.0
        cue_at = q.start
    else:
        tier = cues.tier.get(cue)
        on[f"by=cue_{'specific' if tier and tier[1] == 1 else 'generic'}"] = 1.0
        cue_at = text.rfind(cue, sentence_start, q.start)
        cue_at = q.start if cue_at < 0 else cue_at
        on[f"cue_distance={_distance(q.start - cue_at - len(cue))}"] = 1.0
    before = _roles_in(text, sentence_start, clause_start, cues)
    after = _roles_in(text, q.end, sentence_end, cues)
    evidence = {
        "before_total": Role.TOTAL in before,
        "before_planned": Role.PLANNED in before,
        "before_completed": Role.COMPLETED in before,
        "after_total": Role.TOTAL in after,
        "after_planned": Role.PLANNED in after,
        "after_completed": Role.COMPLETED in after,
        "project_named": cues.plain.holder_before.search(text, sentence_start, q.start) is not None,
        "builds_after": cues.plain.holder_after.search(text, q.end, clause_end) is not None,
        "region_subject": cues.plain.region_before.search(text, sentence_start, cue_at) is not None,
        "plan_word": cues.plan_opens_sentence.search(text, sentence_start, q.start) is not None,
        "plan_in_clause": cues.plan_before_verb.search(text, clause_start, q.start) is not None,
        "done_word": cues.done_in_clause.search(text, clause_start, q.start) is not None,
        "year_word": cues.year_words.search(text, sentence_start, q.start) is not None,
        "period_done": cues.plain.period_done.search(text, sentence_start, q.start) is not None,
        "list_word": "分别" in text[clause_start:q.start],
        "breakdown": cues.breakdown.search(text, sentence_start, q.start) is not None,
        "bracket": any(ch in "（(" for ch in text[max(clause_start, q.start - 6):q.start]),
        "band": text[q.start:q.end].endswith(cues.band_words) or text.startswith(cues.band_words, q.end),
        "de_after": text.startswith("的", q.end),
        "short_line": _line_length(text, q.start) <= 40,
    }
    for name, value in evidence.items():
        if value:
            on[name] = 1.0
            on[f"{name}&rule={rule}"] = 1.0
    on[f"nth={min(nth, 3)}"] = 1.0
    on[f"amounts={min(count, 4)}"] = 1.0
    return tuple(sorted(on.items()))


def _line_length(text: str, at: int) -> int:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return (len(text) if end < 0 else end) - start


def role_features(layout: Layout, quantities: list[Quantity], rules: RuleSet) -> list[Features]:
    """The features of every money amount of `quantities` (roles set), in their order."""
    cues = role_cues(rules)
    money = [q for q in quantities if q.kind is Kind.MONEY]
    sentence = [layout.unit_around(q.start, q.end, SENTENCE_END)[0] for q in money]
    out = []
    for i, q in enumerate(money):
        same = [j for j in range(len(money)) if sentence[j] == sentence[i]]
        out.append(amount_features(layout, q, same.index(i) + 1, len(same), cues))
    return out
