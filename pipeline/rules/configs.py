"""Typed, frozen rule configs: one per stage, built and validated once per `RuleSet`.

Each config is a frozen dataclass whose fields are the keys of one rule file. A field
declares how its YAML value is read with `rule(kind)`:

=========  ====================================================  ===================
kind       YAML value                                            attribute
=========  ====================================================  ===================
WORDS      a list of non-empty strings                           ``tuple[str, ...]``
PATTERN    a regular expression                                  ``regex.Pattern``
PATTERNS   a list of regular expressions, tried as alternatives  ``regex.Pattern``
TEXT_MAP   a mapping of non-empty text to non-empty text         ``dict[str, str]``
int/float  a number; str: a string                               the value
a config   a mapping read as that config (nested keys)           the config
BUILT      read by a function of its own in `loader.py`          (see the field)
=========  ====================================================  ===================

A WORDS, PATTERN, PATTERNS or TEXT_MAP value may also be written as a mapping that keeps
examples beside the rule::

    suffixes:
      words: [项目, 工程, 大道]
      examples: [城南大道]       # each must contain a match
      not: [大数据]              # none may contain one

(`pattern:` for patterns, `map:` for text maps). The loader checks every example when
it loads the file and keeps them in `RuleSet.examples` for the tests that also check the
value a stage gives (tests/test_rules.py).

Stages read attributes (``rules.roles.threshold_after``), never string keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import regex

from pipeline.types import Kind, Role

WORDS, PATTERN, PATTERNS, TEXT_MAP, BUILT = "words", "pattern", "patterns", "text map", "built"


def rule(kind: Any, flags: int = 0, in_file: bool = True, at: bool = False) -> Any:
    """A config field read from the rule file key of the same name (see the module doc).
    `in_file=False`: a BUILT field read from another file (the units of units.yaml).
    `at=True`: a pattern the stage matches at one place (after an amount, at a line's
    start), so its examples must match from their first character, not anywhere."""
    return field(metadata={"kind": kind, "flags": flags, "in_file": in_file, "at": at})


class Config:
    """Base of the configs: read by attribute only (no string keys)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Example:
    """Examples and counter-examples written beside one rule."""

    file: str                          # the rule file's name (statuses.yaml)
    key: str                           # the rule's key or id (suffixes, status.started)
    matches: tuple[tuple[str, Any], ...]   # (text, stated value or None): text the rule must match
    not_: tuple[str, ...]              # text the rule must not match
    at_start: bool = False             # matched from the text's first character (`rule(at=True)`)


# -- rule ids the code gives ----------------------------------------------------------
# A fact's `rule_id` names the rule that found it. The ids of rules written in the rule
# files are there (statuses.yaml `id:`, quantities.yaml `rule_ids`); these are the ids of
# what the code itself finds, each written once here and imported wherever it is given or
# tested for (the project model's features read them too: renaming one changes no weight,
# but every place that asks for it must ask for the same string).

# projects (pipeline/stages/projects.py, anaphora.py)
PROJECT_SUFFIX_RULE = "project.suffix"                    # a name ending in a suffix (…项目, …大道)
PROJECT_SUFFIX_PREFIX_RULE = "project.suffix_prefix"      # such a name cut back to its own part
PROJECT_ENUMERATION_ITEM_RULE = "project.enumeration_item"   # an item of a list (甲、乙等三个项目)
PROJECT_ANAPHORA_RULE = "project.anaphora"                # 该项目, 该路: names nothing new
PROJECT_CARD_RULE = "project.card"                        # a card's name field (项目名称：…), no other rule's

# statuses the cue finder makes (pipeline/stages/statuses.py)
# a state field holding a code a legend explains ("项目状态":"32" under 32=续建)
CODE_LEGEND_RULE = "status.code_legend"

# statuses the linker makes (pipeline/stages/link.py)
# a problem heading's words standing as a delay cue (二、存在的问题)
PROBLEM_HEADING_RULE = "status.problem_heading"
# a start, completion or opening under a plan (力争…建成通车; 争取…，开工建设乙): planned
PLAN_GOVERNED_RULE = "status.plan_governed"
# a plan word in the sentence of a project with no cue at all (计划投资…的甲): planned
PLAN_SENTENCE_RULE = "status.plan_sentence"
# a start a plan or a push speaks of (力争…甲6月底前开工; 重点推进甲开工建设): planned
PUSHED_START_RULE = "status.pushed_start"
# a plan to start (计划明年开工; statuses.yaml's cue of that id): the works have not started,
# whatever the class they belong to states
START_PLAN_RULE = "status.future_start"
# money spent (累计完成投资; statuses.yaml's weak cue of that id): works under way beside targets only
MONEY_SPENT_RULE = "status.investment_progress"
# a push (推进, 加快) that a task to come speaks of (下一步将继续加快推进甲; 明年加快推进甲建设):
# planned, no progress
PLAN_PUSH_RULE = "status.plan_push"
# a start, completion or opening under a heading of the tasks to come (三、2026年工作打算;
# 下一步工作), no mark of a state reached in its clause: planned
TASK_HEADING_RULE = "status.task_heading"
# a start, completion or opening in a field labelled as a deadline or goal (时限：2027年3月底前开工;
# 目标：年底建成通车), no mark of a state reached after the label: planned
GOAL_FIELD_RULE = "status.goal_field"
# a start, completion or opening in a sentence a time still to come or a speaker's intent opens
# (明年，我们将推动甲投用，开工建设乙), no mark of a state reached after it: planned
FUTURE_FRAME_RULE = "status.future_frame"
# 完成 with the project as its object (2017年完成甲和乙): completed
DONE_OBJECT_RULE = "status.done_object"
# a completion said of a part of a project's works (控制性工程, 3号楼): in progress
PART_DONE_RULE = "status.part_done"
# a card's period field (实施期限：2027年4月—…) starting after the notice's date: planned
# (pipeline/stages/cards.py)
CARD_PERIOD_RULE = "status.card_period"


# -- units and quantities --------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Unit:
    """A unit's surface (万元, 公里) and what it means."""

    surface: str
    kind: Kind
    factor: Decimal
    arabic_only: bool
    prefix: bool


@dataclass(frozen=True, slots=True)
class BareScale(Config):
    """A scale without a unit (3亿), read as money only beside a money cue."""

    scales: dict[str, Decimal] = rule(BUILT)
    money_cues: tuple[str, ...] = rule(WORDS)
    blocked_next: tuple[str, ...] = rule(WORDS)
    governed_before: regex.Pattern[str] = rule(PATTERN)
    note_period: regex.Pattern[str] = rule(PATTERN)


