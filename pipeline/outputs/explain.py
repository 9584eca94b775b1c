"""Human-readable listing of every fact in one document (`keyproj explain`)."""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path

from pipeline.extract import Pipeline
from pipeline.io.read import read_document
from pipeline.stages.checks import document_checks
from pipeline.stages.ledger import document_ledger
from pipeline.stages.status_model import project_confidence
from pipeline.text.sentences import split_sentences
from pipeline.types import Doc, Kind, Sentence

# What `--kind` may name: the quantity kinds, then sections, projects, statuses and checks.
FACT_KINDS = (*(k.value for k in Kind), "section", "project", "status", "check")


class Unreadable(ValueError):
    """The document could not be read; the message says why."""


def _marked_sentence(doc: Doc, sentences: list[Sentence], starts: list[int], start: int, end: int) -> str:
    """The stored-text sentence around a fact (normalised offsets), the fact in 【】;
    `starts` are the sentences' starts."""
    i = max(bisect_right(starts, start) - 1, 0)
    s_start, s_end = doc.original_span(sentences[i].start, max(sentences[i].end, end))
    o_start, o_end = doc.original_span(start, end)
    text = doc.text
    return (text[s_start:o_start] + "【" + text[o_start:o_end] + "】" + text[o_end:s_end]).strip()


def explain_file(path: Path, only: str | None = None) -> str:
    """Every fact of the document at `path`, one block per fact (Unreadable if it has no text)."""
    if only is not None and only not in FACT_KINDS:
        raise ValueError(f"unknown kind {only!r}; expected one of {', '.join(FACT_KINDS)}")
    source = read_document(path, path.name)
    if source.status != "ok":
        raise Unreadable(f"{path}: {source.status}: {source.error}")
    pipeline = Pipeline()
    ex = pipeline(source.doc_id, source.text)
    doc = ex.doc
    names = {p.key: p.name for p in ex.projects}
    lines = [f"# {path}  ({len(source.text)} chars, {len(ex.sections) - 1} sections)"]
    sentences = split_sentences(doc.norm)       # once: a long report has thousands of facts
    starts = [s.start for s in sentences]

    def block(kind: str, start: int, end: int, detail: str, rule: str) -> None:
        if only and only != kind:
            return
        s, e = doc.original_span(start, end)
        lines.append(f"{kind:<16} {doc.text[s:e]!s:<14} {detail}  [{rule}] @{s}-{e}")
        lines.append(f"    {_marked_sentence(doc, sentences, starts, start, end)}")

    for sec in ex.sections[1:]:
        if not only or only == "section":
            lines.append(f"section          {'  ' * (sec.level - 1)}{sec.marker}{sec.title}  [{sec.rule_id}]")
    for q in ex.quantities:
        value = "null (placeholder or broken number)" if q.value is None else f"{q.value:,.4f}".rstrip("0").rstrip(".")
        if q.value_high is not None:
            value += f" – {q.value_high:,.4f}".rstrip("0").rstrip(".")
        detail = f"value={value}"
        if q.role:
            detail += f" role={q.role.value}" + (f" (cue {q.role_cue})" if q.role_cue else "")
        if q.qualifier:
            detail += f" qualifier={q.qualifier}"
        if q.project_key:
            detail += f" project={names.get(q.project_key, q.project_key)}"
        block(q.kind.value, q.start, q.end, detail, q.rule_id)
    for p in ex.projects:
        detail = f"status={p.status.value}" + (f" alt={p.alt}" if p.alt else "")
        linked = [s for s in ex.statuses if s.project_key == p.key]
        detail += f" status_confidence={project_confidence(p.status, p.status_start, p.status_end, linked):.2f}"
        if p.category:
            detail += f" category={p.category}"
        if p.confidence is not None:
            detail += f" confidence={p.confidence:.2f}"
        block("project", p.start, p.end, detail, "project")
    dates = document_ledger(ex, pipeline.rules).cue_dates
    for i, st in enumerate(ex.statuses):
        confidence = "" if st.confidence is None else f" confidence={st.confidence:.2f}"
        date = f" date={dates[i].value} ({dates[i].precision})" if i in dates else ""
        block("status", st.start, st.end,
              f"{st.status.value} -> {names.get(st.project_key or '', '-')}{confidence}{date}", st.rule_id)
    for c in document_checks(ex, pipeline.rules):       # figures that do not agree
        block("check", c.start, c.end, f"{c.severity} {c.kind}: {c.message}", c.kind)
    return "\n".join(lines)
