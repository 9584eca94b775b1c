"""scan.SpanScanner: the same spans as the regex pattern, whichever engine it settles on."""

from __future__ import annotations

import re

import pytest
import regex

from pipeline.text.scan import FirstWord, MultiScanner, SpanScanner, _trial_ranges, gate_of, hit_spans, lead_of

TEXT = "城南大道已竣工，滨江大桥开工建设；北环路即将投入使用。\n" * 20

CASES = [
    ("已竣工|开工(?:建设)?", True),              # re can take it
    ("(?:即将|将要)[^，。；\\n]{0,6}?投入使用", True),
    ("\\p{Han}{2}路", False),                      # \p{Han}: regex only
    ("(?<!城南|北)大桥", False),                    # variable-width look-behind: regex only
]


@pytest.mark.parametrize(("pattern", "re_can"), CASES)
def test_spans_equal_regex_before_and_after_choosing(pattern, re_can):
    compiled = regex.compile(pattern)
    expected = [m.span() for m in compiled.finditer(TEXT)]
    scanner = SpanScanner(compiled)
    assert (scanner.alternative is not None) == re_can
    for _ in range(SpanScanner.trials + 3):
        assert scanner.spans(TEXT) == expected
    assert scanner.chosen is not None


def test_disagreement_keeps_regex():
    scanner = SpanScanner(regex.compile("开工"))
    scanner.alternative = re.compile("竣工")        # an engine that reads it differently
    spans = scanner.spans(TEXT)
    assert spans == [m.span() for m in regex.finditer("开工", TEXT)]
    assert scanner.chosen is scanner.reference


def test_flag_only_regex_has_is_not_translated():
    assert SpanScanner(regex.compile("abc", regex.FULLCASE | regex.IGNORECASE)).alternative is None
    assert SpanScanner(regex.compile("abc", regex.IGNORECASE)).alternative is not None



# a long text is tried on both engines only over its first `trial_chars` characters; its
# spans are the reference's over the whole text, and a disagreement there still keeps regex
TRIAL_RANGES = [
    ([(0, 50)], 100, [(0, 50)]),                          # shorter than the trial: all of it
    ([(0, 100)], 100, [(0, 100)]),
    ([(0, 500)], 100, [(0, 100)]),                        # one long range: its start
    ([(0, 40), (60, 90), (95, 200)], 100, [(0, 40), (60, 90), (95, 125)]),
    ([(0, 40), (60, 120), (130, 200)], 100, [(0, 40), (60, 120)]),
]


@pytest.mark.parametrize(("ranges", "most", "tried"), TRIAL_RANGES)
def test_trial_ranges(ranges, most, tried):
    assert list(_trial_ranges(ranges, most)) == tried


@pytest.mark.parametrize(("pattern", "re_can"), CASES)
def test_a_long_text_is_tried_on_its_start_with_every_span_found(pattern, re_can, monkeypatch):
    monkeypatch.setattr(SpanScanner, "trial_chars", 100)
    compiled = regex.compile(pattern)
    long_text = TEXT * 5                                # 1,400 characters
    scanner = SpanScanner(compiled)
    if re_can:
        scanner.alternative = _Recording(scanner.alternative)
    for _ in range(SpanScanner.trials + 2):
        assert scanner.spans(long_text) == [m.span() for m in compiled.finditer(long_text)]
    if re_can:      # the trials (then, if it won them, the whole text after them)
        assert scanner.alternative.ranges[:SpanScanner.trials] == [(0, 100)] * SpanScanner.trials


def test_a_disagreement_in_a_long_texts_start_keeps_regex(monkeypatch):
    monkeypatch.setattr(SpanScanner, "trial_chars", 100)
    long_text = TEXT * 5
    scanner = SpanScanner(regex.compile("开工"))
    scanner.alternative = re.compile("竣工")
    assert scanner.spans(long_text) == [m.span() for m in regex.finditer("开工", long_text)]
    assert scanner.chosen is scanner.reference and not scanner.engines_agree

# places a match may start (spans_from): a long text's are tried on both engines only within
# `trial_chars` characters of the first; the spans are the reference's at every place
TRIAL_STARTS = [
    ([], 100, []),
    ([0, 5, 99], 100, [0, 5, 99]),                      # all within the trial
    ([0, 5, 99, 100, 400], 100, [0, 5, 99]),
    ([250, 260, 349, 350, 351], 100, [250, 260, 349]),  # counted from the first place
]


