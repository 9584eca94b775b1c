"""Money roles: total, planned, completed investment, or other money.

The cue that ends nearest the amount in its clause decides (longest cue when several end
at the same place, so 计划完成投资 is planned while 完成投资 is completed); generic
words (投资, 投入) decide only when no specific cue is there, or when one holds the
specific cue (投入资金 over 资金). A plan word before 完成 makes a target (力争全年完成).
A clause without any cue that follows a breakdown marker (其中) inherits the role of the
total before it, as do the parallel items of a list (A项目完成投资5亿元；B项目3亿元) and an
amount joined to the previous one by 、/和 only (分别完成投资12亿元、8亿元和4亿元; 投资20亿元
的A项目、8亿元的B项目) or stacked under it, each alone on its line (分别完成⏎12亿元⏎8亿元); in
a card's field a part after 其中 is decided as in prose, not by the field's label. Without
any cue, an amount is a cost when a cost word or what it
builds follows (以12亿元的投资建设; 18亿元新建学校), it stands after a project's name in
brackets or after a colon, comma or space (A项目（12亿元）, A项目：12亿元), or 的 and the
project follow it (12亿元的城东快速路). Thresholds and size bands (投资10亿元以上项目;
文旅业项目总投资10亿元以上；; 投资10亿元以上的12个) are other, as is 完成 + output, revenue,
trade or funds by source (完成工业总产值, 完成交易额, 完成中央资金), a change by an amount after
完成 (完成投资比上年增加3亿元), an item naming a source (其中中央承担3亿元) and a rate per unit
(每公里投资), and so is a bound (不低于, 不超过) on other money or on no measure (完成过合同金额不低于
3000万元的业绩). A plan word governs its sentence (力争…，完成投资60亿元) unless the verb's clause
says the work is done; 预计 with a time still to come is a plan; the base of a share
(完成年度计划投资12亿元的85%) is the plan. A plain 计划投资 is the year's plan when the text
says so (今年计划投资; 总投资…，计划投资…; a heading naming the year) and no year's plan
follows it; else the whole budget of the project its sentence names, or a region's plan when
it names none. A plain 投资/投入 (`plain` in rules/roles.yaml) is a cost unless a region, a
sector or a source holds it with no project named (全省交通投资: other), 已/实际 stands by it
or a period that has run precedes it (实际投资, 上半年: completed), or it is this year's
outlay (年内投资, 今年…投入: planned); after a year in its clause, once the sentence has given
the whole cost (总投资12亿元，2024年投资3亿元), it is that year's share, and after a plan word
in its clause in a sentence naming the year (今年将投资3亿元建设…) the year's target: planned.
A change to a new level (由10亿元增加至12亿元) keeps the measure's role. No cue is looked for
inside a longer word that holds one (五年计划). A verb of intent (力争, 确保, 争取) makes a
completion a target even over a class of projects (确保今年开工项目年内完成投资30亿元), and so
does a heading of the tasks to come (二、2026年工作打算) over a completion not marked reached; a
year word that dates an event (将于今年10月开工) does not make a plain 计划投资 the year's; the
year right before a plain 投资 (今年投资3亿元建设…) is the year's outlay; a clause of only a
place the gazetteer knows (2024年江州投资…) is the place's figure.

A learned decision over the evidence these rules see (`stages/role_model.py`, measured by
`python scripts/train.py roles` with cross-validation grouped by document) does not beat
them, so the rules decide and no weights ship.

>>> from pipeline.rules.loader import load_rules
>>> from pipeline.stages.quantities import QuantityExtractor
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

from pipeline.rules.compiled import compiled
from pipeline.rules.loader import RuleSet, alternation
from pipeline.stages.cards import CARD_LABEL_CUE, field_at, find_cards
from pipeline.stages.region import gazetteer
from pipeline.stages.tables import table_roles
from pipeline.text.layout import Layout
from pipeline.text.punctuation import CLAUSE_END, LINE_BREAK, SENTENCE_END, SENTENCE_MARKS, SPACES
from pipeline.types import Card, Kind, Quantity, Role, Section, Table


class _Cues:
    """rules/roles.yaml, with the cue words of all roles in one pattern."""

    def __init__(self, rules: RuleSet) -> None:
        r = rules.roles
        self.tier: dict[str, tuple[Role, int]] = {}
        for role, cues in r.roles.items():
            for word in cues.generic:
                self.tier.setdefault(word, (role, 2))
            for word in cues.specific:
                self.tier[word] = (role, 1)
        self.pattern = compiled(alternation(list(self.tier)))
        self.threshold = r.threshold_after
        self.condition_before = r.condition_before
        self.breakdown = compiled(alternation(r.breakdown_markers))
        self.budget = r.budget_after
        self.breakdown_item = r.breakdown_item
        self.breakdown_holder = r.breakdown_holder
        self.breakdown_part_markers = r.breakdown_part_markers
        self.breakdown_named_after = r.breakdown_named_after
        self.source_item = r.source_item
        self.accrued_alone = r.accrued_alone
        self.group_amount = r.group_amount
        self.group_count = r.group_count
        self.group_signing = frozenset(r.group_signing)
        self.verbs = set(r.completion_verbs)
        self.measure = compiled(alternation(r.measures))
        self.plan_before_verb = r.plan_before_verb
        self.plan_opens_sentence = r.plan_opens_sentence
        self.change_by = r.change_by
        self.excess_before = r.excess_before
        self.done_in_clause = r.done_in_clause
        self.share_after = r.share_after
        self.comparison = r.comparison_before
        self.project_bracket = r.project_bracket
        self.total_after = r.total_after
        self.target_after = r.target_after
        self.list_between = r.list_between
        self.restated_between = r.restated_between
        self.list_item = r.list_item
        self.change_to = r.change_to
        self.change_from = r.change_from
        self.class_band = r.class_band
        self.band_end = r.band_end
        self.band_words = r.band_words
        self.band_count = r.band_count
        self.band_before = r.band_before
        self.list_stacked = r.list_stacked
        self.list_opener = r.list_opener
        self.non_investment = compiled(alternation(r.completed_non_investment))
        self.year_words = r.year_words       # words and patterns
        self.event_date = r.event_date
        self.plain_plan = r.plain_plan
        # the planned cues that hold a year word themselves (年度计划完成投资)
        self.year_plan = [w for w, (role, _) in self.tier.items()
                          if role is Role.PLANNED and r.year_words.search(w) and w != r.plain_plan]
        self.year_plan_pattern = compiled(alternation(self.year_plan))
        self.not_cues = r.not_cues
        self.plain = r.plain
        self.label_end = r.label_end            # what may follow a cue that ends its line
        self.gazetteer = gazetteer(rules)       # places by name (_place_clause)
        self.task_heading = rules.links.task_heading    # a heading of the tasks to come


@lru_cache(maxsize=4)
def _cues(rules: RuleSet) -> _Cues:
    return _Cues(rules)


#: the compiled cues of a rule set, as other modules name them (stages/role_model.py)
RoleCues = _Cues


def role_cues(rules: RuleSet) -> RoleCues:
    """The role cues of `rules`, compiled once per rule set."""
    return _cues(rules)


def find_role(prefix: str, cues: _Cues) -> tuple[Role, str] | None:
    """The role decided by the cues in `prefix` (the clause before an amount), if any.

    A completion verb (完成, 累计投入 …) governs the amount after it whatever the noun in
    between (已完成省级投资计划6亿元, 累计投入资金2亿元) unless a longer planned cue holds
    it (计划完成, 力争完成) or a plan word stands before it (力争全年完成), a measure is
    its subject (地区生产总值完成73亿元) or its object is no investment (完成中央资金, 计划完成
    产值: whether done or planned). Otherwise
    the cue ending nearest the amount decides, the longest at one place: a specific cue
    over a generic one, unless the generic one holds it (建设资金 over 资金) and no cue of
    other money stands before (争取建设资金).
    """
    matches = list(cues.pattern.finditer(prefix, overlapped=True))
    # a completed cue that opens with a completion verb is one too (完成年度投资)
    verbs = [m for m in matches if m.group() in cues.verbs
             or cues.tier[m.group()][0] is Role.COMPLETED and any(m.group().startswith(v) for v in cues.verbs)]
    if verbs:
        verb = verbs[-1]
        # the longest verb cue ending there names it (累计完成投资, not the 完成投资 inside it)
        verb = max((m for m in verbs if m.end() == verb.end() and m.start() <= verb.start()),
                   key=lambda m: len(m.group()))
        obj = cues.non_investment.search(prefix, verb.end())
        if obj is not None:
            return Role.OTHER, obj.group()      # 完成财政收入, 计划完成产值: not investment, done or planned
        # a planned cue holding the verb, with its plan word read as one (按计划完成 is done)
        holders = [m for m in matches if cues.tier[m.group()][0] is Role.PLANNED
                   and m.start() <= verb.start() < m.end()
                   and cues.plan_before_verb.search(prefix, m.start(), m.end()) is not None]
        if holders:
            return Role.PLANNED, max(holders, key=lambda m: len(m.group())).group()
        plan = cues.plan_before_verb.search(prefix, 0, verb.start())
        if plan is not None:
            return Role.PLANNED, plan.group()       # 力争全年完成投资: the year's target
        subject = cues.measure.search(prefix, 0, verb.start())
        if subject is not None:
            return Role.OTHER, subject.group()
        change = cues.change_by.search(prefix, verb.end())
        if change is not None:
            return Role.OTHER, change.group()   # 完成投资比上年增加3亿元: the change
        if cues.excess_before.search(prefix) is not None:
            return Role.OTHER, "excess"         # 超额完成0.5亿元, 比上年多完成12亿元: a difference
        return Role.COMPLETED, verb.group()
    best: dict[int, tuple[int, int, str]] = {}
    for m in matches:
        role, tier = cues.tier[m.group()]
        key = (m.end(), len(m.group()))
        if tier not in best or key > best[tier][:2]:
            best[tier] = (*key, m.group())
    if 1 in best and 2 in best and _holds(best[2], best[1]) and not _other_before(matches, best[2], cues):
        word = best[2][2]           # 建设资金 holds 资金: the longer word at one place is the cue
        return cues.tier[word][0], word
    for tier in (1, 2):
        if tier in best:
            word = best[tier][2]
            return cues.tier[word][0], word
    return None


def _holds(longer: tuple[int, int, str], shorter: tuple[int, int, str]) -> bool:
    """Both cues end at one place and the first is the longer (建设资金 over 资金)."""
    return longer[0] == shorter[0] and longer[1] > shorter[1]


def _other_before(matches: list[regex.Match[str]], cue: tuple[int, int, str], cues: _Cues) -> bool:
    """A specific cue of other money before `cue` (争取上级建设资金: funds raised)."""
    start = cue[0] - cue[1]
    return any(m.end() <= start and cues.tier[m.group()] == (Role.OTHER, 1) for m in matches)


def assign_roles(text: str, quantities: list[Quantity], rules: RuleSet,
                 layout: Layout | None = None, tables: tuple[Table, ...] | None = None,
                 cards: tuple[Card, ...] | None = None) -> list[Quantity]:
    """Return the quantities with `role` set on every money amount (`layout`: the text's,
    when the caller has it; `tables`: the text's tables, `find_tables`, and `cards` its
    cards, `find_cards`, likewise)."""
    cues = _cues(rules)
    layout = layout if layout is not None and layout.text is text else Layout(text)
    written = text
    masked = _mask_not_cues(text, cues)
    if masked is not text:
        # blanking letters moves no mark: the punctuation indexes of the text serve as they are
        text, layout = masked, layout.blanked(masked)
    out: list[Quantity] = []
    prev_role: Role | None = None       # role of the previous amount (thresholds aside)
    prev_start = prev_end = 0
    prev_money_end = 0
    changed_from: tuple[Role, int] | None = None    # the last amount a change started from: its role, line
    # a notice's cards of labelled fields: a field is its amounts' clause (stages/cards.py)
    if cards is None:
        cards = find_cards(written, rules) if any(q.kind is Kind.MONEY for q in quantities) else ()
    for q in quantities:
        if q.kind is not Kind.MONEY:
            out.append(q)
            continue
        clause_start = layout.clause_start(q.start, CLAUSE_END)
        field = field_at(cards, q.start) if cards else None
        if field is not None:
            clause_start = max(clause_start, field.value_start)
        else:
            clause_start = _label_line(layout, clause_start, prev_money_end, q.start, cues)
        # cues before an earlier amount of the clause are that amount's (实际完成25亿元增加9亿元)
        prefix = text[max(clause_start, prev_money_end):q.start]
        after = text[q.end:q.end + 16]
        change = cues.change_to.search(prefix)      # 由10亿元增加至12亿元: the new level
        # 乙由2600万元…: an amount a change starts from, and its line (read once, for both uses below)
        line_changed_from = layout.clause_start(q.start, LINE_BREAK) if cues.change_from.search(prefix) else None
        found = find_role(prefix[:change.start()] if change else prefix, cues)
        if field is not None and field.role is not None and not (
                found is None and _part_in_field(text, field.value_start, prev_money_end, q.start, cues)) and (
                found is None or field.role is Role.OTHER
                or field.role is Role.PLANNED and found[0] is Role.COMPLETED):
            found = field.role, CARD_LABEL_CUE      # 总投资：860万元; 年度计划：完成投资…; 资金来源：…
        if cues.threshold.match(after) or _class_band(text, clause_start, q, after, cues) \
                or _condition_band(text, clause_start, q, after, cues) or _bound(text, clause_start, q, found, cues):
            out.append(replace(q, role=Role.OTHER, role_cue="threshold"))
            prev_money_end = q.end
            continue
        if (found is None or found[1] in cues.group_signing) and _group_amount(layout, clause_start, q, prefix, cues):
            found = Role.TOTAL, "group_amount"      # 签约项目12个、总金额36亿元: the counted projects' cost
        if found is not None and found[1] == cues.plain_plan:
            found = _plan_or_budget(layout, clause_start, q, cues)
        elif found is not None and found[1] in cues.plain.words:
            word = found[1]
            found = _plain_investment(layout, q, word, cues)
            if found in ((Role.TOTAL, word), (Role.COMPLETED, "period_done")):
                # a part of the amount it breaks down (今年以来…计划投资18亿元，其中主网投资11亿元)
                # takes that amount's role, whatever the period says
                found = _plain_part(layout, q, word, out, cues) or found
        elif found is not None and found[0] is Role.COMPLETED:
            found = _target_or_done(layout, clause_start, q, prefix, found, cues)
            if found[0] is Role.COMPLETED and prev_role is Role.PLANNED and prev_start > clause_start:
                found = _same_target(text, clause_start, prev_start, prefix, cues) or found
        if prev_role is not None and q.start > prev_end and cues.restated_between.match(text[prev_end:q.start]):
            role, cue = prev_role, "restated"       # 6.18亿元（大写：陆亿壹仟捌佰万元）: the amount again
        elif prev_role is not None and q.start > prev_end and cues.list_between.match(text[prev_end:q.start]):
            role, cue = prev_role, "list"           # 分别完成投资12.6亿元、8.3亿元和4.1亿元
        elif prev_role is not None and found is None and _stacked(layout, prev_start, prev_end, q, cues):
            role, cue = prev_role, "list"           # 分别完成⏎12亿元⏎8亿元: one amount a line
        elif prev_role is not None and change is not None and found is None \
                and prev_money_end > layout.segment_start(layout.segment_of(q.start)):
            # 总投资由10亿元增加至12亿元; 原计划投资8000万元，调整后1.2亿元: the amount changed is
            # in the sentence before the change
            role, cue = prev_role, "new_level"
        elif found is None and changed_from is not None and line_changed_from == changed_from[1]:
            # 甲年度投资计划从6000万元调增为…；乙从1500万元调增为3400万元: the measure named once in
            # the paragraph (its line)
            role, cue = changed_from[0], "changed_alike"
        elif prev_role is not None and cues.comparison.search(prefix):
            role, cue = prev_role, "comparison"     # 完成12.98亿元，比去年同期12.62亿元增长
        elif found is not None and found[0] is not Role.OTHER and cues.budget.match(after):
            role, cue = Role.TOTAL, "budget"        # 计划投资4亿元的城东快速路: the whole cost
        elif found is not None and found[0] is Role.COMPLETED and cues.target_after.match(text, q.end):
            role, cue = Role.PLANNED, "target"      # 完成投资50亿元的年度目标
        elif found is not None:
            role, cue = found
        elif cues.source_item.match(prefix):
            role, cue = Role.OTHER, "source"        # 其中中央承担3亿元: investment by source
        elif cues.accrued_alone.match(prefix):
            role, cue = Role.COMPLETED, "accrued"   # 本周完成投资386万元，累计5820万元
        elif prev_role is not None and q.start > prev_end and cues.list_item.match(text[prev_end:q.start]):
            role, cue = prev_role, "list"           # 包括A 12亿元、B 8亿元: B's amount is an item too
        elif prev_role is not None and _in_breakdown(layout, prev_end, q.start, prefix, cues):
            role, cue = prev_role, "breakdown"      # 其中，A 5亿元，B 3亿元: each item inherits
            if prev_role is Role.TOTAL and _unheld_part(text, prev_end, q.start, q.end, prefix, cues):
                role, cue = Role.OTHER, "breakdown_other"     # 总投资12亿元，其中征地补偿2亿元
        elif prev_role is not None and _parallel_item(layout, prev_start, prev_end, q.start, prefix, cues):
            role, cue = prev_role, "parallel"       # A项目完成投资5亿元；B项目3亿元
        elif found is None and cues.budget.match(after):
            role, cue = Role.TOTAL, "budget"        # 12亿元的城东快速路: the project's cost
        elif cues.project_bracket.search(text, max(0, q.start - 8), q.start):
            role, cue = Role.TOTAL, "bracket"       # 城东快速路项目（12亿元）
        elif cues.total_after.match(text, q.end):
            role, cue = Role.TOTAL, "cost_after"    # 以12亿元的投资建设
        else:
            role, cue = Role.OTHER, None
        prev_role, prev_start, prev_end = role, q.start, q.end
        prev_money_end = q.end
        if role is not Role.OTHER and line_changed_from is not None:
            changed_from = role, line_changed_from
        out.append(replace(q, role=role, role_cue=cue))
    # a ledger written as a table: an amount in a money column's cell takes its column's role
    return table_roles(written, out, rules, tables)


def _label_line(layout: Layout, clause_start: int, prev_money_end: int, start: int, cues: _Cues) -> int:
    """Where the amount's clause starts: when the amount opens its line and the line before
    ends in a label, a cue with at most a list word, a colon or spaces after it (总投资：⏎12亿元;
    年度计划投资分别为⏎3亿元、2亿元; rules/roles.yaml `label_end`), that line's last clause, whose
    cue is the amount's; else `clause_start` (a line ending in a mark, an amount or no cue)."""
    text = layout.text
    if clause_start <= 0 or text[clause_start - 1] != LINE_BREAK or text[clause_start:start].strip():
        return clause_start
    line_end = clause_start - 1
    while line_end > 0 and text[line_end - 1] in LINE_BREAK + SPACES:
        line_end -= 1       # blank lines and trailing spaces between the label and its amount
    label_start = max(layout.bounded_start(line_end, CLAUSE_END), prev_money_end)
    if label_start >= line_end:
        return clause_start
    if not any(cues.label_end.match(text[m.end():line_end]) is not None for m in cues.pattern.finditer(
            text, max(label_start, line_end - 24), line_end, overlapped=True)):
        return clause_start
    return label_start


