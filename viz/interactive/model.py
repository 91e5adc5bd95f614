"""The timeline a stepper page plays: each step's text, and what every label shows when.

:func:`timeline` runs the passes once (``autograd.Forward`` and
``autograd.Backprop``, through :mod:`viz.interactive.sources`) and records, per
node, the step at which its value becomes known and the text of its gradient
after each step that adds to it (``-4 + ?`` while other uses are still to
come). A value used more than once also gets, per arrow, the share that arrow
carries back and the step it arrives at, and the text of its sum after each
arrival (``x.grad = 3 + ?``, then ``x.grad = 3 + 3 = 6``: the stepper's own
:meth:`autograd.stepping.Term.sum_so_far`). The page only looks these up; it
computes nothing itself, except when a leaf is nudged (:mod:`viz.interactive.nudge`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from autograd import Value, format_number
from autograd.explain import sum_text
from viz.interactive import sources

Direction = Literal["forward", "backward", "both"]
DIRECTIONS = ("forward", "backward", "both")
PARTIAL = " + ?"
"""Appended to a gradient that more uses of the node will still add to."""


@dataclass
class Term:
    """One chain-rule product that reached ``parent``: ``upstream × partial`` from ``child``."""

    child: int
    operand: int
    upstream: Any
    partial: Any
    formula: str


@dataclass
class Timeline:
    """Everything the page shows, as plain data (see :meth:`to_json`)."""

    steps: list[dict[str, Any]] = field(default_factory=list)
    nodes: list[dict[str, Any]] = field(default_factory=list)
    partials: dict[tuple[int, int], str] = field(default_factory=dict)
    """``(child, operand)`` → ``∂child/∂operand = formula = number``."""
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    """``(child, operand)`` → ``∂child/∂operand = formula`` (no numbers)."""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    grads: list[Any] = field(default_factory=list)
    """Every node's gradient at the end of the backward pass (topological order)."""


def timeline(root: Value, order: list[Value], direction: Direction, precision: int) -> Timeline:
    """Run the passes on ``root`` (gradients must start at 0; see ``sources.isolated``).

    ``order`` is the topological order, the drawing's numbering. Afterwards the
    gradients on the graph are the final ones, for the drawing to show.
    """

    def fmt(x: Any) -> str:
        return format_number(x, precision)

    index = {id(v): i for i, v in enumerate(order)}
    names = sources.names(root, precision)
    out_name = names[root]
    tl = Timeline()
    tl.steps.append({"phase": "start", "label": "start", "text": _start_text(direction, out_name),
                     "node": None})  # fmt: skip
    arrows = [0] * len(order)
    for node in order:
        for p in node.parents:
            arrows[index[id(p)]] += 1
    for i, node in enumerate(order):
        tl.nodes.append(_node_info(node, names, precision, arrows[i]))
    if direction != "backward":
        forward = sources.forward_steps(root, precision)
        for k, (node, text) in enumerate(forward, 1):
            tl.steps.append(_step("forward", f"forward {k}/{len(forward)}", text, index[id(node)]))
            tl.nodes[index[id(node)]]["dataAt"] = len(tl.steps) - 1
    users = _users(order, index)
    left = {i: len(u) for i, u in enumerate(users)}
    terms: dict[int, list[Term]] = defaultdict(list)
    bp = sources.backprop(root, precision)
    first = len(tl.steps)
    root_info = tl.nodes[index[id(root)]]
    root_info["grads"].append([first, fmt(root.grad)])
    root_info["gradAt"] = first
    steps = list(sources.backward_steps(bp))
    if not steps and direction != "forward":  # the output is an input: ∂x/∂x = 1 at the end
        first = len(tl.steps) - 1
        root_info["grads"][-1][0] = root_info["gradAt"] = first
    for k, (step, text) in enumerate(steps, 1):
        child = index[id(step.node)]
        at = first + k - 1
        if direction != "forward":
            tl.steps.append(_step("backward", f"backward {k}/{len(steps)}", text, child))
        for operand, term in enumerate(step.terms):
            parent = index[id(term.parent)]
            terms[parent].append(Term(child, operand, term.upstream, term.partial, term.formula))
            edge = (child, operand)
            tl.formulas[edge] = f"∂{names[step.node]}/∂{names[term.parent]} = {term.formula}"
            tl.partials[edge] = tl.formulas[edge] + _with_number(term.formula, term.partial, fmt)
            if arrows[parent] > 1:
                tl.nodes[parent]["shares"][f"{child}:{operand}"] = [at, fmt(term.contribution)]
                total = f"{names[term.parent]}.grad = {term.sum_so_far(precision)}"
                tl.nodes[parent]["totals"].append([at, total])
        after = {index[id(t.parent)]: t.grad_after for t in step.terms}  # as of this step
        for parent in sorted(after):
            left[parent] -= 1
            grad = after[parent]
            done = left[parent] == 0
            tl.nodes[parent]["grads"].append([at, fmt(grad) + ("" if done else PARTIAL)])
            if done:
                tl.nodes[parent]["gradAt"] = at
    tl.grads = [node.grad for node in order]
    for i, node in enumerate(order):
        tl.nodes[i]["grad"] = fmt(node.grad)
    tl.header, tl.rows = sources.table(bp)
    if direction != "forward":
        tl.questions = _questions(order, names, terms, tl, fmt)
    return tl


