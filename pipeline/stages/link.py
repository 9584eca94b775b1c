"""Link status cues and quantities to the projects they are about, then build projects.

Units of text: a *segment* runs between ；。！？ and line breaks; a *group* is a run of
mentions joined only by 、/和/及 (an enumeration shares its status cue).

A group takes, in this order of preference:
- the cue right before it in its clause (开工建设A、B) — that cue is the group's own;
- the last strong cue of the clause after it (A建成试生产), else the first strong cue
  after it in the segment, before the next group (A完成投资3亿元，9月交付使用);
  weak cues (完成投资, 正在) count only when there is nothing else;
- the last cue before it in the segment; for the sentence's first group, the last cue of
  the sentence;
- the cues of the next sentences of the paragraph when they go on about it (目前, 该项目 …)
  and name no other project; a next sentence that updates the state (但, 目前, 截至 …)
  is added even when the group already has a cue;
- comma-chained groups without a cue (A，B，C等一批项目开工建设) share the next one's.
- a statement about a class of projects before a list with no state of its own (续建项目
  12个，包括…; 9个项目建成投产。其中包括…; 新开工项目： over one name a line), else the
  document's title (全县12个重点项目集中开工): a group's state passes to its members.
Cues left over in a section whose heading names a project go to that project
((二)城南大道建设 … 目前已完工). Every linked cue gets a confidence (`status_model`).

A project's status is its last linked strong cue in reading order (the latest state
wins), else its last weak cue, else a cue in its section headings (续建项目), else
unknown. A quantity goes to the nearest single-mention group before it in its segment,
else the nearest one after it in its clause, else the section's heading project.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from itertools import accumulate

import regex

from pipeline.rules.loader import RuleSet, alternation
from pipeline.stages.sections import innermost_section
from pipeline.text.sentences import char_index
from pipeline.types import (
    Doc,
    Kind,
    Project,
    ProjectMention,
    Quantity,
    Role,
    Section,
    Status,
    StatusMention,
)

_SEGMENT_END = "。；;！？!?\n"
# Mentions joined by this are one enumeration: short, no clause punctuation, a list joiner.
_GROUP_GAP = regex.compile(r"^(?=[^，,；;。：:！？\n]{0,8}$)(?:|.*[、和及与].*)$")
_LOOKAHEAD_SENTENCES = 3
_CLAUSE_MARKS = "，,；;。：:\n"
# an amount reaches forward past a colon to the project it introduces (投资8亿元：城东快速路)
_AMOUNT_CLAUSE_MARKS = "，,；;。\n"
_COMMA_CHAIN = regex.compile(r"[，,、\s]+$")
# A sentence about a class of projects (9个重点项目建成投产; 新开工项目：; 一批项目前期工作进展
#顺利): when the sentences or lines right after it list projects with no state of their
# own (其中包括A、B等; one name a line), its state passes to them.
_GROUP_STATEMENT = regex.compile(
    r"(?:[0-9一二三四五六七八九十百两几多]+(?:个|项|批|座|所|家|宗|大|类)|一批|首批|全部|所有|这些|以下|下列|如下)"
    r"[^，,。；;：:\n]{0,12}?(?:项目|工程)|(?:项目|工程)[^，,。；;\n]{0,4}?[：:]\s*$|(?:如下|以下)[：:]?\s*$")
# A sentence that opens by listing the members of the group just spoken of (这5个项目分别为
# A、B; 其中包括A、B): its items take that sentence's state even when it named a project.
_MEMBER_LIST_OPENER = regex.compile(
    r"\s*(?:其中(?:主要)?(?:包括|有)?|主要(?:包括|有)|包括|具体(?:包括|为|是)|分别(?:为|是)"
    r"|(?:这|上述|以上|该)(?:[0-9一二三四五六七八九十两几多]+(?:个|项|批))?(?:项目|工程)(?:主要)?(?:分别为|分别是|包括|为|是|有))")
_TITLE_MAX_CHARS = 40
# how far back (in segments: sentences and lines) a list may reach for its group's statement
_GROUP_REACH = 40


@dataclass(slots=True)
class _Group:
    mentions: list[ProjectMention]
    segment: int

    @property
    def start(self) -> int:
        return self.mentions[0].start

    @property
    def end(self) -> int:
        return self.mentions[-1].end


def _segment_bounds(text: str) -> list[int]:
    """Sorted segment end offsets."""
    ends = [p + 1 for p in char_index(text, _SEGMENT_END).positions]
    if not ends or ends[-1] != len(text):
        ends.append(len(text))
    return ends


def _segment_of(ends: list[int], pos: int) -> int:
    return bisect_right(ends, pos)


def _groups(text: str, mentions: list[ProjectMention], ends: list[int]) -> list[_Group]:
    groups: list[_Group] = []
    for m in sorted(mentions, key=lambda m: m.start):
        seg = _segment_of(ends, m.start)
        if groups and groups[-1].segment == seg and _GROUP_GAP.match(text[groups[-1].end:m.start]):
            groups[-1].mentions.append(m)
        else:
            groups.append(_Group([m], seg))
    return groups


def _heading_projects(sections: list[Section], mentions: list[ProjectMention]) -> dict[int, str]:
    """Section id -> key of the project its title names (the last one if several)."""
    out: dict[int, str] = {}
    order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
    starts = [mentions[i].start for i in order]
    for s in sections[1:]:
        lo, hi = bisect_left(starts, s.title_start), bisect_right(starts, s.title_end)
        named = [i for i in order[lo:hi] if mentions[i].end <= s.title_end]
        if named:
            out[s.section_id] = mentions[max(named)].key      # the last in `mentions`
    return out


def _heading_project_for(pos: int, sections: list[Section], heading: dict[int, str]) -> str | None:
    section: Section | None = innermost_section(sections, pos)
    while section is not None:
        if section.section_id in heading:
            return heading[section.section_id]
        section = sections[section.parent_id] if section.parent_id is not None else None
    return None


class _StatusLinker:
    """Chooses, for each enumeration group, the status cues that speak about it."""

    def __init__(self, doc: Doc, mentions: list[ProjectMention], statuses: list[StatusMention],
                 rules: RuleSet) -> None:
        self.text = text = doc.norm
        self.openers = _word_pattern(tuple(rules.projects["continuation_openers"]))
        self.updates = _word_pattern(tuple(rules.projects["update_openers"]))
        self.new_subject = regex.compile(rules.projects["new_subject"])
        self.subject_end = regex.compile(rules.projects["subject_end"])
        self.ends = _segment_bounds(text)
        self.groups = _groups(text, mentions, self.ends)
        spans = sorted((m.start, m.end) for m in mentions)
        span_starts = [s for s, _ in spans]
        reach = list(accumulate((e for _, e in spans), max))   # furthest end so far
        # a status word inside a name (…技改项目, 主体工程) says nothing about the project
        self.cues = [c for c in statuses if not _covered(span_starts, reach, c.start, c.end)]
        self.by_segment: dict[int, list[int]] = {}
        for i, c in enumerate(self.cues):
            self.by_segment.setdefault(_segment_of(self.ends, c.start), []).append(i)
        self.segments_with_mentions = {g.segment for g in self.groups}
        self.title_segment: int | None = None
        self.members: dict[int, int] = {}       # segment -> how many projects it names
        for g in self.groups:
            self.members[g.segment] = self.members.get(g.segment, 0) + len(g.mentions)

    def _neighbours(self, gi: int) -> tuple[int, int]:
        """End of the previous group and start of the next one in the same segment."""
        g, groups = self.groups[gi], self.groups
        prev_end = groups[gi - 1].end if gi > 0 and groups[gi - 1].segment == g.segment else 0
        next_start = groups[gi + 1].start if gi + 1 < len(groups) and groups[gi + 1].segment == g.segment \
            else len(self.text)
        return prev_end, next_start

    def prefix_cues(self) -> dict[int, int]:
        """A cue right before a group in its clause is that group's verb (开工建设A、B): it
        belongs to that group only, never to the group before it."""
        prefix_of: dict[int, int] = {}
        for gi, g in enumerate(self.groups):
            clause_start = max(self._neighbours(gi)[0], _clause_start(self.text, g.start))
            before = [i for i in self.by_segment.get(g.segment, [])
                      if clause_start <= self.cues[i].start and self.cues[i].end <= g.start]
            if before:
                prefix_of[gi] = before[-1]
        return prefix_of

    def choose(self, gi: int, prefix_of: dict[int, int], owned: set[int]) -> list[int]:
        """Indices of the cues for group `gi`, in order of preference described in the module."""
        g, cues = self.groups[gi], self.cues
        seg_cues = self.by_segment.get(g.segment, [])
        prev_end, next_start = self._neighbours(gi)
        after = [i for i in seg_cues if g.end <= cues[i].start < next_start and i not in owned]
        clause_end = _clause_end(self.text, g.end)
        strong_in_clause = [i for i in after if cues[i].start < clause_end and not cues[i].weak]
        strong_after = [i for i in after if not cues[i].weak]
        chosen = [prefix_of[gi]] if gi in prefix_of else []
        continued = self._same_subject_end(g.end) if next_start == len(self.text) else g.end
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
        if not chosen:
            chosen = [i for i in seg_cues if prev_end <= cues[i].start and cues[i].end <= g.start][-1:]
        if not chosen and prev_end == 0:
            # the sentence's only subject: its last word on it (A，位于城东，目前已开工); with
            # another project later in the sentence, a later cue is that project's
            chosen = seg_cues[-1:]
        if not chosen:
            return self._look_ahead(g, self.openers)
        if next_start == len(self.text):
            # 施工单位3月已进场。但受征迁影响，工程进展缓慢。: a next sentence that updates
            # the state (但, 目前, 截至 …) and names no other project
            chosen += self._look_ahead(g, self.updates)
        return chosen

    def _same_subject_end(self, pos: int) -> int:
        """Where the sentence stops talking about the subject named before `pos`: at the
        first later clause with a subject of its own (其余项目…, 63所…, 某某建设基本完成)."""
        segment = _segment_of(self.ends, pos)
        seg_end = self.ends[segment] if segment < len(self.ends) else len(self.text)
        starts = [self.cues[i].start for i in self.by_segment.get(segment, [])]
        start = _clause_end(self.text, pos) + 1
        while start < seg_end:
            end = min(_clause_end(self.text, start), seg_end)
            clause = self.text[start:end]
            first_cue = min((c for c in starts if start <= c < end), default=end)
            if self.new_subject.match(clause) or self.subject_end.search(self.text[start:first_cue]):
                return start
            start = end + 1
        return seg_end

    def _look_ahead(self, g: _Group, openers: regex.Pattern[str]) -> list[int]:
        """The cues of the next sentences of the paragraph, when they go on about the same
        project (目前, 该项目 …) and name no other."""
        text, ends = self.text, self.ends
        for step in range(1, _LOOKAHEAD_SENTENCES + 1):
            nxt = g.segment + step
            if nxt >= len(ends) or nxt in self.segments_with_mentions or text[ends[nxt - 1] - 1] == "\n":
                return []
            if step == 1 and not openers.match(text, ends[nxt - 1]):
                return []
            if self.by_segment.get(nxt):
                return self.by_segment[nxt]
        return []

    def _inherit_group_state(self, chosen: list[list[int]]) -> None:
        """Groups with no cue of their own that follow a statement about a class of projects
        (a sentence naming no project; only other cue-less lists in between) take its state."""
        own = [bool(c) for c in chosen]
        listed_segments: dict[int, bool] = {}   # segment -> every group in it has no cue of its own
        for g, has_cue in zip(self.groups, own, strict=True):
            listed_segments[g.segment] = listed_segments.get(g.segment, True) and not has_cue
        title = self._title_cues()
        self.title_segment = title[1] if title else None
        for gi, g in enumerate(self.groups):
            if own[gi]:
                continue
            statement = self._group_statement_before(g.segment, listed_segments)
            if statement is not None:
                chosen[gi] = statement
            elif title and g.segment > title[1]:
                chosen[gi] = title[0]       # 5个重点项目集中开工 as the title: the report's subject

    def _title_cues(self) -> tuple[list[int], int] | None:
        """The strong cue of the document's title (its first line, short, no full stop) and
        the title's segment: a headline (全县12个重点项目集中开工) states the state of the
        projects the report goes on to name without a state of their own."""
        for seg, end in enumerate(self.ends):
            line = self.text[self.ends[seg - 1] if seg else 0:end].strip()
            if not line:
                continue
            if len(line) > _TITLE_MAX_CHARS or "。" in line or line.endswith(("：", ":")):
                return None             # a sentence, or the head of a list (新开工项目：), is no title
            strong = [i for i in self.by_segment.get(seg, []) if not self.cues[i].weak]
            return (strong[-1:], seg) if strong else None
        return None

    def _group_statement_before(self, segment: int, listed: dict[int, bool]) -> list[int] | None:
        """The state cue of the class statement a list in `segment` continues, if any."""
        opens_list = segment > 0 and _MEMBER_LIST_OPENER.match(self.text, self.ends[segment - 1]) is not None
        for seg in range(segment - 1, max(segment - _GROUP_REACH, -1), -1):
            start = self.ends[seg - 1] if seg > 0 else 0
            body = self.text[start:self.ends[seg]].strip()
            strong = [i for i in self.by_segment.get(seg, []) if not self.cues[i].weak]
            if opens_list:
                if body:
                    return strong[-1:] or None  # 这5个项目分别为…: the sentence just before
                continue
            if seg in listed:
                if listed[seg]:
                    continue            # an earlier item of the same list
                return None             # a sentence about projects with their own state
            if not body:
                if seg + 1 < segment:
                    return None         # a blank line ends the list (not right after its head)
                continue
            if strong and _GROUP_STATEMENT.search(body) and (
                    self.text[self.ends[seg] - 1] != "。" or self.members[segment] > 1):
                # after a full stop, a lone project is not taken as the list of members
                return strong[-1:]
            return None
        return None

    def link(self, sections: list[Section], mentions: list[ProjectMention]) -> list[StatusMention]:
        groups, cues = self.groups, self.cues
        prefix_of = self.prefix_cues()
        owned = set(prefix_of.values())
        chosen = [self.choose(gi, prefix_of, owned) for gi in range(len(groups))]
        # A，B，C等一批项目开工建设: comma-chained groups share the cue of the last one.
        for gi in range(len(groups) - 2, -1, -1):
            g, nxt = groups[gi], groups[gi + 1]
            if not chosen[gi] and nxt.segment == g.segment and _COMMA_CHAIN.match(self.text, g.end, nxt.start):
                chosen[gi] = chosen[gi + 1]
        self._inherit_group_state(chosen)
        linked: list[tuple[StatusMention, str, _Group | None]] = []     # (row, how linked, group)
        used: set[int] = set()
        for g, picks in zip(groups, chosen, strict=True):
            used.update(picks)
            linked.extend((replace(cues[i], project_key=m.key), self._link_kind(g, cues[i]), g)
                          for i in picks for m in g.mentions)
        heading = _heading_projects(sections, mentions)
        for i, c in enumerate(cues):
            if i in used or _segment_of(self.ends, c.start) in self.segments_with_mentions:
                continue
            key = _heading_project_for(c.start, sections, heading)
            if key is not None:
                linked.append((replace(c, project_key=key), "heading", None))
        crowd = Counter(g.segment for g in groups)      # enumerations per sentence
        scored = _with_confidence(linked, lambda row: crowd.get(_segment_of(self.ends, row.start), 0), len(groups))
        return sorted(scored, key=lambda c: (c.start, c.project_key or ""))

    def _link_kind(self, g: _Group, cue: StatusMention) -> str:
        """Where the cue stands from the group: in its clause before it (prefix) or after it
        (clause), elsewhere in its sentence (before, after), in a later sentence (lookahead),
        an earlier one (group: a statement about a class of projects) or the title."""
        if cue.end <= g.start:
            between = self.text[cue.end:g.start]
            segment = _segment_of(self.ends, cue.start)
            if segment != g.segment:
                return "title" if segment == self.title_segment else "group"
            return "before" if any(ch in _CLAUSE_MARKS for ch in between) else "prefix"
        if _segment_of(self.ends, cue.start) != g.segment:
            return "lookahead"
        return "after" if any(ch in _CLAUSE_MARKS for ch in self.text[g.end:cue.start]) else "clause"


def _with_confidence(linked: list[tuple[StatusMention, str, _Group | None]],
                     sentence_groups: Callable[[StatusMention], int], document_groups: int) -> list[StatusMention]:
    """The rows with their features and the status model's confidence set."""
    from pipeline.stages.status_model import link_features, load_status_model

    model = load_status_model()
    per_project: dict[str | None, list[StatusMention]] = {}
    for row, _, _ in linked:
        per_project.setdefault(row.project_key, []).append(row)
    out = []
    for row, kind, g in linked:
        rows = per_project[row.project_key]
        strong = {r.status for r in rows if not r.weak} or {r.status for r in rows}
        distance = 0 if g is None else max(g.start - row.end, row.start - g.end, 0)
        features = link_features(kind, row, distance=distance, group_size=len(g.mentions) if g else 1,
                                 rows=len(rows), statuses=len(strong), sentence_groups=sentence_groups(row),
                                 document_groups=document_groups)
        out.append(replace(row, confidence=model.score(features), features=features))
    return out


