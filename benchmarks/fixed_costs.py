"""The fixed costs of `keyproj`, as a user meets them: a run of one small file, `--help`, a
usage error, and the CPU each document costs on top of its extraction. One or more
installations are timed in turns (so that a slow spell of a shared machine falls on each
alike) and each figure is the median of `--repeat` turns. Prints a Markdown table.

    .venv/bin/python benchmarks/fixed_costs.py
    .venv/bin/python benchmarks/fixed_costs.py ../main/.venv/bin/keyproj .venv/bin/keyproj --docs 2000

Per document: (CPU of a run of `--docs` small documents - CPU of a run of one of them -
CPU of extracting the `--docs` documents in one process, rules loaded first) / `--docs`;
that is reading, hashing, rows, pickling between processes, Parquet, manifest and log.
The documents are fresh text (`fresh.py`: clauses of the source reports recombined, digits
redrawn), one short paragraph each; the one-file run reads a fresh document of about 5 KB.
Bytecode is cached in a folder of the benchmark's own even where PYTHONDONTWRITEBYTECODE is
set, as an installed package has it (compiling keyproj's modules costs a run 0.2-0.3 s).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (benchmarks/ is no package)
import fresh  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], env: dict[str, str], ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and all its children) of one command."""
    cpu = _cpu_of_children()
    t0 = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, env=env)
    wall = time.perf_counter() - t0
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(argv)}: exit {done.returncode}\n{done.stderr.decode()[-2000:]}")
    return wall, _cpu_of_children() - cpu


def one_document(source: fresh.Source, target: Path, nbytes: int, seed: int) -> None:
    """A fresh document of about `nbytes` bytes: a heading, then sentences of fresh clauses."""
    rng = random.Random(seed)
    lines = [rng.choice(source.headings)] if source.headings else []
    while len("\n".join(lines).encode("utf-8")) < nbytes:
        lines.append("，".join(fresh._clause(source, rng) for _ in range(3)) + "。")
    target.mkdir(parents=True, exist_ok=True)
    (target / "report.txt").write_text("\n".join(lines) + "\n", "utf-8")


def extraction_cpu(keyproj: str, corpus: Path, env: dict[str, str]) -> float:
    """CPU seconds of extracting every document of `corpus` in one process of the
    installation of `keyproj` (its Python), the rules and dictionary loaded first."""
    python = str(Path(keyproj).parent / "python")
    out = subprocess.run([python, str(Path(__file__).resolve().parent / "bench.py"), "--child", "extract",
                          str(corpus)], capture_output=True, text=True, check=True, env=env)
    return float(json.loads(out.stdout.strip().splitlines()[-1])["cpu"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("keyproj", nargs="*", help="keyproj executables (default: this Python's)")
    parser.add_argument("--docs", type=int, default=1000, help="small documents for the cost per document")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--source", type=Path, help="folder of reports to recombine (default: as bench.py)")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args(argv)
    installs = args.keyproj or [bench.keyproj_command()[0]]
    source = fresh.read_source([args.source] if args.source else bench.DEFAULT_SOURCES)
    work = Path(tempfile.mkdtemp(prefix="keyproj-fixed-"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    one, many, out = work / "one", work / "many", work / "out"
    one_document(source, one, 5000, args.seed)
    bench.small_corpus(many, source, args.docs, args.seed + 1)
    figures: dict[str, dict[str, list[float]]] = {k: {} for k in installs}

    def note(k: str, name: str, value: float) -> None:
        figures[k].setdefault(name, []).append(value)

    def run(k: str, folder: Path) -> tuple[float, float]:
        shutil.rmtree(out, ignore_errors=True)
        return timed([k, "run", str(folder), "--out", str(out), "--jobs", "1", "-q"], env)

    try:
        for k in installs:                  # once each, unmeasured: caches built, files in memory
            run(k, one)
            extraction_cpu(k, many, env)
        for _ in range(args.repeat):
            for k in installs:
                wall, cpu = run(k, one)
                note(k, "one file, wall s", wall)
                note(k, "one file, CPU s", cpu)
                note(k, "--help, wall s", timed([k, "--help"], env)[0])
                note(k, "usage error, wall s", timed([k, "run", str(one), "--jobs", "-1"], env, ok=(2,))[0])
                _, many_cpu = run(k, many)
                note(k, "per document, ms CPU", (many_cpu - cpu - extraction_cpu(k, many, env)) / args.docs * 1000)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    names = list(figures[installs[0]])
    print(f"median of {args.repeat} turns; one file of 5 KB; {args.docs} documents for the cost per document")
    print("| keyproj | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for k in installs:
        print(f"| {k} | " + " | ".join(f"{statistics.median(figures[k][n]):.3f}" for n in names) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
