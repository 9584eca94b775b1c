"""`projects.project_key`: the same project in any report gets the same key.

A key is built from the project's name alone and the report's place, never from the other
documents of a run, so it is stable across runs and whichever documents are in one:

- the name is the document's own identity of the project (`Project.key`: punctuation and
  generic endings 项目/工程/建设 dropped, short and full forms the document links merged),
  in simplified characters;
- a phase is written one way: 2期, 第二期 → 二期 (一期 and 二期 stay different projects);
- the region: a name that starts with a place of the gazetteer (岚皋县人民医院迁建) keeps
  that place; otherwise the report's own place (county, else city, else province) is put
  in front, so two counties' 人民医院迁建 differ; a name that starts with the report's own
  level word (县人民医院 in a county's report) means that county's.

    岚皋县/人民医院迁建      青藏铁路 (a report of no particular place)

Within one document, `one_key_per_project` gives a project's short and full form one key
(one row, the other form in `alt_name`) before statuses and amounts are linked to them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from re import _constants as sre  # type: ignore[attr-defined]  # the parse tree of a pattern,
from re import _parser as sre_parse  # type: ignore[attr-defined]  # as `re` reads it (3.11+)
from typing import Any

import regex

from pipeline.rules.configs import LedgerIdentity
from pipeline.rules.loader import RuleSet, alternation
from pipeline.stages.ledger_rules import ledger_rules
from pipeline.stages.projects import project_key as document_key
from pipeline.stages.region import gazetteer
from pipeline.text.normalise import to_simplified
from pipeline.types import PlacePeriod, ProjectMention

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals, as phases are written: 2 → 二, 10 → 十, 12 → 十二, 20 → 二十.

    >>> [chinese_number(n) for n in (1, 2, 10, 12, 20, 31)]
    ['一', '二', '十', '十二', '二十', '三十一']
    """
    tens, ones = divmod(n, 10)
    if not tens:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def _phase_one_way(name: str, rules: RuleSet) -> str:
    def one(m: regex.Match[str]) -> str:
        number = m.group(1)
        return (chinese_number(int(number)) if number.isdigit() else number) + "期"

    return ledger_rules(rules).phase.sub(one, name)


def leading_place(name: str, rules: RuleSet) -> str | None:
    """The place a name starts with, as the gazetteer names it (岚皋县人民医院 → 岚皋县), when
    it names one unit; None otherwise (bare stems and everyday words are not taken)."""
    for surface in gazetteer(rules).by_prefix.get(name[:2], ()):
        if (name.startswith(surface.text) and len(name) > len(surface.text) and not surface.stem_only
                and not surface.context_only and len(surface.units) == 1):
            return surface.units[0].name
    return None


def report_region(place: PlacePeriod | None) -> str | None:
    """The report's most specific place: its county, else its city, else its province."""
    if place is None:
        return None
    return place.county or place.city or place.province


def project_key(name: str, region: str | None, rules: RuleSet) -> str:
    """The key of the project called `name` in a report of `region` (`report_region`).

    >>> from pipeline.rules.loader import load_rules
    >>> rules = load_rules()
    >>> project_key("岚皋县人民医院迁建项目", None, rules), project_key("县人民医院迁建工程", "岚皋县", rules)
    ('岚皋县/人民医院迁建', '岚皋县/人民医院迁建')
    >>> project_key("滨江大道（2期）", None, rules) == project_key("滨江大道第二期工程", None, rules)
    True
    """
    lr = ledger_rules(rules)
    endings, min_chars = rules.projects.key_endings, rules.projects.key_min_chars
    core = _phase_one_way(document_key(to_simplified(name, rules), endings, min_chars), rules)
    place = leading_place(core, rules)
    if place is not None:
        region, core = place, core[len(place):]
    elif region is not None:
        region = to_simplified(region, rules)
        if core.startswith(region):
            core = core[len(region):]
        elif core[:1] in lr.own_level_words and region.endswith(core[0]) and len(core) >= 4:
            core = core[1:]         # 县人民医院 in the county's own report
    core = document_key(core, endings, min_chars) or core
    return f"{region}{lr.separator}{core}" if region else core


