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

import re

from pipeline.overlap import resolve_overlaps
from pipeline.rules.configs import CODE_LEGEND_RULE
from pipeline.rules.loader import Cue, RuleSet
from pipeline.text.layout import title_line
from pipeline.text.scan import MultiScanner
from pipeline.types import Status, StatusMention

# a character every legend of status codes holds (rules/statuses.yaml code_legend: 代码, 状态码)
_LEGEND_HINT = re.compile("代码|代号|编码|编号|状态码")


class StatusFinder:
    """Find status cues in normalised text."""

    def __init__(self, rules: RuleSet) -> None:
        self.cues: tuple[Cue, ...] = rules.statuses.cues
        self.title_max_chars = rules.links.title_max_chars
        # one scan of the text for the words every cue's match contains, then each cue only
        # around its own words, on the engine that is faster for it (scan.py)
        self._scanner = MultiScanner([cue.pattern for cue in self.cues])
        s = rules.statuses
        self.code_legend, self.code_pair, self.coded_state = s.code_legend, s.code_pair, s.coded_state

    def __call__(self, text: str, offset: int = 0) -> list[StatusMention]:
        matches = []
        title_end = self.title_end(text)
        for priority, (cue, spans) in enumerate(zip(self.cues, self._scanner.spans(text), strict=True)):
            for start, end in spans:
                if end > start and (not cue.mask or end <= title_end):
                    matches.append((start, end, priority, cue))
        # a masking cue (推进情况 in the title: the report's kind; a question anywhere: 啥时候能通车？)
        # wins its overlaps, then is dropped
        found = [StatusMention(Status(cue.label), offset + s, offset + e, cue.id, weak=cue.weak,
                               future=cue.future, pace=cue.pace)
                 for s, e, _, cue in resolve_overlaps(matches) if not cue.mask and not cue.hide]
        if _LEGEND_HINT.search(text) is not None:       # (most texts have no legend of codes)
            found = self._coded_states(text, offset, found)
        return found

    def _coded_states(self, text: str, offset: int, found: list[StatusMention]) -> list[StatusMention]:
        """`found` read with the document's legend of status codes (rules/statuses.yaml
        `code_legend`: 建设状态代码说明：1=谋划　3=在建): each state field holding a code
        (“项目状态”:“32”) states the state its label's cue states, a cue on the code's span; the
        legend's own cues state no project's state and are dropped. A code whose label holds no
        cue stands for nothing."""
        legend = self.code_legend.search(text)
        if legend is None:
            return found
        line_end = text.find("\n", legend.end())
        line_end = len(text) if line_end < 0 else line_end
        meaning: dict[str, StatusMention] = {}
        for pair in self.code_pair.finditer(text, legend.end(), line_end):
            start, end = pair.start("label") + offset, pair.end("label") + offset
            cue = next((m for m in found if start <= m.start and m.end <= end), None)
            if cue is not None:
                meaning.setdefault(pair.group("code"), cue)
        if not meaning:
            return found
        kept = [m for m in found if not legend.start() + offset <= m.start < line_end + offset]
        for field in self.coded_state.finditer(text):
            cue = meaning.get(field.group("code"))
            if cue is not None:
                kept.append(StatusMention(cue.status, offset + field.start("code"), offset + field.end("code"),
                                          CODE_LEGEND_RULE, future=cue.future))
        return sorted(kept, key=lambda m: (m.start, m.end))

    def title_end(self, text: str) -> int:
        """The end of the text's title line (`layout.title_line`), else 0: the only place a
        masking cue (a report's kind, 推进情况) is looked for."""
        title = title_line(text, self.title_max_chars)
        return title[1] if title is not None else 0
