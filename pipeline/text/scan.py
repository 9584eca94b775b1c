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

Most of a text can hold no match of a cue at all: every match of 开工(?:建设)?|动工
contains 开工 or 动工. `MultiScanner` scans a text once for the anchors of all its
patterns (`gate_of`: literal words one of which every match contains, and how far a match
and its look-arounds reach beside them), and runs each pattern only in the windows around
its anchors; the spans are exactly those of the pattern's ``finditer`` over the whole text.
A pattern that may run on without bound after its anchors ([0-9.]+%) has no window, but
its matches start at most a few characters before an anchor (`lead_of`): it is tried
only at those places.

>>> scan = MultiScanner([regex.compile("已竣工|开工"), regex.compile("(?<!恢)复工(?!程)")])
>>> scan.spans("甲已竣工，乙开工，丙复工，丁恢复工程。")
[[(1, 4), (6, 8)], [(10, 12)]]
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from re import _constants as sre  # type: ignore[attr-defined]  # the parse tree of a pattern,
from re import _parser as sre_parse  # type: ignore[attr-defined]  # as `re` reads it (3.11+)
from time import perf_counter
from typing import Any

import regex

Window = tuple[int, int]

# An anchor hit is one int: its start shifted left by these bits, or its length (an anchor is
# a literal word of a pattern, far shorter than 2**16 characters: `MultiScanner` checks).
HIT_LENGTH_BITS = 16
_HIT_LENGTH_MASK = (1 << HIT_LENGTH_BITS) - 1

# flags that mean the same in both engines (regex.V0 is its re-compatible default)
_SHARED_FLAGS = {regex.IGNORECASE: re.IGNORECASE, regex.MULTILINE: re.MULTILINE,
                 regex.DOTALL: re.DOTALL, regex.VERBOSE: re.VERBOSE, regex.UNICODE: re.UNICODE,
                 regex.ASCII: re.ASCII}
_IGNORED_FLAGS = regex.V0

# How this module compiles its `re` patterns: `re.compile`, or the same compiled from the
# patterns' cache file once `pipeline.rules.compiled` is loaded (it sets this with
# `use_re_compiler`: `re` parses and compiles in Python, 40-odd patterns here took a
# worker's start about 0.05 s of CPU).
_compile_re: Callable[[str, int], re.Pattern[str]] = re.compile


def use_re_compiler(compile_re: Callable[[str, int], re.Pattern[str]]) -> None:
    """Compile this module's `re` patterns with `compile_re` (same arguments and result as
    `re.compile`)."""
    global _compile_re
    _compile_re = compile_re


# The same for the `regex` patterns this module makes of a rule's (`_primed`): `regex` parses
# in Python, a few ms a pattern; `pipeline.rules.compiled` sets it to read them from its file.
_compile_regex: Callable[[str, int], regex.Pattern[str]] = regex.compile


def use_regex_compiler(compile_regex: Callable[[str, int], regex.Pattern[str]]) -> None:
    """Compile this module's `regex` patterns with `compile_regex` (same arguments and
    result as `regex.compile`)."""
    global _compile_regex
    _compile_regex = compile_regex


# What `gate_of` and `lead_of` proved about a pattern, as plain data: () for nothing proven,
# else (its anchors, sorted; reach or lead). Proving parses the pattern with `re`'s parser
# in Python (the 33 status cues: about 25 ms of every worker's start); once
# `pipeline.rules.compiled` is loaded, the proofs come from the patterns' cache file
# (`use_proof_memo`: called with the proof's kind, the pattern and a function that proves it).
Proof = tuple[()] | tuple[tuple[str, ...], int]
_ProofMemo = Callable[[str, regex.Pattern[str], Callable[[], Proof]], Proof]


def _prove_here(kind: str, pattern: regex.Pattern[str], prove: Callable[[], Proof]) -> Proof:
    return prove()


_proof_memo: _ProofMemo = _prove_here


def use_proof_memo(memo: _ProofMemo) -> None:
    """Take what `gate_of` and `lead_of` proved of a pattern from `memo` (which calls the
    proving function it is handed when it has no proof kept)."""
    global _proof_memo
    _proof_memo = memo


