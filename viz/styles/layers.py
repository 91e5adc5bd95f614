"""``style="layers"``: a network's graph by node group (``Value.group``, set by nn modules).

With ``collapse=True`` each group becomes one box (:mod:`viz.grouping` picks the
depth: one box per layer of an ``nn.MLP``). A box names its group, counts its ops,
parameters (leaves with a label, as ``nn`` gives every parameter) and constants
(unlabelled leaves), and lists the values it passes on, one row each: name,
value (blue), gradient (red). An arrow leaves each row for every box that uses
that value, so no text sits on an arrow. Sibling boxes that do not feed one
another (the neurons of a layer, with a deeper ``group_depth``) are stacked in
index order. With ``collapse=False`` every value is drawn, clustered by group.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import graphviz

from autograd import Value
from viz.errors import GraphTooLargeError
from viz.grouping import cut, default_depth, natural
from viz.labels import html_label, numbers, text
from viz.styles import values
from viz.styles.common import (
    BACKWARD,
    BOX_FILL,
    BOX_OUTLINE,
    DONE,
    FORWARD,
    HIGHLIGHT,
    LAST,
    NEXT,
    NEXT_OUTLINE,
    PENDING,
    TANGENT,
    Mark,
    Options,
    data_text,
    grad_text,
    number_room,
    room,
    tangent_text,
)
from viz.styles.legend import legend
from viz.textwidth import width
from viz.walk import MAX_NODES, GraphView

INPUTS = "inputs"
"""The box that collects leaves outside every group (the data, targets and constants)."""
ROWS = 16
"""A box lists at most this many values; with more it lists ``SHOWN`` and sums up the rest."""
SHOWN = 12
SIZE = 12
ROW_HEIGHT = 30
"""Points per listed value: rows with air between them read from the back of a room, and
make a network's boxes tall enough for a 16:9 slide."""
DETAIL = "#555555"


def build(g: graphviz.Digraph, view: GraphView, opts: Options) -> None:
    """Draw ``view`` clustered (``opts.collapse`` False) or one box per group."""
    depth = opts.group_depth if opts.group_depth is not None else default_depth(view)
    if not opts.collapse:
        clusters = {i: name for i, v in enumerate(view.nodes) if (name := cut(v.group, depth))}
        values.build(g, view, opts, clusters)
        return
    keys = [_key(view, i, depth) for i in range(len(view.nodes))]
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
    last = len(view.nodes) - 1
    targets: dict[int, list[str]] = {last: []}
    lit: set[tuple[int, str]] = set()
    for parent, child, _ in view.edges():
        a, b = keys[parent], keys[child]
        if a != b:
            used_by = targets.setdefault(parent, [])
            if b not in used_by:
                used_by.append(b)
            if (parent, child) in opts.highlight_edges:
                lit.add((parent, b))
    ports: dict[int, str] = {}
    for key, group_nodes in order.items():
        outputs = [i for i in group_nodes if i in targets]
        ports.update(_box(g, view, names[key], key, group_nodes, outputs, opts))
    box_edges: set[tuple[str, str]] = set()
    for i, used_by in targets.items():
        for key in used_by:
            attrs = {"color": HIGHLIGHT, "penwidth": "3"} if (i, key) in lit else {}
            g.edge(ports[i], names[key], **attrs)
            box_edges.add((keys[i], key))
    _stack_siblings(g, list(order), names, box_edges)
    legend(g, opts, entries(opts))


def entries(opts: Options) -> list[tuple[str, str]]:
    """The legend: each box's rows are the values it passes on."""
    found = [("each box lists the values it passes on", FORWARD)]
    if opts.show_grads:
        found.append((f"with their gradients ∂{opts.output}/∂value", BACKWARD))
    if opts.tangents is not None:
        found.append((f"∂value/∂{opts.tangent_of}: forward mode", TANGENT))
    return found


def _rank(view: GraphView, key: str, members: list[int]) -> tuple[int, int]:
    """Boxes in the order data flows: inputs first, then by each group's first op."""
    if key == INPUTS:
        return (0, 0)
    ops = [i for i in members if not view.nodes[i].is_leaf]
    return (1, ops[0] if ops else members[0])


def _key(view: GraphView, i: int, depth: int | None) -> str:
    node = view.nodes[i]
    group = cut(node.group, depth)
    if group:
        return group
    return INPUTS if node.is_leaf else f"#{i}"


