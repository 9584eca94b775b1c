"""Anaphora: 该项目, 该路 … as mentions of the project they refer back to.

The antecedent is the last project named before the word in the same section, else the
project the section's heading names (or an enclosing section's). The pattern is
`rules/projects.yaml: anaphora`, compiled once per rule set.

Plural anaphora (这两个项目, 上述5个项目, 这些项目: `plural_anaphora`) refer back to several
projects at once: the last `count` distinct projects named before the words in the section,
or without a count those named earlier in the same line, else in the line before. Each gets
a mention at the words' span, so a state stated once for them (上述项目均未按期开工) is
linked to each as it would be to a group.

A list member named again after 其中 by the end of its name, its place dropped (…甲镇集贸市场改建、
…，其中集贸市场改建项目已投用: `singled_out_words`), is a mention of that member.

前者 and 后者 (`rules/links.yaml: former_latter`) refer back to one of the last two projects
named before them: 城东公交站和城西换乘中心两个项目中，前者已完工，后者正在招标.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import replace

import regex

from pipeline.rules.configs import PROJECT_ANAPHORA_RULE
from pipeline.rules.loader import RuleSet
from pipeline.stages.found import Found, Stage
from pipeline.text.layout import HeadingProjects, Layout
from pipeline.text.numbers import NumberError, parse_number
from pipeline.text.punctuation import SENTENCE_END
from pipeline.types import ProjectMention

MAX_PLURAL = 30     # a reference back to more projects than this is a summary of the whole text
_NAME_LINE_REST = 4     # at most this much beside the names (marks, digits and spaces aside) on a line of names
_MARKS_AND_DIGITS = regex.compile(r"[\p{P}\p{S}\p{N}\s]+")


class _Named:
    """The projects named in a document (not referred back to), in order of their starts:
    where a reference back looks for its antecedents."""

    def __init__(self, mentions: list[ProjectMention]) -> None:
        self.named = sorted((m for m in mentions if m.rule_id != PROJECT_ANAPHORA_RULE), key=lambda m: m.start)
        self.starts = [x.start for x in self.named]
        self.first_name: dict[str, str] = {}
        for x in self.named:
            self.first_name.setdefault(x.key, x.name)

    def keys_before(self, pos: int, floor: int, limit: int) -> list[str]:
        """Up to `limit` distinct keys of the projects named from `floor` on and ending
        before `pos`, the last named first."""
        return [x.key for x in self.last_named(pos, floor, limit)]

    def last_named(self, pos: int, floor: int, limit: int) -> list[ProjectMention]:
        """The last mention of each of up to `limit` distinct projects named from `floor` on
        and ending before `pos`, the last named first."""
        out: list[ProjectMention] = []
        keys: set[str] = set()
        for i in range(bisect_right(self.starts, pos) - 1, bisect_left(self.starts, floor) - 1, -1):
            x = self.named[i]
            if x.end <= pos and x.key not in keys:
                keys.add(x.key)
                out.append(x)
                if len(out) == limit:
                    break
        return out

    def names_only(self, text: str, start: int, end: int) -> list[str]:
        """The keys of the projects named in text[start:end], the last named first, when that line
        holds names and little else (1.甲; 甲  乙; 📍甲), else none."""
        inside = self.named[bisect_left(self.starts, start):bisect_left(self.starts, end)]
        rest, at = [], start
        for x in inside:
            if x.start >= at and x.end <= end:
                rest.append(text[at:x.start])
                at = x.end
        rest.append(text[at:end])
        if not inside or len(_MARKS_AND_DIGITS.sub("", "".join(rest))) > _NAME_LINE_REST:
            return []
        keys: list[str] = []
        for x in reversed(inside):
            if x.key not in keys:
                keys.append(x.key)
        return keys

    def mention(self, key: str, start: int, end: int) -> ProjectMention:
        return ProjectMention(self.first_name[key], key, start, end, PROJECT_ANAPHORA_RULE)


def resolve_anaphora(layout: Layout, mentions: list[ProjectMention],
                     pattern: regex.Pattern[str], new_object: regex.Pattern[str] | None = None) -> list[ProjectMention]:
    """Mentions for the words `pattern` finds, each with its antecedent's key and first
    name; none for a word whose sentence names a new object before it and no project
    (`new_object`, rules/links.yaml reference_new_object: 开工建设X，该项目… refers to X).
    Returned in addition to `mentions`."""
    named = _Named(mentions)
    headings = HeadingProjects.of(layout, mentions)
    out = []
    for m in pattern.finditer(layout.text):
        sentence = layout.segment_start(layout.segment_of(m.start()))
        if new_object is not None and new_object.search(layout.text, sentence, m.start()) is not None \
                and not named.keys_before(m.start(), sentence, 1):
            continue
        # the last mention (in order of starts) in the section that ends before the word
        last = named.keys_before(m.start(), layout.section_at(m.start()).start, 1)
        key = last[0] if last else headings.at(m.start())
        if key is not None:
            out.append(named.mention(key, m.start(), m.end()))
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


def _name_lines_above(text: str, named: _Named, line: int, floor: int, keys: list[str]) -> list[str]:
    """When the line starting at `line` holds only names (`keys`, a line of a list written one
    name a line: 甲⏎乙⏎丙⏎以上项目均已建成), the keys of the name lines right above it, up to a
    blank line, a line that is not only names or `floor`, nearest first: a reference after such
    a list refers to all of it, not only to its last line."""
    end = text.find("\n", line)
    if not keys or named.names_only(text, line, len(text) if end < 0 else end) != keys:
        return []
    more: list[str] = []
    while line > floor and len(keys) + len(more) <= MAX_PLURAL:
        above = _line_start(text, line - 1)
        found = named.names_only(text, above, line - 1) if above >= floor else []
        if not found:
            break
        more += [k for k in found if k not in keys and k not in more]
        line = above
    return more


def resolve_plural_anaphora(layout: Layout, mentions: list[ProjectMention],
                            pattern: regex.Pattern[str]) -> list[ProjectMention]:
    """A mention of each project that a plural reference (这两个项目, 上述项目) refers back to,
    at the reference's span. Returned in addition to `mentions`."""
    named = _Named(mentions)
    text = layout.text
    out: list[ProjectMention] = []
    for m in pattern.finditer(text):
        count = _count(m.group("count"))
        section_start = layout.section_at(m.start()).start
        if count and m.group("bare"):
            # 三座电站均已并网 with no 这/上述: the class counted again after a list of exactly
            # that many members in one sentence (甲、乙、丙三座村级光伏电站), no summary count
            last = named.last_named(m.start(), section_start, count + 1)
            if len(last) < count or len({layout.segment_of(x.start) for x in last[:count]}) != 1 or (
                    len(last) > count and layout.segment_of(last[count].start) == layout.segment_of(last[0].start)):
                continue
            keys = [x.key for x in last[:count]]
        elif count:
            keys = named.keys_before(m.start(), section_start, count)
        else:
            # this line's projects, else (none before the words) the line before's; more
            # than MAX_PLURAL is a summary of the whole text, no reference
            line = _line_start(text, m.start())
            keys = named.keys_before(m.start(), max(section_start, line), MAX_PLURAL + 1)
            if not keys and line > section_start:
                keys = named.keys_before(m.start(), max(section_start, _line_start(text, line - 1)), MAX_PLURAL + 1)
                keys += _name_lines_above(text, named, _line_start(text, line - 1), section_start, keys)
            if len(keys) > MAX_PLURAL:
                continue
        out.extend(named.mention(k, m.start(), m.end()) for k in reversed(keys))
    return out