class SpanScanner:
    """The (start, end) spans of ``pattern.finditer(text)``, on the faster engine."""

    trials = 8          # documents scanned with both engines before choosing
    # characters of a document's ranges scanned with both engines: a lone big document
    # was scanned twice whole (the statuses stage took twice as long per MB as on 50 KB
    # documents); the first 20,000 characters tell the engines' speeds apart as well
    trial_chars = 20_000

    def __init__(self, pattern: regex.Pattern[str]) -> None:
        # the rule's pattern, or the same told the characters its matches start with where
        # `regex` would otherwise try its look-behind at every place (`_primed`)
        self.reference = _primed(pattern) or pattern
        self.alternative = _as_re(pattern)
        self.chosen: regex.Pattern[str] | re.Pattern[str] | None = (
            None if self.alternative is not None else self.reference)
        self._seconds = [0.0, 0.0]
        self._scanned = 0
        self._disagreed = False

    @property
    def engines_agree(self) -> bool:
        """False once the two engines found different spans (then `regex` is kept). Not
        the same as `regex` being chosen: it is also chosen when it was the faster."""
        return not self._disagreed

    def spans(self, text: str, windows: Sequence[Window] | None = None) -> list[tuple[int, int]]:
        """The spans of ``finditer`` over `text`, or over each of `windows` (ascending,
        disjoint ``(pos, endpos)``: look-behinds still see the text before a window)."""
        ranges = windows if windows is not None else ((0, len(text)),)
        if self.chosen is not None:
            finditer = self.chosen.finditer
            return [m.span() for start, end in ranges for m in finditer(text, start, end)]
        assert self.alternative is not None
        tried = _trial_ranges(ranges, self.trial_chars)
        t0 = perf_counter()
        spans = [m.span() for start, end in tried for m in self.reference.finditer(text, start, end)]
        t1 = perf_counter()
        other = [m.span() for start, end in tried for m in self.alternative.finditer(text, start, end)]
        t2 = perf_counter()
        self._judge_trial(spans == other, t1 - t0, t2 - t1)
        if tried is ranges:
            return spans
        # a long text was tried on its first `trial_chars`: its spans are the reference's
        return [m.span() for start, end in ranges for m in self.reference.finditer(text, start, end)]

    def spans_from(self, text: str, starts: Sequence[int]) -> list[tuple[int, int]]:
        """The spans of ``finditer`` over `text` when a match can start only at one of
        `starts` (ascending): finditer tries each place in turn, past the end of the last
        match, and its match there is ``match`` at that place. Never-empty patterns only."""
        if self.chosen is not None:
            return _matches_from(self.chosen, text, starts)
        assert self.alternative is not None
        # as `spans`: a big document's places are tried on both engines only over its
        # first `trial_chars` characters (its 1,000,000 places were tried twice)
        tried = _trial_starts(starts, self.trial_chars)
        t0 = perf_counter()
        spans = _matches_from(self.reference, text, tried)
        t1 = perf_counter()
        other = _matches_from(self.alternative, text, tried)
        t2 = perf_counter()
        self._judge_trial(spans == other, t1 - t0, t2 - t1)
        if tried is starts:
            return spans
        return _matches_from(self.reference, text, starts)


    def _judge_trial(self, agreed: bool, reference_seconds: float, alternative_seconds: float) -> None:
        """One trial of both engines: a disagreement keeps regex for good; after `trials`
        agreeing ones, the faster engine is chosen."""
        if not agreed:
            self.chosen = self.reference        # the engines read it differently: keep regex
            self._disagreed = True
            return
        self._seconds[0] += reference_seconds
        self._seconds[1] += alternative_seconds
        self._scanned += 1
        if self._scanned >= self.trials:
            self.chosen = self.alternative if self._seconds[1] < self._seconds[0] else self.reference

def _trial_ranges(ranges: Sequence[Window], most: int) -> Sequence[Window]:
    """The first `most` characters of `ranges` (`ranges` itself when they hold no more)."""
    if sum(end - start for start, end in ranges) <= most:
        return ranges
    tried: list[Window] = []
    for start, end in ranges:
        if end - start >= most:
            tried.append((start, start + most))
            break
        tried.append((start, end))
        most -= end - start
    return tried


