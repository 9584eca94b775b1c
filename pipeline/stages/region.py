"""Where and when a report is from: province, city, county, year and period.

`detect_place_and_period(text, rules)` reads only the opening of `text` (the title, the
headline lines and the first `scan_chars` characters, rules/periods.yaml) and returns a
`PlacePeriod`: each value with the half-open span of `text` that gave it, or None for
value and span when unknown. Pass the normalised text (simplified characters, half-width
digits); the spans index that text.

Places (gazetteer rules/regions.tsv, naming rules rules/regions.yaml)
    county    the county-level unit (县, 区, 县级市, 旗, 自治县 …) the report is about;
    city      its prefecture (市, 自治州, 地区, 盟); for a municipality's district, and for
              a municipality itself, the municipality (北京市); None for counties that hang
              directly under a province (仙桃市);
    province  its province-level unit.
    The subject is the most specific unit named in the first title or headline line that
    names one (with the other names of that line that contain it or lie in it); when no
    headline names a place, the first unit of the level that 全县/我市/本区 … announces;
    without such a cue, the most specific unit named in the first sentence of the first
    paragraph; else None (places named further on are what the report talks about, not
    where it is from).
    The levels above the subject come from the gazetteer. A name shared by several units
    (鼓楼区) is narrowed by the other names of the opening (南京市鼓楼区); a level on which
    the remaining units disagree stays None. The span of a level is the mention naming
    it in the subject's line, else the subject's own mention.

Year
    The year the report covers: the first year of the title, else of the headlines, else
    of the first paragraph, else of a short heading line after it (一、2023年工作回顾);
    years in the rest of the prose date events and are not read. A year after
    到/较/比/至/于 is a target or comparison and is skipped. 二〇二三年 is 2023. A masked
    year (20xx年, 二〇××年) makes the year None. A delivery date to a people's congress
    ("——2024年1月10日在…人民代表大会…上") gives the year before (2023): a government work
    report reviews the past year; so does a title year equal to that date's year, and the
    title year of any government work report (2019年国务院政府工作报告 covers 2018: its
    title names the year it is delivered). A review heading (一、2023年工作回顾,
    一、1999年国内工作回顾) names the year outright. Reports to a congress's standing
    committee, the dated lines of speeches (2023年3月5日) and 2023年度…工作报告 give their
    own year; a year after 关于 is the report's subject. The span is the year as written.
    `year_basis` says how the year was found: review_heading, delivery_year_minus_one,
    title, headline, first_paragraph, heading; masked (year None); the batch adds
    file_name for a year only the file's name gives (rows.py).

Published
    When the text says the report was issued: a congress delivery date in the opening, else
    a line that is only a date among the headlines or the last lines (the date under a
    signature, 二〇二三年十二月二十八日); an ISO date (2024-11-08) or year-month.

Period labels
    全年, 上半年, 下半年, 一季度, 二季度, 三季度, 四季度, 前三季度;
    1-N月 for other ranges from January (1—10月, 一至十月, 前10个月, 截至10月底 → 1-10月;
    1-3月, 1-6月, 1-9月, 1-12月 become 一季度, 上半年, 前三季度, 全年);
    N月 for one month (9月份; in a title, 2023年9月).
    The first cue of the title wins; else a title that reports on a year (年度, 全年,
    工作总结, 工作报告 …, with a year, even a masked one) gives 全年; else the first cue
    of the headlines, the first paragraph and the short heading lines after it; else None.

>>> from pipeline.rules.loader import load_rules
>>> p = detect_place_and_period("浑源县2023年1—10月重点项目建设情况", load_rules())
>>> (p.province, p.city, p.county, p.year, p.period)
('山西省', '大同市', '浑源县', 2023, '1-10月')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import regex

from pipeline.rules.compiled import compiled
from pipeline.rules.loader import Region, RuleSet, alternation
from pipeline.text.punctuation import SEGMENT_MARKS
from pipeline.types import PlacePeriod

LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}
# Parts of the opening, in the order they are trusted: the title, the headline lines
# before the first paragraph (subtitle, byline, date), the first paragraph, the rest.
TITLE, HEADLINE, LEAD, BODY = 0, 1, 2, 3
SENTENCE_END = SEGMENT_MARKS      # the lines are taken one by one: no line break here
_OPENING_CHARS = 2000


@dataclass(frozen=True, slots=True)
class Segment:
    """A line of the opening."""

    start: int
    end: int
    rank: int          # TITLE, HEADLINE, LEAD or BODY
    heading: bool      # short and without a closing sentence mark (a title, a section heading)


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    units: tuple[Region, ...]
    segment: Segment


class Surface(NamedTuple):
    """A name or stem the gazetteer looks for. A NamedTuple: over 6,000 are made at every
    worker's start (as frozen dataclasses they took 27 ms of it, 4.5 us each)."""

    text: str
    units: tuple[Region, ...]
    stem_only: bool        # a bare stem (浑源): headlines only
    needs_boundary: bool   # a one-character stem (沛县): only after a boundary
    context_only: bool     # an everyday word (城区): only right after its parent


