"""``MLP``: a multi-layer perceptron, layers of neurons applied one after the other."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import Value
from nn.activations import check_activation
from nn.layer import Layer
from nn.module import (
    MAX_PARAMETERS,
    Inputs,
    Module,
    check_count,
    check_parameter_count,
    label_parameters,
)
from nn.neuron import Seed, make_rng


class MLP(Module):
    """``MLP(nin, [h₁, …, hₖ, nout])``: ``x → act(W₁x + b₁) → … → out_act(Wₖ₊₁h + b)``.

    Hidden layers use ``activation``; the last layer uses ``out_activation``
    (default ``"linear"``: raw scores, which is what the losses expect). Layer i
    is named ``layers.i``, so its nodes carry the group ``layers.i`` (and
    ``layers.i.neurons.j`` inside neuron j); parameter ``layers.i.neurons.j.w.k``
    is labelled ``Li.nj.w{k+1}`` and the bias ``Li.nj.b``. Like micrograd, a
    network with one output returns a single Value; with several it returns a
    list. ``seed`` makes the initialisation reproducible. A network over
    ``max_parameters`` (default ``nn.module.MAX_PARAMETERS``, 10⁶) is refused before
    anything is built.
    """

    wraps_inputs = True

    def __init__(
        self,
        nin: int,
        sizes: Sequence[int],
        activation: str = "relu",
        out_activation: str | None = None,
        seed: Seed = None,
        *,
        fused: bool = True,
        init: str | None = None,
        name: str = "",
        max_parameters: int = MAX_PARAMETERS,
    ) -> None:
        self.nin = check_count(nin, "nin")
        if isinstance(sizes, (int, str)) or not isinstance(sizes, Sequence) or not sizes:
            raise ValueError(f"sizes must be a non-empty list of layer widths, got {sizes!r}")
        self.sizes = [check_count(s, f"layer width {i}") for i, s in enumerate(sizes)]
        widths = [self.nin, *self.sizes]
        count = sum((a + 1) * b for a, b in itertools.pairwise(widths))
        check_parameter_count(count, f"MLP({self.nin}, {self.sizes})", max_parameters)
        self.activation = check_activation(activation)
        self.out_activation = check_activation(out_activation or "linear")
        self.fused = bool(fused)
        self.name = name
        rng = make_rng(seed)
        last = len(self.sizes) - 1
        with self.group():
            self.layers = [
                Layer(
                    widths[i],
                    widths[i + 1],
                    self.out_activation if i == last else self.activation,
                    fused=fused,
                    init=init,
                    seed=rng,
                    name=f"layers.{i}",
                    max_parameters=max_parameters,
                )
                for i in range(len(self.sizes))
            ]
        label_parameters(self)  # L0.n0.w1, …: these labels win over the layers' own

    @classmethod
    def from_arrays(
        cls,
        weights: Sequence[Any],
        biases: Sequence[Any] | None = None,
        activation: str = "relu",
        out_activation: str | None = None,
        **options: Any,
    ) -> MLP:
        """An MLP holding given weight matrices ``W₁ … Wₖ`` (each ``nout × nin``, as in
        ``h = act(W x + b)``) and biases (zeros when None); ``options`` such as
        ``fused=False`` go to the constructor.

        ValueError when there are no matrices, one is not 2-D, widths do not chain
        (``Wᵢ₊₁`` must have as many columns as ``Wᵢ`` has rows), the number of bias
        vectors differs, or an entry is NaN or inf.
        """
        mats = [np.asarray(W, dtype=np.float64) for W in weights]
        if not mats:
            raise ValueError("MLP.from_arrays needs at least one weight matrix")
        for i, W in enumerate(mats):
            if W.ndim != 2:
                raise ValueError(f"weight matrix {i} must be 2-D (nout × nin), got {W.shape}")
            if i and W.shape[1] != mats[i - 1].shape[0]:
                raise ValueError(
                    f"weight matrix {i} has {W.shape[1]} columns but matrix {i - 1} has"
                    f" {mats[i - 1].shape[0]} rows: the widths must chain"
                )
        bs = [None] * len(mats) if biases is None else list(biases)
        if len(bs) != len(mats):
            raise ValueError(f"got {len(bs)} bias vectors for {len(mats)} weight matrices")
        model = cls(mats[0].shape[1], [W.shape[0] for W in mats], activation, out_activation,
                    init="zeros", **options)  # fmt: skip
        for layer, W, b in zip(model.layers, mats, bs):
            layer.load_arrays(W, b)
        return model

    @property
    def nout(self) -> int:
        """The number of outputs."""
        return self.sizes[-1]

    def forward(self, x: Inputs) -> Value | list[Value]:
        out: Any = x
        for layer in self.layers:
            out = layer(out)
        return out[0] if len(out) == 1 else out

    def config(self) -> dict[str, Any]:
        return {
            "nin": self.nin,
            "sizes": list(self.sizes),
            "activation": self.activation,
            "out_activation": self.out_activation,
            "fused": self.fused,
            "name": self.name,
        }
