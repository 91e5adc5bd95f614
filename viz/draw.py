"""``viz.draw``: a computation graph as a ``graphviz.Digraph``, in one of three styles."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np

import autograd
from autograd import Backprop, Forward, LayerBackprop, Value
from autograd.explain import DEFAULT_PRECISION, check_precision
from viz.drawing import Drawing
from viz.errors import GraphTooLargeError
from viz.fanout import Shares
from viz.paths import caption as paths_caption
from viz.paths import sum_over_paths
from viz.styles import edges, layers, values
from viz.styles.common import LayerOptions, Options, new_graph
from viz.tangents import tangents
from viz.walk import MAX_NODES, GraphView, Stepping, StepState

Style = Literal["values", "edges", "layers"]
STYLES = ("values", "edges", "layers")
Highlight = Value | Sequence[Value] | None

LAYERS_WALK_LIMIT = 1_000_000
"""The layers style (collapsed) walks graphs up to this size; it draws only the boxes."""


def draw(
    root: Value,
    style: Style = "values",
    rankdir: str = "LR",
    *,
    step: Stepping | None = None,
    caption: object = None,
    caption_room: tuple[float, int] | None = None,
    caption_size: float = 11.0,
    show_partials: bool = False,
    highlight: Highlight = None,
    paths_from: Value | None = None,
    tangents_from: Value | None = None,
    precision: int = DEFAULT_PRECISION,
    grads: bool | None = None,
    collapse: bool = True,
    group_depth: int | None = None,
    output_name: str = "",
    max_nodes: int = MAX_NODES,
    show_preactivations: bool = False,
    vector_names: Mapping[str, str] | None = None,
    target_grad: bool = False,
) -> Drawing:
    """Draw the graph that produced ``root``.

    * ``style``: ``"values"`` (a row per value: name | data | grad, a small node per
      op), ``"edges"`` (Figure 9.3: op boxes, forward value above each arrow and
      ∂L/∂value below it) or ``"layers"`` (by ``Value.group``, with ``collapse=True`` the
      seed's Figure 9.3: one box per layer, the vector crossing each arrow above it and
      its gradient below, θ and ∂L/∂θ above each box; else clusters). A value used
      more than once carries its own share below each of its arrows and shows their
      sum at its node, ``x.grad = 3 + 3 = 6`` (the values style: in its grad cell; the
      layers style: a vector read by several boxes, its sum where its arrows start).
    * ``group_depth``: how many dotted parts of a group name make a box; by default
      the deepest level whose boxes feed one another (an ``nn.MLP``: one box per
      layer; ``group_depth=4``: one per neuron, stacked in index order).
    * ``rankdir``: ``"LR"`` (left to right) or ``"TB"`` (top to bottom), also RL, BT.
    * ``step``: an ``autograd.Backprop`` or ``autograd.Forward`` stepper over ``root``;
      the drawing shows it mid-way: the node just processed, the next one and the
      finished ones in colour (with a key), gradients not known yet as ``?``.
    * ``caption``: text under the graph (a stepper's ``Step`` prints its products);
      ``caption_room=(points, lines)`` keeps room for a larger one (animation frames);
      ``caption_size`` is its point size.
    * ``show_partials``: label edges with the local derivative ∂out/∂in (op table).
    * ``highlight``: a node, or a path as a sequence of nodes (see :func:`path`).
    * ``paths_from``: a node x; every path from x to ``root`` is highlighted with its
      local derivatives, and the caption lists each path's product and their sum,
      ∂root/∂x (not with ``style="layers"``).
    * ``tangents_from``: a node x; every node is labelled with ∂v/∂x (forward mode).
    * ``precision``: significant digits of every number (:func:`autograd.format_number`).
    * ``grads``: show gradients; by default after ``backward`` and while a Backprop steps.
    * ``output_name``: the output's name in the legend and the terminal node (default
      its name from :func:`autograd.names`).
    * Layers style only: ``show_preactivations`` splits each affine layer into
      ``z = W·x + b`` and ``h = act(z)``, ``z`` on the arrow between; ``vector_names``
      renames the vectors on the arrows (``{"h1": "a1", "ŷ": "y"}``); ``target_grad``
      shows the gradient of a target (a vector going straight into the loss).

    Graphs over ``max_nodes`` nodes raise :class:`GraphTooLargeError` before any work.
    """
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, got {style!r}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR', 'TB', 'RL' or 'BT', got {rankdir!r}")
    if not isinstance(root, Value):
        raise TypeError(f"draw needs an autograd.Value, got {type(root).__name__}")
    check_precision(precision)
    if paths_from is not None and style == "layers":
        raise ValueError("paths_from draws every node: use style 'values' or 'edges', not 'layers'")
    collapsed = style == "layers" and collapse
    view = GraphView.of(root, max(max_nodes, LAYERS_WALK_LIMIT) if collapsed else max_nodes)
    names = autograd.names(root, precision=precision)
    state = StepState.of(step, view) if step is not None else None
    if grads is None:
        grads = state.backward if state is not None else _has_grad(root)
    opts = Options(
        names=names,
        rankdir=rankdir,
        precision=precision,
        show_grads=grads,
        show_partials=show_partials,
        step=state,
        collapse=collapse,
        group_depth=group_depth,
        output=output_name or names[root],
        caption="" if caption is None else str(caption),
        caption_room=caption_room,
        caption_size=float(caption_size),
        layers=LayerOptions(
            bool(show_preactivations),
            tuple(dict(vector_names or {}).items()),
            bool(target_grad),
            isinstance(step, LayerBackprop),
        ),
    )
    if grads:
        opts.shares = Shares(view, state)
    _mark_highlight(view, highlight, opts)
    if paths_from is not None:
        found = sum_over_paths(view, paths_from)
        opts.highlight_edges |= found.edges
        opts.partial_edges |= found.edges
        opts.highlight_nodes |= {found.source}
        text = paths_caption(view, found, names, precision)
        opts.caption = f"{opts.caption}\n{text}" if opts.caption else text
    if tangents_from is not None:
        opts.tangents = tangents(view, tangents_from)
        opts.tangent_of = names[tangents_from]
    g = new_graph(opts, Drawing)
    {"values": values.build, "edges": edges.build, "layers": layers.build}[style](g, view, opts)
    return g


def draw_step(stepper: Backprop | Forward, style: Style = "values", **kwargs: Any) -> Drawing:
    """Draw a stepper's graph mid-way (``draw(stepper.root, step=stepper)``).

    ``caption=step`` prints the latest step's chain-rule products under the graph.
    """
    if not isinstance(stepper, (Backprop, Forward)):
        raise TypeError(
            "draw_step: stepper must be an autograd.Backprop or autograd.Forward stepper,"
            f" got {type(stepper).__name__} {stepper!r:.60}"
        )
    return draw(stepper.root, style, step=stepper, **kwargs)


def path(source: Value, target: Value) -> list[Value]:
    """A path of nodes from ``source`` to ``target`` along the graph's edges.

    Raises ValueError when ``target`` does not depend on ``source``.
    """
    came_from: dict[int, Value | None] = {id(target): None}
    stack = [target]
    while stack:
        node = stack.pop()
        if node is source:
            route = [node]
            while (nxt := came_from[id(route[-1])]) is not None:
                route.append(nxt)
            return route
        for parent in node.parents:
            if id(parent) not in came_from:
                came_from[id(parent)] = node
                stack.append(parent)
    raise ValueError("there is no path: the target does not depend on the source")


def _has_grad(root: Value) -> bool:
    g = root.grad
    g = g.data if isinstance(g, Value) else g
    return bool(np.any(np.asarray(g) != 0))


def _mark_highlight(view: GraphView, highlight: Highlight, opts: Options) -> None:
    if highlight is None:
        return
    nodes = [highlight] if isinstance(highlight, Value) else list(highlight)
    positions = []
    for node in nodes:
        position = view.position(node)
        if position is None:
            raise ValueError(f"cannot highlight {node!r}: it is not in this graph")
        positions.append(position)
    opts.highlight_nodes = set(positions)
    opts.highlight_edges = {
        (a, b) for a, b in itertools.pairwise(positions) if view.nodes[a] in view.nodes[b].parents
    }


__all__ = ["GraphTooLargeError", "draw", "draw_step", "path"]