@dataclass(frozen=True, slots=True)
class Qualifiers(Config):
    """Words before, inside or after an amount that qualify it (约, 以上)."""

    before: dict[str, str] = rule(TEXT_MAP)
    inside: dict[str, str] = rule(TEXT_MAP)
    after: dict[str, str] = rule(TEXT_MAP)


@dataclass(frozen=True, slots=True)
class QuantityRuleIds(Config):
    """Rule ids of the forms a quantity is written in; {kind} is the unit's kind."""

    number_unit: str = rule(str)
    number_unit_range: str = rule(str)
    prefix_unit: str = rule(str)
    placeholder: str = rule(str)
    broken_number: str = rule(str)
    bare_scale: str = rule(str)


@dataclass(frozen=True, slots=True)
class QuantityRules(Config):
    """quantities.yaml, with the units of units.yaml."""

    units: tuple[Unit, ...] = rule(BUILT, in_file=False)
    bare_scale: BareScale = rule(BareScale)
    qualifiers: Qualifiers = rule(Qualifiers)
    placeholder: regex.Pattern[str] = rule(PATTERN)
    range_joiners: tuple[str, ...] = rule(WORDS)
    chinese_number_blockers: tuple[str, ...] = rule(WORDS)
    chinese_number_unblocked: tuple[str, ...] = rule(WORDS)
    not_before: tuple[str, ...] = rule(WORDS)
    negative_words: tuple[str, ...] = rule(WORDS)
    not_length_after: regex.Pattern[str] = rule(PATTERN, at=True)
    max_digits: int = rule(int)
    half_after_unit: regex.Pattern[str] = rule(PATTERN)
    rule_ids: QuantityRuleIds = rule(QuantityRuleIds)


# -- normalisation ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class HardBreaks(Config):
    """When a line break inside a sentence is a wrap, not a break (normalise.yaml)."""

    line_end: regex.Pattern[str] = rule(PATTERN, at=True)
    line_start: regex.Pattern[str] = rule(PATTERN, at=True)
    number_end: regex.Pattern[str] = rule(PATTERN, at=True)
    unit_start: regex.Pattern[str] = rule(PATTERN, at=True)
    number_cut_left: regex.Pattern[str] = rule(PATTERN)
    number_cut_right: regex.Pattern[str] = rule(PATTERN, at=True)
    heading_start: regex.Pattern[str] = rule(PATTERN, at=True)
    min_line_chars: int = rule(int)
    min_wrapped_lines: int = rule(int)
    min_wrapped_share: float = rule((int, float))
    min_wraps: int = rule(int)
    min_full_width: int = rule(int)
    max_width_chars: int = rule(int)
    slack: int = rule(int)
    cue_min_chars: int = rule(int)
    amount_start: regex.Pattern[str] = rule(PATTERN, at=True)
    prose_min_chars: int = rule(int)
    prose_mark: regex.Pattern[str] = rule(PATTERN)
    prose_end: regex.Pattern[str] = rule(PATTERN)
    prose_next: regex.Pattern[str] = rule(PATTERN, at=True)
    prose_heading_end: regex.Pattern[str] = rule(PATTERN)
    prose_table_row: regex.Pattern[str] = rule(PATTERN)
    prose_byline: regex.Pattern[str] = rule(PATTERN)


@dataclass(frozen=True, slots=True)
class PageBreak(Config):
    """A page break in a text copy of a PDF (normalise.yaml `page_break`)."""

    number: regex.Pattern[str] = rule(PATTERN, at=True)     # a line that is only a page's number
    header_max_chars: int = rule(int)
    header_min_repeats: int = rule(int)


@dataclass(frozen=True, slots=True)
class PageChrome(Config):
    """A web page's furniture kept in a text copy of the page (normalise.yaml `page_chrome`)."""

    gate: tuple[str, ...] = rule(WORDS)                     # words one of which such a line holds
    line: regex.Pattern[str] = rule(PATTERN)                # a line of furniture (上一篇：…, 来源：…)
    list_head: regex.Pattern[str] = rule(PATTERN)           # the head of a list of other pages (相关新闻)
    list_item: regex.Pattern[str] = rule(PATTERN)           # an item of that list (· 甲工程开工 2024-03-12)
    prose: regex.Pattern[str] = rule(PATTERN)               # a line holding this is never furniture (。)
    max_chars: int = rule(int)


@dataclass(frozen=True, slots=True)
class OcrText(Config):
    """Text read back from a scan or a noisy conversion (normalise.yaml `ocr`)."""

    mark: regex.Pattern[str] = rule(PATTERN)                # an ASCII mark between Han read as Chinese (施工.下一步)
    marks: dict[str, str] = rule(TEXT_MAP)                  # each such mark's Chinese form (. -> 。)
    always_read: tuple[str, ...] = rule(WORDS)              # read so in any document (.); the others in a mixture
    spaced: regex.Pattern[str] = rule(PATTERN)              # a gap between two Han characters (总 体)
    letter_spaced_min_gaps: int = rule(int)
    letter_spaced_min_share: float = rule((int, float))
    stretch_min_gaps: int = rule(int)
    max_loose_gaps: int = rule(int)
    mixed_min_fullwidth: int = rule(int)
    min_evidence: int = rule(int)
    min_evidence_per_thousand: float = rule((int, float))
    table_row: regex.Pattern[str] = rule(PATTERN)           # a line of cells, whose gaps stay (城东大道  在建)
    number_split: regex.Pattern[str] = rule(PATTERN)        # a number OCR cut with spaces (11 8.7亿元)


@dataclass(frozen=True, slots=True)
class NormaliseRules(Config):
    """normalise.yaml: characters folded, kept, or dropped as invisible."""

    fold: dict[str, str] = rule(BUILT)
    keep_fullwidth: str = rule(str)
    invisible: regex.Pattern[str] = rule(PATTERN)
    # the characters of the Basic Multilingual Plane that `invisible` matches alone: found
    # once when the rules are read (testing 65,536 characters took every worker 30 ms at
    # its start) and kept with them in the rules cache
    invisible_chars: tuple[str, ...] = rule(BUILT, in_file=False)
    pinyin_gloss: regex.Pattern[str] = rule(PATTERN)
    hard_breaks: HardBreaks = rule(HardBreaks)
    page_chrome: PageChrome = rule(PageChrome)
    page_break: PageBreak = rule(PageBreak)
    ocr: OcrText = rule(OcrText)


# -- sections --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SectionMarker:
    """One family of heading markers (一、, （一）, 1. …), ranked by its place in the file."""

    id: str
    pattern: regex.Pattern[str]     # compiled with MULTILINE; groups 'marker' (and 'title')
    part: bool                      # always starts a new top-level part (篇一)


