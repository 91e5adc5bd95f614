"""``style="values"``: micrograd's view, a row per value (name | data | grad), a node per op."""

from __future__ import annotations

import graphviz

from viz.labels import html_label, plain, text
from viz.styles.common import (
    BACKWARD,
    FONT,
    FORWARD,
    PARTIAL,
    TANGENT,
    Options,
    data_text,
    edge_marks,
    grad_text,
    node_mark,
    number_room,
    partial_text,
    tangent_text,
    total_room,
    total_text,
)
from viz.styles.inline import cell, labelled_edge
from viz.styles.legend import legend
from viz.walk import GraphView

SIZE = 12


def build(
    g: graphviz.Digraph, view: GraphView, opts: Options, clusters: dict[int, str] | None = None
) -> None:
    """Add every value (a table row), op (ellipse) and edge of ``view`` to ``g``.

    ``clusters`` maps node positions to a group name; nodes of one group are drawn
    inside one labelled box (the ``layers`` style's uncollapsed view).
    """
    boxes: dict[str, graphviz.Digraph] = {}
    for name in sorted(set((clusters or {}).values())):
        box = graphviz.Digraph(name=f"cluster_{len(boxes)}")
        box.attr(label=plain(name), style="rounded,filled", fillcolor="#f7f9fc",
                 color="#8aa2c8", fontname=FONT, fontsize="13", labeljust="l")  # fmt: skip
        boxes[name] = box
    for i, node in enumerate(view.nodes):
        target = boxes[clusters[i]] if clusters and i in clusters else g
        target.node(f"n{i}", html_label(_row(view, i, opts)), shape="plain")
        if node.op:
            target.node(
                f"n{i}_op", plain(node.op), shape="ellipse", fontsize="11",
                margin="0.02,0.02", height="0.3", width="0.3",
            )  # fmt: skip
            g.edge(f"n{i}_op", f"n{i}", **edge_marks(i, i, opts))
    for box in boxes.values():
        g.subgraph(box)
    for parent, child, k in view.edges():
        attrs = edge_marks(parent, child, opts)
        if opts.shows_partial(parent, child):
            above = cell(text(partial_text(view, child, k, opts), PARTIAL, 10))
            labelled_edge(g, f"n{parent}", f"n{child}_op", f"e{parent}_{child}_{k}", above, "",
                          opts.rankdir, attrs)  # fmt: skip
        else:
            g.edge(f"n{parent}", f"n{child}_op", **attrs)
    legend(g, opts, entries(opts))


def entries(opts: Options) -> list[tuple[str, str]]:
    """The legend: what the coloured fields and the arrows' texts are."""
    found = [("data: the forward value", FORWARD)]
    if opts.show_grads:
        found.append((f"grad: the gradient ∂{opts.output}/∂value", BACKWARD))
        if opts.shares is not None and opts.shares.reused:
            found.append(("a value used twice adds the gradients from each use", BACKWARD))
    if opts.show_partials or opts.partial_edges:
        found.append(("on the arrows: local derivatives ∂out/∂in", PARTIAL))
    if opts.tangents is not None:
        found.append((f"∂value/∂{opts.tangent_of}: forward mode", TANGENT))
    return found


def _row(view: GraphView, i: int, opts: Options) -> str:
    """Node ``i`` as one table row: name | data | grad (| tangent), coloured by its state."""
    mark = node_mark(i, opts)
    data_room = number_room(opts, SIZE, False, "data ")
    grad_room = number_room(opts, SIZE, True, "grad ")
    font = mark.font
    texts = [(opts.names[view.nodes[i]], font, 0.0),
             (f"data {data_text(view, i, opts)}", font or FORWARD, data_room)]  # fmt: skip
    if opts.show_grads:
        total = total_text(view, i, opts)
        if total is None:
            texts.append((f"grad {grad_text(view, i, opts)}", font or BACKWARD, grad_room))
        else:  # a value used more than once: the sum of the shares its arrows bring back
            steady = total_room(view, i, opts, SIZE, "grad ")
            texts.append((f"grad {total}", font or BACKWARD, steady))
    tangent = tangent_text(view, i, opts)
    if tangent is not None:
        texts.append((tangent, font or TANGENT, 0.0))
    cells = "".join(cell(text(t, colour, SIZE), w, padding=4) for t, colour, w in texts)
    attrs = f' bgcolor="{mark.fill}"' if mark.fill else ""
    attrs += f' color="{mark.outline}"' if mark.outline else ""
    border = max(1, round(float(mark.penwidth)))
    return (f'<table border="0" cellborder="{border}" cellspacing="0"{attrs}>'
            f"<tr>{cells}</tr></table>")  # fmt: skip
