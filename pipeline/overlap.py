"""Overlap resolution shared by the stages: longest match first, then rule priority.

>>> resolve_overlaps([(0, 2, 1, "a"), (0, 4, 2, "b"), (5, 6, 0, "c")])
[(0, 4, 2, 'b'), (5, 6, 0, 'c')]
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def resolve_overlaps(matches: list[tuple[int, int, int, T]]) -> list[tuple[int, int, int, T]]:
    """Keep non-overlapping (start, end, priority, payload) matches.

    Longer spans win; among equal lengths the lower priority number (listed earlier) wins.
    """
    ordered = sorted(matches, key=lambda m: (-(m[1] - m[0]), m[2], m[0]))
    chosen: list[tuple[int, int, int, T]] = []
    if any(m[1] <= m[0] for m in ordered):
        taken: list[tuple[int, int]] = []       # empty spans: compare with every kept span
        for m in ordered:
            if all(m[1] <= s or m[0] >= e for s, e in taken):
                chosen.append(m)
                taken.append((m[0], m[1]))
    else:
        used = bytearray(max((m[1] for m in ordered), default=0))    # characters already kept
        for m in ordered:
            if used.find(1, m[0], m[1]) < 0:
                chosen.append(m)
                used[m[0]:m[1]] = b"\x01" * (m[1] - m[0])
    return sorted(chosen, key=lambda m: m[0])