@dataclass(frozen=True, slots=True)
class SectionRules(Config):
    """sections.yaml: heading markers and how long a title may be."""

    markers: tuple[SectionMarker, ...] = rule(BUILT)
    title_end: str = rule(str)
    max_title_chars: int = rule(int)
    number_title: regex.Pattern[str] = rule(PATTERN, at=True)  # 2025年…, 3号线…: a number that may open a title


# -- money roles -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RoleCues:
    """The cues of one money role."""

    specific: tuple[str, ...]       # the nearest one decides
    generic: tuple[str, ...]        # decide only when the clause has no specific cue


@dataclass(frozen=True, slots=True)
class PlainInvestment(Config):
    """A plain 投资 or 投入: judged by what its sentence says the money is for."""

    words: tuple[str, ...] = rule(WORDS)
    outlay_words: tuple[str, ...] = rule(WORDS)
    holder_before: regex.Pattern[str] = rule(PATTERN)
    holder_after: regex.Pattern[str] = rule(PATTERN)
    region_before: regex.Pattern[str] = rule(PATTERN)
    purpose_before: regex.Pattern[str] = rule(PATTERN)
    done_near: regex.Pattern[str] = rule(PATTERN)
    period_done: regex.Pattern[str] = rule(PATTERN)
    this_year: regex.Pattern[str] = rule(PATTERN)
    year_fused: regex.Pattern[str] = rule(PATTERN)
    place_time: regex.Pattern[str] = rule(PATTERN)


@dataclass(frozen=True, slots=True)
class RoleRules(Config):
    """roles.yaml: the cues of each money role and when they decide."""

    roles: dict[Role, RoleCues] = rule(BUILT)
    not_cues: regex.Pattern[str] = rule(PATTERN)
    plain: PlainInvestment = rule(PlainInvestment)
    threshold_after: regex.Pattern[str] = rule(PATTERN)
    condition_before: regex.Pattern[str] = rule(PATTERN)
    class_band: regex.Pattern[str] = rule(PATTERN)
    band_end: regex.Pattern[str] = rule(PATTERN, at=True)
    band_words: tuple[str, ...] = rule(WORDS)
    band_count: regex.Pattern[str] = rule(PATTERN, at=True)
    list_between: regex.Pattern[str] = rule(PATTERN)
    restated_between: regex.Pattern[str] = rule(PATTERN)   # 9.42亿元（大写：…: the amount again
    completed_non_investment: tuple[str, ...] = rule(WORDS)
    plain_plan: str = rule(str)
    year_words: regex.Pattern[str] = rule(PATTERNS)
    event_date: regex.Pattern[str] = rule(PATTERN, at=True)
    budget_after: regex.Pattern[str] = rule(PATTERN)
    breakdown_markers: tuple[str, ...] = rule(WORDS)
    breakdown_item: regex.Pattern[str] = rule(PATTERN)
    breakdown_holder: regex.Pattern[str] = rule(PATTERN)
    breakdown_part_markers: tuple[str, ...] = rule(WORDS)
    breakdown_named_after: regex.Pattern[str] = rule(PATTERN, at=True)
    source_item: regex.Pattern[str] = rule(PATTERN, at=True)
    accrued_alone: regex.Pattern[str] = rule(PATTERN, at=True)
    group_amount: regex.Pattern[str] = rule(PATTERN)
    group_count: regex.Pattern[str] = rule(PATTERN)
    group_signing: tuple[str, ...] = rule(WORDS)
    completion_verbs: tuple[str, ...] = rule(WORDS)
    plan_before_verb: regex.Pattern[str] = rule(PATTERN)
    plan_opens_sentence: regex.Pattern[str] = rule(PATTERN)
    change_by: regex.Pattern[str] = rule(PATTERN)
    excess_before: regex.Pattern[str] = rule(PATTERN)
    done_in_clause: regex.Pattern[str] = rule(PATTERN)
    share_after: regex.Pattern[str] = rule(PATTERN, at=True)
    measures: tuple[str, ...] = rule(WORDS)
    comparison_before: regex.Pattern[str] = rule(PATTERN)
    project_bracket: regex.Pattern[str] = rule(PATTERN)
    list_item: regex.Pattern[str] = rule(PATTERN, at=True)
    change_to: regex.Pattern[str] = rule(PATTERN)
    change_from: regex.Pattern[str] = rule(PATTERN)                 # 乙由2600万元…: the amount a change starts from
    total_after: regex.Pattern[str] = rule(PATTERN, at=True)
    target_after: regex.Pattern[str] = rule(PATTERN, at=True)
    label_end: regex.Pattern[str] = rule(PATTERN, at=True)
    band_before: regex.Pattern[str] = rule(PATTERN)
    list_stacked: regex.Pattern[str] = rule(PATTERN)
    list_opener: regex.Pattern[str] = rule(PATTERN)


# -- statuses --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Cue:
    """A compiled pattern that yields a label (a status)."""

    id: str
    label: str
    pattern: regex.Pattern[str]
    weak: bool = False
    future: bool = False
    pace: bool = False      # a pace statement (快于时间进度): the rules' choice of it does not bind
    mask: bool = False      # words holding a cue that state no state (推进情况, 推进会): dropped
    step: bool = False      # a step or a measure of the works (场地平整, 累计铺设管网5公里): it takes no
                            # project back from a later state reached earlier in its sentence
    hide: bool = False      # words holding a cue that state no state anywhere in the text (a question:
                            # 啥时候能通车？): they win their overlaps and are dropped, as a mask in the title
    resumes: bool = False   # works taken up again after a stop (复工, 恢复施工, 返场): a delay said before
                            # it in the project's cues is over, so it no longer outranks the later state
    episode: bool = False   # a delay told as an episode past (曾因汛期停工, 一度停滞): it outranks no
                            # later state of the project


@dataclass(frozen=True, slots=True)
class StatusRules(Config):
    """statuses.yaml: the status cues."""

    cues: tuple[Cue, ...] = rule(BUILT)
    future_frame: regex.Pattern[str] = rule(PATTERN)    # 明年，/ 我们将: a time to come over its sentence
    plan_frame: regex.Pattern[str] = rule(PATTERN)      # 2027年重点项目清单: a plan's title or heading
    plan_start_class: regex.Pattern[str] = rule(PATTERN)    # 新开工: a plan's class of starts to come
    code_legend: regex.Pattern[str] = rule(PATTERN)     # 项目状态代码说明：: a legend of status codes
    code_pair: regex.Pattern[str] = rule(PATTERN)       # 32=续建: a code and its label
    coded_state: regex.Pattern[str] = rule(PATTERN)     # "项目状态":"32": a state field holding a code
    acceptance: regex.Pattern[str] = rule(PATTERN)      # 验收: a completion cue that is an acceptance


