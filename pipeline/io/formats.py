"""Per-format decoders: the bytes of one file in, its text out.

Each decoder is a function from bytes (or a path, for LibreOffice) to `Decoded`; a file
that cannot be read raises `ReadFailure` with the status and message its row will carry,
so `read.py` turns every failure into a row and never into a crash.

| format | parser | why |
|---|---|---|
| text | BOM, strict UTF-8, then charset-normalizer, checked by a common-character score | fast path for the common case; the score fixes GBK/Big5 confusion on short texts |
| .docx | `zipfile` + `defusedxml` | no DTDs or entities (billion laughs), capped unpacking (zip bombs) |
| .pdf | `pypdfium2` | PDFium (Chrome's PDF engine): fast, maintained, handles CID fonts |
| .html | `selectolax` (lexbor) | fast, maintained, tolerant HTML5 parser |
| .doc .wps .rtf .odt … | LibreOffice (`soffice --headless`) when installed | the only maintained reader of the old binary Word/WPS formats |
"""  # noqa: E501 - a table's rows stay whole

from __future__ import annotations

import codecs
import contextlib
import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import regex

if TYPE_CHECKING:
    # imported by the .docx reader when it reads one: a run of text files, and the process
    # that only plans a run and writes its tables, load neither (7 ms before the first
    # workers are forked)
    import zipfile
    from xml.etree.ElementTree import Element

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
DOCX_SUFFIXES = {".docx", ".docm", ".dotx", ".dotm"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
PDF_SUFFIXES = {".pdf"}
# word-processor formats LibreOffice reads; anything else unknown is tried too, except
# the formats below that are certainly not documents (no point starting LibreOffice)
OFFICE_SUFFIXES = {".doc", ".dot", ".wps", ".wpt", ".rtf", ".odt", ".ott", ".fodt", ".sxw", ".wri", ".uot"}
NOT_DOCUMENTS = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".svg", ".ico",
                 ".zip", ".rar", ".7z", ".gz", ".tgz", ".bz2", ".xz", ".tar", ".exe", ".dll", ".so",
                 ".mp3", ".mp4", ".wav", ".avi", ".mov", ".mkv", ".flv", ".wmv", ".parquet", ".db",
                 ".sqlite", ".pyc", ".class", ".jar", ".iso", ".dmg", ".apk",
                 # data files often kept beside reports (metadata, annotations)
                 ".json", ".jsonl", ".ndjson", ".yaml", ".yml"}

# A .docx member may unpack to at most this much (the zip-bomb guard: real reports'
# document.xml is a few MB; the header's size is checked and the read is capped too,
# because a crafted header can understate the size).
MAX_MEMBER_BYTES = 128 * 1024 * 1024
LIBREOFFICE_TIMEOUT_S = 120

_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_CJK_CANDIDATES = ("gb18030", "big5")
_SCORE_SAMPLE = 20_000          # characters scored per candidate decoding


class ReadFailure(Exception):
    """A file that cannot be read: the status and message of its row."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str | None    # the character encoding of the bytes, None for binary formats
    note: str | None = None  # what was repaired in a text kept as ok (a cut-off tail, NULs)


# ---------------------------------------------------------------- sniffing

def sniff(data: bytes) -> str:
    """The format the bytes look like: pdf, docx, zip, ole (old .doc/.wps), rtf, html or txt."""
    head = data[:1024]
    if head.lstrip(b"\x00\t\r\n ").startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in data[:1_000_000] else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    lowered = head.lstrip(codecs.BOM_UTF8).lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or (lowered.startswith(b"<?xml") and b"<html" in lowered):
        return "html"
    return "txt"


# ---------------------------------------------------------------- plain text

def decode_text(data: bytes) -> Decoded:
    """Decode text bytes; raise ReadFailure when they are binary or fit no encoding.

    Order: a BOM decides (utf-8-sig, utf-16, utf-32); else strict UTF-8 (also ASCII,
    recorded as utf-8); else the best of GB18030, Big5 and charset-normalizer's guess,
    each decoded strictly and scored by its share of common Chinese characters (see
    `common_cjk_share`). The recorded encoding is the lowercase Python codec name that
    decodes the file: utf-8, utf-8-sig, utf-16, utf-32, gb18030 (GBK and GB2312 are
    subsets of it), big5, or whatever else charset-normalizer found (cp1252, shift_jis …).
    UTF-16 without a BOM is recognised by its NUL bytes (the high byte of every ASCII
    character, all on even or all on odd places); other NUL bytes, when they are few, are
    dropped and noted. A UTF-8 file cut inside its last character keeps its text, the
    broken tail replaced by U+FFFD and noted. One or two GBK characters that happen to be
    valid UTF-8 (傻 = C9 B5 = ɵ) read as UTF-8.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                raise ReadFailure("error", f"cannot decode text: {encoding} byte-order mark, "
                                           f"but invalid {encoding} at byte {exc.start}") from None
    note = None
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        nuls = data.count(b"\x00")
        if nuls > max(_MAX_STRAY_NULS, _MAX_NUL_SHARE * len(data)):
            raise ReadFailure("error", "binary data, not text (NUL bytes)")
        data = data.replace(b"\x00", b"")
        note = f"{nuls} NUL byte{'s' if nuls > 1 else ''} dropped"
    try:
        return Decoded(data.decode("utf-8"), "utf-8", note)
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3 and exc.start > 0:
            # cut inside the last character (a download or copy that stopped short)
            cut = f"the file ends inside a UTF-8 character ({len(data) - exc.start} bytes replaced)"
            return Decoded(data.decode("utf-8", "replace"), "utf-8", "; ".join(filter(None, [note, cut])))
    try:
        decoded = _decode_legacy(data)
    except ReadFailure:
        if note:        # NULs and no encoding fits the rest: binary after all
            raise ReadFailure("error", "binary data, not text (NUL bytes)") from None
        mixed = _decode_by_line(data)
        if mixed is None:
            raise
        return Decoded(mixed.text, mixed.encoding, mixed.note)
    return Decoded(decoded.text, decoded.encoding, note)


