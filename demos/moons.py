"""micrograd's demo reproduced: two moons, an MLP 2-16-16-1, hinge loss, SGD; decision boundary.

As in micrograd's demo.ipynb: 100 points with noise 0.1 (nn.data.moons,
labels ±1), MLP 2 → 16 → 16 → 1 with ReLU and weights uniform in (-1, 1),
loss = mean hinge max(0, 1 - y·score) + 1e-4·Σp², full-batch SGD for 100 steps
with learning rate 1.0 - 0.9·k/100 at step k.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import nn
import viz
from demos import _cli

NAME = "moons"


def schedule(k: int, steps: int = 100) -> float:
    """micrograd's learning rate at step k: 1.0 - 0.9·k/steps."""
    return 1.0 - 0.9 * k / steps


def run(
    out: str | Path = "out/moons", seed: int = 0, quick: bool = False, quiet: bool = False
) -> dict[str, Any]:
    """Train micrograd's moons classifier and plot its decision boundary and loss."""
    report = _cli.Report(NAME, out, quiet)
    steps = 30 if quick else 100
    X, y01 = nn.data.moons(100, noise=0.1, seed=seed)
    y = 2 * y01 - 1
    model = nn.MLP(2, [16, 16, 1], activation="relu", init="uniform", seed=seed)
    report.say(
        f"moons (100 points, noise 0.1); MLP 2-16-16-1 ({len(model.parameters())} parameters);"
        f" hinge + 1e-4·L2; SGD lr 1.0 - 0.9·k/100, {steps} steps"
    )
    history = nn.fit(
        model, "hinge", (X, y), epochs=steps, l2=1e-4, seed=seed, progress=False,
        optimizer=nn.SGD(model, lr=lambda k: schedule(k, 100)),
    )  # fmt: skip
    accuracy = float(np.mean((model.predict(X) > 0) == (y > 0)))
    for k in sorted({0, *range(9, steps, 10), steps - 1}):
        acc = history.train_accuracy[k]
        report.say(f"  step {k:3d}  hinge loss {history.train_loss[k]:.4f}  accuracy {acc:.2f}")
    report.say(f"  after training: accuracy {accuracy:.3f}")
    fig = viz.plot_decision_boundary(model.predict, X, y01, history=history)
    report.figure(fig, "moons.png", "decision boundary and loss curve")
    return report.finish(
        {"final_loss": history.train_loss[-1], "train_accuracy": accuracy, "steps": steps},
        seed=seed,
        settings={"points": 100, "noise": 0.1, "hidden": [16, 16], "l2": 1e-4, "steps": steps},
    )


main = _cli.standard_main(NAME, __doc__, run)


if __name__ == "__main__":
    raise SystemExit(main())
