"""A Dask LocalCluster with two worker processes gives the tables of a local run, as part files."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_run_batch import make_folder

from pipeline.run import run
from pipeline.tables import SCHEMAS

distributed = pytest.importorskip("distributed")


def read_dataset(folder: Path) -> pa.Table:
    """A table stored as part files, read in part order (how the parts are numbered)."""
    parts = sorted(folder.glob("part-*.parquet"))
    assert parts, f"no part files in {folder}"
    return pa.concat_tables(pq.read_table(p) for p in parts)


def test_local_cluster_equals_local_run(tmp_path: Path) -> None:
    from pipeline.distributed import run_distributed

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
    for name in SCHEMAS:
        expected = pq.read_table(local / f"{name}.parquet")
        got = read_dataset(tmp_path / "dask" / name)
        assert got.equals(expected), f"table {name} differs from the local run"
        # readable as one dataset by pyarrow (and so by pandas, DuckDB, Spark)
        assert pq.read_table(tmp_path / "dask" / name).num_rows == expected.num_rows
