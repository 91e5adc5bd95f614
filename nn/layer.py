"""``Layer``: ``nout`` neurons that read the same inputs."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd import Value, node_group
from autograd.data import data_of
from nn.activations import check_activation
from nn.module import (
    MAX_PARAMETERS,
    Inputs,
    Module,
    check_count,
    check_parameter_count,
    label_parameters,
)
from nn.neuron import Neuron, Seed, make_rng


class Layer(Module):
    """``nout`` neurons side by side: ``outⱼ = act(Σᵢ wⱼᵢ·xᵢ + bⱼ)``.

    Always returns a list of ``nout`` Values, even when ``nout`` is 1. Neuron j
    is named ``neurons.j`` (parameters ``neurons.j.w.i`` and ``neurons.j.b``,
    labelled ``nj.w{i+1}`` and ``nj.b``; a layer given a ``name`` qualifies them with it,
    ``f1.n0.w1``, so the parameters of layers used side by side never share a name).
    """

    wraps_inputs = True

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str = "relu",
        *,
        fused: bool = True,
        init: str | None = None,
        seed: Seed = None,
        name: str = "",
        max_parameters: int = MAX_PARAMETERS,
    ) -> None:
        self.nin = check_count(nin, "nin")
        self.nout = check_count(nout, "nout")
        count = (self.nin + 1) * self.nout
        check_parameter_count(count, f"Layer({self.nin}, {self.nout})", max_parameters)
        self.activation = check_activation(activation)
        self.fused = bool(fused)
        self.name = name
        rng = make_rng(seed)
        with self.group():
            self.neurons = [
                Neuron(
                    self.nin,
                    activation,
                    fused=fused,
                    init=init,
                    seed=rng,
                    fan_out=self.nout,
                    name=f"neurons.{j}",
                    max_parameters=max_parameters,
                )
                for j in range(self.nout)
            ]
        label_parameters(self, f"{name}." if name else "")  # [f1.]n0.w1, …, n0.b, n1.w1, …

    def forward(self, x: Inputs) -> list[Value]:
        # x: Values (as_inputs). Each neuron runs in its own node group, as forward_in_group
        # would run it, entered here for all of them at once (cheaper per neuron).
        return node_group.call_each(self._neuron_calls(), x)

    def _neuron_calls(self) -> list[tuple[node_group | None, Any]]:
        """Each neuron's node group (None if unnamed) and its forward, made again only
        when a neuron was replaced or renamed (checked at C speed, then once per neuron)."""
        neurons, names = self.neurons, [n.name for n in self.neurons]
        cached = self.__dict__.get("_calls")
        if cached is None or cached[0] != neurons or cached[1] != names:
            calls = [(n.node_group_or_none(), n.forward) for n in neurons]
            cached = self.__dict__["_calls"] = (list(neurons), names, calls)
        return cached[2]

    def arrays(self, grad: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """``(W, b)``: weights as an ``nout × nin`` array (row j is neuron j) and biases.

        With ``grad=True``, their gradients ``∂L/∂W`` and ``∂L/∂b`` after a backward pass
        (in batched mode already summed over the batch), in the same shapes.
        """

        def get(p: Value) -> float:
            return float(data_of(p.grad if grad else p.data))

        W = np.array([[get(w) for w in n.w] for n in self.neurons], dtype=np.float64)
        b = np.array([get(n.b) for n in self.neurons], dtype=np.float64)
        return W, b

    def load_arrays(self, W: Any, b: Any = None) -> None:
        """Set the weights from an ``nout × nin`` array and the biases from ``b`` (zeros
        when None). ValueError for a wrong shape or a NaN/inf entry; nothing changes then."""
        weights = np.asarray(W, dtype=np.float64)
        biases = np.zeros(self.nout) if b is None else np.asarray(b, dtype=np.float64)
        if weights.shape != (self.nout, self.nin):
            raise ValueError(
                f"W must have shape (nout, nin) = {(self.nout, self.nin)}, got {weights.shape}"
            )
        if biases.shape != (self.nout,):
            raise ValueError(f"b must have shape ({self.nout},), got {biases.shape}")
        if not (np.isfinite(weights).all() and np.isfinite(biases).all()):
            raise ValueError("W and b must not contain NaN or inf")
        for n, row, bias in zip(self.neurons, weights, biases):
            for w, value in zip(n.w, row):
                w.data = float(value)
            n.b.data = float(bias)

    def config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "nout": self.nout,
            "activation": self.activation,
            "fused": self.fused,
            "name": self.name,
        }
