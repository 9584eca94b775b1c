"""The styles set's invented reports (batches 1-4) in the shapes users bring them
(scripts/variants_eval.py: PDF wrapping with page breaks, traditional script, a web page's
furniture, full- and half-width forms, Windows line ends with indents, OCR text): each variant is
extracted and scored against the gold transformed the same way, and its figures may fall
below the original's by at most a bound per variant. A normaliser that stops joining a
PDF's wraps, dropping a page's furniture or folding a form fails here."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from pipeline.extract import Pipeline

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import variants_eval  # noqa: E402
from variants_eval import VARIANTS, GoldSet, Scored, figures, read_set, rng_for, score  # noqa: E402

# variant -> the most each figure may fall below the original's. Measured at this file's
# commit on batches 1-4: pdf projects -0.007 (strict -0.007), status +0.007; halfwidth
# status -0.004; every other figure of every variant 0.000. Before the normaliser dropped a
# page's furniture, chrome lost 0.184 of projects' F1. pdf's projects bound is 0.03 since the
# ledger whose name cells wrap (w01) is read as a table (stop 28): wrapped again at a PDF's
# width its rows no longer line up, and the variant loses 0.020 (8 of w01's projects).
BOUNDS: dict[str, dict[str, float]] = {
    "pdf": {"quantities F1": 0.01, "money role": 0.01, "projects relaxed F1": 0.03, "status accuracy": 0.03},
    "traditional": {"quantities F1": 0.0, "money role": 0.0, "projects relaxed F1": 0.0, "status accuracy": 0.0},
    "chrome": {"quantities F1": 0.0, "money role": 0.0, "projects relaxed F1": 0.01, "status accuracy": 0.01},
    "fullwidth": {"quantities F1": 0.0, "money role": 0.0, "projects relaxed F1": 0.0, "status accuracy": 0.0},
    "halfwidth": {"quantities F1": 0.01, "money role": 0.01, "projects relaxed F1": 0.02, "status accuracy": 0.03},
    "crlf_indent": {"quantities F1": 0.0, "money role": 0.0, "projects relaxed F1": 0.01, "status accuracy": 0.01},
    # ocr (ocr1): quantities -0.007, money role -0.005, projects -0.022, status -0.009 on batches
    # 1-4 (before normalisation read OCR text: -0.184, -0.075, -0.179, -0.139)
    "ocr": {"quantities F1": 0.02, "money role": 0.01, "projects relaxed F1": 0.04, "status accuracy": 0.03},
}


@pytest.fixture(scope="module")
def styles() -> GoldSet:
    return read_set("styles", variants_eval.STYLES, variants_eval.STYLES_BATCHES)


@pytest.fixture(scope="module")
def original(pipeline: Pipeline, styles: GoldSet) -> Scored:
    return score(pipeline, styles, None)


def test_every_variant_has_its_bounds() -> None:
    assert set(BOUNDS) == set(VARIANTS)


@pytest.mark.parametrize("variant", sorted(BOUNDS))
def test_a_variant_loses_at_most_its_bound(pipeline: Pipeline, styles: GoldSet, original: Scored,
                                           variant: str) -> None:
    scored = score(pipeline, styles, variant)
    assert scored.error_docs == 0, "every fact of every variant keeps its exact span"
    base, now = figures(original.report), figures(scored.report)
    over = {name: (base[name], now[name]) for name, bound in BOUNDS[variant].items()
            if base[name] is not None and (now[name] is None or now[name] < base[name] - bound - 1e-9)}
    assert not over, f"{variant}: (original, variant) below the bound {BOUNDS[variant]}: {over}"


def test_variants_are_the_same_every_run() -> None:
    text = "城东大道改造工程总投资3.6亿元，年度计划投资1.2亿元，目前主体工程已完工。\n二、存在问题\n" * 40
    for name, variant in VARIANTS.items():
        assert variant.text(text, rng_for(name, "a.txt")) == variant.text(text, rng_for(name, "a.txt")), name


# what each shape must do to a text, in invented sentences
def test_the_shapes_do_what_they_say() -> None:
    text = "城东大道改造工程总投资3.6亿元（一期），目前已完工。\n" * 60
    rng = random.Random(1)
    assert VARIANTS["traditional"].text("总投资3.6亿元，县医院迁建工程", rng) == "總投資3.6億元，縣醫院遷建工程"
    assert VARIANTS["fullwidth"].text("3.6亿元(一)", random.Random(3)) in ("３.６亿元（一）", "３．６亿元（一）")
    assert VARIANTS["halfwidth"].text("甲，乙；丙：（一）", rng) == "甲,乙;丙:(一)"
    pdf = VARIANTS["pdf"].text(text.replace("\n", ""), rng_for("pdf", "a.txt"))     # one paragraph
    lines = pdf.splitlines()
    assert max(sum(map(variants_eval._width, line)) for line in lines) <= 2 * 40 + 2    # 24-40 Han wide
    assert sum(not line.endswith("。") for line in lines if line) > len(lines) // 2   # anywhere in a sentence
    assert any(line.startswith(("- ", "第")) for line in lines)                      # a page's number
    chrome = VARIANTS["chrome"].text(text, rng_for("chrome", "a.txt"))
    assert "上一篇：" in chrome and "相关新闻" in chrome and text.splitlines()[0] in chrome
    crlf = VARIANTS["crlf_indent"].text("甲已完工。\n乙正在\n建设。\n", rng)
    assert crlf == "\u3000\u3000甲已完工。\r\n\r\n\u3000\u3000乙正在\r\n建设。\r\n"
    ocr = VARIANTS["ocr"].text(("城东大道改造工程完成投资36.5亿元，目前主体工程已完工。" * 3 + "\n二、存在问题\n") * 40,
                               rng_for("ocr", "a.txt"))
    assert "." in ocr.replace("36.5", "").replace("3 6.5", "")                        # 。 read as .
    assert "3 6.5亿元" in ocr.replace("\n", "")                                      # a number cut by a space
    assert "存 在 问 题" in ocr                                                        # a spaced heading