def link_statuses(doc: Doc, sections: list[Section], mentions: list[ProjectMention],
                  statuses: list[StatusMention], rules: RuleSet) -> list[StatusMention]:
    """Return the status cues with `project_key` set where a project is found (one per cue
    and project, so a cue shared by an enumeration appears once per member)."""
    return _StatusLinker(doc, mentions, statuses, rules).link(sections, mentions)


def _covered(starts: list[int], reach: list[int], start: int, end: int) -> bool:
    """Some span (sorted by start, `reach` the running maximum of their ends) contains
    [start, end)."""
    i = bisect_right(starts, start)
    return i > 0 and reach[i - 1] >= end


@lru_cache(maxsize=32)
def _word_pattern(words: tuple[str, ...]) -> regex.Pattern[str]:
    """Matches one of `words` after optional spaces (for sentence openers); built once per
    rule set, not per document (escaping the words cost 45 calls a document)."""
    return regex.compile(r"\s*(?:" + alternation(words) + ")")


def _clause_start(text: str, pos: int) -> int:
    return char_index(text, _CLAUSE_MARKS).last_before(pos) + 1


def _clause_end(text: str, pos: int, marks: str = _CLAUSE_MARKS) -> int:
    end = char_index(text, marks).first_from(pos)
    return end if end >= 0 else len(text)


