"""Where one file's time goes, as a worker spends it: CPU seconds to read it, for each
extraction stage, to make its rows, and to check their offsets and pack them. For a shape
that is slow per MB (`benchmarks/hostile.py` says how it grows), this names the stage.

    .venv/bin/python benchmarks/stage_times.py FILE [FILE ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from profile_extract import _stages  # noqa: E402  (benchmarks/ is no package)

from pipeline.batch.run import packed_rows  # noqa: E402
from pipeline.extract import Pipeline  # noqa: E402
from pipeline.io.read import read_document  # noqa: E402
from pipeline.results import DocumentResult  # noqa: E402
from pipeline.rows import check_offsets, document_rows  # noqa: E402


def stage_seconds(pipeline: Pipeline, path: Path) -> tuple[int, dict[str, float]]:
    """The file's characters, and CPU seconds by step in the order a worker takes them."""
    seconds: dict[str, float] = {}
    before = time.process_time()

    def lap(name: str) -> None:
        nonlocal before
        now = time.process_time()
        seconds[name] = now - before
        before = now

    source = read_document(path, path.name, max_bytes=1 << 40, doc_id="x")
    lap("read")
    extraction = None
    for name, made in _stages(pipeline, "x", source.text):
        lap(name)
        extraction = made       # the last step's: the document's extraction
    rows = document_rows(DocumentResult(source, extraction, source.status, source.error), pipeline.rules)
    lap("rows")
    check_offsets(rows)
    packed_rows(rows)
    lap("offsets and packing")
    return len(source.text), seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args(argv)
    pipeline = Pipeline()
    for _ in _stages(pipeline, "warm", "热身。县水库工程总投资3亿元，已竣工。"):
        pass
    for path in args.files:
        chars, seconds = stage_seconds(pipeline, path)
        top = " | ".join(f"{name} {s:.2f}" for name, s in seconds.items() if s >= 0.005)
        print(f"{path.name}: {path.stat().st_size / 1e6:.2f} MB, {chars} characters, "
              f"{sum(seconds.values()):.2f} CPU-s: {top}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
