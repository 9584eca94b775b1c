"""Numbers as written in Chinese reports -> Decimal.

Handles Arabic digits with thousands separators, Chinese numerals (三千五百, 一点二,
两万零五百), and mixed forms (1.2万). The character tables are fixed facts of the
writing system, not tunable rules, so they live here.

>>> parse_number("三千五百万")
Decimal('35000000')
>>> parse_number("1,200")
Decimal('1200')
>>> parse_number("1.2万")
Decimal('12000.0')
>>> parse_number("一点二亿")
Decimal('120000000.0')
>>> parse_number("十五")
Decimal('15')
>>> approximate_range("四五十")
(Decimal('40'), Decimal('50'))
"""

from __future__ import annotations

import re
from decimal import Decimal

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4,
          "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
POINT = "点"
_ARABIC = re.compile(r"[0-9]+(?:\.[0-9]+)?")

#: Characters that may appear in a Chinese numeral (for building patterns).
CHINESE_NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS) + POINT


class NumberError(ValueError):
    """The string is not a number this parser understands."""


def _parse_chinese_integer(text: str) -> int:
    if not text:
        raise NumberError("empty numeral")
    total = 0        # completed 亿 groups
    section = 0      # completed 万 groups within the current 亿 group
    current = 0      # below 万
    digit: int | None = None
    for ch in text:
        if ch in DIGITS:
            if digit is not None:
                # 一二三 style digit strings (二〇二三): shift like Arabic digits
                digit = digit * 10 + DIGITS[ch]
            else:
                digit = DIGITS[ch]
        elif ch in SMALL_UNITS:
            current += (1 if digit is None else digit) * SMALL_UNITS[ch]
            digit = None
        elif ch == "万":
            # a bare 万 is ten thousand; 零万 is zero
            section += (current + (digit or 0)) * 10_000 if (current or digit is not None) else 10_000
            current, digit = 0, None
        elif ch == "亿":
            total += (section + current + (digit or 0)) * 100_000_000 \
                if (section or current or digit is not None) else 100_000_000
            section, current, digit = 0, 0, None
        else:
            raise NumberError(f"not a Chinese numeral character: {ch!r}")
    return total + section + current + (digit or 0)


def _chinese_fraction(text: str) -> Decimal:
    digits = []
    for ch in text:
        if ch not in DIGITS:
            raise NumberError(f"bad digit after 点: {ch!r}")
        digits.append(str(DIGITS[ch]))
    return Decimal("0." + "".join(digits)) if digits else Decimal(0)


def parse_number(text: str) -> Decimal:
    """Parse an Arabic, Chinese or mixed number; raise NumberError if it is not one."""
    s = text.strip().replace(",", "").replace("，", "").replace(" ", "")
    if not s:
        raise NumberError("empty number")
    # Trailing 万/亿 after Arabic digits or a decimal point scale the number: 1.2万亿,
    # 一点二亿. Pure Chinese integers (三千五百万) carry them as part of the numeral.
    multiplier = Decimal(1)
    arabic = _has_arabic(s)     # (taking 万/亿 off the end leaves its digits: asked once)
    if arabic or POINT in s:
        while s and s[-1] in BIG_UNITS:
            multiplier *= BIG_UNITS[s[-1]]
            s = s[:-1]
    if not s:
        raise NumberError(f"no digits in {text!r}")
    if arabic:
        if not _ARABIC.fullmatch(s):
            raise NumberError(f"not a number: {text!r}")
        return Decimal(s) * multiplier
    if POINT in s:
        whole, _, frac = s.partition(POINT)
        return (Decimal(_parse_chinese_integer(whole) if whole else 0) + _chinese_fraction(frac)) * multiplier
    return Decimal(_parse_chinese_integer(s))


def approximate_range(text: str) -> tuple[Decimal, Decimal] | None:
    """Two neighbouring digits written together give an approximate range: 四五十 is
    40-50, 两三千 2000-3000, 十一二 11-12, 三四 3-4 (never 450, 2300 …). A longer run of
    digits (二〇二三) is a number written digit by digit, not a range. None when `text`
    holds no such pair.

    >>> approximate_range("两三千万"), approximate_range("十一二"), approximate_range("二〇二三")
    ((Decimal('20000000'), Decimal('30000000')), (Decimal('11'), Decimal('12')), None)
    """
    s = text.strip()
    for i in range(len(s) - 1):
        a, b = DIGITS.get(s[i]), DIGITS.get(s[i + 1])
        if a is None or b is None or a == 0 or b != a + 1:
            continue
        if (i > 0 and s[i - 1] in DIGITS) or (i + 2 < len(s) and s[i + 2] in DIGITS):
            return None     # part of a longer run of digits
        if POINT in s or _has_arabic(s):
            return None
        low = s[:i] + s[i] + s[i + 2:]
        high = s[:i] + s[i + 1] + s[i + 2:]
        return parse_number(low), parse_number(high)
    return None


def _has_arabic(s: str) -> bool:
    """`s` holds an ASCII digit (one search, not a loop over its characters)."""
    return _ASCII_DIGIT.search(s) is not None


_ASCII_DIGIT = re.compile("[0-9]")


def format_chinese(n: int) -> str:
    """Write a non-negative integer in Chinese numerals (the inverse of parse_number).

    >>> format_chinese(35000000), format_chinese(20500), format_chinese(15), format_chinese(10**12)
    ('三千五百万', '二万零五百', '十五', '一万亿')
    """
    if n < 0:
        raise ValueError("negative numbers are not written here")
    return "零" if n == 0 else _format_positive(n, leading=True)


def _format_positive(n: int, leading: bool) -> str:
    for size, name in ((100_000_000, "亿"), (10_000, "万")):
        if n >= size:
            high, low = divmod(n, size)
            out = _format_positive(high, leading) + name
            if low:
                out += ("零" if low < size // 10 else "") + _format_positive(low, leading=False)
            return out
    digits = "零一二三四五六七八九"
    out = ""
    zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, unit)
        if d:
            out += "零" if zero else ""
            zero = False
            # 十五, not 一十五, at the start of a number
            out += ("" if unit == 10 and d == 1 and leading and not out else digits[d]) + name
        elif out:
            zero = True
    return out
