"""Figure 9.4: training and validation loss, one panel per history or one panel per split."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from viz.plots.common import CLASS_COLORS, as_losses, new_figure


def plot_history(
    *histories: Any,
    titles: Sequence[str] | None = None,
    log: bool = False,
    sharey: bool = False,
    overlay: bool = False,
) -> Figure:
    """Loss curves: each history has ``.train_loss`` (and maybe ``.val_loss``), or is a dict.

    By default one panel per history, titled by ``titles``; ``sharey=True`` gives them one
    y-axis, so that heights compare across panels. ``overlay=True`` instead draws two
    panels, training loss and validation loss, on one shared y-axis, with one line per
    history named in the legend by ``titles`` (e.g. each model with its parameter count).
    """
    if not histories:
        raise ValueError("plot_history needs at least one history")
    if titles is not None and len(titles) != len(histories):
        raise ValueError(f"got {len(titles)} titles for {len(histories)} histories")
    if overlay:
        return _overlay(histories, titles, log)
    fig = new_figure(4.5 * len(histories), 3.4)
    axes = np.atleast_1d(fig.subplots(1, len(histories), squeeze=False, sharey=sharey)[0])
    for k, (ax, history) in enumerate(zip(axes, histories)):
        train, val = as_losses(history)
        ax.plot(range(1, len(train) + 1), train, color="#1f5fbf", lw=2, label="training loss")
        if val:
            ax.plot(range(1, len(val) + 1), val, color="#c0392b", lw=2, label="validation loss")
        if log:
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        ax.set_title(titles[k] if titles else f"run {k + 1}" if len(histories) > 1 else "loss")
        ax.grid(alpha=0.3)
        ax.legend()
    return fig


def _overlay(histories: Sequence[Any], titles: Sequence[str] | None, log: bool) -> Figure:
    """Training loss left, validation loss right, one coloured line per history."""
    losses = [as_losses(h) for h in histories]
    splits = ["training loss"] + (["validation loss"] if any(val for _, val in losses) else [])
    fig = new_figure(5.2 * len(splits), 3.8)
    axes = np.atleast_1d(fig.subplots(1, len(splits), squeeze=False, sharey=True)[0])
    for s, (ax, split) in enumerate(zip(axes, splits)):
        for k, pair in enumerate(losses):
            curve = pair[s]
            name = titles[k] if titles else f"run {k + 1}"
            color = CLASS_COLORS[k % len(CLASS_COLORS)]
            ax.plot(range(1, len(curve) + 1), curve, color=color, lw=1.8, label=name)
        if log:
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_title(split)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    axes[0].set_ylabel("loss")
    return fig
