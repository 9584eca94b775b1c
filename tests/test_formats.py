"""Formats and encodings: one invented report saved every way a Chinese archive holds it
must give the same facts, and the reader must say how it read each file."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import opencc
import pytest

from pipeline.extract import Pipeline
from pipeline.io import formats
from pipeline.io.read import SourceDocument, read_document

TITLE = "青山县2024年重点项目建设进展情况"
# paragraphs of an invented progress report (not from any real document)
PARAGRAPHS = [
    "一、总体情况",
    "今年全县安排重点项目28个，年度计划投资46.5亿元，截至9月底完成投资37.2亿元，完成年度计划的80%。",
    "二、重点项目进展",
    "青山湖水库扩容工程总投资3.2亿元，新增库容1200万立方米，目前已竣工。",
    "城北物流园项目总投资5.8亿元，规划用地面积320亩，主体建筑正在施工。",
]
REPORT = "\n".join([TITLE, *PARAGRAPHS]) + "\n"
TABLE = [["项目名称", "总投资", "进度"],
         ["青山湖水库扩容工程", "3.2亿元", "已竣工"],
         ["城北物流园项目", "5.8亿元", "正在施工"]]
EXPECTED_PROJECTS = {"青山湖水库扩容工程", "城北物流园项目"}


def traditional(text: str) -> str:
    return opencc.OpenCC("s2t").convert(text)


def make_docx() -> bytes:
    """The report as Word paragraphs, with a table of the projects after the heading 二、."""
    import docx

    document = docx.Document()
    document.add_paragraph(TITLE)
    for paragraph in PARAGRAPHS:
        document.add_paragraph(paragraph)
        if paragraph.startswith("二、"):
            table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
            for r, row in enumerate(TABLE):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_pdf(lines: list[str] | None = None, wrap: int = 18) -> bytes:
    """The report drawn with reportlab's built-in Chinese font, long paragraphs wrapped at
    `wrap` characters as a layout would (the reader must join them again)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont("STSong-Light", 12)
    y = 780
    for paragraph in lines if lines is not None else [TITLE, *PARAGRAPHS]:
        for i in range(0, len(paragraph), wrap):
            page.drawString(60, y, paragraph[i:i + wrap])
            y -= 18
    page.drawString(280, 40, "- 1 -")   # a page number, not text of the report
    page.showPage()
    page.save()
    return buffer.getvalue()


