"""Reading documents from files and folders.

Every file found yields a `SourceDocument`: its text when it can be read, else a status
and a message saying why not, so one bad file never stops a batch (no exception leaves
`read_document`). The per-format decoders are in `formats.py`.

Statuses: ok; empty (no text); error (unreadable, corrupt, binary, unsafe); unsupported
(a format keyproj cannot read here, e.g. .doc without LibreOffice); no_text (a PDF with
no text layer: OCR is needed); too_large (over `max_bytes`, checked before reading).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pipeline import settings
from pipeline.io import formats
from pipeline.io.formats import Decoded, ReadFailure

TEXT_SUFFIXES = formats.TEXT_SUFFIXES
DEFAULT_MAX_BYTES = settings.MAX_BYTES
_NOT_REGULAR = "not a regular file (a pipe, socket or device)"


@dataclass(frozen=True, slots=True)
class SourceDocument:
    doc_id: str
    path: str           # relative to the input root it was found under; always valid UTF-8
    format: str         # what the bytes were read as: txt, md, docx, pdf, html, doc … (see `_reader_for`)
    encoding: str | None  # text encoding of .txt/.md/.html (formats.decode_text); None otherwise
    text: str
    status: str         # ok, empty, error, unsupported, no_text, too_large
    error: str | None
    content_hash: str | None = None   # sha256 hex of the raw file bytes; None when unread
    size: int | None = None           # file size in bytes; None when it cannot be known
    # the text is the file's bytes decoded as UTF-8, nothing changed (no byte-order mark, line
    # break, NUL or broken tail): those bytes, read again, are its UTF-8 (`read_again`)
    utf8_file: bool = False


def doc_id_for(path: str) -> str:
    """A stable short id derived from the relative path."""
    return hashlib.sha1(path.encode("utf-8")).hexdigest()[:12]


def printable_path(rel: str) -> str:
    """`rel` as valid UTF-8: bytes of the file name that are not UTF-8 (which Python keeps
    as lone surrogates, 'surrogateescape') are written as \\xNN, because Parquet strings
    and doc ids must be UTF-8. Other names come back unchanged.

    >>> printable_path("report\\udcb1\\udca8.txt")
    'report\\\\xb1\\\\xa8.txt'
    """
    try:
        return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:      # a surrogate that did not come from a file name
        return rel.encode("utf-8", "backslashreplace").decode("utf-8")


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def shown(text: str) -> str:
    """`text` (a file name, a message naming one) as one line that is safe on a terminal and
    in the log: control characters written as escapes, so a file named with a line break
    cannot split a summary line and one named with ESC [2J cannot clear the screen. Only for
    display: the tables keep the name as it is.

    >>> shown("new\\nline \\x1b[2Jred.txt"), shown("城南 大道\u3000.txt")
    ('new\\\\nline \\\\x1b[2Jred.txt', '城南 大道\u3000.txt')
    """
    return _CONTROL_CHARACTERS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def discover(inputs: list[Path], skip: Sequence[Path] = ()) -> list[tuple[Path, str]]:
    """(path, path relative to its input root) for every file, recursive, sorted per root.

    Hidden files and folders, README.md and Office lock files (~$…) are skipped, and so is
    every folder in `skip` (a run's own OUT, when it lies inside an input: its tables are
    outputs, never inputs). Broken symbolic links and folders that cannot be listed are
    listed too, so that reading them gives an error row; symbolic links to folders are
    followed once (no loops). There is no depth limit: every file found is listed.
    """
    skipped = {_identity(p) for p in skip} - {None}
    found: list[tuple[Path, str]] = []
    for root, prefix in zip(inputs, _root_prefixes(inputs)):
        if root.is_dir():
            if _identity(root) in skipped:
                continue
            entries = _walk(root, skipped)
            found.extend((path, prefix + rel) for path, rel in sorted(entries, key=lambda entry: entry[1].split("/")))
        else:
            found.append((root, prefix + printable_path(root.name)))
    return found


def _root_prefixes(inputs: list[Path]) -> list[str]:
    """What each input adds before its files' relative paths. One input adds nothing (a
    folder's files are named from inside it, a file by its name). Several inputs are named
    from the folder they share, so that in/a/r.txt and in/b/r.txt given as in/a and in/b
    stay a/r.txt and b/r.txt rather than two rows called r.txt.

    >>> _root_prefixes([Path("x/r.txt"), Path("y/r.txt")])      # two files (not folders)
    ['x/', 'y/']
    """
    if len(inputs) < 2:
        return [""] * len(inputs)
    paths = [os.path.abspath(root) for root in inputs]
    try:
        shared = os.path.commonpath([os.path.dirname(path) for path in paths])
    except ValueError:      # no common folder (Windows drives): keep the names as given
        return [""] * len(inputs)
    # a folder's files are named from the shared folder through it; a file's name follows
    inside = (os.path.relpath(path if root.is_dir() else os.path.dirname(path), shared)
              for root, path in zip(inputs, paths))
    return ["" if rel == "." else printable_path(Path(rel).as_posix() + "/") for rel in inside]


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of a folder, the same for every path that leads to it; None if absent."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _walk(root: Path, skipped: set[tuple[int, int] | None]) -> list[tuple[Path, str]]:
    """Every file under `root`, walked with a stack of its own rather than by recursion, so
    that a tree of any depth is walked whole (Python's recursion limit would end it)."""
    out: list[tuple[Path, str]] = []
    visited = set(skipped)      # a skipped folder is treated as walked already
    stack: list[tuple[Path, str]] = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in visited:
                continue    # a symbolic link back to a folder already walked, or a skipped one
            visited.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as scan:
                children = list(scan)
        except OSError:     # the unreadable folder becomes an error row
            out.append((folder, printable_path(prefix.rstrip("/") or folder.name)))
            continue
        for entry in children:
            name = entry.name
            if name.startswith((".", "~$")) or name.lower() == "readme.md":
                continue
            path = Path(entry.path)
            rel = prefix + name
            try:
                is_dir = entry.is_dir()     # follows symbolic links; a broken one is not a folder
            except OSError:
                is_dir = False
            if is_dir:
                stack.append((path, rel + "/"))
            else:
                out.append((path, printable_path(rel)))
    return out


def read_document(path: Path, rel: str, *, max_bytes: int = DEFAULT_MAX_BYTES,
                  doc_id: str | None = None) -> SourceDocument:
    """Read one file into a `SourceDocument` (never raises for a bad file), whose id is
    `doc_id` (a batch run's, unique among its inputs), else made from `rel`."""
    rel = printable_path(rel)
    if doc_id is None:
        doc_id = doc_id_for(rel)
    suffix = _suffix(path)
    fmt = suffix.lstrip(".") or "none"

    def failed(status: str, message: str, digest: str | None = None, size: int | None = None,
               read_as: str = fmt) -> SourceDocument:
        return SourceDocument(doc_id, rel, read_as, None, "", status, message, digest, size)

    try:
        info = os.stat(path)
    except OSError as exc:
        return failed("error", _stat_error(path, exc))
    if stat.S_ISDIR(info.st_mode):
        return failed("error", _folder_error(path), read_as="folder")
    if not stat.S_ISREG(info.st_mode):
        return failed("error", _NOT_REGULAR)
    if info.st_size > max_bytes:
        return failed("too_large", f"the file is {_size(info.st_size)}, over the {_size(max_bytes)} limit",
                      size=info.st_size)
    try:
        data = _read_capped(path, max_bytes)
    except NotRegularFile:      # swapped for a pipe after the stat above
        return failed("error", _NOT_REGULAR)
    except OSError as exc:
        return failed("error", _stat_error(path, exc), size=info.st_size)
    size = len(data)
    if size > max_bytes:      # the file grew after the stat
        return failed("too_large", f"the file is over the {_size(max_bytes)} limit", size=size)
    digest = hashlib.sha256(data).hexdigest()
    if not data:
        return SourceDocument(doc_id, rel, fmt, None, "", "empty", "the file has no text (0 bytes)", digest, 0)
    read_as, reader = _reader_for(suffix, data)
    try:
        decoded = reader(data, suffix)
    except ReadFailure as failure:
        return failed(failure.status, failure.message, digest, size, read_as)
    except MemoryError:
        raise           # over a worker's memory limit: the worker pool reports it (pool.py)
    except Exception as exc:  # noqa: BLE001 - a parser bug on one file must not stop the batch
        return failed("error", f"cannot read {read_as}: {type(exc).__name__}: {exc}", digest, size, read_as)
    text = decoded.text.replace("\x00", "")
    if not text.strip():
        return SourceDocument(doc_id, rel, read_as, decoded.encoding, text, "empty", "the file has no text",
                              digest, size)
    # status ok; `error` notes what was repaired (a cut-off UTF-8 tail, NUL bytes dropped)
    utf8_file = reader is _plain and decoded.encoding == "utf-8" and decoded.note is None and b"\r" not in data
    return SourceDocument(doc_id, rel, read_as, decoded.encoding, text, "ok", decoded.note, digest, size,
                          utf8_file)


# A worker sends a big document's text to the writer as its file's bytes when the text is
# their UTF-8 (`SourceDocument.utf8_file`): the file checked unchanged, the text let go, then
# the bytes read again. Encoding the text instead held the text and its UTF-8 at once.

class FileChanged(OSError):
    """The file's bytes are no longer those that were read and extracted."""


def unchanged(path: Path, content_hash: str) -> bool:
    """Whether the file's bytes still have the SHA-256 `content_hash`, read in pieces small
    enough to come from the heap again and again (a piece of 1 MB was mapped anew each time,
    and raised a worker's peak)."""
    digest = hashlib.sha256()
    try:
        with open_regular(path) as handle:
            while piece := handle.read(64 * 1024):
                digest.update(piece)
    except OSError:
        return False
    return digest.hexdigest() == content_hash


def read_again(path: Path, size: int, content_hash: str) -> bytes:
    """The file's `size` bytes with the SHA-256 `content_hash`, read again (FileChanged if
    they are not)."""
    data = _read_capped(path, size)
    if len(data) != size or hashlib.sha256(data).hexdigest() != content_hash:
        raise FileChanged("the file changed while it was processed")
    return data


Reader = Callable[[bytes, str], Decoded]


def _reader_for(suffix: str, data: bytes) -> tuple[str, Reader]:
    """(format recorded, decoder) for a file: the extension decides for the formats read
    here; for other extensions and for none, the content decides where it can (a .doc
    that is really HTML or .docx, as web archives often have, is read as such)."""
    fmt = suffix.lstrip(".")
    if suffix in formats.TEXT_SUFFIXES:
        # text, unless its bytes open as a PDF, a .docx or an HTML page (a download or an
        # export saved under the wrong name): read as text, a PDF made a row of junk
        # characters with status ok and numbers read from its binary streams, a .docx an
        # error row, and a page its markup and scripts as prose
        return _read_by_content(formats.sniff(data)) or (fmt, _plain)
    if suffix in formats.DOCX_SUFFIXES:
        return fmt, _docx
    if suffix in formats.PDF_SUFFIXES:
        return fmt, _pdf
    if suffix in formats.HTML_SUFFIXES:
        return fmt, _html
    sniffed = formats.sniff(data)
    if (by_content := _read_by_content(sniffed)) is not None:
        return by_content
    if suffix in formats.NOT_DOCUMENTS:
        return fmt, _not_a_document
    if suffix:
        return fmt, _libreoffice
    if sniffed == "txt":
        return "txt", _plain
    if sniffed == "zip":
        return "zip", _not_a_document
    return {"ole": "doc"}.get(sniffed, sniffed), _libreoffice


def _read_by_content(sniffed: str) -> tuple[str, Reader] | None:
    """(format, decoder) for content that opens as a PDF, a .docx or an HTML page (`sniffed`,
    from formats.sniff), whatever the file's name says; None for any other content."""
    reader = {"pdf": _pdf, "docx": _docx, "html": _html}.get(sniffed)
    return None if reader is None else (sniffed, reader)


def _plain(data: bytes, suffix: str) -> Decoded:
    return formats.text_from_plain(data)


def _docx(data: bytes, suffix: str) -> Decoded:
    return formats.text_from_docx(data)


def _pdf(data: bytes, suffix: str) -> Decoded:
    return formats.text_from_pdf(data)


def _html(data: bytes, suffix: str) -> Decoded:
    return formats.text_from_html(data)


def _libreoffice(data: bytes, suffix: str) -> Decoded:
    return formats.text_via_libreoffice(data, suffix)


def _not_a_document(data: bytes, suffix: str) -> Decoded:
    kind = f"format '{suffix}'" if suffix else "a zip archive"
    raise ReadFailure("unsupported", f"{kind} is not supported (not a text document)")


class NotRegularFile(OSError):
    """The path is a pipe, socket or device: reading it could block forever."""


def open_regular(path: Path) -> BinaryIO:
    """Open `path` for reading only if it is a regular file.

    Opening a FIFO blocks until a writer appears, so the check cannot come first (the file
    could be swapped between a stat and an open): the path is opened without blocking and
    the open file itself is checked. Every place that reads an input file opens it here.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(errno.EINVAL, _NOT_REGULAR, str(path))
        os.set_blocking(fd, True)
        # unbuffered: every read goes to the file as asked (a buffered reader's set-up cost
        # a small file's read and hash about 15 us each, for a buffer neither uses)
        return os.fdopen(fd, "rb", buffering=0)
    except BaseException:
        os.close(fd)
        raise


def _read_capped(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, at most `max_bytes` + 1 (one more than the limit shows it is over).
    The first read asks for the size the open file has, plus one: asking for the limit
    (50 MB) made every small file's read allocate and free that much (0.3-0.5 ms each).
    A file that has grown since (or that tells no size, as some special files) is read on."""
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        data = _read_up_to(handle, min(size, max_bytes) + 1)
        if size < len(data) <= max_bytes:
            data += _read_up_to(handle, max_bytes + 1 - len(data))
        return data


def _read_up_to(handle: BinaryIO, n: int) -> bytes:
    """`n` bytes of `handle`, fewer only at its end: an unbuffered read may return less
    than it was asked for before the end (a network file system), so it reads on."""
    data = handle.read(n)
    while data and len(data) < n:
        more = handle.read(n - len(data))
        if not more:
            break
        data += more
    return data


def _stat_error(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        if os.path.islink(path):
            return f"broken symbolic link (its target {printable_path(os.readlink(path))} does not exist)"
        return "file not found (deleted or moved after it was listed?)"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot read file: permission denied"
    return f"cannot read file: {exc.strerror or exc}"


def _folder_error(path: Path) -> str:
    try:
        os.listdir(path)
    except OSError as exc:
        return f"cannot list folder: {exc.strerror or exc}"
    return "a folder, not a file"


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    return printable_path(suffix) if suffix[1:].isalnum() else ""


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"


def document_title(text: str) -> str | None:
    """The first non-empty line, as the report's title."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:120]
    return None
