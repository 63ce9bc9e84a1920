"""The shape of the code: no import circle between modules or between packages, imports at the top
of modules, and no function longer than a screen. Read from the source with ``ast``, so a new
module is checked the day it is added."""

import ast
from pathlib import Path

import pytest

from tests.support.paths import ROOT

CATALOG = ROOT / "catalog"
MAX_FUNCTION_LINES = 80
# Imports that must wait until Django has loaded every app: AppConfig.ready registers receivers.
LATE_IMPORTS_ALLOWED = {"catalog.apps"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(CATALOG.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imported(module: str, node: ast.Import | ast.ImportFrom) -> set[str]:
    """The catalog modules an import statement loads (a package means its __init__)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in MODULES}
    base = node.module or ""
    if node.level:
        package = module.split(".")
        if not MODULES[module].name == "__init__.py":
            package = package[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, base] if base else package)
    found = set()
    for alias in node.names:
        if f"{base}.{alias.name}" in MODULES:
            found.add(f"{base}.{alias.name}")
        elif base in MODULES:
            found.add(base)
    return found


def _imports(late: bool) -> dict[str, set[str]]:
    """module → catalog modules it imports at its top (late=False) or inside functions (late=True)."""
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(node) for node in tree.body}
        edges = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and (id(node) not in top) == late:
                edges |= _imported(module, node)
        # Importing catalog.a.b runs catalog.a's __init__ first (unless the importer is inside catalog.a).
        for target in list(edges):
            parts = target.split(".")
            for i in range(2, len(parts)):
                package = ".".join(parts[:i])
                if package in MODULES and not module.startswith(package + "."):
                    edges.add(package)
        graph[module] = edges - {module}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one node (Tarjan), each sorted."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _package(module: str) -> str:
    """The concern a module belongs to: catalog.search.index → catalog.search."""
    parts = module.split(".")
    return ".".join(parts[:2])


def test_the_architecture_check_finds_a_circle_it_is_given():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_back_through_others():
    graph = {m: edges for m, edges in _imports(late=False).items()}
    for module, late in _imports(late=True).items():
        graph[module] |= late
    assert _cycles(graph) == []


def test_no_package_imports_another_in_a_circle():
    graph: dict[str, set[str]] = {}
    for module, edges in _imports(late=False).items():
        package = _package(module)
        graph.setdefault(package, set()).update(_package(e) for e in edges if _package(e) != package)
    assert _cycles(graph) == []


def test_catalog_modules_are_imported_at_the_top_of_a_module():
    late = {module: sorted(edges) for module, edges in _imports(late=True).items() if edges}
    assert {m: e for m, e in late.items() if m not in LATE_IMPORTS_ALLOWED} == {}


def _functions():
    for path in [*sorted(CATALOG.rglob("*.py")), *sorted((ROOT / "kvaguide").rglob("*.py"))]:
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield f"{path.relative_to(ROOT)}:{node.lineno} {node.name}", node.end_lineno - node.lineno + 1


def test_no_function_is_longer_than_a_screen():
    long = {name: lines for name, lines in _functions() if lines > MAX_FUNCTION_LINES}
    assert long == {}


@pytest.mark.parametrize(
    "module", ["catalog.visits.wizard", "catalog.text.swedish", "catalog.training.feedback", "catalog.usage.charts"]
)
def test_the_plain_engines_import_neither_django_nor_the_database(module):
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not {name for name in imported if name.startswith(("django", "catalog.models"))}
