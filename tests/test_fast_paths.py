"""Fast paths of the projects stage agree with the slow forms they stand for (issue 16).

Each table lists invented strings; each test computes the answer both ways, the way the
code used to (a scan, a regular expression) and the way it does now, and wants them equal.
"""

from __future__ import annotations

import pytest
import regex

from pipeline.extract import Pipeline
from pipeline.stages import projects as projects_module
from pipeline.stages.names import NameJudge
from pipeline.stages.projects import _Segment

# strings ending in a suffix, in a character no suffix ends in, in a suffix inside a longer
# one, a line break after a suffix, a lone suffix character, and nothing at all
END_SUFFIX_CASES = [
    "城南大道", "青禾县团结水库", "滨江大桥工程", "石门水厂扩建工程二期", "城南大道建设项目",
    "县委十分重视", "完成投资3亿元", "路", "工程", "程", "", "\n", "城南大道\n", "大道\n\n",
    "青石路改造工程及白沙大桥", "新院区", "某某产业园", "abc", "（一期）", "城北污水处理厂",
]


@pytest.fixture(scope="module")
def judge(pipeline: Pipeline) -> NameJudge:
    return pipeline.projects.judge


@pytest.mark.parametrize("text", END_SUFFIX_CASES)
def test_end_suffix_is_what_the_suffix_pattern_finds(judge: NameJudge, text: str) -> None:
    m = judge.suffix_end.search(text)
    assert judge.end_suffix(text) == (None if m is None else (m.group(), m.start()))


def test_end_suffix_agrees_on_every_suffix_after_a_name(judge: NameJudge) -> None:
    """Every suffix of the rules, alone and after invented heads, is found as the pattern finds it."""
    for sfx in judge.suffixes:
        for text in (sfx, "城南" + sfx, "青禾县" + sfx + "\n", sfx + "办", sfx[1:]):
            m = judge.suffix_end.search(text)
            assert judge.end_suffix(text) == (None if m is None else (m.group(), m.start())), text


# The bare items of a list closed by 等…项目 are read (jieba's tags) only when the list is so
# closed; what they decide is unchanged: all of them read as names, or most of three or more.
BARE_ITEMS = [
    # (items, they vouch for the list)
    (("鑫达建材", "华泰纸业", "宏远机械"), True),
    (("云岭钢铁",), True),
    (("疏浚", "整治河道"), False),                      # activities
    (("青石水库", "整治河道", "疏浚", "安置房"), False),  # two bare items, one an activity
    (("鑫达建材", "华泰纸业", "宏远机械", "新增一条生产线扩大产能"), True),   # most of four
    (("甲", "城南大道"), True),                          # a one-character fragment is no item
]


@pytest.mark.parametrize(("items", "vouch"), BARE_ITEMS)
def test_bare_items_read_as_names(pipeline: Pipeline, items: tuple[str, ...], vouch: bool) -> None:
    extractor = pipeline.projects
    judge = extractor.judge
    names = [(item, 0, len(item)) for item in items]
    suffixed = [judge.has_suffix(item) for item in items]
    bare = [judge.nominal(item) for item, ok in zip(items, suffixed, strict=True) if not ok and len(item) > 1]
    assert (all(bare) if len(bare) < 3 else 2 * sum(bare) > len(bare)) == vouch
    assert extractor._bare_items_read_as_names(names, suffixed) == vouch


def _named_prefix_slow(judge: NameJudge, name: str) -> int:
    """named_prefix as written before its fast path: every cut's suffix looked up."""
    from pipeline.stages.names import balanced
    if judge.suffix_any.search(name, 0, len(name) - 1) is None:
        return 0
    boundaries = set()
    pos = 0
    for word, _ in judge.tags(name):
        pos += len(word)
        boundaries.add(pos)
    for cut in range(min(len(name) - 1, judge.max_chars), judge.min_chars - 1, -1):
        head = name[:cut]
        found = judge.end_suffix(head)
        if cut not in boundaries and (found is None or len(found[0]) < 2):
            continue
        if judge.has_suffix(head) and balanced(head) and head.count("“") == head.count("”"):
            if (cut not in boundaries and judge.suffix_any.match(name, cut)) or judge.organisation.match(name[cut:]):
                return 0
            return cut
    return 0


# names that run on past a name (a clause, a length, a status), suffixes inside words (路灯,
# 工程师), an organisation after a place, quotes, brackets and line breaks
NAMED_PREFIX_CASES = [
    "青云高速公路起于青州市", "城南引水工程全长17公里隧洞", "城南大道路灯改造", "滨江大桥工程师",
    "临港新区管委会", "青州“三桥一路”建设", "青禾县35千伏输变电项目线路正式", "城南大道",
    "县委十分重视该工程", "完成东坪、西岭、南湾水库除险加固", "青石水库\n除险加固", "城北污水处理厂二期已投运",
    "石门水厂扩建工程（一期）正在施工", "白沙大桥工程均已完工", "城南幼儿园项目主体工程已完工", "路",
]


