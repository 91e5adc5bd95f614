"""Shares: the gradient that flows back along each edge, and the sum a reused value adds up.

A node passes ``∂L/∂node · ∂node/∂operand_k`` back along its edge to operand ``k``
(the same product :func:`autograd.backward.backward` adds, partials from the op
table). A value used several times (it *fans out*) receives one share per use,
and its gradient is their sum: in ``L = x·(x·y)`` at x = −1.5, y = −2 each of x's
two edges carries 3 and ``x.grad = 3 + 3 = 6``.

>>> from autograd import Value
>>> x, y = Value(-1.5, label="x"), Value(-2.0, label="y")
>>> inner = x * y
>>> L = x * inner
>>> L.backward()
>>> shares(L), shares(inner)
((3.0, -1.5), (3.0, 2.25))
>>> sum_text(["3", "3"], result="6"), sum_text(["3"], missing=1)
('3 + 3 = 6', '3 + ?')

Every view (the stepper's text, the drawings, the stepper page, worksheets and
``compare_backprop``) takes shares from :func:`shares` and writes sums with
:func:`sum_text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from autograd.backward import local_partials, reduce_to
from autograd.naming import operand

if TYPE_CHECKING:
    from autograd.value import Value

MAX_TERMS = 4
"""A sum lists at most this many shares; more are counted (``… 5 more``)."""
MAX_MISSING = 2
"""At most this many ``?`` are written for shares still to come; more are counted."""


def shares(
    node: Value, upstream: Any = None, partials: Sequence[Any] | None = None
) -> tuple[Any, ...]:
    """What ``node`` passes back to each operand: ``upstream · ∂node/∂operand_k``.

    ``upstream`` is ∂L/∂node (default ``node.grad``); ``partials`` the local partials
    when already computed (default: from the op table). A batch-shaped share
    flowing into a single number is summed (:func:`autograd.backward.reduce_to`).
    """
    if upstream is None:
        upstream = node.grad
    if partials is None:
        partials = local_partials(node)
    return tuple(reduce_to(p.data, upstream * d) for p, d in zip(node.parents, partials))


def sum_text(terms: Sequence[str], missing: int = 0, result: str | None = None) -> str:
    """``3 + ?`` (a share in, one ``missing``), ``3 + 3 = 6`` (complete, with its ``result``).

    Negative terms are parenthesised (``(-1.5) + 3``), as in every expression; past
    :data:`MAX_TERMS` terms and :data:`MAX_MISSING` question marks the rest are counted.
    """
    if missing < 0:
        raise ValueError(f"missing must be 0 or more, got {missing}")
    shown = list(terms)
    if len(shown) > MAX_TERMS:
        shown = [*shown[: MAX_TERMS - 1], f"… {len(shown) - MAX_TERMS + 1} more"]
    unknown = ["?"] * min(missing, MAX_MISSING)
    if missing > MAX_MISSING:
        unknown[-1] = f"? … {missing - MAX_MISSING + 1} to come"
    parts = [*shown, *unknown]
    if not parts:
        raise ValueError("sum_text needs at least one term or one missing share")
    body = " + ".join(map(operand, parts)) if len(parts) > 1 else parts[0]
    return f"{body} = {result}" if result is not None and not missing else body
