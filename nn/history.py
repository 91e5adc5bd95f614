"""``History``: what a :func:`nn.fit` run measured, epoch by epoch, and how it shows."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

SPARK_WIDTH, SPARK_HEIGHT = 160, 36
"""Size in pixels of the loss curve drawn in a notebook."""


@dataclass(repr=False)
class History:
    """Per-epoch metrics of a :func:`fit` run (accuracies stay empty when not meaningful).

    ``train_loss``/``train_accuracy`` average the mini-batches of each epoch, as
    measured before each update; ``val_loss``/``val_accuracy`` are measured after
    the epoch. Losses are the data loss, without the L2 penalty.
    """

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    stopped_early: bool = False
    best_epoch: int | None = None

    @property
    def epochs(self) -> int:
        """How many epochs ran."""
        return len(self.train_loss)

    def __repr__(self) -> str:
        """One line: the epochs and the last epoch's metrics (print the lists for every value)."""
        parts = [f"{self.epochs} epochs"]
        for what, train, val in (
            ("loss", self.train_loss, self.val_loss),
            ("accuracy", self.train_accuracy, self.val_accuracy),
        ):
            shown = [f"{train[-1]:.4g}"] if train else []
            shown += [f"(val {val[-1]:.4g})"] if val else []
            if shown:
                parts.append(f"{what} {' '.join(shown)}")
        if self.best_epoch is not None:
            parts.append(f"best epoch {self.best_epoch}")
        if self.stopped_early:
            parts.append("stopped early")
        return f"History({', '.join(parts)})"

    def _repr_html_(self) -> str:
        """In Jupyter: the last epoch's metrics as a small table, beside the loss curve."""
        rows = [("epochs", str(self.epochs))]
        for what, values in (
            ("training loss", self.train_loss),
            ("validation loss", self.val_loss),
            ("training accuracy", self.train_accuracy),
            ("validation accuracy", self.val_accuracy),
        ):
            if values:
                rows.append((what, f"{values[-1]:.4g}"))
        if self.best_epoch is not None:
            rows.append(("best epoch", str(self.best_epoch)))
        if self.stopped_early:
            rows.append(("stopped early", "yes"))
        cells = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
            for k, v in rows
        )
        curves = sparkline([self.train_loss, self.val_loss], ["#1f5fbf", "#c0392b"])
        return (
            "<div style='display:flex;gap:1em;align-items:center'>"
            f"<table>{cells}</table>{curves}</div>"
        )


def sparkline(series: list[list[float]], colours: list[str]) -> str:
    """Curves on one log scale as a small inline SVG (``""`` when there is nothing to draw)."""
    import math

    drawn = [(s, c) for s, c in zip(series, colours) if len(s) > 1]
    values = [v for s, _ in drawn for v in s if v > 0 and math.isfinite(v)]
    if not values:
        return ""
    low, high = math.log(min(values)), math.log(max(values))
    span = (high - low) or 1.0
    lines = []
    for s, colour in drawn:
        points = " ".join(
            f"{i * (SPARK_WIDTH - 2) / (len(s) - 1) + 1:.1f},"
            f"{(high - math.log(v)) * (SPARK_HEIGHT - 2) / span + 1:.1f}"
            for i, v in enumerate(s)
            if v > 0 and math.isfinite(v)
        )
        lines.append(
            f"<polyline fill='none' stroke='{colour}' stroke-width='1.5' points='{points}'/>"
        )
    return (
        f"<svg width='{SPARK_WIDTH}' height='{SPARK_HEIGHT}' role='img' "
        f"aria-label='loss per epoch (log scale)'>{''.join(lines)}</svg>"
    )
