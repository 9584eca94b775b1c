"""The layout of one document, found once and handed to every stage.

Units of text, each bounded by a class of punctuation (`text/punctuation.py`): sentences,
segments (a sentence or a part of it up to a semicolon) and clauses (up to a comma or colon).

`Layout` answers where these units start and end around a place (by bisection over one
index of the marks per class), which section holds a place, and the document's sentences.
What depends on the project mentions (enumeration groups, the projects section headings
name) is `Enumerations`, built from the layout once the mentions are known.

>>> layout = Layout("城南大道开工；滨江大桥，北岸公园完工。\\n下一段")
>>> layout.segment_of(0), layout.segment_of(8), layout.segment_of(21)
(0, 1, 3)
>>> layout.clause_start(13), layout.clause_end(8)
(12, 11)
>>> [(s.start, s.end) for s in layout.sentences]
[(0, 19), (20, 23)]
>>> layout.segments, layout.clauses
(((0, 7), (7, 19), (20, 23)), ((0, 6), (7, 11), (12, 18), (20, 23)))
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from functools import cached_property

import regex

from pipeline.text.punctuation import CLAUSE_MARKS, COLONS, SEGMENT_END, SEGMENT_MARKS
from pipeline.text.sentences import LONGEST_SENTENCE, CharIndex, char_index, long_sentences, split_sentences
from pipeline.types import ProjectMention, Section, Sentence


def innermost_section(sections: list[Section] | tuple[Section, ...], pos: int) -> Section:
    """The deepest section containing `pos` (section 0 always does).

    Sections are in order of their starts, and one that starts inside another is deeper
    (a section ends at the next one of its level or higher): the deepest is the last one
    starting at or before `pos` that still runs past it."""
    i = bisect_right(sections, pos, 1, len(sections), key=lambda s: s.start)
    for s in reversed(sections[1:i]):
        if pos < s.end:
            return s
    return sections[0]


def title_line(text: str, max_chars: int) -> tuple[int, int] | None:
    """The document's title line, (start, end) of its first line that holds more than space,
    spaces around it left out, when it reads as a title: at most `max_chars` characters
    (rules/links.yaml title_max_chars) and no sentence, so no mark that ends a segment within
    it (。！？；: a line's first clause up to its ；, 甲进展缓慢；乙…, is no title), and no colon
    at its end (新开工项目： heads a list). Else None. Where the status cues of a report's kind
    are read (推进情况: `statuses`) and whose state passes to the projects named after it
    (全县12个重点项目集中开工: `link`).

    >>> text = "\\n 全县重点项目集中开工 \\n城南大道"
    >>> title_line(text, 40), text[2:12]
    ((2, 12), '全县重点项目集中开工')
    >>> title_line("城南大道进展缓慢；北湖公园已完工\\n", 40), title_line("新开工项目：\\n城南大道", 40)
    (None, None)
    """
    start = next((i for i, ch in enumerate(text) if not ch.isspace()), len(text))
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end or end - start > max_chars or text.endswith(tuple(COLONS), start, end) \
            or any(ch in SEGMENT_MARKS for ch in text[start:end]):
        return None
    return start, end


@dataclass(frozen=True, eq=False)
class Layout:
    """Sentences, segments, clauses and sections of one normalised text."""

    text: str
    sections: tuple[Section, ...] = ()
    _indexes: dict[str, CharIndex] = field(default_factory=dict, repr=False)
    # the text the mark indexes are read from when it is not `text` (`blanked`)
    _marks_text: str | None = field(default=None, repr=False)

    def index(self, marks: str) -> CharIndex:
        """Where the characters of `marks` (one of the classes above) occur in the text."""
        found = self._indexes.get(marks)
        if found is None:
            text = self.text if self._marks_text is None else self._marks_text
            found = self._indexes[marks] = char_index(text, marks)
        return found

    def blanked(self, text: str) -> Layout:
        """The layout of `text`, this layout's text with some words blanked out and no mark
        moved: its indexes are this layout's, shared and built from this text (an index
        built from the blanked copy would keep that copy alive as long as this layout).

        >>> layout = Layout("五年计划，城南大道。")
        >>> blank = layout.blanked("\u3000" * 4 + "，城南大道。")
        >>> blank.clause_start(7), blank.index("，").text is layout.text
        (5, True)
        """
        if len(text) != len(self.text):
            raise ValueError("a blanked text keeps every character's place")
        return replace(self, text=text, _marks_text=self.text if self._marks_text is None else self._marks_text)

    def title(self, max_chars: int) -> tuple[int, int] | None:
        """The document's title line (`title_line`), found once per layout: a pipeline asks
        with one length only, its rule set's links.title_max_chars, so one answer is kept
        (in the instance's own dict, as `cached_property` keeps its value: a `blanked` copy
        has a text of its own and finds its own)."""
        kept = self.__dict__.get("_title")
        if kept is None or kept[0] != max_chars:
            kept = self.__dict__["_title"] = (max_chars, title_line(self.text, max_chars))
        return kept[1]

    def unit_around(self, start: int, end: int, marks: str) -> tuple[int, int]:
        """The stretch bounded by `marks` holding [start, end): from after the last mark
        before `start` to the first mark at or after `end` (the text's end if none)."""
        index = self.index(marks)
        right = index.first_from(end)
        return index.last_before(start) + 1, len(self.text) if right < 0 else right

    def clause_start(self, pos: int, marks: str = CLAUSE_MARKS) -> int:
        return self.index(marks).last_before(pos) + 1

    def bounded_start(self, pos: int, marks: str = CLAUSE_MARKS) -> int:
        """`clause_start`, but never before the start of the segment holding `pos`, which a
        sentence's `long_sentence_cuts` bound: what a stage reads back from `pos` stays
        within `LONGEST_SENTENCE` characters on text with no marks (a table whose rows were
        joined into one line made every amount or cue reread the line from its start). The
        same as `clause_start` wherever the marks are within a sentence of normal length.

        >>> layout = Layout("甲" * 1500 + "，乙")
        >>> layout.clause_start(1400), layout.bounded_start(1400), layout.bounded_start(1501)
        (0, 1000, 1501)
        """
        return max(self.clause_start(pos, marks), self.segment_start(self.segment_of(pos)))

    def clause_end(self, pos: int, marks: str = CLAUSE_MARKS) -> int:
        end = self.index(marks).first_from(pos)
        return end if end >= 0 else len(self.text)

    @cached_property
    def segment_ends(self) -> array[int]:
        """Sorted end offsets of the segments (just past their mark); the last is the text's
        end. Machine integers, as the index they come from (a list took 36 bytes each)."""
        marks = self.index(SEGMENT_END).positions
        ends = array(marks.typecode, map((1).__add__, marks))
        if self.long_sentence_cuts:
            ends = array(marks.typecode, sorted({*ends, *self.long_sentence_cuts}))
        if not ends or ends[-1] != len(self.text):
            ends.append(len(self.text))
        return ends

    @cached_property
    def long_sentence_cuts(self) -> tuple[int, ...]:
        """Where a sentence longer than `LONGEST_SENTENCE` characters is cut: after the last
        clause mark in the second half of each stretch of that length, else at its end.
        Real reports have none; text whose full stops were lost (PDF, a flattened table)
        would otherwise make every stage that looks across a sentence quadratic in it."""
        cuts: list[int] = []
        for start, end in long_sentences(self.text, LONGEST_SENTENCE):
            while end - start > LONGEST_SENTENCE:
                mark = self.index(CLAUSE_MARKS).last_before(start + LONGEST_SENTENCE)
                start = mark + 1 if mark >= start + LONGEST_SENTENCE // 2 else start + LONGEST_SENTENCE
                cuts.append(start)
        return tuple(cuts)

    @cached_property
    def segments(self) -> tuple[tuple[int, int], ...]:
        """The segments that hold more than space, as (start, end), each with its end mark."""
        return tuple((start, end) for start, end in zip((0, *self.segment_ends), self.segment_ends, strict=False)
                     if self.text[start:end].strip())

    @cached_property
    def clauses(self) -> tuple[tuple[int, int], ...]:
        """The clauses (between `CLAUSE_MARKS`) that hold more than space, as (start, end),
        without their end mark."""
        starts = [0, *(p + 1 for p in self.index(CLAUSE_MARKS).positions)]
        ends = [*self.index(CLAUSE_MARKS).positions, len(self.text)]
        return tuple((s, e) for s, e in zip(starts, ends, strict=True) if self.text[s:e].strip())

    def segment_of(self, pos: int) -> int:
        return bisect_right(self.segment_ends, pos)

    def segment_start(self, segment: int) -> int:
        return self.segment_ends[segment - 1] if segment > 0 else 0

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        """The sentences, a very long one cut where `long_sentence_cuts` says."""
        as_written = split_sentences(self.text)
        if not self.long_sentence_cuts:
            return tuple(as_written)
        pieces: list[Sentence] = []
        cuts = self.long_sentence_cuts
        for sentence in as_written:
            first, last = bisect_right(cuts, sentence.start), bisect_left(cuts, sentence.end)
            bounds = (sentence.start, *cuts[first:last], sentence.end)
            pieces += (Sentence(a, b, sentence.paragraph) for a, b in zip(bounds, bounds[1:], strict=False))
        return tuple(pieces)

    def section_at(self, pos: int) -> Section:
        return innermost_section(self.sections, pos)

    def in_heading(self, start: int, end: int | None = None) -> bool:
        """[start, end) (the one character at `start` when `end` is None) lies inside the
        heading (title) of the innermost section around `start`, the document's section 0
        aside: a heading states its class (二、新开工项目), a project named there heads its
        section.

        >>> from pipeline.types import Section
        >>> text = "二、城南大道\\n城南大道开工。"
        >>> layout = Layout(text, (Section(0, None, 0, "", "", 0, len(text), 0, 0, ""),
        ...                        Section(1, 0, 1, "二、", "城南大道", 0, len(text), 2, 6, "")))
        >>> layout.in_heading(2), layout.in_heading(2, 6), layout.in_heading(5, 7), layout.in_heading(7)
        (True, True, False, False)
        """
        section = self.section_at(start)
        return section.section_id != 0 and section.title_start <= start \
            and (start + 1 if end is None else end) <= section.title_end

    def enclosing(self, section: Section) -> Section | None:
        return self.sections[section.parent_id] if section.parent_id is not None else None

    def encloses(self, outer: Section, inner: Section) -> bool:
        """`outer` is `inner` or a section around it (a statement of `outer` speaks over
        `inner`'s text: cards' 以下项目均…, link's preamble)."""
        s: Section | None = inner
        while s is not None:
            if s.section_id == outer.section_id:
                return True
            s = self.enclosing(s)
        return False


@dataclass(frozen=True, slots=True)
class Group:
    """An enumeration: mentions of one segment joined only by a list joiner (、和及)."""

    mentions: tuple[ProjectMention, ...]
    segment: int

    @property
    def start(self) -> int:
        return self.mentions[0].start

    @property
    def end(self) -> int:
        return self.mentions[-1].end


def enumeration_groups(layout: Layout, mentions: list[ProjectMention], gap: regex.Pattern[str]) -> list[Group]:
    """The mentions in reading order, joined into groups where the text between two of
    one segment matches `gap` (rules/links.yaml: enumeration_gap)."""
    text = layout.text
    runs: list[tuple[list[ProjectMention], int]] = []
    for m in sorted(mentions, key=lambda m: m.start):
        seg = layout.segment_of(m.start)
        if runs and runs[-1][1] == seg and gap.match(text[runs[-1][0][-1].end:m.start]):
            runs[-1][0].append(m)
        else:
            runs.append(([m], seg))
    return [Group(tuple(ms), seg) for ms, seg in runs]


@dataclass(frozen=True, slots=True)
class HeadingProjects:
    """The projects section headings name: section id -> key of the last one its title names."""

    layout: Layout
    by_section: dict[int, str]

    @classmethod
    def of(cls, layout: Layout, mentions: list[ProjectMention]) -> HeadingProjects:
        out: dict[int, str] = {}
        order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
        starts = [mentions[i].start for i in order]
        for s in layout.sections[1:]:
            lo, hi = bisect_left(starts, s.title_start), bisect_right(starts, s.title_end)
            named = [i for i in order[lo:hi] if mentions[i].end <= s.title_end]
            if named:
                out[s.section_id] = mentions[max(named)].key      # the last in `mentions`
        return cls(layout, out)

    def at(self, pos: int) -> str | None:
        """The project the heading of the innermost section around `pos` names, else of
        the nearest enclosing section that names one."""
        section: Section | None = self.layout.section_at(pos)
        while section is not None:
            if section.section_id in self.by_section:
                return self.by_section[section.section_id]
            section = self.layout.enclosing(section)
        return None


@dataclass(frozen=True, slots=True)
class Enumerations:
    """What the layout says about the mentions of a document: their groups, the groups of
    each segment, and the projects the headings name."""

    groups: tuple[Group, ...]
    by_segment: dict[int, tuple[Group, ...]]
    headings: HeadingProjects

    @classmethod
    def of(cls, layout: Layout, mentions: list[ProjectMention], gap: regex.Pattern[str]) -> Enumerations:
        groups = enumeration_groups(layout, mentions, gap)
        by_segment: dict[int, list[Group]] = {}
        for g in groups:
            by_segment.setdefault(g.segment, []).append(g)
        return cls(tuple(groups), {s: tuple(gs) for s, gs in by_segment.items()},
                   HeadingProjects.of(layout, mentions))
