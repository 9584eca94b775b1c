"""--max-memory: a document that needs more memory than a worker may use becomes an error
row, its worker is replaced, and the batch goes on (the machine is never run out of memory).

The hungry document is played by a patched pipeline that asks for 64 GB when it sees the
text HUNGRY; forked workers (not the default spawned ones) run the patched class.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import pipeline.batch.run as run_module
from pipeline.batch.run import run

REPORT = "新建北岸供水厂工程，总投资4.2亿元，已开工。\n"

FOLDER = [
    # file      its text   -> status   error
    ("a.txt",   REPORT,       "ok",    None),
    ("b.txt",   "HUNGRY",     "error", "over the memory limit of 2048 MB"),
    ("c.txt",   REPORT * 2,   "ok",    None),
    ("d.txt",   "HUNGRY\n",   "error", "over the memory limit of 2048 MB"),
    ("e.txt",   REPORT * 3,   "ok",    None),
]


@pytest.fixture
def hungry_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    real_call = run_module.Pipeline.__call__

    def call(self, doc_id, text):  # type: ignore[no-untyped-def]
        if text.strip() == "HUNGRY":
            held = bytearray(64 * 1024 ** 3)
            return held
        return real_call(self, doc_id, text)

    monkeypatch.setattr(run_module.Pipeline, "__call__", call)


# the limit is RLIMIT_DATA on Linux; without it the 64 GB would really be asked for
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the limit tested is Linux's RLIMIT_DATA")
@pytest.mark.usefixtures("hungry_pipeline")
def test_a_document_over_the_memory_limit_is_an_error_row_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text, _, _ in FOLDER:
        (folder / name).write_text(text, encoding="utf-8")
    summary = run([folder], tmp_path / "out", jobs=1, max_memory_mb=2048, start_method="fork")
    docs = pq.read_table(tmp_path / "out" / "documents.parquet", columns=["path", "status", "error"]).to_pylist()
    assert [(d["path"], d["status"], d["error"]) for d in docs] == [
        (name, status, error) for name, _, status, error in FOLDER]
    assert summary.documents == {"ok": 3, "error": 2}
