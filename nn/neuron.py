"""``Neuron``: ``act(Σ wᵢ·xᵢ + b)``, one autograd ``dot`` node (or every ``*`` and ``+``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Value, dot
from nn.activations import INIT_FOR, check_activation, get_activation, init_weights
from nn.module import (
    MAX_PARAMETERS,
    Inputs,
    Module,
    check_count,
    check_parameter_count,
    label_parameters,
)

Seed = int | np.random.Generator | None


def make_rng(seed: Seed) -> np.random.Generator:
    """A numpy Generator from a seed (an existing Generator is used as is)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise TypeError(f"seed must be an int, a numpy Generator or None, got {seed!r}")
    return np.random.default_rng(seed)


class Neuron(Module):
    """One neuron: ``out = act(z)``, ``z = Σᵢ wᵢ·xᵢ + b``.

    ``∂z/∂wᵢ = xᵢ``, ``∂z/∂xᵢ = wᵢ``, ``∂z/∂b = 1``. By default z is one
    :func:`autograd.dot` node with 2n+1 parents; ``fused=False`` records
    ``b + w₁·x₁ + w₂·x₂ + …`` as separate ``*`` and ``+`` nodes, for teaching.
    Weights start from ``init`` (default: He uniform for relu/leaky_relu, Glorot
    uniform otherwise, see :func:`nn.activations.init_weights`), the bias at 0.
    Parameters are labelled ``w1 … wn`` (``wᵢ`` meets input ``xᵢ``) and ``b``.
    """

    wraps_inputs = True

    def __init__(
        self,
        nin: int,
        activation: str = "relu",
        *,
        fused: bool = True,
        init: str | None = None,
        seed: Seed = None,
        fan_out: int = 1,
        name: str = "",
        max_parameters: int = MAX_PARAMETERS,
    ) -> None:
        self.nin = check_count(nin, "nin")
        check_parameter_count(self.nin + 1, f"Neuron({self.nin})", max_parameters)
        self.activation = check_activation(activation)
        self.fused = bool(fused)
        self.name = name
        self._act = get_activation(activation)
        scheme = init or INIT_FOR[activation]
        ws = init_weights(make_rng(seed), self.nin, fan_out, scheme, self.nin)
        with self.group():
            self.w = [Value(float(v)) for v in ws]
            self.b = Value(0.0)
        label_parameters(self)  # w1 … wn, b

    def forward(self, x: Inputs) -> Value:
        xs: list[Value] = x  # __call__ made them Values (as_inputs)
        if self.fused:
            z = dot(self.w, xs, self.b)
        else:
            z = self.b
            for w, xi in zip(self.w, xs):
                z = z + w * xi
        return self._act(z)

    def config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "activation": self.activation,
            "fused": self.fused,
            "name": self.name,
        }
