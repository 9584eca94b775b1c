"""The per-document layout and the stage registry: the layout is computed once per
document and every stage gets that one; the stages are made once from the rule set, so no
pattern is compiled per document; links.yaml's patterns carry examples and
counter-examples that loading checks. (What the layout finds: tests/cases/layout.yaml.)"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import regex
import yaml

from pipeline.extract import STAGE_NAMES, Pipeline
from pipeline.rules.loader import DEFAULT_RULES_DIR, RuleError, RuleSet, load_rules
from pipeline.stages.found import Found
from pipeline.text.layout import Layout, title_line

REPORT = ("全县重点项目建设情况\n一、交通项目\n（一）城南大道建设\n该项目总投资3亿元，目前已开工。\n"
          "（二）其他项目\n滨江大桥、北湖公园等5个项目集中开工，年内完成投资2亿元；西山隧道已完工。")


def test_the_registry_lists_the_stages_in_order(rules: RuleSet) -> None:
    assert list(Pipeline(rules).stages) == list(STAGE_NAMES)
    assert list(Pipeline(rules, weigh_projects=False).stages) == [n for n in STAGE_NAMES if n != "project_model"]


def test_one_layout_per_document_and_every_stage_gets_it(rules: RuleSet, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Layout] = []

    def counting(*args: Any, **kwargs: Any) -> Layout:
        built.append(Layout(*args, **kwargs))
        return built[-1]

    # every module of the package that could make one (extract.py, and stages that make
    # their own when called without one)
    for name, module in list(sys.modules.items()):
        if name.startswith("pipeline.") and getattr(module, "Layout", None) is Layout:
            monkeypatch.setattr(module, "Layout", counting)
    pipe = Pipeline(rules)
    seen: list[tuple[str, int]] = []

    def recording(name: str, stage: Callable[[Layout, Found], Found]) -> Callable[[Layout, Found], Found]:
        def run(layout: Layout, found: Found) -> Found:
            seen.append((name, id(layout)))
            return stage(layout, found)
        return run

    pipe.stages = {name: recording(name, stage) for name, stage in pipe.stages.items()}
    for doc_id in ("a", "b"):
        built.clear()
        seen.clear()
        ex = pipe(doc_id, REPORT)
        assert ex.projects, "the report yields projects"
        assert len(built) == 1, "one layout per document, none built inside a stage"
        assert seen == [(name, id(built[0])) for name in STAGE_NAMES]


def test_no_stage_compiles_a_pattern_per_document(rules: RuleSet, monkeypatch: pytest.MonkeyPatch) -> None:
    """The layout, anaphora, link and aggregate stages compile their patterns when the
    pipeline is built (once per rule set), never while a document runs."""
    pipe = Pipeline(rules)
    pipe("warm", REPORT)        # caches other stages fill on first use
    compiled_by: list[str] = []
    original = regex.compile

    def recording(*args: Any, **kwargs: Any) -> Any:
        compiled_by.append(sys._getframe(1).f_globals["__name__"])
        return original(*args, **kwargs)

    monkeypatch.setattr(regex, "compile", recording)
    pipe("doc", REPORT)
    mine = {"pipeline.text.layout", "pipeline.stages.anaphora", "pipeline.stages.link", "pipeline.stages.aggregate",
            "pipeline.extract"}
    assert sorted(set(compiled_by) & mine) == []


# -- rules/links.yaml: each pattern beside what it must and must not find ---------------

def _broken_copy(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    directory = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, directory)
    path = directory / "links.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return directory


def _set(key: str, field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda data: data[key].update({field: value})


BROKEN = [
    # change to links.yaml                                     words the error must hold
    (_set("group_statement", "examples", ["城西大道已开工"]),     ["links.yaml", "group_statement", "does not match"]),
    (_set("member_list_opener", "not", ["其中包括"]),            ["member_list_opener", "counter-example"]),
    (_set("enumeration_gap", "not", "、"),                       ["links.yaml", "enumeration_gap.not"]),
    (_set("group_statement", "pattern", "(?:项目"),              ["group_statement", "bad pattern"]),
    (_set("group_statement", "at", "middle"),                    ["links.yaml", "group_statement", "at"]),
]


@pytest.mark.parametrize("change, words", BROKEN, ids=[" ".join(w[1:]) for _, w in BROKEN])
def test_links_rules_check_their_examples(tmp_path: Path, change: Callable[[dict[str, Any]], None],
                                          words: list[str]) -> None:
    with pytest.raises(RuleError) as info:
        load_rules(_broken_copy(tmp_path, change))
    assert all(w in str(info.value) for w in words), str(info.value)


def test_every_links_pattern_has_examples_and_counter_examples() -> None:
    data = yaml.safe_load((DEFAULT_RULES_DIR / "links.yaml").read_text(encoding="utf-8"))
    patterns = {key: entry for key, entry in data.items() if isinstance(entry, dict)}
    assert patterns, "links.yaml holds patterns"
    assert sorted(k for k, e in patterns.items() if not (e.get("examples") and e.get("not"))) == []


def test_running_up_to_an_unknown_stage_is_an_error(pipeline: Pipeline) -> None:
    with pytest.raises(ValueError, match="no stage 'linking'"):
        pipeline.found("doc", REPORT, until="linking")


@pytest.mark.parametrize(("text", "marks"), [
    # text                                      marks
    ("城南大道开工；滨江大桥，北岸公园完工。\n下一段", "。！？!?；;\n"),
    ("城南大道开工；滨江大桥，北岸公园完工。\n下一段", "。！？!?；;\n，,：:"),
    ("没有标点的一段", "。；"),
    ("", "。"),
    ("a.b\\c]d^e-f", "\\]^-"),                 # characters a pattern class treats specially
])
def test_mark_indexes_hold_every_mark_as_a_four_byte_integer(text: str, marks: str) -> None:
    from pipeline.text.sentences import CharIndex

    index = CharIndex(text, marks)
    assert list(index.positions) == [i for i, ch in enumerate(text) if ch in marks]
    # a big document holds a mark every ten characters or so: 4 bytes each, not an int object
    assert index.positions.itemsize == 4
    layout = Layout(text)
    assert layout.segment_ends.itemsize == 4
    assert list(layout.segment_ends) == sorted({*(i + 1 for i, ch in enumerate(text) if ch in "。！？!?；;\n"),
                                                len(text)})


@pytest.mark.parametrize(("text", "marks"), [
    # text                                                       marks of a class within the clause marks
    ("城南大道开工；滨江大桥，北岸公园完工。\n下一段：甲，乙。", "。\n"),
    ("城南大道开工；滨江大桥，北岸公园完工。\n下一段：甲，乙。", "。！？!?；;\n"),
    ("城南大道开工；滨江大桥，北岸公园完工。\n下一段：甲，乙。", "。！？!?；;\n，,"),
    ("甲，乙，丙：丁", "。\n"),                                  # none of them in the text
    ("没有标点的一段", "。！？!?\n"),
    ("", "。\n"),
    ("，" * 100 + "。" + "，" * 100 + "\n" + "，" * 50, "。\n"),  # walks longer than _WALK: picked whole
    ("甲" + "，乙" * 40 + "。丙" + "；丁" * 40, "。！？!?；;\n"),
])
def test_an_index_picked_from_the_clause_marks_answers_as_a_scan_of_its_own(text: str, marks: str) -> None:
    """`char_index` serves a set of marks within the clause marks from the clause marks'
    index (no scan of its own): every look-up and the positions are what a scan gives."""
    from pipeline.text.sentences import CharIndex, char_index

    scanned = CharIndex(text, marks)
    for ask_positions_first in (False, True):
        picked = CharIndex(text, marks, among=CharIndex(text, "。！？!?；;\n，,：:"))
        if ask_positions_first:
            assert list(picked.positions) == list(scanned.positions)
        for pos in range(len(text) + 2):
            assert picked.last_before(pos) == scanned.last_before(pos), pos
            assert picked.first_from(pos) == scanned.first_from(pos), pos
        assert list(picked.positions) == list(scanned.positions)
        assert picked.positions.itemsize == 4
    assert list(char_index(text, marks).positions) == list(scanned.positions)


@pytest.mark.parametrize("text", [
    "甲，乙。" * 3000,                          # more clause marks than are picked per list
    "，" * 4095 + "。" + "，" * 4096 + "\n。",   # a mark of the set at the edges of those lists
    "，" * 8192,                                # none of them among many
])
def test_positions_picked_from_many_clause_marks_are_a_scans(text: str) -> None:
    from pipeline.text.sentences import _PICK_CHUNK, CharIndex

    among = CharIndex(text, "。！？!?；;\n，,：:")
    assert len(among.positions) > _PICK_CHUNK
    assert list(CharIndex(text, "。\n", among=among).positions) == list(CharIndex(text, "。\n").positions)


@pytest.mark.parametrize(("text", "blanked", "marks"), [
    # text                        the same with words blanked          marks asked
    ("五年计划，城南大道开工。", "\u3000" * 4 + "，城南大道开工。", "，。"),
    ("三年行动计划；滨江大桥完工。\n", "\u3000" * 6 + "；滨江大桥完工。\n", "。！？!?；;\n"),
])
def test_a_blanked_layout_reads_its_marks_from_the_original_text(text: str, blanked: str, marks: str) -> None:
    """Blanking words moves no mark: the blanked layout's indexes are the original's, so no
    index of the blanked copy keeps that copy alive for the rest of the document."""
    layout = Layout(text)
    blank = layout.blanked(blanked)
    assert blank.text is blanked
    assert blank.clause_start(len(text) - 1, marks) == layout.clause_start(len(text) - 1, marks)
    assert blank.index(marks).text is text
    assert blank.index(marks) is layout.index(marks)


def test_a_blanked_text_keeps_every_place() -> None:
    with pytest.raises(ValueError):
        Layout("五年计划，城南大道。").blanked("，城南大道。")


# A sentence longer than LONGEST_SENTENCE (text whose full stops were lost) is cut after
# the last clause mark in the second half of each stretch of that length, else hard at it.
LONG_SENTENCES = [
    # (what it is, the text, where the cuts must fall: after a comma, or hard)
    ("clauses of 30 characters", "甲" * 29 + "，", "comma"),
    ("clauses of 7 characters", "城南大道开工，", "comma"),
    ("no mark at all", "甲", "hard"),
]


@pytest.mark.parametrize(("what", "unit", "cut"), LONG_SENTENCES, ids=[c[0] for c in LONG_SENTENCES])
def test_a_very_long_sentence_is_cut_into_bounded_pieces(what: str, unit: str, cut: str) -> None:
    from pipeline.text.sentences import LONGEST_SENTENCE

    text = unit * (3 * LONGEST_SENTENCE // len(unit) + 1) + "。"
    layout = Layout(text)
    cuts = layout.long_sentence_cuts
    assert len(cuts) >= 3
    for piece in layout.sentences:
        assert piece.end - piece.start <= LONGEST_SENTENCE
    assert [s.start for s in layout.sentences[1:]] == [s.end for s in layout.sentences[:-1]], "no gap, no overlap"
    assert all(c in layout.segment_ends for c in cuts), "a cut ends a segment too"
    if cut == "comma":
        assert all(text[c - 1] == "，" for c in cuts)
    else:
        assert list(cuts[:2]) == [LONGEST_SENTENCE, 2 * LONGEST_SENTENCE]


def test_sentences_of_real_length_are_not_cut() -> None:
    text = ("城南大道工程总投资3亿元，" * 30 + "目前已开工。") * 20
    layout = Layout(text)
    assert layout.long_sentence_cuts == ()
    assert len(layout.sentences) == 20


@pytest.mark.parametrize("text", [
    # texts whose long sentences are found without a Sentence made for every sentence
    "城南大道开工。" * 3,                                         # none long
    "甲" * 12 + "。" + "乙" * 3 + "！\n" + "丙" * 11,                 # one first, one last without a mark
    "城南大道" * 4 + "\n\n" + " " * 30 + "\n" + "滨江大桥建成投用。",  # a long run of spaces is no sentence
    "“" + "丁" * 15 + "。”" + "戊" * 2 + "\u2028" + "己" * 20,        # a closing quote, a line separator
])
def test_the_long_sentences_are_those_split_sentences_gives_longer_than_the_limit(text: str) -> None:
    from pipeline.text.sentences import long_sentences, split_sentences

    assert list(long_sentences(text, 10)) == [(s.start, s.end) for s in split_sentences(text) if s.end - s.start > 10]


def test_a_project_repeated_through_one_endless_sentence_keeps_every_amount(rules: RuleSet) -> None:
    """The cuts bound the work per sentence; they must not lose facts: every amount of a
    sentence that runs on for many times the longest keeps its role and its project."""
    from pipeline.text.sentences import LONGEST_SENTENCE

    unit = "城东快速路工程总投资3.5亿元，"
    repeats = 4 * LONGEST_SENTENCE // len(unit)
    ex = Pipeline(rules)("long", unit * repeats)
    money = [q for q in ex.quantities if q.kind == "money"]
    assert len(money) == repeats
    assert {q.role for q in money} == {"total_investment"}
    assert all(q.project_key for q in money)


# The document's title line, one definition (`layout.title_line`) for where a report's kind
# is masked (statuses) and whose state passes to the projects named after it (link).
# text -> the title as written, or None.
TITLES = [
    ("全县重点项目集中开工\n城南大道", "全县重点项目集中开工"),
    ("\n\n  全县重点项目推进情况  \n城南大道", "全县重点项目推进情况"),
    ("全县重点项目集中开工", "全县重点项目集中开工"),
    # no title: a sentence, a line's first clause up to its ；, a list head, a long line, nothing
    ("城南大道已开工。\n北湖公园", None),
    ("城南大道进展缓慢；北湖公园已完工\n", None),
    ("全县重点项目推进情况！\n城南大道", None),
    ("新开工项目：\n城南大道", None),
    ("全县" + "重点项目" * 10 + "\n城南大道", None),
    ("  \n \n", None),
]


@pytest.mark.parametrize(("text", "title"), TITLES, ids=[t[0][:10] for t in TITLES])
def test_the_title_line(text: str, title: str | None) -> None:
    found = title_line(text, 40)
    assert (text[found[0]:found[1]] if found else None) == title
    assert Layout(text).title(40) == found


def test_a_layout_keeps_its_title_for_the_length_asked_and_a_blanked_copy_finds_its_own() -> None:
    layout = Layout("全县重点项目集中开工\n城南大道")
    assert layout.title(40) == (0, 10)
    assert layout.title(8) is None          # another length is asked afresh, not answered from the kept one
    assert layout.title(40) == (0, 10)
    blank = layout.blanked("\u3000\u3000" + layout.text[2:])
    assert blank.title(40) == (2, 10)       # its own text's title line, not the layout's
    assert layout.title(40) == (0, 10)



def test_a_documents_indexes_are_forgotten_once_its_rows_are_made() -> None:
    """`char_index` keeps the last text's indexes; `document_rows` drops them when the
    document is done (they held its text until the next one)."""
    from pipeline.io.read import SourceDocument
    from pipeline.results import DocumentResult
    from pipeline.rows import document_rows
    from pipeline.text import sentences

    pipe = Pipeline()
    text = "一、总体情况\n城南大道工程已开工，完成投资1.2亿元。滨江大桥正在施工。\n"
    ex = pipe("doc", text)
    source = SourceDocument("doc", "doc.txt", "txt", "utf-8", text, "ok", None, None, len(text.encode()))
    document_rows(DocumentResult(source, ex, "ok", None), pipe.rules)
    assert not any(index.text is ex.doc.norm for index in sentences._INDEXES.values())
    assert sentences.char_index(ex.doc.norm, "。").positions     # asked again: built again
