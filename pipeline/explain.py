"""Human-readable listing of every fact in one document (`keyproj explain`)."""

from __future__ import annotations

from pathlib import Path

from pipeline.read import read_document
from pipeline.run import Pipeline
from pipeline.types import Doc

_SENTENCE_END = "。！？!?\n"


def _sentence(doc: Doc, start: int, end: int) -> str:
    text = doc.text
    s = max(text.rfind(ch, 0, start) for ch in _SENTENCE_END) + 1
    ends = [i for i in (text.find(ch, end) for ch in _SENTENCE_END) if i >= 0]
    e = min(ends) + 1 if ends else len(text)
    return (text[s:start] + "【" + text[start:end] + "】" + text[end:e]).strip()


def explain_file(path: Path, only: str | None = None) -> str:
    """Every fact of the document at `path`, one block per fact."""
    source = read_document(path, path.name)
    if source.status != "ok":
        return f"{path}: {source.status}: {source.error}"
    ex = Pipeline()(source.doc_id, source.text)
    doc = ex.doc
    names = {p.key: p.name for p in ex.projects}
    lines = [f"# {path}  ({len(source.text)} chars, {len(ex.sections) - 1} sections)"]

    def block(kind: str, start: int, end: int, detail: str, rule: str) -> None:
        if only and only != kind:
            return
        s, e = doc.original_span(start, end)
        lines.append(f"{kind:<16} {doc.text[s:e]!s:<14} {detail}  [{rule}] @{s}-{e}")
        lines.append(f"    {_sentence(doc, s, e)}")

    for sec in ex.sections[1:]:
        if not only or only == "section":
            lines.append(f"section          {'  ' * (sec.level - 1)}{sec.marker}{sec.title}  [{sec.rule_id}]")
    for q in ex.quantities:
        value = "null (placeholder)" if q.value is None else f"{q.value:,.4f}".rstrip("0").rstrip(".")
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
        if p.category:
            detail += f" category={p.category}"
        block("project", p.start, p.end, detail, "project")
    for st in ex.statuses:
        block("status", st.start, st.end, f"{st.status.value} -> {names.get(st.project_key or '', '-')}",
              st.rule_id)
    return "\n".join(lines)
