"""The perceptron rule: hand-computed updates, and equivalence with scikit-learn's SGD."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn


def params(p: nn.Perceptron) -> list[float]:
    return [w.data for w in p.w] + [p.b.data]


def test_rule_by_hand() -> None:
    """Four samples, η = 0.5, weights from 0; each step worked out on paper."""
    X = np.array([[1.0, 2.0], [-1.0, 1.0], [2.0, -1.0], [0.5, 0.5]])
    y = np.array([1, -1, 1, -1])
    p = nn.Perceptron(2)
    mistakes = nn.fit_perceptron(p, X, y, epochs=1, lr=0.5)
    # 1: z = 0, y·z = 0 ≤ 0 → w = 0.5·(1, 2) = (0.5, 1),       b = 0.5
    # 2: z = -0.5 + 1 + 0.5 = 1, y·z = -1 → w = (1, 0.5),       b = 0
    # 3: z = 2 - 0.5 + 0 = 1.5, y·z = 1.5 > 0 → no update
    # 4: z = 0.5 + 0.25 + 0 = 0.75, y·z = -0.75 → w = (0.75, 0.25), b = -0.5
    assert params(p) == [0.75, 0.25, -0.5]
    assert mistakes == [3]
    # the same labels given as 0/1
    q = nn.Perceptron(2)
    q.fit(X, (y > 0).astype(int), epochs=1, lr=0.5)
    assert params(q) == params(p)


def test_perceptron_separates_separable_data_and_predicts_with_a_step() -> None:
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (60, 2))
    y = np.where(X @ np.array([1.0, -2.0]) + 0.3 > 0, 1, -1)
    p = nn.Perceptron(2)
    mistakes = p.fit(X, y, epochs=200, lr=1.0)
    assert mistakes[-1] == 0  # converged: a whole epoch without a mistake
    out = p(X)
    assert set(np.unique(out.data)) <= {0.0, 1.0}
    assert np.array_equal(out.data, (y > 0).astype(float))
    assert p.score(X).op == "dot" and not p(X).parents


def test_bad_perceptron_inputs_change_nothing() -> None:
    p = nn.Perceptron(2)
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    for bad_X, bad_y, message in [
        (X, np.array([1, 2]), "binary labels"),
        (X, np.array([1, -1, 1]), "2 samples but y has 3"),
        (np.array([[1.0, np.nan], [0.0, 1.0]]), np.array([1, -1]), "NaN"),
        (X[:, :1], np.array([1, -1]), "width 2"),
        (np.zeros((0, 2)), np.zeros(0), "empty"),
    ]:
        with pytest.raises(ValueError, match=message):
            nn.fit_perceptron(p, bad_X, bad_y)
    with pytest.raises(ValueError, match="lr"):
        nn.fit_perceptron(p, X, np.array([1, -1]), lr=0.0)
    assert params(p) == [0.0, 0.0, 0.0]


def reference_rule(X: np.ndarray, y: np.ndarray, eta: float, epochs: int) -> np.ndarray:
    """The rule written again with numpy vectors (an independent transcription)."""
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        for x, t in zip(X, np.where(y > 0, 1.0, -1.0)):
            if t * (w @ x + b) <= 0:
                w, b = w + eta * t * x, b + eta * t
    return np.r_[w, b]


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**20), st.integers(1, 30), st.floats(0.01, 2.0), st.integers(1, 3))
def test_rule_matches_a_numpy_transcription(seed: int, n: int, eta: float, epochs: int) -> None:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = rng.integers(0, 2, n)
    p = nn.Perceptron(3)
    nn.fit_perceptron(p, X, y, epochs=epochs, lr=eta)
    assert np.allclose(params(p), reference_rule(X, y, eta, epochs), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_same_updates_as_scikit_learn(seed: int) -> None:
    sklearn_linear = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(40, 4))
    y = (X @ rng.normal(size=4) + 0.3 * rng.normal(size=40) > 0).astype(int)
    eta, epochs = [0.1, 0.5, 1.0, 0.01, 2.0][seed], 3
    clf = sklearn_linear.SGDClassifier(
        loss="perceptron",
        learning_rate="constant",
        eta0=eta,
        penalty=None,
        shuffle=False,
        max_iter=epochs,
        tol=None,
    )
    clf.fit(X, y)
    p = nn.Perceptron(4)
    nn.fit_perceptron(p, X, y, epochs=epochs, lr=eta)
    assert np.allclose(params(p), np.r_[clf.coef_[0], clf.intercept_], rtol=1e-12, atol=1e-12)
