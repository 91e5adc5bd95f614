"""What every style shares: colours, fonts, options, and the text and marks of one node."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import graphviz

from autograd import Value
from autograd.explain import DEFAULT_PRECISION, local_partials, partial_formula
from viz.fanout import Shares, room_text
from viz.labels import number
from viz.textwidth import width
from viz.walk import GraphView, StepState

FORWARD = "#1f5fbf"
"""Forward quantities (data) are blue."""
BACKWARD = "#c0392b"
"""Gradients ∂L/∂· are red."""
PARTIAL = "#6c6c6c"
"""Local derivatives ∂out/∂in are grey."""
TANGENT = "#1e8449"
"""Forward-mode tangents ∂·/∂x are green."""
HIGHLIGHT = "#f5b041"
LAST = "#f8c471"
"""Stepping: the node the latest step processed (orange)."""
NEXT = "#aed6f1"
"""Stepping: the node the next step processes (light blue, blue outline)."""
NEXT_OUTLINE = "#2e86c1"
DONE = "#abebc6"
"""Stepping: nodes processed earlier (light green)."""
PENDING = "#9a9a9a"
"""Stepping: nodes the pass has not reached (grey outline and text)."""
OP_FILL = "#f4f6f8"
BOX_FILL = "#eef3fb"
BOX_OUTLINE = "#8aa2c8"
FONT = "Helvetica"
STEP_COLOURS = {"last": LAST, "next": NEXT, "done": DONE}


@dataclass(frozen=True)
class LayerOptions:
    """The layers style's own options (:func:`viz.draw` documents them)."""

    show_preactivations: bool = False
    vector_names: tuple[tuple[str, str], ...] = ()
    target_grad: bool = False
    by_layer: bool = False
    """Whether the stepper takes one layer a step (a box's state is then one word)."""


@dataclass
class Options:
    """Everything a style needs besides the graph itself."""

    names: dict[Value, str]
    rankdir: str = "LR"
    precision: int = DEFAULT_PRECISION
    show_grads: bool = True
    show_partials: bool = False
    highlight_nodes: set[int] = field(default_factory=set)
    highlight_edges: set[tuple[int, int]] = field(default_factory=set)
    partial_edges: set[tuple[int, int]] = field(default_factory=set)
    """Edges that show their local derivative even without ``show_partials`` (paths)."""
    step: StepState | None = None
    collapse: bool = True
    group_depth: int | None = None
    output: str = "L"
    """The output's name, as the legend and the terminal node print it."""
    tangents: dict[int, Any] | None = None
    """Forward mode: ∂node/∂``tangent_of`` by node position."""
    tangent_of: str = ""
    caption: str = ""
    caption_room: tuple[float, int] | None = None
    """Width (points) and lines the caption's cell keeps, whatever the caption."""
    shares: Shares | None = None
    """Each arrow's share of the gradient, for values used more than once (:mod:`viz.fanout`)."""
    caption_size: float = 11.0
    """The caption's point size (larger for a GIF read on a slide)."""
    layers: LayerOptions = field(default_factory=LayerOptions)
    """What only the layers style reads."""

    @property
    def horizontal(self) -> bool:
        """Whether data flows sideways (LR, RL): then labels sit above and below arrows."""
        return self.rankdir in ("LR", "RL")

    def num(self, x: object) -> str:
        return number(x, self.precision)

    def shows_partial(self, parent: int, child: int) -> bool:
        return self.show_partials or (parent, child) in self.partial_edges


@dataclass(frozen=True)
class Mark:
    """How a node is marked: fill, outline and text colour, outline width."""

    fill: str = ""
    outline: str = ""
    font: str = ""
    penwidth: str = "1"


def room(points: float) -> float:
    """Room for a text estimated at ``points`` wide, with a margin for wider fonts (DejaVu)."""
    return points * 1.15 + 8


def number_room(opts: Options, size: float, gradient: bool, prefix: str = "") -> float:
    """While stepping: the width (points) a cell keeps for a number not known yet.

    A ``?`` becomes a number as the pass goes on (a gradient in a backward pass, a
    value in a forward one); room for ``-0.004209 + ?`` (precision 4) keeps the cell,
    and so the layout, the same size from frame to frame.
    """
    if opts.step is None or gradient != opts.step.backward:
        return 0.0
    return room(width(prefix + "-0.00" + "0" * opts.precision + " + ?", size))


def new_graph(opts: Options, cls: type[graphviz.Digraph]) -> graphviz.Digraph:
    """An empty drawing with the shared fonts and layout settings."""
    return cls(
        graph_attr={
            "rankdir": opts.rankdir,
            "fontname": FONT,
            "nodesep": "0.25",
            "ranksep": "0.3",
        },
        node_attr={"fontname": FONT, "fontsize": "12"},
        edge_attr={"fontname": FONT, "fontsize": "11", "arrowsize": "0.7"},
    )


