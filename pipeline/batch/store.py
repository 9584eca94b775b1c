"""Where the tables live during and between runs: checkpoints, resume, the final atomic write.

A run never writes into the final tables while it works. Each batch of finished documents
is written as a *checkpoint part*, `OUT/.keyproj-work/part-00007/<table>.arrow`, made in a
temporary folder and renamed into place, so a part is complete or absent. Parts are Arrow
IPC files, uncompressed: a part lives only until the run ends, and writing and reading it
then costs next to nothing, where Parquet parts cost the writing process 1 s of CPU per
100 MB and LZ4 0.4 s. (While a run works, its parts hold its texts at full size.) At the end
the final tables are assembled by streaming, in the order of the input files, each
document's rows from wherever they are (the previous final tables or a part), written to
temporary files and committed as a set (below). A part that holds exactly the next
documents, as every part of a fresh run does, is copied whole. A run killed at any moment
therefore leaves the previous tables intact, and the next run finds every finished
document either in the old tables or in a part and does not process it again.

The final tables are committed as a set: they are written under a folder of the run's own,
`OUT/.keyproj-tables/<run id>/`, and `OUT/keyproj-manifest.json` (`pipeline.batch.manifest`),
renamed into place last, names them. Until that rename readers see the previous run's
tables; after it, the new ones, all five at once. The plain names `OUT/<table>.parquet`
are then hard links to the same files, for tools that do not read the manifest.

One run at a time writes to an OUT: a run holds an exclusive lock (`OUT/.keyproj.lock`,
fcntl) from before it touches anything there until its end (`lock_out`).

A document's earlier rows are reused when its path, content hash, pipeline version, rules
hash and the copy it duplicates (if any) are all unchanged; failed documents are always
tried again.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from pyarrow import ipc

from pipeline.batch import manifest

# one run at a time, and errors about OUT itself: in a module without pyarrow, so that the
# command line can name them before the workers start (re-exported here)
from pipeline.batch.outdir import LOCK_FILE as LOCK_FILE
from pipeline.batch.outdir import OutputBusy as OutputBusy
from pipeline.batch.outdir import OutputError as OutputError
from pipeline.batch.outdir import describe_os_error as describe_os_error
from pipeline.batch.outdir import lock_out as lock_out
from pipeline.batch.tables import SCHEMAS, read_parquet
from pipeline.rules.loader import RuleSet, load_rules

WORK_DIR = ".keyproj-work"
TABLES = tuple(SCHEMAS)
# Statuses whose rows are worth keeping across runs; anything else is retried.
REUSABLE_STATUSES = frozenset({"ok", "empty", "unsupported", "no_text", "too_large", "duplicate"})
_ROWS_PER_GROUP = 32_768
_FILE_MODE = 0o666 & ~(lambda m: (os.umask(m), m)[1])(os.umask(0o022))  # mkstemp makes 0600 files
_TEXT_BYTES_PER_GROUP = 8 * 1024 * 1024
# Rows are kept as Python column lists until this many are pending, then made Arrow: one
# conversion per few thousand rows instead of five per document.
_PENDING_ROWS = 4096
_PART_BATCH_DOCS = 32        # documents per record batch of a part's documents table


@dataclass(frozen=True, slots=True)
class DocumentKey:
    """What must be unchanged for a document's earlier rows to be reused."""

    doc_id: str
    path: str
    content_hash: str | None
    pipeline_version: str
    rules_hash: str
    # the doc_id of the first copy when this file is a duplicate: decided against the
    # current set of files, so an earlier row is reused only if it still holds
    duplicate_of: str | None = None


@dataclass(slots=True)
class Source:
    """One set of stored tables: the previous final tables (Parquet) or one checkpoint part
    (Arrow IPC)."""

    folder: Path                 # holds <table>.parquet or <table>.arrow for every table
    doc_order: list[str] = field(default_factory=list)
    suffix: str = ".parquet"

    def path(self, table: str) -> Path:
        return self.folder / f"{table}{self.suffix}"

    def schema(self, table: str) -> pa.Schema:
        if self.suffix == ".parquet":
            return pq.read_schema(self.path(table))
        with pa.memory_map(str(self.path(table))) as f:
            return ipc.open_file(f).schema

    def read(self, table: str, columns: list[str]) -> pa.Table:
        if self.suffix == ".parquet":
            return read_parquet(self.path(table), columns)
        with pa.memory_map(str(self.path(table))) as f:
            return ipc.open_file(f).read_all().select(columns)

    def batches(self, table: str, batch_size: int) -> Iterator[pa.RecordBatch]:
        """The table front to back; Parquet a few rows at a time (texts are large), a part
        batch by batch as written."""
        if self.suffix == ".parquet":
            yield from pq.ParquetFile(self.path(table), memory_map=True).iter_batches(
                batch_size=batch_size, use_threads=False)
            return
        with pa.memory_map(str(self.path(table))) as f:
            reader = ipc.open_file(f)
            for i in range(reader.num_record_batches):
                yield reader.get_batch(i)


