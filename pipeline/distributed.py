"""The same run on a Dask distributed cluster, for archives one machine cannot handle in time.

The client plans the tasks exactly as a local run does (`plan_tasks`: ids, content hashes,
duplicates), cuts them into batches in input order, and each worker runs the unchanged
per-document function (`rows_for`) on its batch and writes one part file per table:
`OUT/<table>/part-00042.parquet`. OUT may be a shared path or any fsspec URL the workers
can write to (s3://…, gcs://…); each table is then a Parquet dataset that pandas, DuckDB
and Spark read as one table. Part numbers follow input order, so reading a dataset's files
in name order gives the rows of a local run, in the same order.

Differences from a local run, on purpose: no resume (a distributed run rewrites OUT), and
no hard per-document time budget, because a Dask task cannot be killed without killing its
worker; a document that hangs holds one worker thread until the cluster is stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.rules import RuleSet, load_rules
from pipeline.run import Pipeline, RunSummary, Task, plan_tasks, rows_for

# One Pipeline per worker process and rules folder, built on the first batch it runs.
_PIPELINES: dict[str, Pipeline] = {}


def process_batch(tasks: list[Task], part: int, out_url: str, rules_dir: str) -> dict[str, Any]:
    """Run on a worker: extract a batch and write its part files. Returns counts for the summary."""
    import fsspec
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.tables import SCHEMAS

    pipeline = _PIPELINES.get(rules_dir)
    if pipeline is None:
        pipeline = _PIPELINES[rules_dir] = Pipeline(load_rules(rules_dir))
    merged: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
    for task in tasks:
        for name, rows in rows_for(pipeline, task).items():
            merged[name].extend(rows)
    fs, root = fsspec.core.url_to_fs(out_url)
    for name, schema in SCHEMAS.items():
        final = f"{root}/{name}/part-{part:05d}.parquet"
        tmp = f"{root}/{name}/.part-{part:05d}.parquet.tmp"
        with fs.open(tmp, "wb") as fh:
            pq.write_table(pa.Table.from_pylist(merged[name], schema=schema), fh,
                           compression="zstd", compression_level=1)
        fs.mv(tmp, final)          # readers never see half a part
    kinds: dict[str, int] = {}
    for row in merged["quantities"]:
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
    return {
        "documents": [(d["path"], d["status"], d["error"] or "") for d in merged["documents"]],
        "kinds": kinds,
        "rows": {name: len(rows) for name, rows in merged.items()},
    }


def run_distributed(inputs: list[Path], out_url: str, scheduler: str, rules: RuleSet | None = None, *,
                    max_bytes: int, batch_docs: int = 32,
                    progress: Callable[[int, int], None] | None = None) -> RunSummary:
    """Process every file under `inputs` on the Dask cluster at `scheduler`, tables to `out_url`."""
    import fsspec
    from distributed import Client, as_completed

    from pipeline.tables import SCHEMAS

    started = time.perf_counter()
    rules = rules or load_rules()
    tasks = plan_tasks(inputs, max_bytes)
    fs, root = fsspec.core.url_to_fs(out_url)
    for name in SCHEMAS:
        if fs.exists(f"{root}/{name}"):
            fs.rm(f"{root}/{name}", recursive=True)     # stale parts of an earlier, larger run
        fs.makedirs(f"{root}/{name}", exist_ok=True)
    batches = [tasks[i:i + batch_docs] for i in range(0, len(tasks), batch_docs)]
    summary = RunSummary(Path(root), processed=len(tasks))
    done = 0
    with Client(scheduler, timeout="10s") as client:
        futures = [client.submit(process_batch, batch, i, out_url, str(rules.directory), pure=False)
                   for i, batch in enumerate(batches)]
        results: dict[int, dict[str, Any]] = {}
        index = {f.key: i for i, f in enumerate(futures)}
        for future in as_completed(futures):
            results[index[future.key]] = future.result()
            done += len(batches[index[future.key]])
            if progress:
                progress(done, len(tasks))
    for i in range(len(batches)):
        for path, status, error in results[i]["documents"]:
            summary.add_document(path, status, error)
        for kind, n in results[i]["kinds"].items():
            summary.facts[kind] = summary.facts.get(kind, 0) + n
        for table in ("projects", "statuses", "sections"):
            summary.facts[table] = summary.facts.get(table, 0) + results[i]["rows"][table]
    summary.seconds = time.perf_counter() - started
    _append_log(fs, f"{root}/keyproj.log", inputs, scheduler, summary)
    return summary


def _append_log(fs: Any, path: str, inputs: list[Path], scheduler: str, summary: RunSummary) -> None:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    lines = [f"[{stamp}] distributed run on {scheduler}: inputs={[str(p) for p in inputs]}"]
    lines += [f"[{stamp}] {status} {path}: {message}" for path, status, message in summary.failed]
    counts = ", ".join(f"{n} {s}" for s, n in sorted(summary.documents.items()))
    lines.append(f"[{stamp}] run finished in {summary.seconds:.1f} s: {counts}")
    old = fs.cat_file(path) if fs.exists(path) else b""     # object stores cannot append
    with fs.open(path, "wb") as fh:
        fh.write(old + "".join(line + "\n" for line in lines).encode("utf-8"))
