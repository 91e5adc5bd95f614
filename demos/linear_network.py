"""The single-layer linear network y = A x: pseudo-inverse, ridge and gradient descent side by side.

With --data DIR pointing at the cats and dogs wavelet data (catData_w.mat,
dogData_w.mat or cats_dogs_wavelet.npz, e.g. ../shared/data) it reproduces
Kandolf's Figure 5: the first 40 dogs (label +1) and 40 cats (label -1) train,
the other 80 images test, dogs first. (a) The pseudo-inverse solution
A = y·pinv(X) classifies the test images with accuracy 0.8125; (b) ridge as the
text does it, scikit-learn's Ridge() with its defaults (α = 1, with an
intercept), here nn.ridge(X, y, 1.0, intercept=True): accuracy 0.775. Without
--data a synthetic stand-in of the same shape (two Gaussian classes, 256
features) is used, and the figure's title says so. Gradient descent trains
nn.Linear from A = 0 on the mean squared error (heavy-ball momentum, step size
from the spectrum of X); from zero it converges to the pseudo-inverse
(minimum-norm) solution, and the demo prints how far it got.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import nn
import viz
from demos import _cli

NAME = "linear_network"
RIDGE_ALPHA = 1.0
"""scikit-learn's default α, the one the chapter's ``Ridge()`` uses (with an intercept)."""
N_TRAIN = 40


def synthetic(seed: int = 0, features: int = 256, per_class: int = 80) -> nn.data.CatsDogs:
    """Two overlapping Gaussian classes shaped like the cats/dogs data (features × images)."""
    rng = np.random.default_rng(seed)
    direction = rng.normal(0.0, 1.0, features)
    direction /= np.linalg.norm(direction)
    cov = rng.normal(0.0, 1.0, (features, 16))  # correlated features, as in images

    def images(sign: float) -> np.ndarray:
        noise = rng.normal(0.0, 1.0, (per_class, 16)) @ cov.T * 0.5
        noise += rng.normal(0.0, 1.0, (per_class, features))
        return (sign * 2.5 * direction + noise).T

    return nn.data.CatsDogs(cats=images(-1.0), dogs=images(+1.0))


SYNTHETIC = "synthetic stand-in (2 Gaussian classes, 256 features), not the book's data"


def load(data: str | Path | None, seed: int) -> tuple[nn.data.CatsDogs, str]:
    """The real data from ``data`` (a folder or file), else the synthetic stand-in."""
    if data is None:
        return synthetic(seed), SYNTHETIC
    return nn.data.cats_dogs(data), f"cats and dogs wavelet data from {data}"


def _accuracy(X: np.ndarray, y: np.ndarray, A: np.ndarray) -> float:
    return float(np.mean(np.sign(X @ A) == y))


def _distance(A: np.ndarray, ref: np.ndarray) -> float:
    return float(np.linalg.norm(A - ref) / np.linalg.norm(ref))


def run(
    out: str | Path = "out/linear_network",
    seed: int = 0,
    quick: bool = False,
    data: str | Path | None = None,
    epochs: int | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    """Fit A three ways, print test accuracies and ‖A_gd - A_pinv‖/‖A_pinv‖, plot the signs."""
    report = _cli.Report(NAME, out, quiet)
    epochs = epochs or (60 if quick else 200)
    dataset, source = load(data, seed)
    (X_train, y_train), (X_test, y_test) = nn.data.cats_dogs_split(dataset, N_TRAIN)
    report.say(f"y = A x on the {source}")
    report.say(
        f"  train: {len(X_train)} images × {X_train.shape[1]} features; test: {len(X_test)}"
        " images; dogs first, label +1 dog, -1 cat"
    )
    singular = np.linalg.svd(X_train, compute_uv=False)
    A_pinv = nn.lstsq_pinv(X_train, y_train)
    A_ridge, b_ridge = nn.ridge(X_train, y_train, RIDGE_ALPHA, intercept=True)

    # Gradient descent on X / s_max (so the step size is of order 1), then scaled back.
    scale = float(singular[0])
    hessian = 2 * (singular / scale) ** 2 / len(X_train)  # eigenvalues of the MSE's Hessian
    big, small = float(hessian[0]), float(max(hessian[-1], 1e-12 * hessian[0]))
    lr = 4 / (np.sqrt(big) + np.sqrt(small)) ** 2
    momentum = ((np.sqrt(big / small) - 1) / (np.sqrt(big / small) + 1)) ** 2
    model = nn.Linear(X_train.shape[1], 1)  # A = 0
    distances: list[float] = []
    ref = A_pinv * scale

    def track(epoch: int, history: nn.History, m: nn.Module) -> None:
        distances.append(_distance(model.matrix[0], ref))

    history = nn.fit(
        model, "mse", (X_train / scale, y_train), epochs=epochs, progress=False,
        optimizer=nn.SGD(model, lr=lr, momentum=momentum), callbacks=[track],
    )  # fmt: skip
    A_gd = model.matrix[0] / scale

    ridge_scores = X_test @ A_ridge + b_ridge
    results = {
        "pinv_accuracy": _accuracy(X_test, y_test, A_pinv),
        "ridge_accuracy": float(np.mean(np.sign(ridge_scores) == y_test)),
        "ridge_intercept": b_ridge,
        "gd_accuracy": _accuracy(X_test, y_test, A_gd),
        "gd_distance_to_pinv": _distance(A_gd, A_pinv),
        "gd_final_loss": history.train_loss[-1],
        "epochs": epochs,
        "real_data": data is not None,
    }
    report.say(
        f"  pseudo-inverse  A = y·pinv(X):          test accuracy {results['pinv_accuracy']:.4f}"
    )
    report.say(
        f"  ridge, scikit-learn's Ridge() (α = {RIDGE_ALPHA:g}, intercept {b_ridge:.4g}):"
        f"  test accuracy {results['ridge_accuracy']:.4f}"
    )
    report.say(
        f"  gradient descent from A = 0 ({epochs} epochs, lr {lr:.3g} on X/s_max,"
        f" momentum {momentum:.3f}): test accuracy {results['gd_accuracy']:.4f}"
    )
    report.say(
        f"  ‖A_gd - A_pinv‖/‖A_pinv‖ = {results['gd_distance_to_pinv']:.3g}"
        f"  (training MSE {results['gd_final_loss']:.3g})"
    )
    panels = {"(a) pseudo-inverse": X_test @ A_pinv,
              f"(b) ridge, Ridge() α = {RIDGE_ALPHA:g}": ridge_scores,
              "gradient descent from 0": X_test @ A_gd}  # fmt: skip
    fig = viz.plot_prediction_signs(
        panels, y_test, class_names=("cats", "dogs"), xlabel="test image (dogs, then cats)",
        distances=distances, distance_title="‖A_gd - A_pinv‖ / ‖A_pinv‖",
        weights={"A (pseudo-inverse)": A_pinv, "A (gradient descent)": A_gd},
        title=None if data is not None else f"{SYNTHETIC}",
    )  # fmt: skip
    report.figure(fig, "linear_network.png", "signs of the test predictions, and GD → pinv")
    source_name = str(data) if data is not None else "synthetic"
    settings = {"n_train": N_TRAIN, "ridge_alpha": RIDGE_ALPHA, "ridge_intercept": True,
                "epochs": epochs, "data": source_name}  # fmt: skip
    return report.finish(results, seed=seed, settings=settings)


def main(argv: Sequence[str] | None = None) -> int:
    p = _cli.parser(NAME, __doc__)
    p.add_argument(
        "--data",
        type=_cli.existing_path,
        default=None,
        metavar="DIR",
        help="an existing folder (or .npz/.mat file) with the cats and dogs wavelet data",
    )
    p.add_argument(
        "--epochs", type=_cli.int_range(1, _cli.MAX_EPOCHS), default=None,
        help=f"gradient-descent epochs, 1–{_cli.MAX_EPOCHS} (default: 200; 60 with --quick)",
    )  # fmt: skip
    a = p.parse_args(argv)
    return _cli.exit_code(lambda: run(a.out, a.seed, a.quick, a.data, a.epochs))


if __name__ == "__main__":
    raise SystemExit(main())
