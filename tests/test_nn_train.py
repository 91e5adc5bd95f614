"""fit: the micrograd moons recipe, the seed's XOR, determinism, callbacks, bad input."""

from __future__ import annotations

import time

import numpy as np
import pytest

import nn


def weights(model: nn.Module) -> np.ndarray:
    return np.array([p.data for p in model.parameters()])


def moons_recipe(batched: bool, epochs: int = 100) -> tuple[nn.MLP, nn.History, float]:
    """micrograd's demo: moons(100, noise 0.1), 2-16-16-1, hinge + 1e-4·L2, lr 1 - 0.9·k/100."""
    X, y = nn.data.moons(100, noise=0.1, seed=1)
    model = nn.MLP(2, [16, 16, 1], seed=1)
    opt = nn.SGD(model, lr=lambda k: 1.0 - 0.9 * k / 100)
    start = time.perf_counter()
    history = nn.fit(model, nn.hinge, (X, 2 * y - 1), epochs=epochs, optimizer=opt, l2=1e-4,
                     batched=batched, progress=False)  # fmt: skip
    return model, history, (time.perf_counter() - start) / epochs


def test_micrograd_moons_recipe_reaches_98_percent() -> None:
    model, history, _ = moons_recipe(batched=True)
    X, y = nn.data.moons(100, noise=0.1, seed=1)
    accuracy = np.mean((model.predict(X) > 0) == (y == 1))
    assert accuracy >= 0.98
    assert history.train_accuracy[-1] >= 0.98
    assert history.train_loss[-1] < 0.1 * history.train_loss[0]


def test_scalar_and_batched_training_take_the_same_steps() -> None:
    _, batched, _ = moons_recipe(batched=True, epochs=3)
    _, scalar, _ = moons_recipe(batched=False, epochs=3)
    assert batched.train_loss == pytest.approx(scalar.train_loss, rel=1e-10)


def test_seed_xor_network_generalises() -> None:
    """2-8-8-1 on the seed's 120 XOR points; validated on 120 fresh points of the same law."""
    X, y = nn.data.xor(120, seed=0)
    Xv, yv = nn.data.xor(120, seed=1)
    model = nn.MLP(2, [8, 8, 1], seed=0)
    history = nn.fit(model, "binary_cross_entropy", (X, y), (Xv, yv), epochs=300,
                     optimizer=nn.Adam(model, lr=0.02), progress=False)  # fmt: skip
    assert history.val_accuracy[-1] >= 0.95
    assert len(history.val_loss) == len(history.train_loss) == history.epochs == 300


def test_minibatch_training_is_deterministic_for_a_seed() -> None:
    X, y = nn.data.circles(80, seed=0)

    def run(seed: int) -> tuple[np.ndarray, list[float]]:
        model = nn.MLP(2, [6, 1], activation="tanh", seed=0)
        h = nn.fit(model, "binary_cross_entropy", (X, y), epochs=5, batch_size=16, seed=seed,
                   optimizer=nn.SGD(model, lr=0.1, momentum=0.9), progress=False)  # fmt: skip
        return weights(model), h.train_loss

    a, b, c = run(1), run(1), run(2)
    assert np.array_equal(a[0], b[0]) and a[1] == b[1]
    assert not np.array_equal(a[0], c[0])


def test_multiclass_training_with_cross_entropy() -> None:
    X, y = nn.data.blobs(90, centers=3, std=0.5, seed=0)
    model = nn.MLP(2, [8, 3], seed=0)
    h = nn.fit(model, nn.cross_entropy, (X, y), epochs=60, optimizer=nn.Adam(model, lr=0.05),
               progress=False)  # fmt: skip
    assert h.train_accuracy[-1] >= 0.95
    assert np.mean(model.predict(X).argmax(axis=1) == y) >= 0.95


def test_regression_with_mse_has_no_accuracy() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3
    model = nn.Linear(3, 1, bias=True)
    h = nn.fit(model, "mse", (X, y), epochs=200, optimizer=nn.SGD(model, lr=0.1), progress=False)
    assert h.train_accuracy == [] and h.train_loss[-1] < 1e-6


