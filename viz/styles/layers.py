"""``style="layers"``: a network's graph by node group (``Value.group``, set by nn modules).

With ``collapse=True`` each group becomes one box and the edges between two boxes
are merged into one, carrying the values that cross (listed when few, else their
count and norm). With ``collapse=False`` every value is drawn, clustered by group.
"""

from __future__ import annotations

import graphviz

from viz.errors import GraphTooLargeError
from viz.labels import format_many, plain
from viz.styles import values
from viz.styles.common import Options, legend
from viz.styles.edges import edge_attrs
from viz.walk import MAX_NODES, GraphView

INPUTS = "inputs"
"""The box that collects leaves outside every group (the data, targets and constants)."""


def group_of(group: str, depth: int | None) -> str:
    """``group`` cut to its first ``depth`` dotted parts (``layers.0.neurons.3`` → ``layers.0``)."""
    if depth is None or not group:
        return group
    return ".".join(group.split(".")[:depth])


def build(g: graphviz.Digraph, view: GraphView, opts: Options) -> None:
    """Draw ``view`` clustered (``opts.collapse`` False) or one box per group."""
    if not opts.collapse:
        clusters = {
            i: name
            for i, v in enumerate(view.nodes)
            if (name := group_of(v.group, opts.group_depth))
        }
        values.build(g, view, opts, clusters)
        return
    keys = [_key(view, i, opts) for i in range(len(view.nodes))]
    members: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        members.setdefault(key, []).append(i)
    order = dict(sorted(members.items(), key=lambda item: _rank(view, *item)))
    if len(order) > MAX_NODES:
        raise GraphTooLargeError(
            f"even with one box per group this graph has {len(order):,} boxes; group more nodes"
            " (autograd.node_group) or pass a smaller group_depth"
        )
    names = {key: f"g{j}" for j, key in enumerate(order)}
    for key, group_nodes in order.items():
        _box(g, view, names[key], key, group_nodes)
    crossing: dict[tuple[str, str], list[int]] = {}
    for parent, child, _ in view.edges():
        a, b = keys[parent], keys[child]
        if a != b:
            carried = crossing.setdefault((a, b), [])
            if parent not in carried:
                carried.append(parent)
    for (a, b), carried in crossing.items():
        g.edge(names[a], names[b], **_edge(view, carried, opts))
    last = len(view.nodes) - 1
    g.node("output", plain(opts.output_name or view.root.label or "L"),
           shape="plaintext", fontsize="14")  # fmt: skip
    g.edge(names[keys[last]], "output", **_edge(view, [last], opts))
    legend(g, opts, grads=opts.show_grads, partials=False)


def _rank(view: GraphView, key: str, members: list[int]) -> tuple[int, int]:
    """Boxes in the order data flows: inputs first, then by each group's first op."""
    if key == INPUTS:
        return (0, 0)
    ops = [i for i in members if not view.nodes[i].is_leaf]
    return (1, ops[0] if ops else members[0])


def _key(view: GraphView, i: int, opts: Options) -> str:
    node = view.nodes[i]
    group = group_of(node.group, opts.group_depth)
    if group:
        return group
    return INPUTS if node.is_leaf else f"#{i}"


def _box(g: graphviz.Digraph, view: GraphView, name: str, key: str, members: list[int]) -> None:
    if key.startswith("#"):  # an ungrouped op: drawn on its own, like the edges style
        g.node(name, plain(view.nodes[members[0]].op), shape="box", style="rounded")
        return
    if key == INPUTS:
        g.node(name, plain(f"{INPUTS}\n{len(members)} values"), shape="plaintext")
        return
    params = sum(view.nodes[i].is_leaf for i in members)
    ops = len(members) - params
    detail = f"{ops} op{'s' * (ops != 1)}" + (
        f", {params} parameter{'s' * (params != 1)}" if params else ""
    )
    g.node(
        name, plain(f"{key}\n{detail}"), shape="box",
        style="rounded,filled", fillcolor="#eef3fb", color="#8aa2c8", fontsize="13",
    )  # fmt: skip


def _edge(view: GraphView, carried: list[int], opts: Options) -> dict[str, str]:
    nodes = [view.nodes[i] for i in carried]
    forward = format_many([v.data for v in nodes], opts.number_format)
    backward = None
    if opts.show_grads:
        known = opts.step is None or all(opts.step.grad_status(i, view) == "known" for i in carried)
        backward = format_many([v.grad for v in nodes], opts.number_format) if known else "?"
    return edge_attrs(forward, backward, opts)
