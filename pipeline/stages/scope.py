"""Scope of every money amount: which total it counts toward (rules/scope.yaml).

Runs after linking and after the project model has kept its projects, so `project` means a
project that has a row in the projects table. Every money amount gets one scope:

    headline   the report's total for its key projects or region (at most one per role)
    sector     a field's subtotal (交通项目完成投资126亿元)
    group      a counted or named set of projects (9个项目投资12.5亿元)
    project    the amount a project's row shows for its role (first linked amount of that role)
    breakdown  a part of the amount just before it (其中, 分别); `parent` points at it
    other      anything else (GDP, funds, comparisons, repeats)

so that summing `headline` amounts of one role gives the report's figure, and summing
`project` amounts of one role gives the sum of the projects' column, neither counting a
figure twice. The order of the decisions and the word lists are in rules/scope.yaml.

>>> from pipeline.extract import Pipeline
>>> ex = Pipeline()("d", "全县重点项目完成投资50亿元，其中交通项目完成投资20亿元。")
>>> [(q.scope, q.parent) for q in ex.quantities]
[('headline', None), ('sector', 0)]
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

import regex

from pipeline.rules.compiled import compiled
from pipeline.rules.loader import RuleSet, alternation
from pipeline.text.punctuation import CLAUSE_END, SENTENCE_END
from pipeline.text.sentences import CharIndex, char_index
from pipeline.types import Kind, PlacePeriod, Project, Quantity, Role


class Scope(StrEnum):
    HEADLINE = "headline"
    SECTOR = "sector"
    GROUP = "group"
    PROJECT = "project"
    BREAKDOWN = "breakdown"
    OTHER = "other"


_INVESTMENT = frozenset({Role.TOTAL, Role.PLANNED, Role.COMPLETED})
# scope rule ids (the `scope_rule` column) given in more than one place below; the others
# are each written once, where they are decided
LINKED_RULE = "project.linked"              # the amount a kept project's row shows
NOT_INVESTMENT_RULE = "other.not_investment"   # no investment role, or a threshold or change
NO_SCOPE_RULE = "other.no_scope"            # nothing says which total it counts toward
_ITEM_JOINERS = "，,、；;：: 和及与\t"
# a parent's value may be met by its parts but not exceeded (beyond rounding in the text)
_ROUNDING = Decimal("1.001")


@dataclass(frozen=True, slots=True, eq=False)
class _ScopeRules:
    breakdown: regex.Pattern[str]
    distributive: regex.Pattern[str]
    change_cues: frozenset[str]
    change_words: regex.Pattern[str]
    sector: regex.Pattern[str]          # a sector phrase at the start of a clause
    sector_after: regex.Pattern[str]    # a sector phrase after examples (甲、乙等基础设施项目)
    whole_area: regex.Pattern[str]
    not_headline: regex.Pattern[str]
    subset: regex.Pattern[str]
    count: regex.Pattern[str]
    same_subject_lead: regex.Pattern[str]   # 截至11月底，累计…: a sentence with no subject of its own


@lru_cache(maxsize=4)
def _compiled(rules: RuleSet) -> _ScopeRules:
    r = rules.scope
    sector_word = "(?:" + alternation(r.sectors) + ")"
    phrase = (sector_word + r"(?:\s*(?:和|、|及|与|以及)?\s*" + sector_word + ")*"
              + r"\s*(?:" + alternation(r.sector_heads) + ")")
    return _ScopeRules(
        breakdown=compiled(alternation(r.breakdown_markers)),
        distributive=compiled(alternation(r.distributive_markers)),
        change_cues=frozenset(r.change_cues),
        change_words=compiled(alternation(r.change_cues)),
        sector=compiled(r.sector_lead.pattern + phrase),
        sector_after=compiled(r.sector_after.pattern + phrase),
        whole_area=compiled(alternation(r.whole_area)),
        not_headline=compiled(alternation(r.not_headline)),
        subset=compiled("(?:" + alternation(r.subsets) + r")(?:的)?(?:重点|重大)?(?:建设)?(?:项目|工程)"),
        count=r.count,
        same_subject_lead=r.same_subject_lead,
    )


@dataclass(slots=True)
class _Headlines:
    """What the document's headline amounts have said so far."""

    places: tuple[str, ...]                            # the document's own place names
    roles: set[Role] = field(default_factory=set)      # one headline per role
    counts: set[str] = field(default_factory=set)      # project counts of their sentences (52个)


@dataclass(frozen=True, slots=True)
class _Part:
    parent: int         # index of the amount broken down
    sector_item: bool   # the part's name is a sector phrase (交通项目)


