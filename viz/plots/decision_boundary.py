"""The XOR exploration cell: a 2-D classifier's decision regions, and its loss curve beside."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from viz.plots.common import CLASS_COLORS, as_array, as_losses, new_figure


def plot_decision_boundary(
    model: Callable[[np.ndarray], Any],
    X: Any,
    y: Any,
    *,
    history: Any = None,
    threshold: float | None = None,
    resolution: int = 150,
    margin: float = 0.5,
    title: str | None = None,
    loss_label: str = "loss",
) -> Figure:
    """Shade where ``model`` scores points above/below ``threshold``, with the data on top.

    ``model`` maps an (n, 2) array to n scores (an array, or Values with array data).
    ``threshold`` defaults to 0.5 for scores in [0, 1], else 0. With a ``history``
    (a loss list, a dict or an object with ``.train_loss``) the loss curve is drawn beside,
    its y-axis named ``loss_label``. ``title`` replaces the left panel's title.
    """
    points = as_array(X)
    labels = as_array(y).ravel()
    lo, hi = points.min(axis=0) - margin, points.max(axis=0) + margin
    gx, gy = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    scores = as_array(model(np.column_stack([gx.ravel(), gy.ravel()]))).reshape(gx.shape)
    if threshold is None:
        threshold = 0.5 if scores.min() >= 0 and scores.max() <= 1 else 0.0
    fig = new_figure(10 if history is not None else 5, 4.2)
    axes = fig.subplots(1, 2 if history is not None else 1, squeeze=False)[0]
    ax = axes[0]
    ax.contourf(gx, gy, scores, levels=30, cmap="RdBu_r", alpha=0.45)
    ax.contour(gx, gy, scores, levels=[threshold], colors="k", linewidths=2)
    for c, cls in enumerate(np.unique(labels)):
        mask = labels == cls
        ax.scatter(points[mask, 0], points[mask, 1], s=60, edgecolor="k",
                   color=CLASS_COLORS[c % len(CLASS_COLORS)], label=f"class {cls:g}")  # fmt: skip
    ax.set_title(title or f"decision boundary (score = {threshold:g})")
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.legend(loc="best", fontsize=8)
    if history is not None:
        train, val = as_losses(history)
        axes[1].plot(range(1, len(train) + 1), train, color="#1f5fbf", lw=2, label="training loss")
        if val:
            axes[1].plot(range(1, len(val) + 1), val, color="#c0392b", lw=2,
                         label="validation loss")  # fmt: skip
        axes[1].set_xlabel("epoch")
        axes[1].set_ylabel(loss_label)
        axes[1].set_title("loss")
        axes[1].grid(alpha=0.3)
        axes[1].legend()
    return fig
