r"""Sentence splitting on Chinese sentence punctuation and line breaks.

>>> [(s.start, s.end, s.paragraph) for s in split_sentences("总投资5亿元。已完工！\n下一段")]
[(0, 7, 0), (7, 11, 0), (12, 15, 1)]
>>> [(s.start, s.end, s.paragraph) for s in split_sentences("总投资5亿元\u2028已完工\u2029下一段")]
[(0, 7, 0), (7, 11, 1), (11, 14, 2)]
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache

import regex

from pipeline.text.punctuation import CLAUSE_MARKS, LINE_BREAKS, SENTENCE_MARKS
from pipeline.types import Sentence

# The longest sentence the stages see (`Layout.long_sentence_cuts`): the sentences of real
# reports reach about 420 characters (the 72 long reports of the corpus and both gold sets).
LONGEST_SENTENCE = 1000

# U+2028, U+2029 and U+0085 are line breaks too (normalisation folds them to \n; text
# that did not pass through it is split the same way)
_SENTENCE_END = regex.compile(rf"[{SENTENCE_MARKS}]+[”’」』]?|[{LINE_BREAKS}]+")


class CharIndex:
    """Where the characters of a set occur in one text: the last one before a place and
    the first one after it by bisection, instead of one rfind/find per character (which
    scans the whole text for a character that is not there: quadratic time on long texts).

    Given `among`, the index of a superset of the characters in the same text, the text is
    not scanned: a look-up walks from the nearest mark of the superset to the nearest of
    its own (a few steps: a sentence holds a few commas), and the positions are picked
    from the superset's only when they are asked for, or when a walk runs long.

    >>> idx = CharIndex("甲，乙。丙", "，。")
    >>> idx.last_before(4), idx.last_before(1), idx.first_from(2), idx.first_from(4)
    (3, -1, 3, -1)
    >>> sub = CharIndex("甲，乙。丙", "。", among=idx)
    >>> sub.last_before(3), sub.last_before(4), sub.first_from(1), sub.first_from(4), list(sub.positions)
    (-1, 3, 3, -1, [3])
    """

    def __init__(self, text: str, chars: str, among: CharIndex | None = None) -> None:
        self.text = text
        self._chars = frozenset(chars)
        self._among = among.positions if among is not None else None
        self._positions: array[int] | None = None
        if among is None:
            # machine integers, 4 bytes each below 2**31 characters (a big document holds one
            # mark every ten characters or so), straight from the scan: no character or int
            # object per mark on the way
            code = "i" if len(text) < 2**31 else "q"
            self._positions = array(code, map(_START, _mark_pattern(chars).finditer(text)))

    @property
    def positions(self) -> array[int]:
        """Every position of one of the characters, ascending."""
        if self._positions is None:
            among = self._among
            assert among is not None
            text, chars = self.text, self._chars
            # from lists, a slice of the marks at a time: an array grows from an iterator
            # (compress over two maps) more slowly, and a list of all of them would hold an
            # int object per mark at once (0.4 MB per MB of text)
            positions = array(among.typecode)
            for lo in range(0, len(among), _PICK_CHUNK):
                positions.fromlist([pos for pos in among[lo:lo + _PICK_CHUNK] if text[pos] in chars])
            self._positions = positions
        return self._positions

    def last_before(self, end: int) -> int:
        """``max(text.rfind(ch, 0, end) for ch in chars)``: -1 when there is none."""
        if self._positions is None:
            found = self._walk(end, -1)
            if found is not None:
                return found
        positions = self.positions
        i = bisect_left(positions, end)
        return positions[i - 1] if i else -1

    def first_from(self, pos: int) -> int:
        """The first position >= `pos` of one of the characters, -1 when there is none."""
        if self._positions is None:
            found = self._walk(pos, 1)
            if found is not None:
                return found
        positions = self.positions
        i = bisect_left(positions, pos)
        return positions[i] if i < len(positions) else -1

    def _walk(self, pos: int, step: int) -> int | None:
        """The answer of `last_before(pos)` (step -1) or `first_from(pos)` (step 1) read by
        walking the superset's marks from `pos`; None when the walk runs past `_WALK` marks
        (the caller then picks all positions once: no look-up walks a long way)."""
        among, text, chars = self._among, self.text, self._chars
        assert among is not None
        i = bisect_left(among, pos)
        if step < 0:
            i -= 1
        for _ in range(_WALK):
            if i < 0 or i >= len(among):
                return -1
            if text[among[i]] in chars:
                return among[i]
            i += step
        return None


# marks of the superset looked at per list when positions are picked from it
_PICK_CHUNK = 4096
# marks of the superset past which a look-up stops walking (`CharIndex._walk`)
_WALK = 32
_START = re.Match.start
_INDEXES: dict[str, CharIndex] = {}


@lru_cache(maxsize=64)
def _mark_pattern(chars: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(chars) + "]")


def char_index(text: str, chars: str) -> CharIndex:
    """The `CharIndex` of `chars` in `text`, kept for the last text asked about. The clause
    marks' index (which the layout builds from a scan of every document) serves the sets
    of marks within it (a sentence's, a segment's end …) without a scan of their own."""
    index = _INDEXES.get(chars)
    if index is None or index.text is not text:
        among = char_index(text, CLAUSE_MARKS) if chars != CLAUSE_MARKS and set(chars) <= _CLAUSE_MARK_SET else None
        index = _INDEXES[chars] = CharIndex(text, chars, among)
    return index


_CLAUSE_MARK_SET = frozenset(CLAUSE_MARKS)


def forget_indexes(text: str) -> None:
    """Drop the indexes `char_index` keeps of `text`, once its document is done: they held
    the text and its marks' positions until the next document (a worker's last big document
    kept 0.9 MB per MB of its text while its rows were sent, and after)."""
    for chars in [chars for chars, index in _INDEXES.items() if index.text is text]:
        del _INDEXES[chars]


def long_sentences(text: str, longer_than: int) -> Iterator[tuple[int, int]]:
    """(start, end) of the sentences `split_sentences` gives that are longer than
    `longer_than` characters, without making a `Sentence` of every sentence (a big
    document's layout held 0.9 MB of them per MB of text only to find the long ones).

    >>> list(long_sentences("甲乙。丙丁戊己庚辛。\\n壬", 5))
    [(3, 10)]
    """
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if end - start > longer_than and text[start:end].strip():
            yield start, end
        start = end
    if len(text) - start > longer_than and text[start:].strip():
        yield start, len(text)


def split_sentences(text: str) -> list[Sentence]:
    """Split into sentences; a blank line or a line break starts a new paragraph."""
    sentences: list[Sentence] = []
    start = 0
    paragraph = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if text[start:end].strip():
            sentences.append(Sentence(start, end, paragraph))
        if m.group()[-1] in LINE_BREAKS:
            paragraph += 1
        start = end
    if text[start:].strip():
        sentences.append(Sentence(start, len(text), paragraph))
    return sentences
