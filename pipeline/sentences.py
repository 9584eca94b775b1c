"""Sentence splitting on Chinese sentence punctuation and line breaks.

>>> [s[:] for s in split_clauses("总投资5亿元，已完成3亿元；进展顺利。", 0)]
[(0, 8), (8, 15), (15, 20)]
"""

from __future__ import annotations

import regex

from pipeline.types import Sentence

_SENTENCE_END = regex.compile(r"[。！？!?]+[”’」』]?|\n+")
_CLAUSE_END = regex.compile(r"[，,；;：:。！？!?\n]")


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


def split_clauses(text: str, offset: int) -> list[tuple[int, int]]:
    """Split a sentence into clauses at ，；：; each clause keeps its closing mark."""
    spans = []
    start = 0
    for m in _CLAUSE_END.finditer(text):
        spans.append((offset + start, offset + m.end()))
        start = m.end()
    if start < len(text):
        spans.append((offset + start, offset + len(text)))
    return spans
