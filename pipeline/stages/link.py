"""Link status cues and quantities to the projects they are about.

Units of text (`text/layout.py`): a *segment* runs between ；。！？ and line breaks; a
*group* is a run of mentions joined only by 、/和/及 (an enumeration shares its status cue).

A group takes, in this order of preference:
- the cue right before it in its clause (开工建设A、B) — that cue is the group's own;
- the last strong cue of the clause after it (A建成试生产), else the first strong cue
  after it in the segment, before the next group (A完成投资3亿元，9月交付使用);
  weak cues (完成投资, 正在) count only when there is nothing else;
- the last cue before it in the segment; for the sentence's first group, the last cue of
  the sentence unless that cue stands in a later group's own clause (甲总投资3亿元，乙已建成);
- the cues of the next sentences of the paragraph when they go on about it (目前, 该项目 …)
  and name no other project; a next sentence that updates the state (但, 目前, 截至 …)
  is added even when the group already has a cue;
- comma-chained groups without a cue (A，B，C等一批项目开工建设) share the next one's, when
  they read as a list (three or more, or closed by 等);
- 完成 with the group as its object (2017年完成甲和乙) is a completion cue of its own.
- a statement about a class of projects before a list with no state of its own (续建项目
  12个，包括…; 9个项目建成投产。其中包括…; 新开工项目： over one name a line), else a
  heading over it that states a state (（四）储备项目), else the document's title
  (全县12个重点项目集中开工): a group's state passes to its members.
- a heading about problems or delays over it (二、存在的问题), else a document title about
  delays (关于重点项目进度滞后情况的通报) unless a heading over it states its class's state
  (三、进展较好的项目): its delay, beside the group's own cues (a heading's bare problem
  words, not a delay it states, only to a project first named under it); a sentence about
  delayed projects before it passes its delay only to its members (a list, a group with no
  state of its own, or a sentence opening 比如/其中), not to a project with its own news.
- a start right after a project that a plan or a push speaks of (力争…甲年内开工; 重点推进甲
  开工建设) is planned, and the push word (推进) states no progress.
Cues left over in a section whose heading names a project go to that project
((二)城南大道建设 … 目前已完工). Every linked cue gets a confidence (`status_model`).

A quantity goes to the nearest single-mention group before it in its segment,
else the nearest one after it in its clause, else the section's heading project; a list of
projects followed by 分别 and as many amounts as it has members hands them out in order
(甲和乙项目分别计划投资8亿元、5亿元).
"""

from __future__ import annotations

import functools
import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import accumulate

import regex

from pipeline.rules.compiled import compiled
from pipeline.rules.configs import (
    DONE_OBJECT_RULE,
    FUTURE_FRAME_RULE,
    GOAL_FIELD_RULE,
    PART_DONE_RULE,
    PLAN_GOVERNED_RULE,
    PLAN_PUSH_RULE,
    PLAN_SENTENCE_RULE,
    PROBLEM_HEADING_RULE,
    PUSHED_START_RULE,
    START_PLAN_RULE,
    TASK_HEADING_RULE,
)
from pipeline.rules.loader import RuleSet, alternation
from pipeline.stages.found import Found, Stage
from pipeline.stages.status_model import StatusModel, link_features, load_status_model
from pipeline.text.layout import Enumerations, Group, Layout
from pipeline.text.punctuation import CLAUSE_END, CLAUSE_MARKS, COLONS, SEGMENT_END, SENTENCE_END, SPACES
from pipeline.types import Kind, ProjectMention, Quantity, Section, Status, StatusMention

_LOOKAHEAD_SENTENCES = 3
_PRESENTING_CHARS = 12     # at most this much else in a sentence that presents a project (第二个点是甲。)
_PUNCTUATION = regex.compile(r"[\p{P}\s]+")
_ITEM_MARK = regex.compile(r"[0-9０-９一二三四五六七八九十是]+")
_MARKS = regex.compile(r"[\p{P}\p{S}\s]+")
_LINES_BELOW = 8      # segments (sentences, lines) below an item's line that may state its state
_ACHIEVED = frozenset({Status.STARTED, Status.COMPLETED, Status.OPERATIONAL})
# the works' course, earliest first: of two states offered as alternatives (建成竣工或进入扫尾
# 阶段) a group takes the later one (rules/links.yaml alternative_joiner)
_COURSE = (Status.PLANNED, Status.STARTED, Status.IN_PROGRESS, Status.COMPLETED, Status.OPERATIONAL)
_FINISHED = frozenset({Status.COMPLETED, Status.OPERATIONAL})
_PART_AFTER_CUE = 4     # how far after the cue its part may stand (已建成3号楼)
# the rest of a bracketed note after a name, up to its closing bracket (no clause mark, no other bracket)
_NOTE_CLOSE = regex.compile(r"[^（()）\n，,。；;]{1,30}[)）]")
# how far back (in segments: sentences and lines) a list may reach for its group's statement
_GROUP_REACH = 40
# groups separated only by commas, 、 or spaces (A，B，C等一批项目开工建设)
_COMMA_CHAIN = regex.compile(r"[，,、\s]+$")
_LIST_CLOSER = "等"
_PANEL_HEAD_CHARS = 12     # at most this many characters (marks, digits and spaces aside) in a panel's heading
_PANEL_ITEM_REST = 8       # at most this much beside the names on a line under a panel
_PANEL_REACH = 8           # lines (names aside) a panel's heading may stand above its item
_DIGITS_AND_MARKS = regex.compile(r"[\p{P}\p{S}\p{N}\s]+")
#: digits, marks and the words of a date (10月28日起), taken out before a clause's lead is measured
_DATE_WORDS = regex.compile(r"(?:\p{N}+[年月日号](?:[上中下]旬|底|初|末|起)?)+|[\p{P}\p{S}\p{N}\s]+")
# a group used as a label: an optional bracket (its short form, its phase), then a colon
_LABEL_COLON = regex.compile(r"[ \t\u3000]*(?:[（(][^（）()\n]{0,20}[）)])?[ \t\u3000]*[：:]")
_BARE_CLAUSE_LEAD = 3       # at most this many words' characters before a subjectless clause's cue


def _first_within(starts: list[int], start: int, end: int) -> int:
    """The first of the sorted `starts` in [start, end), else `end` (a clause's first cue)."""
    at = bisect_left(starts, start)
    return starts[at] if at < len(starts) and starts[at] < end else end


#: how far before a group a frame word (rules/links.yaml frame_before: 与, 紧挨着, 实地察看了“) may
#: start: its longest word and a run of blanks or quotes after it
_FRAME_REACH = 24


@dataclass(frozen=True, slots=True)
class LinkRules:
    """The patterns linking reads, compiled once per rule set (rules/projects.yaml and
    rules/links.yaml)."""

    openers: regex.Pattern[str]             # a next sentence going on about the project (目前, 该项目)
    updates: regex.Pattern[str]             # a next sentence updating its state (但, 截至)
    new_subject: regex.Pattern[str]
    subject_end: regex.Pattern[str]
    counted_object: regex.Pattern[str]      # 建成 | 农村公路项目880个: a clause about a class
    aggregate: regex.Pattern[str]           # an amount after it is a group's (等50个项目，总投资)
    enumeration_gap: regex.Pattern[str]
    group_statement: regex.Pattern[str]
    member_list_opener: regex.Pattern[str]
    list_head: regex.Pattern[str]           # 集中开工的项目有： heading a list in its sentence
    list_continued: regex.Pattern[str]      # 等16个产业项目，以及: a list going on after a comma
    also_after_state: regex.Pattern[str]    # …交付使用的，还有 | 甲和乙: the state before heads them
    title_max_chars: int
    problem_heading: regex.Pattern[str]     # a section about problems or delays (存在的问题)
    other_problem: regex.Pattern[str]       # a heading naming a problem of another kind (资金闲置)
    other_problem_document: regex.Pattern[str]  # a title naming such a problem (质量安全…通报)
    plan_in_clause: regex.Pattern[str]      # a plan word earlier in a cue's clause (力争, 确保)
    past_marker: regex.Pattern[str]         # a state reached, right before a cue (已, 已经)
    still_going: regex.Pattern[str]         # works going on now in a cue's clause (继续, 仍在)
    verb_first: regex.Pattern[str]          # a clause opening with its cue (…，开工建设乙)
    part_of_works: regex.Pattern[str]       # a part of a project's works (控制性工程, 3号楼)
    done_verb: regex.Pattern[str]           # 完成 right before a project (2017年完成甲)
    done_rest: regex.Pattern[str]           # …and after it in its clause only its class (三座…工程)
    alternative_joiner: regex.Pattern[str]  # 或 between two states offered as alternatives
    class_subject: regex.Pattern[str]       # a class of projects as a clause's subject (在建项目23个)
    example_opener: regex.Pattern[str]      # a sentence opening as an example (比如, 例如)
    start_gap: regex.Pattern[str]           # between a project and its start to come (年内, 6月底前)
    start_push: regex.Pattern[str]          # a push right before a project (重点推进, 加快推进)
    push_words: regex.Pattern[str]          # a push as a cue's whole words (推进, 加快)
    push_plan: regex.Pattern[str]           # a task to come before a push in its sentence (下一步, 明年)
    task_heading: regex.Pattern[str]        # a heading of the tasks to come (2026年工作打算, 下一步工作)
    task_document: regex.Pattern[str]       # a document titled as the tasks to come (2027年工作要点)
    look_back: regex.Pattern[str]           # a look back before a cue in its sentence (回顾2026年, 去年)
    class_gap: regex.Pattern[str]           # between a list and its class named after it (等5个村的)
    plan_document: regex.Pattern[str]       # a plan's opening line (关于印发《…投资计划》的通知)
    preamble: regex.Pattern[str]            # 以下项目除注明外均…: one state for the items set out below
    list_alone_rest: regex.Pattern[str]     # what may follow a list alone on its line (三个口袋公园)
    goal_field: regex.Pattern[str]          # 时限：/ 目标：a field of a deadline or goal before a cue
    panel_opener: regex.Pattern[str]        # ▌ / 【 opening a panel's heading line
    panel_close: regex.Pattern[str]         # 31个 / ： closing a panel's heading line
    future_frame: regex.Pattern[str]        # 明年，/ 我们将 over a sentence (statuses.yaml)
    dated_opener: regex.Pattern[str]        # 2023年3月开工: a sentence of a date and its state
    exclusion_open: regex.Pattern[str]      # 除 / 除了 right before a project …
    exclusion_close: regex.Pattern[str]     # … and 外 / 以外 right after it: set apart from the rest
    frame_before: regex.Pattern[str]        # 与 / 观摩了 right before a project: no subject of its sentence
    frame_under: regex.Pattern[str]         # 的带动下 right after a project: no subject of its sentence
    plan_frame: regex.Pattern[str]          # a plan's title or heading (2027年重点项目清单; statuses.yaml)
    plan_start_class: regex.Pattern[str]    # 新开工: a plan's class of the starts to come (statuses.yaml)
    status_model: StatusModel

    @classmethod
    def of(cls, rules: RuleSet) -> LinkRules:
        p, links = rules.projects, rules.links
        return cls(_word_pattern(p.continuation_openers), _word_pattern(p.update_openers),
                   p.new_subject, p.subject_end, p.counted_object, p.aggregate_marker, links.enumeration_gap,
                   links.group_statement, links.member_list_opener, links.list_head, links.list_continued,
                   links.also_after_state,
                   links.title_max_chars,
                   links.problem_heading, links.other_problem_heading, links.other_problem_document,
                   links.plan_in_clause, links.past_marker, links.still_going,
                   links.verb_first,
                   links.part_of_works, links.done_verb, links.done_rest, links.alternative_joiner,
                   links.class_subject, links.example_opener, links.start_gap, links.start_push,
                   links.push_words, links.push_plan, links.task_heading, links.task_document, links.look_back,
                   links.class_gap,
                   links.plan_document, links.preamble, links.list_alone_rest, links.goal_field,
                   links.panel_opener, links.panel_close, rules.statuses.future_frame, links.dated_opener,
                   links.exclusion_open, links.exclusion_close, links.frame_before, links.frame_under,
                   rules.statuses.plan_frame, rules.statuses.plan_start_class, load_status_model())