def _trial_starts(starts: Sequence[int], most: int) -> Sequence[int]:
    """The places of `starts` within `most` characters of the first (`starts` itself when
    they all are)."""
    if not starts or starts[-1] - starts[0] < most:
        return starts
    return starts[:bisect_left(starts, starts[0] + most)]


def _matches_from(pattern: regex.Pattern[str] | re.Pattern[str], text: str,
                  starts: Sequence[int]) -> list[tuple[int, int]]:
    match, spans, free = pattern.match, [], 0
    for start in starts:
        if start >= free:
            found = match(text, start)
            if found is not None:
                spans.append(found.span())
                free = found.end()
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
        return _compile_re(pattern.pattern, flags)
    except (re.error, ValueError, OverflowError):
        return None


def _primed(pattern: regex.Pattern[str]) -> regex.Pattern[str] | None:
    """`pattern` after a look-ahead for the characters its matches start with, when it opens
    with a look-behind and they are proven (`primer_of`); else None. The same matches at the
    same places. `regex` may try such a look-behind at every place of a text before the
    character there rules the match out: status.service_begun's windows took 0.10 CPU-s
    on the 72 reports, 0.007 primed (the other cues opening with a look-behind cost the
    same either way)."""
    firsts = primer_of(pattern)
    if firsts is None:
        return None
    look_ahead = "(?=[" + "".join(re.escape(c) for c in sorted(firsts)) + "])"
    # the pattern grouped, so that the look-ahead stands before each of its alternatives
    return _compile_regex(f"{look_ahead}(?:{pattern.pattern})", pattern.flags)


def primer_of(pattern: regex.Pattern[str]) -> frozenset[str] | None:
    """The characters every match of `pattern` starts with, when it opens with a look-behind
    and its parse tree proves them (no match is empty; each starts with a literal, a set of
    literals or a small range, after any look-arounds) and it has no flags; else None."""
    proof = _proof_memo("primer", pattern, lambda: _prove_primer(pattern))
    return frozenset(proof[0]) if proof else None


def _prove_primer(pattern: regex.Pattern[str]) -> Proof:
    try:
        tree = _parse_tree(pattern)
    except _Unprovable:
        return ()
    items = list(tree)
    if tree.state.flags & ~sre.SRE_FLAG_UNICODE or not items:
        return ()       # (?i) and the like
    op, av = items[0]
    if op not in (sre.ASSERT, sre.ASSERT_NOT) or av[0] >= 0:
        return ()       # no look-behind first (its direction is -1)
    found = _edge_characters(items)
    if found is None or found[1]:
        return ()
    return tuple(sorted(found[0])), 0


def _edge_characters(seq: Any, last: bool = False) -> tuple[set[str], bool] | None:
    """The characters a match of the sequence `seq` can start with (or end in, `last`), and
    whether it can be empty; None when not proven. Look-arounds and anchors consume nothing:
    the character after them starts the match (before them ends it)."""
    out: set[str] = set()
    for op, av in (reversed(list(seq)) if last else seq):
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue
        if op is sre.LITERAL:
            found: tuple[set[str], bool] | None = {chr(av)}, False
        elif op is sre.IN:
            found = _set_characters(av)
        elif op is sre.SUBPATTERN:
            found = None if av[1] or av[2] else _edge_characters(av[3], last)
        elif op is sre.ATOMIC_GROUP:
            found = _edge_characters(av, last)
        elif op is sre.BRANCH:
            alternatives = [_edge_characters(alt, last) for alt in av[1]]
            found = None if any(a is None for a in alternatives) else (
                set().union(*(a[0] for a in alternatives if a)), any(a[1] for a in alternatives if a))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            inner = _edge_characters(av[2], last)
            found = None if inner is None else (inner[0], av[0] == 0 or inner[1])
        else:
            return None             # any character, a category, a back-reference …
        if found is None:
            return None
        out |= found[0]
        if not found[1]:
            return out, False
    return out, True


@dataclass(frozen=True)
class Gate:
    """Where a pattern can match: every match contains one of `anchors`, and the match
    with its look-arounds lies within `reach` characters of that anchor on either side."""

    anchors: frozenset[str]
    reach: int


