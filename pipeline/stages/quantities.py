"""Quantities: money, length, area, volume, percent and percentage points.

One compiled pattern finds a number (Arabic, Chinese or a placeholder), an optional range,
qualifiers and a unit from `rules/units.yaml`; values are normalised to the base unit.

>>> from pipeline.rules.loader import load_rules
>>> q = QuantityExtractor(load_rules())
>>> [(m.kind.value, str(m.value), m.qualifier) for m in q("总投资约三千五百万元，长12.5公里。")]
[('money', '35000000', 'approx'), ('length', '12500.0', None)]
"""

from __future__ import annotations

from decimal import Decimal

import regex

from pipeline.rules.compiled import compiled
from pipeline.rules.loader import RuleSet, Unit, alternation, word_trie
from pipeline.text.layout import Layout
from pipeline.text.numbers import CHINESE_NUMERAL_CHARS, NumberError, approximate_range, parse_number
from pipeline.text.punctuation import SEGMENT_END
from pipeline.types import Kind, Quantity

# Thousands separated by commas (1,200) or by a space (4 200: thin spaces are folded to
# spaces in normalisation); a space only between groups of exactly three digits.
# A comma right after a digit belongs to the number (1,200); after anything else it is a
# clause mark (texts that write ASCII commas: 手续,6亩).
_NOT_INSIDE = r"(?<![0-9.])(?<![0-9],)"
# A plain run of digits is taken whole (possessive: no digit given back): nothing that may
# follow a number (scale, joiner, qualifier, unit) starts with a digit, so a shorter run
# never matches where the whole failed, and a wall of digits with no unit (a table dumped
# without separators) was given back one digit at a time, each time trying every unit
# after it: half the quantities stage's time on 1 MB of digits
# A number an OCR or a copy broke with a stray space (1.1 3亿元, 5 9亿元, 108 3%): one space
# before one or two last digits, where no group of thousands is (4 200 is one): taken whole,
# never read as its last part alone (9亿元 from 5 9亿元 is a number nobody wrote). After a
# decimal point the digits go on the point's fraction (1.1 3 is 1.13); before any point the
# point was lost or a digit dropped, and the value is unknown (`_broken`, read in `_build`).
_BROKEN = rf"{_NOT_INSIDE}(?:\d++\.\d++|\d{{1,3}}) \d{{1,2}}(?![0-9.,]| \d)"
_ARABIC = (rf"{_NOT_INSIDE}\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|{_NOT_INSIDE}\d{{1,3}}(?: \d{{3}})+(?![0-9])(?:\.\d+)?"
           rf"|{_BROKEN}|{_NOT_INSIDE}\d++(?:\.\d++)?")
_CN_START = "零〇一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾"
_SPACE = "[ \t]{0,4}"      # spaces PDF text and web copy put inside numbers and units
# a percent sign that is part of URL encoding (%25%20, %E4%BD) is no percent: the number
# before it follows another % or a Latin letter
_URL_ESCAPE_BEFORE = regex.compile(r"[%A-Za-z]")
# …or the % starts a run of escapes (30%25%20)
_URL_ESCAPES_AFTER = regex.compile(r"[0-9A-Fa-f]{2}%[0-9A-Fa-f]{2}")


def _unit_pattern(surfaces: list[str]) -> str:
    """An alternation of units, longest first; a space may also stand between the Han
    characters of a unit (三 个 百分点, 百 分 之) as PDF text and web copy often have. The
    literal forms come first: the common case is matched as a plain alternation, factored by
    shared prefixes (`word_trie`: the same unit, longest first, found following one branch
    per character; tried after every number, the units one by one cost about 6 % more of the
    quantity scan)."""
    # units of one length (of which at most one matches at a place) in code-point order: the
    # same pattern text in every process (see `alternation`)
    ordered = sorted(set(surfaces), key=lambda u: (-len(u), u))
    literal = word_trie(ordered)
    spaced = [_SPACE.join(regex.escape(ch) for ch in u) for u in ordered
              if len(u) > 1 and all("\u4e00" <= ch <= "\u9fff" for ch in u)]
    if not spaced:
        return literal
    return literal + "|" + "|".join(spaced)


