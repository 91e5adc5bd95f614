"""The chapters' plots: each returns a Figure with the expected axes and lines."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

import viz
from autograd import Value


def test_plot_activations_uses_engine_derivatives() -> None:
    fig = viz.plot_activations()
    assert isinstance(fig, Figure)
    axes = fig.axes
    assert [ax.get_title() for ax in axes] == ["ReLU", "sigmoid", "tanh", "leaky ReLU (α = 0.1)"]
    for ax in axes:
        assert len(ax.get_lines()) >= 2
    x, relu_grad = axes[0].get_lines()[1].get_data()
    assert np.allclose(relu_grad, (np.asarray(x) > 0) * 1.0)
    x, tanh_grad = axes[2].get_lines()[1].get_data()
    assert np.allclose(tanh_grad, 1 - np.tanh(x) ** 2)
    _, leaky_grad = axes[3].get_lines()[1].get_data()
    assert set(np.round(leaky_grad, 6)) == {0.1, 1.0}


def spirals(n: int = 60) -> tuple[np.ndarray, np.ndarray]:
    t = np.linspace(0.3, 3 * np.pi, n)
    a = np.column_stack([t * np.cos(t), t * np.sin(t)])
    return np.vstack([a, -a]), np.repeat([0, 1], n)


class Dense:
    def __init__(self, n_in: int, n_out: int, seed: int) -> None:
        self.w = np.random.default_rng(seed).normal(size=(n_in, n_out))

    def __call__(self, h: np.ndarray | list[Value]) -> np.ndarray:
        if isinstance(h, list):
            h = np.column_stack([v.data for v in h])
        return np.tanh(h @ self.w)


class ValueLayer:
    """A layer that returns one Value per unit with batch-shaped data (batched mode)."""

    def __call__(self, h: np.ndarray) -> list[Value]:
        return [Value(h[:, 0]).tanh(), Value(h[:, 1]).sigmoid(), Value(h[:, 2]) * 2.0]


def test_plot_representations_duck_typed_model() -> None:
    X, y = spirals()
    model = type(
        "M", (), {"layers": [Dense(2, 8, 0), Dense(8, 3, 1), ValueLayer(), Dense(3, 1, 2)]}
    )()
    fig = viz.plot_representations(model, X, y)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0] == "input space"
    assert titles[1:] == [f"after layer {k} ({n} units)" for k, n in ((1, 8), (2, 3), (3, 3))]
    for ax in fig.axes:
        assert len(ax.collections) == 2  # one scatter per class
        assert len(ax.collections[0].get_offsets()) == 60
    assert "PC 1 / PC 2" in fig.axes[1].get_xlabel()
    assert fig.axes[0].get_xlabel() == "x₁ / x₂"
    fig2 = viz.plot_representations([Dense(2, 4, 0)], X, y, final=True)
    assert len(fig2.axes) == 2


def test_plot_representations_names_hidden_units_not_inputs() -> None:
    X, y = spirals()
    fig = viz.plot_representations([Dense(2, 2, 0), Dense(2, 1, 1), Dense(1, 1, 2)], X, y)
    assert [ax.get_xlabel() for ax in fig.axes] == ["x₁ / x₂", "unit 1 / unit 2", "unit 1"]


def test_pca_projection_matches_svd() -> None:
    from viz.plots.representations import project_2d

    h = np.random.default_rng(3).normal(size=(50, 5)) * [5, 2, 1, 0.1, 0.1]
    points, how = project_2d(h)
    assert points.shape == (50, 2)
    assert np.var(points[:, 0]) > np.var(points[:, 1])
    assert how.startswith("PC 1 / PC 2")


class History:
    def __init__(self) -> None:
        self.train_loss = [1.0, 0.5, 0.3]
        self.val_loss = [1.1, 0.7, 0.6]


def test_plot_history() -> None:
    fig = viz.plot_history(History(), {"train_loss": [2.0, 1.0]}, titles=["a", "b"])
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    assert len(fig.axes[0].get_lines()) == 2 and len(fig.axes[1].get_lines()) == 1
    assert list(fig.axes[0].get_lines()[1].get_ydata()) == [1.1, 0.7, 0.6]
    with pytest.raises(ValueError):
        viz.plot_history()
    with pytest.raises(ValueError, match="titles"):
        viz.plot_history(History(), titles=["a", "b"])


def test_plot_decision_boundary_xor() -> None:
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])

    def model(points: np.ndarray) -> Value:
        a, b = Value(points[:, 0]), Value(points[:, 1])
        return ((a - b) * (a - b) * 4.0 - 1.0).sigmoid()

    fig = viz.plot_decision_boundary(model, X, y, history=[0.7, 0.4, 0.2], resolution=40)
    boundary, loss = fig.axes[:2]
    assert "score = 0.5" in boundary.get_title()
    assert len(boundary.collections) >= 3  # filled contours, the boundary line, two scatters
    assert loss.get_title() == "loss" and len(loss.get_lines()) == 1
    alone = viz.plot_decision_boundary(lambda p: p[:, 0] - p[:, 1], X, y, resolution=20)
    assert "score = 0" in alone.axes[0].get_title() and len(alone.axes) == 1


def test_plot_regression() -> None:
    t = np.arange(200)
    observed = 50 + 20 * np.sin(t / 10)
    predicted = observed + np.random.default_rng(0).normal(scale=3, size=t.size)
    fig = viz.plot_regression(observed, predicted, time=t)
    series, scatter = fig.axes[:2]
    assert [line.get_label() for line in series.get_lines()] == ["observed", "predicted"]
    assert scatter.get_title().startswith("RMSE")
    with pytest.raises(ValueError, match="predicted"):
        viz.plot_regression(observed, predicted[:-1])


def test_figures_save_headless(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "act.png"
    viz.plot_activations().savefig(path)
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_plot_perceptron_epochs() -> None:
    X = np.array([[-0.5, -0.5], [0.5, 0.5], [-0.4, 0.6], [0.6, -0.3]])
    y = np.array([0, 1, 1, 0])
    lines = [(np.array([1.0, 0.5]), 0.0), (np.array([0.0, 1.0]), 0.1), ([2.0, 0.0], -0.2)]
    fig = viz.plot_perceptron_epochs(X, y, lines, limits=(-1.0, 1.0))
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert len(ax.collections) == 2  # one scatter per class
    drawn = ax.get_lines()
    assert len(drawn) == 3  # two sloped lines, one vertical (w₁ = 0)
    _, ys = drawn[1].get_data()
    assert np.allclose(ys, -0.1)  # 0·x₁ + 1·x₂ + 0.1 = 0
    assert drawn[-1].get_color() == "k" and drawn[-1].get_linewidth() == 2.5  # the last epoch
    assert "3 epochs" in ax.get_title() and ax.get_xlim() == (-1.0, 1.0)
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "epoch 3"
    with pytest.raises(ValueError, match="at least one"):
        viz.plot_perceptron_epochs(X, y, [])
    with pytest.raises(ValueError, match="labels"):
        viz.plot_perceptron_epochs(X, y[:3], lines)


def test_plot_prediction_signs() -> None:
    y = np.r_[-np.ones(6), np.ones(6)]
    good = y * np.linspace(0.5, 2, 12)
    bad = good.copy()
    bad[[0, 11]] *= -1  # two mistakes
    fig = viz.plot_prediction_signs({"good": good, "bad": bad}, y, class_names=("dog", "cat"))
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    first, second = fig.axes
    assert first.get_title() == "good: accuracy 1.0000"
    assert second.get_title() == "bad: accuracy 0.8333"
    wrong = second.containers[1]  # bars: correct, then wrong
    assert [bar.get_height() for bar in wrong] == [1.0, -1.0]
    assert [bar.get_x() + bar.get_width() / 2 for bar in wrong] == [1.0, 12.0]
    (boundary,) = first.get_lines()  # the dashed line between the classes
    assert boundary.get_xdata()[0] == 6.5 and boundary.get_linestyle() == "--"
    assert [t.get_text() for t in first.get_yticklabels()] == ["dog", "cat"]

    weights = {"A": np.arange(16.0), "B": np.arange(5.0)}
    full = viz.plot_prediction_signs(good, y, distances=[1.0, 0.1, 0.01], weights=weights)
    # a 2 × 3 grid (top: one panel, two unused; bottom: the curve, A, B), A's colour bar
    assert not full.axes[1].axison and not full.axes[2].axison
    curve, a, b = full.axes[3:6]
    assert curve.get_yscale() == "log" and len(curve.get_lines()) == 1
    assert a.get_title() == "A as a 4×4 image" and a.images
    assert b.get_title() == "B" and len(b.get_lines()) == 1
    mixed = viz.plot_prediction_signs(good, np.tile([-1.0, 1.0], 6))
    assert not mixed.axes[0].get_lines()  # classes interleaved: no single boundary
    with pytest.raises(ValueError, match="12 labels"):
        viz.plot_prediction_signs(good[:5], y)


def test_plot_prediction_signs_names_each_block_and_takes_a_title() -> None:
    y = np.r_[np.ones(4), -np.ones(4)]  # dogs (+1) first, as in Kandolf's Figure 5
    fig = viz.plot_prediction_signs(y, y, class_names=("cats", "dogs"), title="synthetic data")
    (ax,) = fig.axes
    names = sorted((t.get_position()[0], t.get_text()) for t in ax.texts)
    assert names == [(2.5, "dogs"), (6.5, "cats")]
    assert fig._suptitle is not None and fig._suptitle.get_text() == "synthetic data"
    assert not viz.plot_prediction_signs(y, y, signs=False).axes[0].texts  # raw scores: no names


def test_plot_representations_takes_panel_titles_and_a_figure_title() -> None:
    X, y = spirals()
    layers = [Dense(2, 8, 0), Dense(8, 1, 1)]
    fig = viz.plot_representations(layers, X, y, titles=["raw", "random"], title="untrained")
    assert [ax.get_title() for ax in fig.axes] == ["raw", "random"]
    assert fig._suptitle is not None and fig._suptitle.get_text() == "untrained"
    with pytest.raises(ValueError, match="got 3 titles for 2 panels"):
        viz.plot_representations(layers, X, y, titles=["a", "b", "c"])


def test_plot_history_overlay_shares_one_y_axis_and_names_each_run() -> None:
    a = {"train_loss": [1.0, 0.5, 0.25], "val_loss": [1.1, 0.6, 0.4]}
    b = {"train_loss": [2.0, 0.1], "val_loss": [2.1, 0.3]}
    fig = viz.plot_history(a, b, titles=["A (10 params)", "B (20 params)"], overlay=True)
    train, val = fig.axes
    assert (train.get_title(), val.get_title()) == ("training loss", "validation loss")
    assert train.get_shared_y_axes().joined(train, val)
    for ax, split in ((train, "train_loss"), (val, "val_loss")):
        assert [t.get_text() for t in ax.get_legend().get_texts()] == [
            "A (10 params)",
            "B (20 params)",
        ]
        assert [list(line.get_ydata()) for line in ax.get_lines()] == [a[split], b[split]]
    side = viz.plot_history(a, b, sharey=True)
    assert side.axes[0].get_shared_y_axes().joined(side.axes[0], side.axes[1])
    alone = viz.plot_history({"train_loss": [1.0, 0.5]}, overlay=True)
    assert len(alone.axes) == 1  # no validation curves: one panel