def resolve_remainder(layout: Layout, mentions: list[ProjectMention], pattern: regex.Pattern[str],
                      singled_out: tuple[str, ...]) -> list[ProjectMention]:
    """A mention of each member of a list that the rest of it (其余4条, 其他项目:
    `remainder_anaphora`) refers back to, at the words' span: the projects named in the line
    before the last word that singles members out (`singled_out_words`: 其中) ahead of the words
    (else before the words' sentence), less those named again from there on. None when that
    leaves none, or more than the words count or `MAX_PLURAL`. Returned in addition to
    `mentions`."""
    text = layout.text
    found = list(pattern.finditer(text))
    if not found:
        return []
    named = _Named(mentions)
    out: list[ProjectMention] = []
    for m in found:
        line = max(layout.section_at(m.start()).start, _line_start(text, m.start()))
        singled = max(text.rfind(word, line, m.start()) for word in singled_out)
        if singled < 0:
            singled = max(line, layout.unit_around(m.start(), m.end(), SENTENCE_END)[0])
        members = named.keys_before(singled, line, MAX_PLURAL + 1)
        again = set(named.keys_before(m.start(), singled, MAX_PLURAL + 1))
        rest = [k for k in members if k not in again]
        count = _count(m.group("count"))
        if not rest or len(rest) > (count or MAX_PLURAL):
            continue
        out.extend(named.mention(k, m.start(), m.end()) for k in reversed(rest))
    return out


_MIN_TAIL = 4       # a member's later short form keeps at least this many characters of its name
_UMBRELLA_ENDS = ("项目", "工程")


def _bare(name: str) -> str:
    """`name` without an umbrella ending (项目, 工程) when more than `_MIN_TAIL` is left."""
    for end in _UMBRELLA_ENDS:
        if name.endswith(end) and len(name) - len(end) >= _MIN_TAIL:
            return name[:-len(end)]
    return name


