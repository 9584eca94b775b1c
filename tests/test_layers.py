"""The layers of `pipeline/` and the imports between them, read from the source with `ast`.

Lowest layer first. A module may import modules of its own layer and of the layers below,
never one above, and the imports form no circle (counting imports inside functions and
under TYPE_CHECKING too: a circle hidden that way is still one). Every module is placed in
exactly one layer, so a new module has to be given its place here. Modules are named by
their dotted path below `pipeline` (`stages.link`); a package's `__init__` is placed by
the package folder (`stages.*`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"

LAYERS: list[tuple[str, str, set[str]]] = [
    # name      what it holds                                  modules ("pkg.*": every module of the folder)
    ("base",    "records, defaults and helpers that know no other module",
                {"__init__", "types", "schema", "settings", "version", "overlap", "text.numbers", "text.scan",
                 "batch.pool",          # a generic process pool; io.formats uses its child_session
                 "batch.manifest"}),
    ("io",      "files read into text",                        {"io.*"}),
    ("rules",   "the rule files, loaded and checked",          {"rules.*"}),
    ("text",    "text normalised and split",                   {"text.*"}),
    ("stages",  "one extraction step each",                    {"stages.*"}),
    ("extract", "the stages wired; a document's result as rows", {"extract", "results", "rows"}),
    ("batch",   "the batch run: plan, workers, store, log",    {"batch.*"}),
    ("outputs", "what people read the tables with",            {"outputs.*"}),
    ("cli",     "the command line",                            {"cli", "command", "__main__"}),
]
LAYER_NAME = [name for name, _, _ in LAYERS]


def module_name(path: Path, package: Path) -> str:
    """`stages/link.py` -> `stages.link`; a package's `__init__.py` -> `stages.__init__`."""
    return ".".join(path.relative_to(package).with_suffix("").parts)


def layer_of(module: str) -> int | None:
    """The rank of the layer `module` is placed in: by name first, then by its folder."""
    for rank, (_, _, modules) in enumerate(LAYERS):
        if module in modules:
            return rank
    folder = module.rsplit(".", 1)[0] + ".*" if "." in module else None
    for rank, (_, _, modules) in enumerate(LAYERS):
        if folder in modules:
            return rank
    return None


def pipeline_imports(source: str, modules: set[str]) -> set[str]:
    """The modules of `pipeline` that `source` imports, wherever the import stands.

    >>> sorted(pipeline_imports("from pipeline import settings, __version__\\n"
    ...                         "def f():\\n    from pipeline.batch.run import run\\n"
    ...                         "import pipeline.types as t\\nfrom pipeline.text import numbers",
    ...                         {"settings", "batch.run", "types", "__init__", "text.numbers"}))
    ['__init__', 'batch.run', 'settings', 'text.numbers', 'types']
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] != "pipeline":
                continue
            base = ".".join(parts[1:])
            for alias in node.names:        # from pipeline.text import numbers (a module) or a name
                full = f"{base}.{alias.name}" if base else alias.name
                found.add(full if full in modules else (base or "__init__"))
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".", 1)[1] for a in node.names if a.name.startswith("pipeline."))
    return found


def import_graph(package: Path) -> dict[str, set[str]]:
    paths = {module_name(p, package): p for p in sorted(package.rglob("*.py")) if "_rules" not in p.parts}
    modules = set(paths)
    return {name: pipeline_imports(path.read_text(encoding="utf-8"), modules) - {name}
            for name, path in paths.items()}


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
    placed = [m for _, _, modules in LAYERS for m in modules if not m.endswith(".*")]
    assert sorted(m for m in placed if placed.count(m) > 1) == [], "a module in two layers"
    assert sorted(m for m in GRAPH if layer_of(m) is None) == [], "modules with no layer: add them to LAYERS"
    assert sorted(set(placed) - set(GRAPH)) == [], "LAYERS names modules that do not exist"


def test_no_import_circles() -> None:
    assert cycles(GRAPH) == []


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_import_from_a_higher_layer(module: str) -> None:
    rank = layer_of(module)
    assert rank is not None
    upward = sorted(f"{module} ({LAYER_NAME[rank]}) imports {imported} ({LAYER_NAME[layer_of(imported) or 0]})"
                    for imported in GRAPH[module] if (layer_of(imported) or 0) > rank)
    assert upward == []


def test_types_imports_nothing_of_pipeline() -> None:
    """The records every stage passes on stand alone (a circle through them was hidden
    behind TYPE_CHECKING and a lazy import)."""
    assert GRAPH["types"] == set()


def test_each_folder_is_a_package_with_its_layer() -> None:
    """Every folder of code has an `__init__.py` (setuptools ships only packages) and is
    listed in pyproject.toml, so a wheel carries it."""
    pyproject = (PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8")
    for folder in sorted(p for p in PACKAGE.iterdir() if p.is_dir() and any(p.glob("*.py"))):
        assert (folder / "__init__.py").is_file(), folder
        assert f'"pipeline.{folder.name}"' in pyproject, f"pipeline.{folder.name} missing from pyproject packages"


def private_imports(source: str) -> list[str]:
    """Names starting with `_` that `source` imports from a module of `pipeline`.

    >>> private_imports("from pipeline.stages.link import _SEGMENT_END, link_statuses\\n"
    ...                 "from pipeline import __version__")
    ['pipeline.stages.link._SEGMENT_END']
    """
    return sorted(f"{node.module}.{alias.name}" for node in ast.walk(ast.parse(source))
                  if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("pipeline")
                  for alias in node.names if alias.name.startswith("_") and not alias.name.startswith("__"))


@pytest.mark.parametrize("path", sorted(p for p in PACKAGE.rglob("*.py") if "_rules" not in p.parts),
                         ids=lambda p: module_name(p, PACKAGE))
def test_no_module_imports_another_ones_private_names(path: Path) -> None:
    """What two stages share is declared once where both can see it (punctuation classes in
    text/punctuation.py, the layout in text/layout.py), not borrowed from one of them
    (project_model read link.py's `_SEGMENT_END`)."""
    assert private_imports(path.read_text(encoding="utf-8")) == []
