"""The import graph of greenpark's subpackages has no cycle (issue 15).

The layers themselves are checked by ``lint-imports`` (contracts in pyproject.toml); a layer may hold siblings that
import each other (the engines, the bottom layer), so a cycle between them is found here. Imports inside functions
count: a deferred import still makes the two packages depend on each other.
"""

from __future__ import annotations

import grimp


def subpackage_graph() -> dict[str, set[str]]:
    """greenpark's top-level subpackages and modules, each with the ones it imports (directly)."""
    graph = grimp.build_graph("greenpark", cache_dir=None)

    def top(module: str) -> str | None:
        parts = module.split(".")
        return parts[1] if len(parts) > 1 else None

    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        a = top(module)
        if a is None:
            continue
        edges.setdefault(a, set())
        for imported in graph.find_modules_directly_imported_by(module):
            b = top(imported)
            if b is not None and b != a:
                edges[a].add(b)
    return edges


def cycles(edges: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected components of more than one node (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.add(frozenset(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_hand_made_cycle() -> None:
    # a -> b -> c -> a is one cycle; d -> a hangs off it; e <-> f is another
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"f"}, "f": {"e"}}
    assert cycles(edges) == {frozenset("abc"), frozenset("ef")}
    assert cycles({"a": {"b"}, "b": set()}) == set()


def test_no_import_cycle_between_subpackages() -> None:
    found = sorted(sorted(c) for c in cycles(subpackage_graph()))
    assert found == [], f"import cycles between greenpark's subpackages: {found}"


def test_the_graph_is_greenparks_own() -> None:
    # the finder above sees the real graph: the application layer imports the engines, the served app both halves
    edges = subpackage_graph()
    assert {"ghg", "water", "waste"} <= edges["runs"] and {"api", "web"} <= edges["server"]
    assert "waste" not in edges["ghg"] and "io" not in edges["store"] and "web" not in edges["api"]
