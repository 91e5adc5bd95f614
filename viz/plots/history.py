"""Figure 9.4: training and validation loss, one panel per history, side by side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from viz.plots.common import as_losses, new_figure


def plot_history(*histories: Any, titles: Sequence[str] | None = None, log: bool = False) -> Figure:
    """Loss curves: each history has ``.train_loss`` (and maybe ``.val_loss``), or is a dict."""
    if not histories:
        raise ValueError("plot_history needs at least one history")
    if titles is not None and len(titles) != len(histories):
        raise ValueError(f"got {len(titles)} titles for {len(histories)} histories")
    fig = new_figure(4.5 * len(histories), 3.4)
    axes = np.atleast_1d(fig.subplots(1, len(histories), squeeze=False)[0])
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
