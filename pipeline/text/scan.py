"""Scanning a text with a rule pattern, on whichever regular-expression engine is faster.

Rule patterns are compiled with `regex` (the reference: it knows ``\\p{Han}`` and
variable-width look-behinds). Python's own `re` accepts most of them as well and, for a
pattern that starts with a plain alternation of words, scans two to three times faster;
for a pattern that starts with an optional part, `regex` is the faster by as much. Which
one wins depends on the pattern and the text, so `SpanScanner` measures: the first
documents are scanned with both engines, which must find the same spans, and from then
on only the faster is used. Any disagreement keeps `regex` for good.

>>> import regex
>>> scan = SpanScanner(regex.compile("已竣工|开工"))
>>> [scan.spans("甲已竣工，乙开工。") for _ in range(3)][-1]
[(1, 4), (6, 8)]
"""

from __future__ import annotations

import re
from time import perf_counter

import regex

# flags that mean the same in both engines (regex.V0 is its re-compatible default)
_SHARED_FLAGS = {regex.IGNORECASE: re.IGNORECASE, regex.MULTILINE: re.MULTILINE,
                 regex.DOTALL: re.DOTALL, regex.VERBOSE: re.VERBOSE, regex.UNICODE: re.UNICODE,
                 regex.ASCII: re.ASCII}
_IGNORED_FLAGS = regex.V0


class SpanScanner:
    """The (start, end) spans of ``pattern.finditer(text)``, on the faster engine."""

    trials = 8          # documents scanned with both engines before choosing

    def __init__(self, pattern: regex.Pattern[str]) -> None:
        self.reference = pattern
        self.alternative = _as_re(pattern)
        self.chosen: regex.Pattern[str] | re.Pattern[str] | None = (
            None if self.alternative is not None else pattern)
        self._seconds = [0.0, 0.0]
        self._scanned = 0

    def spans(self, text: str) -> list[tuple[int, int]]:
        if self.chosen is not None:
            return [m.span() for m in self.chosen.finditer(text)]
        assert self.alternative is not None
        t0 = perf_counter()
        spans = [m.span() for m in self.reference.finditer(text)]
        t1 = perf_counter()
        other = [m.span() for m in self.alternative.finditer(text)]
        t2 = perf_counter()
        if other != spans:
            self.chosen = self.reference        # the engines read it differently: keep regex
            return spans
        self._seconds[0] += t1 - t0
        self._seconds[1] += t2 - t1
        self._scanned += 1
        if self._scanned >= self.trials:
            self.chosen = self.alternative if self._seconds[1] < self._seconds[0] else self.reference
        return spans


def _as_re(pattern: regex.Pattern[str]) -> re.Pattern[str] | None:
    """The same pattern compiled by `re`, or None when `re` cannot take it."""
    flags = 0
    rest = pattern.flags & ~_IGNORED_FLAGS
    for flag, re_flag in _SHARED_FLAGS.items():
        if rest & flag:
            flags |= re_flag
            rest &= ~flag
    if rest:
        return None         # a flag only regex has (FULLCASE, V1, …)
    try:
        return re.compile(pattern.pattern, flags)
    except (re.error, ValueError, OverflowError):
        return None
