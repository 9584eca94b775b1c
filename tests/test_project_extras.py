"""scripts/project_extras.py: the kept-but-wrong project candidates, counted by class, as
tables of invented spans and names, and one run over the invented gold set of
tests/fixtures/project_gold (no ../shared needed)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import project_extras  # noqa: E402
from candidate_misses import _list_close, edge_kinds  # noqa: E402
from project_extras import Candidate, boundary, classes, dropped_report, gold_spans, main_class  # noqa: E402

from pipeline.extract import Pipeline  # noqa: E402
from pipeline.stages.names import NameJudge  # noqa: E402

GOLD = Path(__file__).resolve().parent / "fixtures" / "project_gold"

# candidate's mention spans | a gold project's occurrences | how they overlap (None: they do not)
BOUNDARY_CASES = [
    ([(10, 14)], [(8, 16)], "missed, cut short"),        # 城南大道 inside 青禾县城南大道工程
    ([(8, 20)], [(8, 16)], "missed, runs on"),           # the name ran on into the next words
    ([(6, 12)], [(8, 16)], "missed, crossing"),
    ([(20, 24)], [(8, 16)], None),                       # elsewhere in the text
    ([(16, 20)], [(8, 16)], None),                       # touching is not overlapping
    ([(30, 34), (10, 14)], [(8, 16)], "missed, cut short"),   # any of its mentions counts
]


@pytest.mark.parametrize("spans, gold, how", BOUNDARY_CASES, ids=lambda v: str(v))
def test_how_a_candidate_overlaps_a_gold_project(spans: list[tuple[int, int]], gold: list[tuple[int, int]],
                                                 how: str | None) -> None:
    assert boundary(spans, gold, "missed") == how


# text | gold name | its spans in the text (line breaks, spaces and traditional script allowed)
SPAN_CASES = [
    ("青禾县城南大道已通车，城南大道全长6公里。", "城南大道", [(3, 7), (11, 15)]),
    ("青禾县城南\n大道已通车。", "城南大道", [(3, 8)]),
    ("青禾縣團結水庫已蓄水。", "团结水库", [(3, 7)]),
    ("青禾县凤栖大道已通车。", "城南大道", []),
]


@pytest.mark.parametrize("text, name, spans", SPAN_CASES, ids=lambda v: str(v)[:20])
def test_where_a_gold_project_stands(text: str, name: str, spans: list[tuple[int, int]]) -> None:
    assert gold_spans(text, [name]) == spans


# text | the gold name | the candidate's text | which edges differ, and by what text
EDGE_CASES = [
    ("加快推进城南大道二期工程建设。", "城南大道二期工程", "城南大道", ("end short: phase (一期/二期)",)),
    ("青禾县城南大道工程已开工。", "青禾县城南大道工程", "城南大道工程", ("start late: a place",)),
    ("云州市鑫达公司城南物流园项目开工。", "城南物流园项目", "鑫达公司城南物流园项目",
     ("start early: company or owner",)),
    ("年产5万吨甲醇和3万吨乙二醇项目开工。", "年产5万吨甲醇和3万吨乙二醇项目", "3万吨乙二醇项目",
     ("start late: list mark 和 (left bare, right suffixed, a capacity on each side)",)),
    ("鹭汀镇供水和排水管网改造工程开工。", "鹭汀镇供水和排水管网改造工程", "排水管网改造工程",
     ("start late: list mark 和 (left bare, right suffixed, only the left is proper)",)),
    ("城南大道（一期）工程完工。", "城南大道（一期）工程", "城南大道", ("end short: bracket",)),
    ("城南大道工程建设顺利。", "城南大道工程", "城南大道工程建设", ("end runs on: 建设/项目/工程 ending",)),
    ("城南大道工程已开工。", "城南大道工程", "城南大道工程", ()),      # the same extent: no edge is wrong
]


@pytest.fixture(scope="module")
def judge() -> NameJudge:
    return Pipeline(weigh_projects=False, rank_statuses=False).projects.judge


@pytest.mark.parametrize("text, gold, candidate, edges", EDGE_CASES, ids=lambda v: str(v)[:16])
def test_which_edge_of_a_candidate_is_wrong(judge: NameJudge, text: str, gold: str, candidate: str,
                                            edges: tuple[str, ...]) -> None:
    g, c = text.index(gold), text.index(candidate)
    assert edge_kinds(text, (g, g + len(gold)), (c, c + len(candidate)), judge) == edges


def _candidate(second: bool = False, overlap: str | None = None, **features: float) -> Candidate:
    return Candidate("dev/a.txt", "x", ((0, 1),), dict(features), False, second, overlap)


# a wrong candidate | its main class (the first of project_extras.MAIN it falls in)
MAIN_CASES = [
    (_candidate(second=True, in_list=1.0), "second name of a gold project (alt form, duplicate row)"),
    (_candidate(overlap="missed, cut short", unmarked=1.0),
     "boundary: overlaps a missed gold project (extra and miss)"),
    (_candidate(overlap="found, runs on"), "boundary: overlaps a gold project found by another candidate"),
    (_candidate(count_after=1.0, unmarked=1.0), "count/class word after it (等N个, 三大, 类)"),
    (_candidate(sector_head=1.0, in_list=1.0), "programme/policy/sector phrase"),
    (_candidate(unmarked=1.0, in_heading=1.0), "nothing distinguishing (no place, proper name, mark)"),
    (_candidate(in_list=1.0), "list item (、/及/和)"),
    (_candidate(place=1.0), "other (specific-looking phrase)"),
]


@pytest.mark.parametrize("candidate, main", MAIN_CASES, ids=lambda v: v if isinstance(v, str) else "")
def test_the_main_class_of_an_extra(candidate: Candidate, main: str) -> None:
    assert main_class(classes(candidate)) == main


def test_the_main_classes_add_up_to_the_extras(capsys: pytest.CaptureFixture[str]) -> None:
    """On the invented gold set: per set, the main classes count every kept wrong candidate once."""
    assert project_extras.main(["--gold", str(GOLD)]) == 0
    out = capsys.readouterr().out
    seen = 0
    for block in re.split(r"\n(?=(?:dev|train): \d+ candidates kept)", out):
        head = re.match(r"(dev|train): (\d+) candidates kept out of fold, (\d+) of them wrong", block)
        if head is None:
            continue
        main = block.split("main class (each extra once):")[1].split("every class")[0]
        assert sum(int(n) for n in re.findall(r"^\s+(\d+)\s", main, flags=re.M)) == int(head.group(3))
        seen += 1
    assert seen == 2, out


def _right(**features: float) -> Candidate:
    return Candidate("dev/a.txt", "x", ((0, 1),), dict(features), True, False, None)


# the candidates (right or wrong) and their probabilities | the line of a class in the count
# of dropped right ones (threshold 0.5): kept ones are not counted, dropped wrong ones are
# counted beside it
DROPPED_CASES = [
    ([(_right(in_list=1.0), 0.2)], "     1  list item (、/及/和)  (wrong: 0)"),
    ([(_right(in_list=1.0), 0.2), (_candidate(in_list=1.0), 0.1), (_candidate(in_list=1.0), 0.3)],
     "     1  list item (、/及/和)  (wrong: 2)"),
    ([(_right(unmarked=1.0), 0.2), (_right(unmarked=1.0), 0.9)],
     "     1  nothing distinguishing (no place, proper name, mark)  (wrong: 0)"),
    ([(_right(), 0.2), (_right(in_list=1.0), 0.9)], "     1  in no class"),
]


@pytest.mark.parametrize("cands, line", DROPPED_CASES, ids=lambda v: v if isinstance(v, str) else "")
def test_the_dropped_right_candidates_by_class(cands: list[tuple[Candidate, float]], line: str) -> None:
    lines = dropped_report("dev", [c for c, _ in cands], np.array([p for _, p in cands]), 0.5)
    assert line in lines
    right_dropped = sum(1 for c, p in cands if c.right and p < 0.5)
    assert lines[0].startswith(f"dev: {sum(p < 0.5 for _, p in cands)} candidates dropped out of fold, "
                               f"{right_dropped} of them right")


def test_the_dropped_right_candidates_are_counted_per_set(capsys: pytest.CaptureFixture[str]) -> None:
    """On the invented gold set: --dropped prints each set's dropped candidates, and the
    extras are split into those touching a gold name and those touching none."""
    assert project_extras.main(["--gold", str(GOLD), "--dropped"]) == 0
    out = capsys.readouterr().out
    assert len(re.findall(r"^(?:dev|train): \d+ candidates dropped out of fold, \d+ of them right", out,
                          flags=re.M)) == 2, out
    for wrong, touching, none in re.findall(r"(\d+) of them wrong.*?touching a gold name: (\d+) .*?none: (\d+)",
                                            out, flags=re.S):
        assert int(touching) + int(none) == int(wrong)


# text | a missed list item | what closes its list (scripts/candidate_misses.py counts list misses by it)
LIST_CLOSE_CASES = [
    ("推进青溪、白滩等3个水利项目建设。", "白滩", "closed by 等 + a class of projects"),
    ("推进青溪、白滩等乡镇人居环境整治。", "白滩", "closed by 等 + another class"),
    ("青溪、白滩两座水库完工。", "白滩", "closed by a count"),
    ("加快青溪、白滩、云州大道建设，力争年内完工。", "白滩", "not closed (no 等, no count)"),
]


@pytest.mark.parametrize("text, item, close", LIST_CLOSE_CASES, ids=lambda v: str(v)[:20])
def test_what_closes_a_missed_items_list(text: str, item: str, close: str) -> None:
    end = text.index(item) + len(item)
    assert _list_close(text, end, text.index("。")) == close