_PLAN_TITLE_LINES = 6     # a plan's title stands in its first lines (an issuing office's line may open it)


def _first_lines(text: str, count: int) -> Iterator[str]:
    """`text.split("\n", count)[:count]` without the copy of the rest of the text that split
    makes as its last piece (the whole document but its first lines: 5 MB for a document of 8)."""
    start = 0
    for _ in range(count):
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


class _StatusLinker:
    """Chooses, for each enumeration group, the status cues that speak about it."""

    def __init__(self, layout: Layout, found: Found, enumerations: Enumerations, config: LinkRules) -> None:
        self.text = layout.text
        self.layout = layout
        self.config = config
        self.ends = layout.segment_ends
        self.groups = enumerations.groups
        self.enumerations = enumerations
        self.headings = enumerations.headings
        self._task_sections: dict[int, bool] = {}      # section id -> a heading of tasks to come over it
        self._plan_sections: dict[int, bool] = {}      # section id -> a heading of a plan over it
        spans = sorted((m.start, m.end) for m in found.mentions)
        span_starts = [s for s, _ in spans]
        self.mention_starts = span_starts               # where each project mention starts, sorted
        reach = list(accumulate((e for _, e in spans), max))   # furthest end so far
        # a status word inside a name (…技改项目, 主体工程) says nothing about the project
        own = [c for c in found.cues if not _covered(span_starts, reach, c.start, c.end)]
        self.plan_document = self._is_plan_document()
        self.plan_framed = self._opens_as_plan()
        # the whole document is the tasks to come (2027年工作要点, 重点工作任务 as its title)
        self.task_document = self._title_reads(self.config.task_document)
        self.cues = self._plans(sorted(own + self._done_objects(enumerations.groups), key=lambda c: c.start))
        self.by_segment: dict[int, list[int]] = {}
        for i, c in enumerate(self.cues):
            self.by_segment.setdefault(layout.segment_of(c.start), []).append(i)
        self.segments_with_mentions = {g.segment for g in self.groups}
        # per group: set apart by an exclusion (除甲外，其余…), asked in several places of `link`
        self.excluded = [self._excluded(g) for g in self.groups]
        self.title_segment: int | None = None
        self.members: dict[int, int] = {}       # segment -> how many projects it names
        for g in self.groups:
            self.members[g.segment] = self.members.get(g.segment, 0) + len(g.mentions)
        self.real_cues = len(self.cues)         # the cues after them stand for a problem heading
        self.problem_cue: dict[int, int | None] = {}    # section id -> its delay cue, once found
        self._heading_names: dict[tuple[int, bool], bool] = {}  # see `_names_a_project`, once asked
        self.other_problem_document: bool | None = None     # the title names quality or safety, once read
        self._subject_ends: dict[int, int] = {}         # clause start -> see _subject_end_from
        self._segment_cue_starts: dict[int, list[int]] = {}
        self.title_delay: tuple[int | None, int | None] | None = None  # (title segment, its delay cue), once found
        self._delays: list[int] = []                    # the text's own delay cues, by start (once asked)
        self._delay_starts: list[int] | None = None     # where each of them starts
        self._preamble_list: list[tuple[int, int]] | None = None  # (start, cue) per preamble (`_preambles`)
        self._panels: dict[int, int | None] = {}        # item line's segment -> its panel's cue (`_panel_state`)

    def _done_objects(self, groups: Sequence[Group]) -> list[StatusMention]:
        """完成 with a project as its object (2017年完成甲和乙; 郊区完成甲、乙和丙三座污泥处理
        工程) as a completion cue: 完成 right before the group in its clause, nothing after the
        group in its clause but a count and class of the works, and no plan word before it
        (计划年内完成甲)."""
        out: list[StatusMention] = []
        for g in groups:
            clause_start = self.layout.bounded_start(g.start)
            verb = self.config.done_verb.search(self.text, clause_start, g.start)
            if verb is None or not self.config.done_rest.match(self.text, g.end, self.layout.clause_end(g.end)):
                continue
            if self.config.plan_in_clause.search(self.text, clause_start, verb.start()) is not None:
                continue
            out.append(StatusMention(Status.COMPLETED, verb.start(), verb.end(), DONE_OBJECT_RULE))
        return out

    def _plans(self, cues: list[StatusMention]) -> list[StatusMention]:
        """The cues with a start, completion or opening that a plan governs made plans
        (planned, future): a plan word earlier in its own clause over a list the cue speaks
        of (确保甲、乙、丙建成投产; 力争…建成投产甲、乙), a clause opening with the cue right
        after a clause whose cue is a plan (争取年底建成甲，开工建设乙), or opening with a date
        right before the cue after a clause with a plan word before its cue (预计3月合龙，年底
        通车). A plan in one clause says nothing of a clause with a subject of its own."""
        pushed = self._pushed_starts(cues)
        out: list[StatusMention] = []
        for cue in cues:
            if (cue.start, cue.end) in pushed:
                cue = replace(cue, status=Status.PLANNED, future=True, rule_id=PUSHED_START_RULE)
            elif self._planned_push(cue) or self._push_before_planned_start(cue, cues):
                cue = replace(cue, status=Status.PLANNED, future=True, rule_id=PLAN_PUSH_RULE)
            elif cue.status in _ACHIEVED and not cue.future and self._governed(cue, out):
                cue = replace(cue, status=Status.PLANNED, future=True, rule_id=PLAN_GOVERNED_RULE)
            elif self._task_state(cue) and self._tasked(cue):
                cue = replace(cue, status=Status.PLANNED, future=True, rule_id=TASK_HEADING_RULE)
            elif self._plan_heading_start(cue):
                cue = replace(cue, status=Status.PLANNED, future=True, rule_id=TASK_HEADING_RULE)
            elif self._plan_framed(cue):
                cue = replace(cue, status=Status.PLANNED, future=True, rule_id=TASK_HEADING_RULE)
            elif self._task_state(cue) and self._in_goal_field(cue):
                cue = replace(cue, status=Status.PLANNED, future=True, rule_id=GOAL_FIELD_RULE)
            elif self._task_state(cue) and self._framed_future(cue):
                cue = replace(cue, status=Status.PLANNED, future=True, rule_id=FUTURE_FRAME_RULE)
            out.append(cue)
        return out

    def _framed_future(self, cue: StatusMention) -> bool:
        """A time still to come or a speaker's intent earlier in the cue's sentence (明年，我们将推动
        甲投用，开工建设乙; 今后我局将…), with no mark of a state reached after it (statuses.yaml
        future_frame): the sentence tells what is to be done, not what was."""
        start = self.layout.segment_start(self.layout.segment_of(cue.start))
        if self.config.future_frame.search(self.text, start, cue.start) is not None:
            return True
        # a lead of tasks to come over a list cut by ；(明年重点抓好两项工作：一是…；二是开工建设甲):
        # the lead, up to the last colon of the sentence (up to 。) before the cue's segment,
        # frames each item (both found in the layout's index of marks, not by a scan back)
        sentence_start = self.layout.clause_start(start, SENTENCE_END)
        lead_end = self.layout.clause_start(start, COLONS) - 1
        if lead_end < sentence_start:
            return False
        clause_start = max(self.layout.clause_start(cue.start), start)
        return (self.config.future_frame.search(self.text, sentence_start, lead_end) is not None
                and self.config.past_marker.search(self.text, clause_start, cue.start) is None)

    def _in_goal_field(self, cue: StatusMention) -> bool:
        """The cue stands in a field labelled as a deadline or goal (时限：2027年3月底前开工; 目标：
        年底建成通车), in its sentence and with no mark of a state reached after the label
        (rules/links.yaml goal_field): a target, not a state reached."""
        start = self.layout.segment_start(self.layout.segment_of(cue.start))
        if self.text.find("：", start, cue.start) < 0 and self.text.find(":", start, cue.start) < 0:
            return False        # every label ends in a colon (most sentences hold none)
        return self.config.goal_field.search(self.text, start, cue.start) is not None

    def _is_plan_document(self) -> bool:
        """The document is a plan (关于印发《…2026年重点项目投资计划》的通知): one of its lines before
        its first sentence reads as a plan's title (rules/links.yaml plan_document)."""
        return self._title_reads(self.config.plan_document)

    def _title_reads(self, pattern: regex.Pattern[str]) -> bool:
        """One of the document's lines before its first sentence (its title, an issuing
        office's line above it) matches `pattern`."""
        for line in _first_lines(self.text, _PLAN_TITLE_LINES):
            if "。" in line:
                return False
            if pattern.search(line.strip()) is not None:
                return True
        return False

    def _opens_as_plan(self) -> bool:
        """The document's title (a line before its first sentence) names a plan or a list of
        projects for a period (“十六五”期间重大基础设施项目; 2027年市级重点项目清单: statuses.yaml
        plan_frame): the whole text is the plan's frame."""
        return self._title_reads(self.config.plan_frame)

    def _plan_framed(self, cue: StatusMention) -> bool:
        """A start written as the class a plan gives an item (新开工: in a bracket after its name, a
        cell, a heading, a class statement; statuses.yaml plan_start_class) in a plan's frame (its
        title or a heading over the cue names a plan or list for a period: `_opens_as_plan`,
        `_plan_section`), with no mark of a state reached in its clause (已, 目前): a start the plan
        sets for its period, planned. The list's other words keep their state (a list of a period
        running now reports what it reached: 开工一批（均已于10月28日集中开工）)."""
        if cue.future or cue.weak or cue.status is not Status.STARTED \
                or self.config.plan_start_class.search(self.text, max(cue.start - 1, 0), cue.end) is None:
            return False
        if not self.plan_framed and not self._plan_section(self.layout.section_at(cue.start)):
            return False
        sentence_start = self.layout.segment_start(self.layout.segment_of(cue.start))
        clause_start = max(self.layout.clause_start(cue.start), sentence_start)
        return self.config.past_marker.search(self.text, clause_start, cue.end) is None

    def _plan_section(self, section: Section) -> bool:
        """A heading over `section` (the document's own first line aside) names a plan or a list
        of projects for a period (statuses.yaml plan_frame); remembered per section."""
        return self._heading_over(section, lambda title: self.config.plan_frame.search(title.strip()) is not None,
                                  self._plan_sections)

    def _plan_heading_start(self, cue: StatusMention) -> bool:
        """A start a heading of a plan states (二、新开工项目（38个） in a year's plan): the class of
        the projects to start in the plan's year, planned, not started."""
        if not self.plan_document or cue.status is not Status.STARTED or cue.future:
            return False
        return self.layout.in_heading(cue.start, cue.end)

    def _task_state(self, cue: StatusMention) -> bool:
        """A cue a task to come may state: a start, completion or opening, or works done (完成路基
        5公里), not a plan already, a weak cue or a push (加快推进: `_planned_push` weighs those; a
        push under the tasks heading measured no better)."""
        if cue.future or cue.weak:
            return False
        return cue.status in _ACHIEVED or (cue.status is Status.IN_PROGRESS
                                           and not self.config.push_words.match(self.text, cue.start, cue.end))

    def _tasked(self, cue: StatusMention) -> bool:
        """A cue under a heading of the tasks to come (三、2026年工作
        打算; 下一步工作), with no mark of a state reached in its clause up to its end (已, 目前;
        the cue's own 已 of 已完成主体) and no look back in its sentence before it (回顾2026年, 去年):
        the heading's period has not run yet (rules/links.yaml task_heading, look_back); nor works
        said to go on now in its clause (可以继续施工的有甲: still_going)."""
        if not self._under_task_heading(self.layout.section_at(cue.start)):
            return False
        sentence_start = self.layout.segment_start(self.layout.segment_of(cue.start))
        clause_start = max(self.layout.clause_start(cue.start), sentence_start)
        return (self.config.past_marker.search(self.text, clause_start, cue.end) is None
                and self.config.still_going.search(self.text, clause_start, cue.end) is None
                and self.config.look_back.search(self.text, sentence_start, cue.start) is None)

    def _under_task_heading(self, section: Section) -> bool:
        """A heading over `section` (the document's own first line aside) is one of the tasks to
        come (rules/links.yaml task_heading), or the document's title names the tasks to come
        (task_document: 2027年工作要点, every section is); remembered per section."""
        return self.task_document or self._heading_over(
            section, lambda title: self.config.task_heading.search(title) is not None, self._task_sections)

    def _heading_over(self, section: Section, reads: Callable[[str], bool], known: dict[int, bool]) -> bool:
        """Whether the title of `section` or of a section enclosing it (the document's own first
        line aside) `reads` as wanted; remembered per section in `known`."""
        if section.section_id == 0:
            return False
        found = known.get(section.section_id)
        if found is None:
            parent = self.layout.enclosing(section)
            found = reads(self.text[section.title_start:section.title_end]) or (
                parent is not None and self._heading_over(parent, reads, known))
            known[section.section_id] = found
        return found

    def _planned_push(self, cue: StatusMention) -> bool:
        """A push (推进, 加快: the cue's words whole) that a task to come earlier in its sentence
        speaks of, with no mark of a state reached between (下一步将继续加快推进甲; 明年加快推进
        甲建设): the works are to be pushed, not under way (rules/links.yaml push_plan)."""
        if cue.status is not Status.IN_PROGRESS or cue.weak or cue.future \
                or not self.config.push_words.match(self.text, cue.start, cue.end):
            return False
        start = self.layout.segment_start(self.layout.segment_of(cue.start))
        return self.config.push_plan.search(self.text, start, cue.start) is not None

    def _push_before_planned_start(self, cue: StatusMention, cues: list[StatusMention]) -> bool:
        """A push right before a project (重点推进甲，总投资18亿元，计划3月开工建设) whose sentence
        goes on to plan its start (a plan to start, before the next project named): the works
        are to begin, so the push states no progress."""
        if cue.status is not Status.IN_PROGRESS or cue.weak or cue.future \
                or not self.config.push_words.match(self.text, cue.start, cue.end):
            return False
        seg = self.layout.segment_of(cue.start)
        groups = self.enumerations.by_segment.get(seg, ())
        g = next((g for g in groups if g.start >= cue.end and not self.text[cue.end:g.start].strip()), None)
        if g is None:
            return False
        nxt = min((h.start for h in groups if h.start > g.end), default=self.ends[seg])
        return any(c.rule_id == START_PLAN_RULE and g.end <= c.start and c.end <= nxt for c in cues)

    def _pushed_starts(self, cues: list[StatusMention]) -> set[tuple[int, int]]:
        """The spans of the starts a plan or a push speaks of, and of the push words that are
        cues themselves: a start right after a group (only a time or the group's class between:
        甲年内开工; 甲、乙等项目尽快开工) whose clause names a plan before the group (力争…甲
        6月底前开工) or a push right before it (重点推进甲开工建设; 加快推进甲开工): the start
        is to come, and the push (推进) is no progress of works not yet begun."""
        spans: set[tuple[int, int]] = set()
        for cue in cues:
            if cue.status is not Status.STARTED or cue.future:
                continue
            clause_start = self.layout.bounded_start(cue.start)
            g = next((g for g in self.enumerations.by_segment.get(self.layout.segment_of(cue.start), ())
                      if clause_start <= g.start and g.end <= cue.start
                      and self.config.start_gap.match(self.text, g.end, cue.start) is not None), None)
            if g is None:
                continue
            push = self.config.start_push.search(self.text, clause_start, g.start)
            if push is None and self.config.plan_in_clause.search(self.text, clause_start, g.start) is None:
                continue
            spans.add((cue.start, cue.end))
            if push is not None:
                spans.update((c.start, c.end) for c in cues if push.start() <= c.start and c.end <= push.end())
        return spans

    def _governed(self, cue: StatusMention, before: list[StatusMention]) -> bool:
        # bounded: a line of cues with no mark made every cue reread the line from its start
        clause_start = self.layout.bounded_start(cue.start)
        plan = self.config.plan_in_clause.search(self.text, clause_start, cue.start)
        listed = self.enumerations.by_segment.get(self.layout.segment_of(cue.start), ())
        clause_end = self.layout.clause_end(cue.end)
        if plan is not None and any(len(g.mentions) > 1 and plan.end() <= g.start and g.end <= clause_end
                                    for g in listed):
            return True     # a plan word over a list and its cue (确保甲、乙、丙建成投产; 力争…建成投产甲、乙)
        if not before:
            return False
        previous = before[-1]       # the cue before, if it ends the clause just before this one
        if self.layout.segment_of(previous.start) != self.layout.segment_of(cue.start) \
                or self.layout.clause_start(clause_start - 1) > previous.start:
            return False
        if self.config.verb_first.match(self.text, clause_start, cue.start):
            return previous.future and previous.status is Status.PLANNED
        # a forecast's next dated step (预计5月合龙，年底建成通车): a clause opening with its date
        # right before its cue goes on with the plan word of the clause before
        dated = self.config.dated_opener.match(self.text, clause_start, cue.start)
        return dated is not None and dated.end() == cue.start and self.config.plan_in_clause.search(
            self.text, self.layout.clause_start(previous.start), previous.start) is not None

    def _neighbours(self, gi: int) -> tuple[int, int]:
        """End of the previous group and start of the next one in the same segment."""
        g, groups = self.groups[gi], self.groups
        prev_end = groups[gi - 1].end if gi > 0 and groups[gi - 1].segment == g.segment else 0
        next_start = groups[gi + 1].start if gi + 1 < len(groups) and groups[gi + 1].segment == g.segment \
            else len(self.text)
        return prev_end, next_start

    def prefix_cues(self) -> dict[int, int]:
        """A cue right before a group in its clause is that group's verb (开工建设A、B): it
        belongs to that group only, never to the group before it. So is a cue whose words
        hold the group (督促甲按期进场: a plan's words around its object), when no group stands
        before it in its clause (甲已完成场平工程量的70%: the clause's subject's)."""
        prefix_of: dict[int, int] = {}
        for gi, g in enumerate(self.groups):
            # a bracket right after the group before notes that group's state (甲（主桥合龙）、乙): not this one's verb
            prev_end, own_clause = self._neighbours(gi)[0], self.layout.clause_start(g.start)
            clause_start = max(self._after_note(prev_end), own_clause)
            holds = prev_end <= own_clause
            before = [i for i in self.by_segment.get(g.segment, [])
                      if clause_start <= self.cues[i].start
                      and (self.cues[i].end <= g.start or holds and self.cues[i].start <= g.start < self.cues[i].end
                           and g.end <= self.cues[i].end)]
            if before:
                prefix_of[gi] = before[-1]
            elif (head := self._also_after_state(g, prev_end, own_clause)) is not None:
                prefix_of[gi] = head
        return prefix_of

    def _also_after_state(self, g: Group, prev_end: int, own_clause: int) -> int | None:
        """The last strong cue of the clause before `g`'s when that clause ends in 的 and `g`'s
        opens with 还有 (已建成通车的，还有 | 甲和乙: more projects in that state;
        rules/links.yaml also_after_state), none naming a project between."""
        if own_clause < 2 or self.config.also_after_state.match(self.text, own_clause - 2, g.start) is None:
            return None
        head_start = self.layout.clause_start(own_clause - 2)
        if prev_end > head_start:
            return None
        heads = [i for i in self.by_segment.get(g.segment, [])
                 if head_start <= self.cues[i].start and self.cues[i].end <= own_clause - 2 and not self.cues[i].weak]
        return heads[-1] if heads else None

    def _after_note(self, pos: int) -> int:
        """Past the bracket that opens at `pos` and closes before any clause mark (a note after a
        name: 甲（已竣工）), else `pos`."""
        if pos <= 0 or pos >= len(self.text) or self.text[pos] not in "（(":
            return pos
        close = _NOTE_CLOSE.match(self.text, pos + 1)
        return close.end() if close is not None else pos

    def choose(self, gi: int, prefix_of: dict[int, int], owned: set[int]) -> list[int]:
        """Indices of the cues for group `gi`, in order of preference described in the module."""
        g, cues = self.groups[gi], self.cues
        if self.excluded[gi]:
            return []       # 除甲外，其余项目均已开工: what follows is said of the others
        seg_cues = self.by_segment.get(g.segment, [])
        prev_end, next_start = self._neighbours(gi)
        if self._class_follows(gi):
            next_start = self._neighbours(gi + 1)[1]    # 甲、乙等5个村的污水治理项目全部完工: the class's cue
        after = [i for i in seg_cues if g.end <= cues[i].start < next_start and i not in owned]
        clause_end = self.layout.clause_end(g.end)
        framed = self._framed(g)
        if framed:      # 观摩了甲、乙等8个项目，并对…推进情况进行打分: the later clauses are another subject's
            after = [i for i in after if cues[i].start < clause_end]
        strong_in_clause = [i for i in after if cues[i].start < clause_end and not cues[i].weak]
        strong_after = [i for i in after if not cues[i].weak]
        chosen = [prefix_of[gi]] if gi in prefix_of else []
        # where the sentence stops talking about the group matters only to a strong cue after
        # it (most groups have none: the walk over the sentence's clauses is skipped)
        continued = g.end
        if strong_after:
            continued = self._same_subject_end(g.end)
            if next_start < len(self.text):
                # 甲已完成面层施工，10月28日全线通车，乙…: the clauses up to the next group's own
                # that open with their cue (a date or an adverb before it at most); a clause with
                # words of its own before its cue has a subject the rules did not name
                continued = self._bare_clauses_end(g.end, min(continued, self.layout.clause_start(next_start)))
        strong_continued = [i for i in strong_after if cues[i].start < continued]
        reached = [i for i in strong_continued if not cues[i].future]
        if len(strong_continued) > 1:
            # 去年开工…三次停工…进度滞后: latest wins, but a plan never overrides a state
            # already reached (已完工，计划12月底建成通车)
            chosen.extend(reached or strong_continued)
        elif strong_in_clause:
            chosen.append(strong_in_clause[-1])     # 建成试生产: the last word of the clause
        elif strong_after:
            chosen.append(strong_after[0])          # 完成投资3亿元，9月交付使用
        elif after:
            chosen.append(after[0])
        if not chosen or (chosen[0] == prefix_of.get(gi, -1) and cues[chosen[0]].future
                          and cues[chosen[0]].start <= g.start < cues[chosen[0]].end):
            # 加快在建铁路建设，力争甲早日建成通车: a plan holding the group says nothing against
            # the state the words before it reached
            chosen += [i for i in seg_cues if prev_end <= cues[i].start and cues[i].end <= g.start][-1:]
        if not chosen and prev_end == 0 and not framed:
            # the sentence's first subject: its last word on it (A，位于城东，目前已开工), unless
            # it stands in the clause of a later project of the sentence (甲总投资3亿元，乙已建成)
            chosen = [i for i in seg_cues[-1:] if not self._in_later_clause(gi, cues[i])]
        if all(cues[i].weak for i in chosen):
            # 已投产的项目有：甲、乙，3个项目合计完成投资…: money spent states no state, the
            # list's head does (`aggregate` prefers the strong cue)
            chosen += self._list_head_cue(g)
        if not chosen:
            if self._presents(gi):
                return self._presented_state(g)
            if self._alone_on_line(gi):
                return self._lines_below(g)
            return self._look_ahead(g, self.config.openers)
        if next_start == len(self.text):
            # 施工单位3月已进场。但受征迁影响，工程进展缓慢。: a next sentence that updates
            # the state (但, 目前, 截至 …) and names no other project
            chosen += self._look_ahead(g, self.config.updates)
            chosen += [i for i in self._next_delay(g) if i not in chosen]
        return chosen

    def _framed(self, g: Group) -> bool:
        """Group `g` is no subject of its sentence: named after a preposition of company or
        comparison or as the object of a visit (与甲同年开工的…; 观摩了甲、乙…), or in 在甲的带动下
        (rules/links.yaml frame_before, frame_under): the clauses after it speak of another subject."""
        # frame_before ends at the group (its `$`): only the last few characters can hold it, and a
        # search from the clause's start tried every position of a clause of table rows joined
        # into one (benchmarks/hostile.py 'table rows of cells' grew 6x for 4x the rows)
        window = max(self.layout.clause_start(g.start), g.start - _FRAME_REACH)
        return self.config.frame_under.match(self.text, g.end) is not None \
            or self.config.frame_before.search(self.text, window, g.start) is not None

    def _excluded(self, g: Group) -> bool:
        """Group `g` is set apart by an exclusion (除甲外，…; 除了甲、乙两个项目以外，…: rules/links.yaml
        exclusion_open, exclusion_close): the clauses after it speak of the others, not of it."""
        clause_start = self.layout.clause_start(g.start)
        return self.config.exclusion_close.match(self.text, g.end) is not None \
            and self.config.exclusion_open.search(self.text, clause_start, g.start) is not None

    def _continues(self, gi: int) -> bool:
        """Group `gi` goes on with the list before it in its sentence, after a comma and a
        joiner (…等16个产业项目，以及丙、丁: rules/links.yaml list_continued)."""
        before, g = self.groups[gi - 1], self.groups[gi]
        return before.segment == g.segment and \
            self.config.list_continued.match(self.text, before.end, g.start) is not None

    def _class_follows(self, gi: int) -> bool:
        """The next group of `gi`'s segment is the class of `gi`'s list, named after 等 (甲、乙、丙
        等5个村的污水治理项目): what is said of the class after it is said of the members
        (rules/links.yaml class_gap)."""
        nxt = gi + 1
        if nxt >= len(self.groups) or self.groups[nxt].segment != self.groups[gi].segment:
            return False
        return self.config.class_gap.match(self.text, self.groups[gi].end, self.groups[nxt].start) is not None

    def _list_head_cue(self, g: Group) -> list[int]:
        """The last strong cue of the clause that heads the list `g` stands in, when that clause
        ends in a colon in `g`'s sentence and nothing but the list's items lies between (集中开工
        的项目有：甲（以下简称…）、乙、丙: 乙 and 丙 are members as 甲 is, though an aside or a
        name cut short parted them from 甲's group; rules/links.yaml list_head)."""
        colon = self.layout.clause_start(g.start) - 1
        if colon < self.layout.segment_start(g.segment) or self.text[colon] not in COLONS:
            return []
        head_start = self.layout.clause_start(colon)
        if self.config.list_head.search(self.text, head_start, colon) is None:
            return []
        return [i for i in self.by_segment.get(g.segment, [])
                if head_start <= self.cues[i].start and self.cues[i].end <= colon and not self.cues[i].weak][-1:]

    def _lists(self, chained: list[bool]) -> list[bool]:
        """Per group, whether the comma chain through it (`chained[i]`: group i is chained to
        the next) is a list: three groups or more, or its last closed by 等 (A，B等项目).
        Read once per chain, not once per member."""
        out: list[bool] = []
        first = 0
        for last in range(len(self.groups)):
            if last < len(chained) and chained[last]:
                continue            # the chain goes on past this group
            size = last - first + 1
            out += [size >= 3 or self.text.startswith(_LIST_CLOSER, self.groups[last].end)] * size
            first = last + 1
        return out

    def _in_later_clause(self, gi: int, cue: StatusMention) -> bool:
        """The cue stands in the clause of a later group of `gi`'s sentence, a clause of its
        own (甲总投资3亿元，乙已建成: 乙's; not 甲、乙和丙部分建成, one clause)."""
        g = self.groups[gi]
        cue_clause = self.layout.clause_start(cue.start)
        for later in self.groups[gi + 1:]:
            if later.segment != g.segment or later.start > cue.end:
                break
            if self.layout.clause_start(later.start) == cue_clause and cue_clause >= g.end:
                return True
        return False

    def _next_delay(self, g: Group) -> list[int]:
        """The delay cues of the next sentence of the paragraph when it names no project and
        speaks of no class of projects (甲正在施工。受资金影响，进度滞后。): a delay is news
        about the project just spoken of."""
        nxt = g.segment + 1
        if nxt >= len(self.ends) or nxt in self.segments_with_mentions or self.text[self.ends[g.segment] - 1] == "\n":
            return []
        if self.config.group_statement.search(self.text, self.ends[g.segment], self.ends[nxt]):
            return []
        return self._delays_in(nxt)

    def _delays_in(self, segment: int) -> list[int]:
        """The delay cues (not forecasts) of one segment, in text order."""
        return [i for i in self.by_segment.get(segment, [])
                if self.cues[i].status is Status.DELAYED and not self.cues[i].future]

    def _same_subject_end(self, pos: int) -> int:
        """Where the sentence stops talking about the subject named before `pos`: at the
        first later clause with a subject of its own (其余项目…, 63所…, 某某建设基本完成)."""
        return self._subject_end_from(self.layout.clause_end(pos) + 1)

    def _subject_end_from(self, start: int) -> int:
        """The start of the first clause from `start` on, in its sentence, with a subject of
        its own, or the sentence's end. Remembered per clause start and filled walking back, so
        a sentence of n clauses costs O(n) for all its projects together, not O(n) each
        (a long sentence without a full stop, as PDF text has, made linking cubic)."""
        segment = self.layout.segment_of(start)
        seg_end = self.ends[segment] if segment < len(self.ends) else len(self.text)
        starts = self._cue_starts(segment)
        walked: list[int] = []
        found = seg_end
        while start < seg_end:
            if start in self._subject_ends:
                found = self._subject_ends[start]
                break
            end = min(self.layout.clause_end(start), seg_end)
            first_cue = _first_within(starts, start, end)
            if self.config.new_subject.match(self.text[start:end]) \
                    or self.config.subject_end.search(self.text[start:first_cue]) \
                    or (first_cue < end and self.config.counted_object.search(self.text[first_cue:end])):
                found = start
                break
            walked.append(start)
            start = end + 1
        for clause_start in walked:
            self._subject_ends[clause_start] = found
        return found

    def _bare_clauses_end(self, pos: int, limit: int) -> int:
        """Where the clauses after the one at `pos` stop opening with their cue, up to `limit`:
        the start of the first whose words before its first cue, dates and numbers aside, are
        more than `_BARE_CLAUSE_LEAD` characters."""
        start = self.layout.clause_end(pos) + 1
        starts = self._cue_starts(self.layout.segment_of(pos))
        while start < limit:
            end = min(self.layout.clause_end(start), limit)
            if len(_DATE_WORDS.sub("", self.text[start:_first_within(starts, start, end)])) > _BARE_CLAUSE_LEAD:
                return start
            start = end + 1
        return limit

    def _cue_starts(self, segment: int) -> list[int]:
        """The starts of the cues of one segment, sorted (remembered)."""
        starts = self._segment_cue_starts.get(segment)
        if starts is None:
            starts = self._segment_cue_starts[segment] = sorted(self.cues[i].start
                                                                 for i in self.by_segment.get(segment, []))
        return starts

    def _presents(self, gi: int) -> bool:
        """Group `gi` is the whole of what its sentence says: the sentence names it and no
        other project, holds no cue, and the rest of it is a short introduction (第二个点是甲。
        第三个点，甲。): a speaker presenting a project states its state in the sentences after."""
        g = self.groups[gi]
        if len(g.mentions) > 1 or self.by_segment.get(g.segment) \
                or len(self.enumerations.by_segment.get(g.segment, ())) > 1:
            return False
        start = self.layout.segment_start(g.segment)
        rest = _PUNCTUATION.sub("", self.text[start:g.start] + self.text[g.end:self.ends[g.segment]])
        # an item's number alone (2.甲。 一是甲。) is a list's item, which its list or heading speaks of
        return len(rest) <= _PRESENTING_CHARS and len(_ITEM_MARK.sub("", rest)) >= 2

    def _alone_on_line(self, gi: int) -> bool:
        """Group `gi` is one project alone on its line, but for marks and symbols (📍甲; 【甲】), and
        no section's heading: an item's heading line in a post, its state in the short lines below.
        A list alone on its line, its count and class after it (📍甲、乙、丙三个口袋公园), is one item
        of the post too: the lines below speak of all its members."""
        g = self.groups[gi]
        if self.by_segment.get(g.segment):
            return False
        start, end = self.layout.segment_start(g.segment), self.ends[g.segment]
        if (start and self.text[start - 1] != "\n") or self.text[end - 1] != "\n" and end != len(self.text):
            return False
        if self.layout.in_heading(g.start):
            return False
        if len(g.mentions) > 1:
            return not _MARKS.sub("", self.text[start:g.start]) \
                and self.config.list_alone_rest.fullmatch(_MARKS.sub("", self.text[g.end:end])) is not None
        return not _MARKS.sub("", self.text[start:g.start] + self.text[g.end:end])

    def _lines_below(self, g: Group) -> list[int]:
        """The cues of the lines below a project alone on its line (`_alone_on_line`), up to a
        blank line, a line naming a project or a line stating a class of projects (附：下月计划
        开工项目（2个）under the last item of a list: the next list's heading, not this item's news)."""
        out: list[int] = []
        for nxt in range(g.segment + 1, min(g.segment + 1 + _LINES_BELOW, len(self.ends))):
            line = self.text[self.layout.segment_start(nxt):self.ends[nxt]]
            if (not line.strip() or nxt in self.segments_with_mentions
                    or self.config.group_statement.search(line) is not None):
                break
            out += self.by_segment.get(nxt, [])
        return self._without_side_steps(out)

    def _without_side_steps(self, picks: list[int]) -> list[int]:
        """`picks` (the cues of the sentences or lines after a project) without a step before the
        works (已完成采购招标, a planned state) said after a state of the works themselves (主体已完工，
        正在进行内部装修。医疗设备已完成采购招标): a detail of works under way, not their state."""
        out: list[int] = []
        works = False
        for i in picks:
            c = self.cues[i]
            if c.status is Status.PLANNED and works and not c.future and not c.weak:
                continue
            works = works or (c.status in _COURSE[1:] and not c.future and not c.weak)
            out.append(i)
        return out

    def _presented_state(self, g: Group) -> list[int]:
        """The cues of the sentences after a sentence presenting a project (`_presents`), in its
        paragraph, up to the next sentence naming a project: they speak of it."""
        text, ends = self.text, self.ends
        out: list[int] = []
        for step in range(1, _LOOKAHEAD_SENTENCES + 1):
            nxt = g.segment + step
            if nxt >= len(ends) or nxt in self.segments_with_mentions or text[ends[nxt - 1] - 1] == "\n":
                break
            out += self.by_segment.get(nxt, [])
        return self._without_side_steps(out)

    def _look_ahead(self, g: Group, openers: regex.Pattern[str]) -> list[int]:
        """The cues of the next sentences of the paragraph, when they go on about the same
        project (目前, 该项目 …) and name no other."""
        text, ends = self.text, self.ends
        for step in range(1, _LOOKAHEAD_SENTENCES + 1):
            nxt = g.segment + step
            if nxt >= len(ends) or nxt in self.segments_with_mentions or text[ends[nxt - 1] - 1] == "\n":
                return []
            if step == 1 and not openers.match(text, ends[nxt - 1]) and not self._dated_state(nxt):
                return []
            if self.by_segment.get(nxt):
                return self.by_segment[nxt]
        return []

    def _dated_state(self, segment: int) -> bool:
        """The sentence `segment` has no subject of its own: it opens with a date and then its
        first cue (2022年4月开工，2024年底建成投用; rules/links.yaml dated_opener), so it goes on about
        the project of the sentence before it."""
        start = self.layout.segment_start(segment)
        opener = self.config.dated_opener.match(self.text, start)
        if opener is None or opener.end() == start:
            return False
        cues = self._cue_starts(segment)
        return bool(cues) and cues[0] == opener.end()

    def _inherit_group_state(self, chosen: list[list[int]]) -> None:
        """Groups with no cue of their own that follow a statement about a class of projects
        (a sentence naming no project; only other cue-less lists in between) take its state.
        A weak cue of their own (累计完成投资: money spent) states no state: such a group
        takes the state of a statement or heading over it beside it, and `aggregate` prefers
        the strong one (not the title's: farther away, it was wrong more often on the gold)."""
        own = [any(not self.cues[i].weak for i in c) for c in chosen]
        listed_segments: dict[int, bool] = {}   # segment -> every group in it has no cue of its own
        for g, has_cue in zip(self.groups, own, strict=True):
            listed_segments[g.segment] = listed_segments.get(g.segment, True) and not has_cue
        title = self._title_cues()
        self.title_segment = title[1] if title else None
        taken = {i for picks in chosen for i in picks}      # cues some project already has as its own
        for gi, g in enumerate(self.groups):
            if own[gi]:
                continue
            # an excluded project (除甲外) is set apart from the class the sentence before spoke of
            statement = None if self.excluded[gi] else self._group_statement_before(g.segment, listed_segments)
            heading = self._heading_state(self.layout.section_at(g.start), title[1] if title else None)
            weak = chosen[gi]
            if statement is not None:
                chosen[gi] = weak + statement
                if heading is not None and all(self.cues[i].future for i in statement) \
                        and self.cues[heading].status in _COURSE and not self.cues[heading].future:
                    # 三、续建项目 over 续建项目要…确保按期建成。主要包括甲、乙: the statement's target is
                    # no state reached, the heading's class is (`aggregate` prefers it to a plan)
                    chosen[gi] = chosen[gi] + [heading]
            elif (panel := self._panel_state(g, taken)) is not None:
                chosen[gi] = weak + [panel]     # ▌竣工投产  12个 over one name a line
            elif (preamble := self._preamble_before(g, heading)) is not None:
                chosen[gi] = weak + [preamble]  # 以下项目除注明外均处于前期准备阶段 over the items
            elif heading is not None and not self._named_before(g, self.cues[heading].start):
                chosen[gi] = weak + [heading]   # （四）储备项目 over the list: nearer than the title
            elif title and g.segment > title[1] and not weak:
                chosen[gi] = title[0]       # 5个重点项目集中开工 as the title: the report's subject

    def _named_before(self, g: Group, pos: int) -> bool:
        """Every project of group `g` was first named before `pos`: a heading there (五、前期项目)
        heads the new members listed under it, not a project of an earlier row or section named
        again in a note below it."""
        return all(self._first_named[m.key] < pos for m in g.mentions)

    @functools.cached_property
    def _first_named(self) -> dict[str, int]:
        """Each project key's first mention's start."""
        first: dict[str, int] = {}
        for group in self.groups:
            for m in group.mentions:
                first[m.key] = min(first.get(m.key, m.start), m.start)
        return first

    def _full_line(self, segment: int) -> tuple[int, int] | None:
        """(start, end) of `segment` without its line break when it is a whole line, else None."""
        start, end = self.layout.segment_start(segment), self.ends[segment]
        if start and self.text[start - 1] != "\n":
            return None
        if self.text[end - 1] == "\n":
            return start, end - 1
        return (start, end) if end == len(self.text) else None

    def _bare_item_line(self, segment: int) -> bool:
        """The line `segment` holds names and little else: no clause mark and at most a few
        characters beside its projects (甲; 甲  乙; 📍甲（一期）)."""
        line = self._full_line(segment)
        if line is None:
            return False
        rest, at = [], line[0]
        for g in self.enumerations.by_segment.get(segment, ()):
            rest.append(self.text[at:g.start])
            at = g.end
        rest.append(self.text[at:line[1]])
        words = "".join(rest)
        return not any(ch in CLAUSE_MARKS for ch in words.strip()) \
            and len(_DIGITS_AND_MARKS.sub("", words)) <= _PANEL_ITEM_REST

    def _panel_state(self, g: Group, taken: set[int]) -> int | None:
        """The state cue of the panel heading over the line of group `g` (rules/links.yaml
        panel_opener, panel_close): a short line naming no project, with no clause mark, whose
        last strong cue is a state reached, opening with a mark, closing with a count or a colon
        or standing after a blank line (▌竣工投产  12个; 【新开工】; 已建成：), above lines of bare
        names. The walk up from `g`'s line passes other item lines, blank lines, labels and the
        state lines of items (主塔封顶 ✔ under its item); it stops at another panel with no state
        (a line opening with a mark), a sentence or a section heading. Items of one block share
        the walk (remembered per item line), so a list of n lines costs O(n). A line whose cue an
        item above already has as its own (`taken`: 📍甲⏎▶ 全部建成后…, the last line of 甲's block)
        is that item's, no panel."""
        if g.segment in self._panels:
            return self._panels[g.segment]
        found: int | None = None
        if self._bare_item_line(g.segment):
            walked = 0
            for seg in range(g.segment - 1, -1, -1):
                if seg in self.segments_with_mentions:
                    if seg in self._panels:
                        found = self._panels[seg]
                        break
                    if self._bare_item_line(seg):
                        continue        # an earlier item of the block
                    break
                line = self._full_line(seg)
                if line is None:
                    break               # a sentence
                start, end = line
                body = self.text[start:end].strip()
                if not body:
                    continue
                walked += 1
                if walked > _PANEL_REACH or self.layout.in_heading(start) \
                        or any(ch in CLAUSE_MARKS for ch in body[:-1]):
                    break
                cues = [i for i in self.by_segment.get(seg, [])
                        if i < self.real_cues and not self.cues[i].weak]
                if any(i in taken for i in cues):
                    continue            # an item's own state line (主塔封顶 ✔ under its item)
                opened = self.config.panel_opener.match(self.text, start) is not None
                if not cues:
                    if opened:
                        break           # another panel, stating no state (▌分领域看)
                    continue            # a label (代表项目：) or an item's figure line
                after_blank = seg == 0 or not self.text[self.layout.segment_start(seg - 1):self.ends[seg - 1]].strip()
                headed = (opened or after_blank or self.config.panel_close.search(self.text, start, end)) \
                    and len(_DIGITS_AND_MARKS.sub("", body)) <= _PANEL_HEAD_CHARS
                last = self.cues[cues[-1]]
                if headed and not last.future:
                    if last.status in _COURSE:
                        found = cues[-1]
                    break
                if any(self.cues[i].future for i in cues):
                    # a plan heading the lines below (力争年内开工 over bare names; ◆ 二季度计划新开工
                    # ⏎9个 over them) is their plan, unless it stands right under an item, whose
                    # plan it is (甲⏎计划年底通车)
                    if not self._under_item(seg):
                        found = cues[-1]
                    break
                if headed:
                    break
                # an item's own state line (主塔封顶 ✔ under its item): the walk goes on
        self._panels[g.segment] = found
        return found

    def _under_item(self, segment: int) -> bool:
        """The nearest non-blank line above `segment` names a project (甲⏎计划年底通车: the
        line under an item is that item's)."""
        above = segment - 1
        while above >= 0 and not self.text[self.layout.segment_start(above):self.ends[above]].strip():
            above -= 1
        return above >= 0 and above in self.segments_with_mentions

    def _preambles(self) -> list[tuple[int, int]]:
        """(start, cue) of each preamble of the text (rules/links.yaml preamble: 以下项目除注明外均为
        新建项目，目前均处于前期准备阶段) whose segment names no project: the last strong cue of a
        state reached in its segment after the preamble's words. Found once."""
        if self._preamble_list is None:
            self._preamble_list = []
            for m in self.config.preamble.finditer(self.text):
                segment = self.layout.segment_of(m.start())
                if segment in self.segments_with_mentions:
                    continue
                picks = [i for i in self.by_segment.get(segment, []) if self.cues[i].start >= m.start()
                         and not self.cues[i].weak and not self.cues[i].future]
                if picks:
                    self._preamble_list.append((m.start(), picks[-1]))
        return self._preamble_list

    def _preamble_before(self, g: Group, heading: int | None) -> int | None:
        """The cue of the nearest preamble before group `g` (`_preambles`) in a section over `g`
        (its own or one enclosing it), unless `heading` (the state of a heading over `g`) stands
        after it: a heading nearer the item states its class first."""
        found = self._preambles()
        k = bisect_right(found, (g.start, len(self.cues))) - 1
        if k < 0:
            return None
        start, cue = found[k]
        if heading is not None and self.cues[heading].start > start:
            return None
        own = self.layout.section_at(start)
        return cue if self.layout.encloses(own, self.layout.section_at(g.start)) else None

    def _heading_state(self, section: Section, title_segment: int | None) -> int | None:
        """The last strong cue (the last state reached, when the title also holds a target) in
        the title of the innermost heading over `section` that has one (二、已竣工项目; （四）储备项目),
        the document's title aside: a heading states the state of the group it heads, as a
        statement before a list does. A heading that names a project ((五)进度严重滞后的，是甲焚烧
        发电项目) states that project's state, none of the section's others."""
        current: Section | None = section
        while current is not None and current.section_id != 0:
            segment = self.layout.segment_of(current.title_start)
            if (title_segment is None or segment != title_segment) \
                    and not self._names_a_project(current, in_title=True):
                strong = [i for i in self.by_segment.get(segment, [])
                          if not self.cues[i].weak
                          and current.title_start <= self.cues[i].start and self.cues[i].end <= current.title_end]
                if strong:
                    return self._last_reached(strong)[0]
            current = self.layout.enclosing(current)
        return None

    def _title_line(self) -> int | None:
        """The segment of the document's title line (`Layout.title`: its first line, when
        short and no sentence), else None."""
        title = self.layout.title(self.config.title_max_chars)
        return self.layout.segment_of(title[0]) if title is not None else None

    def _document_title(self) -> int | None:
        """The segment of the document's title when it is no section heading of its own (二、存在的问题
        opening a text heads its section only)."""
        seg = self._title_line()
        if seg is None:
            return None
        section = self.layout.section_at(self.ends[seg] - 1)
        if section.section_id != 0 and self.layout.segment_of(section.title_start) == seg:
            return None
        return seg

    def _title_cues(self) -> tuple[list[int], int] | None:
        """The strong cue of the document's title (its first line, short, no full stop; its last
        state reached over a target) and the title's segment: a headline (全县12个重点项目集中开工)
        states the state of the projects the report goes on to name without a state of their own."""
        seg = self._title_line()
        if seg is None:
            return None
        strong = [i for i in self.by_segment.get(seg, []) if not self.cues[i].weak]
        return (self._last_reached(strong), seg) if strong else None

    def _title_delay(self, segment: int) -> int | None:
        """The delay of a document whose title is about delays (关于重点项目进度滞后情况的通报),
        for a project named after the title: a report's own subject is the state of the
        projects it lists, as a heading's is."""
        if self.title_delay is None:
            seg = self._document_title()
            self.title_delay = (seg, self._delay_in_line(seg) if seg is not None else None)
        seg, cue = self.title_delay
        return cue if seg is not None and segment > seg else None

    def _delay_in_line(self, segment: int) -> int | None:
        """The line's first delay cue (not its problem words: a report on progress and its
        problems, …情况及存在的问题, is about more than delays)."""
        start = self.ends[segment - 1] if segment else 0
        return self._delay_between(start, self.ends[segment], problem_words=False)

    def _group_statement_before(self, segment: int, listed: dict[int, bool]) -> list[int] | None:
        """The state cue of the class statement a list in `segment` continues, if any."""
        opens_list = segment > 0 and self.config.member_list_opener.match(self.text, self.ends[segment - 1]) is not None
        for seg in range(segment - 1, max(segment - _GROUP_REACH, -1), -1):
            start = self.ends[seg - 1] if seg > 0 else 0
            body = self.text[start:self.ends[seg]].strip()
            strong = [i for i in self.by_segment.get(seg, []) if not self.cues[i].weak]
            if not opens_list and self._opener_alone(body):
                opens_list = True       # …11个项目开工建设。包括：⏎甲⏎乙: the opener alone before the lines
                continue
            if opens_list:
                if body:
                    return self._last_reached(strong) or None  # 这5个项目分别为…: the sentence just before
                continue
            if seg in listed:
                if listed[seg]:
                    continue            # an earlier item of the same list
                return None             # a sentence about projects with their own state
            if not body:
                if seg + 1 < segment:
                    return None         # a blank line ends the list (not right after its head)
                continue
            if strong and self.config.group_statement.search(body) and (
                    self.text[self.ends[seg] - 1] != "。" or self.members[segment] > 1):
                # after a full stop, a lone project is not taken as the list of members
                return self._last_reached(strong)
            return None
        return None

    def _last_reached(self, strong: list[int]) -> list[int]:
        """The last of a statement's or heading's strong cues `strong` (in order) that states a
        state reached, else its last (a plan): in 续建并确保年底完工的项目 the class is the works
        under way, and a plan never overrides a state reached (as `aggregate` reads a project's
        own cues). Empty for none."""
        return ([i for i in strong if not self.cues[i].future] or strong)[-1:]

    def _opener_alone(self, body: str) -> bool:
        """`body` (a sentence) is a list's opener and nothing else (包括：, 主要有：)."""
        opener = self.config.member_list_opener.match(body)
        return opener is not None and opener.end() > 0 and body[opener.end():].strip(SPACES + "：:") == ""

    def _add_class_states(self, chosen: list[list[int]]) -> None:
        """A group whose only cues are plans (计划年内甲、乙竣工) after a clause of its sentence
        about a class of projects that states a state reached (在建项目23个正加快推进，…) gets
        that state beside its plans: the members are in the class's state, the plan is not
        reached (`aggregate` prefers a state reached over a plan). A plan to start (明年开工)
        says the works have not started: it stays."""
        for gi in range(len(self.groups)):
            picks = [self.cues[i] for i in chosen[gi]]
            if not picks or not all(c.future for c in picks) or any(c.rule_id == START_PLAN_RULE for c in picks):
                continue
            statement = self._class_statement_before(gi)
            if statement is not None:
                chosen[gi] = [statement, *chosen[gi]]

    def _class_statement_before(self, gi: int) -> int | None:
        """The last strong cue of a state reached in the nearest clause before group `gi`'s own,
        in its sentence and after any other group, whose subject is a class of projects
        (rules/links.yaml class_subject), else None."""
        g = self.groups[gi]
        prev_end = self._neighbours(gi)[0]
        own_clause = self.layout.clause_start(g.start)
        before = [i for i in self.by_segment.get(g.segment, []) if i < self.real_cues
                  and max(prev_end, self.layout.segment_start(g.segment)) <= self.cues[i].start
                  and self.cues[i].end <= own_clause]
        if not before:
            return None
        last = before[-1]
        cue = self.cues[last]
        if cue.weak or cue.future or cue.status not in _COURSE:
            return None
        clause_start = max(prev_end, self.layout.clause_start(cue.start))
        if self.config.class_subject.search(self.text, clause_start, cue.start) is None:
            return None
        return last

    def _add_delays(self, chosen: list[list[int]], own: list[bool]) -> None:
        """A group under a heading about problems or delays (二、存在的问题; （三）进度滞后项目),
        or right after a sentence about delayed projects naming none (一是部分项目进展缓慢。),
        gets that delay beside its own cues: `aggregate` lets it outrank a neutral state. A
        heading's bare problem words reach only projects first named under it.
        The sentence before passes its delay only to its members (`_may_be_member`): a group
        with no strong cue of its own (`own`), a list, or one in a sentence that opens as an
        example or a member of that class (比如，甲开工已半年…; 其中甲…); a project alone in a
        sentence of its own with its own state (…形不成施工高潮。乙正在加快建设。) is another's news.
        A document title about delays reaches no group under a heading that states its class's
        state (三、进展较好的项目; 二、已竣工项目): the heading is nearer and says which projects
        it lists."""
        for gi, g in enumerate(self.groups):
            if any(self.cues[i].status is Status.DELAYED for i in chosen[gi]):
                continue
            delay = self._delay_statement_before(g.segment) if self._may_be_member(gi, own[gi]) else None
            section = self.layout.section_at(g.start)
            if delay is None:
                delay = self._problem_heading_cue(section, g.segment)
                if delay is not None and self.cues[delay].rule_id == PROBLEM_HEADING_RULE \
                        and self._named_before(g, section.title_start):
                    # 二、存在的问题 over a project named before it (its state told there; here
                    # named as a site or a case): the heading's bare problem words are no delay
                    # of its own (a heading that states the delay, 部分项目进度滞后, still is)
                    delay = None
            if delay is None and self._heading_state(section, self.title_segment) is None:
                delay = self._title_delay(g.segment)
            if delay is not None:
                chosen[gi] = [*chosen[gi], delay]

    def _may_be_member(self, gi: int, has_own_state: bool) -> bool:
        """Group `gi` may be a member of the class the sentence before speaks of: it has no
        strong cue of its own, it is a list (甲、乙等尚未开工), or its sentence opens as an
        example or a member (比如, 其中)."""
        g = self.groups[gi]
        return (not has_own_state or len(g.mentions) > 1 or self.text.startswith(_LIST_CLOSER, g.end)
                or self._opens_as_member(g.segment))

    def _opens_as_member(self, segment: int) -> bool:
        """The sentence opens as an example or a member of the class just spoken of (比如,
        例如, 其中, 包括: rules/links.yaml example_opener, member_list_opener)."""
        start = self.layout.segment_start(segment)
        return (self.config.example_opener.match(self.text, start) is not None
                or self.config.member_list_opener.match(self.text, start) is not None)

    def _add_plans(self, chosen: list[list[int]]) -> None:
        """A group with no cue at all in a sentence with a plan word (计划, 力争, 拟) is a plan:
        the plan word stands as its cue (weak: any other cue decides before it)."""
        for gi, g in enumerate(self.groups):
            if chosen[gi]:
                continue
            start = self.layout.segment_start(g.segment)
            plan = self.config.plan_in_clause.search(self.text, start, self.ends[g.segment])
            if plan is None:
                continue
            word = plan.span()
            self.cues.append(StatusMention(Status.PLANNED, word[0], word[1], PLAN_SENTENCE_RULE, weak=True,
                                           future=True))
            chosen[gi] = [len(self.cues) - 1]

    def _delay_statement_before(self, segment: int) -> int | None:
        """The delay cue of the sentence just before `segment` in its paragraph, when that
        sentence speaks of a class of projects (部分项目进展缓慢) and names none."""
        if segment == 0 or segment - 1 in self.segments_with_mentions:
            return None
        start = self.ends[segment - 2] if segment > 1 else 0
        body = self.text[start:self.ends[segment - 1]]
        if body.endswith("\n") or not self.config.group_statement.search(body):
            return None
        delays = self._delays_in(segment - 1)
        return delays[-1] if delays else None

    def _problem_heading_cue(self, section: Section, segment: int) -> int | None:
        """The delay cue of the innermost heading over `section` about problems or delays:
        a delayed cue in its title, else the title's problem words as the cue (the
        document's own first line is no heading). A heading on the way up that names a
        problem of another kind (资金闲置, 违规分包: rules/links.yaml other_problem_heading)
        ends the walk: its projects' problem is no delay. In a document about such problems
        (a quality and safety inspection's notice: other_problem_document) only a heading's
        own delay cue counts, not its problem words. A heading that names a project
        ((五)进度严重滞后的，是甲焚烧发电项目) tells the delay of the projects in its own sentence
        (`segment`: the group's), not of the section's others."""
        if self.other_problem_document is None:
            self.other_problem_document = self._title_reads(self.config.other_problem_document)
        current: Section | None = section
        while current is not None and current.section_id != 0:
            if self._names_a_project(current) and segment != self.layout.segment_of(current.title_start):
                current = self.layout.enclosing(current)
                continue
            if current.section_id not in self.problem_cue:
                self.problem_cue[current.section_id] = self._delay_between(
                    current.title_start, current.title_end, problem_words=not self.other_problem_document)
            if self.problem_cue[current.section_id] is not None:
                return self.problem_cue[current.section_id]
            if self.config.other_problem.search(self.text, current.title_start, current.title_end):
                return None     # （三）资金闲置 under 二、审计发现的问题: a problem that is no delay
            current = self.layout.enclosing(current)
        return None

    def _names_a_project(self, section: Section, in_title: bool = False) -> bool:
        """The heading of `section` goes on to name a project in the rest of its sentence on
        its line ((五)进度严重滞后的，是甲项目), or (`in_title`) names one in its title too (（三）甲
        项目已竣工), not a class before a colon and a list of them (3．进展滞后的项目：甲；乙).
        (A problem heading's title alone may read as an item, 专项资金闲置: not asked there.)
        Remembered per section: asked for every group and every linked cue under it."""
        known = self._heading_names.get((section.section_id, in_title))
        if known is not None:
            return known
        names = False
        if not self.text.startswith(("：", ":"), section.title_end):
            start = section.title_start if in_title else section.title_end
            line_end = self.text.find("\n", section.title_end)
            end = min(self.ends[self.layout.segment_of(section.title_start)],
                      line_end if line_end >= 0 else len(self.text))
            at = bisect_left(self.mention_starts, start)
            names = at < len(self.mention_starts) and self.mention_starts[at] < end
        self._heading_names[(section.section_id, in_title)] = names
        return names

    def _delay_between(self, start: int, end: int, problem_words: bool = True) -> int | None:
        """The first delay cue between `start` and `end` (a heading's or the title's), else
        (`problem_words`) their problem words as a delay cue."""
        in_title = self._first_delay_within(start, end)
        if in_title is not None or not problem_words:
            return in_title
        found = self.config.problem_heading.search(self.text, start, end)
        if found is None:
            return None
        self.cues.append(StatusMention(Status.DELAYED, found.start(), found.end(), PROBLEM_HEADING_RULE))
        return len(self.cues) - 1

    def _first_delay_within(self, start: int, end: int) -> int | None:
        """The first of the text's own delay cues (not forecasts) lying within start:end, by
        bisection over where they start: a look through every cue for each heading took time
        growing with the square of a big document (5 of 8.8 s of link on 8 MB of fresh text)."""
        if self._delay_starts is None:
            self._delays = sorted((i for i in range(self.real_cues) if self.cues[i].status is Status.DELAYED
                                   and not self.cues[i].future), key=lambda i: self.cues[i].start)
            self._delay_starts = [self.cues[i].start for i in self._delays]
        lo, hi = bisect_left(self._delay_starts, start), bisect_right(self._delay_starts, end)
        inside = [i for i in self._delays[lo:hi] if self.cues[i].end <= end]
        return min(inside) if inside else None

    def link(self) -> list[StatusMention]:
        groups, cues = self.groups, self.cues
        prefix_of = self.prefix_cues()
        owned = set(prefix_of.values())
        chosen = [self.choose(gi, prefix_of, owned) for gi in range(len(groups))]
        # A，B，C等一批项目开工建设: comma-chained groups share the cue of the last one, when
        # they read as a list (three or more, or closed by 等); two phrases and a comma are two
        # clauses (建立健全…工程，凤栖大道建成通车: the cue is the second one's)
        chained = [nxt.segment == g.segment and _COMMA_CHAIN.match(self.text, g.end, nxt.start) is not None
                   for g, nxt in zip(groups, groups[1:], strict=False)]
        lists = self._lists(chained)
        for gi in range(len(groups) - 2, -1, -1):
            if not chosen[gi] and chained[gi] and lists[gi] and not self.excluded[gi]:
                chosen[gi] = chosen[gi + 1]
        # 开工的还有甲、乙等16个产业项目，以及丙、丁和戊: a list going on after a comma and a joiner
        # takes the cue of the list it continues
        for gi in range(1, len(groups)):
            if not chosen[gi] and self._continues(gi) and not self.excluded[gi]:
                chosen[gi] = list(chosen[gi - 1])
        own = [any(not cues[i].weak for i in picks) for picks in chosen]     # before any group's state is added
        self._inherit_group_state(chosen)
        self._add_class_states(chosen)
        self._add_delays(chosen, own)
        self._add_plans(chosen)
        chosen = [self._later_alternatives(picks) for picks in chosen]
        linked: list[tuple[StatusMention, str, Group | None]] = []     # (row, how linked, group)
        used: set[int] = set()
        rows: set[tuple[int, str]] = set()     # one row per cue and project, however often it is named
        for g, picks in zip(groups, chosen, strict=True):
            used.update(picks)
            for i in picks:
                for m in g.mentions:
                    if (i, m.key) not in rows:
                        rows.add((i, m.key))
                        linked.append((self._as_row(cues[i], g, m), self._link_kind(g, cues[i]), g))
        # a cue left over speaks of the project its heading names (none when no heading names one)
        for i, c in enumerate(cues[:self.real_cues] if self.headings.by_section else ()):
            if i in used or self.layout.segment_of(c.start) in self.segments_with_mentions:
                continue
            key = self.headings.at(c.start)
            if key is not None:
                linked.append((replace(c, project_key=key), "heading", None))
        crowd = Counter(g.segment for g in groups)      # enumerations per sentence
        scored = _with_confidence(linked, lambda row: crowd.get(self.layout.segment_of(row.start), 0), len(groups),
                                  self.config.status_model, self._context)
        return sorted(scored, key=lambda c: (c.start, c.project_key or ""))

    def _later_alternatives(self, picks: list[int]) -> list[int]:
        """`picks` with each cue offered as an alternative to its neighbour (9个项目建成竣工或
        进入扫尾阶段; 已开工或完成前期工作) replaced by the later state of the two on the works'
        course, once: a statement with two states reads at its stronger one, whichever is
        written last."""
        out: list[int] = []
        for i in picks:
            i = self._later_alternative(i)
            if i not in out:
                out.append(i)
        return out

    def _later_alternative(self, i: int) -> int:
        """The cue of the later state of `i` and a neighbouring cue joined to it by 或, else `i`
        (plans, weak cues and states off the course, delays, are left as they are)."""
        if i >= self.real_cues or not self._on_course(i):
            return i
        for a, b in ((i - 1, i), (i, i + 1)):
            if 0 <= a and b < self.real_cues and self._on_course(a if b == i else b) \
                    and self.cues[a].end <= self.cues[b].start \
                    and self.config.alternative_joiner.match(self.text, self.cues[a].end, self.cues[b].start):
                return max(a, b, key=lambda j: _COURSE.index(self.cues[j].status))
        return i

    def _on_course(self, i: int) -> bool:
        cue = self.cues[i]
        return cue.status in _COURSE and not cue.weak and not cue.future

    def _as_row(self, cue: StatusMention, g: Group, m: ProjectMention) -> StatusMention:
        """The cue linked to the project of mention `m`: a completion or opening said of a part
        of its works (甲控制性工程…已完工; 甲已建成3号楼) is a milestone inside construction,
        unless the project's own name holds that part."""
        row = replace(cue, project_key=m.key)
        if cue.status not in _FINISHED or not g.end <= cue.start or self.layout.segment_of(cue.start) != g.segment:
            return row
        start = max(g.end, self.layout.clause_start(cue.start))    # in the cue's own clause
        part = self.config.part_of_works.search(self.text, start, min(cue.end + _PART_AFTER_CUE,
                                                                      self.layout.clause_end(cue.end)))
        if part is None or part.group() in m.name:
            return row
        return replace(row, status=Status.IN_PROGRESS, rule_id=PART_DONE_RULE)

    def _context(self, row: StatusMention, g: Group | None) -> dict[str, float]:
        """What the words around a linked cue say of it, for the status model: whether a
        clause with a subject of its own stands between the project and a cue after it (then
        the rules' choice of that cue does not bind: `status_model.Candidate.binding`), a plan
        word earlier in its sentence (a plan the rules leave to the cue), a mark of the past in
        its clause up to its end (已, 已经), the states its sentence states, a heading about
        problems or a plan over its project."""
        segment = self.layout.segment_of(row.start)
        sentence_start = self.layout.segment_start(segment)
        # within the sentence: a sentence too long is cut (`Layout.long_sentence_cuts`), and
        # where the cut found no clause mark the clause ran back to the last one (a table of
        # 4,000 rows joined into one line with no comma: every cue searched the text before it)
        clause_start = max(self.layout.clause_start(row.start), sentence_start)
        states = {self.cues[i].status for i in self.by_segment.get(segment, [])}
        section = self.layout.section_at(g.start if g is not None else row.start)
        return {
            "other_subject": float(self._past_own_subject(row, g)),
            "after_label": float(self._after_label(row, g)),
            "plan_in_sentence": float(self.config.plan_in_clause.search(self.text, sentence_start, row.start)
                                      is not None),
            "past_marker": float(self.config.past_marker.search(self.text, clause_start, row.end) is not None),
            "log_sentence_states": math.log1p(len(states)),
            "problem_section": float(self._problem_heading_cue(section, g.segment if g is not None else segment)
                                     is not None),
            "plan_heading": float(self._plan_heading(section)),
        }

    def _past_own_subject(self, row: StatusMention, g: Group | None) -> bool:
        """The cue stands after the group in its sentence, beyond a clause with a subject of
        its own (甲总投资3亿元，部分路段已通车; 甲完成投资2亿元，其余项目正在推进): it may be
        that subject's state rather than the project's."""
        return g is not None and self._after_in_its_sentence(row, g) and row.start >= self._same_subject_end(g.end)

    def _after_label(self, row: StatusMention, g: Group | None) -> bool:
        """The cue stands in the group's sentence after the group as a label: the group, an
        optional bracket and a colon (2.甲大桥：计划年底通车), so what follows is the
        project's own entry."""
        return (g is not None and self._after_in_its_sentence(row, g)
                and _LABEL_COLON.match(self.text, g.end, row.start) is not None)

    def _after_in_its_sentence(self, row: StatusMention, g: Group) -> bool:
        """The cue stands after group `g` in the group's own sentence."""
        return row.start >= g.end and self.layout.segment_of(row.start) == g.segment

    def _plan_heading(self, section: Section) -> bool:
        """A heading over `section` (the document's first line aside) holds a plan word
        (（二）计划新开工项目)."""
        current: Section | None = section
        while current is not None and current.section_id != 0:
            if self.config.plan_in_clause.search(self.text, current.title_start, current.title_end):
                return True
            current = self.layout.enclosing(current)
        return False

    def _link_kind(self, g: Group, cue: StatusMention) -> str:
        """Where the cue stands from the group: in its clause before it (prefix) or after it
        (clause), elsewhere in its sentence (before, after), in a later sentence (lookahead),
        an earlier one (group: a statement about a class of projects), the title, or a
        heading about problems (problem)."""
        if cue.rule_id == PROBLEM_HEADING_RULE:
            return "problem"
        if cue.end <= g.start:
            between = self.text[cue.end:g.start]
            segment = self.layout.segment_of(cue.start)
            if segment != g.segment:
                return "title" if segment == self.title_segment else "group"
            return "before" if any(ch in CLAUSE_MARKS for ch in between) else "prefix"
        if self.layout.segment_of(cue.start) != g.segment:
            return "lookahead"
        return "after" if any(ch in CLAUSE_MARKS for ch in self.text[g.end:cue.start]) else "clause"