@pytest.mark.parametrize("name", NAMED_PREFIX_CASES)
def test_named_prefix_equals_the_loop_over_every_cut(judge: NameJudge, name: str) -> None:
    assert judge.named_prefix(name) == _named_prefix_slow(judge, name)


# The quantity stage reads a match's groups by number (regex's look-up by name is slow):
# amounts of every branch of its pattern (a unit, a prefix unit, a placeholder, a bare scale,
# a range, qualifiers, 半 after a unit, a sign), and text with none
QUANTITY_GROUP_CASES = [
    "总投资约3.5亿元", "完成投资1,200万元", "增长百分之十二", "计划投资XX万元", "今年投资482亿",
    "长3-5公里", "新建三公里半道路", "同比下降-3.2%", "占地约四五十亩", "城南大道已开工", "",
]


@pytest.mark.parametrize("text", QUANTITY_GROUP_CASES)
def test_quantity_groups_by_number_are_the_groups_by_name(pipeline: Pipeline, text: str) -> None:
    extract = pipeline.quantities
    for m in extract.pattern.finditer(text):
        assert dict(zip(extract.group_names, m.groups(), strict=True)) == m.groupdict()
        assert all(m.span(extract.group_numbers[name]) == m.span(name) for name in m.groupdict())


def test_group_names_leave_a_place_for_groups_without_a_name() -> None:
    from pipeline.stages.quantities import _group_names
    assert _group_names(regex.compile(r"(?P<a>\d)(x)?(?P<b>y)")) == ("a", "", "b")
    assert _group_names(regex.compile(r"abc")) == ()


# digits taken whole (possessive) against digits given back one by one (greedy): the same
# matches with the same groups on invented amounts, walls of digits with and without a
# unit, decimals cut short, ranges, separators, placeholders and bare scales
POSSESSIVE_DIGIT_TEXTS = [
    "总投资3.5亿元，完成1,200万元", "1234567890" * 30, "1234567890" * 30 + "万元", "12.5.3亿元",
    "3-5公里，3至5亿元", "4 200万元", "12XX万元，2×万元", "今年投资482亿", "12.万元", "5千平米",
    "增长-3.2%", "1.2万亿元", "0.5%" * 20, "3 亿 元", "100000000000000000万元", "1,2345万元",
]


def _random_amounts(seed: int, count: int) -> list[str]:
    import random
    rng = random.Random(seed)
    alphabet = list("0123456789" * 4) + list(".., -至万亿元%千百余多约半公里平方米亩xX×") + ["个百分点", " "]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(count)]


@pytest.mark.parametrize("text", POSSESSIVE_DIGIT_TEXTS + _random_amounts(3, 200))
def test_possessive_digits_match_what_greedy_digits_match(pipeline: Pipeline, text: str) -> None:
    possessive = pipeline.quantities.pattern
    assert "\\d++" in possessive.pattern
    greedy = _greedy_quantities(possessive.pattern)
    assert [(m.span(), m.groups()) for m in possessive.finditer(text)] == \
        [(m.span(), m.groups()) for m in greedy.finditer(text)]


_GREEDY: dict[str, regex.Pattern[str]] = {}


def _greedy_quantities(pattern: str) -> regex.Pattern[str]:
    if pattern not in _GREEDY:
        _GREEDY[pattern] = regex.compile(pattern.replace("\\d++", "\\d+"))
    return _GREEDY[pattern]


def _unit_alternation(surfaces: list[str]) -> str:
    """The quantity stage's units as one plain alternation, longest first, then their spaced
    forms (what `_unit_pattern` wrote before its literal forms became a trie)."""
    from pipeline.stages.quantities import _SPACE
    ordered = sorted(set(surfaces), key=lambda u: (-len(u), u))
    spaced = [_SPACE.join(regex.escape(ch) for ch in u) for u in ordered
              if len(u) > 1 and all("\u4e00" <= ch <= "\u9fff" for ch in u)]
    return "|".join([regex.escape(u) for u in ordered] + spaced)


# units one inside another (万元, 元; 平方米, 平方公里), spaced forms, a unit cut short
UNIT_TEXTS = [
    "总投资3亿元，完成1.2万元", "建成5万平方米", "新增4平方公里", "提高3 个 百分点", "长12 公 里", "面积3平方",
    "百 分 之五", "12km²道路", "占地30亩，", "投资3 亿 元", "平 方", "",
]