def resolve_singled_tails(layout: Layout, mentions: list[ProjectMention],
                          singled_out: tuple[str, ...]) -> list[ProjectMention]:
    """A mention of the list member that the words right after a word singling members out
    (`singled_out_words`: 其中) name by the end of its name, its place dropped (已竣工的有甲镇集贸
    市场改建、…，其中集贸市场改建项目10月已投用): the member named earlier in that line whose
    name, less an umbrella ending, ends in the words, at least `_MIN_TAIL` characters of it and
    one character short of it at most (a repeated full name is a candidate already), and no
    other member's does; 项目/工程 after the words are part of the mention. Returned in
    addition to `mentions`."""
    text = layout.text
    if not mentions or not any(word in text for word in singled_out):
        return []
    named = _Named(mentions)
    covered = sorted((m.start, m.end) for m in mentions)
    covered_starts = [c[0] for c in covered]
    out: list[ProjectMention] = []
    for word in singled_out:
        at = text.find(word)
        while at >= 0:
            pos = at + len(word)
            at = text.find(word, pos)
            line = max(layout.section_at(pos).start, _line_start(text, pos))
            members = named.keys_before(pos, line, MAX_PLURAL + 1)
            i = bisect_right(covered_starts, pos)
            if not members or any(e > pos for _, e in covered[max(0, i - 3):i]):
                continue        # the words are a candidate's already
            hits = []
            for key in members:
                bare = _bare(named.first_name[key])
                for size in range(len(bare) - 1, _MIN_TAIL - 1, -1):
                    if text.startswith(bare[-size:], pos):
                        hits.append((key, size))
                        break
            if len(hits) != 1:
                continue
            key, size = hits[0]
            end = pos + size
            for umbrella in _UMBRELLA_ENDS:
                if text.startswith(umbrella, end):
                    end += len(umbrella)
                    break
            out.append(named.mention(key, pos, end))
    return out


def resolve_former_latter(layout: Layout, mentions: list[ProjectMention],
                          pattern: regex.Pattern[str]) -> list[ProjectMention]:
    """A mention for each 前者 / 后者 (rules/links.yaml former_latter) of one of the last two
    distinct projects named before it in its section, from the start of its line (else of the
    line before): 前者 the first of the two, 后者 the second. None when fewer than two are
    named there. Returned in addition to `mentions`."""
    text = layout.text
    found = list(pattern.finditer(text))
    if not found:
        return []           # most documents: no index of the mentions built
    named = _Named(mentions)
    out: list[ProjectMention] = []
    for m in found:
        section_start = layout.section_at(m.start()).start
        line = _line_start(text, m.start())
        keys = named.keys_before(m.start(), max(section_start, line), 2)
        if len(keys) < 2 and line > section_start:
            keys = named.keys_before(m.start(), max(section_start, _line_start(text, line - 1)), 2)
        if len(keys) == 2:
            out.append(named.mention(keys[1] if m.group("former") else keys[0], m.start(), m.end()))
    return out


def resolve_short_names(text: str, mentions: list[ProjectMention],
                        pattern: regex.Pattern[str]) -> list[ProjectMention]:
    """`mentions` with the short names projects take in a bracket right after their full
    name (城南至青峰高速公路（以下简称“南青高速”）: `short_name`, group 'alias') read as that
    project: a candidate named by the short name from the bracket on takes the full name's
    key, so the two are one project, one row (the short name its `alt_name`), not a second
    project. A bracket right after no candidate names nothing.

    Later occurrences of the short name that no candidate covers are not made references
    back (as 该项目 is): on the styles set that moved one status right and one wrong, and a
    short name inside a plan (力争南青高速年内通车) took the cues of the clause after it."""
    if not mentions or ("简称" not in text and "下称" not in text):
        return mentions
    by_end = {m.end: m for m in mentions if m.rule_id != PROJECT_ANAPHORA_RULE}
    out = list(mentions)
    for bracket in pattern.finditer(text):
        full = by_end.get(bracket.start())
        alias = bracket.group("alias")
        if full is not None and alias != full.name:
            out = [replace(m, key=full.key) if m.name == alias and m.start >= bracket.start() else m for m in out]
    return out


def make_anaphora(rules: RuleSet) -> Stage:
    pattern = rules.projects.anaphora
    plural = rules.projects.plural_anaphora
    remainder, singled_out = rules.projects.remainder_anaphora, rules.projects.singled_out_words
    short_name = rules.projects.short_name
    former_latter = rules.links.former_latter
    new_object = rules.links.reference_new_object

    def anaphora(layout: Layout, found: Found) -> Found:
        mentions = resolve_short_names(layout.text, found.mentions, short_name)
        return replace(found, mentions=mentions + resolve_anaphora(layout, mentions, pattern, new_object)
                       + resolve_plural_anaphora(layout, mentions, plural)
                       + resolve_remainder(layout, mentions, remainder, singled_out)
                       + resolve_singled_tails(layout, mentions, singled_out)
                       + resolve_former_latter(layout, mentions, former_latter))
    return anaphora