@dataclass(frozen=True, slots=True)
class PeriodCue:
    id: str
    label: str
    title_only: bool


# -- compiled rules (once per RuleSet) ----------------------------------------------------

@dataclass(frozen=True, slots=True, eq=False)
class Gazetteer:
    regions: dict[str, Region]
    by_prefix: dict[str, tuple[Surface, ...]]    # first two characters -> surfaces, longest first
    short_name_after: frozenset[str]
    not_followed_by: dict[str, str]
    stem_not_followed_by: str
    level_suffix_chars: frozenset[str]
    level_cue: regex.Pattern[str]
    stem_after: str          # a bare stem right after one of these is a place (2023年浑源…)
    city_suffix: str         # a municipality or a prefecture-level city ends in it (…市)

    def parent(self, unit: Region) -> Region | None:
        return self.regions.get(unit.parent) if unit.parent else None

    def ancestors(self, unit: Region) -> list[Region]:
        out = []
        while (up := self.parent(unit)) is not None:
            out.append(up)
            unit = up
        return out


@dataclass(frozen=True, slots=True, eq=False)
class Calendar:
    scan_chars: int
    title_max_chars: int
    headline_max_chars: int
    year: regex.Pattern[str]               # digits, Chinese numerals or masked, one alternation
    numerals: dict[str, int]
    not_covered_before: frozenset[str]
    subject_before: tuple[str, ...]
    delivery_after_year: regex.Pattern[str]
    delivery_year_offset: int
    review_after_year: regex.Pattern[str]
    delivery_title_after_year: regex.Pattern[str]
    date_line: regex.Pattern[str]
    published_tail_lines: int
    annual_title: regex.Pattern[str]
    annual_label: str                      # the period of a title that reports on the whole year
    periods: regex.Pattern[str]
    period_cues: dict[str, PeriodCue]       # group name -> cue
    period_aliases: dict[str, str]


def _stem(name: str, suffixes: tuple[str, ...], ethnic: regex.Pattern[str],
          autonomous: frozenset[str]) -> tuple[str, str]:
    """(stem, suffix): 浑源县 → (浑源, 县); 恩施土家族苗族自治州 → (恩施, 自治州)."""
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix in autonomous:
                stem = ethnic.sub("", stem)
            return stem, suffix
    return name, ""


