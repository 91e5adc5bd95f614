"""Sum over paths: ∂f/∂x is the sum, over every path from x to f, of the product of the
local derivatives along it (colah's "Calculus on Computational Graphs").

:func:`sum_over_paths` lists the paths of a drawn graph with their products;
:func:`caption` writes them out and compares the sum with the gradient that
backward computes (:func:`autograd.gradients`), which is the same sum, organised
so that each edge is visited once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from autograd import Value, gradients
from autograd.explain import local_partials, operand, reduce_to, sum_text
from viz.labels import number
from viz.walk import GraphView

MAX_LISTED = 8
"""Paths written out in the caption; the others are counted."""
MAX_PATHS = 256
"""More paths than this are counted and summed, not listed (their number grows exponentially)."""

Edge = tuple[int, int, int]
"""(parent position, child position, operand index)."""


@dataclass(frozen=True)
class Paths:
    """Every path from ``source`` to the root, or only their count when there are too many."""

    source: int
    count: int
    listed: list[tuple[Edge, ...]]
    products: list[Any]
    total: Any
    edges: set[tuple[int, int]]
    nodes: set[int]


def sum_over_paths(view: GraphView, source: Value) -> Paths:
    """The paths from ``source`` to ``view.root``, each with its product of local derivatives."""
    start = view.position(source)
    if start is None:
        raise ValueError(f"paths_from: {source!r:.60} is not in this graph")
    out: list[list[tuple[int, int]]] = [[] for _ in view.nodes]
    partial: dict[Edge, Any] = {}
    for parent, child, k in view.edges():
        out[parent].append((child, k))
    last = len(view.nodes) - 1
    # paths to the root from each node, counted backwards (the same recursion backward runs)
    count = [0] * len(view.nodes)
    count[last] = 1
    for i in range(last - 1, -1, -1):
        count[i] = sum(count[c] for c, _ in out[i])
    on_path = _downstream(view, start)
    edges = {(p, c) for p in on_path for c, _ in out[p] if c in on_path}
    for p, c, k in view.edges():
        if (p, c) in edges:
            partial[(p, c, k)] = local_partials(view.nodes[c])[k]
    listed: list[tuple[Edge, ...]] = []
    if count[start] <= MAX_PATHS:
        listed = _enumerate(start, last, out, on_path)
    products = [_product(partial[e] for e in path) for path in listed]
    total = _dynamic_sum(view, start, last, out, partial, on_path)
    return Paths(start, count[start], listed, products, total, edges, on_path)


def caption(view: GraphView, paths: Paths, names: dict[Value, str], precision: int) -> str:
    """The caption of a sum-over-paths drawing: each path, its product, and the sum."""
    source, root = view.nodes[paths.source], view.root
    x, f = names[source], names[root]
    lines = [
        f"∂{f}/∂{x} = the sum over the {paths.count} path{'s' * (paths.count != 1)} from {x} to"
        f" {f} of the product of the local derivatives along each path:"
    ]
    leftover = paths.count > len(paths.listed[:MAX_LISTED])
    for path, product in zip(paths.listed[:MAX_LISTED], paths.products):
        route = " → ".join([x, *(names[view.nodes[c]] for _, c, _ in path)])
        factors = (
            " · ".join(f"∂{names[view.nodes[c]]}/∂{names[view.nodes[p]]}" for p, c, _ in path)
            or "1"
        )
        values = " × ".join(
            operand(number(local_partials(view.nodes[c])[k], precision)) for _, c, k in path
        )
        shown = f"{factors} = {values} = " if path else ""
        lines.append(f"  {route}:  {shown}{number(product, precision)}")
    if not paths.listed:
        lines.append("  (too many to list: their sum is taken edge by edge, as backward does)")
    elif paths.count > MAX_LISTED:
        lines.append(f"  … and {paths.count - MAX_LISTED} more")
    backward = gradients(root, source)
    total = number(paths.total, precision)
    terms = [number(product, precision) for product in paths.products]
    added = sum_text(terms, 0, total) if len(terms) > 1 and not leftover else total
    lines.append(
        f"sum = {added};  backward gives ∂{f}/∂{x} = {x}.grad = {number(backward, precision)}"
    )
    return "\n".join(lines)


def _downstream(view: GraphView, start: int) -> set[int]:
    """``start`` and every node that depends on it (each lies on a path to the root)."""
    found = {start}
    for i in range(start + 1, len(view.nodes)):
        if any(view.index[id(p)] in found for p in view.nodes[i].parents):
            found.add(i)
    return found


def _enumerate(
    start: int, last: int, out: list[list[tuple[int, int]]], on_path: set[int]
) -> list[tuple[Edge, ...]]:
    found: list[tuple[Edge, ...]] = []
    stack: list[tuple[int, tuple[Edge, ...]]] = [(start, ())]
    while stack:
        node, route = stack.pop()
        if node == last:
            found.append(route)
            continue
        for child, k in reversed(out[node]):
            if child in on_path:
                stack.append((child, (*route, (node, child, k))))
    return found


def _product(factors: Any) -> Any:
    result: Any = 1.0
    for factor in factors:
        result = result * factor
    return result


def _dynamic_sum(
    view: GraphView,
    start: int,
    last: int,
    out: list[list[tuple[int, int]]],
    partial: dict[Edge, Any],
    on_path: set[int],
) -> Any:
    """Σ over paths of the products, without listing them: one pass over the edges."""
    below: dict[int, Any] = {last: 1.0}
    for i in range(last - 1, start - 1, -1):
        if i in on_path:
            below[i] = sum(partial[(i, c, k)] * below[c] for c, k in out[i] if c in on_path)
    return reduce_to(view.nodes[start].data, below[start])
