"""Read-level bad input: every file becomes a `SourceDocument` with a clear status and
message, never an exception, and discovery survives odd folders."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.io import formats, read
from pipeline.io.read import discover, read_document

STATUSES = {"ok", "empty", "error", "unsupported", "no_text", "too_large"}
GOOD = "城南大道工程总投资3亿元，目前已竣工通车。\n"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_with(document_xml: bytes, name: str = "word/document.xml") -> bytes:
    """A minimal .docx-shaped zip holding `document_xml`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(name, document_xml)
    return buffer.getvalue()


def paragraphs_xml(*paragraphs: str) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    return f'<w:document xmlns:w="{_W_NS}"><w:body>{body}</w:body></w:document>'.encode()


def nested_tables_xml(depth: int) -> bytes:
    cell = "<w:p><w:r><w:t>x</w:t></w:r></w:p>"
    body = "<w:tbl><w:tr><w:tc>" * depth + cell + "</w:tc></w:tr></w:tbl>" * depth
    return f'<w:document xmlns:w="{_W_NS}"><w:body>{body}</w:body></w:document>'.encode()


def billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    return (f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>'
            f'<w:document xmlns:w="{_W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
            f'</w:body></w:document>').encode()


def lying_zip_bomb() -> bytes:
    """A member whose headers claim 100 bytes but which inflates to 4 MB."""
    data = bytearray(docx_with(b"<w:document>" + b" " * 4_000_000 + b"</w:document>"))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("word/document.xml")
    local, size_field = info.header_offset, (100).to_bytes(4, "little")
    data[local + 22: local + 26] = size_field                     # local header: uncompressed size
    central = bytes(data).index(b"word/document.xml", archive.start_dir) - 46  # its entry's start
    data[central + 24: central + 28] = size_field                 # central directory: same
    return bytes(data)


def encrypted_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt="secret")
    page.drawString(100, 700, "report")
    page.showPage()
    page.save()
    return buffer.getvalue()


def image_only_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.rect(100, 100, 300, 300, fill=1)     # a drawing and no text, as a scan has
    page.showPage()
    page.save()
    return buffer.getvalue()


def good_docx() -> bytes:
    return docx_with(paragraphs_xml("城南大道工程总投资3亿元", "目前已竣工通车。"))


# file name, bytes, expected status, words the message must contain
CASES: list[tuple[str, Callable[[], bytes], str, str | None]] = [
    ("empty.txt", lambda: b"", "empty", "no text"),
    ("blank.md", lambda: "  \n\u3000\n".encode(), "empty", "no text"),
    ("junk.txt", lambda: bytes(range(256)) * 8, "error", "binary"),
    ("controls.txt", lambda: ("\x01\x02\x03\x04abc" * 200).encode(), "error", "binary"),
    ("bad_bom.txt", lambda: b"\xff\xfe\x00\xd8", "error", "cannot decode"),
    # no encoding fits, read line by line: not when the text is no Chinese (binary) or too much is lost
    ("high_bytes.txt", lambda: bytes(range(128, 256)) * 16, "error", "cannot decode"),
    ("one_line_mix.txt",
     lambda: "北湖公园项目总投资2亿元，已开工。".encode() + "滨江大桥项目总投资1亿元，已完工。".encode("gbk"),
     "error", "cannot decode"),
    ("truncated.docx", lambda: good_docx()[:200], "error", "not a valid .docx (bad zip file)"),
    ("renamed.docx", lambda: GOOD.encode(), "error", "not a valid .docx (bad zip file)"),
    ("no_body.docx", lambda: docx_with(b"x", name="word/other.xml"), "error", "no word/document.xml"),
    ("broken_xml.docx", lambda: docx_with(b"<w:document><w:body>"), "error", "not well-formed XML"),
    ("laughs.docx", lambda: docx_with(billion_laughs()), "error",
     "declares a DTD or entities"),
    ("lying_bomb.docx", lying_zip_bomb, "error", "not a valid .docx"),
    ("nested_tables.docx", lambda: docx_with(nested_tables_xml(3000)), "error", "nested too deep"),
    ("empty_body.docx", lambda: docx_with(paragraphs_xml()), "empty", "no text"),
    ("good.docx", good_docx, "ok", None),
    ("corrupt.pdf", lambda: b"%PDF-1.4 not really", "error", "not a valid PDF"),
    ("locked.pdf", encrypted_pdf, "error", "encrypted PDF"),
    ("scan.pdf", image_only_pdf, "no_text", "OCR is needed"),
    ("blank.html", lambda: b"<html><body><script>var a = 1;</script></body></html>", "empty", "no text"),
    ("deep.html", lambda: b"<div>" * 50_000 + b"x" + b"</div>" * 50_000, "error", "levels deep"),
    ("photo.jpg", lambda: b"\xff\xd8\xff\xe0" + bytes(100), "unsupported", "not supported"),
    ("archive", lambda: docx_with(b"x", name="data.csv"), "unsupported", "zip archive"),
    # metadata beside the reports: no document, and no LibreOffice to suggest for it
    ("gold.jsonl", lambda: b'{"file": "a.txt", "projects": []}', "unsupported", "not a text document"),
    ("noext", lambda: b"plain words", "ok", None),
]