def _stacked(layout: Layout, prev_start: int, prev_end: int, q: Quantity, cues: _Cues) -> bool:
    """The amount and the one before it each stand alone on their lines, one line after the
    other (分别完成⏎41亿元⏎35亿元; rules/roles.yaml `list_stacked`): a list set down the page. The
    first amount of the stack may follow its cue on its line when its clause announces several
    (分别完成投资5亿元；⏎4亿元: `list_opener`)."""
    text = layout.text
    if q.start <= prev_end or cues.list_stacked.match(text[prev_end:q.start]) is None:
        return False
    line_start = text.rfind(LINE_BREAK, 0, prev_start) + 1
    if text[line_start:prev_start].strip(SPACES) and cues.list_opener.search(
            text, max(line_start, layout.clause_start(prev_start, CLAUSE_END)), prev_start) is None:
        return False
    line_end = text.find(LINE_BREAK, q.end)
    rest = text[q.end:line_end if line_end >= 0 else len(text)]
    return not rest.strip(SPACES + "、，,；;。")


def _bound(text: str, clause_start: int, q: Quantity, found: tuple[Role, str] | None, cues: _Cues) -> bool:
    """A bound right before the amount (不低于, 不超过: rules/roles.yaml `band_before`) on other
    money or on no measure at all (完成过合同金额不低于3000万元的业绩; 补助不超过200万元) is a
    threshold a rule sets, other, whatever verb stands before (完成过: a qualification). A bound on
    an investment cue keeps the cue's role (总投资不低于6亿元: a project's size; 年度计划投资不低于…:
    the target)."""
    if not _bound_before(text, clause_start, q, cues):
        return False
    if found is None:
        return True
    matches = list(cues.pattern.finditer(text, clause_start, q.start, overlapped=True))
    return bool(matches) and cues.tier[matches[-1].group()] == (Role.OTHER, 1)


