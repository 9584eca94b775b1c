"""Notices written as cards of labelled fields (pipeline/stages/cards.py): which lines make a
card, the kind of each field, what a card makes of its project, state and money. Every card
here is invented; the roles, states and names the whole pipeline gives are rows of
tests/cases/roles.yaml, statuses.yaml and projects.yaml."""

from __future__ import annotations

import pytest

from pipeline.extract import Pipeline
from pipeline.rules.loader import RuleSet
from pipeline.stages.cards import field_at, find_cards
from pipeline.types import Kind

# text -> each card's fields as (label, kind, value)
CARDS = [
    pytest.param(
        "项目名称：桐溪村冷链仓储建设项目\n建设地点：桐溪镇桐溪村\n建设内容：新建冷库1座，库容200吨\n"
        "资金规模：总投资120万元\n实施单位：桐溪镇人民政府\n实施期限：2027年3月—2027年9月\n绩效目标：带动农户40户\n",
        [[("项目名称", "name", "桐溪村冷链仓储建设项目"), ("建设地点", "other", "桐溪镇桐溪村"),
          ("建设内容", "other", "新建冷库1座，库容200吨"), ("资金规模", "other", "总投资120万元"),
          ("实施单位", "other", "桐溪镇人民政府"), ("实施期限", "period", "2027年3月—2027年9月"),
          ("绩效目标", "target", "带动农户40户")]],
        id="one field a line"),
    pytest.param(
        "项目名称：鹿鸣村便民桥\n建设内容：新建便民桥1座\n\n项目名称：鹿鸣村产业路\n建设状态：已开工\n",
        [[("项目名称", "name", "鹿鸣村便民桥"), ("建设内容", "other", "新建便民桥1座")],
         [("项目名称", "name", "鹿鸣村产业路"), ("建设状态", "state", "已开工")]],
        id="a blank line ends a card"),
    pytest.param(
        "项目名称：鹿鸣村便民桥\n建设内容：新建便民桥1座\n项目名称：鹿鸣村产业路\n总投资：80万元\n",
        [[("项目名称", "name", "鹿鸣村便民桥"), ("建设内容", "other", "新建便民桥1座")],
         [("项目名称", "name", "鹿鸣村产业路"), ("总投资", "total", "80万元")]],
        id="a name field opens a new card"),
    pytest.param(
        "1. 项目名称：桃源村文化广场；建设地点：桃源村；建设状态：主体已完工\n",
        [[("项目名称", "name", "桃源村文化广场"), ("建设地点", "other", "桃源村"),
          ("建设状态", "state", "主体已完工")]],
        id="numbered, fields run together after ；"),
    pytest.param(
        "（一）项目名称：柳湾村冷库\n建设地点：柳湾村\n\n②项目名称：桃源村便民桥\n建设状态：已完工\n",
        [[("项目名称", "name", "柳湾村冷库"), ("建设地点", "other", "柳湾村")],
         [("项目名称", "name", "桃源村便民桥"), ("建设状态", "state", "已完工")]],
        id="numbered （一） and ②"),
    pytest.param(
        "【项目名称】柳湾村冷库  【建设地点】柳湾村三组\n【项目进度】已完成招标\n",
        [[("项目名称", "name", "柳湾村冷库"), ("建设地点", "other", "柳湾村三组"),
          ("项目进度", "state", "已完成招标")]],
        id="labels in 【】"),
    pytest.param(
        "项目名称：桐溪村便民桥\n建设内容：新建便民桥1座，长30米资金规模：本年度安排补助资金20万元\n",
        [[("项目名称", "name", "桐溪村便民桥"), ("建设内容", "other", "新建便民桥1座，长30米"),
          ("资金规模", "other", "本年度安排补助资金20万元")]],
        id="a line joined to the one before: the label before its colon"),
    pytest.param(
        "项目名称：鹿鸣村便民桥\n建设内容：新建便民桥1座，\n配套引道200米\n资金规模：补助资金20万元\n"
        "二、续建项目\n项目名称：鹿鸣村产业路\n建设状态：已开工\n以下为说明。\n",
        [[("项目名称", "name", "鹿鸣村便民桥"), ("建设内容", "other", "新建便民桥1座，\n配套引道200米"),
          ("资金规模", "other", "补助资金20万元")],
         [("项目名称", "name", "鹿鸣村产业路"), ("建设状态", "state", "已开工")]],
        id="a value wrapped onto the next line; a heading before a name field ends the card"),
    pytest.param(
        "建设地点：甲镇乙村\n建设内容：新建冷库1座\n",
        [[("建设地点", "other", "甲镇乙村"), ("建设内容", "other", "新建冷库1座")]],
        id="a card with no name field"),
    # must not: prose with colons
    pytest.param("主要内容：城南大道已建成通车。\n一是加强领导；二是压实责任。\n", [], id="one labelled line alone"),
    pytest.param("第一：要抓好项目建设。\n第二：要抓好安全生产。\n", [], id="a speech's 第一："),
    pytest.param("会议指出：今年项目建设成效明显。\n会议要求：要加快推进续建项目。\n", [],
                 id="words no label of the lexicon"),
    pytest.param("全县共有项目名称：城东快速路等12个\n建设地点：各乡镇\n", [],
                 id="a line opening with words of its own"),
]


