"""The running example: tomorrow's PM2.5 from lags and weather; a small network against baselines.

Daily station PM2.5 during wildfire smoke seasons (nn.data.smoke_pm25, three
synthetic years; or real data with --csv) becomes a table of the last 3 days'
PM2.5 and today's weather → tomorrow's PM2.5 (nn.data.lag_features). The first
two thirds of the days train, the last third validates (no shuffling: the
future must not leak into training). Three forecasts, validation RMSE and MAE
for each: persistence (tomorrow = today), a linear model by least squares
(nn.lstsq_pinv) and an MLP. The chapter's point: a deep model is justified
only by what it adds over these baselines.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import nn
import viz
from demos import _cli

NAME = "smoke_pm25"
LAGS = 3


def _scores(pred: np.ndarray, obs: np.ndarray) -> tuple[float, float]:
    err = pred - obs
    return float(np.sqrt(np.mean(err**2))), float(np.mean(np.abs(err)))


def load(csv: str | Path | None, seed: int) -> tuple[nn.data.DailySeries, str]:
    """Station data from ``csv`` (gaps up to 3 days interpolated), else the synthetic series."""
    if csv is None:
        return nn.data.smoke_pm25(days=3 * 365, seed=seed), "synthetic smoke seasons, 3 years"
    return nn.data.load_pm25_csv(csv, gaps="interpolate"), f"station data from {csv}"


def run(
    out: str | Path = "out/smoke_pm25",
    seed: int = 0,
    quick: bool = False,
    csv: str | Path | None = None,
    epochs: int | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    """Fit the three forecasts, print their validation errors, plot curves and predictions."""
    report = _cli.Report(NAME, out, quiet)
    epochs = epochs or (40 if quick else 400)
    series, source = load(csv, seed)
    table = nn.data.lag_features(series, lags=LAGS)
    X, y = table
    cut = int(len(X) * 2 / 3)
    X_train, y_train, X_val, y_val = X[:cut], y[:cut], X[cut:], y[cut:]
    names = [f"PM2.5 lag {k}" for k in range(1, LAGS + 1)] + list(series.weather)
    report.say(f"PM2.5 tomorrow from {', '.join(names)} ({source})")
    report.say(f"  {len(X_train)} training days, then {len(X_val)} validation days")

    errors: dict[str, tuple[float, float]] = {}
    errors["persistence"] = _scores(X_val[:, 0], y_val)  # lag 1 = today

    with_bias = np.column_stack([X_train, np.ones(len(X_train))])
    A = nn.lstsq_pinv(with_bias, y_train)
    linear_pred = np.column_stack([X_val, np.ones(len(X_val))]) @ A
    errors["linear (least squares)"] = _scores(linear_pred, y_val)

    Z_train, Z_val = nn.data.standardize(X_train, X_val)
    mu, sd = float(y_train.mean()), float(y_train.std())
    model = nn.MLP(X.shape[1], [16, 8, 1], activation="relu", seed=seed)
    history = nn.fit(
        model, "mse", (Z_train, (y_train - mu) / sd), (Z_val, (y_val - mu) / sd),
        epochs=epochs, batch_size=64, optimizer=nn.Adam(model, lr=0.003), seed=seed,
        progress=False, early_stopping=nn.EarlyStopping(patience=40),
    )  # fmt: skip
    mlp_pred = model.predict(Z_val) * sd + mu
    mlp_name = f"MLP {X.shape[1]}-16-8-1"
    errors[mlp_name] = _scores(mlp_pred, y_val)
    best = history.best_epoch + 1 if history.best_epoch is not None else history.epochs
    report.say(
        f"  {mlp_name}: Adam lr 0.003, mini-batches of 64, {history.epochs} epochs"
        f" (early stopping, best epoch {best})"
    )
    report.say("  validation errors (µg/m³):")
    for name, (rmse, mae) in errors.items():
        report.say(f"    {name:24s} RMSE {rmse:6.3f}   MAE {mae:6.3f}")
    gain = 1 - errors[mlp_name][0] / errors["linear (least squares)"][0]
    verdict = "lower" if gain >= 0 else "higher"
    report.say(f"  the MLP's RMSE is {abs(100 * gain):.1f}% {verdict} than the linear model's")

    fig = viz.plot_history(history, titles=[f"{mlp_name}: standardized MSE"], log=True)
    report.figure(fig, "history.png", "training and validation loss")
    # Each target's own date, also when lag_features dropped rows around missing days.
    dates = table.dates[cut:] if table.dates is not None else None
    fig = viz.plot_regression(y_val, mlp_pred, time=dates, title="PM2.5 (MLP, validation)")
    report.figure(fig, "predicted_vs_observed.png", "predicted vs observed (validation)")
    result: dict[str, Any] = {"epochs": history.epochs, "train_days": len(X_train),
                              "val_days": len(X_val)}  # fmt: skip
    for key, name in (("persistence", "persistence"), ("linear", "linear (least squares)"),
                      ("mlp", mlp_name)):  # fmt: skip
        result[f"{key}_rmse"], result[f"{key}_mae"] = errors[name]
    return report.finish(result)


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