_MAX_REACH = 200        # a pattern that may run further than this is scanned whole


def gate_of(pattern: regex.Pattern[str]) -> Gate | None:
    """The `Gate` of a pattern, or None when none can be proven (an optional or
    unbounded part where the anchors would be, flags, ^ $ \\b, back-references, syntax
    only `regex` knows): such a pattern is scanned over the whole text."""
    proof = _proof_memo("gate", pattern, lambda: _prove_gate(pattern))
    return Gate(frozenset(proof[0]), proof[1]) if proof else None


def _parse_tree(pattern: regex.Pattern[str]) -> Any:
    """`re`'s parse tree of `pattern`, or raise `_Unprovable` (a flag only `regex` has, or
    syntax `re`'s parser cannot read). A look-behind of variable width (已于?[^，]{0,6}), which
    `re` cannot compile, parses: the proofs only need where a match and its look-arounds can
    lie (`_lookaround_width` takes a look-around's widest reach), and `regex` scans the windows."""
    if pattern.flags & ~(regex.V0 | regex.UNICODE):
        raise _Unprovable("flags")
    try:
        return sre_parse.parse(pattern.pattern)
    except (re.error, ValueError, OverflowError, RecursionError) as error:
        raise _Unprovable("syntax") from error


def _prove_gate(pattern: regex.Pattern[str]) -> Proof:
    try:
        tree = _parse_tree(pattern)
        anchors = _required(tree)
        reach = tree.getwidth()[1] + _lookaround_width(tree)
    except _Unprovable:
        return ()
    if not anchors or reach > _MAX_REACH:
        return ()
    # a word that holds another anchor adds no place (开工建设 holds 开工)
    return tuple(sorted(a for a in anchors if not any(b != a and b in a for b in anchors))), reach


@dataclass(frozen=True)
class Lead:
    """Where a pattern that may run on without bound can start: every match contains one
    of `anchors` starting at most `lead` characters after the match's own start."""

    anchors: frozenset[str]
    lead: int


def lead_of(pattern: regex.Pattern[str]) -> Lead | None:
    """The `Lead` of a pattern whose matches are never empty, or None when none can be
    proven (its part before the anchors unbounded or optional, flags, syntax only `regex`
    knows). For a pattern without a `Gate`: what follows the anchors may be unbounded
    ([0-9.]+), which only the places a match can start make up for."""
    proof = _proof_memo("lead", pattern, lambda: _prove_lead(pattern))
    return Lead(frozenset(proof[0]), proof[1]) if proof else None


def _prove_lead(pattern: regex.Pattern[str]) -> Proof:
    try:
        tree = _parse_tree(pattern)
        found = _leading(tree)
    except _Unprovable:
        return ()
    if found is None or tree.getwidth()[0] == 0:
        return ()
    anchors, lead = found
    return tuple(sorted(anchors)), lead


def _leading(seq: Any) -> tuple[set[str], int] | None:
    """Literal strings, one of which every match of the sequence `seq` contains starting
    at most the returned number of characters after the match's start, or None: the first
    mandatory part holding such words, after parts of bounded width."""
    before, run = 0, ""
    for op, av in seq:
        if op is sre.LITERAL:
            run += chr(av)
            continue
        if run:
            return {run}, before
        if op in _UNPROVABLE:
            raise _Unprovable(op)
        found: tuple[set[str], int] | None = None
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                raise _Unprovable(op)
            found = _leading(sub)
        elif op is sre.ATOMIC_GROUP:
            found = _leading(av)
        elif op is sre.BRANCH:
            alternatives = [_leading(alt) for alt in av[1]]
            if all(alt is not None for alt in alternatives):
                found = (set().union(*(alt[0] for alt in alternatives if alt)),
                         max(alt[1] for alt in alternatives if alt))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            if av[0] >= 1:
                found = _leading(av[2])         # its first repetition holds the words
        elif op is sre.IN and av and all(item_op is sre.LITERAL for item_op, _ in av):
            found = {chr(c) for _, c in av}, 0
        if found:
            return found[0], before + found[1]
        width = sre_parse.SubPattern(seq.state, [(op, av)]).getwidth()[1]
        if width > _MAX_REACH:
            return None
        before += width
    return ({run}, before) if run else None