def make_html() -> bytes:
    body = "".join(f"<p>{p}</p>\n" if not p[1:2] == "、" else f"<h2>{p}</h2>\n" for p in PARAGRAPHS)
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>网站首页</title><style>p {{ color: red }} /* 示范工程总投资9亿元 */</style>
<script>var note = "东湖大桥工程总投资7亿元";</script></head>
<body>
<header><a href="/">首页</a> 政务公开</header>
<nav><a href="/a">南山隧道工程</a> <a href="/b">投资10亿元</a></nav>
<article><header><h1>{TITLE}</h1></header>
{body}</article>
<aside>相关链接：西河治理工程已开工</aside>
<footer>版权所有 青山县人民政府 &copy; 2024</footer>
<noscript>请启用脚本</noscript>
</body></html>"""
    return page.encode("gbk")


# file name, bytes, recorded format, recorded encoding
VARIANTS: list[tuple[str, Callable[[], bytes], str, str | None]] = [
    ("utf8.txt", lambda: REPORT.encode("utf-8"), "txt", "utf-8"),
    ("utf8_bom.md", lambda: REPORT.encode("utf-8-sig"), "md", "utf-8-sig"),
    ("gbk.txt", lambda: REPORT.encode("gbk"), "txt", "gb18030"),
    ("gb2312.txt", lambda: REPORT.encode("gb2312"), "txt", "gb18030"),
    ("big5.txt", lambda: traditional(REPORT).encode("big5"), "txt", "big5"),
    ("utf16.txt", lambda: REPORT.encode("utf-16"), "txt", "utf-16"),
    ("utf16be.txt", lambda: b"\xfe\xff" + REPORT.encode("utf-16-be"), "txt", "utf-16"),
    ("crlf.txt", lambda: REPORT.replace("\n", "\r\n").encode("gbk"), "txt", "gb18030"),
    ("report.docx", make_docx, "docx", None),
    ("report.pdf", make_pdf, "pdf", None),
    ("report.html", make_html, "html", "gb18030"),
    ("no_extension", lambda: REPORT.encode("gbk"), "txt", "gb18030"),
    ("pdf_without_extension", make_pdf, "pdf", None),
    ("docx_named.doc", make_docx, "docx", None),
    # saved under a text file's name (a download or an export named wrong): read as what it is
    ("pdf_named.txt", make_pdf, "pdf", None),
    ("docx_named.txt", make_docx, "docx", None),
    ("html_named.txt", make_html, "html", "gb18030"),
    ("html_named.md", make_html, "html", "gb18030"),
]


def facts(pipeline: Pipeline, source: SourceDocument) -> tuple[set[tuple[str, str, str]], set[str]]:
    """(kind, value, unit as written) of every quantity and the project names."""
    extraction = pipeline(source.doc_id, source.text)
    quantities = {(q.kind.value, str(q.value), q.unit_raw) for q in extraction.quantities}
    return quantities, {p.name for p in extraction.projects}


@pytest.fixture(scope="module")
def baseline(pipeline: Pipeline) -> tuple[set[tuple[str, str, str]], set[str]]:
    return facts(pipeline, SourceDocument("base", "base.txt", "txt", "utf-8", REPORT, "ok", None))


def test_baseline_has_the_invented_facts(baseline: tuple[set[tuple[str, str, str]], set[str]]) -> None:
    quantities, projects = baseline
    assert projects == EXPECTED_PROJECTS
    assert ("money", "320000000.0", "亿元") in quantities and ("percent", "80", "%") in quantities
    assert len(quantities) == 7


@pytest.mark.parametrize("name, make, fmt, encoding", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_every_format_gives_the_same_facts(tmp_path: Path, pipeline: Pipeline, baseline: tuple,
                                           name: str, make: Callable[[], bytes], fmt: str,
                                           encoding: str | None) -> None:
    data = make()
    (tmp_path / name).write_bytes(data)
    source = read_document(tmp_path / name, name)
    assert (source.status, source.error) == ("ok", None)
    assert (source.format, source.encoding) == (fmt, encoding)
    assert source.size == len(data) and source.content_hash is not None and len(source.content_hash) == 64
    assert source.text.lstrip().startswith(TITLE) or source.text.lstrip().startswith(traditional(TITLE))
    assert facts(pipeline, source) == baseline


def test_docx_tables_are_rows_in_document_order(tmp_path: Path) -> None:
    (tmp_path / "r.docx").write_bytes(make_docx())
    lines = read_document(tmp_path / "r.docx", "r.docx").text.split("\n")
    heading = lines.index("二、重点项目进展")
    assert lines[heading + 1: heading + 4] == ["\t".join(row) for row in TABLE]
    assert lines[heading + 4] == PARAGRAPHS[3]


def test_pdf_line_wraps_are_undone(tmp_path: Path) -> None:
    (tmp_path / "r.pdf").write_bytes(make_pdf(wrap=13))
    text = read_document(tmp_path / "r.pdf", "r.pdf").text
    assert text.split("\n") == [TITLE, *PARAGRAPHS]      # page number dropped too


def test_html_keeps_only_the_visible_article(tmp_path: Path) -> None:
    (tmp_path / "r.html").write_bytes(make_html())
    text = read_document(tmp_path / "r.html", "r.html").text
    assert text.split("\n") == [TITLE, *PARAGRAPHS]
    for dropped in ("示范工程", "东湖大桥", "南山隧道", "西河治理", "版权所有", "网站首页", "请启用脚本"):
        assert dropped not in text


def test_html_charset_declaration_is_honoured_and_checked() -> None:
    gbk_page = "<html><head><meta charset=\"GBK\"></head><body><p>城南大道工程</p></body></html>"
    assert formats.text_from_html(gbk_page.encode("gbk")) == formats.Decoded("城南大道工程", "gb18030")
    # a page declaring UTF-8 but saved as GBK (common on old sites): detection takes over
    lying = gbk_page.replace("GBK", "utf-8").encode("gbk")
    assert formats.text_from_html(lying) == formats.Decoded("城南大道工程", "gb18030")
    big5_page = "<html><head><meta charset=big5></head><body><p>城南大道工程</p></body></html>"
    assert formats.text_from_html(traditional(big5_page).encode("big5")).encoding == "big5"


# A declared charset is checked against the bytes (issue 11, item 7): the page as
# declared, how it was really saved, and the encoding that must be recorded.
PAGE = "<html><head><meta charset=\"{}\"></head><body><p>城南大道工程总投资3亿元</p></body></html>"
CHARSET_CASES = [
    # declared, saved as, recorded
    ("GBK", "gbk", "gb18030"),                  # honest declarations are kept
    ("utf-8", "utf-8", "utf-8"),
    ("big5", "big5", "big5"),
    ("utf-8", "gbk", "gb18030"),                # declared UTF-8, the bytes are not
    ("utf-16", "utf-8", "utf-8"),               # decodes as UTF-16 too, into nonsense
    ("iso-8859-1", "gbk", "gb18030"),           # any bytes decode as Latin-1: mojibake
    ("windows-1252", "gbk", "gb18030"),
    ("iso-8859-1", "utf-8", "utf-8"),           # valid UTF-8 wins over a single-byte charset
    ("us-ascii", "utf-8", "utf-8"),
    ("big5", "gbk", "gb18030"),                 # rare characters as Big5: detection wins
    ("shift_jis", "gbk", "gb18030"),
]


@pytest.mark.parametrize("declared, saved_as, recorded", CHARSET_CASES,
                         ids=[f"{d}-over-{s}" for d, s, _ in CHARSET_CASES])
def test_declared_html_charset_is_checked_against_the_bytes(declared: str, saved_as: str,
                                                            recorded: str) -> None:
    page = PAGE.format(declared)
    data = (traditional(page) if saved_as == "big5" else page).encode(saved_as)
    decoded = formats.text_from_html(data)
    assert decoded.encoding == recorded
    assert decoded.text in ("城南大道工程总投资3亿元", traditional("城南大道工程总投资3亿元"))


def test_a_latin1_page_keeps_its_declared_charset() -> None:
    page = "<html><head><meta charset=\"iso-8859-1\"></head><body><p>Caf\u00e9 cr\u00e8me</p></body></html>"
    assert formats.text_from_html(page.encode("latin-1")) == formats.Decoded("Caf\u00e9 cr\u00e8me", "iso8859-1")


# Text files as hostile archives hold them (issue 11, item 8): the bytes, the text and
# encoding that must come back, and the words of the note kept in the row's error.
TEXT = "城南大道工程总投资3.2亿元，2023年完成投资1.5亿元。\n鹭溪大桥主桥长420米。\n"
TEXT_XX00 = "一期工程已开工，二期工程年内开工建设，城东一号路开通运行。\n一批项目开工。\n"
HOSTILE_TEXT_CASES: list[tuple[str, bytes, str, str, str | None]] = [
    ("utf16le-no-bom", TEXT.encode("utf-16-le"), TEXT, "utf-16-le", None),
    ("utf16be-no-bom", TEXT.encode("utf-16-be"), TEXT, "utf-16-be", None),
    # 一 (U+4E00) and 开 (U+5F00) put a NUL on the other side of every pair they fill: in
    # Chinese prose with few ASCII characters those NULs outnumber the line breaks' NULs
    ("utf16le-no-bom-few-ascii", TEXT_XX00.encode("utf-16-le"), TEXT_XX00, "utf-16-le", None),
    ("utf16be-no-bom-few-ascii", TEXT_XX00.encode("utf-16-be"), TEXT_XX00, "utf-16-be", None),
    ("utf8-cut-mid-character", (TEXT + "城").encode()[:-1], TEXT + "\ufffd", "utf-8",
     "ends inside a UTF-8 character"),
    ("utf8-cut-after-one-byte", (TEXT + "城").encode()[:-2], TEXT + "\ufffd", "utf-8",
     "ends inside a UTF-8 character"),
    ("sparse-nul", TEXT.encode()[:30] + b"\x00" + TEXT.encode()[30:], TEXT, "utf-8", "1 NUL byte dropped"),
    ("sparse-nuls-gbk", b"\x00" + TEXT.encode("gbk") + b"\x00", TEXT, "gb18030", "2 NUL bytes dropped"),
]


@pytest.mark.parametrize("name, data, text, encoding, note", HOSTILE_TEXT_CASES,
                         ids=[c[0] for c in HOSTILE_TEXT_CASES])
def test_hostile_text_bytes_keep_their_text(name: str, data: bytes, text: str, encoding: str,
                                            note: str | None) -> None:
    decoded = formats.text_from_plain(data)
    assert (decoded.text, decoded.encoding) == (text, encoding)
    if note is None:
        assert decoded.note is None
    else:
        assert note in (decoded.note or "")


@pytest.mark.parametrize("data", [
    b"abc def\x00 ghi\x00jkl\x00" * 20,              # NULs too many to be stray
    bytes(range(256)) * 8,
    b"\x00\x01\x02\x03" * 500,
], ids=["dense-nuls", "all-bytes", "binary-pattern"])
def test_binary_with_nuls_is_still_refused(data: bytes) -> None:
    with pytest.raises(formats.ReadFailure, match="binary"):
        formats.text_from_plain(data)


def test_html_blocks_break_lines_and_cells_are_tabbed() -> None:
    page = ("<body><div>滨江大桥<b>项目</b>\n  已竣工</div><table><tr><td>甲工程</td><td>3亿元</td></tr>"
            "</table>第一行<br>第二行<ul><li>一</li><li>二</li></ul></body>")
    assert formats.text_from_html(page.encode()).text.split("\n") == [
        "滨江大桥项目已竣工", "甲工程\t3亿元", "第一行", "第二行", "一", "二"]


# Short texts are where charset-normalizer confuses GBK and Big5: every one of these must
# come back as written, whichever of the two encodings it was saved in.
SHORT_TEXTS = ["已竣工", "城南大道工程", "项目", "进度", "第一", "截至10月底", "新区污水处理厂",
               "年度计划投资8亿元", "鹭溪大桥主桥长420米", "全市重点项目完成投资", "总投资3.2亿元，已竣工。"]


@pytest.mark.parametrize("text", SHORT_TEXTS)
def test_short_gbk_and_big5_are_told_apart(text: str) -> None:
    assert formats.decode_text(text.encode("gbk")) == formats.Decoded(text, "gb18030")
    trad = traditional(text)
    assert formats.decode_text(trad.encode("big5")) == formats.Decoded(trad, "big5")


def test_other_legacy_encodings_fall_back_to_charset_normalizer() -> None:
    # kana read as GB18030 or Big5 are rare characters: charset-normalizer's guess wins
    text = "ひらがなとカタカナの文章です。工事は完了しました。" * 2
    decoded = formats.decode_text(text.encode("shift_jis"))
    assert decoded.text == text and decoded.encoding in ("shift_jis", "cp932")


@pytest.mark.skipif(formats.libreoffice() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("suffix", [".doc", ".rtf", ".odt"])
def test_libreoffice_converts_other_formats(tmp_path: Path, pipeline: Pipeline, baseline: tuple,
                                            suffix: str) -> None:
    import subprocess

    source_txt = tmp_path / "src" / "report.txt"
    source_txt.parent.mkdir()
    source_txt.write_text(REPORT, encoding="utf-8")
    target = suffix[1:]
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([formats.libreoffice() or "soffice", f"-env:UserInstallation={profile}", "--headless",
                    "--infilter=Text (encoded):UTF8", "--convert-to", target, "--outdir", str(tmp_path),
                    str(source_txt)], check=True, capture_output=True, timeout=180)
    converted = tmp_path / f"report{suffix}"
    source = read_document(converted, converted.name)
    assert (source.status, source.format, source.encoding) == ("ok", target, None), source.error
    assert facts(pipeline, source) == baseline


def test_without_libreoffice_old_formats_are_unsupported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "libreoffice", lambda: None)
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (tmp_path / "old.wps").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    for name in ("old.doc", "old.wps"):
        source = read_document(tmp_path / name, name)
        assert source.status == "unsupported"
        assert "install LibreOffice" in (source.error or "")


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NUMBERING_XML = f"""<w:numbering xmlns:w="{_W_NS}">
<w:abstractNum w:abstractNumId="7">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
 <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="8">
 <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="8"/></w:num>