def _with_confidence(linked: list[tuple[StatusMention, str, Group | None]],
                     sentence_groups: Callable[[StatusMention], int], document_groups: int,
                     model: StatusModel, context: Callable[[StatusMention, Group | None], dict[str, float]]
                     ) -> list[StatusMention]:
    """The rows with their features and the status model's confidence set."""
    per_project: dict[str | None, list[StatusMention]] = {}
    for row, _, _ in linked:
        per_project.setdefault(row.project_key, []).append(row)
    states: dict[str | None, int] = {}         # per project: how many states its rows state
    for key, rows in per_project.items():
        states[key] = len({r.status for r in rows if not r.weak} or {r.status for r in rows})
    out = []
    for row, kind, g in linked:
        rows = per_project[row.project_key]
        distance = 0 if g is None else max(g.start - row.end, row.start - g.end, 0)
        features = link_features(kind, row, distance=distance, group_size=len(g.mentions) if g else 1,
                                 rows=len(rows), statuses=states[row.project_key], sentence_groups=sentence_groups(row),
                                 document_groups=document_groups, context=context(row, g))
        out.append(replace(row, confidence=model.score(features), features=features))
    return out


def link_statuses(layout: Layout, found: Found, enumerations: Enumerations, config: LinkRules) -> list[StatusMention]:
    """Return the status cues with `project_key` set where a project is found (one per cue
    and project, so a cue shared by an enumeration appears once per member)."""
    return _StatusLinker(layout, found, enumerations, config).link()


