"""`keyproj report`: the HTML itself (escaping, marks, caps) and the page in a real browser.

The browser tests drive Debian's chromium through chromedriver (both installed by .ci/run);
Selenium is pointed at both binaries so that it never tries to download a driver.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.batch.tables import SCHEMAS
from pipeline.outputs.report import Limits, Mark, annotate, build_report, document_region, load_corpus, write_report

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SAMPLE = "county_2023_summary.txt"
PAYLOAD = '</textarea><script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'


@pytest.fixture(scope="module")
def tables_dir(raw_tables: Path) -> Path:
    return raw_tables


@pytest.fixture(scope="module")
def report_path(tables_dir: Path) -> Path:
    path = tables_dir.parent / "report.html"
    write_report(tables_dir, path)
    return path


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <mark> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    return parser


def write_tables(directory: Path, rows: dict[str, list[dict[str, Any]]],
                 extra_document_columns: tuple[str, ...] = ()) -> Path:
    """Tables with the pipeline's schemas (missing columns null), documents optionally wider."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, schema in SCHEMAS.items():
        if name == "documents":
            for column in extra_document_columns:
                if column not in schema.names:       # region columns are being added to SCHEMAS
                    schema = schema.append(pa.field(column, pa.string()))
        pq.write_table(pa.Table.from_pylist(rows.get(name, []), schema=schema), directory / f"{name}.parquet")
    return directory


def hostile_tables(directory: Path) -> Path:
    """One document whose every string – text, title, path, region, project name – is markup."""
    text = f"{PAYLOAD}凤栖大道{PAYLOAD}总投资3.8亿元"
    name_start = len(PAYLOAD)
    amount_start = text.index("3.8亿元")
    return write_tables(directory, {
        "documents": [{"doc_id": "x", "path": f"{PAYLOAD}.txt", "title": PAYLOAD, "text": text,
                       "status": "ok", "year": 2023, "province": PAYLOAD,
                       "period": PAYLOAD}],
        "projects": [{"doc_id": "x", "project_id": 0, "name": PAYLOAD + "凤栖大道", "text": "凤栖大道",
                      "start": name_start, "end": name_start + 4, "status": PAYLOAD, "category": PAYLOAD,
                      "status_text": PAYLOAD, "planned_investment": 3.8e8, "completed_investment": 1e8}],
        "quantities": [{"doc_id": "x", "quantity_id": 0, "kind": "money", "value": 3.8e8, "unit": "yuan",
                        "role": "total_investment", "role_cue": PAYLOAD, "text": "3.8亿元",
                        "start": amount_start, "end": amount_start + 5, "rule_id": PAYLOAD}],
        "statuses": [{"doc_id": "x", "project_id": 0, "status": PAYLOAD, "text": "<scr",
                      "start": 0, "end": 4, "rule_id": PAYLOAD}],
    }, extra_document_columns=("province", "period"))


# --- the HTML ----------------------------------------------------------------------------

def test_document_content_cannot_inject_markup(tmp_path: Path) -> None:
    page = build_report(load_corpus(hostile_tables(tmp_path / "t")), f"report {PAYLOAD}")
    tags = parse(page)
    assert [t for t, _ in tags.tags].count("script") == 1          # ours, and no other
    assert "img" not in {t for t, _ in tags.tags} and "textarea" not in {t for t, _ in tags.tags}
    assert not [a for _, attrs in tags.tags for a in attrs if a.startswith("on")]
    assert PAYLOAD not in page and html.escape(PAYLOAD) in page
    # the payload is still there, as text, in the document view, the table, the chart and the title
    assert "".join(tags.text).count(PAYLOAD) >= 6


def test_every_fact_is_one_mark_and_text_survives(tables_dir: Path) -> None:
    corpus = load_corpus(tables_dir)
    page = build_report(corpus, "t")
    doc = next(d for d in corpus.documents if d["path"] == SAMPLE)
    i = corpus.documents.index(doc)
    article = re.search(rf'<article class="doc" id="doc-{i}".*?</article>', page, re.S).group(0)
    text_html = re.search(r'<div class="text">(.*)</div></article>', article, re.S).group(1)
    assert html.unescape(re.sub(r"</?mark[^>]*>", "", text_html)) == doc["text"]
    facts = set(re.findall(r'<mark [^>]*data-fact="([^"]+)"', text_html))
    assert len(facts) == expected_fact_count(tables_dir, doc["doc_id"]) > 50


