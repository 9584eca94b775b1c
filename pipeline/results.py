"""One document's result, as the batch run (`run.py`) hands it to the modules that turn it
into rows (`rows`, `tables`), and a run's summary, as the log (`runlog`) and the CLI show it.

It lives here, below `run.py`, so that those modules need not import the module that
imports them (the layering is in tests/test_layers.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.io.read import SourceDocument
from pipeline.types import Extraction


@dataclass(slots=True)
class DocumentResult:
    source: SourceDocument
    extraction: Extraction | None
    status: str
    error: str | None
    duplicate_of: str | None = None


# Statuses that do not make a run fail (exit 1): a duplicate is kept on purpose.
OK_STATUSES = frozenset({"ok", "duplicate"})


@dataclass(slots=True)
class RunSummary:
    out: Path
    documents: dict[str, int] = field(default_factory=dict)
    facts: dict[str, int] = field(default_factory=dict)
    failed: list[tuple[str, str, str]] = field(default_factory=list)    # (path, status, message)
    notes: list[str] = field(default_factory=list)      # what the run set aside in OUT
    reused: int = 0
    processed: int = 0
    seconds: float = 0.0

    def add_document(self, path: str, status: str, error: str | None) -> None:
        """Count one document's final status; anything but ok or duplicate is a failure."""
        self.documents[status] = self.documents.get(status, 0) + 1
        if status not in OK_STATUSES:
            self.failed.append((path, status, error or ""))
