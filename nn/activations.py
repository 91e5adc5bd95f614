"""Activation functions by name, and the weight initialisation that suits each one."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from autograd import Value

Activation = Callable[[Value], Value]

ACTIVATIONS: dict[str, Activation] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "leaky_relu": Value.leaky_relu,
    "linear": lambda v: v,
}
"""Every activation ``nn`` knows, by name (``linear`` is the identity: no node is added)."""

INIT_FOR: dict[str, str] = {
    "relu": "he",
    "leaky_relu": "he",
    "tanh": "xavier",
    "sigmoid": "xavier",
    "linear": "xavier",
}
"""The default initialisation of each activation: He for the relu family, Glorot otherwise."""

INITS = ("he", "xavier", "uniform", "zeros")


def check_activation(name: object) -> str:
    """Return ``name`` if it names an activation, else raise a ValueError listing the choices."""
    if not isinstance(name, str):
        raise TypeError(f"an activation is given by name (a str), got {type(name).__name__}")
    if name not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {name!r}; choose one of {', '.join(sorted(ACTIVATIONS))}"
        )
    return name


def get_activation(name: str) -> Activation:
    """The function ``Value -> Value`` for an activation name."""
    return ACTIVATIONS[check_activation(name)]


def init_weights(
    rng: np.random.Generator, fan_in: int, fan_out: int, scheme: str, size: int
) -> np.ndarray:
    """Draw ``size`` initial weights.

    * ``he``:      U(-√(6/fan_in), √(6/fan_in))            (He et al. 2015, for relu)
    * ``xavier``:  U(-√(6/(fan_in+fan_out)), +...)          (Glorot & Bengio 2010)
    * ``uniform``: U(-1, 1)                                 (micrograd's choice)
    * ``zeros``:   all 0
    """
    if scheme == "he":
        limit = math.sqrt(6.0 / fan_in)
    elif scheme == "xavier":
        limit = math.sqrt(6.0 / (fan_in + fan_out))
    elif scheme == "uniform":
        limit = 1.0
    elif scheme == "zeros":
        return np.zeros(size)
    else:
        raise ValueError(f"unknown init {scheme!r}; choose one of {', '.join(INITS)}")
    return rng.uniform(-limit, limit, size)
