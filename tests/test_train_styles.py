"""scripts/train.py fits on the styles set too: its documents are read except the held-out
batches (`ay` and `az`: the letters a file's name opens with, STYLES_HELD_OUT), they are in every
fit and never held out, and a weight of 2 counts a sample or a decision twice."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import load_train_script

# (file names in a styles folder's gold, the names training reads)
STYLES_FILES = [
    (["s01_ledger.txt", "z07_cards.txt"], ["s01_ledger.txt", "z07_cards.txt"]),
    # must not: the untuned batches kept for measurement
    (["ay01_notice.txt", "s01_ledger.txt", "az07_post.txt"], ["s01_ledger.txt"]),
    (["ay01_notice.txt"], []),
    (["az03_yearbook.txt"], []),
    # a batch is all of a name's opening letters: batch `a` and a batch `ayx` are not `ay`
    # or `az`, and batches 8-50 (a…, …, t…, aa…, ax…) are tuned on now
    (["a01_notice.txt", "ayx01_list.txt"], ["a01_notice.txt", "ayx01_list.txt"]),
    (["aa01_notice.txt"], ["aa01_notice.txt"]),
    (["ab03_yearbook.txt"], ["ab03_yearbook.txt"]),
    (["ac01_notice.txt"], ["ac01_notice.txt"]),
    (["ad03_yearbook.txt"], ["ad03_yearbook.txt"]),
    (["ae01_notice.txt"], ["ae01_notice.txt"]),
    (["af03_yearbook.txt"], ["af03_yearbook.txt"]),
    (["ag01_notice.txt"], ["ag01_notice.txt"]),
    (["ah03_yearbook.txt"], ["ah03_yearbook.txt"]),
    (["ai01_notice.txt"], ["ai01_notice.txt"]),
    (["aj03_yearbook.txt"], ["aj03_yearbook.txt"]),
    (["ak01_notice.txt"], ["ak01_notice.txt"]),
    (["al03_yearbook.txt"], ["al03_yearbook.txt"]),
    (["am01_notice.txt"], ["am01_notice.txt"]),
    (["an03_yearbook.txt"], ["an03_yearbook.txt"]),
    (["ao01_notice.txt"], ["ao01_notice.txt"]),
    (["ap03_yearbook.txt"], ["ap03_yearbook.txt"]),
    (["aq01_notice.txt"], ["aq01_notice.txt"]),
    (["ar03_yearbook.txt"], ["ar03_yearbook.txt"]),
    (["as01_notice.txt"], ["as01_notice.txt"]),
    (["at03_yearbook.txt"], ["at03_yearbook.txt"]),
    (["au01_notice.txt"], ["au01_notice.txt"]),
    (["av03_yearbook.txt"], ["av03_yearbook.txt"]),
    (["aw01_notice.txt"], ["aw01_notice.txt"]),
    (["ax03_yearbook.txt"], ["ax03_yearbook.txt"]),
    (["ur2_list.txt", "xt1_bulletin.txt"], ["ur2_list.txt", "xt1_bulletin.txt"]),
    (["b01_notice.txt"], ["b01_notice.txt"]),
    (["c01_notice.txt"], ["c01_notice.txt"]),
    (["d01_notice.txt"], ["d01_notice.txt"]),
    (["e01_notice.txt"], ["e01_notice.txt"]),
    (["f01_notice.txt"], ["f01_notice.txt"]),
    (["g07_post.txt"], ["g07_post.txt"]),
    (["h01_notice.txt"], ["h01_notice.txt"]),
    (["i07_post.txt"], ["i07_post.txt"]),
    (["j01_notice.txt"], ["j01_notice.txt"]),
    (["k07_post.txt"], ["k07_post.txt"]),
    (["l01_notice.txt"], ["l01_notice.txt"]),
    (["m07_post.txt"], ["m07_post.txt"]),
    (["n01_notice.txt"], ["n01_notice.txt"]),
    (["o07_post.txt"], ["o07_post.txt"]),
    (["p01_notice.txt"], ["p01_notice.txt"]),
    (["q07_post.txt"], ["q07_post.txt"]),
    (["r01_notice.txt"], ["r01_notice.txt"]),
    (["t07_post.txt"], ["t07_post.txt"]),
]


@pytest.mark.parametrize("files, read", STYLES_FILES, ids=[str(i) for i in range(len(STYLES_FILES))])
def test_styles_documents_never_read_the_held_out_batch(tmp_path: Path, files: list[str], read: list[str]
                                                        ) -> None:
    train = load_train_script()
    (tmp_path / "gold.jsonl").write_text(
        "".join(json.dumps({"file": f, "mentions": [], "projects": []}) + "\n" for f in files), encoding="utf-8")
    docs = train.styles_documents(tmp_path)
    assert [gold.file for _, gold, _ in docs] == read
    assert [name for name, _, _ in docs] == [f"styles/{f}" for f in read]


def _samples(train, rows: list[tuple[tuple[tuple[str, float], ...], int, str, int]]):  # type: ignore[no-untyped-def]
    s = train.Samples()
    for x, y, doc, decision in rows:
        s.add(x, y, doc, decision)
        s.gold_total[doc] = 1
    return s


def test_extra_samples_are_in_every_fold_and_never_scored() -> None:
    train = load_train_script()
    gold = _samples(train, [((("a", 1.0),), i % 2, f"train/{i:02d}", i) for i in range(10)])
    extra = _samples(train, [((("b", 1.0),), 1, "styles/s01", 0), ((("a", 1.0),), 0, "styles/s01", 1)])
    gold.extra, gold.extra_weight = extra, 2.0
    xs, ys, dec, weights = gold.training([0, 1])
    assert len(xs) == 4 and ys == [0, 1, 1, 0]
    assert dec[:2] == [0, 1] and all(d < 0 for d in dec[2:]) and len(set(dec)) == 4
    assert weights == [1.0, 1.0, 2.0, 2.0]
    # the out-of-fold scores are the gold samples' only, and a fold's model saw feature b
    assert len(train.out_of_fold(gold)) == 10
    part, _ = gold.subset(lambda d: d < "train/05")
    assert part.extra is extra and part.extra_weight == 2.0
    # must not: no extra, no weights
    assert train.Samples().training()[3] is None


def test_a_weight_of_two_counts_a_decision_twice() -> None:
    train = load_train_script()
    xs = [(("p", 1.0),), (("q", 1.0),), (("p", 1.0),), (("q", 1.0),), (("p", 1.0),), (("q", 1.0),)]
    ys = [1, 0, 0, 1, 1, 0]
    weighed = train.fit_ranker(xs, ys, [0, 0, 1, 1, 2, 2], weights=[1, 1, 1, 1, 2, 2])
    doubled = train.fit_ranker(xs + xs[4:], ys + ys[4:], [0, 0, 1, 1, 2, 2, 3, 3])
    assert np.allclose(list(weighed.coef.values()), list(doubled.coef.values()), atol=1e-5)
    plain = train.fit_ranker(xs, ys, [0, 0, 1, 1, 2, 2])
    assert not np.allclose(list(weighed.coef.values()), list(plain.coef.values()), atol=1e-3)


def test_a_weight_of_two_counts_a_sample_twice() -> None:
    pytest.importorskip("sklearn")
    train = load_train_script()
    xs = [(("p", 1.0),), (("q", 1.0),), (("p", 1.0),), (("q", 1.0),), (("p", 1.0),)]
    ys = [1, 0, 0, 1, 1]
    weighed = train.fit(xs, ys, 1.0, [1, 1, 1, 1, 2])
    doubled = train.fit(xs + xs[4:], ys + ys[4:], 1.0)
    assert np.allclose(list(weighed.coef.values()), list(doubled.coef.values()), atol=1e-4)
    assert abs(weighed.intercept - doubled.intercept) < 1e-4