@pytest.mark.parametrize("text", UNIT_TEXTS)
def test_unit_pattern_finds_what_the_plain_alternation_finds(pipeline: Pipeline, text: str) -> None:
    from pipeline.stages.quantities import _unit_pattern
    for prefix in (False, True):
        surfaces = [u.surface for u in pipeline.rules.quantities.units if u.prefix is prefix]
        fast, plain = regex.compile(_unit_pattern(surfaces)), regex.compile(_unit_alternation(surfaces))
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


def _has_place_slow(name: str, places: frozenset[str]) -> bool:
    """_has_place as written before its fast path: every slice of two to five characters."""
    return any(name[i:i + k] in places for i in range(len(name) - 1) for k in range(2, min(6, len(name) - i + 1)))


# a place at the start, inside, at the end, cut short, none, a place without its level word
HAS_PLACE_CASES = [
    "青禾县人民医院", "城南大道改造工程", "年产10万吨新型建材项目", "长沙至株洲高速", "北京", "北",
    "", "新建广州南站", "某某大厦", "杭州", "杭", "凤栖镇污水处理厂",
]


@pytest.mark.parametrize("name", HAS_PLACE_CASES)
def test_has_place_equals_the_look_up_of_every_slice(pipeline: Pipeline, name: str) -> None:
    from pipeline.stages.project_model import _has_place, _place_names
    places = _place_names(pipeline.rules)
    assert _has_place(name, places) == _has_place_slow(name, places)
    invented = frozenset({"青禾", "青禾县", "凤栖镇", "城南"})     # places the gazetteer does not hold
    assert _has_place(name, invented) == _has_place_slow(name, invented)


# ASCII digits anywhere, full-width and other scripts' digits (no ASCII digit), none at all
ARABIC_CASES = ["3.5亿", "三千五百万", "1,200", "１２", "٣", "二〇二三", "", "亿9", "点"]


@pytest.mark.parametrize("text", ARABIC_CASES)
def test_has_arabic_is_the_loop_over_characters(text: str) -> None:
    from pipeline.text.numbers import _has_arabic
    assert _has_arabic(text) == any("0" <= ch <= "9" for ch in text)


# sentences without brackets or quotes (their clauses read from the layout's index of clause
# marks), with brackets and quotes that hold commas (scanned), empty clauses, line breaks
CLAUSES_AROUND_CASES = [
    "城南大道已开工，滨江大桥完成投资3亿元。青石水库：除险加固；白沙大桥基本完工！",
    "石门水厂扩建工程（一期，二期）正在施工，预计年底完工。",
    "“一河两岸，三桥”整治项目进展顺利，，城北污水处理厂\n二期已投运：\n\n青禾县人民医院",
    "完成投资5亿元",
    "",
    "（城南大道，滨江大桥）\n“青石水库。白沙大桥”，城北新区。",
]


def _clauses_around_slow(text: str, positions: list[int]) -> list[tuple[int, int]]:
    """_clauses_around as written before its fast path: each sentence's marks scanned."""
    from pipeline.stages.projects import _clauses
    out: list[tuple[int, int]] = []
    reached = -1
    for pos in positions:
        if pos < reached:
            continue
        start = max(text.rfind("。", 0, pos + 1), text.rfind("\n", 0, pos + 1)) + 1
        ends = [e for e in (text.find("。", pos), text.find("\n", pos)) if e >= 0]
        end = min(ends) if ends else len(text)
        out.extend(_clauses(text, start, end))
        reached = end
    return out


@pytest.mark.parametrize("text", CLAUSES_AROUND_CASES)
def test_clauses_around_equals_each_sentence_scanned(text: str) -> None:
    from pipeline.stages.projects import _clauses_around
    for positions in ([], [0], list(range(len(text))), list(range(0, len(text), 7))):
        assert list(_clauses_around(text, positions)) == _clauses_around_slow(text, positions), positions


# names of one block of Han characters (tagged as one route), with letters and digits glued
# into one word (C919, 5G), characters no word starts with, punctuation and spaces between
# blocks, and words met for the first time or again
TAG_CASES = [
    "城南大道", "青禾县团结水库", "鑫达建材年产5万吨新型墙材", "C919大飞机项目", "5G基站建设工程",
    "跃鹿健康怡养中心", "城南大道、滨江大桥", "石门水厂（一期）", "云州 港三期", "ab1c城北", "x", "",
    "加快推进城南大道建设，2023年完成投资3.5亿元(约)。", "鼋鼍鬣",
]


