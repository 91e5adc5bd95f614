"""``style="layers"``: a network's graph by node group (``Value.group``, set by nn modules).

With ``collapse=True`` each group becomes one box and the edges between two boxes
are merged into one, carrying the values that cross (listed when few, else their
count and norm). With ``collapse=False`` every value is drawn, clustered by group.
A box counts its ops, its parameters (leaves with a label, as ``nn`` gives every
parameter) and its constants (unlabelled leaves); while a stepper runs, it also
says how far the pass has got inside it.
"""

from __future__ import annotations

import graphviz

from autograd import Value
from viz.errors import GraphTooLargeError
from viz.labels import format_many, plain
from viz.styles import values
from viz.styles.common import CURRENT, DONE, PENDING, Options, legend, node_marks
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
        _box(g, view, names[key], key, group_nodes, opts)
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


def _box(
    g: graphviz.Digraph, view: GraphView, name: str, key: str, members: list[int], opts: Options
) -> None:
    if key.startswith("#"):  # an ungrouped op: drawn on its own, like the edges style
        i = members[0]
        marks = {"style": "rounded", **node_marks(i, opts)}
        if "filled" in marks["style"]:
            marks["style"] = "rounded," + marks["style"]
        g.node(name, plain(view.nodes[i].op), shape="box", **marks)
        return
    if key == INPUTS:
        text = f"{INPUTS}\n{len(members)} values"
        progress = _progress(view, members, opts)  # a forward pass steps through the leaves
        g.node(name, plain(text + ("\n" + progress[0] if progress else "")), shape="plaintext")
        return
    ops = sum(not view.nodes[i].is_leaf for i in members)
    params = sum(_is_parameter(view.nodes[i]) for i in members)
    constants = len(members) - ops - params
    detail = ", ".join(
        f"{count} {word}{'s' * (count != 1)}"
        for count, word in ((ops, "op"), (params, "parameter"), (constants, "constant"))
        if count or word == "op"
    )
    attrs = {"style": "rounded,filled", "fillcolor": "#eef3fb", "color": "#8aa2c8"}
    progress = _progress(view, members, opts)
    if progress is not None:
        line, marks = progress
        detail += "\n" + line
        attrs.update(marks)
        attrs["width"] = _steady_width(view, members, [key, *detail.split("\n")])
    g.node(name, plain(f"{key}\n{detail}"), shape="box", fontsize="13", **attrs)


def _is_parameter(node: Value) -> bool:
    """A leaf with a label: ``nn`` labels every parameter (``w.0``, ``b``, ``A.1.2``).

    Unlabelled leaves made inside a group (a literal such as the ``2.0`` in
    ``x * 2.0``, or a batch column wrapped by a module) are counted as constants.
    """
    return node.is_leaf and bool(node.label)


def _progress(
    view: GraphView, members: list[int], opts: Options
) -> tuple[str, dict[str, str]] | None:
    """While stepping: a line saying how far the pass has got in this box, and its marks.

    The box holding the node being processed is filled and names that node's op and
    its place among the box's steps, so every frame of an animation differs even
    when many steps stay inside one box; finished boxes are filled green, boxes the
    pass has not reached are grey.
    """
    step = opts.step
    if step is None:
        return None
    steps = [i for i in members if i in step.in_order]
    if not steps:
        return None
    done = sum(i in step.done for i in steps)
    if step.current in members:
        node = view.nodes[step.current]
        what = (node.op or "leaf") + (f" ({node.label})" if node.label else "")
        line = f"now: {what}, step {done + 1} of {len(steps)}"
        return line, {"style": "rounded,filled,bold", "fillcolor": CURRENT, "penwidth": "2.5"}
    if done == len(steps):
        return f"done: {len(steps)} of {len(steps)} steps", {"fillcolor": DONE}
    if done:
        return f"{done} of {len(steps)} steps done", {}
    return f"waiting: {len(steps)} steps", {"color": PENDING, "fontcolor": "#555555"}


def _steady_width(view: GraphView, members: list[int], lines: list[str]) -> str:
    """A box width (inches) that fits every progress line the box can show while stepping.

    Graphviz sizes a box to its text; if the box grew and shrank from step to step the
    whole layout would shift and an animation would jump. ``width`` is a minimum, so a
    generous estimate of the widest line (Helvetica at 13 pt) keeps every frame alike.
    """
    n = len(members)
    names = {len(v.op) + len(v.label) + 3 for v in (view.nodes[i] for i in members)}
    widest_now = len(f"now: , step {n} of {n}") + max(names)
    chars = max(widest_now, len(f"done: {n} of {n} steps"), *(len(line) for line in lines))
    return f"{chars * 13 * 0.52 / 72 + 0.25:.2f}"


def _edge(view: GraphView, carried: list[int], opts: Options) -> dict[str, str]:
    nodes = [view.nodes[i] for i in carried]
    forward = format_many([v.data for v in nodes], opts.number_format)
    backward = None
    if opts.show_grads:
        known = opts.step is None or all(opts.step.grad_status(i, view) == "known" for i in carried)
        backward = format_many([v.grad for v in nodes], opts.number_format) if known else "?"
    # wide boxes side by side: a wider angle keeps long gradient lists clear of the box
    return edge_attrs(forward, backward, opts, angle="-35", distance="3.2")