def data_text(view: GraphView, i: int, opts: Options) -> str:
    """Node ``i``'s data, or ``?`` if a forward replay has not computed it yet."""
    if opts.step is not None and not opts.step.data_known(i):
        return "?"
    return opts.num(view.nodes[i].data)


def grad_text(view: GraphView, i: int, opts: Options) -> str:
    """Node ``i``'s gradient, ``?`` if not known yet, ``g + ?`` if only partly summed."""
    if opts.step is not None:
        status = opts.step.grad_status(i, view)
        if status == "unknown":
            return "?"
        if status == "partial":
            return f"{opts.num(view.nodes[i].grad)} + ?"
    return opts.num(view.nodes[i].grad)


def fan_out(i: int, opts: Options) -> Shares | None:
    """The drawing's shares when node ``i``'s gradient is drawn as the sum of its arrows'
    shares (it has several arrows and gradients are shown), else None."""
    shares = opts.shares
    return shares if opts.show_grads and shares is not None and shares.fans_out(i) else None


def share_text(view: GraphView, edge: tuple[int, int, int], opts: Options) -> str:
    """What the arrow ``edge`` carries back: its own share when its tail is used more than
    once (``?`` until its consumer is processed), else the tail's gradient."""
    shares = fan_out(edge[0], opts)
    if shares is None:
        return grad_text(view, edge[0], opts)
    share = shares.share(edge)
    return "?" if share is None else opts.num(share)


def total_text(view: GraphView, i: int, opts: Options) -> str | None:
    """``3 + 3 = 6``: a reused value's gradient as the sum of its arrows' shares (``3 + ?``
    while some are not known yet); None for a value used once."""
    shares = fan_out(i, opts)
    return None if shares is None else shares.total(i, opts.precision)


def total_room(view: GraphView, i: int, opts: Options, size: float, head: str) -> float:
    """While stepping backward: the width (points) that fits ``head`` and node ``i``'s sum
    of shares at any step, so the node keeps its size from frame to frame."""
    if opts.step is None or not opts.step.backward:
        return 0.0
    return room(width(head + room_text(len(view.consumers[i]), opts.precision), size))


def tangent_text(view: GraphView, i: int, opts: Options) -> str | None:
    """``∂v/∂x = t`` for node ``i`` in a forward-mode drawing (``?`` before it is computed)."""
    if opts.tangents is None:
        return None
    value = "?" if data_text(view, i, opts) == "?" else opts.num(opts.tangents[i])
    return f"∂{opts.names[view.nodes[i]]}/∂{opts.tangent_of} = {value}"


def node_mark(i: int, opts: Options) -> Mark:
    """Node ``i``'s marks: highlighted, or its state in a stepped pass.

    States differ in colour only (never in shape or outline width), so a node keeps
    its size from one frame of an animation to the next.
    """
    if i in opts.highlight_nodes:
        return Mark(fill=HIGHLIGHT, penwidth="2.5")
    if opts.step is None:
        return Mark()
    state = opts.step.state(i)
    if state == "next":
        return Mark(fill=NEXT, outline=NEXT_OUTLINE)
    if state in STEP_COLOURS:
        return Mark(fill=STEP_COLOURS[state])
    if state == "pending":
        return Mark(outline=PENDING, font="#555555")
    return Mark()


def box_attrs(mark: Mark, fill: str = OP_FILL, outline: str = "black") -> dict[str, str]:
    """Graphviz attributes of a rounded box node carrying ``mark``."""
    attrs = {"style": "rounded,filled", "fillcolor": mark.fill or fill,
             "color": mark.outline or outline, "penwidth": mark.penwidth}  # fmt: skip
    if mark.font:
        attrs["fontcolor"] = mark.font
    return attrs


def edge_marks(parent: int, child: int, opts: Options) -> dict[str, str]:
    """A thick orange edge when it lies on the highlighted path.

    ``edge_marks(i, i, opts)`` is the edge from node ``i``'s op to the node itself
    (values style): highlighted when a highlighted edge enters node ``i``.
    """
    if parent == child:
        if any(c == child for _, c in opts.highlight_edges):
            return {"color": HIGHLIGHT, "penwidth": "3"}
        return {}
    if (parent, child) in opts.highlight_edges:
        return {"color": HIGHLIGHT, "penwidth": "3"}
    return {}


def partial_text(view: GraphView, child: int, k: int, opts: Options) -> str:
    """``∂out/∂in_k = formula = value`` for operand ``k`` of node ``child``: the formula is
    the stepper's own (:func:`autograd.stepping.partial_formula`, from the op table)."""
    node = view.nodes[child]
    if node.op_entry is None:
        return ""
    formula = partial_formula(node, k, opts.names, opts.precision)
    head = f"∂{opts.names[node]}/∂{opts.names[node.parents[k]]}"
    try:
        value = local_partials(node)[k]
    except (ArithmeticError, ValueError):
        return f"{head} = {formula}"
    text = opts.num(value)
    return f"{head} = {formula}" if formula == text else f"{head} = {formula} = {text}"