def _tag_slow(segmenter: object, text: str) -> tuple[tuple[str, str], ...]:
    """Segmenter.tag as written before its fast paths: block by block, each word's pair made
    by `_words`' loop (no shortcut for known words)."""
    from pipeline.text import segmenter as module
    seg: module.Segmenter = segmenter  # type: ignore[assignment]
    out: list[tuple[str, str]] = []
    for blk in module._HAN_INTERNAL.split(text):
        if module._HAN_INTERNAL.match(blk):
            if seg.lexicon is not None:
                ends, ids = seg.lexicon.route(blk)
            else:
                ends, ids = seg._best_route(blk)
            saved, seg._pairs = seg._pairs, {}      # no known pairs: every word through the loop
            try:
                out.extend(seg._words(blk, ends, ids))
            finally:
                seg._pairs = saved
            continue
        for x in module._SKIP_INTERNAL.split(blk):
            if module._SKIP_INTERNAL.match(x):
                out.append((x, "x"))
                continue
            eng = module._ENG.match(x) is not None
            for xx in x:
                out.append((xx, "m" if module._NUM.match(xx) else "eng" if eng else "x"))
    return tuple(out)


@pytest.mark.parametrize("text", TAG_CASES)
def test_tag_equals_the_block_by_block_loop(pipeline: Pipeline, text: str) -> None:
    seg = pipeline.projects.segmenter
    for _ in range(2):      # words met for the first time, then known
        assert seg.tag(text) == _tag_slow(seg, text)


@pytest.mark.parametrize("text", [*TAG_CASES, " ", "\n", "（", "城", "a", "、\r\n"])
def test_cut_block_equals_the_words_of_the_route(pipeline: Pipeline, text: str) -> None:
    """Han blocks: the route's words; other blocks: spaces and line breaks whole, the rest
    character by character (one character, whatever it is, is one word)."""
    from pipeline.text import segmenter as module
    seg = pipeline.projects.segmenter
    for block, han in seg.blocks(text):
        if han:
            expected = [w for w, _ in seg._route(block)]
        else:
            expected = [w for x in module._SKIP_DEFAULT.split(block)
                        for w in ([x] if module._SKIP_DEFAULT.match(x) else list(x))]
        assert seg.cut_block(block, han) == expected, block


# names the judge's filters read: sectors and facilities (a thing's suffix inside), names of
# suffixes and generic words only, a masked name, brackets, a list, and common names
FILTER_CASES = [
    "风电项目", "低碳制造业项目", "石门水厂扩建工程", "城南水厂项目", "隧道工程", "道路改造", "基础设施项目",
    "重点工程建设", "城南大道", "xx水库", "石门水厂（一期）", "城南大道、滨江大桥", "1、2号线", "跟进项目",
    "安置房项目", "工程", "项目", "县委十分重视该工程", "铺设雨污水管网", "青禾县团结水库", "（城南）大道",
    "跃鹿健康怡养中心", "体育馆建设", "电力建设", "沿线", "城南路", "石门水厂二期", "鼋鼍鬣", "白岩滩水电站",
]


def _sector_slow(judge: NameJudge, name: str) -> bool:
    """NameJudge._sector as written before: each suffix looked for in turn."""
    from pipeline.stages.names import _SPECIFIC_MARKS
    if len(name) > judge.sector_max or not name.endswith(judge.sector_suffixes):
        return False
    if _SPECIFIC_MARKS.search(name):
        return False
    core = name[:-2]
    if any(sfx in core for sfx in judge.suffixes if len(sfx) >= 2 and sfx not in judge.activity_suffixes):
        return False
    words = judge.tags(name)
    return (len(words) <= 3 and all(flag not in judge.proper_pos for _, flag in words)
            and sum(len(word) == 1 for word, _ in words) <= 1)


def _only_suffixes_slow(judge: NameJudge, name: str) -> bool:
    """NameJudge._only_suffixes as written before: the generic words asked again at the end."""
    core = judge.core(name)
    while True:
        found = judge.end_suffix(core)
        if found is None or found[1] == 0:
            return found is not None or judge.generic.match(core) is not None
        core = core[: found[1]]
        if judge.generic.match(core):
            return True


def _balanced_slow(name: str) -> bool:
    depth = 0
    for ch in name:
        depth += 1 if ch in "(（" else -1 if ch in ")）" else 0
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("name", FILTER_CASES)
def test_filters_equal_their_slow_forms(judge: NameJudge, name: str) -> None:
    from pipeline.stages.names import balanced
    assert judge._sector(name) == _sector_slow(judge, name)
    assert judge._only_suffixes(name) == _only_suffixes_slow(judge, name)
    assert balanced(name) == _balanced_slow(name)
    tokens = judge.tags(name)
    singles = [len(word) == 1 and "\u4e00" <= word <= "\u9fff" for word, _ in tokens]
    proper = (any(flag in judge.proper_pos for _, flag in tokens)
              or any(a and b for a, b in zip(singles, singles[1:], strict=False)))
    assert judge.proper(name) == proper
    assert judge._action(name) == (len(tokens) >= 2 and not proper and (
        tokens[0][0] in judge.action_verbs or (tokens[0][1] == "v" and len(tokens[0][0]) > 1)))
    assert judge._narrative(name) == any(judge.is_narrative(w, f) for w, f in judge.tags(judge.core(name)))
    assert judge._has_suffix(name) == _has_suffix_slow(judge, name)


