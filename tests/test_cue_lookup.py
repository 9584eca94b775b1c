"""Finding the first cue within a heading's span by bisection (`aggregate._CuesByStart`):
the same cue as a look through every cue of the document, in its order."""

from __future__ import annotations

import pytest

from pipeline.stages.aggregate import _CuesByStart
from pipeline.types import Status, StatusMention


def _cues(*spans: tuple[int, int]) -> list[StatusMention]:
    return [StatusMention(Status.IN_PROGRESS, s, e, f"cue{i}") for i, (s, e) in enumerate(spans)]


# cues (start, end) in the document's order, and the spans asked about
CASES = [
    ([(0, 2), (5, 7), (9, 12)], [(0, 2), (0, 1), (4, 8), (6, 8), (8, 20), (12, 20), (0, 20)]),
    # not in text order (the first in the list wins), one inside another, a shared start
    ([(9, 12), (5, 7), (0, 2), (5, 6), (10, 11)], [(0, 20), (5, 7), (5, 6), (9, 12), (10, 12), (3, 4)]),
    ([], [(0, 10)]),
]


@pytest.mark.parametrize(("spans", "asked"), CASES)
def test_first_within_is_the_first_cue_of_the_list_inside(spans, asked):
    cues = _cues(*spans)
    index = _CuesByStart(cues)
    for start, end in asked:
        expected = next((c for c in cues if start <= c.start and c.end <= end), None)
        assert index.first_within(start, end) is expected
