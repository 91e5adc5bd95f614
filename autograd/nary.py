"""n-ary nodes: a whole sum or dot product as one node with many parents."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from autograd import ops
from autograd.value import Value, apply, as_values


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
    if len(weights) != len(inputs):
        raise ValueError(
            f"autograd.dot needs as many weights as inputs, got {len(weights)} and {len(inputs)}"
        )
    if not weights:
        raise ValueError("autograd.dot needs at least one weight and input")
    parents = as_values((*weights, *inputs) if bias is None else (*weights, *inputs, bias))
    return apply(ops.DOT, parents)
