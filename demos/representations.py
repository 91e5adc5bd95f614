"""Figure 9.2: two interleaved spirals, a 2-layer network, the data after each layer.

An MLP 2 → 16 → 2 → 1 (tanh) learns to separate two spirals (nn.data.spirals)
with binary cross-entropy; the figure shows the points in input space and
after each hidden layer (the 16-unit layer projected to its first two
principal components, the 2-unit layer as it is): after the last hidden layer
the classes are separable by a line, which is all the output layer can do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import nn
import viz
from demos import _cli

NAME = "representations"


def run(
    out: str | Path = "out/representations",
    seed: int = 0,
    quick: bool = False,
    quiet: bool = False,
) -> dict[str, Any]:
    """Train on the spirals, then scatter the data after each hidden layer."""
    report = _cli.Report(NAME, out, quiet)
    n, epochs = (100, 150) if quick else (200, 1500)
    X, y = nn.data.spirals(n, noise=0.03, turns=1.25, seed=seed)
    model = nn.MLP(2, [16, 2, 1], activation="tanh", seed=seed)
    report.say(
        f"two spirals ({n} points); MLP 2 → 16 → 2 → 1 (tanh), Adam lr 0.02, {epochs} epochs"
    )
    history = nn.fit(
        model, "binary_cross_entropy", (X, y), epochs=epochs,
        optimizer=nn.Adam(model, lr=0.02), seed=seed, progress=False,
    )  # fmt: skip
    accuracy = float(np.mean((model.predict(X) > 0) == (y > 0)))
    report.say(f"  final loss {history.train_loss[-1]:.4f}, training accuracy {accuracy:.3f}")
    fig = viz.plot_representations(model, X, y)
    report.figure(fig, "representations.png", "Figure 9.2: the data after each layer")
    fig = viz.plot_decision_boundary(model.predict, X, y, history=history)
    report.figure(fig, "spirals_boundary.png", "decision boundary and loss curve")
    return report.finish({"loss": history.train_loss[-1], "accuracy": accuracy, "epochs": epochs})


main = _cli.standard_main(NAME, __doc__, run)


if __name__ == "__main__":
    raise SystemExit(main())