def _box(
    g: graphviz.Digraph,
    view: GraphView,
    name: str,
    key: str,
    members: list[int],
    outputs: list[int],
    opts: Options,
) -> dict[int, str]:
    """Draw one box; return the port each of its ``outputs`` leaves from."""
    detail: list[str] = []
    if key.startswith("#"):
        header = view.nodes[members[0]].op
    elif key == INPUTS:
        header = INPUTS
    else:
        header, detail = key, _counts(view, members)
    mark, progress = _progress(view, members, opts)
    lines = [(header, SIZE + 1, True, "")]
    lines += [(line, SIZE - 2, False, DETAIL) for line in detail]
    if progress:
        lines.append((progress, SIZE - 1, False, ""))
    shown = outputs if len(outputs) <= ROWS else outputs[:SHOWN]
    columns = _columns(view, shown, opts)
    rest = [i for i in outputs if i not in shown]
    if rest:
        columns.append(_summary(view, rest, opts))
    steady = _steady_width(view, members, [line for line, *_ in lines], opts)
    table, port_of = _table(lines, columns, steady, mark, opts)
    g.node(name, html_label(table), shape="plain")
    compass = {"LR": "e", "RL": "w", "TB": "s", "BT": "n"}[opts.rankdir]
    ports = {i: f"{name}:r{k}:{compass}" for k, i in enumerate(shown)}
    ports.update({i: f"{name}:r{len(shown)}:{compass}" for i in rest})
    return ports if port_of else {i: name for i in outputs}


def _counts(view: GraphView, members: list[int]) -> list[str]:
    """``["16 ops, 24 parameters", "16 constants"]``: what the box holds, two counts a line."""
    ops = sum(not view.nodes[i].is_leaf for i in members)
    params = sum(_is_parameter(view.nodes[i]) for i in members)
    constants = len(members) - ops - params
    counts = [
        f"{count} {word}{'s' * (count != 1)}"
        for count, word in ((ops, "op"), (params, "parameter"), (constants, "constant"))
        if count or word == "op"
    ]
    return [", ".join(counts[k : k + 2]) for k in range(0, len(counts), 2)]


def _is_parameter(node: Value) -> bool:
    """A leaf with a label: ``nn`` labels every parameter.

    Unlabelled leaves made inside a group (a literal such as the ``2.0`` in
    ``Value(2.0) * x``, or an input wrapped by a module) are counted as constants.
    """
    return node.is_leaf and bool(node.label)


Column = list[tuple[str, str]]
"""One listed value: its texts (name, value, gradient, tangent) with their colours."""


def _columns(view: GraphView, shown: Iterable[int], opts: Options) -> list[Column]:
    found = []
    for i in shown:
        column = [(opts.names[view.nodes[i]], ""), (data_text(view, i, opts), FORWARD)]
        if opts.show_grads:
            column.append((grad_text(view, i, opts), BACKWARD))
        tangent = tangent_text(view, i, opts)
        if tangent is not None:
            column.append((tangent.rsplit(" = ", 1)[1], TANGENT))
        found.append(column)
    return found


def _summary(view: GraphView, rest: list[int], opts: Options) -> Column:
    """The values past the first ``SHOWN``: their count and norms."""
    nodes = [view.nodes[i] for i in rest]
    column = [
        (f"{len(rest)} more", ""),
        (numbers([v.data for v in nodes], opts.precision, 0), FORWARD),
    ]
    if opts.show_grads:
        known = opts.step is None or all(grad_text(view, i, opts) != "?" for i in rest)
        grads = numbers([v.grad for v in nodes], opts.precision, 0) if known else "?"
        column.append((grads, BACKWARD))
    return column


def _table(
    lines: list[tuple[str, int, bool, str]],
    columns: list[Column],
    steady: float,
    mark: Mark,
    opts: Options,
) -> tuple[str, bool]:
    """The box's HTML-like table: header lines on a band in the box's state colour, then
    the listed values. Only the band changes colour from step to step, so an animated
    GIF stores little per frame.

    Returns the table and whether its values carry ports (``r0``, ``r1``, …).
    """
    across = opts.horizontal
    count = len(columns[0]) if across and columns else max(1, len(columns))
    head = ""
    for k, (line, size, bold, colour) in enumerate(lines):
        min_width = f' width="{steady:.0f}"' if k == 0 and steady else ""
        content = text(line, colour or mark.font, size, bold)
        head += f"<tr><td{min_width}>{content}</td></tr>"
    band = mark.fill or BOX_FILL
    head = (
        f'<tr><td colspan="{count}" cellpadding="1"><table border="0" cellborder="0"'
        f' cellspacing="0" cellpadding="3" style="rounded" bgcolor="{band}">{head}</table>'
        "</td></tr>"
    )
    rooms = [0.0, number_room(opts, SIZE, False), number_room(opts, SIZE, True)]
    body = ""
    if columns and across:
        port_at = 0 if opts.rankdir == "RL" else len(columns[0]) - 1
        for r, column in enumerate(columns):
            cells = ""
            for c, (content, colour) in enumerate(column):
                align = "left" if c == 0 else "right"
                port = f' port="r{r}"' if c == port_at else ""
                room_c = rooms[c] if c < len(rooms) else 0.0
                box = f' height="{ROW_HEIGHT}"' + (f' width="{room_c:.0f}"' if room_c else "")
                body_text = text(content, colour or mark.font, SIZE)
                cells += f'<td align="{align}"{port}{box} cellpadding="4">{body_text}</td>'
            body += f"<tr>{cells}</tr>"
    elif columns:
        for c in range(len(columns[0])):
            cells = ""
            for r, column in enumerate(columns):
                port = f' port="r{r}"' if c == len(columns[0]) - 1 and opts.rankdir == "TB" else ""
                content, colour = column[c] if c < len(column) else ("", "")
                cells += f"<td{port}>{text(content, colour or mark.font, SIZE)}</td>"
            body += f"<tr>{cells}</tr>"
    outline = mark.outline or BOX_OUTLINE
    table = (
        f'<table border="1" cellborder="0" cellspacing="0" cellpadding="3" style="rounded"'
        f' bgcolor="{BOX_FILL}" color="{outline}">{head}{"<hr/>" if body else ""}{body}</table>'
    )
    return table, bool(columns) and opts.rankdir in ("LR", "RL", "TB")


