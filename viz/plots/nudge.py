"""What a gradient means, as a plot: ``|ΔL - grad·h|`` against h on log-log axes, slope 2."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from autograd.nudge import NudgeTable
from viz.plots.common import new_figure


def plot_nudge(table: NudgeTable) -> Figure:
    """The rows of :func:`autograd.nudge`: each h's ``|ΔL - grad·h|`` (dots), a line of
    slope 2 through the largest h (dashed) and the fitted slope in the title."""
    if not isinstance(table, NudgeTable):
        raise TypeError(f"plot_nudge needs what autograd.nudge returns, got {type(table).__name__}")
    hs = np.array([r.h for r in table.rows])
    gaps = np.array([abs(r.difference) for r in table.rows])
    fig = new_figure(6, 4.2)
    ax = fig.subplots()
    shown = gaps > 0
    ax.loglog(hs[shown], gaps[shown], "o-", color="#c0392b", lw=2,
              label=f"|Δ{table.output} - ∂{table.output}/∂{table.leaf}·h|")  # fmt: skip
    top = int(np.argmax(hs))
    ax.loglog(hs, gaps[top] * (hs / hs[top]) ** 2, "--", color="#6c6c6c", label="slope 2: h²")
    ax.set_xlabel("h")
    ax.set_ylabel("how far the linear prediction misses")
    ax.set_title(f"nudging {table.leaf}: slope {table.slope:.2f}")
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="upper left")
    return fig
