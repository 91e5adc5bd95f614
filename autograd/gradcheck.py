"""Check analytic gradients against central finite differences (the third way to use chainrule).

Standard: float64, ``∂f/∂x ≈ (f(x + ε) - f(x - ε)) / 2ε`` with ε = 1e-6, and a
gradient passes when ``|analytic - numeric| ≤ atol + rtol·|numeric|``
(defaults 1e-6 and 1e-4). A batched output is summed first, so every element
of an array input is checked. Both sides record or skip the graph as they need,
whatever the caller's mode (``gradcheck`` works inside ``no_grad``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd.backward import gradients, zero_like
from autograd.data import as_data, data_of
from autograd.errors import GradcheckError
from autograd.functional import output_of
from autograd.modes import enable_grad, no_grad
from autograd.value import Value


def _leaves(inputs: Sequence[Any]) -> list[Value]:
    return [Value(as_data(x, f"input {i}"), label=f"x{i + 1}") for i, x in enumerate(inputs)]


def numeric_gradient(
    f: Callable[..., Any], inputs: Sequence[Any], index: int, eps: float = 1e-6
) -> Any:
    """Central-difference estimate of ∂Σf/∂inputs[index], element by element."""
    base = [as_data(x, f"input {i}") for i, x in enumerate(inputs)]

    def at(i: int, shifted: Any) -> float:
        args = list(base)
        args[i] = shifted
        with no_grad():
            return float(np.sum(data_of(f(*(Value(a) for a in args)))))

    x = base[index]
    if isinstance(x, float):
        return (at(index, x + eps) - at(index, x - eps)) / (2 * eps)
    grad = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[k] += eps
        minus[k] -= eps
        grad[k] = (at(index, plus) - at(index, minus)) / (2 * eps)
    return grad


def analytic_gradients(f: Callable[..., Any], inputs: Sequence[Any]) -> list[Any]:
    """∂Σf/∂input for every input, by reverse mode (:func:`gradients`) on fresh leaves."""
    with enable_grad():
        leaves = _leaves(inputs)
        out = output_of(f(*leaves))
        if out is None:
            return [zero_like(x) for x in leaves]
        return [data_of(g) for g in gradients(out, leaves)]


def gradcheck(
    f: Callable[..., Any],
    *inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-4,
) -> bool:
    """Return True when reverse mode agrees with finite differences for every input.

    ``f`` takes one Value per input (floats, or numpy arrays for batched mode)
    and returns a Value. Raises :class:`GradcheckError` naming the first input
    (and element) that disagrees, with the analytic and numeric values.
    """
    if not inputs:
        raise ValueError("gradcheck needs at least one input")
    if not eps > 0:
        raise ValueError(f"gradcheck needs a positive step eps, got {eps!r}")
    analytic = analytic_gradients(f, inputs)
    for i in range(len(inputs)):
        numeric = numeric_gradient(f, inputs, i, eps)
        a = np.broadcast_to(np.asarray(analytic[i], dtype=float), np.shape(numeric))
        n = np.asarray(numeric, dtype=float)
        bad = ~(np.abs(a - n) <= atol + rtol * np.abs(n))
        if np.any(bad):
            k = tuple(int(j) for j in np.argwhere(bad)[0]) if n.ndim else ()
            where = f"input {i}" + (f" element {k}" if k else "")
            raise GradcheckError(
                f"gradcheck failed for {where} (value {float(np.asarray(inputs[i])[k])!r}): "
                f"analytic {float(a[k])!r} vs numeric {float(n[k])!r}, "
                f"|difference| {abs(float(a[k]) - float(n[k])):.3g} > "
                f"{atol:g} + {rtol:g}·|numeric|"
            )
    return True


def gradgradcheck(
    f: Callable[..., Any],
    *inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-4,
) -> bool:
    """Check second derivatives: each ∂f/∂xᵢ, computed by :func:`gradients` with
    ``create_graph=True``, is itself gradchecked against finite differences."""
    for i in range(len(inputs)):

        def first_derivative(*xs: Value, i: int = i) -> Value:
            with enable_grad():  # the finite differences run under no_grad
                out = output_of(f(*xs))
                g = gradients(out, xs[i], create_graph=True) if out is not None else 0.0
            return g if isinstance(g, Value) else Value(as_data(g))

        gradcheck(first_derivative, *inputs, eps=eps, atol=atol, rtol=rtol)
    return True