@pytest.mark.parametrize("name, make, status, words", CASES, ids=[c[0] for c in CASES])
def test_bad_file_becomes_a_row(tmp_path: Path, name: str, make: Callable[[], bytes], status: str,
                                words: str | None) -> None:
    data = make()
    (tmp_path / name).write_bytes(data)
    source = read_document(tmp_path / name, name)
    assert source.status == status, source.error
    if words is None:
        assert source.error is None
    else:
        assert words in (source.error or "")
    assert source.size == len(data)
    assert source.content_hash is not None
    if status != "ok":
        assert source.text.strip() == ""


def test_zip_bomb_is_refused_by_its_declared_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "MAX_MEMBER_BYTES", 1_000_000)
    (tmp_path / "bomb.docx").write_bytes(docx_with(b"<w:document>" + b" " * 3_000_000 + b"</w:document>"))
    source = read_document(tmp_path / "bomb.docx", "bomb.docx")
    assert source.status == "error"
    assert "would unpack to 2.9 MB, over the 1.0 MB limit: zip bomb?" in (source.error or "")


def test_zip_member_read_is_capped_whatever_the_header_says() -> None:
    archive = zipfile.ZipFile(io.BytesIO(docx_with(b"x" * 5000)))
    info = archive.getinfo("word/document.xml")
    info.file_size = 10       # a header that understates the size
    # zipfile stops at the declared size and then fails its CRC check; the cap is a second guard
    with pytest.raises((zipfile.BadZipFile, formats.ReadFailure)):
        formats.read_zip_member(archive, "word/document.xml", 100)
    info.file_size = 5000
    with pytest.raises(formats.ReadFailure, match="would unpack to"):
        formats.read_zip_member(archive, "word/document.xml", 100)


def test_too_large_is_decided_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "big.txt").write_bytes(GOOD.encode() * 100)

    def no_read(path: Path, limit: int) -> bytes:
        raise AssertionError("a file over the limit must not be read")

    monkeypatch.setattr(read, "_read_capped", no_read)
    source = read_document(tmp_path / "big.txt", "big.txt", max_bytes=1000)
    assert (source.status, source.size) == ("too_large", len(GOOD.encode()) * 100)
    assert "over the 1000 bytes limit" in (source.error or "")


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(GOOD, encoding="utf-8")
    if os.geteuid() == 0:     # root reads a chmod 000 file anyway: simulate the refusal
        def refuse(p: Path, limit: int) -> bytes:
            raise PermissionError(13, "Permission denied", str(p))
        monkeypatch.setattr(read, "_read_capped", refuse)
    else:
        path.chmod(0)
    try:
        source = read_document(path, "secret.txt")
    finally:
        path.chmod(0o644)
    assert (source.status, source.error) == ("error", "cannot read file: permission denied")


