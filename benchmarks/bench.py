"""End-to-end throughput of `keyproj run`: raw text to Parquet, as a user runs it.

Builds a corpus of about `--mb` megabytes by repeating the documents of a source folder
(default: ../shared/corpus/gov-work-reports next to the repository, else the project's own
samples in data/raw), runs ``keyproj run CORPUS --out TMP --jobs J -q`` as a subprocess for
each J, samples the resident memory of the whole process tree (the command and all its
workers, summed) every 50 ms, and prints a Markdown table. Also times ``keyproj --help``.

Every copy of a document gets a distinct last line, so a run that skips duplicate contents
still processes them all; the text is otherwise repeated verbatim, so caches inside a
worker (jieba blocks, name tags) hit more often than on fresh text of the same size.

    .venv/bin/pip install -e ".[bench]"
    .venv/bin/python benchmarks/bench.py --mb 100
    .venv/bin/python benchmarks/bench.py --mb 10 --jobs 1,2 --source data/raw
    .venv/bin/python benchmarks/bench.py --mb 1000 --jobs 1,2 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = [ROOT.parent / "shared" / "corpus" / "gov-work-reports", ROOT / "data" / "raw"]
SUFFIXES = {".txt", ".md"}


@dataclass
class Result:
    workers: int
    documents: int
    megabytes: float
    seconds: float
    peak_rss_mb: float
    returncode: int


def keyproj_command() -> list[str]:
    """The `keyproj` of the Python running this script (its virtual environment)."""
    exe = Path(sys.executable).with_name("keyproj")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "pipeline"]


def build_corpus(source: Path, target: Path, megabytes: float) -> tuple[int, int]:
    """Copy the documents of `source` into `target` until `megabytes` are there; returns
    (documents, bytes)."""
    docs = sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    if not docs:
        raise SystemExit(f"no .txt/.md documents under {source}")
    contents = [(p.relative_to(source), p.read_bytes()) for p in docs]
    goal = int(megabytes * 1_000_000)
    total = count = copy = 0
    while total < goal:
        folder = target / f"copy{copy:04d}"
        for rel, data in contents:
            if total >= goal:
                break
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            text = data.decode("utf-8", errors="replace").rstrip("\n") + f"\n\n—— {copy} ——\n"
            raw = text.encode("utf-8")
            path.write_bytes(raw)
            total += len(raw)
            count += 1
        copy += 1
    return count, total


def supports_jobs(cmd: list[str]) -> bool:
    out = subprocess.run([*cmd, "run", "--help"], capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "200"})
    return "--jobs" in out.stdout


class TreeRss:
    """Resident bytes of a process and all its descendants.

    Finding the descendants scans every process on the machine (0.7 ms here), so it is
    done once a second; the memory of the processes found is read at every sample. At 20
    samples a second a full scan each time took 1.4 % of a core from the run it measured,
    and on 2 cores with 2 workers that is time taken from the workers.
    """

    def __init__(self, proc: psutil.Process, rescan: float = 1.0) -> None:
        self.proc = proc
        self.rescan = rescan
        self.procs: list[psutil.Process] = [proc]
        self.scanned = float("-inf")

    def __call__(self) -> int:
        now = time.monotonic()
        if now - self.scanned >= self.rescan:
            self.scanned = now
            try:
                self.procs = [self.proc, *self.proc.children(recursive=True)]
            except psutil.Error:
                return 0
        total = 0
        for p in self.procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total


def run_once(cmd: list[str], corpus: Path, out: Path, jobs: int | None, documents: int,
             nbytes: int, interval: float = 0.05) -> Result:
    args = [*cmd, "run", str(corpus), "--out", str(out), "-q"]
    if jobs is not None:
        args += ["--jobs", str(jobs)]
    peak = 0
    done = threading.Event()
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tree_rss = TreeRss(psutil.Process(proc.pid))

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss())
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode != 0:
        sys.stderr.write(err.decode("utf-8", errors="replace")[-2000:])
    return Result(jobs if jobs is not None else 1, documents, nbytes / 1e6, seconds, peak / 1e6,
                  proc.returncode)


def help_time(cmd: list[str], repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([*cmd, "--help"], capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_run(runs: list[Result]) -> Result:
    """One result for repeated runs of a worker count: the median time, the highest peak."""
    return Result(runs[0].workers, runs[0].documents, runs[0].megabytes,
                  statistics.median(r.seconds for r in runs), max(r.peak_rss_mb for r in runs),
                  max((r.returncode for r in runs), key=abs))


def table(results: list[Result]) -> str:
    base = next((r for r in results if r.workers == 1), results[0])
    lines = ["| workers | documents | MB | seconds | MB/s | MB/s per core | docs/s | peak RSS MB | speed-up |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    cores = os.cpu_count() or 1
    for r in results:
        rate = r.megabytes / r.seconds
        per_core = rate / max(1, min(r.workers, cores))
        lines.append(f"| {r.workers} | {r.documents} | {r.megabytes:.1f} | {r.seconds:.1f} | {rate:.2f} | "
                     f"{per_core:.2f} | {r.documents / r.seconds:.1f} | {r.peak_rss_mb:.0f} | "
                     f"{base.seconds / r.seconds:.2f}x |" + ("" if r.returncode == 0 else f" exit {r.returncode}"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=20.0, help="corpus size in MB (default 20)")
    parser.add_argument("--jobs", default=None,
                        help="comma-separated worker counts (default: 1 and os.cpu_count())")
    parser.add_argument("--source", type=Path, default=None, help="folder of documents to repeat")
    parser.add_argument("--workdir", type=Path, default=None, help="where to build the corpus (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the corpus and outputs")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run every worker count this many times, in turns (1, 2, 1, 2, ...), "
                             "and report the median time (default 1)")
    args = parser.parse_args(argv)

    source = args.source or next((p for p in DEFAULT_SOURCES if p.is_dir()), None)
    if source is None or not source.is_dir():
        raise SystemExit("no source folder: pass --source")
    cores = os.cpu_count() or 1
    jobs_list = [int(j) for j in args.jobs.split(",")] if args.jobs else sorted({1, cores})
    cmd = keyproj_command()
    has_jobs = supports_jobs(cmd)
    if not has_jobs:
        print("note: this keyproj has no --jobs option; running it once, in one process", file=sys.stderr)
        jobs_list = [1]

    work = Path(tempfile.mkdtemp(prefix="keyproj-bench-", dir=args.workdir))
    results: list[Result] = []
    runs: dict[int, list[Result]] = {}
    try:
        corpus = work / "corpus"
        t0 = time.perf_counter()
        documents, nbytes = build_corpus(source, corpus, args.mb)
        print(f"corpus: {documents} documents, {nbytes / 1e6:.1f} MB from {source} "
              f"(built in {time.perf_counter() - t0:.1f} s); {cores} cores", file=sys.stderr)
        runs = {jobs: [] for jobs in jobs_list}
        # in turns, so that a slow spell of a shared machine falls on every worker count
        for _ in range(max(1, args.repeat)):
            for jobs in jobs_list:
                out = work / f"out-{jobs}"
                shutil.rmtree(out, ignore_errors=True)
                r = run_once(cmd, corpus, out, jobs if has_jobs else None, documents, nbytes)
                print(f"  {jobs} worker(s): {r.seconds:.1f} s, peak RSS {r.peak_rss_mb:.0f} MB", file=sys.stderr)
                runs[jobs].append(r)
                if not args.keep:
                    shutil.rmtree(out, ignore_errors=True)
        results = [median_run(rs) for rs in runs.values()]
        print(table(results))
        if args.repeat > 1:
            print()
            print(f"Median of {args.repeat} runs each; every run's seconds:")
            for jobs, rs in runs.items():
                print(f"- {jobs} worker(s): " + ", ".join(f"{r.seconds:.1f}" for r in rs))
        print()
        print(f"`keyproj --help`: {help_time(cmd):.2f} s (median of 5)")
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if all(r.returncode == 0 for rs in runs.values() for r in rs) else 1


if __name__ == "__main__":
    sys.exit(main())
