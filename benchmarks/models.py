"""The same MLP in every engine, built from one set of weights.

``Weights`` is a list of ``(W, b)`` per layer, ``W`` of shape ``(nout, nin)``. Every
engine gets the same numbers, so the benchmarks can also check that all of them
compute the same loss (a benchmark of a wrong computation is worthless).

* chainrule, local: a tiny MLP written here from :class:`autograd.Value` and
  :func:`autograd.dot` (one ``dot`` node per neuron), the fallback when ``nn`` is absent;
* chainrule, ``nn.MLP`` when importable (its weights overwritten with ``Weights``);
* micrograd: ``micrograd.nn.MLP`` exactly as in its demo (ReLU hidden layers, linear
  output); for tanh a ``Neuron`` subclass calls a ``tanh`` written the way micrograd
  writes its ops (a closure per node), since micrograd 0.1.0 has no tanh;
* plain Python floats and lists, forward only;
* numpy, hand-written vectorised forward and backward;
* torch, both as a graph of 0-dim tensors (one tensor per number, micrograd-style)
  and as ``nn.Sequential`` on a batch.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import autograd
from autograd import Value

Weights = list[tuple[np.ndarray, np.ndarray]]
ALPHA = 1e-4
"""The L2 coefficient of workload M's loss (micrograd's demo)."""


def init_weights(sizes: Sequence[int], seed: int = 0) -> Weights:
    """Uniform(-1, 1) weights and zero biases, as micrograd initialises them."""
    rng = np.random.default_rng(seed)
    return [
        (rng.uniform(-1.0, 1.0, size=(nout, nin)), np.zeros(nout))
        for nin, nout in itertools.pairwise(sizes)
    ]


def moons(n: int, seed: int = 0, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (sklearn's ``make_moons``), labels ±1 as in micrograd."""
    rng = np.random.default_rng(seed)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0.0, math.pi, n_out)
    t_in = np.linspace(0.0, math.pi, n_in)
    x = np.concatenate([np.cos(t_out), 1.0 - np.cos(t_in)])
    y = np.concatenate([np.sin(t_out), 1.0 - np.sin(t_in) - 0.5])
    X = np.stack([x, y], axis=1) + rng.normal(0.0, noise, size=(n, 2))
    labels = np.concatenate([-np.ones(n_out), np.ones(n_in)])
    order = rng.permutation(n)
    return X[order], labels[order]


# ---- chainrule ----------------------------------------------------------------------------


def moons_lists(n: int) -> tuple[list[list[float]], list[float]]:
    """:func:`moons` as Python lists: the scalar workloads' inputs."""
    X, y = moons(n)
    return X.tolist(), y.tolist()


def batch_inputs(variant: str, X: np.ndarray) -> Any:
    """What the model takes: one Value per feature column (local MLP), or the 2-D array (nn)."""
    if variant == "nn":
        return X
    return [Value(np.ascontiguousarray(X[:, j])) for j in range(X.shape[1])]


class LocalMLP:
    """A minimal MLP on chainrule's engine: each neuron is ``act(dot(w, x, b))``.

    Works on one sample (a list of floats or Values) and, unchanged, on a batch
    (a list of Values whose data are 1-D arrays, one per input feature).
    """

    def __init__(self, weights: Weights, activation: str = "relu") -> None:
        self.layers = [
            (
                [
                    [Value(float(w), label=f"L{i}.n{j}.w{k}") for k, w in enumerate(row)]
                    for j, row in enumerate(W)
                ],
                [Value(float(v), label=f"L{i}.n{j}.b") for j, v in enumerate(b)],
            )
            for i, (W, b) in enumerate(weights)
        ]
        self.act: Callable[[Value], Value] = getattr(Value, activation)

    def parameters(self) -> list[Value]:
        return [p for W, b in self.layers for row, bi in zip(W, b) for p in (*row, bi)]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0

    def __call__(self, x: Sequence[Any]) -> list[Value]:
        act, dot, last = self.act, autograd.dot, len(self.layers) - 1
        out: Sequence[Any] = x
        for i, (W, b) in enumerate(self.layers):
            out = [dot(w, out, bi) for w, bi in zip(W, b)]
            if i < last:
                out = [act(v) for v in out]
        return list(out)


def nn_available() -> bool:
    """True when chainrule's ``nn`` package provides an ``MLP`` we can drive."""
    try:
        import nn

        return hasattr(nn, "MLP")
    except Exception:  # nn is being written in parallel: any import failure means "absent"
        return False