def test_broken_symlink_is_listed_and_reported(tmp_path: Path) -> None:
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    assert [rel for _, rel in discover([tmp_path])] == ["gone.txt"]
    source = read_document(tmp_path / "gone.txt", "gone.txt")
    assert source.status == "error" and "broken symbolic link" in (source.error or "")


def test_symlink_loops_end(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "r.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "a" / "up").symlink_to(tmp_path)            # a folder loop
    (tmp_path / "x.txt").symlink_to(tmp_path / "y.txt")     # a file loop
    (tmp_path / "y.txt").symlink_to(tmp_path / "x.txt")
    assert [rel for _, rel in discover([tmp_path])] == ["a/r.txt", "x.txt", "y.txt"]
    assert read_document(tmp_path / "x.txt", "x.txt").error == "symbolic link loop"


@pytest.mark.parametrize(("files", "inputs", "expected"), [
    # one folder: its files are named from inside it, as always
    (["in/a/r.txt"], ["in/a"], ["r.txt"]),
    # two folders holding a file of the same name: each keeps the folder that tells them apart
    (["in/a/r.txt", "in/b/r.txt"], ["in/a", "in/b"], ["a/r.txt", "b/r.txt"]),
    # two files of the same name in different folders
    (["x/r.txt", "y/r.txt"], ["x/r.txt", "y/r.txt"], ["x/r.txt", "y/r.txt"]),
    # a folder and a file at different depths: named from the folder they share
    (["in/a/r.txt", "s.txt"], ["in/a", "s.txt"], ["in/a/r.txt", "s.txt"]),
])
def test_several_inputs_keep_what_tells_them_apart(tmp_path: Path, files: list[str], inputs: list[str],
                                                   expected: list[str]) -> None:
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(GOOD, encoding="utf-8")
    assert [rel for _, rel in discover([tmp_path / name for name in inputs])] == expected


def test_file_deleted_after_discovery(tmp_path: Path) -> None:
    (tmp_path / "r.txt").write_text(GOOD, encoding="utf-8")
    [(path, rel)] = discover([tmp_path])
    path.unlink()
    source = read_document(path, rel)
    assert source.status == "error" and "file not found" in (source.error or "")
    assert source.content_hash is None and source.size is None


def test_unreadable_folder_becomes_a_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "r.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "open.txt").write_text(GOOD, encoding="utf-8")
    real_scandir, real_listdir = os.scandir, os.listdir

    def refuse(path: object) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    def refuse_list(path: object) -> list[str]:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_listdir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refuse)
    monkeypatch.setattr(os, "listdir", refuse_list)
    found = discover([tmp_path])
    assert [rel for _, rel in found] == ["locked", "open.txt"]
    source = read_document(*found[0])
    assert (source.status, source.format) == ("error", "folder")
    assert source.error == "cannot list folder: Permission denied"


def test_pipe_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")     # reading it would block forever
    [(path, rel)] = discover([tmp_path])
    source = read_document(path, rel)
    assert source.status == "error" and "not a regular file" in (source.error or "")


def test_odd_names_give_utf8_paths(tmp_path: Path) -> None:
    folder = tmp_path / "中文 目录"
    folder.mkdir()
    (folder / "进展 报告.txt").write_text(GOOD, encoding="utf-8")
    # a GBK-encoded file name on a UTF-8 file system: its bytes are not UTF-8
    raw_name = os.fsencode(folder) + b"/" + "报告".encode("gbk") + b".txt"
    with open(raw_name, "wb") as handle:
        handle.write(GOOD.encode("utf-8"))
    found = discover([tmp_path])
    rels = [rel for _, rel in found]
    assert rels == ["中文 目录/\\xb1\\xa8\\xb8\\xe6.txt", "中文 目录/进展 报告.txt"]
    for path, rel in found:
        source = read_document(path, rel)
        assert source.status == "ok"
        source.path.encode("utf-8")      # valid UTF-8: no lone surrogates left
        assert source.text == GOOD


