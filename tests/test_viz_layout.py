"""Drawings read back from the rendered SVG: no text overlaps another text or a node, each
label sits on its own arrow, a network's layer view fits a slide; with both renderers.

Geometry comes from the SVG each renderer writes (text positions and font sizes, node
outlines), never from the DOT source. A text's box is estimated from its font size
with Helvetica-like character widths.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from support.requirements import BACKENDS
from support.svg import (
    arrows_through_text,
    labels_on_their_arrows,
    overlaps,
    read_svg,
)

import autograd
import nn
import viz
from autograd import Value

# ---- the graphs ----------------------------------------------------------------------------


def tour() -> Value:
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    f.backward()
    return f


def neuron() -> Value:
    """One tanh neuron with two inputs, every product and sum its own node."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2, b = (
        Value(-3.0, label="w1"),
        Value(1.0, label="w2"),
        Value(6.8813735870195432, label="b"),
    )
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o


def nn_neuron() -> Value:
    """An ``nn.Neuron``: one ``dot`` node with 2n + 1 inputs, then tanh."""
    o = nn.Neuron(3, "tanh", seed=0)([0.5, -1.0, 2.0])
    o.label = "o"
    o.backward()
    return o


def mlp(*sizes: int) -> Callable[[], Value]:
    def build() -> Value:
        model = nn.MLP(2, list(sizes), seed=0)
        f = model([0.5, -1.0])
        f.label = "f"
        f.backward()
        return f

    build.__name__ = "mlp_2_" + "_".join(map(str, sizes))
    return build


GRAPHS = [tour, neuron, nn_neuron, mlp(4, 4, 1), mlp(8, 8, 1)]
STYLES: list[dict[str, object]] = [
    {"style": "values"},
    {"style": "edges"},
    {"style": "layers"},
    {"style": "edges", "show_partials": True},
    {"style": "values", "show_partials": True},
    {"style": "layers", "collapse": False},
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("options", STYLES, ids=lambda o: "-".join(map(str, o.values())))
@pytest.mark.parametrize("build", GRAPHS, ids=lambda b: b.__name__)
def test_no_text_overlaps_a_text_or_a_node(
    build: Callable[[], Value], options: dict[str, object], backend: str
) -> None:
    svg = viz.to_svg(build(), backend=backend, **options)  # type: ignore[arg-type]
    assert overlaps(svg) == []
    assert arrows_through_text(svg) == []
    if options["style"] == "edges":
        assert labels_on_their_arrows(svg) == []


def check(svg: str, horizontal: bool = True) -> None:
    assert overlaps(svg) == []
    assert arrows_through_text(svg) == []
    assert labels_on_their_arrows(svg, horizontal) == []


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "options",
    [
        {"style": "edges", "rankdir": "TB", "show_partials": True},
        {"style": "values", "rankdir": "TB", "show_partials": True},
        {"style": "layers", "rankdir": "TB"},
    ],
    ids=["edges", "values", "layers"],
)
def test_top_to_bottom_drawings_keep_labels_apart(options: dict[str, object], backend: str) -> None:
    for build in (neuron, mlp(4, 4, 1)):
        check(viz.to_svg(build(), backend=backend, **options), horizontal=False)  # type: ignore[arg-type]


@pytest.mark.parametrize("backend", BACKENDS)
def test_neurons_view_stacks_neurons_in_index_order(backend: str) -> None:
    svg = viz.to_svg(mlp(4, 4, 1)(), backend=backend, style="layers", group_depth=4)
    check(svg)
    items, _, _ = read_svg(svg)
    tops = {
        t.content: t.box.y0
        for i in items
        if i.kind == "node"
        for t in i.texts
        if t.content.startswith("layers.")
    }
    for layer in (0, 1):
        ys = [tops[f"layers.{layer}.neurons.{j}"] for j in range(4)]
        assert ys == sorted(ys), f"layer {layer}: neurons not in index order top to bottom"


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("style", ["values", "edges", "layers"])
def test_every_frame_of_a_stepped_pass_keeps_labels_apart(style: str, backend: str) -> None:
    f = mlp(2, 1)()
    bp = autograd.Backprop(f)
    caption = repr(bp).strip("<>")
    while True:
        check(viz.draw_step(bp, style, caption=caption).to_svg(backend))  # type: ignore[arg-type]
        if bp.current is None:
            break
        caption = str(bp.step())


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("style", ["values", "edges"])
def test_sum_over_paths_and_forward_mode_keep_labels_apart(style: str, backend: str) -> None:
    f = neuron()
    x1 = next(v for v in autograd.topological_order(f) if v.label == "x1")
    check(viz.to_svg(f, backend=backend, style=style, paths_from=x1))  # type: ignore[arg-type]
    check(viz.to_svg(f, backend=backend, style=style, tangents_from=x1))  # type: ignore[arg-type]
