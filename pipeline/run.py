"""Wiring: the stages in order, one document at a time, then the tables.

read -> normalise -> sections -> sentences -> quantities -> roles -> projects -> statuses
-> link -> tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.link import build_projects, link_quantities, link_statuses, resolve_anaphora
from pipeline.normalise import normalise
from pipeline.projects import ProjectExtractor
from pipeline.quantities import QuantityExtractor
from pipeline.read import SourceDocument, discover, read_document
from pipeline.roles import assign_roles
from pipeline.rules import RuleSet, load_rules
from pipeline.sections import split_sections
from pipeline.sentences import split_sentences
from pipeline.statuses import StatusFinder
from pipeline.types import Extraction


class Pipeline:
    """The extractors, built once from a rule set, applied to one text at a time."""

    def __init__(self, rules: RuleSet | None = None) -> None:
        self.rules = rules or load_rules()
        self.quantities = QuantityExtractor(self.rules)
        self.statuses = StatusFinder(self.rules)
        self.projects = ProjectExtractor(self.rules)

    def __call__(self, doc_id: str, text: str) -> Extraction:
        rules = self.rules
        doc = normalise(doc_id, text, rules)
        sections = split_sections(doc.norm, rules)
        sentences = split_sentences(doc.norm)
        quantities = assign_roles(doc.norm, self.quantities(doc.norm), rules)
        mentions = self.projects(doc.norm)
        mentions = mentions + resolve_anaphora(doc, sections, mentions, rules)
        cues = self.statuses(doc.norm)
        linked = link_statuses(doc, sections, mentions, cues, rules)
        quantities = link_quantities(doc, sections, mentions, quantities, rules)
        projects = build_projects(doc, sections, mentions, linked, quantities, rules, cues)
        return Extraction(doc, sections, sentences, quantities, mentions, linked, projects)


@dataclass(slots=True)
class DocumentResult:
    source: SourceDocument
    extraction: Extraction | None
    status: str
    error: str | None


@dataclass(slots=True)
class RunSummary:
    out: Path
    documents: dict[str, int] = field(default_factory=dict)
    facts: dict[str, int] = field(default_factory=dict)
    failed: list[tuple[str, str]] = field(default_factory=list)


def process(pipeline: Pipeline, source: SourceDocument) -> DocumentResult:
    """Extract one document; an exception becomes an error row, never a crash."""
    if source.status != "ok":
        return DocumentResult(source, None, source.status, source.error)
    try:
        return DocumentResult(source, pipeline(source.doc_id, source.text), "ok", None)
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the batch
        return DocumentResult(source, None, "error", f"{type(exc).__name__}: {exc}")


def run(inputs: list[Path], out: Path, rules: RuleSet | None = None,
        progress: Callable[[Iterable[tuple[Path, str]]], Iterable[tuple[Path, str]]] | None = None
        ) -> RunSummary:
    """Process every file under `inputs` and write the tables to `out`."""
    from pipeline.tables import build_tables, write_tables

    pipeline = Pipeline(rules)
    files = discover(inputs)
    seen_ids: dict[str, int] = {}
    results = []
    for path, rel in (progress(files) if progress else files):
        source = read_document(path, rel)
        if source.doc_id in seen_ids:      # the same relative path under two inputs
            seen_ids[source.doc_id] += 1
            source = replace(source, doc_id=f"{source.doc_id}-{seen_ids[source.doc_id]}")
        else:
            seen_ids[source.doc_id] = 0
        results.append(process(pipeline, source))
    tables = build_tables(results, pipeline.rules)
    write_tables(tables, out)
    summary = RunSummary(out)
    for r in results:
        summary.documents[r.status] = summary.documents.get(r.status, 0) + 1
        if r.error:
            summary.failed.append((r.source.path, r.error))
    quantities = tables["quantities"]
    for kind in quantities.column("kind").to_pylist():
        summary.facts[kind] = summary.facts.get(kind, 0) + 1
    summary.facts["projects"] = tables["projects"].num_rows
    summary.facts["statuses"] = tables["statuses"].num_rows
    summary.facts["sections"] = tables["sections"].num_rows
    return summary
