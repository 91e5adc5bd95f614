"""XOR: the chapter's exploration cell (§9.13) on the engine; decision boundary and loss curve.

The cell's settings, reproduced exactly: numpy default_rng(42) draws 120 points
uniform in [-1, 1]² (label 1 where x₁·x₂ > 0), then from the same generator the
weights W1 (H×2), W2 (H×H), W3 (1×H), each N(0, 0.5²), biases zero. Two hidden
layers of H = 8 (relu or tanh), sigmoid output, mean binary cross-entropy
(the sigmoid sits in the loss, so the gradient at the output logit is
(out − y)/n), full-batch gradient descent with lr 0.05 for 500 epochs; the
first loss is 0.69730. --optimizer adam trains with Adam instead. The
chapter's things to try:

  python -m demos.xor --hidden 4        (and --hidden 16)
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
OPTIMIZERS = ("sgd", "adam")
HIDDEN = (2, 32)
MAX_EPOCHS = 20_000
N_POINTS = 120
WEIGHT_STD = 0.5
DEFAULTS: dict[str, Any] = {
    "hidden": 8,
    "activation": "relu",
    "lr": 0.05,
    "epochs": 500,
    "optimizer": "sgd",
    "seed": 42,
}
"""The chapter's settings (§9.13): N_HIDDEN, ACTIVATION, LEARNING_RATE, N_EPOCHS, the seed."""