@pytest.mark.parametrize(("starts", "most", "tried"), TRIAL_STARTS)
def test_trial_starts(starts, most, tried):
    from pipeline.text.scan import _trial_starts

    assert list(_trial_starts(starts, most)) == tried


class _RecordingMatch:
    """A pattern that records the places it is matched at."""

    def __init__(self, pattern):
        self.pattern, self.places = pattern, []

    def match(self, text, pos):
        self.places.append(pos)
        return self.pattern.match(text, pos)


def test_a_long_texts_places_are_tried_on_their_start_with_every_span_found(monkeypatch):
    monkeypatch.setattr(SpanScanner, "trial_chars", 100)
    compiled = regex.compile("(?:已)?完成[0-9.]+%")
    long_text = "甲已完成80%，乙完成9%；" * 100
    starts = list(range(len(long_text)))
    expected = [m.span() for m in compiled.finditer(long_text)]
    scanner = SpanScanner(compiled)
    scanner.alternative = _RecordingMatch(scanner.alternative)
    assert scanner.spans_from(long_text, starts) == expected
    assert scanner.alternative.places and max(scanner.alternative.places) < 100
    for _ in range(SpanScanner.trials + 2):
        assert scanner.spans_from(long_text, starts) == expected


def test_a_disagreement_in_a_long_texts_places_keeps_regex(monkeypatch):
    monkeypatch.setattr(SpanScanner, "trial_chars", 100)
    long_text = "甲开工。" * 100
    scanner = SpanScanner(regex.compile("开工"))
    scanner.alternative = re.compile("竣工")
    assert scanner.spans_from(long_text, list(range(len(long_text)))) == [
        m.span() for m in regex.finditer("开工", long_text)]
    assert scanner.chosen is scanner.reference and not scanner.engines_agree


# -- MultiScanner: all cue patterns, one scan for their anchors --------------------------

# pattern -> the anchors every match contains and how far a match reaches beside them
# (None: no gate can be proven, the pattern is scanned over the whole text)
GATES = [
    ("开工建设|开工|动工", ({"开工", "动工"}, 4)),
    ("(?:尚未|还未)[^，。]{0,5}?(?:开工|动工)", ({"尚未", "还未"}, 9)),        # longest shortest word
    ("(?<!恢)复工(?!程)", ({"复工"}, 4)),                                      # look-arounds widen the reach
    ("[推延]迟", ({"迟"}, 2)),                                                 # of equal lengths, fewer words
    ("正在|正抓紧", ({"正"}, 3)),
    ("(?:已)?竣工", ({"竣工"}, 3)),
    # a look-behind of variable width, which `re` cannot compile: its widest reach counts
    ("(?<!已于?[^，]{0,6})年底前", ({"年底前"}, 11)),
    ("(?<!上月|去年|已)竣工", ({"竣工"}, 4)),
    ("^开工", None),                                                           # ^ and $ see the window's ends
    ("开工$", None),
    ("(?:开工)?", None),                                                       # no mandatory part
    ("开工.*", None),                                                          # unbounded
    ("(开)\\1", None),                                                         # a back-reference
    ("\\p{Han}{2}路", None),                                                    # regex-only syntax
    ("(?i)abc", None),                                                         # flags
]


@pytest.mark.parametrize(("pattern", "gate"), GATES)
def test_gate_of_a_pattern(pattern, gate):
    found = gate_of(regex.compile(pattern))
    assert (None if found is None else (set(found.anchors), found.reach)) == gate


# pattern with no gate -> the anchors every match contains and how far after the match's
# start one of them starts (None: no place a match starts can be proven)
LEADS = [
    ("(?:已经|已)?完成[^，。]{0,6}?[0-9.]+%", ({"完成"}, 2)),        # unbounded after its anchor
    ("(?:完成|形象进度达)[0-9.]+%|建成[0-9]+栋", ({"完成", "形象进度达", "建成"}, 0)),
    ("(?!未)(?:征地)?拆迁[0-9]+户", ({"拆迁"}, 2)),                   # look-aheads are no width
    ("[甲乙]?[推延]迟\\d+天", ({"推", "延"}, 1)),                   # one character of a class
    ("开工.*", ({"开工"}, 0)),
    (".*开工", None),                                                  # unbounded before it
    ("(?:[0-9]+|开工)天", None),                                       # one branch holds no word
    ("(?:开工)?\\d*", None),                                         # no mandatory part, may be empty
    ("^开工\\d+", None),
    ("(?i)开工\\d+", None),
]


