"""Kandolf's Figure 5 reproduced: dogs +1 first, pseudo-inverse 0.8125, ridge as scikit-learn's
``Ridge()`` (α = 1, with intercept) 0.775, and nn.ridge equal to scikit-learn's."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

import nn
from demos import linear_network

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("CHAINRULE_DATA", ROOT.parent / "shared" / "data"))
needs_data = pytest.mark.skipif(
    not DATA.is_dir(), reason="cats/dogs data not at ../shared/data (or $CHAINRULE_DATA)"
)
linear_model = pytest.importorskip("sklearn.linear_model")


@pytest.mark.parametrize("shape", [(30, 5), (12, 40)], ids=["tall", "wide"])
@pytest.mark.parametrize("alpha", [0.1, 1.0, 25.0])
def test_ridge_with_intercept_is_scikit_learns_ridge(shape: tuple[int, int], alpha: float):
    rng = np.random.default_rng(shape[1])
    X = rng.normal(2.0, 3.0, shape)
    y = X @ rng.normal(size=shape[1]) + 4.0 + rng.normal(size=shape[0])
    A, b = nn.ridge(X, y, alpha, intercept=True)
    ref = linear_model.Ridge(alpha=alpha).fit(X, y)
    np.testing.assert_allclose(A, ref.coef_, rtol=1e-9, atol=1e-12)
    assert b == pytest.approx(ref.intercept_, rel=1e-9, abs=1e-12)
    plain = nn.ridge(X, y, alpha)  # without intercept: fit_intercept=False
    ref0 = linear_model.Ridge(alpha=alpha, fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(plain, ref0.coef_, rtol=1e-9, atol=1e-12)


def test_ridge_with_intercept_for_several_targets():
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(20, 4)), rng.normal(size=(20, 2)) + np.array([1.0, -2.0])
    A, b = nn.ridge(X, Y, 1.0, intercept=True)
    ref = linear_model.Ridge().fit(X, Y)
    np.testing.assert_allclose(A, ref.coef_, rtol=1e-9)
    np.testing.assert_allclose(b, ref.intercept_, rtol=1e-9)


def test_the_split_puts_dogs_first_labelled_plus_one():
    cats, dogs = np.zeros((3, 5)), np.ones((3, 5))
    (Xt, yt), (Xs, ys) = nn.data.cats_dogs_split(nn.data.CatsDogs(cats, dogs), n_train=2)
    assert yt.tolist() == [1, 1, -1, -1] and ys.tolist() == [1, 1, 1, -1, -1, -1]
    assert Xt[:2].tolist() == [[1.0] * 3] * 2 and Xs[3:].tolist() == [[0.0] * 3] * 3


@needs_data
def test_figure_5_numbers_on_the_real_data(tmp_path: Path):
    data = nn.data.cats_dogs(DATA)
    (Xt, yt), (Xs, ys) = nn.data.cats_dogs_split(data, 40)
    ref = linear_model.Ridge(random_state=6020).fit(Xt, yt)  # the text's call
    A, b = nn.ridge(Xt, yt, 1.0, intercept=True)
    np.testing.assert_allclose(Xs @ A + b, ref.predict(Xs), rtol=1e-8, atol=1e-10)
    assert np.mean(np.sign(ref.predict(Xs)) == ys) == 0.775

    r = linear_network.run(tmp_path, quick=True, data=DATA, quiet=True)
    record = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert record["results"]["pinv_accuracy"] == r["pinv_accuracy"] == 0.8125
    assert record["results"]["ridge_accuracy"] == r["ridge_accuracy"] == 0.775
    assert record["settings"]["ridge_alpha"] == 1.0 and record["settings"]["ridge_intercept"]
    assert record["results"]["real_data"] is True


def test_a_figure_from_the_stand_in_says_synthetic(tmp_path: Path, monkeypatch):
    import viz

    seen: dict[str, object] = {}
    plot = viz.plot_prediction_signs

    def spy(*args, **kwargs):
        fig = plot(*args, **kwargs)
        seen["suptitle"] = fig._suptitle.get_text() if fig._suptitle else ""
        seen["panels"] = list(args[0])
        return fig

    monkeypatch.setattr(viz, "plot_prediction_signs", spy)
    r = linear_network.run(tmp_path, quick=True, quiet=True)
    assert not r["real_data"]
    assert "synthetic" in str(seen["suptitle"]) and "not the book's data" in str(seen["suptitle"])
    assert seen["panels"][:2] == ["(a) pseudo-inverse", "(b) ridge, Ridge() α = 1"]
    record = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert record["settings"]["data"] == "synthetic" and record["results"]["real_data"] is False
