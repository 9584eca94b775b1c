"""One document's rows for every table, as plain dicts (no pyarrow here).

Worker processes build rows with this module only, so they never load pyarrow; the process
that writes the tables turns the rows into Arrow. `pipeline.schema` declares every column;
each row built here has exactly its table's columns (`tests/test_schema.py`).
All offsets point into `documents.text`; `check_offsets` proves it for every fact.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from pipeline.io.read import document_title
from pipeline.rules.loader import RuleSet
from pipeline.schema import COLUMN_NAMES, TABLE_NAMES
from pipeline.stages.checks import document_checks
from pipeline.stages.identity import project_key, report_region
from pipeline.stages.ledger import Ledger, Named, ProjectLedger, deciding_cue, document_ledger, first_cue_at
from pipeline.stages.region import year_from_file_name
from pipeline.stages.sections import innermost_section
from pipeline.stages.status_model import project_confidence
from pipeline.text.punctuation import LINE_BREAKS, SENTENCE_MARKS
from pipeline.text.sentences import char_index, forget_indexes
from pipeline.types import BASE_UNIT, Doc, Extraction, StatusMention
from pipeline.version import code_version

if TYPE_CHECKING:
    from pipeline.results import DocumentResult

# where and when the report is from: each value with the span of documents.text that gave it
PLACE_FIELDS = ("province", "city", "county", "year", "period")
PLACE_NAMES = [n for name in PLACE_FIELDS for n in (name, f"{name}_start", f"{name}_end")]
# how the year was found, and when the text says the report was issued (with its span)
DATE_NAMES = ["year_basis", "published", "published_start", "published_end"]


class OffsetError(AssertionError):
    """A fact's text does not equal the stored text at its offsets (a pipeline bug)."""


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _span(doc: Doc, start: int, end: int) -> tuple[int, int, str]:
    s, e = doc.original_span(start, end)
    return s, e, doc.text[s:e]


# Where a sentence ends (as `text.sentences.split_sentences` splits): after a run of these
# marks and one closing quote, or at a line break.
_CLOSING_QUOTES = "”’」』"


class SentenceFinder:
    """The sentence holding a span of one document, in stored-text offsets.

    Sentences end at 。！？ (with a closing quote after them) and at line breaks, as
    `split_sentences` cuts them; the blanks around a sentence are left out. Only the marks
    around each fact are looked up (`char_index`), so a long text is not split as a whole.
    A span that runs over a sentence end gets every sentence it touches.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.marks = char_index(doc.norm, SENTENCE_MARKS + LINE_BREAKS)

    def _past(self, mark: int) -> int:
        """Where the sentence ended by the mark at `mark` stops: past its run of marks and a
        closing quote (a line break is a blank: the sentence stops before it)."""
        norm = self.doc.norm
        if norm[mark] in LINE_BREAKS:
            return mark
        end = mark
        while end < len(norm) and norm[end] in SENTENCE_MARKS:
            end += 1
        return end + 1 if end < len(norm) and norm[end] in _CLOSING_QUOTES else end

    def __call__(self, start: int, end: int) -> tuple[int, int]:
        """(sentence_start, sentence_end) in the stored text for the normalised span start:end."""
        norm = self.doc.norm
        # a mark that is the span's last character ends its sentence
        before, after = self.marks.last_before(start), self.marks.first_from(max(start, end - 1))
        if before >= 0 and self._past(before) > start:
            # the span starts inside the marks (or on the quote) that end a sentence: that one
            while before > 0 and norm[before - 1] in SENTENCE_MARKS:
                before -= 1
            before = self.marks.last_before(before)
        s = 0 if before < 0 else self._past(before)
        e = len(norm) if after < 0 else max(self._past(after), end)
        while s < start and norm[s].isspace():
            s += 1
        while e > end and norm[e - 1].isspace():
            e -= 1
        return self.doc.original_span(s, e)


class Columns:
    """One table's rows as columns, in the schema's order (`pipeline.schema`): each row's dict
    is taken apart as it is appended, so only one row's dict is alive at a time. What a worker
    sends (`batch.run.Packed`). An 8 MB document's 7,800 quantities rows were 3.6 MB of dicts
    (464 bytes each), all alive at the worker's peak beside the extraction; as columns their
    references take 1.3 MB. Read back, a row is a dict again (`check_offsets`)."""

    __slots__ = ("names", "values")

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.values: list[list[Any]] = [[] for _ in names]

    def append(self, row: dict[str, Any]) -> None:
        if len(row) != len(self.names):
            raise ValueError(f"rows with the columns {sorted(row)}, not the schema's")
        for column, name in zip(self.values, self.names):
            column.append(row[name])

    def __len__(self) -> int:
        return len(self.values[0])

    def __getitem__(self, i: int) -> dict[str, Any]:
        return dict(zip(self.names, [column[i] for column in self.values]))

    def __iter__(self) -> Iterator[dict[str, Any]]:
        names = self.names
        return (dict(zip(names, row)) for row in zip(*self.values))


def document_rows(result: DocumentResult, rules: RuleSet) -> dict[str, list[dict[str, Any]]]:
    """The rows one document contributes to each table (the keys of each: `schema.TABLES`)."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_NAMES}
    _add_rows(result, rules, rows)
    return rows


