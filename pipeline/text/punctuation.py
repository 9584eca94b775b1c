"""The punctuation classes that bound units of text, declared once for every stage.

Full-width and ASCII forms alike. Orthography rather than vocabulary, so kept here and not
in rules/. From the smallest unit up (each class holds the one after it):

- a *clause* ends at a comma or a colon too (`CLAUSE_MARKS`), or, where an amount reaches
  forward past a colon to the project it introduces, not at a colon (`CLAUSE_END`);
- a *segment* ends at a semicolon or what ends a sentence (`SEGMENT_END`): status cues and
  amounts are linked within one;
- a *sentence* ends at 。！？!? or a line break (`SENTENCE_END`).

>>> set(SENTENCE_END) < set(SEGMENT_END) < set(CLAUSE_END) < set(CLAUSE_MARKS)
True
"""

from __future__ import annotations

LINE_BREAK = "\n"
# the blanks within a line: space, tab, the ideographic space
SPACES = " \t\u3000"
SENTENCE_MARKS = "。！？!?"
SEMICOLONS = "；;"
COMMAS = "，,"
COLONS = "：:"
# a line break where no mark is written (U+2028, U+2029, U+0085: normalisation folds them to \n)
LINE_BREAKS = LINE_BREAK + "\u2028\u2029\x85"
# bracket depth starts again after these (a stray bracket never swallows the next sentence)
HARD_BREAKS = "。" + LINE_BREAK

SENTENCE_END = SENTENCE_MARKS + LINE_BREAK
SEGMENT_MARKS = SENTENCE_MARKS + SEMICOLONS            # a segment's end within a line
SEGMENT_END = SEGMENT_MARKS + LINE_BREAK
# the bars between a table's cells (｜ folds to | in normalisation; │ and ┃ from drawn tables):
# no name nor cue runs across one, whether or not the rows read as a table (tables.py wants a
# markdown row, opening with a bar; 1｜甲村产业路｜甲村｜120 has none in front)
CELL_MARKS = "|│┃"
CLAUSE_END = SEGMENT_END + COMMAS + CELL_MARKS
CLAUSE_MARKS = CLAUSE_END + COLONS
