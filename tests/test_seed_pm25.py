"""The PM2.5 running example: a time-ordered split, early stopping on validation, test errors
reported, baselines drawn beside the MLP, forecasts that are never negative, synthetic marked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nn
import viz
from autograd import Value
from demos import smoke_pm25


def test_time_split_is_in_order_and_covers_every_day_once():
    train, val, test = smoke_pm25.time_split(100)
    assert (train, val, test) == (slice(0, 60), slice(60, 80), slice(80, 100))
    with pytest.raises(ValueError, match="too few"):
        smoke_pm25.time_split(2)


def test_softplus_mse_is_the_mse_of_softplus_and_its_gradient():
    z = Value(np.array([-3.0, 0.0, 2.0]))
    target = np.array([0.5, 1.0, 2.0])
    loss = smoke_pm25.softplus_mse(z, target)
    s = np.log1p(np.exp(z.data))
    assert loss.data == pytest.approx(np.mean((s - target) ** 2), rel=1e-12)
    loss.backward()
    expected = 2 * (s - target) / 3 * (1 / (1 + np.exp(-z.data)))  # chain rule through softplus
    np.testing.assert_allclose(z.grad, expected, rtol=1e-12)
    assert np.all(smoke_pm25.softplus(np.array([-800.0, 0.0, 800.0])) >= 0)


def test_run_reports_test_days_draws_baselines_and_marks_synthetic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    seen: dict[str, Any] = {}
    plot = viz.plot_regression

    def spy(observed: Any, predicted: Any, **kwargs: Any) -> Any:
        seen.update(kwargs, observed=np.asarray(observed), predicted=np.asarray(predicted))
        return plot(observed, predicted, **kwargs)

    monkeypatch.setattr(viz, "plot_regression", spy)
    r = smoke_pm25.run(tmp_path, quick=True, quiet=True)
    series = nn.data.smoke_pm25(days=3 * 365, seed=0)
    X, y = nn.data.lag_features(series, lags=3)
    _, _, test = smoke_pm25.time_split(len(X))
    assert np.array_equal(seen["observed"], y[test])  # the test days, the last 20 %
    assert set(seen["baselines"]) == {"persistence", "linear (least squares)"}
    assert np.array_equal(seen["baselines"]["persistence"], X[test, 0])
    assert "synthetic" in seen["title"]
    assert np.all(seen["predicted"] >= 0)
    persistence = np.sqrt(np.mean((X[test, 0] - y[test]) ** 2))
    assert r["persistence_test_rmse"] == pytest.approx(persistence, rel=1e-12)
    record = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert record["seed"] == 0 and record["settings"]["split"] == [0.6, 0.8]
    assert record["results"]["synthetic"] is True
    assert record["results"]["test_days"] == len(X) - test.start
    assert 1 <= record["results"]["best_epoch"] <= record["results"]["epochs"]


def test_plot_regression_draws_named_baselines() -> None:
    obs = np.array([1.0, 2.0, 3.0, 4.0])
    fig = viz.plot_regression(
        obs, obs + 0.5, baselines={"today": obs - 1.0}, label="MLP", quantity="PM2.5"
    )
    series = fig.axes[0]
    names = [t.get_text() for t in series.get_legend().get_texts()]
    assert names == ["observed", "today (RMSE 1)", "MLP (RMSE 0.5)"]
    assert series.get_ylabel() == "PM2.5 (µg/m³)"
    with pytest.raises(ValueError, match="baseline 'short' has 2 values for 4 observed"):
        viz.plot_regression(obs, obs, baselines={"short": obs[:2]})
