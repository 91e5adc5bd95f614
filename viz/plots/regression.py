"""A time series regression (PM2.5): predicted against observed, over time and as a scatter."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from viz.plots.common import as_array, new_figure


def plot_regression(
    observed: Any,
    predicted: Any,
    *,
    time: Any = None,
    title: str = "PM2.5",
    unit: str = "µg/m³",
) -> Figure:
    """Left: observed and predicted over ``time``; right: predicted vs observed with y = x."""
    obs, pred = as_array(observed).ravel(), as_array(predicted).ravel()
    if obs.shape != pred.shape:
        raise ValueError(f"observed has {obs.size} values but predicted has {pred.size}")
    t = np.arange(obs.size) if time is None else np.asarray(time)
    fig = new_figure(12, 4)
    series, scatter = fig.subplots(1, 2, width_ratios=[2.2, 1])
    series.plot(t, obs, color="#333333", lw=1.2, label="observed")
    series.plot(t, pred, color="#c0392b", lw=1.2, alpha=0.9, label="predicted")
    series.set_xlabel("time")
    series.set_ylabel(f"{title} ({unit})")
    series.set_title(f"{title}: observed and predicted")
    series.legend()
    series.grid(alpha=0.3)
    rmse = float(np.sqrt(np.mean((pred - obs) ** 2)))
    scatter.scatter(obs, pred, s=8, alpha=0.5, color="#1f5fbf")
    lo, hi = float(min(obs.min(), pred.min())), float(max(obs.max(), pred.max()))
    scatter.plot([lo, hi], [lo, hi], color="k", lw=1, ls="--", label="y = x")
    scatter.set_xlabel(f"observed ({unit})")
    scatter.set_ylabel(f"predicted ({unit})")
    scatter.set_title(f"RMSE {rmse:.3g}")
    scatter.legend()
    scatter.grid(alpha=0.3)
    return fig