# a file that no one encoding fits is read line by line when at most this share of its bytes
# is lost, and its text is Chinese (this share of its non-ASCII characters common ones)
_MAX_LOST_SHARE = 0.01
_MAX_STRAY_LOST = 8
_MIN_MIXED_CJK_SHARE = 0.8


def _decode_by_line(data: bytes) -> Decoded | None:
    """A file that no one encoding fits, read line by line: each line as UTF-8, else as the
    better of GB18030 and UTF-8 with its bad bytes replaced (U+FFFD), by `common_cjk_share`.
    Files pasted together from UTF-8 and GBK, or a UTF-8 file with a few bad bytes (a lone
    surrogate, a byte flipped), so keep their text instead of losing the whole document.
    None when more than `_MAX_LOST_SHARE` of the bytes are replaced or the text is not
    mostly common Chinese (binary data stays refused); the note says what was done.

    >>> mixed = "北湖公园已开工。\\n".encode() + "滨江大桥已竣工。\\n".encode("gbk")
    >>> decoded = _decode_by_line(mixed)
    >>> decoded.text, decoded.encoding, decoded.note
    ('北湖公园已开工。\\n滨江大桥已竣工。\\n', 'utf-8', 'no one encoding fits: 1 line read as GB18030')
    >>> _decode_by_line(bytes(range(128, 256)) * 4) is None
    True
    """
    parts: list[str] = []
    as_gb = lost = 0
    for line in data.splitlines(keepends=True):
        try:
            parts.append(line.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        # the line's best reading: UTF-8 or GB18030, each with its bad bytes replaced
        readings = [(line.decode(encoding, "replace"), encoding) for encoding in ("utf-8", "gb18030")]
        best, encoding = max(readings, key=lambda reading: common_cjk_share(reading[0]))
        parts.append(best)
        as_gb += encoding == "gb18030"
        lost += best.count("\ufffd") - line.decode("utf-8", "ignore").count("\ufffd")
    text = "".join(parts)
    if lost > max(_MAX_STRAY_LOST, _MAX_LOST_SHARE * len(data)) \
            or common_cjk_share(text[:_SCORE_SAMPLE]) < _MIN_MIXED_CJK_SHARE:
        return None
    said = [f"{as_gb} line{'s' if as_gb > 1 else ''} read as GB18030" if as_gb else "",
            f"{lost} bad UTF-8 byte{'s' if lost > 1 else ''} replaced" if lost else ""]
    return Decoded(text, "utf-8", "no one encoding fits: " + ", ".join(filter(None, said)))


# more NUL bytes than these (and not UTF-16) is binary data; fewer are strays (a bad copy)
_MAX_NUL_SHARE = 0.01
_MAX_STRAY_NULS = 8
_UTF16_NUL_SIDE = 0.95      # UTF-16: at least this share of the telling NULs on one side


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 without a byte-order mark, told by where its NUL bytes are: ASCII characters
    (digits, line breaks, markup) have a NUL high byte, on odd places in little-endian and
    on even places in big-endian. A NUL on the other side may be the low byte of a character
    U+XX00, 22 of which are common Chinese characters (一 U+4E00, 开 U+5F00, 最, 需 …): in
    prose with few ASCII characters those outnumber the line breaks' NULs, so a NUL that
    makes one of them with its neighbour is evidence for neither order. The reading must
    also look like text; the other order is tried when the first one does not."""
    sample = data[:65536]
    sample = sample[: len(sample) - len(sample) % 2]
    pairs = list(zip(sample[0::2], sample[1::2]))
    if sum(first == 0 for first, _ in pairs) + sum(second == 0 for _, second in pairs) < 2:
        return None         # one NUL says nothing about where the others would be
    for encoding in _utf16_orders(pairs):
        decoded = _utf16_text(data, encoding)
        if decoded is not None:
            return decoded
    return None


def _utf16_orders(pairs: list[tuple[int, int]]) -> list[str]:
    """The byte orders the NULs of `pairs` (each two bytes in file order) allow: at least
    `_UTF16_NUL_SIDE` of the telling NULs on the order's ASCII side (a NUL that is the low
    byte of a common character U+XX00 in that order tells nothing)."""
    common = _common_chars()
    orders = []
    for encoding, ascii_side in (("utf-16-le", 1), ("utf-16-be", 0)):
        on_ascii_side = against = 0
        for pair in pairs:
            if pair[ascii_side] == 0:
                on_ascii_side += 1
            elif pair[1 - ascii_side] == 0 and chr(pair[ascii_side] << 8) not in common:
                against += 1
        if on_ascii_side and on_ascii_side >= _UTF16_NUL_SIDE * (on_ascii_side + against):
            orders.append(encoding)
    return orders


def _utf16_text(data: bytes, encoding: str) -> Decoded | None:
    """`data` read as UTF-16 in `encoding`'s byte order, or None when that is no text."""
    try:
        text = data[: len(data) - len(data) % 2].decode(encoding)
    except UnicodeDecodeError:
        return None
    sample_text = text[:_SCORE_SAMPLE]
    non_ascii = sum(ch >= "\x80" for ch in sample_text)
    if control_share(sample_text.replace("\x00", "")) > 0.05 or "\x00" in sample_text:
        return None
    if non_ascii and common_cjk_share(sample_text) < 0.5:
        return None         # rare characters: some other bytes, not UTF-16
    return Decoded(text, encoding)


