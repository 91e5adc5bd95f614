"""Backprop by layer: the vector chain rule's numbers equal the scalar engine's gradients."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd import Backprop, Value, layered, mean, node_group, topological_order
from autograd.layer_stepping import LayerBackprop

TOLERANCE = 1e-12


def network(seed: int, sizes: list[int], batch: int | None, activation: str) -> Value:
    rng = np.random.default_rng(seed)
    model = nn.MLP(3, sizes, activation, seed=seed, fused=bool(seed % 2))
    if batch is None:
        xs, target = rng.normal(size=3), float(rng.normal())
        out = model(list(xs))
    else:
        xs, target = rng.normal(size=(batch, 3)), rng.normal(size=batch)
        out = model(xs)
    with node_group("loss"):
        loss = mean([(out - Value(target, label="t")) ** 2]) if batch else (out - target) ** 2
    return loss


def engine_gradients(loss: Value) -> dict[Value, float]:
    nodes = topological_order(loss)
    for v in nodes:
        v.grad = 0.0
    loss.backward()
    return {v: np.array(v.grad, dtype=float) for v in nodes}


@pytest.mark.parametrize("batch", [None, 5], ids=["one sample", "batch of 5"])
@pytest.mark.parametrize("seed", range(4))
def test_every_layer_number_equals_the_engines_gradient(seed: int, batch: int | None) -> None:
    activation = ["tanh", "relu", "sigmoid", "tanh"][seed]
    loss = network(seed, [4, 3, 1], batch, activation)
    expected = engine_gradients(loss)
    stepper = Backprop(loss, by="layer")
    assert isinstance(stepper, LayerBackprop)
    steps = stepper.run()
    assert [s.stage.key for s in steps] == ["loss", "layers.2", "layers.1", "layers.0"]
    for node, g in expected.items():
        np.testing.assert_allclose(np.array(node.grad, dtype=float), g, rtol=0, atol=TOLERANCE)
    # and the printed matrices are those numbers
    last = layered.layer_graph(loss).stages[0]
    assert last.affine is not None
    lines = steps[-1].lines
    assert lines[1].startswith("∂L/∂layers.0.W = ∂L/∂z1 · xᵀ = [[")
    assert lines[-1].startswith("∂L/∂x = layers.0.Wᵀ · ∂L/∂z1 = [")


def test_a_step_reads_like_the_vector_chain_rule() -> None:
    from demos.computation_graph import build

    loss, _ = build()
    stepper = Backprop(loss, by="layer")
    texts = [str(stepper.step()) for _ in range(4)]
    assert texts[0].splitlines() == [
        "backward 1/4: L",
        "  ∂L/∂L = 1",
        "  ∂L/∂t = 0.7226",
        "  ∂L/∂ŷ = -0.7226",
    ]
    assert texts[2].splitlines() == [
        "backward 3/4: f2",
        "  ∂L/∂z2 = ∂L/∂h2 ⊙ tanh′(z2)",  # a long line goes on under its first =
        "         = [-0.08916, -0.8892] ⊙ [0.3964, 0.8054]",
        "         = [-0.03534, -0.7162]",
        "  ∂L/∂f2.W = ∂L/∂z2 · h1ᵀ",
        "           = [[-0.02206, -0.01953], [-0.4469, -0.3957]]",
        "  ∂L/∂f2.b = ∂L/∂z2 = [-0.03534, -0.7162]",
        "  ∂L/∂h1 = f2.Wᵀ · ∂L/∂z2 = [-0.2142, -0.4383]",
    ]
    with pytest.raises(StopIteration):
        stepper.step()
        stepper.step()
    with pytest.raises(ValueError, match="by"):
        Backprop(loss, by="neuron")


def test_a_drawing_shows_the_layer_pass_mid_way() -> None:
    from support.svg import texts_of

    import viz
    from demos.computation_graph import build

    loss, _ = build()
    stepper = Backprop(loss, by="layer")
    stepper.step()
    stepper.step()  # L and f3 done: ∂L/∂h2 known, ∂L/∂h1 not yet
    texts = texts_of(viz.to_svg(loss, style="layers", step=stepper))
    assert texts["e1_2_0"] == ["h2 = [0.7769, 0.4411]", "∂L/∂h2 = [-0.08916, -0.8892]"]
    assert texts["e0_1_0"] == ["h1 = [0.6241, 0.5526]", "∂L/∂h1 = ?"]