class QuantityExtractor:
    """Find quantity mentions in normalised text (offsets into that text)."""

    def __init__(self, rules: RuleSet) -> None:
        q = rules.quantities
        self.units: dict[str, Unit] = {u.surface: u for u in q.units}
        self.rule_ids = q.rule_ids
        self.not_length_after = q.not_length_after
        self.negative_words = q.negative_words
        blockers = "".join(q.chinese_number_blockers)
        unblocked = alternation(q.chinese_number_unblocked)
        chinese = (rf"(?:(?<![{regex.escape(blockers)}{CHINESE_NUMERAL_CHARS}])|(?<={unblocked}))"
                   # a space may stand between the characters (一 百 五 十 个百分点)
                   # 百余亩, 近千亿元 (not 千亿工程, 千万元以上项目)
                   rf"(?:[{_CN_START}](?:[ \t]?[{CHINESE_NUMERAL_CHARS}])*(?<![点 \t])"
                   rf"|[百千](?=[余多]|亿(?:元|\P{{Han}}|$)))")
        number = rf"(?:{_ARABIC}|{chinese})"
        suffix_units = [u.surface for u in q.units if not u.prefix]
        prefix_units = [u.surface for u in q.units if u.prefix]
        quals = q.qualifiers
        self.qualifiers: dict[str, str] = {**quals.before, **quals.inside, **quals.after}
        before = alternation([k for k in quals.before if quals.before[k] != "exact"])
        inside = alternation(list(quals.inside))
        after = alternation(list(quals.after))
        joiners = alternation(q.range_joiners)
        self.scales = q.bare_scale.scales
        blocked = alternation(q.bare_scale.blocked_next)
        not_before = alternation(q.not_before)
        unit = rf"(?P<unit>{_unit_pattern(suffix_units)})"
        scale_alt = alternation(list(self.scales))
        # a hyphen after a number, a unit or a letter joins a range or a code (7%-8%,
        # 3亿-5亿元, A-3): no minus sign (see _signed_start)
        self.not_sign_after = frozenset("0123456789" + CHINESE_NUMERAL_CHARS + "%)）"
                                        + "".join(u.surface[-1] for u in q.units))
        self.pattern = compiled(
            rf"(?<!{not_before})(?P<before>{before})?(?:"
            rf"(?<![0-9{CHINESE_NUMERAL_CHARS}])(?P<punit>{_unit_pattern(prefix_units)}){_SPACE}(?P<pnum>{number}|百(?![分万亿千百]))"
            rf"|(?P<num>{number})(?P<small>(?<=[0-9])[千百])?(?P<scale1>{scale_alt})?"
            rf"(?:[ \t]?(?P<joiner>{joiners})[ \t]?(?P<num2>{number}))?"
            rf"(?P<scale2>{scale_alt})?(?P<inside>{inside})?{_SPACE}{unit}(?:{q.half_after_unit.pattern})?"
            rf"|(?P<hold>{q.placeholder.pattern})(?P<hunit>{alternation(suffix_units)})"
            rf"|(?P<bnum>{number})(?P<binside>{inside})?(?P<scale>{scale_alt})"
            rf"(?![万亿]|[余多]?(?:{blocked})|[A-Za-z0-9])"
            rf")(?P<after>{after})?"
        )
        # groups read by number: `regex` finds a group by its name in about 1 µs a call (a
        # match's 18 groups by number, all at once, in about 0.5)
        self.group_numbers: dict[str, int] = dict(self.pattern.groupindex)
        self.group_names = _group_names(self.pattern)
        self.money_cue = compiled(alternation(q.bare_scale.money_cues))
        self.governed_before = q.bare_scale.governed_before
        self.note_period = q.bare_scale.note_period
        self.max_digits = q.max_digits

    def __call__(self, text: str, offset: int = 0, layout: Layout | None = None) -> list[Quantity]:
        """Extract quantities from `text` (laid out as `layout`, when the caller has it);
        offsets are shifted by `offset`."""
        layout = layout if layout is not None and layout.text is text else Layout(text)
        found = []
        scale = self.group_numbers["scale"]
        matches = list(self.pattern.finditer(text))
        # the bare amounts a money word governs (年计划2600万), and the segments (their starts)
        # holding one: their other bare amounts are items of the same note (总投4800万，本周68万)
        governed = {m.start() for m in matches if m.group(scale) and self._governed(text, m.start())}
        note_segments = {layout.unit_around(m.start(), m.end(), SEGMENT_END)[0]
                         for m in matches if m.start() in governed}
        for m in matches:
            if (m.group(scale) and not self._money_sentence(layout, m.start(), m.end())
                    and m.start() not in governed and not self._note_item(layout, m.start(), m.end(), note_segments)):
                continue
            q = self._build(m, offset)
            if q is not None:
                found.append(q)
        return found

    def _money_sentence(self, layout: Layout, start: int, end: int) -> bool:
        """A bare 万/亿 counts as money only in a segment about money."""
        s, e = layout.unit_around(start, end, SEGMENT_END)
        return self.money_cue.search(layout.text, s, e) is not None

    def _governed(self, text: str, start: int) -> bool:
        """A money word right before a bare 万/亿 (年计划2600万, 累计完成2140万) makes it money."""
        return self.governed_before.search(text, max(0, start - 8), start) is not None

    def _note_item(self, layout: Layout, start: int, end: int, note_segments: set[int]) -> bool:
        """A bare amount labelled only by a period in its clause (本周68万, 上月52万) in a
        segment where a money word governs another bare amount (`note_segments`): an item of
        that note."""
        if layout.unit_around(start, end, SEGMENT_END)[0] not in note_segments:
            return False
        return self.note_period.search(layout.text[layout.clause_start(start):start]) is not None

    def _build(self, m: regex.Match[str], offset: int) -> Quantity | None:
        g = dict(zip(self.group_names, m.groups()))
        at = self.group_numbers
        qualifier = None
        for group in ("before", "inside", "binside", "after"):
            if g[group]:
                qualifier = self.qualifiers[g[group]]
        if g["hold"]:
            unit = self.units[g["hunit"]]
            return Quantity(unit.kind, None, None, unit.surface, qualifier,
                            offset + m.start(), offset + m.end(), self.rule_ids.placeholder)
        if g["scale"]:
            if sum(ch.isdigit() for ch in g["bnum"]) > self.max_digits:
                return None
            try:
                low, high, approx = _read_number(g["bnum"])
            except NumberError:
                return None
            scale = self.scales[g["scale"]]
            return Quantity(Kind.MONEY, low * scale, high * scale if high is not None else None,
                            g["scale"], qualifier or approx, offset + m.start(), offset + m.end(),
                            self.rule_ids.bare_scale)
        if g["punit"]:
            unit = self.units[_squeeze(g["punit"])]
            raw, raw_high = g["pnum"], None
            rule_id = self.rule_ids.prefix_unit.format(kind=unit.kind.value)
            if _ascii_alnum(m.string[m.end(at["pnum"]):m.end(at["pnum"]) + 1]):
                return None      # 百分之8K, 百分之3A: a code, not a share
        else:
            unit = self.units[_squeeze(g["unit"])]
            raw, raw_high = g["num"], g["num2"]
            rule_id = (self.rule_ids.number_unit_range if raw_high else self.rule_ids.number_unit).format(
                kind=unit.kind.value)
            if unit.arabic_only and not raw[0].isdigit() and not (g["scale1"] or g["scale2"] or raw[-1] in "万萬亿億"):
                return None      # 三方 is three parties; 二十三万方 is a volume
            if unit.surface.isascii() and unit.surface[-1].isalpha():
                nxt = m.string[m.end(at["unit"]):m.end(at["unit"]) + 1]
                if nxt and nxt.isascii() and (nxt.isalnum() or nxt in "²³"):   # 250m at the very end is fine
                    return None
            if unit.kind is Kind.LENGTH and self.not_length_after.match(m.string, m.end(at["unit"])):
                return None      # a speed (80公里/小时), not a length
            if unit.surface == "%" and _url_encoded(m.string, m.start(at["num"]), m.end(at["unit"])):
                return None      # %25%20: URL encoding, not a percent
        scale1, scale2 = g["scale1"] or "", g["scale2"] or ""
        if raw_high:        # 3-5亿元 shares its scale; 3亿至5亿元 writes both
            low_scale = self._scale(scale1 or scale2)
            unit_raw = scale2 + unit.surface
        else:               # 1.2万亿元: the scales multiply; 5千平米: so does 千 after digits
            small = g["small"] or ""
            low_scale = _SMALL_SCALES.get(small, _ONE) * self._scale(scale1) * self._scale(scale2)
            unit_raw = small + scale1 + scale2 + unit.surface
        if sum(ch.isdigit() for ch in raw + (raw_high or "")) > self.max_digits:
            return None          # an identifier or junk, not an amount
        if _broken(raw) or (raw_high and _broken(raw_high)):
            if raw_high or "." not in raw:
                return Quantity(unit.kind, None, None, unit_raw, qualifier, offset + m.start(), offset + m.end(),
                                self.rule_ids.broken_number.format(kind=unit.kind.value))
        try:
            low, approx_high, approx = _read_number(raw)
            high = parse_number(raw_high) * self._scale(scale2) * unit.factor if raw_high else None
        except NumberError:
            return None
        if approx_high is not None:
            high = approx_high * low_scale * unit.factor
        if g["half"] and unit.kind in _HALF_KINDS and high is None and low == low.to_integral_value():
            low += Decimal("0.5")        # 三公里半
        value = low * low_scale * unit.factor
        if high is not None and high < value:
            return None          # 2-1 is not a range; most likely a date or an identifier
        start = m.start()
        if g["num"] and not g["before"]:
            start = self._signed_start(m.string, start)
            if start < m.start():
                value = -value           # 增长-3.2%, 负2.5公里: the sign of the first number
        end = m.end() if g["half"] is None or unit.kind in _HALF_KINDS else m.start(at["half"])
        return Quantity(unit.kind, value, high, unit_raw, qualifier or approx,
                        offset + start, offset + end, rule_id)

    def _signed_start(self, text: str, start: int) -> int:
        """Where a number starting at `start` really starts: earlier when a minus sign or a
        negative word (`negative_words`) stands before it (-3.2%, 负2.5公里). Checked here
        rather than in the pattern, which it would slow down at every place it tries."""
        if start == 0:
            return start
        for word in self.negative_words:
            if text.startswith(word, start - len(word)) and start >= len(word):
                return start - len(word)
        before = text[start - 1]
        if before != "-":
            return start
        joined = start >= 2 and (text[start - 2] in self.not_sign_after or _ascii_letter(text[start - 2]))
        return start if joined else start - 1

    def _scale(self, word: str) -> Decimal:
        return self.scales[word] if word else _ONE


