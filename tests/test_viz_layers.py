"""The layers style as the seed's Figure 9.3: boxes per layer, vectors on the arrows, θ with
∂L/∂θ; read back from the SVG of both renderers."""

from __future__ import annotations

import re

import pytest
from support.requirements import BACKENDS
from support.svg import read_svg, texts_of
from test_viz_layout import check, mlp

import viz
from autograd import Value
from demos import computation_graph

SLIDE = (1920, 1080)
"""A 16:9 slide in pixels."""
SMALLEST = 12.0
"""Pixels the smallest text keeps when the drawing is scaled to fill the slide."""


def demo_network() -> Value:
    loss, _ = computation_graph.build()
    loss.backward()
    return loss


def smallest_text_on_a_slide(svg: str) -> float:
    """The smallest font size (px) once the drawing is scaled to fit a 16:9 slide."""
    _, _, (width, height) = read_svg(svg)
    scale = min(SLIDE[0] / width, SLIDE[1] / height)
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
    return min(sizes) * scale


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("split", [False, True], ids=["layers", "preactivations"])
@pytest.mark.parametrize("build", [demo_network, mlp(8, 8, 1)], ids=["demo", "mlp_2_8_8_1"])
def test_nothing_overlaps_and_labels_sit_on_their_arrows(build, split: bool, backend: str) -> None:
    svg = viz.to_svg(build(), backend=backend, style="layers", show_preactivations=split)
    check(svg)
    if not split:
        assert smallest_text_on_a_slide(svg) >= SMALLEST


def test_the_demo_network_reads_like_the_book() -> None:
    loss = demo_network()
    texts = texts_of(viz.to_svg(loss, style="layers"))
    boxes = [t[:2] for name, t in texts.items() if re.fullmatch(r"g\d+", name)]
    assert boxes == [
        ["f1", "h1 = tanh(f1.W·x + f1.b)"],
        ["f2", "h2 = tanh(f2.W·h1 + f2.b)"],
        ["f3", "ŷ = f3.W·h2 + f3.b"],
        ["L", "3 ops"],
    ]
    assert texts["e4_0_0"] == ["x = [0.5, -1]", "∂L/∂x = [0.2985, 0.4343]"]
    assert texts["e0_1_0"] == ["h1 = [0.6241, 0.5526]", "∂L/∂h1 = [-0.2142, -0.4383]"]
    assert texts["e2_3_1"] == ["ŷ = 0.6387", "∂L/∂ŷ = -0.7226"]
    assert texts["e5_3_0"] == ["t = 1"]  # the target: no gradient
    assert texts["e_output"] == ["L = 0.1305", "∂L/∂L = 1"]
    params = texts["p0"]  # f1.W and f1.b in full, with their gradients
    for name in ("f1.W =", "∂L/∂f1.W =", "f1.b =", "∂L/∂f1.b ="):
        assert name in params
    assert {"0.3355", "-0.5639", "-0.06538", "0.1308", "-0.1308", "-0.3045"} <= set(params)


def test_wide_layers_show_shapes_and_norms_and_long_vectors_are_elided() -> None:
    texts = texts_of(viz.to_svg(mlp(8, 8, 1)(), style="layers"))
    assert texts["p1"][0].startswith("layers.1.W: 8×8, ‖layers.1.W‖ = ")
    assert texts["p1"][1].startswith("‖∂f/∂layers.1.W‖ = ")
    h1, grad = texts["e0_1_0"]
    assert re.fullmatch(r"h1 = \[[-\d.e]+, [-\d.e]+, …, [-\d.e]+\] \(8 entries\)", h1)
    assert grad.startswith("∂f/∂h1 = [") and grad.endswith("(8 entries)")


def test_preactivations_the_target_gradient_and_names_given_by_the_user() -> None:
    loss = demo_network()
    split = texts_of(viz.to_svg(loss, style="layers", show_preactivations=True))
    assert split["g0"][:2] == ["f1", "z1 = f1.W·x + f1.b"]
    assert split["a0"][:2] == ["tanh", "h1 = tanh(z1)"]
    assert split["e0_0_99"] == ["z1 = [0.7316, 0.6221]", "∂L/∂z1 = [-0.1308, -0.3045]"]
    named = texts_of(viz.to_svg(loss, style="layers", vector_names={"h1": "a1"}, target_grad=True))
    assert named["e0_1_0"][0] == "a1 = [0.6241, 0.5526]"
    assert named["e5_3_0"] == ["t = 1", "∂L/∂t = 0.7226"]


def test_layer_view_shows_three_descriptions_that_agree() -> None:
    import numpy as np

    import nn

    model = nn.MLP(2, [3, 3, 1], "tanh", seed=0)
    X = np.random.default_rng(0).normal(size=(8, 2))

    def loss_fn(columns, target):  # type: ignore[no-untyped-def]
        return ((model(columns) - target) ** 2).batch_mean()

    before = [p.grad for p in model.parameters()]
    view = viz.layer_view(loss_fn, list(np.ascontiguousarray(X.T)), np.ones(8))
    assert [layer.key for layer in view.layers] == ["L", "layers.2", "layers.1", "layers.0"]
    middle = view.layers[2]
    assert "GH1 = W2.T @ GZ2  # ∂z_j/∂x_i = w_ji" in middle.code
    assert middle.formulas[0].startswith("∂L/∂z2 = ∂L/∂h2 ⊙ tanh′(z2) = [")
    assert middle.formulas[-1].startswith("∂L/∂h1 = layers.1.Wᵀ · ∂L/∂z2 = [")
    assert middle.formulas[-1].endswith("(means over a batch of 8)")
    assert view.largest_difference < 1e-12
    assert all(layer.engine_vs_compiled is not None for layer in view.layers[1:])
    assert [p.grad for p in model.parameters()] == before  # nothing left behind
    assert "GH1 = W2.T @ GZ2" in str(view) and "&gt;" not in str(view)
    assert view._repr_html_().startswith('<pre class="chainrule-layer-view">')
    with pytest.raises(TypeError, match="function"):
        viz.layer_view(Value(1.0))  # type: ignore[arg-type]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_every_layer_step_keeps_labels_apart(rankdir: str, backend: str) -> None:
    from autograd import Backprop

    loss, _ = computation_graph.build()
    stepper = Backprop(loss, by="layer")
    caption = repr(stepper).strip("<>")
    while True:
        svg = viz.to_svg(loss, backend=backend, style="layers", rankdir=rankdir, step=stepper,
                         caption=caption, caption_size=16)  # fmt: skip
        check(svg, horizontal=rankdir == "LR")
        if stepper.current is None:
            break
        caption = str(stepper.step())
