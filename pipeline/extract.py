"""The one place the stages are wired: a document's text in, its `Extraction` out.

A document is normalised and split into sections; its `Layout` (sentences, segments,
clauses, sections: `text/layout.py`) is computed once from those; then each stage of the
registry below runs in order, made once from the rule set and called with the layout and
what the stages before it found (`stages/found.py`):

quantities -> roles -> statuses -> projects -> anaphora -> link (statuses and amounts to
projects) -> table_rows (a table row's facts) -> card_rows (a notice's cards of labelled fields) ->
aggregate (one row per project) -> region (place and period) -> project_model
(weighs the candidates) -> status_model (each project's status among its candidates) ->
scope (which total each money amount counts toward).

The batch run (`batch/run.py`), `explain`, `eval` and the spaCy component all call this.
"""

from __future__ import annotations

from pipeline.rules.compiled import save_compiled
from pipeline.rules.loader import RuleSet, load_rules
from pipeline.stages.aggregate import make_aggregate
from pipeline.stages.anaphora import make_anaphora
from pipeline.stages.cards import find_cards, make_card_rows
from pipeline.stages.dates import started_before_this_year
from pipeline.stages.found import Found, Stage
from pipeline.stages.identity import one_key_per_project
from pipeline.stages.link import make_link
from pipeline.stages.names import NameJudge
from pipeline.stages.project_model import ProjectModel
from pipeline.stages.projects import ProjectExtractor
from pipeline.stages.quantities import QuantityExtractor
from pipeline.stages.region import detect_place_and_period
from pipeline.stages.roles import assign_roles
from pipeline.stages.scope import assign_scopes
from pipeline.stages.sections import split_sections
from pipeline.stages.status_model import decide_statuses
from pipeline.stages.statuses import StatusFinder
from pipeline.stages.tables import find_tables, make_table_rows
from pipeline.text.layout import Layout
from pipeline.text.normalise import normalise
from pipeline.types import Card, Extraction, PlacePeriod, Project, ProjectMention, Quantity, StatusMention, Table

# The stages in the order they run (the README's stage list is this one).
STAGE_NAMES = ("quantities", "roles", "statuses", "projects", "anaphora", "link", "table_rows", "card_rows",
               "aggregate", "region", "project_model", "status_model", "scope")


# What each stage below adds to `Found`, as a new Found built from its fields in order:
# `dataclasses.replace` took 8-15 us a call (it walks the fields and reads their metadata),
# 8 calls a document. tests/test_extract_wrappers.py asserts FOUND_FIELDS are Found's
# fields and each with_* equals replace, so a field added to Found fails there at once.
FOUND_FIELDS = ("doc", "sections", "quantities", "cues", "mentions", "statuses", "projects", "place", "tables", "cards")


def with_quantities(f: Found, quantities: list[Quantity]) -> Found:
    return Found(f.doc, f.sections, quantities, f.cues, f.mentions, f.statuses, f.projects, f.place, f.tables, f.cards)


def with_roles(f: Found, quantities: list[Quantity], tables: tuple[Table, ...], cards: tuple[Card, ...]) -> Found:
    return Found(f.doc, f.sections, quantities, f.cues, f.mentions, f.statuses, f.projects, f.place, tables, cards)


def with_cues(f: Found, cues: list[StatusMention]) -> Found:
    return Found(f.doc, f.sections, f.quantities, cues, f.mentions, f.statuses, f.projects, f.place, f.tables, f.cards)


def with_mentions(f: Found, mentions: list[ProjectMention]) -> Found:
    return Found(f.doc, f.sections, f.quantities, f.cues, mentions, f.statuses, f.projects, f.place, f.tables, f.cards)


def with_projects(f: Found, projects: list[Project], statuses: list[StatusMention] | None = None) -> Found:
    return Found(f.doc, f.sections, f.quantities, f.cues, f.mentions, f.statuses if statuses is None else statuses,
                 projects, f.place, f.tables, f.cards)


def with_place(f: Found, place: PlacePeriod | None) -> Found:
    return Found(f.doc, f.sections, f.quantities, f.cues, f.mentions, f.statuses, f.projects, place, f.tables, f.cards)


def make_quantities(extract: QuantityExtractor) -> Stage:
    def quantities(layout: Layout, found: Found) -> Found:
        return with_quantities(found, extract(layout.text, layout=layout))
    return quantities


