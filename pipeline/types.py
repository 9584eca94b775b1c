"""Typed records passed between stages.

Every fact carries `start`/`end` as half-open offsets into the *normalised* text of its
`Doc`; `Doc.original_span` maps them to the stored text, once, when tables are built.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Kind(StrEnum):
    MONEY = "money"
    LENGTH = "length"
    AREA = "area"
    VOLUME = "volume"
    PERCENT = "percent"
    PERCENTAGE_POINT = "percentage_point"


class Role(StrEnum):
    TOTAL = "total_investment"
    PLANNED = "planned_investment"
    COMPLETED = "completed_investment"
    OTHER = "other"


class Status(StrEnum):
    PLANNED = "planned"
    STARTED = "started"
    IN_PROGRESS = "in_progress"
    DELAYED = "delayed"
    COMPLETED = "completed"
    OPERATIONAL = "operational"
    UNKNOWN = "unknown"


BASE_UNIT = {
    Kind.MONEY: "yuan",
    Kind.LENGTH: "m",
    Kind.AREA: "m2",
    Kind.VOLUME: "m3",
    Kind.PERCENT: "percent",
    Kind.PERCENTAGE_POINT: "percentage_point",
}


@dataclass(frozen=True, slots=True)
class Doc:
    """A document's stored text and the normalised text the extractors read.

    `removed_at` lists, in normalised coordinates, where characters of the stored text
    were dropped (pinyin glosses); `removed_total` how many in total up to each place.
    """

    doc_id: str
    text: str
    norm: str
    removed_at: tuple[int, ...] = ()
    removed_total: tuple[int, ...] = ()

    def original_offset(self, pos: int) -> int:
        """Map a normalised offset to the stored text (start-side)."""
        if not self.removed_at:
            return pos
        i = bisect_right(self.removed_at, pos)
        return pos + (self.removed_total[i - 1] if i else 0)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open normalised span to the stored text."""
        if end <= start:
            o = self.original_offset(start)
            return o, o
        return self.original_offset(start), self.original_offset(end - 1) + 1


@dataclass(frozen=True, slots=True)
class Section:
    section_id: int
    parent_id: int | None
    level: int
    marker: str
    title: str
    start: int          # heading start (normalised offsets)
    end: int            # end of the section's body
    title_start: int
    title_end: int
    rule_id: str


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class Quantity:
    kind: Kind
    value: Decimal | None
    value_high: Decimal | None
    unit_raw: str
    qualifier: str | None
    start: int
    end: int
    rule_id: str
    role: Role | None = None
    role_cue: str | None = None
    project_key: str | None = None
    scope: str | None = None            # money: which total it counts toward (stages/scope.py)
    scope_rule: str | None = None       # the rule that decided the scope
    parent: int | None = None           # index of the amount a breakdown part belongs to


@dataclass(frozen=True, slots=True)
class ProjectMention:
    """One place where a project is named."""

    name: str           # the name as written (normalised text)
    key: str            # identity used to merge mentions of one project
    start: int
    end: int
    rule_id: str
    alt: str | None = None      # name with an enumeration's shared suffix


@dataclass(frozen=True, slots=True)
class StatusMention:
    status: Status
    start: int
    end: int
    rule_id: str
    project_key: str | None = None
    weak: bool = False          # decides only when the project has no other cue
    future: bool = False        # a plan (计划…开工): never overrides a state already reached
    pace: bool = False          # a pace against a schedule (快于时间进度), not a state reached
    confidence: float | None = None     # that this cue states the project's status (status_model)
    features: tuple[tuple[str, float], ...] = ()    # what the confidence was scored from


@dataclass(frozen=True, slots=True)
class Project:
    """A distinct project of one document, with what the text says about it."""

    key: str
    name: str
    alt: str | None
    start: int                  # its fullest mention
    end: int
    section_id: int
    category: str | None
    status: Status
    status_start: int | None    # the cue that decided the status
    status_end: int | None
    total_investment: Decimal | None
    planned_investment: Decimal | None
    completed_investment: Decimal | None
    length_m: Decimal | None
    area_m2: Decimal | None
    mentions: int
    confidence: float | None = None     # the project model's calibrated probability (project_model.py)


@dataclass(frozen=True, slots=True)
class PlacePeriod:
    """Where and when a report is from (`region.detect_place_and_period`): each value with
    the half-open span of the normalised text that gave it, or None for both."""

    province: str | None = None
    province_start: int | None = None
    province_end: int | None = None
    city: str | None = None
    city_start: int | None = None
    city_end: int | None = None
    county: str | None = None
    county_start: int | None = None
    county_end: int | None = None
    year: int | None = None
    year_start: int | None = None
    year_end: int | None = None
    period: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    year_basis: str | None = None       # how the covered year was found (region.detect_year)
    published: str | None = None        # date (2024-11-08) or year the text says it was issued
    published_start: int | None = None
    published_end: int | None = None


@dataclass(slots=True)
class Extraction:
    """Everything extracted from one document, in normalised offsets."""

    doc: Doc
    sections: list[Section] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    mentions: list[ProjectMention] = field(default_factory=list)
    statuses: list[StatusMention] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    place: PlacePeriod | None = None      # where and when the report is from (region.py)


# ---- ledgers written as tables (`stages/tables.py` finds them; `Found.tables` carries them) ----

@dataclass(frozen=True, slots=True)
class Cell:
    """One cell's text (offsets into the text, white space and markup trimmed) and its column."""

    start: int
    end: int
    column: int


@dataclass(slots=True)
class Row:
    """One row of a table: its cells, those of the lines it wraps onto too."""

    start: int
    end: int
    cells: list[Cell] = field(default_factory=list)
    total: bool = False              # 合计 / 小计: a row of sums

    def cells_of(self, column: int) -> list[Cell]:
        return [c for c in self.cells if c.column == column]


@dataclass(frozen=True, slots=True)
class Table:
    """A header row's column kinds (None: a column no rule names) and the rows under it."""

    start: int
    end: int
    kinds: tuple[str | None, ...]
    rows: tuple[Row, ...]
    cell_lines: bool = False         # one cell a line (a web page's table copied as text)

    def column(self, kind: str) -> int | None:
        return self.kinds.index(kind) if kind in self.kinds else None


# ---- notices' cards of labelled fields (`stages/cards.py` finds them; `Found.cards` carries them) ----

#: the role a money field's kind gives its amounts (`stages/cards.py` `KINDS`)
LABEL_ROLES = {"total": Role.TOTAL, "planned": Role.PLANNED, "completed": Role.COMPLETED, "source": Role.OTHER}


@dataclass(frozen=True, slots=True)
class Field:
    """One labelled field: its label's span, its value's span (trimmed) and its kind
    (`stages/cards.KINDS`, or ``other``)."""

    label_start: int
    label_end: int
    value_start: int
    value_end: int
    kind: str

    @property
    def start(self) -> int:
        return self.label_start

    @property
    def role(self) -> Role | None:
        return LABEL_ROLES.get(self.kind)

    def value(self, text: str) -> str:
        return text[self.value_start:self.value_end]


@dataclass(frozen=True, slots=True)
class Card:
    """A run of fields, one project's card (`stages/cards.py`'s module doc)."""

    start: int
    end: int
    fields: tuple[Field, ...]

    @property
    def name(self) -> Field | None:
        return next((f for f in self.fields if f.kind == "name"), None)

    def field_at(self, pos: int) -> Field | None:
        return next((f for f in self.fields if f.label_start <= pos < max(f.value_end, f.label_end + 1)), None)