def document_columns(result: DocumentResult, rules: RuleSet) -> dict[str, Columns]:
    """`document_rows` as columns (`Columns`, one per table), without a dict per row."""
    columns = {name: Columns(names) for name, names in COLUMN_NAMES.items()}
    _add_rows(result, rules, columns)
    return columns


def _add_rows(result: DocumentResult, rules: RuleSet, rows: dict[str, Any]) -> None:
    """Append one document's rows to `rows` (table -> a list of rows, or `Columns`)."""
    src = result.source
    ex = result.extraction
    document = {
        "doc_id": src.doc_id, "path": src.path, "format": src.format, "encoding": src.encoding,
        "size_bytes": src.size, "content_hash": src.content_hash,
        "chars": len(src.text), "title": document_title(src.text),
        "status": result.status, "error": result.error, "duplicate_of": result.duplicate_of,
        "text": src.text, "pipeline_version": code_version(), "rules_hash": rules.hash,
    }
    document.update(_place_columns(ex, src.path))
    rows["documents"].append(document)
    if ex is None:
        return
    doc = ex.doc
    ledger = document_ledger(ex, rules)
    region = report_region(ex.place)
    for s in ex.sections:
        start, end = doc.original_span(s.start, s.end)
        rows["sections"].append({
            "doc_id": src.doc_id, "section_id": s.section_id, "parent_id": s.parent_id,
            "level": s.level, "marker": s.marker, "title": s.title, "start": start, "end": end,
            "rule_id": s.rule_id})
    project_ids = {p.key: i for i, p in enumerate(ex.projects)}
    sentence_of = SentenceFinder(doc)
    cue_at = first_cue_at(ex)
    cues_of: dict[str | None, list[StatusMention]] = {}
    for cue in ex.statuses:
        cues_of.setdefault(cue.project_key, []).append(cue)
    keys: list[str] = []     # each project row's project_key (a check names its project's)
    for i, p in enumerate(ex.projects):
        keys.append(project_key(p.key, region, rules))
        start, end, text = _span(doc, p.start, p.end)
        status_text = None
        if p.status_start is not None and p.status_end is not None:
            status_text = _span(doc, p.status_start, p.status_end)[2]
        rows["projects"].append({
            "doc_id": src.doc_id, "project_id": i, "name": p.name, "alt_name": p.alt, "text": text,
            "section_id": p.section_id, "start": start, "end": end, "category": p.category,
            "status": p.status.value, "status_text": status_text,
            "total_investment": _num(p.total_investment), "planned_investment": _num(p.planned_investment),
            "completed_investment": _num(p.completed_investment), "length_m": _num(p.length_m),
            "area_m2": _num(p.area_m2), "mentions": p.mentions, "confidence": p.confidence,
            "status_confidence": project_confidence(p.status, p.status_start, p.status_end,
                                                    cues_of.get(p.key, [])),
            "project_key": keys[i],
            **_ledger_columns(doc, ledger, ledger.projects.get(p.key), deciding_cue(cue_at, p.status_start))})
    for i, q in enumerate(ex.quantities):
        start, end, text = _span(doc, q.start, q.end)
        rows["quantities"].append({
            "doc_id": src.doc_id, "quantity_id": i,
            "section_id": innermost_section(ex.sections, q.start).section_id,
            "project_id": project_ids.get(q.project_key) if q.project_key else None,
            "kind": q.kind.value, "value": _num(q.value), "value_high": _num(q.value_high),
            "unit": BASE_UNIT[q.kind], "unit_raw": q.unit_raw, "qualifier": q.qualifier,
            "role": q.role.value if q.role else None, "role_cue": q.role_cue,
            "scope": q.scope, "scope_rule": q.scope_rule, "parent_quantity_id": q.parent,
            "text": text, "start": start, "end": end, "rule_id": q.rule_id,
            **_sentence_columns(sentence_of(q.start, q.end))})
    unlinked: set[tuple[int, int, str]] = set()     # cues of candidates the model dropped: one row each
    for i, cue in enumerate(ex.statuses):
        project_id = project_ids.get(cue.project_key) if cue.project_key else None
        if project_id is None:
            if (cue.start, cue.end, cue.status.value) in unlinked:
                continue    # the same cue linked to two dropped candidates is one fact
            unlinked.add((cue.start, cue.end, cue.status.value))
        start, end, text = _span(doc, cue.start, cue.end)
        date = ledger.cue_dates.get(i)
        date_start, date_end = doc.original_span(date.start, date.end) if date else (None, None)
        rows["statuses"].append({
            "doc_id": src.doc_id, "project_id": project_id,
            "status": cue.status.value, "text": text, "start": start, "end": end, "rule_id": cue.rule_id,
            "confidence": cue.confidence, "event_date": date.value if date else None,
            "event_date_precision": date.precision if date else None,
            "event_date_start": date_start, "event_date_end": date_end,
            **_sentence_columns(sentence_of(cue.start, cue.end))})
    for i, c in enumerate(document_checks(ex, rules)):
        start, end, text = _span(doc, c.start, c.end)
        other_start, other_end, other_text = _span(doc, c.other_start, c.other_end)
        rows["checks"].append({
            "doc_id": src.doc_id, "check_id": i, "kind": c.kind, "severity": c.severity,
            "project_id": project_ids.get(c.project_key) if c.project_key else None,
            "project_key": keys[project_ids[c.project_key]] if c.project_key in project_ids else None,
            "message": c.message, "text": text, "start": start, "end": end,
            "other_doc_id": src.doc_id, "other_text": other_text, "other_start": other_start,
            "other_end": other_end})
    forget_indexes(doc.norm)        # the document is done: its text's indexes are not kept