# -- projects --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SaidAgain(Config):
    """projects.yaml said_again: where a short listed name with no suffix, said again in its
    paragraph, names its project again (pipeline/stages/projects.py `_said_again`)."""

    opens: regex.Pattern[str] = rule(PATTERN)                 # …，| 甲、乙已按期完成: it opens a clause
    place_after: regex.Pattern[str] = rule(PATTERN, at=True)  # 甲 | 组还在挑井水: the place itself
    field_line: regex.Pattern[str] = rule(PATTERN, at=True)   # 完成情况：… a record's next field's line


@dataclass(frozen=True, slots=True)
class ProjectRules(Config):
    """projects.yaml: what a project name is made of and where it ends."""

    suffixes: tuple[str, ...] = rule(WORDS)
    short_suffix_min_chars: dict[str, int] = rule(BUILT)
    tail_pattern: regex.Pattern[str] = rule(PATTERN)
    phase_tail: regex.Pattern[str] = rule(PATTERN)      # 二期, 第三期工程: a phase ends the name
    left_boundaries: tuple[str, ...] = rule(WORDS)
    strip_leading_pos: tuple[str, ...] = rule(WORDS)
    not_before_bare_suffix_pos: tuple[str, ...] = rule(WORDS)
    joiners: tuple[str, ...] = rule(WORDS)
    name_joiners: tuple[str, ...] = rule(WORDS)     # 及/与: two names only when each side is one
    joiner_words: tuple[str, ...] = rule(WORDS)     # 和美: words holding a joiner's character
    junction_after_joiner: regex.Pattern[str] = rule(PATTERN, at=True)
    dependent_suffixes: tuple[str, ...] = rule(WORDS)
    sector_suffixes: tuple[str, ...] = rule(WORDS)
    sector_max_chars: int = rule(int)
    proper_pos: tuple[str, ...] = rule(WORDS)
    place_marks: tuple[str, ...] = rule(WORDS)     # 溪口 | 村: a place that opens a name
    place_pos: tuple[str, ...] = rule(WORDS)       # a place's or a person's tags (及: one name or two)
    known_place_pos: tuple[str, ...] = rule(WORDS)  # 新港 | 小学: a place jieba knows whole
    not_place_first_pos: tuple[str, ...] = rule(WORDS)  # 三 | 跨 | 连续刚构桥: no unknown place
    rare_first_pos: tuple[str, ...] = rule(WORDS)       # 甗 | 山县: a rare first character
    rare_first_before_pos: tuple[str, ...] = rule(WORDS)
    own_levels: tuple[str, ...] = rule(WORDS)      # 县 | 文化艺术中心: the writer's own level
    own_level_institutions: tuple[str, ...] = rule(WORDS)  # 市 | 人民 | 医院: an institution
    place_classes: tuple[str, ...] = rule(WORDS)   # 两个村 | 的…工程: places each with its works
    name_verbs: tuple[str, ...] = rule(WORDS)
    stage_after_name: tuple[str, ...] = rule(WORDS)  # 县第三中学 | 新建项目: a name's ending, no framing
    narrative_pos: tuple[str, ...] = rule(WORDS)
    aspect_particles: tuple[str, ...] = rule(WORDS)    # 就上了 | 甲高速: a verb's particle, its object next
    strip_leading_chars: tuple[str, ...] = rule(WORDS)
    strip_trailing_chars: tuple[str, ...] = rule(WORDS)
    cut_after_words: tuple[str, ...] = rule(WORDS)
    held_words: tuple[str, ...] = rule(WORDS)       # 经开区: no cut after its 经
    speaker_words: tuple[str, ...] = rule(WORDS)    # 我们, 大家: a speech's lead-in (我们看了 | 城南大道)
    speaker_lead_pos: tuple[str, ...] = rule(WORDS)
    weak_left_boundaries: tuple[str, ...] = rule(WORDS)
    generic_words: tuple[str, ...] = rule(WORDS)
    generic_joiners: tuple[str, ...] = rule(WORDS)
    programme_words: tuple[str, ...] = rule(WORDS)  # 农网, 升级: read as generic_words
    masked: regex.Pattern[str] = rule(PATTERN)
    copula: regex.Pattern[str] = rule(PATTERN, at=True)
    count_in_item: regex.Pattern[str] = rule(PATTERN)
    place_count_in_item: regex.Pattern[str] = rule(PATTERN)    # 甲、乙三市高速公路: a list of places
    list_words: tuple[str, ...] = rule(WORDS)
    count_prefix: regex.Pattern[str] = rule(PATTERN)
    demonstrative_prefix: regex.Pattern[str] = rule(PATTERN, at=True)    # 这座 | 甲大桥
    forbidden: regex.Pattern[str] = rule(PATTERN)
    max_chars: int = rule(int)
    min_chars: int = rule(int)
    said_again_min_chars: int = rule(int)   # a listed name with no suffix found again anywhere this long
    said_again: SaidAgain = rule(SaidAgain)  # … and a shorter one where it opens a clause
    continuation_openers: tuple[str, ...] = rule(WORDS)
    update_openers: tuple[str, ...] = rule(WORDS)
    umbrella_suffixes: tuple[str, ...] = rule(WORDS)
    umbrella_after: regex.Pattern[str] = rule(PATTERN, at=True)
    shared_suffix_after: regex.Pattern[str] = rule(PATTERN, at=True)
    other_kind_class: regex.Pattern[str] = rule(PATTERN, at=True)  # 等机电产品: a class that is no project
    parts_class: regex.Pattern[str] = rule(PATTERN, at=True)       # 等全部工程: one project's parts
    component_after_project: regex.Pattern[str] = rule(PATTERN)  # …项目厂房: a part after the project's 项目
    component_after_facility: regex.Pattern[str] = rule(PATTERN)  # …大桥主桥: a part after a facility
    component_of_subject: regex.Pattern[str] = rule(PATTERN)    # 其控制性工程 | 青峰特大桥
    works_after_project: regex.Pattern[str] = rule(PATTERN)  # …项目租用厂房: the works after a project's 项目
    name_run_on: regex.Pattern[str] = rule(PATTERN)  # …东延线（含跨江大桥）: what runs on past a name's end
    class_name: regex.Pattern[str] = rule(PATTERN)  # 社会事业类项目: a category heading, no project
    contract_section: regex.Pattern[str] = rule(PATTERN)  # YS2合同段, 第3标段: a component let to one contractor
    section_after_name: regex.Pattern[str] = rule(PATTERN)  # …改造工程 | 二标段: a section after its project
    class_works: regex.Pattern[str] = rule(PATTERN, at=True)   # 等道路的提升改造工程: the works on each member
    activity_suffixes: tuple[str, ...] = rule(WORDS)
    abstract_suffixes: tuple[str, ...] = rule(WORDS)
    specific_min_chars: int = rule(int)
    ordinal_in_name: regex.Pattern[str] = rule(PATTERN)  # 第三 in 市第三人民医院: names one, as a digit does
    key_endings: tuple[str, ...] = rule(WORDS)
    key_min_chars: int = rule(int)
    short_form_places: tuple[str, ...] = rule(WORDS)
    whole_place_ends: tuple[str, ...] = rule(WORDS)
    anaphora: regex.Pattern[str] = rule(PATTERN)
    plural_anaphora: regex.Pattern[str] = rule(PATTERN)   # 这两个项目: several named before
    remainder_anaphora: regex.Pattern[str] = rule(PATTERN)   # 其余4条: a list's members not singled out
    singled_out_words: tuple[str, ...] = rule(WORDS)        # 其中: members singled out before the rest
    short_name: regex.Pattern[str] = rule(PATTERN)        # （以下简称“南青高速”）: group 'alias'
    quoted_part_after: regex.Pattern[str] = rule(PATTERN)  # “甲工程”| 主体结构: a part of the quoted works
    title_given_before: regex.Pattern[str] = rule(PATTERN)  # 获批为 | “甲示范基地”: a designation
    class_count_after: regex.Pattern[str] = rule(PATTERN)  # 基础设施项目 | 1个，: a class counted
    full_name: regex.Pattern[str] = rule(PATTERN)         # 短名（全称…项目）: group 'full'
    other_name: regex.Pattern[str] = rule(PATTERN)        # 甲小学（原名乙小学）: groups former/current/same, 'other'
    money_framing: regex.Pattern[str] = rule(PATTERN)   # 投资9亿元建设 | 某某项目: an amount before a name
    location_markers: tuple[str, ...] = rule(WORDS)
    new_subject: regex.Pattern[str] = rule(PATTERN)
    counted_object: regex.Pattern[str] = rule(PATTERN)     # 建成 | 农村公路项目880个: a class's clause
    subject_end: regex.Pattern[str] = rule(PATTERN)
    aggregate_marker: regex.Pattern[str] = rule(PATTERN)
    organisation_after: regex.Pattern[str] = rule(PATTERN)
    project_office: regex.Pattern[str] = rule(PATTERN)     # 甲工程 | 项目部: the works' site office after its name
    unit_label_before: regex.Pattern[str] = rule(PATTERN)     # 责任单位：| 市港航中心
    list_title_after: regex.Pattern[str] = rule(PATTERN, at=True)     # 红黄绿灯项目 | 名单
    travel_time_after: regex.Pattern[str] = rule(PATTERN, at=True)  # 甲到乙 | 只需15分钟: a trip, no road
    works_object_before: regex.Pattern[str] = rule(PATTERN)     # 正在进行 | 雨污管网铺设
    works_object_after: regex.Pattern[str] = rule(PATTERN, at=True)  # 雨污管网 | 铺设
    actor_end: regex.Pattern[str] = rule(PATTERN)     # 县委 | 关心…: who acts, before a verb
    list_opener: regex.Pattern[str] = rule(PATTERN, at=True)  # 主要有 / 包括 opening a counted list
    list_count: regex.Pattern[str] = rule(PATTERN)    # 项目8个 before it in the sentence
    ledger_item: regex.Pattern[str] = rule(PATTERN)   # 1. / （2） opening a line of a ledger
    person_item: regex.Pattern[str] = rule(PATTERN)   # 居民代表郇小军: a speaker's line, no project
    entry_line: regex.Pattern[str] = rule(PATTERN)    # 鑫达新材料：总投资… a line opening with a name and a colon
    cell_totals: regex.Pattern[str] = rule(PATTERN, at=True)  # 合计 in a ledger's name column: no wrapped name
    name_column_header: regex.Pattern[str] = rule(PATTERN)  # 序号｜小区名称｜…: the name column vouches for its cells
    organisation_column: regex.Pattern[str] = rule(PATTERN)  # 建设单位 / 施工单位 over cells: who builds, no project
    list_head: regex.Pattern[str] = rule(PATTERN)     # 项目有： / 重点工程： before a list (no count)
    group_heading: regex.Pattern[str] = rule(PATTERN)  # （三）储备项目: a line naming a group of projects
    company_end: regex.Pattern[str] = rule(PATTERN, at=True)  # 有限公司 / 集团 after a framing word
    aside_after: regex.Pattern[str] = rule(PATTERN)   # 85%（ / 3亿元（: a bracket after an amount holds its own text
    measure_note: regex.Pattern[str] = rule(PATTERN)  # （用地1500亩） / （36个班）: a bracket of figures after a name
    action_verbs: tuple[str, ...] = rule(WORDS)



