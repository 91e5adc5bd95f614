"""The classic backprop bugs, each as a small buggy pass, and a graph on which each one shows.

Questions learners ask about micrograd: why a topological sort, why ``+=``,
what calling ``backward()`` twice does, why zeroing the parameters is not
enough when a graph is reused. Each function here returns the gradients the
buggy pass would leave, as ``{node: grad}``, without touching the graph; the
local partials come from the op table (:func:`autograd.backward.local_partials`),
so only the bug differs from the real pass.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from autograd import Value, topological_order
from autograd.explain import local_partials

Grads = dict[Value, float]

BUGS = ("no_toposort", "assign_not_accumulate", "backward_twice", "zero_params_only")


@dataclass(frozen=True)
class Bug:
    """One bug: what the buggy code does, and the one-line lesson."""

    name: str
    does: str
    fix: str


DESCRIPTIONS = {
    "no_toposort": Bug(
        "no_toposort",
        "visits the nodes breadth-first from the output, each once, instead of in reverse"
        " topological order",
        "process a node only after every node that uses it: reverse topological order",
    ),
    "assign_not_accumulate": Bug(
        "assign_not_accumulate",
        "writes parent.grad = upstream × partial instead of parent.grad += upstream × partial",
        "add each use's contribution: parent.grad += upstream × partial",
    ),
    "backward_twice": Bug(
        "backward_twice",
        "calls backward() twice (as micrograd does it: nothing reset in between, the output"
        " seeded with 1 again)",
        "zero every gradient before each backward() (or call it once)",
    ),
    "zero_params_only": Bug(
        "zero_params_only",
        "runs backward(), zeroes the parameters (the leaves) only, and runs backward() again"
        " on the same graph, micrograd style",
        "zero every node's gradient, or rebuild the graph for each pass (as a training loop does)",
    ),
}


def correct(root: Value) -> Grads:
    """The right gradients, by the engine's own ``backward()`` (the graph is left as it was)."""
    order = topological_order(root)
    saved = [v.grad for v in order]
    try:
        for v in order:
            v.grad = 0.0
        root.backward()
        return {v: float(v.grad) for v in order}
    finally:
        for v, g in zip(order, saved):
            v.grad = g


def _accumulating_pass(order: list[Value], root: Value, grads: Grads, assign: bool = False) -> None:
    """micrograd's pass over ``order`` (children first): seed the output, push to parents."""
    grads[root] = 1.0
    for node in order:
        if node.is_leaf:
            continue
        for parent, partial in zip(node.parents, local_partials(node)):
            contribution = grads[node] * float(partial)
            grads[parent] = contribution if assign else grads[parent] + contribution


def no_toposort(root: Value) -> tuple[Grads, list[Value]]:
    """Breadth-first from the output, each node once; returns the grads and the visit order."""
    grads = {v: 0.0 for v in topological_order(root)}
    order: list[Value] = []
    seen = {root}
    queue = deque([root])
    while queue:
        node = queue.popleft()
        order.append(node)
        for parent in node.parents:
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    _accumulating_pass(order, root, grads)
    return grads, order


def assign_not_accumulate(root: Value) -> Grads:
    """Reverse topological order, but ``=`` where ``+=`` belongs."""
    grads = {v: 0.0 for v in topological_order(root)}
    _accumulating_pass(list(reversed(topological_order(root))), root, grads, assign=True)
    return grads


def backward_twice(root: Value) -> Grads:
    """Two passes with nothing reset in between (micrograd's ``backward`` called twice)."""
    order = list(reversed(topological_order(root)))
    grads = {v: 0.0 for v in order}
    _accumulating_pass(order, root, grads)
    _accumulating_pass(order, root, grads)
    return grads


def zero_params_only(root: Value) -> Grads:
    """A pass, then only the leaves zeroed, then a second pass on the same graph."""
    order = list(reversed(topological_order(root)))
    grads = {v: 0.0 for v in order}
    _accumulating_pass(order, root, grads)
    for v in order:
        if v.is_leaf:
            grads[v] = 0.0
    _accumulating_pass(order, root, grads)
    return grads


def run(bug: str, root: Value) -> Grads:
    """The gradients the pass with ``bug`` leaves on ``root``'s graph."""
    passes: dict[str, Callable[[Value], Grads]] = {
        "no_toposort": lambda r: no_toposort(r)[0],
        "assign_not_accumulate": assign_not_accumulate,
        "backward_twice": backward_twice,
        "zero_params_only": zero_params_only,
    }
    return passes[bug](root)


def example(bug: str) -> Value:
    """A small graph on which ``bug`` gives wrong gradients (a diamond or a reused node).

    * ``no_toposort``: a diamond, ``L = q + exp(q)`` with ``q = x * y``: breadth-first
      reaches ``q`` before ``exp(q)`` has added its part.
    * ``assign_not_accumulate``: ``L = x * y + x``: ``x`` is used twice.
    * ``backward_twice``: ``z = x * x + 1`` (micrograd's issue: 18 instead of 6 at x = 3).
    * ``zero_params_only``: ``L = (w * x) ** 2``: ``p = w * x`` keeps its old gradient.
    """
    if bug == "no_toposort":
        x, y = Value(1.0, label="x"), Value(0.5, label="y")
        q = x * y
        q.label = "q"
        e = q.exp()
        e.label = "e"
        out = q + e
    elif bug == "assign_not_accumulate":
        x, y = Value(3.0, label="x"), Value(2.0, label="y")
        p = x * y
        p.label = "p"
        out = p + x
    elif bug == "backward_twice":
        x = Value(3.0, label="x")
        y = x * x
        y.label = "y"
        out = y + 1.0
    elif bug == "zero_params_only":
        w, x = Value(0.5, label="w"), Value(2.0, label="x")
        p = w * x
        p.label = "p"
        out = p**2
    else:
        raise ValueError(f"bug must be one of {', '.join(map(repr, BUGS))}, got {bug!r}")
    out.label = "z" if bug == "backward_twice" else "L"
    return out


__all__ = ["BUGS", "DESCRIPTIONS", "correct", "example", "run"]
