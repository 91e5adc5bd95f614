"""Figure 9.4: a shallow network (1 hidden layer of 64) against a deep-narrow one (4 of 16).

Both are trained by full-batch gradient descent (SGD with momentum 0.9, lr
0.02, the same number of epochs) on the same synthetic regression task,
y = sin(3x₀)·cos(2x₁) + x₀x₁/2 + noise (σ = 0.05) on 300 training and 300
validation points uniform in (-1, 1)²; the figure shows each one's training
and validation loss side by side, and the final numbers are printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import nn
import viz
from demos import _cli

NAME = "shallow_vs_deep"
LR = 0.02
MODELS = {"shallow 2-64-1": [64, 1], "deep-narrow 2-16-16-16-16-1": [16] * 4 + [1]}


def task(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` samples of the synthetic regression task."""
    X = rng.uniform(-1, 1, (n, 2))
    y = np.sin(3 * X[:, 0]) * np.cos(2 * X[:, 1]) + 0.5 * X[:, 0] * X[:, 1]
    return X, y + rng.normal(0.0, 0.05, n)


def run(
    out: str | Path = "out/shallow_vs_deep",
    seed: int = 0,
    quick: bool = False,
    epochs: int | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    """Train both networks, plot their loss curves side by side, return the final losses."""
    report = _cli.Report(NAME, out, quiet)
    epochs = epochs or (60 if quick else 1000)
    n = 100 if quick else 300
    rng = np.random.default_rng(seed)
    train, val = task(n, rng), task(n, rng)
    report.say(
        f"y = sin(3x₀)cos(2x₁) + x₀x₁/2 + noise; {n} training and {n} validation points;"
        f" tanh, MSE, gradient descent (lr {LR:g}, momentum 0.9), {epochs} epochs"
    )
    histories, titles = [], []
    results: dict[str, Any] = {}
    for (title, sizes), key in zip(MODELS.items(), ("shallow", "deep")):
        model = nn.MLP(2, sizes, activation="tanh", seed=seed)
        history = nn.fit(
            model, "mse", train, val, epochs=epochs, progress=False,
            optimizer=nn.SGD(model, lr=LR, momentum=0.9),
        )  # fmt: skip
        params = len(model.parameters())
        results[f"{key}_params"] = params
        results[f"{key}_train_mse"] = history.train_loss[-1]
        results[f"{key}_val_mse"] = history.val_loss[-1]
        report.say(
            f"  {title:28s} {params:4d} parameters: training MSE {history.train_loss[-1]:.5f},"
            f" validation MSE {history.val_loss[-1]:.5f}"
        )
        histories.append(history)
        titles.append(f"{title} ({params} params)")
    fig = viz.plot_history(*histories, titles=titles, log=True)
    report.figure(fig, "shallow_vs_deep.png", "Figure 9.4: training and validation loss")
    results["epochs"] = epochs
    return report.finish(results)


def main(argv: Sequence[str] | None = None) -> int:
    p = _cli.parser(NAME, __doc__)
    p.add_argument(
        "--epochs", type=_cli.int_range(1, _cli.MAX_EPOCHS), default=None,
        help=f"gradient-descent epochs for each network, 1–{_cli.MAX_EPOCHS}"
        " (default: 1000; 60 with --quick)",
    )  # fmt: skip
    a = p.parse_args(argv)
    run(a.out, a.seed, a.quick, a.epochs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
