"""benchmarks/bench.py --pss: the process tree's proportional set size beside its summed RSS."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

psutil = pytest.importorskip("psutil")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench  # noqa: E402

needs_rollup = pytest.mark.skipif(not Path("/proc/self/smaps_rollup").exists(),
                                  reason="no /proc/PID/smaps_rollup on this system")


@needs_rollup
def test_a_live_process_has_a_proportional_size_no_larger_than_its_resident_size():
    pss = bench.proportional_set_size(os.getpid())
    assert 0 < pss <= psutil.Process().memory_info().rss + 4 * 2**20   # (read a moment apart)


def test_a_process_that_is_gone_has_none():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert bench.proportional_set_size(child.pid) == 0


@needs_rollup
def test_the_tree_sample_reads_both_and_pss_only_when_asked():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        tree = bench.TreeRss(psutil.Process())
        rss, pss = tree.sample(pss=True)
        assert len(tree.procs) >= 2            # this process and its child
        assert 0 < pss <= rss + 8 * 2**20
        assert tree.sample()[1] == 0           # not asked: not read
        assert tree() > 0                      # the summed RSS, as before
    finally:
        child.kill()
        child.wait()