def _covered(starts: list[int], reach: list[int], start: int, end: int) -> bool:
    """Some span (sorted by start, `reach` the running maximum of their ends) contains
    [start, end)."""
    i = bisect_right(starts, start)
    return i > 0 and reach[i - 1] >= end


def _word_pattern(words: tuple[str, ...]) -> regex.Pattern[str]:
    """Matches one of `words` after optional spaces (for sentence openers)."""
    return regex.compile(r"\s*(?:" + alternation(words) + ")")


def link_quantities(layout: Layout, found: Found, enumerations: Enumerations,
                    aggregate: regex.Pattern[str], distributive: regex.Pattern[str]) -> list[Quantity]:
    """Return the quantities with `project_key` set where the project is clear."""
    text = layout.text
    out = []
    for q in found.quantities:
        in_segment = enumerations.by_segment.get(layout.segment_of(q.start), ())
        before = [g for g in in_segment if g.end <= q.start]
        key: str | None = None
        if before:
            # 某某工程等50个项目，总投资395亿元: the amount is the group's, not the project's
            if len(before[-1].mentions) == 1 and not aggregate.search(text, before[-1].end, q.start):
                key = before[-1].mentions[0].key
        elif in_segment:
            # an amount reaches forward past a colon to the project it introduces (投资8亿元：城东快速路)
            clause_end = layout.clause_end(q.end, CLAUSE_END)
            after = [g for g in in_segment if q.end <= g.start < clause_end]
            if after and len(after[0].mentions) == 1:
                key = after[0].mentions[0].key
        elif enumerations.headings.by_section:
            # (most amounts stand in a sentence naming no project, in a document whose
            # headings name none: no clause end or section is looked up for them)
            key = enumerations.headings.at(q.start)
        # (a frozen quantity that already says so is kept: most amounts name no project)
        out.append(q if q.project_key == key else replace(q, project_key=key))
    for i, key in _respective_amounts(layout, out, enumerations, distributive).items():
        out[i] = replace(out[i], project_key=key)
    return out


