"""Every status cue reads the same in traditional script: each example of each cue of
rules/statuses.yaml (and of its plan and future frames), written in the traditional script
of Taiwan, Hong Kong and OpenCC's standard (暫停施工, 動工, 啟用, 通車, 延誤, 併網發電), is
found by the same cues once normalised as the simplified example. The examples are the
lexicon's own, so a cue added with its examples is covered without a list of words here: a
traditional form that normalises to another character than the cue spells (a variant the
one-to-one table lacks) fails here, not on the next batch."""

from __future__ import annotations

from functools import cache

import opencc
import pytest
import yaml

from pipeline.rules.loader import DEFAULT_RULES_DIR, load_rules
from pipeline.stages.statuses import StatusFinder
from pipeline.text.normalise import normalise

RULES = load_rules()
SPEC = yaml.safe_load((DEFAULT_RULES_DIR / "statuses.yaml").read_text(encoding="utf-8"))
SCRIPTS = ("s2t", "s2tw", "s2hk")


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _found(text: str) -> list[tuple[str, str]]:
    norm = normalise("d", text, RULES).norm
    return [(m.status.value, m.rule_id) for m in StatusFinder(RULES)(norm)]


def _cue_examples() -> list[tuple[str, str]]:
    return [(cue["id"], str(example)) for cue in SPEC["cues"] for example in cue.get("examples", [])]


@pytest.mark.parametrize("config", SCRIPTS)
@pytest.mark.parametrize(("cue_id", "example"), _cue_examples())
def test_a_cue_reads_the_same_in_traditional_script(cue_id, example, config):
    traditional = _converter(config).convert(example)
    assert _found(traditional) == _found(example), (cue_id, example, traditional)


FRAMES = [("future_frame", RULES.statuses.future_frame), ("plan_frame", RULES.statuses.plan_frame)]


@pytest.mark.parametrize("config", SCRIPTS)
@pytest.mark.parametrize(("name", "pattern"), FRAMES)
def test_a_frame_reads_the_same_in_traditional_script(name, pattern, config):
    for example in SPEC[name]["examples"]:
        norm = normalise("d", _converter(config).convert(str(example)), RULES).norm
        assert pattern.search(norm) is not None, (name, example, norm)