def last_characters(pattern: regex.Pattern[str]) -> frozenset[str] | None:
    """The characters every match of `pattern` ends in, when each ends at the text's end
    (the pattern ends in `$` or `\\Z`, no MULTILINE) and none is empty; None when that cannot
    be proven from its parse tree (`re`'s parser: syntax only `regex` knows, sets of
    categories or negated, a part of any width ending it)."""
    try:
        tree = _parse_tree(pattern)
    except Exception:  # noqa: BLE001 - a flag only regex has, or re cannot read it: no proof
        return None
    items = list(tree)
    if not items or items[-1] != (sre.AT, sre.AT_END) and items[-1] != (sre.AT, sre.AT_END_STRING):
        return None
    found = _edge_characters(items[:-1], last=True)
    return None if found is None or found[1] else frozenset(found[0])




def _set_characters(items: Any) -> tuple[set[str], bool] | None:
    """The characters of a set of literals and small ranges ([)）], [一二0-9])."""
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < 256:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        else:
            return None
    return chars, False


class _Unprovable(Exception):
    """The pattern holds something the gate cannot reason about."""


_ZERO_WIDTH_SAFE = {sre.ASSERT, sre.ASSERT_NOT}
_UNPROVABLE = {sre.AT, sre.GROUPREF, sre.GROUPREF_EXISTS}


def _required(seq: Any) -> set[str] | None:
    """Literal strings one of which every match of the sequence `seq` contains, or None.
    Of several such sets (one per mandatory part) the one with the longest shortest word."""
    candidates: list[set[str]] = []
    run = ""
    for op, av in seq:
        if op is sre.LITERAL:
            run += chr(av)
            continue
        if run:
            candidates.append({run})
            run = ""
        if op in _UNPROVABLE:
            raise _Unprovable(op)
        found: set[str] | None = None
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                raise _Unprovable(op)
            found = _required(sub)
        elif op is sre.ATOMIC_GROUP:
            found = _required(av)
        elif op is sre.BRANCH:
            alternatives = [_required(alt) for alt in av[1]]
            if all(alt is not None for alt in alternatives):
                found = set().union(*alternatives)  # type: ignore[arg-type]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, _high, sub = av
            if low >= 1:
                found = _required(sub)
        elif op is sre.IN and av and all(item_op is sre.LITERAL for item_op, _ in av):
            found = {chr(c) for _, c in av}
        if found:
            candidates.append(found)
    if run:
        candidates.append({run})
    if not candidates:
        return None
    return max(candidates, key=lambda words: (min(map(len, words)), -len(words)))


def _lookaround_width(seq: Any) -> int:
    """The widest all look-arounds of `seq` together may look beyond a match."""
    total = 0
    for op, av in seq:
        if op in _ZERO_WIDTH_SAFE:
            _direction, sub = av
            total += sub.getwidth()[1] + _lookaround_width(sub)
        elif op is sre.SUBPATTERN:
            total += _lookaround_width(av[3])
        elif op is sre.ATOMIC_GROUP:
            total += _lookaround_width(av)
        elif op is sre.BRANCH:
            total += max((_lookaround_width(alt) for alt in av[1]), default=0)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            inner = _lookaround_width(av[2])
            if inner and av[1] > _MAX_REACH:
                raise _Unprovable(op)
            total += inner * max(1, min(av[1], _MAX_REACH))
    return total


