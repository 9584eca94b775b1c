r"""Sentence splitting on Chinese sentence punctuation and line breaks.

>>> [(s.start, s.end, s.paragraph) for s in split_sentences("总投资5亿元。已完工！\n下一段")]
[(0, 7, 0), (7, 11, 0), (12, 15, 1)]
"""

from __future__ import annotations

import regex

from pipeline.types import Sentence

_SENTENCE_END = regex.compile(r"[。！？!?]+[”’」』]?|\n+")


def split_sentences(text: str) -> list[Sentence]:
    """Split into sentences; a blank line or a line break starts a new paragraph."""
    sentences: list[Sentence] = []
    start = 0
    paragraph = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if text[start:end].strip():
            sentences.append(Sentence(start, end, paragraph))
        if "\n" in m.group():
            paragraph += 1
        start = end
    if text[start:].strip():
        sentences.append(Sentence(start, len(text), paragraph))
    return sentences
