"""Optimizers: plain/momentum SGD and Adam, updating parameters from their ``.grad``."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable

from autograd import Value
from autograd.data import data_of
from nn.module import Module, check_number

LearningRate = float | Callable[[int], float]
"""A number, or a function of the step number k (0 on the first step) giving the rate."""


class Optimizer:
    """Holds the parameters, the step count and the learning rate (a float or a schedule)."""

    def __init__(self, params: Module | Iterable[Value], lr: LearningRate) -> None:
        self.params = params.parameters() if isinstance(params, Module) else list(params)
        if not self.params:
            raise ValueError("the optimizer got an empty parameter list")
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"parameter {i} is a {type(p).__name__}, not a Value")
        names = [n for n, _ in params.named_parameters()] if isinstance(params, Module) else None
        first: dict[int, int] = {}
        for i, p in enumerate(self.params):
            j = first.setdefault(id(p), i)
            if j != i:
                label = names[j] if names else p.label
                also = f", also named {names[i]!r}" if names else ""
                raise ValueError(
                    f"parameter {repr(label) if label else f'#{j}'} is given twice"
                    f" (#{j} and #{i}{also}); each parameter must appear once,"
                    " or every step would update it twice"
                )
        if not callable(lr):
            lr = check_number(lr, "lr")
            if lr <= 0:
                raise ValueError(f"lr must be positive, got {lr!r}")
        self.lr = lr
        self.steps = 0

    def current_lr(self) -> float:
        """The learning rate for the next step: ``lr`` or ``lr(steps)``.

        A schedule's value is checked every step: TypeError if it is not a real
        number, ValueError if it is NaN, infinite, zero or negative.
        """
        if not callable(self.lr):
            return self.lr
        k = self.steps
        value = self.lr(k)
        where = f"the learning-rate schedule gave lr({k}) = {value!r:.40} at step {k}"
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{where}; it must return a real number")
        lr = float(value)
        if not (math.isfinite(lr) and lr > 0):
            raise ValueError(f"{where}; the rate must be a positive finite number")
        return lr

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0."""
        for p in self.params:
            p.grad = 0.0

    def _grads(self) -> list[float]:
        """Every gradient as a float; a ValueError (before any update) if one is NaN or inf."""
        grads = [float(data_of(p.grad)) for p in self.params]
        for i, g in enumerate(grads):
            if not math.isfinite(g):
                name = self.params[i].label or f"#{i}"
                raise ValueError(
                    f"the gradient of parameter {name} is {g!r}; no parameter was updated"
                )
        return grads

    def step(self) -> None:
        """Update every parameter once from its gradient.

        The gradients and the learning rate are checked first: on an error no
        parameter (and no optimizer state) changes.
        """
        grads = self._grads()
        lr = self.current_lr()
        self._update(grads, lr)
        self.steps += 1

    def _update(self, grads: list[float], lr: float) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent (PyTorch's conventions).

    ``g ← ∇p + λ·p`` (weight decay λ),  ``v ← μ·v + g`` (momentum μ, v₀ = g),
    ``p ← p - η·v``. With μ = 0 and λ = 0 this is ``p ← p - η·∇p``.
    """

    def __init__(
        self,
        params: Module | Iterable[Value],
        lr: LearningRate = 0.01,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = check_number(momentum, "momentum")
        self.weight_decay = check_number(weight_decay, "weight_decay")
        if not 0.0 <= self.momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {self.momentum!r}")
        if self.weight_decay < 0.0:
            raise ValueError(f"weight_decay must be ≥ 0, got {self.weight_decay!r}")
        self.velocity: list[float] | None = None

    def _update(self, grads: list[float], lr: float) -> None:
        wd, mu = self.weight_decay, self.momentum
        if wd:
            grads = [g + wd * float(p.data) for g, p in zip(grads, self.params)]
        if mu:
            if self.velocity is None:
                self.velocity = grads
            else:
                self.velocity = [mu * v + g for v, g in zip(self.velocity, grads)]
            grads = self.velocity
        for p, g in zip(self.params, grads):
            p.data = float(p.data) - lr * g


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015): ``m ← β₁m + (1-β₁)g``, ``v ← β₂v + (1-β₂)g²``,
    ``p ← p - η·m̂/(√v̂ + ε)`` with ``m̂ = m/(1-β₁ᵗ)``, ``v̂ = v/(1-β₂ᵗ)``."""

    def __init__(
        self,
        params: Module | Iterable[Value],
        lr: LearningRate = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, tuple) or len(betas) != 2:
            raise TypeError(f"betas must be a pair (β₁, β₂), got {betas!r}")
        b1, b2 = (check_number(b, "beta") for b in betas)
        if not (0.0 <= b1 < 1.0 and 0.0 <= b2 < 1.0):
            raise ValueError(f"betas must be in [0, 1), got {betas!r}")
        self.betas = (b1, b2)
        self.eps = check_number(eps, "eps")
        if self.eps <= 0:
            raise ValueError(f"eps must be positive, got {self.eps!r}")
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)

    def _update(self, grads: list[float], lr: float) -> None:
        b1, b2 = self.betas
        t = self.steps + 1
        c1, c2 = 1.0 - b1**t, 1.0 - b2**t
        for i, (p, g) in enumerate(zip(self.params, grads)):
            m = self.m[i] = b1 * self.m[i] + (1.0 - b1) * g
            v = self.v[i] = b2 * self.v[i] + (1.0 - b2) * g * g
            p.data = float(p.data) - lr * (m / c1) / (math.sqrt(v / c2) + self.eps)
