"""The run log, `OUT/keyproj.log`: one block per run, every failure with its cause.

Appended to, never rewritten, so the history of an output folder stays readable.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.run import RunSummary


class RunLog:
    def __init__(self, path: Path) -> None:
        self.path = path

    def _write(self, lines: list[str]) -> None:
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write("".join(line + "\n" for line in lines))

    def start(self, inputs: list[Path], **options: Any) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        opts = " ".join(f"{k}={v}" for k, v in options.items())
        self._write([f"[{stamp}] run started: inputs={[str(p) for p in inputs]} {opts}"])

    def finish(self, summary: RunSummary) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        lines = [f"[{stamp}] {status} {path}: {message}" for path, status, message in summary.failed]
        counts = ", ".join(f"{n} {s}" for s, n in sorted(summary.documents.items()))
        lines.append(f"[{stamp}] run finished in {summary.seconds:.1f} s: {counts}; "
                     f"{summary.processed} processed, {summary.reused} reused from earlier runs")
        self._write(lines)
