"""Function transforms: grad, value_and_grad, hessian and jvp, built on :func:`gradients`.

Each takes a Python function ``f(x1, x2, ...)`` written with Value operations,
like JAX's transforms. They record the graph whatever the caller's mode (inside
``no_grad`` too), never write the ``.grad`` of a Value you hold, and compose to
any order (``grad(grad(f))``, ``grad`` of ``jvp``) without perturbation confusion:
each argument becomes its own input node, so a transform differentiates only
with respect to its own arguments, never a Value its function closes over.

At the top level (plain numbers in) they return numbers, or numpy arrays in
batched mode. Inside another transform, or given Values, they return Values, so
the outer transform can differentiate through them.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np

from autograd import ops
from autograd import tangents as forward_mode
from autograd.backward import gradients, zero_like
from autograd.data import as_data, data_of
from autograd.graph import topological_order
from autograd.modes import enable_grad
from autograd.value import Value, apply

Argnums = int | Sequence[int]

_depth: ContextVar[int] = ContextVar("chainrule_transform_depth", default=0)


@contextmanager
def _transform(args: Sequence[Any]) -> Iterator[bool]:
    """Run a transform's body with recording on; yield whether to return Values.

    Values are returned inside another transform (so it can differentiate the
    result) or when an argument is a Value; plain numbers otherwise.
    """
    depth = _depth.get()
    token = _depth.set(depth + 1)
    try:
        with enable_grad():
            yield depth > 0 or any(isinstance(a, Value) for a in args)
    finally:
        _depth.reset(token)


def input_nodes(args: Sequence[Any], what: str = "argument") -> list[Value]:
    """One input node per argument: a fresh leaf ``x1, x2, …`` for a number or array,
    an identity node on a Value (the result stays differentiable with respect to it)."""
    nodes = []
    for i, a in enumerate(args):
        if isinstance(a, Value):
            nodes.append(apply(ops.IDENTITY, (a,)))
        else:
            nodes.append(Value(as_data(a, f"{what} {i}"), label=f"x{i + 1}"))
    return nodes


def output_of(out: Any) -> Value | None:
    """The function's result as a Value, or None for a plain number (whose gradient is 0)."""
    if isinstance(out, Value):
        return out
    if isinstance(out, (numbers.Real, np.ndarray)):
        as_data(out, "the function's result")
        return None
    raise TypeError(
        f"the function must return a Value (or a plain number), got {type(out).__name__}"
    )


def argnum_indices(argnums: Argnums, n: int) -> tuple[int, ...]:
    """``argnums`` checked: an int or a sequence of ints, each in range for ``n`` arguments."""
    nums = (argnums,) if isinstance(argnums, (int, np.integer)) else argnums
    if not isinstance(nums, Sequence) or isinstance(nums, str):
        raise TypeError(
            f"argnums must be an int or a sequence of ints, got {type(argnums).__name__} "
            f"{argnums!r}"
        )
    for i in nums:
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)):
            raise TypeError(f"argnums must hold ints, got {type(i).__name__} {i!r}")
        if not -n <= i < n:
            raise ValueError(f"argnums {i} is out of range for a function of {n} argument(s)")
    return tuple(int(i) for i in nums)


def _plain(x: Any, keep: bool) -> Any:
    return x if keep else data_of(x)


def value_and_grad(f: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Any]:
    """Return ``g(*args) -> (f(*args), ∂f/∂args[argnums])`` (a tuple of grads if argnums is)."""

    def wrapped(*args: Any) -> tuple[Any, Any]:
        nums = argnum_indices(argnums, len(args))
        with _transform(args) as keep:
            xs = input_nodes(args)
            result = f(*xs)
            out = output_of(result)
            if out is None:
                value: Any = result
                grads = tuple(zero_like(args[i]) for i in nums)
            else:
                found = gradients(out, [xs[i] for i in nums], create_graph=keep)
                grads = tuple(_plain(g, keep) for g in found)
                value = _plain(out, keep)
        return value, grads[0] if isinstance(argnums, (int, np.integer)) else grads

    return wrapped


def grad(f: Callable[..., Any], argnums: Argnums = 0) -> Callable[..., Any]:
    """Return ``g(*args) -> ∂f/∂args[argnums]``, e.g. ``grad(lambda x: x * x)(3.0) == 6.0``."""
    vg = value_and_grad(f, argnums)
    return lambda *args: vg(*args)[1]


def hessian(f: Callable[..., Any], argnums: Argnums | None = None) -> Callable[..., Any]:
    """Return ``h(*args) -> [[∂²f/∂xᵢ∂xⱼ]]`` over ``argnums`` (default: every argument).

    An int ``argnums`` gives the single second derivative ∂²f/∂xᵢ². Computed by
    differentiating each first derivative again (double backward).
    """

    def wrapped(*args: Any) -> Any:
        nums = argnum_indices(range(len(args)) if argnums is None else argnums, len(args))
        with _transform(args) as keep:
            xs = input_nodes(args)
            if any(isinstance(x.data, np.ndarray) for x in xs):
                raise TypeError("hessian takes single numbers, not batches (numpy arrays)")
            wrt = [xs[i] for i in nums]
            out = output_of(f(*xs))
            first = gradients(out, wrt, create_graph=True) if out is not None else ()
            rows = []
            for g in first or [0.0] * len(wrt):
                if isinstance(g, Value):
                    row = gradients(g, wrt, create_graph=keep)
                else:
                    row = (0.0,) * len(wrt)
                rows.append([x if keep else float(data_of(x)) for x in row])
        return rows[0][0] if isinstance(argnums, (int, np.integer)) else rows

    return wrapped


def jvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    """Forward mode: ``(f(primals), Σᵢ ∂f/∂xᵢ · tangentᵢ)`` in one sweep over the graph.

    Each node's tangent is ``Σ ∂node/∂parent · tangent(parent)``, with the
    partials taken from the same op table that reverse mode uses.
    """
    if len(primals) != len(tangents):
        raise ValueError(
            f"jvp needs one tangent per primal, got {len(primals)} and {len(tangents)}"
        )
    with _transform([*primals, *tangents]) as keep:
        xs = input_nodes(primals, "primal")
        tangent: dict[Value, Any] = {}
        for i, (x, t) in enumerate(zip(xs, tangents)):
            tangent[x] = t if isinstance(t, Value) else as_data(t, f"tangent {i}")
            if np.shape(data_of(tangent[x])) != np.shape(x.data):
                raise ValueError(
                    f"tangent {i} has shape {np.shape(data_of(tangent[x]))}, "
                    f"its primal {np.shape(x.data)}: they must match"
                )
        result = f(*xs)
        out = output_of(result)
        if out is None:
            return result, 0.0
        tangent = forward_mode.tangents(topological_order(out), tangent, symbolic=keep)
        return _plain(out, keep), _plain(tangent.get(out, zero_like(out)), keep)
