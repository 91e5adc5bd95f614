"""Argument checks for the interactive views: each error names the argument and what it got."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import Value, topological_order


def root(value: Any, where: str, argument: str = "root") -> Value:
    """``value`` if it is a Value holding one number per node, else a clear error."""
    if not isinstance(value, Value):
        raise TypeError(
            f"{where}: {argument} must be an autograd.Value (the output of your expression),"
            f" got {type(value).__name__} {value!r:.60}"
        )
    return value


def scalar_graph(value: Value, where: str, argument: str = "root") -> None:
    """Refuse a graph that holds batches: a page shows one number per value."""
    for node in topological_order(value):
        if isinstance(node.data, np.ndarray):
            raise ValueError(
                f"{where}: {argument} holds a batch of {node.data.size} samples (node"
                f" {node.label or node.op or 'leaf'}); step through one sample: build the"
                " expression on single numbers"
            )


def choice(value: Any, argument: str, options: Sequence[str]) -> str:
    """``value`` if it is one of ``options``, else a ValueError listing them."""
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{argument} must be one of {listed}, got {value!r}")
    return value


def positive_int(value: Any, argument: str, largest: int | None = None) -> int:
    """``value`` if it is a positive int (not a bool), at most ``largest``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{argument} must be a positive int, got {type(value).__name__} {value!r}")
    if value < 1 or (largest is not None and value > largest):
        bound = f" between 1 and {largest}" if largest is not None else ""
        raise ValueError(f"{argument} must be a positive int{bound}, got {value!r}")
    return int(value)


def positive_float(value: Any, argument: str) -> float:
    """``value`` as a float if it is a positive finite number."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{argument} must be a positive number, got {type(value).__name__}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{argument} must be a positive finite number, got {value!r}")
    return float(value)


def flag(value: Any, argument: str) -> bool:
    """``value`` if it is a bool."""
    if not isinstance(value, bool):
        raise TypeError(f"{argument} must be True or False, got {type(value).__name__} {value!r}")
    return value
