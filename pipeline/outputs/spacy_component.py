"""A spaCy component that runs the keyproj pipeline and stores its facts as labelled spans.

Registered as the factory "keyproj" (entry point in pyproject.toml, and by the decorator
below when this module is imported). Labels: the quantity kind in upper case (MONEY,
LENGTH, AREA, VOLUME, PERCENT, PERCENTAGE_POINT), PROJECT and STATUS. Values travel in
`Span._.keyproj_*` extensions; offsets are those of the original text.

>>> import spacy
>>> nlp = spacy.blank("zh")
>>> _ = nlp.add_pipe("keyproj")
>>> doc = nlp("城南大道工程总投资3.5亿元，目前已竣工。")
>>> [(s.label_, s.text) for s in doc.spans["keyproj"]]
[('PROJECT', '城南大道工程'), ('MONEY', '3.5亿元'), ('STATUS', '已竣工')]
>>> money = doc.spans["keyproj"][1]
>>> money._.keyproj_value, money._.keyproj_unit, money._.keyproj_role
(350000000.0, 'yuan', 'total_investment')

Show them with `displacy.render(doc, style="span", options={"spans_key": "keyproj"})`.
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.types import BASE_UNIT

# spaCy imports this module whenever a Language is created (entry point), so the
# pipeline itself (rules, jieba) is imported and built only when first needed.
if TYPE_CHECKING:
    from pipeline.extract import Pipeline

EXTENSIONS = ("value", "value_high", "unit", "role", "status", "project", "rule")
for _name in EXTENSIONS:
    if not Span.has_extension(f"keyproj_{_name}"):
        Span.set_extension(f"keyproj_{_name}", default=None)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class KeyprojComponent:
    """Fill `doc.spans[spans_key]` with the projects, quantities and statuses of `doc.text`."""

    def __init__(self, name: str = "keyproj", spans_key: str = "keyproj",
                 rules_dir: str | None = None) -> None:
        self.name = name
        self.spans_key = spans_key
        self.rules_dir = rules_dir
        self._pipeline: Pipeline | None = None

    @property
    def pipeline(self) -> "Pipeline":
        """The keyproj `Pipeline`, built (rules and jieba loaded) on first use."""
        if self._pipeline is None:
            from pipeline.extract import Pipeline
            from pipeline.rules.loader import load_rules

            self._pipeline = Pipeline(load_rules(self.rules_dir))
        return self._pipeline

    def __call__(self, doc: Doc) -> Doc:
        ex = self.pipeline(self.name, doc.text)
        names = {p.key: p.name for p in ex.projects}
        rules = {(m.start, m.end): m.rule_id for m in ex.mentions}
        spans: list[Span] = []

        def add(start: int, end: int, label: str, **values: Any) -> None:
            span = doc.char_span(*ex.doc.original_span(start, end), label=label,
                                 alignment_mode="expand")
            if span is None:     # nothing but whitespace under the fact
                return
            for key, value in values.items():
                span._.set(f"keyproj_{key}", value)
            spans.append(span)

        for q in ex.quantities:
            add(q.start, q.end, q.kind.name, value=_float(q.value),
                value_high=_float(q.value_high), unit=BASE_UNIT[q.kind],
                role=q.role and q.role.value, project=names.get(q.project_key or ""),
                rule=q.rule_id)
        for p in ex.projects:
            add(p.start, p.end, "PROJECT", status=p.status.value, project=p.name,
                rule=rules.get((p.start, p.end)))
        for s in ex.statuses:
            add(s.start, s.end, "STATUS", status=s.status.value,
                project=names.get(s.project_key or ""), rule=s.rule_id)
        doc.spans[self.spans_key] = sorted(spans, key=lambda s: (s.start_char, s.end_char))
        return doc


@Language.factory("keyproj", default_config={"spans_key": "keyproj", "rules_dir": None})
def make_keyproj(nlp: Language, name: str, spans_key: str,
                 rules_dir: str | None) -> KeyprojComponent:
    """spaCy factory: `nlp.add_pipe("keyproj", config={"rules_dir": ...})`."""
    return KeyprojComponent(name, spans_key, rules_dir)
