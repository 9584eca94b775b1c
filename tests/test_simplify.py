"""text/normalise.py `to_simplified`: one scan for the characters the table maps (a
`re` class of them) and a look-up for each, instead of translating every character: the
result is exactly ``str.translate`` through the table, character for character."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.rules.loader import RuleSet, load_rules
from pipeline.text.normalise import _replacements, _translation_table, to_simplified

RULES = load_rules()


@pytest.mark.parametrize(("text", "simplified"), [
    # text                              simplified
    ("城南大道建设项目已开工。", "城南大道建设项目已开工。"),          # nothing to map
    ("重點項目進展順利", "重点项目进展顺利"),                          # traditional
    ("完成投资１２．５億元，占％", "完成投资12.5亿元，占%"),            # full-width forms
    ("薴苧", "苧苎"),                      # each character once: 薴 -> 苧, not on to 苎
    ("𠁞字重點", "𠁞字重点"),               # a character beyond U+FFFF in the text: kept
    ("巘川县鐏山水库", "巘川县鐏山水库"),     # a rare character whose simplified form is rarer: kept
    ("鐵路", "铁路"),                        # a common one's is common: mapped
    ("", ""),
])
def test_simplified_character_for_character(text: str, simplified: str) -> None:
    assert to_simplified(text, RULES) == simplified
    assert to_simplified(text, RULES) == text.translate(_translation_table(RULES))


def _alphabet(rules: RuleSet) -> list[str]:
    mapped = sorted(_replacements(rules))
    return mapped[:: max(1, len(mapped) // 300)] + list("城南大道，。１２ａ薴苧\n ") + ["𠁞", "\U0002a6d6"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(_alphabet(RULES)), max_size=60) | st.text(max_size=60))
def test_simplified_as_translate_does(text: str) -> None:
    assert to_simplified(text, RULES) == text.translate(_translation_table(RULES))