def _has_suffix_slow(judge: NameJudge, name: str) -> bool:
    """NameJudge._has_suffix as written before: the name asked about again as its own core."""
    from pipeline.stages.names import _NOT_A_THING
    for core in (judge.core(name), name):
        found = judge.end_suffix(core)
        if found is None:
            continue
        sfx, start = found
        if len(core) < max(judge.short_min.get(sfx, 0), judge.min_chars):
            continue
        if sfx in judge.dependent and not judge.has_suffix(core[:start]):
            continue
        if len(sfx) == 1 and judge.tags(core)[-1][1] in _NOT_A_THING:
            continue
        return True
    return False


def test_every_suffix_inside_a_sector_name_is_a_facility(judge: NameJudge) -> None:
    """Each suffix of the rules inside a sector-like name (城南 + suffix + 项目) decides as
    the loop over the suffixes does."""
    for sfx in judge.suffixes:
        for name in ("城" + sfx + "项目", sfx + "项目", "新" + sfx[:1] + "项目"):
            assert judge._sector(name) == _sector_slow(judge, name), name


# clauses with runs of spaces (ASCII, tabs, ideographic), dashes of two or more (a lone one
# cuts nothing), both side by side, and neither
SPACES_OR_DASH_CASES = [
    "进展总体平稳   重点项目开工率", "最长的隧道——城南通道", "城南大道--滨江大桥", "青石水库-白沙大桥",
    "城南\t大道\u3000\u3000滨江——  ——大桥", "－－", "—", "- -", "城南大道建设项目",
]


@pytest.mark.parametrize("clause", SPACES_OR_DASH_CASES)
def test_one_scan_finds_the_spaces_and_the_dashes(clause: str) -> None:
    """_segments' one scan for spaces and dashes finds what a scan for each found."""
    import regex

    from pipeline.stages.projects import _DASH, _SPACES, _SPACES_OR_DASH
    both = [(m.span(), m.lastgroup) for m in _SPACES_OR_DASH.finditer(clause)]
    each = sorted([(m.span(), "space") for m in _SPACES.finditer(clause)]
                  + [(m.span(), "dash") for m in regex.finditer(_DASH, clause)])
    assert both == each


@pytest.mark.parametrize("text", [
    "一、总体\n  二、进展  （一）道路", "\n\n甲", "甲\n", "  \u3000乙  丙", "\u3000\u3000（一）城南大道",
    "城南大道 开工\n\t(二)滨江大桥", " \u3000 \u3000", "甲\u3000 乙\u3000\u3000丙   丁", "", "\n \n\u3000\n",
    "没有换行也没有空格的一段",
])
def test_heading_starts_are_where_the_lookbehind_pattern_ends(text: str) -> None:
    # the places a heading may start: the ends of the pattern the code stands for (a line's
    # or a flattened line's first non-space), found by scans that skip to their first marks
    import re

    from pipeline.stages.sections import heading_starts

    slow = re.compile(r"(?:^|(?<=\n)|(?<=[ \u3000]{2}))[ \t\u3000]*(?=\S)", re.M)
    assert heading_starts(text) == sorted({m.end() for m in slow.finditer(text)})


@pytest.mark.parametrize(("pattern", "stays"), [
    ("第?[0-9]{1,2}期|[东西]段|及|配套", True),       # words and bounded classes
    ("(?:一|二)期", True),
    ("期(?!间)", False),                                 # a look-ahead reads past the match
    ("(?<=二)期", False),
    ("^二期", False), ("二期$", False), ("\\b期", False),
    ("(期)\\1", False),                                  # a back-reference
    ("(?i)abc", False),                                  # flags
    ("\\p{Han}期", False),                               # what re cannot parse
])
def test_patterns_whose_matches_stay_matches_in_a_longer_stretch(pattern: str, stays: bool) -> None:
    from pipeline.stages.identity import _matches_stay

    compiled = regex.compile(pattern)
    assert _matches_stay(compiled.pattern, compiled.flags) == stays


def _short_forms_slowly(long, keys, ident, rest):
    n = len(long)
    starts = [i for i in range(n) if i == 0 or ident.distinct_parts.search(long, 0, i) is None]
    ends = [j for j in range(1, n + 1)
            if j == n or (rest.fullmatch(long, j) and ident.distinct_parts.search(long, j) is None)]
    return [long[i:j] for i in starts for j in ends
            if j - i >= ident.short_form_min_chars and (i, j) != (0, n) and long[i:j] in keys]