_HALF_KINDS = {Kind.LENGTH, Kind.AREA, Kind.VOLUME}
_SMALL_SCALES = {"千": Decimal(1000), "百": Decimal(100)}
_ONE = Decimal(1)


def _group_names(pattern: regex.Pattern[str]) -> tuple[str, ...]:
    """The name of each group of `pattern` in the order of their numbers, as `groups()` gives
    them ("" for a group without a name)."""
    names = dict.fromkeys(range(1, pattern.groups + 1), "")
    for name, number in pattern.groupindex.items():
        names[number] = name
    return tuple(names.values())


_BROKEN_SPACE = regex.compile(r"[0-9] [0-9]{1,2}$")


def _broken(raw: str) -> bool:
    """`raw` is a number broken by a stray space (`_BROKEN`), not one grouped in thousands."""
    return " " in raw and _BROKEN_SPACE.search(raw) is not None


def _read_number(raw: str) -> tuple[Decimal, Decimal | None, str | None]:
    """(value, high end, qualifier) of a written number: 四五十 is the approximate range
    40-50, anything else one value."""
    pair = approximate_range(raw) if not raw[0].isdigit() else None
    if pair is not None:
        return pair[0], pair[1], "approx"
    return parse_number(raw), None, None


def _url_encoded(text: str, number_start: int, percent_end: int) -> bool:
    """The number and its % are part of URL encoding (%E4%BD%A0, q=30%25%20)."""
    return (number_start > 0 and _URL_ESCAPE_BEFORE.match(text, number_start - 1) is not None) \
        or _URL_ESCAPES_AFTER.match(text, percent_end) is not None


def _squeeze(unit: str) -> str:
    """A unit as written without the spaces it may have (个 百分点 -> 个百分点)."""
    return unit.replace(" ", "").replace("\t", "")


def _ascii_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()