def _progress(view: GraphView, members: list[int], opts: Options) -> tuple[Mark, str]:
    """While stepping: this box's colour and a line saying how far the pass has got in it.

    The box holding the node just processed is orange and names it (``2/4 steps done,
    last v8 (tanh)``), the box holding the next node is blue, finished boxes are
    green, boxes not reached are grey; the count of steps done changes with every
    step inside a box, so every frame of an animation differs.
    """
    step = opts.step
    base = Mark(fill=HIGHLIGHT, penwidth="2.5") if set(members) & opts.highlight_nodes else Mark()
    if step is None:
        return base, ""
    steps = [i for i in members if i in step.in_order]
    if not steps:
        return base, ""
    done = sum(i in step.done for i in steps)
    count = f"{done}/{len(steps)} steps done"
    if step.last is not None and step.last in members:
        return Mark(fill=LAST), f"{count}, last {_what(view, step.last, opts)}"
    if step.current is not None and step.current in members:
        next_mark = Mark(fill=NEXT, outline=NEXT_OUTLINE)
        return next_mark, f"{count}, next {_what(view, step.current, opts)}"
    if done == len(steps):
        return Mark(fill=DONE), count
    if done:
        return base, count
    return Mark(outline=PENDING, font="#555555"), count


def _what(view: GraphView, i: int, opts: Options) -> str:
    """``v8 (tanh)``: a node's name and op."""
    node = view.nodes[i]
    return f"{opts.names[node]} ({node.op or 'input'})"


def _steady_width(view: GraphView, members: list[int], lines: list[str], opts: Options) -> float:
    """A header width (points) that fits every progress line the box can show while stepping.

    Graphviz sizes a box to its text; if the box grew and shrank from step to step the
    whole layout would shift and an animation would jump. A cell's ``width`` is a
    minimum, so the widest line the box may ever show keeps every frame alike.
    """
    steps = [i for i in members if opts.step is not None and i in opts.step.in_order]
    if not steps:
        return 0.0
    n = len(steps)
    widest = max((_what(view, i, opts) for i in steps), key=lambda t: width(t, SIZE))
    candidates = [*lines, f"{n}/{n} steps done, next {widest}"]
    return room(max(width(line, SIZE) for line in candidates))


def _stack_siblings(
    g: graphviz.Digraph, keys: list[str], names: dict[str, str], edges: set[tuple[str, str]]
) -> None:
    """Stack sibling boxes that do not feed one another in index order (``neurons.0`` on top).

    Graphviz orders the boxes of one rank to shorten arrows, which shuffles the
    neurons of a layer; a same-rank chain of invisible edges fixes their order.
    """
    children: dict[str, list[str]] = {}
    for key in keys:
        if key != INPUTS and not key.startswith("#") and "." in key:
            children.setdefault(key.rsplit(".", 1)[0], []).append(key)
    after: dict[str, set[str]] = {}
    for a, b in edges:
        after.setdefault(a, set()).add(b)
    for kids in children.values():
        if len(kids) < 2 or _any_reaches(kids, after):
            continue
        kids.sort(key=natural)
        with g.subgraph() as same:
            same.attr(rank="same")
            for a, b in itertools.pairwise(kids):
                same.edge(names[a], names[b], style="invis")


def _any_reaches(keys: list[str], after: dict[str, set[str]]) -> bool:
    """Whether one of ``keys`` feeds another, through any number of boxes."""
    wanted = set(keys)
    for start in keys:
        seen = {start}
        stack = [start]
        while stack:
            for nxt in after.get(stack.pop(), ()):
                if nxt in wanted:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
    return False
