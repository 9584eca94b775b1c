"""Normalisation: fold full-width forms and odd spaces, map traditional to simplified,
drop what shows nothing (zero-width and bidi marks, soft hyphens), pinyin glosses and the
hard line breaks of text wrapped at a fixed width (PDFs).

The normalised text has the same characters as the stored text, one for one, except
where characters were dropped; `Doc` records those places so every offset maps back.

>>> from pipeline.rules.loader import load_rules
>>> doc = normalise("d", "重點(diǎn)項目１２億元", load_rules())
>>> doc.norm
'重点项目12亿元'
>>> doc.original_span(0, 4), doc.text[0:10]
((0, 10), '重點(diǎn)項目')
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import regex

from pipeline.rules.configs import PageChrome
from pipeline.rules.loader import RuleSet
from pipeline.text.punctuation import SPACES
from pipeline.types import Doc


@lru_cache(maxsize=1)
def _opencc_characters() -> dict[int, str]:
    """One-to-one traditional -> simplified characters from OpenCC's dictionary, where the
    simplified one is a common character (the basic CJK block): a rare character written in a
    simplified report (巘, 鐏 in a place's name) stays as written, not turned into a form from the
    extension blocks (𪩘, 𨱔) that neither the report nor its reader uses."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 2:
            continue
        trad, simp = parts[0], parts[1].split(" ")[0]
        if len(trad) == 1 and len(simp) == 1 and trad != simp and "\u4e00" <= simp <= "\u9fff":
            table[ord(trad)] = simp
    return table


@lru_cache(maxsize=4)
def _translation_table(rules: RuleSet) -> dict[int, str]:
    keep = set(rules.normalise.keep_fullwidth)
    table = dict(_opencc_characters())
    for code in range(0xFF01, 0xFF5F):
        if chr(code) not in keep:
            table[code] = chr(code - 0xFEE0)
    for src, dst in rules.normalise.fold.items():     # one character to one (checked at load)
        table[ord(src)] = dst
    return table


@lru_cache(maxsize=4)
def _gloss_pattern(rules: RuleSet) -> regex.Pattern[str]:
    # A gloss follows a Han character; requiring that keeps (a) (b) list markers intact.
    return regex.compile(r"(?<=\p{Han})" + rules.normalise.pinyin_gloss.pattern)


@lru_cache(maxsize=4)
def _replacements(rules: RuleSet) -> dict[str, str]:
    return {chr(code): char for code, char in _translation_table(rules).items()}


@lru_cache(maxsize=4)
def _replaceable(rules: RuleSet) -> re.Pattern[str]:
    """Any one character of the table below U+10000, as one `re` character class (a
    bitmap: a fast scan). The table's characters above it would make `re` try each place
    the slow way; texts that hold any go through ``str.translate`` instead."""
    chars = sorted(c for c in _replacements(rules) if c <= "\uffff")
    return re.compile("[" + "".join(map(re.escape, chars)) + "]") if chars else re.compile("(?!)")


# characters beyond the Basic Multilingual Plane (rare: some traditional characters)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def to_simplified(text: str, rules: RuleSet) -> str:
    """Fold and simplify without dropping anything (same length as the input): each
    character through the table once, as ``text.translate(_translation_table(rules))``."""
    if _ASTRAL.search(text) is not None:
        return text.translate(_translation_table(rules))
    # Most characters of a report are in no table: one scan for those that are and a
    # look-up for each of them takes a tenth of translating every character (or of
    # collecting the text's characters to see which it holds); one pass, as translate
    # (薴 -> 苧 stays 苧, though 苧 -> 苎 is in the table too)
    replacements = _replacements(rules)
    return _replaceable(rules).sub(lambda m: replacements[m[0]], text)


def normalise(doc_id: str, text: str, rules: RuleSet) -> Doc:
    """Build the `Doc` the extractors read from a document's stored text."""
    folded = to_simplified(text, rules)
    if "，" in folded:
        folded = _fold_thousands_commas(text, folded)
    folded, mixed_marks = _read_marks(folded, rules)
    gaps = _ocr_gaps(text, folded, mixed_marks, rules)
    dropped = _merge([*_invisible(folded, rules), *_glosses(folded, rules), *gaps,
                      *_breaks_across_pages(folded, rules, gaps), *_page_chrome(folded, rules)])
    if not dropped:
        return Doc(doc_id, text, folded)
    return _without(doc_id, text, folded, dropped)


Ranges = list[tuple[int, int]]

# １，２００万元: a full-width comma between full-width digits, three after it, is a
# thousands separator; anywhere else ， stays a clause mark (3，500 may be a list).
_FULLWIDTH_THOUSANDS = regex.compile(r"[０-９]，(?=[０-９]{3}(?![０-９0-9]))")


def _fold_thousands_commas(text: str, folded: str) -> str:
    places = [m.start() + 1 for m in _FULLWIDTH_THOUSANDS.finditer(text)]
    if not places:
        return folded
    # the text between the commas in slices: a list of its characters held one string object
    # per character (76 bytes each for Han), 30 MB at its peak per MB of text
    pieces: list[str] = []
    last = 0
    for i in places:
        pieces += (folded[last:i], ",")
        last = i + 1
    pieces.append(folded[last:])
    return "".join(pieces)


@lru_cache(maxsize=4)
def _invisible_pattern(rules: RuleSet) -> regex.Pattern[str]:
    return regex.compile(rules.normalise.invisible.pattern + "+")


def _invisible(folded: str, rules: RuleSet) -> Ranges:
    # most texts hold none: a substring test per character (a fast C search each) is
    # cheaper than a regex scan
    if not any(char in folded for char in rules.normalise.invisible_chars):
        return []
    return [m.span() for m in _invisible_pattern(rules).finditer(folded)]


def _glosses(folded: str, rules: RuleSet) -> Ranges:
    return [m.span() for m in _gloss_pattern(rules).finditer(folded)]


@dataclass(frozen=True)
class ProseWrap:
    """rules/normalise.yaml `hard_breaks.prose_*`: a line of prose cut off mid-sentence."""

    min_chars: int
    mark: regex.Pattern[str]            # a mark only prose holds (，。；)
    end: regex.Pattern[str]             # how a cut-off line ends (a Han character or a digit)
    next: regex.Pattern[str]            # how the line that goes on opens (a Han character)
    heading_end: regex.Pattern[str]     # a heading line holding this goes on as prose (。)
    table_row: regex.Pattern[str]       # a line holding this is a table's row (a space between Han)
    byline: regex.Pattern[str]          # a line ending in this ends in a byline (。(记者 某某))


@dataclass(frozen=True)
class _BreakRules:
    """rules/normalise.yaml `hard_breaks`, compiled."""

    line_end: regex.Pattern[str]        # the last character of a line that may be wrapped
    line_start: regex.Pattern[str]      # the first character of a line that goes on
    number_end: regex.Pattern[str]      # a number's last character before a break ...
    unit_start: regex.Pattern[str]      # ... and a unit's or scale's first after it
    number_cut_left: regex.Pattern[str]     # a number cut inside itself: its part ending a line ...
    number_cut_right: regex.Pattern[str]    # ... and its part opening the next, up to a unit
    # a money-role cue a break may fall in: its parts, by the characters either side
    cue_cuts: dict[tuple[str, str], tuple[tuple[str, str], ...]]
    # a money-role cue an amount follows at once, cut by a break inside it or right after
    # it (right part ""): its parts, filed under the character before the break
    amount_cue_cuts: dict[str, tuple[tuple[str, str], ...]]
    amount_start: regex.Pattern[str]
    heading: regex.Pattern[str]
    prose: ProseWrap
    min_lines: int
    min_share: float
    min_wraps: int
    min_chars: int
    min_full_width: int
    max_width_chars: int
    slack: int
    # number_end and unit_start, one character at a time, remembered (a report has a few
    # hundred breaks: a pattern's match each costs more than the rest of the look)
    _ends_number: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)
    _starts_unit: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    def ends_number(self, char: str) -> bool:
        if (known := self._ends_number.get(char)) is None:
            known = self._ends_number[char] = self.number_end.fullmatch(char) is not None
        return known

    def starts_unit(self, char: str) -> bool:
        if (known := self._starts_unit.get(char)) is None:
            known = self._starts_unit[char] = self.unit_start.fullmatch(char) is not None
        return known


