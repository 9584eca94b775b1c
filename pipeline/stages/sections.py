"""Sections: the heading hierarchy of a report.

Marker families are ranked as listed in `rules/sections.yaml` (第一部分 > 一、 > （一） >
1. > （1） > ①). A heading closes every open section of its rank or lower; its level is
its depth, so a report that skips a family (一、 then 1.) still nests correctly.

>>> from pipeline.rules.loader import load_rules
>>> text = "总结\\n一、总体情况\\n（一）交通项目\\n城南大道建成。\\n二、问题\\n"
>>> [(s.level, s.marker, s.title) for s in split_sections(text, load_rules())]
[(0, '', '总结'), (1, '一、', '总体情况'), (2, '（一）', '交通项目'), (1, '二、', '问题')]
"""

from __future__ import annotations

import re
from functools import lru_cache

import regex

from pipeline.rules.compiled import compiled
from pipeline.rules.loader import RuleSet
from pipeline.text.layout import innermost_section  # noqa: F401  (its home is the layout; rows.py reads it here)
from pipeline.types import Section

# A heading starts a line, or follows a run of spaces inside a flattened line: where
# ``(?:^|(?<=\n)|(?<=[ \u3000]{2}))[ \t\u3000]*(?=\S)`` (re.M) ends, found as the text's
# first non-space and the ends of the two patterns below, which scan twice as fast.
_LEADING_SPACE = re.compile(r"[ \t\u3000]*(?=\S)")
# (a line break or two spaces, spelled as alternatives that each open with one character:
# `re` then skips ahead to the places one of them stands, instead of trying each place)
_AFTER_BREAK = re.compile(r"(?:\n| [ \u3000]|\u3000[ \u3000])[ \t\u3000]*(?=\S)")


def heading_starts(text: str) -> list[int]:
    r"""Where a heading may start, ascending.

    >>> heading_starts("一、总体\n  二、进展  （一）道路")
    [0, 7, 13]
    """
    first = _LEADING_SPACE.match(text)
    starts = {m.end() for m in _AFTER_BREAK.finditer(text)}
    if first:
        starts.add(first.end())
    return sorted(starts)


@lru_cache(maxsize=4)
def _any_marker(rules: RuleSet) -> regex.Pattern[str]:
    """Matches where any marker matches: most lines start no heading, and one try of this
    rules them out instead of one try per marker."""
    return compiled("|".join(f"(?:{m.pattern.pattern})" for m in rules.sections.markers), regex.M)


def split_sections(text: str, rules: RuleSet) -> list[Section]:
    """Return the document's sections; section 0 is the whole document (level 0)."""
    title_end = set(rules.sections.title_end)
    max_title = rules.sections.max_title_chars
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    first_start = text.find(first_line) if first_line else 0
    root_title = first_line.strip()[:max_title]
    headings: list[tuple[int, int, str, str, str, int, int, bool]] = []
    any_marker = _any_marker(rules)
    for pos in heading_starts(text):
        if any_marker.match(text, pos) is None:
            continue
        for rank, family in enumerate(rules.sections.markers):
            rule_id, part = family.id, family.part
            m = family.pattern.match(text, pos)
            if m is None:
                continue
            if part:        # the title stands before the marker (…篇一)
                marker = m.group("marker")
                t_start, t_end = m.start("title"), m.end("title")
                title = m.group("title").strip() + marker
            else:
                marker = m.group("marker")
                t_start = m.end()
                t_end = t_start
                line_end = text.find("\n", t_start)
                line_end = len(text) if line_end < 0 else line_end
                while t_end < line_end and text[t_end] not in title_end and t_end - t_start < max_title:
                    if text.startswith("  ", t_end) or text[t_end] == "\u3000":
                        break       # a flattened line: the heading ends at the run of spaces
                    close = _bracket_close(text, t_end, min(line_end, t_start + max_title))
                    # a bracket closed on the line is the title's, commas and all (新建项目（4个，均已…）)
                    t_end = close if close is not None else t_end + 1
                title = text[t_start:t_end].strip()
                if not title or (title[0] in "0123456789%" and rules.sections.number_title.match(title) is None):
                    continue    # "1.5亿元" or a bare number is not a heading; a year is (2025年工作回顾)
            headings.append((pos, rank, rule_id, marker, title, t_start, t_end, part))
            break

    sections = [Section(0, None, 0, "", root_title, 0, len(text), first_start,
                        first_start + len(first_line.rstrip()), "section.document")]
    stack: list[tuple[int, int]] = []     # (family rank, section id) of open sections
    for pos, rank, rule_id, marker, title, t_start, t_end, part in headings:
        if part:
            stack = []
        while stack and stack[-1][0] >= rank:
            stack.pop()
        parent = stack[-1][1] if stack else 0
        section_id = len(sections)
        level = len(stack) + 1
        sections.append(Section(section_id, parent, level, marker, title, pos, len(text),
                                t_start, t_end, rule_id))
        stack.append((rank, section_id))
    return _close(sections)


def _close(sections: list[Section]) -> list[Section]:
    """Each section ends where the next section of the same or a higher level starts."""
    ends = [s.end for s in sections]
    open_: list[int] = []       # sections not closed yet, levels increasing
    for i, s in enumerate(sections):
        while open_ and sections[open_[-1]].level >= s.level:
            ends[open_.pop()] = s.start
        open_.append(i)
    return [Section(s.section_id, s.parent_id, s.level, s.marker, s.title, s.start, end,
                    s.title_start, s.title_end, s.rule_id) for s, end in zip(sections, ends, strict=True)]


def _bracket_close(text: str, at: int, limit: int) -> int | None:
    """Where the bracket opening at `at` has closed (the position after its close), when it
    closes before `limit`; None when no bracket opens there or it stays open."""
    if text[at] not in "（(":
        return None
    close = text.find("）" if text[at] == "（" else ")", at + 1, limit)
    return close + 1 if close > 0 else None
