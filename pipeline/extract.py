"""The one place the stages are wired: a document's text in, its `Extraction` out.

normalise -> sections -> quantities -> roles -> statuses -> projects -> anaphora -> link
(statuses, quantities) -> aggregate (one row per project) -> region (place and period) ->
project model (weighs the candidates) -> scope (which total each amount counts toward);
sentences are split only where asked for (`explain`).
The batch run (`batch/run.py`), `explain`, `eval` and the spaCy component all call this.
"""

from __future__ import annotations

from pipeline.rules.loader import RuleSet, load_rules
from pipeline.stages.link import build_projects, link_quantities, link_statuses, resolve_anaphora
from pipeline.stages.project_model import ProjectModel
from pipeline.stages.projects import ProjectExtractor
from pipeline.stages.quantities import QuantityExtractor
from pipeline.stages.region import detect_place_and_period
from pipeline.stages.roles import assign_roles
from pipeline.stages.scope import assign_scopes
from pipeline.stages.sections import split_sections
from pipeline.stages.statuses import StatusFinder
from pipeline.text.normalise import normalise
from pipeline.types import Extraction


class Pipeline:
    """The extractors, built once from a rule set, applied to one text at a time."""

    def __init__(self, rules: RuleSet | None = None, project_model: ProjectModel | None = None,
                 weigh_projects: bool = True) -> None:
        self.rules = rules or load_rules()
        self.quantities = QuantityExtractor(self.rules)
        self.statuses = StatusFinder(self.rules)
        self.projects = ProjectExtractor(self.rules)
        # weighs the rules' project candidates (off only to train it: scripts/train_models.py)
        self.project_model = (project_model or ProjectModel.load()) if weigh_projects else None

    def __call__(self, doc_id: str, text: str) -> Extraction:
        rules = self.rules
        doc = normalise(doc_id, text, rules)
        sections = split_sections(doc.norm, rules)
        quantities = assign_roles(doc.norm, self.quantities(doc.norm), rules)
        cues = self.statuses(doc.norm)
        mentions = self.projects(doc.norm, cues=cues)
        mentions = mentions + resolve_anaphora(doc, sections, mentions, rules)
        linked = link_statuses(doc, sections, mentions, cues, rules)
        quantities = link_quantities(doc, sections, mentions, quantities, rules)
        projects = build_projects(doc, sections, mentions, linked, quantities, rules, cues)
        place = detect_place_and_period(doc.norm, rules)
        ex = Extraction(doc, sections, quantities, mentions, linked, projects, place)
        if self.project_model is not None:
            ex.projects = self.project_model.weigh(ex, self.projects.judge, rules)
        ex.quantities = assign_scopes(doc.norm, ex.quantities, ex.projects, place, rules)
        return ex
