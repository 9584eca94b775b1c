"""End-to-end throughput of `keyproj run`: raw text to Parquet, as a user runs it.

With ``--fresh`` (the figures to quote) the corpus is fresh text (`fresh.py`: distinct
documents recombined from the source's clauses, digits redrawn, so the caches inside a
worker hit about as often as on a real archive), and the benchmark also reports, each in
a process of its own: extraction in one process (no reading, no tables), ``jieba.lcut``
on the same text (the yardstick), the fixed cost of a run of one small file, the cost per
document on top of extraction (many small documents), and the memory one big document
adds per MB of its text. The machine may be shared: compare figures measured side by
side, as ratios.

    .venv/bin/python benchmarks/bench.py --fresh --mb 20 --jobs 1,2

Builds a corpus of about `--mb` megabytes by repeating the documents of a source folder
(default: ../shared/corpus/gov-work-reports next to the repository, else the project's own
samples in data/raw), runs ``keyproj run CORPUS --out TMP --jobs J -q`` as a subprocess for
each J, samples the resident memory of the whole process tree (the command and all its
workers, summed) every 50 ms, and prints a Markdown table. Each run's line on stderr splits
its CPU seconds between the command's own process (the writer: planning, hashing, Arrow and
Parquet, its imports included), read once it has exited, and its workers. Also times
``keyproj --help``.

Every copy of a document gets a distinct last line, so a run that skips duplicate contents
still processes them all; the text is otherwise repeated verbatim, so caches inside a
worker (jieba blocks, name tags) hit more often than on fresh text of the same size.

Without ``--fresh`` (the cached figures):

    .venv/bin/pip install -e ".[bench]"
    .venv/bin/python benchmarks/bench.py --mb 100
    .venv/bin/python benchmarks/bench.py --mb 10 --jobs 1,2 --source data/raw
    .venv/bin/python benchmarks/bench.py --mb 1000 --jobs 1,2 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import random
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fresh  # noqa: E402  (benchmarks/ is no package)

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
    cpu_seconds: float = 0.0      # user + system of the command and all its workers
    # user + system of the command's own process alone: the writer (planning, hashing,
    # Arrow, Parquet), its imports and start included; the rest of `cpu_seconds` is its workers'
    writer_cpu_seconds: float = 0.0
    # with --pss: the peak of the tree's proportional set size (a page shared by N processes
    # counted 1/N): forked workers share the parent's pages, which the summed RSS counts
    # once per process
    peak_pss_mb: float = 0.0


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
        return self.sample()[0]

    def sample(self, pss: bool = False) -> tuple[int, int]:
        """(resident bytes, proportional bytes) of the tree; the second 0 unless `pss`."""
        now = time.monotonic()
        if now - self.scanned >= self.rescan:
            self.scanned = now
            try:
                self.procs = [self.proc, *self.proc.children(recursive=True)]
            except psutil.Error:
                return 0, 0
        total = proportional = 0
        for p in self.procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                continue
            if pss:
                proportional += proportional_set_size(p.pid)
        return total, proportional


def proportional_set_size(pid: int) -> int:
    """Bytes of a process's proportional set size (each page shared by N processes counted
    1/N; /proc/PID/smaps_rollup, which the kernel sums itself), or 0 where it cannot be read
    (another system, a process gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def run_once(cmd: list[str], corpus: Path, out: Path, jobs: int | None, documents: int,
             nbytes: int, interval: float = 0.05, pss: bool = False) -> Result:
    args = [*cmd, "run", str(corpus), "--out", str(out), "-q"]
    if jobs is not None:
        args += ["--jobs", str(jobs)]
    peak = peak_pss = 0
    done = threading.Event()
    cpu_before = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tree_rss = TreeRss(psutil.Process(proc.pid))

    def sample() -> None:
        nonlocal peak, peak_pss
        while not done.is_set():
            rss, proportional = tree_rss.sample(pss)
            peak, peak_pss = max(peak, rss), max(peak_pss, proportional)
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    err = bytearray()
    reader = threading.Thread(target=lambda: err.extend(proc.stderr.read() if proc.stderr else b""), daemon=True)
    reader.start()
    writer_cpu = _own_cpu_at_exit(proc)
    proc.wait()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    reader.join()
    if proc.returncode != 0:
        sys.stderr.write(err.decode("utf-8", errors="replace")[-2000:])
    return Result(jobs if jobs is not None else 1, documents, nbytes / 1e6, seconds, peak / 1e6,
                  proc.returncode, _children_cpu() - cpu_before, writer_cpu, peak_pss / 1e6)


def warm_bytecode(cmd: list[str], corpus: Path, work: Path, has_jobs: bool) -> None:
    """Run the command once, untimed, on three of the corpus's documents, so that the
    bytecode cache (a folder of this benchmark's own, empty at its start) holds every module
    a run imports, in the command's process and in its worker: the first timed run compiled
    them all (about 0.6 CPU-s in the command's process alone), which made one worker look
    slower than two."""
    warm, out = work / "warm", work / "out-warm"
    warm.mkdir()
    for i, path in enumerate(sorted(corpus.rglob("*.txt"))[:3]):
        shutil.copyfile(path, warm / f"{i}.txt")
    subprocess.run([*cmd, "run", str(warm), "--out", str(out), "-q", *(["--jobs", "1"] if has_jobs else [])],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    shutil.rmtree(warm, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)


def _own_cpu_at_exit(proc: subprocess.Popen[bytes]) -> float:
    """CPU seconds (user + system) of `proc` itself, not its children, read once it has
    exited and before it is reaped (`waitid` with WNOWAIT: its /proc entry still holds its
    times then). 0.0 where that cannot be read (no `waitid`, no /proc)."""
    if not hasattr(os, "waitid"):
        return 0.0
    try:
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)
        times = psutil.Process(proc.pid).cpu_times()
    except (OSError, psutil.Error):
        return 0.0
    return times.user + times.system


def _children_cpu() -> float:
    """CPU seconds (user + system) of the waited-for children of this process, and theirs:
    on a shared machine far steadier than wall time, which counts others' work too."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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
                  max((r.returncode for r in runs), key=abs), statistics.median(r.cpu_seconds for r in runs),
                  statistics.median(r.writer_cpu_seconds for r in runs), max(r.peak_pss_mb for r in runs))


def table(results: list[Result]) -> str:
    base = next((r for r in results if r.workers == 1), results[0])
    lines = ["| workers | documents | MB | seconds | MB/s | MB/s per core | MB per CPU-second | docs/s | "
             "peak RSS MB | speed-up |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    cores = os.cpu_count() or 1
    for r in results:
        rate = r.megabytes / r.seconds
        per_core = rate / max(1, min(r.workers, cores))
        lines.append(f"| {r.workers} | {r.documents} | {r.megabytes:.1f} | {r.seconds:.1f} | {rate:.2f} | "
                     f"{per_core:.2f} | {r.megabytes / r.cpu_seconds if r.cpu_seconds else 0:.2f} | "
                     f"{r.documents / r.seconds:.1f} | {r.peak_rss_mb:.0f} | "
                     f"{base.seconds / r.seconds:.2f}x |" + ("" if r.returncode == 0 else f" exit {r.returncode}"))
    return "\n".join(lines)


# -- fresh-text figures, each measured in a process of its own -------------------------

def _texts(corpus: Path) -> list[tuple[str, str]]:
    return [(str(p.relative_to(corpus)), p.read_text("utf-8")) for p in sorted(corpus.rglob("*.txt"))]


def _child_extract(corpus: Path) -> dict[str, float]:
    """Extraction of every document in this process (rules and dictionary loaded first)."""
    from pipeline.extract import Pipeline

    texts = _texts(corpus)
    t0 = time.perf_counter()
    pipeline = Pipeline()
    pipeline("warm-up", "城南大道建设项目已开工，完成投资3.5亿元。")
    ready, cpu = time.perf_counter(), time.process_time()
    for doc_id, text in texts:
        pipeline(doc_id, text)
    return {"seconds": time.perf_counter() - ready, "cpu": time.process_time() - cpu, "startup": ready - t0,
            "bytes": sum(len(t.encode("utf-8")) for _, t in texts), "documents": len(texts)}


def _child_jieba(corpus: Path) -> dict[str, float]:
    """jieba.lcut (its defaults) on the same texts, the dictionary loaded first."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    texts = _texts(corpus)
    jieba.initialize()
    t0, cpu = time.perf_counter(), time.process_time()
    for _, text in texts:
        jieba.lcut(text)
    return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - cpu,
            "bytes": sum(len(t.encode("utf-8")) for _, t in texts)}