def test_callbacks_and_early_stopping() -> None:
    X, y = nn.data.xor(60, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    seen: list[int] = []

    def stop_at_three(epoch: int, history: nn.History, m: nn.Module) -> bool:
        seen.append(epoch)
        return epoch == 2

    h = nn.fit(model, "binary_cross_entropy", (X, y), epochs=50, callbacks=[stop_at_three],
               progress=False)  # fmt: skip
    assert seen == [0, 1, 2] and h.epochs == 3 and h.stopped_early

    # a learning rate so large the validation loss gets worse: stops and restores the best
    model = nn.MLP(2, [4, 1], seed=0)
    stopper = nn.EarlyStopping(patience=3)
    h = nn.fit(model, "binary_cross_entropy", (X, y), (X, y), epochs=100, early_stopping=stopper,
               optimizer=nn.SGD(model, lr=5.0), progress=False)  # fmt: skip
    assert h.stopped_early and h.epochs < 100 and h.best_epoch is not None
    assert h.epochs - 1 - h.best_epoch == 3
    best = nn.binary_cross_entropy(model(X), y).data
    assert best == pytest.approx(min(h.val_loss))


def test_progress_bar_can_be_turned_off(capsys: pytest.CaptureFixture[str]) -> None:
    X, y = nn.data.xor(20, seed=0)
    nn.fit(nn.MLP(2, [2, 1], seed=0), "binary_cross_entropy", (X, y), epochs=2, progress=False)
    assert capsys.readouterr().err == ""
    nn.fit(nn.MLP(2, [2, 1], seed=0), "binary_cross_entropy", (X, y), epochs=2, progress=True)
    assert "epoch" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("train", "loss", "message"),
    [
        ((np.zeros((5, 3)), np.zeros(5)), "mse", "width 2, X has 3 columns"),
        ((np.zeros((0, 2)), np.zeros(0)), "mse", "empty"),
        ((np.array([[0.0, np.nan]]), np.zeros(1)), "mse", "NaN"),
        ((np.zeros((2, 2)), np.array([0.0, np.nan])), "mse", "y contains NaN"),
        ((np.zeros((3, 2)), np.zeros(2)), "mse", "3 samples but y has 2"),
        ((np.zeros((2, 2)), np.array([0, 1])), "hinge", r"-1 or \+1"),
        ((np.zeros((2, 2)), np.array([0, 2])), "binary_cross_entropy", r"\[0, 1\]"),
        ((np.zeros((2, 2)), np.zeros(2)), "l1", "unknown loss"),
        ((np.zeros(2), np.zeros(2)), "mse", "2-D"),
        ([np.zeros((2, 2))], "mse", "pair"),
    ],
)
def test_bad_training_input_changes_no_parameter(train, loss, message) -> None:  # type: ignore[no-untyped-def]
    model = nn.MLP(2, [3, 1], seed=0)
    before = weights(model)
    with pytest.raises((ValueError, TypeError), match=message):
        nn.fit(model, loss, train, epochs=3, progress=False)
    assert np.array_equal(before, weights(model))


def test_bad_label_in_a_late_minibatch_is_caught_before_the_first_step() -> None:
    X = np.zeros((10, 2))
    y = np.r_[np.ones(9), 5.0]
    model = nn.MLP(2, [3, 1], seed=0)
    before = weights(model)
    with pytest.raises(ValueError, match="binary_cross_entropy"):
        nn.fit(model, "binary_cross_entropy", (X, y), batch_size=2, progress=False)
    with pytest.raises(ValueError, match="val"):
        nn.fit(model, "mse", (X, y), (np.zeros((2, 3)), np.zeros(2)), progress=False)
    assert np.array_equal(before, weights(model))


def test_an_early_stopping_object_can_be_reused_across_fits() -> None:
    """Each fit starts the stopper afresh: no best epoch or weights carried over from the last."""
    X, y = nn.data.xor(60, seed=0)
    stopper = nn.EarlyStopping(patience=3)
    first = nn.MLP(2, [4, 1], seed=0)
    nn.fit(first, "binary_cross_entropy", (X, y), epochs=200, early_stopping=stopper,
           progress=False)  # fmt: skip
    second = nn.MLP(2, [4, 1], seed=1)
    h = nn.fit(second, "binary_cross_entropy", (X, y), epochs=10, early_stopping=stopper,
               progress=False)  # fmt: skip
    assert h.best_epoch is not None and h.best_epoch < 10
    assert h.train_loss[h.best_epoch] == min(h.train_loss)
    assert not np.array_equal(weights(second), weights(first))
    stopper.reset()
    assert stopper.best == float("inf") and stopper.best_epoch is None
    assert stopper.best_state is None


def test_a_negative_l2_is_rejected_before_any_update() -> None:
    """l2 = -1 would reward large weights (the penalty is subtracted): an error, not a run."""
    X, y = nn.data.xor(20, seed=0)
    model = nn.MLP(2, [3, 1], seed=0)
    before = weights(model)
    with pytest.raises(ValueError, match=r"l2 must be ≥ 0, got -1\.0"):
        nn.fit(model, "binary_cross_entropy", (X, y), epochs=2, l2=-1.0, progress=False)
    assert np.array_equal(before, weights(model))
    nn.fit(model, "binary_cross_entropy", (X, y), epochs=1, l2=0.0, progress=False)  # still fine