def assign_scopes(text: str, quantities: list[Quantity], projects: list[Project],
                  place: PlacePeriod | None, rules: RuleSet, cuts: tuple[int, ...] = ()) -> list[Quantity]:
    """Return the quantities with `scope`, `scope_rule` and `parent` set on every money amount.

    `projects` are the projects that get rows (after the project model): an amount linked to
    a dropped candidate counts as unlinked. The document's `place` names its whole area.
    `cuts` are where the layout cuts a sentence longer than `LONGEST_SENTENCE` (text with no
    full stop): an amount's sentence starts at the last cut before it too, so what is read
    before an amount stays bounded (a 100,000-character table whose rows the normaliser
    joined into one line made every amount reread the line from its start: quadratic).
    """
    r = _compiled(rules)
    kept = {p.key for p in projects}
    shown = _shown_by_projects(quantities, kept)
    parts = _breakdown_parts(text, quantities, r)
    headlines = _Headlines(_place_names(text, place))
    sector_figures: set[tuple[Role | None, Decimal]] = set()     # a sector's figure said again counts once
    previous: tuple[int, Scope] = (-1, Scope.OTHER)     # sentence start and scope of the last amount
    said: dict[int, set[Scope]] = {}        # sentence start -> the scopes of its amounts, linked ones too
    out = list(quantities)
    prev_money_end = 0
    sentences = char_index(text, SENTENCE_END)
    for i, q in enumerate(quantities):
        if q.kind is not Kind.MONEY:
            continue
        own_start, prev_money_end = prev_money_end, q.end
        sentence_start = _sentence_start(sentences, cuts, q.start)
        key = q.project_key if q.project_key in kept else None
        part = parts.get(i)
        if i in shown:
            scope, rule = Scope.PROJECT, LINKED_RULE
        elif part is not None:
            parent_key = quantities[part.parent].project_key
            if key is not None and key != parent_key and q.role not in _INVESTMENT:
                scope, rule = Scope.PROJECT, LINKED_RULE
            elif part.sector_item:
                scope, rule = Scope.SECTOR, "sector.part"
            else:
                scope, rule = Scope.BREAKDOWN, "breakdown.part"
        elif (q.role_cue or "") in r.change_cues:
            scope, rule = Scope.OTHER, NOT_INVESTMENT_RULE     # a threshold, a change
        elif key is not None:
            # a second amount of a role the project's row already shows would count twice
            repeat = q.role in _INVESTMENT and q.value is not None
            scope, rule = (Scope.OTHER, "project.repeat") if repeat else (Scope.PROJECT, LINKED_RULE)
        else:
            scope, rule = _unlinked_scope(text, q, own_start, r, headlines, sentence_start)
            if scope is Scope.SECTOR and q.value is not None:
                if (q.role, q.value) in sector_figures:
                    scope, rule = Scope.OTHER, "sector.repeat"
                sector_figures.add((q.role, q.value))
            if scope is Scope.OTHER and rule == NO_SCOPE_RULE and previous == (sentence_start, Scope.GROUP):
                scope, rule = Scope.GROUP, "group.same_sentence"   # 17个续建项目总投资…，完成投资…
            elif scope is Scope.OTHER and rule == NO_SCOPE_RULE and q.role not in headlines.roles \
                    and _goes_on_from_headline(text, q, sentence_start, said, r):
                assert q.role is not None
                headlines.roles.add(q.role)     # …总投资412亿元。截至11月底，累计完成投资95亿元
                scope, rule = Scope.HEADLINE, "headline.same_subject"
            previous = (sentence_start, scope)
        said.setdefault(sentence_start, set()).add(scope)
        out[i] = replace(q, scope=scope.value, scope_rule=rule,
                         parent=part.parent if part is not None else None)
    return out


def _goes_on_from_headline(text: str, q: Quantity, sentence_start: int, said: dict[int, set[Scope]],
                           r: _ScopeRules) -> bool:
    """The amount's sentence names no subject of its own (only a time and 累计 before its role
    cue: 截至11月底，累计完成投资95亿元) and follows, in the same paragraph, a sentence that gave
    a headline and no project's amount: it goes on about the headline's subject."""
    if q.value is None or q.role not in _INVESTMENT or not q.role_cue or sentence_start < 1 \
            or text[sentence_start - 1] == "\n":
        return False
    before = said.get(char_index(text, SENTENCE_END).last_before(sentence_start - 1) + 1, set())
    if Scope.HEADLINE not in before or Scope.PROJECT in before:
        return False
    own = text[sentence_start:q.start]
    cue_at = own.rfind(q.role_cue)
    return cue_at >= 0 and not own[cue_at + len(q.role_cue):].strip(" 约近超达为") \
        and r.same_subject_lead.match(own[:cue_at]) is not None


