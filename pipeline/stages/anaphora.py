"""Anaphora: 该项目, 该路 … as mentions of the project they refer back to.

The antecedent is the last project named before the word in the same section, else the
project the section's heading names (or an enclosing section's). The pattern is
`rules/projects.yaml: anaphora`, compiled once per rule set.

Plural anaphora (这两个项目, 上述5个项目, 这些项目: `plural_anaphora`) refer back to several
projects at once: the last `count` distinct projects named before the words in the section,
or without a count those named earlier in the same line, else in the line before. Each gets
a mention at the words' span, so a state stated once for them (上述项目均未按期开工) is
linked to each as it would be to a group.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import replace

import regex

from pipeline.rules.loader import RuleSet
from pipeline.stages.found import Found, Stage
from pipeline.text.layout import HeadingProjects, Layout
from pipeline.text.numbers import NumberError, parse_number
from pipeline.types import ProjectMention

ANAPHORA_RULE = "project.anaphora"
MAX_PLURAL = 30     # a reference back to more projects than this is a summary of the whole text


def resolve_anaphora(layout: Layout, mentions: list[ProjectMention],
                     pattern: regex.Pattern[str]) -> list[ProjectMention]:
    """Mentions for the words `pattern` finds, each with its antecedent's key and first
    name. Returned in addition to `mentions`."""
    named = sorted(mentions, key=lambda m: m.start)
    starts = [x.start for x in named]
    first_name: dict[str, str] = {}
    for x in named:
        first_name.setdefault(x.key, x.name)
    headings = HeadingProjects.of(layout, mentions)
    out = []
    for m in pattern.finditer(layout.text):
        section = layout.section_at(m.start())
        key = None
        # the last mention (in order of starts) in the section that ends before the word
        for i in range(bisect_right(starts, m.start()) - 1, bisect_left(starts, section.start) - 1, -1):
            if named[i].end <= m.start():
                key = named[i].key
                break
        if key is None:
            key = headings.at(m.start())
        if key is None:
            continue
        out.append(ProjectMention(first_name[key], key, m.start(), m.end(), ANAPHORA_RULE))
    return out


def _count(numeral: str | None) -> int | None:
    """The number of projects a plural reference names (两 → 2), None when it names none."""
    if not numeral:
        return None
    try:
        n = int(parse_number(numeral.replace("两", "二")))
    except NumberError:
        return None
    return n if 1 < n <= MAX_PLURAL else None


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def resolve_plural_anaphora(layout: Layout, mentions: list[ProjectMention],
                            pattern: regex.Pattern[str]) -> list[ProjectMention]:
    """A mention of each project that a plural reference (这两个项目, 上述项目) refers back to,
    at the reference's span. Returned in addition to `mentions`."""
    named = sorted((m for m in mentions if m.rule_id != ANAPHORA_RULE), key=lambda m: m.start)
    starts = [x.start for x in named]
    first_name: dict[str, str] = {}
    for x in named:
        first_name.setdefault(x.key, x.name)
    text = layout.text
    out: list[ProjectMention] = []
    for m in pattern.finditer(text):
        count = _count(m.group("count"))
        section_start = layout.section_at(m.start()).start
        line = _line_start(text, m.start())
        # with no count: this line's projects, else (none before the words) the line before's
        floor = section_start if count else max(section_start, line)
        keys: list[str] = []
        for attempt in range(1 if count else 2):
            for i in range(bisect_right(starts, m.start()) - 1, bisect_left(starts, floor) - 1, -1):
                x = named[i]
                if x.end <= m.start() and x.key not in keys:
                    keys.append(x.key)
                    if len(keys) == (count or MAX_PLURAL + 1):
                        break
            if keys or attempt or line <= section_start:
                break
            floor = max(section_start, _line_start(text, line - 1))
        if len(keys) > MAX_PLURAL:
            continue
        out.extend(ProjectMention(first_name[k], k, m.start(), m.end(), ANAPHORA_RULE) for k in reversed(keys))
    return out


def make_anaphora(rules: RuleSet) -> Stage:
    pattern = rules.projects.anaphora
    plural = rules.projects.plural_anaphora

    def anaphora(layout: Layout, found: Found) -> Found:
        return replace(found, mentions=found.mentions + resolve_anaphora(layout, found.mentions, pattern)
                       + resolve_plural_anaphora(layout, found.mentions, plural))
    return anaphora
