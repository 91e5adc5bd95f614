"""Where the interactive views get their words: names, step texts, tables, formulas.

One helper each, so each can be switched to a new source in one place:

* :func:`names` — one name per node: ``autograd.names(root)``, the names every
  view prints;
* :func:`forward_steps` and :func:`backward_steps` — the steps of
  ``autograd.Forward`` and ``autograd.Backprop``; their text is ``str(step)``,
  exactly what the REPL prints;
* :func:`table` — the Wengert list, ``Backprop.table()``, as cells;
* :func:`expression` — how a node is computed from its parents (``q + z``).

:func:`isolated` runs a pass without leaving a trace on the user's graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import autograd
from autograd import Backprop, Forward, Value, explain, topological_order


def names(root: Value, precision: int) -> dict[Value, str]:
    """One name per node of ``root``'s graph, shared by every view; a constant is named by
    its value, so ``precision`` is required: the one route by which precision reaches names."""
    return autograd.names(root, precision=precision)


def expression(node: Value, node_names: dict[Value, str], precision: int) -> str:
    """``q + z`` or ``tanh(q)``: how ``node`` is computed from its parents."""
    return explain.expression(node, node_names, precision)


def backprop(root: Value, precision: int) -> Backprop:
    """A ``Backprop`` of ``root`` printing ``precision`` significant digits."""
    return Backprop(root, precision=precision)


def forward_steps(root: Value, precision: int) -> list[tuple[Value, str]]:
    """Each forward step as ``(node, str(step))``, in the order ``autograd.Forward`` takes."""
    stepper = Forward(root, precision=precision)
    return [(step.node, str(step)) for step in stepper]


def backward_steps(bp: Backprop) -> Iterator[tuple[Any, str]]:
    """Run ``bp`` to the end, yielding each step and its text as ``Backprop.step()`` prints it."""
    while not bp.finished:
        step = bp.step()
        yield step, str(step)


def table(bp: Backprop) -> tuple[list[str], list[list[str]]]:
    """The Wengert list of ``bp.table()`` as ``(header, rows)`` of cell texts."""
    shown = bp.table()
    return list(shown.header), [list(row) for row in shown.rows]


@contextmanager
def isolated(root: Value) -> Iterator[list[Value]]:
    """Run a pass on ``root``'s graph from zero gradients, then put every gradient back.

    Yields the nodes in topological order. Leaves start from 0 (as after
    ``zero_grad``), so the steps read as one fresh pass, the same numbers
    ``backward()`` gives; afterwards each node's ``grad`` is what it was.
    """
    order = topological_order(root)
    saved = [node.grad for node in order]
    try:
        for node in order:
            node.grad = 0.0
        yield order
    finally:
        for node, grad in zip(order, saved):
            node.grad = grad
