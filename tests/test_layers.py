"""The layers of `pipeline/` and the imports between them, read from the source with `ast`.

Lowest layer first. A module may import modules of its own layer and of the layers below,
never one above, and the imports form no circle (counting imports inside functions and
under TYPE_CHECKING too: a circle hidden that way is still one). Every module is placed in
exactly one layer, so a new module has to be given its place here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"

LAYERS: list[tuple[str, str, set[str]]] = [
    # name      what it holds                                  modules
    ("base",    "records and helpers that know no other module",
                {"__init__", "types", "settings", "version", "numbers", "overlap", "scan", "formats", "pool",
                 "manifest"}),
    ("rules",   "the rule files, loaded and checked",          {"rules"}),
    ("text",    "files read, text normalised and split",       {"read", "normalise", "sentences"}),
    ("stages",  "one extraction step each",
                {"sections", "quantities", "roles", "statuses", "names", "projects", "link", "region",
                 "project_model", "status_model"}),
    ("rows",    "a document's results as rows, stored, logged", {"results", "rows", "tables", "store", "runlog"}),
    ("batch",   "the stages wired together, the batch run",    {"run", "distributed"}),
    ("outputs", "what people read the tables with",
                {"query", "export", "report", "explain", "evaluate", "spacy_component"}),
    ("cli",     "the command line",                            {"cli", "__main__"}),
]
LAYER_OF = {module: rank for rank, (_, _, modules) in enumerate(LAYERS) for module in modules}
LAYER_NAME = [name for name, _, _ in LAYERS]


def pipeline_imports(source: str, modules: set[str]) -> set[str]:
    """The modules of `pipeline` that `source` imports, wherever the import stands.

    >>> sorted(pipeline_imports("from pipeline import settings, __version__\\n"
    ...                         "def f():\\n    from pipeline.run import run\\n"
    ...                         "import pipeline.types as t", {"settings", "run", "types", "__init__"}))
    ['__init__', 'run', 'settings', 'types']
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] != "pipeline":
                continue
            if len(parts) > 1:
                found.add(parts[1])
            else:       # from pipeline import settings (a module) or __version__ (a name)
                found.update(a.name if a.name in modules else "__init__" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("pipeline."))
    return found


def import_graph(package: Path) -> dict[str, set[str]]:
    modules = {p.stem for p in package.glob("*.py")}
    return {p.stem: pipeline_imports(p.read_text(encoding="utf-8"), modules) - {p.stem}
            for p in sorted(package.glob("*.py"))}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles: strongly connected groups of more than one module (Tarjan).

    >>> cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}})
    [['a', 'b']]
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


GRAPH = import_graph(PACKAGE)


def test_every_module_has_one_layer() -> None:
    placed = [m for _, _, modules in LAYERS for m in modules]
    assert sorted(m for m in placed if placed.count(m) > 1) == [], "a module in two layers"
    assert sorted(set(GRAPH) - set(placed)) == [], "modules with no layer: add them to LAYERS"
    assert sorted(set(placed) - set(GRAPH)) == [], "LAYERS names modules that do not exist"


def test_no_import_circles() -> None:
    assert cycles(GRAPH) == []


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_import_from_a_higher_layer(module: str) -> None:
    upward = sorted(f"{module} ({LAYER_NAME[LAYER_OF[module]]}) imports {imported} "
                    f"({LAYER_NAME[LAYER_OF[imported]]})"
                    for imported in GRAPH[module]
                    if imported in LAYER_OF and module in LAYER_OF and LAYER_OF[imported] > LAYER_OF[module])
    assert upward == []


def test_types_imports_nothing_of_pipeline() -> None:
    """The records every stage passes on stand alone (a circle through them was hidden
    behind TYPE_CHECKING and a lazy import)."""
    assert GRAPH["types"] == set()