class NNMLP:
    """``nn.MLP`` with its weights set from ``Weights``; same call interface as LocalMLP."""

    def __init__(self, weights: Weights, activation: str = "relu") -> None:
        import nn

        nin = weights[0][0].shape[1]
        nouts = [W.shape[0] for W, _ in weights]
        self.model: Any = _make_nn_mlp(nn, nin, nouts, activation)
        params = self.model.parameters()
        flat = [float(v) for W, b in weights for row, bi in zip(W, b) for v in (*row, bi)]
        if len(params) != len(flat):
            raise RuntimeError(f"nn.MLP has {len(params)} parameters, expected {len(flat)}")
        for p, v in zip(params, flat):
            p.data = v
        self._params = params

    def parameters(self) -> list[Value]:
        return list(self.model.parameters())

    def zero_grad(self) -> None:
        """Zero the gradients as a training loop does, through a fixed list of parameters
        (``opt.zero_grad()``): ``nn.Module.zero_grad`` finds them by walking the module tree
        at every call (0.27 ms on M's MLP, 10% of a compiled step)."""
        for p in self._params:
            p.grad = 0.0

    def __call__(self, x: Sequence[Any]) -> list[Value]:
        out = self.model(x)
        return [out] if isinstance(out, Value) else list(out)


def _make_nn_mlp(nn: Any, nin: int, nouts: list[int], activation: str) -> Any:
    """``nn.MLP`` with ``activation`` hidden layers and a linear output (weights set later)."""
    return nn.MLP(nin, nouts, activation=activation, out_activation="linear", seed=0)


def make_ours(variant: str, weights: Weights, activation: str = "relu") -> Any:
    """Our engine's MLP: ``variant`` is ``"local"`` or ``"nn"``."""
    if variant == "nn":
        return NNMLP(weights, activation)
    return LocalMLP(weights, activation)


def ours_variants() -> list[str]:
    """The chainrule MLP variants to measure: always ``local``, and ``nn`` when it exists."""
    return ["local", "nn"] if nn_available() else ["local"]