def _bound_before(text: str, clause_start: int, q: Quantity, cues: _Cues) -> bool:
    """A bound (不低于, 不超过: rules/roles.yaml `band_before`) stands right before the amount,
    in its clause."""
    return cues.band_before.search(text, max(clause_start, q.start - 8), q.start) is not None


def _part_in_field(text: str, value_start: int, prev_money_end: int, start: int, cues: _Cues) -> bool:
    """The amount is a part of an earlier amount of its card field (总投资：41万元，其中…资金30万元，
    …折资4万元): a breakdown marker stands between them, so the breakdown decides, as in prose,
    not the field's label."""
    if prev_money_end <= value_start:
        return False
    return cues.breakdown.search(text, value_start, start) is not None


def _group_amount(layout: Layout, clause_start: int, q: Quantity, prefix: str, cues: _Cues) -> bool:
    """A neutral measure of money opening its clause (总金额, 签约金额分别为) after a count of
    projects in its sentence (签约项目12个、总金额36亿元): the counted projects' cost."""
    if cues.group_amount.search(prefix) is None:
        return False
    sentence_start = layout.bounded_start(q.start, SENTENCE_END)
    count = cues.group_count.search(layout.text, sentence_start, q.start)
    if count is None:
        return False
    # the counted projects are what the money measures only when their sentence names no other
    # money before it (发放贷款项目12个，金额3亿元: loans), a signing aside
    return not any(cues.tier[m.group()] == (Role.OTHER, 1) and m.group() not in cues.group_signing
                   for m in cues.pattern.finditer(layout.text, sentence_start, q.start))


