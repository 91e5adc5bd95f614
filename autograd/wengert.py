"""The Wengert list: a graph as a table, one line per node in the order the forward pass made them.

>>> from autograd import Value, wengert_table
>>> x, y = Value(-2.0, label="x"), Value(5.0, label="y")
>>> q = x + y; q.label = "q"
>>> print(wengert_table(q * 0.5))
#  name  op    inputs  data  grad
-  ----  ----  ------  ----  ----
1  x     leaf            -2     ?
2  y     leaf             5     ?
3  q     +     x, y       3     ?
4  v1    *     q, 0.5   1.5     ?

Names come from :func:`autograd.names`, numbers from :func:`autograd.format_number`
(right-aligned). A stepper's ``table()`` uses the same layout and shows ``?`` for
what its pass has not computed yet.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import numpy as np

from autograd.data import data_of
from autograd.graph import topological_order
from autograd.naming import DEFAULT_PRECISION, check_precision, format_number, names
from autograd.value import Value

INPUTS_WIDTH = 40
"""The inputs column wraps after this many characters (a neuron's dot has 2n+1 inputs)."""

Cell = Callable[[Value], str]


def wengert_table(root: Value, precision: int = DEFAULT_PRECISION) -> WengertTable:
    """The Wengert list of ``root``'s graph: order, name, op, inputs, data and grad.

    ``precision`` is the number of significant digits (default 4). The grad column
    shows ``.grad`` as it is now, or ``?`` throughout while no backward pass has
    reached the graph (an interior root with ``grad == 0``: a pass seeds it with 1).
    A stepper's ``table()`` tells, node by node, what its pass has computed.
    """
    if not isinstance(root, Value):
        raise TypeError(f"wengert_table needs a Value, got {type(root).__name__}")
    check_precision(precision)
    order = topological_order(root)
    unreached = not root.is_leaf and is_zero(root.grad)

    def grad(v: Value) -> str:
        return "?" if unreached else format_number(v.grad, precision)

    return table_text(
        order,
        names(root, precision=precision),
        precision,
        lambda v: format_number(v.data, precision),
        grad,
    )


class WengertTable(str):
    """The table as text (``print`` it), with its cells in ``header`` and ``rows``; in
    Jupyter it displays as an HTML table."""

    header: list[str]
    rows: list[list[str]]

    def _repr_html_(self) -> str:
        right = {0, 4, 5}
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.header)
        body = "".join(
            "<tr>"
            + "".join(
                f"<td style='text-align:{'right' if c in right else 'left'}'>{html.escape(t)}</td>"
                for c, t in enumerate(row)
            )
            + "</tr>"
            for row in self.rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def table_text(
    order: list[Value],
    names: dict[Value, str],
    precision: int,
    data: Cell,
    grad: Cell | None,
) -> WengertTable:
    """The table of ``order`` with ``data(node)`` and ``grad(node)`` cells (no grad column
    when ``grad`` is None); inputs are ``node.operands``, a kept constant by its value."""
    header = ["#", "name", "op", "inputs", "data"] + (["grad"] if grad else [])
    right = [True, False, False, False, True, True]
    cells_of: list[list[str]] = []
    rows = [header]
    for i, node in enumerate(order, 1):
        op = node.op_entry
        inputs = [
            names[o] if isinstance(o, Value) else format_number(o, precision) for o in node.operands
        ]
        first, *more = _wrap(inputs, INPUTS_WIDTH)
        cells = [str(i), names[node], op.symbol if op else "leaf", first, data(node)]
        rows.append(cells + ([grad(node)] if grad else []))
        rows.extend(["", "", "", line, ""] + ([""] if grad else []) for line in more)
        cells_of.append(cells[:3] + [", ".join(inputs), cells[4]] + ([grad(node)] if grad else []))
    widths = [max(len(row[c]) for row in rows) for c in range(len(header))]
    lines = [
        "  ".join(
            cell.rjust(w) if right[c] else cell.ljust(w)
            for c, (cell, w) in enumerate(zip(row, widths))
        ).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    table = WengertTable("\n".join(lines))
    table.header, table.rows = header, cells_of
    return table


def is_zero(x: object) -> bool:
    """Whether a gradient (a number, a batch or a Value) is 0 everywhere."""
    data = data_of(x)
    return bool(np.all(data == 0)) if isinstance(data, np.ndarray) else data == 0


def _wrap(items: list[str], width: int) -> list[str]:
    """``items`` joined by ``", "`` over lines of at most ``width`` characters (a longer
    item gets a line of its own); at least one line."""
    lines: list[str] = []
    line = ""
    for item in items:
        if line and len(line) + 2 + len(item) > width:
            lines.append(line + ",")
            line = item
        else:
            line = f"{line}, {item}" if line else item
    lines.append(line)
    return lines