@lru_cache(maxsize=8)
def gazetteer(rules: RuleSet) -> Gazetteer:
    names = rules.region_names
    suffixes = tuple(sorted(names.suffixes, key=len, reverse=True))
    ethnic = compiled(f"(?:{alternation(names.ethnic_markers)})+$")
    short_suffix: dict[str, str] = names.autonomous_short
    context_only = set(names.context_only)
    common_stems = set(names.common_stems)
    autonomous = frozenset(names.autonomous_suffixes)

    full: dict[str, list[Region]] = {}
    stems: dict[str, list[Region]] = {}
    one_char_stem: set[str] = set()
    for unit in rules.regions.values():
        stem, suffix = _stem(unit.name, suffixes, ethnic, autonomous)
        full.setdefault(unit.name, []).append(unit)
        if len(stem) == 1:
            one_char_stem.add(unit.name)
        if not stem or stem == unit.name:
            continue
        if suffix in short_suffix and len(stem) >= 2:
            full.setdefault(stem + short_suffix[suffix], []).append(unit)
        stems.setdefault(stem, []).append(unit)

    surfaces = [Surface(text, tuple(units), False, text in one_char_stem, text in context_only)
                for text, units in full.items()]
    # a bare stem only when it names one unit, is no shorter than 2 and is no everyday word
    surfaces += [Surface(stem, tuple(units), True, False, False) for stem, units in stems.items()
                 if len(units) == 1 and len(stem) >= 2 and stem not in common_stems and stem not in full]
    by_prefix: dict[str, list[Surface]] = {}
    for s in surfaces:
        by_prefix.setdefault(s.text[:2], []).append(s)
    return Gazetteer(
        regions=rules.regions,
        by_prefix={k: tuple(sorted(v, key=lambda s: len(s.text), reverse=True)) for k, v in by_prefix.items()},
        short_name_after=frozenset(names.short_name_after),
        not_followed_by=dict(names.not_followed_by),
        # a bare stem followed by a level suffix is another unit's name: 云州市 is not 云州区
        stem_not_followed_by=names.stem_not_followed_by + "".join(x for x in suffixes if len(x) == 1),
        level_suffix_chars=frozenset(x for x in suffixes if len(x) == 1),
        level_cue=names.level_cue,
        stem_after=names.stem_after,
        city_suffix=names.city_suffix,
    )


@lru_cache(maxsize=8)
def calendar(rules: RuleSet) -> Calendar:
    p = rules.periods
    year = compiled(f"(?P<masked>{p.masked_year.pattern})|(?:{p.year.pattern})|(?:{p.chinese_year.pattern})")
    cues: dict[str, PeriodCue] = {}
    parts = []
    for i, entry in enumerate(p.periods):
        group = f"cue{i}"
        cues[group] = PeriodCue(entry.id, entry.label, entry.title_only)
        parts.append(f"(?P<{group}>{entry.pattern.pattern})")
    return Calendar(
        scan_chars=p.scan_chars,
        title_max_chars=p.title_max_chars,
        headline_max_chars=p.headline_max_chars,
        year=year,
        numerals=dict(p.numerals),
        not_covered_before=frozenset(p.not_covered_before),
        subject_before=p.subject_before,
        delivery_after_year=p.delivery_after_year,
        delivery_year_offset=p.delivery_year_offset,
        review_after_year=p.review_after_year,
        delivery_title_after_year=p.delivery_title_after_year,
        date_line=p.date_line,
        published_tail_lines=p.published_tail_lines,
        annual_title=p.annual_title,
        annual_label=p.annual_label,
        periods=compiled("|".join(parts)),
        period_cues=cues,
        period_aliases=dict(p.period_aliases),
    )


# -- the opening ------------------------------------------------------------------------

