"""The memory one big document costs `keyproj run --jobs 1`, process by process: the peak
resident memory of the command's own process (the writer: the worker's answer, Arrow,
Parquet) and of its worker, for one fresh document of `--mb` MB against one of 5 KB, per
MB of text. `bench.py --fresh --big-mb` measures extraction alone in one process; this
measures the run a user starts. One or more installations are measured in turns.

    .venv/bin/python benchmarks/run_memory.py --mb 8
    .venv/bin/python benchmarks/run_memory.py /tmp/base/.venv/bin/keyproj .venv/bin/keyproj --mb 2 --repeat 3

The document is fresh text (`fresh.py`, the source's clauses recombined, digits redrawn).
Memory is sampled every 5 ms (psutil), the workers looked up at every sample.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (benchmarks/ is no package)
import fresh  # noqa: E402


def write_document(source: fresh.Source, folder: Path, megabytes: float, seed: int) -> int:
    """One fresh document of about `megabytes` MB in `folder`; its size in bytes."""
    text = "\n".join(fresh.documents(source, megabytes, seed))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.txt").write_text(text, "utf-8")
    return len(text.encode("utf-8"))


def peaks(keyproj: str, folder: Path, out: Path, env: dict[str, str]) -> tuple[float, float]:
    """Peak RSS in MB of `keyproj run FOLDER --jobs 1`'s own process and of its worker."""
    shutil.rmtree(out, ignore_errors=True)
    proc = subprocess.Popen([keyproj, "run", str(folder), "--out", str(out), "--jobs", "1", "-q"], env=env)
    me = psutil.Process(proc.pid)
    own = worker = 0
    while proc.poll() is None:
        try:
            own = max(own, me.memory_info().rss)
            for child in me.children():
                try:
                    worker = max(worker, child.memory_info().rss)
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        time.sleep(0.005)
    if proc.returncode != 0:
        raise SystemExit(f"{keyproj} run {folder}: exit {proc.returncode}")
    return own / 1e6, worker / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("keyproj", nargs="*", help="keyproj executables (default: this Python's)")
    parser.add_argument("--mb", type=float, default=8.0, help="size of the big document (default 8)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    installs = args.keyproj or [bench.keyproj_command()[0]]
    source = fresh.read_source(bench.DEFAULT_SOURCES)
    work = Path(tempfile.mkdtemp(prefix="keyproj-runmem-"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    figures: dict[str, dict[str, list[float]]] = {k: {"writer": [], "worker": []} for k in installs}
    try:
        small, big = work / "small", work / "big"
        write_document(source, small, 0.005, args.seed)
        megabytes = write_document(source, big, args.mb, args.seed + 1) / 1e6
        for k in installs:                      # once each, unmeasured: bytecode, caches
            peaks(k, small, work / "out", env)
        for _ in range(args.repeat):
            for k in installs:
                own_small, worker_small = peaks(k, small, work / "out", env)
                own_big, worker_big = peaks(k, big, work / "out", env)
                figures[k]["writer"].append((own_big - own_small) / megabytes)
                figures[k]["worker"].append((worker_big - worker_small) / megabytes)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"one document of {megabytes:.1f} MB against one of 5 KB, `keyproj run --jobs 1`; "
          f"MB of peak RSS per MB of text, median of {args.repeat} (all)")
    print("| keyproj | writer (the command's process) | its worker |")
    print("|---|---:|---:|")
    for k in installs:
        cells = [f"{statistics.median(v):.2f} ({', '.join(f'{x:.2f}' for x in v)})" for v in figures[k].values()]
        print(f"| {k} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
