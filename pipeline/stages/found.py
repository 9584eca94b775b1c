"""What the stages found so far in one document, and the shape of a stage.

A stage is made once from the rule set (`make_<stage>(rules)` in its module, or in
`extract.py` for the extractors it shares) and then called per document with the
document's `Layout` and what the stages before it found; it returns what they found
with its own part added (`dataclasses.replace`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.text.layout import Layout
from pipeline.types import (
    Card,
    Doc,
    Extraction,
    PlacePeriod,
    Project,
    ProjectMention,
    Quantity,
    Section,
    StatusMention,
    Table,
)


@dataclass(frozen=True, slots=True)
class Found:
    """One document's facts so far, in normalised offsets."""

    doc: Doc
    sections: list[Section]
    quantities: list[Quantity] = field(default_factory=list)
    cues: list[StatusMention] = field(default_factory=list)       # every status cue, linked or not
    mentions: list[ProjectMention] = field(default_factory=list)
    statuses: list[StatusMention] = field(default_factory=list)   # cues linked to a project
    projects: list[Project] = field(default_factory=list)
    place: PlacePeriod | None = None
    # the document's tables (`stages/tables.find_tables`), found once by the roles stage for
    # the stages after it (`table_rows`); None before that stage has run
    tables: tuple[Table, ...] | None = None
    # the document's cards of labelled fields (`stages/cards.find_cards`), found once by the
    # roles stage for the stages after it (`card_rows`); None before that stage has run
    cards: tuple[Card, ...] | None = None

    def extraction(self) -> Extraction:
        return Extraction(self.doc, self.sections, self.quantities, self.mentions, self.statuses,
                          self.projects, self.place)


Stage = Callable[[Layout, Found], Found]
