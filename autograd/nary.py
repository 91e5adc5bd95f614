"""n-ary nodes: a whole sum or dot product as one node with many parents."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from autograd import ops
from autograd.value import Value, apply, as_values, new_node


def sum(values: Iterable[Any]) -> Value:
    """``x₁ + … + xₙ`` as one node with n parents;  ∂/∂xᵢ = 1.

    Plain numbers are wrapped as constant leaves. An empty sum is an error
    (there would be no node to attach a gradient to).
    """
    inputs = as_values(values)
    if not inputs:
        raise ValueError("autograd.sum needs at least one value, got an empty iterable")
    return apply(ops.SUM, inputs)


def mean(values: Iterable[Any]) -> Value:
    """The mean of several Values: ``sum(values) / n`` (two nodes)."""
    inputs = tuple(values)
    return sum(inputs) / len(inputs)


def dot(weights: Sequence[Any], inputs: Sequence[Any], bias: Any = None) -> Value:
    """``Σ wᵢ·xᵢ (+ b)`` as one node with parents ``(w₁…wₙ, x₁…xₙ[, b])``.

    ∂/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ, ∂/∂b = 1. This is how a neuron's pre-activation
    is recorded by default: 2n+1 edges into one node instead of 2n nodes.
    """
    if weights.__class__ not in _PLAIN or inputs.__class__ not in _PLAIN:
        weights, inputs = _sequence(weights, "weights"), _sequence(inputs, "inputs")
    if len(weights) != len(inputs):
        raise ValueError(
            f"autograd.dot needs as many weights as inputs, got {len(weights)} and {len(inputs)}"
        )
    if not weights:
        raise ValueError("autograd.dot needs at least one weight and input")
    parents = (*weights, *inputs) if bias is None else (*weights, *inputs, bias)
    ws = [w._data for w in weights if w.__class__ is Value]
    xs = [x._data for x in inputs if x.__class__ is Value]
    if (
        len(ws) == len(xs) == len(weights)
        and xs[0].__class__ is float  # not a batch (whose products would be computed twice)
        and (bias is None or bias.__class__ is Value)
    ):
        out = ops.dot_product(ws, xs, None if bias is None else bias._data)
        if out.__class__ is float:  # every operand a Value holding one number: one sample
            return new_node(out, ops.DOT, parents)
    return apply(ops.DOT, as_values(parents))


_PLAIN = (list, tuple)


def _sequence(xs: Any, what: str) -> Sequence[Any]:
    """``xs`` as a sequence of operands; a 1-D numpy array gives its numbers."""
    if isinstance(xs, np.ndarray):
        if xs.ndim != 1:
            raise ValueError(
                f"autograd.dot: {what} must be 1-D (one entry per input), got a numpy array "
                f"of shape {xs.shape}; for a batch, pass one Value per feature holding the batch"
            )
        return list(xs)
    if isinstance(xs, (str, bytes)) or not isinstance(xs, Sequence):
        raise TypeError(
            f"autograd.dot: {what} must be a list or tuple of Values or numbers, "
            f"got {type(xs).__name__}"
        )
    return xs
