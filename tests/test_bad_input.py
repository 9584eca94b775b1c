"""Bad input: every file gets a row with a clear status, and the batch goes on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT

GOOD = "城南大道工程总投资3亿元，目前已竣工通车。\n"

CASES = [
    # file name, bytes, expected status, words the error must contain
    ("empty.txt", b"", "empty", "no text"),
    ("blank.md", "  \n\u3000\n".encode(), "empty", "no text"),
    ("junk.txt", bytes(range(256)) * 8, "error", "binary"),
    ("controls.txt", ("\x01\x02\x03\x04abc" * 200).encode(), "error", "binary"),
    ("report.pdf", b"%PDF-1.4 not really", "error", "not a valid PDF"),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(64), "unsupported", "not supported"),
    ("noext", b"plain words", "ok", None),
    ("gbk.txt", "滨江大桥项目总投资1.2亿元。".encode("gbk"), "ok", None),
    ("utf16.txt", "滨江大桥项目总投资1.2亿元。".encode("utf-16"), "ok", None),
    ("bom.txt", "\ufeff滨江大桥项目总投资1.2亿元。".encode("utf-8"), "ok", None),
    # a name with a line break and a terminal escape (clear the screen): the table keeps it
    # as it is, the summary and the log show it escaped (test_names_are_shown_escaped)
    ("new\nline \x1b[2Jred.txt", bytes(range(256)) * 9, "error", "binary"),
]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("inbox")
    for name, data, _, _ in CASES:
        (folder / name).write_bytes(data)
    (folder / "sub dir 中文").mkdir()
    (folder / "sub dir 中文" / "good report.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    tables_out = out
    proc = subprocess.run([sys.executable, "-m", "pipeline", "run", str(folder), "--out", str(out)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    tables = {name: pd.read_parquet(out / f"{name}.parquet")
              for name in ("documents", "quantities", "projects")}
    tables["_proc"] = proc  # type: ignore[assignment]
    tables["_log"] = (tables_out / "keyproj.log").read_text(encoding="utf-8")  # type: ignore[assignment]
    return tables


@pytest.mark.parametrize("name, data, status, words", CASES, ids=[c[0] for c in CASES])
def test_each_file_has_a_row(batch: dict[str, pd.DataFrame], name: str, data: bytes, status: str,
                             words: str | None) -> None:
    docs = batch["documents"].set_index("path")
    assert docs.loc[name, "status"] == status
    if words is None:
        assert pd.isna(docs.loc[name, "error"])
    else:
        assert words in docs.loc[name, "error"]


def test_good_files_keep_their_facts(batch: dict[str, pd.DataFrame]) -> None:
    docs = batch["documents"].set_index("path")
    good = docs.loc["sub dir 中文/good report.txt", "doc_id"]
    q = batch["quantities"]
    assert q[(q.doc_id == good) & (q.kind == "money")]["value"].tolist() == [300_000_000.0]
    p = batch["projects"]
    assert p[p.doc_id == good][["name", "status"]].values.tolist() == [["城南大道工程", "operational"]]
    gbk = docs.loc["gbk.txt", "doc_id"]
    assert docs.loc["gbk.txt", "encoding"] == "gb18030"
    assert q[q.doc_id == gbk]["value"].tolist() == [120_000_000.0]


def test_exit_status_and_summary_name_the_failures(batch: dict[str, pd.DataFrame]) -> None:
    proc = batch["_proc"]
    assert proc.returncode == 1
    assert "junk.txt" in proc.stderr and "binary" in proc.stderr


@pytest.mark.parametrize("shown, raw", [
    ("new\\nline \\x1b[2Jred.txt: binary", "\x1b"),
    ("junk.txt: binary", "new\nline"),
])
def test_names_are_shown_escaped(batch: dict[str, pd.DataFrame], shown: str, raw: str) -> None:
    """A file name's control characters are escaped in the summary and the log: no line
    break splits their lines, no escape sequence reaches the terminal (before: raw)."""
    stderr, log = batch["_proc"].stderr, batch["_log"]  # type: ignore[attr-defined]
    assert shown in stderr and shown in log
    assert raw not in stderr and raw not in log


def test_usage_error_is_exit_2(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "pipeline", "run", str(tmp_path / "missing"),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert "no such file or folder" in proc.stderr


def test_a_crashing_document_becomes_an_error_row(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from pipeline.batch import run as run_module

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text("爆炸" + GOOD, encoding="utf-8")
    original = run_module.Pipeline.__call__

    def flaky(self: run_module.Pipeline, doc_id: str, text: str):  # type: ignore[no-untyped-def]
        if text.startswith("爆炸"):
            raise RuntimeError("boom")
        return original(self, doc_id, text)

    monkeypatch.setattr(run_module.Pipeline, "__call__", flaky)
    summary = run_module.run([tmp_path / "in"], tmp_path / "out", jobs=0)   # in this process: patched
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet").set_index("path")
    assert docs.loc["b.txt", "status"] == "error" and "boom" in docs.loc["b.txt", "error"]
    assert docs.loc["a.txt", "status"] == "ok"
    assert summary.failed == [("b.txt", "error", "RuntimeError: boom")]
    assert len(pd.read_parquet(tmp_path / "out" / "projects.parquet")) == 1