@pytest.mark.parametrize(("pattern", "lead"), LEADS)
def test_lead_of_a_pattern(pattern, lead):
    found = lead_of(regex.compile(pattern))
    assert (None if found is None else (set(found.anchors), found.lead)) == lead


TEXTS = [
    "城南大道已竣工，滨江大桥开工建设；北环路恢复工程于年初复工，西站尚未开工，东区尚未正式动工。\n" * 3,
    "复工复工复工程复工",                      # anchors back to back and overlapping
    "开工" + "甲" * 500 + "复工",                # anchors far apart: two windows
    "正在正抓紧正正在",
    "没有任何线索的一段文字。" * 40,
    "",
    "已完成总量的60%，已经完成工程量" + "1" * 400 + "%；竣工12.5 %，完成完成80%，已已完成3%。复工9复工",
]
PATTERNS = ["开工建设|开工|动工", "(?:尚未|还未)[^，。]{0,5}?(?:开工|动工)", "(?<!恢)复工(?!程)",
            "(?<=复)工", "正在|正抓紧", "^开工", "工$", "(?:已)?竣工", "复工复", "工复工",
            # look-behinds of variable width (`regex` only), the text before a window seen
            "(?<!已于?[^，。]{0,6})(?:开工|竣工)", "(?<!恢|年初)复工(?!程)",
            # no gate, tried where a match can start: runs of digits of any length
            "(?:已经|已)?(?:完成|竣工)[^，。]{0,6}?[0-9.]+\\s*%", "(?:复工|工)[0-9]*"]


@pytest.mark.parametrize("text", TEXTS)
def test_multiscanner_spans_equal_finditer_of_each_pattern(text):
    compiled = [regex.compile(p) for p in PATTERNS]
    scanner = MultiScanner(compiled)
    expected = [[m.span() for m in p.finditer(text)] for p in compiled]
    for _ in range(SpanScanner.trials + 2):        # while trying both engines and after choosing
        assert scanner.spans(text) == expected


def test_multiscanner_equals_the_rule_cues_on_invented_text():
    from pipeline.rules.loader import load_rules

    cues = [c.pattern for c in load_rules().status_cues]
    text = ("青岚大道尚未开工，计划年底前建成通车；石门水厂扩建工程主体完工，即将投入使用。"
            "云溪大桥因征地拆迁进展缓慢，恢复工程已复工，新区管网已完成投资2亿元、完成年度计划的80%。\n") * 5
    scanner = MultiScanner(cues)
    for _ in range(SpanScanner.trials + 2):
        assert scanner.spans(text) == [[m.span() for m in p.finditer(text)] for p in cues]


def test_a_gated_pattern_is_not_run_on_a_text_without_its_anchors():
    scanner = MultiScanner([regex.compile("开工|动工"), regex.compile("^甲")])
    assert scanner.spans("甲乙丙丁。" * 100) == [[], [(0, 1)]]
    assert scanner.scanners[0]._scanned == 0         # never ran: no 开工 or 动工 in the text
    assert scanner.scanners[1]._scanned == 1         # ungated: scanned whole


def test_a_pattern_with_a_lead_is_tried_only_before_its_anchors():
    scanner = MultiScanner([regex.compile("(?:已)?完成[0-9.]+%")])
    assert scanner.gates == [None] and scanner.leads[0] is not None
    assert scanner.spans("甲乙丙丁80%。" * 100) == [[]]
    assert scanner.scanners[0]._scanned == 0         # never ran: no 完成 in the text
    assert scanner.spans("甲已完成80%，乙完成9%") == [[(1, 7), (9, 13)]]


class _Recording:
    """A pattern that records the (pos, endpos) it is scanned over."""

    def __init__(self, pattern):
        self.pattern, self.ranges = pattern, []

    def finditer(self, text, start, end):
        self.ranges.append((start, end))
        return self.pattern.finditer(text, start, end)


