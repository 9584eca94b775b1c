"""One document's result, as the batch run (`run.py`) hands it to the modules that turn it
into rows (`rows`, `tables`).

It lives here, below `run.py`, so that those modules need not import the module that
imports them (the layering is in tests/test_layers.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.read import SourceDocument
from pipeline.types import Extraction


@dataclass(slots=True)
class DocumentResult:
    source: SourceDocument
    extraction: Extraction | None
    status: str
    error: str | None
    duplicate_of: str | None = None
