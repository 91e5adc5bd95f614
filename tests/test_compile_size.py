"""A graph too big to compile is left to the engine, with a warning that says what to do.

Generating and compiling code costs memory and time per node (a 1,000,000-node chain
took 7.2 GB and 45 s), so ``autograd.compile`` stops at ``max_nodes`` (default
:data:`autograd.compiler.MAX_NODES`). Checked here on small chains with a small limit.
"""

from __future__ import annotations

import warnings

import pytest

import autograd as ag
from autograd import Value
from autograd.compiler import MAX_NODES


def chain(x: Value, steps: int) -> Value:
    y = x
    for _ in range(steps):
        y = (y * 0.9).tanh()
    return y


def engine(x0: float, steps: int) -> tuple[float, float]:
    x = Value(x0)
    out = chain(x, steps)
    out.backward()
    return out.data, x.grad


def test_a_graph_above_the_limit_runs_on_the_engine_with_a_clear_warning() -> None:
    x = Value(0.5, label="x")
    step = ag.compile(lambda: chain(x, 30), max_nodes=50)
    with pytest.warns(RuntimeWarning) as caught:
        first = step()
    message = str(caught[0].message)
    assert "61 nodes" in message and "limit of 50" in message and "max_nodes=" in message
    assert message == step.fallback_reason
    assert (first, x.grad) == pytest.approx(engine(0.5, 30), rel=1e-12)
    x.data, x.grad = -0.3, 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # warned once, not at every call
        assert (step(), x.grad) == pytest.approx(engine(-0.3, 30), rel=1e-12)
    assert step.traces == 1 and step.source is None
    with pytest.raises(ValueError, match="61 nodes, more than"), pytest.warns(RuntimeWarning):
        ag.compile(lambda: chain(x, 30), max_nodes=50).generate()


def test_a_graph_at_the_limit_compiles() -> None:
    x = Value(0.5, label="x")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        step = ag.compile(lambda: chain(x, 30), max_nodes=61)
        assert step() == pytest.approx(engine(0.5, 30)[0], rel=1e-12)
    assert step.source is not None


def test_the_limit_is_checked() -> None:
    assert ag.compile(lambda x: x).max_nodes == MAX_NODES == 100_000
    for bad in (0, -5, 2.5, True, "10"):
        with pytest.raises(ValueError, match="max_nodes must be a positive whole number"):
            ag.compile(lambda x: x, max_nodes=bad)