@pytest.mark.parametrize("text", TEXTS)
def test_regex_chosen_as_the_faster_keeps_the_gate(text):
    # `regex` chosen because it was faster is no disagreement: the pattern is still scanned
    # only around its anchors, with the spans of finditer over the whole text
    compiled = regex.compile("(?:尚未|还未)[^，。]{0,5}?(?:开工|动工)")
    scanner = MultiScanner([compiled])
    single = scanner.scanners[0]
    single.reference = single.chosen = _Recording(compiled)     # as when regex won the trials
    assert single.engines_agree
    assert scanner.spans(text) == [[m.span() for m in compiled.finditer(text)]]
    assert all(end - start < len(text) for start, end in single.chosen.ranges)


def test_a_disagreement_drops_the_gate():
    scanner = MultiScanner([regex.compile("开工")])
    scanner.scanners[0].alternative = re.compile("竣工")     # an engine that reads it differently
    text = "甲开工。" + "乙" * 300 + "丙竣工。"
    assert scanner.spans(text) == [[(1, 3)]]
    assert not scanner.scanners[0].engines_agree
    assert scanner.spans(text) == [[(1, 3)]]


def _every_occurrence(text: str, words: frozenset[str]) -> list[tuple[int, int]]:
    return sorted((i, i + len(w)) for w in words for i in range(len(text)) if text.startswith(w, i))


ANCHOR_TEXTS = TEXTS + [
    "正在抓紧施工，正抓紧推进；尚未开工建设的项目力争年内开工，已开工建设。",
    "开工建设开工开工建设设",          # an anchor inside a longer one, and one running past it
    "。" * 70_000 + "开工建设，开工",   # anchors past the 65,536th character (a hit is one int)
]


@pytest.mark.parametrize("text", ANCHOR_TEXTS)
def test_the_anchor_scan_finds_every_occurrence_of_every_anchor(text):
    # one scan for the longest anchor at each place (a trie of the words), then the shorter
    # anchors there and those starting inside it: every occurrence, overlapping ones too
    compiled = [regex.compile(p) for p in PATTERNS + ["开工建设设|施工"]]
    scanner = MultiScanner(compiled)
    hits = scanner._anchor_hits(text)
    for i, gate in enumerate(scanner.gates):
        if gate is not None:
            assert sorted(hit_spans(hits[i])) == _every_occurrence(text, gate.anchors)


@pytest.mark.parametrize(("words", "text"), [
    # words, in the order they are tried          text (every place of it is asked)
    (["加快建设", "新建", "建设", "将"], "将新建城南大道，加快建设滨江大桥建设"),
    (["建设", "建"], "建设建成建"),                      # a word and its prefix: the first listed wins
    (["建", "建设"], "建设建成建"),                      # … in either order
    (["新建"], "新建"),                                  # a word ending the text
    (["新建", ""], "城南新建"),                          # an empty word is at every place but past the end
    ([], "城南大道"),                                    # no words: never one
    (["a.b", "[x]"], "a.b[x]axb"),                       # characters a pattern reads specially are literal
])
def test_the_first_word_at_a_place_is_what_a_loop_over_the_words_finds(words: list[str], text: str) -> None:
    first = FirstWord(words)
    for pos in range(len(text) + 3):
        assert first.at(text, pos) == next((w for w in words if text.startswith(w, pos)), None), pos


def _windows_slowly(hits, reach, n):
    windows = []
    for start, end in sorted(hits):
        lo, hi = max(0, start - reach), min(n, end + reach)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
        else:
            windows.append((lo, hi))
    return windows


@pytest.mark.parametrize(("hits", "reach", "n"), [
    ([], 5, 10),
    ([(0, 2)], 5, 10),                              # clipped at both ends
    ([(3, 5), (1, 2)], 0, 10),                      # out of order
    ([(0, 2), (4, 6)], 1, 20),                      # touching windows merge
    ([(0, 2), (5, 7)], 1, 20),                      # a gap: two windows
    ([(2, 8), (3, 4), (10, 12)], 1, 12),            # one inside another, then the text's end
    ([(5, 6), (5, 7), (5, 6)], 3, 9),               # the same place twice
    ([(i, i + 2) for i in range(0, 300, 7)], 2, 305),
    ([(70_000, 70_004), (2**33, 2**33 + 3)], 1, 2**34),    # far into a text (a hit is one int)
])
def test_windows_are_the_hits_widened_clipped_and_merged(hits, reach, n):
    from pipeline.text.scan import HIT_LENGTH_BITS, _windows, hit_spans

    keys = [start << HIT_LENGTH_BITS | (end - start) for start, end in hits]
    assert hit_spans(keys) == list(hits)
    assert _windows(keys, reach, n) == _windows_slowly(hits, reach, n)