def check_settings(hidden: int, activation: str, lr: float, optimizer: str = "sgd") -> None:
    """ValueError naming the knob when one is outside what the cell allows."""
    if (
        isinstance(hidden, bool)
        or not isinstance(hidden, int)
        or not HIDDEN[0] <= hidden <= HIDDEN[1]
    ):
        raise ValueError(f"hidden must be between {HIDDEN[0]} and {HIDDEN[1]}, got {hidden!r}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    if not 0 < lr <= _cli.MAX_LR:  # also refuses nan
        raise ValueError(f"lr must be a number > 0 and ≤ {_cli.MAX_LR:g}, got {lr!r}")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")


def chapter_setup(
    hidden: int = DEFAULTS["hidden"], seed: int = DEFAULTS["seed"]
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """The cell's data and initial weights: ``(X, y, [W1, W2, W3])``, drawn in its order.

    One generator, ``default_rng(seed)``: first the 120 points, then W1 (H×2),
    W2 (H×H) and W3 (1×H), each entry N(0, 0.5²). The biases start at zero.
    """
    rng = np.random.default_rng(seed)
    X, y = nn.data.xor(N_POINTS, seed=rng)
    shapes = [(hidden, 2), (hidden, hidden), (1, hidden)]
    return X, y, [rng.normal(0.0, WEIGHT_STD, shape) for shape in shapes]


def build(
    hidden: int = DEFAULTS["hidden"],
    activation: str = DEFAULTS["activation"],
    seed: int = DEFAULTS["seed"],
) -> tuple[nn.MLP, np.ndarray, np.ndarray]:
    """The cell's network before training, on the engine: ``(model, X, y)``.

    An ``nn.MLP`` 2 → H → H → 1 loaded with the cell's weights; its output is the
    logit z₃, and ``binary_cross_entropy`` applies the sigmoid (as softplus(z) − y·z).
    """
    check_settings(hidden, activation, 0.05)
    X, y, weights = chapter_setup(hidden, seed)
    return nn.MLP.from_arrays(weights, activation=activation), X, y


def train(
    hidden: int = DEFAULTS["hidden"],
    activation: str = DEFAULTS["activation"],
    lr: float = DEFAULTS["lr"],
    epochs: int = DEFAULTS["epochs"],
    seed: int = DEFAULTS["seed"],
    optimizer: str = DEFAULTS["optimizer"],
) -> tuple[nn.MLP, np.ndarray, np.ndarray, nn.History]:
    """Train the cell's network by full-batch gradient descent (or Adam); return
    ``(model, X, y, history)``. ``history.train_loss[k]`` is the loss before update k,
    as the cell records it. The steps run compiled (``autograd.compile``: the engine's
    arithmetic as generated code, traced once), which is about twice as fast."""
    check_settings(hidden, activation, lr, optimizer)
    model, X, y = build(hidden, activation, seed)
    step = nn.SGD(model, lr=lr) if optimizer == "sgd" else nn.Adam(model, lr=lr)
    history = nn.fit(
        model, "binary_cross_entropy", (X, y), epochs=epochs, optimizer=step, progress=False,
        compile=True,
    )  # fmt: skip
    return model, X, y, history


def run(
    out: str | Path = "out/xor",
    seed: int = DEFAULTS["seed"],
    quick: bool = False,
    hidden: int = DEFAULTS["hidden"],
    activation: str = DEFAULTS["activation"],
    lr: float = DEFAULTS["lr"],
    epochs: int | None = None,
    quiet: bool = False,
    optimizer: str = DEFAULTS["optimizer"],
) -> dict[str, Any]:
    """Train, plot the decision boundary beside the loss curve, return the final numbers."""
    check_settings(hidden, activation, lr, optimizer)
    report = _cli.Report(NAME, out, quiet)
    epochs = epochs or (100 if quick else DEFAULTS["epochs"])
    how = "gradient descent" if optimizer == "sgd" else "Adam"
    report.say(
        f"XOR (§9.13): MLP 2 → {hidden} → {hidden} ({activation}) → 1 (sigmoid in the loss),"
        f" full-batch {how} lr {lr:g}, {epochs} epochs, default_rng({seed})"
    )
    model, X, y, history = train(hidden, activation, lr, epochs, seed, optimizer)
    accuracy = float(np.mean((model.predict(X) > 0) == (y > 0)))
    report.say(
        f"  first loss {history.train_loss[0]:.5f}, final loss {history.train_loss[-1]:.5f},"
        f" training accuracy {accuracy:.4f}"
    )
    fig = viz.plot_decision_boundary(
        model.predict,
        X,
        y,
        history=history,
        title=f"decision boundary ({activation}, {hidden} units)",
        loss_label="binary cross-entropy",
    )
    report.figure(fig, "xor.png", "decision boundary and loss curve")
    settings = {"hidden": hidden, "activation": activation, "lr": lr, "epochs": epochs,
                "optimizer": optimizer, "points": N_POINTS, "weight_std": WEIGHT_STD}  # fmt: skip
    return report.finish(
        {
            "first_loss": history.train_loss[0],
            "final_loss": history.train_loss[-1],
            "train_accuracy": accuracy,
            **settings,
        },
        seed=seed,
        settings=settings,
    )


def main(argv: Sequence[str] | None = None) -> int:
    p = _cli.parser(NAME, __doc__, seed=DEFAULTS["seed"])
    p.add_argument(
        "--hidden",
        type=_cli.int_range(*HIDDEN),
        default=DEFAULTS["hidden"],
        help=f"hidden units per layer, {HIDDEN[0]}–{HIDDEN[1]} (default: {DEFAULTS['hidden']})",
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
        help=f"learning rate, a number > 0 and ≤ {_cli.MAX_LR:g} (default: {DEFAULTS['lr']})",
    )
    p.add_argument(
        "--epochs",
        type=_cli.int_range(1, MAX_EPOCHS),
        default=None,
        help=f"training epochs, 1–{MAX_EPOCHS} (default: {DEFAULTS['epochs']}; 100 with --quick)",
    )
    p.add_argument(
        "--optimizer",
        choices=OPTIMIZERS,
        default=DEFAULTS["optimizer"],
        help="sgd: the chapter's full-batch gradient descent; adam: Adam (default: sgd)",
    )
    a = p.parse_args(argv)
    run(a.out, a.seed, a.quick, a.hidden, a.activation, a.lr, a.epochs, optimizer=a.optimizer)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
