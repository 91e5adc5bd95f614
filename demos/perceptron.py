"""The perceptron on a linearly separable set: the decision line after each epoch.

Points uniform in (-1, 1)², labelled by the side of a fixed line, with the
points closer than a margin of 0.1 to it removed (so the set is separable and
the perceptron rule must converge). nn.Perceptron starts from w = 0, b = 0 and
makes one pass over the data per epoch until an epoch has no mistake.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import nn
import viz
from demos import _cli

NAME = "perceptron"
TRUE_W, TRUE_B = np.array([1.0, -2.0]), 0.3


def separable(n: int = 100, margin: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points at least ``margin`` away from the line ``w·x + b = 0``; labels 0/1."""
    rng = np.random.default_rng(seed)
    points: list[np.ndarray] = []
    while sum(len(p) for p in points) < n:
        cand = rng.uniform(-1, 1, (n, 2))
        dist = (cand @ TRUE_W + TRUE_B) / np.linalg.norm(TRUE_W)
        points.append(cand[np.abs(dist) >= margin])
    X = np.concatenate(points)[:n]
    y = (X @ TRUE_W + TRUE_B > 0).astype(np.int64)
    return X, y


def run(
    out: str | Path = "out/perceptron",
    seed: int = 0,
    quick: bool = False,
    quiet: bool = False,
    max_epochs: int = 50,
) -> dict[str, Any]:
    """Train epoch by epoch, recording the line; plot every epoch's line over the data."""
    report = _cli.Report(NAME, out, quiet)
    n = 40 if quick else 100
    X, y = separable(n, seed=seed)
    model = nn.Perceptron(2)
    lines: list[tuple[np.ndarray, float]] = []
    mistakes: list[int] = []
    report.say(f"perceptron on {n} separable points (margin 0.1), learning rate 1")
    for epoch in range(1, max_epochs + 1):
        (count,) = model.fit(X, y, epochs=1, lr=1.0)
        w = np.array([p.data for p in model.w], dtype=float)
        lines.append((w, float(model.b.data)))
        mistakes.append(count)
        report.say(
            f"  epoch {epoch}: {count} mistakes, w = {np.round(w, 3)}, b = {model.b.data:.3g}"
        )
        if count == 0:
            break
    accuracy = float(np.mean(model.predict(X) == y))
    report.say(
        f"  converged: {mistakes[-1] == 0} after {len(mistakes)} epochs; accuracy {accuracy:.3f}"
    )
    fig = viz.plot_perceptron_epochs(X, y, lines, limits=(-1.1, 1.1))
    report.figure(fig, "perceptron.png", "the decision line after each epoch")
    return report.finish(
        {
            "epochs": len(mistakes),
            "mistakes": mistakes,
            "accuracy": accuracy,
            "converged": mistakes[-1] == 0,
        },
        seed=seed,
        settings={"points": n, "margin": 0.1, "lr": 1.0, "max_epochs": max_epochs},
    )


main = _cli.standard_main(NAME, __doc__, run)


if __name__ == "__main__":
    raise SystemExit(main())
