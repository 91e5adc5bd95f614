"""The graph as drawings see it: nodes numbered in topological order, edges, consumers.

Nodes are named by their position in :func:`autograd.topological_order`, never by
``id()``, so the same graph always gives the same DOT text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from autograd import Value, topological_order
from viz.errors import GraphTooLargeError

MAX_NODES = 2000
"""Graphs with more nodes than this are refused (use ``style="layers"`` instead)."""


def check_size(root: Value, limit: int, hint: str = "") -> None:
    """Raise :class:`GraphTooLargeError` if ``root``'s graph has more than ``limit`` nodes.

    Stops walking as soon as the limit is passed, so a huge graph is refused quickly.
    """
    seen = {id(root)}
    stack = [root]
    while stack:
        for parent in stack.pop().parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                if len(seen) > limit:
                    raise GraphTooLargeError(
                        f"this graph has more than {limit:,} nodes, too many to draw legibly"
                        " (and Graphviz could take very long to lay it out). "
                        + (
                            hint
                            or "Draw it with style='layers' (collapse=True) to see one"
                            " box per layer, or draw a smaller piece of the graph."
                        )
                    )
                stack.append(parent)


@dataclass
class GraphView:
    """A graph's nodes in topological order with their edges and consumers."""

    root: Value
    nodes: list[Value]
    index: dict[int, int] = field(default_factory=dict)
    consumers: list[list[int]] = field(default_factory=list)

    @classmethod
    def of(cls, root: Value, limit: int | None = MAX_NODES, hint: str = "") -> GraphView:
        if limit is not None:
            check_size(root, limit, hint)
        nodes = topological_order(root)
        view = cls(root, nodes)
        view.index = {id(v): i for i, v in enumerate(nodes)}
        view.consumers = [[] for _ in nodes]
        for i, v in enumerate(nodes):
            for p in v.parents:
                view.consumers[view.index[id(p)]].append(i)
        return view

    def name(self, node: Value) -> str:
        """The DOT name of ``node``: ``n`` and its topological position."""
        return f"n{self.index[id(node)]}"

    def position(self, node: Value) -> int | None:
        return self.index.get(id(node))

    def edges(self) -> Iterable[tuple[int, int, int]]:
        """Every edge as (parent position, child position, operand index), in order."""
        for i, v in enumerate(self.nodes):
            for k, p in enumerate(v.parents):
                yield self.index[id(p)], i, k


@dataclass
class StepState:
    """Where a :class:`autograd.Backprop` or :class:`autograd.Forward` stepper has got to."""

    backward: bool
    done: set[int]
    current: int | None
    in_order: set[int]

    @classmethod
    def of(cls, stepper: Any, view: GraphView) -> StepState:
        order = list(stepper.order)
        position = int(stepper.position)
        backward = _is_backward(stepper, order, view.root)
        positions = [view.position(v) for v in order]
        done = {p for p in positions[:position] if p is not None}
        current_node = getattr(stepper, "current", None)
        current = view.position(current_node) if current_node is not None else None
        return cls(backward, done, current, {p for p in positions if p is not None})

    def data_known(self, i: int) -> bool:
        """In a forward replay, whether node ``i`` has been computed (leaves always are)."""
        return self.backward or i in self.done or i not in self.in_order

    def grad_status(self, i: int, view: GraphView) -> str:
        """``"known"``, ``"partial"`` or ``"unknown"``: has ∂L/∂node ``i`` been fully summed?"""
        if not self.backward:
            return "unknown"
        users = view.consumers[i]
        if not users:
            return "known" if i in self.done or i == self.current else "unknown"
        finished = sum(u in self.done for u in users)
        return "known" if finished == len(users) else "partial" if finished else "unknown"


def _is_backward(stepper: Any, order: list[Value], root: Value) -> bool:
    direction = getattr(stepper, "direction", None)
    if isinstance(direction, str):
        return direction.lower().startswith("b")
    name = type(stepper).__name__.lower()
    if "forward" in name:
        return False
    if "back" in name:
        return True
    return bool(order) and order[0] is root and len(order) > 1
