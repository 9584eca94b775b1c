"""Where the tables live during and between runs: checkpoints, resume, the final atomic write.

A run never writes into the final tables while it works. Each batch of finished documents
is written as a *checkpoint part* (`OUT/.keyproj-work/part-00007/<table>.parquet`, made
in a temporary folder and renamed into place, so a part is complete or absent). At the end
the final tables are assembled by streaming, in the order of the input files, each
document's rows from wherever they are (the previous final tables or a part), written to
temporary files and renamed over `OUT/<table>.parquet`. A run killed at any moment
therefore leaves the previous tables intact, and the next run finds every finished
document either in the old tables or in a part and does not process it again.

A document's earlier rows are reused when its path, content hash, pipeline version and
rules hash are all unchanged; failed documents are always tried again.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.tables import SCHEMAS

WORK_DIR = ".keyproj-work"
TABLES = tuple(SCHEMAS)
# Statuses whose rows are worth keeping across runs; anything else is retried.
REUSABLE_STATUSES = frozenset({"ok", "empty", "unsupported", "no_text", "too_large", "duplicate"})
_ROWS_PER_GROUP = 32_768
_FILE_MODE = 0o666 & ~(lambda m: (os.umask(m), m)[1])(os.umask(0o022))  # mkstemp makes 0600 files
_TEXT_BYTES_PER_GROUP = 8 * 1024 * 1024


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
    """One set of stored tables: the previous final tables or one checkpoint part."""

    folder: Path                 # holds <table>.parquet for every table
    doc_order: list[str] = field(default_factory=list)

    def path(self, table: str) -> Path:
        return self.folder / f"{table}.parquet"


def _document_keys(source: Source) -> dict[str, tuple[DocumentKey, str]]:
    """doc_id -> (key, status), reading only the small columns of `documents`."""
    columns = ["doc_id", "path", "content_hash", "pipeline_version", "rules_hash", "status"]
    table = pq.read_table(source.path("documents"), columns=columns)
    found: dict[str, tuple[DocumentKey, str]] = {}
    for row in table.to_pylist():
        key = DocumentKey(row["doc_id"], row["path"], row["content_hash"],
                          row["pipeline_version"], row["rules_hash"])
        found[row["doc_id"]] = (key, row["status"])
        source.doc_order.append(row["doc_id"])
    return found


def _same_schemas(source: Source) -> bool:
    """Tables written by another version of the schemas are never mixed into new ones."""
    return all(pq.read_schema(source.path(t)).remove_metadata() == schema
               for t, schema in SCHEMAS.items())


def _complete(folder: Path) -> bool:
    return all((folder / f"{t}.parquet").is_file() for t in TABLES)


class TableStore:
    """Checkpoint parts for one run in OUT, plus what earlier runs left there."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.work = out / WORK_DIR
        self._next_part = 0
        self._pending: dict[str, list[pa.RecordBatch]] = {t: [] for t in TABLES}
        self._pending_ids: list[str] = []
        self._pending_docs = 0
        self._pending_text = 0
        self.sources: list[Source] = []

    # ---- what earlier runs left -------------------------------------------------------------

    def earlier_sources(self) -> list[Source]:
        """The previous final tables and every complete checkpoint part, oldest first."""
        sources = []
        if _complete(self.out):
            sources.append(Source(self.out))
        if self.work.is_dir():
            parts = sorted(p for p in self.work.iterdir() if p.name.startswith("part-") and _complete(p))
            sources.extend(Source(p) for p in parts)
            numbers = [int(p.name.split("-")[1]) for p in parts]
            self._next_part = max(numbers, default=-1) + 1
        return sources

    def reusable(self, wanted: dict[str, DocumentKey], order: dict[str, int]) -> dict[str, Source]:
        """doc_id -> the source holding still-valid rows for it (later sources win).

        A source is used only if its documents appear in the same relative order as in this
        run (true unless the inputs were given in another order): the final assembly reads
        every source front to back once.
        """
        chosen: dict[str, Source] = {}
        for source in self.earlier_sources():
            try:
                keys = _document_keys(source)
            except (OSError, pa.ArrowException, KeyError):
                continue       # unreadable leftovers are ignored, never trusted
            positions = [order[d] for d in source.doc_order if d in order]
            if positions != sorted(positions) or not _same_schemas(source):
                continue
            self.sources.append(source)
            for doc_id, (key, status) in keys.items():
                if wanted.get(doc_id) == key and key.content_hash and status in REUSABLE_STATUSES:
                    chosen[doc_id] = source
        return chosen

    # ---- checkpoints ------------------------------------------------------------------------------

    def add(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        """Buffer one document's rows, as Arrow at once: a few hundred documents of Python
        dicts would cost far more memory than the same rows in columns."""
        for table, table_rows in rows.items():
            if table_rows:
                self._pending[table].append(pa.RecordBatch.from_pylist(table_rows, schema=SCHEMAS[table]))
        self._pending_docs += 1
        self._pending_text += sum(len(r.get("text") or "") for r in rows["documents"])
        self._pending_ids.extend(r["doc_id"] for r in rows["documents"])

    def pending_docs(self) -> int:
        return self._pending_docs

    def pending_text(self) -> int:
        return self._pending_text

    def checkpoint(self) -> Source | None:
        """Write the buffered documents as one complete part (atomically); None if empty."""
        if not self._pending_docs:
            return None
        self.work.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=self.work, prefix=".tmp-part-"))
        for table, schema in SCHEMAS.items():
            # small row groups for the texts: the final assembly holds one group per part
            pq.write_table(pa.Table.from_batches(self._pending[table], schema=schema),
                           tmp / f"{table}.parquet", row_group_size=32 if table == "documents" else None)
        folder = self.work / f"part-{self._next_part:05d}"
        self._next_part += 1
        os.rename(tmp, folder)
        source = Source(folder, self._pending_ids)
        self.sources.append(source)
        self._pending = {t: [] for t in TABLES}
        self._pending_ids = []
        self._pending_docs = 0
        self._pending_text = 0
        return source

    # ---- the final tables -----------------------------------------------------------------------

    def finish(self, order: list[str], chosen: dict[str, Source]) -> dict[str, Any]:
        """Assemble the final tables in `order`, rename them into place, drop the parts.

        Returns counts: rows per table and quantities per kind.
        """
        index = {doc_id: i for i, doc_id in enumerate(order)}
        last_use: dict[int, int] = {}
        for i, doc_id in enumerate(order):
            if doc_id in chosen:
                last_use[id(chosen[doc_id])] = i
        counts: dict[str, Any] = {"rows": {}, "kinds": {}}
        temps: dict[str, str] = {}
        try:
            for table, schema in SCHEMAS.items():
                cursors = {id(s): _RunCursor(s.path(table), table, index, chosen, s) for s in self.sources}
                fd, tmp = tempfile.mkstemp(dir=self.out, prefix=f".{table}.", suffix=".parquet.tmp")
                os.close(fd)
                temps[table] = tmp
                writer = _GroupWriter(tmp, schema)
                for i, doc_id in enumerate(order):
                    source = chosen.get(doc_id)
                    if source is None:
                        raise RuntimeError(f"no rows stored for document {doc_id}")
                    piece = cursors[id(source)].take(doc_id)
                    if last_use[id(source)] == i:
                        del cursors[id(source)]     # done with this source: free what it holds
                    if piece is not None:
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


class _RunCursor:
    """Reads one stored table front to back, handing out each document's contiguous rows."""

    def __init__(self, path: Path, table: str, index: dict[str, int],
                 chosen: dict[str, Source], source: Source) -> None:
        self._batches: Iterator[pa.RecordBatch] | None = None
        self._path = path
        # the documents table carries whole texts: read it a few rows at a time
        self._batch_size = 64 if table == "documents" else 8192
        self._runs: deque[tuple[str, pa.Table]] = deque()
        self._index = index
        self._chosen = chosen
        self._source = source

    def _fill(self) -> bool:
        if self._batches is None:
            self._batches = pq.ParquetFile(self._path, memory_map=True).iter_batches(
                batch_size=self._batch_size, use_threads=False)
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
        self._writer = pq.ParquetWriter(path, schema)
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
