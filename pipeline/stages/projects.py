"""Projects: named construction or investment undertakings.

A clause (text between ，。；： and line breaks, brackets and quotes kept whole) is cut
into segments at framing words (推进, 其中, 完成 …), status cues, dashes and the
enumeration joiners 、 and 和 (jieba words, so 和平 stays whole). A segment that ends in
a project suffix (工程, 公路 … plus phase or section decorations) names a project; one
that runs on past its name keeps its longest named prefix (云岚高速公路 | 起于青州市).
Items of an enumeration are projects without a suffix of their own when most of the
list has one, or when the list ends in 等 + a specific suffix (北坪石门、南溪上湾等
骨干水电站: alt 北坪石门水电站), or 等 + 工程/项目 after short nouns. Whether a
candidate is a name at all is `NameJudge`'s call (pipeline/stages/names.py).

>>> from pipeline.rules.loader import load_rules
>>> extract = ProjectExtractor(load_rules())
>>> [m.name for m in extract("加快推进城南大道、滨江大桥等重点工程建设。")]
['城南大道', '滨江大桥']
>>> [m.name for m in extract("全县重点项目进展顺利。")]
[]
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import NamedTuple

import regex

from pipeline.io.formats import display_width
from pipeline.rules.configs import PROJECT_ENUMERATION_ITEM_RULE, PROJECT_SUFFIX_PREFIX_RULE, PROJECT_SUFFIX_RULE
from pipeline.rules.loader import RuleSet, alternation, word_trie
from pipeline.stages.names import NameJudge, balanced
from pipeline.stages.statuses import StatusFinder
from pipeline.text.numbers import NumberError, parse_number
from pipeline.text.punctuation import CELL_MARKS, CLAUSE_MARKS, COMMAS, HARD_BREAKS, SEGMENT_END, SPACES
from pipeline.text.scan import FirstWord
from pipeline.text.segmenter import load_segmenter
from pipeline.text.sentences import char_index
from pipeline.types import ProjectMention, StatusMention

_OPEN, _CLOSE = "(（《“‘【[", ")）》”’】]"
_CLAUSE_END = set(CLAUSE_MARKS)
_CLAUSE_MARKS = re.compile("[" + re.escape(_OPEN + _CLOSE + "".join(sorted(_CLAUSE_END))) + "]")
_BRACKETS = re.compile("[" + re.escape(_OPEN + _CLOSE) + "]")
# a lettered option's mark (A. 甲大桥  B. 乙大桥: a question's options): an ordinal before a name, and
# no table row's cell gap before a later option (`_OPTION_BEFORE`)
_OPTION_MARK = r"[A-H][.．、]"
# (a range of items' numbers written as one, 4—5．甲、乙两个村的…: the items it numbers)
_ORDINAL = regex.compile(r"\s*(?:[(（][一二三四五六七八九十0-9]{1,3}[)）]"
                         r"|(?:[0-9]{1,2}[—–\-~～])?[0-9]{1,2}[.、．](?![0-9])|"
                         r"[0-9]{1,2}[)）/](?=\s*\p{Han})|[一二三四五六七八九十]{1,3}、|[①-⑳]"
                         rf"|{_OPTION_MARK}(?=\s*\p{{Han}}))\s*")
# a reference to a ledger's item by its number (备注：第8项 | 云州水库除险加固工程…, 序号3 | 甲村
#产业路最高): a counter before the name, no part of it (第一项目部, 第2项工程 are not)
# (every match holds 第 or 号: `_trim` looks for them first)
_ITEM_NUMBER = regex.compile(r"(?:第[0-9一二三四五六七八九十]{1,3}项(?![目工])|(?:序号|编号)[0-9]{1,3}(?![0-9]))"
                             r"(?=\p{Han}{3})")
_LEADING_ASIDE = regex.compile(r"[(（][^()（）]{1,12}[)）]")
_NUMERALS_AROUND = regex.compile(r"[0-9一二三四五六七八九十]、[0-9一二三四五六七八九十]")
_SPACES = regex.compile(r"[ \t\u3000]+")
_CELL_GAP = re.compile(r"[ \t]+(?=\S)")      # between two cells of a table row flattened to text
_WRAPPED_LINE = re.compile(r"\n[ \t\u3000]{2,}[\u4e00-\u9fff]")    # a line opening with spaces, then Han
# a table row's number and the spaces before its name cell (a name may open with a road's code: S218线)
# (or a bar: 3｜甲村产业路硬化｜甲村｜…, a markdown row | 3 | 甲村… too)
_TABLE_ROW = regex.compile(rf"(?m)^[ \t\u3000]*(?:[{CELL_MARKS}][ \t\u3000]*)?[0-9]{{1,3}}"
                           rf"(?:[ \t\u3000]+|[ \t\u3000]*[{CELL_MARKS}][ \t\u3000]*)(?=[\p{{Han}}A-Za-z])")
# between two cells of a table row (`_row_name_cell`): spaces, or a bar with spaces around it
_ROW_GAP = re.compile(rf"[ \t]*[{CELL_MARKS}][ \t]*(?=\S)|{_CELL_GAP.pattern}")
_ROW_CELL_END = " \t" + CELL_MARKS
_LEADING_SPACES = re.compile(r"[ \t\u3000]+")
# a table's name column (`_row_name_cells`): the rows that make one, the characters of the
# piece a name cell wraps onto the next line, and what ends a cell as an aside (（续建）)
ROW_CELLS_MIN_ROWS = 3
ROW_CELL_WRAP_MAX = 8
# what follows a class of projects (新建项目5个, 续建项目有：, 续建项目包括): a count or a list
_CLASS_FOLLOWS = regex.compile(r"\s*(?:[0-9一二三四五六七八九十两几多]|有|包括|主要|共|[：:（(])")
# a character every marker of another name (`other_name`) holds: most texts have none
_OTHER_NAME_HINT = re.compile("[原曾旧前更改易定现即称名叫]")
# between a project's name and the marker of its other name: brackets, quotes, a comma, blanks
# (single characters: it reads the same over the text reversed)
_BEFORE_OTHER_NAME = regex.compile(r"[】\]）)」』”\"，,（(\s]*")
# a short form with no suffix, said again in full after 即 or 又称: a few Han words, no count nor
# class of projects (已完工项目2个，即甲…: the members of a class, no short form)
_SHORT_FORM = regex.compile(r"(?!.*(?:项目|工程|項目))\p{Han}{2,10}")
_NAMED_BEFORE_MAX = 30      # the longest old name or short form read before its marker
# how far after a listed item its list's facility word may stand (甲、乙、丙三座提灌站), in its clause
_ITEM_WORD_REACH = 24
_CLAUSE_STOP = re.compile(r"[，,。；;：:！!？?\n]")
_NAMED_BEFORE_STOP = set("\n【】[]（(“\"「『，,。；;：:！？!?、") | set(SPACES)
_TRAILING_ASIDE = regex.compile(r"[(（][^()（）]{1,8}[)）]$")
_HAN = regex.compile(r"\p{Han}")
_PHASE_WORD = r"第?[一二三四五六七八九十0-9]{1,2}期(?:工程|项目)?"      # 二期, 第三期工程
_PHASE = regex.compile(rf"{_PHASE_WORD}|[一二三四五六七八九十0-9]号线")
# a name ending in a phase (…生产基地一期, …水厂二期工程): its prefix is shared by the bare phases
# that follow it in a list or the next clause (…产业园一期、二期已投产，三期在建)
_NAME_PHASE = regex.compile(rf"(?P<prefix>.{{2,}}?){_PHASE_WORD}$")
# how far a name's clause may run before the next clause's bare phase, and where it ends
_PHASE_CLAUSE_REACH = 24
_NEXT_CLAUSE = regex.compile("[" + regex.escape(SEGMENT_END + COMMAS) + "]")
# a bare phase right after a list's joiner or a clause's comma, standing alone (no name goes on)
_BARE_PHASE = regex.compile(rf"(?:、|和|及|与|以及|，|,|；|;)\s*"
                            rf"(?P<phase>{_PHASE_WORD})(?![一二三四五六七八九十0-9期间末初中])")
_DASH = r"[—－-]{2,}"
_SPACES_OR_DASH = regex.compile(rf"(?P<space>{_SPACES.pattern})|(?P<dash>{_DASH})")
# a lettered option's mark right before a name
_OPTION_BEFORE = regex.compile(rf"(?<![A-Za-z]){_OPTION_MARK}[ \t\u3000]*$")
_KEY_DROP = regex.compile(r"[\s\p{P}]")
_COLONS = re.compile("[：:]")
_ITEM_END = set("，,：:。；;！？!?\n（(")      # where the name of a ledger item ends
_CELL_END = _ITEM_END | set(SPACES)     # … and of a table row's first cell
_NAME_RUN_END = re.compile(r"[、，,。；;：:\s（(“”]")     # where the words after a cue inside a name end
_PUNCT_STRIP = SPACES + "\"'“”‘’《》「」【】·-—"
_LEADING_STRIP = _PUNCT_STRIP + "（("
_NUMERAL_CHARS = frozenset("0123456789０１２３４５６７８９一二三四五六七八九十百")
# symbols no name opens or ends with, as posts and bulletins put them before items: emoji and
# other pictographs (📍, ▶, ★, ◆, ✅, with their variation selectors, skin tones and joiners),
# a keycap digit (1️⃣), arrows and ticks, a mention or tag mark (@, #), a reference mark. Not
# the mathematical signs (×, ＊): they mask a name's letters (××水库, the `masked` rule)
# (and a line break escaped in a record of JSON: \n数智谷二期)
_SYMBOLS_BEFORE = regex.compile(r"(?:[0-9#*]\uFE0F?\u20E3|[\p{So}\p{Sk}\p{Cf}\p{Mn}\p{Co}→⇒√@＠#＃※•‧]|\\[nrt])+")
_SYMBOLS_AFTER = regex.compile(r"[\p{So}\p{Sk}\p{Cf}\p{Mn}\p{Co}√#＃]+")
# Most segments open and end with a Han character. A CJK unified ideograph (U+4E00-U+9FFF,
# all of category Lo) is none of the symbols above, nor a space, so neither pattern nor
# `_ORDINAL` can match at one (bar the numerals 一 to 十 that an ordinal opens with):
# `_trim` asks the patterns only at other characters (each call of a `regex` pattern costs
# about 0.3-0.5 µs even where its first character rules it out)
_IDEOGRAPH_FIRST, _IDEOGRAPH_LAST = "\u4e00", "\u9fff"
_ORDINAL_NUMERALS = frozenset("一二三四五六七八九十")


@functools.lru_cache(maxsize=64)
def _count_of(word: str) -> re.Pattern[str]:
    """A count of `word`, a place's class (三个片区, 5个村): compiled once per word."""
    return re.compile(r"[0-9０-９一二两三四五六七八九十]+[个個处處座]?" + re.escape(word))


# a name inside a status cue has framing before it (计划年内 | 城南大道扩建 | 竣工): two
# characters at least, then a name of three; a suffix ending before this is the cue's own
_FRAMED_NAME_MIN = 5


class _Segment(NamedTuple):       # a NamedTuple: made tens of thousands of times per MB
    start: int
    end: int
    sep_before: str     # what separates it from the previous segment: "、", "boundary", "location"
    followed_by_etc: bool


class ProjectExtractor:
    """Find project mentions in normalised text (offsets into that text)."""

    def __init__(self, rules: RuleSet) -> None:
        p = rules.projects
        self.location_markers = set(p.location_markers)
        self.boundaries = set(p.left_boundaries) | self.location_markers
        self.anaphora = p.anaphora
        self.money_framing = p.money_framing
        self.weak = sorted(set(p.weak_left_boundaries), key=len, reverse=True)
        self.weak_words = tuple(w for w in self.weak if len(w) > 1)     # 新建, 建设: framing verbs
        self.weak_first, self.weak_word_first = FirstWord(self.weak), FirstWord(self.weak_words)
        self.demonstrative = p.demonstrative_prefix
        self.joiners = set(p.joiners)
        # `_trim`'s memo: the clause it was last asked about, and its answers by span
        self._trims: tuple[str | None, dict[tuple[int, int], tuple[str, int, int]]] = (None, {})
        self.joiner_words = set(p.joiner_words)
        self.name_joiners = set(p.name_joiners)
        # what makes a table's name cell two names or more (甲路及乙路; a comma): the rules' joiners
        self.cell_joiners = regex.compile(alternation(self.joiners | self.name_joiners) + r"|[，,；;：:]")
        self.junction_after_joiner = p.junction_after_joiner
        self.cut_after = set(p.cut_after_words)
        self.held_words = tuple(p.held_words)     # 经开区: a cut word's character inside a word
        self.speakers, self.speaker_lead_pos = set(p.speaker_words), set(p.speaker_lead_pos)
        self.aspect_particles = frozenset(p.aspect_particles)
        # whether a name holds a speaker word at all: one search (a loop over the words asked
        # each of them of every trimmed name)
        self._speaker_in = re.compile(alternation(self.speakers)).search if self.speakers else None
        self.unit_label_before, self.list_title_after = p.unit_label_before, p.list_title_after
        self.travel_time_after = p.travel_time_after
        self.works_object_before, self.works_object_after = p.works_object_before, p.works_object_after
        self.strip_pos = set(p.strip_leading_pos)
        self.strip_chars = set(p.strip_leading_chars)
        self.strip_trailing = set(p.strip_trailing_chars)
        self.min_chars = p.min_chars
        self.said_again_min_chars = p.said_again_min_chars
        self.said_again = p.said_again
        # framing verbs that names use too (基础网络完善工程): inside a name before a suffix
        self.name_verb_boundaries = set(p.left_boundaries) & set(p.name_verbs)
        # …and the class words that end a name when written right after its head (新建项目)
        self.stage_after_name = set(p.left_boundaries) & set(p.stage_after_name)
        self.key_endings = p.key_endings
        self.key_min_chars = p.key_min_chars
        self.whole_place_ends = p.whole_place_ends
        self.full_name = p.full_name
        self.other_name = p.other_name
        # a name cell that opens with a place (甲村, 青禾县乙镇): it names its project whole
        self.cell_place = regex.compile(rf"\p{{Han}}{{1,7}}?(?:{alternation(p.whole_place_ends)})(?=\p{{Han}}{{2}})")
        self.copula = p.copula
        self.actor_end = p.actor_end
        self.list_opener = p.list_opener
        self.list_count = p.list_count
        self.ledger_item = p.ledger_item
        self.person_item = p.person_item
        self.entry_line = p.entry_line
        self.cell_totals = p.cell_totals
        self.name_column_header = p.name_column_header
        self.organisation_column = p.organisation_column
        self.list_head = p.list_head
        self.group_heading = p.group_heading
        self.company_end = p.company_end
        self.aside_after = p.aside_after
        self.measure_note = p.measure_note
        self.umbrella_ends = tuple(p.umbrella_suffixes)     # 项目, 工程, 建设
        # what may follow a name in quotes that wrap it whole: nothing, or 项目/工程/建设
        self.quoted_ends = ("", *self.umbrella_ends)
        self.group_words = ("项目", "項目", "工程")    # what a group heading's line ends in
        self.count_in_item = p.count_in_item
        self.place_count_in_item = p.place_count_in_item
        self.component_after_project = p.component_after_project
        self.component_after_facility = p.component_after_facility
        self.component_of_subject = p.component_of_subject
        self.works_after_project = p.works_after_project
        self.name_run_on = p.name_run_on
        self.section_after_name = p.section_after_name
        self.class_works = p.class_works
        # a leading place: administrative units one after another (云州市, 青禾县城关镇); every
        # end of such a run is a place where a short form may start
        self.place_prefix = regex.compile(
            rf"(?<=^(?:\p{{Han}}{{1,7}}?(?:{alternation(p.short_form_places)}))+)")
        self.statuses = StatusFinder(rules)
        # jieba's dictionary with the framing words added (frequency 2000), as one cached file
        # (and the words that hold a joiner's character: 和美乡村 is no list)
        self.segmenter = load_segmenter(w for w in self.boundaries | set(self.weak) | set(p.joiner_words)
                                        if len(w) > 1)
        self.judge = NameJudge(rules, self.segmenter)
        # the words `_segments` cuts at: a block of Han text without any of them needs no
        # segmentation (jieba segments each block on its own)
        self.cut_words = re.compile(word_trie(
            {w for w in self.joiners | self.name_joiners | self.location_markers | self.boundaries | {"等"}
             if w.strip()}))
        # A clause whose suffixes are all dependent ones (建设) names nothing unless it
        # enumerates (、, 和, 等): a dependent suffix needs a named thing before it, and only
        # lists name items without a suffix. Most clauses with a suffix are of this kind.
        independent = [s for s in self.judge.suffixes if s not in self.judge.dependent]
        self.independent_suffix = re.compile(word_trie(independent))
        self.enumeration_marks = re.compile(alternation({"、", "等", *self.joiners}))
        # per suffix that is not dependent, the characters a core ending in it needs
        # (`_may_end_a_name`), and per first character the lengths of those suffixes
        self._suffix_need = {s: max(self.judge.short_min.get(s, 0), self.judge.min_chars) for s in independent}
        self._most_need = max(self._suffix_need.values(), default=self.judge.min_chars)
        self._independent_lengths: dict[str, tuple[int, ...]] = {
            first: tuple(sorted({len(s) for s in independent if s[0] == first}))
            for first in {s[0] for s in independent}}
        self.short_name = p.short_name      # （简称“南青高速”）: ends the full name before it
        self.project_office = p.project_office      # 甲工程 | 项目部: the site's office ends the name
        self.company = rules.model_features.company     # 某建设公司甲路 | 项目部: a company's office, no name
        self.quoted_part_after = p.quoted_part_after    # “甲工程”| 主体结构
        self.title_given_before = p.title_given_before  # 获批为 | “甲示范基地”
        self.class_count_after = p.class_count_after    # 基础设施项目 | 1个，
        self.not_place_first_pos = frozenset(p.not_place_first_pos)     # 三 | 跨 | 连续刚构桥
        # what `_segments` does at each word (later entries win, as the checks' order there)
        self.token_kinds: dict[str, str] = {
            **dict.fromkeys(self.boundaries, "boundary"), **dict.fromkeys(self.location_markers, "location"),
            "等": "etc", **dict.fromkeys(self.joiners, "、"), "、": "、", **dict.fromkeys(self.name_joiners, "join"),
            **dict.fromkeys(_OPEN, "open"), **dict.fromkeys(_CLOSE, "close")}

    def __call__(self, text: str, offset: int = 0,
                 cues: Sequence[StatusMention] | None = None) -> list[ProjectMention]:
        """Project mentions in `text`; `cues` are its status cues (`StatusFinder`, offsets
        into `text`), found here when not given: status words end names."""
        if cues is None:
            cues = self.statuses(text)
        cue_starts = [c.start for c in cues]
        mentions: list[ProjectMention] = []
        # a clause without any suffix names no project: skip it (most clauses). Suffixes are
        # Han words, so no occurrence crosses a clause mark: one scan of the text finds them.
        starts = [m.start() for m in self.judge.suffix_any.finditer(text)]
        phases = self.judge.phase_ends(text)        # 城西数据谷二期: a name may end in a phase
        if phases:
            starts = sorted(starts + phases)
        heading_ends = self._group_heading_ends(text, starts)
        below_heading = set(heading_ends)
        i, n = 0, len(starts)
        for c_start, c_end in _clauses_around(text, sorted(starts + heading_ends) if heading_ends else starts):
            i = bisect_left(starts, c_start, i)     # the first suffix in the clause or after it
            # (only a clause with a 、 lists what it may be introduced to: most have none)
            introduced = (self._introduced(text, c_start, c_end, below_heading)
                          if text.find("、", c_start, c_end) >= 0 else 0)
            if introduced:
                c_start = introduced
                if text[introduced - 1] in "（(":      # 续建项目5个（A、B、C）: the list ends with its bracket
                    close = text.find("）" if text[introduced - 1] == "（" else ")", c_start, c_end)
                    c_end = close if close > 0 else c_end
            if introduced or (i < n and starts[i] < c_end and c_end - c_start >= self.min_chars):
                if not introduced and (self.independent_suffix.search(text, c_start, c_end) is None
                        and self.enumeration_marks.search(text, c_start, c_end) is None
                        and not (phases and self.judge.may_end_in_phase(text, c_start, c_end))):
                    continue
                k = bisect_left(cue_starts, c_start)
                inside = []
                while k < len(cues) and cues[k].start < c_end:
                    if cues[k].end <= c_end:
                        inside.append((cues[k].start - c_start, cues[k].end - c_start))
                    k += 1
                mentions.extend(self._clause(text[c_start:c_end], offset + c_start, inside, bool(introduced)))
        mentions.extend(self._ledger_items(text, offset, mentions, heading_ends))
        mentions.extend(self._entries(text, offset, mentions))
        if _WRAPPED_LINE.search(text) is not None:     # (most texts have no line opening with spaces)
            mentions = self._wrapped_cells(text, offset, mentions)
        mentions = self._row_name_cells(text, offset, mentions)
        if "全" in text or "正式名称" in text:
            mentions = self._full_name_brackets(text, offset, mentions)
        if _OTHER_NAME_HINT.search(text) is not None:
            mentions = self._other_names(text, offset, mentions)
        if "期" in text:
            mentions.extend(self._bare_phases(text, offset, mentions))
        mentions = self._said_again(text, offset, mentions)
        mentions = [m for m in mentions if not self._unit_title_or_works_object(text, m.start - offset, m.end - offset)]
        mentions = _without_organisation_cells(text, offset, mentions, self.organisation_column)
        return merge_short_forms(_without_content_cells(text, offset, mentions), self.place_prefix)

    def _bare_phases(self, text: str, offset: int, found: list[ProjectMention]) -> list[ProjectMention]:
        """The bare phases after a name ending in a phase, in its list or the clauses after it
        (…产业园一期、二期已投产，三期在建): each is the named project's phase, named as
        written (二期), its full name (…产业园二期) its alt and its key, as an item of a list
        sharing a suffix is named (`shared_part_items`). A run of them goes on from each one found."""
        out: list[ProjectMention] = []
        taken = {m.start - offset for m in found}
        for m in found:
            named = _NAME_PHASE.match(m.name)
            if named is None:
                continue
            prefix, at = named.group("prefix"), m.end - offset
            while (bare := _BARE_PHASE.match(text, at) or self._phase_in_next_clause(text, at)) is not None:
                start, end = bare.span("phase")
                if start in taken:
                    break
                phase = bare.group("phase")
                full = prefix + phase
                out.append(ProjectMention(phase, self.key(full), offset + start, offset + end,
                                          PROJECT_ENUMERATION_ITEM_RULE, alt=full))
                taken.add(start)
                at = end
        return out

    def _said_again(self, text: str, offset: int, found: list[ProjectMention]) -> list[ProjectMention]:
        """`found` with a listed name that has no suffix of its own, said again after its first
        mention: the same project there, its mention's key, rule and alt, in place of any
        shorter mention inside it (甲大桥 in 甲大桥维修加固); not where a mention runs across it,
        nor in a name cut from an organisation's (甲大桥维修加固指挥部).
        - A name `said_again_min_chars` long or more, works on a facility whose word it holds
          (其中甲大桥维修加固已于3月进场), anywhere later: a firm's name listed as its project
          (甲特种材料) is said again of the firm, so one with no facility word is read as a
          shorter one is (甲宿舍 of 甲、乙和丙三个小区; 其中丙村烈士墓群目前仍在施工).
        - A shorter one (a village's or a town's works: 甲、乙、丙三个乡镇的通组公路) only in
          its paragraph and the field lines of its record after it (问题3：… ⏎完成情况：…),
          opening a clause or a list's item (…，甲、乙已按期完成；丙有一段…),
          and not before a place's class word (丙组还在挑井水: the place itself)."""
        judge = self.judge
        again = self.said_again
        bare: dict[str, ProjectMention] = {}       # each such name's first mention
        for m in found:
            if len(m.name) >= 2 and (m.name not in bare or m.start < bare[m.name].start) \
                    and not judge.has_suffix(m.name):
                bare[m.name] = m
        if not bare:
            return found
        order = sorted(range(len(found)), key=lambda k: found[k].start)
        spans = [(found[k].start - offset, found[k].end - offset) for k in order]
        starts = [s for s, _ in spans]
        reach = max(e - s for s, e in spans)        # the longest mention: how far back one may start
        inside: set[int] = set()        # the mentions a name said again holds (places in `order`)
        out = list(found)
        for name, m in sorted(bare.items(), key=lambda item: item[1].start):    # in the text's order
            # (a long one with no facility word, an item a list's suffix was lent to, 甲宿舍 of
            # 甲、乙和丙三个小区, is read as a short one is)
            short = len(name) < self.said_again_min_chars or judge.suffix_any.search(name) is None
            at = m.end - offset
            stop = len(text)
            if short and (line_end := text.find("\n", at)) >= 0:
                stop = self._record_end(text, line_end)     # a short one: its paragraph (and record) only
            # ... or anywhere later with the end of the suffix its list lent it (薁山 of 甲、薁山两座
            # 变电站, said again as 薁山站; 北关 of 甲、北关两个农贸市场 as 北关市场)
            lent = m.alt[len(name):] if m.alt is not None and m.alt.startswith(name) else ""
            while (i := text.find(name, at, len(text) if lent else stop)) >= 0:
                at = i + len(name)
                if at > stop and not any(text.startswith(lent[k:], at) for k in range(len(lent))):
                    continue
                held = [k for k in range(bisect_left(starts, i - reach), bisect_left(starts, at))
                        if spans[k][1] > i]
                if short and m.alt is None:
                    # said again in full with its list's facility word, which the list lent it no
                    # suffix of (甲、乙两座提灌站的改造 … 其中甲提灌站已试运行): that mention
                    # is the item's (an item with a lent suffix is merged so later: 南湾 … 南湾水库)
                    for k in held:
                        if spans[k][0] == i and self._item_with_its_word(text, m, offset, text[at:spans[k][1]]):
                            j = order[k]
                            out[j] = replace(found[j], key=m.key)
                if any(spans[k][0] < i or spans[k][1] > at or spans[k] == (i, at) for k in held):
                    continue            # the name itself, or a mention running across it
                if judge.organisation.match(text, at) is not None:
                    continue
                if short and (again.opens.search(text, max(0, i - 4), i) is None
                              or ((place := again.place_after.match(text, at)) is not None
                                  and not self._counted_as(text, m, offset, place.group()))):
                    continue
                inside.update(held)
                out.append(ProjectMention(name, m.key, offset + i, offset + at, m.rule_id, alt=m.alt))
        dropped = {order[k] for k in inside}
        return [x for k, x in enumerate(out) if k not in dropped] if dropped else out

    @staticmethod
    def _after_item(text: str, item: ProjectMention, offset: int) -> tuple[int, int]:
        """Where what a listed `item`'s list says right after it (its count, its facility word:
        甲、乙两座提灌站) may stand in `text`: from the item's end, `_ITEM_WORD_REACH` characters
        at most and not past its clause."""
        end = item.end - offset
        stop = _CLAUSE_STOP.search(text, end)
        return end, min(end + _ITEM_WORD_REACH, stop.start() if stop else len(text))

    def _counted_as(self, text: str, item: ProjectMention, offset: int, word: str) -> bool:
        """The listed `item`'s list counts its items as `word`, a place's class (甲、乙、丙三个片区
        | 供气管道更新工程): the item said again with that word (丙片区因…暂缓开挖) is the item, no
        other place."""
        return _count_of(word).search(text, *self._after_item(text, item, offset)) is not None

    def _item_with_its_word(self, text: str, item: ProjectMention, offset: int, word: str) -> bool:
        """`word` (what follows a listed `item` said again) is a facility word (a suffix) the
        item's list holds right after it (甲、乙两座提灌站 … 甲 | 提灌站) or its sentence
        counts before it (以下3个村卫生室均已建成：甲、乙、丙 … 甲 | 卫生室)."""
        if len(word) < 2 or not self.judge.is_suffix(word):
            return False
        if text.find(word, *self._after_item(text, item, offset)) >= 0:
            return True
        start = item.start - offset
        reach = max(0, start - _ITEM_WORD_REACH * 3)
        sentence = max(reach, max(text.rfind(mark, reach, start) for mark in HARD_BREAKS) + 1)
        return (counted := self.list_count.search(text, sentence, start)) is not None \
            and text.find(word, counted.end(), start) >= 0

    def _record_end(self, text: str, line_end: int) -> int:
        """The end of the paragraph ending at `line_end`, with the lines after it that open with a
        field's label (问题3：… ⏎整改措施：…⏎完成情况：…: rules/projects.yaml said_again.field_line),
        the fields of one record."""
        while self.said_again.field_line.match(text, line_end + 1) is not None:
            line_end = text.find("\n", line_end + 1)
            if line_end < 0:
                return len(text)    # the record's last field ends the text
        return line_end

    @staticmethod
    def _phase_in_next_clause(text: str, at: int) -> regex.Match[str] | None:
        """A bare phase opening the next clause of the sentence (…一期已投产，| 二期正在建设)."""
        mark = _NEXT_CLAUSE.search(text, at, min(len(text), at + _PHASE_CLAUSE_REACH))
        return _BARE_PHASE.match(text, mark.start()) if mark is not None else None

    def _unit_title_or_works_object(self, text: str, start: int, end: int) -> bool:
        """The span names who answers for a project (责任单位：| 市港航中心: `unit_label_before`),
        titles a list (红黄绿灯项目 | 名单: `list_title_after`), is a trip (甲到乙 | 只需15分钟:
        `travel_time_after`) or is what works lay (正在进行 | 雨污管网 | 铺设: `works_object_before`,
        `works_object_after`), no project."""
        return (self.unit_label_before.search(text, max(0, start - 8), start) is not None
                or self.list_title_after.match(text, end, end + 6) is not None
                or self.travel_time_after.match(text, end) is not None
                or (self.works_object_after.match(text, end, end + 2) is not None
                    and self.works_object_before.search(text, max(0, start - 2), start) is not None))

    def _ledger_items(self, text: str, offset: int, found: list[ProjectMention],
                      heading_ends: list[int]) -> list[ProjectMention]:
        """Bare names that open numbered lines (`ledger_item`) of a document whose numbered
        lines name at least two projects with a suffix (1.城南大道 … 2.鑫达建材年产5万吨
        新型墙材，总投资…): the ledger vouches for them as 等N个项目 does for a list. The
        numbered lines right below a group heading ((三)储备项目, `heading_ends`) are
        vouched for by the heading, however many name a suffix. A person with a role
        (1. 居民代表郇小军（4栋）：…, minutes' speakers: `person_item`) is none."""
        judge = self.judge
        ledgers: dict[str, list[tuple[int, int]]] = {}  # per bullet symbol ("" for ordinals): its items
        line_of: dict[int, int] = {}        # item start -> its line's start
        for m in self.ledger_item.finditer(text):
            start = m.end("item")
            end = start
            stops = _CELL_END if m.group("row") else _ITEM_END     # a table row's first cell ends at a space
            while end < len(text) and text[end] not in stops:
                end += 1
            if end - start >= self.min_chars:
                ledgers.setdefault(m.group("bullet") or "", []).append((start, end))
                line_of[start] = m.start()
        under = self._under_headings(text, heading_ends, line_of)
        bare = self._bare_lines_under(text, heading_ends, line_of)
        under.update(s for s, _ in bare)
        covered = {m.start - offset for m in found}
        items = list(bare)
        for bullet, run in ledgers.items():
            # lines opening with one bullet are a ledger of projects when half of them name one
            # (📍 lines vouch for each other, not for the ▶ lines of what is said below them)
            named = sum(judge.has_suffix(text[s:e]) or s in covered for s, e in run)
            if len(run) < 3 or named < 2 or (bullet and 2 * named < len(run)):
                run = [(s, e) for s, e in run if s in under]
            items.extend(run)
        if not items:
            return []
        items.sort()
        taken = {(m.start, m.end) for m in found}
        # below a heading, a bare item that jieba does not see as proper (宏远机械) is a name
        # when most of its run is
        mostly_proper = 2 * sum(judge.proper(text[s:e]) for s, e in items if s in under) > len(under)
        out = []
        for s, e in items:
            name = text[s:e]
            if (s in covered or judge.suffix_any.search(name) or not judge.nominal(name)
                    or not (judge.proper(name) or (s in under and mostly_proper)) or not judge.accepts(name)
                    or self.person_item.search(name) is not None):
                continue
            if (offset + s, offset + e) not in taken:
                out.append(ProjectMention(name, self.key(name), offset + s, offset + e, PROJECT_ENUMERATION_ITEM_RULE))
        return out

    def _wrapped_cells(self, text: str, offset: int, found: list[ProjectMention]) -> list[ProjectMention]:
        """`found` with the names of a table's rows whose name cell wraps onto the lines
        below read whole (1    青禾县城南再生水  新建…  32000 … and, on the next line,
        spaces up to the name's column, then 厂一期工程): the pieces of the cell joined are
        read as a clause of their own, and their mentions replace those found in any piece.
        A mention's name is the joined name; its span is its part on the row's line (or on
        the line it starts on), so text[start:end] stays the stored text."""
        pieces_of_rows = []
        for m in _TABLE_ROW.finditer(text):
            pieces = self._wrapped_cell(text, m.start(), m.end())
            if pieces is not None:
                pieces_of_rows.append(pieces)
        if not pieces_of_rows:
            return found
        out = list(found)
        for pieces in pieces_of_rows:
            joined = "".join(text[s:e] for s, e in pieces)
            mentions = [self._placed_in_pieces(m, pieces, offset) for m in self._clause(joined, 0, [])]
            if not mentions:
                continue
            out = [m for m in out if not any(s < m.end - offset and m.start - offset < e for s, e in pieces)]
            out.extend(mentions)
        return out

    def _wrapped_cell(self, text: str, line_start: int, start: int) -> list[tuple[int, int]] | None:
        """The pieces (spans) of the name cell starting at `start` on a table row's line
        (four cells or more) when it wraps onto the lines below, else None."""
        line_end = text.find("\n", start)
        if line_end < 0:
            return None
        end = start
        while end < line_end and text[end] not in _CELL_END:
            end += 1
        if end == start or text[end] not in SPACES or len(_CELL_GAP.findall(text, start, line_end)) < 3:
            return None         # no cell gap after the name: the cell ends otherwise (（, ，)
        prefix = text[line_start:start]
        columns = {len(prefix), display_width(prefix)}
        pieces = [(start, end)]
        following = line_end + 1
        while (cont := self._continuation(text, following, columns)) is not None:
            pieces.append(cont)
            following = text.find("\n", cont[1]) + 1
            if following == 0:
                break
        return pieces if len(pieces) > 1 else None

    def _continuation(self, text: str, line_start: int, columns: set[int]) -> tuple[int, int] | None:
        """The span of the text a line holds in a wrapped name cell's column (`columns`:
        the cell's start, in characters and in display width): the line opens with spaces up
        to it, then Han text up to a cell gap or the line's end, no totals word (合计)."""
        spaces = _LEADING_SPACES.match(text, line_start)
        start = spaces.end() if spaces is not None else line_start
        if (spaces is None or start >= len(text) or not _HAN.match(text[start])
                or not ({spaces.end() - line_start, display_width(spaces.group())} & columns)
                or self.cell_totals.match(text, start) is not None):
            return None
        end = start
        while end < len(text) and text[end] not in _CELL_END:
            end += 1
        if end < len(text) and text[end] not in SPACES + "\n":
            return None         # the piece runs on into a clause: no cell
        return start, end

    def _full_name_brackets(self, text: str, offset: int, found: list[ProjectMention]) -> list[ProjectMention]:
        """`found` with a short form's full name in the bracket after it (青峰智算中心（全称青峰
        数字经济产业园算力中心项目）: `full_name`) read as the project's name: the mention that
        ends at the bracket or runs through it gives way to the full name (its span in the
        bracket) and the short form before the bracket, both of the full name's key (one
        project, the short form its other name). The full name must read as a project's
        (a suffix, the judge's assent); a bracket after no candidate names nothing."""
        out = list(found)
        for bracket in self.full_name.finditer(text):
            full = bracket.group("full")
            if not self.judge.has_suffix(full) or not self.judge.accepts(full):
                continue
            b_start, b_end = bracket.start() + offset, bracket.end() + offset
            before = [m for m in out if m.start < b_start and m.end in (b_start, b_end)]
            if len(before) != 1:
                continue
            short = before[0]
            key = self.key(full)
            f_start, f_end = bracket.span("full")
            out.remove(short)
            out.append(ProjectMention(full, key, f_start + offset, f_end + offset, short.rule_id))
            name = text[short.start - offset:b_start - offset]
            out.append(ProjectMention(name, key, short.start, b_start, short.rule_id))
        return out

    def _other_names(self, text: str, offset: int, found: list[ProjectMention]) -> list[ProjectMention]:
        """`found` with another name of a project read as that project (`other_name`: 甲小学（原名乙
        小学）, 【甲】 原称乙, 原乙项目现已更名为甲, 【鹤岭风电】 即鹤岭山…风电场项目). The name after
        the marker must read as a project's (a suffix, the judge's assent) and the project is the
        candidate ending right before the marker (only brackets, quotes, a comma or blanks
        between), or running through a bracket that holds the marker and ending there. The
        candidates inside the other name (原名乙小学) give way. A former name is the project's alt
        (the candidate keeps its span and name); a new name is the project's name (its span after
        the marker) with the old as alt; the same project in other words is one more mention of
        the project's key, the fuller form its name (aggregate). A former name with no project
        right before it (备注：第12项原名“甲馆”) names a project of elsewhere: no candidate of its own."""
        out = list(found)
        for m in self.other_name.finditer(text):
            other = m.group("other")
            if not self.judge.has_suffix(other) or not self.judge.accepts(other):
                continue
            o_start, o_end = m.span("other")
            mark = m.start() + offset
            opened = text[m.start()] in "（("
            shut = o_end + offset + (1 if text[o_end:o_end + 1] in ("）", ")") else 0)
            before = [c for c in out if c.start < mark and (
                c.end <= mark and _BEFORE_OTHER_NAME.fullmatch(text, c.end - offset, m.start()) is not None
                or opened and c.end in (mark, shut) and c.end != o_end + offset)]
            if not before and not m.group("former") and not any(c.start < mark < c.end for c in out):
                written = self._named_before(text, offset, m.start(), bool(m.group("same")))
                before = [written] if written is not None else []
            if len(before) != 1:
                if m.group("former"):   # a former name of a project named elsewhere (a ledger's note): none of its own
                    # (a name running on past the bracket keeps it as an aside of its own words: 甲市第三
                    # 人民医院（原乙县中医院）门诊楼改造工程, the hospital's former name)
                    out = [c for c in out if not (c.start < o_end + offset and c.end > o_start + offset)
                           or (opened and c.start < mark and c.end > shut)]
                continue
            project = before[0]
            if m.group("same") and len(other) <= len(project.name):
                continue        # the same project said again is said in full (甲风电，即甲山…风电场项目)
            if project.end > mark:      # the bracket read into the name (甲小学（原名乙小学）): cut
                cut = text[project.start - offset:m.start()].rstrip(_PUNCT_STRIP)
                project = replace(project, name=cut, key=self.key(cut), end=project.start + len(cut))
            inside = {id(c) for c in out if c.start < o_end + offset and c.end > o_start + offset}
            out = [c for c in out if id(c) not in inside and c is not before[0]]
            if m.group("current"):
                former = project.name[1:] if project.name.startswith("原") else project.name
                out = [replace(c, key=self.key(other)) if c.key == project.key else c for c in out]
                out.append(ProjectMention(other, self.key(other), o_start + offset, o_end + offset,
                                          project.rule_id, alt=former))
            elif m.group("former"):
                out.append(replace(project, alt=other))
            else:
                out.append(project)
                out.append(ProjectMention(other, project.key, o_start + offset, o_end + offset, project.rule_id))
        return out

    def _named_before(self, text: str, offset: int, mark: int, bare: bool) -> ProjectMention | None:
        """The name written right before the marker of a new name or of the same project in
        other words, when no candidate ends there (原城北物流园项目现已更名为…; 【鹤岭风电】 即…): the
        words from the clause's start or the heading's bracket to the marker, a leading 原
        (the old name) dropped. It must read as a project's name (a suffix and the judge's
        assent), or with `bare` (即, 又称: the same project said again) as a listed item does."""
        gap = _BEFORE_OTHER_NAME.match(text[max(0, mark - 4):mark][::-1])
        end = mark - (gap.end() if gap is not None else 0)
        start = end
        while start > 0 and end - start < _NAMED_BEFORE_MAX and text[start - 1] not in _NAMED_BEFORE_STOP:
            start -= 1
        start += 1 if text[start:start + 1] == "原" else 0
        name = text[start:end]
        if len(name) < 2 or not (self.judge.has_suffix(name) and self.judge.accepts(name)
                                 or bare and _SHORT_FORM.fullmatch(name) is not None
                                 and self.judge.accepts(name, listed=True)):
            return None
        return ProjectMention(name, self.key(name), start + offset, end + offset, PROJECT_SUFFIX_RULE)

    def _row_name_cells(self, text: str, offset: int, found: list[ProjectMention]) -> list[ProjectMention]:
        """`found` with the name cells of a table's rows read whole. A row is a numbered line
        of four cells or more parted by spaces (a full-width space or a tab reads as one), in a
        run of at least `ROW_CELLS_MIN_ROWS` such lines; its name cell is the one after the
        number, and a cell that wraps onto the start of the next line (5 甲村农村供水保障 |
        提升 甲村 新建…: the rest of its cells on that line) is joined. The column vouches
        for its cells: a cell that opens with a place (甲村, 乙镇: `whole_place_ends`) names
        one project whole, works verbs and all (甲村安全饮水巩固提升, 乙镇集镇污水管网延伸),
        and replaces the mentions found inside it, when those open the cell; a cell that
        lists places before one shared part (甲村、乙村、丙村村庄亮化) names each place
        (`shared_part_items`: alt the place with the part). A cell with a joiner (及, 和)
        or a comma, and one whose mentions start inside it (新建甲路), is left as found.
        Each mention's span is its part on the row's line; its name the cell joined."""
        rows = []
        for m in _TABLE_ROW.finditer(text):
            pieces = self._row_name_cell(text, m.end())
            if pieces is not None:
                rows.append(pieces)
        if len(rows) < ROW_CELLS_MIN_ROWS:
            return found
        headers = [h.start() for h in self.name_column_header.finditer(text)]
        out = list(found)
        for pieces in rows:
            # under a header naming the name column (序号｜小区名称｜…), with no sentence between
            i = bisect_left(headers, pieces[0][0]) - 1
            vouched = i >= 0 and text.find("。", headers[i], pieces[0][0]) < 0
            joined = "".join(text[s:e] for s, e in pieces)
            bracket = _TRAILING_ASIDE.search(joined)
            if bracket is not None and bracket.start() >= self.min_chars:
                joined = joined[:bracket.start()]
            inside = [m for m in out if any(s <= m.start - offset and m.end - offset <= e for s, e in pieces)]
            if any(m.name != text[m.start - offset:m.end - offset] for m in inside):
                continue        # a cell wrapped onto indented lines, joined already (`_wrapped_cells`)
            made = self._cell_mentions(joined, pieces, offset, inside, vouched)
            if made is None:
                continue
            drop = {id(m) for m in inside}
            out = [m for m in out if id(m) not in drop] + made
        return out

    def _row_name_cell(self, text: str, start: int) -> list[tuple[int, int]] | None:
        """The pieces of the name cell starting at `start` on a table row's line, or None when
        the line is no row of four cells or more (nor the cell one wrapped onto the next line,
        which then holds the row's other cells)."""
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        end = start
        while end < line_end and text[end] not in _ROW_CELL_END:
            end += 1
        if end - start < 2:
            return None
        if len(_ROW_GAP.findall(text, end, line_end)) >= 2:
            return [(start, end)]
        if end < line_end or line_end == len(text):
            return None
        following = line_end + 1
        next_end = text.find("\n", following)
        next_end = len(text) if next_end < 0 else next_end
        cut = following
        while cut < next_end and text[cut] not in _ROW_CELL_END:
            cut += 1
        if (not 1 <= cut - following <= ROW_CELL_WRAP_MAX or not _HAN.match(text, following)
                or _TABLE_ROW.match(text, following) is not None or _ORDINAL.match(text, following) is not None
                or _CLAUSE_MARKS.search(text, following, cut) is not None
                or len(_ROW_GAP.findall(text, cut, next_end)) < 2):
            return None
        return [(start, end), (following, cut)]

    def _cell_mentions(self, joined: str, pieces: list[tuple[int, int]], offset: int,
                       inside: list[ProjectMention], vouched: bool = False) -> list[ProjectMention] | None:
        """The mentions a table row's name cell (`joined`) names, or None to keep those found
        inside it (`inside`). `vouched`: the table's header names the column (`name_column_header`),
        so a cell that opens with no place names its project whole too, when it reads as a name."""
        if self.cell_totals.match(joined) is not None or len(joined) > self.judge.max_chars:
            return None
        if "、" in joined:
            items = shared_part_items(joined, self.whole_place_ends)
            # (half the places proper is enough: jieba knows 茶园 as a word)
            if not items or 2 * sum(self.judge.proper(joined[s:e]) for s, e, _ in items) < len(items):
                return None
            out = []
            for s, e, part in items:
                item = joined[s:e]
                placed = self._placed_in_pieces(ProjectMention(item, "", s, e, ""), pieces, offset)
                out.append(ProjectMention(item, self.key(item + part), placed.start, placed.end,
                                          PROJECT_ENUMERATION_ITEM_RULE, alt=item + part))
            return out
        if self.cell_joiners.search(joined) is not None:
            return None
        if self.cell_place.match(joined) is None and not (
                vouched and self.judge.nominal(joined) and self.judge.accepts(joined)):
            return None
        if any(m.start - offset != pieces[0][0] for m in inside):
            return None         # a name inside the cell, not at its start (新建甲路)
        if len(inside) == 1 and inside[0].name == joined:
            return None
        rule = inside[0].rule_id if inside else PROJECT_ENUMERATION_ITEM_RULE
        placed = self._placed_in_pieces(ProjectMention(joined, "", 0, len(joined), ""), pieces, offset)
        return [ProjectMention(joined, self.key(joined), placed.start, placed.end, rule)]

    @staticmethod
    def _placed_in_pieces(m: ProjectMention, pieces: list[tuple[int, int]], offset: int) -> ProjectMention:
        """`m`, found in the joined cell (offsets into it), at its place in the text: its
        span the part of it in the piece where it starts."""
        at = 0
        for s, e in pieces:
            if m.start < at + e - s:
                start = s + m.start - at
                end = s + min(m.end - at, e - s)
                return replace(m, start=offset + start, end=offset + end)
            at += e - s
        raise ValueError("a mention beyond its joined cell")

    def _entries(self, text: str, offset: int, found: list[ProjectMention]) -> list[ProjectMention]:
        """Bare names that open lines as entries of a ledger without ordinals (鑫达新材料：
        总投资3.2亿元，…; `entry_line`), in a document with at least three such lines: the
        run of entries vouches for them as 等N个项目 does for a list."""
        entries = []
        line = -1
        for colon in _COLONS.finditer(text):        # only lines with a colon can be entries
            if colon.start() < line:
                continue
            line_start = text.rfind("\n", 0, colon.start()) + 1
            line = text.find("\n", colon.start())
            line = len(text) if line < 0 else line
            entry = self.entry_line.match(text, line_start, line)
            if entry is not None:
                entries.append(entry.span("item"))
        if len(entries) < 3:
            return []
        judge = self.judge
        covered = {(m.start - offset, m.end - offset) for m in found}
        out = []
        for s, e in entries:
            name = text[s:e]
            if ((s, e) in covered or judge.has_suffix(name) or not judge.nominal(name)
                    or not judge.proper(name) or not judge.accepts(name)):
                continue        # a name with a suffix is found in its clause already
            out.append(ProjectMention(name, self.key(name), offset + s, offset + e, PROJECT_ENUMERATION_ITEM_RULE))
        return out

    def _bare_lines_under(self, text: str, heading_ends: list[int], line_of: dict[int, int]) -> list[tuple[int, int]]:
        """The lines right below a group heading (代表项目：| 鹿溪大剧院 | 云杉物流园) that hold
        one short item each, with no mark before it and no clause mark in it: its members, as
        its numbered lines are. The run ends at a blank line, a longer line or one with a mark."""
        numbered = set(line_of.values())
        out = []
        for line in heading_ends:
            while line < len(text) and line not in numbered:
                end = text.find("\n", line)
                end = len(text) if end < 0 else end
                start = line
                while start < end and text[start] in SPACES:
                    start += 1
                stop = end
                while stop > start and (text[stop - 1] in SPACES or _SYMBOLS_AFTER.match(text, stop - 1, stop)):
                    stop -= 1
                if not self.min_chars <= stop - start <= self.judge.max_chars or any(
                        c in _ITEM_END for c in text[start:stop]):
                    break
                out.append((start, stop))
                line = end + 1
        return out

    @staticmethod
    def _under_headings(text: str, heading_ends: list[int], line_of: dict[int, int]) -> set[int]:
        """Starts of the ledger items (`line_of`: item start -> line start) on the run of
        numbered lines right below a group heading (each line of the run is an item)."""
        if not heading_ends:
            return set()
        item_at_line = {line: item for item, line in line_of.items()}
        under = set()
        for line in heading_ends:
            while line in item_at_line:
                under.add(item_at_line[line])
                next_line = text.find("\n", line)
                if next_line < 0:
                    break
                line = next_line + 1
        return under

    def _introduced(self, text: str, start: int, end: int, below_heading: set[int]) -> int:
        """Where the items start when the clause text[start:end] lists the projects that
        come before it in its sentence announce: a count (新开工项目8个，主要有A、B、C), a
        class and its opener (重点项目：A、B、C; 今年开工的项目有A、B、C), or a group
        heading on the line above ((三)储备项目 / A、B、C: `below_heading` holds the starts
        of such lines); else 0."""
        first = text.find("、", start, end)
        if first < 0:
            return 0
        counted = self.list_count.search(text, start, first)
        if counted is not None and text.startswith(("（", "("), counted.end()):
            return counted.end() + 1     # 续建项目5个（A、B、C）: the bracket lists the count's members
        sentence = max(text.rfind(mark, 0, start) for mark in HARD_BREAKS) + 1
        head = self._class_head(text, sentence, first)
        if head is not None and head.end() > start:
            pos = head.end()        # 今年开工的项目有 | A、B: the head inside the clause
            return pos if first - pos >= 2 else 0
        if sentence >= start:
            return start if start in below_heading else 0
        if self.list_count.search(text, sentence, start) is None and (head is None or head.end() != start):
            return 0
        opener = self.list_opener.match(text, start, end)
        if opener is None or (opener.end() == start and text[start - 1] not in "：:"):
            return 0        # neither an opening word nor a colon: the clause goes on about something else
        return opener.end()

    def _class_head(self, text: str, sentence: int, first: int) -> regex.Match[str] | None:
        """The last class head (`list_head`: 项目有, 重点工程：) between the sentence's start
        and the list's first 、, when what it names is a class of projects (重点项目,
        今年开工的项目), not one project (城南大道项目包括A、B: its parts)."""
        head = None
        for found in self.list_head.finditer(text, sentence, first):
            head = found        # the last one
        if head is None:
            return None
        clause = max(sentence, max(text.rfind(mark, sentence, head.start()) for mark in _CLAUSE_END) + 1)
        named = text[clause:head.end("class")]
        return head if named.endswith("的" + head.group("class")) or not self.judge.accepts(named) else None

    def _group_heading_ends(self, text: str, starts: list[int]) -> list[int]:
        """Starts of the lines right below a line that names a group of projects and nothing
        else ((三)储备项目, 二、已竣工项目 — not 城南大道项目, a name): found from the
        positions of suffixes (`starts`), as such a line ends in 项目 or 工程."""
        ends: list[int] = []
        for pos in starts:
            if not text.startswith(self.group_words, pos):
                continue
            line_end = text.find("\n", pos, pos + 16)
            if line_end < 0 or (ends and ends[-1] == line_end + 1):
                continue
            line_start = text.rfind("\n", 0, pos) + 1
            heading = self.group_heading.match(text, line_start, line_end)
            if heading is None:
                continue
            words = _SYMBOLS_AFTER.sub("", _ORDINAL.sub("", heading.group(), count=1)).strip(SPACES + "：:")
            if not self.judge.accepts(words):
                ends.append(line_end + 1)
        return ends

    def _clause(self, clause: str, offset: int, cues: list[tuple[int, int]],
                introduced: bool = False) -> list[ProjectMention]:
        """Project mentions of one clause; `introduced`: it lists the projects a count before
        it announces, so its bare items are names as before 等N个项目."""
        judge = self.judge
        groups: list[list[_Segment]] = []       # enumerations: segments joined by 、/和
        joined: set[int] = set()                # groups with a 及/与 in them (by index)
        for seg in self._segments(clause, cues):
            if seg.sep_before == "location":
                continue        # 西起高铁站前广场: a landmark
            if groups and seg.sep_before in ("、", "join"):
                groups[-1].append(seg)
                if seg.sep_before == "join":
                    joined.add(len(groups) - 1)
            else:
                groups.append([seg])
        out: list[ProjectMention] = []
        # the works a list's class names for its members (甲、乙两个社区的供水管网改造工程): the
        # members' works, no project of its own (spans in the clause, found as each list is read)
        class_works: list[tuple[int, int]] = []
        for index, group in enumerate(groups):
            # what follows the list is read only after 等 (a copy per group would make a long
            # clause of many groups quadratic)
            rest = clause[group[-1].end:] if group[-1].followed_by_etc else ""
            # 东坪、西岭、南湾3个中型灌区: a count after an item closes the list of the items it
            # counts as 等 does (A、B和C两座水库、D: B and C; the whole list when it closes it)
            counted: list[tuple[int, int, str]] = []
            if len(group) > 1 and self.place_count_in_item.search(clause, group[-1].start, group[-1].end):
                continue    # 甲、乙、丙三市高速公路: places closed by their count, and their sector
            if len(group) > 1:
                group, counted = self._close_at_counts(clause, group)
                if counted and counted[-1][0] == group[0].start and counted[-1][1] == group[-1].end:
                    rest = counted.pop()[2]
            if index in joined:
                group = self._resolve_joins(clause, group)
            elif len(group) == 2 and self._one_name_of_and(clause, group):
                group = [_Segment(group[0].start, group[1].end, group[0].sep_before, group[1].followed_by_etc)]
            shared = judge.shared_suffix(rest) if group[-1].followed_by_etc else None
            if group[-1].followed_by_etc and judge.parts_follow(rest):
                continue    # 大坝培厚、涵管更换等全部工程: one project's parts
            # 汽车、拖拉机等机电产品; 棉花、油料等经济作物: the bare items are kinds of a class
            # that is no project (their own suffixes still name them)
            other_kind = group[-1].followed_by_etc and judge.other_kind(rest)
            if (len(group) == 1 and shared is None and not judge.suffix_any.search(clause, group[0].start, group[0].end)
                    and not (group[0].followed_by_etc and judge.umbrella_follows(rest))
                    and not judge.may_end_in_phase(clause, group[0].start, group[0].end)):
                continue    # one item without a suffix in it and no shared one: no name
            if len(group) == 1 and not group[0].followed_by_etc and not self._may_end_a_name(
                    clause, group[0].start, group[0].end):
                # one item not before 等 in which no name can end (加强内容建设, 港澳侨胞):
                # trimming and judging it finds nothing
                continue
            names = [self._trim(clause, seg) for seg in group]
            if judge.contract_section.search(names[-1][0]):
                # 柳江大道改造工程 | 二标段: a section written after its project's name is its part
                names[-1] = self._before_section(clause, *names[-1])
            if judge.contract_section.search(names[-1][0]):
                continue        # YS1、YS2合同段: a project's sections, no projects
            suffixed = [judge.has_suffix(name) for name, _, _ in names]
            # one item before 等N个…项目 is a name too (云岭钢铁等3个工业项目): it heads the list
            # (its bare items are read only then: most clauses have no 等)
            umbrella = (group[-1].followed_by_etc and shared is None
                        and (len(group) > 1 or judge.proper(names[0][0]))
                        and judge.umbrella_follows(rest)
                        and self._bare_items_read_as_names(names, suffixed))
            # per item: whether a count inside the list closes its run, the specific suffix its
            # class shares with it and the works the class names for it (its run's, else the list's)
            in_counted, item_shared, item_works = self._counted_classes(group, counted, shared, rest)
            for seg, works in zip(group, item_works, strict=True):
                if works is not None and not self._names_its_own(works) and (at := clause.find(works, seg.end)) >= 0:
                    class_works.append((at, at + len(works)))
            # a list of names, not of activities (疏浚、整治河道、安置房)
            is_list = len(group) > 1 and (2 * sum(judge.name_like(name) for name, _, _ in names) >= len(group)
                                          or shared is not None or umbrella or any(in_counted))
            # 热带农业、医药产业、低碳制造业项目: 项目 closes a list of sectors, not one name
            # 东坪、西岭、南湾水库: the last item's specific suffix is lent to the bare ones
            lent = (self._lent_suffix(names, suffixed)
                    if len(group) > 1 and shared is None and not all(suffixed) else None)
            # 甲村、乙村、丙村通组公路硬化项目: places of one level, the last with the works they
            # share (each place's works), lent when no specific suffix is
            place_tail = (self._place_tail(names, suffixed)
                          if lent is None and len(group) > 1 and shared is None and not all(suffixed) else None)
            shared_umbrella = (len(group) >= 3 and suffixed[-1] and not any(suffixed[:-1]) and place_tail is None
                               and names[-1][0].endswith(tuple(judge.umbrella_suffixes)))
            # 桐林建材扩能、鹿溪纸业技改和云杉机械搬迁项目: when every item is proper (a firm, a
            # place) and names works (no place alone: 东山沟、西岭沟…), the 项目 the last one ends
            # in is shared by all, as 等项目 would;
            # a list of sectors (热带农业、医药产业、低碳制造业项目) stays no list of names
            umbrella_shared = None
            if shared_umbrella and all(judge.proper(name) and judge.nominal(name) and len(name) >= 4
                                       and not name.endswith(self.whole_place_ends) for name, _, _ in names[:-1]) \
                    and judge.proper(names[-1][0]):
                shared_umbrella = False
                umbrella_shared = max((u for u in judge.umbrella_suffixes if names[-1][0].endswith(u)), key=len)
            # A、B水库、C水库、D: most items are names of their own, which vouches for the rest
            vouched = self._vouching_siblings(names, suffixed)
            for i, ((name, s, e), has_suffix) in enumerate(zip(names, suffixed, strict=True)):
                alt = None
                # an item that ends where its list goes on (、, 及, 等) is named whole
                whole_item = is_list and (i < len(group) - 1 or group[i].followed_by_etc)
                if (has_suffix and shared_umbrella) or (other_kind and not has_suffix):
                    continue
                # an item of a list closed by 等N个…项目 is a name without a suffix of its own
                # when it or most of the list is proper (鑫达建材、华泰纸业、宏远机械), not a
                # list of sectors (电子信息、新材料等8个产业项目)
                closed = (umbrella or shared is not None or (introduced and len(group) > 1) or in_counted[i]
                          or umbrella_shared is not None)
                # (half the list proper is enough: 华泰纸业、宏远机械等项目, jieba knowing one)
                closed_item = closed and not has_suffix and judge.nominal(name) and (
                    judge.proper(name) or 2 * sum(judge.proper(n) for n, _, _ in names) >= len(group))
                # an item among names of their own: named whole, whatever word inside it jieba
                # reads as a verb (华泰纸业扩产项目、宏远机械监控系统、云岭化工新材料项目)
                sibling_item = vouched[i] > 0 and self._list_member(name)
                works = item_works[i]
                if has_suffix and works and self._one_char_suffix(name):
                    # 甲路和乙路两条道路的提升改造工程: a member, its project the works on it
                    rule_id, alt = PROJECT_ENUMERATION_ITEM_RULE, name + works
                elif has_suffix:
                    rule_id = PROJECT_SUFFIX_RULE
                elif (cut := judge.named_prefix(name)) and (not closed_item or name[cut:cut + 1] in ("（", "(")):
                    # its longest named prefix (云岚高速公路 | 起于青州市), but a list item
                    # that goes on naming is named whole (云州新区文教园区东片公寓楼群、…); an
                    # item of an announced list whose note in brackets holds a cue (甲、乙水库
                    # | （年内完成投资…）) is named up to its bracket too
                    if not (whole_item and self._named_tail(name, cut)):
                        cut = self._accepted_prefix(name, cut)
                        name, e = name[:cut], s + cut
                    rule_id = PROJECT_SUFFIX_PREFIX_RULE
                elif (item_shared[i] is not None or (is_list and judge.proper(name)) or lent is not None or closed_item
                      or sibling_item or place_tail is not None):
                    rule_id = PROJECT_ENUMERATION_ITEM_RULE
                    # 鑫达建材、华泰纸业等12个工业项目: 等 + a count + 项目 vouches for bare items
                    lent_or_shared = item_shared[i] or lent or place_tail or umbrella_shared or (
                        self._siblings_suffix(names, suffixed, i) if sibling_item else None)
                    alt = name + lent_or_shared if lent_or_shared else None
                else:
                    continue
                while len(name) > self.min_chars and self._stray_char(name) and judge.has_suffix(name[1:]):
                    name, s = name[1:], s + 1       # 如云州港三期码头工程受…影响
                if (rule_id == PROJECT_SUFFIX_RULE and not judge.accepts(name, listed=sibling_item)
                        and (cut := judge.named_prefix(name)) and judge.accepts(name[:cut])):
                    # a name that runs on into words no name has (城南引水工程全长24公里隧洞):
                    # the name is its longest named prefix
                    name, e, rule_id = name[:cut], s + cut, PROJECT_SUFFIX_PREFIX_RULE
                if rule_id != PROJECT_ENUMERATION_ITEM_RULE and (part := self.works_after_project.search(name)):
                    name, e = name[:part.start("part")], s + part.start("part")     # …项目 | 租用厂房
                if rule_id == PROJECT_SUFFIX_RULE and (part := self.component_after_project.search(name)):
                    name, e = name[:part.start("part")], s + part.start("part")     # …项目 | 厂房
                elif rule_id != PROJECT_ENUMERATION_ITEM_RULE and (
                        part := self.component_after_facility.search(name)) and judge.has_suffix(
                        name[:part.start("part")]):
                    name, e = name[:part.start("part")], s + part.start("part")     # …大桥 | 主桥
                if name.endswith(("）", ")")) and (bracket := self._clause_aside(name)
                                                   or self._state_note(name, s, cues)):
                    # 桐江三桥接线工程 | （也就是您说的“南引道”）: a bracket holding a clause is an aside
                    name, e = name[:bracket], s + bracket
                if (alias := self.short_name.search(name)) and alias.end() < len(name) and judge.has_suffix(
                        name[:alias.start()]):
                    # 青州至柳城高速公路（简称青柳高速）| 工程可行性…: the short form's bracket ends the
                    # full name; a suffix after it names what is said of the project
                    name, e = name[:alias.start()], s + alias.start()
                if (part := self.name_run_on.search(name)) and judge.has_suffix(name[:part.start("part")]):
                    name, e = name[:part.start("part")], s + part.start("part")     # …小区一期 | 3260套安置房
                if e < names[i][2] and clause[e] in "（(" and rule_id != PROJECT_ENUMERATION_ITEM_RULE:
                    # 走进 | 青禾抽水蓄能电站 | （简称…）: with the bracket after it cut off, the name's
                    # start is trimmed as any name's is (the verb before it frames it)
                    name, s, e = self._trim(clause, group[i]._replace(start=s, end=e))
                listed = alt is not None or (sibling_item and rule_id != PROJECT_SUFFIX_PREFIX_RULE)
                if any(a <= s and e <= b for a, b in class_works):
                    continue        # the works of the class closing a list before it
                if self.component_of_subject.search(clause, 0, s) is not None:
                    continue        # 其控制性工程 | 青峰特大桥: a part of the sentence's project
                if name.endswith(self.umbrella_ends) and (counted := self.class_count_after.match(clause[e:e + 16])) \
                        and (_count_value(counted.group()) > 1 or not judge.proper(name)):
                    continue        # 基础设施项目 | 1个，: a class and its number of members (储备项目仅有
                    #                 甲港码头项目1个: one named)
                if name and judge.accepts(name, listed=listed, whole=True) and not _inside_title_marks(clause, s, e):
                    out.append(ProjectMention(name, self.key(name), offset + s, offset + e, rule_id, alt))
        return out

    def _before_section(self, clause: str, name: str, s: int, e: int) -> tuple[str, int, int]:
        """`name` (at `s`..`e` in `clause`) without the contract section written after it
        (`section_after_name`: 柳江大道改造工程 | 二标段) when what is left ends in a suffix,
        trimmed at its start as any name is (今天上午，| 柳江大道…); else unchanged."""
        part = self.section_after_name.search(name)
        if part is None or not self.judge.has_suffix(name[:part.start("part")]):
            return name, s, e
        return self._trim(clause, _Segment(s, s + part.start("part"), "", False))

    def _may_end_a_name(self, clause: str, start: int, end: int) -> bool:
        """Some slice of `clause[start:end]` may pass `has_suffix`: what one item not before
        等 needs to be named (itself, or its prefix by `named_prefix`; no list lends it a
        suffix). `has_suffix` needs a suffix that is not dependent (a dependent one, 建设,
        asks for a name ending in a suffix before it) ending a core of at least
        `_suffix_need` characters (min_chars, short_suffix_min_chars); a core starts where
        its name does, at `start` or later, and ends where its suffix does."""
        need = self._suffix_need
        first = start + self._most_need - 1     # a suffix starting here or later ends late enough
        if first < end and self.independent_suffix.search(clause, first, end) is not None:
            return True
        if clause.find("\n", start, end) >= 0:
            return True     # (a core read past a line break is a character longer: not proven)
        if self.judge.may_end_in_phase(clause, start, end):
            return True     # 城西数据谷二期: a name may end in a phase
        for pos in range(start, min(first, end)):
            for length in self._independent_lengths.get(clause[pos], ()):
                stop = pos + length
                needed = need.get(clause[pos:stop]) if stop <= end else None
                if needed is not None and stop - start >= needed:
                    return True
        return False

    def _names_its_own(self, works: str) -> bool:
        """The works after a list's class name a place or proper name of their own (沂、沭等
        河流域的 | 伊家河治理工程: a project of its own), not only what is done (两个片区的 |
        供水管网改造工程)."""
        return any(flag in self.judge.proper_pos for _, flag in self.judge.tags(works))

    def _close_at_counts(self, clause: str, group: list[_Segment]
                         ) -> tuple[list[_Segment], list[tuple[int, int, str]]]:
        """`group` with each item that holds a count closing a list (`count_in_item`: 东坪、
        西岭、南湾3个中型灌区; 东岙和西岙两个渔港改造工程 inside a longer list) ended before
        its count, and each such run of items: where its first member starts, where its last
        ends, and its class as after 等 ("等" and what follows the count). The last item's
        count closes the whole list (read only when no 等 does: 甲、乙两座水库等); a count inside
        the list closes as many items as it says back to the item when the last two are joined
        by 和 (甲、乙和丙两个渔港改造工程、丁: 乙 and 丙), when they are all the items before it
        (甲、乙两个片区改造项目和丙: 甲 and 乙) or when they are bare names after an item with a
        suffix of its own (甲工程、乙、丙两个村供水工程、丁馆: 乙 and 丙), and nothing otherwise.
        A last item followed by 等 closes with its count only the bare items it counts after one
        with its own suffix
        (甲工程、乙、丙两座水厂扩建工程等: 乙 and 丙)."""
        runs: list[tuple[int, int, str]] = []
        start = 0       # the first item not in a run yet
        out = list(group)
        last = len(group) - 1
        for i in range(1, len(group)):
            seg = group[i]
            count = self.count_in_item.search(clause, seg.start + 2, seg.end)
            if count is None:
                continue
            members = _count_value(count.group())
            if i == last and seg.followed_by_etc:
                if i - members + 1 < start or not self._bare_counted_tail(clause, group, i, members):
                    break
                first = i - members + 1     # 甲工程、乙、丙两座水厂扩建工程等: its bare items
            elif i == last:
                first = start       # the list's last item: the count closes the list
            elif members >= 2 and start <= i - members + 1 and self._joined_by_and(clause, group[i - 1], seg):
                first = i - members + 1     # 甲和乙两个…工程 inside a longer list
            elif members >= 2 and i - members + 1 == start:
                first = start       # 甲、乙两个…项目和丙: the count reaches back to the list's first item
            elif i - members + 1 >= start and self._bare_counted_tail(clause, group, i, members):
                first = i - members + 1     # 甲工程、乙、丙两个村供水工程、丁馆: its bare items
            else:
                continue
            out[i] = seg._replace(end=count.start(), followed_by_etc=True)
            runs.append((group[first].start, count.start(), "等" + clause[count.start():]))
            start = i + 1
        return out, runs

    def _bare_counted_tail(self, clause: str, group: list[_Segment], i: int, members: int) -> bool:
        """The `members` items ending with item `i` (whose count says how many) are bare names,
        the list's first or after an item with a suffix of its own: the count's run."""
        first = i - members + 1
        if members < 2 or first < 0:
            return False
        judge = self.judge
        return (first == 0 or judge.has_suffix(clause[group[first - 1].start:group[first - 1].end])) and not any(
            judge.has_suffix(clause[group[k].start:group[k].end]) for k in range(first, i))

    def _joined_by_and(self, clause: str, before: _Segment, item: _Segment) -> bool:
        """`item` follows `before` after a word that joins two names (和), not a mere 、."""
        return any(word in clause[before.end:item.start] for word in self.joiners)

    def _counted_classes(self, group: list[_Segment], runs: list[tuple[int, int, str]], shared: str | None,
                         rest: str) -> tuple[list[bool], list[str | None], list[str | None]]:
        """Per item of `group`: whether it is a member of a run a count closes inside the list
        (`runs`, from `_close_at_counts`); the specific suffix its class shares with it (the
        run's, else `shared`, the list's); the works its class names for it (`class_works`:
        等道路的提升改造工程 -> 提升改造工程), from the run's text or the list's (`rest`, from 等)."""
        in_run = [False] * len(group)
        sharing = [shared] * len(group)
        works_of = self.class_works.match(rest) if rest and group[-1].followed_by_etc else None
        works: list[str | None] = [works_of.group("works") if works_of else None] * len(group)
        for first, last, run_rest in runs:
            suffix = self.judge.shared_suffix(run_rest)
            run_works = self.class_works.match(run_rest)
            for k, seg in enumerate(group):
                if first <= seg.start and seg.end <= last:
                    in_run[k], sharing[k] = True, suffix
                    works[k] = run_works.group("works") if run_works else None
        return in_run, sharing, works

    def _one_char_suffix(self, name: str) -> bool:
        """`name` ends in a facility suffix of one character (海澄路, 新华街, 人民桥)."""
        found = self.judge.core_suffix(name)
        return found is not None and len(found[0]) == 1

    def _bare_items_read_as_names(self, names: list[tuple[str, int, int]], suffixed: list[bool]) -> bool:
        """Most bare items of a list closed by 等…项目 read as names (a list of activities,
        疏浚、整治河道, does not); one long item among them (a company's full name and product)
        does not unmake the list: each item is judged on its own afterwards. A one-character
        fragment is no item."""
        bare = [self.judge.nominal(n) for (n, _, _), ok in zip(names, suffixed, strict=True)
                if not ok and len(n) > 1]
        return all(bare) if len(bare) < 3 else 2 * sum(bare) > len(bare)

    def _accepted_prefix(self, name: str, cut: int) -> int:
        """`cut`, the length of the longest named prefix of `name`, or when the judge rejects
        that prefix, the longest shorter one it accepts (…供电项目线路 | 正式 -> …供电项目:
        线路 ends no name); `cut` when none is."""
        judge = self.judge
        shorter = cut
        while shorter and not judge.accepts(name[:shorter]):
            shorter = judge.named_prefix(name[:shorter])
        return shorter or cut

    def _lent_suffix(self, names: list[tuple[str, int, int]], suffixed: list[bool]) -> str | None:
        """The specific suffix the last item lends to the bare items before it (东坪、西岭、
        南湾水库), also when the last item runs on past its name (完成东坪、西岭、南湾水库 |
        除险加固: its named prefix lends)."""
        judge = self.judge
        last = names[-1][0]
        if not suffixed[-1]:
            cut = judge.named_prefix(last)
            if not cut:
                return None
            last = last[:cut]
        return judge.lent_suffix([*(n for n, _, _ in names[:-1]), last])

    def _place_tail(self, names: list[tuple[str, int, int]], suffixed: list[bool]) -> str | None:
        """The works the last item of a list of places names after its own place (甲村、乙村、
        丙村 | 通组公路硬化项目), which each bare place shares: the list read by
        `shared_part_items` with the administrative level words (`whole_place_ends`: the items
        before the last end in one of them, the last opens with a place ending so; not 东山沟、
        西岭沟治理工程), every item bare, half of them proper or more, and the part a project's
        suffix."""
        if not suffixed[-1] or any(suffixed[:-1]):
            return None
        value = "、".join(n for n, _, _ in names)
        if len(value) != sum(len(n) for n, _, _ in names) + len(names) - 1:
            return None
        items = shared_part_items(value, self.whole_place_ends)
        if not items:
            return None
        judge = self.judge
        bare = [value[s:e] for s, e, _ in items]
        # (half the places proper is enough: jieba knows 石板沟 as a word)
        if not all(2 <= len(n) <= 6 for n in bare) or 2 * sum(judge.proper(n) for n in bare) < len(bare):
            return None
        tail = items[0][2]
        return tail if judge.has_suffix(tail) else None

    def _vouching_siblings(self, names: list[tuple[str, int, int]], suffixed: list[bool]) -> list[int]:
        """Per item of a list, how many of the other items are names of their own (a suffix
        and the judge's assent), when those are at least two and most of the others; else 0.
        Such siblings vouch for an item the judge would reject alone (a word inside read as a
        verb, 行政中心's abstract head) or that has no suffix (城南水库、滨江水库、青石)."""
        if len(names) < 3 or sum(suffixed) < 2:
            return [0] * len(names)
        own = [ok and self.judge.accepts(name) for (name, _, _), ok in zip(names, suffixed, strict=True)]
        total = sum(own)
        out = []
        for mine in own:
            others = total - mine
            out.append(others if others >= 2 and 2 * others >= len(names) - 1 else 0)
        return out

    def _list_member(self, name: str) -> bool:
        """An item a list may vouch for: a thing, not a task or a stretch along one (no verb
        first or last, no direction word first, no adverb: 加快推进征地拆迁, 沿线绿化 are no
        items), and not a fragment."""
        if len(name) < 2:
            return False
        tags = self.judge.tags(name)
        return (not tags[0][1].startswith(("v", "f")) and not tags[-1][1].startswith("v")
                and tags[0][1] not in self.strip_pos
                and not any(flag in ("d", "ad", "vd") and len(word) > 1 for word, flag in tags))

    def _siblings_suffix(self, names: list[tuple[str, int, int]], suffixed: list[bool], item: int) -> str | None:
        """The specific suffix every suffixed sibling of a bare item shares (城南水库、滨江
        水库、青石 -> 水库), or None."""
        if suffixed[item]:
            return None
        ends = {self.judge.core_suffix(name) for (name, _, _), ok in zip(names, suffixed, strict=True)
                if ok}
        found = {end[0] for end in ends if end is not None}
        if len(found) != 1:
            return None
        sfx = found.pop()
        judge = self.judge
        # a thing built (水库), not a kind of work (修缮, 建设) or 项目
        return (sfx if len(sfx) >= 2 and sfx not in judge.umbrella_suffixes and sfx not in judge.activity_suffixes
                and sfx not in judge.dependent else None)

    def _named_tail(self, name: str, cut: int) -> bool:
        """What follows the named prefix name[:cut] of a list item goes on naming it (云州
        新区文教园区 | 东片公寓楼群、…): nouns and the verbs names use, no other verb or adverb,
        and the whole item reads as a name."""
        judge = self.judge
        tail = judge.tags(name[cut:])
        return (bool(tail) and not any(judge.is_narrative(word, flag) or (flag in ("d", "ad", "vd") and len(word) > 1)
                                       for word, flag in tail)
                and judge.accepts(name))

    def _segments(self, clause: str, cues: list[tuple[int, int]]) -> list[_Segment]:
        """Cut a clause at 、/和, 等, framing words, status cues (`cues`, spans in the
        clause), dashes and spaces (not inside brackets)."""
        # status words end names; a plan cue (计划年内 … 竣工) may hold a name: only its end cuts
        # (a cue that is a verb names use, inside a name, cuts nothing when a later cue of the
        # clause states the name's state: 灌区 | 续建 | 配套工程 | 完成…; alone it is the state)
        cue_cuts = [(self._cue_end(clause, s, e), e, "boundary") for s, e in cues
                    if not (cues[-1][0] >= e and self._cue_inside_name(clause, s, e))]
        cuts: list[tuple[int, int, str]] = []
        notes: list[tuple[int, int]] = []   # round brackets that note something of the words before them
        # spaces separate runs of flattened text (进展总体平稳   重点项目开工率); a dash introduces
        # the name its description stood for (最长的隧道——某某通道). One scan finds both (no
        # character is in both), and most clauses have neither: a loop, no generator
        for m in _SPACES_OR_DASH.finditer(clause):
            cuts.append((m.start(), m.end(), "dash" if m.lastgroup == "dash" else "boundary"))
        for m in self.anaphora.finditer(clause):        # 该项目 refers back
            cuts.append((m.start(), m.end(), "boundary"))
        if "元" in clause:      # an amount is framing (投资9.9亿元建设 | 某某产业园项目)
            cuts.extend((m.start(), m.end(), "boundary") for m in self.money_framing.finditer(clause))
        # a clause opening with a copula describes the subject before it (…主桥长420米，
        # 为三跨连续刚构桥): what follows is a type, not a name
        copula = self.copula.match(clause)
        if copula and not self._names_a_place_whole(clause[copula.end("verb"):]):
            cuts.append((copula.start("verb"), copula.end("verb"), "location"))
        pos = 0
        depth = 0
        since = 0           # where the text after the last cut starts
        asides: list[bool] = []     # per open bracket: whether it opens an aside after an amount
        kinds = self.token_kinds
        for token in self._tokens(clause):
            kind = kinds.get(token)
            if kind is None:
                pass            # most words
            elif kind == "open" and clause.find(_CLOSE[_OPEN.index(token)], pos + 1) < 0:
                # “甲、乙两座泵站… a quote opened here and closed past the clause: it wraps more
                # than a name, so it cuts, and the list inside it is read as any list
                cuts.append((pos, pos + 1, "boundary"))
                since = pos + 1
            elif kind == "open":
                aside = depth == 0 and self.aside_after.search(clause, max(pos - 2, 0), pos) is not None
                asides.append(aside)
                if aside:       # 完成85%（城南幼儿园进展缓慢…）: the bracket holds text of its own
                    cuts.append((pos, pos + 1, "boundary"))
                    since = pos + 1
                else:
                    if depth == 0 and token in "（(":
                        notes.append((pos, -1))
                    depth += 1
            elif kind == "close":
                if asides and asides.pop():
                    cuts.append((pos, pos + 1, "boundary"))
                    since = pos + 1
                else:
                    depth = max(depth - 1, 0)
                    if depth == 0 and notes and notes[-1][1] < 0 and token in "）)":
                        notes[-1] = (notes[-1][0], pos)
            elif depth == 0 and not (token == "、" and _NUMERALS_AROUND.match(clause, max(pos - 1, 0))) \
                    and not ((kind == "location" or token in self.name_verb_boundaries
                              or token in self.stage_after_name)
                             and self._inside_name(clause, since, pos, token, kind)) \
                    and not (kind == "boundary" and self.company_end.match(clause, pos + len(token))):
                # (not 鑫达实业投资 | 有限公司: a framing word inside a company's name)
                if token != "、" and self._joins_a_junction(clause, pos + len(token), kind):
                    pos += len(token)       # 城南大道与滨江路交叉口: both sides name the place of one works
                    continue
                cuts.append((pos, pos + len(token), kind))  # not 1、2号线, 二、四级电站: numbered parts
                since = pos + len(token)
            pos += len(token)
        # a state noted in a bracket after a name (甲路（已通车）、乙桥（在建）) is the name's note,
        # no cut inside the name's words: the list goes on after the bracket (`_state_note` ends
        # the name before it)
        cuts.extend(c for c in cue_cuts if not any(a < c[0] and c[1] <= b for a, b in notes))
        segments: list[_Segment] = []
        cursor = 0
        sep = "boundary"
        for start, end, kind in sorted(cuts):
            if start < cursor:
                cursor = max(cursor, end)
                continue
            if start > cursor and (kind != "dash" or self._named_before_dash(clause, cursor, start, end)):
                segments.append(_Segment(cursor, start, sep, kind == "etc"))
            sep = kind if kind in ("、", "location", "join") else "boundary"
            cursor = end
        if cursor < len(clause):
            segments.append(_Segment(cursor, len(clause), sep, False))
        return segments

    def _named_before_dash(self, clause: str, start: int, dash: int, after: int) -> bool:
        """The words clause[start:dash] before a dash end in a suffix and the words after it name
        nothing (甲大桥——听说早就修好了: a remark on the name before the dash), so the name is
        before the dash; a description before a name (最长的隧道——某某通道) is dropped."""
        return (self.judge.end_suffix(clause[start:dash]) is not None
                and self.judge.suffix_any.search(clause, after) is None)

    def _joins_a_junction(self, clause: str, after: int, kind: str) -> bool:
        """A 和/及/与 (`kind` 、 or join) whose right side names where the two sides meet or
        link (城南大道与 | 滨江路交叉口改造工程, 青石河和 | 白沙河水系连通工程): one name of
        both, so no cut (`junction_after_joiner`, matched at `after`, the joiner's end)."""
        return kind in ("、", "join") and self.junction_after_joiner.match(clause, after) is not None

    def _cue_inside_name(self, clause: str, start: int, end: int) -> bool:
        """The status cue clause[start:end] is a verb names use (续建, 装修) standing between a
        name's facility suffix and words that go on naming up to a suffix of two characters
        or more (临渚灌区 | 续建 | 配套与节水改造项目, 政务中心 | 装修 | 工程): a word of one
        name, not the state of the name before it (城南水库 | 续建 | ，进展顺利 stays a cue)."""
        judge = self.judge
        if clause[start:end] not in judge.name_verbs or judge.end_suffix(clause[max(0, start - 12):start]) is None:
            return False
        stop = _NAME_RUN_END.search(clause, end, end + 16)
        tail = clause[end:stop.start() if stop else min(len(clause), end + 16)]
        pos = 0
        for word, flag in judge.tags(tail):
            if not (flag.startswith("n") or word in judge.name_verbs or word in self.name_joiners):
                return False
            pos += len(word)
            found = judge.end_suffix(tail[:pos])
            if found is not None and len(found[0]) >= 2:
                return True
        return False

    def _cue_end(self, clause: str, start: int, end: int) -> int:
        """Where the cut for the status cue clause[start:end] starts: after the last suffix
        inside it when one is followed by the cue's own words (计划年内城南大道扩建 | 竣工:
        the plan words before the name are framing, cut elsewhere), else at the cue. A suffix
        too near the cue's start for framing and a name before it is the cue's own word
        (主体工程已完工 after 城南幼儿园项目: the name ends before the cue)."""
        cut = start
        if end - start > 6:
            for m in self.judge.suffix_any.finditer(clause, start + 2, end - 1):
                if m.end() >= start + _FRAMED_NAME_MIN:
                    cut = m.end()
            phase = _PHASE.match(clause, cut, end) if cut > start else None
            if phase:
                cut = phase.end()       # 城南水厂二期 | 竣工投产
        return cut

    def _inside_name(self, clause: str, since: int, pos: int, token: str, kind: str) -> bool:
        """A cut word at `pos` that belongs to the name around it: a direction word after one
        character it makes a place with (、海 | 西至青海 is 海西 | 至青海), or a verb names use
        between a proper name and a bare suffix (星联通信青州基站网络 | 完善 | 工程项目)."""
        if kind == "location":
            return pos - since == 1
        if token in self.stage_after_name:
            # 县第三中学 | 新建项目 (a name's ending) but not 白沙镇 | 新建项目5个 (a class counted)
            head = clause[since:pos]
            return (pos > since and _CLASS_FOLLOWS.match(clause, pos + len(token)) is None
                    and (self.judge.has_suffix(head) or self.judge.proper(head)
                         or head.endswith(self.whole_place_ends)))
        if kind == "boundary" and token in self.name_verb_boundaries and pos > since:
            end = pos + len(token)
            judge = self.judge
            head = clause[since:pos]
            if not (judge.proper(head) or (len(head) >= 3 and head.endswith(self.whole_place_ends))):
                return False        # (金源乡: a place jieba does not know, by its ending)
            if judge.suffix_any.match(clause, end) is not None:
                return True
            # 青禾县集中连片特困地区…项目, 某县国家储备林基地: a common word after the verb and a
            # name from there on (a proper word after it is its object: 云州市完善 | 城南大道)
            following = judge.tags(clause[end:end + 8])
            return (bool(following) and following[0][1] not in judge.proper_pos
                    and not following[0][1].startswith("v")
                    and (judge.has_suffix(clause[since:]) or judge.named_prefix(clause[since:]) > end - since))
        return False

    def _resolve_joins(self, clause: str, group: list[_Segment]) -> list[_Segment]:
        """Segments joined by 及/与 (`name_joiners`) stay two only when each side is a
        name (城南大道及滨江大桥; 金山大道及银湖隧道两个项目; 青岩及白马水库, the suffix
        lent); otherwise the joiner is inside one name (城北供水及污水处理厂) and they merge."""
        # 等…项目 or a count after a pair vouches for both sides (A及B两个项目); in a longer
        # 、-list it vouches for the list's items, not for the halves of one (A、B修复与改造工程等)
        closed = group[-1].followed_by_etc and all(seg.sep_before != "、" for seg in group)
        listed = any(seg.sep_before == "、" for seg in group)
        out = [group[0]]
        for seg in group[1:]:
            if seg.sep_before == "join" and not self._two_names(clause, out[-1], seg, closed, listed):
                left = out[-1]
                out[-1] = _Segment(left.start, seg.end, left.sep_before, seg.followed_by_etc)
            else:
                out.append(seg)
        return out

    def _clause_aside(self, name: str) -> int:
        """Where the bracket `name` ends with opens, when it holds a clause (a verb that names
        do not use, or a pronoun: 也就是您说的…, 由县水务公司负责建设) or a figure with its
        unit (用地1500亩, 36个班: rules/projects.yaml measure_note) and a name with its suffix
        stands before it; else 0 (a note, (四川境), (一期), stays in the name)."""
        judge = self.judge
        close = name[-1]
        opening = name.rfind("（" if close == "）" else "(")
        if opening < self.min_chars or not judge.has_suffix(name[:opening]):
            return 0
        if self.measure_note.search(name, opening + 1, len(name) - 1):
            return opening      # 甲物流园 | （用地1500亩）: the bracket measures the project
        inside = judge.tags(name[opening + 1:-1])
        return opening if any(flag == "r" or judge.is_narrative(word, flag) for word, flag in inside) else 0

    def _state_note(self, name: str, start: int, cues: list[tuple[int, int]]) -> int:
        """Where the bracket `name` ends with opens, when a status cue of its clause (`cues`,
        spans in the clause; `start`: where `name` starts there) stands inside it and a name
        before it (乙桥 | （在建）, 甲路改造工程 | （9月已通车）): the bracket notes the
        state of the name, it is no part of it; else 0."""
        close = name[-1]
        opening = name.rfind("（" if close == "）" else "(")
        if opening < self.min_chars:
            return 0
        inside = (start + opening, start + len(name))
        return opening if any(inside[0] < s and e <= inside[1] for s, e in cues) else 0

    def _one_name_of_and(self, clause: str, pair: list[_Segment]) -> bool:
        """Two segments joined by 和 (`joiners`) that are one name: the left side has no
        suffix, the right one has, and the sides are no two names as `_two_names` reads a
        及/与 (云州市文化和体育中心, 城乡供水和排水一体化工程: two words of one name; not
        鹿鸣湖公园和滨江大桥, nor 青石和白沙水库, the suffix lent)."""
        left, right = pair
        if left.followed_by_etc or clause[left.end:right.start] not in self.joiners:
            return False
        judge = self.judge
        a, b = self._trim(clause, left)[0], self._trim(clause, right)[0]
        if not a or judge.has_suffix(a) or not judge.has_suffix(b):
            return False
        # two places or proper names before one suffix are two items (白沙村和黄岭村饮水工程)
        tags = judge.tags(b)
        if tags[0][1] in judge.proper_pos or judge.unknown_start(tags) or (
                len(a) <= 4 and judge.nominal(a) and judge.proper(a)):
            return False    # (九江和五里新居工程: a short proper left side is a place of its own)
        if not right.followed_by_etc and not judge.proper(b):
            return True     # 鹿溪镇文化和旅游服务中心: common words and a suffix single nothing out alone
        return not self._two_names(clause, left, right, right.followed_by_etc)

    def _two_names(self, clause: str, left: _Segment, right: _Segment, closed: bool, listed: bool = False) -> bool:
        """Whether the sides of a 及/与 are two names; `listed`: the pair ends a 、-list
        (A、B及C), where 及 is the list's last joiner."""
        judge = self.judge
        a, b = self._trim(clause, left)[0], self._trim(clause, right)[0]
        if not judge.has_suffix(b) and (cut := judge.named_prefix(b)):
            b = b[:cut]         # 白沙大桥工程 | 均已完工
        if judge.has_suffix(a):
            # the right side singles something out of its own (白沙大桥), not a part of the
            # left one (滨江大道及连接线, 泵站及输水总干渠工程); at the end of a 、-list a
            # name of common words will do (城南大道、滨江大桥及青石水库)
            return closed or (judge.has_suffix(b) and (judge.proper(b) or (listed and self._own_part(b)))
                              and judge.accepts(b)
                              and not judge.tags(b)[0][1].startswith("v")     # 送出配套工程: a task
                              and (listed or not self._placeless_part(a, b)))
        if closed:
            return judge.nominal(a) and judge.nominal(b)
        return judge.lent_suffix([a, b]) is not None

    def _placeless_part(self, left: str, right: str) -> bool:
        """The right side of a 及 names no place while the left one does (甲县第二水厂及 | 输水管网工程,
        甲污水厂扩建及 | 尾水湿地工程; rules/projects.yaml `place_pos`): it is a part of the left
        one's works, one name."""
        judge, places = self.judge, self.judge.place_pos
        return (any(flag in places for _, flag in judge.tags(left))
                and not any(flag in places for _, flag in judge.tags(right)))

    def _own_part(self, name: str) -> bool:
        """What comes before the suffix of `name` is a noun of two characters or more
        (青石 | 水库), not a verb or a bare modifier (连接 | 线, 配套 | 工程)."""
        found = self.judge.core_suffix(name)
        if found is None or found[1] < 2:
            return False
        tags = self.judge.tags(name[:found[1]])
        return all(flag.startswith("n") for _, flag in tags)

    def _tokens(self, clause: str) -> list[str]:
        """jieba's words of the clause (``Tokenizer.cut(clause, HMM=False)``), except that a
        block of Han text containing no word `_segments` looks for stays whole."""
        seg = self.segmenter
        tokens: list[str] = []
        for block, han in seg.blocks(clause):
            if han and self.cut_words.search(block) is None:
                tokens.append(block)
                continue
            for token in seg.cut_block(block, han):
                if (len(token) > 1 and token[0] in self.joiners and token not in self.joiner_words
                        and tokens and tokens[-1] in self._suffix_need):
                    # 扩容工程 | 和县…中心: a word the joiner opens right after a name's suffix
                    # (jieba's 和县, a place) is the joiner and the next name's start
                    tokens.extend((token[0], token[1:]))
                else:
                    tokens.append(token)
        return tokens

    def _trim(self, clause: str, seg: _Segment) -> tuple[str, int, int]:
        """Strip punctuation, ordinals, framing at the start and trailing punctuation.

        Remembered per span of the clause being read: a clause's lists trim the same items
        two or three times (`_one_name_of_and`, `_two_names`, then `_clause` itself), 30 % of
        all trims on fresh text. Only the span is read of `seg`, and the answer depends on
        the clause and the span alone; the memo holds the last clause (itself, so that no
        other string takes its id) and starts over with the next."""
        memo = self._trims      # (one read: the clause and its answers stay a pair)
        if memo[0] is not clause:
            memo = self._trims = (clause, {})
        span = (seg.start, seg.end)
        known = memo[1].get(span)
        if known is None:
            known = memo[1][span] = self._trim_span(clause, *span)
        return known

    def _trim_span(self, clause: str, s: int, e: int) -> tuple[str, int, int]:
        """`_trim` of clause[s:e], worked out."""
        symbols = (_SYMBOLS_BEFORE.match(clause, s, e)
                   if s < e and not _IDEOGRAPH_FIRST <= clause[s] <= _IDEOGRAPH_LAST else None)
        if symbols:
            s = symbols.end()
        s = self._past_tag(clause, s, e)
        while s < e and clause[s] in _LEADING_STRIP:
            if clause[s] in "（(" and clause.find(")" if clause[s] == "(" else "）", s, e) >= 0:
                break       # (一期)工程 keeps its bracket
            if clause[s] == "“" and "”" in clause[s:e]:
                break       # “云州芯谷”集成电路产业园: the quote is part of the name
            s += 1
        while e > s and (clause[e - 1] in _PUNCT_STRIP or (not _IDEOGRAPH_FIRST <= clause[e - 1] <= _IDEOGRAPH_LAST
                                                          and _SYMBOLS_AFTER.match(clause, e - 1, e))):
            if clause[e - 1] == "”" and "“" in clause[s:e - 1]:
                break       # 青州“三桥一路”: the quote opened inside the name closes it
            e -= 1
        s, e = self._unquoted(clause, s, e)
        s = self._past_weak_framing(clause, s, e, self.weak_first)
        if (pointer := self.demonstrative.match(clause, s, e)) is not None:
            s = pointer.end()       # 这座 | 栖溪大桥: a pointer at the project, no part of its name
        ordinal = (_ORDINAL.match(clause, s, e) if s < e and (
            not _IDEOGRAPH_FIRST <= clause[s] <= _IDEOGRAPH_LAST or clause[s] in _ORDINAL_NUMERALS) else None)
        if ordinal:
            s = self._past_tag(clause, ordinal.end(), e)    # 10.【已作废】甲工程
            s, e = self._unquoted(clause, s, e)     # 2.“甲工程”
        if (office := self.project_office.search(clause, s, e)) is not None \
                and self.judge.has_suffix(clause[s:office.start()]) \
                and not self.company.search(clause, s, office.start()):
            # 甲中学扩建工程 | 项目部（招聘启事）: the site's office, no part of the name (a company's
            # office for the works, 某建设公司甲路项目部, is one organisation's name: no name in it)
            e = office.start()
        if clause.find("第", s, e) >= 0 or clause.find("号", s, e) >= 0:
            for item_number in _ITEM_NUMBER.finditer(clause, s, e):
                s = item_number.end()       # 占比序号4 | 甲村公路: the name starts after the item's number
        aside = _LEADING_ASIDE.match(clause, s, e) if s < e and clause[s] in "(（" else None
        if aside and e - aside.end() >= self.min_chars:
            s = aside.end()     # (记者 某某)中国交通运输部 …, (PPP)项目: an aside, not the name
        s += self._leading_framing(clause[s:e])
        s += self._speaker_lead_in(clause[s:e])
        s = self._past_weak_framing(clause, s, e, self.weak_word_first, behind_adverb=True)   # 将要 | 新建 | …
        s, e = self._unquoted(clause, s, e)     # 将 | “甲项目”达到…
        while e - s > self.min_chars and self._stray_char(clause[s:e]) and self.judge.has_suffix(clause[s + 1:e]):
            s += 1
        if e - s == self.min_chars and self._stray_char(clause[s:e]) and not self.judge.has_suffix(clause[s + 1:e]) \
                and clause[s + 1] not in _NUMERAL_CHARS:
            s = e       # 往 | 电网: a preposition and a bare suffix name nothing (经五路 is a road)
        while e - s > self.min_chars and clause[e - 1] in self.strip_trailing:
            e -= 1      # 天然气门站也 | 已建成: an adverb the item ran up to
        if s < e and clause[s] in _OPEN and not (balanced(clause[s:e]) if clause[s] in "(（"
                                                 else clause[s] == "“" and "”" in clause[s + 1:e]):
            s += 1          # a lone opening quote or bracket (“一河两岸”整治项目(已于… keeps its quote)
        return clause[s:e], s, e

    def _past_tag(self, clause: str, s: int, e: int) -> int:
        """Where a name after a tag in 【】 starts (【局长　某某】甲工程, 【信息作废】甲工程: a speaker's,
        a panel's or a notice's tag ends before the name), else `s`."""
        tag_close = clause.rfind("】", s, e)
        if tag_close >= 0 and e - tag_close > self.min_chars and "【" not in clause[s + 1:tag_close]:
            return tag_close + 1
        return s

    def _unquoted(self, clause: str, s: int, e: int) -> tuple[int, int]:
        """The span without the quotes that open it when they wrap the name: what follows them
        is nothing or 项目/工程/建设 (“青禾县电网升级项目”, “鑫达产业园”建设), the short form's
        bracket or a part of the works (“甲大桥工程”（以下简称“甲桥”）, “甲工程”主体结构), or
        words with no suffix after a name from a place to its suffix (“甲县北环线工程”实为), unless
        a title given (获批为“甲省智能制造示范基地”);
        not quotes around a part of the name (“云州芯谷”集成电路产业园, “甲大桥”维修加固工程) nor a
        designation (“四好农村路”示范创建)."""
        opened = clause.find("“", s, min(s + 3, e))
        if opened < 0:
            return s, e     # (most spans: no quote at their start, nothing more to read)
        if self.title_given_before.search(clause, max(0, s - 8), s) is not None:
            return s, e     # 获批为 | “甲省智能制造示范基地”: a title given, its quotes kept
        if opened > s and all(tag in self.strip_pos for _, tag in self.judge.tags(clause[s:opened])):
            s0 = s      # 将 | “甲项目”达到…: a preposition or an adverb before the quotes
            s, e = self._unquoted(clause, opened, e)
            return (s, e) if s > opened else (s0, e)
        if not clause.startswith("“", s) or (close := clause.find("”", s + 1, e)) <= s + 1 \
                or "“" in clause[s + 1:close]:
            return s, e
        tail = clause[close + 1:e]
        if clause.count("“", s, e) == 1 and clause.count("”", s, e) == 1 and tail in self.quoted_ends:
            return s + 1, close
        inside = clause[s + 1:close]
        if not self.judge.has_suffix(inside):
            return s, e
        if self.short_name.match(clause, close + 1, e) is not None or self.quoted_part_after.match(tail):
            return s + 1, close
        if "“" not in tail and not any(self.judge.has_suffix(tail[:k]) for k in range(1, len(tail) + 1)) \
                and self._names_a_place_whole(inside):
            return s + 1, close
        return s, e

    def _stray_char(self, name: str) -> bool:
        """`name` opens with a character that never starts a name (`strip_leading_chars`: 如
        | 云州港…, 沿 | 城南大道) standing as a word of its own, not the first character of
        a place the name opens with (沿江路, 正阳路: jieba reads them as places; 如云 | 州港 it
        reads as a person's name, and 如 goes)."""
        if name[0] not in self.strip_chars or name.startswith(self.held_words):
            return False        # (经开区污水处理厂: 经 opens a word the name holds)
        word, flag = self.judge.tags(name)[0]
        # (沿线 | 雨污分流改造: a direction word of its own, whose first character is no stray one)
        return len(word) == 1 or flag not in ("ns", "f")

    def _past_weak_framing(self, clause: str, s: int, e: int, words: FirstWord,
                           behind_adverb: bool = False) -> int:
        """Where the name starts past one of the weak framing `words` at `s` (建设 | 城南大道,
        but 安全生态水系建设 keeps its 建设: only when a name is left); with `behind_adverb`,
        also past one behind a one-character adverb (将 | 新建 | 青禾响水水库: jieba tags 新建
        as a place, the county of that name, so the adverb was not stripped as framing)."""
        for skip in ((0, 1) if behind_adverb else (0,)):
            word = words.at(clause, s + skip)
            if word is None or e - s - skip - len(word) < self.min_chars:
                continue
            if skip and self.judge.tags(clause[s])[0][1] != "d":
                break
            return s + skip + len(word)
        return s

    def _leading_framing(self, name: str) -> int:
        """Characters to drop from the start: function words (把, 该, 对 …), and anything up
        to the last preposition or narrative verb before a name (某公司为 | 观音岩景区建设,
        主会场设在 | 某工业园项目)."""
        if len(name) < self.min_chars:
            return 0
        judge = self.judge
        cut = 0
        pos = 0
        leading = True
        last = len(name) - self.min_chars     # a cut after this leaves too short a name
        previous = previous_flag = ""
        tags = judge.tags(name)
        depth = 0       # inside a bracket after the name's start: an aside, whose words frame nothing
        for i, (word, flag) in enumerate(tags):
            pos += len(word)
            if depth or (word[0] in "（(" and i > 0):
                depth = max(depth + sum(word.count(c) for c in "（(") - sum(word.count(c) for c in "）)"), 0)
                leading = False
                continue
            # a place that is not a whole administrative unit runs on into its name (河口经开区),
            # 南宁市 | 有 does not
            after_place = previous_flag in judge.proper_pos and not previous.endswith(self.whole_place_ends)
            previous, previous_flag = word, flag
            # one-character adverbs are left to strip_leading_chars: jieba tags the first
            # character of place names such as 尚湾, 将乐 as adverbs; prepositions and
            # pronouns (对, 我) never start a name
            if leading and flag in self.strip_pos and (len(word) > 1 or flag in ("p", "r")) \
                    and not (len(word) == 1 and name.startswith("家", pos)):
                # (a surname before 家 names a village, 何家河: 何 is no pronoun there)
                cut = pos
            elif pos > last:
                leading = False
            elif word in self.cut_after and (judge.suffix_any.search(name, pos) or judge.phased_name(name[pos:])) \
                    and not (len(word) == 1 and after_place) and not name.startswith(self.held_words, pos - len(word)):
                # (or a phase alone after it: 人防工程有 | 甲湖御府二期)
                cut = pos       # 某公司为 | 观音岩景区, but not 河口 | 经 | 开区: a place runs on, nor 沅坪 | 经开区
            elif judge.is_narrative(word, flag) and (
                    judge.has_suffix(name[pos:]) or self._placed_prefix(name[pos:], tags[i + 1:i + 2])) \
                    and not (flag == "v" and self._runs_on(name[:pos - len(word)])) \
                    and judge.accepts(name[pos:]):
                # (a cut that leaves no name, 青禾县引领 | 科技园, leaves the name whole)
                cut = pos       # 主会场设在 | 云州市鑫达产业园项目建设现场: the name after the verb
            elif word in self.aspect_particles and i > 0 and (
                    (judge.has_suffix(name[pos:]) and judge.accepts(name[pos:]))
                    or (i + 1 < len(tags) and tags[i + 1][1] in judge.proper_pos and len(name) - pos <= 4
                        and not any(flag.startswith("v") for _, flag in tags[i + 1:]))):
                # 早上8点就上了 | 枫岭高速: the name is the object after the verb's 了; so is a short
                # place after it, a list's first item (布点建设了 | 甲口、乙嘴两处供水站)
                cut = pos
            elif (flag == "vn" and len(word) > 1 and (after := self._place_after_verb(tags, i)) is not None
                    and (named := judge.named_prefix(rest := name[pos + after:])) and judge.accepts(rest[:named])):
                # 督导检查 | 桐林大道改造工程, 调研了 | 桐林新区…: a verbal noun (an inspection, a
                # visit) right before a place, or before 了 and a place, frames the name after it
                cut = pos + after
            else:
                leading = False
        return cut

    def _place_after_verb(self, tags: Sequence[tuple[str, str]], i: int) -> int | None:
        """Characters between the verb `tags[i]` and a place or proper noun opening what
        follows it (0, or the length of an aspect particle 了/过 between them), or None."""
        after = 0
        for word, flag in tags[i + 1:i + 3]:
            if flag in self.judge.proper_pos and flag not in ("x", "eng", "j"):
                return after
            if after or flag not in ("ul", "uguo"):
                return None
            after = len(word)
        return None

    def _speaker_lead_in(self, name: str) -> int:
        """Characters to drop from the start: a speaker and what the speaker did just before
        the name (顺路我们还看了 | 青禾物流园, 下午我们去了 | 县人民医院新院区: `speaker_words`,
        then adverbs, verbs and particles, a verb among them), when a name is left."""
        if len(name) < 2 * self.min_chars or self._speaker_in is None or self._speaker_in(name) is None:
            return 0
        judge = self.judge
        cut = pos = 0
        tags = judge.tags(name)
        for i, (word, _) in enumerate(tags):
            pos += len(word)
            if word not in self.speakers:
                continue
            end, verb = pos, False
            for w, flag in tags[i + 1:]:
                if flag not in self.speaker_lead_pos:
                    break
                end += len(w)
                verb = verb or flag.startswith("v")
            rest = name[end:]
            if verb and len(rest) >= self.min_chars and judge.has_suffix(rest) and judge.accepts(rest):
                cut = end
        return cut

    def _names_a_place_whole(self, rest: str) -> bool:
        """`rest`, all of a clause after its copula, is a name from a place (or the writer's own
        level) to its suffix (…亩。为 | 甲县城东水厂扩建工程，未批先建): the copula says what
        the subject before is, by its name, not its type (为 | 三跨连续刚构桥)."""
        rest = rest.strip()
        if len(rest) <= self.min_chars or not self.judge.has_suffix(rest):
            return False
        judge = self.judge
        tags = judge.tags(rest)
        if tags[0][1] in judge.proper_pos or judge.own_level(rest):
            return True
        # a place jieba does not know (浛 | 阳 | 县城…), not a count or a verb read so (三 | 跨 | …)
        return judge.unknown_start(tags) and tags[0][1] not in self.not_place_first_pos

    def _placed_prefix(self, text: str, first: Sequence[tuple[str, str]]) -> bool:
        """`text` opens with a name that starts at a place or proper noun (云州市鑫达产业园 |
        项目建设现场), not with common words that only end in a suffix (普通高中学 | 杂费);
        `first`: its first word and tag, as tagged in the text around it."""
        return bool(first) and first[0][1] in self.judge.proper_pos and self.judge.named_prefix(text) > 0

    def _runs_on(self, head: str) -> bool:
        """`head` (before a verb) starts a name that runs on through the verb: it opens with
        a proper noun or a name jieba does not know (跃鹿健康 | 怡养), has no adverb and is
        no whole place or organisation (河口新区 | 改善…, not 云州市 | 关心…, 县委 | 关心…)."""
        judge = self.judge
        tags = judge.tags(head) if head else ()
        return (bool(tags) and (tags[0][1] in judge.proper_pos or judge.unknown_start(tags))
                and not head.endswith(self.whole_place_ends)
                and self.actor_end.search(head) is None
                and not any(flag in ("d", "ad", "vd") for _, flag in tags))

    def key(self, name: str) -> str:
        """Identity of a project across mentions (`project_key` with the rules' endings)."""
        return project_key(name, self.key_endings, self.key_min_chars)


