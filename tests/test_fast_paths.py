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