def _target_or_done(layout: Layout, clause_start: int, q: Quantity, prefix: str,
                    found: tuple[Role, str], cues: _Cues) -> tuple[Role, str]:
    """A completed amount that is the year's plan after all: the base of a share with a
    planned cue before it (完成年度计划投资12亿元的85%), or a completion in a sentence whose
    earlier clause opens with a plan word (力争…，完成投资60亿元) and whose own clause does
    not say the work is done (目前已完成)."""
    text = layout.text
    if cues.share_after.match(text, q.end):
        planned = [m for m in cues.pattern.finditer(prefix, overlapped=True)
                   if cues.tier[m.group()] == (Role.PLANNED, 1)]
        if planned:
            return Role.PLANNED, max(planned, key=lambda m: (m.end(), len(m.group()))).group()
    sentence_start = layout.clause_start(q.start, SENTENCE_END)
    if sentence_start < clause_start and cues.done_in_clause.search(prefix) is None:
        plan = cues.plan_opens_sentence.search(text, sentence_start, clause_start)
        if plan is not None:
            return Role.PLANNED, plan.group()
    if cues.done_in_clause.search(prefix) is None and _under_task_heading(layout, q.start, cues):
        return Role.PLANNED, "task_heading"     # 三、2026年工作打算 … 全年完成投资80亿元: the target
    return found