def test_printable_path_leaves_good_names_alone() -> None:
    for name in ("a b/c.txt", "中文/报告.docx", "x\\y"):
        assert read.printable_path(name) == name


def test_hidden_files_and_lock_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    (tmp_path / "~$report.docx").write_bytes(b"lock")
    (tmp_path / "README.md").write_text("about")
    (tmp_path / "r.txt").write_text(GOOD, encoding="utf-8")
    assert [rel for _, rel in discover([tmp_path])] == ["r.txt"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".md", ".docx", ".pdf", ".html", ""]))
def test_arbitrary_bytes_never_raise(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f{suffix}"
        path.write_bytes(data)
        source = read_document(path, path.name)
    assert source.status in STATUSES
    # every status but ok says why; an ok row's error can only note a repair
    assert source.status == "ok" or source.error
    if source.status == "ok" and source.error:
        assert "replaced" in source.error or "dropped" in source.error
    assert source.content_hash is not None and source.size == len(data)
    source.text.encode("utf-8")


# simplified text of the 3,755 most common characters, digits and Chinese punctuation
_SIMPLIFIED = sorted(bytes((lead, trail)).decode("gb2312") for lead in range(0xB0, 0xD8)
                     for trail in range(0xA1, 0xFF) if not (lead == 0xD7 and trail > 0xF9))


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(_SIMPLIFIED + list("，。、；：（）％")), min_size=8, max_size=200),
       filler=st.text(alphabet="0123456789.% \n", max_size=20))
def test_chinese_text_comes_back_from_utf8_and_gbk(text: str, filler: str) -> None:
    # at least 8 Chinese characters: one or two GBK characters can also be valid UTF-8
    # (傻 = C9 B5 = ɵ), and then UTF-8 wins
    text = filler + text
    assert formats.decode_text(text.encode("utf-8")) == formats.Decoded(text, "utf-8")
    assert formats.decode_text(text.encode("gbk")).text == text


# -- hostile text, end to end: `keyproj run` on a folder (issue 11, items 6-8; issue 13) ------

_WRAPPED = ("关于青岚县重点项目的报告\n"
            "今年全县共安排重点建设项目四十六个，年度计\n划投资一百二十亿元，截至十月底累计完成投资\n"
            "九十八亿元，占年度计划的百分之八十一点七，\n其中产业项目二十二个，完成投资六十一亿元，\n"
            "基础设施项目十五个，完成投资二十四亿元，民\n生项目九个，完成投资十三亿元。各项目总体进\n"
            "展顺利，部分项目因用地报批滞后，进度较慢。\n一、主要做法\n"
            "坚持项目为王，健全县领导联系重点项目制度\n落实专班推进机制，每月召开一次调度会，及时\n"
            "协调解决项目建设中的困难和问题，确保项目按\n期推进，全年新增投资3600\n万元。\n")
