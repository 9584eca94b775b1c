"""Anaphora: 该项目, 该路 … as mentions of the project they refer back to.

The antecedent is the last project named before the word in the same section, else the
project the section's heading names (or an enclosing section's). The pattern is
`rules/projects.yaml: anaphora`, compiled once per rule set.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import replace

import regex

from pipeline.rules.loader import RuleSet
from pipeline.stages.found import Found, Stage
from pipeline.text.layout import HeadingProjects, Layout
from pipeline.types import ProjectMention

ANAPHORA_RULE = "project.anaphora"


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


def make_anaphora(rules: RuleSet) -> Stage:
    pattern = rules.projects.anaphora

    def anaphora(layout: Layout, found: Found) -> Found:
        return replace(found, mentions=found.mentions + resolve_anaphora(layout, found.mentions, pattern))
    return anaphora