def link_quantities(doc: Doc, sections: list[Section], mentions: list[ProjectMention],
                    quantities: list[Quantity], rules: RuleSet) -> list[Quantity]:
    """Return the quantities with `project_key` set where the project is clear."""
    text = doc.norm
    ends = _segment_bounds(text)
    groups = _groups(text, mentions, ends)
    heading = _heading_projects(sections, mentions)
    aggregate = regex.compile(rules.projects["aggregate_marker"])
    by_segment: dict[int, list[_Group]] = {}
    for g in groups:
        by_segment.setdefault(g.segment, []).append(g)
    out = []
    for q in quantities:
        seg = _segment_of(ends, q.start)
        in_segment = by_segment.get(seg, [])
        before = [g for g in in_segment if g.end <= q.start]
        key: str | None = None
        if before:
            # 某某工程等50个项目，总投资395亿元: the amount is the group's, not the project's
            if len(before[-1].mentions) == 1 and not aggregate.search(text, before[-1].end, q.start):
                key = before[-1].mentions[0].key
        else:
            clause_end = _clause_end(text, q.end, _AMOUNT_CLAUSE_MARKS)
            after = [g for g in in_segment if q.end <= g.start < clause_end]
            if after and len(after[0].mentions) == 1:
                key = after[0].mentions[0].key
            elif not in_segment:
                key = _heading_project_for(q.start, sections, heading)
        out.append(replace(q, project_key=key))
    return out


