"""How extraction time grows with the size of hostile text: shapes that real reports do not
have but a folder of scraped or converted files may (one sentence with no full stop for
pages, a list of thousands of items, the same name thousands of times, a wall of digits).
For each shape, the CPU seconds of extracting it (and making its rows) at n, 2n and 4n units in one process and
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
    # a table dumped as lines of 、-parted cells, each row a project with an amount and a
    # state: the normaliser joins the rows into one line with no comma, one section holds
    # them all (the status model's section state and the link's clause were per row over all)
    "table rows of cells": lambda i: f"{i}、城南{i}号路工程、交通、{i % 90 + 10}亿元、在建\n",
    "numbered headings": lambda i: ("一、某某工程\n", "（一）某某工程\n", f"{i}. 某某工程\n")[i % 3],
    "one character": lambda i: "的",
    "brackets 50 deep": lambda i: "（" * 50 + "城南路工程总投资3亿元" + "）" * 50 + "。\n",
    "lines of amounts": lambda i: f"{i % 1000}.{i % 7}万元\n",
    "the same name, a list": lambda i: "城东快速路工程、",
    "traditional, mixed marks": lambda i: "縣城東快速路工程總投資3.5億元，已完成投資1.2億元；「產業園」項目進展順利!",
    "amounts parted by 、": lambda i: f"{i % 97 + 1}.{i % 9}亿元、",
    # a web page's tables copied one cell a line, and number-column words alone on lines
    "tables one cell a line": lambda i: f"序号\n项目名称\n总投资\n形象进度\n1\n城南{i}号路\n3亿元\n在建\n",
    "number-column words": lambda i: "序号\n",
}


def seconds(pipeline: Pipeline, text: str) -> float:
    """CPU seconds of what a worker does with the text: extraction, then the document's rows
    (a project's deciding cue was once searched for through all the cues: a sentence naming
    30,000 projects spent 20 s there)."""
    from pipeline.io.read import SourceDocument
    from pipeline.results import DocumentResult
    from pipeline.rows import document_rows

    start = time.process_time()
    source = SourceDocument("hostile", "hostile.txt", "txt", "utf-8", text, "ok", None)
    document_rows(DocumentResult(source, pipeline("hostile", text), "ok", None), pipeline.rules)
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
