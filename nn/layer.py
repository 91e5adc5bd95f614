"""``Layer``: ``nout`` neurons that read the same inputs."""

from __future__ import annotations

from typing import Any

from autograd import Value
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
    labelled ``nj.w{i+1}`` and ``nj.b``).
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
        label_parameters(self)  # n0.w1, …, n0.b, n1.w1, …

    def forward(self, x: Inputs) -> list[Value]:
        return [n(x) for n in self.neurons]  # __call__ made x Values (as_inputs)

    def config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "nout": self.nout,
            "activation": self.activation,
            "fused": self.fused,
            "name": self.name,
        }