@dataclass(frozen=True, slots=True)
class LinkPatterns(Config):
    """links.yaml: how status cues and amounts reach projects (pipeline/stages/link.py)."""

    enumeration_gap: regex.Pattern[str] = rule(PATTERN, at=True)    # text between two items of one list
    group_statement: regex.Pattern[str] = rule(PATTERN)             # a sentence about a class of projects
    member_list_opener: regex.Pattern[str] = rule(PATTERN, at=True)  # 其中包括 / 这5个项目分别为
    list_head: regex.Pattern[str] = rule(PATTERN)                   # 集中开工的项目有： a list's head in its sentence
    list_continued: regex.Pattern[str] = rule(PATTERN, at=True)     # 等16个产业项目，以及: a list going on
    also_after_state: regex.Pattern[str] = rule(PATTERN)    # …交付使用的，还有 | 甲和乙: the state before heads them
    title_max_chars: int = rule(int)                                # a first line this short is the title
    problem_heading: regex.Pattern[str] = rule(PATTERN)             # 存在的问题 / 进度滞后项目 over a list
    other_problem_heading: regex.Pattern[str] = rule(PATTERN)       # 资金闲置 / 违规分包: no delay
    other_problem_document: regex.Pattern[str] = rule(PATTERN)      # 质量安全…通报: its problems are no delays
    plan_in_clause: regex.Pattern[str] = rule(PATTERN)              # 力争/确保 earlier in a cue's clause
    past_marker: regex.Pattern[str] = rule(PATTERN)                 # 已 / 已经 right before a cue
    still_going: regex.Pattern[str] = rule(PATTERN)                 # 继续 / 仍在: works going on now
    part_of_works: regex.Pattern[str] = rule(PATTERN)               # 控制性工程 / 3号楼: a part done
    verb_first: regex.Pattern[str] = rule(PATTERN, at=True)         # a clause opening with its cue
    done_verb: regex.Pattern[str] = rule(PATTERN)                   # 完成 right before a project (完成甲)
    done_rest: regex.Pattern[str] = rule(PATTERN, at=True)          # …and after it only its class (三座…工程)
    alternative_joiner: regex.Pattern[str] = rule(PATTERN, at=True)  # 或 between two states (主体完工或进入装修阶段)
    class_subject: regex.Pattern[str] = rule(PATTERN)               # 在建项目23个 / 8个铁路项目: a class as subject
    example_opener: regex.Pattern[str] = rule(PATTERN, at=True)     # 比如 / 例如 opening a sentence
    start_gap: regex.Pattern[str] = rule(PATTERN, at=True)          # 年内 / 6月底前 between a project and 开工
    start_push: regex.Pattern[str] = rule(PATTERN)                  # 重点推进 right before a project
    push_words: regex.Pattern[str] = rule(PATTERN, at=True)         # 推进 / 加快: a push, as a whole cue
    push_plan: regex.Pattern[str] = rule(PATTERN)                   # 下一步 / 明年 earlier in a push's sentence
    task_heading: regex.Pattern[str] = rule(PATTERN)                # 2026年工作打算 / 下一步工作: tasks to come
    task_document: regex.Pattern[str] = rule(PATTERN)               # 2027年工作要点 as a title: all of it
    look_back: regex.Pattern[str] = rule(PATTERN)                   # 回顾 / 去年 before a cue: a past period
    class_gap: regex.Pattern[str] = rule(PATTERN, at=True)          # 等5个村的: between a list and its class
    plan_document: regex.Pattern[str] = rule(PATTERN)               # 《…投资计划》的通知: a plan's opening line
    preamble: regex.Pattern[str] = rule(PATTERN)                    # 以下项目除注明外均…: one state for the items below
    list_alone_rest: regex.Pattern[str] = rule(PATTERN)             # 三个口袋公园: after a list alone on its line
    panel_opener: regex.Pattern[str] = rule(PATTERN, at=True)       # ▌ / 【 opening a panel's heading line
    panel_close: regex.Pattern[str] = rule(PATTERN)                 # 31个 / ： closing a panel's heading line
    former_latter: regex.Pattern[str] = rule(PATTERN)               # 前者 / 后者: one of the last two projects named
    reference_new_object: regex.Pattern[str] = rule(PATTERN)        # 开工建设X，该项目: X, no project named before
    goal_field: regex.Pattern[str] = rule(PATTERN)                  # 时限：/ 目标：a field of a deadline or goal
    dated_opener: regex.Pattern[str] = rule(PATTERN, at=True)       # 2023年3月开工: a date, then the state
    exclusion_open: regex.Pattern[str] = rule(PATTERN)              # 除 / 除了 right before a project
    exclusion_close: regex.Pattern[str] = rule(PATTERN, at=True)    # 外 / 以外 / 两个项目外 right after it
    frame_before: regex.Pattern[str] = rule(PATTERN)                # 与 / 观摩了 right before a project: no subject
    frame_under: regex.Pattern[str] = rule(PATTERN, at=True)        # 的带动下 right after a project: no subject


