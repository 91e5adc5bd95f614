"""The running example: tomorrow's PM2.5 from lags and weather; a small network against baselines.

Daily station PM2.5 during wildfire smoke seasons (nn.data.smoke_pm25, three
synthetic years, marked synthetic wherever shown; or real data with --csv)
becomes a table of the last 3 days' PM2.5 and today's weather → tomorrow's
PM2.5 (nn.data.lag_features). The days are split in time order, never
shuffled, so the future cannot leak into training: the first 60% train, the
next 20% validate (early stopping picks the epoch), the last 20% test, and
only the test days are reported. Three forecasts: persistence (tomorrow =
today), a linear model by least squares (nn.lstsq_pinv) and an MLP whose
output goes through softplus, so that its forecast of a concentration is never
negative (least squares has no such bound, and the demo counts its negative
forecasts). The chapter's point: a deep model is justified only by what it
adds over these baselines.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import nn
import viz
from autograd import Value
from demos import _cli

NAME = "smoke_pm25"
LAGS = 3
SPLIT = (0.6, 0.8)
"""Where validation and test start, as fractions of the days (in time order)."""
HIDDEN = [16, 8]
LR = 0.003
PATIENCE = 40


def _scores(pred: np.ndarray, obs: np.ndarray) -> tuple[float, float]:
    err = pred - obs
    return float(np.sqrt(np.mean(err**2))), float(np.mean(np.abs(err)))


def load(csv: str | Path | None, seed: int) -> tuple[nn.data.DailySeries, str]:
    """Station data from ``csv`` (gaps up to 3 days interpolated), else the synthetic series."""
    if csv is None:
        return nn.data.smoke_pm25(days=3 * 365, seed=seed), "synthetic smoke seasons, 3 years"
    return nn.data.load_pm25_csv(csv, gaps="interpolate"), f"station data from {csv}"


def softplus_mse(pred: Value, target: Any) -> Value:
    """Mean squared error of ``softplus(pred)``: an MLP with a softplus output layer.

    ``softplus(z) = ln(1 + eᶻ) > 0``, so a forecast trained this way is never negative.
    """
    return nn.mse(pred.softplus(), target)


def softplus(z: np.ndarray) -> np.ndarray:
    """``ln(1 + eᶻ)`` in numpy, without overflow."""
    return np.logaddexp(0.0, z)


def time_split(n: int) -> tuple[slice, slice, slice]:
    """Train, validation and test rows of ``n`` days in time order (60/20/20 %)."""
    a, b = int(n * SPLIT[0]), int(n * SPLIT[1])
    if not 0 < a < b < n:
        raise ValueError(f"{n} days are too few to split into training, validation and test")
    return slice(0, a), slice(a, b), slice(b, n)


def run(
    out: str | Path = "out/smoke_pm25",
    seed: int = 0,
    quick: bool = False,
    csv: str | Path | None = None,
    epochs: int | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    """Fit the three forecasts, print their test errors, plot curves and test predictions."""
    report = _cli.Report(NAME, out, quiet)
    epochs = epochs or (40 if quick else 400)
    series, source = load(csv, seed)
    table = nn.data.lag_features(series, lags=LAGS)
    X, y = table
    train, val, test = time_split(len(X))
    names = [f"PM2.5 lag {k}" for k in range(1, LAGS + 1)] + list(series.weather)
    report.say(f"PM2.5 tomorrow from {', '.join(names)} ({source})")
    report.say(
        f"  in time order: {train.stop} training days, {val.stop - val.start} validation days"
        f" (early stopping), then {len(X) - test.start} test days (reported)"
    )

    forecasts: dict[str, np.ndarray] = {"persistence": X[:, 0]}  # lag 1 = today
    with_ones = np.column_stack([X, np.ones(len(X))])
    forecasts["linear (least squares)"] = with_ones @ nn.lstsq_pinv(with_ones[train], y[train])

    Z_train, Z_val, Z_all = nn.data.standardize(X[train], X[val], X)
    scale = float(y[train].std())  # targets divided by a constant stay ≥ 0
    model = nn.MLP(X.shape[1], [*HIDDEN, 1], activation="relu", seed=seed)
    history = nn.fit(
        model, softplus_mse, (Z_train, y[train] / scale), (Z_val, y[val] / scale),
        epochs=epochs, batch_size=64, optimizer=nn.Adam(model, lr=LR), seed=seed,
        progress=False, early_stopping=nn.EarlyStopping(patience=PATIENCE), compile=False,
    )  # fmt: skip
    mlp_name = f"MLP {X.shape[1]}-{'-'.join(map(str, HIDDEN))}-1 (softplus output)"
    forecasts[mlp_name] = softplus(model.predict(Z_all)) * scale
    best = history.best_epoch + 1 if history.best_epoch is not None else history.epochs
    report.say(
        f"  {mlp_name}: Adam lr {LR:g}, mini-batches of 64, {history.epochs} epochs"
        f" (early stopping on validation, best epoch {best})"
    )
    report.say("  test errors (µg/m³):")
    errors = {name: _scores(f[test], y[test]) for name, f in forecasts.items()}
    for name, (rmse, mae) in errors.items():
        report.say(f"    {name:36s} RMSE {rmse:6.3f}   MAE {mae:6.3f}")
    linear = errors["linear (least squares)"][0]
    gain = 1 - errors[mlp_name][0] / linear
    verdict = "lower" if gain >= 0 else "higher"
    report.say(f"  the MLP's test RMSE is {abs(100 * gain):.1f}% {verdict} than the linear model's")
    negative = {name: int(np.sum(f < 0)) for name, f in forecasts.items()}
    report.say(
        "  negative forecasts over all days: "
        + ", ".join(f"{name.split(' (')[0]} {count}" for name, count in negative.items())
    )

    tag = " (synthetic data)" if csv is None else ""
    fig = viz.plot_history(history, titles=[f"{mlp_name}: MSE on PM2.5 / σ{tag}"], log=True)
    report.figure(fig, "history.png", "training and validation loss")
    # Each target's own date, also when lag_features dropped rows around missing days.
    dates = table.dates[test] if table.dates is not None else None
    baselines = {name: f[test] for name, f in forecasts.items() if name != mlp_name}
    fig = viz.plot_regression(
        y[test], forecasts[mlp_name][test], time=dates, baselines=baselines,
        title=f"PM2.5, test days{tag}", label="MLP", quantity="PM2.5",
    )  # fmt: skip
    report.figure(fig, "predicted_vs_observed.png", "predictions and baselines (test days)")
    result: dict[str, Any] = {
        "epochs": history.epochs, "best_epoch": best, "train_days": train.stop,
        "val_days": val.stop - val.start, "test_days": len(X) - test.start,
        "synthetic": csv is None,
    }  # fmt: skip
    keys = ("persistence", "linear", "mlp")
    for key, (rmse, mae), count in zip(keys, errors.values(), negative.values()):
        result[f"{key}_test_rmse"], result[f"{key}_test_mae"] = rmse, mae
        result[f"{key}_negative_forecasts"] = count
    settings = {"lags": LAGS, "split": list(SPLIT), "hidden": HIDDEN, "lr": LR,
                "max_epochs": epochs, "patience": PATIENCE, "batch_size": 64,
                "data": str(csv) if csv is not None else "synthetic"}  # fmt: skip
    return report.finish(result, seed=seed, settings=settings)


def main(argv: Sequence[str] | None = None) -> int:
    p = _cli.parser(NAME, __doc__)
    p.add_argument(
        "--csv", type=_cli.readable_file, default=None, metavar="PATH",
        help="a readable daily station CSV file with columns date, pm25 and weather"
        " (see nn.data.load_pm25_csv)",
    )  # fmt: skip
    p.add_argument(
        "--epochs", type=_cli.int_range(1, _cli.MAX_EPOCHS), default=None,
        help=f"at most this many MLP epochs, 1–{_cli.MAX_EPOCHS} (default: 400; 40 with --quick)",
    )  # fmt: skip
    a = p.parse_args(argv)
    return _cli.exit_code(lambda: run(a.out, a.seed, a.quick, a.csv, a.epochs))


if __name__ == "__main__":
    raise SystemExit(main())
