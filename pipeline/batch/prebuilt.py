"""The cache files a wheel ships, so that a fresh installation's first run does not build
them: `python -m pipeline.batch.prebuilt TARGET`, run by setup.py once the package and its
compiled route are in the build folder.

They are what a first run builds of the shipped rules: the segmenter's file (jieba's
dictionary with the rules' words, 1-2 s of CPU: `text/segmenter.py`, `loader.SHIPPED_CACHE_DIR`), the
validated rules (0.3-0.5 s, `loader.copy_shipped`), the stages' compiled patterns
(0.1 s, `compiled.py`) and the compiled methods of the dataclasses a run makes (0.1 s,
`made_methods.py`). Each is named by what it was built from (the rules' and the
dictionary's bytes, the code, the Python, `regex` and PyYAML versions), so an installation
that differs in any of them builds its own, as before.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

# the modules a run imports, in its command-line process and in its workers: their
# dataclasses' methods go into the shipped file (`rules/made_methods.py`)
RUN_MODULES = ("pipeline.command", "pipeline.batch.run", "pipeline.batch.pool", "pipeline.batch.store",
               "pipeline.batch.ledger", "pipeline.batch.manifest", "pipeline.batch.tables", "pipeline.batch.runlog",
               "pipeline.extract", "pipeline.rows")


def build(target: Path) -> list[Path]:
    """Build the shipped cache files of the installation this module belongs to (its rules,
    jieba's dictionary) into `target`; returns the files written."""
    target.mkdir(parents=True, exist_ok=True)
    for stale in target.glob("keyproj-*"):     # a build folder kept from an earlier build
        stale.unlink()
    written = []
    before = os.environ.get("KEYPROJ_CACHE_DIR")
    with tempfile.TemporaryDirectory() as work:
        os.environ["KEYPROJ_CACHE_DIR"] = work      # built fresh, never read from the builder's cache
        try:
            from pipeline.rules.made_methods import cached_methods, save_made_methods

            with cached_methods():      # the dataclasses' methods of a run's modules, compiled
                for module in RUN_MODULES:
                    # a build lacks what only runs need (pyarrow): that module's methods
                    # are compiled by the first run
                    with contextlib.suppress(ImportError):
                        importlib.import_module(module)
            save_made_methods(always=True)

            from pipeline.batch.run import WARM_UP_TEXT
            from pipeline.extract import Pipeline
            from pipeline.rules.compiled import save_compiled
            from pipeline.rules.loader import load_rules
            from pipeline.text.segmenter import shipped_name

            pipeline = Pipeline(load_rules())
            # a worker's warm-up document compiles the rest of the stages' patterns (it needs
            # opencc, which a build may lack: then those are compiled on first use)
            with contextlib.suppress(ImportError):
                pipeline("warm-up", WARM_UP_TEXT)
            save_compiled(always=True)
        finally:
            if before is None:
                del os.environ["KEYPROJ_CACHE_DIR"]
            else:
                os.environ["KEYPROJ_CACHE_DIR"] = before
        for path in sorted(Path(work).iterdir()):
            name = shipped_name(path) if path.suffix == ".trie" else path.name
            if name is not None and name.startswith("keyproj-"):
                written.append(Path(shutil.copyfile(path, target / name)))
    return written


if __name__ == "__main__":
    for path in build(Path(sys.argv[1])):
        print(f"keyproj: shipped cache {path.name} ({path.stat().st_size // 1024} KB)")
