"""Runnable examples of the two seed chapters: ``python -m demos`` lists them.

Each is ``python -m demos.<name> [--out DIR] [--seed N] [--quick]`` and exposes
``run(...)`` (returns the printed numbers) and ``main(argv)``.
"""

DEMOS = (
    "tour",
    "computation_graph",
    "perceptron",
    "linear_network",
    "activations",
    "representations",
    "shallow_vs_deep",
    "xor",
    "moons",
    "smoke_pm25",
)
"""The demo modules, in the order of the chapters (the tour first)."""