def test_an_optimizer_of_another_model_is_rejected_before_any_update() -> None:
    """``fit(model, optimizer=nn.Adam(other))`` used to train ``other`` and report on ``model``."""
    X, y = nn.data.xor(20, seed=0)
    model, other = nn.MLP(2, [3, 1], seed=0), nn.MLP(2, [3, 1], seed=1)
    before, other_before = weights(model), weights(other)
    mixed = other.parameters()[:4] + model.parameters()[4:]
    for opt, message in [
        (
            nn.Adam(other),
            r"13 of its 13 parameters are not the model's .* lacks 13 of the model's 13",
        ),
        (nn.SGD(mixed), r"4 of its 13 parameters are not the model's .* lacks 4 of the model's 13"),
        (nn.SGD([*model.parameters(), nn.Neuron(1).b]), r"1 of its 14 .* lacks 0 of"),
    ]:
        with pytest.raises(ValueError, match=message):
            nn.fit(model, "binary_cross_entropy", (X, y), epochs=2, optimizer=opt, progress=False)
    with pytest.raises(TypeError, match=r"optimizer must be an nn\.Optimizer, got str"):
        nn.fit(model, "mse", (X, y), optimizer="adam", progress=False)  # type: ignore[arg-type]
    assert np.array_equal(before, weights(model))
    assert np.array_equal(other_before, weights(other))


def test_an_optimizer_over_part_of_the_model_freezes_the_rest() -> None:
    X, y = nn.data.xor(20, seed=0)
    model = nn.MLP(2, [3, 1], seed=0)
    before = weights(model)
    last = model.layers[-1].parameters()
    nn.fit(model, "binary_cross_entropy", (X, y), epochs=3, optimizer=nn.SGD(last, lr=0.5),
           progress=False)  # fmt: skip
    after = weights(model)
    n = len(last)
    assert np.array_equal(after[:-n], before[:-n])  # the hidden layer is frozen
    assert not np.array_equal(after[-n:], before[-n:])  # the output layer learned


def test_history_repr_is_one_short_line() -> None:
    X, y = nn.data.xor(60, seed=0)
    model = nn.MLP(2, [8, 1], seed=0)
    stop = nn.EarlyStopping(patience=400)
    history = nn.fit(model, "binary_cross_entropy", (X, y), (X, y), epochs=400, progress=False,
                     early_stopping=stop)  # fmt: skip
    text = repr(history)
    assert "\n" not in text and len(text) < 120, text
    assert text.startswith("History(400 epochs")
    assert f"{history.train_loss[-1]:.4g}" in text and f"{history.val_accuracy[-1]:.4g}" in text
    assert repr(nn.History()) == "History(0 epochs)"


def test_progress_redraws_about_twenty_times_and_leaves_one_summary_line(capsys) -> None:
    X, y = nn.data.xor(40, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    history = nn.fit(model, "binary_cross_entropy", (X, y), (X, y), epochs=300, seed=0)
    captured = capsys.readouterr()
    redraws = captured.err.count("\r")
    assert 5 <= redraws <= 30, redraws
    lines = captured.out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fit: 300 epochs, loss ")
    assert f"val accuracy {history.val_accuracy[-1]:.3f}" in lines[0]


def test_no_progress_means_no_output(capsys) -> None:
    X, y = nn.data.xor(40, seed=0)
    nn.fit(nn.MLP(2, [4, 1], seed=0), "binary_cross_entropy", (X, y), epochs=50, progress=False)
    captured = capsys.readouterr()
    assert captured.out == captured.err == ""


def test_the_text_bar_is_used_without_ipywidgets(monkeypatch) -> None:
    import importlib.util

    import tqdm.std

    from nn import train

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "ipywidgets" else real(name, *a),
    )
    bar = train.progress_bar(100, True)
    try:
        assert type(bar) is tqdm.std.tqdm and bar.miniters == 5
    finally:
        bar.close()


def test_history_displays_as_a_table_and_a_loss_curve_in_jupyter() -> None:
    X, y = nn.data.xor(40, seed=0)
    history = nn.fit(
        nn.MLP(2, [4, 1], seed=0), "binary_cross_entropy", (X, y), (X, y), epochs=25,
        progress=False,
    )  # fmt: skip
    page = history._repr_html_()
    assert "<th style='text-align:left'>validation loss</th>" in page
    assert f"<td>{history.val_loss[-1]:.4g}</td>" in page
    curves = page.split("<polyline")[1:]
    assert len(curves) == 2 and all(c.split("points='")[1].count(",") == 25 for c in curves)