def _shown_by_projects(quantities: list[Quantity], kept: set[str]) -> set[int]:
    """Indexes of the amounts the projects table shows: per project and investment role, the
    first linked amount with a value (as `link.build_projects` picks them)."""
    seen: set[tuple[str, Role]] = set()
    shown = set()
    for i, q in enumerate(quantities):
        if q.kind is not Kind.MONEY or q.project_key not in kept or q.value is None or q.role not in _INVESTMENT:
            continue
        slot = (q.project_key, q.role)
        if slot not in seen:
            seen.add(slot)
            shown.add(i)
    return shown


def _sentence_start(sentences: CharIndex, cuts: tuple[int, ...], pos: int) -> int:
    """Where the sentence holding `pos` starts, a long sentence's `cuts` counted.

    >>> sentences = char_index("甲乙丙丁戊己庚辛", SENTENCE_END)
    >>> _sentence_start(sentences, (3, 6), 5), _sentence_start(sentences, (), 5)
    (3, 0)
    """
    start = sentences.last_before(pos) + 1
    cut = bisect_right(cuts, pos)
    return max(start, cuts[cut - 1]) if cut else start


def _unlinked_scope(text: str, q: Quantity, prev_money_end: int, r: _ScopeRules,
                    headlines: _Headlines, sentence_start: int) -> tuple[Scope, str]:
    """headline, sector, group or other for an amount linked to no project; `prev_money_end`
    is where the money amount before it ends, `sentence_start` where its sentence starts."""
    if q.role not in _INVESTMENT or (q.role_cue or "") in r.change_cues:
        return Scope.OTHER, NOT_INVESTMENT_RULE
    clause_start = max(char_index(text, CLAUSE_END).last_before(q.start) + 1, sentence_start)
    # what is said about this amount: from the previous amount of its sentence on
    own = text[max(sentence_start, prev_money_end):q.start]
    if r.sector.match(text[clause_start:q.start]) or r.sector.match(text[sentence_start:q.start]) \
            or r.sector_after.search(own):
        return Scope.SECTOR, "sector.clause"
    subset = r.subset.search(own) is not None
    counts = _counts(text[sentence_start:q.start], r)
    whole = (r.whole_area.search(text, sentence_start, q.start) is not None
             or any(name in text[sentence_start:q.start] for name in headlines.places)) and not subset
    same_set = not subset and bool(counts & headlines.counts)
    if (whole or same_set) and not r.not_headline.search(own):
        assert q.role is not None
        if q.role in headlines.roles:
            return Scope.OTHER, "headline.repeat"
        if q.value is not None:
            headlines.roles.add(q.role)
            headlines.counts |= counts
        return Scope.HEADLINE, "headline.whole_area" if whole else "headline.same_count"
    if subset:
        return Scope.GROUP, "group.subset"
    if r.count.search(own):
        return Scope.GROUP, "group.count"
    return Scope.OTHER, NO_SCOPE_RULE


def _place_names(text: str, place: PlacePeriod | None) -> tuple[str, ...]:
    """The document's province, city and county, as named and as written in its opening."""
    if place is None:
        return ()
    names = set()
    for level in ("province", "city", "county"):
        name, start, end = (getattr(place, level), getattr(place, f"{level}_start"),
                            getattr(place, f"{level}_end"))
        if name is not None:
            names.add(name)
        if start is not None and end is not None and end - start >= 2:
            names.add(text[start:end])
    return tuple(sorted(names))


def _counts(text: str, r: _ScopeRules) -> set[str]:
    """The project counts a text states (52个项目, 项目52个), as written."""
    return {n for m in r.count.finditer(text) for n in regex.findall(r"\d+", m.group())}