def opening_segments(text: str, cal: Calendar) -> list[Segment]:
    """The lines of the first `scan_chars` characters, each marked title, headline, lead
    or body.

    The title is the first non-empty line if it reads as a heading (short, no closing
    sentence mark); headlines are the heading-like lines after it up to the first
    paragraph, the lead; everything after the lead is body (tables and section headings
    there name other places). A line cut off by the scan limit is no heading.
    """
    limit = min(len(text), cal.scan_chars)
    segments: list[Segment] = []
    pos = 0
    while pos < limit:
        nl = text.find("\n", pos, limit)
        end = limit if nl < 0 else nl
        line = text[pos:end]
        stripped = line.strip()
        if stripped:
            start = pos + (len(line) - len(line.lstrip()))
            stop = start + len(stripped)
            cut = nl < 0 and limit < len(text)
            heading = not cut and stripped[-1] not in SENTENCE_END and "。" not in stripped
            if any(s.rank >= LEAD for s in segments):
                rank = BODY
            elif not segments:
                rank = TITLE if heading and len(stripped) <= cal.title_max_chars else LEAD
            else:
                rank = HEADLINE if heading and len(stripped) <= cal.headline_max_chars else LEAD
            segments.append(Segment(start, stop, rank, heading and len(stripped) <= cal.headline_max_chars))
        pos = end + 1
    return segments


def _ranked(segments: list[Segment]) -> list[Segment]:
    """Title first, then headlines, then the lead, then the body, each in reading order."""
    return sorted(segments, key=lambda s: (s.rank, s.start))


def _dated(segments: list[Segment]) -> list[Segment]:
    """Where a year or period may be read: all but the body's prose (which dates events)."""
    return [s for s in _ranked(segments) if s.rank < BODY or s.heading]


# -- places -----------------------------------------------------------------------------

def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch in "〇○"


def find_places(text: str, segment: Segment, gaz: Gazetteer) -> list[Mention]:
    """Place names in one segment, leftmost-longest, not overlapping."""
    out: list[Mention] = []
    i, end = segment.start, segment.end
    while i < end - 1:
        found = None
        for s in gaz.by_prefix.get(text[i:i + 2], ()):
            stop = i + len(s.text)
            if stop <= end and text.startswith(s.text, i) and _accept(text, i, stop, s, segment, out, gaz):
                found = Mention(i, stop, s.units, segment)
                break
        if found:
            out.append(found)
            i = found.end
        else:
            i += 1
    return out


def _accept(text: str, start: int, stop: int, s: Surface, segment: Segment,
            before: list[Mention], gaz: Gazetteer) -> bool:
    after = text[stop] if stop < len(text) else ""
    if after and (after in gaz.not_followed_by.get(s.text[-1], "")
                  or s.stem_only and after in gaz.stem_not_followed_by):
        return False
    previous = before[-1] if before and before[-1].end == start else None
    if s.context_only:
        return previous is not None and any(u.parent in {p.code for p in previous.units} for u in s.units)
    if s.stem_only and segment.rank > HEADLINE:
        return False
    if s.stem_only and _stem_names_another_unit(text, s, gaz):
        return False
    if s.needs_boundary or s.stem_only:
        prev = text[start - 1] if start > segment.start else ""
        return (not prev or not _is_cjk(prev) or previous is not None
                or (s.needs_boundary and prev in gaz.short_name_after)
                or (s.stem_only and prev in gaz.stem_after))
    return True


def _stem_names_another_unit(text: str, s: Surface, gaz: Gazetteer) -> bool:
    """The opening writes the stem with a level suffix that is not its unit's (云州市 when
    the gazetteer has only 云州区): then the bare stem there means that other unit too."""
    stem = s.text
    own = {u.name[len(stem)] for u in s.units if len(u.name) > len(stem) and u.name.startswith(stem)}
    opening = text[:_OPENING_CHARS]
    i = opening.find(stem)
    while i >= 0:
        after = opening[i + len(stem):i + len(stem) + 1]
        if after and after in gaz.level_suffix_chars and after not in own:
            return True
        i = opening.find(stem, i + 1)
    return False


def _related(a: Region, b: Region, gaz: Gazetteer) -> bool:
    return a.code == b.code or a in gaz.ancestors(b) or b in gaz.ancestors(a)


def _narrow(m: Mention, anchors: Iterable[Mention], gaz: Gazetteer) -> tuple[Region, ...]:
    """The units of an ambiguous mention that the other, unambiguous names support."""
    if len(m.units) == 1:
        return m.units
    sure = [a.units[0] for a in anchors if a is not m and len(a.units) == 1]
    kept = tuple(u for u in m.units if any(_related(u, a, gaz) for a in sure))
    return kept or m.units


