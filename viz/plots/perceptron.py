"""The perceptron rule at work: the data and the decision line after each epoch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from viz.plots.common import CLASS_COLORS, as_array, new_figure

Line = tuple[Any, float]
"""One epoch's line ``w·x + b = 0``: the weights (two numbers) and the bias."""


def plot_perceptron_epochs(
    X: Any,
    y: Any,
    lines: Sequence[Line],
    *,
    limits: tuple[float, float] | None = None,
    title: str | None = None,
) -> Figure:
    """Scatter the 2-D points ``X`` coloured by class ``y``, and each epoch's decision line.

    ``lines[k]`` is ``(w, b)`` after epoch k + 1. Earlier lines are thin and coloured
    from dark to light (viridis), the last one thick and black; the legend names the
    first three epochs and the last. ``limits`` (default: the data's range plus a
    margin) applies to both axes.
    """
    points = as_array(X)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"X must be 2-D points (n × 2), got shape {points.shape}")
    labels = as_array(y).ravel()
    if len(labels) != len(points):
        raise ValueError(f"got {len(labels)} labels for {len(points)} points")
    if not lines:
        raise ValueError("plot_perceptron_epochs needs at least one (w, b) line")
    if limits is None:
        lo, hi = float(points.min()), float(points.max())
        pad = 0.05 * max(hi - lo, 1e-12)
        limits = (lo - pad, hi + pad)
    fig = new_figure(5.5, 5)
    ax = fig.subplots()
    for c, cls in enumerate(np.unique(labels)):
        mask = labels == cls
        ax.scatter(points[mask, 0], points[mask, 1], s=40, edgecolor="k",
                   color=CLASS_COLORS[c % len(CLASS_COLORS)], label=f"class {cls:g}")  # fmt: skip
    xs = np.linspace(*limits, 2)
    cmap = colormaps["viridis"]
    for k, (w, b) in enumerate(lines, 1):
        w0, w1 = (float(v) for v in as_array(w).ravel()[:2])
        last = k == len(lines)
        color = "k" if last else cmap(k / max(len(lines), 2))
        label = f"epoch {k}" if last or k <= 3 else None
        width = 2.5 if last else 1.2
        if abs(w1) > 1e-12:
            ax.plot(xs, -(w0 * xs + float(b)) / w1, color=color, lw=width, label=label)
        elif abs(w0) > 1e-12:
            ax.axvline(-float(b) / w0, color=color, lw=width, label=label)
    ax.set_xlim(*limits)
    ax.set_ylim(*limits)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_title(title or f"perceptron: decision line after each of {len(lines)} epochs")
    ax.legend(loc="best", fontsize=8, framealpha=0.9)
    return fig