def project_key(name: str, endings: Sequence[str], min_chars: int) -> str:
    """Identity of a project across mentions: 城南大道建设项目 ~ 城南大道建设 ~ 城南大道,
    北河治理工程建设 ~ 北河治理工程 (the generic `endings`, rules/projects.yaml key_endings,
    are dropped one after another while `min_chars` characters are left)."""
    key = _KEY_DROP.sub("", name)
    stripped = True
    while stripped:
        stripped = False
        for suffix in endings:
            if key.endswith(suffix) and len(key) - len(suffix) >= min_chars:
                key = key[: -len(suffix)]
                stripped = True
                break
    return key


def merge_short_forms(mentions: list[ProjectMention], place_prefix: regex.Pattern[str]) -> list[ProjectMention]:
    """One project named in full and in short in one document is one project: a key that
    is another key without its leading place (云州市城东快速路 ~ 城东快速路; `place_prefix`
    matches at every end of a run of places) takes that key, when exactly one longer key fits."""
    keys = {m.key for m in mentions}
    longer_of: dict[str, set[str]] = {}
    for key in keys:
        for m in place_prefix.finditer(key):
            rest = key[m.end():]
            if len(rest) >= 4 and rest in keys:
                longer_of.setdefault(rest, set()).add(key)
    # a list's item named with its class later in full (甲县、乙县等物流中心…，其中乙县物流分拨中心…):
    # one project, the item its short form
    named = [m for m in mentions if m.rule_id != PROJECT_ENUMERATION_ITEM_RULE]
    for m in mentions:
        if m.rule_id != PROJECT_ENUMERATION_ITEM_RULE or not m.alt or not m.alt.startswith(m.name):
            continue
        ending = m.alt[len(m.name):]
        full = {n.key for n in named if n.key != m.key and n.name.startswith(m.name) and n.name.endswith(ending)
                and len(m.alt) <= len(n.name) <= len(m.alt) + 6}
        if len(full) == 1:
            longer_of.setdefault(m.key, set()).update(full)
    alias = {short: next(iter(long)) for short, long in longer_of.items() if len(long) == 1}
    if not alias:
        return mentions
    return [replace(m, key=alias[m.key]) if m.key in alias else m for m in mentions]