def _ledger_columns(doc: Doc, ledger: Ledger, fields: ProjectLedger | None, cue: int | None) -> dict[str, Any]:
    """A project's ledger columns: the date of its deciding status cue, its plans, the
    responsible unit and contact leader (each with its span of the stored text)."""
    fields = fields or ProjectLedger()
    date = ledger.cue_dates.get(cue) if cue is not None else None

    def named(prefix: str, value: Named | None) -> dict[str, Any]:
        start, end = doc.original_span(value.start, value.end) if value else (None, None)
        return {prefix: value.value if value else None, f"{prefix}_start": start, f"{prefix}_end": end}

    return {
        "status_date": date.value if date else None,
        "status_date_precision": date.precision if date else None,
        "planned_start": fields.planned_start.value if fields.planned_start else None,
        "planned_end": fields.planned_end.value if fields.planned_end else None,
        **named("responsible_unit", fields.responsible_unit), **named("contact_leader", fields.contact_leader)}


def _sentence_columns(span: tuple[int, int]) -> dict[str, int]:
    return {"sentence_start": span[0], "sentence_end": span[1]}


def _place_columns(ex: Extraction | None, path: str) -> dict[str, Any]:
    """province … period_end, year_basis and published, spans mapped back to the stored text
    (all null without extraction). A year the text does not give (nor mask) comes from the
    file's name, without a span."""
    values: dict[str, Any] = dict.fromkeys(PLACE_NAMES + DATE_NAMES)
    if ex is None or ex.place is None:
        return values
    values["year_basis"] = ex.place.year_basis
    if ex.place.year is None and ex.place.year_basis is None:
        values["year"] = year_from_file_name(path.rsplit("/", 1)[-1])
        values["year_basis"] = "file_name" if values["year"] is not None else None
    if ex.place.published is not None and ex.place.published_start is not None \
            and ex.place.published_end is not None:
        values["published"] = ex.place.published
        values["published_start"], values["published_end"] = ex.doc.original_span(
            ex.place.published_start, ex.place.published_end)
    for name in PLACE_FIELDS:
        value = getattr(ex.place, name)
        start, end = getattr(ex.place, f"{name}_start"), getattr(ex.place, f"{name}_end")
        if value is None or start is None or end is None:
            continue
        values[name] = value
        values[f"{name}_start"], values[f"{name}_end"] = ex.doc.original_span(start, end)
    return values


