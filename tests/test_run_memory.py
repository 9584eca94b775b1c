"""benchmarks/run_memory.py: one big document's memory in `keyproj run`, writer and worker apart."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("psutil")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench  # noqa: E402
import fresh  # noqa: E402
import run_memory  # noqa: E402


@pytest.mark.parametrize("megabytes", [0.005, 0.05, 0.2])
def test_the_document_is_one_file_of_about_the_size_asked(tmp_path: Path, megabytes: float) -> None:
    source = fresh.read_source([ROOT / "data" / "raw"])
    size = run_memory.write_document(source, tmp_path / "doc", megabytes, seed=3)
    files = list((tmp_path / "doc").iterdir())
    assert [f.name for f in files] == ["report.txt"]
    assert files[0].stat().st_size == size
    assert megabytes * 1e6 * 0.5 <= size <= megabytes * 1e6 * 2 + 5000


def test_it_prints_one_row_per_installation_with_both_processes(capsys, monkeypatch) -> None:
    monkeypatch.setattr(bench, "DEFAULT_SOURCES", [ROOT / "data" / "raw"])
    assert run_memory.main(["--mb", "0.05", "--repeat", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line for line in lines if line.startswith("| ") and "writer (" not in line]
    assert len(rows) == 1
    assert re.fullmatch(r"\| \S+ \| -?\d+\.\d\d \(.*\) \| -?\d+\.\d\d \(.*\) \|", rows[0])
