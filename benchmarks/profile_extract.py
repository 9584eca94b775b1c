"""Where extraction spends its time on fresh text: cProfile over `Pipeline` in one process.

Builds `--mb` of fresh documents (`fresh.py`, same seed as bench.py), loads the pipeline
and warms it on one sentence, then profiles the extraction of every document and prints
the costliest functions (own time, and cumulative time of the pipeline's own functions).

    .venv/bin/python benchmarks/profile_extract.py --mb 2
    .venv/bin/python benchmarks/profile_extract.py --mb 2 --save /tmp/extract.prof
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

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
    args = parser.parse_args(argv)

    from pipeline.extract import Pipeline

    source = fresh.read_source([args.source] if args.source else SOURCES)
    docs = list(fresh.documents(source, args.mb, args.seed))
    nbytes = sum(len(d.encode("utf-8")) for d in docs)
    pipeline = Pipeline()
    pipeline("warm-up", "城南大道建设项目已开工，完成投资3.5亿元。")
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


if __name__ == "__main__":
    sys.exit(main())
