"""``style="edges"``: the book's Figure 9.3, quantities on the arrows.

Nodes are transformations (boxes naming the op); leaves are small source nodes.
Every edge carries the forward quantity above the arrow (blue) and the gradient
∂L/∂(that quantity) below it (red); the output's edge runs into a terminal node.
"""

from __future__ import annotations

import graphviz

from viz.labels import plain
from viz.styles.common import (
    BACKWARD,
    FORWARD,
    Options,
    data_text,
    edge_marks,
    grad_text,
    legend,
    name_of,
    node_marks,
    partial_text,
)
from viz.walk import GraphView

NODESEP = "0.6"
"""Space between the arrows that enter one op (inches): room for each arrow's gradient."""


def edge_attrs(
    forward: str, backward: str | None, opts: Options, angle: str = "-15", distance: str = "3.5"
) -> dict[str, str]:
    """Forward text above the arrow (``label``), gradient below it (``taillabel``).

    By default the gradient sits a little clockwise of the arrow (15°) and well away
    from its tail (3.5 × 10 points): close to its own arrow, and out of the gap
    between two arrows that converge on the same op, where a wider angle would put
    it. ``angle`` and ``distance`` are Graphviz's ``labelangle`` and ``labeldistance``.
    """
    attrs = {"label": plain(forward), "fontcolor": FORWARD, "minlen": "2"}
    if backward is not None:
        attrs.update(
            taillabel=plain(backward), labelfontcolor=BACKWARD,
            labelangle=angle, labeldistance=distance,
        )  # fmt: skip
    return attrs


def build(g: graphviz.Digraph, view: GraphView, opts: Options) -> None:
    """Add op boxes, source nodes, labelled edges, the terminal node and the legend."""
    g.graph_attr["nodesep"] = NODESEP
    for i, node in enumerate(view.nodes):
        marks = node_marks(i, opts)
        if node.is_leaf:
            name = node.label or data_text(view, i, opts)
            g.node(f"n{i}", plain(name), shape="plaintext", fontsize="12", **marks)
        else:
            g.node(
                f"n{i}", plain(node.op), shape="box",
                **{"style": "rounded,filled", "fillcolor": "#f4f6f8", **marks},
            )  # fmt: skip
    for parent, child, k in view.edges():
        forward = _forward(view, parent, opts)
        if opts.show_partials:
            forward += "\n" + partial_text(view, child, k, opts)
        attrs = edge_attrs(forward, _backward(view, parent, opts), opts)
        g.edge(f"n{parent}", f"n{child}", **attrs, **edge_marks(parent, child, opts))
    last = len(view.nodes) - 1
    g.node("output", plain(opts.output_name or view.root.label or "L"),
           shape="plaintext", fontsize="14")  # fmt: skip
    g.edge(f"n{last}", "output", **edge_attrs(
        _forward(view, last, opts), _backward(view, last, opts), opts))  # fmt: skip
    legend(g, opts, grads=opts.show_grads, partials=opts.show_partials)


def _forward(view: GraphView, i: int, opts: Options) -> str:
    node = view.nodes[i]
    text = data_text(view, i, opts)
    if node.is_leaf:
        return text
    if node.label:
        return f"{node.label} = {text}"
    # with partials on the edges, name each quantity the formulas refer to (v3 = ...)
    return f"{name_of(view, node, opts)} = {text}" if opts.show_partials else text


def _backward(view: GraphView, i: int, opts: Options) -> str | None:
    return grad_text(view, i, opts) if opts.show_grads else None