@pytest.mark.parametrize(("text", "expected"), CARDS)
def test_find_cards(text: str, expected: list[list[tuple[str, str, str]]], rules: RuleSet) -> None:
    cards = find_cards(text, rules)
    got = [[(text[f.label_start:f.label_end], f.kind, f.value(text)) for f in card.fields] for card in cards]
    assert got == expected
    for card in cards:
        assert text[card.start:card.end].startswith(text[card.fields[0].label_start:card.fields[0].label_end])


def test_field_at(rules: RuleSet) -> None:
    text = "前言：无\n\n项目名称：鹿鸣村便民桥\n总投资：80万元\n"
    cards = find_cards(text, rules)
    assert field_at(cards, text.index("80万元")).kind == "total"
    assert field_at(cards, text.index("鹿鸣村")).kind == "name"
    assert field_at(cards, text.index("前言")) is None


NOTICE = (
    "关于望川县2027年度项目计划的公示\n\n"
    "以下项目除注明外均为新建项目，目前均处于前期工作阶段。\n\n"
    "一、产业发展类项目\n\n"
    "项目名称：桐溪村茶叶加工厂房建设项目\n建设地点：桐溪镇桐溪村二组\n"
    "资金规模：总投资150万元，其中补助资金100万元\n实施单位：桐溪镇人民政府\n绩效目标：项目建成后带动农户30户\n\n"
    "二、续建项目（已开工）\n\n"
    "以下2个项目均为去年开工的续建项目：\n"
    "项目名称：鹿鸣村肉牛养殖小区\n建设内容：新建牛舍1200平方米，目前主体已完工\n资金规模：本年度安排补助资金40万元\n\n"
    "项目名称：鹿鸣村便民桥\n建设内容：新建便民桥1座\n资金规模：本年度安排补助资金20万元\n"
)


def test_a_notice_of_cards(pipeline: Pipeline) -> None:
    ex = pipeline("notice", NOTICE)
    text = ex.doc.norm
    projects = {p.name: p for p in ex.projects}
    # the cards' names only: no field value (桐溪镇桐溪村二组) and no heading over cards (产业发展类项目)
    assert set(projects) == {"桐溪村茶叶加工厂房建设项目", "鹿鸣村肉牛养殖小区", "鹿鸣村便民桥"}
    # the preamble's state for a card with none of its own; its goal (建成后) states nothing
    assert projects["桐溪村茶叶加工厂房建设项目"].status.value == "planned"
    # its own field's state; the section's lead-in (续建) for a card with none
    assert projects["鹿鸣村肉牛养殖小区"].status.value == "in_progress"
    assert projects["鹿鸣村便民桥"].status.value == "in_progress"
    for s in ex.statuses:
        assert text[s.start:s.end] and s.project_key is not None
    money = {text[q.start:q.end]: q for q in ex.quantities if q.kind is Kind.MONEY}
    assert money["150万元"].project_key == projects["桐溪村茶叶加工厂房建设项目"].key
    assert money["40万元"].project_key == projects["鹿鸣村肉牛养殖小区"].key
    assert money["40万元"].role.value == "other"


def test_no_card_no_change(pipeline: Pipeline) -> None:
    text = "城东快速路项目总投资12亿元，目前已完成投资3亿元，正在进行路基施工。"
    found, layout = pipeline.found("prose", text, until="card_rows")
    after, _ = pipeline.found("prose", text, until="aggregate")
    assert found == after


# a card's name field -> the project mentions on its line: the field gives the name whole, so
# one name found opening it and stopping short of its end (甲县中医院 in 甲县中医院康养楼: a
# facility word the suffixes do not know) gives way to the whole value
CARD_NAME_CASES = [
    ("项目名称：栖梧县中医院康养楼\n建设单位：栖梧县中医院\n建设规模：建筑面积1.2万平方米\n", ["栖梧县中医院康养楼"]),
    ("项目名称：鹭汀水厂扩建工程\n建设地点：鹭汀镇\n建设规模：日供水2万吨\n", ["鹭汀水厂扩建工程"]),
    # a value wrapped onto the next line (施工单位 is no label cards know): the name is its own line
    ("项目名称：栖梧安置小区三期\n施工单位：栖梧建工集团有限公司\n建设规模：住房300套\n", ["栖梧安置小区三期"]),
    # must not: a list's items in the value stay the card's projects as they are
    ("项目名称：鹭汀水厂、栖梧水厂\n建设规模：日供水2万吨\n建设地点：鹭汀镇\n", ["鹭汀水厂", "栖梧水厂"]),
]


@pytest.mark.parametrize("text, names", CARD_NAME_CASES, ids=lambda v: str(v)[:20])
def test_a_name_field_gives_the_name_whole(text: str, names: list[str]) -> None:
    ex = Pipeline(weigh_projects=False)("case", text)
    line_end = text.index("\n")
    assert [m.name for m in ex.mentions if m.end <= line_end] == names