def make_roles(rules: RuleSet) -> Stage:
    def roles(layout: Layout, found: Found) -> Found:
        # the document's tables and cards, found here once for this stage, `table_rows` and `card_rows`
        tables, cards = find_tables(layout.text, rules), find_cards(layout.text, rules)
        return with_roles(found, assign_roles(layout.text, found.quantities, rules, layout, tables, cards),
                          tables, cards)
    return roles


def make_statuses(find: StatusFinder) -> Stage:
    def statuses(layout: Layout, found: Found) -> Found:
        return with_cues(found, find(layout.text))
    return statuses


def make_projects(extract: ProjectExtractor, rules: RuleSet) -> Stage:
    def projects(layout: Layout, found: Found) -> Found:
        # one project named in two forms (全称 and short form) is one key: stages/identity.py
        return with_mentions(found, one_key_per_project(extract(layout.text, cues=found.cues), rules))
    return projects


def make_region(rules: RuleSet) -> Stage:
    def region(layout: Layout, found: Found) -> Found:
        return with_place(found, detect_place_and_period(layout.text, rules))
    return region


def make_project_model(model: ProjectModel, judge: NameJudge, rules: RuleSet) -> Stage:
    def project_model(layout: Layout, found: Found) -> Found:
        return with_projects(found, model.weigh(found.extraction(), judge, rules))
    return project_model


def make_status_model(rules: RuleSet) -> Stage:
    title_max_chars = rules.links.title_max_chars       # the title line its opening candidates read

    def status_model(layout: Layout, found: Found) -> Found:
        projects, statuses = decide_statuses(found.extraction(), found.cues, title_max_chars=title_max_chars)
        # a start in a year before the report's is works going on since (stages/dates.py)
        projects = started_before_this_year(projects, layout.text, found.place, rules)
        return with_projects(found, projects, statuses)
    return status_model


def make_scope(rules: RuleSet) -> Stage:
    def scope(layout: Layout, found: Found) -> Found:
        return with_quantities(found, assign_scopes(layout.text, found.quantities, found.projects,
                                                    found.place, rules, layout.long_sentence_cuts))
    return scope


class Pipeline:
    """The stages, built once from a rule set, applied to one text at a time."""

    def __init__(self, rules: RuleSet | None = None, project_model: ProjectModel | None = None,
                 weigh_projects: bool = True, rank_statuses: bool = True) -> None:
        self.rules = rules = rules or load_rules()
        # the extractors stages share with callers (tests, training scripts)
        self.quantities = QuantityExtractor(rules)
        self.projects = ProjectExtractor(rules)
        # the projects stage holds a StatusFinder of the same rules (for the status words that
        # end a name): the statuses stage shares it rather than compiling its 28 cue scanners
        # again (40 ms of every worker's start)
        self.statuses = self.projects.statuses
        # weighs the rules' project candidates (off only to train it: scripts/train.py projects)
        self.project_model = (project_model or ProjectModel.load()) if weigh_projects else None
        stages: dict[str, Stage] = {
            "quantities": make_quantities(self.quantities),
            "roles": make_roles(rules),
            "statuses": make_statuses(self.statuses),
            "projects": make_projects(self.projects, rules),
            "anaphora": make_anaphora(rules),
            "link": make_link(rules),
            "table_rows": make_table_rows(rules),      # a table row's facts to its project
            "card_rows": make_card_rows(rules),        # a card's project, state and money
            "aggregate": make_aggregate(rules),
            "region": make_region(rules),
        }
        if self.project_model is not None:
            stages["project_model"] = make_project_model(self.project_model, self.projects.judge, rules)
        # the status model picks each project's status among its candidates (off only to train it)
        self.rank_statuses = rank_statuses
        if rank_statuses:
            stages["status_model"] = make_status_model(rules)
        stages["scope"] = make_scope(rules)
        self.stages = stages
        save_compiled()     # the stages' patterns, for the next process (pipeline/rules/compiled.py)

    def found(self, doc_id: str, text: str, until: str | None = None) -> tuple[Found, Layout]:
        """The document normalised and split into sections, its layout (computed here, once),
        and what the stages found: all of them, or those before the one named `until`."""
        if until is not None and until not in self.stages:
            raise ValueError(f"no stage '{until}' (the stages: {', '.join(self.stages)})")
        doc = normalise(doc_id, text, self.rules)
        sections = split_sections(doc.norm, self.rules)
        found, layout = Found(doc, sections), Layout(doc.norm, tuple(sections))
        for name, stage in self.stages.items():
            if name == until:
                break
            found = stage(layout, found)
        return found, layout

    def __call__(self, doc_id: str, text: str) -> Extraction:
        return self.found(doc_id, text)[0].extraction()
