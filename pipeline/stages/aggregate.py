"""One `Project` row per distinct project key, from its mentions and what was linked to it.

A project's name is its fullest mention, `alt` the shortest other name the document gives
it; its status is its last linked strong cue in reading order (the latest state wins),
else its last weak cue (a plan never overrides a state reached), else a cue in its section
headings (续建项目), else unknown; its amounts are the first linked of each role and
kind; its category comes from the words of its section titles (rules/categories.yaml).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

import regex

from pipeline.rules.configs import MONEY_SPENT_RULE, PLAN_SENTENCE_RULE, PROJECT_ANAPHORA_RULE, START_PLAN_RULE
from pipeline.rules.loader import RuleSet
from pipeline.stages.found import Found, Stage
from pipeline.text.layout import Layout
from pipeline.types import Kind, Project, ProjectMention, Quantity, Role, Section, Status, StatusMention


def build_projects(layout: Layout, found: Found, categories: dict[str, str],
                   endings: tuple[str, ...] = (), steps: frozenset[str] = frozenset(),
                   push: regex.Pattern[str] | None = None,
                   plan_words: regex.Pattern[str] | None = None,
                   over: DelayOver | None = None,
                   acceptance: regex.Pattern[str] | None = None) -> list[Project]:
    """One `Project` per distinct key, in order of first mention (`steps`: the ids of the cues
    that state a step or a measure of the works, statuses.yaml `step: true`; `push`: a push as
    a cue's whole words, links.yaml push_words; `over`: the cues that end a delay or tell it as
    past, statuses.yaml `resumes` and `episode`; `acceptance`: the words of a completion cue
    that is an acceptance, statuses.yaml `acceptance`)."""
    by_key: dict[str, list[ProjectMention]] = {}
    for m in sorted(found.mentions, key=lambda m: m.start):
        if m.rule_id != PROJECT_ANAPHORA_RULE:     # 该项目 names nothing new
            by_key.setdefault(m.key, []).append(m)
    statuses_of: dict[str | None, list[StatusMention]] = {}
    for s in found.statuses:
        statuses_of.setdefault(s.project_key, []).append(s)
    quantities_of: dict[str | None, list[Quantity]] = {}
    for q in found.quantities:
        quantities_of.setdefault(q.project_key, []).append(q)
    heading_cues = _CuesByStart(found.cues)
    projects = []
    for key, ms in by_key.items():
        fullest = max(ms, key=lambda m: (len(m.name), -m.start))
        section = layout.section_at(ms[0].start)
        status, s_start, s_end = _status(statuses_of.get(key, []), layout, section, heading_cues, steps, push,
                                         plan_words, over or DelayOver(), acceptance)
        qs = [q for q in quantities_of.get(key, []) if q.value is not None]
        projects.append(Project(
            key=key, name=fullest.name, alt=fullest.alt or _other_form(fullest.name, ms, endings),
            start=fullest.start, end=fullest.end,
            section_id=section.section_id, category=_category(layout, section, categories),
            status=status, status_start=s_start, status_end=s_end,
            total_investment=_first(qs, Kind.MONEY, Role.TOTAL),
            planned_investment=_first(qs, Kind.MONEY, Role.PLANNED),
            completed_investment=_first(qs, Kind.MONEY, Role.COMPLETED),
            length_m=_first(qs, Kind.LENGTH), area_m2=_first(qs, Kind.AREA), mentions=len(ms)))
    return projects


@dataclass(frozen=True, slots=True)
class DelayOver:
    """The ids of the cues that end a delay (`resumptions`: 复工, 恢复施工, 返场) and of the delays
    told as an episode past (`episodes`: 曾因汛期停工, 一度停滞): statuses.yaml `resumes`, `episode`."""

    resumptions: frozenset[str] = frozenset()
    episodes: frozenset[str] = frozenset()


# states a delay outranks when the project's cues say both: the works have not moved on
_NEUTRAL = frozenset({Status.PLANNED, Status.STARTED, Status.IN_PROGRESS})
# the works' course, earliest first, and the states on it a step cannot take a project back from
_COURSE = (Status.PLANNED, Status.STARTED, Status.IN_PROGRESS, Status.COMPLETED, Status.OPERATIONAL)
_REACHED = frozenset({Status.STARTED, Status.COMPLETED, Status.OPERATIONAL})
_HAN = regex.compile(r"\p{Han}")


def _status(linked: list[StatusMention], layout: Layout, section: Section,
            cues: _CuesByStart, steps: frozenset[str] = frozenset(),
            push: regex.Pattern[str] | None = None,
            plan_words: regex.Pattern[str] | None = None,
            over: DelayOver | None = None,
            acceptance: regex.Pattern[str] | None = None) -> tuple[Status, int | None, int | None]:
    """The status and the span of the cue that decided it. A target of completion (年底前建成通车)
    with money spent beside it (完成投资9.6亿元, no plan word before it in its clause: `plan_words`)
    is no state reached: the money spent says the works are under way."""
    # a plan word in the sentence of a project with no cue is for the status model to weigh:
    # as the rules' status it would make any phrase near 计划 look like a project
    linked = [s for s in linked if s.rule_id != PLAN_SENTENCE_RULE]
    over = over or DelayOver()
    strong = [s for s in linked if not s.weak]
    if strong and all(s.future and s.status is not Status.IN_PROGRESS and s.rule_id != START_PLAN_RULE
                      for s in strong):
        # only targets of completion (年底前建成通车) beside money spent (完成投资9.6亿元): the works
        # are under way, the target is not reached
        strong += [s for s in linked if s.weak and s.rule_id == MONEY_SPENT_RULE and not s.future
                   and (plan_words is None or plan_words.search(layout.text, layout.clause_start(s.start), s.start)
                        is None)]
    linked = strong or linked
    linked = [s for s in linked if not s.future] or linked     # a plan never overrides a state reached
    if steps:
        linked = [s for s in linked if not _step_back(s, linked, layout, steps, push)]
    if linked:
        last = max(linked, key=lambda s: s.start)
        if last.status is Status.COMPLETED and acceptance is not None \
                and acceptance.search(layout.text, last.start, last.end) is not None:
            # 春季起投入使用…这次验收只是补手续: an acceptance told after the works went into use
            # is paperwork; it takes them back to no earlier state (statuses.yaml acceptance)
            last = max((s for s in linked if s.status is Status.OPERATIONAL), key=lambda s: s.start, default=last)
        if last.status in _NEUTRAL:
            # a slipped schedule is news a neutral word (推进, 开工) does not undo, unless it is over:
            # told as an episode past (曾因汛期停工) or followed by works taken up again (8月复工,
            # 目前已恢复施工, 施工单位正陆续返场): then the latest state stands
            delay = max((s for s in linked if s.status is Status.DELAYED and s.rule_id not in over.episodes),
                        key=lambda s: s.start, default=None)
            if delay is not None and not any(s.rule_id in over.resumptions and s.start > delay.start
                                             for s in linked):
                last = delay
        return last.status, last.start, last.end
    cue = _section_cue(layout, section, cues)
    if cue is not None:
        return cue.status, cue.start, cue.end
    return Status.UNKNOWN, None, None


def _step_back(cue: StatusMention, linked: list[StatusMention], layout: Layout, steps: frozenset[str],
               push: regex.Pattern[str] | None = None) -> bool:
    """`cue` states a step or a measure of the works (`steps`: 场地平整, 累计铺设管网5公里) of an
    earlier state on the works' course than a state reached (a start, a completion, an opening)
    that another of the project's cues states in an earlier clause of its sentence: 8月开工，正在
    进行场地平整 is started, 已完工，累计铺设管网28.5公里 completed; the step is the reached state's
    works, no news that takes the project back. In its own clause the reached word is the step's
    (已完成规划设计; 启动招标). A step before the works (招标, 前期) after works under way in an
    earlier clause (`_works_under_way`, not a push: `push`) is a detail of the works too."""
    if cue.rule_id not in steps or cue.status not in _COURSE:
        return False
    segment, clause = layout.segment_of(cue.start), layout.clause_start(cue.start)
    rank = _COURSE.index(cue.status)
    return any((s.status in _REACHED or cue.status is Status.PLANNED and _works_under_way(s, layout.text, push))
               and _COURSE.index(s.status) > rank and not s.future and not s.weak
               and s.end <= clause and layout.segment_of(s.start) == segment
               and not _completes_other(layout.text, s) for s in linked)


def _works_under_way(cue: StatusMention, text: str, push: regex.Pattern[str] | None) -> bool:
    """`cue` states works under way (封顶, 正在施工, 主体完工), not a push (推进, 加快: links.yaml
    push_words), which the paperwork before the works may be (加快推进，已完成施工招标 is planned):
    a step before the works said after it (门诊楼已封顶，正在进行设备招标) is a detail of the works."""
    return cue.status is Status.IN_PROGRESS and push is not None and push.match(text, cue.start, cue.end) is None


def _completes_other(text: str, cue: StatusMention) -> bool:
    """The cue is 完成 with an object of its own after it (已完成项目控制价审计): something else is
    done, no state the project reached."""
    return text.endswith("完成", cue.start, cue.end) and cue.end < len(text) and _HAN.match(text, cue.end) is not None


def _other_form(name: str, mentions: list[ProjectMention], endings: tuple[str, ...] = ()) -> str | None:
    """The shortest other name the document gives the project (全称 and short form), when
    it is more than the name without a generic ending (`endings`, rules/projects.yaml
    key_endings: 城南大道 for 城南大道建设 is no other name; 三角湖小学 for 三角湖小学扩建项目 is)."""
    others = {m.name for m in mentions if m.name != name and not _only_endings(name, m.name, endings)}
    return min(others, key=lambda n: (len(n), n)) if others else None


def _only_endings(name: str, short: str, endings: tuple[str, ...]) -> bool:
    """`name` is `short` and generic endings after it (any prefix, when no endings are given)."""
    if not name.startswith(short):
        return False
    rest = name[len(short):]
    while rest and endings:
        ending = next((e for e in endings if rest.startswith(e)), None)
        if ending is None:
            return False
        rest = rest[len(ending):]
    return True


def _first(qs: list[Quantity], kind: Kind, role: Role | None = None) -> Decimal | None:
    for q in qs:
        if q.kind is kind and (role is None or q.role is role):
            return q.value
    return None


class _CuesByStart:
    """The document's cues, found by where they start: the first cue (in the document's
    order) inside a span, by bisection. Looking through every cue for each project's
    headings took time growing with the square of a big document (8.5 of 9.3 s of this
    stage on 8 MB of fresh text)."""

    def __init__(self, cues: Sequence[StatusMention]) -> None:
        self.cues = cues
        self.order = sorted(range(len(cues)), key=lambda i: cues[i].start)
        self.starts = [cues[i].start for i in self.order]

    def first_within(self, start: int, end: int) -> StatusMention | None:
        """The first cue of the list lying within start:end (``next(c for c in cues if
        start <= c.start and c.end <= end)``), None when there is none."""
        lo, hi = bisect_left(self.starts, start), bisect_right(self.starts, end)
        inside = [i for i in self.order[lo:hi] if self.cues[i].end <= end]
        return self.cues[min(inside)] if inside else None


def _section_cue(layout: Layout, section: Section, cues: _CuesByStart) -> StatusMention | None:
    """A status cue written in the title of this section or an enclosing one."""
    current: Section | None = section
    while current is not None and current.section_id != 0:
        cue = cues.first_within(current.title_start, current.title_end)
        if cue is not None:
            return cue
        current = layout.enclosing(current)
    return None


def _category(layout: Layout, section: Section, categories: dict[str, str]) -> str | None:
    current: Section | None = section
    while current is not None:
        for word, label in categories.items():
            if word in current.title:
                return label
        current = layout.enclosing(current)
    return None


def make_aggregate(rules: RuleSet) -> Stage:
    categories = rules.categories
    endings = tuple(rules.projects.key_endings)
    steps = frozenset(cue.id for cue in rules.statuses.cues if cue.step)
    over = DelayOver(frozenset(cue.id for cue in rules.statuses.cues if cue.resumes),
                     frozenset(cue.id for cue in rules.statuses.cues if cue.episode))
    push = rules.links.push_words
    plan_words = rules.links.plan_in_clause
    acceptance = rules.statuses.acceptance

    def aggregate(layout: Layout, found: Found) -> Found:
        return replace(found, projects=build_projects(layout, found, categories, endings, steps, push,
                                                                plan_words, over, acceptance))
    return aggregate
