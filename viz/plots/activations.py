"""Figure 9.1: ReLU, sigmoid, tanh and leaky ReLU with derivatives computed by the engine."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from autograd import Value
from viz.plots.common import new_figure

ACTIVATIONS = {
    "ReLU": lambda v: v.relu(),
    "sigmoid": lambda v: v.sigmoid(),
    "tanh": lambda v: v.tanh(),
    "leaky ReLU (α = 0.1)": lambda v: v.leaky_relu(0.1),
}


def plot_activations(x_range: tuple[float, float] = (-3.0, 3.0), points: int = 601) -> Figure:
    """Each activation and its derivative over ``x_range``, one panel each.

    The derivatives come from the engine in batched mode: one Value holding the
    whole array of x, one ``backward()``, then ``x.grad``.
    """
    xs = np.linspace(*x_range, points)
    fig = new_figure(12, 3.2)
    axes = fig.subplots(1, len(ACTIVATIONS), sharey=True)
    for ax, (name, f) in zip(axes, ACTIVATIONS.items()):
        x = Value(xs, label="x")
        y = f(x)
        y.backward()
        ax.plot(xs, y.data, color="#1f5fbf", lw=2, label="f(x)")
        ax.plot(xs, np.broadcast_to(x.grad, xs.shape), color="#c0392b", lw=2, ls="--",
                label="f′(x)")  # fmt: skip
        ax.axhline(0, color="#999999", lw=0.6)
        ax.axvline(0, color="#999999", lw=0.6)
        ax.set_title(name)
        ax.set_xlabel("x")
        ax.grid(alpha=0.3)
    axes[0].legend(loc="upper left")
    return fig