def shared_part_items(value: str, levels: Sequence[str] | None = None) -> list[tuple[int, int, str]]:
    """The items of a name listing them before one shared part (甲村、乙村、丙村通组公路硬化项目
    → 甲村, 乙村, 丙村 with the part 通组公路硬化项目): (start, end, part) of each. The items
    before the last end alike (their last character) and are short; the last is read up to
    that character, and the part after it is two characters or more. With `levels` (a table's
    name cell: `whole_place_ends`) the items' last character must be one of them (places of
    one level), none when it is not; a card's name field takes any (its field vouches).

    >>> shared_part_items("甲村、乙村、丙村通组公路硬化项目")
    [(0, 2, '通组公路硬化项目'), (3, 5, '通组公路硬化项目'), (6, 8, '通组公路硬化项目')]
    >>> shared_part_items("甲路、乙路改造", levels=("村", "镇"))
    []
    """
    pieces = value.split("、")
    if len(pieces) < 2 or any(not 2 <= len(p) <= 8 for p in pieces[:-1]):
        return []
    last_chars = {p[-1] for p in pieces[:-1]}
    if len(last_chars) != 1:
        return []
    level = next(iter(last_chars))
    if levels is not None and level not in levels:
        return []
    tail = pieces[-1]
    cut = tail.find(level)
    if cut < 1 or cut > 7 or len(tail) - cut - 1 < 2:
        return []
    out, at = [], 0
    for p in pieces[:-1]:
        out.append((at, at + len(p)))
        at += len(p) + 1
    out.append((at, at + cut + 1))
    part = tail[cut + 1:]
    return [(s, e, part) for s, e in out]


