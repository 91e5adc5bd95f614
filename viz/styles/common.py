"""What every style shares: colours, fonts, options, highlighting and step marks."""

from __future__ import annotations

from dataclasses import dataclass, field

import graphviz

from autograd.backward import local_partials
from autograd.ops import WITH_CONSTANT
from viz.labels import NumberFormat, format_data
from viz.walk import GraphView, StepState

FORWARD = "#1f5fbf"
"""Forward quantities (data) are blue."""
BACKWARD = "#c0392b"
"""Gradients ∂L/∂· are red."""
PARTIAL = "#6c6c6c"
"""Local derivatives ∂out/∂in are grey."""
HIGHLIGHT = "#f5b041"
CURRENT = "#f8c471"
DONE = "#e8f6ef"
PENDING = "#9a9a9a"
FONT = "Helvetica"


@dataclass
class Options:
    """Everything a style needs besides the graph itself."""

    rankdir: str = "LR"
    number_format: NumberFormat = ".4g"
    show_grads: bool = True
    show_partials: bool = False
    highlight_nodes: set[int] = field(default_factory=set)
    highlight_edges: set[tuple[int, int]] = field(default_factory=set)
    step: StepState | None = None
    collapse: bool = True
    group_depth: int | None = None
    output_name: str = ""

    def num(self, x: object) -> str:
        return format_data(x, self.number_format)


def new_graph(opts: Options, cls: type[graphviz.Digraph]) -> graphviz.Digraph:
    """An empty drawing with the shared fonts and layout settings."""
    return cls(
        graph_attr={"rankdir": opts.rankdir, "fontname": FONT, "nodesep": "0.3", "ranksep": "0.4"},
        node_attr={"fontname": FONT, "fontsize": "12"},
        edge_attr={"fontname": FONT, "fontsize": "11", "arrowsize": "0.7"},
    )


def data_text(view: GraphView, i: int, opts: Options) -> str:
    """Node ``i``'s data, or ``?`` if a forward replay has not computed it yet."""
    if opts.step is not None and not opts.step.data_known(i):
        return "?"
    return opts.num(view.nodes[i].data)


def grad_text(view: GraphView, i: int, opts: Options) -> str:
    """Node ``i``'s gradient, ``?`` if not known yet, ``g + …`` if only partly summed."""
    if opts.step is not None:
        status = opts.step.grad_status(i, view)
        if status == "unknown":
            return "?"
        if status == "partial":
            return f"{opts.num(view.nodes[i].grad)} + …"
    return opts.num(view.nodes[i].grad)


def node_marks(i: int, opts: Options) -> dict[str, str]:
    """Fill and outline for node ``i``: highlighted, being processed, done or pending."""
    attrs: dict[str, str] = {}
    step = opts.step
    if step is not None:
        if i == step.current:
            attrs.update(style="filled,bold", fillcolor=CURRENT, penwidth="2.5")
        elif i in step.done:
            attrs.update(style="filled", fillcolor=DONE)
        elif i in step.in_order:
            attrs.update(color=PENDING, fontcolor="#555555")
    if i in opts.highlight_nodes:
        attrs.update(style="filled,bold", fillcolor=HIGHLIGHT, penwidth="2.5")
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
    """``∂out/∂in_k = formula = value`` for operand ``k`` of node ``child`` (op table text)."""
    node = view.nodes[child]
    op = node.op_entry
    if op is None:
        return ""
    names = [name_of(view, p, opts) for p in node.parents]
    if op.kind is WITH_CONSTANT:  # a constant kept on the node: x * 3
        names.append(opts.num(node.constant))
    out = name_of(view, node, opts)
    formula = op.explain(k, names, out)
    try:
        value = local_partials(node)[k]
    except (ArithmeticError, ValueError):
        return f"∂{out}/∂{names[k]} = {formula}"
    text = opts.num(value)
    shown = formula if formula == text else f"{formula} = {text}"
    return f"∂{out}/∂{names[k]} = {shown}"


def name_of(view: GraphView, node: object, opts: Options) -> str:
    """The name a node goes by in partial formulas: its label, else ``v<position>``."""
    label = getattr(node, "label", "")
    if label:
        return str(label)
    return f"v{view.position(node)}"  # type: ignore[arg-type]


def legend(g: graphviz.Digraph, opts: Options, grads: bool, partials: bool) -> None:
    """A one-line key under the graph: what the blue and red edge labels mean.

    The key is fixed text (no user data), so it can safely be an HTML-like label.
    """
    above, below = ("above", "below") if opts.rankdir in ("LR", "RL") else ("right of", "left of")
    parts = [f'<font color="{FORWARD}">{above} each arrow: the forward value</font>']
    if partials:
        parts.append(f'<font color="{FORWARD}">(2nd line: local derivative ∂out/∂in)</font>')
    if grads:
        parts.append(f'<font color="{BACKWARD}">{below}: its gradient ∂L/∂value</font>')
    g.attr(label="<" + "&#160;&#160;&#160;&#160;".join(parts) + ">", labelloc="b",
           fontsize="11")  # fmt: skip
