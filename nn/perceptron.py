"""``Perceptron``: Rosenblatt's step-activation unit and the perceptron learning rule."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Value, dot, no_grad
from nn.module import (
    Inputs,
    Module,
    as_inputs,
    check_count,
    check_number,
    label_parameters,
)


class Perceptron(Module):
    """``ŷ = step(w·x + b)`` with ``step(z) = 1 if z > 0 else 0``; w and b start at 0.

    The perceptron rule, for each sample in order with label ``y ∈ {-1, +1}``
    (0/1 labels are read as -1/+1) and score ``z = w·x + b``::

        if y·z ≤ 0:   w ← w + η·y·x,   b ← b + η·y

    This is stochastic gradient descent on the perceptron loss max(0, -y·z) with
    the subgradient -y at the kink, and it makes the same updates as
    scikit-learn's ``SGDClassifier(loss="perceptron", learning_rate="constant",
    eta0=η, penalty=None, shuffle=False)`` on the same data, order and η
    (starting from zero weights, one epoch per ``max_iter``).

    The step has derivative 0 wherever it is defined, so ``perceptron(x)`` returns
    a Value with no graph behind it; :meth:`score` returns the recorded ``w·x + b``.
    Parameters are labelled ``w1 … wn`` and ``b``.
    """

    wraps_inputs = True

    def __init__(self, nin: int, *, name: str = "") -> None:
        self.nin = check_count(nin, "nin")
        self.name = name
        with self.group():
            self.w = [Value(0.0) for _ in range(self.nin)]
            self.b = Value(0.0)
        label_parameters(self)  # w1 … wn, b

    def score(self, x: Inputs) -> Value:
        """The pre-activation ``z = Σ wᵢ·xᵢ + b`` (one ``dot`` node)."""
        with self.group():
            return dot(self.w, as_inputs(x, self.nin), self.b)

    def forward(self, x: Inputs) -> Value:
        with no_grad():
            z = dot(self.w, x, self.b).data  # Values from __call__
        return Value(np.where(z > 0, 1.0, 0.0) if isinstance(z, np.ndarray) else float(z > 0))

    def fit(self, X: Any, y: Any, epochs: int = 1, lr: float = 1.0) -> list[int]:
        """Train with the perceptron rule; see :func:`fit_perceptron`."""
        return fit_perceptron(self, X, y, epochs=epochs, lr=lr)

    def config(self) -> dict[str, Any]:
        return {"nin": self.nin, "name": self.name}


def signed_labels(y: Any) -> np.ndarray:
    """Binary labels as ±1: {-1, 1} stays, {0, 1} maps 0 → -1; anything else is a ValueError."""
    arr = np.asarray(y)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"labels must be numbers, got an array of dtype {arr.dtype}")
    arr = arr.astype(np.float64)
    if arr.ndim != 1:
        raise ValueError(f"labels must be a 1-D array, got shape {arr.shape}")
    values = set(np.unique(arr).tolist())
    if not (values <= {-1.0, 1.0} or values <= {0.0, 1.0}):
        raise ValueError(
            f"binary labels must be in {{-1, +1}} or {{0, 1}}, got {sorted(values)[:6]}"
        )
    return np.where(arr > 0, 1.0, -1.0)


def fit_perceptron(
    model: Perceptron, X: Any, y: Any, epochs: int = 1, lr: float = 1.0
) -> list[int]:
    """Apply the perceptron rule over ``X`` (n × nin) in order, ``epochs`` times.

    ``w ← w + η·y·x`` and ``b ← b + η·y`` whenever ``y·(w·x + b) ≤ 0``. Returns
    the number of updates (mistakes) in each epoch. Inputs and labels are all
    checked before the first update.
    """
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array (samples × {model.nin}), got shape {X.shape}")
    as_inputs(X, model.nin)  # width, emptiness, NaN checks
    ys = signed_labels(y)
    if len(ys) != len(X):
        raise ValueError(f"X has {len(X)} samples but y has {len(ys)} labels")
    epochs = check_count(epochs, "epochs")
    eta = check_number(lr, "lr")
    if eta <= 0:
        raise ValueError(f"lr must be positive, got {eta!r}")
    w = [p.data for p in model.w]
    b = float(model.b.data)
    rows = X.astype(np.float64).tolist()
    mistakes = []
    for _ in range(epochs):
        count = 0
        for xs, label in zip(rows, ys.tolist()):
            z = 0.0
            for wi, xi in zip(w, xs):
                z += wi * xi
            if label * (z + b) <= 0.0:
                step = eta * label
                w = [wi + step * xi for wi, xi in zip(w, xs)]
                b += step
                count += 1
        mistakes.append(count)
    for p, v in zip(model.w, w):
        p.data = float(v)
    model.b.data = b
    return mistakes
