"""benchmarks/fresh.py: the benchmark's corpus is fresh text, the same for the same seed."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import fresh  # noqa: E402

# invented reports (the suite runs without ../shared)
REPORTS = [
    "青岚县2023年重点项目建设情况\n\n一、总体情况\n全县38个重点项目完成投资46.2亿元，完成年度计划的91.5%。"
    "城南大道、滨江大桥等重点工程加快推进，其中城南大道已建成通车。\n二、存在问题\n部分项目前期工作推进缓慢，"
    "征地拆迁难度较大，要素保障不足。\n",
    "石门镇上半年工作总结\n\n一、项目建设\n石门水厂扩建工程主体完工，计划9月投入使用；北郊污水管网项目尚未开工。"
    "镇区道路改造累计完成投资3200万元，新建道路4.6公里，改造管网12公里。\n二、下步打算\n加快推进在建项目，"
    "确保年底前全部竣工。\n",
]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> fresh.Source:
    folder = tmp_path_factory.mktemp("reports")
    for i, text in enumerate(REPORTS):
        (folder / f"r{i}.txt").write_text(text, encoding="utf-8")
    return fresh.read_source([folder])


def test_the_same_seed_builds_the_same_corpus_and_another_seed_another(source):
    one = list(fresh.documents(source, 0.05, seed=1))
    assert one == list(fresh.documents(source, 0.05, seed=1))
    assert one != list(fresh.documents(source, 0.05, seed=2))


def test_documents_are_distinct_of_the_sources_sizes_and_add_up_to_the_size_asked(source):
    docs = list(fresh.documents(source, 0.05, seed=0))
    sizes = [len(d.encode("utf-8")) for d in docs]
    assert len(set(docs)) == len(docs) > 10
    assert 50_000 <= sum(sizes) < 50_000 + max(source.sizes) + 500
    assert max(sizes) <= max(source.sizes) + 500


def test_digits_are_redrawn_with_their_length_kept(source):
    docs = "".join(fresh.documents(source, 0.05, seed=0))
    numbers = set(re.findall(r"[0-9]+", docs))
    original = set(re.findall(r"[0-9]+", "".join(REPORTS)))
    assert len(numbers - original) > len(numbers) // 2
    assert {len(n) for n in numbers} <= {len(n) for n in original}


@pytest.mark.parametrize(("docs", "share"), [
    (["城南大道建设", "滨江大桥通车"], 0.0),             # every block new
    (["城南大道建设", "城南大道建设"], 0.5),             # the second repeats the first
    (["甲乙，甲乙，丙丁"], 2 / 6),                        # within one document too
    ([], 0.0),
])
def test_freshness_is_the_share_of_block_characters_seen_before(docs, share):
    assert fresh.freshness(docs) == pytest.approx(share)


def test_recombined_text_repeats_far_fewer_blocks_than_the_sources_repeated(source):
    repeated = [text for _ in range(20) for text in REPORTS]
    recombined = list(fresh.documents(source, sum(len(t.encode("utf-8")) for t in repeated) / 1e6, seed=0))
    assert fresh.freshness(recombined) < fresh.freshness(repeated) - 0.2