def hinge_loss_ours(model: Any, X: list[list[float]], y: list[float]) -> Value:
    """micrograd's demo loss on our engine: mean hinge + ALPHA·Σp² (n-ary sums).

    Inputs are wrapped in Values once per sample, as micrograd's demo does (otherwise each
    neuron would wrap the same float again).
    """
    inputs = [list(map(Value, row)) for row in X]
    scores = [model(row)[0] for row in inputs]
    losses = [(1.0 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = autograd.sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * autograd.sum([p * p for p in model.parameters()])
    return data_loss + reg_loss


def hinge_loss_ours_batched(model: Any, X: list[Value], y: Value) -> Value:
    """The same loss in batched mode: X is one Value per feature holding every sample."""
    score = model(X)[0]
    data_loss = (1.0 + -y * score).relu().batch_mean()
    reg_loss = ALPHA * autograd.sum([p * p for p in model.parameters()])
    return data_loss + reg_loss


# ---- micrograd -----------------------------------------------------------------------------


def _micrograd_tanh(self: Any) -> Any:
    """tanh in micrograd's style (its 0.1.0 release has none): a closure per node."""
    from micrograd.engine import Value as MGValue

    t = math.tanh(self.data)
    out = MGValue(t, (self,), "tanh")

    def _backward() -> None:
        self.grad += (1 - t * t) * out.grad

    out._backward = _backward
    return out


def micrograd_available() -> bool:
    try:
        import micrograd.engine
        import micrograd.nn  # noqa: F401
    except ImportError:
        return False
    return True


def make_micrograd(weights: Weights, activation: str = "relu") -> Any:
    """``micrograd.nn.MLP`` with the given weights (ReLU hidden, or tanh via a Neuron subclass)."""
    from micrograd import nn as mgnn
    from micrograd.engine import Value as MGValue

    nin = weights[0][0].shape[1]
    nouts = [W.shape[0] for W, _ in weights]
    model = mgnn.MLP(nin, nouts)
    if activation == "tanh":
        if not hasattr(MGValue, "tanh"):
            MGValue.tanh = _micrograd_tanh

        class TanhNeuron(mgnn.Neuron):
            def __call__(self, x: Any) -> Any:
                act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
                return act.tanh() if self.nonlin else act

        for layer in model.layers:
            for neuron in layer.neurons:
                neuron.__class__ = TanhNeuron
    elif activation != "relu":
        raise ValueError(f"micrograd side supports relu and tanh, not {activation!r}")
    for layer, (W, b) in zip(model.layers, weights):
        for neuron, row, bi in zip(layer.neurons, W, b):
            for p, w in zip(neuron.w, row):
                p.data = float(w)
            neuron.b.data = float(bi)
    return model


def hinge_loss_micrograd(model: Any, X: list[list[float]], y: list[float]) -> Any:
    """micrograd's demo ``loss()`` for the full batch, verbatim apart from the accuracy."""
    from micrograd.engine import Value as MGValue

    inputs = [list(map(MGValue, row)) for row in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


# ---- plain floats --------------------------------------------------------------------------


def plain_layers(weights: Weights) -> list[tuple[list[list[float]], list[float]]]:
    return [(W.tolist(), b.tolist()) for W, b in weights]


def plain_hinge_forward(
    layers: list[tuple[list[list[float]], list[float]]], X: list[list[float]], y: list[float]
) -> float:
    """The forward pass of workload M with Python floats and lists (no gradients)."""
    last = len(layers) - 1
    losses = []
    for row, yi in zip(X, y):
        h = row
        for i, (W, b) in enumerate(layers):
            h = [sum(wi * xi for wi, xi in zip(w, h)) + bi for w, bi in zip(W, b)]
            if i < last:
                h = [v if v > 0 else 0.0 for v in h]
        margin = 1.0 - yi * h[0]
        losses.append(margin if margin > 0 else 0.0)
    data_loss = sum(losses) * (1.0 / len(losses))
    reg = ALPHA * sum(p * p for W, b in layers for w in W for p in w) + ALPHA * sum(
        p * p for _, b in layers for p in b
    )
    return data_loss + reg


# ---- numpy ---------------------------------------------------------------------------------


def numpy_hinge_step(
    weights: Weights, X: np.ndarray, y: np.ndarray
) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
    """Hand-written vectorised forward and backward of workload M (ReLU hidden, linear out)."""
    n = X.shape[0]
    acts = [X]
    pre = []
    h = X
    last = len(weights) - 1
    for i, (W, b) in enumerate(weights):
        z = h @ W.T + b
        pre.append(z)
        h = np.maximum(z, 0.0) if i < last else z
        acts.append(h)
    score = h[:, 0]
    margin = 1.0 - y * score
    data_loss = float(np.maximum(margin, 0.0).mean())
    reg = ALPHA * sum(float((W * W).sum() + (b * b).sum()) for W, b in weights)
    loss = data_loss + reg
    grads: list[tuple[np.ndarray, np.ndarray]] = []
    dz = (-y * (margin > 0) / n)[:, None]
    for i in range(last, -1, -1):
        W, b = weights[i]
        dW = dz.T @ acts[i] + 2.0 * ALPHA * W
        db = dz.sum(axis=0) + 2.0 * ALPHA * b
        grads.append((dW, db))
        if i:
            dz = (dz @ W) * (pre[i - 1] > 0)
    grads.reverse()
    return loss, grads


# ---- torch ---------------------------------------------------------------------------------


def torch_module() -> Any | None:
    """The torch module, or None when it is not installed (torch is never required)."""
    try:
        import torch
    except ImportError:
        return None
    return torch


class TorchScalarMLP:
    """micrograd's MLP with one 0-dim float64 tensor per number (the scalar-graph equivalent)."""

    def __init__(self, weights: Weights, activation: str = "relu") -> None:
        import torch

        self.torch = torch

        def t(v: float) -> Any:
            return torch.tensor(float(v), dtype=torch.float64, requires_grad=True)

        self.layers = [([[t(w) for w in row] for row in W], [t(v) for v in b]) for W, b in weights]
        self.act = torch.relu if activation == "relu" else torch.tanh

    def parameters(self) -> list[Any]:
        return [p for W, b in self.layers for row, bi in zip(W, b) for p in (*row, bi)]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = None

    def __call__(self, x: Sequence[Any]) -> list[Any]:
        last = len(self.layers) - 1
        out: Sequence[Any] = x
        for i, (W, b) in enumerate(self.layers):
            out = [sum((wi * xi for wi, xi in zip(w, out)), bi) for w, bi in zip(W, b)]
            if i < last:
                out = [self.act(v) for v in out]
        return list(out)


def hinge_loss_torch_scalar(model: TorchScalarMLP, X: list[list[float]], y: list[float]) -> Any:
    torch = model.torch
    inputs = [[torch.tensor(v, dtype=torch.float64) for v in row] for row in X]
    scores = [model(row)[0] for row in inputs]
    losses = [torch.relu(1 + -yi * si) for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def torch_sequential(weights: Weights, dtype: Any = None) -> Any:
    """``nn.Sequential`` of Linear/ReLU layers with the given weights (float64 by default)."""
    import torch

    dtype = torch.float64 if dtype is None else dtype
    layers: list[Any] = []
    for i, (W, b) in enumerate(weights):
        linear = torch.nn.Linear(W.shape[1], W.shape[0], dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W).to(dtype))
            linear.bias.copy_(torch.from_numpy(b).to(dtype))
        layers.append(linear)
        if i < len(weights) - 1:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def torch_batched_step(model: Any, X: Any, y: Any) -> Any:
    """Forward, loss, zero_grad and backward of workload M on a batch with nn.Sequential."""
    import torch

    score = model(X)[:, 0]
    data_loss = torch.relu(1.0 - y * score).mean()
    reg_loss = ALPHA * sum((p * p).sum() for p in model.parameters())
    loss = data_loss + reg_loss
    model.zero_grad()
    loss.backward()
    return loss