def to_columns(rows: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, list[Any]]]:
    """The same rows as columns (table -> column -> values): what workers send to the writer,
    cheaper to pickle and to turn into Arrow than one dict per row. Tables without rows are
    left out. Documents' texts are UTF-8 bytes, which the writer stores as they are."""
    columns = {table: {name: [r[name] for r in table_rows] for name in table_rows[0]}
               for table, table_rows in rows.items() if table_rows}
    texts = columns["documents"]["text"]
    columns["documents"]["text"] = [None if t is None else t.encode("utf-8") for t in texts]
    return columns


def check_offsets(rows: dict[str, Any]) -> None:
    """Raise OffsetError unless every fact's text is the stored text at its offsets, inside its
    sentence. `rows`: each table's rows as dicts or as `Columns`."""
    texts = dict(_fields(rows["documents"], ("doc_id", "text")))
    for table in ("quantities", "projects", "statuses", "checks"):
        table_rows = rows[table]
        if not table_rows:
            continue
        sentences = "sentence_start" in (table_rows.names if isinstance(table_rows, Columns) else table_rows[0])
        names = ("doc_id", "start", "end", "text") + (("sentence_start", "sentence_end") if sentences else ())
        for i, (doc_id, start, end, text, *sentence) in enumerate(_fields(table_rows, names)):
            if texts[doc_id][start:end] != text:
                raise OffsetError(f"{table} row {table_rows[i]} does not match the stored text")
            if sentence and not sentence[0] <= start <= end <= sentence[1]:
                raise OffsetError(f"{table} row {table_rows[i]} lies outside its sentence")
    names = ("other_doc_id", "other_start", "other_end", "other_text")
    for i, (doc_id, start, end, text) in enumerate(_fields(rows["checks"], names)):
        if texts[doc_id][start:end] != text:
            raise OffsetError(f"checks row {rows['checks'][i]} does not match the stored text")


def _fields(table_rows: list[dict[str, Any]] | Columns, names: tuple[str, ...]) -> Iterator[tuple[Any, ...]]:
    """The values of the columns `names` of each row, as tuples."""
    if isinstance(table_rows, Columns):
        return zip(*(table_rows.values[table_rows.names.index(name)] for name in names))
    return map(itemgetter(*names), table_rows)
