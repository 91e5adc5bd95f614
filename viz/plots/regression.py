"""A time series regression (PM2.5): predicted against observed, over time and as a scatter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from viz.plots.common import as_array, new_figure

BASELINE_COLORS = ("#1f5fbf", "#27ae60", "#8e44ad")


def plot_regression(
    observed: Any,
    predicted: Any,
    *,
    time: Any = None,
    title: str = "PM2.5",
    unit: str = "µg/m³",
    baselines: Mapping[str, Any] | None = None,
    label: str = "predicted",
    quantity: str | None = None,
) -> Figure:
    """Left: observed and predicted over ``time``; right: predicted vs observed with y = x.

    ``baselines`` (name → forecasts, e.g. persistence and a linear model) are drawn as
    thin lines beside the prediction (named ``label``) on the left, each with its RMSE
    in the legend. The y-axis names ``quantity`` (default: ``title``) and ``unit``.
    """
    obs, pred = as_array(observed).ravel(), as_array(predicted).ravel()
    if obs.shape != pred.shape:
        raise ValueError(f"observed has {obs.size} values but predicted has {pred.size}")
    others = {name: as_array(v).ravel() for name, v in (baselines or {}).items()}
    for name, values in others.items():
        if values.shape != obs.shape:
            raise ValueError(f"baseline {name!r} has {values.size} values for {obs.size} observed")
    t = np.arange(obs.size) if time is None else np.asarray(time)
    fig = new_figure(12, 4)
    series, scatter = fig.subplots(1, 2, width_ratios=[2.2, 1])
    series.plot(t, obs, color="#333333", lw=1.2, label="observed")
    for k, (name, values) in enumerate(others.items()):
        error = float(np.sqrt(np.mean((values - obs) ** 2)))
        series.plot(t, values, color=BASELINE_COLORS[k % len(BASELINE_COLORS)], lw=0.9,
                    ls="--", alpha=0.9, label=f"{name} (RMSE {error:.3g})")  # fmt: skip
    rmse = float(np.sqrt(np.mean((pred - obs) ** 2)))
    shown = f"{label} (RMSE {rmse:.3g})" if others else label
    series.plot(t, pred, color="#c0392b", lw=1.2, alpha=0.9, label=shown)
    series.set_xlabel("time")
    series.set_ylabel(f"{quantity or title} ({unit})")
    series.set_title(f"{title}: observed and predicted")
    series.legend(fontsize=8)
    series.grid(alpha=0.3)
    scatter.scatter(obs, pred, s=8, alpha=0.5, color="#1f5fbf")
    lo, hi = float(min(obs.min(), pred.min())), float(max(obs.max(), pred.max()))
    scatter.plot([lo, hi], [lo, hi], color="k", lw=1, ls="--", label="y = x")
    scatter.set_xlabel(f"observed ({unit})")
    scatter.set_ylabel(f"{label} ({unit})")
    scatter.set_title(f"RMSE {rmse:.3g}")
    scatter.legend()
    scatter.grid(alpha=0.3)
    return fig