def resolve_anaphora(doc: Doc, sections: list[Section], mentions: list[ProjectMention],
                     rules: RuleSet) -> list[ProjectMention]:
    """Mentions for 该项目, 该路 …: the last project named before in the same section, else
    the project the section heading names. Returned in addition to `mentions`."""
    pattern = regex.compile(rules.projects["anaphora"])
    named = sorted(mentions, key=lambda m: m.start)
    starts = [x.start for x in named]
    first_name: dict[str, str] = {}
    for x in named:
        first_name.setdefault(x.key, x.name)
    heading = _heading_projects(sections, mentions)
    out = []
    for m in pattern.finditer(doc.norm):
        section = innermost_section(sections, m.start())
        key = None
        # the last mention (in order of starts) in the section that ends before the word
        for i in range(bisect_right(starts, m.start()) - 1, bisect_left(starts, section.start) - 1, -1):
            if named[i].end <= m.start():
                key = named[i].key
                break
        if key is None:
            key = _heading_project_for(m.start(), sections, heading)
        if key is None:
            continue
        name = first_name[key]
        out.append(ProjectMention(name, key, m.start(), m.end(), "project.anaphora"))
    return out


def build_projects(doc: Doc, sections: list[Section], mentions: list[ProjectMention],
                   statuses: list[StatusMention], quantities: list[Quantity],
                   rules: RuleSet, heading_cues: list[StatusMention]) -> list[Project]:
    """One `Project` per distinct key, in order of first mention."""
    by_key: dict[str, list[ProjectMention]] = {}
    for m in sorted(mentions, key=lambda m: m.start):
        if m.rule_id != "project.anaphora":     # 该项目 names nothing new
            by_key.setdefault(m.key, []).append(m)
    statuses_of: dict[str | None, list[StatusMention]] = {}
    for s in statuses:
        statuses_of.setdefault(s.project_key, []).append(s)
    quantities_of: dict[str | None, list[Quantity]] = {}
    for q in quantities:
        quantities_of.setdefault(q.project_key, []).append(q)
    projects = []
    for key, ms in by_key.items():
        fullest = max(ms, key=lambda m: (len(m.name), -m.start))
        first = ms[0]
        section = innermost_section(sections, first.start)
        linked = statuses_of.get(key, [])
        linked = [s for s in linked if not s.weak] or linked
        linked = [s for s in linked if not s.future] or linked     # a plan never overrides a state reached
        if linked:
            last = max(linked, key=lambda s: s.start)
            status, s_start, s_end = last.status, last.start, last.end
        else:
            cue = _section_cue(section, sections, heading_cues)
            if cue is not None:
                status, s_start, s_end = cue.status, cue.start, cue.end
            else:
                status, s_start, s_end = Status.UNKNOWN, None, None
        qs = [q for q in quantities_of.get(key, []) if q.value is not None]
        projects.append(Project(
            key=key, name=fullest.name, alt=fullest.alt or _other_form(fullest.name, ms),
            start=fullest.start, end=fullest.end,
            section_id=section.section_id, category=_category(section, sections, rules),
            status=status, status_start=s_start, status_end=s_end,
            total_investment=_first(qs, Kind.MONEY, Role.TOTAL),
            planned_investment=_first(qs, Kind.MONEY, Role.PLANNED),
            completed_investment=_first(qs, Kind.MONEY, Role.COMPLETED),
            length_m=_first(qs, Kind.LENGTH), area_m2=_first(qs, Kind.AREA), mentions=len(ms)))
    return projects


