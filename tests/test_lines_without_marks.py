"""Text with no clause mark for thousands of characters (a tab-separated table whose rows the
normaliser joined into one line, a status cue written over and over): what a stage reads back
from an amount or a cue stays within the layout's cut of a long sentence, so the work grows
with the text, not with its square. Found by `benchmarks/hostile_cli.py`: a 100,000-character
tab table took 196 s in `keyproj run` (roles and scope reread the line from its start for
every amount) and a status cue written 33,000 times 45 s (the link's plan-word search).

The work is counted, not timed: the characters the patterns at those places are asked to
read, per fact, must stay under a bound that the old code passed many times over."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pipeline.extract import Pipeline
from pipeline.rules.loader import RuleSet
from pipeline.text.layout import Layout
from pipeline.text.punctuation import CLAUSE_END, SENTENCE_END
from pipeline.text.sentences import LONGEST_SENTENCE


class Reads:
    """A compiled pattern that counts the characters it is asked to read."""

    def __init__(self, pattern: Any, counter: list[int]) -> None:
        self.pattern, self.counter = pattern, counter

    def _count(self, string: str, pos: int = 0, endpos: int | None = None) -> None:
        end = len(string) if endpos is None else min(endpos, len(string))
        self.counter[0] += max(0, end - pos)

    def search(self, string: str, pos: int = 0, endpos: int | None = None, **kw: Any) -> Any:
        self._count(string, pos, endpos)
        return self.pattern.search(string, pos, endpos, **kw) if endpos is not None \
            else self.pattern.search(string, pos, **kw)

    def match(self, string: str, pos: int = 0, endpos: int | None = None, **kw: Any) -> Any:
        return self.pattern.match(string, pos, endpos, **kw) if endpos is not None \
            else self.pattern.match(string, pos, **kw)

    def finditer(self, string: str, *args: Any, **kw: Any) -> Iterator[Any]:
        self._count(string, *args)
        return self.pattern.finditer(string, *args, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.pattern, name)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch, rules: RuleSet) -> tuple[Pipeline, list[int]]:
    """A pipeline whose patterns at the places that read back from an amount or a cue count
    what they read: the roles' breakdown marker and cue words, the scope's project count, the
    link's plan word."""
    from pipeline.stages import link, roles, scope

    counter = [0]
    cues = roles._cues(rules)
    monkeypatch.setattr(cues, "breakdown", Reads(cues.breakdown, counter))
    monkeypatch.setattr(cues, "pattern", Reads(cues.pattern, counter))
    compiled = scope._compiled(rules)
    counted_scope = dataclasses.replace(compiled, count=Reads(compiled.count, counter))
    monkeypatch.setattr(scope, "_compiled", lambda _: counted_scope)
    of = link.LinkRules.of
    monkeypatch.setattr(link.LinkRules, "of", classmethod(
        lambda cls, r: dataclasses.replace(of(r), plan_in_clause=Reads(of(r).plan_in_clause, counter))))
    return Pipeline(rules), counter


ROWS = 1400      # rows of 20 to 25 characters: about 30 times the longest sentence

# shape, the text (invented), what the extraction must still find
SHAPES: list[tuple[str, Callable[[], str], Callable[[Any], bool]]] = [
    # rows of tab-separated cells, each a project, an amount and a state: equal widths make
    # them read as text wrapped at one width, joined into one line with no mark
    ("tab table", lambda: "".join(f"{i}\t城南{i}号路工程\t{i % 90 + 10}亿元\t在建\n" for i in range(ROWS)),
     lambda found: sum(q.kind.value == "money" for q in found.quantities) >= ROWS // 2),
    # one status cue written over and over, no mark
    ("a cue repeated", lambda: "已开工" * (20 * LONGEST_SENTENCE // 3),
     lambda found: len(found.cues) >= 1000),
    # a project and its cue, again and again, in one line with no mark
    ("projects and cues", lambda: "".join(f"城南{i}号路工程开工建设" for i in range(20 * LONGEST_SENTENCE // 12)),
     lambda found: len(found.cues) >= 1000),
]


@pytest.mark.parametrize("name, make, found_enough", SHAPES, ids=[s[0] for s in SHAPES])
def test_reading_back_stays_within_a_cut(counted: tuple[Pipeline, list[int]], name: str,
                                         make: Callable[[], str], found_enough: Callable[[Any], bool]) -> None:
    pipeline, counter = counted
    text = make()
    found = pipeline.found("hostile", text)[0]
    assert found_enough(found), "the shape still has its facts"
    facts = len(found.quantities) + len(found.cues) + 1
    # about a cut's length or less per fact; the old code read half the line (ten cuts) per fact
    assert counter[0] / facts <= 3 * LONGEST_SENTENCE, counter[0] / facts


# text, position, marks, the start that must be found (a sentence of normal length: the clause's)
BOUNDED = [
    ("城南大道工程总投资3亿元，目前已竣工通车。", 15, CLAUSE_END, 13),
    ("城南大道工程总投资3亿元，目前已竣工通车。", 15, SENTENCE_END, 0),
    ("甲" * 1500, 1400, CLAUSE_END, LONGEST_SENTENCE),            # cut: no mark at all
    ("甲" * 1500, 900, CLAUSE_END, 0),
    ("甲" * 800 + "，" + "乙" * 800, 1500, CLAUSE_END, 801),     # the comma is the cut
    ("甲" * 800 + "，" + "乙" * 800, 700, SENTENCE_END, 0),
    # must not bound: a long paragraph of sentences of normal length
    (("城南大道工程开工建设，进展顺利。" * 200), 2995, CLAUSE_END, 2992),
]


@pytest.mark.parametrize("text, pos, marks, start", BOUNDED)
def test_bounded_start(text: str, pos: int, marks: str, start: int) -> None:
    layout = Layout(text)
    assert layout.bounded_start(pos, marks) == start
    if not layout.long_sentence_cuts:
        assert layout.bounded_start(pos, marks) == layout.clause_start(pos, marks)


class Walks(list):  # type: ignore[type-arg]
    """A list that counts how often it is walked through."""

    walks = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        Walks.walks += 1
        return super().__iter__()


@pytest.mark.parametrize("lines", [
    # every heading style stacked on a line that names a project: a title per project
    [f"一、（一）{i}.（{i}）①第一章 第一节 一是 城南{i}号路工程\n" for i in range(300)],
    # must not change: a report of a few headings and many projects under them
    ["一、交通项目\n"] + [f"城南{i}号路工程已开工建设。\n" for i in range(300)],
])
def test_the_project_model_walks_the_titles_once_per_document(monkeypatch: pytest.MonkeyPatch, rules: RuleSet,
                                                              lines: list[str]) -> None:
    """The titles' starts are made once per document, not once per project (a text of 6,600
    headings, each naming a project, spent 29 of its 47 CPU-s making them again)."""
    from pipeline.stages import project_model
    from pipeline.stages.names import NameJudge
    from pipeline.text.segmenter import load_segmenter

    found = Pipeline(rules).found("headings", "".join(lines), until="project_model")[0]
    ex = found.extraction()
    assert len(ex.projects) >= 100
    monkeypatch.setattr(project_model, "sorted", lambda *a, **k: Walks(sorted(*a, **k)), raising=False)
    Walks.walks = 0
    project_model.project_features(ex, NameJudge(rules, load_segmenter()), rules)
    assert Walks.walks <= 10, Walks.walks