def _decode_legacy(data: bytes) -> Decoded:
    """Not UTF-8: the candidate decoding with the most common Chinese characters."""
    guess = _charset_normalizer_guess(data)
    candidates: dict[str, str] = {}
    for encoding in (*_CJK_CANDIDATES, guess):
        if encoding and encoding not in candidates:
            try:
                candidates[encoding] = data.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                pass
    if not candidates:
        raise ReadFailure("error", "cannot decode text: not UTF-8, GB18030 or Big5, "
                                   "and charset-normalizer recognises no encoding (binary data?)")
    scores = {enc: common_cjk_share(text[:_SCORE_SAMPLE]) for enc, text in candidates.items()}
    # ties go to GB18030 (mainland archives are the common case), then Big5, then the guess
    best = max(candidates, key=lambda enc: scores[enc])
    if guess in candidates and guess not in _CJK_CANDIDATES and scores[best] < 0.5:
        best = guess    # little Chinese in any CJK reading: a non-Chinese legacy encoding
    return Decoded(candidates[best], best)


def _charset_normalizer_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    match = from_bytes(data[:200_000]).best()
    if match is None:
        return None
    try:
        return codecs.lookup(match.encoding).name
    except LookupError:
        return None


@cache
def _common_chars() -> frozenset[str]:
    """The 3,755 level-1 characters of GB2312 (chosen by frequency) and their traditional forms."""
    from opencc import OpenCC

    level1 = "".join(bytes((lead, trail)).decode("gb2312")
                     for lead in range(0xB0, 0xD8) for trail in range(0xA1, 0xFF)
                     if not (lead == 0xD7 and trail > 0xF9))
    return frozenset(level1) | frozenset(OpenCC("s2t").convert(level1))


def common_cjk_share(text: str) -> float:
    """Share of non-ASCII characters that are common Chinese characters or CJK punctuation.

    A wrong decoding of GBK as Big5 (or the reverse) yields rare characters, kana,
    Cyrillic and private-use code points, so the right decoding scores higher even on a
    few characters (已竣工: 1.0 as GB18030, 0.33 read as Big5).

    >>> common_cjk_share("滨江大桥项目，已竣工。") > common_cjk_share("梆蔬湮Э砐醴ㄛ眒縈馱﹝")
    True
    """
    common = _common_chars()
    total = good = 0
    for ch in text:
        if ch < "\x80":
            continue
        total += 1
        if ch in common or "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff5e":
            good += 1
    return good / total if total else 0.0


def text_from_plain(data: bytes) -> Decoded:
    """A .txt/.md file: decoded, binary junk refused, line breaks made \\n."""
    decoded = decode_text(data)
    if control_share(decoded.text) > 0.05:
        raise ReadFailure("error", "binary data, not text (too many control characters)")
    return Decoded(_unix_newlines(decoded.text), decoded.encoding, decoded.note)


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")     # not \t \n \f \r