class MultiScanner:
    """The spans of each of `patterns`, as ``finditer`` over a text finds them: one scan
    for the anchors of all gated patterns (`gate_of`), then each pattern only in the
    windows around its own anchors, on its faster engine (`SpanScanner`)."""

    firsts_per_scan = 40        # first characters of anchors per scan for them (`_anchor_hits`)

    def __init__(self, patterns: Sequence[regex.Pattern[str]]) -> None:
        self.scanners = [SpanScanner(p) for p in patterns]
        self.gates = [gate_of(p) for p in patterns]
        # a pattern with no gate (a part after its anchors unbounded: [0-9.]+%) is tried
        # only at the places a match can start, a few characters before its anchors
        self.leads = [lead_of(p) if gate is None else None for p, gate in zip(patterns, self.gates, strict=True)]
        owners: dict[str, list[int]] = {}
        for i, (gate, lead) in enumerate(zip(self.gates, self.leads, strict=True)):
            for anchor in gate.anchors if gate else lead.anchors if lead else ():
                owners.setdefault(anchor, []).append(i)
        if any(len(anchor) > _HIT_LENGTH_MASK for anchor in owners):
            raise ValueError(f"an anchor word of over {_HIT_LENGTH_MASK} characters")
        self._owners = owners
        # per longest anchor a scan reports: (pattern, length) of every anchor that is its
        # prefix, and the offsets inside it where another anchor of the same scan may start
        self._starting: dict[str, tuple[tuple[tuple[int, int], ...], tuple[int, ...]]] = {}
        # factored by shared prefixes, so that at each place the scan reports the longest
        # anchor there and follows one branch per character (an alternation of 160-odd
        # words, longest first, tried them one by one: a third slower). One scan per
        # `firsts_per_scan` first characters: where a word starts with a first character and
        # does not go on as one, `re` still tests every other branch's first character
        # before it fails (341 anchors with 182 first characters: 0.13 s on the 72 reports
        # in one scan, 0.044 in five; most places with a first character hold no anchor)
        firsts = sorted({anchor[0] for anchor in owners})
        chunks = [frozenset(firsts[i:i + self.firsts_per_scan]) for i in range(0, len(firsts), self.firsts_per_scan)]
        self._anchor_scans = [_compile_re(word_trie([a for a in owners if a[0] in chunk]), 0) for chunk in chunks]
        # per first character, those of its scan
        self._scan_firsts = {first: chunk for chunk in chunks for first in chunk}

    def spans(self, text: str) -> list[list[tuple[int, int]]]:
        """One list of spans per pattern, in the patterns' order."""
        hits = self._anchor_hits(text)
        out = []
        for i, (scanner, gate, lead) in enumerate(zip(self.scanners, self.gates, self.leads, strict=True)):
            if lead is not None and scanner.engines_agree:
                out.append(scanner.spans_from(text, _starts(hits[i], lead.lead)) if hits[i] else [])
                if not scanner.engines_agree:
                    out[-1] = scanner.spans(text)
            elif gate is None or not scanner.engines_agree:
                out.append(scanner.spans(text))
            else:
                out.append(scanner.spans(text, _windows(hits[i], gate.reach, len(text))) if hits[i] else [])
                if not scanner.engines_agree:    # the engines read it differently: trust no gate
                    out[-1] = scanner.spans(text)
        return out

    def _anchor_hits(self, text: str) -> list[array[int]]:
        """Every anchor occurrence, overlapping ones included, per pattern: each one int,
        ``start << HIT_LENGTH_BITS | length`` (`hit_spans` reads them), in an array of 8 bytes
        a hit. As a list of (start, end) tuples a hit held about 110 bytes: the 120,000 anchor
        hits of an 8 MB report were 13 MB, the statuses stage's peak. Ascending within each
        of the scans, not across them (`_windows` and `_starts` read them in any order)."""
        hits: list[array[int]] = [array("q") for _ in self.scanners]
        add = [h.append for h in hits]
        starting = self._starting
        # each scan finds the anchors of its first characters, wherever the others' are
        for scan in self._anchor_scans:
            match = scan.match
            for m in scan.finditer(text):
                start, longest = m.start(), m.group()
                known = starting.get(longest)
                if known is None:
                    known = starting[longest] = self._prefixes(longest)
                # the scan reports the longest anchor at a place; the shorter ones there are
                # its prefixes
                owned, inside = known
                key = start << HIT_LENGTH_BITS
                for i, length in owned:
                    add[i](key | length)
                for offset in inside:       # anchors of this scan starting inside this one
                    other = match(text, start + offset)
                    if other is not None:
                        word = other.group()
                        if word not in starting:
                            starting[word] = self._prefixes(word)
                        key = (start + offset) << HIT_LENGTH_BITS
                        for i, length in starting[word][0]:
                            add[i](key | length)
        return hits

    def _prefixes(self, word: str) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
        """(pattern, length) of every anchor that is a prefix of `word`, and the offsets
        inside `word` whose character starts some anchor of `word`'s scan."""
        owned = tuple((i, n) for n in range(1, len(word) + 1) if word[:n] in self._owners
                      for i in self._owners[word[:n]])
        firsts = self._scan_firsts[word[0]]
        return owned, tuple(k for k in range(1, len(word)) if word[k] in firsts)


