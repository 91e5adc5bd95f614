"""Splitting and scaling: ``train_val_split`` and ``standardize``."""

from __future__ import annotations

from typing import Any

import numpy as np

from nn.module import check_number


def train_val_split(
    X: Any, y: Any, val_fraction: float = 0.25, seed: int | None = 0
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Shuffle with ``seed`` and split: returns ``((X_train, y_train), (X_val, y_val))``.

    The validation part has ``round(val_fraction·n)`` samples (at least 1 and at
    most n - 1).
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or len(X) < 2:
        raise ValueError(f"need at least 2 samples to split, got {0 if X.ndim == 0 else len(X)}")
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}")
    f = check_number(val_fraction, "val_fraction")
    if not 0 < f < 1:
        raise ValueError(f"val_fraction must be in (0, 1), got {f!r}")
    n_val = min(max(round(f * len(X)), 1), len(X) - 1)
    order = np.random.default_rng(seed).permutation(len(X))
    val, tr = order[:n_val], order[n_val:]
    return (X[tr], y[tr]), (X[val], y[val])


def standardize(X_train: Any, *others: Any) -> tuple[np.ndarray, ...]:
    """Scale columns to mean 0, standard deviation 1 using the training data's statistics.

    ``z = (x - μ_train) / σ_train`` (σ = 1 for a constant column); returns the
    standardized ``X_train`` followed by each of ``others`` scaled the same way.
    """
    X = np.asarray(X_train, dtype=np.float64)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"X_train must be a non-empty 2-D array, got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X_train contains NaN or inf")
    mu, sd = X.mean(axis=0), X.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    out = [(X - mu) / sd]
    for i, other in enumerate(others):
        Z = np.asarray(other, dtype=np.float64)
        if Z.ndim != 2 or Z.shape[1] != X.shape[1]:
            raise ValueError(f"array {i + 1} has shape {Z.shape}; expected (n, {X.shape[1]})")
        out.append((Z - mu) / sd)
    return tuple(out)