def _document_keys(source: Source) -> dict[str, tuple[DocumentKey, str]]:
    """doc_id -> (key, status), reading only the small columns of `documents`."""
    columns = ["doc_id", "path", "content_hash", "pipeline_version", "rules_hash", "status", "duplicate_of"]
    table = source.read("documents", columns)
    found: dict[str, tuple[DocumentKey, str]] = {}
    for row in table.to_pylist():
        key = DocumentKey(row["doc_id"], row["path"], row["content_hash"],
                          row["pipeline_version"], row["rules_hash"], row["duplicate_of"])
        found[row["doc_id"]] = (key, row["status"])
        source.doc_order.append(row["doc_id"])
    return found


def _same_schemas(source: Source) -> bool:
    """Tables written by another version of the schemas are never mixed into new ones."""
    return all(source.schema(t).remove_metadata() == schema for t, schema in SCHEMAS.items())


def _complete(folder: Path, suffix: str) -> bool:
    return all((folder / f"{t}{suffix}").is_file() for t in TABLES)


def _unreadable(source: Source) -> list[tuple[Path, str]]:
    """(file, why) for every table of `source` that cannot be opened (truncated, not Parquet
    or Arrow, another schema's bytes): reading only each file's footer or header."""
    bad = []
    for table in TABLES:
        try:
            source.schema(table)
        except (OSError, pa.ArrowException) as exc:
            bad.append((source.path(table), str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
    return bad


def remove_leftovers(out: Path) -> None:
    """Remove what runs killed before their end left half-written (never checkpoint parts:
    those are complete, and the next run reuses them): temporary table files, staged table
    folders that no manifest names, a manifest never renamed into place. Called under the lock."""
    for path in out.glob(".*.tmp"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    work = out / WORK_DIR
    if work.is_dir():
        for path in work.iterdir():
            if path.name.startswith(".tmp-part-"):
                shutil.rmtree(path, ignore_errors=True)
            elif path.name.endswith(".tmp"):
                path.unlink(missing_ok=True)
    remove_other_versions(out, keep=_named_run(out))


def _named_run(out: Path) -> str | None:
    try:
        named = manifest.read(out)
    except manifest.ManifestError:
        return None
    return str(named["run"]) if named else None


def remove_other_versions(out: Path, keep: str | None) -> None:
    """Drop every run's table folder under OUT/.keyproj-tables but `keep`'s."""
    versions = out / manifest.TABLES_DIR
    if versions.is_dir():
        for folder in versions.iterdir():
            if folder.name != keep:
                shutil.rmtree(folder, ignore_errors=True)


def publish_plain_names(out: Path, files: dict[str, Path]) -> None:
    """`OUT/<table>.parquet` for every table, as a hard link to the committed file (the same
    bytes, no copy), for tools that do not read the manifest; a copy where the file system
    has no hard links. Part folders of an earlier `--scheduler` run go, so that no plain
    name shows another run's rows."""
    for table, path in files.items():
        plain = out / f"{table}.parquet"
        tmp = out / f".{table}.parquet.link.tmp"
        tmp.unlink(missing_ok=True)
        try:
            os.link(path, tmp)
        except OSError:
            shutil.copyfile(path, tmp)
        os.replace(tmp, plain)
        remove_part_folder(out / table)


def remove_part_folder(folder: Path) -> None:
    """Remove `folder` if it holds only part files (what a `--scheduler` run writes)."""
    if folder.is_dir() and not folder.is_symlink() and all(
            p.is_file() and (p.suffix == ".parquet" or p.name.endswith(".tmp")) for p in folder.iterdir()):
        shutil.rmtree(folder, ignore_errors=True)


def set_aside(path: Path, out: Path) -> Path:
    """Move an unreadable earlier table out of the way, keeping it for a person to look at:
    `OUT/<name>.corrupt-<time>`."""
    target = out / f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}"
    os.replace(path, target)
    return target


def _fsync(path: Path) -> None:
    """Data on disk before the manifest names it (a crash of the machine, not only of the run)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_all(paths: list[Path]) -> None:
    """`_fsync` every file of `paths`, all at once: each in a thread of its own (an fsync
    waits for the disk without holding the GIL), so that the file system can commit them
    together. One after another, the seven tables of a run took 30-50 ms of wall time at
    its end (4-8 ms each on this machine's ext4), on the path of a run of one small file.
    The first error is raised once every fsync has ended."""
    if len(paths) < 2:
        for path in paths:
            _fsync(path)
        return
    errors: list[BaseException] = []

    def one(path: Path) -> None:
        try:
            _fsync(path)
        except BaseException as exc:  # noqa: BLE001 - raised below, in the calling thread
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(p,), name="keyproj-fsync") for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


class TableStore:
    """Checkpoint parts for one run in OUT, plus what earlier runs left there."""

    def __init__(self, out: Path, rules: RuleSet | None = None) -> None:
        self.out = out
        self.rules = rules      # for the tables derived across documents (`ledger.derive`)
        self.work = out / WORK_DIR
        self.run_id = manifest.new_run_id()
        self.committed: dict[str, Path] = {}    # table -> its file, once `finish` has committed
        self.notes: list[str] = []              # what was set aside, for the log and the summary
        self._next_part = 0
        self._batches: dict[str, list[pa.RecordBatch]] = {t: [] for t in TABLES}
        self._columns: dict[str, dict[str, list[Any]]] = _empty_columns()
        self._column_rows = 0
        self._pending_ids: list[str] = []
        self._pending_docs = 0
        self._pending_text_bytes = 0
        self.sources: list[Source] = []
        # the final tables written as the run goes (a run that reuses nothing), see write_as_you_go
        self._live: dict[str, tuple[Path, _GroupWriter]] | None = None
        self._live_ids: list[str] = []
        self._live_kinds: Counter[str] = Counter()

    # ---- what earlier runs left -------------------------------------------------------------

    def earlier_sources(self) -> list[Source]:
        """The previous final tables and every complete checkpoint part, oldest first.

        An earlier final table that cannot be read is set aside (`set_aside`, noted in
        `notes`) and its run's rows are not reused; an unreadable part is ignored.
        """
        sources = []
        final = self._previous_tables()
        if final is not None:
            bad = _unreadable(final)
            for path, why in bad:
                target = set_aside(path, self.out)
                self.notes.append(f"set aside an unreadable earlier table: {path} ({why}); moved to {target.name}")
            if not bad:
                sources.append(final)
        if self.work.is_dir():
            parts = sorted(p for p in self.work.iterdir() if p.name.startswith("part-") and _complete(p, ".arrow"))
            sources.extend(s for s in (Source(p, suffix=".arrow") for p in parts) if not _unreadable(s))
            numbers = [int(p.name.split("-")[1]) for p in parts]
            self._next_part = max(numbers, default=-1) + 1
        return sources

    def _previous_tables(self) -> Source | None:
        """The final tables of the last complete run: those the manifest names, or in an OUT
        written before manifests, `OUT/<table>.parquet`. None when there are none (or they
        are part folders of a `--scheduler` run, which are not reused)."""
        try:
            named = manifest.read(self.out)
        except manifest.ManifestError as exc:
            target = set_aside(self.out / manifest.MANIFEST, self.out)
            self.notes.append(f"set aside an unreadable manifest ({exc}); moved to {target.name}")
            named = None
        if named is None:
            return Source(self.out) if _complete(self.out, ".parquet") else None
        files = {t: manifest.table_files(self.out, t, named) for t in TABLES}
        if named.get("layout") != "file" or any(not f or len(f) != 1 for f in files.values()):
            return None
        folder = files["documents"][0].parent    # type: ignore[index]
        return Source(folder) if _complete(folder, ".parquet") else None

    def reusable(self, earlier: list[Source], wanted: dict[str, DocumentKey],
                 order: dict[str, int], retry: frozenset[str] = frozenset()) -> dict[str, Source]:
        """doc_id -> the source among `earlier` (`earlier_sources`) holding still-valid rows
        for it (later sources win). Rows of a status in `retry` are not reused this time.

        A source is used only if its documents appear in the same relative order as in this
        run (true unless the inputs were given in another order): the final assembly reads
        every source front to back once.
        """
        chosen: dict[str, Source] = {}
        for source in earlier:
            try:
                keys = _document_keys(source)
            except (OSError, pa.ArrowException, KeyError):
                continue       # unreadable leftovers are ignored, never trusted
            positions = [order[d] for d in source.doc_order if d in order]
            if positions != sorted(positions) or not _same_schemas(source):
                continue
            self.sources.append(source)
            for doc_id, (key, status) in keys.items():
                if (wanted.get(doc_id) == key and key.content_hash and status in REUSABLE_STATUSES
                        and status not in retry):
                    chosen[doc_id] = source
        return chosen

    # ---- checkpoints ------------------------------------------------------------------------------

    def add(self, columns: dict[str, dict[str, list[Any]]]) -> None:
        """Buffer one document's rows, given as columns (`rows.to_columns`)."""
        for table, cols in columns.items():
            pending = self._columns[table]
            for name, values in cols.items():
                pending[name].extend(values)
            self._column_rows += len(cols["doc_id"]) if cols else 0
        docs = columns["documents"]
        self._pending_docs += len(docs["doc_id"])
        self._pending_text_bytes += sum(len(t or b"") for t in docs["text"])
        self._pending_ids.extend(docs["doc_id"])
        if self._column_rows >= _PENDING_ROWS:
            self._to_arrow()

    def _to_arrow(self) -> None:
        """Pending Python columns -> Arrow: they take far less memory as Arrow."""
        for table, cols in self._columns.items():
            if not cols["doc_id"]:
                continue
            if table == "documents":
                # texts come as UTF-8 bytes (`rows.to_columns`) and go into Arrow as they are
                # (valid: the worker encoded them from str); decoding and encoding them again
                # cost this process 0.09 s per 100 MB
                cols = {**cols, "text": pa.array(cols["text"], pa.binary()).view(pa.string())}
            self._batches[table].append(pa.RecordBatch.from_pydict(cols, schema=SCHEMAS[table]))
        self._columns = _empty_columns()
        self._column_rows = 0

    def write_as_you_go(self) -> None:
        """Write the final tables while the run works: every checkpoint also appends its
        rows to them, so that the end of a run that reuses nothing has only to rename them
        (assembling 100 MB of reports afterwards took 0.6 s with the workers idle). The
        files stay in the work folder until then."""
        self.work.mkdir(parents=True, exist_ok=True)
        self._live = {}
        for table, schema in SCHEMAS.items():
            path = self.work / f"final-{table}.parquet.tmp"
            self._live[table] = (path, _GroupWriter(str(path), schema, table))

    def pending_docs(self) -> int:
        return self._pending_docs

    def pending_text_bytes(self) -> int:
        return self._pending_text_bytes

    def checkpoint(self) -> Source | None:
        """Write the buffered documents as one complete part (atomically); None if empty."""
        if not self._pending_docs:
            return None
        self._to_arrow()
        self.work.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=self.work, prefix=".tmp-part-"))
        for table, schema in SCHEMAS.items():
            data = pa.Table.from_batches(self._batches[table], schema=schema)
            # the documents table carries whole texts: small batches, so that the final
            # assembly holds only a few texts at a time
            chunk = _PART_BATCH_DOCS if table == "documents" else None
            with pa.OSFile(str(tmp / f"{table}.arrow"), "wb") as sink, \
                    ipc.new_file(sink, schema) as writer:
                writer.write_table(data, max_chunksize=chunk)
            if self._live is not None:
                self._live[table][1].add(data)
                if table == "quantities":
                    self._live_kinds.update(data.column("kind").to_pylist())
        folder = self.work / f"part-{self._next_part:05d}"
        self._next_part += 1
        os.rename(tmp, folder)
        source = Source(folder, self._pending_ids, ".arrow")
        self.sources.append(source)
        self._live_ids.extend(self._pending_ids)
        self._batches = {t: [] for t in TABLES}
        self._pending_ids = []
        self._pending_docs = 0
        self._pending_text_bytes = 0
        return source

    # ---- the final tables -----------------------------------------------------------------------

    def finish(self, order: list[str], chosen: dict[str, Source]) -> dict[str, Any]:
        """Assemble the final tables in `order`, rename them into place, drop the parts.

        Returns counts: rows per table and quantities per kind.
        """
        if self._live is not None:
            live, self._live = self._live, None
            for _, writer in live.values():
                writer.close()
            if self._live_ids == order:
                self._commit({t: path for t, (path, _) in live.items()})
                shutil.rmtree(self.work, ignore_errors=True)
                return {"rows": {t: w.rows for t, (_, w) in live.items()}, "kinds": dict(self._live_kinds)}
            for path, _ in live.values():       # not the documents of this run after all
                path.unlink(missing_ok=True)
        index = {doc_id: i for i, doc_id in enumerate(order)}
        last_use: dict[int, int] = {}
        for i, doc_id in enumerate(order):
            if doc_id in chosen:
                last_use[id(chosen[doc_id])] = i
        counts: dict[str, Any] = {"rows": {}, "kinds": {}}
        temps: dict[str, str] = {}
        try:
            for table, schema in SCHEMAS.items():
                cursors = {id(s): _RunCursor(table, index, chosen, s) for s in self.sources}
                fd, tmp = tempfile.mkstemp(dir=self.out, prefix=f".{table}.", suffix=".parquet.tmp")
                os.close(fd)
                temps[table] = tmp
                writer = _GroupWriter(tmp, schema, table)
                i = 0
                while i < len(order):
                    source = chosen.get(order[i])
                    if source is None:
                        raise RuntimeError(f"no rows stored for document {order[i]}")
                    n = len(source.doc_order)
                    if n and order[i:i + n] == source.doc_order and all(
                            chosen.get(d) is source for d in source.doc_order):
                        # the source holds exactly the next n documents (every part of a
                        # fresh run): copy it whole, batch by batch
                        pieces: Iterator[pa.Table] = (pa.Table.from_batches([b]) for b in
                                                      source.batches(table, _batch_size(table)))
                        i += n
                        del cursors[id(source)]
                    else:
                        piece = cursors[id(source)].take(order[i])
                        if last_use[id(source)] == i:
                            del cursors[id(source)]     # done with this source: free what it holds
                        pieces = iter(() if piece is None else (piece,))
                        i += 1
                    for piece in pieces:
                        writer.add(piece)
                        if table == "quantities":
                            for kind in piece.column("kind").to_pylist():
                                counts["kinds"][kind] = counts["kinds"].get(kind, 0) + 1
                writer.close()
                counts["rows"][table] = writer.rows
            self._commit({t: Path(p) for t, p in temps.items()})
            temps.clear()
        finally:
            for tmp in temps.values():
                if os.path.exists(tmp):
                    os.unlink(tmp)
        shutil.rmtree(self.work, ignore_errors=True)
        return counts


    def _commit(self, files: dict[str, Path]) -> None:
        """Make `files` (table -> a finished temporary file) the tables of OUT, as one set:
        moved into this run's folder, then named by the manifest (the one atomic step),
        then published under their plain names; the previous run's folder goes last.
        The tables across documents (`timeline`, the full `checks`) are derived first."""
        from pipeline.batch.ledger import derive

        per_document_checks = files["checks"]
        files = {**files, **derive(files, self.out, self.rules or load_rules())}
        per_document_checks.unlink()
        folder = self.out / manifest.TABLES_DIR / self.run_id
        folder.mkdir(parents=True, exist_ok=True)
        for tmp in files.values():
            os.chmod(tmp, _FILE_MODE)
        _fsync_all(list(files.values()))
        for table, tmp in files.items():
            os.replace(tmp, folder / f"{table}.parquet")
        self.committed = {t: folder / f"{t}.parquet" for t in files}
        manifest.write(self.out, manifest.content(
            self.run_id, "file", {t: f"{manifest.TABLES_DIR}/{self.run_id}/{t}.parquet" for t in files}))
        publish_plain_names(self.out, self.committed)
        remove_other_versions(self.out, keep=self.run_id)

    def abandon(self) -> None:
        """After a failure: close and remove what this run has half written (its temporary
        tables and staged folder), keeping complete checkpoint parts for the next run."""
        live, self._live = self._live, None
        for path, writer in (live or {}).values():
            try:
                writer.close()
            except (OSError, pa.ArrowException):
                pass        # the disk that failed may fail again; the file goes anyway
            path.unlink(missing_ok=True)
        if (self.out / manifest.TABLES_DIR / self.run_id).is_dir() and self.committed == {}:
            shutil.rmtree(self.out / manifest.TABLES_DIR / self.run_id, ignore_errors=True)
        if self.out.is_dir():
            remove_leftovers(self.out)


def _empty_columns() -> dict[str, dict[str, list[Any]]]:
    return {t: {name: [] for name in schema.names} for t, schema in SCHEMAS.items()}


def _batch_size(table: str) -> int:
    """Rows read at a time: the documents table carries whole texts, a few at a time."""
    return 64 if table == "documents" else 8192


class _RunCursor:
    """Reads one stored table front to back, handing out each document's contiguous rows."""

    def __init__(self, table: str, index: dict[str, int], chosen: dict[str, Source],
                 source: Source) -> None:
        self._batches: Iterator[pa.RecordBatch] | None = None
        self._table = table
        self._batch_size = _batch_size(table)
        self._runs: deque[tuple[str, pa.Table]] = deque()
        self._index = index
        self._chosen = chosen
        self._source = source

    def _fill(self) -> bool:
        if self._batches is None:
            self._batches = self._source.batches(self._table, self._batch_size)
        for batch in self._batches:
            ids = batch.column("doc_id").to_pylist()
            table = pa.Table.from_batches([batch])
            start = 0
            for i in range(1, len(ids) + 1):
                if i == len(ids) or ids[i] != ids[start]:
                    self._runs.append((ids[start], table.slice(start, i - start)))
                    start = i
            if self._runs:
                return True
        return False

    def _mine_later(self, doc_id: str, than: int) -> bool:
        return self._chosen.get(doc_id) is self._source and self._index.get(doc_id, -1) > than

    def take(self, doc_id: str) -> pa.Table | None:
        """The rows of `doc_id` (None if it has none in this table)."""
        me = self._index[doc_id]
        pieces: list[pa.Table] = []
        while self._runs or self._fill():
            run_id, piece = self._runs[0]
            if run_id == doc_id:
                pieces.append(piece)
                self._runs.popleft()
                continue
            if pieces or self._mine_later(run_id, me):
                break
            self._runs.popleft()        # a superseded or deleted document's rows
        return pa.concat_tables(pieces) if pieces else None


# per table, the columns that hold whole texts
_WHOLE_TEXTS = {"documents": frozenset({"text"})}


def statistics_columns(table: str, schema: pa.Schema) -> bool | list[str]:
    """The columns of `table` whose Parquet chunks get statistics (min, max, nulls): all
    but those holding whole texts (True: all)."""
    texts = _WHOLE_TEXTS.get(table)
    return [n for n in schema.names if n not in texts] if texts else True


class _GroupWriter:
    """Parquet writer that buffers small pieces into large row groups."""

    def __init__(self, path: str, schema: pa.Schema, table: str) -> None:
        # zstd level 1: as fast as the default snappy here, and texts take 28 % less disk.
        # No statistics for a column of whole texts: their min and max were copied out of the
        # texts (one 8 MB document: +33 MB in this process for a moment, half the CPU of
        # writing it), and kept in the file only when under 4 KB, where nothing reads them
        self._writer = pq.ParquetWriter(path, schema, compression="zstd", compression_level=1,
                                        write_statistics=statistics_columns(table, schema))
        self._schema = schema
        self._pieces: list[pa.Table] = []
        self._rows = 0
        self._bytes = 0
        self.rows = 0

    def add(self, piece: pa.Table) -> None:
        self._pieces.append(piece)
        self._rows += piece.num_rows
        self._bytes += piece.nbytes
        if self._rows >= _ROWS_PER_GROUP or self._bytes >= _TEXT_BYTES_PER_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self._pieces:
            table = pa.concat_tables(self._pieces)
            if not table.schema.equals(self._schema, check_metadata=True):
                # a cast goes through pyarrow.compute (0.1 s to import); most pieces are
                # built with the table's schema already
                table = table.cast(self._schema)
            self._writer.write_table(table, row_group_size=max(table.num_rows, 1))
            self.rows += table.num_rows
        self._pieces, self._rows, self._bytes = [], 0, 0

    def close(self) -> None:
        self._flush()
        self._writer.close()
