"""The graph as drawings see it: nodes numbered in topological order, edges, consumers,
and how far a stepper has got.

DOT identifiers come from a node's position in :func:`autograd.topological_order`,
never from ``id()``, so the same graph always gives the same DOT text; the names a
reader sees come from :func:`autograd.names`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

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

    def position(self, node: Value) -> int | None:
        return self.index.get(id(node))

    def edges(self) -> Iterable[tuple[int, int, int]]:
        """Every edge as (parent position, child position, operand index), in order."""
        for i, v in enumerate(self.nodes):
            for k, p in enumerate(v.parents):
                yield self.index[id(p)], i, k


class Stepping(Protocol):
    """What a drawing reads of a stepper: :class:`autograd.Backprop`, :class:`autograd.Forward`,
    or anything with the same attributes (the interactive page's pass by layers)."""

    @property
    def root(self) -> Value: ...
    @property
    def order(self) -> list[Value]: ...
    @property
    def position(self) -> int: ...
    @property
    def direction(self) -> str: ...
    @property
    def current(self) -> Value | None: ...


@dataclass
class StepState:
    """Where a :class:`autograd.Backprop` or :class:`autograd.Forward` stepper has got to.

    ``done`` holds every processed node, ``last`` the one processed by the latest
    step and ``current`` the one the next step handles (positions in the view).
    """

    backward: bool
    done: set[int]
    last: int | None
    current: int | None
    in_order: set[int]

    @classmethod
    def of(cls, stepper: Stepping, view: GraphView) -> StepState:
        if stepper.root is not view.root:
            raise ValueError("step: the stepper walks another graph than the one drawn")
        order = list(stepper.order)
        position = int(stepper.position)
        positions = [view.position(v) for v in order]
        done = {p for p in positions[:position] if p is not None}
        last = positions[position - 1] if position > 0 else None
        current = view.position(stepper.current) if stepper.current is not None else None
        backward = stepper.direction == "backward"
        return cls(backward, done, last, current, {p for p in positions if p is not None})

    def state(self, i: int) -> str:
        """``"last"``, ``"next"``, ``"done"``, ``"pending"`` or ``""`` (not a step of this pass)."""
        if i == self.last:
            return "last"
        if i == self.current:
            return "next"
        if i in self.done:
            return "done"
        return "pending" if i in self.in_order else ""

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