def control_share(text: str) -> float:
    """Share of control characters other than line breaks and tabs (binary junk is full of them)."""
    sample = text[:20000]
    if not sample:
        return 0.0
    return len(_CONTROL_CHARS.findall(sample)) / len(sample)


def _unix_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------- .docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# containers whose children are read as if they stood in the parent
_DOCX_WRAPPERS = {_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins", _W + "smartTag",
                  _W + "moveTo", _W + "hyperlink"}
CELL_SEPARATOR = "\t"     # between the cells of a table row, one row per line


def text_from_docx(data: bytes, member_cap: int | None = None) -> Decoded:
    """Paragraphs and table rows of word/document.xml in document order, one per line.

    Table rows become one line with the cells joined by a tab; a cell's own paragraphs
    are joined by a space. Text boxes follow the paragraph that anchors them; deleted
    revisions, field codes and the fallback copies of drawings are skipped.
    """
    import zipfile

    cap = member_cap or MAX_MEMBER_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = read_zip_member(archive, "word/document.xml", cap)
            # list numbering (一、 1. （一） typed by Word, not by the author) lives apart
            numbering, styles = (read_zip_member(archive, name, cap)
                                 if name in archive.namelist() else None
                                 for name in ("word/numbering.xml", "word/styles.xml"))
    except zipfile.BadZipFile:
        raise ReadFailure("error", "not a valid .docx (bad zip file)") from None
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError) as exc:
        raise ReadFailure("error", f"not a valid .docx ({exc})") from None
    root = parse_xml_safely(xml, "word/document.xml")
    body = root.find(_W + "body")
    if body is None:
        raise ReadFailure("error", "not a valid .docx (word/document.xml has no body)")
    labels = ListLabels(parse_xml_safely(numbering, "word/numbering.xml") if numbering else None,
                        parse_xml_safely(styles, "word/styles.xml") if styles else None)
    try:
        return Decoded("\n".join(_docx_blocks(body, labels)), None)
    except RecursionError:
        raise ReadFailure("error", "not a valid .docx (tables nested too deep: crafted file?)") from None


def read_zip_member(archive: zipfile.ZipFile, name: str, cap: int) -> bytes:
    """The member's bytes, refusing more than `cap` whatever its header says."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ReadFailure("error", f"not a valid .docx (no {name} inside)") from None
    if info.file_size > cap:
        raise ReadFailure("error", f"not a valid .docx ({name} would unpack to {_mb(info.file_size)}, "
                                   f"over the {_mb(cap)} limit: zip bomb?)")
    with archive.open(info) as member:
        content = member.read(cap + 1)      # a lying header cannot make this read more
    if len(content) > cap:
        raise ReadFailure("error", f"not a valid .docx ({name} unpacks to over {_mb(cap)}: zip bomb?)")
    return content


def parse_xml_safely(xml: bytes, name: str) -> Element:
    """Parse XML with no DTD, no entity declarations and no external references."""
    import defusedxml
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        return fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise ReadFailure("error", f"not a valid .docx ({name} declares a DTD or entities, "
                                   f"refused for safety: {type(exc).__name__})") from None
    except ParseError as exc:
        raise ReadFailure("error", f"not a valid .docx ({name} is not well-formed XML: {exc})") from None


def _docx_blocks(container: Element, labels: ListLabels) -> Iterator[str]:
    for el in container:
        if el.tag == _W + "p":
            text, boxes = _paragraph(el)
            yield labels.label(el) + text if text.strip() else text
            for box in boxes:
                yield from _docx_blocks(box, labels)
        elif el.tag == _W + "tbl":
            yield from _table_rows(el, labels)
        elif el.tag in _DOCX_WRAPPERS:
            yield from _docx_blocks(el, labels)


def _paragraph(p: Element) -> tuple[str, list[Element]]:
    """The paragraph's text and the text boxes anchored in it."""
    parts: list[str] = []
    boxes: list[Element] = []
    stack = [iter(p)]
    while stack:     # explicit stack: a crafted file cannot exhaust Python's recursion
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
            continue
        tag = el.tag
        if tag == _W + "t":
            parts.append(el.text or "")
        elif tag in (_W + "tab", _W + "ptab"):     # (tab stops sit in pPr, skipped below)
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif tag == _W + "noBreakHyphen":
            parts.append("-")
        elif tag == _W + "txbxContent":
            boxes.append(el)
        elif tag in (_MC_FALLBACK, _W + "del", _W + "moveFrom", _W + "instrText", _W + "delText",
                     _W + "pPr", _W + "rPr"):
            continue
        else:
            stack.append(iter(el))
    return "".join(parts), boxes


def _table_rows(tbl: Element, labels: ListLabels) -> Iterator[str]:
    for row in _children(tbl, _W + "tr"):
        cells = []
        for cell in _children(row, _W + "tc"):
            lines = [line for line in _docx_blocks(cell, labels) if line.strip()]
            cells.append(" ".join(line.replace(CELL_SEPARATOR, " ").replace("\n", " ") for line in lines))
        yield CELL_SEPARATOR.join(cells)


