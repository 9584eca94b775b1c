"""Properties that hold for any input: the number parser and the normaliser never crash, and
every offset they give stays valid.

The inputs are drawn from the characters reports are made of (Chinese numerals, digits,
units, full-width forms, traditional characters, pinyin glosses) mixed with anything else.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.rules.loader import load_rules
from pipeline.text.normalise import normalise
from pipeline.text.numbers import NumberError, format_chinese, parse_number

RULES = load_rules()
REPORT_ALPHABET = (
    "零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟点"
    "0123456789０１２３４５６７８９.,，．%％"
    "元万亿公里米平方立米个百分点"
    "項目工程進展緩慢竣工開發區鐵路橋樑"
    "（）()、。；：“”《》 \n\t"
    "abcxyzāáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜ"
)
report_text = st.text(alphabet=st.sampled_from(REPORT_ALPHABET), max_size=200) | st.text(max_size=200)


@settings(max_examples=400, deadline=None)
@given(report_text)
def test_parse_number_returns_a_decimal_or_says_why(text: str) -> None:
    try:
        value = parse_number(text)
    except NumberError:
        return
    assert isinstance(value, Decimal) and value >= 0


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=9999), st.sampled_from([("万", 10**4), ("亿", 10**8)]))
def test_generated_numerals_with_a_scale_parse_back(n: int, scale: tuple[str, int]) -> None:
    """三千五百万, 十二亿: a numeral below ten thousand followed by its scale word."""
    word, factor = scale
    assert parse_number(format_chinese(n) + word) == n * factor


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report_text, st.data())
def test_normalised_spans_map_back_inside_the_stored_text(text: str, data: st.DataObject) -> None:
    doc = normalise("d", text, RULES)
    assert len(doc.norm) <= len(text)
    n = len(doc.norm)
    start = data.draw(st.integers(min_value=0, max_value=n))
    end = data.draw(st.integers(min_value=start, max_value=n))
    s, e = doc.original_span(start, end)
    assert 0 <= s <= e <= len(text)
    if end > start:
        assert e - s >= end - start, "a span never shrinks when mapped back"
    # offsets are monotone: a later position never maps before an earlier one
    positions = [doc.original_offset(i) for i in range(n)]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report_text)
def test_every_extracted_quantity_points_at_its_text(text: str) -> None:
    from pipeline.stages.quantities import QuantityExtractor

    doc = normalise("d", text, RULES)
    for q in QuantityExtractor(RULES)(doc.norm):
        assert 0 <= q.start < q.end <= len(doc.norm)
        # the unit's pieces as written, in order: a space or a qualifier may stand between
        # them (0亿 米, 3亿余元), and unit_raw leaves it out
        rest = iter(doc.norm[q.start:q.end])
        assert all(ch in rest for ch in q.unit_raw), "the unit is inside the span"
        s, e = doc.original_span(q.start, q.end)
        assert 0 <= s < e <= len(text)
        # the stored text at the mapped span normalises back to the same characters
        assert normalise("d", text[s:e], RULES).norm.replace(" ", "") == \
            doc.norm[q.start:q.end].replace(" ", "") or len(doc.removed_at) > 0


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet="工程业园项目路线桥.+", min_size=1, max_size=4), min_size=1, max_size=8),
       st.text(alphabet="工程业园项目路线桥.+甲乙", max_size=60))
def test_word_trie_matches_what_the_alternation_matches(words, text):
    """Factoring words by prefix changes speed, never what is found (alone or followed by more)."""
    import re

    from pipeline.rules.loader import alternation, word_trie

    for suffix in ("", "路"):
        plain = [m.span() for m in re.finditer(f"(?:{alternation(words)}){suffix}", text)]
        assert [m.span() for m in re.finditer(word_trie(words) + suffix, text)] == plain