def _deepest(chain: list[Mention]) -> Mention:
    return max(chain, key=lambda m: (max(LEVEL_RANK[u.level] for u in m.units), -m.start))


def _chain(first: Mention, mentions: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """`first` and the mentions of its segment whose units contain or lie in its units."""
    return [m for m in mentions if m.segment == first.segment
            and any(_related(a, b, gaz) for a in m.units for b in first.units)]


def _subject(text: str, segments: list[Segment], mentions: list[Mention],
             gaz: Gazetteer) -> tuple[Mention, list[Mention]] | None:
    """The mention naming what the report is about, and the names of its line."""
    if not mentions:
        return None
    headed = [m for m in mentions if m.segment.rank <= HEADLINE]
    if headed:
        first = min(headed, key=lambda m: (m.segment.rank, m.start))
        chain = _chain(first, mentions, gaz)
        return _deepest(chain), chain
    for seg in _ranked(segments):
        cue = gaz.level_cue.search(text, seg.start, seg.end)
        if cue:
            suffix = cue.group("suffix")
            for m in mentions:
                if any(u.name.endswith(suffix) for u in m.units):
                    return m, _chain(m, mentions, gaz)
            return None
    lead = next((s for s in segments if s.rank == LEAD), None)
    if lead is None:
        return None
    first_sentence_end = _sentence_end(text, lead.start, lead.end)
    in_first_sentence = [m for m in mentions if m.segment == lead and m.start < first_sentence_end]
    if not in_first_sentence:
        return None
    chain = _chain(in_first_sentence[0], in_first_sentence, gaz)
    return _deepest(chain), chain


def _sentence_end(text: str, start: int, limit: int) -> int:
    for i in range(start, limit):
        if text[i] in SENTENCE_END:
            return i
    return limit


def _agreed(values: Iterable[str | None]) -> str | None:
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None


def _prefecture(unit: Region, gaz: Gazetteer) -> str | None:
    if unit.level == "prefecture":
        return unit.name
    if unit.level == "province":
        return unit.name if unit.name.endswith(gaz.city_suffix) else None      # a municipality
    parent = gaz.parent(unit)
    if parent is None:
        return None
    if parent.level == "prefecture" or parent.name.endswith(gaz.city_suffix):
        return parent.name
    return None                                                   # 省直辖县级: no prefecture


def _province(unit: Region, gaz: Gazetteer) -> str:
    top = gaz.ancestors(unit)
    return top[-1].name if top else unit.name


def detect_place(text: str, segments: list[Segment],
                 gaz: Gazetteer) -> dict[str, tuple[str | None, int | None, int | None]]:
    mentions = [m for seg in segments for m in find_places(text, seg, gaz)]
    picked = _subject(text, segments, mentions, gaz)
    if picked is None:
        return {}
    subject, chain = picked
    units = _narrow(subject, mentions, gaz)
    values = {
        "county": _agreed(u.name if u.level == "county" else None for u in units),
        "city": _agreed(_prefecture(u, gaz) for u in units),
        "province": _agreed(_province(u, gaz) for u in units),
    }
    out: dict[str, tuple[str | None, int | None, int | None]] = {}
    for level, value in values.items():
        if value is None:
            continue
        source = next((m for m in chain if all(u.name == value for u in m.units)), subject)
        out[level] = (value, source.start, source.end)
    return out


# -- year -------------------------------------------------------------------------------

def _number(digits: str, cal: Calendar) -> int:
    if digits.isdigit() and digits.isascii():
        return int(digits)
    if digits.startswith("十"):                                 # 十, 十一, 十二
        return 10 + (cal.numerals[digits[1]] if len(digits) > 1 else 0)
    return int("".join(str(cal.numerals[ch]) for ch in digits))


# how the covered year was found (documents.year_basis), by the part of the opening it was read in
_BASIS_OF_RANK = {TITLE: "title", HEADLINE: "headline", LEAD: "first_paragraph", BODY: "heading"}


@dataclass(frozen=True, slots=True)
class YearCue:
    year: int | None      # None when masked
    delivery: bool        # a congress delivery date (2024年1月12日在…人民代表大会)
    review: bool          # heads a review (2023年工作回顾)
    start: int
    end: int
    rank: int = BODY      # the part of the opening it is in
    delivered_title: bool = False   # a title year of a government work report (2024年…政府工作报告)


def _years(text: str, segments: list[Segment], cal: Calendar) -> list[YearCue]:
    """Year cues in reading priority."""
    out = []
    for seg in _dated(segments):
        for m in cal.year.finditer(text, seg.start, seg.end):
            if m.start() > 0 and text[m.start() - 1] in cal.not_covered_before \
                    and not text.endswith(cal.subject_before, seg.start, m.start()):
                continue
            if m.group("masked"):
                out.append(YearCue(None, False, False, m.start(), m.end(), seg.rank))
                continue
            out.append(YearCue(_number(m.group("year"), cal),
                               cal.delivery_after_year.match(text, m.end(), seg.end) is not None,
                               cal.review_after_year.match(text, m.end(), seg.end) is not None,
                               m.start(), m.end(), seg.rank,
                               seg.rank == TITLE and
                               cal.delivery_title_after_year.match(text, m.end(), seg.end) is not None))
    return out


def detect_year(text: str, segments: list[Segment], cal: Calendar) -> tuple[int | None, int, int, str] | None:
    """(covered year or None if masked, start, end, basis) of the first year cue, or None.

    A review heading (2023年工作回顾) names the covered year outright (basis
    `review_heading`); else a congress delivery date gives the year before, and so does a
    year equal to it (2024年政府工作报告 delivered 2024年3月5日 reviews 2023), and so does the
    title year of a government work report without a date (its delivery year): basis
    `delivery_year_minus_one`. Otherwise the basis is where the year was read: `title`,
    `headline`, `first_paragraph` or `heading`; `masked` for 20xx年 (year None).
    """
    years = _years(text, segments, cal)
    if not years:
        return None
    review = next((c for c in years if c.review), None)
    if review is not None:
        return review.year, review.start, review.end, "review_heading"
    first = years[0]
    year = first.year
    if year is None:
        return None, first.start, first.end, "masked"
    if first.delivered_title or any(c.delivery and c.year == year for c in years):
        return year + cal.delivery_year_offset, first.start, first.end, "delivery_year_minus_one"
    return year, first.start, first.end, _BASIS_OF_RANK[first.rank]


# compiled once: `regex.findall` with the pattern's text looked it up in regex's cache for
# every document (0.1-0.2 ms each)
_FILE_NAME_YEAR = regex.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def year_from_file_name(name: str) -> int | None:
    """The year a file's name gives (2019.txt, county_2023_summary.txt): four digits 19xx or
    20xx standing alone; None without one, or with two different ones."""
    found = {int(y) for y in _FILE_NAME_YEAR.findall(name)}
    return found.pop() if len(found) == 1 else None


# -- when the report was issued -----------------------------------------------------------

def _small_number(digits: str, cal: Calendar) -> int:
    """A month or day in digits or Chinese numerals (8, 十一, 二十八, 三十)."""
    if digits.isascii() and digits.isdigit():
        return int(digits)
    tens, _, units = digits.rpartition("十") if "十" in digits else ("", "", digits)
    value = cal.numerals[units] if units else 0
    if "十" in digits:
        value += 10 * (cal.numerals[tens] if tens else 1)
    return value


def _date_text(year: int, month: int, day: int | None) -> str | None:
    """ISO date (or year-month), None when no such day exists."""
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day is not None else "")