@pytest.mark.parametrize("text", ANCHOR_TEXTS)
def test_anchors_scanned_in_parts_are_every_occurrence_too(text, monkeypatch):
    # the anchors split into scans by their first characters (one or two per scan here):
    # the same hits, whatever scan finds them
    compiled = [regex.compile(p) for p in PATTERNS + ["开工建设设|施工"]]
    whole = MultiScanner(compiled)
    for per_scan in (1, 2):
        monkeypatch.setattr(MultiScanner, "firsts_per_scan", per_scan)
        parts = MultiScanner(compiled)
        assert len(parts._anchor_scans) > 1
        for i, gate in enumerate(parts.gates):
            hits = parts._anchor_hits(text)
            assert sorted(hits[i]) == sorted(whole._anchor_hits(text)[i])
            if gate is not None:
                assert sorted(hit_spans(hits[i])) == _every_occurrence(text, gate.anchors)


@pytest.mark.parametrize(("pattern", "firsts"), [
    ("(?<!恢)复工(?!程)", {"复"}),                       # the character after the look-behind
    ("(?<!将)(?:(?:已经|已)?完成|竣工)", {"已", "完", "竣"}),   # an optional part, then what follows
    ("(?<!将)完成|竣工", None),                          # an alternation first: no look-behind first
    ("(?<![0-9])[0-9]{1,2}月", set("0123456789")),
    ("(?<=复)工", {"工"}),
    ("复工(?!程)", None),                                # no look-behind first: not primed
    ("(?=复)复工", None),                                # (a look-ahead is none)
    ("(?<!恢)[^，]开工", None),                           # any character but one: no set
    ("(?<!恢)(?:开工)?", None),                           # may be empty
    ("(?<!恢)\\p{Han}路", None),                         # syntax only regex has
    ("(?i)(?<!b)a开工", None),                            # flags
])
def test_the_characters_a_match_starts_with(pattern, firsts):
    from pipeline.text.scan import primer_of

    found = primer_of(regex.compile(pattern))
    assert (None if found is None else set(found)) == firsts


@pytest.mark.parametrize("pattern", ["(?<!恢)复工(?!程)", "(?<!城南|北)(?:大桥|(?:即将|将要)?投入使用)",
                                     "(?<![将拟])(?:已经|已)?(?:竣工|开工)(?:建设)?", "(?<=复)工"])
@pytest.mark.parametrize("text", TEXTS)
def test_the_primed_pattern_finds_what_the_pattern_finds(pattern, text):
    compiled = regex.compile(pattern)
    scanner = SpanScanner(compiled)
    primed = scanner.reference
    assert primed.pattern.startswith("(?=[")            # the scanner's regex engine
    if scanner.alternative is None:                     # (城南|北: a look-behind only regex reads)
        assert scanner.chosen is primed
    for start, end in [(0, len(text)), (3, len(text) - 2), (len(text) // 2, len(text))]:
        assert [m.span() for m in primed.finditer(text, start, end)] == [
            m.span() for m in compiled.finditer(text, start, end)]
        assert scanner.spans(text, [(start, end)]) == [m.span() for m in compiled.finditer(text, start, end)]


# The status cues whose pattern Python's `re` cannot run (a look-behind of any length, a
# nested look-behind…): the scanner holds them to `regex`, slower on every document. A cue
# that joins this list slows every document's status scan (stop 47: three cues' new
# look-behinds made extraction about 20 % slower), so a new one must be chosen, not slipped in.
CUES_ONLY_REGEX_RUNS = {
    "status.after_completion", "status.dated_opening", "status.done_said", "status.future_start",
    "status.in_service_told", "status.in_use_evidence", "status.moved_in", "status.opened_to_users",
    "status.operational", "status.put_to_use", "status.reserve", "status.resumed",
    "status.service_begun", "status.stalled", "status.started", "status.target_completion",
    "status.users_served", "status.uses_counted",
}


def test_the_status_cues_re_cannot_run_are_the_listed_ones():
    from pipeline.rules.loader import load_rules
    from pipeline.text.scan import _as_re

    only_regex = {c.id for c in load_rules().status_cues if _as_re(c.pattern) is None}
    assert only_regex - CUES_ONLY_REGEX_RUNS == set(), "now held to regex: a look-behind of any length?"
    assert CUES_ONLY_REGEX_RUNS - only_regex == set(), "re runs these now: take them off the list"
