"""Ledgers written as tables (pipeline/stages/tables.py): a header row names each column, a
row's cells stay in it when they wrap, a 合计 row sums and names no project, and a line of
prose with | in it is no table. Every table here is invented; the roles its amounts take
through the whole pipeline are rows of tests/cases/roles.yaml."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from pipeline.extract import Pipeline
from pipeline.rules.loader import RuleSet
from pipeline.stages.tables import Table, find_tables
from pipeline.types import Kind, Project, Status

PIPE = (
    "# 青梧县重点项目台账\n\n"
    "| 序号 | 项目名称 | 建设内容 | 总投资 | 年度计划 | 1-6月完成 | 进展情况 |\n"
    "|---|---|---|---|---|---|---|\n"
    "| 一 | 产业项目 | | | | | |\n"
    "| 1 | 青梧县南屏物流园 | 仓储用房3万平方米 | 6亿元 | 2亿元 | 1.4亿元 | 主体施工中，<br>计划年底封顶 |\n"
    "| | 一期 | | | | | 设备招标中 |\n"
    "| 2 | 青梧县柳岸水厂 | 日供水2万吨 | 3000万元 | 1200万元 | 900万元 | 已完工 |\n"
    "| | **合计** | | 6.3亿元 | 2.12亿元 | 1.49亿元 | |\n"
    "\n备注：第2项已通过验收。\n"
)

TAB = (
    "序号\t项目名称\t总投资（万元）\t年度计划投资（万元）\t1-6月完成投资（万元）\t完成率（%）\t形象进度\n"
    "1\t鹤汀镇卫生院迁建\t2500\t1000\t800\t80\t主体完工\n"
    "\t工程\t\t\t\t\t正在装修\n"
    "2\t鹤汀镇污水管网\t900\t900\t300\t33.3\t进展缓慢\n"
    "\t合计\t3400\t1900\t1100\t57.9\t\n"
)

SPACE = (
    "序号  项目名称          总投资    年度计划  完成投资  形象进度\n"
    "1     雁归湖湿地公园    1.6亿元   5000万元  3200万元  正在进行\n"
    "      二期                                            栈道施工\n"
    "2     雁归湖游客中心    8000万元  3000万元  3000万元  已竣工\n"
    "      合计              2.4亿元   8000万元  6200万元\n"
)

NOT_TABLES = [
    "首页 | 新闻中心 | 总投资动态\n今年全县完成投资12亿元 | 年度计划投资15亿元。\n",
    # a sentence in a cell: a header is a line of short column names
    "| 今年全县总投资超过去年，年度计划全面完成，项目名称另行公布 | 1 | 2 |\n| 1 | 2 | 3 |\n",
    # column words without a name or number column
    "总投资  年度计划  完成投资\n12亿元  3亿元  2亿元\n",
    "项目名称\t建设内容\t责任单位\n城东快速路\t新建道路5公里\t县交通局\n",
]


def _cells(text: str, table: Table, kind: str) -> list[list[str]]:
    column = table.column(kind)
    assert column is not None
    return [[text[c.start:c.end] for c in row.cells_of(column)] for row in table.rows]


@pytest.mark.parametrize(("text", "kinds"), [
    (PIPE, ("number", "name", None, "total", "planned", "completed", "status")),
    (TAB, ("number", "name", "total", "planned", "completed", "rate", "status")),
    (SPACE, ("number", "name", "total", "planned", "completed", "status")),
])
def test_the_header_names_each_column(rules: RuleSet, text: str, kinds: tuple[Any, ...]) -> None:
    tables = find_tables(text, rules)
    assert [t.kinds for t in tables] == [kinds]


@pytest.mark.parametrize(("text", "names", "statuses"), [
    (PIPE, [["产业项目"], ["青梧县南屏物流园", "一期"], ["青梧县柳岸水厂"], ["合计"]],
     [[], ["主体施工中，<br>计划年底封顶", "设备招标中"], ["已完工"], []]),
    (TAB, [["鹤汀镇卫生院迁建", "工程"], ["鹤汀镇污水管网"], ["合计"]],
     [["主体完工", "正在装修"], ["进展缓慢"], []]),
    (SPACE, [["雁归湖湿地公园", "二期"], ["雁归湖游客中心"], ["合计"]],
     [["正在进行", "栈道施工"], ["已竣工"], []]),
])
def test_a_wrapped_cell_stays_in_its_row(rules: RuleSet, text: str, names: list[list[str]],
                                         statuses: list[list[str]]) -> None:
    (table,) = find_tables(text, rules)
    assert _cells(text, table, "name") == names
    assert _cells(text, table, "status") == statuses


@pytest.mark.parametrize("text", [PIPE, TAB, SPACE])
def test_the_sum_row_is_marked_and_only_it(rules: RuleSet, text: str) -> None:
    (table,) = find_tables(text, rules)
    assert [row.total for row in table.rows] == [False] * (len(table.rows) - 1) + [True]


@pytest.mark.parametrize("text", [PIPE, TAB, SPACE])
def test_cells_keep_their_spans(rules: RuleSet, text: str) -> None:
    (table,) = find_tables(text, rules)
    for row in table.rows:
        assert table.start <= row.start <= row.end <= table.end
        for c in row.cells:
            assert row.start <= c.start < c.end <= row.end
            piece = text[c.start:c.end]
            assert piece == piece.strip() and "|" not in piece and "\t" not in piece


def test_the_table_ends_where_its_rows_do(rules: RuleSet) -> None:
    (table,) = find_tables(PIPE, rules)
    assert "备注" not in PIPE[table.start:table.end]
    assert PIPE[table.start:].startswith("| 序号")


@pytest.mark.parametrize("text", NOT_TABLES)
def test_prose_and_lists_are_no_tables(rules: RuleSet, text: str) -> None:
    assert find_tables(text, rules) == ()


# --- a row's facts go to the row's project (the table_rows stage) ---------------------------

LEDGER = (
    "| 序号 | 项目名称 | 总投资 | 年度计划 | 1-6月完成 | 进展情况 |\n"
    "|---|---|---|---|---|---|\n"
    "| 1 | 青梧县南屏物流园 | 6亿元 | 2亿元 | 1.4亿元 | 受征地影响，7月才进场施工， |\n"
    "| | | | | | 进度滞后 |\n"
    "| 2 | 青梧县柳岸水厂 | 3亿元 | 1亿元 | 0.9亿元 | 已竣工，6月投入使用 |\n"
    "| 3 | 青梧县石门大桥 | 2亿元 | 1亿元 | 0.5亿元 | 已完成招标，计划 |\n"
    "| | | | | | 8月进场 |\n"
    "| | 合计 | 11亿元 | 4亿元 | 2.8亿元 | |\n"
)


def _projects(pipeline: Pipeline, text: str) -> dict[str, Project]:
    return {p.name: p for p in pipeline("ledger.txt", text).projects}


def test_a_delay_on_the_line_a_status_cell_wraps_onto_is_its_rows(pipeline: Pipeline) -> None:
    projects = _projects(pipeline, LEDGER)
    assert projects["青梧县南屏物流园"].status is Status.DELAYED
    assert projects["青梧县柳岸水厂"].status is Status.OPERATIONAL


def test_a_line_cut_inside_a_clause_leaves_its_cue_to_the_clause(pipeline: Pipeline) -> None:
    # 计划 | 8月进场: the start is planned, not reached
    assert _projects(pipeline, LEDGER)["青梧县石门大桥"].status is Status.PLANNED


def test_a_rows_amounts_are_its_projects_and_the_sum_rows_none(pipeline: Pipeline) -> None:
    ex = pipeline("ledger.txt", LEDGER)
    projects = {p.name: p for p in ex.projects}
    keys = {ex.doc.norm[q.start:q.end]: q.project_key for q in ex.quantities if q.kind is Kind.MONEY}
    assert keys["6亿元"] == projects["青梧县南屏物流园"].key
    assert keys["0.9亿元"] == projects["青梧县柳岸水厂"].key
    assert keys["11亿元"] is None and keys["2.8亿元"] is None
    assert projects["青梧县南屏物流园"].total_investment == Decimal("600000000")
    assert projects["青梧县柳岸水厂"].completed_investment == Decimal("90000000")


def test_a_space_padded_table_ends_at_a_paragraph_without_a_blank_line(rules: RuleSet) -> None:
    text = SPACE + "    上表所列项目中，雁归湖湿地公园二期计划年底完工，总投资另行核定为2亿元\n"
    (table,) = find_tables(text, rules)
    assert "上表" not in text[table.start:table.end]


# --- where headers are looked for, and how often ----------------------------------------------

def _every_line(text: str, rules: RuleSet) -> tuple[Table, ...]:
    """`find_tables` as it read before its lines were gated: every line tried as a header."""
    from pipeline.stages.tables import Row, _continues, _header, _is_total, _row_cells

    t = rules.ledger.tables
    lines, at = [], 0
    for line in text.split("\n"):
        lines.append((at, at + len(line)))
        at += len(line) + 1
    tables, i = [], 0
    while i < len(lines):
        start, end = lines[i]
        header = _header(text, start, end, t)
        if header is None:
            i += 1
            continue
        rows: list[Row] = []
        j = i + 1
        while j < len(lines):
            ls, le = lines[j]
            cells = _row_cells(text, ls, le, header, t)
            if cells is None:
                break
            j += 1
            if not cells:
                continue
            total = _is_total(text, cells, header, t)
            if rows and not total and not rows[-1].total and _continues(cells, header):
                rows[-1].cells.extend(cells)
                rows[-1].end = le
            else:
                rows.append(Row(ls, le, list(cells), total))
        if rows:
            tables.append(Table(start, lines[j - 1][1], header.kinds, tuple(rows)))
        i = j
    return tuple(tables)


_HEADS = ["序号", "项目名称", "总投资", "年度计划", "1-6月完成", "进展情况", "建设内容", "完成率"]
_CELLS = ["1", "2", "", "桐溪东路", "一期", "6亿元", "3000万元", "在建", "已完工，", "合计", "**合计**", "小计",
          "主体施工中。", "  桐溪东路已开工建设，完成投资1亿元。", "|---|---|---|"]
_SEPARATORS = [" | ", "|", "\t", "  ", "    ", "\u3000", " ", ""]


def _ledger_like(rng: Any) -> str:
    """Invented lines of column words, cells and prose, parted by every separator a table uses."""
    lines = []
    for _ in range(rng.randint(1, 8)):
        sep = rng.choice(_SEPARATORS)
        words = rng.sample(_HEADS, rng.randint(1, 6)) if rng.random() < 0.3 else \
            [rng.choice(_CELLS) for _ in range(rng.randint(1, 6))]
        line = sep.join(words)
        if sep.strip() == "|" and rng.random() < 0.7:
            line = f"| {line} |"
        lines.append(line)
    return "\n".join(lines) + rng.choice(["", "\n", "\n\n"])


def test_only_lines_holding_a_separator_are_tried_and_nothing_else_changes(rules: RuleSet) -> None:
    import random

    rng = random.Random(16)
    texts = [PIPE, TAB, SPACE, LEDGER, *NOT_TABLES, "  ", "|", "\n\n|\n", "\u3000\n"]
    texts += [_ledger_like(rng) for _ in range(3000)]
    found = 0
    for text in texts:
        tables = find_tables(text, rules)
        assert tables == _every_line(text, rules), text
        found += bool(tables)
    assert found > 300          # the invented lines make tables often enough to tell


def test_the_pipeline_finds_a_documents_tables_once(monkeypatch: pytest.MonkeyPatch, pipeline: Pipeline) -> None:
    from pipeline.stages import tables as module

    calls = []
    real = module._find_tables

    def counted(text: str, rules: RuleSet) -> tuple[Table, ...]:
        calls.append(text)
        return real(text, rules)

    monkeypatch.setattr(module, "_find_tables", counted)
    for text in (LEDGER, TAB, SPACE.replace("亿元", "").replace("万元", "")):
        calls.clear()
        found, _ = pipeline.found("ledger.txt", text)
        assert len(calls) == 1                  # the roles stage's, handed on to table_rows
        assert found.tables == real(found.doc.norm, pipeline.rules) and found.tables


# a web page's table copied as text: one cell a line, a group row between rows, an empty cell
# (a line of white space), a status cell long enough for the normaliser to join the next cell
CELL_LINES = (
    "桐溪县重点项目推进情况表\n"
    "序号\n项目名称\n建设内容\n总投资（万元）\n年度计划（万元）\n1-6月完成投资（万元）\n形象进度\n责任单位\n"
    "一、续建项目（2个）\n"
    "1\n桐溪县南岸污水处理厂扩建工程\n新建二沉池2座，配套截污管网5.2公里\n9600\n4000\n3100\n已完工，6月3日进入试运行\n"
    "县住建局\n"
    "2\n桐溪县青杉职业学校新校区\n总建筑面积5.2万平方米\n32000\n8000\n6400\n\u3000\n县教育局\n"
    "二、新开工项目（2个）\n"
    "3\n桐溪至鹤汀一级公路\n新建一级公路12.4公里，含大桥1座\n54000\n6000\n2100\n"
    "4月9日动工，目前正在清表和路基土方施工，已完成土方8万立方米\n县交通局\n"
    "4\n桐溪县城东水厂\n新建水厂一座，供水规模3万吨/日\n18000\n3000\n900\n取水泵站土建施工\n县水利局\n"
    "\n上表数据由各责任单位报送。\n"
)


def test_a_table_written_one_cell_a_line_reads_its_rows(rules: RuleSet) -> None:
    (table,) = find_tables(CELL_LINES, rules)
    assert table.kinds == ("number", "name", None, "total", "planned", "completed", "status", None)
    assert _cells(CELL_LINES, table, "name") == [["桐溪县南岸污水处理厂扩建工程"], ["桐溪县青杉职业学校新校区"],
                                                 ["桐溪至鹤汀一级公路"], ["桐溪县城东水厂"]]
    assert _cells(CELL_LINES, table, "status")[1] == []       # the empty cell
    assert "上表" not in CELL_LINES[table.start:table.end]


def test_a_one_cell_a_line_rows_status_cell_is_its_projects(pipeline: Pipeline) -> None:
    # read as prose, the group rows' 续建 and 新开工 win over cells five lines below the names
    projects = _projects(pipeline, CELL_LINES)
    assert projects["桐溪县南岸污水处理厂扩建工程"].status is Status.OPERATIONAL    # 进入调试运行阶段
    assert projects["桐溪至鹤汀一级公路"].status is Status.IN_PROGRESS


@pytest.mark.parametrize("text", [
    # a 序号 line over prose: no header run
    "序号\n本表所列项目均为县级重点项目，数据截至6月底。\n1\n城东快速路\n",
    # column words without a money column
    "序号\n项目名称\n建设内容\n责任单位\n1\n城东快速路\n新建道路5公里\n县交通局\n",
    # a header run with no numbered row under it
    "序号\n项目名称\n总投资\n形象进度\n一、续建项目\n城东快速路已开工。\n",
])
def test_lines_of_column_words_without_numbered_rows_are_no_table(rules: RuleSet, text: str) -> None:
    assert find_tables(text, rules) == ()


def test_two_one_cell_a_line_tables_back_to_back_are_two(rules: RuleSet) -> None:
    # the second header's 序号 ends the first table's last row: no row swallows another header
    one = "序号\n项目名称\n总投资\n形象进度\n1\n桐溪东路\n3亿元\n在建\n"
    tables = find_tables(one + one.replace("桐溪东路", "鹤汀西路"), rules)
    assert len(tables) == 2
    assert [len(t.rows) for t in tables] == [1, 1]
    assert all(len(t.rows[0].cells) == 4 for t in tables)


# an export that parts cells by a run of spaces without padding them to their header's columns:
# read by display column, 98.6亿元 would stand under 累计完成
SPACE_RUNS = (
    "线路名称    里程    总投资    累计完成    完成率    进展\n"
    "鹤汀至桐溪快速路    62.4公里    98.6亿元    41.2亿元    41.8%    路基施工\n"
    "鹤汀环城快速路    28.1公里    45.3亿元    45.3亿元    100%    已通车\n"
)


def test_cells_parted_by_runs_of_spaces_go_by_order_when_they_match_the_header(rules: RuleSet) -> None:
    (table,) = find_tables(SPACE_RUNS, rules)
    assert _cells(SPACE_RUNS, table, "total") == [["98.6亿元"], ["45.3亿元"]]
    assert _cells(SPACE_RUNS, table, "completed") == [["41.2亿元"], ["45.3亿元"]]
    assert _cells(SPACE_RUNS, table, "status") == [["路基施工"], ["已通车"]]


# a group's row between a tab or pipe table's rows (一、续建项目（2个）) holds no cell mark: it is
# passed over and the rows under it stay the table's; a paragraph after the table still ends it
GROUP_ROWS = [
    ("序号\t项目名称\t总投资\t累计完成\t进展\n"
     "一、市政道路（2个）\n"
     "1\t梅岭东路\t3.2亿元\t1.1亿元\t路基施工\n"
     "2\t梅岭西路\t2.4亿元\t2.4亿元\t已完工\n"
     "二、公共服务（续建，均已复工）\n"
     "3\t梅岭体育馆\t1.5亿元\t0.6亿元\t钢结构吊装\n",
     [["梅岭东路"], ["梅岭西路"], ["梅岭体育馆"]]),
    ("| 序号 | 项目名称 | 总投资 | 进展 |\n"
     "|---|---|---|---|\n"
     "（一）新开工项目\n"
     "| 1 | 梅岭东路 | 3.2亿元 | 已开工 |\n"
     "| 2 | 梅岭西路 | 2.4亿元 | 场地平整 |\n",
     [["梅岭东路"], ["梅岭西路"]]),
    # must not: a paragraph after the table ends it, whatever it opens with
    ("序号\t项目名称\t总投资\t进展\n"
     "1\t梅岭东路\t3.2亿元\t路基施工\n"
     "二、下一步工作。加快梅岭西路前期工作，力争年内开工。\n"
     "2\t梅岭西路\t2.4亿元\t前期\n",
     [["梅岭东路"]]),
]


@pytest.mark.parametrize(("text", "names"), GROUP_ROWS, ids=[str(i) for i in range(len(GROUP_ROWS))])
def test_a_group_row_between_rows_is_passed_over(rules: RuleSet, text: str, names: list[list[str]]) -> None:
    table = find_tables(text, rules)[0]
    assert _cells(text, table, "name") == names
    # the group row is no row's cell
    assert not any(text[c.start:c.end].startswith(("一、", "二、", "（一）")) for row in table.rows for c in row.cells)
