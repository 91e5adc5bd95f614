"""A linear classifier's test predictions as bars of ±1, one panel per solution.

The chapter's single-layer network y = A x labels dogs +1 and cats -1 (Kandolf,
Figure 5); the test images come in class order, dogs first, so a dashed line marks
the true class boundary, each block is named above its bars, and every bar on the
wrong side of zero for its block is a mistake.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from viz.plots.common import as_array, new_figure

CORRECT, WRONG = "#1f5fbf", "#c0392b"


def class_boundary(y: np.ndarray) -> float | None:
    """Where the true class changes (between bars k and k+1, at k + 0.5), if it changes once."""
    changes = np.flatnonzero(np.diff(y) != 0)
    return float(changes[0]) + 1.5 if len(changes) == 1 else None


def plot_prediction_signs(
    predictions: Mapping[str, Any] | Any,
    y: Any,
    *,
    signs: bool = True,
    boundary: float | None = None,
    class_names: tuple[str, str] = ("-1", "+1"),
    xlabel: str = "test image",
    distances: Sequence[float] | None = None,
    distance_title: str = "distance to the reference solution",
    weights: Mapping[str, Any] | None = None,
    title: str | None = None,
) -> Figure:
    """Bar plot of each model's predictions on the test images, with the true class boundary.

    * ``predictions``: one array of outputs (one per test image), or title → array for
      several models side by side. With ``signs=True`` the bars are ``sign(output)``.
    * ``y``: the true labels (±1); bars are blue where the sign matches, red where not,
      and each panel's title gives the accuracy.
    * ``boundary``: the x position of the dashed class boundary (bars are numbered from
      1); default: where ``y`` changes class, when the images come in two blocks.
    * ``class_names``: the names of -1 and +1, used as y tick labels and, when the
      images come in two blocks, written above each block.
    * ``distances`` (optional): a curve drawn in a second row on a log scale, such as
      gradient descent's ‖A - A_pinv‖/‖A_pinv‖ per epoch, titled ``distance_title``.
    * ``weights`` (optional): title → weight vector, drawn in the second row as an image
      when its length is a square (e.g. a 32×32 wavelet image), else as a line.
    * ``title`` (optional): a title over the whole figure (e.g. that the data is synthetic).
    """
    panels = dict(predictions) if isinstance(predictions, Mapping) else {"": predictions}
    if not panels:
        raise ValueError("plot_prediction_signs needs at least one array of predictions")
    truth = as_array(y).ravel()
    if boundary is None:
        boundary = class_boundary(truth)
    extras = int(distances is not None) + len(weights or {})
    cols = max(len(panels), extras)
    rows = 2 if extras else 1
    fig = new_figure(4 * cols, 2.75 * rows)
    grid = np.asarray(fig.subplots(rows, cols, squeeze=False))
    idx = np.arange(1, len(truth) + 1)
    for ax, (name, out) in zip(grid[0], panels.items()):
        values = as_array(out).ravel()
        if len(values) != len(truth):
            raise ValueError(
                f"{name or 'predictions'}: {len(values)} values for {len(truth)} labels"
            )
        shown = np.sign(values) if signs else values
        correct = np.sign(values) == truth
        ax.bar(idx[correct], shown[correct], color=CORRECT, width=0.8, label="correct")
        ax.bar(idx[~correct], shown[~correct], color=WRONG, width=0.8, label="wrong")
        if boundary is not None:
            ax.axvline(boundary, color="k", lw=1, ls="--")
            if signs:
                _name_blocks(ax, truth, boundary, class_names)
        accuracy = f"accuracy {np.mean(correct):.4f}"
        ax.set_title(f"{name}: {accuracy}" if name else accuracy, fontsize=10)
        ax.set_xlabel(xlabel, fontsize=8)
        if signs:
            ax.set_ylim(-1.9, 1.45)
            ax.set_yticks([-1, 1], list(class_names))
        else:
            ax.axhline(0, color="k", lw=0.8)
    grid[0][0].legend(loc="lower center", fontsize=7, ncol=2)
    if title:
        fig.suptitle(title, fontsize=11)
    for ax in grid[0][len(panels) :]:
        ax.set_axis_off()
    if rows == 2:
        spare = list(grid[1])
        if distances is not None:
            ax = spare.pop(0)
            ax.semilogy(range(1, len(distances) + 1), list(distances), color=CORRECT, lw=2)
            ax.set_xlabel("epoch")
            ax.set_title(distance_title, fontsize=10)
            ax.grid(alpha=0.3)
        for ax, (caption, w) in zip(spare, (weights or {}).items()):
            _weights(fig, ax, caption, as_array(w).ravel())
        for ax in spare[len(weights or {}) :]:
            ax.set_axis_off()
    return fig


def _name_blocks(ax: Any, truth: np.ndarray, boundary: float, names: tuple[str, str]) -> None:
    """Write each block's class name above its bars (left and right of ``boundary``)."""
    for lo, hi in ((0.5, boundary), (boundary, len(truth) + 0.5)):
        members = truth[int(np.ceil(lo)) - 1 : int(np.floor(hi))]
        if len(members):
            name = names[1] if members[0] > 0 else names[0]
            ax.text((lo + hi) / 2, 1.2, name, ha="center", va="center", fontsize=9)


def _weights(fig: Figure, ax: Any, title: str, w: np.ndarray) -> None:
    side = math.isqrt(w.size)
    if side * side == w.size:
        image = ax.imshow(w.reshape(side, side).T, cmap="RdBu_r")
        fig.colorbar(image, ax=ax, shrink=0.8)
        ax.set_title(f"{title} as a {side}×{side} image", fontsize=10)
    else:
        ax.plot(w, lw=0.8)
        ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