def _start_text(direction: Direction, out: str) -> str:
    if direction == "forward":
        return f"Start: nothing is computed yet. Step forward to compute {out} node by node."
    if direction == "backward":
        return (
            f"Start: the forward pass is done. Step to run the backward pass: each step takes"
            f" a node's gradient ∂{out}/∂node and passes it on to the node's inputs."
        )
    return (
        f"Start: nothing is computed yet. Step forward to compute {out} node by node; then the"
        f" backward pass fills in each gradient ∂{out}/∂value below its arrow."
    )


def _step(phase: str, label: str, text: str, node: int) -> dict[str, Any]:
    return {"phase": phase, "label": label, "text": text, "node": node}


def _node_info(node: Value, names: dict[Value, str], precision: int, arrows: int) -> dict[str, Any]:
    """What the page knows of a node; ``arrows`` counts its uses (a sum shows for two or more)."""
    name = names[node]
    value = format_number(node.data, precision)
    op = node.op_entry
    if op is None:
        expr = f"{name}: an input" if node.label else f"the constant {name}"
    else:
        expr = f"{name} = {sources.expression(node, names, precision)}"
    return {
        "name": name,
        "op": node.op,
        "opName": op.name if op is not None else "",
        "leaf": node.is_leaf,
        "expr": expr,
        "value": value,
        "dataAt": 0,
        "unknown": _unknown(node, name),
        "grads": [],
        "gradAt": None,
        "grad": "",
        "total": f"{name}.grad = {sum_text([], arrows)}" if arrows > 1 else None,
        "totals": [],
        "shares": {},
    }


def _unknown(node: Value, name: str) -> str:
    """What a value label shows before the forward pass reaches the node (``q = ?``, ``?``)."""
    return f"{name} = ?" if node.label and not node.is_leaf else "?"


def _users(order: list[Value], index: dict[int, int]) -> list[set[int]]:
    users: list[set[int]] = [set() for _ in order]
    for i, node in enumerate(order):
        for p in node.parents:
            users[index[id(p)]].add(i)
    return users


def _questions(
    order: list[Value],
    names: dict[Value, str],
    terms: dict[int, list[Term]],
    tl: Timeline,
    fmt: Any,
) -> list[dict[str, Any]]:
    """One question per labelled node (not the output): ∂L/∂node, asked before it shows."""
    out = names[order[-1]]
    asked = []
    for i, node in enumerate(order[:-1]):
        at = tl.nodes[i]["gradAt"]
        if at is None or not node.label or isinstance(node.data, _ARRAYS):
            continue
        if not math.isfinite(node.grad):  # nothing to type in: shown, not asked
            continue
        asked.append({
            "node": i,
            "at": at,
            "ask": f"∂{out}/∂{names[node]}",
            "answer": float(node.grad),
            "shown": fmt(node.grad),
            "chain": _chain(i, order, names, terms[i], fmt),
        })  # fmt: skip
    asked.sort(key=lambda q: (q["at"], q["node"]))
    return asked


_ARRAYS: tuple[type, ...] = ()
try:  # numpy arrays (batches) have no single answer
    import numpy as np

    _ARRAYS = (np.ndarray,)
except ImportError:  # pragma: no cover - numpy is a dependency
    pass


def _chain(i: int, order: list[Value], names: dict[Value, str], terms: list[Term],
           fmt: Any) -> str:  # fmt: skip
    """``∂f/∂x = ∂f/∂q·∂q/∂x = (-4) × 1 = -4   (∂q/∂x = 1)``: the chain rule with numbers."""
    out = names[order[-1]]
    me = names[order[i]]
    symbolic = " + ".join(f"∂{out}/∂{names[order[t.child]]}·∂{names[order[t.child]]}/∂{me}"
                          for t in terms)  # fmt: skip
    numeric = " + ".join(f"{_factor(t.upstream, fmt)} × {_factor(t.partial, fmt)}" for t in terms)
    where = "; ".join(
        f"∂{names[order[t.child]]}/∂{me} = {t.formula}{_with_number(t.formula, t.partial, fmt)}"
        for t in terms
    )
    return f"∂{out}/∂{me} = {symbolic} = {numeric} = {fmt(order[i].grad)}   ({where})"


def _factor(x: Any, fmt: Any) -> str:
    text = fmt(x)
    return f"({text})" if text.startswith("-") else text


def _with_number(formula: str, value: Any, fmt: Any) -> str:
    """`` = 0.25`` after a formula such as ``1/z``; nothing after a formula that is a number."""
    try:
        float(formula)
    except ValueError:
        return f" = {fmt(value)}"
    return ""
