"""Forward mode on a drawn graph: ∂v/∂x for every node v, one sweep in forward order.

Each node's tangent is ``Σ ∂node/∂parent · tangent(parent)`` with the partials of
the op table, as :func:`autograd.jvp` computes it; ``x`` itself has tangent 1.
"""

from __future__ import annotations

from typing import Any

from autograd import Value
from autograd.backward import local_partials, reduce_to
from viz.walk import GraphView


def tangents(view: GraphView, source: Value) -> dict[int, Any]:
    """∂node/∂``source`` for every node of ``view``, by position (0 where it does not depend)."""
    start = view.position(source)
    if start is None:
        raise ValueError(f"tangents_from: {source!r:.60} is not in this graph")
    found: dict[int, Any] = {i: 0.0 for i in range(len(view.nodes))}
    found[start] = 1.0
    depends = {start}
    for i in range(start + 1, len(view.nodes)):
        node = view.nodes[i]
        inputs = [(k, view.index[id(p)]) for k, p in enumerate(node.parents)]
        inputs = [(k, j) for k, j in inputs if j in depends]
        if not inputs:
            continue
        depends.add(i)
        partials = local_partials(node)
        found[i] = reduce_to(node.data, sum(partials[k] * found[j] for k, j in inputs))
    return found
