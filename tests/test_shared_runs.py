"""scripts/shared_runs.py finds the runs of characters a change shares with the evaluation
texts: the longest shared substring starting at a shared k-gram, counted in Chinese characters."""

from __future__ import annotations

import pytest

from conftest import load_script

shared_runs = load_script("shared_runs")
CORPUS = "青州市城南大道改造工程已于去年完工。\n\x00白岩滩水电站厂房施工全面铺开。"


@pytest.mark.parametrize("line, run", [
    ("云州新建城南大道改造工程二期", "城南大道改造工程"),        # a name's run inside another line
    ("规划：白岩滩水电站厂房施工全面铺开，", "白岩滩水电站厂房施工全面铺开"),
    ("北坪石门水库除险加固", ""),                            # nothing shared
    ("城南大道", ""),                                        # shorter than k: not reported
    ("完工。\n白岩", ""),                                     # two texts' seam is no run
])
def test_longest_shared(line: str, run: str) -> None:
    k = 6
    grams = {CORPUS[i:i + k] for i in range(len(CORPUS) - k + 1)}
    assert shared_runs.longest_shared(line, CORPUS, grams, k) == run


@pytest.mark.parametrize("run, count", [
    ("城南大道改造工程", 8),
    ("城南大道2期", 5),          # digits and punctuation between the characters do not count
    ("（一）", 1),
    ("", 0),
    ("ABC 12", 0),
    ("鳳嶺", 2),                 # traditional script counts
])
def test_cjk_count(run: str, count: int) -> None:
    assert shared_runs.cjk_count(run) == count