def expected_fact_count(tables_dir: Path, doc_id: str) -> int:
    """Facts of one document: quantities, projects, and status cues (one per span; a cue
    linked to three projects is three rows of statuses but one mark)."""
    def rows(name: str) -> list[dict[str, Any]]:
        return [r for r in pq.read_table(tables_dir / f"{name}.parquet").to_pylist() if r["doc_id"] == doc_id]
    return len(rows("quantities")) + len(rows("projects")) + len({(r["start"], r["end"]) for r in rows("statuses")})


spans = st.tuples(st.integers(0, 12), st.integers(0, 12)).map(sorted)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="ab<&>项目\n", max_size=12), span_list=st.lists(spans, max_size=6))
def test_annotate_keeps_text_and_balances_marks(text: str, span_list: list[list[int]]) -> None:
    marks = [Mark(s, e, "x", f"L{i}", "t", f"f{i}") for i, (s, e) in enumerate(span_list)]
    out = annotate(text, marks)
    assert html.unescape(re.sub(r"</?mark[^>]*>", "", out)) == text
    assert out.count("<mark") == out.count("</mark>")
    valid = {m.fact for m in marks if m.end <= len(text)}
    assert set(re.findall(r'data-fact="(f\d+)"', out)) == valid
    assert out.count("data-label=") == len(valid)       # one label per fact, however split
    depth = 0
    for tag in re.findall(r"</?mark", out):
        depth += 1 if tag == "<mark" else -1
        assert depth >= 0


def test_regions_come_from_the_documents_and_fall_back(tables_dir: Path, tmp_path: Path) -> None:
    corpus = load_corpus(tables_dir)            # each sample names a real region in its opening
    assert [document_region(d) for d in corpus.documents] == [
        "浙江省 衢州市", "浙江省 丽水市 遂昌县", "浙江省 丽水市 缙云县", "浙江省 金华市 武义县"]
    assert "浙江省 丽水市 遂昌县" in build_report(corpus, "t")
    region_tables = write_tables(tmp_path / "r", {"documents": [
        {"doc_id": "a", "path": "a.txt", "text": "甲", "year": 2023, "province": "浙江省", "city": "丽水市",
         "county": "遂昌县"},
        {"doc_id": "b", "path": "b.txt", "text": "乙", "year": 2024, "city": "云州市"},
        {"doc_id": "c", "path": "c.txt", "text": "丙", "year": 2024},
    ], "projects": [
        {"doc_id": "a", "project_id": 0, "name": "甲", "text": "甲", "start": 0, "end": 1, "status": "delayed",
         "planned_investment": 2e8, "completed_investment": 1e8},
        {"doc_id": "b", "project_id": 0, "name": "乙", "text": "乙", "start": 0, "end": 1, "status": "planned",
         "planned_investment": 4e8},
    ]}, extra_document_columns=("province", "city", "county"))
    page = build_report(load_corpus(region_tables), "t")
    assert "浙江省 丽水市 遂昌县" in page and "云州市" in page and "(unknown)" in page      # c has no region
    assert "4.00 亿元" in page and "1.00 亿元" in page


def test_caps_keep_big_corpora_small(tables_dir: Path) -> None:
    corpus = load_corpus(tables_dir)
    full = build_report(corpus, "t")
    small = build_report(corpus, "t", Limits(max_docs=1, max_doc_chars=200, max_projects=5))
    assert len(small) < len(full) / 3
    assert small.count('<article class="doc"') == 1
    assert "Text cut at 200 of" in small and "1 of 4 documents are embedded" in small
    assert "First 5 of 54 projects" in small or "First 5 of" in small
    assert small.count("<tr>") == 5 + 1


def test_report_cli_and_part_file_layout(tables_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pipeline.cli import app

    parts = tmp_path / "parts"
    for name in SCHEMAS:
        (parts / name).mkdir(parents=True)
        shutil.copy(tables_dir / f"{name}.parquet", parts / name / "part-00000.parquet")
    result = CliRunner().invoke(app, ["report", str(parts), "--html", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "r.html").read_text("utf-8")
    assert page.count('<article class="doc"') == 4 and "凤栖大道" in page
    assert CliRunner().invoke(app, ["report", str(tmp_path / "none")]).exit_code == 2


# --- in a browser ----------------------------------------------------------------------------

# .ci/run sets KEYPROJ_REQUIRE_BROWSER=1: there a missing browser fails the run instead of
# silently skipping the only test that proves the report works in a browser.
if os.environ.get("KEYPROJ_REQUIRE_BROWSER") == "1" and not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    raise RuntimeError("KEYPROJ_REQUIRE_BROWSER=1 but /usr/bin/chromium or /usr/bin/chromedriver is missing")

needs_browser = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver); "
           ".ci/run installs them: apt-get install chromium chromium-driver")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")      # Selenium Manager must never download
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,900", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


