"""What a gradient means, on log-log axes: how fast ΔL/h approaches ∂L/∂x as h shrinks."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from autograd import NudgeTable
from viz.plots.common import new_figure

ONE_SIDED, CENTRAL = "#1f5fbf", "#c0392b"


def plot_nudge(table: NudgeTable) -> Figure:
    """``|ΔL/h − ∂L/∂x|`` against h for an :func:`autograd.nudge` table, log-log.

    The one-sided error shrinks as h (slope 1), the central one as h² (slope 2) until
    rounding takes over at the smallest h; dashed reference lines of slopes 1 and 2 pass
    through each curve's largest h. A zero error (exact at that h) is left out.
    """
    if not isinstance(table, NudgeTable):
        raise TypeError(f"plot_nudge takes an autograd.nudge table, got {type(table).__name__}")
    fig = new_figure(5.5, 4.0)
    ax = fig.subplots()
    curves = (
        ("one-sided: ΔL/h", ONE_SIDED, [r.slope_error for r in table.rows], 1),
        ("central: ΔL_c/h", CENTRAL, [r.central_slope_error for r in table.rows], 2),
    )
    for label, colour, errors, order in curves:
        points = [(r.h, abs(e)) for r, e in zip(table.rows, errors) if e != 0]
        if not points:
            continue
        h, err = map(np.array, zip(*sorted(points)))
        ax.plot(h, err, "o-", color=colour, lw=2, label=f"{label} − ∂L/∂x")
        start = int(np.argmax(h))
        reference = err[start] * (h / h[start]) ** order
        ax.plot(h, reference, "--", color=colour, lw=1, alpha=0.7, label=f"slope {order}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("h")
    ax.set_ylabel(f"|ΔL/h − ∂L/∂{table.leaf_name}|")
    ax.set_title(table.caption(), fontsize=9)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    return fig
