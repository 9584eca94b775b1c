"""Reading documents from files and folders.

Only plain text and Markdown are read here; other formats come in a later stage of the
project. Each file yields a `SourceDocument`, with a status instead of an exception when
it cannot be read, so one bad file never stops a batch.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import regex

TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown"}
_ENCODINGS = ("utf-8-sig", "gb18030")
_YEAR = regex.compile(r"(?<![0-9])((?:19|20)[0-9]{2})\s*年")


@dataclass(frozen=True, slots=True)
class SourceDocument:
    doc_id: str
    path: str           # relative to the input root it was found under
    format: str
    encoding: str | None
    text: str
    status: str         # ok, empty, error, unsupported
    error: str | None


def doc_id_for(path: str) -> str:
    """A stable short id derived from the relative path."""
    return hashlib.sha1(path.encode("utf-8")).hexdigest()[:12]


def discover(inputs: list[Path]) -> list[tuple[Path, str]]:
    """(absolute path, path relative to its input root) for every file, sorted, recursive."""
    found: list[tuple[Path, str]] = []
    for root in inputs:
        if root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink()):
                if path.name.startswith(".") or path.name.lower() == "readme.md":
                    continue
                found.append((path, path.relative_to(root).as_posix()))
        else:
            found.append((root, root.name))
    return found


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes with the first encoding that fits; raise UnicodeDecodeError if none."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    last: UnicodeDecodeError | None = None
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding), encoding.replace("-sig", "")
        except UnicodeDecodeError as exc:
            last = exc
    assert last is not None
    raise last


def read_document(path: Path, rel: str) -> SourceDocument:
    """Read one file into a `SourceDocument` (never raises for a bad file)."""
    suffix = path.suffix.lower()
    doc_id = doc_id_for(rel)
    fmt = suffix.lstrip(".") or "none"
    if suffix not in TEXT_SUFFIXES:
        return SourceDocument(doc_id, rel, fmt, None, "", "unsupported",
                              f"format '{suffix or 'none'}' is not supported yet (only .txt and .md)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return SourceDocument(doc_id, rel, fmt, None, "", "error", f"cannot read file: {exc}")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return SourceDocument(doc_id, rel, fmt, None, "", "error", "binary data, not text (NUL bytes)")
    try:
        text, encoding = decode(data)
    except UnicodeDecodeError as exc:
        return SourceDocument(doc_id, rel, fmt, None, "", "error", f"cannot decode text: {exc}")
    if _control_ratio(text) > 0.05:
        return SourceDocument(doc_id, rel, fmt, encoding, "", "error",
                              "binary data, not text (too many control characters)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return SourceDocument(doc_id, rel, fmt, encoding, text, "empty", "the file has no text")
    return SourceDocument(doc_id, rel, fmt, encoding, text, "ok", None)


def _control_ratio(text: str) -> float:
    """Share of control characters other than line breaks and tabs (binary junk is full of them)."""
    sample = text[:20000]
    if not sample:
        return 0.0
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t" or 0x7f <= ord(ch) < 0xa0)
    return controls / len(sample)


def document_title(text: str) -> str | None:
    """The first non-empty line, as the report's title."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:120]
    return None


def document_year(text: str) -> int | None:
    """The first four-digit year in the title or opening (masked years such as 20xx stay None)."""
    m = _YEAR.search(text[:600])
    return int(m.group(1)) if m else None