def _without_content_cells(text: str, offset: int, mentions: list[ProjectMention]) -> list[ProjectMention]:
    """`mentions` without those in a later cell of a table row whose earlier cell is a name
    (9 县职业学校实训基地建设 实训楼及体育场 6500 3000…): a ledger's row names its project
    in one cell, and what a later cell names is what the project builds (its 建设内容), no
    project of its own. A row is a line of four cells or more parted by spaces (a tab or a
    full-width space reads as one); the name fills its cell whole.

    One pass: a mention goes when a name of another key that fills its cell stands before it
    in its row with a cell gap between. Of the row's names so far, only the one that ends
    first and the first-ending one of another key need keeping (the gap is searched from a
    name's end, so the earliest end of a key other than the mention's decides); comparing
    each name with every later one made a long row of names quadratic."""
    if " " not in text and "\t" not in text:
        return mentions         # no table row in the text
    rows: dict[int, bool] = {}      # line start -> whether the line is a table row
    dropped: set[int] = set()
    row_end = -1                    # where the line of the row's names so far ends
    first: tuple[str, int] | None = None    # (key, end) of the name that ends first
    other: tuple[str, int] | None = None    # the same among the names of another key
    for m in sorted(mentions, key=lambda m: m.start):
        s, e = m.start - offset, m.end - offset
        if s >= row_end:
            first = other = None        # past the row of the names so far
        before = first if first is not None and first[0] != m.key else other
        if before is not None and _CELL_GAP.search(text, before[1], s + 1) \
                and _OPTION_BEFORE.search(text, max(0, s - 6), s) is None:
            dropped.add(id(m))      # (not an option of a question: A. 甲大桥  B. 乙大桥, each a name)
        if not (_CELL_GAP.match(text, e) and (s == 0 or text[s - 1] in " \t")):
            continue            # the name does not fill its cell
        line_start = text.rfind("\n", 0, s) + 1
        line_end = text.find("\n", e)
        line_end = len(text) if line_end < 0 else line_end
        if line_start not in rows:
            rows[line_start] = len(_CELL_GAP.findall(text, line_start, line_end)) >= 3
        if not rows[line_start]:
            continue
        if line_end != row_end:
            first = other = None        # the first name of a new row
            row_end = line_end
        if first is None or m.key == first[0]:
            first = (m.key, min(e, first[1])) if first is not None else (m.key, e)
        elif e < first[1]:
            first, other = (m.key, e), first
        elif other is None or e < other[1]:
            other = (m.key, e)
    return [m for m in mentions if id(m) not in dropped] if dropped else mentions




