"""Losses on Values: mean squared error, hinge, binary and categorical cross-entropy, L2.

Every loss takes the model's output and numpy (or plain) targets and returns a
single Value: the mean over samples (and outputs). Accepted output forms:

* a Value: one sample, or a batch when it holds an array (batched mode);
* a list of Values: one per sample (scalar mode), or one per output holding
  arrays (batched mode, targets of shape n × k);
* a list of lists of Values: samples × outputs (scalar mode).

For :data:`cross_entropy` a list of Values is the logits of one sample (or of a
batch, when they hold arrays) and a list of lists holds one list per sample.
Targets are checked before any node is built: a label outside a loss's domain
raises a ValueError naming the loss, the label and the domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from autograd import Value, dot
from autograd import sum as vsum
from nn.module import Module

Pred = Any
Unit = tuple[Any, Any]


def _is_batched(v: Value) -> bool:
    return isinstance(v.data, np.ndarray)


def _target_array(target: Any, what: str) -> np.ndarray:
    t = np.asarray(target)
    if t.dtype.kind not in "biuf":
        raise TypeError(f"{what}: targets must be numbers, got {t.dtype} ({target!r:.60})")
    t = t.astype(np.float64)
    if t.size == 0:
        raise ValueError(f"{what}: got an empty set of targets")
    if not np.isfinite(t).all():
        raise ValueError(f"{what}: targets contain NaN or inf")
    return t


def _units(pred: Pred, t: np.ndarray, what: str) -> list[Unit]:
    """Pair each output Value with its target (a float, or an array for batched Values)."""

    def pair(v: Any, tv: Any) -> Unit:
        if not isinstance(v, Value):
            raise TypeError(f"{what}: model outputs must be Values, got {type(v).__name__}")
        shape = np.shape(v.data)
        if np.shape(tv) != shape:
            raise ValueError(
                f"{what}: an output of shape {shape} got targets of shape {np.shape(tv)}"
            )
        return v, (float(tv) if np.ndim(tv) == 0 else tv)

    if isinstance(pred, Value):
        return [pair(pred, t)]
    if not isinstance(pred, Sequence) or len(pred) == 0:
        raise TypeError(f"{what}: expected a Value or a non-empty list of Values, got {pred!r:.60}")
    if isinstance(pred[0], Sequence):
        if t.shape != (len(pred), len(pred[0])):
            raise ValueError(
                f"{what}: {len(pred)} samples × {len(pred[0])} outputs"
                f" need targets of that shape, got {t.shape}"
            )
        return [pair(v, t[i, j]) for i, row in enumerate(pred) for j, v in enumerate(row)]
    if isinstance(pred[0], Value) and _is_batched(pred[0]):
        cols = t[:, None] if t.ndim == 1 and len(pred) == 1 else t
        if cols.ndim != 2 or cols.shape[1] != len(pred):
            raise ValueError(
                f"{what}: {len(pred)} batched outputs need targets of shape"
                f" (n, {len(pred)}), got {t.shape}"
            )
        return [pair(v, cols[:, j]) for j, v in enumerate(pred)]
    if t.shape != (len(pred),):
        raise ValueError(f"{what}: {len(pred)} outputs need {len(pred)} targets, got {t.shape}")
    return [pair(v, t[i]) for i, v in enumerate(pred)]


def _reduce(terms: list[Value]) -> Value:
    """The mean of every element of every term."""
    if len(terms) == 1:
        return terms[0].batch_mean() if _is_batched(terms[0]) else terms[0]
    if not any(_is_batched(v) for v in terms):
        return vsum(terms) / len(terms)
    count = sum(np.size(v.data) for v in terms)
    return vsum([v.batch_sum() if _is_batched(v) else v for v in terms]) / count


def _outputs_array(pred: Pred) -> np.ndarray:
    """Model outputs as numpy: (n,) for one output per sample, (n, k) for k outputs."""
    if isinstance(pred, Value):
        return np.atleast_1d(np.asarray(pred.data, dtype=np.float64))
    if isinstance(pred, np.ndarray):
        return pred
    if isinstance(pred[0], Value) and _is_batched(pred[0]):
        return np.stack([np.asarray(v.data) for v in pred], axis=-1)
    return np.array([[v.data for v in row] if isinstance(row, Sequence) else row.data
                     for row in pred], dtype=np.float64)  # fmt: skip


class Loss:
    """A loss: ``loss(pred, target) -> Value``, plus target checks and an accuracy rule."""

    def __init__(
        self,
        name: str,
        term: Callable[[Value, Any], Value] | None,
        domain: str,
        valid: Callable[[np.ndarray], np.ndarray],
        accuracy: Callable[[np.ndarray, np.ndarray], float] | None,
        doc: str,
    ) -> None:
        self.name = name
        self._term = term
        self.domain = domain
        self._valid = valid
        self._accuracy = accuracy
        self.has_accuracy = accuracy is not None
        """Whether :meth:`accuracy` means something for this loss."""
        self.__doc__ = doc

    def check_target(self, target: Any) -> np.ndarray:
        """The targets as a float array; ValueError if any is outside the loss's domain."""
        t = _target_array(target, self.name)
        bad = ~self._valid(t)
        if bad.any():
            raise ValueError(
                f"{self.name}: labels must be {self.domain}, got {float(t[bad].flat[0])!r}"
                f" ({int(bad.sum())} such label(s))"
            )
        return t

    def __call__(self, pred: Pred, target: Any) -> Value:
        """The mean of ``term(output, target)`` (a subclass with ``term=None`` overrides this)."""
        if self._term is None:
            raise NotImplementedError(f"{type(self).__name__} has no term and must define __call__")
        t = self.check_target(target)
        return _reduce([self._term(v, tv) for v, tv in _units(pred, t, self.name)])

    def accuracy(self, pred: Pred, target: Any) -> float | None:
        """The fraction of correct predictions, or None when the loss has no such notion."""
        if self._accuracy is None:
            return None
        out = _outputs_array(pred)
        return float(self._accuracy(out, np.asarray(target, dtype=np.float64)))

    def __repr__(self) -> str:
        return f"<loss {self.name}>"