def _same_target(text: str, clause_start: int, prev_start: int, prefix: str,
                 cues: _Cues) -> tuple[Role, str] | None:
    """A completion listed after a target of its clause is a target of the same plan word
    (确保上半年完成投资20亿元以上、全年完成投资45亿元: both the verb of intent's), unless its own
    words say the work is done (、目前已完成…)."""
    if cues.done_in_clause.search(prefix) is not None:
        return None
    plan = cues.plan_opens_sentence.search(text, clause_start, prev_start)
    if plan is None or cues.done_in_clause.search(text, clause_start, prev_start) is not None:
        return None
    return Role.PLANNED, plan.group()


def _under_task_heading(layout: Layout, pos: int, cues: _Cues) -> bool:
    """A heading over `pos` (the document's own first line aside) is one of the tasks to come
    (三、2026年工作打算; 下一步工作安排: rules/links.yaml task_heading): its period has not run."""
    if len(layout.sections) < 2:
        return False
    section: Section | None = layout.section_at(pos)
    while section is not None and section.section_id != 0:
        if cues.task_heading.search(layout.text[section.title_start:section.title_end]) is not None:
            return True
        section = layout.enclosing(section)
    return False


def _mask_not_cues(text: str, cues: _Cues) -> str:
    """The text with the longer words that hold a cue and are none (五年计划) blanked out,
    offsets kept, so no cue is found inside them; the same text when there is none."""
    if cues.not_cues.search(text) is None:
        return text
    return cues.not_cues.sub(lambda m: "\u3000" * len(m.group()), text)


