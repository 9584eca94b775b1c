"""Fast paths of the projects stage agree with the slow forms they stand for (issue 16).

Each table lists invented strings; each test computes the answer both ways, the way the
code used to (a scan, a regular expression) and the way it does now, and wants them equal.
"""

from __future__ import annotations

import pytest

from pipeline.extract import Pipeline
from pipeline.stages.names import NameJudge

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
