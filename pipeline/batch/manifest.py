"""`OUT/keyproj-manifest.json`: which files hold the tables of the last complete run.

A run writes its five tables under a folder of its own, `OUT/.keyproj-tables/<run id>/`,
and only then writes the manifest naming them, by an atomic rename: that rename is the
moment the run's tables replace the previous ones, all five at once. A run killed before it
leaves the previous manifest, so readers see the previous run's tables, never a mix.

    {"format": 1, "run": "20261202T043012-1a2b3c", "layout": "file",
     "tables": {"documents": ".keyproj-tables/20261202T043012-1a2b3c/documents.parquet", ...}}

`layout` is `file` (one Parquet file per table, a local run) or `parts` (a folder of part
files per table, a `--scheduler` run). Paths are relative to OUT, so OUT can be moved.

An OUT folder written before manifests existed has none; readers then take the tables by
their plain names (`query.table_files`). Every run also leaves the plain names
`OUT/<table>.parquet` (hard links to the same files) for tools that know nothing of the
manifest; only keyproj's readers are promised one run's tables at every moment.

No heavy imports here: `keyproj query` and friends read the manifest before anything else.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from pathlib import Path
from typing import Any

MANIFEST = "keyproj-manifest.json"
TABLES_DIR = ".keyproj-tables"      # one folder per run's tables, named by its run id
FORMAT = 1


class ManifestError(ValueError):
    """The manifest cannot be read (not JSON, or not a keyproj manifest)."""


def new_run_id() -> str:
    """A run id that sorts by time and does not repeat (two runs in one second differ)."""
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + secrets.token_hex(3)


def read(out: Path) -> dict[str, Any] | None:
    """The manifest of `out`, None when there is none (an old-layout or empty OUT)."""
    try:
        raw = (out / MANIFEST).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return None
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ManifestError(f"not valid JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("tables"), dict) or "run" not in data:
        raise ManifestError("not a keyproj manifest (no run and tables)")
    return data


def table_files(out: Path, name: str, manifest: dict[str, Any]) -> list[Path] | None:
    """The files of table `name` that `manifest` names; None when they are missing on disk."""
    rel = manifest["tables"].get(name)
    if rel is None:
        return []
    path = out / rel
    if path.is_file():
        return [path]
    if path.is_dir():
        # part files only: hidden files are in-flight temporaries of an atomic writer
        return sorted(p for p in path.rglob("*.parquet") if p.is_file() and not p.name.startswith("."))
    return None


def content(run_id: str, layout: str, tables: dict[str, str]) -> dict[str, Any]:
    return {"format": FORMAT, "run": run_id, "layout": layout, "tables": tables}


def write(out: Path, data: dict[str, Any]) -> None:
    """Replace the manifest by one atomic rename (after an fsync, so that a crash of the
    machine cannot leave a manifest naming files whose data never reached the disk)."""
    tmp = out / f".{MANIFEST}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out / MANIFEST)
    finally:
        if tmp.exists():
            tmp.unlink()
