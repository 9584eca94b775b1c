"""The cache files a wheel ships, so that a fresh installation's first run does not build
them: `python -m pipeline.rules.prebuilt TARGET`, run by setup.py once the package and its
compiled route are in the build folder.

For now that is the segmenter's file (jieba's dictionary with the words of the shipped rules:
`text/segmenter.py`, SHIPPED_DIR), which took a first run 1-2 s of CPU to build; the rules'
and patterns' pickles (0.3-0.5 s) depend on the Python, `regex` and PyYAML versions of the
installation and are built on first use as before.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path


def build(target: Path) -> list[Path]:
    """Build the shipped cache files of the installation this module belongs to (its rules,
    jieba's dictionary) into `target`; returns the files written."""
    from pipeline.extract import Pipeline
    from pipeline.rules.loader import load_rules
    from pipeline.text.segmenter import shipped_name

    target.mkdir(parents=True, exist_ok=True)
    written = []
    before = os.environ.get("KEYPROJ_CACHE_DIR")
    with tempfile.TemporaryDirectory() as work:
        os.environ["KEYPROJ_CACHE_DIR"] = work      # built fresh, never read from the builder's cache
        try:
            Pipeline(load_rules())
        finally:
            if before is None:
                del os.environ["KEYPROJ_CACHE_DIR"]
            else:
                os.environ["KEYPROJ_CACHE_DIR"] = before
        for path in sorted(Path(work).glob("keyproj-jieba-*.trie")):
            name = shipped_name(path)
            if name is not None:
                written.append(Path(shutil.copyfile(path, target / name)))
    return written


if __name__ == "__main__":
    for path in build(Path(sys.argv[1])):
        print(f"keyproj: shipped cache {path.name} ({path.stat().st_size // 1024} KB)")