def hit_spans(hits: Sequence[int]) -> list[tuple[int, int]]:
    """The (start, end) of each anchor hit (`MultiScanner._anchor_hits`), in their order."""
    return [(key >> HIT_LENGTH_BITS, (key >> HIT_LENGTH_BITS) + (key & _HIT_LENGTH_MASK)) for key in hits]


def _starts(hits: Sequence[int], lead: int) -> list[int]:
    """Every place from `lead` characters before a hit's start to its start, ascending."""
    places: set[int] = set()
    for key in hits:
        start = key >> HIT_LENGTH_BITS
        places.update(range(max(0, start - lead), start + 1))
    return sorted(places)


def _windows(hits: Sequence[int], reach: int, n: int) -> list[Window]:
    """The hits (`_anchor_hits`' ints) widened by `reach` on both sides, clipped to the text,
    merged when they overlap or touch (a match near one hit may not be cut by the next
    window's start)."""
    windows: list[Window] = []
    first, last = 0, -1         # the open window, not yet in `windows`
    for key in sorted(hits):    # by start, then end: the ints sort as (start, length) do
        start = key >> HIT_LENGTH_BITS
        lo, hi = start - reach, start + (key & _HIT_LENGTH_MASK) + reach
        if lo <= last:
            if hi > last:
                last = hi
        else:
            if last >= 0:
                windows.append((first, last if last < n else n))
            first, last = (lo if lo > 0 else 0), hi
    if last >= 0:
        windows.append((first, last if last < n else n))
    return windows


class FirstWord:
    """The first of `words`, in their order, that a text has at a place: what
    ``next((w for w in words if text.startswith(w, pos)), None)`` gives, found by one match
    of their alternation in the same order (at one place `re` tries the alternatives in
    order and keeps the first that matches), not by a loop over the words.

    >>> framing = FirstWord(["加快建设", "建设", "新建"])
    >>> framing.at("加快建设城南大道", 0), framing.at("城南大道建设", 4), framing.at("城南大道", 0)
    ('加快建设', '建设', None)
    """

    def __init__(self, words: Sequence[str]) -> None:
        self.words = tuple(words)
        self._match = _compile_re("|".join(re.escape(w) for w in self.words), 0).match if self.words else None
        # the words' first characters: at a place holding none of them no word starts, and a
        # set look-up answers that for a fraction of a match call (most places, in `_trim`);
        # None when a word is empty (it starts everywhere)
        self._firsts = frozenset(w[0] for w in self.words) if all(self.words) else None

    def at(self, text: str, pos: int) -> str | None:
        if self._match is None or pos > len(text):
            return None         # (startswith past the end is False, even for "")
        if self._firsts is not None and (pos == len(text) or text[pos] not in self._firsts):
            return None
        found = self._match(text, pos)
        return found.group() if found is not None else None


def word_trie(words: list[str] | tuple[str, ...] | set[str]) -> str:
    """The same words as `alternation`, factored by shared prefixes (工(?:程|业园)…): at
    each place the engine follows one branch per character instead of trying every word.
    Matches what `alternation` matches, longest first.

    >>> word_trie(["工程", "工业园", "项目", "工"])
    '(?:工(?:业园|程)?|项目)'
    """
    trie: dict[str, dict] = {}
    for word in set(words):
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        if word:
            node[""] = {}

    def branch(node: dict[str, dict]) -> str:
        alts = [regex.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        optional = "" in node       # a word ends here; greedy `?` tries the longer ones first
        if not alts:
            return ""
        if len(alts) == 1:
            only = alts[0]
            single = len(only) == 1 or (only.startswith("\\") and len(only) == 2)
            return only if not optional else (only + "?" if single else f"(?:{only})?")
        return "(?:" + "|".join(alts) + ")" + ("?" if optional else "")

    return branch(trie)
