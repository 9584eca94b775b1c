"""Every output column, declared once: table, name, Arrow type, unit, Chinese label, meaning.

Everything else is made from this list or checked against it:
- `batch/tables.py` builds the Arrow schemas from it (`arrow_schemas`);
- `rows.py` fills exactly these keys (`tests/test_schema.py` checks every row it builds);
- `keyproj export --labels zh` takes its column headers from `zh` (values and table names are in
  `pipeline/data/labels_zh.yaml`), and its money columns from `unit == "yuan"`;
- README "Tables" lists each column (`tests/test_schema.py`; `python -m pipeline.schema` prints
  the tables as Markdown).

Adding an output column is one `Column(...)` line in its table below plus the code in `rows.py`
that fills it. Types are the names of pyarrow's type factories (`pa.int32()`), so this module
needs no pyarrow and worker processes never load it. Every column is nullable in the Parquet
files; `nullable=False` is the promise, checked by the tests, that a row always has a value.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

ARROW_TYPES = ("string", "int32", "int64", "float64")


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str               # one of ARROW_TYPES: the pyarrow factory's name
    zh: str                 # Chinese header (export --labels zh), without the unit
    description: str        # what README "Tables" says of it
    unit: str | None = None  # yuan, m, m2 …; None for text, ids, counts and mixed units
    nullable: bool = True


def _place(field: str, zh: str, type_: str, description: str) -> tuple[Column, ...]:
    """A place or period column and the span of the text that gave it."""
    return (Column(field, type_, zh, description),
            Column(f"{field}_start", "int64", f"{zh}起始位置", f"start of the span of `text` that gave {field}"),
            Column(f"{field}_end", "int64", f"{zh}结束位置", f"end of the span of `text` that gave {field}"))


def _span(what: str) -> tuple[Column, ...]:
    """text, start, end of a fact: `text == documents.text[start:end]`."""
    return (Column("text", "string", "原文", what, nullable=False),
            Column("start", "int64", "起始位置", "half-open character offset into `documents.text`", nullable=False),
            Column("end", "int64", "结束位置", "end offset (exclusive)", nullable=False))


def _sentence() -> tuple[Column, ...]:
    """The sentence holding a fact (sentence marks 。！？ and line breaks), surrounding blanks left out."""
    return (Column("sentence_start", "int64", "句子起始位置",
                   "start of the sentence holding the fact (offset into `documents.text`)", nullable=False),
            Column("sentence_end", "int64", "句子结束位置", "end of that sentence (exclusive)", nullable=False))


STATUS_VALUES = "`planned`, `started`, `in_progress`, `delayed`, `completed`, `operational`, `unknown`"

TABLES: dict[str, tuple[Column, ...]] = {
    "documents": (
        Column("doc_id", "string", "文档编号", "stable id (hash of the relative path)", nullable=False),
        Column("path", "string", "文件路径",
               "path relative to the input folder (with several inputs, to the folder they share)", nullable=False),
        Column("format", "string", "文件格式", "what the file was read as: `txt`, `md`, `docx`, `pdf`, `html` …"),
        Column("encoding", "string", "编码", "detected text encoding; null for binary formats"),
        Column("size_bytes", "int64", "文件大小（字节）", "file size", unit="bytes"),
        Column("content_hash", "string", "内容哈希", "sha256 of the file's bytes"),
        Column("chars", "int64", "字符数", "characters in `text`"),
        Column("title", "string", "标题", "first non-empty line"),
        *_place("province", "省份", "string", "province the report is from; null when unknown"),
        *_place("city", "市", "string", "city (prefecture) the report is from; null when unknown"),
        *_place("county", "县（区）", "string", "county (district) the report is from; null when unknown"),
        *_place("year", "年份", "int32", "the year the report covers; null when unknown or masked (20xx)"),
        *_place("period", "报告期", "string", "`全年`, `上半年`, `前三季度`, `1-10月` …; null when unknown"),
        Column("year_basis", "string", "年份依据",
               "how `year` was found: `review_heading`, `delivery_year_minus_one`, `title`, `headline`, "
               "`first_paragraph`, `heading`, `file_name` (no span), `masked`"),
        *_place("published", "发布日期", "string",
                "when the text says the report was issued: `YYYY-MM-DD` or `YYYY-MM`; null when not stated"),
        Column("status", "string", "状态",
               "`ok`, `empty`, `error`, `unsupported`, `no_text`, `too_large`, `duplicate`", nullable=False),
        Column("error", "string", "错误信息", "what went wrong, or a repair the reader made; else null"),
        Column("duplicate_of", "string", "重复于（文档编号）", "for a `duplicate`, the `doc_id` of the first copy"),
        Column("text", "string", "原文", "the stored text every offset indexes"),
        Column("pipeline_version", "string", "程序版本", "version + fingerprint of the extraction code",
               nullable=False),
        Column("rules_hash", "string", "规则版本", "hash of rules/", nullable=False),
    ),
    "sections": (
        Column("doc_id", "string", "文档编号", "the document", nullable=False),
        Column("section_id", "int32", "章节编号", "section 0 is the whole document", nullable=False),
        Column("parent_id", "int32", "上级章节编号", "enclosing section (null for section 0)"),
        Column("level", "int32", "层级", "0 for the document, 1 for top headings …", nullable=False),
        Column("marker", "string", "序号", "一、, （一）, 1., 篇一 …"),
        Column("title", "string", "标题", "heading text up to its first sentence mark"),
        Column("start", "int64", "起始位置", "from the heading …", nullable=False),
        Column("end", "int64", "结束位置", "… to the next heading of the same or a higher level", nullable=False),
        Column("rule_id", "string", "规则编号", "marker family"),
    ),
    "quantities": (
        Column("doc_id", "string", "文档编号", "the document", nullable=False),
        Column("quantity_id", "int32", "数量编号", "number of the amount in its document", nullable=False),
        Column("section_id", "int32", "章节编号", "innermost section", nullable=False),
        Column("project_id", "int32", "项目编号", "linked project (projects.project_id), null if none"),
        Column("kind", "string", "类型",
               "`money`, `length`, `area`, `volume`, `percent`, `percentage_point`", nullable=False),
        Column("value", "float64", "数值",
               "in the unit of `unit` (yuan, metres …); null for placeholders (××万元) and numbers "
               "broken by a stray space (5 9亿元)"),
        Column("value_high", "float64", "数值上限", "high end of a range (3-5亿元), same unit"),
        Column("unit", "string", "单位", "`yuan`, `m`, `m2`, `m3`, `percent`, `percentage_point`", nullable=False),
        Column("unit_raw", "string", "原文单位", "unit as written (亿元, 公里, 亩 …)"),
        Column("qualifier", "string", "限定词", "`approx` (约, 左右), `below` (近, 以下), `above` (超, 逾, 以上)"),
        Column("role", "string", "投资类型",
               "money only: `total_investment`, `planned_investment`, `completed_investment`, `other`"),
        Column("role_cue", "string", "判定依据", "the word that decided the role (`breakdown`: from a 其中 total)"),
        Column("scope", "string", "口径",
               "money only: which total it counts toward: `headline` (the report's own total), `sector` "
               "(a field's subtotal), `group` (a counted set of projects), `project` (the amount its project's "
               "row shows), `breakdown` (a part of the amount before it), `other`"),
        Column("scope_rule", "string", "口径规则", "the rule that decided `scope` (rules/scope.yaml)"),
        Column("parent_quantity_id", "int32", "所属总额编号",
               "for a part after 其中/包括/分别: the `quantity_id` of the amount it breaks down"),
        *_span("the mention as written"),
        Column("rule_id", "string", "规则编号", "e.g. `money.number_unit`", nullable=False),
        *_sentence(),
    ),
    "projects": (
        Column("doc_id", "string", "文档编号", "the document", nullable=False),
        Column("project_id", "int32", "项目编号", "one row per distinct project of the document", nullable=False),
        Column("name", "string", "项目名称", "fullest name (simplified characters, glosses dropped)", nullable=False),
        Column("alt_name", "string", "完整名称", "for enumeration items, the name with the shared suffix"),
        Column("text", "string", "原文", "the mention of that name as written", nullable=False),
        Column("section_id", "int32", "章节编号", "section of its first mention", nullable=False),
        Column("start", "int64", "起始位置", "half-open character offset into `documents.text`", nullable=False),
        Column("end", "int64", "结束位置", "end offset (exclusive)", nullable=False),
        Column("category", "string", "行业类别", "sector from the enclosing section titles (工业, 交通, 水利 …)"),
        Column("status", "string", "状态", STATUS_VALUES, nullable=False),
        Column("status_text", "string", "状态依据", "the cue that decided the status"),
        Column("total_investment", "float64", "总投资", "first linked amount of that role", unit="yuan"),
        Column("planned_investment", "float64", "年度计划投资", "first linked amount of that role", unit="yuan"),
        Column("completed_investment", "float64", "完成投资", "first linked amount of that role", unit="yuan"),
        Column("length_m", "float64", "长度", "first linked length", unit="m"),
        Column("area_m2", "float64", "面积", "first linked area", unit="m2"),
        Column("mentions", "int32", "提及次数", "how many times it is named", nullable=False),
        Column("confidence", "float64", "置信度", "the project model's calibrated probability that it is a project"),
        Column("status_confidence", "float64", "状态置信度", "the confidence of the status row that decided `status`"),
        Column("project_key", "string", "项目标识",
               "the same project in any report gets the same key: `region/name` (script, 项目/工程/建设 endings "
               "and the way a phase is written do not matter; 一期 and 二期 differ)"),
        Column("status_date", "string", "状态日期",
               "when the deciding status was reached: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`"),
        Column("status_date_precision", "string", "状态日期精度", "`day`, `month` or `year`"),
        Column("planned_start", "string", "计划开工时间", "a planned start the text states (计划2024年3月开工)"),
        Column("planned_end", "string", "计划完工时间", "a planned completion the text states (计划2024年6月竣工)"),
        *_place("responsible_unit", "责任单位", "string", "责任单位/牵头单位/业主单位/建设单位 a ledger names"),
        *_place("contact_leader", "联系领导", "string", "联系领导/包抓领导 a ledger names"),
    ),
    "statuses": (
        Column("doc_id", "string", "文档编号", "the document", nullable=False),
        Column("project_id", "int32", "项目编号", "one row per cue and project it was linked to"),
        Column("status", "string", "状态", STATUS_VALUES, nullable=False),
        *_span("the cue as written"),
        Column("rule_id", "string", "规则编号", "e.g. `status.not_yet_started`", nullable=False),
        Column("confidence", "float64", "置信度",
               "the status model's probability that this cue gives the project's state"),
        *_place("event_date", "事件日期", "string",
                "when the state was reached (于9月2日开工, 今年7月交付使用), resolved against the report's year: "
                "`YYYY`, `YYYY-MM` or `YYYY-MM-DD`; null when not stated and for plans"),
        Column("event_date_precision", "string", "事件日期精度", "`day`, `month` or `year`"),
        *_sentence(),
    ),
    "checks": (
        Column("doc_id", "string", "文档编号", "the report the check is raised on", nullable=False),
        Column("check_id", "int32", "核查编号", "number of the check in its report", nullable=False),
        Column("kind", "string", "类型",
               "`plan_share`, `parts_exceed_total`, `completed_over_total`, `share_over_100` (within a report), "
               "`status_went_back`, `total_changed` (across reports)", nullable=False),
        Column("severity", "string", "严重程度", "`error` or `warning`", nullable=False),
        Column("project_id", "int32", "项目编号", "the project concerned, if any"),
        Column("project_key", "string", "项目标识", "its key across reports"),
        Column("message", "string", "说明", "the disagreement in plain words", nullable=False),
        Column("text", "string", "原文", "the main figure as written"),
        Column("start", "int64", "起始位置", "its span in `documents.text`"),
        Column("end", "int64", "结束位置", "end offset (exclusive)"),
        Column("other_doc_id", "string", "对照文档编号", "the report holding the figure it disagrees with"),
        Column("other_text", "string", "对照原文", "that figure as written"),
        Column("other_start", "int64", "对照起始位置", "its span in that report's `documents.text`"),
        Column("other_end", "int64", "对照结束位置", "end offset (exclusive)"),
    ),
}

TABLE_NAMES = tuple(TABLES)
#: each table's column names in order: how a worker's rows travel (`rows.Columns`, `batch.run.Packed`)
COLUMN_NAMES = {table: tuple(c.name for c in columns) for table, columns in TABLES.items()}

# Tables made from a run's committed tables, across documents (batch/ledger.py), never reused
# document by document; `checks` is also one of them (its cross-report kinds are redone).
DERIVED: dict[str, tuple[Column, ...]] = {
    "timeline": (
        Column("project_key", "string", "项目标识", "the project's key across reports", nullable=False),
        Column("name", "string", "项目名称", "its name in that report", nullable=False),
        Column("doc_id", "string", "文档编号", "the report", nullable=False),
        Column("path", "string", "文件路径", "the report's path"),
        Column("year", "int32", "年份", "the year the report covers"),
        Column("period", "string", "报告期", "the report's period"),
        Column("project_id", "int32", "项目编号", "its row in `projects`", nullable=False),
        Column("status", "string", "状态", STATUS_VALUES),
        Column("status_text", "string", "状态依据", "the cue that decided the status"),
        Column("status_date", "string", "状态日期", "as in `projects`"),
        Column("status_date_precision", "string", "状态日期精度", "as in `projects`"),
        Column("planned_start", "string", "计划开工时间", "as in `projects`"),
        Column("planned_end", "string", "计划完工时间", "as in `projects`"),
        Column("total_investment", "float64", "总投资", "as in `projects`", unit="yuan"),
        Column("planned_investment", "float64", "年度计划投资", "as in `projects`", unit="yuan"),
        Column("completed_investment", "float64", "完成投资", "as in `projects`", unit="yuan"),
        Column("responsible_unit", "string", "责任单位", "as in `projects`"),
        Column("contact_leader", "string", "联系领导", "as in `projects`"),
        Column("text", "string", "原文", "the project's mention in that report"),
        Column("start", "int64", "起始位置", "its span in that report's `documents.text`"),
        Column("end", "int64", "结束位置", "end offset (exclusive)"),
    ),
}

# The query views `facts` and `sentences` (outputs/query.py) and export's facts sheet join the
# tables' columns; these are the few columns of theirs that no table has.
VIEW_COLUMNS: tuple[Column, ...] = (
    Column("fact", "string", "事实类型", "`quantity` or `status`: which table the fact is from"),
    Column("project", "string", "项目名称", "name of the linked project (projects.name)"),
    Column("sentence", "string", "所在句子", "the sentence holding the fact(s)"),
    Column("quantities", "int64", "数量个数", "how many quantities the sentence holds"),
    Column("statuses", "int64", "状态个数", "how many status cues the sentence holds"),
)
# Units of the unit column: how a header names them (export)
UNIT_ZH = {"yuan": "元", "m": "米", "m2": "平方米", "m3": "立方米", "bytes": "字节"}


def column_names(table: str) -> list[str]:
    """The columns of `table` (a per-document or a derived table), in order."""
    return [c.name for c in {**TABLES, **DERIVED}[table]]


def column(table: str, name: str) -> Column:
    """The declaration of `table.name` (KeyError when there is none)."""
    for c in TABLES[table]:
        if c.name == name:
            return c
    raise KeyError(f"{table}.{name}")


def unit_of(name: str) -> str | None:
    """The unit of the column called `name` in any table (one name has one meaning everywhere)."""
    for columns in TABLES.values():
        for c in columns:
            if c.name == name:
                return c.unit
    return None


def zh_labels() -> dict[str, str]:
    """{column name: Chinese label} for every table's and view's columns."""
    return {c.name: c.zh for columns in (*TABLES.values(), *DERIVED.values(), VIEW_COLUMNS) for c in columns}


def markdown_table(table: str) -> str:
    """README's table of `table`'s columns."""
    lines = ["| column | type | unit | meaning |", "|---|---|---|---|"]
    for c in TABLES[table]:
        kind = {"string": "string", "float64": "float"}.get(c.type, "int")
        lines.append(f"| {c.name} | {kind} | {c.unit or ''} | {c.description} |")
    return "\n".join(lines)


if __name__ == "__main__":      # python -m pipeline.schema: the column tables for the README
    sys.stdout.write("\n\n".join(f"### {t}\n{markdown_table(t)}" for t in TABLES) + "\n")
