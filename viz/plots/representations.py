"""Figure 9.2: the data in input space and after each hidden layer, projected to 2-D."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from viz.plots.common import CLASS_COLORS, as_array, new_figure


def project_2d(h: np.ndarray, hidden: bool = False) -> tuple[np.ndarray, str]:
    """Points as 2-D coordinates and the axis caption: kept as they are when 1-D or 2-D,
    else their first two principal components.

    The caption names the coordinates: ``x₁ / x₂`` in input space, ``unit 1 / unit 2``
    for a hidden layer's outputs (``hidden=True``), ``PC 1 / PC 2`` for a projection.
    """
    h = h.reshape(len(h), -1)
    names = ("unit 1", "unit 2") if hidden else ("x₁", "x₂")
    if h.shape[1] == 2:
        return h, f"{names[0]} / {names[1]}"
    if h.shape[1] == 1:
        return np.column_stack([h[:, 0], np.zeros(len(h))]), names[0]
    centred = h - h.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    explained = s[:2] ** 2 / max(float(np.sum(s**2)), 1e-300)
    return centred @ vt[:2].T, f"PC 1 / PC 2 ({100 * explained.sum():.0f}% of variance)"


def layer_outputs(model: Any, X: Any) -> list[np.ndarray]:
    """``[X, layer1(X), layer2(layer1(X)), ...]`` as arrays (samples × units)."""
    layers: Sequence[Callable[[Any], Any]] = getattr(model, "layers", model)
    outputs = [as_array(X)]
    h = X
    for layer in layers:
        h = layer(h)
        outputs.append(as_array(h).reshape(len(outputs[0]), -1))
    return outputs


def plot_representations(
    model: Any,
    X: Any,
    y: Any,
    *,
    final: bool = False,
    titles: Sequence[str] | None = None,
    title: str | None = None,
) -> Figure:
    """Scatter the data in input space and after each hidden layer, coloured by class.

    ``model`` has a ``.layers`` list of callables or is such a list; each maps a batch
    to the next. The output layer is left out unless ``final=True``. ``titles`` (one per
    panel) replace the panels' default titles; ``title`` goes over the whole figure.
    """
    outputs = layer_outputs(model, X)
    if not final and len(outputs) > 2:
        outputs = outputs[:-1]
    if titles is not None and len(titles) != len(outputs):
        raise ValueError(f"got {len(titles)} titles for {len(outputs)} panels")
    labels = np.asarray(as_array(y)).ravel()
    classes = np.unique(labels)
    fig = new_figure(3.6 * len(outputs), 3.6)
    axes = np.atleast_1d(fig.subplots(1, len(outputs)))
    for k, (ax, h) in enumerate(zip(axes, outputs)):
        points, how = project_2d(h, hidden=k > 0)
        for c, cls in enumerate(classes):
            mask = labels == cls
            color = CLASS_COLORS[c % len(CLASS_COLORS)]
            ax.scatter(points[mask, 0], points[mask, 1], s=10, alpha=0.8, color=color,
                       label=f"class {cls:g}")  # fmt: skip
        default = "input space" if k == 0 else f"after layer {k} ({h.shape[1]} units)"
        ax.set_title(titles[k] if titles else default, fontsize=10)
        ax.set_xlabel(how, fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0].legend(loc="best", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig
