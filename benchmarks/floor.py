"""The floor of workload M: one training step of micrograd's demo in plain floats, unrolled.

Scalar Python does this work no faster: every parameter is a local variable, each neuron
is one line of products and its backward pass one line per product, no list or call
inside a sample, then the SGD update. What a person would skip is skipped: a sample's
backward when its hinge is flat, and everything under a ReLU that is off (its incoming
sum and its weight gradients). The source is written out from the layer sizes
(as one would type it by hand: some 450 lines for 2-16-16-1), compiled once, and checked
against the engine's loss and gradients before it is timed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

from benchmarks.models import ALPHA

Step = Callable[[list[float], list[list[float]], list[float], float], tuple[float, list[float]]]


def unrolled_source(sizes: Sequence[int]) -> str:
    """``step(P, X, y, lr)`` for an MLP of ``sizes`` (ReLU, linear output), hinge + L2:
    returns the loss and the gradient, and moves ``P`` (in ``parameters()`` order) by
    ``-lr·gradient``."""
    index: dict[tuple[int, int, int], int] = {}  # (layer, neuron, input or -1 for b) → k
    for layer, (n_in, n_out) in enumerate(pairwise(sizes)):
        for j in range(n_out):
            for i in [*range(n_in), -1]:
                index[layer, j, i] = len(index)
    count, last = len(index), len(sizes) - 2
    p = [f"p{k}" for k in range(count)]
    g = [f"g{k}" for k in range(count)]
    lines = [
        "def step(P, X, y, lr):",
        f"    ({', '.join(p)},) = P",
        f"    {' = '.join(g)} = 0.0",
        "    total = 0.0",
        f"    for ({', '.join(f'a0_{i}' for i in range(sizes[0]))},), yi in zip(X, y):",
    ]
    for layer, (n_in, n_out) in enumerate(pairwise(sizes)):
        for j in range(n_out):
            terms = [f"{p[index[layer, j, i]]} * a{layer}_{i}" for i in range(n_in)]
            lines.append(f"        z{layer}_{j} = {' + '.join(terms)} + {p[index[layer, j, -1]]}")
            if layer < last:
                z = f"z{layer}_{j}"
                lines.append(f"        a{layer + 1}_{j} = {z} if {z} > 0.0 else 0.0")
    lines += [
        f"        margin = 1.0 + -yi * z{last}_0",
        "        if margin > 0.0:",
        "            total += margin",
        f"            gz{last}_0 = -yi",
    ]

    def weight_gradients(layer: int, j: int, indent: str) -> list[str]:
        """Neuron j's weight and bias gradients: ``g += ∂L/∂z·a`` per input, ``g += ∂L/∂z``."""
        n_in = sizes[layer]
        rows = [f"{g[index[layer, j, i]]} += gz{layer}_{j} * a{layer}_{i}" for i in range(n_in)]
        return [indent + row for row in [*rows, f"{g[index[layer, j, -1]]} += gz{layer}_{j}"]]

    lines += weight_gradients(last, 0, " " * 12)
    for layer in range(last, 0, -1):  # ∂L/∂z of layer - 1, from layer's
        for i in range(sizes[layer]):
            back = " + ".join(
                f"gz{layer}_{j} * {p[index[layer, j, i]]}" for j in range(sizes[layer + 1])
            )
            lines += [
                f"            if z{layer - 1}_{i} > 0.0:",
                f"                gz{layer - 1}_{i} = {back}",
            ]
            lines += weight_gradients(layer - 1, i, " " * 16)  # an off unit: no gradient at all
            if layer > 1:  # the next layer down reads it
                lines += ["            else:", f"                gz{layer - 1}_{i} = 0.0"]
    inv = "1.0 / len(y)"
    lines += [
        f"    inv = {inv}",
        f"    loss = total * inv + {ALPHA!r} * ({' + '.join(f'{q} * {q}' for q in p)})",
        f"    grads = [{', '.join(f'{gk} * inv + {2 * ALPHA!r} * {pk}' for gk, pk in zip(g, p))}]",
        "    P[:] = [q - lr * d for q, d in zip(P, grads)]",
        "    return loss, grads",
    ]
    return "\n".join(lines) + "\n"


def unrolled_step(sizes: Sequence[int]) -> Step:
    """The compiled :func:`unrolled_source`."""
    namespace: dict[str, Any] = {}
    exec(compile(unrolled_source(sizes), f"<unrolled M step {sizes}>", "exec"), namespace)
    step: Step = namespace["step"]
    return step
