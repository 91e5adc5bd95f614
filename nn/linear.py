"""A single-layer linear network ``y = A x`` and its closed-form least-squares baselines."""

from __future__ import annotations

from typing import Any, Literal, overload

import numpy as np

from autograd import Value, dot
from nn.activations import init_weights
from nn.module import (
    Inputs,
    Module,
    check_count,
    check_number,
    label_parameters,
)
from nn.neuron import Seed, make_rng


class Linear(Module):
    """``y = A x`` (``+ b`` with ``bias=True``): ``nout`` outputs, no activation.

    Row j of A is the list ``A[j]`` of Values (parameters ``A.j.i``, labelled
    ``A{j+1}.{i+1}`` like the entry Aⱼᵢ of the math, 1-based; biases ``b1 …``);
    output j is one ``dot`` node ``Σᵢ Aⱼᵢ·xᵢ``. ``init="zeros"`` (the default) starts from
    A = 0, the start from which gradient descent on least squares converges to the
    minimum-norm (pseudo-inverse) solution; ``"xavier"`` draws Glorot-uniform
    weights from ``seed``. Always returns a list of ``nout`` Values.
    """

    wraps_inputs = True

    def __init__(
        self,
        nin: int,
        nout: int = 1,
        *,
        bias: bool = False,
        init: str = "zeros",
        seed: Seed = None,
        name: str = "",
    ) -> None:
        self.nin = check_count(nin, "nin")
        self.nout = check_count(nout, "nout")
        self.name = name
        ws = init_weights(make_rng(seed), self.nin, self.nout, init, self.nin * self.nout)
        with self.group():
            self.A = [
                [Value(float(ws[j * self.nin + i])) for i in range(self.nin)]
                for j in range(self.nout)
            ]
            self.b = [Value(0.0) for _ in range(self.nout)] if bias else []
        label_parameters(self)  # A1.1 … (1-based, as in y = A x), b1 …

    @property
    def matrix(self) -> np.ndarray:
        """A as a numpy array of shape (nout, nin)."""
        return np.array([[p.data for p in row] for row in self.A], dtype=np.float64)

    def forward(self, x: Inputs) -> list[Value]:
        xs: list[Value] = x  # __call__ made them Values (as_inputs)
        if self.b:
            return [dot(row, xs, b) for row, b in zip(self.A, self.b)]
        return [dot(row, xs) for row in self.A]

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "nout": self.nout, "bias": bool(self.b), "name": self.name}


def _check_xy(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must be a non-empty 2-D array (samples × features), got {X.shape}")
    if y.ndim not in (1, 2) or y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have one row per sample of X ({X.shape[0]}), got shape {y.shape}")
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise ValueError("X and y must not contain NaN or inf")
    return X, y


def lstsq_pinv(X: Any, y: Any) -> np.ndarray:
    """Least squares by the Moore-Penrose pseudo-inverse: ``A = Y X⁺``.

    With samples as rows of X (n × d) and targets y (n,) or (n, k), this is
    ``A = yᵀ · pinv(Xᵀ)``: shape (d,) or (k, d), predictions ``X @ A.T``. When the
    problem is under-determined it is the solution of minimum norm ‖A‖. Singular values
    below ``max(n, d)·ε·σ₁`` count as zero, as in MATLAB's ``pinv``: the SVD leaves that much
    rounding on a zero one (numpy's default cutoff, ``1e-15·σ₁``, is narrower, and which
    side of it such a value falls depends on the LAPACK build).
    """
    X, y = _check_xy(X, y)
    return y.T @ np.linalg.pinv(X.T, rcond=max(X.shape) * np.finfo(float).eps)


@overload
def ridge(X: Any, y: Any, alpha: float = 1.0, intercept: Literal[False] = False) -> np.ndarray: ...
@overload
def ridge(
    X: Any, y: Any, alpha: float = 1.0, *, intercept: Literal[True]
) -> tuple[np.ndarray, np.ndarray | float]: ...
def ridge(
    X: Any, y: Any, alpha: float = 1.0, intercept: bool = False
) -> np.ndarray | tuple[np.ndarray, np.ndarray | float]:
    """Ridge regression: ``A = argmin ‖X Aᵀ - y‖² + α‖A‖² = yᵀ X (XᵀX + αI)⁻¹``.

    Same shapes as :func:`lstsq_pinv`; ``alpha`` must be positive (α → 0 tends to
    the pseudo-inverse solution). With ``intercept=True`` the model is ``X Aᵀ + b``
    with b not penalised, as scikit-learn's ``Ridge()`` fits it (its defaults are
    α = 1 and an intercept): X and y are centred on their means, A solved on the
    centred data, ``b = ȳ - x̄ Aᵀ``; the result is the pair ``(A, b)``.
    """
    X, y = _check_xy(X, y)
    a = check_number(alpha, "alpha")
    if a <= 0:
        raise ValueError(f"alpha must be positive (use lstsq_pinv for alpha = 0), got {a!r}")
    x_mean = X.mean(axis=0) if intercept else np.zeros(X.shape[1])
    y_mean = y.mean(axis=0) if intercept else np.zeros(y.shape[1:])
    Xc, yc = X - x_mean, y - y_mean
    gram = Xc.T @ Xc + a * np.eye(X.shape[1])
    A = np.linalg.solve(gram, Xc.T @ yc).T
    if not intercept:
        return A
    b = y_mean - A @ x_mean
    return A, (float(b) if np.ndim(b) == 0 else b)