def _respective_amounts(layout: Layout, quantities: list[Quantity], enumerations: Enumerations,
                        distributive: regex.Pattern[str]) -> dict[int, str]:
    """A list of projects followed in its segment by 分别 and as many money amounts as it has
    members, in the clause after 分别 (甲和乙项目分别计划投资8亿元、5亿元; 甲、乙、丙分别完成投资
    3亿元、2亿元和1亿元): the i-th amount is the i-th project's. Index of the amount -> key; none
    when the counts differ or another list stands between."""
    text = layout.text
    if sum(q.kind is Kind.MONEY for q in quantities) < 2:
        return {}
    # the quantities in order of their starts, so that each list reads only those after its
    # 分别 (a look through every amount for each list grew with both on a long ledger)
    order = sorted(range(len(quantities)), key=lambda i: quantities[i].start)
    starts = [quantities[i].start for i in order]
    out: dict[int, str] = {}
    for groups in enumerations.by_segment.values():
        for gi, g in enumerate(groups):
            if len(g.mentions) < 2:
                continue
            _, segment_end = layout.unit_around(g.end, g.end, SEGMENT_END)
            stop = groups[gi + 1].start if gi + 1 < len(groups) else segment_end
            marker = distributive.search(text, g.end, stop)
            if marker is None:
                continue
            clause_end = layout.clause_end(marker.end(), CLAUSE_END)
            after = order[bisect_left(starts, marker.end()):bisect_left(starts, clause_end)]
            amounts = [i for i in after if quantities[i].kind is Kind.MONEY and quantities[i].end <= clause_end]
            if len(amounts) != len(g.mentions) or any(quantities[i].kind is not Kind.MONEY for i in after):
                continue
            for i, m in zip(amounts, g.mentions):
                out[i] = m.key
    return out


def make_link(rules: RuleSet) -> Stage:
    """Statuses and amounts to projects: the mentions' enumerations and heading projects
    are found once and serve both."""
    config = LinkRules.of(rules)
    # 分别 after a list of projects hands its amounts out in order (rules/scope.yaml)
    distributive = compiled(alternation(rules.scope.distributive_markers))

    def link(layout: Layout, found: Found) -> Found:
        enumerations = Enumerations.of(layout, found.mentions, config.enumeration_gap)
        return replace(found, statuses=link_statuses(layout, found, enumerations, config),
                       quantities=link_quantities(layout, found, enumerations, config.aggregate,
                                                  distributive))
    return link