#: the marks that part the cells of a table `_without_organisation_cells` reads, in the order
#: a line's mark is looked for: the drawn tables' (CELL_MARKS), ｜ (| once normalised; the
#: extractor also reads raw text) and tabs
_ORGANISATION_TABLE_MARKS = CELL_MARKS + "｜\t"


def _without_organisation_cells(text: str, offset: int, mentions: list[ProjectMention],
                                organisation_column: regex.Pattern[str]) -> list[ProjectMention]:
    """`mentions` without those inside a cell under a header cell that names organisations
    (序号｜项目名称｜业主单位｜监理单位: rules/projects.yaml `organisation_column`): who builds or
    answers for a row's project is no project (甲市第一人民医院 building its own 门诊楼). A row is
    a later line of as many cells parted by the same mark (bars or tabs), a heading or a note
    between them or not: a table split by a heading (二、在建工程 over rows of the same shape)
    keeps its header's columns."""
    if not any(mark in text for mark in _ORGANISATION_TABLE_MARKS):
        return mentions         # no table of bars or tabs (most texts)
    spans: list[tuple[int, int]] = []
    header: tuple[str, int, set[int]] | None = None     # the last header: its mark, cells, columns
    at = 0
    for line in text.split("\n"):
        mark = next((c for c in _ORGANISATION_TABLE_MARKS if c in line), None)
        if mark is not None:
            cells = line.split(mark)
            columns = {k for k, cell in enumerate(cells) if organisation_column.search(cell.strip())}
            if columns:
                header = (mark, len(cells), columns)
            elif header is not None and header[:2] == (mark, len(cells)):
                start = at
                for k, cell in enumerate(cells):
                    if k in header[2]:
                        spans.append((start, start + len(cell)))
                    start += len(cell) + 1
        at += len(line) + 1
    if not spans:
        return mentions
    opens = [s for s, _ in spans]       # in text order, none overlapping

    def in_cell(m: ProjectMention) -> bool:
        k = bisect_right(opens, m.start - offset) - 1
        return k >= 0 and m.end - offset <= spans[k][1]
    return [m for m in mentions if not in_cell(m)]


