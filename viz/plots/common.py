"""Shared helpers: a pyplot-free Figure, and turning model outputs into numpy arrays."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

CLASS_COLORS = ("#1f5fbf", "#c0392b", "#27ae60", "#8e44ad", "#f39c12")


def new_figure(width: float, height: float) -> Figure:
    """A Figure on an Agg canvas (works headless; does not touch pyplot's global state)."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def as_array(x: Any) -> np.ndarray:
    """Model output as a float array: numpy, a Value (``.data``), or lists of either.

    A list of Values with batch-shaped data (one Value per unit) becomes columns:
    shape (samples, units).
    """
    if hasattr(x, "parents"):
        return np.asarray(x.data, dtype=float)
    if isinstance(x, (list, tuple)):
        if x and all(hasattr(i, "parents") and isinstance(i.data, np.ndarray) for i in x):
            return np.stack([np.asarray(i.data, dtype=float).ravel() for i in x], axis=1)
        return np.asarray([as_array(i) for i in x], dtype=float)
    return np.asarray(x, dtype=float)


def as_losses(history: Any) -> tuple[list[float], list[float]]:
    """``(train, val)`` losses from a history object, a dict, or a plain list."""
    if isinstance(history, dict):
        train, val = history.get("train_loss", []), history.get("val_loss") or []
    elif hasattr(history, "train_loss"):
        train, val = history.train_loss, getattr(history, "val_loss", None) or []
    else:
        train, val = history, []
    return [float(as_array(v)) for v in train], [float(as_array(v)) for v in val]
