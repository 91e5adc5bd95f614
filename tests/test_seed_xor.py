"""demos.xor is the chapter's exploration cell (§9.13): the same numbers as a plain numpy run.

The reference below is written from the cell's description: default_rng(42), 120 points,
then W1, W2, W3 ~ N(0, 0.5²) from the same generator, zero biases, two hidden layers,
sigmoid output, mean BCE (output clipped for the loss value only), gradient (out − y)/n at
the output, full-batch gradient descent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from demos import xor

FIRST_LOSS = 0.69730
"""The chapter's first loss at its defaults (H = 8, relu), to 5 decimals."""


def activation(name: str) -> tuple[Any, Any]:
    """The hidden activation and its derivative written in terms of the activation's output."""
    if name == "relu":
        return (lambda z: np.maximum(z, 0.0)), (lambda h: (h > 0).astype(float))
    return np.tanh, (lambda h: 1.0 - h**2)


def numpy_cell(hidden: int, act: str, lr: float, epochs: int, seed: int = 42) -> dict[str, Any]:
    """The cell in plain numpy: loss per epoch and the gradients of the first epoch."""
    rng = np.random.default_rng(seed)
    n = 120
    X = rng.uniform(-1.0, 1.0, (n, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(float)
    Ws = [rng.normal(0.0, 0.5, shape) for shape in [(hidden, 2), (hidden, hidden), (1, hidden)]]
    bs = [np.zeros(hidden), np.zeros(hidden), np.zeros(1)]
    f, df = activation(act)
    losses, first_grads = [], None
    for _ in range(epochs):
        h1 = f(X @ Ws[0].T + bs[0])
        h2 = f(h1 @ Ws[1].T + bs[1])
        out = 1.0 / (1.0 + np.exp(-np.clip(h2 @ Ws[2].T + bs[2], -40, 40))).ravel()
        p = np.clip(out, 1e-9, 1 - 1e-9)
        losses.append(float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))))
        d3 = (out - y)[:, None] / n
        d2 = (d3 @ Ws[2]) * df(h2)
        d1 = (d2 @ Ws[1]) * df(h1)
        grads = [(d1.T @ X, d1.sum(0)), (d2.T @ h1, d2.sum(0)), (d3.T @ h2, d3.sum(0))]
        first_grads = first_grads or grads
        for i, (dW, db) in enumerate(grads):
            Ws[i] -= lr * dW
            bs[i] -= lr * db
    return {"losses": np.array(losses), "first_grads": first_grads, "weights": Ws, "biases": bs}


def test_the_defaults_are_the_chapters():
    assert xor.DEFAULTS == {
        "hidden": 8,
        "activation": "relu",
        "lr": 0.05,
        "epochs": 500,
        "optimizer": "sgd",
        "seed": 42,
    }


def test_data_and_initial_weights_come_from_one_generator_in_the_cells_order():
    X, y, (W1, W2, W3) = xor.chapter_setup(8, 42)
    rng = np.random.default_rng(42)
    assert np.array_equal(X, rng.uniform(-1, 1, (120, 2)))
    assert np.array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(int))
    assert np.array_equal(W1, rng.normal(0, 0.5, (8, 2)))
    assert np.array_equal(W2, rng.normal(0, 0.5, (8, 8)))
    assert np.array_equal(W3, rng.normal(0, 0.5, (1, 8)))


@pytest.mark.parametrize(
    ("hidden", "act", "lr", "epochs"),
    [(8, "relu", 0.05, 500), (4, "tanh", 0.05, 150), (16, "relu", 0.005, 100)],
    ids=["defaults", "tanh-4", "relu-16-lr0.005"],
)
def test_the_engine_reproduces_the_cells_loss_curve(hidden: int, act: str, lr: float, epochs: int):
    model, _, _, history = xor.train(hidden, act, lr, epochs)
    ref = numpy_cell(hidden, act, lr, epochs)
    assert len(history.train_loss) == epochs
    np.testing.assert_allclose(history.train_loss, ref["losses"], rtol=0, atol=1e-9)
    for layer, W, b in zip(model.layers, ref["weights"], ref["biases"]):  # the trained weights
        got_W, got_b = layer.arrays()
        np.testing.assert_allclose(got_W, W, rtol=0, atol=1e-9)
        np.testing.assert_allclose(got_b, b, rtol=0, atol=1e-9)
    if (hidden, act) == (8, "relu"):
        assert round(history.train_loss[0], 5) == FIRST_LOSS


@pytest.mark.parametrize("act", ["relu", "tanh"])
def test_the_engines_first_gradients_are_the_cells_hand_written_backward(act: str):
    import nn

    model, X, y = xor.build(8, act)
    loss = nn.binary_cross_entropy(model(X), y)
    loss.backward()
    for layer, (dW, db) in zip(model.layers, numpy_cell(8, act, 0.05, 1)["first_grads"]):
        got_dW, got_db = layer.arrays(grad=True)
        np.testing.assert_allclose(got_dW, dW, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(got_db, db, rtol=1e-12, atol=1e-15)


def test_adam_stays_an_option(tmp_path: Path):
    r = xor.run(tmp_path, epochs=200, optimizer="adam", lr=0.01, quiet=True)
    assert r["optimizer"] == "adam" and r["train_accuracy"] >= 0.9
    assert r["first_loss"] == pytest.approx(FIRST_LOSS, abs=5e-6)  # same start


def test_run_writes_results_json_with_the_seed_and_settings(tmp_path: Path):
    r = xor.run(tmp_path, epochs=50, quiet=True)
    record = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert record["demo"] == "xor" and record["seed"] == 42
    assert record["settings"] == {
        "hidden": 8,
        "activation": "relu",
        "lr": 0.05,
        "epochs": 50,
        "optimizer": "sgd",
        "points": 120,
        "weight_std": 0.5,
    }
    ref = numpy_cell(8, "relu", 0.05, 50)["losses"]
    assert record["results"]["first_loss"] == pytest.approx(ref[0], abs=1e-12)
    assert record["results"]["final_loss"] == pytest.approx(ref[-1], abs=1e-12)
    assert record["results"]["train_accuracy"] == r["train_accuracy"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hidden": 1}, "hidden must be between 2 and 32"),
        ({"hidden": 8.0}, "hidden must be between 2 and 32"),
        ({"activation": "sigmoid"}, "activation must be one of"),
        ({"optimizer": "rmsprop"}, "optimizer must be one of"),
        ({"lr": float("nan")}, "lr must be a number > 0"),
    ],
)
def test_bad_knobs_are_refused_by_name(kwargs: dict[str, Any], message: str):
    with pytest.raises(ValueError, match=message):
        xor.train(**{"epochs": 1, **kwargs})