SHORT_FORM_KEYS = {
    "青禾县团结水库扩建", "团结水库扩建", "团结水库", "青禾县团结水库", "城东快速路", "城东快速路二期",
    "城东快速路二期改造", "三角湖小学", "三角湖小学扩建", "白沙河及配套管网", "白沙河", "配套管网",
    "北段滨江路提质改造", "滨江路", "滨江路提质改造", "云峰变电站", "新建云峰变电站",
}


@pytest.mark.parametrize("distinct", [None, "期(?!间)|配套"])    # the rules' parts; one read past the match
@pytest.mark.parametrize("long", sorted(SHORT_FORM_KEYS))
def test_short_forms_equal_a_search_at_every_start_and_end(pipeline: Pipeline, long: str, distinct) -> None:
    from dataclasses import replace

    from pipeline.stages.identity import _rest_words, _short_forms

    ident = pipeline.rules.ledger.identity
    if distinct is not None:
        ident = replace(ident, distinct_parts=regex.compile(distinct))
    rest = _rest_words(ident.same_project_rest)
    assert _short_forms(long, SHORT_FORM_KEYS, ident, rest) == _short_forms_slowly(long, SHORT_FORM_KEYS, ident, rest)


# -- a ledger row's content cells: one pass stands for comparing each name with every later one --

def _content_cells_slow(text: str, offset: int, mentions: list) -> list:
    """The form `_without_content_cells` stood for: each name that fills its cell in a table
    row drops every later mention of another key in its line with a cell gap between."""
    from pipeline.stages.projects import _CELL_GAP

    by_start = sorted(mentions, key=lambda m: m.start)
    dropped: set[int] = set()
    for i, first in enumerate(by_start):
        s, e = first.start - offset, first.end - offset
        if not (_CELL_GAP.match(text, e) and (s == 0 or text[s - 1] in " \t")):
            continue
        line_start = text.rfind("\n", 0, s) + 1
        line_end = text.find("\n", e)
        line_end = len(text) if line_end < 0 else line_end
        if len(_CELL_GAP.findall(text, line_start, line_end)) < 3:
            continue
        for later in by_start[i + 1:]:
            if later.start - offset >= line_end:
                break
            if later.key != first.key and _CELL_GAP.search(text, e, later.start - offset + 1):
                dropped.add(id(later))
    return [m for m in mentions if id(m) not in dropped]


# invented ledger rows: a name then its content, a repeated name, two names in a row, a row
# of three cells (no table), prose, names glued without a gap
LEDGER_TEXTS = [
    "序号 项目名称 建设内容 总投资\n1 城南大道工程 新建道路及滨江大桥 6500 3000\n2 北湖公园项目 北湖公园项目 800 200\n",
    "1 城南大道工程 北湖公园项目 滨江大桥工程 6500\n2 青石水库 白沙水厂 500 300\n",
    "城南大道工程 滨江大桥工程 500\n城南大道工程、滨江大桥工程已开工。\n",
    "3 县职业学校实训基地建设 实训楼及体育场 6500 3000 2024\n4 城北污水处理厂 二期工程 城北污水处理厂 900 100\n",
    "城南大道工程滨江大桥工程 北湖公园项目 青石水库 白沙水厂 1 2\n",
]