def _count_value(count: str) -> int:
    """How many a count of `count_in_item` says (3个, 两座, 十二项 -> 3, 2, 12: its number, its
    one classifier after it); 0 when it is no plain number."""
    try:
        return int(parse_number(count[:-1].lstrip("这那上述")))
    except NumberError:
        return 0


def _clauses(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Clause spans of text[start:end], not split inside brackets or quotes (except at 。
    and line breaks).

    >>> _clauses("甲（乙，丙）丁，戊。己")
    [(0, 7), (8, 9), (10, 11)]
    """
    end = len(text) if end is None else end
    spans = []
    depth = 0
    for m in _CLAUSE_MARKS.finditer(text, start, end):
        i, ch = m.start(), m.group()
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        elif ch in _CLAUSE_END and (depth == 0 or ch in HARD_BREAKS):
            spans.append((start, i))
            start = i + 1
            depth = 0
    spans.append((start, end))
    return spans


def _clauses_around(text: str, positions: list[int]) -> Iterator[tuple[int, int]]:
    """The clauses (`_clauses`) of the sentences that hold one of `positions` (ascending).
    Bracket depth starts again after every 。 and line break, so each such sentence is
    split on its own and the rest of the text is never looked at. One sentence at a time:
    the list of all of them was most of what a big document held while its projects were
    found (1.4 MB per MB of text)."""
    # every position of a mark at once (picked from the layout's index of clause marks, in
    # C): a look-up walking the marks from each position, in Python, cost more
    breaks = char_index(text, HARD_BREAKS).positions
    marks = char_index(text, CLAUSE_MARKS).positions
    reached = -1
    for pos in positions:
        if pos < reached:
            continue
        at = bisect_left(breaks, pos)       # the first break at pos or after it, if any
        end = breaks[at] if at < len(breaks) else len(text)
        upto = at + 1 if at < len(breaks) and end == pos else at    # the breaks up to pos, itself one
        start = breaks[upto - 1] + 1 if upto else 0
        if _BRACKETS.search(text, start, end) is None:
            # no bracket or quote in the sentence: each of its clause marks ends a clause
            # (what `_clauses` finds), read from the index without a scan of the sentence
            for mark in marks[bisect_left(marks, start):bisect_left(marks, end)]:
                yield start, mark
                start = mark + 1
            yield start, end
        else:
            yield from _clauses(text, start, end)
        reached = end


def _inside_title_marks(clause: str, s: int, e: int) -> bool:
    """The span sits inside 《…》 without being its whole content (a document title)."""
    opened = clause.rfind("《", 0, s + 1)
    if opened < 0 or clause.rfind("》", 0, s) > opened:
        return False
    return not (opened == s - 1 and clause.find("》", e) == e)