def one_key_per_project(mentions: Sequence[ProjectMention], rules: RuleSet) -> list[ProjectMention]:
    """One project named in two forms in one document gets one key (so one row, with the
    other form as `alt`): a key that exactly one longer key has after a leading qualifier
    (110千伏云峰变电站 ~ 青禾县新建110千伏云峰变电站), before words such as 扩建 or 改造 only
    (三角湖小学 ~ 三角湖小学扩建), or both (团结水库 ~ 青禾县团结水库扩建); longer keys that
    are forms of one another count as one. Never when what the longer key adds marks
    another part (二期, 北段, …及配套道路): those are two projects.

    >>> from pipeline.rules.loader import load_rules
    >>> ms = [ProjectMention(n, n, 0, 1, "project.suffix") for n in ("城东快速路", "城东快速路二期", "三角湖小学",
    ...       "三角湖小学扩建")]
    >>> [m.key for m in one_key_per_project(ms, load_rules())]
    ['城东快速路', '城东快速路二期', '三角湖小学扩建', '三角湖小学扩建']
    """
    ident = rules.ledger.identity
    rest = _rest_words(ident.same_project_rest)
    keys = {m.key for m in mentions}
    # a list item's name with its shared part (甲、乙两座水库的加固工程: 甲水库) is a short form
    # too: an item whose alt is the short form of exactly one longer key (甲水库除险加固工程, named
    # later) takes that key, when no mention has the alt's own key
    p = rules.projects
    alt_keys = {m.key: document_key(m.alt, p.key_endings, p.key_min_chars) for m in mentions if m.alt}
    alt_keys = {key: alt for key, alt in alt_keys.items() if alt not in keys}
    longer_of: dict[str, set[str]] = {}
    for long in keys:
        for short in _short_forms(long, keys | set(alt_keys.values()), ident, rest):
            longer_of.setdefault(short, set()).add(long)
    alias = {}
    for short, longs in longer_of.items():
        # 团结水库 is in 团结水库扩建 and in 青禾县团结水库扩建, the first a form of the second
        fullest = {long for long in longs if not longer_of.get(long, set()) & longs}
        if len(fullest) == 1:
            alias[short] = next(iter(fullest))
    for key, alt in alt_keys.items():
        if alt in alias and key not in alias and alias[alt] not in alt_keys:
            alias[key] = alias[alt]
    if not alias:
        return list(mentions)
    return [replace(m, key=_final(m.key, alias)) if m.key in alias else m for m in mentions]


@lru_cache(maxsize=8)
def _rest_words(words: tuple[str, ...]) -> regex.Pattern[str]:
    """What a full form may add after its short form, any number of times (built once)."""
    return regex.compile(f"(?:{alternation(words)})+")


def _short_forms(long: str, keys: set[str], ident: LedgerIdentity, rest: regex.Pattern[str]) -> list[str]:
    """The keys that are `long` without a leading qualifier, without the activity words
    after it, or without both, where what `long` adds marks no other part. By the
    substrings of `long` that can be a short form: quadratic in its length, linear in the keys."""
    n, shortest = len(long), ident.short_form_min_chars
    # where a short form may start (no other part before it) and end (activity words after it)
    distinct = ident.distinct_parts
    # most keys mark no other part at all: then none stands before any start or after any
    # end, found by one search (for a pattern whose matches stay matches in a longer stretch)
    clean = _matches_stay(distinct.pattern, distinct.flags) and distinct.search(long) is None
    starts = range(n) if clean else [i for i in range(n) if i == 0 or distinct.search(long, 0, i) is None]
    # activity words after it end `long` with one of them (most keys end in none: no search)
    ends = ([j for j in range(1, n + 1)
             if j == n or (rest.fullmatch(long, j) and (clean or distinct.search(long, j) is None))]
            if rest is not _rest_words(ident.same_project_rest) or long.endswith(ident.same_project_rest)
            else [n])
    found = []
    for i in starts:
        for j in ends:
            if j - i >= shortest and (i, j) != (0, n) and long[i:j] in keys:
                found.append(long[i:j])
    return found


@lru_cache(maxsize=8)
def _matches_stay(pattern: str, flags: int) -> bool:
    """Whether a match of the pattern in a stretch of text is one in any longer stretch
    holding it, so that a text without a match holds none in any part of it: no
    look-around, anchor or back-reference (they read beyond the match), no flag but the
    defaults. Read from `re`'s parse of it; False for what `re` cannot parse."""
    if flags & ~(regex.V0 | regex.UNICODE):
        return False
    try:
        return not _reads_beyond(sre_parse.parse(pattern))
    except (re.error, ValueError, OverflowError, RecursionError):
        return False


_BEYOND = {sre.ASSERT, sre.ASSERT_NOT, sre.AT, sre.GROUPREF, sre.GROUPREF_EXISTS}


def _reads_beyond(seq: Any) -> bool:
    for op, av in seq:
        if op in _BEYOND:
            return True
        if op is sre.SUBPATTERN and (av[1] or av[2] or _reads_beyond(av[3])):
            return True
        if op is sre.BRANCH and any(_reads_beyond(alt) for alt in av[1]):
            return True
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and _reads_beyond(av[2]):
            return True
        if op is sre.ATOMIC_GROUP and _reads_beyond(av):
            return True
    return False


def _final(key: str, alias: dict[str, str]) -> str:
    """Follow the aliases to the longest form (each step is to a longer key, so it ends)."""
    while key in alias:
        key = alias[key]
    return key
