"""Fan-out in a drawing: the share of the gradient on each arrow, and the sum at the node.

A value used several times has one arrow per use. Below each of those arrows a
drawing shows that arrow's share, ``∂L/∂consumer · ∂consumer/∂value``
(:func:`autograd.shares.shares`, from the op table), and the value's gradient is
shown once, where its arrows meet, as their sum: ``x.grad = 3 + 3 = 6``. While a
backward pass is stepped, a share is ``?`` until its consumer has been
processed, and the sum reads ``3 + ?``. A value used once looks as before.

:func:`box_shares` adds the shares up by the box that receives them, for views
that draw one box per group of nodes (the layers style), and :func:`vector_sum`
writes a vector's gradient as the sum of its arrows' shares.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd import data_of, format_number
from autograd.explain import MAX_TERMS, shares, sum_text
from viz.walk import GraphView, StepState

Edge = tuple[int, int, int]
"""(parent position, child position, operand index), as :meth:`GraphView.edges` gives them."""
UNDEFINED = (ArithmeticError, ValueError, FloatingPointError)
"""A local partial that cannot be evaluated (the drawing then shows ``?`` for the share)."""


@dataclass
class Shares:
    """The shares of a drawn graph, computed once per consumer on first use."""

    view: GraphView
    step: StepState | None = None
    upstream: Callable[[int], Any] | None = None
    """∂L/∂node by position, when not the nodes' own ``.grad`` (a buggy pass's gradients)."""
    _of: dict[int, tuple[Any, ...] | None] = field(default_factory=dict)

    def fans_out(self, i: int) -> bool:
        """Whether node ``i`` has more than one outgoing arrow (``a * a`` counts twice)."""
        return len(self.view.consumers[i]) > 1

    @property
    def reused(self) -> bool:
        """Whether some value of the graph has more than one outgoing arrow."""
        return any(len(users) > 1 for users in self.view.consumers)

    def outgoing(self, i: int) -> list[Edge]:
        """Node ``i``'s arrows in the order a backward pass reaches them (last consumer first)."""
        found = [
            (i, child, k)
            for child in sorted(set(self.view.consumers[i]), reverse=True)
            for k, p in enumerate(self.view.nodes[child].parents)
            if p is self.view.nodes[i]
        ]
        return found

    def share(self, edge: Edge) -> Any | None:
        """The gradient flowing back along ``edge``, or None while it is not known."""
        _, child, k = edge
        if self.step is not None and not (self.step.backward and child in self.step.done):
            return None
        if child not in self._of:
            node = self.view.nodes[child]
            upstream = self.upstream(child) if self.upstream is not None else None
            try:
                self._of[child] = shares(node, upstream)
            except UNDEFINED:
                self._of[child] = None
        found = self._of[child]
        return None if found is None else found[k]

    def total(self, i: int, precision: int, grad: Any = None) -> str:
        """``3 + 3 = 6``, ``3 + ?`` while stepping, or ``12 (arrows: 3 + 3 = 6)`` when
        the gradient (``grad``, default the node's) is not the sum of its arrows' shares."""
        parts = [self.share(e) for e in self.outgoing(i)]
        known = [p for p in parts if p is not None]
        missing = len(parts) - len(known)
        terms = [format_number(p, precision) for p in known]
        if missing:
            return sum_text(terms, missing)
        total = self.view.nodes[i].grad if grad is None else grad
        summed = sum(known[1:], known[0])
        shown = sum_text(terms, 0, format_number(summed, precision))
        if _close(data_of(total), data_of(summed)):
            return shown
        return f"{format_number(total, precision)} (arrows: {shown})"


def room_text(count: int, precision: int) -> str:
    """The widest sum of ``count`` shares, for a stepped drawing's steady cell width."""
    widest = "-0.00" + "0" * precision
    return sum_text([widest] * count, 0, widest)


def box_shares(
    view: GraphView, box: Callable[[int], Hashable], step: StepState | None = None
) -> dict[tuple[int, Hashable], Any]:
    """Each value's share of the gradient per receiving box: ``(position, box) → Σ shares``.

    ``box(i)`` names the box node ``i`` is drawn in; a value feeding several nodes of
    one box sends that box the sum of their shares (an arrow per box, not per node).
    Shares within one box are left out; None where a local partial is undefined, and,
    while ``step`` steps a backward pass, until every node of the box that reads the
    value has been processed. Read after ``backward()`` (or mid-way through a step).
    """
    found: dict[tuple[int, Hashable], Any] = {}
    reader = Shares(view, step)
    for parent, child, k in view.edges():
        target = box(child)
        if target == box(parent):
            continue
        share = reader.share((parent, child, k))
        key = (parent, target)
        if key not in found:
            found[key] = share
        elif found[key] is not None:
            found[key] = None if share is None else found[key] + share
    return found


def vector_sum(
    terms: Sequence[Sequence[Any] | None],
    total: Sequence[Any],
    text: Callable[[Sequence[Any]], str],
) -> str:
    """``[1, 2] + [3, 4] = [4, 6]``: a vector's gradient ``total`` as the sum of its arrows'
    shares, one term per arrow (None while not known: ``[1, 2] + ?``), each printed by
    ``text``; ``total (arrows: …)`` when the gradient is not their sum."""
    known = [term for term in terms if term is not None]
    missing = len(terms) - len(known)
    texts = [text(term) for term in known]
    if missing:
        return sum_text(texts, missing)
    summed = [sum(column[1:], column[0]) for column in zip(*known)]
    shown = sum_text(texts, 0, text(summed))
    if all(_close(data_of(a), data_of(b)) for a, b in zip(total, summed)):
        return shown
    return f"{text(total)} (arrows: {shown})"


def _close(a: Any, b: Any) -> bool:
    """Equal up to rounding (summing shares in another order than backward did)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.allclose(a, b, rtol=1e-9, atol=1e-12))
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)


__all__ = ["MAX_TERMS", "Shares", "box_shares", "room_text", "vector_sum"]
