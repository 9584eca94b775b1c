"""Normalisation: fold full-width forms, map traditional to simplified, drop pinyin glosses.

The normalised text has the same characters as the stored text, one for one, except
where glosses were dropped; `Doc` records those places so every offset maps back.

>>> from pipeline.rules import load_rules
>>> doc = normalise("d", "重點(diǎn)項目１２億元", load_rules())
>>> doc.norm
'重点项目12亿元'
>>> doc.original_span(0, 4), doc.text[0:10]
((0, 10), '重點(diǎn)項目')
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import regex

from pipeline.rules import RuleSet
from pipeline.types import Doc


@lru_cache(maxsize=1)
def _opencc_characters() -> dict[int, str]:
    """One-to-one traditional -> simplified characters from OpenCC's dictionary."""
    import opencc

    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 2:
            continue
        trad, simp = parts[0], parts[1].split(" ")[0]
        if len(trad) == 1 and len(simp) == 1 and trad != simp:
            table[ord(trad)] = simp
    return table


@lru_cache(maxsize=4)
def _translation_table(rules: RuleSet) -> dict[int, str]:
    keep = set(rules.normalise["keep_fullwidth"])
    table = dict(_opencc_characters())
    for code in range(0xFF01, 0xFF5F):
        if chr(code) not in keep:
            table[code] = chr(code - 0xFEE0)
    for src, dst in rules.normalise["fold"].items():
        if len(src) != 1 or len(dst) != 1:
            raise ValueError(f"normalise.yaml: fold '{src}' -> '{dst}' must map one character to one")
        table[ord(src)] = dst
    return table


@lru_cache(maxsize=4)
def _gloss_pattern(rules: RuleSet) -> regex.Pattern[str]:
    # A gloss follows a Han character; requiring that keeps (a) (b) list markers intact.
    return regex.compile(r"(?<=\p{Han})" + rules.normalise["pinyin_gloss"])


@lru_cache(maxsize=4)
def _replacements(rules: RuleSet) -> dict[str, str]:
    return {chr(code): char for code, char in _translation_table(rules).items()}


def to_simplified(text: str, rules: RuleSet) -> str:
    """Fold and simplify without dropping anything (same length as the input)."""
    # Most reports need few of the table's 4,200 characters: replacing just those is
    # faster than translating every character through the table.
    replacements = _replacements(rules)
    found = set(text).intersection(replacements)
    if len(found) > 16:
        return text.translate(_translation_table(rules))
    for char in found:
        text = text.replace(char, replacements[char])
    return text


def normalise(doc_id: str, text: str, rules: RuleSet) -> Doc:
    """Build the `Doc` the extractors read from a document's stored text."""
    folded = to_simplified(text, rules)
    pattern = _gloss_pattern(rules)
    if pattern.search(folded) is None:
        return Doc(doc_id, text, folded)
    pieces: list[str] = []
    removed_at: list[int] = []
    removed_total: list[int] = []
    last = 0
    total = 0
    for m in pattern.finditer(folded):
        pieces.append(folded[last:m.start()])
        total += m.end() - m.start()
        removed_at.append(m.start() - (total - (m.end() - m.start())))
        removed_total.append(total)
        last = m.end()
    pieces.append(folded[last:])
    return Doc(doc_id, text, "".join(pieces), tuple(removed_at), tuple(removed_total))
