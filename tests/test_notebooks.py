"""The notebooks run from top to bottom on the tables of the sample reports, on tables where
a document names no project, and (where ../shared is present) on the dev set's tables.

Each runs in a real Jupyter kernel (nbclient + ipykernel) on tables written into a temporary
folder and named by $KEYPROJ_TABLES, so a stale or missing data/processed never decides the
result; stored outputs are checked to be stripped, so the notebooks in git stay diffable.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from conftest import ROOT

DEV_RAW = ROOT.parent / "shared" / "gold" / "dev" / "raw"

NOTEBOOKS = ROOT / "notebooks"
# explore_tables.ipynb predates cell ids; nbformat warns about that, nothing is wrong
pytestmark = pytest.mark.filterwarnings("ignore:Cell is missing an id field")

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, raw_tables: Path) -> Path:
    """tmp/data/processed holds fresh tables and tmp/notebooks is where notebooks run, so
    explore_tables.ipynb's '../data/processed' finds them."""
    root = tmp_path_factory.mktemp("nb")
    shutil.copytree(raw_tables, root / "data" / "processed")
    (root / "notebooks").mkdir()
    return root


def execute(path: Path, cwd: Path) -> Any:
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(cwd)}})
    client.execute()       # raises CellExecutionError, with the cell and traceback, on any error
    return notebook


def outputs_text(notebook: Any) -> str:
    parts = []
    for cell in notebook.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", "") + str(out.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


@pytest.mark.parametrize("name", ["explore_tables.ipynb", "compare_counties.ipynb"])
def test_notebook_outputs_are_stripped_in_git(name: str) -> None:
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert all(not c.get("outputs") and not c.get("execution_count")
               for c in notebook.cells if c.cell_type == "code")


def test_compare_counties_runs(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYPROJ_TABLES", str(workspace / "data" / "processed"))
    notebook = execute(NOTEBOOKS / "compare_counties.ipynb", workspace / "notebooks")
    text = outputs_text(notebook)
    projects = pq.read_table(workspace / "data" / "processed" / "projects.parquet").num_rows
    summary = re.search(r"(\d+) areas, (\d+) projects, (\d+) delayed", text)
    assert summary, text[-2000:]
    assert 1 <= int(summary[1]) <= 4 and int(summary[2]) == projects and int(summary[3]) >= 1
    images = [o for c in notebook.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) >= 2, "the plots were not drawn"
    assert "青岚至石门公路改造工程" in text            # a delayed project of the samples is listed


def test_compare_counties_runs_the_pipeline_when_tables_are_missing(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYPROJ_TABLES", str(tmp_path / "fresh"))
    notebook = execute(NOTEBOOKS / "compare_counties.ipynb", tmp_path)
    assert "running the pipeline" in outputs_text(notebook)
    assert (tmp_path / "fresh" / "projects.parquet").is_file()


def test_explore_tables_runs(workspace: Path) -> None:
    copy = workspace / "notebooks" / "explore_tables.ipynb"
    shutil.copy(NOTEBOOKS / "explore_tables.ipynb", copy)
    text = outputs_text(execute(copy, workspace / "notebooks"))
    projects = pq.read_table(workspace / "data" / "processed" / "projects.parquet").num_rows
    assert f"'projects': {projects}" in text


def test_explore_tables_reads_keyproj_tables(workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run where ../data/processed does not exist: only $KEYPROJ_TABLES can lead it to the tables."""
    monkeypatch.setenv("KEYPROJ_TABLES", str(workspace / "data" / "processed"))
    text = outputs_text(execute(NOTEBOOKS / "explore_tables.ipynb", tmp_path))
    projects = pq.read_table(workspace / "data" / "processed" / "projects.parquet").num_rows
    assert f"'projects': {projects}" in text


def test_compare_counties_keeps_a_document_without_projects(raw_tables: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The samples' tables with every project of one document taken out: its area stays, with
    no projects and blank (not 0) investment."""
    tables = tmp_path / "tables"
    shutil.copytree(raw_tables, tables)
    projects = pq.read_table(raw_tables / "projects.parquet")
    dropped = projects["doc_id"][0].as_py()
    (tables / "keyproj-manifest.json").unlink()            # the plain files below are the tables now
    (tables / "projects.parquet").unlink()                 # a hard link to the run's file: replace, not edit
    pq.write_table(projects.filter(pc.not_equal(projects["doc_id"], dropped)), tables / "projects.parquet")
    monkeypatch.setenv("KEYPROJ_TABLES", str(tables))
    text = outputs_text(execute(NOTEBOOKS / "compare_counties.ipynb", tmp_path))
    documents = pq.read_table(raw_tables / "documents.parquet").num_rows
    assert re.search(rf"^{documents} areas, ", text, re.M), text[-2000:]
    assert "1 areas without projects" in text


@pytest.fixture(scope="module")
def dev_tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipeline.batch.run import run
    from pipeline.rules.loader import load_rules

    out = tmp_path_factory.mktemp("dev") / "tables"
    run([DEV_RAW], out, load_rules(), jobs=0)
    return out


@pytest.mark.skipif(not DEV_RAW.is_dir(), reason="needs ../shared/gold/dev")
@pytest.mark.parametrize("name", ["explore_tables.ipynb", "compare_counties.ipynb"])
def test_notebooks_run_on_the_dev_set(dev_tables: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      name: str) -> None:
    monkeypatch.setenv("KEYPROJ_TABLES", str(dev_tables))
    text = outputs_text(execute(NOTEBOOKS / name, tmp_path))
    documents = pq.read_table(dev_tables / "documents.parquet").num_rows
    assert f"'documents': {documents}" in text