# file name, bytes, the row's error (None or words it holds), money found (yuan, in order)
HOSTILE_FILES: list[tuple[str, bytes, str | None, list[float]]] = [
    ("zero_width.txt", "城南大道工程总投资7\u200b35亿元，长1\u00ad200米。".encode(), None, [73_500_000_000.0]),
    ("line_separators.txt", "一、总体情况\u2028城南大道工程总投资3亿元\u2029二、存在问题".encode(), None,
     [300_000_000.0]),
    ("utf16_no_bom.txt", GOOD.encode("utf-16-le"), None, [300_000_000.0]),
    ("cut_short.txt", (GOOD + "城").encode()[:-1], "ends inside a UTF-8 character", [300_000_000.0]),
    ("stray_nul.txt", GOOD.encode()[:12] + b"\x00" + GOOD.encode()[12:], "1 NUL byte dropped",
     [300_000_000.0]),
    ("latin1_label.html", ("<html><head><meta charset=iso-8859-1></head><body><p>" + GOOD
                           + "</p></body></html>").encode("gbk"), None, [300_000_000.0]),
    # a wall of digits (a table dumped without separators): the placeholder pattern (12XX万元)
    # once rescanned the run from every digit, so 100,000 digits overran the time budget
    ("digit_wall.txt", (GOOD + "1234567890" * 10_000).encode(), None, [300_000_000.0]),
    # a table dumped as lines of 、-parted cells, each row a project, an amount and a state:
    # the rows join into one line with no comma in one section, and the status model's
    # section state and the link's clause were found again for every row over all of them
    # (8,000 rows: about 55 CPU-s, over the time budget below; now 5-9)
    ("table_rows.txt", "".join(f"{i}、城南{i}号路工程、交通、{i % 90 + 10}亿元、在建\n" for i in range(8000)).encode(),
     None, [(i % 90 + 10) * 100_000_000.0 for i in range(8000)]),
    # no one encoding fits: files pasted together from UTF-8 and GBK lines, a UTF-8 file with a
    # lone surrogate (CESU-8 bytes) in it; before, the whole document was an error row
    ("pasted_utf8_gbk.txt", GOOD.encode() + "滨江大桥项目总投资1.2亿元。\n".encode("gbk"), "1 line read as GB18030",
     [300_000_000.0, 120_000_000.0]),
    ("lone_surrogate.txt", GOOD.encode()[:12] + b"\xed\xa0\x80" + GOOD.encode()[12:], "3 bad UTF-8 bytes replaced",
     [300_000_000.0]),
    ("wrapped.txt", _WRAPPED.encode(), None,
     [12_000_000_000.0, 9_800_000_000.0, 6_100_000_000.0, 2_400_000_000.0, 1_300_000_000.0, 36_000_000.0]),
]


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("hostile")
    for name, data, _, _ in HOSTILE_FILES:
        (folder / name).write_bytes(data)
    out = tmp_path_factory.mktemp("out")
    root = Path(__file__).resolve().parent.parent
    # a time budget a hostile shape's old quadratic cost overran (a document over it is an
    # error row), with room for the machine's load
    proc = subprocess.run([sys.executable, "-m", "pipeline", "run", str(folder), "--out", str(out), "-q",
                           "--time-budget", "40"],
                          check=False, capture_output=True, text=True, cwd=root, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(root)})
    tables = {name: pd.read_parquet(out / f"{name}.parquet") for name in ("documents", "quantities")}
    return {"proc": proc, **tables}


def test_hostile_run_succeeds(hostile_run: dict[str, Any]) -> None:
    assert hostile_run["proc"].returncode == 0, hostile_run["proc"].stderr


@pytest.mark.parametrize("name, data, note, money", HOSTILE_FILES, ids=[c[0] for c in HOSTILE_FILES])
def test_hostile_text_keeps_its_facts_with_exact_spans(hostile_run: dict[str, Any], name: str, data: bytes,
                                                       note: str | None, money: list[float]) -> None:
    docs = hostile_run["documents"].set_index("path")
    assert docs.loc[name, "status"] == "ok"
    error = docs.loc[name, "error"]
    if note is None:
        assert pd.isna(error)
    else:
        assert note in error
    text = docs.loc[name, "text"]
    text = text.decode("utf-8") if isinstance(text, bytes) else text
    q = hostile_run["quantities"]
    mine = q[q.doc_id == docs.loc[name, "doc_id"]]
    assert mine[mine.kind == "money"]["value"].tolist() == money
    for row in mine.itertuples():
        assert text[row.start:row.end] == row.text
