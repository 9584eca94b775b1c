"""Status cues: where the text says a project is planned, started, in progress, delayed,
completed or operational. Linking a cue to its project is the `link` stage's job.

>>> from pipeline.rules.loader import load_rules
>>> find = StatusFinder(load_rules())
>>> [(s.status.value, s.rule_id) for s in find("该项目尚未开工，城南大道即将投入使用。")]
[('planned', 'status.not_yet_started'), ('in_progress', 'status.soon_operational')]
>>> [s.rule_id for s in find("全县重点项目推进情况\\n城南大道推进顺利，推进情况良好。")]
['status.in_progress', 'status.in_progress']
"""

from __future__ import annotations

from pipeline.overlap import resolve_overlaps
from pipeline.rules.loader import Cue, RuleSet
from pipeline.text.layout import title_line
from pipeline.text.scan import MultiScanner
from pipeline.types import Status, StatusMention


class StatusFinder:
    """Find status cues in normalised text."""

    def __init__(self, rules: RuleSet) -> None:
        self.cues: tuple[Cue, ...] = rules.statuses.cues
        self.title_max_chars = rules.links.title_max_chars
        # one scan of the text for the words every cue's match contains, then each cue only
        # around its own words, on the engine that is faster for it (scan.py)
        self._scanner = MultiScanner([cue.pattern for cue in self.cues])

    def __call__(self, text: str, offset: int = 0) -> list[StatusMention]:
        matches = []
        title_end = self.title_end(text)
        for priority, (cue, spans) in enumerate(zip(self.cues, self._scanner.spans(text), strict=True)):
            for start, end in spans:
                if end > start and (not cue.mask or end <= title_end):
                    matches.append((start, end, priority, cue))
        # a masking cue (推进情况 in the title: the report's kind; a question anywhere: 啥时候能通车？)
        # wins its overlaps, then is dropped
        return [StatusMention(Status(cue.label), offset + s, offset + e, cue.id, weak=cue.weak,
                              future=cue.future, pace=cue.pace)
                for s, e, _, cue in resolve_overlaps(matches) if not cue.mask and not cue.hide]

    def title_end(self, text: str) -> int:
        """The end of the text's title line (`layout.title_line`), else 0: the only place a
        masking cue (a report's kind, 推进情况) is looked for."""
        title = title_line(text, self.title_max_chars)
        return title[1] if title is not None else 0