@lru_cache(maxsize=4)
def _break_rules(rules: RuleSet) -> _BreakRules:
    hb = rules.normalise.hard_breaks
    return _BreakRules(
        line_end=hb.line_end, line_start=hb.line_start,
        number_end=hb.number_end, unit_start=hb.unit_start,
        number_cut_left=hb.number_cut_left, number_cut_right=hb.number_cut_right,
        cue_cuts=_cue_cuts(rules, hb.cue_min_chars),
        amount_cue_cuts=_amount_cue_cuts(rules, hb.cue_min_chars), amount_start=hb.amount_start,
        heading=hb.heading_start,
        prose=ProseWrap(hb.prose_min_chars, hb.prose_mark, hb.prose_end, hb.prose_next, hb.prose_heading_end,
                        hb.prose_table_row, hb.prose_byline),
        min_lines=hb.min_wrapped_lines, min_share=float(hb.min_wrapped_share),
        min_wraps=hb.min_wraps, min_chars=hb.min_line_chars, min_full_width=hb.min_full_width,
        max_width_chars=hb.max_width_chars, slack=hb.slack)


def _cue_cuts(rules: RuleSet, min_chars: int) -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """Every way a line break can fall inside a money-role cue of at least `min_chars`
    characters, but not between two words that are cues themselves (年度计划\n投资 may be a
    heading's end and a line's start): (the cue's part before the break, the part after),
    filed under the two characters either side of the break: (计, 划) -> (年度计, 划投资), …"""
    words = {c for cues in rules.roles.roles.values() for c in (*cues.specific, *cues.generic)}
    cuts: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for cue in sorted(c for c in words if len(c) >= min_chars):
        for i in range(1, len(cue)):
            if cue[:i] not in words and cue[i:] not in words:
                cuts.setdefault((cue[i - 1], cue[i]), []).append((cue[:i], cue[i:]))
    return {pair: tuple(parts) for pair, parts in cuts.items()}


