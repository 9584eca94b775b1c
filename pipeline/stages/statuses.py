"""Status cues: where the text says a project is planned, started, in progress, delayed,
completed or operational. Linking a cue to its project is the `link` stage's job.

>>> from pipeline.rules.loader import load_rules
>>> find = StatusFinder(load_rules())
>>> [(s.status.value, s.rule_id) for s in find("该项目尚未开工，城南大道即将投入使用。")]
[('planned', 'status.not_yet_started'), ('in_progress', 'status.soon_operational')]
"""

from __future__ import annotations

from pipeline.overlap import resolve_overlaps
from pipeline.rules.loader import Cue, RuleSet
from pipeline.text.scan import MultiScanner
from pipeline.types import Status, StatusMention


class StatusFinder:
    """Find status cues in normalised text."""

    def __init__(self, rules: RuleSet) -> None:
        self.cues: tuple[Cue, ...] = rules.statuses.cues
        # one scan of the text for the words every cue's match contains, then each cue only
        # around its own words, on the engine that is faster for it (scan.py)
        self._scanner = MultiScanner([cue.pattern for cue in self.cues])

    def __call__(self, text: str, offset: int = 0) -> list[StatusMention]:
        matches = []
        for priority, (cue, spans) in enumerate(zip(self.cues, self._scanner.spans(text), strict=True)):
            for start, end in spans:
                if end > start:
                    matches.append((start, end, priority, cue))
        return [StatusMention(Status(cue.label), offset + s, offset + e, cue.id, weak=cue.weak,
                              future=cue.future, pace=cue.pace)
                for s, e, _, cue in resolve_overlaps(matches)]
