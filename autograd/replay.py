"""The forward pass run again with new data for some leaves, without touching the graph.

Every node is recomputed from the op table in topological order: its op's ``forward``
on numbers, ``array_forward`` when a batch is involved, as recording a node does.
:func:`autograd.nudge` uses it to measure how the loss changes when a leaf is perturbed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from autograd.data import MATH_ERRORS, as_data
from autograd.dispatch import on_arrays
from autograd.errors import DomainError
from autograd.graph import topological_order
from autograd.ops import WITH_CONSTANT

if TYPE_CHECKING:
    from autograd.value import Value


def reevaluate(root: Value, leaves: Mapping[Value, Any]) -> dict[Value, Any]:
    """Every node's data when the ``leaves`` hold the given data instead of their own.

    Returns ``{node: data}`` for every node ``root`` depends on (``root`` included); the
    graph's own data and gradients are left as they are. A leaf not in the graph or an
    interior node in ``leaves`` is a ValueError; an op outside its domain at the new
    data (``log`` of a negative number) a :class:`DomainError`.
    """
    order = topological_order(root)
    present = set(order)
    for node in leaves:
        if node not in present:
            raise ValueError(f"reevaluate: {node!r:.60} is not in the graph of {root!r:.60}")
        if not node.is_leaf:
            raise ValueError(f"reevaluate: {node!r:.60} is computed by an op, not a leaf")
    data: dict[Value, Any] = {}
    for node in order:
        op = node.op_entry
        if op is None:
            data[node] = as_data(leaves[node], "a leaf's new data") if node in leaves else node.data
            continue
        xs = [data[p] for p in node.parents]
        if op.kind is WITH_CONSTANT:
            xs.append(node.operands[op.position])  # the constant kept on the node
        try:
            if all(x.__class__ is float for x in xs):
                data[node] = op.forward(*xs)
            else:
                data[node] = on_arrays(op.array_forward, *xs)
        except MATH_ERRORS as exc:
            raise DomainError(
                f"reevaluate: {op.name} is undefined at the new data ({exc}); domain: {op.domain}"
            ) from None
    return data
