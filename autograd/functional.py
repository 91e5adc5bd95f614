"""Function transforms over functions of scalars: grad, value_and_grad, hessian, jvp.

Each takes a plain Python function ``f(x1, x2, ...)`` written with Value
operations and returns numbers (floats; for grad and jvp also numpy arrays in
batched mode), like
JAX's transforms. Fresh leaves are made for every call, so nothing leaks into
Values you hold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd.backward import local_partials, reduce_to
from autograd.graph import topological_order
from autograd.value import Value, as_data

Argnums = int | Sequence[int]


def fresh_leaves(args: Sequence[Any], what: str = "argument") -> list[Value]:
    """One new leaf per argument, labelled ``x0, x1, …`` (validated like ``Value(...)``)."""
    return [Value(as_data(a, f"{what} {i}"), label=f"x{i}") for i, a in enumerate(args)]


def call_on(f: Callable[..., Any], leaves: list[Value]) -> Value:
    """``f(*leaves)``, which must be a Value built from them."""
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(
            f"the function must return a Value built from its arguments, got {type(out).__name__}"
        )
    return out


def _indices(argnums: Argnums, n: int) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for i in nums:
        if not -n <= i < n:
            raise ValueError(f"argnums {i} is out of range for a function of {n} argument(s)")
    return nums


def grad_data(v: Value) -> Any:
    """``v.grad`` as a number or array (the data of a Value gradient from double backward)."""
    return v.grad.data if isinstance(v.grad, Value) else v.grad


def value_and_grad(f: Callable[..., Value], argnums: Argnums = 0) -> Callable[..., Any]:
    """Return ``g(*args) -> (f(*args), ∂f/∂args[argnums])`` (a tuple of grads if argnums is)."""

    def wrapped(*args: Any) -> tuple[Any, Any]:
        nums = _indices(argnums, len(args))
        leaves = fresh_leaves(args)
        out = call_on(f, leaves)
        out.backward()
        grads = tuple(grad_data(leaves[i]) for i in nums)
        return out.data, grads[0] if isinstance(argnums, int) else grads

    return wrapped


def grad(f: Callable[..., Value], argnums: Argnums = 0) -> Callable[..., Any]:
    """Return ``g(*args) -> ∂f/∂args[argnums]``, e.g. ``grad(lambda x: x * x)(3.0) == 6.0``."""
    vg = value_and_grad(f, argnums)
    return lambda *args: vg(*args)[1]


def hessian(f: Callable[..., Value]) -> Callable[..., list[list[float]]]:
    """Return ``h(*args) -> [[∂²f/∂xᵢ∂xⱼ]]`` by double backward (``create_graph=True``)."""

    def wrapped(*args: Any) -> list[list[float]]:
        leaves = fresh_leaves(args)
        if any(isinstance(leaf.data, np.ndarray) for leaf in leaves):
            raise TypeError("hessian takes single numbers, not batches (numpy arrays)")
        out = call_on(f, leaves)
        out.backward(create_graph=True)
        first = [leaf.grad for leaf in leaves]
        rows = []
        for g in first:
            for leaf in leaves:
                leaf.grad = 0.0
            if isinstance(g, Value):
                g.backward()
            rows.append([float(grad_data(leaf)) for leaf in leaves])
        return rows

    return wrapped


def jvp(
    f: Callable[..., Value], primals: Sequence[Any], tangents: Sequence[Any]
) -> tuple[Any, Any]:
    """Forward mode: ``(f(primals), Σᵢ ∂f/∂xᵢ · tangentᵢ)`` in one sweep over the graph.

    Each node's tangent is ``Σ ∂node/∂parent · tangent(parent)``, with the
    partials taken from the same op table that reverse mode uses.
    """
    if len(primals) != len(tangents):
        raise ValueError(
            f"jvp needs one tangent per primal, got {len(primals)} and {len(tangents)}"
        )
    leaves = fresh_leaves(primals)
    tangent: dict[Value, Any] = {}
    for i, (leaf, t) in enumerate(zip(leaves, tangents)):
        tangent[leaf] = as_data(t, f"tangent {i}")
        if np.shape(tangent[leaf]) != np.shape(leaf.data):
            raise ValueError(
                f"tangent {i} has shape {np.shape(tangent[leaf])}, "
                f"its primal {np.shape(leaf.data)}: they must match"
            )
    out = call_on(f, leaves)
    for node in topological_order(out):
        if node.is_leaf:
            continue
        partials = local_partials(node)
        terms = (d * tangent.get(p, 0.0) for p, d in zip(node.parents, partials))
        tangent[node] = reduce_to(node.data, sum(terms))  # a batch mean or sum sums here too
    return out.data, tangent.get(out, 0.0)
