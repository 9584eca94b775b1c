"""A Dask LocalCluster with two worker processes gives the tables of a local run, as part files."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_run_batch import make_folder

from pipeline.batch.run import run
from pipeline.batch.tables import DERIVED_SCHEMAS, SCHEMAS

distributed = pytest.importorskip("distributed")


def read_dataset(folder: Path) -> pa.Table:
    """A table stored as part files, read in part order (how the parts are numbered)."""
    parts = sorted(folder.glob("part-*.parquet"))
    assert parts, f"no part files in {folder}"
    return pa.concat_tables(pq.read_table(p) for p in parts)


def test_local_cluster_equals_local_run(tmp_path: Path) -> None:
    from pipeline.batch.distributed import run_distributed

    folder = make_folder(tmp_path / "in", copies=2)
    (folder / "zz_copy.txt").write_bytes(sorted(folder.iterdir())[0].read_bytes())   # a duplicate
    (folder / "zz_junk.txt").write_bytes(bytes(range(256)) * 8)                     # a failure
    local = tmp_path / "local"
    local_summary = run([folder], local, jobs=0)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        summary = run_distributed([folder], str(tmp_path / "dask"), cluster.scheduler_address,
                                  max_bytes=50 * 1024 * 1024, batch_docs=3)
    assert summary.documents == local_summary.documents
    assert sorted(summary.failed) == sorted(local_summary.failed)
    for name in {**SCHEMAS, **DERIVED_SCHEMAS}:      # the timeline and every check too
        expected = pq.read_table(local / f"{name}.parquet")
        got = read_dataset(tmp_path / "dask" / name)
        assert got.equals(expected), f"table {name} differs from the local run"
        # readable as one dataset by pyarrow (and so by pandas, DuckDB, Spark)
        assert pq.read_table(tmp_path / "dask" / name).num_rows == expected.num_rows
    from pipeline.outputs.query import load_table

    # whole texts get no Parquet statistics in either writer (store.statistics_columns)
    for path in (local / "documents.parquet", *sorted((tmp_path / "dask" / "documents").glob("part-*.parquet"))):
        meta = pq.ParquetFile(path).metadata
        stats = {meta.schema.column(i).name: meta.row_group(0).column(i).is_stats_set
                 for i in range(meta.num_columns)}
        assert stats["text"] is False and stats["doc_id"] is True, path
    timeline = load_table(tmp_path / "dask", "timeline")       # named by the run's manifest
    assert timeline is not None and timeline.num_rows == pq.read_table(local / "timeline.parquet").num_rows > 0


# ---- atomic like a local run; paths; the extra missing ---------------------------------------------

@pytest.fixture(scope="module")
def cluster():  # type: ignore[no-untyped-def]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local_cluster:
        yield local_cluster


def seen(out: Path) -> dict[str, pa.Table]:
    """The tables as keyproj's readers see them (query, export, report, eval)."""
    from pipeline.outputs.query import load_table

    return {name: load_table(out, name) for name in SCHEMAS}


def edit(folder: Path) -> None:
    for f in sorted(folder.iterdir())[::2]:
        f.write_text(f.read_text(encoding="utf-8") + "\n新建南湖公园工程，已完工。\n", encoding="utf-8")


def test_local_and_cluster_runs_in_one_out_never_shadow_each_other(tmp_path: Path, cluster) -> None:  # type: ignore[no-untyped-def]
    from pipeline.batch.distributed import run_distributed

    folder = make_folder(tmp_path / "in", copies=1)
    out = tmp_path / "out"
    for step in ("local", "cluster", "local", "cluster"):
        edit(folder)
        fresh = tmp_path / f"fresh-{step}"
        run([folder], fresh, jobs=0, resume=False)
        if step == "local":
            run([folder], out, jobs=0)
        else:
            run_distributed([folder], str(out), cluster.scheduler_address, max_bytes=1 << 26, batch_docs=3)
        got, expected = seen(out), seen(fresh)
        assert all(got[t].equals(expected[t]) for t in SCHEMAS), f"after the {step} run"


def test_an_interrupted_cluster_run_leaves_the_previous_tables(tmp_path: Path, cluster, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from pipeline.batch.distributed import run_distributed

    folder = make_folder(tmp_path / "in", copies=2)
    out = tmp_path / "out"
    run_distributed([folder], str(out), cluster.scheduler_address, max_bytes=1 << 26, batch_docs=3)
    before = seen(out)
    edit(folder)
    real = distributed.as_completed

    def first_batch_then_interrupted(futures):  # type: ignore[no-untyped-def]
        for future in real(futures):
            yield future
            raise KeyboardInterrupt      # Ctrl-C once the first batch's parts are written

    monkeypatch.setattr(distributed, "as_completed", first_batch_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_distributed([folder], str(out), cluster.scheduler_address, max_bytes=1 << 26, batch_docs=3)
    after = seen(out)
    assert all(after[t].equals(before[t]) for t in SCHEMAS), "no part of the interrupted run is read"
    for name in SCHEMAS:            # and other tools reading the part folders see the same
        assert read_dataset(out / name).equals(before[name])


def test_an_unreachable_scheduler_deletes_nothing(tmp_path: Path, cluster) -> None:  # type: ignore[no-untyped-def]
    from pipeline.batch.distributed import run_distributed

    folder = make_folder(tmp_path / "in", copies=1)
    out = tmp_path / "out"
    run_distributed([folder], str(out), cluster.scheduler_address, max_bytes=1 << 26, batch_docs=3)
    before = seen(out)
    with pytest.raises(OSError):
        run_distributed([folder], str(out), "tcp://127.0.0.1:9", max_bytes=1 << 26)
    after = seen(out)
    assert all(after[t].equals(before[t]) for t in SCHEMAS)


def test_relative_paths_are_resolved_on_the_client(tmp_path: Path, cluster, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from pipeline.cli import app

    make_folder(tmp_path / "in", copies=1)
    monkeypatch.chdir(tmp_path)         # the workers started elsewhere, in another folder
    result = CliRunner().invoke(app, ["run", "in", "--out", "out", "--scheduler", cluster.scheduler_address, "-q"])
    assert result.exit_code == 0, result.output
    docs = pq.read_table(tmp_path / "out" / "documents").to_pylist()
    assert {d["status"] for d in docs} == {"ok"} and len(docs) == len(list((tmp_path / "in").iterdir()))


def test_without_the_cluster_extra_the_error_says_what_to_install(tmp_path: Path) -> None:
    import subprocess
    import sys

    make_folder(tmp_path / "in", copies=1)
    code = ("import sys; sys.modules['distributed'] = None; from pipeline.cli import main; "
            "sys.argv = ['keyproj', 'run', sys.argv[1], '--out', sys.argv[2], '--scheduler', 'tcp://127.0.0.1:9']; "
            "main()")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "in"), str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["error: --scheduler needs the cluster extra: pip install 'keyproj[cluster]'"]
