"""Nudging on the stepper page: a control per leaf, both passes recomputed in the browser.

:func:`program` turns the graph into what ``assets/nudge.js`` runs: per node its op (an
index into the ops of :func:`autograd.explain.javascript`, JavaScript generated from the
op table), its argument nodes and its kept constant, with the engine's values and
gradients to compare against. The page holds no hand-written copy of any op.
"""

from __future__ import annotations

import math
from typing import Any

from autograd import Value, explain
from viz.interactive.html import esc


def program(order: list[Value], precision: int) -> tuple[dict[str, Any], str] | None:
    """``(the page's "nudge" JSON, the ops' JavaScript)`` for a graph of single numbers whose
    gradients are in place, or None when some number is not finite or an op has no
    JavaScript form (the page then has no nudge controls)."""
    signatures: list[tuple[Any, int]] = []
    nodes: list[dict[str, Any]] = []
    index = {id(v): i for i, v in enumerate(order)}
    for node in order:
        op = node.op_entry
        if op is None:
            nodes.append({"op": None, "args": [], "constant": None})
            continue
        signature = (op, len(node.parents))
        if signature not in signatures:
            signatures.append(signature)
        kept = [o for o in node.operands if not isinstance(o, Value)]  # x * 1.5 keeps 1.5
        constant = kept[0] if kept else None
        nodes.append({
            "op": signatures.index(signature),
            "args": [index[id(p)] for p in node.parents],
            "constant": constant,
        })  # fmt: skip
    numbers = [v.data for v in order] + [v.grad for v in order]
    numbers += [n["constant"] for n in nodes if n["constant"] is not None]
    if not all(isinstance(x, float) and math.isfinite(x) for x in numbers):
        return None
    try:
        script = explain.javascript(signatures)
    except explain.NotTranslatable:
        return None
    data = {
        "key": script.key,
        "nodes": nodes,
        "values": [v.data for v in order],
        "grads": [v.grad for v in order],
        "leaves": [i for i, v in enumerate(order) if v.is_leaf],
        "precision": precision,
        "maxTerms": explain.MAX_TERMS,
    }
    return data, script.source


def panel(data: dict[str, Any], names: list[str]) -> str:
    """The controls: one text field per leaf (its value in full), a reset button, the result."""
    fields = "".join(
        f'<label class="cr-nudge-leaf">{esc(names[i])} = <input class="cr-nudge-input"'
        f' type="text" inputmode="decimal" autocomplete="off" spellcheck="false"'
        f' data-node="{i}" data-original="{data["values"][i]!r}" value="{data["values"][i]!r}"'
        f' aria-label="{esc("value of " + names[i])}"></label>'
        for i in data["leaves"]
    )
    return (
        '<details class="cr-nudge" open><summary>Nudge a leaf: give it a new value (Enter)'
        " and compare the change ΔL with grad·h</summary>"
        f'<div class="cr-nudge-leaves">{fields}</div>'
        '<button type="button" class="cr-nudge-reset">reset</button>'
        '<pre class="cr-nudge-result" aria-live="polite"></pre></details>'
    )
