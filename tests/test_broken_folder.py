"""A generated folder with every kind of bad input, run as one batch.

Each bad file gets its own row with the expected status; the batch finishes; and the good
files' facts are exactly those they have when run on their own (nothing lost, nothing
mixed in).
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from test_read_bad_input import billion_laughs, docx_with, good_docx, lying_zip_bomb

import pipeline.run as run_module

from conftest import raw_reports

FACT_TABLES = ("sections", "quantities", "projects", "statuses")
MAX_BYTES = 8 * 1024 * 1024
TIME_BUDGET = 20.0


def zip_bomb() -> bytes:
    """An honest header: 300 MB of spaces that deflate to a few hundred KB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1 << 20)
            for _ in range(300):
                member.write(chunk)
    return buffer.getvalue()


# file name -> (bytes, expected status, words the message must contain)
BAD: dict[str, tuple[bytes, str, str]] = {
    "empty.txt": (b"", "empty", "no text"),
    "junk.txt": (bytes(range(256)) * 64, "error", "binary"),
    "truncated.docx": (good_docx()[:200], "error", "bad zip"),
    "bomb.docx": (zip_bomb(), "error", ""),
    "lying_bomb.docx": (lying_zip_bomb(), "error", ""),
    "laughs.docx": (docx_with(billion_laughs()), "error", "entities"),
    "huge.txt": ("城南大道工程总投资3亿元。".encode() * (MAX_BYTES // 30 + 10), "too_large", "MB"),
    "scan.jpg": (b"\xff\xd8\xff\xe0" + bytes(100), "unsupported", "not supported"),
}


def good_files(folder: Path) -> list[str]:
    names = []
    for i, sample in enumerate(raw_reports()):
        # odd names: spaces, Chinese characters
        name = [f"report {i}.txt", f"重点项目_{i}.txt", f"{i}.md", f"r{i}.txt"][i % 4]
        (folder / name).write_text(sample.read_text(encoding="utf-8"), encoding="utf-8")
        names.append(name)
    return names


def facts_by_path(out: Path) -> dict[str, dict[str, list]]:
    docs = pq.read_table(out / "documents.parquet").to_pylist()
    path_of = {d["doc_id"]: d["path"] for d in docs}
    facts: dict[str, dict[str, list]] = {}
    # rows per (path, table); doc_id dropped because it is derived from the path
    for table in FACT_TABLES:
        for row in pq.read_table(out / f"{table}.parquet").to_pylist():
            path = path_of[row.pop("doc_id")]
            facts.setdefault(path, {}).setdefault(table, []).append(row)
    return facts


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("broken")
    folder = root / "in"
    folder.mkdir()
    good = good_files(folder)
    for name, (data, _, _) in BAD.items():
        (folder / name).write_bytes(data)
    (folder / "zz copy of r3.txt").write_bytes((folder / good[3]).read_bytes())       # duplicate
    os.symlink(folder / "gone.txt", folder / "dangling.txt")                        # broken symlink
    os.mkdir(folder / "deep")
    (folder / "deep" / "no punctuation.txt").write_text("项目建设推进工程" * 125_000, encoding="utf-8")
    (folder / "deep" / "digits.txt").write_text("总投资" + "7" * 100_000 + "万元", encoding="utf-8")
    undecodable = os.fsencode(folder) + b"/bad\xb1\xa8name.txt"
    with open(undecodable, "wb") as fh:
        fh.write(raw_reports()[0].read_bytes() + "\n附：城东大道工程已竣工。\n".encode())
    (folder / "vanishing.txt").write_text("城北大道工程已竣工。", encoding="utf-8")

    # the file is found, then deleted before it is read
    real_discover = run_module.discover

    def discover_then_delete(inputs):  # type: ignore[no-untyped-def]
        found = real_discover(inputs)
        (folder / "vanishing.txt").unlink()
        return found

    mp = pytest.MonkeyPatch()
    mp.setattr(run_module, "discover", discover_then_delete)
    started = time.monotonic()
    try:
        summary = run_module.run([folder], root / "out", jobs=2, max_bytes=MAX_BYTES,
                                 time_budget=TIME_BUDGET)
    finally:
        mp.undo()
    seconds = time.monotonic() - started

    alone = root / "alone"
    alone.mkdir()
    good_files(alone)
    run_module.run([alone], root / "alone_out", jobs=0)
    return summary, root / "out", root / "alone_out", good, seconds


def documents(out: Path) -> dict[str, dict]:
    return {d["path"]: d for d in pq.read_table(out / "documents.parquet").to_pylist()}


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_file_has_its_row(broken_run, name: str) -> None:  # type: ignore[no-untyped-def]
    _, out, _, _, _ = broken_run
    _, status, words = BAD[name]
    row = documents(out)[name]
    assert row["status"] == status, row["error"]
    assert words in (row["error"] or "")


def test_links_names_duplicates_and_vanished_files(broken_run) -> None:  # type: ignore[no-untyped-def]
    summary, out, _, good, _ = broken_run
    docs = documents(out)
    assert docs["dangling.txt"]["status"] == "error" and "symbolic link" in docs["dangling.txt"]["error"]
    assert docs["vanishing.txt"]["status"] == "error" and "not found" in docs["vanishing.txt"]["error"]
    copy = docs["zz copy of r3.txt"]
    assert copy["status"] == "duplicate" and copy["duplicate_of"] == docs[good[3]]["doc_id"]
    assert docs["bad\\xb1\\xa8name.txt"]["status"] == "ok"
    failed = {path for path, _, _ in summary.failed} - {"deep/no punctuation.txt", "deep/digits.txt"}
    assert failed == set(BAD) | {"dangling.txt", "vanishing.txt"}


def test_pathological_text_ends_within_the_budget(broken_run) -> None:  # type: ignore[no-untyped-def]
    _, out, _, _, seconds = broken_run
    docs = documents(out)
    for name in ("deep/no punctuation.txt", "deep/digits.txt"):
        row = docs[name]
        assert row["status"] == "ok" or "time budget" in (row["error"] or ""), row["error"]
    assert seconds < 10 * TIME_BUDGET


def test_good_files_lose_nothing(broken_run) -> None:  # type: ignore[no-untyped-def]
    _, out, alone_out, good, _ = broken_run
    together, alone = facts_by_path(out), facts_by_path(alone_out)
    for name in good:
        for table in FACT_TABLES:
            assert together[name].get(table) == alone[name].get(table), (name, table)
    assert documents(out)[good[0]]["text"] == documents(alone_out)[good[0]]["text"]
