"""One self-contained HTML report over the tables (`keyproj report`).

Everything is inline (CSS, a small hand-written script, charts as SVG drawn here), and a
Content-Security-Policy forbids any fetch, so the file works offline and leaks nothing.
Every string that comes from a document (text, names, paths, regions) goes through
`esc` – the only inline script is the static one below, so document content cannot
inject markup or code.

Sections: corpus overview; investment planned vs completed by region and by year; status
mix per region; the projects table (click a header to sort, type to filter, click a name
to open its document); projects across reports (each project named in two or more reports,
report by report: year, status, investment) and the checks (figures that disagree, within
a report or across reports); and annotated documents, every fact a coloured <mark> with a
small label (displaCy style).

Big corpora: at most `max_docs` documents are embedded, each cut at `max_doc_chars`
characters, and the projects table at `max_projects` rows; the report says what was cut.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import settings
from pipeline.outputs.query import LEDGER_TABLES, TABLE_NAMES, load_table, require_tables

UNKNOWN = "(unknown)"
# documents columns another stage adds; until they exist every document's region is UNKNOWN
REGION_COLUMNS = ("province", "city", "county")
STATUS_ORDER = ("planned", "started", "in_progress", "delayed", "completed", "operational", "unknown")
STATUS_COLOURS = {
    "planned": "#9aa5b1", "started": "#7ab8e6", "in_progress": "#3c8dd6", "delayed": "#e0534a",
    "completed": "#8fd17e", "operational": "#2f9e5b", "unknown": "#d8d8d8",
}
ROLE_LABELS = {"total_investment": "total", "planned_investment": "planned",
               "completed_investment": "completed", "other": "other"}
PLANNED_COLOUR, COMPLETED_COLOUR = "#7ab8e6", "#2f9e5b"
MAX_CHART_GROUPS = 40      # bars per chart: a corpus of 300 counties stays readable

Progress = Callable[[Iterable[Any]], Iterable[Any]]
Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Limits:
    """What keeps the file small on big corpora."""

    max_docs: int = settings.REPORT_MAX_DOCS
    max_doc_chars: int = settings.REPORT_MAX_DOC_CHARS
    max_projects: int = settings.REPORT_MAX_PROJECTS


@dataclass(slots=True)
class Corpus:
    """The tables as lists of rows (an absent table is an empty list)."""

    documents: list[Row] = field(default_factory=list)
    sections: list[Row] = field(default_factory=list)
    quantities: list[Row] = field(default_factory=list)
    projects: list[Row] = field(default_factory=list)
    statuses: list[Row] = field(default_factory=list)
    timeline: list[Row] = field(default_factory=list)
    checks: list[Row] = field(default_factory=list)


def load_corpus(directory: Path) -> Corpus:
    """The tables under `directory` (file or part-file layout), documents sorted by path."""
    require_tables(directory)
    rows = {}
    for name in (*TABLE_NAMES, *LEDGER_TABLES):
        table = load_table(directory, name)
        rows[name] = [] if table is None else table.to_pylist()
    rows["documents"].sort(key=lambda d: (d.get("path") or "", d.get("doc_id") or ""))
    return Corpus(**rows)


def esc(value: Any) -> str:
    """Text for HTML content or a quoted attribute: & < > " ' escaped, null as empty.

    >>> esc('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return "" if value is None else html.escape(str(value), quote=True)


# --- facts about documents ---------------------------------------------------------------

def document_region(doc: Row) -> str:
    """The document's region, most general first (省 市 县), or UNKNOWN.

    >>> document_region({"province": "浙江省", "city": "丽水市", "county": "遂昌县"})
    '浙江省 丽水市 遂昌县'
    >>> document_region({"city": "云州市", "county": None}), document_region({})
    ('云州市', '(unknown)')
    """
    # isinstance: rows from pandas carry NaN, not None, for a missing value
    parts = [doc[c].strip() for c in REGION_COLUMNS if isinstance(doc.get(c), str) and doc[c].strip()]
    return " ".join(parts) or UNKNOWN


def document_year(doc: Row) -> str:
    """The document's year as text, or UNKNOWN.

    >>> document_year({"year": 2023}), document_year({"year": None}), document_year({"year": 2024.0})
    ('2023', '(unknown)', '2024')
    """
    year = doc.get("year")
    if not isinstance(year, (int, float)) or year != year:     # None, or NaN from pandas
        return UNKNOWN
    return str(int(year))


def _unknown_last(key: str) -> tuple[bool, str]:
    return key == UNKNOWN, key


Sums = dict[str, dict[str, float | None]]     # group -> series -> amount, None when none is known


def _amount(value: Any) -> float | None:
    """A number from a row, None for null (and pandas' NaN)."""
    return float(value) if isinstance(value, (int, float)) and value == value else None


def investment_by(projects: list[Row], group_of: dict[str, str]) -> Sums:
    """Planned and completed investment (yuan) summed over projects, per group of their document.

    A sum is None when no project of the group states that amount: a blank, not a 0.
    Groups are sorted, UNKNOWN last.

    >>> investment_by([{"doc_id": "a", "planned_investment": 2.0, "completed_investment": None},
    ...                {"doc_id": "a", "planned_investment": 3.0, "completed_investment": 1.0},
    ...                {"doc_id": "b", "planned_investment": 4.0}], {"a": "X", "b": "Y"})
    {'X': {'planned': 5.0, 'completed': 1.0}, 'Y': {'planned': 4.0, 'completed': None}}
    """
    sums: Sums = defaultdict(lambda: {"planned": None, "completed": None})
    for p in projects:
        group = sums[group_of.get(p["doc_id"], UNKNOWN)]
        for series, column in (("planned", "planned_investment"), ("completed", "completed_investment")):
            amount = _amount(p.get(column))
            if amount is not None:
                group[series] = (group[series] or 0.0) + amount
    return {g: sums[g] for g in sorted(sums, key=_unknown_last)}


def chart_groups(sums: Sums, limit: int = MAX_CHART_GROUPS) -> tuple[Sums, int]:
    """The groups worth a bar: none without any amount, and at most `limit` (the largest),
    order kept. Returns the kept groups and how many were left out.

    >>> chart_groups({"a": {"p": None}, "b": {"p": 2.0}, "c": {"p": 1.0}}, limit=1)
    ({'b': {'p': 2.0}}, 2)
    """
    known = {g: v for g, v in sums.items() if any(x for x in v.values())}
    largest = set(sorted(known, key=lambda g: -sum(x or 0.0 for x in known[g].values()))[:limit])
    kept = {g: v for g, v in known.items() if g in largest}
    return kept, len(sums) - len(kept)


def status_mix_by(projects: list[Row], group_of: dict[str, str]) -> dict[str, Counter[str]]:
    """How many projects of each status, per group of their document.

    >>> status_mix_by([{"doc_id": "a", "status": "delayed"}, {"doc_id": "a", "status": "planned"}], {"a": "X"})
    {'X': Counter({'delayed': 1, 'planned': 1})}
    """
    mix: dict[str, Counter[str]] = defaultdict(Counter)
    for p in projects:
        mix[group_of.get(p["doc_id"], UNKNOWN)][p.get("status") or "unknown"] += 1
    return {g: mix[g] for g in sorted(mix, key=_unknown_last)}


def fact_counts(corpus: Corpus) -> dict[str, int]:
    """How many facts of each kind the tables hold (quantities by kind, then the rest)."""
    counts: Counter[str] = Counter(q["kind"] for q in corpus.quantities)
    out = dict(sorted(counts.items(), key=lambda kv: -kv[1]))
    out.update(projects=len(corpus.projects), statuses=len(corpus.statuses), sections=len(corpus.sections))
    return out


def format_yi(value: float | None) -> str:
    """An amount in 亿元 whatever its size, so that one chart reads in one unit; blank for None.

    >>> format_yi(8.65e9), format_yi(7.6e6), format_yi(None), format_yi(0.0)
    ('86.50 亿元', '0.0760 亿元', '', '0.00 亿元')
    """
    if value is None:
        return ""
    yi = value / 1e8
    return f"{yi:,.2f} 亿元" if yi == 0 or abs(yi) >= 1 else f"{yi:,.4f} 亿元"


def format_yuan(value: float | None) -> str:
    """An amount in 亿元 (or 万元 below one 亿), as reports write them.

    >>> format_yuan(8.65e9), format_yuan(7.6e6), format_yuan(None)
    ('86.50 亿元', '760 万元', '')
    """
    if value is None:
        return ""
    if abs(value) >= 1e8:
        return f"{value / 1e8:,.2f} 亿元"
    return f"{value / 1e4:,.0f} 万元"


# --- charts (inline SVG) ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Series:
    label: str
    colour: str
    values: Sequence[float | None]      # None: no amount known, drawn as no bar and "–"


def _legend(entries: Sequence[tuple[str, str]]) -> str:
    """A chart's legend as HTML (it wraps; text in SVG would not)."""
    return '<div class="chart-legend">' + "".join(
        f'<span><i style="background:{colour}"></i>{esc(label)}</span>' for label, colour in entries) + "</div>"


def grouped_bar_chart(title: str, groups: Sequence[str], series: Sequence[Series],
                      value_text: Callable[[float], str], width: int = 760) -> str:
    """Horizontal grouped bars: one row per group, one bar per series, values written beside;
    a missing value (None) gets no bar, and a dash instead of a number."""
    if not groups:
        return f'<figure class="chart"><figcaption>{esc(title)}</figcaption><p class="empty">no data</p></figure>'
    label_w, bar_h, gap, top = 190, 14, 10, 4
    plot_w = width - label_w - 120
    peak = max([v for s in series for v in s.values if v is not None] + [0.0]) or 1.0
    row_h = bar_h * len(series) + gap
    height = top + row_h * len(groups) + 8
    parts = [_legend([(s.label, s.colour) for s in series]),
             f'<svg class="chart-svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, group in enumerate(groups):
        y0 = top + i * row_h
        parts.append(f'<text x="{label_w - 8}" y="{y0 + bar_h * len(series) / 2 + 4:.1f}" '
                     f'text-anchor="end" class="axis">{esc(group)}</text>')
        for j, s in enumerate(series):
            value = s.values[i]
            y = y0 + j * bar_h
            if value is None:
                parts.append(f'<text x="{label_w + 4}" y="{y + bar_h - 4}" class="value missing">'
                             f'<title>{esc(group)} · {esc(s.label)}: no amount stated</title>–</text>')
                continue
            w = plot_w * value / peak
            parts.append(f'<rect class="bar" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" '
                         f'fill="{s.colour}"><title>{esc(group)} · {esc(s.label)}: {esc(value_text(value))}'
                         f'</title></rect>'
                         f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 4}" class="value">'
                         f'{esc(value_text(value))}</text>')
    parts.append("</svg>")
    return f'<figure class="chart"><figcaption>{esc(title)}</figcaption>{"".join(parts)}</figure>'


def stacked_share_chart(title: str, mix: dict[str, Counter[str]], width: int = 760) -> str:
    """One 100 % bar per group, a segment per status, counts in the tooltips."""
    if not mix:
        return f'<figure class="chart"><figcaption>{esc(title)}</figcaption><p class="empty">no data</p></figure>'
    label_w, bar_h, gap, top = 190, 18, 8, 4
    plot_w = width - label_w - 60
    height = top + (bar_h + gap) * len(mix) + 4
    present = [s for s in STATUS_ORDER if any(c[s] for c in mix.values())]
    present += sorted({s for c in mix.values() for s in c} - set(STATUS_ORDER))
    parts = [_legend([(status, STATUS_COLOURS.get(status, "#bbb")) for status in present]),
             f'<svg class="chart-svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (group, counts) in enumerate(mix.items()):
        y = top + i * (bar_h + gap)
        total = sum(counts.values())
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h - 5}" text-anchor="end" class="axis">{esc(group)}</text>')
        x = float(label_w)
        for status in present:
            n = counts.get(status, 0)
            if not n:
                continue
            w = plot_w * n / total
            parts.append(f'<rect class="bar" x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                         f'fill="{STATUS_COLOURS.get(status, "#bbb")}"><title>{esc(group)} · {esc(status)}: '
                         f'{n} of {total} projects</title></rect>')
            x += w
        parts.append(f'<text x="{label_w + plot_w + 6}" y="{y + bar_h - 5}" class="value">{total}</text>')
    parts.append("</svg>")
    return f'<figure class="chart"><figcaption>{esc(title)}</figcaption>{"".join(parts)}</figure>'


# --- annotated documents (displaCy style) -------------------------------------------------

@dataclass(frozen=True, slots=True)
class Mark:
    """One highlighted span: css class, the small label, a tooltip, and an id for links."""

    start: int
    end: int
    css: str
    label: str
    tooltip: str
    fact: str                   # unique within the document: "q12", "p3", "s40-44"
    anchor: str | None = None   # element id (projects only: the projects table links here)


def css_token(value: Any) -> str:
    """A table value made safe as part of a CSS class name (statuses and kinds come from data).

    >>> css_token("in_progress"), css_token('x" onclick="y')
    ('in_progress', 'x__onclick__y')
    """
    return re.sub(r"[^A-Za-z0-9_-]", "_", str(value))


def _open(mark: Mark, continued: bool) -> str:
    attrs = [f'class="f {esc(mark.css)}{" cont" if continued else ""}"', f'data-fact="{esc(mark.fact)}"',
             f'title="{esc(mark.tooltip)}"']
    if not continued:       # the label and the link target belong to the first piece only
        attrs.append(f'data-label="{esc(mark.label)}"')
        if mark.anchor:
            attrs.append(f'id="{esc(mark.anchor)}"')
    return f"<mark {' '.join(attrs)}>"


def annotate(text: str, marks: Iterable[Mark]) -> str:
    """`text` escaped, each mark a <mark>; nested spans nest, crossing spans split in pieces.

    A span that crosses another is closed and reopened around it; the pieces share
    data-fact, and only the first carries the label and the id.

    >>> annotate("a<b>c", [Mark(1, 4, "x", "L", "t", "q0")])
    'a<mark class="f x" data-fact="q0" title="t" data-label="L">&lt;b&gt;</mark>c'
    >>> annotate("abcd", [Mark(0, 3, "x", "A", "", "a"), Mark(1, 4, "y", "B", "", "b")]).count("<mark")
    3
    """
    valid = [m for m in marks if 0 <= m.start <= m.end <= len(text)]
    starts: dict[int, list[Mark]] = defaultdict(list)
    for m in sorted(valid, key=lambda m: (m.start, -m.end, m.fact)):
        starts[m.start].append(m)
    boundaries = sorted({0, len(text)} | {m.start for m in valid} | {m.end for m in valid})
    out: list[str] = []
    stack: list[Mark] = []
    pos = 0
    for p in boundaries:
        out.append(esc(text[pos:p]))
        pos = p
        while any(m.end == p for m in stack):
            reopen = []
            while stack[-1].end != p:         # marks opened inside the closing one, crossing it
                reopen.append(stack.pop())
                out.append("</mark>")
            stack.pop()
            out.append("</mark>")
            for m in reversed(reopen):
                out.append(_open(m, continued=True))
                stack.append(m)
        for m in starts.get(p, []):
            out.append(_open(m, continued=False))
            if m.end == p:                    # empty span: nothing to wrap
                out.append("</mark>")
            else:
                stack.append(m)
    return "".join(out)


def _amount_text(q: Row) -> str:
    value = q.get("value")
    if value is None:
        return "no value (placeholder or broken number)"
    text = f"{value:,.6g} {q.get('unit') or ''}".strip()
    if q.get("value_high") is not None:
        text += f" – {q['value_high']:,.6g}"
    return text


def document_marks(doc_index: int, quantities: list[Row], projects: list[Row],
                   statuses: list[Row]) -> list[Mark]:
    """Every fact of one document as a Mark; rows sharing a span become one mark.

    Statuses are one row per cue *and* linked project, so one cue linked to three
    projects is three rows but one span: one mark naming all three.
    """
    names = {p["project_id"]: p["name"] for p in projects}
    marks: list[Mark] = []
    for q in quantities:
        role = ROLE_LABELS.get(q.get("role") or "", "")
        css = f"q-{css_token(q['kind'])}" + (f" role-{role}" if role else "")
        label = q["kind"] + (f"·{role}" if role else "")
        tip = _amount_text(q) + (f"; role {q['role']} (cue {q.get('role_cue')})" if q.get("role") else "")
        if q.get("project_id") is not None:
            tip += f"; project {names.get(q['project_id'], q['project_id'])}"
        marks.append(Mark(q["start"], q["end"], css, label, f"{tip} [{q.get('rule_id')}]",
                          f"q{q['quantity_id']}"))
    for p in projects:
        tip = f"project {p['name']}: {p.get('status')}" + (f", {p['category']}" if p.get("category") else "")
        marks.append(Mark(p["start"], p["end"], "project", "project", tip, f"p{p['project_id']}",
                          anchor=f"m-{doc_index}-p{p['project_id']}"))
    by_span: dict[tuple[int, int], list[Row]] = defaultdict(list)
    for s in statuses:
        by_span[(s["start"], s["end"])].append(s)
    for (start, end), rows in sorted(by_span.items()):
        status = rows[0]["status"]
        linked = [names.get(r["project_id"], str(r["project_id"])) for r in rows if r.get("project_id") is not None]
        tip = f"status {status} → " + ("、".join(linked) if linked else "no project") + f" [{rows[0].get('rule_id')}]"
        marks.append(Mark(start, end, f"status st-{css_token(status)}", f"status·{status}", tip, f"s{start}-{end}"))
    return marks


def document_view(doc_index: int, doc: Row, marks: list[Mark], limits: Limits) -> str:
    """One document: its header, counts, and its annotated text (cut at limits.max_doc_chars)."""
    text = doc.get("text") or ""
    shown = text[:limits.max_doc_chars]
    kept = [m for m in marks if m.end <= len(shown)]
    note = ""
    if len(shown) < len(text):
        note = (f'<p class="note">Text cut at {len(shown):,} of {len(text):,} characters; '
                f'{len(marks) - len(kept)} facts after the cut are not shown '
                f'(raise --max-doc-chars, or use keyproj explain).</p>')
    facts = Counter(m.label.split("·")[0] for m in kept)
    summary = ", ".join(f"{n} {k}" for k, n in sorted(facts.items())) or "no facts"
    return (f'<article class="doc" id="doc-{doc_index}" data-doc-id="{esc(doc["doc_id"])}" '
            f'data-facts="{len(kept)}" hidden>'
            f'<h3>{esc(doc.get("title") or doc.get("path"))}</h3>'
            f'<p class="meta">{esc(doc.get("path"))} · {esc(document_region(doc))} · {esc(document_year(doc))}'
            f'{" " + esc(doc["period"]) if isinstance(doc.get("period"), str) else ""} · '
            f'{len(text):,} chars · {esc(summary)}</p>{note}'
            f'<div class="text">{annotate(shown, kept)}</div></article>')


# --- the page -----------------------------------------------------------------------------

def _group_rows(rows: list[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        grouped[r["doc_id"]].append(r)
    return grouped


def overview_html(corpus: Corpus) -> str:
    """Documents by status and how many facts of each kind."""
    by_status = Counter(d.get("status") or "unknown" for d in corpus.documents)
    cards = [f'<div class="card"><b>{len(corpus.documents)}</b>documents</div>']
    cards += [f'<div class="card"><b>{n}</b>documents {esc(s)}</div>' for s, n in sorted(by_status.items())]
    facts = [f'<div class="card"><b>{n}</b>{esc(k)}</div>' for k, n in fact_counts(corpus).items()]
    return (f'<section id="overview"><h2>Corpus</h2><div class="cards">{"".join(cards)}</div>'
            f'<h3>Facts</h3><div class="cards">{"".join(facts)}</div></section>')


def charts_html(corpus: Corpus) -> str:
    regions = {d["doc_id"]: document_region(d) for d in corpus.documents}
    years = {d["doc_id"]: document_year(d) for d in corpus.documents}
    note = ('<p class="note">Sums over projects of their linked 年度计划投资 (planned) and 完成投资 '
            '(completed) amounts, in 亿元; a project without such an amount adds nothing, and where no '
            'project states one the bar is missing (–), not 0.')
    if all(r == UNKNOWN for r in regions.values()):
        note += " No document has a province, city or county yet: every region is (unknown)."
    note += "</p>"
    parts = ['<section id="charts"><h2>Investment and status</h2>', note]
    for title, groups in (("Investment by region", regions), ("Investment by year", years)):
        sums, omitted = chart_groups(investment_by(corpus.projects, groups))
        if omitted:
            title += f" ({omitted} groups without amounts or beyond the {MAX_CHART_GROUPS} largest not shown)"
        parts.append(grouped_bar_chart(title, list(sums), [
            Series("planned", PLANNED_COLOUR, [s["planned"] for s in sums.values()]),
            Series("completed", COMPLETED_COLOUR, [s["completed"] for s in sums.values()]),
        ], format_yi))
    mix = status_mix_by(corpus.projects, regions)
    largest = set(sorted(mix, key=lambda g: -sum(mix[g].values()))[:MAX_CHART_GROUPS])
    title = "Status mix per region (share of projects)"
    if len(mix) > len(largest):
        title += f" (the {MAX_CHART_GROUPS} regions with most projects)"
    parts.append(stacked_share_chart(title, {g: c for g, c in mix.items() if g in largest}))
    parts.append("</section>")
    return "".join(parts)


PROJECT_COLUMNS = (  # header, type (num sorts as a number), row → (shown text, sort value)
    ("document", "text"), ("region", "text"), ("year", "num"), ("project", "text"),
    ("category", "text"), ("status", "text"), ("status cue", "text"), ("total investment", "num"),
    ("planned", "num"), ("completed", "num"), ("completed / planned", "num"),
)


def _project_cells(p: Row, doc: Row) -> list[tuple[str, Any]]:
    planned, completed = p.get("planned_investment"), p.get("completed_investment")
    ratio = completed / planned if planned and completed is not None else None
    return [
        (doc.get("path"), doc.get("path")), (document_region(doc), document_region(doc)),
        (doc.get("year"), doc.get("year")), (p["name"], p["name"]), (p.get("category"), p.get("category")),
        (p.get("status"), p.get("status")), (p.get("status_text"), p.get("status_text")),
        (format_yuan(p.get("total_investment")), p.get("total_investment")),
        (format_yuan(planned), planned), (format_yuan(completed), completed),
        ("" if ratio is None else f"{ratio:.0%}", ratio),
    ]


def projects_html(corpus: Corpus, embedded: dict[str, int], limits: Limits) -> str:
    """The sortable, filterable projects table; names link to their mark in the document view."""
    docs = {d["doc_id"]: d for d in corpus.documents}
    order = {d["doc_id"]: i for i, d in enumerate(corpus.documents)}
    projects = sorted(corpus.projects, key=lambda p: (order.get(p["doc_id"], 1 << 30), p["project_id"]))
    shown = projects[:limits.max_projects]
    head = "".join(f'<th data-type="{t}" tabindex="0">{esc(h)}</th>' for h, t in PROJECT_COLUMNS)
    rows = []
    for p in shown:
        doc = docs.get(p["doc_id"], {"doc_id": p["doc_id"]})
        cells = []
        for col, (text, sort) in enumerate(_project_cells(p, doc)):
            content = esc(text)
            if col == 3 and p["doc_id"] in embedded:
                i = embedded[p["doc_id"]]
                content = (f'<a class="goto" href="#m-{i}-p{p["project_id"]}" data-doc="{i}" '
                           f'data-target="m-{i}-p{p["project_id"]}">{content}</a>')
            cells.append(f'<td data-v="{esc("" if sort is None else sort)}">{content}</td>')
        rows.append(f'<tr>{"".join(cells)}</tr>')
    note = ""
    if len(shown) < len(projects):
        note = f'<p class="note">First {len(shown):,} of {len(projects):,} projects (raise --max-projects).</p>'
    return (f'<section id="projects"><h2>Projects</h2>{note}'
            f'<p><input id="filter" type="search" placeholder="filter: name, region, status …" size="40"> '
            f'<span id="shown">{len(shown)} of {len(shown)} projects</span></p>'
            f'<div class="table-wrap"><table id="projects-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div></section>')


TIMELINE_HEADERS = ("project", "year", "period", "document", "name in it", "status", "status cue",
                    "total investment", "planned", "completed")
CHECK_HEADERS = ("severity", "kind", "document", "figure", "message", "other document")


def across_reports_html(corpus: Corpus, limits: Limits) -> str:
    """Each project named in two or more reports, report by report (the `timeline` table,
    already in key, year, period order), then the checks; empty when the run wrote neither."""
    reports: dict[str, set[str]] = defaultdict(set)
    for row in corpus.timeline:
        reports[row["project_key"]].add(row["doc_id"])
    followed = [r for r in corpus.timeline if len(reports[r["project_key"]]) > 1]
    if not followed and not corpus.checks:
        return ""
    parts = ['<section id="across"><h2>Across reports</h2>']
    shown = followed[:limits.max_projects]
    if len(shown) < len(followed):
        parts.append(f'<p class="note">First {len(shown):,} of {len(followed):,} rows (raise --max-projects).</p>')
    if shown:
        head = "".join(f"<th>{esc(h)}</th>" for h in TIMELINE_HEADERS)
        rows = "".join(
            "<tr>" + "".join(f"<td>{esc(v)}</td>" for v in (
                r["project_key"], r.get("year"), r.get("period"), r.get("path"), r["name"], r.get("status"),
                r.get("status_text"), format_yuan(r.get("total_investment")),
                format_yuan(r.get("planned_investment")), format_yuan(r.get("completed_investment")))) + "</tr>"
            for r in shown)
        parts.append(f'<h3>{len({r["project_key"] for r in followed}):,} projects named in two or more reports</h3>'
                     f'<div class="table-wrap"><table id="timeline-table"><thead><tr>{head}</tr></thead>'
                     f'<tbody>{rows}</tbody></table></div>')
    if corpus.checks:
        paths = {d["doc_id"]: d.get("path") for d in corpus.documents}
        head = "".join(f"<th>{esc(h)}</th>" for h in CHECK_HEADERS)
        rows = "".join(
            f'<tr class="check-{css_token(c.get("severity"))}">' + "".join(f"<td>{esc(v)}</td>" for v in (
                c.get("severity"), c.get("kind"), paths.get(c["doc_id"], c["doc_id"]), c.get("text"), c.get("message"),
                paths.get(c.get("other_doc_id") or "", c.get("other_doc_id")))) + "</tr>"
            for c in corpus.checks[:limits.max_projects])
        parts.append(f'<h3>{len(corpus.checks):,} checks: figures that disagree</h3>'
                     f'<div class="table-wrap"><table id="checks-table"><thead><tr>{head}</tr></thead>'
                     f'<tbody>{rows}</tbody></table></div>')
    return "".join(parts) + "</section>"


def documents_html(corpus: Corpus, embedded: dict[str, int], limits: Limits, progress: Progress | None) -> str:
    """The document picker and one annotated view per embedded document."""
    quantities, projects, statuses = (_group_rows(corpus.quantities), _group_rows(corpus.projects),
                                      _group_rows(corpus.statuses))
    chosen = [d for d in corpus.documents if d["doc_id"] in embedded]
    options, views = [], []
    for doc in (progress(chosen) if progress else chosen):
        i, doc_id = embedded[doc["doc_id"]], doc["doc_id"]
        marks = document_marks(i, quantities[doc_id], projects[doc_id], statuses[doc_id])
        options.append(f'<option value="{i}">{esc(doc.get("path"))} – {esc(doc.get("title"))}</option>')
        views.append(document_view(i, doc, marks, limits))
    note = ""
    if len(chosen) < len(corpus.documents):
        note = (f'<p class="note">{len(chosen):,} of {len(corpus.documents):,} documents are embedded '
                f'(raise --max-docs); projects of the others are not linked.</p>')
    legend = "".join(f'<mark class="f {css}" data-label="{esc(label)}">{esc(sample)}</mark> '
                     for css, label, sample in LEGEND)
    return (f'<section id="documents"><h2>Documents</h2>{note}'
            f'<p><select id="doc-select">{"".join(options)}</select></p>'
            f'<p class="legend">{legend}</p>{"".join(views)}</section>')


LEGEND = (
    ("q-money role-total", "money·total", "总投资"), ("q-money role-planned", "money·planned", "计划投资"),
    ("q-money role-completed", "money·completed", "完成投资"), ("q-money role-other", "money·other", "其他金额"),
    ("q-length", "length", "长度"), ("q-area", "area", "面积"), ("q-percent", "percent", "%"),
    ("project", "project", "项目"), ("status st-delayed", "status·delayed", "滞后"),
    ("status st-completed", "status·completed", "建成"),
)


def embedded_documents(corpus: Corpus, limits: Limits) -> dict[str, int]:
    """{doc_id: index} of the documents that get a view: the first max_docs with text, by path."""
    chosen = [i for i, d in enumerate(corpus.documents) if d.get("text")][:limits.max_docs]
    return {corpus.documents[i]["doc_id"]: i for i in chosen}


def build_report(corpus: Corpus, title: str, limits: Limits = Limits(), progress: Progress | None = None) -> str:
    """The whole report as one HTML string."""
    embedded = embedded_documents(corpus, limits)
    body = (overview_html(corpus) + charts_html(corpus) + projects_html(corpus, embedded, limits)
            + across_reports_html(corpus, limits) + documents_html(corpus, embedded, limits, progress))
    return PAGE.format(title=esc(title), css=CSS, script=SCRIPT, body=body)


def write_report(directory: Path, out: Path, limits: Limits = Limits(), progress: Progress | None = None) -> int:
    """Build the report of the tables under `directory` into `out`; returns its size in bytes."""
    corpus = load_corpus(directory)
    page = build_report(corpus, f"keyproj report: {directory}", limits, progress)
    out.parent.mkdir(parents=True, exist_ok=True)
    data = page.encode("utf-8")
    out.write_bytes(data)
    return len(data)


# Nothing may load from outside the file: the policy blocks fetches, and injected markup
# could not run a script even if escaping failed (only inline script/style are allowed).
PAGE = """<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; \
script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<header><h1>{title}</h1>
<nav><a href="#overview">corpus</a> · <a href="#charts">charts</a> · <a href="#projects">projects</a> · \
<a href="#across">across reports</a> · <a href="#documents">documents</a></nav></header>
<main>{body}</main>
<script>{script}</script>
</body>
</html>
"""

CSS = """
body { font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0; color: #222; }
header { background: #25313c; color: #fff; padding: .6em 1.2em; }
header h1 { font-size: 1.2em; margin: 0; } header a { color: #cde; }
main { padding: 0 1.2em 3em; max-width: 1200px; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 1.6em; }
.cards { display: flex; flex-wrap: wrap; gap: .5em; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: .4em .8em; min-width: 6em; }
.card b { display: block; font-size: 1.4em; }
.note { color: #666; font-size: .9em; }
.chart { margin: 1em 0; } .chart figcaption { font-weight: 600; margin-bottom: .3em; }
.chart-svg text { font-size: 12px; fill: #333; } .chart-svg .value { fill: #555; font-size: 11px; }
table { border-collapse: collapse; font-size: .9em; width: 100%; }
th, td { border-bottom: 1px solid #e4e4e4; padding: .25em .5em; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
th { background: #f3f5f7; cursor: pointer; user-select: none; position: sticky; top: 0; }
.table-wrap { max-width: 100%; overflow-x: auto; }
select, input { max-width: 100%; } .chart-svg { max-width: 100%; height: auto; }
h1, h3, p { overflow-wrap: anywhere; }
th.asc::after { content: " ▲"; } th.desc::after { content: " ▼"; }
td[data-v]:nth-child(n+8) { text-align: right; white-space: nowrap; }
td:nth-child(4) { min-width: 12em; }
.chart-legend span { margin-right: 1em; font-size: .85em; }
.chart-legend i { display: inline-block; width: .9em; height: .9em; margin-right: .3em; vertical-align: -.1em; }
.doc .text { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 2.3; border: 1px solid #ddd;
  padding: 1em; border-radius: 6px; }
.doc .meta { color: #555; font-size: .9em; }
mark.f { padding: .1em .25em; border-radius: .3em; background: #eee; line-height: 1; }
mark.f[data-label]::after { content: attr(data-label); font-size: .62em; font-weight: 700; margin-left: .3em;
  text-transform: uppercase; vertical-align: middle; color: #333; }
mark.cont { border-top-left-radius: 0; border-bottom-left-radius: 0; }
mark.f mark.f { border: 1px solid rgba(0,0,0,.25); }
mark.q-money { background: #ffe08a; } mark.role-total { background: #ffd34d; }
mark.role-planned { background: #bde0fe; } mark.role-completed { background: #b7e4a7; }
mark.role-other { background: #f1e7c8; }
mark.q-length, mark.q-area, mark.q-volume { background: #e3d3f5; }
mark.q-percent, mark.q-percentage_point { background: #f8d0e3; }
mark.project { background: #9fe2e8; }
mark.status { background: #dfe6ea; } mark.st-delayed { background: #f4a9a3; }
mark.st-completed, mark.st-operational { background: #b7e4a7; }
mark.st-in_progress, mark.st-started { background: #c7def5; }
mark.flash { outline: 3px solid #e0534a; }
"""

# Static: document content never reaches this script except through the DOM's text.
SCRIPT = """
(function () {
  'use strict';
  var table = document.getElementById('projects-table');
  var tbody = table.tBodies[0];
  var shown = document.getElementById('shown');
  var select = document.getElementById('doc-select');

  function showDoc(index) {
    var docs = document.querySelectorAll('article.doc');
    for (var i = 0; i < docs.length; i++) { docs[i].hidden = docs[i].id !== 'doc-' + index; }
    if (select) { select.value = String(index); }
  }

  function sortBy(th) {
    var col = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.getAttribute('data-type') === 'num';
    var dir = th.classList.contains('asc') ? -1 : 1;
    var ths = th.parentNode.children;
    for (var i = 0; i < ths.length; i++) { ths[i].classList.remove('asc', 'desc'); }
    th.classList.add(dir === 1 ? 'asc' : 'desc');
    var rows = Array.prototype.slice.call(tbody.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].getAttribute('data-v'), y = b.cells[col].getAttribute('data-v');
      if (x === '' || y === '') { return (x === '') - (y === ''); }   // empty cells last, either way
      if (numeric) { return dir * (parseFloat(x) - parseFloat(y)); }
      return dir * x.localeCompare(y, 'zh');
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
  }

  function filter(query) {
    var q = query.trim().toLowerCase(), n = 0;
    for (var i = 0; i < tbody.rows.length; i++) {
      var row = tbody.rows[i];
      row.hidden = q !== '' && row.textContent.toLowerCase().indexOf(q) < 0;
      if (!row.hidden) { n++; }
    }
    shown.textContent = n + ' of ' + tbody.rows.length + ' projects';
  }

  function goTo(docIndex, targetId) {
    showDoc(docIndex);
    var old = document.querySelectorAll('mark.flash');
    for (var i = 0; i < old.length; i++) { old[i].classList.remove('flash'); }
    var mark = document.getElementById(targetId);
    if (mark) { mark.classList.add('flash'); mark.scrollIntoView({block: 'center'}); }
  }

  table.tHead.addEventListener('click', function (e) {
    var th = e.target.closest('th'); if (th) { sortBy(th); }
  });
  table.tHead.addEventListener('keydown', function (e) {
    var th = e.target.closest('th'); if (th && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); sortBy(th); }
  });
  document.getElementById('filter').addEventListener('input', function (e) { filter(e.target.value); });
  tbody.addEventListener('click', function (e) {
    var a = e.target.closest('a.goto'); if (!a) { return; }
    e.preventDefault();
    goTo(a.getAttribute('data-doc'), a.getAttribute('data-target'));
    history.replaceState(null, '', '#' + a.getAttribute('data-target'));
  });
  if (select) { select.addEventListener('change', function () { showDoc(select.value); }); }

  var m = /^#m-(\\d+)-p\\d+$/.exec(location.hash);
  if (m) { goTo(m[1], location.hash.slice(1)); }
  else if (select && select.options.length) { showDoc(select.options[0].value); }
})();
"""