def _breakdown_parts(text: str, quantities: list[Quantity], r: _ScopeRules) -> dict[int, _Part]:
    """Money amounts that break down an amount just before them: index -> part."""
    money = sorted((i for i, q in enumerate(quantities) if q.kind is Kind.MONEY), key=lambda i: quantities[i].start)
    if len(money) < 2:
        return {}
    starts = [quantities[i].start for i in money]       # amounts near a marker found by bisection
    sentences = char_index(text, SENTENCE_END)
    parts: dict[int, _Part] = {}
    markers = [(m, False) for m in r.breakdown.finditer(text)] + [(m, True) for m in r.distributive.finditer(text)]
    for marker, distributive in sorted(markers, key=lambda mk: mk[0].start()):
        sentence_start = sentences.last_before(marker.start()) + 1
        reach = sentence_start
        if not distributive and sentence_start > 0 and text[sentence_start - 1] != "\n":
            reach = sentences.last_before(sentence_start - 1) + 1      # the sentence before, same paragraph
        elif not distributive and _opens_paragraph(text, sentence_start, marker.start()):
            # the marker opens its paragraph (…累计完成投资58亿元。⏎其中，交通项目…): the parts go on
            # from the last sentence of the paragraph before
            reach = sentences.last_before(sentence_start - 2) + 1
        sentence_end = sentences.first_from(marker.end())
        sentence_end = len(text) if sentence_end < 0 else sentence_end
        # a change or a comparison (完成投资比上年同期增长37亿元) is no whole that parts add up to
        before = [i for i in money[bisect_left(starts, reach):bisect_left(starts, marker.start())]
                  if quantities[i].end <= marker.start() and not _is_change(text, quantities[i], r)]
        after = [i for i in money[bisect_left(starts, marker.end()):bisect_left(starts, sentence_end)]
                 if quantities[i].end <= sentence_end and i not in parts]
        if not before or not after:
            continue
        # 交通、水利项目分别…: the parts' names are the clause before the marker
        names = text[char_index(text, CLAUSE_END).last_before(marker.start()) + 1:marker.start()] \
            if distributive else None
        parts.update(_parts_of(text, quantities, before, after, marker.end(), names, r))
    return parts


def _opens_paragraph(text: str, line_start: int, marker_start: int) -> bool:
    """The breakdown marker opens its line (only an indent before it), right after a line that
    ends a sentence (。): a paragraph of parts goes on from the figure that ends the one before
    (not after a blank line, a heading or a line cut off)."""
    return line_start >= 2 and text[line_start - 2] in "。；;" and not text[line_start:marker_start].strip()


def _is_change(text: str, q: Quantity, r: _ScopeRules) -> bool:
    """The amount is a change or a comparison: by its role cue, or a change word in its clause."""
    if (q.role_cue or "") in r.change_cues:
        return True
    clause_start = char_index(text, CLAUSE_END).last_before(q.start) + 1
    return r.change_words.search(text, clause_start, q.start) is not None


def _parent_for(quantities: list[Quantity], before: list[int], first_part: int) -> int:
    """The amount broken down: the last one before the marker, or the last of the first
    part's role when that part names its own investment role (其中，交通项目完成投资…)."""
    part = quantities[first_part]
    if part.role in _INVESTMENT and part.role_cue not in (None, "breakdown", "list"):
        same = [i for i in before if quantities[i].role is part.role]
        if same:
            return same[-1]
    return before[-1]


def _parts_of(text: str, quantities: list[Quantity], before: list[int], after: list[int], items_from: int,
              names: str | None, r: _ScopeRules) -> dict[int, _Part]:
    """The amounts of `after` that are parts of an amount of `before`, in order, until one is
    not. A part of another investment role than the first part's belongs to the last amount
    of its own role before the marker (其中：建成项目21个，总投资374亿元，累计完成投资376亿元
    splits both the total and the completed amount); without one, the parts end."""
    default = _parent_for(quantities, before, after[0])
    totals: dict[int, Decimal] = {}
    out: dict[int, _Part] = {}
    item_start = items_from
    for i in after:
        q = quantities[i]
        if (q.role_cue or "") in r.change_cues:
            continue        # a threshold or a change among the parts is none of them
        parent = default
        if q.role in _INVESTMENT and quantities[default].role in _INVESTMENT and q.role is not quantities[default].role:
            same = [b for b in before if quantities[b].role is q.role]
            if not same:
                break       # 其中…；年度计划投资532亿元: a figure of its own
            parent = same[-1]
        whole = quantities[parent]
        if q.value is not None and whole.value is not None:
            totals[parent] = totals.get(parent, Decimal(0)) + q.value
            if totals[parent] > whole.value * _ROUNDING:
                break       # more than the whole: no part
        # the part's name: its clause, or what follows the previous part (、新建项目884亿元)
        clause_start = char_index(text, CLAUSE_END).last_before(q.start) + 1
        item = names if names is not None else text[max(item_start, clause_start):q.start]
        # or the whole item since the marker or the previous part, when it opens with its name
        # and counts before its cue (其中，交通项目9个，完成投资21亿元；产业项目15个，完成投资…)
        whole_item = text[item_start:q.start] if names is None else item
        out[i] = _Part(parent, r.sector.match(item.lstrip(_ITEM_JOINERS)) is not None
                       or r.sector.match(whole_item.lstrip(_ITEM_JOINERS)) is not None)
        item_start = q.end
    return out
