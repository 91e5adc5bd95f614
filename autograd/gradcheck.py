"""Check analytic gradients against central finite differences (the third way to use chainrule).

Standard: float64, ``∂f/∂x ≈ (f(x + ε) - f(x - ε)) / 2ε`` with ε = 1e-6, and a
gradient passes when ``|analytic - numeric| ≤ 1e-6 + 1e-4·|numeric|`` for a
function of order one; the absolute part follows the function's own size
``|f|`` and the step (:func:`tolerance`: ``atol·min(1, |f|)``, plus the
rounding and truncation errors of a central difference, ``16·u·|f|/ε + 1000·ε²``, and
twice the spread ``|D(2ε) − D(ε)|``, which measures both errors where those guesses fall
short).
A batched output is summed first, so every element of an array input is
checked. Both sides record or skip the graph as they need, whatever the
caller's mode (``gradcheck`` works inside ``no_grad``).
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


DEFAULT_EPS = 1e-6


def _central_differences(
    f: Callable[..., Any], inputs: Sequence[Any], index: int, eps: float, measure: bool = True
) -> tuple[Any, Any, Any]:
    """Per element of ``inputs[index]``: ∂Σf/∂x by central differences at step ε, the size
    max(|Σf(x+ε)|, |Σf(x−ε)|), and the spread ``|D(2ε) − D(ε)|``: how far the same difference
    at twice the step lies from it.

    The spread measures how good ``D(ε)`` is. Its truncation error, about ``ε²·f‴/6``, is a
    third of the spread (at 2ε it is four times as large: Richardson). Rounding noise shows
    in it too, including noise that ``|f|`` does not predict: a derivative computed as the
    difference of two large terms is much noisier than its own size suggests.
    """
    base = [as_data(x, f"input {i}") for i, x in enumerate(inputs)]

    def at(shifted: Any) -> float:
        args = list(base)
        args[index] = shifted
        with no_grad():
            return float(np.sum(data_of(f(*(Value(a) for a in args)))))

    def one(shift: Callable[[float], Any]) -> tuple[float, float, float]:
        plus, minus = at(shift(eps)), at(shift(-eps))
        near = (plus - minus) / (2 * eps)
        if not measure:  # the estimate alone (numeric_gradient): no second difference
            return near, max(abs(plus), abs(minus)), 0.0
        try:
            far = (at(shift(2 * eps)) - at(shift(-2 * eps))) / (4 * eps)
        except (ArithmeticError, ValueError):  # 2ε crosses the edge of f's domain: not measured
            return near, max(abs(plus), abs(minus)), 0.0
        spread = abs(far - near)
        return near, max(abs(plus), abs(minus)), spread if np.isfinite(spread) else 0.0

    x = base[index]
    if isinstance(x, float):
        return one(lambda h: x + h)
    grad, size, spread = np.zeros_like(x), np.zeros_like(x), np.zeros_like(x)
    for k in np.ndindex(x.shape):

        def shift(h: float, k: tuple[int, ...] = k) -> Any:
            moved = x.copy()
            moved[k] += h
            return moved

        grad[k], size[k], spread[k] = one(shift)
    return grad, size, spread


def numeric_gradient(
    f: Callable[..., Any], inputs: Sequence[Any], index: int, eps: float = DEFAULT_EPS
) -> Any:
    """Central-difference estimate of ∂Σf/∂inputs[index], element by element."""
    return _central_differences(f, inputs, index, eps, measure=False)[0]


ROUNDING = 16 * np.finfo(float).eps
"""The rounding error of ``Σf`` allowed for, relative to ``|f|`` (16 roundings' worth)."""
TRUNCATION = 1000.0
"""A central difference is off by ``ε²·|f‴|/6``: allowed for up to ``|f‴|`` = 6,000 (an exp
of an exp reaches a few thousand on the inputs the property tests draw)."""


SPREAD = 2.0
"""How many times the spread ``|D(2ε) − D(ε)|`` (:func:`_central_differences`) is allowed on
top of :func:`tolerance`: where a function's higher derivatives are large beside its size,
or its value is the difference of much larger terms, a central difference is off by more than
the guessed ``1000·ε²`` and ``16·u·|f|/ε``; the spread measures that instead of guessing."""


def tolerance(
    numeric: Any, size: Any, eps: float = DEFAULT_EPS, atol: float = 1e-6, rtol: float = 1e-4
) -> Any:
    """How far an analytic gradient may be from ``numeric``, for a function of ``size``
    ``|f| = max |Σf(x ± ε)|``: ``atol·min(1, |f|) + (16·u·|f| + tiny)/ε + 1000·ε² +
    rtol·|numeric|``.

    The absolute part follows the function's own size and the step. ``atol``
    holds for a function of order one (the standard 1e-6 + 1e-4·|numeric|) and
    shrinks with a smaller one: for ``1e-8·x`` a fixed 1e-6 would let any gradient
    pass. Beyond it are allowed the two errors of a central difference: rounding,
    about ``u·|f|/ε`` (u = 2.2e-16; for ``x + 1e8`` about 1e-2, where a fixed
    tolerance would reject a correct gradient; ``tiny`` where ``f`` underflows),
    and truncation, ``ε²·|f‴|/6`` (1e-12 for ``x³`` at 0, whose gradient is 0).
    """
    f = np.asarray(size, dtype=float)
    rounding = (ROUNDING * f + np.finfo(float).tiny) / eps
    return atol * np.minimum(1.0, f) + rounding + TRUNCATION * eps**2 + rtol * np.abs(numeric)


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
    eps: float = DEFAULT_EPS,
    atol: float = 1e-6,
    rtol: float = 1e-4,
    analytic: Sequence[Any] | None = None,
) -> bool:
    """Return True when reverse mode agrees with finite differences for every input.

    ``f`` takes one Value per input (floats, or numpy arrays for batched mode)
    and returns a Value. A gradient passes when ``|analytic − numeric| ≤
    atol·min(1, |f|) + 16·u·|f|/ε + 1000·ε² + rtol·|numeric|``, with ``|f|`` the function's
    size at the points evaluated (:func:`tolerance`), plus twice the spread
    ``|D(2ε) − D(ε)|`` between the central difference and the same at twice the step.
    ``analytic``: the gradients to check, one per input (say, the ``.grad`` that
    ``backward()`` left); by default :func:`gradients` on fresh leaves. Raises
    :class:`GradcheckError` naming the first input (and element) that disagrees, with the
    analytic and numeric values.
    """
    if not inputs:
        raise ValueError("gradcheck needs at least one input")
    if not eps > 0:
        raise ValueError(f"gradcheck needs a positive step eps, got {eps!r}")
    if analytic is None:
        analytic = analytic_gradients(f, inputs)
    elif len(analytic) != len(inputs):
        raise ValueError(f"gradcheck got {len(inputs)} inputs but {len(analytic)} analytic")
    for i in range(len(inputs)):
        numeric, size, spread = _central_differences(f, inputs, i, eps)
        a = np.broadcast_to(np.asarray(analytic[i], dtype=float), np.shape(numeric))
        n = np.asarray(numeric, dtype=float)
        allowed = tolerance(n, size, eps, atol, rtol) + SPREAD * np.asarray(spread)
        bad = ~(np.abs(a - n) <= allowed)
        if np.any(bad):
            k = tuple(int(j) for j in np.argwhere(bad)[0]) if n.ndim else ()
            where = f"input {i}" + (f" element {k}" if k else "")
            raise GradcheckError(
                f"gradcheck failed for {where} (value {float(np.asarray(inputs[i])[k])!r}): "
                f"analytic {float(a[k])!r} vs numeric {float(n[k])!r}, "
                f"|difference| {abs(float(a[k]) - float(n[k])):.3g} > "
                f"{float(np.asarray(allowed)[k]):.3g}, the tolerance for |f| ="
                f" {float(np.asarray(size)[k]):.3g} (atol {atol:g}, rtol {rtol:g}, eps {eps:g})"
            )
    return True


def gradgradcheck(
    f: Callable[..., Any],
    *inputs: Any,
    eps: float = DEFAULT_EPS,
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