def detect_published(text: str, segments: list[Segment], cal: Calendar) -> tuple[str, int, int] | None:
    """When the report was issued, as the text states it: a congress delivery date in the
    opening (——2024年1月12日在…人民代表大会), else a line that is only a date among the
    headlines or the last lines (the date under a signature). (ISO date, start, end)."""
    for seg in segments:
        if seg.rank > LEAD:
            break
        for m in cal.year.finditer(text, seg.start, seg.end):
            if m.group("masked") or not cal.delivery_after_year.match(text, m.end(), seg.end):
                continue
            md = regex.match(r"\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?", text[m.end():seg.end])
            if md is not None and (iso := _date_text(_number(m.group("year"), cal), int(md[1]), int(md[2]))):
                return iso, m.start(), m.end() + md.end()
    lines = [s for s in segments if s.rank == HEADLINE] + _last_lines(text, cal.published_tail_lines)
    for start, end in ((s.start, s.end) if isinstance(s, Segment) else s for s in lines):
        m = cal.date_line.match(text, start, end)
        if m is None or m.end() != end:
            continue
        day = _small_number(m.group("d"), cal) if m.group("d") else None
        if iso := _date_text(_number(m.group("y"), cal), _small_number(m.group("m"), cal), day):
            return iso, start, end
    return None