def _child_big(corpus: Path) -> dict[str, float]:
    """Resident memory one big document (the corpus joined) adds, after a warm-up, and its CPU."""
    import gc

    from pipeline.extract import Pipeline

    text = "\n".join(t for _, t in _texts(corpus))
    pipeline = Pipeline()
    pipeline("warm-up", "城南大道建设项目已开工，完成投资3.5亿元。")
    gc.collect()
    before = psutil.Process().memory_info().rss
    peak = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], psutil.Process().memory_info().rss)
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0, cpu = time.perf_counter(), time.process_time()
    pipeline("big", text)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu
    done.set()
    sampler.join()
    return {"bytes": len(text.encode("utf-8")), "grown": peak[0] - before, "seconds": seconds, "cpu": cpu}


CHILDREN = {"extract": _child_extract, "jieba": _child_jieba, "big": _child_big}


def in_child(kind: str, corpus: Path) -> dict[str, float]:
    """Run one of CHILDREN in a fresh Python (nothing cached) and return its figures."""
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(corpus)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def small_corpus(target: Path, source: fresh.Source, documents: int, seed: int) -> int:
    """`documents` files of one short fresh paragraph each; returns their bytes."""
    rng = random.Random(seed)
    nbytes = 0
    for i in range(documents):
        text = "，".join(fresh._clause(source, rng) for _ in range(3)) + "。\n"
        path = target / f"{i:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        nbytes += len(text.encode("utf-8"))
    return nbytes


