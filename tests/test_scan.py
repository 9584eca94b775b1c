"""scan.SpanScanner: the same spans as the regex pattern, whichever engine it settles on."""

from __future__ import annotations

import re

import pytest
import regex

from pipeline.text.scan import SpanScanner

TEXT = "城南大道已竣工，滨江大桥开工建设；北环路即将投入使用。\n" * 20

CASES = [
    ("已竣工|开工(?:建设)?", True),              # re can take it
    ("(?:即将|将要)[^，。；\\n]{0,6}?投入使用", True),
    ("\\p{Han}{2}路", False),                      # \p{Han}: regex only
    ("(?<!城南|北)大桥", False),                    # variable-width look-behind: regex only
]


@pytest.mark.parametrize(("pattern", "re_can"), CASES)
def test_spans_equal_regex_before_and_after_choosing(pattern, re_can):
    compiled = regex.compile(pattern)
    expected = [m.span() for m in compiled.finditer(TEXT)]
    scanner = SpanScanner(compiled)
    assert (scanner.alternative is not None) == re_can
    for _ in range(SpanScanner.trials + 3):
        assert scanner.spans(TEXT) == expected
    assert scanner.chosen is not None


def test_disagreement_keeps_regex():
    scanner = SpanScanner(regex.compile("开工"))
    scanner.alternative = re.compile("竣工")        # an engine that reads it differently
    spans = scanner.spans(TEXT)
    assert spans == [m.span() for m in regex.finditer("开工", TEXT)]
    assert scanner.chosen is scanner.reference


def test_flag_only_regex_has_is_not_translated():
    assert SpanScanner(regex.compile("abc", regex.FULLCASE | regex.IGNORECASE)).alternative is None
    assert SpanScanner(regex.compile("abc", regex.IGNORECASE)).alternative is not None
