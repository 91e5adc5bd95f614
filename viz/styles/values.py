"""``style="values"``: micrograd's view, a record per value and a small node per op."""

from __future__ import annotations

import graphviz

from viz.labels import plain, record
from viz.styles.common import (
    BACKWARD,
    FONT,
    PARTIAL,
    Options,
    data_text,
    edge_marks,
    grad_text,
    node_marks,
    partial_text,
)
from viz.walk import GraphView


def build(
    g: graphviz.Digraph, view: GraphView, opts: Options, clusters: dict[int, str] | None = None
) -> None:
    """Add every value (record), op (ellipse) and edge of ``view`` to ``g``.

    ``clusters`` maps node positions to a group name; nodes of one group are drawn
    inside one labelled box (the ``layers`` style's uncollapsed view).
    """
    horizontal = opts.rankdir in ("LR", "RL")
    boxes: dict[str, graphviz.Digraph] = {}
    for name in sorted(set((clusters or {}).values())):
        box = graphviz.Digraph(name=f"cluster_{len(boxes)}")
        box.attr(label=plain(name), style="rounded,filled", fillcolor="#f7f9fc",
                 color="#8aa2c8", fontname=FONT, fontsize="13", labeljust="l")  # fmt: skip
        boxes[name] = box
    for i, node in enumerate(view.nodes):
        target = boxes[clusters[i]] if clusters and i in clusters else g
        fields = [node.label, f"data {data_text(view, i, opts)}"]
        if opts.show_grads:
            fields.append(f"grad {grad_text(view, i, opts)}")
        target.node(f"n{i}", record(fields, horizontal), shape="record", **node_marks(i, opts))
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
        if opts.show_partials:
            attrs.update(label=plain(partial_text(view, child, k, opts)), fontcolor=PARTIAL)
        g.edge(f"n{parent}", f"n{child}_op", **attrs)
    if opts.show_grads and opts.step is not None:
        g.attr(label=plain("? = gradient not known yet   g + … = partly summed"),
               fontsize="10", fontcolor=BACKWARD)  # fmt: skip