def _last_lines(text: str, count: int) -> list[tuple[int, int]]:
    """Spans of the last `count` non-empty lines, stripped, last first."""
    out: list[tuple[int, int]] = []
    end = len(text)
    while end > 0 and len(out) < count:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        if line.strip():
            lead = len(line) - len(line.lstrip())
            out.append((start + lead, start + lead + len(line.strip())))
        end = start - 1
    return out


# -- period -----------------------------------------------------------------------------

def _first_period(text: str, seg: Segment, cal: Calendar) -> tuple[str, int, int] | None:
    for m in cal.periods.finditer(text, seg.start, seg.end):
        group = m.lastgroup if m.lastgroup in cal.period_cues else next(
            g for g in cal.period_cues if m.group(g) is not None)
        cue = cal.period_cues[group]
        if cue.title_only and seg.rank != TITLE:
            continue
        label = cue.label
        if "{n}" in label:
            label = label.replace("{n}", str(_number(m.group("n"), cal)))
        return cal.period_aliases.get(label, label), m.start(), m.end()
    return None


def detect_period(text: str, segments: list[Segment], cal: Calendar, year_known: bool) -> tuple[str, int, int] | None:
    titles = [s for s in segments if s.rank == TITLE]
    for seg in titles:
        if found := _first_period(text, seg, cal):
            return found
    if year_known:
        for seg in titles:
            if m := cal.annual_title.search(text, seg.start, seg.end):
                return cal.annual_label, m.start(), m.end()
    for seg in _dated(segments):
        if seg.rank != TITLE and (found := _first_period(text, seg, cal)):
            return found
    return None


# -- all together -----------------------------------------------------------------------

def detect_place_and_period(text: str, rules: RuleSet) -> PlacePeriod:
    """Province, city, county, covered year and period of a report, from its opening."""
    gaz, cal = gazetteer(rules), calendar(rules)
    segments = opening_segments(text, cal)
    fields: dict[str, object] = {}
    for level, (value, start, end) in detect_place(text, segments, gaz).items():
        fields.update({level: value, f"{level}_start": start, f"{level}_end": end})
    year = detect_year(text, segments, cal)
    if year is not None:
        fields.update(year_basis=year[3])
        if year[0] is not None:
            fields.update(year=year[0], year_start=year[1], year_end=year[2])
    published = detect_published(text, segments, cal)
    if published is not None:
        fields.update(published=published[0], published_start=published[1], published_end=published[2])
    period = detect_period(text, segments, cal, year_known=year is not None)   # masked counts
    if period is not None:
        fields.update(period=period[0], period_start=period[1], period_end=period[2])
    return PlacePeriod(**fields)  # type: ignore[arg-type]
