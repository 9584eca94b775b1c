"""The same run on a Dask distributed cluster, for archives one machine cannot handle in time.

The client plans the tasks exactly as a local run does (`plan_tasks`: ids, content hashes,
duplicates), cuts them into batches in input order, and each worker runs the unchanged
per-document function (`rows_for`) on its batch and writes one part file per table:
`OUT/<table>/part-00042.parquet`. OUT may be a shared path or any fsspec URL the workers
can write to (s3://…, gcs://…); each table is then a Parquet dataset that pandas, DuckDB
and Spark read as one table. Part numbers follow input order, so reading a dataset's files
in name order gives the rows of a local run, in the same order.

The run is atomic like a local one (`pipeline.batch.manifest`): it connects to the scheduler before
it touches OUT, the workers write their parts under the run's own staging folder
`OUT/.keyproj-tables/<run id>/<table>/`, and only when every batch is done does the client
write the manifest naming those folders (the commit). An interrupted run leaves the
previous tables and manifest as they were; its staging folder is hidden, and readers never
take it for a dataset. After the commit the parts are also published under the plain names
`OUT/<table>/part-*.parquet` (hard links on a local file system) for other tools, and a
local run's single files `OUT/<table>.parquet` go, so neither shadows the other.
Before the commit the client reads the staged parts once more and writes `timeline` and the
full `checks` (those across reports too) into the staging folder, as a local run does
(`pipeline.batch.ledger`), so a cluster run's tables equal a local run's.

When OUT is a local folder the run holds OUT's lock (`store.lock_out`) like a local run;
an object store has no such lock.

Differences from a local run, on purpose: no resume (a distributed run rewrites OUT), and
no hard per-document time budget, because a Dask task cannot be killed without killing its
worker; a document that hangs holds one worker thread until the cluster is stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from pipeline.batch import manifest
from pipeline.batch.run import Task, plan_tasks, rows_for
from pipeline.extract import Pipeline
from pipeline.io.read import shown
from pipeline.results import RunSummary
from pipeline.rules.loader import RuleSet, load_rules

# One Pipeline per worker process and rules folder, built on the first batch it runs.
_PIPELINES: dict[str, Pipeline] = {}


def process_batch(tasks: list[Task], part: int, out_url: str, rules_dir: str) -> dict[str, Any]:
    """Run on a worker: extract a batch and write its part files. Returns counts for the summary."""
    import fsspec
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.batch.store import statistics_columns
    from pipeline.batch.tables import SCHEMAS

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
            # no statistics for whole texts, as the local run's writer (store.statistics_columns)
            pq.write_table(pa.Table.from_pylist(merged[name], schema=schema), fh,
                           compression="zstd", compression_level=1,
                           write_statistics=statistics_columns(name, schema))
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
    """Process every file under `inputs` on the Dask cluster at `scheduler`, tables to `out_url`.

    `inputs` and a local `out_url` should be absolute: the workers resolve paths in their
    own folders (the command line makes them so). Raises store.OutputBusy / OutputError as
    a local run does.
    """
    import fsspec
    from distributed import Client

    from pipeline.batch.store import OutputError, describe_os_error

    started = time.perf_counter()
    rules = rules or load_rules()
    fs, root = fsspec.core.url_to_fs(out_url)
    local = _is_local(fs)
    with Client(scheduler, timeout="10s") as client:    # connected before OUT is touched
        try:
            if fs.isfile(root):
                raise OutputError(f"the output folder is a file, not a folder ({root})")
            fs.makedirs(root, exist_ok=True)
            with _locked(root, local):
                summary = _run_on(client, inputs, out_url, fs, root, local, rules, max_bytes, batch_docs, progress)
        except OSError as exc:
            raise OutputError(describe_os_error(exc, Path(root))) from exc
    summary.seconds = time.perf_counter() - started
    _append_log(fs, f"{root}/keyproj.log", inputs, scheduler, summary)
    return summary


def _is_local(fs: Any) -> bool:
    from fsspec.implementations.local import LocalFileSystem

    return isinstance(fs, LocalFileSystem)


def _locked(root: str, local: bool) -> AbstractContextManager[None]:
    from pipeline.batch.store import lock_out

    return lock_out(Path(root)) if local else nullcontext()


def _run_on(client: Any, inputs: list[Path], out_url: str, fs: Any, root: str, local: bool, rules: RuleSet,
            max_bytes: int, batch_docs: int, progress: Callable[[int, int], None] | None) -> RunSummary:
    """Plan, run every batch into a staging folder, then commit and publish."""
    from distributed import as_completed

    from pipeline.batch.tables import SCHEMAS

    if local:
        from pipeline.batch.store import remove_leftovers

        remove_leftovers(Path(root))
    tasks = plan_tasks(inputs, max_bytes, skip=[Path(root)] if local else None)
    run_id = manifest.new_run_id()
    staged = f"{manifest.TABLES_DIR}/{run_id}"
    stage_url = f"{out_url.rstrip('/')}/{staged}"
    for name in SCHEMAS:
        fs.makedirs(f"{root}/{staged}/{name}", exist_ok=True)
    batches = [tasks[i:i + batch_docs] for i in range(0, len(tasks), batch_docs)]
    summary = RunSummary(Path(root), processed=len(tasks))
    done = 0
    try:
        futures = [client.submit(process_batch, batch, i, stage_url, str(rules.directory), pure=False)
                   for i, batch in enumerate(batches)]
        results: dict[int, dict[str, Any]] = {}
        index = {f.key: i for i, f in enumerate(futures)}
        for future in as_completed(futures):
            results[index[future.key]] = future.result()
            done += len(batches[index[future.key]])
            if progress:
                progress(done, len(tasks))
        folders = {name: f"{staged}/{name}" for name in SCHEMAS}
        folders |= _derive(fs, root, staged, rules)
        _commit(fs, root, local, run_id, folders)
    except BaseException:
        fs.rm(f"{root}/{staged}", recursive=True)      # nothing of an unfinished run stays
        raise
    for i in range(len(batches)):
        for path, status, error in results[i]["documents"]:
            summary.add_document(path, status, error)
        for kind, n in results[i]["kinds"].items():
            summary.facts[kind] = summary.facts.get(kind, 0) + n
        for table in ("projects", "statuses", "sections"):
            summary.facts[table] = summary.facts.get(table, 0) + results[i]["rows"][table]
    return summary


def _derive(fs: Any, root: str, staged: str, rules: RuleSet) -> dict[str, str]:
    """Write `timeline` and the full `checks` (the per-document ones and those across
    reports, `pipeline.batch.ledger`) from the staged parts into the staging folder, as a
    local run does before its commit; table -> its folder relative to OUT."""
    import pyarrow.parquet as pq

    from pipeline.batch.ledger import derived_tables

    stage = f"{root}/{staged}"
    parts = {name: f"{stage}/{name}" for name in ("documents", "projects", "quantities", "checks")}
    tables = derived_tables(parts, rules, filesystem=fs)
    fs.rm(f"{stage}/checks", recursive=True)        # replaced by all the run's checks
    for name, table in tables.items():
        fs.makedirs(f"{stage}/{name}", exist_ok=True)
        with fs.open(f"{stage}/{name}/part-00000.parquet", "wb") as fh:
            pq.write_table(table, fh, compression="zstd", compression_level=1)
    return {name: f"{staged}/{name}" for name in tables}


def _commit(fs: Any, root: str, local: bool, run_id: str, folders: dict[str, str]) -> None:
    """The manifest names the staged part folders (the one atomic step); then the parts are
    published as `OUT/<table>/`, the single files of a local run go, and so do older runs."""
    import json

    from pipeline.batch.store import remove_other_versions

    data = manifest.content(run_id, "parts", folders)
    if local:
        manifest.write(Path(root), data)
    else:       # one PUT to an object store is atomic
        fs.pipe_file(f"{root}/{manifest.MANIFEST}", json.dumps(data, ensure_ascii=False, indent=1).encode())
    for name, folder in folders.items():
        _publish(fs, root, local, name, f"{root}/{folder}")
    if local:
        remove_other_versions(Path(root), keep=run_id)
    else:
        for old in fs.ls(f"{root}/{manifest.TABLES_DIR}", detail=False):
            if not old.rstrip("/").endswith(run_id):
                fs.rm(old, recursive=True)


def _publish(fs: Any, root: str, local: bool, name: str, staged: str) -> None:
    """`OUT/<name>/part-*.parquet` for tools that read the folder, and no `OUT/<name>.parquet`."""
    single, folder = f"{root}/{name}.parquet", f"{root}/{name}"
    if fs.exists(single):
        fs.rm(single)
    if not local:
        if fs.exists(folder):
            fs.rm(folder, recursive=True)
        fs.copy(staged, folder, recursive=True)
        return
    import os
    import shutil

    tmp = Path(f"{root}/.{name}.publish.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    for part in sorted(Path(staged).glob("part-*.parquet")):
        try:
            os.link(part, tmp / part.name)
        except OSError:
            shutil.copyfile(part, tmp / part.name)
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)


def _append_log(fs: Any, path: str, inputs: list[Path], scheduler: str, summary: RunSummary) -> None:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    lines = [f"[{stamp}] distributed run on {scheduler}: inputs={[str(p) for p in inputs]}"]
    lines += [f"[{stamp}] {status} {shown(path)}: {shown(message)}" for path, status, message in summary.failed]
    counts = ", ".join(f"{n} {s}" for s, n in sorted(summary.documents.items()))
    lines.append(f"[{stamp}] run finished in {summary.seconds:.1f} s: {counts}")
    old = fs.cat_file(path) if fs.exists(path) else b""     # object stores cannot append
    with fs.open(path, "wb") as fh:
        fh.write(old + "".join(line + "\n" for line in lines).encode("utf-8"))