def _amount_cue_cuts(rules: RuleSet, min_chars: int) -> dict[str, tuple[tuple[str, str], ...]]:
    """Every way a line break can fall inside or right after a money-role cue of at least
    `min_chars` characters, cue words on both sides allowed (累计完成\n投资, 总投资\n): the
    cue's part before the break and the part after ("" at its end), filed under the
    character before the break. Joined only when the amount follows the cue at once."""
    words = {c for cues in rules.roles.roles.values() for c in (*cues.specific, *cues.generic)}
    cuts: dict[str, list[tuple[str, str]]] = {}
    for cue in sorted(c for c in words if len(c) >= min_chars):
        for i in range(1, len(cue) + 1):
            cuts.setdefault(cue[i - 1], []).append((cue[:i], cue[i:]))
    return {char: tuple(parts) for char, parts in cuts.items()}


def _line_breaks(folded: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every line break with text on both sides: from the spaces that end
    its line to just past the break (what is dropped when it is joined)."""
    newline = folded.find("\n")
    while newline >= 0:
        start, nxt = newline, newline + 1
        while start > 0 and folded[start - 1] in " \t\r":
            start -= 1
        if start > 0 and nxt < len(folded):
            yield start, nxt
        newline = folded.find("\n", nxt)


# what a number cut by a line break must read as once joined: digits, at most one point
# inside them (5.\n6 -> 5.6; 5.\n.6 or 5.6\n.7 are no number)
_NUMBER_CHARS = frozenset("0123456789.")
_ONE_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def _number_cut(folded: str, start: int, nxt: int, br: _BreakRules) -> bool:
    """The break cuts one number inside itself (累计完成投资5.\n6亿元, 总投资1\n2.5亿元): the
    part before ends a line of text, the part after goes on to a unit, and the two read as one
    number. Not an item number alone on its line (5.\n6亿元) nor a count (5.\n6个项目)."""
    right = br.number_cut_right.match(folded, nxt)
    if right is None:
        return False
    left = br.number_cut_left.search(folded, max(0, start - 24), start)
    return left is not None and _ONE_NUMBER.fullmatch(left.group() + right.group()) is not None


def _word_breaks(folded: str, br: _BreakRules) -> Ranges:
    """The line breaks that cut a number from its unit (3600\n万元) or inside itself
    (5.\n6亿元), fall inside a money-role cue (年度计\n划投资), or cut such a cue, or a cue from its amount, when the
    amount follows at once (累计完成\n投资75.8亿元, 总投资\n286.4亿元): joined whatever the
    lines' lengths, as typed text never breaks there."""
    out: Ranges = []
    for start, nxt in _line_breaks(folded):
        before, after = folded[start - 1], folded[nxt]
        if br.ends_number(before) and br.starts_unit(after):
            out.append((start, nxt))
        elif before in _NUMBER_CHARS and after in _NUMBER_CHARS and _number_cut(folded, start, nxt, br):
            out.append((start, nxt))
        elif (parts := br.cue_cuts.get((before, after))) and any(
                folded.endswith(left, 0, start) and folded.startswith(right, nxt) for left, right in parts):
            out.append((start, nxt))
        elif (parts := br.amount_cue_cuts.get(before)) and any(
                folded.endswith(left, 0, start) and folded.startswith(right, nxt)
                and br.amount_start.match(folded, nxt + len(right)) for left, right in parts):
            out.append((start, nxt))
    return out


def _soft_breaks(folded: str, br: _BreakRules) -> Iterator[tuple[int, int]]:
    """The line breaks that may be a wrap: the line ends with no punctuation and the next
    goes on at once, with no heading marker."""
    for start, nxt in _line_breaks(folded):
        if (br.line_end.match(folded, start - 1) and br.line_start.match(folded, nxt)
                and not br.heading.match(folded, nxt)):
            yield start, nxt


# a bracket closed on its line: its marks are a note's (甲小学（新建综合楼，面积2800平方米）
# over 乙中学 on the next line is a list's line, not prose cut off)
_BRACKET_NOTE = regex.compile(r"[（(][^（）()\n]*[）)]")


def _prose_breaks(folded: str, br: _BreakRules) -> Iterator[tuple[int, int]]:
    """The line breaks that cut a line of prose off mid-sentence, whatever the lines'
    lengths: the line holds a mark of prose outside its closed brackets and ends with no
    sentence end, is no heading (a heading marker first and no sentence end in it), no table
    row (a space between Han characters) and no byline, and the next line goes on in Han."""
    prose = br.prose
    for start, nxt in _soft_breaks(folded, br):
        line_start = folded.rfind("\n", 0, start) + 1
        line = folded[line_start:start].lstrip(SPACES)
        if (len(line) >= prose.min_chars and prose.end.search(line) and prose.next.match(folded, nxt)
                and prose.mark.search(_BRACKET_NOTE.sub("", line) if "）" in line or ")" in line else line)
                and not (br.heading.match(line) and not prose.heading_end.search(line))
                and not prose.byline.search(line) and not prose.table_row.search(line)):
            yield start, nxt


def _hard_breaks(folded: str, rules: RuleSet) -> Ranges:
    """Line breaks inside a wrapped sentence: the ranges (spaces and \\n) to drop."""
    if "\n" not in folded:
        return []
    br = _break_rules(rules)
    # a number cut from its unit (3600\n万元) or a cue cut (年度计\n划投资), whatever the lines' lengths
    word_cuts = _word_breaks(folded, br)
    cut_ends = {end for _, end in word_cuts}
    word_cuts = sorted(word_cuts + [(s, e) for s, e in _prose_breaks(folded, br) if e not in cut_ends])
    full = _wrap_widths(folded, br)
    if full is None:        # most texts: not wrapped at a fixed width
        return word_cuts
    cut_ends = {end for _, end in word_cuts}
    full_lines = [(s, e) for s, e in _soft_breaks(folded, br) if full.holds(folded[folded.rfind("\n", 0, s) + 1:s])]
    # a full line cut inside a phrase shows the wrapping as much as any other full line
    if len(full_lines) < br.min_wraps:
        return word_cuts    # a few full lines are chance, not wrapping
    return sorted(word_cuts + [(s, e) for s, e in full_lines if e not in cut_ends])


def _width(line: str) -> int:
    """A line's width in half characters: a Han character or a full-width form counts two, an
    ASCII one counts one (a PDF's full line of digits and Latin letters holds more characters
    than one of Han). From the UTF-8 length: 1 byte for ASCII, 3 for Han, (1 + 3) / 2 = 2."""
    return (len(line) + len(line.encode("utf-8", "surrogatepass"))) // 2


@dataclass(frozen=True)
class FullLine:
    """What a full line of a text wrapped at a fixed width is: at least `chars` characters,
    or at least `width` half characters wide (None: the text shows no such length). A PDF's
    digits and Latin letters are mostly half as wide as Han (its full lines of figures hold
    more characters), some fonts' are as wide (its lines hold as many): either shows."""

    chars: int | None
    width: int | None
    table_row: regex.Pattern[str]       # a line holding this is a table's row, never full (tab-parted cells too)

    def holds(self, line: str) -> bool:
        return ((self.chars is not None and len(line) >= self.chars)
                or (self.width is not None and _width(line) >= self.width)) and not self.table_row.search(line)


def _wrap_widths(folded: str, br: _BreakRules) -> FullLine | None:
    """What makes a line full, when the text is wrapped at a fixed width (PDF text): most long
    lines then have nearly the same length or width, while paragraph ends, titles and
    headings are shorter. None when the text shows no such length or width."""
    long_lines = [line for line in folded.split("\n") if len(line) >= br.min_chars]
    if len(long_lines) < br.min_lines:
        return None
    # lines narrower than `min_full_width` are a list's or a table's, not a page's
    chars = _common_length(list(map(len, long_lines)), br, br.slack, br.min_full_width // 2)
    width = _common_length([_width(line) if len(line) <= br.max_width_chars else 2 * len(line) for line in long_lines],
                           br, 2 * br.slack, br.min_full_width)
    if width is not None:
        # a table's rows padded with spaces to their columns are all as wide as each other
        # too: the width is looked for again without them (only here: the search for a
        # table's row in every line cost five times the rest)
        prose = [line for line in long_lines if not br.prose.table_row.search(line)]
        width = (_common_length(list(map(_width, prose)), br, 2 * br.slack, br.min_full_width)
                 if len(prose) >= br.min_lines else None)
    return None if chars is None and width is None else FullLine(chars, width, br.prose.table_row)


def _common_length(lengths: list[int], br: _BreakRules, slack: int, least: int) -> int | None:
    """The length from which a line counts as full, when most of `lengths` lie within
    `slack` of one length of at least `least`; None when no such length shows."""
    common = Counter(lengths)
    need = max(br.min_lines, br.min_share * len(lengths))
    if common.most_common(1)[0][1] * (2 * slack + 1) < need:
        return None         # most texts: no window of lengths can hold enough lines
    # the length with the most lines within `slack` of it (ties: the longer)
    near, best = max((sum(common.get(k, 0) for k in range(n - slack, n + slack + 1)), n) for n in common)
    return best - slack if near >= need and best >= least else None


@lru_cache(maxsize=4)
def _page_number_line(rules: RuleSet) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A line that is only a page's number: from the line break before it (`re` scans for a
    pattern's leading literal at C speed, about 0.5 ms per MB; at every line start with
    MULTILINE's ^, five times that), and the text's first line alone."""
    line = r"[ \t]*(?:" + rules.normalise.page_break.number.pattern + r")[ \t]*(?=\n|$)"
    return re.compile("\n" + line), re.compile(line)


def _page_number_lines(folded: str, rules: RuleSet) -> Ranges:
    """(start, end) of every line that is only a page's number, without its line break."""
    after_break, first_line = _page_number_line(rules)
    first = first_line.match(folded)
    return ([(0, first.end())] if first is not None else []) + [
        (m.start() + 1, m.end()) for m in after_break.finditer(folded)]


def _breaks_across_pages(folded: str, rules: RuleSet, gaps: Ranges = ()) -> Ranges:  # type: ignore[assignment]
    """The hard line breaks to join (`_hard_breaks`) and the lines of a text copy's page
    breaks to drop: a line that is only the page's number (- 3 -, 第3页 共9页), the running
    header beside it (a short line the text repeats whole) and the blank lines around them.
    The breaks are looked for as if the page break were not there, so a sentence that runs on
    over it is joined as one that runs on over a wrap, and as if OCR's `gaps` (dropped
    spaces) were not there: a line of prose with a gap read between two Han characters is no
    table row."""
    blocks = _page_breaks(folded, rules)
    if not blocks and not gaps:
        return _hard_breaks(folded, rules)
    if not blocks:
        ungapped = _without("", folded, folded, list(gaps))
        return [(ungapped.original_offset(s), ungapped.original_offset(e))
                for s, e in _hard_breaks(ungapped.norm, rules)]
    # the text without the page breaks, and its offsets back: the map a Doc keeps
    unpaged = _without("", folded, folded, _merge([*blocks, *gaps]))
    joined = [(unpaged.original_offset(s), unpaged.original_offset(e)) for s, e in _hard_breaks(unpaged.norm, rules)]
    return [*blocks, *joined]


def _page_breaks(folded: str, rules: RuleSet) -> Ranges:
    """Each page break's lines with their line ends: the page-number line, the blank lines
    around it and a running header or footer beside it (the same line of at most
    `header_max_chars`, no sentence end in it, next to at least `header_min_repeats` page
    numbers: beside one page number alone, a short line may be the next page's heading)."""
    pb = rules.normalise.page_break
    numbers = _page_number_lines(folded, rules)
    if not numbers:
        return []
    sides = [(_line_beside(folded, start, -1), _line_beside(folded, end, 1)) for start, end in numbers]
    seen = Counter(folded[a:b].strip() for pair in sides for a, b in pair if b > a)
    running = {line for line, n in seen.items()
               if n >= pb.header_min_repeats and len(line) <= pb.header_max_chars and "。" not in line}
    blocks: Ranges = []
    for (start, end), (before, after) in zip(numbers, sides):
        start = _blank_lines_before(folded, start)
        end = _blank_lines_after(folded, end)
        if before[1] > before[0] and folded[before[0]:before[1]].strip() in running:
            start = _blank_lines_before(folded, before[0])
        if after[1] > after[0] and (folded[after[0]:after[1]].strip() in running
                                    or _header_inside_sentence(folded, before, after, rules)):
            end = _blank_lines_after(folded, after[1])
        if blocks and start <= blocks[-1][1]:
            blocks[-1] = (blocks[-1][0], max(end, blocks[-1][1]))
        else:
            blocks.append((start, end))
    return blocks


def _header_inside_sentence(folded: str, before: tuple[int, int], after: tuple[int, int], rules: RuleSet) -> bool:
    """The line after a page number is the next page's running header, seen once: a short
    line with no mark of prose, between a line that stops mid-sentence (no sentence end) and
    one that goes on with it (no heading marker): a heading does not come inside a sentence."""
    br = _break_rules(rules)
    line = folded[after[0]:after[1]].strip()
    if (before[1] <= before[0] or len(line) > rules.normalise.page_break.header_max_chars
            or br.prose.mark.search(line) or not br.line_end.match(folded, before[1] - 1)):
        return False
    nxt = _line_beside(folded, after[1], 1)
    return (nxt[1] > nxt[0] and br.line_start.match(folded, nxt[0]) is not None
            and br.heading.match(folded, nxt[0]) is None)


def _blank_lines_before(folded: str, start: int) -> int:
    """The start of the blank lines right before the line starting at `start` (or `start`)."""
    while start > 0:
        before = folded.rfind("\n", 0, start - 1) + 1
        if folded[before:start - 1].strip():
            break
        start = before
    return start


def _blank_lines_after(folded: str, end: int) -> int:
    """Past the line break of the line ending at `end` and the blank lines after it."""
    end = min(end + 1, len(folded))
    while end < len(folded):
        after = folded.find("\n", end)
        after = len(folded) if after < 0 else after
        if folded[end:after].strip():
            break
        end = min(after + 1, len(folded))
    return end


def _line_beside(folded: str, at: int, step: int) -> tuple[int, int]:
    """(start, end) of the nearest line with text before (step -1) the line starting at `at`
    or after (step 1) the one ending at `at`; (0, 0) when there is none."""
    if step < 0:
        end = _blank_lines_before(folded, at) - 1
        if end < 0:
            return 0, 0
        return folded.rfind("\n", 0, end) + 1, end
    start = _blank_lines_after(folded, at)
    if start >= len(folded):
        return 0, 0
    end = folded.find("\n", start)
    return start, len(folded) if end < 0 else end


# ---------------------------------------------------------------- OCR text


def _read_marks(folded: str, rules: RuleSet) -> tuple[str, int]:
    """ASCII marks between Han characters as their Chinese forms (施工.下一步 -> 施工。下一步):
    one character for one, so every offset stays. A full stop always; a comma, semicolon or
    colon where the document writes that mark's Chinese form elsewhere too (a mixture: a
    typist who types ASCII marks types them all, and the stages read those as marks). Also
    how many were read so in a mixture: OCR's evidence."""
    ocr = rules.normalise.ocr
    if not any(mark in folded for mark in ocr.marks):
        return folded, 0
    found = [m.start() for m in ocr.mark.finditer(folded)]
    if not found:
        return folded, 0
    kinds = Counter(folded[i] for i in found)
    mixed = {mark for mark in kinds if folded.count(ocr.marks[mark]) >= ocr.mixed_min_fullwidth}
    places = [i for i in found if folded[i] in mixed or folded[i] in ocr.always_read]
    pieces: list[str] = []
    last = 0
    for i in places:
        pieces += (folded[last:i], ocr.marks[folded[i]])
        last = i + 1
    pieces.append(folded[last:])
    return "".join(pieces), sum(kinds[mark] for mark in mixed)


_HAN_PAIR = regex.compile(r"\p{Han}(?=\p{Han})")


def _ocr_gaps(text: str, folded: str, mixed_marks: int, rules: RuleSet) -> Ranges:
    """The spaces OCR read into the text, to drop: the gaps of a letter-spaced line (any
    document), and, in a document the evidence shows to be OCR text (rules/normalise.yaml
    `ocr`: `mixed_marks` and what the gaps show), the gaps between Han characters in a line
    that is no table row and every gap inside a number before its unit. Only spaces typed as
    ASCII spaces count: an ideographic space (U+3000) is a typist's, between a table's cells."""
    ocr = rules.normalise.ocr
    if " " not in text:
        return []
    lines: dict[int, list[tuple[int, int]]] = {}
    line_start, line_end = 0, -1     # the line of the last gap (its end: -1 before the first)
    for m in ocr.spaced.finditer(folded):
        if text[m.start():m.end()].strip(" ") == "":
            if m.start() > line_end:     # each line found once (a search back per gap: quadratic)
                line_start = folded.rfind("\n", 0, m.start()) + 1
                line_end = folded.find("\n", m.start())
                line_end = len(folded) if line_end < 0 else line_end
            lines.setdefault(line_start, []).append(m.span())
    out: Ranges = []
    evidence = mixed_marks
    prose_gaps: Ranges = []
    for line_start, line_gaps in lines.items():
        line_end = folded.find("\n", line_start)
        line = folded[line_start:len(folded) if line_end < 0 else line_end]
        pairs = len(_HAN_PAIR.findall(line))
        if (len(line_gaps) >= ocr.letter_spaced_min_gaps
                and len(line_gaps) >= ocr.letter_spaced_min_share * (len(line_gaps) + pairs)):
            out += line_gaps
            evidence += 1
            continue
        if ocr.table_row.search(line):
            continue
        singles = [(s, e) for s, e in line_gaps if e - s == 1]
        stretches = _spaced_stretches(singles, ocr.stretch_min_gaps)
        in_stretch = set(stretches)
        loose = [gap for gap in singles if gap not in in_stretch]
        evidence += len(stretches) // ocr.stretch_min_gaps
        prose_gaps += stretches
        if len(loose) <= ocr.max_loose_gaps:     # more: a row of cells parted by single spaces
            prose_gaps += loose
            if rules.normalise.hard_breaks.prose_mark.search(line):
                evidence += len(loose)
    if evidence < ocr.min_evidence or 1000 * evidence < ocr.min_evidence_per_thousand * len(folded):
        return out
    out += prose_gaps
    for m in ocr.number_split.finditer(folded):
        out += [(i, i + 1) for i in range(m.start(), m.end()) if folded[i] in " \n"]
    return _merge(out)


def _spaced_stretches(gaps: Ranges, min_gaps: int) -> Ranges:
    """The gaps of each run of at least `min_gaps` gaps with one character between each two
    (重 点 项 目: three), out of a line's single gaps in order."""
    out: Ranges = []
    run: Ranges = []
    for gap in gaps:
        if run and gap[0] != run[-1][1] + 1:
            if len(run) >= min_gaps:
                out += run
            run = []
        run.append(gap)
    if len(run) >= min_gaps:
        out += run
    return out


@lru_cache(maxsize=4)
def _chrome_gate(rules: RuleSet) -> re.Pattern[str]:
    # `re` over literal words: a third of the cost of `regex`
    return re.compile("|".join(map(re.escape, rules.normalise.page_chrome.gate)))


def _page_chrome(folded: str, rules: RuleSet) -> Ranges:
    """The lines of a web page's furniture (上一篇：…, 来源：…, a 相关新闻 list of other pages'
    titles): their text, without the line's break, is dropped from the matching text."""
    chrome = rules.normalise.page_chrome
    out: Ranges = []
    done = -1       # the end of the last line looked at
    # the gate's words over the whole text, then their lines: a loop over every line
    # costs more than this one search (about 5 ms per MB of text)
    for hit in _chrome_gate(rules).finditer(folded):
        if hit.start() < done:
            continue
        start = folded.rfind("\n", 0, hit.start()) + 1
        end = folded.find("\n", hit.start())
        done = end = len(folded) if end < 0 else end
        if (span := _chrome_line(folded, start, end, chrome.line, chrome)) is not None:
            out.append(span)
        elif (span := _chrome_line(folded, start, end, chrome.list_head, chrome)) is not None:
            out.append(span)
            items, done = _chrome_list(folded, end, chrome)
            out += items
    return out


def _chrome_line(folded: str, start: int, end: int, pattern: regex.Pattern[str],
                 chrome: PageChrome) -> tuple[int, int] | None:
    """The line's text without its blanks either side, when `pattern` finds it furniture."""
    while start < end and folded[start] in " \t\r":
        start += 1
    while end > start and folded[end - 1] in " \t\r":
        end -= 1
    if end - start > chrome.max_chars or start == end:
        return None
    line = folded[start:end]
    if chrome.prose.search(line) or not pattern.search(line):
        return None
    return start, end


def _chrome_list(folded: str, end: int, chrome: PageChrome) -> tuple[Ranges, int]:
    """The items of a list of other pages after its head (ending at `end`): each line that is
    blank or an item, up to the first that is neither. Returns them and where the list ends."""
    items: Ranges = []
    while end < len(folded):
        start = end + 1
        end = folded.find("\n", start)
        end = len(folded) if end < 0 else end
        if not folded[start:end].strip():
            continue
        span = _chrome_line(folded, start, end, chrome.list_item, chrome)
        if span is None:
            return items, start
        items.append(span)
    return items, end


def _merge(ranges: Ranges) -> Ranges:
    """Sorted, non-overlapping ranges (adjacent ones joined)."""
    merged: Ranges = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _without(doc_id: str, text: str, folded: str, dropped: Ranges) -> Doc:
    """The Doc whose normalised text is `folded` without the `dropped` ranges."""
    pieces: list[str] = []
    removed_at: list[int] = []
    removed_total: list[int] = []
    last = total = 0
    for start, end in dropped:
        pieces.append(folded[last:start])
        removed_at.append(start - total)    # where the drop is, in normalised offsets
        total += end - start
        removed_total.append(total)
        last = end
    pieces.append(folded[last:])
    return Doc(doc_id, text, "".join(pieces), tuple(removed_at), tuple(removed_total))