def severe_logs(driver: Any) -> list[dict[str, Any]]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def column_values(driver: Any, col: int) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#projects-table tbody tr'))"
        ".filter(r => !r.hidden).map(r => r.cells[arguments[0]].getAttribute('data-v'))", col)


@needs_browser
def test_page_loads_without_errors_and_charts_render(browser: Any, report_path: Path) -> None:
    browser.get(report_path.as_uri())
    assert severe_logs(browser) == []
    charts = browser.execute_script(
        "return Array.from(document.querySelectorAll('svg.chart-svg')).map(s => {"
        " const r = s.getBoundingClientRect(); return [r.width, r.height,"
        " Array.from(s.querySelectorAll('rect.bar')).filter(b => b.getBoundingClientRect().width > 0).length]; })")
    assert len(charts) == 3
    for width, height, bars in charts:
        assert width > 100 and height > 20 and bars >= 1
    # investment by year: one row per year of the samples (2022–2024) and both series
    by_year = browser.execute_script("return document.querySelectorAll('svg.chart-svg')[1].textContent")
    assert "2023" in by_year and "2024" in by_year


@needs_browser
def test_projects_table_sorts_and_filters(browser: Any, report_path: Path, tables_dir: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(report_path.as_uri())
    headers = browser.find_elements(By.CSS_SELECTOR, "#projects-table th")
    total_col = [h.text for h in headers].index("total investment")
    headers[total_col].click()
    values = column_values(browser, total_col)
    numbers = [float(v) for v in values if v]
    assert numbers == sorted(numbers) and len(numbers) >= 10
    assert values[len(numbers):] == [""] * (len(values) - len(numbers))    # empty cells last
    headers[total_col].click()
    numbers = [float(v) for v in column_values(browser, total_col) if v]
    assert numbers == sorted(numbers, reverse=True)

    name_col = [h.text for h in headers].index("project")
    headers[name_col].click()
    ascending = column_values(browser, name_col)
    headers[name_col].click()
    assert column_values(browser, name_col) == ascending[::-1] and len(set(ascending)) > 40

    box = browser.find_element(By.ID, "filter")
    box.send_keys("大道")
    visible = column_values(browser, name_col)
    # exactly the projects whose name holds the typed text (the samples name at least one)
    names = pq.read_table(tables_dir / "projects.parquet", columns=["name"]).column("name").to_pylist()
    assert sorted(visible) == sorted(n for n in names if "大道" in n) and "凤栖大道" in visible
    assert browser.find_element(By.ID, "shown").text.startswith(f"{len(visible)} of {len(names)} projects")
    box.clear()
    box.send_keys("delayed")
    statuses = column_values(browser, [h.text for h in headers].index("status"))
    assert statuses and set(statuses) == {"delayed"}
    assert severe_logs(browser) == []


@needs_browser
def test_project_link_opens_its_document_with_every_fact_marked(browser: Any, report_path: Path,
                                                                 tables_dir: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get(report_path.as_uri())
    link = next(a for a in browser.find_elements(By.CSS_SELECTOR, "a.goto") if a.text == "凤栖大道")
    link.click()
    article = browser.execute_script("return Array.from(document.querySelectorAll('article.doc'))"
                                     ".filter(a => !a.hidden).map(a => a.id)")
    assert len(article) == 1
    doc_id = browser.find_element(By.ID, article[0]).get_attribute("data-doc-id")
    documents = pq.read_table(tables_dir / "documents.parquet").to_pylist()
    assert next(d["path"] for d in documents if d["doc_id"] == doc_id) == SAMPLE
    flashed = browser.find_element(By.CSS_SELECTOR, "mark.flash")
    assert flashed.text.startswith("凤栖大道") and "project" in flashed.get_attribute("data-label")
    in_view = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight", flashed)
    assert in_view
    facts = browser.execute_script(
        "return new Set(Array.from(document.querySelectorAll('#' + arguments[0] + ' mark[data-fact]'))"
        ".map(m => m.dataset.fact)).size", article[0])
    assert facts == expected_fact_count(tables_dir, doc_id)
    marked = browser.execute_script(
        "return Array.from(document.querySelectorAll('#' + arguments[0] + ' mark.project')).map(m => m.textContent)",
        article[0])
    assert "青岚至石门公路改造工程" in marked and "东坑" in marked
    # the label is drawn by CSS (::after), not part of the document's text
    label = browser.execute_script("return getComputedStyle(arguments[0], '::after').content", flashed)
    assert "project" in label
    assert severe_logs(browser) == []


@needs_browser
def test_hostile_document_runs_no_script(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "hostile.html"
    write_report(hostile_tables(tmp_path / "t"), path)
    browser.get(path.as_uri())
    assert browser.execute_script("return window.__xss === undefined")
    assert browser.execute_script("return document.querySelectorAll('img, textarea').length") == 0
    assert PAYLOAD in browser.execute_script("return document.querySelector('article.doc .text').textContent")
    assert severe_logs(browser) == []


# --- blanks, one unit per chart, a page that fits ----------------------------------------------

def long_tables(directory: Path) -> Path:
    """Two regions: one states planned and completed amounts, the other only planned ones;
    every string is long and has no place to break (paths, names, a text without spaces)."""
    long_ascii = "x" * 400
    long_name = "青岚" * 60 + "项目"
    text = long_name + "总投资3.8亿元" + long_ascii
    docs, projects = [], []
    for i, (county, completed) in enumerate((("遂昌县", 1.2e8), ("龙泉市", None))):
        docs.append({"doc_id": f"d{i}", "path": f"{long_ascii}/{i}.txt", "title": long_name, "text": text,
                     "status": "ok", "year": 2023 + i, "province": "浙江省", "city": "丽水市", "county": county})
        projects.append({"doc_id": f"d{i}", "project_id": 0, "name": long_name, "text": long_name, "start": 0,
                         "end": len(long_name), "status": "in_progress", "status_text": long_ascii,
                         "category": long_ascii, "planned_investment": 3.8e8, "completed_investment": completed,
                         "total_investment": 9.9e5})
    return write_tables(directory, {"documents": docs, "projects": projects})


def test_a_missing_amount_is_no_bar_and_every_chart_reads_in_yi(tmp_path: Path) -> None:
    page = build_report(load_corpus(long_tables(tmp_path / "t")), "t")
    charts = re.findall(r'<figure class="chart">.*?</figure>', page, re.S)
    by_region = next(c for c in charts if "Investment by region" in c)
    assert by_region.count('class="bar"') == 3           # 遂昌 planned + completed, 龙泉 planned only
    assert 'class="value missing"' in by_region and "龙泉市 · completed: no amount stated" in by_region
    for chart in charts[:2]:                              # the investment charts
        amounts = re.findall(r'class="value">([^<]*)<', chart)
        assert amounts and all(a.endswith(" 亿元") for a in amounts), amounts
        assert "0.00 亿元" not in chart and "万元" not in chart


@needs_browser
def test_page_fits_a_1400_px_window_and_draws_no_bar_for_a_missing_amount(browser: Any, tmp_path: Path,
                                                                           report_path: Path) -> None:
    long_report = tmp_path / "long.html"
    write_report(long_tables(tmp_path / "t"), long_report)
    browser.set_window_size(1400, 900)
    try:
        for path in (report_path, long_report):
            browser.get(path.as_uri())
            for doc in browser.execute_script("return Array.from(document.querySelectorAll('article.doc'))"
                                              ".map(a => a.id.slice(4))"):
                browser.execute_script("document.getElementById('doc-select').value = arguments[0];"
                                       "document.getElementById('doc-select').dispatchEvent(new Event('change'))",
                                       doc)
                width, inner = browser.execute_script(
                    "return [document.documentElement.scrollWidth, window.innerWidth]")
                assert width <= inner <= 1400, f"{path.name}, document {doc}: {width} px wide"
        bars = browser.execute_script(
            "return Array.from(document.querySelectorAll('svg.chart-svg')[0].querySelectorAll('rect.bar'))"
            ".map(b => b.getBoundingClientRect().width)")
        assert len(bars) == 3 and min(bars) > 0
    finally:
        browser.set_window_size(1280, 900)