def _acc_sign(out: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((out.reshape(y.shape) > 0) == (y > 0)))


def _acc_bce(out: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((out.reshape(y.shape) > 0) == (y > 0.5)))


mse = Loss(
    "mse",
    lambda v, t: (v - t) ** 2,
    "finite numbers",
    lambda t: np.ones(t.shape, dtype=bool),
    None,
    "Mean squared error: mean of (ŷ - y)²;  ∂/∂ŷ = 2(ŷ - y)/N.",
)
hinge = Loss(
    "hinge",
    lambda v, t: (v * (-t) + 1.0).relu(),
    "-1 or +1",
    lambda t: (t == 1.0) | (t == -1.0),
    _acc_sign,
    "Max-margin (micrograd's) loss: mean of relu(1 - y·s) with y ∈ {-1, +1};"
    "  ∂/∂s = -y/N where y·s < 1, else 0.",
)
binary_cross_entropy = Loss(
    "binary_cross_entropy",
    lambda v, t: v.softplus() - v * t,
    "in [0, 1] (0/1 class labels or probabilities)",
    lambda t: (t >= 0.0) & (t <= 1.0),
    _acc_bce,
    "Binary cross-entropy on logits z: mean of softplus(z) - y·z = -[y ln σ(z) + (1-y) ln(1-σ(z))],"
    " stable for any |z| (softplus never overflows);  ∂/∂z = (σ(z) - y)/N.",
)


def _acc_argmax(out: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.argmax(np.atleast_2d(out), axis=-1) == y))


def _ce_term(logits: Sequence[Value], c: Any) -> Value:
    """log Σⱼ exp(zⱼ) - z_c, with the max subtracted first (a constant) so exp never overflows."""
    data = [z.data for z in logits]
    m: Any = np.max(np.stack(data), axis=0) if _is_batched(logits[0]) else max(data)
    lse = vsum([(z - m).exp() for z in logits]).log() + m
    if isinstance(c, np.ndarray):
        onehot = [(c == j).astype(np.float64) for j in range(len(logits))]
        return lse - dot(onehot, logits)
    return lse - logits[int(c)]


class CrossEntropy(Loss):
    """Categorical cross-entropy over a list of k logits and integer class labels in [0, k)."""

    def __init__(self) -> None:
        super().__init__(
            "cross_entropy",
            None,  # the terms are per sample over all k logits: __call__ below
            "integer class indices 0 … k-1",
            lambda t: (t >= 0) & (t == np.round(t)),
            _acc_argmax,
            "Cross-entropy: mean of log Σⱼ exp(zⱼ) - z_y over samples (stable log-sum-exp);"
            "  ∂/∂zⱼ = (softmax(z)ⱼ - [j = y])/N.",
        )

    def __call__(self, pred: Pred, target: Any) -> Value:
        t = self.check_target(target)
        if isinstance(pred, Value) or not isinstance(pred, Sequence) or len(pred) == 0:
            raise TypeError("cross_entropy: expected a list of logits (one Value per class)")
        samples = pred if isinstance(pred[0], Sequence) else [pred]
        k = len(samples[0])
        if k < 2 or any(len(s) != k for s in samples):
            raise ValueError(f"cross_entropy: every sample needs the same k ≥ 2 logits, got {k}")
        if t.max() >= k:
            raise ValueError(
                f"cross_entropy: labels must be integer class indices 0 … {k - 1}, got {t.max()!r}"
            )
        if isinstance(pred[0], Sequence):
            if t.shape != (len(samples),):
                raise ValueError(
                    f"cross_entropy: {len(samples)} samples need {len(samples)} labels,"
                    f" got shape {t.shape}"
                )
            return vsum([_ce_term(s, c) for s, c in zip(samples, t)]) / len(samples)
        n = np.shape(pred[0].data)
        if t.shape != n:
            raise ValueError(f"cross_entropy: logits of shape {n} got labels of shape {t.shape}")
        term = _ce_term(pred, t if n else float(t))
        return term.batch_mean() if n else term


cross_entropy = CrossEntropy()

LOSSES: dict[str, Loss] = {
    loss.name: loss for loss in (mse, hinge, binary_cross_entropy, cross_entropy)
}
"""The losses by name (``fit`` accepts a name or any callable)."""


def l2_penalty(params: Module | Iterable[Value], alpha: float = 1.0) -> Value:
    """``α · Σ p²`` over the parameters (one ``dot`` node);  ∂/∂p = 2αp."""
    ps = params.parameters() if isinstance(params, Module) else list(params)
    if not ps:
        raise ValueError("l2_penalty needs at least one parameter")
    return dot(ps, ps) * float(alpha)
