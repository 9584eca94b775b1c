"""Every default of a run and of the output commands, stated once.

The command line (`cli.py`), the batch run (`run.py`) and the reader (`read.py`) take their
defaults from here, so the help text, the library and the README cannot disagree. Nothing
here changes what is extracted from a text (that is `rules/`), so editing this file keeps
`pipeline_version` (see `version.py`). This module imports nothing: any module may use it.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"       # trained weights and output labels, shipped in the wheel

MB = 1024 * 1024

# ---- keyproj run ---------------------------------------------------------------------------------
MAX_SIZE_MB = 50                    # --max-size: larger files get status too_large, unread
MAX_BYTES = MAX_SIZE_MB * MB
TIME_BUDGET_S: float = 120          # --time-budget: seconds one document may take ...
TIME_BUDGET_PER_MB_S: float = 10    # ... and this many more per MB of its size (extraction takes about 1.2 s a MB)
MAX_MEMORY_MB = 2048                # --max-memory: MB one worker process may use beyond what it holds at its start
CHECKPOINT_DOCS = 256               # --checkpoint-every: documents per saved part
CHECKPOINT_BYTES = 12 * MB          # ... or this many bytes of text, whichever comes first
JOBS: int | None = None             # --jobs: None = all cores; 0 = in the calling process
TASKS_PER_WORKER = 32               # tasks in flight per worker (keeps them busy at a checkpoint)
BYTES_IN_FLIGHT = 64 * MB           # input bytes in flight at most, over all workers
# A worker is sent more tasks only while less than this many bytes of text wait in its queue
# (about half a second of work: enough to keep it busy while the writer saves a checkpoint).
# A task sent stays with its worker: 32 fresh reports of 47 KB queued in each (1.5 MB, 1.5 s
# of work) left one worker working alone for up to a second at the end of a run.
QUEUED_BYTES_PER_WORKER = MB // 2
# Small documents go to a worker in bundles (one message out and one back for several): at
# most this many, of at most this many bytes in all (about 30 ms of work), and no more than
# a quarter of a worker's share of the run's documents (a run of a few files keeps every
# worker busy). A bundle's documents keep their own time budgets (`batch/pool.py`).
BUNDLE_TASKS = 16
BUNDLE_BYTES = 32 * 1024
# A document's text of at least this many bytes goes back from its worker beside its rows'
# pickle, not inside it (`batch/pool.beside`): one message more, and one copy of the text less
# in the worker and in the writer.
BESIDE_BYTES = 256 * 1024

# ---- keyproj query / report ----------------------------------------------------------------------
QUERY_MAX_WIDTH = 40                # --max-width: table cells cut at this many columns
REPORT_MAX_DOCS = 100               # --max-docs: documents embedded in the HTML report
REPORT_MAX_DOC_CHARS = 20_000       # --max-doc-chars: each embedded document cut here
REPORT_MAX_PROJECTS = 5_000         # --max-projects: rows of the report's projects table
EXPORT_MONEY_UNIT = "万元"          # --money-unit: money in the spreadsheets (元, 万元 or 亿元)
