"""How extraction time grows with the size of hostile text: shapes that real reports do not
have but a folder of scraped or converted files may (one sentence with no full stop for
pages, a list of thousands of items, the same name thousands of times, a wall of digits).
For each shape, the CPU seconds of extracting it at n, 2n and 4n units in one process and
the growth from n to 4n: about 4 is linear; 16 is quadratic and will hit the time budget
(`keyproj run --time-budget`) on a large file.

    .venv/bin/python benchmarks/hostile.py [--units 500]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.extract import Pipeline  # noqa: E402

# what one unit of each shape is (invented text); the document is `units` of them
SHAPES = {
    "one endless sentence": lambda i: "城东快速路工程总投资3.5亿元，已完成投资1.2亿元，",
    "distinct names, one sentence": lambda i: f"第{i}号道路工程开工建设，",
    "a list of bare items": lambda i: "甲乙丙、",
    "a list of named items": lambda i: f"城南{i}号路、",
    "headings, one a line": lambda i: f"（{i}）某某项目\n",
    "digits with units": lambda i: f"{i}万元 ",
    "nested brackets": lambda i: "（",
    "one name per line": lambda i: "项目\n",
    "a wall of digits": lambda i: "1234567890",
    "words split by spaces, no mark": lambda i: "某 某 某 某 某 ",
    "one line of names in cells": lambda i: f"城南{i}号大道工程 ",
}


def seconds(pipeline: Pipeline, text: str) -> float:
    start = time.process_time()
    pipeline("hostile", text)
    return time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=500, help="units of the smallest document")
    parser.add_argument("--shapes", nargs="*", help="only these shapes (their names' first words)")
    args = parser.parse_args(argv)
    pipeline = Pipeline()
    pipeline("warm", "城南大道工程总投资3亿元，已开工。")
    print("| shape | KB at 4n | CPU s at n | 2n | 4n | growth n→4n |\n|---|---|---|---|---|---|")
    for name, unit in SHAPES.items():
        if args.shapes and not any(name.startswith(w) for w in args.shapes):
            continue
        sizes = (args.units, 2 * args.units, 4 * args.units)
        texts = ["".join(unit(i) for i in range(n)) + "等项目。" for n in sizes]
        times = [seconds(pipeline, t) for t in texts]
        growth = times[2] / max(times[0], 1e-3)
        print(f"| {name} | {len(texts[2]) / 1000:.0f} | " + " | ".join(f"{t:.2f}" for t in times)
              + f" | {growth:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