@dataclass(frozen=True, slots=True)
class ModelFeatureRules(Config):
    """model_features.yaml: the word classes the project model's features look for
    (pipeline/stages/project_model.py): general report language, never names."""

    count_after: regex.Pattern[str] = rule(PATTERN, at=True)        # 等12个 / 三大 after a name
    class_after: regex.Pattern[str] = rule(PATTERN, at=True)        # 类 / 领域 after a name
    etc_after: regex.Pattern[str] = rule(PATTERN, at=True)          # 等 after a name
    event_context: regex.Pattern[str] = rule(PATTERN)               # people and events in the sentence
    venue_before: regex.Pattern[str] = rule(PATTERN)                # 在 … (a place where something is held)
    plan_context: regex.Pattern[str] = rule(PATTERN)                # plan words in the sentence
    counted_group_before: regex.Pattern[str] = rule(PATTERN)        # 新开工的8个项目分别是
    year: regex.Pattern[str] = rule(PATTERN)
    capacity: regex.Pattern[str] = rule(PATTERN)
    described_after: regex.Pattern[str] = rule(PATTERN, at=True)
    company: regex.Pattern[str] = rule(PATTERN)
    # what is not a project, judged from context (issue 13, precision)
    class_in_name: regex.Pattern[str] = rule(PATTERN)               # 各类 / 八大 / 市列 inside a name
    work_after: regex.Pattern[str] = rule(PATTERN, at=True)         # …工作 / …任务 after a name
    site_after: regex.Pattern[str] = rule(PATTERN, at=True)         # …工地 / …施工现场 after a name
    name_label_before: regex.Pattern[str] = rule(PATTERN)           # 项目名称： before a name: a record's field
    navigation: regex.Pattern[str] = rule(PATTERN)                  # 上一篇 / 责任编辑 on its line
    slogan: regex.Pattern[str] = rule(PATTERN)                      # a quoted count (“五网”, “三改一拆”)
    park_end: regex.Pattern[str] = rule(PATTERN)                    # 园区 / 开发区 ending a name
    direction_place: regex.Pattern[str] = rule(PATTERN)             # 城南, 东部: a place by direction
    abstract_pos: tuple[str, ...] = rule(WORDS)                     # parts of speech of an abstract head
    org_after: regex.Pattern[str] = rule(PATTERN, at=True)          # …教育局 / …公司 after a name
    etc_before: regex.Pattern[str] = rule(PATTERN)                  # 甲、乙等 … before a name
    part_mark: regex.Pattern[str] = rule(PATTERN)                   # 二期 / 北段 / 3号 in a name
    work_verb_before: regex.Pattern[str] = rule(PATTERN)            # 推进 / 做好 … before a name
    org_end: regex.Pattern[str] = rule(PATTERN)                     # …有限公司 / …管委会 ending a name
    joiner: tuple[str, ...] = rule(WORDS)
    level_start: tuple[str, ...] = rule(WORDS)
    one_char_suffix: tuple[str, ...] = rule(WORDS)
    one_char_part: tuple[str, ...] = rule(WORDS)                    # of those, a part of a whole (段)
    # programme, policy and sector phrases (issue 13, precision where the model was blind)
    policy_start: regex.Pattern[str] = rule(PATTERN)                # 建立健全… / 全面推进… opening a name
    scope_start: regex.Pattern[str] = rule(PATTERN)                 # 农村… / 城市… / 重点… opening a name
    sector_head: regex.Pattern[str] = rule(PATTERN)                 # …管网 / …基础设施 ending its head
    collective_before: regex.Pattern[str] = rule(PATTERN)           # 全县 / 各地 / 一批 before a name
    set_phrase_pos: tuple[str, ...] = rule(WORDS)                   # jieba tags of idioms and set phrases
    function_pos: tuple[str, ...] = rule(WORDS)                     # jieba tags of function words
    name_pos: tuple[str, ...] = rule(WORDS)                         # jieba tags of words it knows as names
    # what makes a phrase a clause or a piece of work (issue 13, precision on untuned text)
    amount_in_name: regex.Pattern[str] = rule(PATTERN)              # 120余户 / 3亿 inside a name
    verb_pos: tuple[str, ...] = rule(WORDS)                         # jieba tags of verbs
    # a date, or a part of a whole (stop 34)
    date_start: regex.Pattern[str] = rule(PATTERN)                  # 5月 / 第四季度… opening a name
    part_end: regex.Pattern[str] = rule(PATTERN)                    # …引桥 / …路基 / …生产线 ending a name
    numbered_unit: regex.Pattern[str] = rule(PATTERN)               # 2#库房 / 第二条线: a numbered block
    part_side_mark: regex.Pattern[str] = rule(PATTERN)              # 北 / 岸 / 剩余 before a part word
    # a clause cut at a suffix (stop 35)
    clause_word: tuple[str, ...] = rule(WORDS)                      # 称 / 须 / 具备 / 着: saying, requiring
    # a speaker's words run into a suffix (stop 49)
    speaker_word: tuple[str, ...] = rule(WORDS)                     # 某某 / 大家 / 刚才: a person, a time of speech


@dataclass(frozen=True, slots=True)
class ScopeRules(Config):
    """scope.yaml: which total each money amount counts toward (pipeline/stages/scope.py)."""

    breakdown_markers: tuple[str, ...] = rule(WORDS)      # 其中: parts of the amount before
    distributive_markers: tuple[str, ...] = rule(WORDS)   # 分别: parts in the same sentence
    change_cues: tuple[str, ...] = rule(WORDS)            # a change is never a part nor a whole
    sectors: tuple[str, ...] = rule(WORDS)                # 交通, 水利 …
    sector_heads: tuple[str, ...] = rule(WORDS)           # …项目, …领域
    sector_lead: regex.Pattern[str] = rule(PATTERN)       # what may come before a sector phrase in a clause
    sector_after: regex.Pattern[str] = rule(PATTERN)      # 等 after examples of a sector
    whole_area: tuple[str, ...] = rule(WORDS)             # 全市, 我县: the report's whole area
    not_headline: tuple[str, ...] = rule(WORDS)           # economy-wide figures, other years
    subsets: tuple[str, ...] = rule(WORDS)                # 新开工, 续建: a subset of the projects
    count: regex.Pattern[str] = rule(PATTERN)             # 9个项目: a counted group
    same_subject_lead: regex.Pattern[str] = rule(PATTERN)  # 截至11月底，累计…: no subject of its own


@dataclass(frozen=True, slots=True)
class LedgerIdentity(Config):
    """ledger.yaml identity: how a project's key is made."""

    phase: regex.Pattern[str] = rule(PATTERN)          # 二期, 第2期: one way of writing a phase
    own_level_words: tuple[str, ...] = rule(WORDS)     # 县人民医院 in a county's report is its own
    separator: str = rule(str)                         # between region and name in a key
    distinct_parts: regex.Pattern[str] = rule(PATTERN)  # 二期, 北段, 及: two forms name two projects
    same_project_rest: tuple[str, ...] = rule(WORDS)   # 扩建, 改造: a full form may add these only
    short_form_min_chars: int = rule(int)              # a shorter short form is too generic to join


@dataclass(frozen=True, slots=True)
class LedgerDates(Config):
    """ledger.yaml dates: event dates and plans."""

    relative_years: dict[str, int] = rule(dict)        # 今年: 0, 去年: -1
    year_parts: tuple[str, ...] = rule(WORDS)          # 年底, 上半年: no month
    month_numerals: dict[str, int] = rule(dict)        # 九: 9
    max_gap: int = rule(int)                           # characters between a date and its cue
    gap_stop: regex.Pattern[str] = rule(PATTERN)       # what a date's gap may not hold
    plan_start_rules: tuple[str, ...] = rule(WORDS)    # status rule ids whose date is a planned start
    plan_end_rules: tuple[str, ...] = rule(WORDS)      # … a planned end


@dataclass(frozen=True, slots=True)
class LedgerResponsible(Config):
    """ledger.yaml responsible: the responsible unit and the leader."""

    unit_cues: tuple[str, ...] = rule(WORDS)           # 责任单位, 牵头单位 …
    leader_cues: tuple[str, ...] = rule(WORDS)         # 联系领导, 包抓领导 …
    separator: str = rule(str)                         # a pattern between the cue and the value
    value: str = rule(str)                             # a pattern for the value
    max_distance: int = rule(int)                      # characters after the project's name


@dataclass(frozen=True, slots=True)
class LedgerChecks(Config):
    """ledger.yaml checks: figures that disagree."""

    plan_share_before: regex.Pattern[str] = rule(PATTERN)
    plan_share_window: int = rule(int)
    plan_share_tolerance: float = rule(float)
    whole_share_before: regex.Pattern[str] = rule(PATTERN)
    parts_tolerance: float = rule(float)
    completed_tolerance: float = rule(float)
    total_change_factor: float = rule(float)
    status_rank: dict[str, int] = rule(dict)
    status_rank_drop: int = rule(int)


@dataclass(frozen=True, slots=True)
class LedgerTables(Config):
    """ledger.yaml tables: a ledger written as a table, its header's words naming each
    column (pipeline/stages/tables.py)."""

    rate_column: regex.Pattern[str] = rule(PATTERN)       # 完成率（%）: a share, no amount's role
    other_column: regex.Pattern[str] = rule(PATTERN)      # 决算, 补助资金: money of no investment role
    total_column: regex.Pattern[str] = rule(PATTERN)      # 总投资（万元）: total_investment
    status_column: regex.Pattern[str] = rule(PATTERN)     # 进展情况, 形象进度: the row's state
    planned_column: regex.Pattern[str] = rule(PATTERN)    # 年度计划: planned_investment
    completed_column: regex.Pattern[str] = rule(PATTERN)  # 1-9月完成: completed_investment
    name_column: regex.Pattern[str] = rule(PATTERN)       # 项目名称: the row's project
    number_column: regex.Pattern[str] = rule(PATTERN)     # 序号: a row's number (empty: a cell wraps)
    row_number: regex.Pattern[str] = rule(PATTERN, at=True)  # 12: a number cell alone on its line
    group_row: regex.Pattern[str] = rule(PATTERN, at=True)   # 一、续建项目（7个）: a group's row, no cell
    total_row: regex.Pattern[str] = rule(PATTERN, at=True)  # 合计, 小计: a row of sums, no project's
    cell_clause_end: regex.Pattern[str] = rule(PATTERN)   # a cell's line ending its clause (…施工，)
    longest_header_cell: int = rule(int)                  # a header cell is a few words, no sentence
    column_slack: int = rule(int)                         # columns padded with spaces: a cell may stand this far left