@dataclass(frozen=True, slots=True)
class _Level:
    fmt: str        # w:numFmt: decimal, chineseCounting, ideographTraditional …
    text: str       # w:lvlText: "%1、", "（%1）", "%1.%2" …
    start: int


class ListLabels:
    """The labels Word draws before numbered paragraphs (一、 （一） 1. ①), which are not
    in the paragraph's text but which section detection relies on.

    Counters are kept per list (w:numId) and level; a level restarts when a level above
    it advances. Bullets get no label.
    """

    def __init__(self, numbering: Element | None, styles: Element | None) -> None:
        self.levels: dict[str, dict[int, _Level]] = {}
        self.style_levels: dict[str, dict[str, int]] = {}   # numId -> style id -> level
        self.style_numbering: dict[str, tuple[str, int | None]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if numbering is not None:
            self._read_numbering(numbering)
        if styles is not None:
            self._read_styles(styles)

    def _read_numbering(self, root: Element) -> None:
        abstract: dict[str, dict[int, _Level]] = {}
        abstract_styles: dict[str, dict[str, int]] = {}
        for definition in root.iter(_W + "abstractNum"):
            levels = abstract.setdefault(_val(definition, "abstractNumId") or "", {})
            for lvl in definition.iter(_W + "lvl"):
                ilvl = _int(lvl.get(_W + "ilvl"), 0)
                levels[ilvl] = _Level(_child_val(lvl, "numFmt") or "decimal", _child_val(lvl, "lvlText") or "",
                                      _int(_child_val(lvl, "start"), 1))
                style = _child_val(lvl, "pStyle")
                if style:
                    abstract_styles.setdefault(_val(definition, "abstractNumId") or "", {})[style] = ilvl
        for num in root.iter(_W + "num"):
            num_id = _val(num, "numId") or ""
            abstract_id = _child_val(num, "abstractNumId") or ""
            levels = dict(abstract.get(abstract_id, {}))
            for override in num.iter(_W + "lvlOverride"):
                ilvl = _int(override.get(_W + "ilvl"), 0)
                start = _child_val(override, "startOverride")
                if start is not None and ilvl in levels:
                    levels[ilvl] = _Level(levels[ilvl].fmt, levels[ilvl].text, _int(start, 1))
            self.levels[num_id] = levels
            self.style_levels[num_id] = abstract_styles.get(abstract_id, {})

    def _read_styles(self, root: Element) -> None:
        based_on: dict[str, str] = {}
        own: dict[str, tuple[str, int | None]] = {}
        for style in root.iter(_W + "style"):
            style_id = _val(style, "styleId") or ""
            parent = _child_val(style, "basedOn")
            if parent:
                based_on[style_id] = parent
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            if num_pr is not None and _child_val(num_pr, "numId") is not None:
                ilvl = _child_val(num_pr, "ilvl")
                own[style_id] = (_child_val(num_pr, "numId") or "", None if ilvl is None else _int(ilvl, 0))
        for style_id in {*own, *based_on}:
            seen, current = set(), style_id
            while current not in own and current in based_on and current not in seen:
                seen.add(current)
                current = based_on[current]
            if current in own:
                self.style_numbering[style_id] = own[current]

    def label(self, p: Element) -> str:
        """The label of paragraph `p`, advancing its list's counter; "" when not numbered."""
        if not self.levels:
            return ""
        num_pr = p.find(f"{_W}pPr/{_W}numPr")
        style = p.find(f"{_W}pPr/{_W}pStyle")
        style_id = _val(style, "val") if style is not None else None
        num_id, ilvl = None, None
        if num_pr is not None:
            num_id, ilvl_text = _child_val(num_pr, "numId"), _child_val(num_pr, "ilvl")
            ilvl = None if ilvl_text is None else _int(ilvl_text, 0)
        if num_id is None and style_id in self.style_numbering:
            num_id, ilvl = self.style_numbering[style_id]
        if num_id is None or num_id == "0" or num_id not in self.levels:
            return ""
        if ilvl is None:
            ilvl = self.style_levels.get(num_id, {}).get(style_id or "", 0)
        levels = self.levels[num_id]
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        level = levels[ilvl]
        if level.fmt in ("bullet", "none"):
            return ""

        def number(match: regex.Match[str]) -> str:
            k = int(match.group(1)) - 1
            ref = levels.get(k)
            value = counters.get(k, ref.start if ref else 1)
            return format_list_number(value, ref.fmt if ref else "decimal")

        return regex.sub(r"%([1-9])", number, level.text)


_CHINESE_DIGITS = "〇一二三四五六七八九"
_CHINESE_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


def format_list_number(n: int, fmt: str) -> str:
    """A list counter in a Word number format.

    >>> [format_list_number(n, "chineseCounting") for n in (1, 10, 12, 20, 35, 100)]
    ['一', '十', '十二', '二十', '三十五', '一百']
    >>> format_list_number(3, "ideographTraditional"), format_list_number(2, "decimalEnclosedCircle")
    ('丙', '②')
    """
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand"):
        return _chinese_number(n, _CHINESE_DIGITS)
    if fmt == "chineseLegalSimplified":
        return _chinese_number(n, _CHINESE_LEGAL).replace("十", "拾").replace("百", "佰")
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return _STEMS[n - 1]
    if fmt == "ideographZodiac" and 1 <= n <= 12:
        return _BRANCHES[n - 1]
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt.startswith("decimalFullWidth"):
        return str(n).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt in ("lowerLetter", "upperLetter") and n >= 1:
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and 1 <= n < 4000:
        roman = _roman(n)
        return roman.lower() if fmt == "lowerRoman" else roman
    return str(n)


def _chinese_number(n: int, digits: str) -> str:
    if not 0 < n < 10000:
        return str(n)
    out = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:       # 十二, not 一十二; but 一百一十
            out += ("" if (unit == "十" and d == 1 and not out) else digits[d]) + unit
        elif out and n and not out.endswith(digits[0]):
            out += digits[0]    # one zero for a gap: 一百〇五
    return out


def _roman(n: int) -> str:
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out += numeral * count
    return out


def _val(el: Element, attribute: str) -> str | None:
    return el.get(_W + attribute)


def _child_val(el: Element, child: str) -> str | None:
    found = el.find(_W + child)
    return None if found is None else found.get(_W + "val")


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _children(el: Element, tag: str) -> Iterator[Element]:
    """Children with `tag`, also those wrapped in content controls or custom XML."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in _DOCX_WRAPPERS:
            yield from _children(child, tag)


# ---------------------------------------------------------------- .pdf

# The patterns of one format are compiled on its first document (`regex` parses a pattern in
# Python: the six of PDF and HTML cost every run 20 ms at import, though most read text only).
@cache
def _page_number() -> regex.Pattern[str]:
    return regex.compile(r"^\s*(?:[-—–]\s*\d{1,4}\s*[-—–]"                         # - 12 -
                         r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"   # 第3页，共9页
                         r"|\d{1,4}(?:\s*/\s*\d{1,4})?)\s*$")                        # 3 or 3/9


_SENTENCE_END = set("。！？；：!?;:…")


def text_from_pdf(data: bytes) -> Decoded:
    """The text layer, page by page, with the layout's line wraps undone (see `unwrap_lines`)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReadFailure("error", "encrypted PDF (a password is needed to read it)") from None
        raise ReadFailure("error", f"not a valid PDF ({exc})") from None
    try:
        if len(pdf) == 0:
            raise ReadFailure("error", "not a valid PDF (no pages)")
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                pages.append(textpage.get_text_range())
            finally:
                textpage.close()
                page.close()
    finally:
        pdf.close()
    lines: list[str] = []
    for page_text in pages:
        page_lines = _unix_newlines(page_text.replace("\x02", "").replace("\ufffe", "")).split("\n")
        lines.extend(line for line in page_lines if not _page_number().match(line))
    text = "\n".join(unwrap_lines(lines))
    if not text.strip():
        raise ReadFailure("no_text", f"the PDF has no text layer ({len(pages)} pages of images?): OCR is needed")
    return Decoded(text, None)


def unwrap_lines(lines: list[str]) -> list[str]:
    """Join the lines a PDF's layout wrapped, so a sentence stays one line.

    A line as wide as the page's body text (at least 85% of its widest lines) that does
    not end a sentence continues on the next line; shorter lines end a paragraph or are
    headings, and keep their line break. Widths count a CJK character as two.

    >>> unwrap_lines(["一、重点项目", "滨江大桥项目总投资3.2", "亿元，目前已经竣工。",
    ...               "城北物流园项目总投资", "5.8亿元。"])
    ['一、重点项目', '滨江大桥项目总投资3.2亿元，目前已经竣工。', '城北物流园项目总投资5.8亿元。']
    """
    widths = sorted(display_width(line.strip()) for line in lines if line.strip())
    if not widths:
        return lines
    body_width = widths[int(0.9 * (len(widths) - 1))]
    out: list[str] = []
    joining = False
    for line in lines:
        stripped = line.strip()
        if joining and out and stripped:
            out[-1] = out[-1] + (" " if _needs_space(out[-1], stripped) else "") + stripped
        else:
            out.append(line.rstrip())
        joining = bool(stripped) and display_width(stripped) >= 0.85 * body_width \
            and stripped[-1] not in _SENTENCE_END and len(widths) > 2
    return out


def display_width(text: str) -> int:
    """Columns `text` takes in a fixed-width layout (a PDF's or a ledger's): two for a wide
    character (Han, a full-width form, 　), one for any other."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _needs_space(left: str, right: str) -> bool:
    """Latin words wrapped across lines need a space back; CJK text does not."""
    return left[-1].isascii() and left[-1].isalpha() and right[0].isascii() and right[0].isalpha()


# ---------------------------------------------------------------- .html

@cache
def _declared_charset() -> regex.Pattern[bytes]:
    return regex.compile(rb"""<meta[^>]{0,400}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]{2,40})"""
                         rb"""|<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_:.\-]{2,40})""",
                         regex.IGNORECASE)


_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "hz"}
_DROPPED_TAGS = ("head, script, style, noscript, template, svg, math, iframe, object, embed, canvas,"
                 " nav, aside, [hidden], [role=navigation], [role=banner], [role=contentinfo],"
                 " [aria-hidden=true]")
_BLOCK_TAGS = {"address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
               "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure",
               "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
               "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
               "tbody", "thead", "tfoot", "tr", "ul", "option", "legend", "title"}
_CELL_TAGS = {"td", "th"}
MAX_HTML_DEPTH = 3000


@cache
def _html_tag() -> regex.Pattern[str]:
    return regex.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")


_NOT_NESTING = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                "source", "track", "wbr", "p", "li", "dt", "dd", "td", "th", "tr", "tbody", "thead",
                "tfoot", "option", "optgroup", "colgroup", "caption", "rb", "rt", "rp", "html", "head",
                "body"}
_CJK = r"\p{Han}\p{Block=CJK_Symbols_And_Punctuation}\p{Block=Halfwidth_And_Fullwidth_Forms}"
_WRAP = "\x00"     # placeholder for source white space with a line break (NULs are not text)


@cache
def _html_space() -> regex.Pattern[str]:
    return regex.compile(r"[ \t\n\r\f]+")


@cache
def _html_wrap() -> regex.Pattern[str]:
    return regex.compile(r"[ \t\r\f]*\n[ \t\n\r\f]*")


@cache
def _wrap_between_cjk() -> regex.Pattern[str]:
    return regex.compile(rf"(?<=[{_CJK}]){_WRAP}+(?=[{_CJK}])")


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in <meta charset>, http-equiv or <?xml encoding>, as a
    Python codec name (GB2312 and GBK read as their superset GB18030)."""
    m = _declared_charset().search(data[:8192])
    if not m:
        return None
    label = (m.group(1) or m.group(2)).decode("ascii").lower()
    if label in _GB_FAMILY or label.replace("-", "") in _GB_FAMILY or label == "x-gbk":
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def text_from_html(data: bytes) -> Decoded:
    """Visible text: scripts, styles, navigation, page header/footer and hidden parts
    dropped; block elements and <br> end lines, table cells are joined by a tab."""
    from selectolax.lexbor import LexborHTMLParser

    decoded = _decode_html(data)
    depth = html_nesting_depth(decoded.text)
    if depth > MAX_HTML_DEPTH:
        raise ReadFailure("error", f"HTML nested {depth} levels deep, over the {MAX_HTML_DEPTH} limit "
                                   "(refused: parsing time grows with the square of the depth; "
                                   "crafted or broken page?)")
    tree = LexborHTMLParser(decoded.text)
    for node in tree.css(_DROPPED_TAGS):
        node.decompose()
    for node in tree.css("header, footer"):
        if not _inside_content(node):     # an article's own header holds its title: keep it
            node.decompose()
    root = tree.body or tree.root
    text = _visible_text(root) if root is not None else ""
    return Decoded(text, decoded.encoding, decoded.note)