def _plain_investment(layout: Layout, q: Quantity, word: str, cues: _Cues) -> tuple[Role, str]:
    """The role of an amount whose cue is a plain 投资 or 投入 (rules/roles.yaml `plain`):
    a cost, unless a region as a whole or a source putting money into a region holds it
    and the sentence names no project (全省交通投资, 中央财政向边疆地区投资: other); in a
    period that has run (上半年, 1—9月) what was done; said of this year (年内投资,
    今年…投入) the year's outlay. What the amount builds (投资14亿元启动9个学校项目) makes
    it a cost whatever comes before."""
    plain, text = cues.plain, layout.text
    sentence_start = layout.clause_start(q.start, SENTENCE_END)
    clause_end = layout.clause_end(q.end, CLAUSE_END)
    before, after = text[sentence_start:q.start], text[q.end:min(clause_end, q.end + 24)]
    cue_at = text.rfind(word, sentence_start, q.start)
    if _year_target(layout, q, cue_at, before, cues):
        return Role.PLANNED, "year_target"     # 今年将投资3亿元建设…: the year's plan, not a cost
    region = (plain.region_before.search(text, sentence_start, cue_at) is not None
              or _place_clause(text, layout.clause_start(q.start, CLAUSE_END), cue_at, cues)) \
        and plain.holder_before.search(before) is None
    if plain.purpose_before.search(text, sentence_start, cue_at) and not _breakdown_part(
            text, layout.clause_start(q.start, CLAUSE_END), cue_at, cues):
        return Role.OTHER, "purpose"     # 全年环保投入1.4亿元: spending on a purpose, no project's cost
    if plain.year_fused.search(text, sentence_start, cue_at) and not region:
        return Role.PLANNED, "this_year"       # 城东快速路今年投资3亿元建设…: the year's outlay
    if plain.holder_after.search(after):
        return Role.TOTAL, word          # 投资14亿元启动9个学校项目: what it builds
    if region:
        return Role.OTHER, "region"      # 全省交通投资, 中央财政向边疆地区投资: not a project's
    if plain.done_near.search(text, max(sentence_start, cue_at - 3), q.start):
        return Role.COMPLETED, "done_near"     # 实际投资, 投资已达: spent so far
    if plain.period_done.search(before):
        return Role.COMPLETED, "period_done"
    if _year_part(layout, q, cue_at, sentence_start, cues):
        return Role.PLANNED, "year_part"       # 总投资12亿元，2024年投资3亿元: the year's share
    if word in plain.outlay_words and (year := plain.this_year.search(before)) is not None \
            and cues.done_in_clause.search(before, year.end()) is None:
        return Role.PLANNED, "this_year"    # (今年实施的…目前都已完工，共投入: what the works cost)
    return Role.TOTAL, word


def _breakdown_part(text: str, clause_start: int, cue_at: int, cues: _Cues) -> bool:
    """The cue's clause opens with a breakdown's part marker (其中环保投资…: a part of the
    total before it, which decides its role)."""
    head = text[clause_start:cue_at].lstrip(SPACES + "：:")
    return head.startswith(cues.breakdown_part_markers)


def _place_clause(text: str, clause_start: int, cue_at: int, cues: _Cues) -> bool:
    """The clause before the cue is only a place the gazetteer knows, by its full or short name,
    with times around it (2024年江州投资…, 青禾县今年投资…: `place_time`): the place's figure."""
    if cue_at <= clause_start:
        return False
    rest = cues.plain.place_time.sub("", text[clause_start:cue_at])
    return len(rest) >= 2 and any(s.text == rest and not s.context_only
                                  for s in cues.gazetteer.by_prefix.get(rest[:2], ()))


def _plain_part(layout: Layout, q: Quantity, word: str, earlier: list[Quantity], cues: _Cues
                ) -> tuple[Role, str] | None:
    """A plain 投资 in a breakdown of an amount before it in the sentence (…，其中一期投资4亿元;
    完成投资80亿元，其中工业项目投资30亿元): a part of that amount, with its role; but when
    the item names who puts the money in (其中企业投资8亿元, 市级投入3亿元), investment by
    source, other. None when no breakdown holds it."""
    text = layout.text
    sentence_start = layout.clause_start(q.start, SENTENCE_END)
    cue_at = text.rfind(word, sentence_start, q.start)
    markers = list(cues.breakdown.finditer(text, sentence_start, cue_at))
    if not markers:
        return None
    marker = markers[-1]
    whole = [e.role for e in earlier if e.kind is Kind.MONEY and e.role is not None
             and sentence_start <= e.start and e.end <= marker.start()]
    if not whole:
        return None
    item = text[max(layout.clause_start(q.start, CLAUSE_END), marker.start()):cue_at]
    if cues.source_item.match(item):
        return Role.OTHER, "source"
    return whole[-1], "breakdown"


