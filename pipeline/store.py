"""Where the tables live during and between runs: checkpoints, resume, the final atomic write.

A run never writes into the final tables while it works. Each batch of finished documents
is written as a *checkpoint part*, `OUT/.keyproj-work/part-00007/<table>.arrow`, made in a
temporary folder and renamed into place, so a part is complete or absent. Parts are Arrow
IPC files, uncompressed: a part lives only until the run ends, and writing and reading it
then costs next to nothing, where Parquet parts cost the writing process 1 s of CPU per
100 MB and LZ4 0.4 s. (While a run works, its parts hold its texts at full size.) At the end
the final tables are assembled by streaming, in the order of the input files, each
document's rows from wherever they are (the previous final tables or a part), written to
temporary files and renamed over `OUT/<table>.parquet`. A part that holds exactly the next
documents, as every part of a fresh run does, is copied whole. A run killed at any moment
therefore leaves the previous tables intact, and the next run finds every finished
document either in the old tables or in a part and does not process it again.

A document's earlier rows are reused when its path, content hash, pipeline version and
rules hash are all unchanged; failed documents are always tried again.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from pyarrow import ipc

from pipeline.tables import SCHEMAS

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
            return pq.read_table(self.path(table), columns=columns)
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
    columns = ["doc_id", "path", "content_hash", "pipeline_version", "rules_hash", "status"]
    table = source.read("documents", columns)
    found: dict[str, tuple[DocumentKey, str]] = {}
    for row in table.to_pylist():
        key = DocumentKey(row["doc_id"], row["path"], row["content_hash"],
                          row["pipeline_version"], row["rules_hash"])
        found[row["doc_id"]] = (key, row["status"])
        source.doc_order.append(row["doc_id"])
    return found


def _same_schemas(source: Source) -> bool:
    """Tables written by another version of the schemas are never mixed into new ones."""
    return all(source.schema(t).remove_metadata() == schema for t, schema in SCHEMAS.items())


def _complete(folder: Path, suffix: str) -> bool:
    return all((folder / f"{t}{suffix}").is_file() for t in TABLES)


class TableStore:
    """Checkpoint parts for one run in OUT, plus what earlier runs left there."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.work = out / WORK_DIR
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
        """The previous final tables and every complete checkpoint part, oldest first."""
        sources = []
        if _complete(self.out, ".parquet"):
            sources.append(Source(self.out))
        if self.work.is_dir():
            parts = sorted(p for p in self.work.iterdir() if p.name.startswith("part-") and _complete(p, ".arrow"))
            sources.extend(Source(p, suffix=".arrow") for p in parts)
            numbers = [int(p.name.split("-")[1]) for p in parts]
            self._next_part = max(numbers, default=-1) + 1
        return sources

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
            self._live[table] = (path, _GroupWriter(str(path), schema))

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
                # documents last: it is what the next run reads to decide what to reuse
                for table in [t for t in TABLES if t != "documents"] + ["documents"]:
                    os.chmod(live[table][0], _FILE_MODE)
                    os.replace(live[table][0], self.out / f"{table}.parquet")
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
                writer = _GroupWriter(tmp, schema)
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
            # documents last: it is what the next run reads to decide what to reuse
            for table in [t for t in TABLES if t != "documents"] + ["documents"]:
                os.chmod(temps[table], _FILE_MODE)
                os.replace(temps.pop(table), self.out / f"{table}.parquet")
        finally:
            for tmp in temps.values():
                if os.path.exists(tmp):
                    os.unlink(tmp)
        shutil.rmtree(self.work, ignore_errors=True)
        return counts


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


class _GroupWriter:
    """Parquet writer that buffers small pieces into large row groups."""

    def __init__(self, path: str, schema: pa.Schema) -> None:
        # zstd level 1: as fast as the default snappy here, and texts take 28 % less disk
        self._writer = pq.ParquetWriter(path, schema, compression="zstd", compression_level=1)
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
            table = pa.concat_tables(self._pieces).cast(self._schema)
            self._writer.write_table(table, row_group_size=max(table.num_rows, 1))
            self.rows += table.num_rows
        self._pieces, self._rows, self._bytes = [], 0, 0

    def close(self) -> None:
        self._flush()
        self._writer.close()