def html_nesting_depth(html: str) -> int:
    """The deepest nesting of elements that need a closing tag, counted from the tags alone.

    HTML parsers take time quadratic in the nesting depth (100,000 nested <div> take lexbor
    13 s), so a page nested deeper than any real one is refused before parsing. Void
    elements and those whose end tag may be left out (p, li, td …) are not counted.

    >>> html_nesting_depth("<div><p>a<br><div>b</div></div><div></div>")
    2
    """
    depth = deepest = 0
    for match in _html_tag().finditer(html):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _NOT_NESTING or self_closing:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def _decode_html(data: bytes) -> Decoded:
    """The BOM, else the declared charset when the bytes bear it out, else detection.

    A declaration is checked, not trusted: pages are often saved in another encoding than
    they declare (iso-8859-1 over GBK bytes, utf-16 over UTF-8), and any byte string
    decodes as a single-byte charset. Valid UTF-8 with non-ASCII bytes and no NULs is
    UTF-8 whatever is declared (legacy text is almost never valid UTF-8 by chance); a
    declared reading with few common Chinese characters loses to a detected one with many.
    """
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data)
    declared = declared_charset(data)
    if declared is None:
        return decode_text(data)
    try:
        text = data.decode(declared)
    except (UnicodeDecodeError, LookupError):
        return decode_text(data)      # pages often declare one charset and use another
    if declared == "utf-8" or data.isascii():
        return Decoded(text, declared)
    if b"\x00" not in data:
        try:
            return Decoded(data.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            pass
    declared_share = common_cjk_share(text[:_SCORE_SAMPLE])
    if declared_share >= _PLAUSIBLE_CJK_SHARE:
        return Decoded(text, declared)
    try:
        detected = decode_text(data)
    except ReadFailure:
        return Decoded(text, declared)
    if common_cjk_share(detected.text[:_SCORE_SAMPLE]) >= max(_PLAUSIBLE_CJK_SHARE, declared_share + 0.3):
        return detected
    return Decoded(text, declared)


_PLAUSIBLE_CJK_SHARE = 0.5     # a Chinese page read right has mostly common characters


def _inside_content(node: object) -> bool:
    parent = getattr(node, "parent", None)
    while parent is not None:
        if parent.tag in ("article", "main", "section"):
            return True
        parent = parent.parent
    return False


def _visible_text(root: object) -> str:
    pieces: list[str] = []
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:      # explicit stack: deeply nested pages cannot exhaust recursion
        node, closing = stack.pop()
        tag = node.tag  # type: ignore[attr-defined]
        if closing:
            pieces.append("\n" if tag in _BLOCK_TAGS else "\t")
            continue
        if tag == "-text":
            pieces.append(_collapse_space(node.text_content or ""))  # type: ignore[attr-defined]
        elif tag == "br":
            pieces.append("\n")
        elif not tag.startswith("-"):     # comments, doctype
            if tag in _BLOCK_TAGS:
                pieces.append("\n")
            if tag in _BLOCK_TAGS or tag in _CELL_TAGS:
                stack.append((node, True))
            children = list(node.iter(include_text=True))  # type: ignore[attr-defined]
            stack.extend((child, False) for child in reversed(children))
    return _tidy_lines("".join(pieces))


def _collapse_space(text: str) -> str:
    """Runs of HTML white space become one space, or _WRAP when they hold a line break
    (decided once the text around them is known, since the neighbours may be other nodes)."""
    text = _html_wrap().sub(_WRAP, text.replace(_WRAP, ""))
    return _html_space().sub(" ", text)


def _tidy_lines(text: str) -> str:
    # a line wrap in the source between two Chinese characters is no space (CSS does the same)
    text = _wrap_between_cjk().sub("", text).replace(_WRAP, " ")
    lines = []
    for line in text.split("\n"):
        line = regex.sub(r" *\t[ \t]*", "\t", regex.sub(r" {2,}", " ", line)).strip(" \t")
        if line:
            lines.append(line)
    return "\n".join(lines)


# ---------------------------------------------------------------- LibreOffice

def libreoffice() -> str | None:
    """The LibreOffice executable on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def text_via_libreoffice(data: bytes, suffix: str, timeout: float = LIBREOFFICE_TIMEOUT_S) -> Decoded:
    """Convert with `soffice --headless --convert-to txt` in a temporary folder."""
    from pipeline.batch.pool import child_session

    exe = libreoffice()
    if exe is None:
        raise ReadFailure("unsupported", f"format '{suffix or 'none'}' needs LibreOffice: "
                                         "install LibreOffice to read .doc/.wps/.rtf/.odt files")
    with tempfile.TemporaryDirectory(prefix="keyproj-lo-") as tmp:
        # a plain ASCII input name: LibreOffice names its output after the input
        source = Path(tmp) / f"input{suffix if suffix.isascii() else ''}"
        source.write_bytes(data)
        outdir = Path(tmp) / "out"
        # a private profile: a user's running LibreOffice or another conversion cannot lock it
        profile = (Path(tmp) / "profile").as_uri()
        command = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--nologo", "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(outdir),
                   str(source)]
        # soffice forks: it gets a session of its own so that its whole group can be
        # killed, here when it overruns, and by the worker pool when it kills this worker
        # for overrunning the document's time budget (child_session)
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
        with child_session(proc.pid):
            try:
                _, stderr = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
                raise ReadFailure("error", f"LibreOffice did not finish within {timeout:.0f} s") from None
            finally:
                # a converter that exits may leave a forked helper behind in its session
                with contextlib.suppress(OSError):
                    os.killpg(proc.pid, signal.SIGKILL)
        converted = outdir / "input.txt"
        if not converted.exists():
            detail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise ReadFailure("error", f"LibreOffice could not convert the file ({detail[0][:200]})")
        text = text_from_plain(converted.read_bytes()).text
    if text.count("\ufffd") > 0.05 * len(text):      # LibreOffice imports junk as text
        raise ReadFailure("error", "LibreOffice could not make sense of the file (binary junk?)")
    return Decoded(text, None)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"
