"""Forward mode on a drawn graph: ∂v/∂x for every node v, by position in the drawing.

The sweep is :func:`autograd.explain.tangents`, the one :func:`autograd.jvp` runs;
``x`` itself has tangent 1.
"""

from __future__ import annotations

from typing import Any

from autograd import Value, explain
from viz.walk import GraphView


def tangents(view: GraphView, source: Value) -> dict[int, Any]:
    """∂node/∂``source`` for every node of ``view``, by position (0 where it does not depend)."""
    if view.position(source) is None:
        raise ValueError(f"tangents_from: {source!r:.60} is not in this graph")
    found = explain.tangents(view.nodes, {source: 1.0})
    return {i: found.get(node, 0.0) for i, node in enumerate(view.nodes)}
