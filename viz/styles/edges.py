"""``style="edges"``: the book's Figure 9.3, quantities on the arrows.

Nodes are transformations (boxes naming the op); leaves are small source nodes.
Every arrow runs through its label (:mod:`viz.styles.inline`): the forward quantity
above it (blue), the gradient ∂L/∂(that quantity) below it (red); the local
derivative ∂out/∂in (grey) joins the forward text with ``show_partials`` and on the
paths of ``paths_from``; the output's arrow runs into a terminal node.
"""

from __future__ import annotations

import graphviz

from viz.labels import html_label, plain, text
from viz.styles.common import (
    BACKWARD,
    FORWARD,
    PARTIAL,
    TANGENT,
    Options,
    box_attrs,
    data_text,
    edge_marks,
    grad_text,
    node_mark,
    number_room,
    partial_text,
    share_text,
    tangent_text,
    total_room,
    total_text,
)
from viz.styles.inline import cell, labelled_edge
from viz.styles.legend import legend
from viz.walk import GraphView

SIZE = 11
"""Point size of the texts on the arrows (partials one point smaller)."""


def build(g: graphviz.Digraph, view: GraphView, opts: Options) -> None:
    """Add op boxes, source nodes, labelled edges, the terminal node and the legend."""
    for i, node in enumerate(view.nodes):
        mark = node_mark(i, opts)
        label = _node_label(view, i, opts, mark.font)
        if node.is_leaf:
            attrs = {"style": "filled", "fillcolor": mark.fill} if mark.fill else {}
            if mark.font:
                attrs["fontcolor"] = mark.font
            g.node(f"n{i}", label, shape="plaintext", **attrs)
        else:
            g.node(f"n{i}", label, shape="box", **box_attrs(mark))
    for parent, child, k in view.edges():
        partial = partial_text(view, child, k, opts) if opts.shows_partial(parent, child) else ""
        gradient = share_text(view, (parent, child, k), opts)
        above, below = _cells(view, parent, opts, partial, gradient)
        labelled_edge(g, f"n{parent}", f"n{child}", f"e{parent}_{child}_{k}", above, below,
                      opts.rankdir, edge_marks(parent, child, opts))  # fmt: skip
    last = len(view.nodes) - 1
    g.node("output", plain(opts.output), shape="plaintext", fontsize="14")
    above, below = _cells(view, last, opts, "", grad_text(view, last, opts))
    labelled_edge(g, f"n{last}", "output", "e_output", above, below, opts.rankdir)
    legend(g, opts, entries(opts))


def _node_label(view: GraphView, i: int, opts: Options, font: str) -> str:
    """A leaf's name or an op's symbol; under it, for a value used more than once, its
    gradient as the sum of the shares on its arrows (``x.grad = 3 + 3 = 6``)."""
    node = view.nodes[i]
    name = opts.names[node] if node.is_leaf else node.op
    total = total_text(view, i, opts)
    if total is None:
        return plain(name)
    head = f"{opts.names[node]}.grad = "
    steady = total_room(view, i, opts, SIZE - 1, head)
    rows = [cell(text(name, font)), cell(text(head + total, BACKWARD, SIZE - 1), steady)]
    body = "".join(f"<tr>{r}</tr>" for r in rows)
    return html_label(f'<table border="0" cellborder="0" cellspacing="0">{body}</table>')


def entries(opts: Options) -> list[tuple[str, str]]:
    """The legend of quantities on arrows."""
    above, below = ("above", "below") if opts.horizontal else ("left of", "right of")
    found = [(f"{above} each arrow: the forward value", FORWARD)]
    if opts.show_partials or opts.partial_edges:
        found.append(("then the local derivative ∂out/∂in", PARTIAL))
    if opts.show_grads:
        if opts.shares is not None and opts.shares.reused:
            found.append((f"{below} it: the gradient that flows back along it;"
                          " a value used twice adds them", BACKWARD))  # fmt: skip
        else:
            found.append((f"{below} it: the gradient ∂{opts.output}/∂value", BACKWARD))
    if opts.tangents is not None:
        found.append((f"∂value/∂{opts.tangent_of}: forward mode", TANGENT))
    return found


def _cells(view: GraphView, i: int, opts: Options, partial: str, gradient: str) -> tuple[str, str]:
    """The label cells of an arrow carrying node ``i``: forward text, then ``gradient``."""
    data_room, grad_room = number_room(opts, SIZE, False), number_room(opts, SIZE, True)
    forward = text(_forward(view, i, opts), FORWARD, SIZE)
    if partial:
        forward += "<br/>" + text(partial, PARTIAL, SIZE - 1)
    below = []
    if opts.show_grads:
        below.append(text(gradient, BACKWARD, SIZE))
    tangent = tangent_text(view, i, opts)
    if tangent is not None:
        below.append(text(tangent, TANGENT, SIZE - 1))
    return cell(forward, data_room), cell("<br/>".join(below), grad_room)


def _forward(view: GraphView, i: int, opts: Options) -> str:
    """The forward value; named (``v3 = 1.5``) when labelled or when formulas refer to it."""
    node = view.nodes[i]
    value = data_text(view, i, opts)
    referred = opts.show_partials or opts.partial_edges or opts.step or opts.tangents is not None
    if node.is_leaf or not (node.label or referred):
        return value
    return f"{opts.names[node]} = {value}"