def _other_form(name: str, mentions: list[ProjectMention]) -> str | None:
    """The shortest other name the document gives the project (全称 and short form), when
    it is more than the name without a generic ending (城南大道 for 城南大道建设 is no
    other name)."""
    others = {m.name for m in mentions if m.name != name and not name.startswith(m.name)}
    return min(others, key=lambda n: (len(n), n)) if others else None


def _first(qs: list[Quantity], kind: Kind, role: Role | None = None) -> Decimal | None:
    for q in qs:
        if q.kind is kind and (role is None or q.role is role):
            return q.value
    return None


def _section_cue(section: Section, sections: list[Section],
                 heading_cues: list[StatusMention]) -> StatusMention | None:
    """A status cue written in the title of this section or an enclosing one."""
    current: Section | None = section
    while current is not None and current.section_id != 0:
        for cue in heading_cues:
            if current.title_start <= cue.start and cue.end <= current.title_end:
                return cue
        current = sections[current.parent_id] if current.parent_id is not None else None
    return None


def _category(section: Section, sections: list[Section], rules: RuleSet) -> str | None:
    current: Section | None = section
    while current is not None:
        for word, label in rules.categories.items():
            if word in current.title:
                return label
        current = sections[current.parent_id] if current.parent_id is not None else None
    return None