@dataclass(frozen=True, slots=True)
class LedgerCards(Config):
    """ledger.yaml cards: a notice writing each project as a card of labelled fields
    (项目名称：… / 建设地点：… / 资金规模：…), pipeline/stages/cards.py."""

    label: regex.Pattern[str] = rule(PATTERN, at=True)    # a field's label, the whole of it (建设内容)
    name_label: regex.Pattern[str] = rule(PATTERN, at=True)       # 项目名称: the card's project
    state_label: regex.Pattern[str] = rule(PATTERN, at=True)      # 建设状态, 项目进度: the card's state
    target_label: regex.Pattern[str] = rule(PATTERN, at=True)     # 绩效目标: a goal, no state reached
    period_label: regex.Pattern[str] = rule(PATTERN, at=True)     # 实施期限: a start still to come is a plan
    total_label: regex.Pattern[str] = rule(PATTERN, at=True)      # 总投资: total_investment
    planned_label: regex.Pattern[str] = rule(PATTERN, at=True)    # 年度计划投资: planned_investment
    completed_label: regex.Pattern[str] = rule(PATTERN, at=True)  # 累计完成投资: completed_investment
    source_label: regex.Pattern[str] = rule(PATTERN, at=True)     # 资金来源, 补助资金: other money
    all_cards: regex.Pattern[str] = rule(PATTERN)         # 以下项目均…: a state stated for every card after it
    cards_above: regex.Pattern[str] = rule(PATTERN)       # 上述项目均…: one for every card before it


@dataclass(frozen=True, slots=True)
class LedgerConfig(Config):
    """ledger.yaml: one project across reports (identity, dates, responsible units, checks)."""

    identity: LedgerIdentity = rule(LedgerIdentity)
    dates: LedgerDates = rule(LedgerDates)
    responsible: LedgerResponsible = rule(LedgerResponsible)
    checks: LedgerChecks = rule(LedgerChecks)
    tables: LedgerTables = rule(LedgerTables)
    cards: LedgerCards = rule(LedgerCards)

# -- places and periods ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Region:
    """One administrative division of regions.tsv."""

    code: str            # GB/T 2260 / statistical code, six digits
    name: str            # official name (浑源县, 湘西土家族苗族自治州)
    level: str           # province | prefecture | county
    parent: str | None   # code of the enclosing unit, None for provinces

    def __reduce__(self) -> tuple[type[Region], tuple[str, str, str, str | None]]:
        # made again by its __init__ from its fields: the rules cache holds over 3,000
        # regions, and a frozen dataclass with slots unpickles through dataclasses' Python
        # __setstate__ (unpickling the rules took 23 ms of every run's start, now 12)
        return (Region, (self.code, self.name, self.level, self.parent))


@dataclass(frozen=True, slots=True)
class RegionNameRules(Config):
    """regions.yaml: how place names are written."""

    suffixes: tuple[str, ...] = rule(WORDS)
    ethnic_markers: tuple[str, ...] = rule(WORDS)
    autonomous_short: dict[str, str] = rule(TEXT_MAP)
    context_only: tuple[str, ...] = rule(WORDS)
    short_name_after: str = rule(str)
    not_followed_by: dict[str, str] = rule(TEXT_MAP)
    stem_not_followed_by: str = rule(str)
    common_stems: tuple[str, ...] = rule(WORDS)
    level_cue: regex.Pattern[str] = rule(PATTERN)
    autonomous_suffixes: tuple[str, ...] = rule(WORDS)
    stem_after: str = rule(str)
    city_suffix: str = rule(str)


@dataclass(frozen=True, slots=True)
class PeriodRule:
    """One way a report states the period it covers."""

    id: str
    pattern: regex.Pattern[str]
    label: str            # may hold {n}, a month number from the group 'n'
    title_only: bool


@dataclass(frozen=True, slots=True)
class PeriodRules(Config):
    """periods.yaml: years and periods."""

    scan_chars: int = rule(int)
    title_max_chars: int = rule(int)
    headline_max_chars: int = rule(int)
    year: regex.Pattern[str] = rule(PATTERN)
    chinese_year: regex.Pattern[str] = rule(PATTERN)
    numerals: dict[str, int] = rule(BUILT)
    masked_year: regex.Pattern[str] = rule(PATTERN)
    not_covered_before: tuple[str, ...] = rule(WORDS)
    subject_before: tuple[str, ...] = rule(WORDS)          # 关于2023年…: the report's own year
    delivery_after_year: regex.Pattern[str] = rule(PATTERN, at=True)
    delivery_year_offset: int = rule(int)
    review_after_year: regex.Pattern[str] = rule(PATTERN, at=True)
    delivery_title_after_year: regex.Pattern[str] = rule(PATTERN, at=True)   # …政府工作报告 after a title's year
    date_line: regex.Pattern[str] = rule(PATTERN, flags=regex.MULTILINE)     # a line that is only a date
    published_tail_lines: int = rule(int)
    annual_title: regex.Pattern[str] = rule(PATTERN)
    annual_label: str = rule(str)
    periods: tuple[PeriodRule, ...] = rule(BUILT)
    period_aliases: dict[str, str] = rule(TEXT_MAP)


@dataclass(frozen=True, slots=True)
class CategoryRules(Config):
    """categories.yaml: a keyword in a section title -> the sector of its projects."""

    categories: dict[str, str] = rule(TEXT_MAP)


__all__ = [
    "BUILT", "PATTERN", "PATTERNS", "TEXT_MAP", "WORDS", "BareScale", "CategoryRules", "Config", "Cue",
    "Example", "HardBreaks", "NormaliseRules", "PageBreak", "PageChrome", "PeriodRule", "PeriodRules",
    "ProjectRules", "Qualifiers",
    "QuantityRuleIds", "QuantityRules", "Region", "RegionNameRules", "RoleCues", "RoleRules", "SectionMarker",
    "SectionRules", "StatusRules", "Unit", "rule",
]