def _year_target(layout: Layout, q: Quantity, cue_at: int, before: str, cues: _Cues) -> bool:
    """A plan word right before a plain 投资 in its clause (将, 力争, 计划), in a sentence that
    names the year (今年, 2024年) and no project or investor before it: what is to be invested
    that year, the year's plan, even when what it builds follows (今年将投资3亿元建设…); without
    the year it is the cost (将投资3亿元建设…), and so is an investor's (2024年，华岳公司拟投资…)."""
    clause_start = layout.clause_start(q.start, CLAUSE_END)
    if cues.plan_before_verb.search(layout.text, clause_start, cue_at) is None:
        return False
    if cues.plain.holder_before.search(before) is not None:
        return False
    return cues.plain.this_year.search(before) is not None or cues.year_words.search(before) is not None


def _year_part(layout: Layout, q: Quantity, cue_at: int, sentence_start: int, cues: _Cues) -> bool:
    """A plain 投资 after a year in its own clause, in a sentence that has already given the
    whole cost (总投资12亿元，2024年投资3亿元; …，其中今年投资3亿元): the part of the cost
    that year is to take, the year's plan, not a second total."""
    text = layout.text
    clause_start = layout.clause_start(q.start, CLAUSE_END)
    if cues.year_words.search(text, clause_start, cue_at) is None:
        return False
    return any(cues.tier[m.group()] == (Role.TOTAL, 1)
               for m in cues.pattern.finditer(text, sentence_start, clause_start, overlapped=True))


def _year_plan_after(layout: Layout, q: Quantity, cues: _Cues) -> bool:
    """The year's own plan follows the amount in its sentence (…投资98亿元，年度计划完成投资
    23亿元): the amount before it is not the year's."""
    _, sentence_end = layout.unit_around(q.start, q.end, SENTENCE_END)
    return cues.year_plan_pattern.search(layout.text, q.end, sentence_end) is not None


def _class_band(text: str, clause_start: int, q: Quantity, after: str, cues: _Cues) -> bool:
    """康养、物流业项目总投资15亿元以上；: a band for a class of projects, not a cost; so is a
    band followed by how many fall in it (投资10亿元以上的12个)."""
    # 以上 is part of the amount's span (its qualifier) or right after it
    if not (text[q.start:q.end].endswith(cues.band_words) or after.startswith(cues.band_words)):
        return False
    if cues.band_count.match(after):
        return True
    return cues.band_end.match(after) is not None and cues.class_band.search(text, clause_start, q.start) is not None


def _condition_band(text: str, clause_start: int, q: Quantity, after: str, cues: _Cues) -> bool:
    """对单体投资5000万元以上、当年竣工的项目给予奖励: a band in a rule's condition (its clause
    opened by 对 or 凡) says what the rule applies to, not what a project costs."""
    if not (text[q.start:q.end].endswith(cues.band_words) or after.startswith(cues.band_words)
            or _bound_before(text, clause_start, q, cues)):
        return False
    return cues.condition_before.search(text, clause_start, q.start) is not None


def _plan_or_budget(layout: Layout, clause_start: int, q: Quantity, cues: _Cues) -> tuple[Role, str]:
    """A plain 计划投资: the whole budget when the year's plan follows in the sentence
    (今年新建9个项目，计划投资22亿元，年度计划完成投资6亿元); else the year's plan after a
    year word (今年计划投资) or after the whole cost in the same sentence (总投资12亿元，
    计划投资3亿元); else the whole budget of the project its sentence names (城北水厂项目计划
    投资3亿元), and a region's plan when it names none (全市新增校舍3万平方米，计划投资1.8亿元)."""
    text = layout.text
    sentence_start, sentence_end = layout.unit_around(q.start, q.end, SENTENCE_END)
    # the year's own plan after it says this one is not the year's, whatever opens the sentence
    if _year_plan_after(layout, q, cues):
        return Role.TOTAL, cues.plain_plan
    if _names_plan_year(text, sentence_start, q.start, cues) or _year_heading(text, sentence_start, cues):
        return Role.PLANNED, cues.plain_plan
    total_before = [m for m in cues.pattern.finditer(text, sentence_start, clause_start)
                    if cues.tier[m.group()][0] is Role.TOTAL and cues.tier[m.group()][1] == 1]
    if total_before:
        return Role.PLANNED, cues.plain_plan
    if cues.plain.holder_before.search(text, sentence_start, q.start) is None:
        return Role.PLANNED, cues.plain_plan
    return Role.TOTAL, cues.plain_plan


def _names_plan_year(text: str, start: int, end: int, cues: _Cues) -> bool:
    """A year word in text[start:end] that is not the date of an event (将于今年12月开工, 年内建成:
    when works start or end, `event_date`), so it can make a plain 计划投资 the year's plan."""
    return any(cues.event_date.match(text, m.start(), end) is None
               for m in cues.year_words.finditer(text, start, end))


