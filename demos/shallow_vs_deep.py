"""Figure 9.4: a shallow network (1 hidden layer of 64) against a deep-narrow one (4 of 16).

Both, and a shallow one as wide as it takes to have the deep one's parameter
count (1 hidden layer of 220: 881 parameters each), are trained by full-batch
gradient descent (momentum 0.9, lr 0.05, compiled steps) on the same synthetic
regression task, y = sin(3x₀)·cos(2x₁) + x₀x₁/2 + noise (σ = 0.05, so no
model's MSE can go below σ² = 0.0025), 300 training and 300 validation points
uniform in (-1, 1)², for the same number of epochs (3000). No early stop: a
shallow net sits on a plateau for hundreds of epochs before its loss drops
again, so a curve that is flat for a while need not be done. Afterwards the
summary says whether each training curve is flat (it fell by less than 3%
over the last fifth of the epochs). The figure puts every model's training loss on the left
and validation loss on the right, on one shared y-axis, each named with its
parameter count. The chapter's figure is a classification task; its caption's
claim, that depth can lower both losses on structured function classes, is what
is tested here.
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
LR = 0.05
MOMENTUM = 0.9
NOISE = 0.05
FLAT_FRACTION = 0.2
FLAT_TOLERANCE = 0.03
MODELS = {
    "shallow": ("shallow 2-64-1", [64, 1]),
    "deep": ("deep-narrow 2-16-16-16-16-1", [16] * 4 + [1]),
    "wide": ("shallow 2-220-1, deep's parameter count", [220, 1]),
}


def task(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` samples of the synthetic regression task."""
    X = rng.uniform(-1, 1, (n, 2))
    y = np.sin(3 * X[:, 0]) * np.cos(2 * X[:, 1]) + 0.5 * X[:, 0] * X[:, 1]
    return X, y + rng.normal(0.0, NOISE, n)


def is_flat(losses: Sequence[float]) -> bool:
    """Whether the loss fell by less than ``FLAT_TOLERANCE`` (relative) over the last
    ``FLAT_FRACTION`` of the epochs (at least 2 epochs)."""
    window = max(2, int(len(losses) * FLAT_FRACTION))
    if len(losses) <= window:
        return False
    before, now = losses[-window - 1], losses[-1]
    return before - now < FLAT_TOLERANCE * before


def turns_up(val: Sequence[float]) -> bool:
    """Whether the validation loss ends more than 5% above its lowest value (overfitting)."""
    return val[-1] > 1.05 * min(val)


def verdict(results: dict[str, Any], histories: dict[str, nn.History]) -> str:
    """Which network generalises better, and why, read off the curves' final values."""
    val = {k: results[f"{k}_val_mse"] for k in MODELS}
    train = {k: results[f"{k}_train_mse"] for k in MODELS}
    best = min(("shallow", "deep"), key=lambda k: val[k])
    other = "deep" if best == "shallow" else "shallow"
    rising = [k for k, h in histories.items() if turns_up(h.val_loss)]
    why = (
        f"its training loss is lower too ({train[best]:.5f} against {train[other]:.5f}), and"
        f" the gap to validation is {val[best] - train[best]:.5f} against"
        f" {val[other] - train[other]:.5f}"
    )
    over = (
        f"the validation loss turns up for {', '.join(rising)} (overfitting)"
        if rising
        else "no validation curve turns up (no overfitting within the run)"
    )
    wide = "does not make up for" if val["wide"] > val["deep"] else "matches"
    return (
        f"{MODELS[best][0]} generalises better: validation MSE {val[best]:.5f} against"
        f" {val[other]:.5f} (noise floor {NOISE**2:.4f}); {why}; {over}. At the deep net's"
        f" parameter count a shallow net reaches {val['wide']:.5f}: width {wide} depth here."
    )


def run(
    out: str | Path = "out/shallow_vs_deep",
    seed: int = 0,
    quick: bool = False,
    epochs: int | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    """Train the networks until flat, plot their loss curves together, return the losses."""
    report = _cli.Report(NAME, out, quiet)
    epochs = epochs or (60 if quick else 3000)
    n = 100 if quick else 300
    rng = np.random.default_rng(seed)
    train, val = task(n, rng), task(n, rng)
    report.say(
        f"y = sin(3x₀)cos(2x₁) + x₀x₁/2 + noise (σ = {NOISE}); {n} training and {n} validation"
        f" points; tanh, MSE, full-batch gradient descent (lr {LR:g}, momentum {MOMENTUM}),"
        f" {epochs} epochs"
    )
    histories: dict[str, nn.History] = {}
    labels = []
    results: dict[str, Any] = {}
    for key, (title, sizes) in MODELS.items():
        model = nn.MLP(2, sizes, activation="tanh", seed=seed)
        history = nn.fit(
            model, "mse", train, val, epochs=epochs, progress=False, compile=True,
            optimizer=nn.SGD(model, lr=LR, momentum=MOMENTUM),
        )  # fmt: skip
        params = model.num_parameters()
        flat = is_flat(history.train_loss)
        results[f"{key}_params"] = params
        results[f"{key}_epochs"] = history.epochs
        results[f"{key}_flat"] = flat
        results[f"{key}_train_mse"] = history.train_loss[-1]
        results[f"{key}_val_mse"] = history.val_loss[-1]
        status = "flat" if flat else "still falling"
        report.say(
            f"  {title:40s} {params:4d} parameters, {history.epochs:5d} epochs ({status}):"
            f" training MSE {history.train_loss[-1]:.5f}, validation MSE {history.val_loss[-1]:.5f}"
        )
        histories[key] = history
        labels.append(f"{title} ({params} parameters)")
    results["verdict"] = verdict(results, histories)
    report.say(f"  {results['verdict']}")
    fig = viz.plot_history(*histories.values(), titles=labels, log=True, overlay=True)
    report.figure(fig, "shallow_vs_deep.png", "Figure 9.4: training and validation loss")
    settings = {"lr": LR, "momentum": MOMENTUM, "epochs": epochs, "points": n, "noise": NOISE,
                "flat_fraction": FLAT_FRACTION, "flat_tolerance": FLAT_TOLERANCE}  # fmt: skip
    return report.finish(results, seed=seed, settings=settings)


def main(argv: Sequence[str] | None = None) -> int:
    p = _cli.parser(NAME, __doc__)
    p.add_argument(
        "--epochs", type=_cli.int_range(1, _cli.MAX_EPOCHS), default=None,
        help=f"gradient-descent epochs for each network, 1–{_cli.MAX_EPOCHS}"
        " (default: 3000; 60 with --quick)",
    )  # fmt: skip
    a = p.parse_args(argv)
    run(a.out, a.seed, a.quick, a.epochs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
