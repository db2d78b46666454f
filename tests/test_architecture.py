"""Architecture rules, read from the source with ``ast`` so a forbidden import fails a test, not a review.

* ``core`` and ``reference`` are the ground floor: ``core`` imports nothing of the app but itself and
  ``marketplace.extensions``; ``reference`` may also use ``core``. Every import counts, including those inside
  functions and under ``if TYPE_CHECKING:``.
* The packages (``accounts``, ``directory``, ... and the top-level modules) form no cycle. ``pytest -s``
  prints the graph, layer by layer.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import marketplace

PACKAGE_DIR = Path(marketplace.__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent
APP = "marketplace"

# What each ground-floor package may import from the app (third-party libraries are always allowed).
GROUND_FLOOR: dict[str, frozenset[str]] = {
    "core": frozenset({"core", "extensions"}),
    "reference": frozenset({"reference", "core", "extensions"}),
}


@dataclass(frozen=True)
class Import:
    """One import statement's target, resolved to a dotted module name, and where it was written."""

    source: str
    target: str
    file: str  # relative to the directory holding the ``marketplace`` package
    line: int
    type_only: bool = False  # written under ``if TYPE_CHECKING:``: never runs

    def where(self) -> str:
        return f"{self.file}:{self.line}"


def module_name(path: Path, root: Path = SOURCE_ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(dotted: str, root: Path) -> bool:
    base = root.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _from_base(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".") if is_package else module.split(".")[:-1]
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join([*parts, node.module] if node.module else parts)


def imports_of(path: Path, root: Path = SOURCE_ROOT) -> Iterator[Import]:
    """Every import in the file, wherever it is written (module level, functions, TYPE_CHECKING blocks).

    ``from package import name`` resolves to ``package.name`` when that is a module, else to ``package``.
    """
    module = module_name(path, root)
    is_package = path.name == "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    type_only = _type_checking_lines(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _from_base(node, module, is_package)
            submodules = [f"{base}.{alias.name}" for alias in node.names]
            targets = [name if _is_module(name, root) else base for name in submodules]
        else:
            continue
        file = path.relative_to(root).as_posix()
        typed = node.lineno in type_only
        yield from (Import(module, target, file, node.lineno, typed) for target in dict.fromkeys(targets))


def _type_checking_lines(tree: ast.Module) -> set[int]:
    """Lines inside ``if TYPE_CHECKING:`` blocks (imports there exist for annotations only)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def unit_of(dotted: str) -> str | None:
    """The graph node a module belongs to: its top-level package or module, or ``marketplace`` (the factory)."""
    parts = dotted.split(".")
    if parts[0] != APP:
        return None
    return parts[1] if len(parts) > 1 else APP


def app_imports(package_dir: Path = PACKAGE_DIR) -> list[Import]:
    root = package_dir.parent
    return [found for path in sorted(package_dir.rglob("*.py")) for found in imports_of(path, root)]


Graph = dict[str, dict[str, list[Import]]]


def package_graph(found: list[Import]) -> Graph:
    """node -> {node it imports -> the imports that make the edge}; self-imports are not edges.

    Imports under ``if TYPE_CHECKING:`` are not edges: they only name the other side of an ORM relationship for
    the type checker (``User.organisation`` and ``Organisation.members`` know each other by design), never run,
    and so cannot tie the packages' loading or behaviour together. The ground-floor rule still counts them.
    """
    graph: Graph = {}
    for item in found:
        source, target = unit_of(item.source), unit_of(item.target)
        if source is None or item.type_only:
            continue
        edges = graph.setdefault(source, {})
        if target is not None and target != source:
            edges.setdefault(target, []).append(item)
    for edges in list(graph.values()):
        for target in edges:
            graph.setdefault(target, {})
    return graph


def _without(graph: Graph, ignored: frozenset[tuple[str, str]]) -> dict[str, set[str]]:
    return {node: {t for t in edges if (node, t) not in ignored} for node, edges in graph.items()}


def strongly_connected(adjacency: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of nodes that reach each other (a group of two or more is a cycle)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(adjacency[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            groups.append(sorted([*group, node]))

    for node in sorted(adjacency):
        if node not in index:
            visit(node)
    return groups


def a_cycle(adjacency: dict[str, set[str]], group: list[str]) -> list[str]:
    """One concrete cycle through the group's first node, e.g. ``[a, b, a]`` (breadth-first: a shortest one)."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(adjacency[node] & members):
            if target == start:
                return [*paths[node], start]
            if target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    raise AssertionError(f"{group} is not a cycle")


def cycles(graph: Graph, ignored: frozenset[tuple[str, str]] = frozenset()) -> list[list[str]]:
    adjacency = _without(graph, ignored)
    return [a_cycle(adjacency, group) for group in strongly_connected(adjacency) if len(group) > 1]


def layers(adjacency: dict[str, set[str]]) -> list[list[str]]:
    """Ground floor first: each node sits one floor above the highest node it imports (needs no cycle)."""
    floor: dict[str, int] = {}

    def height(node: str) -> int:
        if node not in floor:
            floor[node] = 1 + max((height(t) for t in adjacency[node]), default=-1)
        return floor[node]

    for node in adjacency:
        height(node)
    return [sorted(n for n, f in floor.items() if f == level) for level in range(max(floor.values()) + 1)]


def describe(graph: Graph, ignored: frozenset[tuple[str, str]]) -> str:
    lines = ["Package dependency graph (~> marks an ignored edge):"]
    for node in sorted(graph):
        targets = [f"~>{t}" if (node, t) in ignored else t for t in sorted(graph[node])]
        lines.append(f"  {node} -> {', '.join(targets) or '(nothing)'}")
    adjacency = _without(graph, ignored)
    if not cycles(graph, ignored):
        lines.append("Layers, ground floor first:")
        lines += [f"  {number}: {', '.join(nodes)}" for number, nodes in enumerate(layers(adjacency))]
    return "\n".join(lines)


def explain(graph: Graph, cycle: list[str]) -> str:
    steps = []
    for source, target in zip(cycle, cycle[1:], strict=False):
        where = ", ".join(item.where() for item in graph[source][target][:3])
        steps.append(f"    {source} -> {target} ({where})")
    return " -> ".join(cycle) + "\n" + "\n".join(steps)


# --- The rules ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def found() -> list[Import]:
    return app_imports()


@pytest.fixture(scope="module")
def graph(found) -> Graph:
    return package_graph(found)


def ground_floor_violations(found: list[Import], package: str) -> list[str]:
    allowed = GROUND_FLOOR[package]
    return [
        f"{item.where()} imports {item.target}"
        for item in found
        if unit_of(item.source) == package and unit_of(item.target) not in (None, *allowed)
    ]


@pytest.mark.parametrize("package", sorted(GROUND_FLOOR))
def test_ground_floor_imports_no_domain_package(found, package):
    wrong = ground_floor_violations(found, package)
    assert not wrong, f"{package} may import only {sorted(GROUND_FLOOR[package])} of the app:\n" + "\n".join(wrong)


def test_package_graph_has_no_cycle(graph):
    print("\n" + describe(graph, frozenset()))
    found_cycles = cycles(graph)
    assert not found_cycles, "Package cycles:\n" + "\n".join(explain(graph, cycle) for cycle in found_cycles)


# --- The checker itself can fail -----------------------------------------------------------------------------


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def fake_app(tmp_path) -> Path:
    """A tiny ``marketplace``: core imports domain ``a`` inside a function; ``a`` and ``b`` import each other."""
    package = tmp_path / APP
    _write(package, "__init__.py", "")
    _write(package, "core/__init__.py", "")
    _write(package, "core/pages.py", "def view():\n    from marketplace.a.models import Thing\n    return Thing\n")
    _write(package, "a/__init__.py", "from . import models\n")
    _write(package, "a/models.py", "from marketplace.b import services\n")
    _write(package, "b/__init__.py", "")
    _write(package, "b/services.py", "from ..a import models\n")
    return package


def test_imports_inside_functions_and_relative_imports_are_found(fake_app):
    found = app_imports(fake_app)
    targets = {(item.source, item.target) for item in found}
    assert ("marketplace.core.pages", "marketplace.a.models") in targets
    assert ("marketplace.b.services", "marketplace.a.models") in targets
    assert ("marketplace.a", "marketplace.a.models") in targets
    assert ground_floor_violations(found, "core") == ["marketplace/core/pages.py:2 imports marketplace.a.models"]


def test_a_cycle_is_named_and_an_ignored_edge_breaks_it(fake_app):
    fake_graph = package_graph(app_imports(fake_app))
    assert fake_graph["core"] == {"a": fake_graph["core"]["a"]}
    assert cycles(fake_graph) == [["a", "b", "a"]]
    assert "a -> b -> a" in explain(fake_graph, ["a", "b", "a"])
    assert cycles(fake_graph, frozenset({("b", "a")})) == []
    assert layers(_without(fake_graph, frozenset({("b", "a")}))) == [["b"], ["a"], ["core"]]
