"""CPU seconds of extraction alone (`Pipeline` on each file, no reading of tables, no
writing) over a folder, in the installation whose Python runs it. Run it with two
installations' Pythons in turns to compare them on a shared machine:

    for i in 1 2 3 4 5; do
        OLD/.venv/bin/python benchmarks/extract_cpu.py ../shared/corpus
        .venv/bin/python benchmarks/extract_cpu.py ../shared/corpus
    done
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from pipeline.extract import Pipeline


def main(folder: Path) -> None:
    texts = [p.read_text("utf-8") for p in sorted(folder.rglob("*.txt"))]
    pipeline = Pipeline()
    pipeline("warm-up", "城南大道建设项目已开工，完成投资3.5亿元。")   # load rules, dictionary, models
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for i, text in enumerate(texts):
        pipeline(str(i), text)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(json.dumps({"files": len(texts), "mb": round(mb, 2), "cpu_s": round(cpu, 2),
                      "wall_s": round(wall, 2), "mb_per_cpu_s": round(mb / cpu, 3)}))


if __name__ == "__main__":
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_dir():
        print("usage: extract_cpu.py FOLDER", file=sys.stderr)
        sys.exit(2)
    main(Path(sys.argv[1]))