def _year_heading(text: str, sentence_start: int, cues: _Cues, longest: int = 40) -> bool:
    """The sentence opens a line under a short line (a heading, no sentence of its own)
    that names the year (2024年新建幼儿园12所)."""
    if sentence_start < 2 or text[sentence_start - 1] != "\n":
        return False
    line_start = text.rfind("\n", 0, sentence_start - 1) + 1
    line = text[line_start:sentence_start - 1]
    return 0 < len(line.strip()) <= longest and not any(ch in SENTENCE_END for ch in line.strip()[:-1]) \
        and cues.year_words.search(line) is not None


def _in_breakdown(layout: Layout, prev_end: int, start: int, prefix: str, cues: _Cues) -> bool:
    """This amount is an item of a breakdown: a marker (其中) sits between the previous amount
    and this one, or earlier in the sentence they share and the amount follows a bare item
    name (其中，交通项目完成投资126亿元，产业项目98亿元)."""
    between = layout.text[prev_end:start]
    if LINE_BREAK in between:
        return _listed_part(layout, prev_end, start, cues)
    markers = list(cues.breakdown.finditer(between))
    # the marker opens this amount's sentence or an earlier clause of it, not a sentence
    # before it (…，其中A项目7个；…。全年实际利用内资63.8亿元 is no part)
    if markers and not any(ch in SENTENCE_END for ch in between[markers[-1].end():]):
        return True
    if any(ch in SENTENCE_END for ch in between):
        return False
    if not cues.breakdown_item.search(prefix.strip()):
        return False
    # a long sentence's cut bounds it (see `_parallel_item`)
    sentence_start = layout.bounded_start(prev_end, SENTENCE_END)
    return cues.breakdown.search(layout.text, sentence_start, prev_end) is not None


def _listed_part(layout: Layout, prev_end: int, start: int, cues: _Cues, reach: int = 400,
                 longest: int = 60) -> bool:
    """The amount is an item on a line of a list that a breakdown marker ending its line sets
    out (总投资3.2亿元，其中：⏎（1）主桥工程2.1亿元；⏎（2）引道工程0.8亿元): the lines up to it
    are short, no full stop falls between the marker and the amount, and the amount before
    it is the total on the marker's line (or the line before) or an earlier item."""
    text = layout.text
    line_start = text.rfind(LINE_BREAK, 0, start) + 1
    if line_start == 0 or start - line_start > longest:
        return False
    window = max(0, line_start - reach)
    opener = marker = None
    for m in cues.breakdown.finditer(text, window, line_start):
        line_end = text.find(LINE_BREAK, m.end(), line_start)
        if line_end >= 0 and not text[m.end():line_end].strip(SPACES + "：:"):
            opener, marker = line_end, m.start()
    if opener is None or marker is None or any(ch in SENTENCE_MARKS for ch in text[opener:start]):
        return False
    # the total: on the marker's line or the one before it, or an earlier item of the list
    marker_line = text.rfind(LINE_BREAK, 0, marker)
    if prev_end <= text.rfind(LINE_BREAK, 0, max(marker_line, 0)) + 1 and marker_line >= 0:
        return False
    return all(len(line.strip()) <= longest for line in text[opener:line_start].split(LINE_BREAK))


def _unheld_part(text: str, prev_end: int, start: int, end: int, prefix: str, cues: _Cues) -> bool:
    """An item of a total's breakdown opened by 其中/包括/含 that names no project, class, phase,
    cost or facility (`breakdown_holder`): no project's cost (其中征地补偿2亿元). Not an empty
    item (其中：5亿元), nor an amount a 分别 hands out."""
    markers = list(cues.breakdown.finditer(text, prev_end, start))
    if markers and markers[-1].group() not in cues.breakdown_part_markers:
        return False
    item = prefix.strip(SPACES + "，,：:")
    for marker in cues.breakdown_part_markers:
        if item.startswith(marker):
            item = item[len(marker):].strip(SPACES + "，,：:")
    if not item:
        # the item named after the amount (其中3亿元的征地补偿): its words up to the clause's end
        named = cues.breakdown_named_after.match(text, end)
        if named is None or cues.budget.match(text, named.start()) is not None:
            return False
        item = named.group("item")
    return len(item) >= 2 and cues.breakdown_holder.search(item) is None


def _parallel_item(layout: Layout, prev_start: int, prev_end: int, start: int, prefix: str,
                   cues: _Cues) -> bool:
    """This amount, without a cue, follows a bare item name (B项目3亿元) in the sentence of
    the previous amount, whose clause named its item the same way before its cue (A项目完成
    投资5亿元，…；B项目3亿元): parallel items of one list share the cue's role."""
    text = layout.text
    if not cues.breakdown_item.search(prefix.strip()):
        return False
    between = text[prev_end:start]
    if any(ch in SENTENCE_END for ch in between):
        return False
    # the clause within its segment: a long sentence's cut bounds it (a table's rows joined
    # into one line with no mark made every amount reread the line from its start)
    prev_clause = text[layout.bounded_start(prev_start, CLAUSE_END):prev_start]
    cue = cues.pattern.search(prev_clause)
    return cue is not None and cues.breakdown_item.search(prev_clause[:cue.start()].strip()) is not None
