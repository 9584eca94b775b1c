"""Numbers as written in reports -> Decimal (pipeline.text.numbers.parse_number)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.text.numbers import NumberError, approximate_range, format_chinese, parse_number

PARSED = [
    # Arabic digits, separators, decimals
    ("0", "0"),
    ("12", "12"),
    ("3.5", "3.5"),
    ("0.42", "0.42"),
    ("1,200", "1200"),
    ("1,234,567", "1234567"),
    ("1,234,567.89", "1234567.89"),
    (" 46.3 ", "46.3"),
    # Chinese numerals
    ("零", "0"),
    ("十", "10"),
    ("十五", "15"),
    ("一十一", "11"),
    ("二十", "20"),
    ("一百零五", "105"),
    ("两百五十", "250"),
    ("一千零一", "1001"),
    ("两千", "2000"),
    ("三千五百", "3500"),
    ("一万", "10000"),
    ("十万", "100000"),
    ("两万零五百", "20500"),
    ("三千五百万", "35000000"),
    ("一千二百万", "12000000"),
    ("三千五百万零一", "35000001"),
    ("一亿", "100000000"),
    ("十亿", "1000000000"),
    ("一亿二千万", "120000000"),
    ("一亿零一百万", "101000000"),
    ("一万亿", "1000000000000"),
    # financial (大写) numerals and digit-by-digit numerals
    ("壹佰贰拾", "120"),
    ("叁仟伍佰万", "35000000"),
    ("二〇二三", "2023"),
    # Chinese decimals
    ("一点二", "1.2"),
    ("三点一四", "3.14"),
    ("零点五", "0.5"),
    ("五十点五", "50.5"),
    ("一点二亿", "120000000"),
    ("二点六亿", "260000000"),
    # mixed: Arabic digits scaled by 万 / 亿
    ("2万", "20000"),
    ("1.2万", "12000"),
    ("482亿", "48200000000"),
    ("1.2万亿", "1200000000000"),
    ("0.42万亿", "420000000000"),
]


@pytest.mark.parametrize("text, expected", PARSED, ids=[t for t, _ in PARSED])
def test_parse_number(text: str, expected: str) -> None:
    assert parse_number(text) == Decimal(expected)


# Two neighbouring digits written together are an approximate range, never one number.
RANGES = [
    ("四五十", "40", "50"),
    ("二三十", "20", "30"),
    ("两三千", "2000", "3000"),
    ("两三千万", "20000000", "30000000"),
    ("七八百", "700", "800"),
    ("十一二", "11", "12"),
    ("一二十", "10", "20"),
    ("三四", "3", "4"),
    ("五六万", "50000", "60000"),
]


@pytest.mark.parametrize("text, low, high", RANGES, ids=[t for t, _, _ in RANGES])
def test_approximate_range(text: str, low: str, high: str) -> None:
    assert approximate_range(text) == (Decimal(low), Decimal(high))


# digit-by-digit numerals, digits that are not neighbours, decimals: no range
NOT_RANGES = ["二〇二三", "一九九八", "三十五", "四十五", "五三", "零一", "三点四", "1.2万", "十五", "三千五百"]


@pytest.mark.parametrize("text", NOT_RANGES)
def test_not_an_approximate_range(text: str) -> None:
    assert approximate_range(text) is None


NOT_NUMBERS = ["", "  ", "abc", "百余", "约三千", "xx", "××", "3千米", "亿元"]


@pytest.mark.parametrize("text", NOT_NUMBERS, ids=[t or "empty" for t in NOT_NUMBERS])
def test_not_a_number(text: str) -> None:
    with pytest.raises(NumberError):
        parse_number(text)


FORMATTED = [(0, "零"), (15, "十五"), (110, "一百一十"), (1005, "一千零五"), (10010, "一万零一十"),
             (20500, "二万零五百"), (35000000, "三千五百万"), (100000001, "一亿零一"),
             (120000000, "一亿二千万"),
             (999999999999, "九千九百九十九亿九千九百九十九万九千九百九十九")]


@pytest.mark.parametrize("n, text", FORMATTED, ids=[str(n) for n, _ in FORMATTED])
def test_format_chinese(n: int, text: str) -> None:
    assert format_chinese(n) == text


def test_format_chinese_one_trillion() -> None:
    assert parse_number(format_chinese(10**12)) == 10**12


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**16 - 1))
@example(0)
@example(10)
@example(100_000_001)
@example(10**8)
@example(10**12 - 1)
def test_chinese_numerals_round_trip(n: int) -> None:
    assert parse_number(format_chinese(n)) == n


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
@example(999)
@example(1000)
@example(10**12)
def test_thousands_separators(n: int) -> None:
    assert parse_number(f"{n:,}") == n


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=99),
       st.sampled_from([("万", 10**4), ("亿", 10**8), ("万亿", 10**12)]))
def test_arabic_decimal_with_scale(whole: int, cents: int, scale: tuple[str, int]) -> None:
    word, factor = scale
    text = f"{whole}.{cents:02d}{word}"
    assert parse_number(text) == Decimal(f"{whole}.{cents:02d}") * factor
