"""The run log, `OUT/keyproj.log`: one block per run, every failure with its cause.

Appended to, never rewritten, so the history of an output folder stays readable.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.io.read import shown

if TYPE_CHECKING:
    from pipeline.results import RunSummary


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

    def notes(self, notes: list[str]) -> None:
        """What the run set aside in OUT (an unreadable earlier table …), before it works."""
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        if notes:
            self._write([f"[{stamp}] {note}" for note in notes])

    def finish(self, summary: RunSummary) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        lines = [f"[{stamp}] {status} {shown(path)}: {shown(message)}" for path, status, message in summary.failed]
        counts = ", ".join(f"{n} {s}" for s, n in sorted(summary.documents.items()))
        lines.append(f"[{stamp}] run finished in {summary.seconds:.1f} s: {counts}; "
                     f"{summary.processed} processed, {summary.reused} reused from earlier runs")
        self._write(lines)

    def failed(self, message: str) -> None:
        """Close the run's block when writing OUT failed (the log itself may not be
        writable then: the run's one-line error says it all the same)."""
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        with contextlib.suppress(OSError):
            self._write([f"[{stamp}] run failed: {shown(message)}"])

    def interrupted(self, saved: int, signal_name: str, seconds: float) -> None:
        """Close the run's block when a signal stopped it."""
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        self._write([f"[{stamp}] run interrupted by {signal_name} after {seconds:.1f} s: "
                     f"{saved} documents saved; run again to resume"])
