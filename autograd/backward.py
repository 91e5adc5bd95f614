"""Reverse mode: the one loop that applies the chain rule to a whole graph."""

from __future__ import annotations

import gc
from typing import Any

import numpy as np

from autograd import modes
from autograd.errors import AutogradError, DomainError
from autograd.graph import topological_order
from autograd.value import _MATH_ERRORS, Value, _check_finite, _get_data


def backward(root: Value, create_graph: bool = False) -> None:
    """Set ``node.grad = ∂root/∂node`` for every node ``root`` depends on.

    For each node in reverse topological order and each parent ``p``:
    ``p.grad += node.grad · ∂node/∂p``, the partial taken from the op table.
    Interior gradients start from 0 on every call; leaves accumulate. A root
    holding a batch is seeded with ones (the gradient of its batch sum); a
    contribution that reaches a single number from a batch is summed in
    :func:`reduce_to`, the one place that happens.
    """
    # The pass creates no reference cycles, so the cyclic collector has nothing to find
    # here; pausing it saves re-scanning the whole graph during the walk.
    collecting = gc.isenabled()
    gc.disable()
    try:
        order = prepare(root, create_graph)
        if create_graph:
            with modes.enable_grad():
                _reverse(order, create_graph=True)
        else:
            with np.errstate(divide="raise", invalid="raise", over="ignore", under="ignore"):
                _reverse(order, create_graph=False)  # batches: an undefined derivative raises
    finally:
        if collecting:
            gc.enable()


def prepare(root: Value, create_graph: bool = False) -> list[Value]:
    """Start a backward pass: reset interior gradients, seed ``root.grad`` with 1.

    Returns the topological order (parents first). Shared by :func:`backward`
    and the stepper, so both start from the same state.
    """
    order = topological_order(root)
    for node in order:
        if node._op is not None:
            node.grad = 0.0
    # An output holding a batch is seeded with ones: the gradient of its batch sum.
    one = np.ones_like(root.data) if isinstance(root.data, np.ndarray) else 1.0
    seed = Value(one) if create_graph else one
    root.grad = seed if root._op is not None else root.grad + seed
    return order


def local_partials(node: Value, symbolic: bool = False) -> tuple[Any, ...]:
    """``∂node/∂parent`` for each parent, from the op table, at the recorded data.

    With ``symbolic=True`` the partials are evaluated on the Values themselves,
    so they are graph nodes too (double backward).
    """
    op = node._op
    if op is None:
        raise ValueError("a leaf has no local partials: no op produced it")
    parents = node.parents
    inputs: list[Any] = list(parents) if symbolic else list(map(_get_data, parents))
    if op.arity == -1:
        inputs.append(node._b)  # the constant operand kept on the node
    return tuple(op.partials(*inputs, node if symbolic else node.data))


def reduce_to(data: Any, contribution: Any) -> Any:
    """Sum a batch-shaped gradient contribution when it flows into a single number.

    A parameter (float data) used on a batch of samples gets one contribution
    per sample; its gradient is their sum. This is the only place that sum is
    taken, for :func:`backward` and the stepper alike.
    """
    if isinstance(data, np.ndarray):
        c = contribution.data if isinstance(contribution, Value) else contribution
        if isinstance(c, np.ndarray) and c.shape != data.shape:  # a broadcast batch of 1
            return contribution.sum() * np.ones(data.shape)
        return contribution
    if isinstance(contribution, Value):
        return contribution.sum() if isinstance(contribution.data, np.ndarray) else contribution
    return float(contribution.sum()) if isinstance(contribution, np.ndarray) else contribution


def _reverse(order: list[Value], create_graph: bool) -> None:
    """The chain rule, node by node: ``parent.grad += node.grad · ∂node/∂parent``.

    Nodes holding one number take the fast paths (their contributions are
    numbers); nodes holding a batch, and double backward, take the general one.
    """
    anomaly = modes.anomaly
    node = order[-1]
    try:
        for node in reversed(order):
            op = node._op
            if op is None:
                continue
            g = node.grad
            arity = op.arity
            if create_graph or node.data.__class__ is not float:
                partials = local_partials(node, symbolic=create_graph)
                for parent, partial in zip(node.parents, partials):
                    parent.grad += reduce_to(parent.data, g * partial)
            elif arity == 2:
                a, b = node._a, node._b
                da, db = op.partials(a.data, b.data, node.data)
                a.grad += g * da
                b.grad += g * db
            elif arity == 1:
                a = node._a
                a.grad += g * op.partials(a.data, node.data)[0]
            elif arity == -1:
                a = node._a
                a.grad += g * op.partials(a.data, node._b, node.data)[0]
            else:
                parents = node._a
                partials = op.partials(*map(_get_data, parents), node.data)
                for parent, partial in zip(parents, partials):
                    parent.grad += g * partial
            if anomaly:
                for parent in node.parents:
                    _check_finite(parent, "backward", parent.grad)
    except AutogradError:
        raise
    except _MATH_ERRORS as exc:
        operands = ", ".join(repr(p.data) for p in node.parents)
        raise DomainError(
            f"backward through {node.op}({operands}): the local derivative is undefined "
            f"there ({exc or type(exc).__name__}); {node.op} is differentiable for "
            f"{node._op.domain if node._op else 'its domain'}"
        ) from None