def timed_run(cmd: list[str], corpus: Path, out: Path, jobs: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and its workers) of one `keyproj run`."""
    shutil.rmtree(out, ignore_errors=True)
    cpu = _children_cpu()
    t0 = time.perf_counter()
    subprocess.run([*cmd, "run", str(corpus), "--out", str(out), "-q", "--jobs", str(jobs)],
                   check=True, capture_output=True)
    seconds = time.perf_counter() - t0
    shutil.rmtree(out, ignore_errors=True)
    return seconds, _children_cpu() - cpu


def fresh_report(cmd: list[str], work: Path, corpus: Path, source: fresh.Source, documents: int,
                 nbytes: int, results: list[Result], big_mb: float, seed: int) -> None:
    """The figures besides `keyproj run`'s: extraction, jieba, fixed costs, a big document."""
    mb = nbytes / 1e6
    ex = in_child("extract", corpus)
    jb = in_child("jieba", corpus)
    print()
    print("| fresh text | MB/s | MB per CPU-second | vs jieba.lcut (CPU) |")
    print("|---|---:|---:|---:|")
    ex_rate, jb_rate = ex["bytes"] / 1e6 / ex["seconds"], jb["bytes"] / 1e6 / jb["seconds"]
    ex_cpu, jb_cpu = ex["bytes"] / 1e6 / ex["cpu"], jb["bytes"] / 1e6 / jb["cpu"]
    print(f"| keyproj extraction in one process (normalise … project model), {documents} documents, "
          f"{mb:.1f} MB | {ex_rate:.2f} | {ex_cpu:.2f} | {ex_cpu / jb_cpu:.2f}x |")
    print(f"| jieba.lcut on the same text | {jb_rate:.2f} | {jb_cpu:.2f} | 1.00x |")
    for r in results:
        cpu_rate = r.megabytes / r.cpu_seconds if r.cpu_seconds else 0.0
        print(f"| keyproj run --jobs {r.workers}, end to end, per core | "
              f"{r.megabytes / r.seconds / max(1, min(r.workers, os.cpu_count() or 1)):.2f} | "
              f"{cpu_rate:.2f} | {cpu_rate / jb_cpu:.2f}x |")
    print(f"\nextraction start-up (rules, dictionary, models) in one process: {ex['startup']:.2f} s")

    one = work / "one"
    small_corpus(one, source, 1, seed + 1)
    fixed_runs = [timed_run(cmd, one, work / "out-one", 1) for _ in range(3)]
    fixed = statistics.median(wall for wall, _ in fixed_runs)
    fixed_cpu = statistics.median(cpu for _, cpu in fixed_runs)
    many_docs = 2000
    many = work / "many"
    small_corpus(many, source, many_docs, seed + 2)
    many_ex = in_child("extract", many)
    many_run, many_cpu = timed_run(cmd, many, work / "out-many", 1)
    per_doc = (many_cpu - fixed_cpu - many_ex["cpu"]) / many_docs
    print(f"fixed cost: `keyproj run` of one small file, --jobs 1: {fixed:.2f} s, {fixed_cpu:.2f} CPU-s "
          "(median of 3; the CLI and one worker)")
    print(f"per document on top of extraction: {per_doc * 1000:.2f} ms CPU "
          f"(({many_cpu:.2f} CPU-s for {many_docs} small documents, {many_run:.2f} s, - {fixed_cpu:.2f} fixed - "
          f"{many_ex['cpu']:.2f} extraction) / {many_docs})")

    big = work / "big"
    big_bytes = 0
    for i, doc in enumerate(fresh.documents(source, big_mb, seed + 3)):
        path = big / f"{i:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(doc, "utf-8")
        big_bytes += len(doc.encode("utf-8"))
    b = in_child("big", big)
    print(f"one big document of {b['bytes'] / 1e6:.1f} MB in one process: RSS grew "
          f"{b['grown'] / 1e6:.0f} MB, {b['grown'] / b['bytes']:.1f} MB per MB of text; "
          f"{b['bytes'] / 1e6 / b['seconds']:.2f} MB/s; {b['cpu'] / (b['bytes'] / 1e6):.2f} CPU-s per MB "
          f"(the fresh documents' extraction: {ex['cpu'] / (ex['bytes'] / 1e6):.2f})")


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(CHILDREN[sys.argv[2]](Path(sys.argv[3]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=20.0, help="corpus size in MB (default 20)")
    parser.add_argument("--jobs", default=None,
                        help="comma-separated worker counts (default: 1 and os.cpu_count())")
    parser.add_argument("--source", type=Path, default=None, help="folder of documents to repeat")
    parser.add_argument("--workdir", type=Path, default=None, help="where to build the corpus (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the corpus and outputs")
    parser.add_argument("--fresh", action="store_true",
                        help="fresh text (distinct recombined documents) and the figures beside the runs")
    parser.add_argument("--seed", type=int, default=0, help="seed of the fresh corpus (default 0)")
    parser.add_argument("--big-mb", type=float, default=4.0,
                        help="size of the one big document of --fresh (default 4)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run every worker count this many times, in turns (1, 2, 1, 2, ...), "
                             "and report the median time (default 1)")
    parser.add_argument("--pss", action="store_true",
                        help="also sample the tree's proportional set size (Linux; forked workers share "
                             "pages the summed RSS counts in each)")
    args = parser.parse_args(argv)

    source = args.source or next((p for p in DEFAULT_SOURCES if p.is_dir()), None)
    if source is None or not source.is_dir():
        raise SystemExit("no source folder: pass --source")
    parts = fresh.read_source([source, *DEFAULT_SOURCES]) if args.fresh else None
    cores = os.cpu_count() or 1
    jobs_list = [int(j) for j in args.jobs.split(",")] if args.jobs else sorted({1, cores})
    cmd = keyproj_command()
    has_jobs = supports_jobs(cmd)
    if not has_jobs:
        print("note: this keyproj has no --jobs option; running it once, in one process", file=sys.stderr)
        jobs_list = [1]

    work = Path(tempfile.mkdtemp(prefix="keyproj-bench-", dir=args.workdir))
    # every process this benchmark starts caches its bytecode (in a folder of its own), as an
    # installed package does, even where PYTHONDONTWRITEBYTECODE is set: compiling keyproj's
    # modules again would add 0.3 s or more to every process and every worker
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    results: list[Result] = []
    runs: dict[int, list[Result]] = {}
    try:
        corpus = work / "corpus"
        t0 = time.perf_counter()
        if parts is not None:
            documents, nbytes = fresh.write_corpus(parts, corpus, args.mb, args.seed)
            repeated = fresh.freshness(p.read_text("utf-8") for p in sorted(corpus.rglob("*.txt")))
            print(f"corpus: {documents} fresh documents, {nbytes / 1e6:.1f} MB recombined from {source} "
                  f"(seed {args.seed}; {repeated:.0%} of block characters repeat an earlier block); "
                  f"{cores} cores", file=sys.stderr)
        else:
            documents, nbytes = build_corpus(source, corpus, args.mb)
            print(f"corpus: {documents} documents, {nbytes / 1e6:.1f} MB from {source} "
                  f"(built in {time.perf_counter() - t0:.1f} s); {cores} cores", file=sys.stderr)
        warm_bytecode(cmd, corpus, work, has_jobs)
        runs = {jobs: [] for jobs in jobs_list}
        # in turns, so that a slow spell of a shared machine falls on every worker count
        for _ in range(max(1, args.repeat)):
            for jobs in jobs_list:
                out = work / f"out-{jobs}"
                shutil.rmtree(out, ignore_errors=True)
                r = run_once(cmd, corpus, out, jobs if has_jobs else None, documents, nbytes, pss=args.pss)
                print(f"  {jobs} worker(s): {r.seconds:.1f} s, {r.cpu_seconds:.1f} CPU-s (the command's own "
                      f"process {r.writer_cpu_seconds:.2f}, its workers {r.cpu_seconds - r.writer_cpu_seconds:.2f}), "
                      f"peak RSS {r.peak_rss_mb:.0f} MB"
                      + (f", peak PSS {r.peak_pss_mb:.0f} MB" if r.peak_pss_mb else ""), file=sys.stderr)
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
        if parts is not None:
            fresh_report(cmd, work, corpus, parts, documents, nbytes, results, args.big_mb, args.seed)
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
