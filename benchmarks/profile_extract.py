"""Where extraction spends its time on fresh text: cProfile over `Pipeline` in one process.

Builds `--mb` of fresh documents (`fresh.py`, same seed as bench.py), loads the pipeline
and warms it on one sentence, then profiles the extraction of every document and prints
the costliest functions (own time, and cumulative time of the pipeline's own functions).

    .venv/bin/python benchmarks/profile_extract.py --mb 2
    .venv/bin/python benchmarks/profile_extract.py --mb 2 --save /tmp/extract.prof
    .venv/bin/python benchmarks/profile_extract.py --mb 3 --stages    # CPU per stage, no profiler
    .venv/bin/python benchmarks/profile_extract.py --mb 2 --memory    # memory per stage, one document

`--stages` times each stage (normalise, sections, then the registry's) in CPU seconds
without the profiler, whose overhead falls on Python code and not on regular expressions.
`--memory` joins the documents into one and reports, after each stage, the memory
allocated (tracemalloc: what is still held, and the peak so far) per MB of the text, then
the lines that hold the most at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fresh  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT.parent / "shared" / "corpus" / "gov-work-reports", ROOT / "data" / "raw"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=2.0, help="fresh text to profile, in MB (default 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--top", type=int, default=25, help="rows per listing (default 25)")
    parser.add_argument("--source", type=Path, default=None, help="folder of documents to recombine")
    parser.add_argument("--save", type=Path, default=None, help="also write the raw profile here")
    parser.add_argument("--stages", action="store_true", help="CPU seconds per stage instead of a profile")
    parser.add_argument("--memory", action="store_true", help="memory per stage of one document joined from all")
    args = parser.parse_args(argv)

    from pipeline.extract import Pipeline

    source = fresh.read_source([args.source] if args.source else SOURCES)
    docs = list(fresh.documents(source, args.mb, args.seed))
    nbytes = sum(len(d.encode("utf-8")) for d in docs)
    pipeline = Pipeline()
    pipeline("warm-up", "城南大道建设项目已开工，完成投资3.5亿元。")
    if args.stages:
        return _stage_times(pipeline, docs, nbytes)
    if args.memory:
        return _stage_memory(pipeline, "\n".join(docs), args.top)
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    for i, doc in enumerate(docs):
        pipeline(f"doc{i}", doc)
    profiler.disable()
    seconds = time.perf_counter() - t0
    print(f"{len(docs)} fresh documents, {nbytes / 1e6:.2f} MB, {seconds:.1f} s under the profiler "
          f"({nbytes / 1e6 / seconds:.2f} MB/s; the profiler itself slows Python code down)\n")
    if args.save:
        profiler.dump_stats(args.save)
    listings = (("tottime", "own time", ()), ("cumulative", "cumulative, pipeline's own", ("pipeline/",)))
    for order, title, restrict in listings:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(order).print_stats(*restrict, args.top)
        print(f"## {title}")
        print("\n".join(line.replace(str(ROOT) + "/", "") for line in out.getvalue().splitlines() if line.strip()))
        print()
    return 0


def _stages(pipeline: Any, doc_id: str, text: str) -> Iterator[tuple[str, Any]]:
    """Run the pipeline on `text` step by step, yielding after each step (its name and
    what it made, so a caller can time or measure it)."""
    from pipeline.stages.found import Found
    from pipeline.stages.sections import split_sections
    from pipeline.text.layout import Layout
    from pipeline.text.normalise import normalise

    doc = normalise(doc_id, text, pipeline.rules)
    yield "normalise", doc
    sections = split_sections(doc.norm, pipeline.rules)
    yield "sections", sections
    found, layout = Found(doc, sections), Layout(doc.norm, tuple(sections))
    for name, stage in pipeline.stages.items():
        found = stage(layout, found)
        yield name, found
    yield "extraction", found.extraction()


def _stage_times(pipeline: Any, docs: list[str], nbytes: int) -> int:
    seconds: dict[str, float] = defaultdict(float)
    for i, doc in enumerate(docs):
        before = time.process_time()
        for name, _ in _stages(pipeline, f"doc{i}", doc):
            now = time.process_time()
            seconds[name] += now - before
            before = now
    total = sum(seconds.values())
    print(f"{len(docs)} fresh documents, {nbytes / 1e6:.2f} MB: CPU seconds per stage\n")
    print("| stage | CPU s | share |\n|---|---:|---:|")
    for name, s in seconds.items():
        print(f"| {name} | {s:.2f} | {100 * s / total:.1f}% |")
    print(f"| all | {total:.2f} | {nbytes / 1e6 / total:.2f} MB per CPU-second |")
    return 0


def _stage_memory(pipeline: Any, text: str, top: int) -> int:
    import gc
    import tracemalloc

    mb = len(text.encode("utf-8")) / 1e6
    gc.collect()
    tracemalloc.start()
    start = tracemalloc.take_snapshot()
    print(f"one document of {mb:.2f} MB: memory allocated per MB of its text (tracemalloc)\n")
    print("| after | held | peak so far |\n|---|---:|---:|")
    kept = []
    for name, made in _stages(pipeline, "big", text):
        kept.append(made)
        held, peak = tracemalloc.get_traced_memory()
        print(f"| {name} | {held / 1e6 / mb:.2f} | {peak / 1e6 / mb:.2f} |")
    print(f"\n## the {top} lines that hold the most at the end")
    for stat in tracemalloc.take_snapshot().compare_to(start, "lineno")[:top]:
        print(str(stat).replace(str(ROOT) + "/", ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
