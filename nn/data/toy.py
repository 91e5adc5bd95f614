"""Seeded two-dimensional toy data sets: XOR, moons, circles, spirals, blobs.

Each returns ``(X, y)``: X of shape (n, 2) float64, y of shape (n,) int labels
(0/1, or 0…k-1 for blobs and spirals with more classes). For the hinge loss use
``2*y - 1`` (labels ±1).
"""

from __future__ import annotations

import numpy as np

from nn.module import check_count, check_number
from nn.neuron import make_rng


def _noise(noise: float) -> float:
    value = check_number(noise, "noise")
    if value < 0:
        raise ValueError(f"noise must be ≥ 0, got {value!r}")
    return value


def xor(n: int = 120, seed: int | np.random.Generator | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """The seed's XOR cell (§9.13): ``X = rng.uniform(-1, 1, (n, 2))``, ``y = (x₀·x₁ > 0)``.

    ``rng = np.random.default_rng(seed)``; label 1 in the first and third quadrants.
    ``seed`` may be a Generator, which is then used as it is: the chapter draws the
    data with ``default_rng(42)`` and the initial weights from the same generator next.
    """
    rng = make_rng(seed)
    X = rng.uniform(-1, 1, (check_count(n, "n"), 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    return X, y


def moons(n: int = 100, noise: float = 0.1, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (as scikit-learn's ``make_moons``), shuffled.

    Outer moon (label 0): (cos t, sin t); inner moon (label 1): (1 - cos t, 0.5 - sin t),
    t evenly spaced in [0, π]; then Gaussian noise of standard deviation ``noise``.
    """
    n, sd = check_count(n, "n"), _noise(noise)
    rng = np.random.default_rng(seed)
    n_out = n // 2
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n - n_out)
    X = np.concatenate(
        [np.c_[np.cos(t_out), np.sin(t_out)], np.c_[1 - np.cos(t_in), 0.5 - np.sin(t_in)]]
    )
    y = np.r_[np.zeros(n_out, np.int64), np.ones(n - n_out, np.int64)]
    X += rng.normal(0.0, sd, X.shape)
    order = rng.permutation(n)
    return X[order], y[order]


def circles(
    n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A circle of radius 1 (label 0) around one of radius ``factor`` (label 1), plus noise."""
    n, sd = check_count(n, "n"), _noise(noise)
    f = check_number(factor, "factor")
    if not 0 < f < 1:
        raise ValueError(f"factor must be in (0, 1), got {f!r}")
    rng = np.random.default_rng(seed)
    n_out = n // 2
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n - n_out, endpoint=False)
    X = np.concatenate([np.c_[np.cos(t_out), np.sin(t_out)], f * np.c_[np.cos(t_in), np.sin(t_in)]])
    y = np.r_[np.zeros(n_out, np.int64), np.ones(n - n_out, np.int64)]
    X += rng.normal(0.0, sd, X.shape)
    order = rng.permutation(n)
    return X[order], y[order]


def spirals(
    n: int = 200, noise: float = 0.05, turns: float = 1.5, classes: int = 2, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` interleaved Archimedean spirals (two by default), ``turns`` turns each.

    Sample i of class c: radius r = i/m in (0, 1], angle θ = 2π·turns·r + 2πc/classes,
    point r·(cos θ, sin θ) plus Gaussian noise.
    """
    n, sd, k = check_count(n, "n"), _noise(noise), check_count(classes, "classes")
    rng = np.random.default_rng(seed)
    counts = [n // k + (1 if c < n % k else 0) for c in range(k)]
    parts, labels = [], []
    for c, m in enumerate(counts):
        r = np.arange(1, m + 1) / max(m, 1)
        theta = 2 * np.pi * turns * r + 2 * np.pi * c / k
        parts.append(np.c_[r * np.cos(theta), r * np.sin(theta)])
        labels.append(np.full(m, c, np.int64))
    X = np.concatenate(parts) + rng.normal(0.0, sd, (n, 2))
    y = np.concatenate(labels)
    order = rng.permutation(n)
    return X[order], y[order]


def blobs(
    n: int = 100, centers: int = 3, std: float = 0.5, seed: int | None = 0, dim: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Isotropic Gaussian blobs: ``centers`` centres uniform in [-5, 5]^dim; label = blob."""
    n, k, d = check_count(n, "n"), check_count(centers, "centers"), check_count(dim, "dim")
    sd = _noise(std)
    rng = np.random.default_rng(seed)
    mu = rng.uniform(-5, 5, (k, d))
    y = np.arange(n, dtype=np.int64) % k
    X = mu[y] + rng.normal(0.0, sd, (n, d))
    order = rng.permutation(n)
    return X[order], y[order]
