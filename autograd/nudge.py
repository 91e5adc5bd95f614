"""What a gradient means: nudge a leaf by h, run the forward pass again, watch the output move.

``nudge(root, leaf)`` takes each h of ``hs`` and measures ``ΔL = L(leaf + h) - L(leaf)``
by evaluating ``root``'s recorded graph again from the op table (the Values are left
as they are), beside ``grad·h`` (the gradient the backward pass gives, times h). Their
difference is ``½·L″·h² + …``: it shrinks as h², a line of slope 2 on log-log axes
(``viz.plot_nudge``), until rounding takes over at the smallest h.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd.backward import gradients
from autograd.graph import topological_order
from autograd.naming import DEFAULT_PRECISION, check_precision, format_number, names
from autograd.ops import call
from autograd.value import Value

HS = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6)


@dataclass(frozen=True)
class NudgeRow:
    """One h: the output's change measured by the forward pass, and ``grad·h``."""

    h: float
    delta: float
    linear: float

    @property
    def difference(self) -> float:
        """``ΔL - grad·h``: about ``½·L″·h²``."""
        return self.delta - self.linear


@dataclass(frozen=True)
class NudgeTable:
    """The rows of :func:`nudge`; ``print`` it, or display it in Jupyter (HTML)."""

    output: str
    leaf: str
    grad: float
    rows: tuple[NudgeRow, ...]
    precision: int = DEFAULT_PRECISION

    @property
    def slope(self) -> float:
        """The log-log slope of ``|ΔL - grad·h|`` against h (2 for a smooth output), fitted
        over the rows whose difference is well above rounding."""
        points = [(math.log10(r.h), math.log10(abs(r.difference))) for r in self._clean()]
        if len(points) < 2:
            raise ValueError("too few differences above rounding to fit a slope")
        x, y = np.array(points).T
        return float(np.polyfit(x, y, 1)[0])

    def _clean(self) -> list[NudgeRow]:
        """Rows whose difference is at least a thousand roundings of the output."""
        floor = 1e3 * np.finfo(float).eps * max(1.0, max(abs(r.delta) for r in self.rows))
        return [r for r in self.rows if abs(r.difference) > floor]

    def header(self) -> list[str]:
        d = f"Δ{self.output}"
        return ["h", f"{d} (forward pass again)", f"∂{self.output}/∂{self.leaf}·h",
                f"{d} - ∂{self.output}/∂{self.leaf}·h"]  # fmt: skip

    def cells(self) -> list[list[str]]:
        def num(x: float) -> str:
            return format_number(x, self.precision)

        return [[f"{r.h:g}", num(r.delta), num(r.linear), num(r.difference)] for r in self.rows]

    def __str__(self) -> str:
        head = (f"nudging {self.leaf} by h: ∂{self.output}/∂{self.leaf} ="
                f" {format_number(self.grad, self.precision)}")  # fmt: skip
        table = [self.header(), *self.cells()]
        widths = [max(len(row[k]) for row in table) for k in range(len(table[0]))]
        lines = ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in table]
        return "\n".join([head, *lines])

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.header())
        body = "".join(
            "<tr>"
            + "".join(f'<td style="text-align:right">{html.escape(c)}</td>' for c in row)
            + "</tr>"
            for row in self.cells()
        )
        caption = html.escape(str(self).split("\n", 1)[0])
        return (f'<table class="chainrule-nudge"><caption>{caption}</caption>'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")  # fmt: skip


def nudge(
    root: Value, leaf: Value, hs: Sequence[float] = HS, precision: int = DEFAULT_PRECISION
) -> NudgeTable:
    """Nudge ``leaf`` by each h in ``hs``: ``ΔL`` by running the forward pass again, and
    ``grad·h`` with ``grad = ∂root/∂leaf`` (:func:`autograd.gradients`; no ``.grad``
    is written). ``root`` and ``leaf`` hold single numbers."""
    if not isinstance(root, Value) or not isinstance(leaf, Value):
        raise TypeError("nudge needs the output and a leaf, both autograd.Values")
    check_precision(precision)
    if not leaf.is_leaf:
        raise ValueError(f"nudge: {leaf!r} is not a leaf (an input or a parameter)")
    order = topological_order(root)
    if not any(v is leaf for v in order):
        raise ValueError("nudge: the output does not depend on that leaf")
    if isinstance(root.data, np.ndarray) or isinstance(leaf.data, np.ndarray):
        raise ValueError("nudge: the output and the leaf must hold single numbers, not batches")
    steps = [float(h) for h in hs]
    if not steps or not all(math.isfinite(h) and h > 0 for h in steps):
        raise ValueError(f"nudge: hs must be positive finite numbers, got {list(hs)!r}")
    grad = float(gradients(root, leaf))
    base = _evaluate(order, leaf, leaf.data)
    rows = tuple(NudgeRow(h, _evaluate(order, leaf, leaf.data + h) - base, grad * h) for h in steps)
    named = names(root)
    return NudgeTable(named[root], named[leaf], grad, rows, precision)


def _evaluate(order: list[Value], leaf: Value, value: float) -> float:
    """The output's value with ``leaf`` set to ``value``: every op again, from the op table."""
    found: dict[int, Any] = {}
    for node in order:
        entry = node.op_entry
        if entry is None:
            found[id(node)] = value if node is leaf else node.data
            continue
        inputs = [found[id(p)] for p in node.parents]
        if node.constant is not None:
            inputs.append(node.constant)
        found[id(node)] = call(entry, *inputs)
    return float(found[id(order[-1])])