</w:numbering>"""


def numbered_docx(paragraphs: list[tuple[str | None, int, str]]) -> bytes:
    """A .docx whose paragraphs (numId, level, text) are numbered by Word, not typed."""
    def paragraph(num_id: str | None, level: int, text: str) -> str:
        numbering = (f'<w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr>'
                     if num_id else "")
        return f"<w:p>{numbering}<w:r><w:t>{text}</w:t></w:r></w:p>"

    body = "".join(paragraph(*p) for p in paragraphs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", f'<w:document xmlns:w="{_W_NS}"><w:body>{body}</w:body></w:document>')
        archive.writestr("word/numbering.xml", NUMBERING_XML)
    return buffer.getvalue()


def test_docx_list_numbers_become_text() -> None:
    data = numbered_docx([(None, 0, TITLE), ("1", 0, "总体情况"), ("1", 0, "重点项目"), ("1", 1, "交通项目"),
                          ("1", 2, "城南大道"), ("1", 2, "滨江路"), ("1", 1, "水利项目"), ("2", 0, "要点"),
                          ("1", 0, "下步打算"), ("1", 1, "加快进度")])
    assert formats.text_from_docx(data).text.split("\n") == [
        TITLE, "一、总体情况", "二、重点项目", "（一）交通项目", "1.城南大道", "2.滨江路", "（二）水利项目",
        "要点", "三、下步打算", "（一）加快进度"]


def test_docx_style_numbering_from_word_template() -> None:
    import docx

    document = docx.Document()
    for text in ("总体情况", "重点项目"):
        document.add_paragraph(text, style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    assert formats.text_from_docx(buffer.getvalue()).text.split("\n") == ["1.总体情况", "2.重点项目"]
