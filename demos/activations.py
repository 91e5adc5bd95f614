"""Figure 9.1: ReLU, sigmoid, tanh and leaky ReLU, with derivatives computed by the engine.

Each curve's derivative comes from one batched backward pass (a Value holding
every x at once); the demo also prints a few derivatives the learner can check
by hand: ReLU′(1) = 1, σ′(0) = 1/4, tanh′(0) = 1, leaky ReLU′(-1) = α.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import viz
from autograd import Value
from demos import _cli

NAME = "activations"
CHECKS: dict[str, tuple[Callable[[Value], Value], float, float]] = {
    "relu'(1)": (Value.relu, 1.0, 1.0),
    "relu'(-1)": (Value.relu, -1.0, 0.0),
    "sigmoid'(0)": (Value.sigmoid, 0.0, 0.25),
    "tanh'(0)": (Value.tanh, 0.0, 1.0),
    "leaky_relu'(-1)": (lambda v: v.leaky_relu(0.1), -1.0, 0.1),
}
"""Derivatives to print: name → (function, x, the value by hand)."""


def run(
    out: str | Path = "out/activations", seed: int = 0, quick: bool = False, quiet: bool = False
) -> dict[str, Any]:
    """Plot the four activations and their engine derivatives; print the hand-checkable ones."""
    report = _cli.Report(NAME, out, quiet)
    report.say("Activations and their derivatives (one batched backward pass per curve):")
    results: dict[str, Any] = {}
    for name, (f, x0, expected) in CHECKS.items():
        x = Value(x0)
        f(x).backward()
        results[name] = float(x.grad)
        report.say(f"  {name:16s} = {x.grad:.6g}   (by hand: {expected:g})")
    fig = viz.plot_activations(points=201 if quick else 601)
    report.figure(fig, "activations.png", "Figure 9.1")
    points = {name: x0 for name, (_, x0, _) in CHECKS.items()}
    return report.finish(results, seed=seed, settings={"derivatives_at": points})


main = _cli.standard_main(NAME, __doc__, run)


if __name__ == "__main__":
    raise SystemExit(main())
