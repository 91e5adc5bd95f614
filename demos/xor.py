"""XOR: the interactive exploration cell, its knobs as flags; decision boundary and loss curve.

Data (nn.data.xor): 120 points uniform in (-1, 1)², label 1 where x₀·x₁ > 0.
Model: an MLP 2 → hidden → 1 trained with binary cross-entropy and Adam,
full batch (nn.fit, batched). Things to try, from the chapter:

  python -m demos.xor --hidden 16
  python -m demos.xor --activation tanh
  python -m demos.xor --lr 0.005
  python -m demos.xor --hidden 8 --epochs 2000
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import nn
import viz
from demos import _cli

NAME = "xor"
ACTIVATIONS = ("relu", "tanh")
HIDDEN = (2, 32)
MAX_EPOCHS = 20_000
DEFAULTS: dict[str, Any] = {"hidden": 8, "activation": "relu", "lr": 0.01, "epochs": 500}


def train(
    hidden: int = DEFAULTS["hidden"],
    activation: str = DEFAULTS["activation"],
    lr: float = DEFAULTS["lr"],
    epochs: int = DEFAULTS["epochs"],
    seed: int = 0,
    n: int = 120,
) -> tuple[nn.MLP, np.ndarray, np.ndarray, nn.History]:
    """Train the XOR network; return ``(model, X, y, history)``."""
    if not HIDDEN[0] <= hidden <= HIDDEN[1]:
        raise ValueError(f"hidden must be between {HIDDEN[0]} and {HIDDEN[1]}, got {hidden}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    if not 0 < lr <= _cli.MAX_LR:  # also refuses nan
        raise ValueError(f"lr must be a number > 0 and ≤ {_cli.MAX_LR:g}, got {lr!r}")
    X, y = nn.data.xor(n, seed=seed)
    model = nn.MLP(2, [hidden, 1], activation=activation, seed=seed)
    history = nn.fit(
        model,
        "binary_cross_entropy",
        (X, y),
        epochs=epochs,
        optimizer=nn.Adam(model, lr=lr),
        seed=seed,
        progress=False,
    )
    return model, X, y, history


def run(
    out: str | Path = "out/xor",
    seed: int = 0,
    quick: bool = False,
    hidden: int = DEFAULTS["hidden"],
    activation: str = DEFAULTS["activation"],
    lr: float = DEFAULTS["lr"],
    epochs: int | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    """Train, plot the decision boundary beside the loss curve, return the final numbers."""
    report = _cli.Report(NAME, out, quiet)
    epochs = epochs or (100 if quick else DEFAULTS["epochs"])
    report.say(
        f"XOR: MLP 2 → {hidden} ({activation}) → 1, Adam lr {lr:g}, {epochs} epochs, seed {seed}"
    )
    model, X, y, history = train(hidden, activation, lr, epochs, seed)
    accuracy = float(np.mean((model.predict(X) > 0) == (y > 0)))
    report.say(f"  final training loss {history.train_loss[-1]:.4f}, accuracy {accuracy:.3f}")
    fig = viz.plot_decision_boundary(model.predict, X, y, history=history)
    report.figure(fig, "xor.png", "decision boundary and loss curve")
    return report.finish(
        {
            "hidden": hidden,
            "activation": activation,
            "lr": lr,
            "epochs": epochs,
            "loss": history.train_loss[-1],
            "accuracy": accuracy,
        }
    )


def main(argv: Sequence[str] | None = None) -> int:
    p = _cli.parser(NAME, __doc__)
    p.add_argument(
        "--hidden",
        type=_cli.int_range(*HIDDEN),
        default=DEFAULTS["hidden"],
        help=f"hidden units, {HIDDEN[0]}–{HIDDEN[1]} (default: {DEFAULTS['hidden']})",
    )
    p.add_argument(
        "--activation",
        choices=ACTIVATIONS,
        default=DEFAULTS["activation"],
        help=f"hidden activation (default: {DEFAULTS['activation']})",
    )
    p.add_argument(
        "--lr",
        type=_cli.learning_rate,
        default=DEFAULTS["lr"],
        help=f"Adam learning rate, a number > 0 and ≤ {_cli.MAX_LR:g} (default: {DEFAULTS['lr']})",
    )
    p.add_argument(
        "--epochs",
        type=_cli.int_range(1, MAX_EPOCHS),
        default=None,
        help=f"training epochs, 1–{MAX_EPOCHS} (default: {DEFAULTS['epochs']}; 100 with --quick)",
    )
    a = p.parse_args(argv)
    run(a.out, a.seed, a.quick, a.hidden, a.activation, a.lr, a.epochs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