@pytest.mark.parametrize("text", LEDGER_TEXTS)
def test_content_cells_one_pass_equals_each_name_against_every_later_one(
        pipeline: Pipeline, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.stages import projects as stage

    real = stage._without_content_cells
    seen: list = []     # what the stage hands the step: the text, its offset, every mention
    monkeypatch.setattr(stage, "_without_content_cells",
                        lambda t, o, ms: seen.append((t, o, list(ms))) or real(t, o, ms))
    pipeline("ledger", text)
    assert any(ms for _, _, ms in seen)
    for t, o, ms in seen:
        assert real(t, o, ms) == _content_cells_slow(t, o, ms)


def test_some_ledger_row_loses_a_content_cell(pipeline: Pipeline) -> None:
    """The table above is not vacuous: a row's content cell (实训楼及体育场), proposed by the
    stage before this step, goes."""
    names = {m.name for m in pipeline("ledger", LEDGER_TEXTS[3]).mentions}
    assert "县职业学校实训基地建设" in names and "实训楼及体育场" not in names, names


# A name whose last character ends no decoration (tail_pattern) is its own core, without the
# pattern tried: names with a phase, a bracketed aside, a line number, a phase and 工程 after
# it, an aside that is no decoration (又称), a line break after a decoration, and none at all
CORE_CASES = [
    *END_SUFFIX_CASES, "城南大道二期", "青云高速公路(四川境)", "地铁3号线", "滨江大桥三期工程", "城北水厂第二期项目",
    "城南新居工程(又称滨江新居工程)", "城南大道二期\n", "二期", "（一期）工程", "青石隧道（一期）", "学院路拓宽",
    "青石隧道(一期)(北段)", "城东快速路专线", "期", ")",
]


@pytest.mark.parametrize("name", CORE_CASES)
def test_core_is_the_name_without_what_the_tail_pattern_matches(judge: NameJudge, name: str) -> None:
    assert judge.core(name) == (judge.tail.sub("", name) or name)


# the characters every match of a pattern ends in, when each ends at the text's end (None: not proven)
LAST_CHARACTER_CASES = [
    ("(?:[(（][^()（）]{1,20}[)）]|第?[一二三0-9]{1,2}期(?:工程|项目)?|[一二三0-9]号线)+$", set(")）期程目线")),
    ("(?:二期|三期)+$", {"期"}),
    ("ab?$", {"a", "b"}),
    ("a(?=b)\\Z", {"a"}),
    ("a*$", None),              # may be empty
    ("[^a]$", None),            # a negated set
    ("a.$", None),              # any character
    ("a", None),                # not anchored at the end
    ("(?m)a$", None),           # $ before every line break
    ("\\p{Han}$", None),        # syntax only regex knows
    ("(?:x|y\\d)$", None),      # a category
]


@pytest.mark.parametrize(("pattern", "ends"), LAST_CHARACTER_CASES)
def test_the_characters_a_pattern_ends_in(pattern: str, ends: set[str] | None) -> None:
    from pipeline.text.scan import last_characters
    found = last_characters(regex.compile(pattern))
    assert (None if found is None else set(found)) == ends


# A one-item group not before 等 in which no name can end is skipped before trimming and
# judging (`_may_end_a_name`): `has_suffix`, of the item or of any prefix (`named_prefix`),
# needs a suffix that is not dependent (建设 is) ending a core long enough for it
# (min_chars, short_suffix_min_chars: 港 needs 3 characters, 改造 4). First the premise, on
# every slice of invented strings: no slice of an item it turns down has a suffix or a named
# prefix; the items it lets through show it can say yes (a string let through may still name
# nothing: 沿线's 线 is no thing; the judge turns 只要路 down later).
CANNOT_END = ["全面加强城乡文化内容建设", "扎实推进乡风文明建设", "持续深化党风廉政建设", "加强队伍建设",
              "城北片区生态文明建设", "（一期）建设", "建设建设",
              "港澳广大同胞", "同改造", "桥头", "路上行人多", "段落分明的文章", "桐溪段"]
MAY_END = ["加快青禾县体育馆建设", "桐溪新区水厂建设", "城南大道建设", "鹿鸣湖湿地公园建设项目", "文化馆",
           "只要路络安全", "抓好沿线绿化美化建设二期", "青石桥", "城南港区", "抓好绿化美化建设二期"]
# (a phase may end a name, 城西数据谷二期, so an item holding one is let through; after a
# dependent suffix with no name before it, 绿化美化建设二期, it names nothing)
NAMES_NOTHING = {"抓好沿线绿化美化建设二期", "抓好绿化美化建设二期"}


@pytest.mark.parametrize("text", CANNOT_END + MAY_END)
def test_no_slice_names_anything_where_no_name_can_end(pipeline: Pipeline, text: str) -> None:
    extractor = pipeline.projects
    judge = extractor.judge
    slices = [text[a:b] for a in range(len(text)) for b in range(a + 1, len(text) + 1)]
    named = [s for s in slices if judge.has_suffix(s) or judge.named_prefix(s) > 0]
    assert extractor._may_end_a_name(text, 0, len(text)) == (text in MAY_END)
    assert bool(named) == (text in MAY_END and text not in NAMES_NOTHING), named


def test_may_end_a_name_reads_only_its_item(pipeline: Pipeline) -> None:
    """The item is `clause[start:end]`: suffixes outside it, or ending past its end, count for nothing."""
    extractor = pipeline.projects
    clause = "青禾水库加强队伍建设"
    assert extractor._may_end_a_name(clause, 0, 4)
    assert extractor._may_end_a_name(clause, 1, 4)          # 禾水库: three characters
    assert not extractor._may_end_a_name(clause, 4, len(clause))
    assert not extractor._may_end_a_name(clause, 0, 3)      # 水库 cut in half
    assert not extractor._may_end_a_name(clause, 2, 4)      # 水库 alone: a core needs 3 characters
    assert extractor._may_end_a_name("青石\n水库", 0, 5)    # a line break: never skipped


# Then the clauses: each read with the skip and without it gives the same mentions; the
# first rows name nothing, the last ones a project (a dependent suffix after a facility).
SKIP_CLAUSES = [
    ("全面加强城乡文化内容建设", []),
    ("持续深化党风廉政建设和营商环境建设", []),
    ("抓好沿线绿化美化建设，城北片区生态文明建设", []),
    ("港澳广大同胞", []),
    ("加快青禾县体育馆建设", ["青禾县体育馆建设"]),
    ("推进鹿鸣湖湿地公园建设", ["鹿鸣湖湿地公园建设"]),
    ("桐溪新区水厂建设", ["桐溪新区水厂建设"]),
]


@pytest.mark.parametrize(("clause", "names"), SKIP_CLAUSES)
def test_skipping_items_where_no_name_ends_changes_no_mention(
        pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch, clause: str, names: list[str]) -> None:
    extractor = pipeline.projects
    fast = extractor._clause(clause, 0, [])
    monkeypatch.setattr(extractor, "_may_end_a_name", lambda clause, start, end: True)
    slow = extractor._clause(clause, 0, [])
    assert fast == slow
    assert [m.name for m in fast] == names


# `_trim` (stop 43): a trim is remembered per span of the clause it was asked about, and the
# symbol, ordinal and item-number patterns are asked only where their first character can
# stand. Each trim is what the code before gave (the same names, the same spans).
TRIMS = [
    ("①城南大道改造工程", ("城南大道改造工程", 1, 9)),
    ("◆城北污水处理厂★", ("城北污水处理厂", 1, 8)),
    ("备注第8项云州水库除险加固工程", ("云州水库除险加固工程", 5, 15)),
    ("序号3甲村产业路", ("甲村产业路", 3, 8)),
    ("（三）青禾县城关第二小学", ("青禾县城关第二小学", 3, 12)),
    ("1、滨江大桥建设", ("滨江大桥建设", 2, 8)),
    ("一、城南大道", ("城南大道", 2, 6)),
    ("顺路我们还看了青禾物流园", ("青禾物流园", 7, 12)),
    ("这座栖溪大桥", ("栖溪大桥", 2, 6)),
    ("加快推进城南大道建设", ("加快推进城南大道建设", 0, 10)),
]


@pytest.mark.parametrize(("clause", "trimmed"), TRIMS)
def test_trim_strips_what_it_did(pipeline: Pipeline, clause: str, trimmed: tuple[str, int, int]) -> None:
    assert pipeline.projects._trim(clause, _Segment(0, len(clause), "boundary", False)) == trimmed


def test_a_remembered_trim_is_its_own_clause_s(pipeline: Pipeline) -> None:
    """Spans asked of clauses in turn (the same spans of different clauses, each asked twice)
    give each clause's own trim, as worked out afresh."""
    extractor = pipeline.projects
    clauses = [clause for clause, _ in TRIMS]
    for _ in range(2):
        for a in range(8):
            for b in range(a + 1, 9):
                for clause in (c for c in clauses if b <= len(c)):
                    got = extractor._trim(clause, _Segment(a, b, "boundary", False))
                    assert got == extractor._trim_span(clause, a, b), (clause, a, b)


def test_no_symbol_nor_ordinal_opens_at_an_ideograph() -> None:
    """What `_trim` does not ask: at a CJK unified ideograph no symbol pattern matches, and
    no ordinal unless the ideograph is a numeral, whatever follows."""
    numerals = projects_module._ORDINAL_NUMERALS
    assert all(projects_module._ORDINAL.match(n + "、城南") for n in numerals)
    for code in range(ord(projects_module._IDEOGRAPH_FIRST), ord(projects_module._IDEOGRAPH_LAST) + 1):
        ch = chr(code)
        assert projects_module._SYMBOLS_AFTER.match(ch) is None, ch
        for after in ("", "、城南", "）城南", ".城南", "#", "\u20e3"):
            assert projects_module._SYMBOLS_BEFORE.match(ch + after) is None, ch
            if ch not in numerals:
                assert projects_module._ORDINAL.match(ch + after) is None, ch


@pytest.mark.parametrize("text", ["占比序号4甲村公路", "第8项云州水库", "编号12青禾大道改造", "第十二项城南大道"])
def test_every_item_number_holds_the_characters_looked_for(text: str) -> None:
    found = [m.group() for m in projects_module._ITEM_NUMBER.finditer(text)]
    assert found and all("第" in f or "号" in f for f in found)


@pytest.mark.parametrize("name", ["顺路我们还看了青禾物流园", "城南大道改造工程", "大家一起去了县人民医院",
                                  "我县青禾物流园", "同志们看了", ""])
def test_the_speaker_search_is_the_loop_over_the_words(pipeline: Pipeline, name: str) -> None:
    extractor = pipeline.projects
    assert (extractor._speaker_in(name) is not None) == any(w in name for w in extractor.speakers)
