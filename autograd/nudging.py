"""What a gradient means: nudge a leaf by h and compare the loss's change with ``grad·h``.

``∂L/∂x`` predicts that moving x by a small h moves L by about ``∂L/∂x · h``. :func:`nudge`
measures it: the forward pass is run again (:func:`autograd.replay.reevaluate`) at
``x + h`` and ``x − h``, and each row of the table holds, for one h,

* ``ΔL = L(x + h) − L(x)`` (one-sided) and ``ΔL_c = (L(x + h) − L(x − h)) / 2`` (central);
* ``grad·h``, the gradient's prediction;
* their gaps ``ΔL − grad·h`` (∝ h², the curvature term ``L''h²/2``) and ``ΔL_c − grad·h``
  (∝ h³: the h² terms cancel).

Per unit of h, the gaps are the errors of the slopes ``ΔL/h`` and ``ΔL_c/h`` as estimates
of ``∂L/∂x``: they shrink as h (one-sided) and h² (central), until rounding (about
``1e-16·|L|/h``) takes over at the smallest h. ``viz.plot_nudge`` draws them on log-log axes.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from autograd.backward import gradients
from autograd.graph import topological_order
from autograd.naming import format_number, names
from autograd.replay import reevaluate
from autograd.value import Value

HS = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6)
"""The default steps h: one per row."""


@dataclass(frozen=True)
class NudgeRow:
    """One step h: the loss's measured changes, the gradient's prediction and their gaps."""

    h: float
    delta: float
    central: float
    linear: float

    @property
    def gap(self) -> float:
        """``ΔL − grad·h``: ∝ h² while h is small and rounding is not yet in the way."""
        return self.delta - self.linear

    @property
    def central_gap(self) -> float:
        """``ΔL_c − grad·h``: ∝ h³."""
        return self.central - self.linear

    @property
    def slope_error(self) -> float:
        """``ΔL/h − ∂L/∂x``, the one-sided estimate's error: ∝ h."""
        return self.gap / self.h

    @property
    def central_slope_error(self) -> float:
        """``ΔL_c/h − ∂L/∂x``, the central estimate's error: ∝ h²."""
        return self.central_gap / self.h


COLUMNS = ("h", "ΔL", "ΔL central", "grad·h", "ΔL − grad·h", "central − grad·h")


@dataclass(frozen=True)
class NudgeTable:
    """The result of :func:`nudge`: ``rows`` (one :class:`NudgeRow` per h), printable and
    with an HTML view in Jupyter."""

    root_name: str
    leaf_name: str
    value: float
    loss: float
    grad: float
    rows: tuple[NudgeRow, ...]

    def cells(self) -> list[list[str]]:
        """The table as text, header first."""
        body = [
            [f"{r.h:.0e}"]
            + [f"{x:.6e}" for x in (r.delta, r.central, r.linear, r.gap, r.central_gap)]
            for r in self.rows
        ]
        return [list(COLUMNS), *body]

    def caption(self) -> str:
        return (
            f"nudging {self.leaf_name} = {format_number(self.value)}: "
            f"{self.root_name} = {format_number(self.loss)}, "
            f"∂{self.root_name}/∂{self.leaf_name} = {format_number(self.grad, 10)}"
        )

    def __str__(self) -> str:
        cells = self.cells()
        widths = [max(len(row[k]) for row in cells) for k in range(len(COLUMNS))]
        lines = ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in cells]
        return "\n".join([self.caption(), *lines])

    def _repr_html_(self) -> str:
        head, *body = self.cells()

        def row(tag: str, cells: list[str]) -> str:
            return "<tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in cells) + "</tr>"

        return (
            f"<table><caption>{html.escape(self.caption())}</caption>"
            f"<thead>{row('th', head)}</thead><tbody>"
            + "".join(row("td", r) for r in body)
            + "</tbody></table>"
        )


def nudge(root: Value, leaf: Value, hs: Sequence[float] = HS) -> NudgeTable:
    """How ``root`` changes when ``leaf`` moves by each h in ``hs``, next to ``grad·h``.

    ``leaf`` is a leaf holding one number (a parameter or an input; the rest of the graph
    may be batched); ``root`` holds one number (a loss). The graph is not changed: the
    forward pass is replayed on copies of the data and the gradient taken with
    :func:`autograd.gradients`. Bad input raises TypeError or ValueError naming it.
    """
    if not isinstance(root, Value) or not isinstance(leaf, Value):
        raise TypeError(
            f"nudge takes two Values (root, leaf), got {type(root).__name__} and "
            f"{type(leaf).__name__}"
        )
    steps = _checked_steps(hs)
    order = topological_order(root)
    if leaf not in set(order):
        raise ValueError(f"nudge: {leaf!r:.60} is not in the graph of {root!r:.60}")
    node_names = names(root)
    if not leaf.is_leaf:
        raise ValueError(
            f"nudge: {node_names[leaf]} is computed by {leaf.op_entry.name} "  # type: ignore[union-attr]
            f"(not a leaf); nudge one of the leaves it is computed from"
        )
    if not isinstance(leaf.data, float):
        raise ValueError(
            f"nudge: {node_names[leaf]} holds a batch of {np.size(leaf.data)} values; "
            f"nudge a leaf holding one number"
        )
    if not isinstance(root.data, float):
        raise ValueError(
            f"nudge: {node_names[root]} holds a batch of {np.size(root.data)} values; "
            f"nudge needs one number, such as a loss (reduce it with batch_mean)"
        )
    (grad,) = gradients(root, [leaf])
    x, loss = leaf.data, root.data

    def loss_at(value: float) -> float:
        return float(reevaluate(root, {leaf: value})[root])

    rows = []
    for h in steps:
        up, down = loss_at(x + h), loss_at(x - h)
        rows.append(NudgeRow(h=h, delta=up - loss, central=(up - down) / 2, linear=grad * h))
    return NudgeTable(node_names[root], node_names[leaf], x, loss, float(grad), tuple(rows))


def _checked_steps(hs: Sequence[float]) -> tuple[float, ...]:
    if isinstance(hs, (str, bytes)) or not isinstance(hs, Sequence):
        raise TypeError(f"nudge: hs must be a sequence of steps, got {type(hs).__name__}")
    if not hs:
        raise ValueError("nudge: hs is empty; give at least one step h > 0")
    steps = []
    for h in hs:
        if isinstance(h, bool) or not isinstance(h, (int, float, np.floating, np.integer)):
            raise TypeError(f"nudge: each step h must be a number, got {type(h).__name__} {h!r}")
        if not math.isfinite(h) or h <= 0:
            raise ValueError(f"nudge: each step h must be a finite number > 0, got {h!r}")
        steps.append(float(h))
    return tuple(steps)
