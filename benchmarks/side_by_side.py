"""Two (or more) `keyproj` installations timed in turns on the same folder: the fixed cost of
a run, or any folder's run, measured side by side so that a slow spell of a shared machine
falls on each of them alike. Prints wall and CPU seconds (the command and its workers), the
median of `--repeat` turns, and each one's ratio to the first. Bytecode is cached (in a
folder of the benchmark's own, PYTHONPYCACHEPREFIX) even where PYTHONDONTWRITEBYTECODE is
set, as an installed package runs: compiling keyproj's modules again costs every process
0.3 s or more.

    .venv/bin/python benchmarks/side_by_side.py FOLDER ../main/.venv/bin/keyproj .venv/bin/keyproj
    .venv/bin/python benchmarks/side_by_side.py FOLDER A B --jobs 2 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path


def timed(keyproj: str, folder: Path, out: Path, jobs: int, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and all its children) of one fresh run."""
    shutil.rmtree(out, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([keyproj, "run", str(folder), "--out", str(out), "-q", "--jobs", str(jobs)],
                   check=True, capture_output=True, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    shutil.rmtree(out, ignore_errors=True)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("keyproj", nargs="+", help="keyproj executables to compare (the first is the reference)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="keyproj-side-"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    walls: dict[str, list[float]] = {k: [] for k in args.keyproj}
    cpus: dict[str, list[float]] = {k: [] for k in args.keyproj}
    try:
        for k in args.keyproj:              # once each unmeasured: caches built, files in memory
            timed(k, args.folder, work / "out", args.jobs, env)
        for _ in range(args.repeat):
            for k in args.keyproj:
                wall, cpu = timed(k, args.folder, work / "out", args.jobs, env)
                walls[k].append(wall)
                cpus[k].append(cpu)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ref_wall = statistics.median(walls[args.keyproj[0]])
    ref_cpu = statistics.median(cpus[args.keyproj[0]])
    print(f"`keyproj run {args.folder} --jobs {args.jobs}`, median of {args.repeat} turns")
    print("| keyproj | wall s | CPU s | wall vs first | CPU vs first |")
    print("|---|---:|---:|---:|---:|")
    for k in args.keyproj:
        wall, cpu = statistics.median(walls[k]), statistics.median(cpus[k])
        print(f"| {k} | {wall:.2f} | {cpu:.2f} | {wall / ref_wall:.2f}x | {cpu / ref_cpu:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
