"""The forward pass run again with new data for some leaves, without touching the graph.

:func:`rebuild` records a copy of the graph through the engine itself (each node's op
applied to the copies of its operands, in topological order), with the given leaves
holding new data; :func:`reevaluate` does the same without recording and keeps only the
data. :func:`autograd.nudge` uses it to measure how the loss changes when a leaf moves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from autograd.graph import topological_order
from autograd.modes import enable_grad, no_grad
from autograd.ops import WITH_CONSTANT

if TYPE_CHECKING:
    from autograd.value import Value


def rebuild(root: Value, leaves: Mapping[Value, Any]) -> dict[Value, Value]:
    """A new graph like ``root``'s, with each leaf in ``leaves`` holding its new data.

    Returns ``{old node: new node}`` for every node ``root`` depends on. Every node of the
    copy has the old node's op, constant, label and group, and every leaf is a new Value,
    so the copy's passes never write to the old graph. A leaf not in the graph or an
    interior node in ``leaves`` is a ValueError; an op outside its domain at the new data
    (``log`` of a negative number) an :class:`autograd.DomainError`.
    """
    from autograd.value import Value

    order = topological_order(root)
    present = set(order)
    for node in leaves:
        if node not in present:
            raise ValueError(f"replay: {node!r:.60} is not in the graph of {root!r:.60}")
        if not node.is_leaf:
            raise ValueError(f"replay: {node!r:.60} is computed by an op, not a leaf")
    new: dict[Value, Value] = {}
    for node in order:
        op = node.op_entry
        if op is None:
            copy = Value(leaves.get(node, node.data))
        else:
            parents = [new[p] for p in node.parents]
            if op.kind is WITH_CONSTANT:
                copy = parents[0].apply(op, node.operands[op.position])  # its kept constant
            else:
                copy = parents[0].apply(op, *parents[1:])
        copy._meta = node._meta  # label and group
        new[node] = copy
    return new


def replayed(root: Value, leaves: Mapping[Value, Any]) -> tuple[Value, dict[Value, Value]]:
    """``root``'s copy by :func:`rebuild`, recorded whatever the caller's mode, and the map."""
    with enable_grad():
        copies = rebuild(root, leaves)
    return copies[root], copies


def reevaluate(root: Value, leaves: Mapping[Value, Any]) -> dict[Value, Any]:
    """Every node's data when the ``leaves`` hold the given data instead of their own.

    ``{node: data}`` for every node ``root`` depends on (``root`` included); nothing is
    recorded and the graph's own data and gradients are left as they are.
    """
    with no_grad():
        copies = rebuild(root, leaves)
    return {node: copy.data for node, copy in copies.items()}
