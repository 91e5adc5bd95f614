"""One compiled function called from 8 threads at once, with a tiny switch interval.

Every call's result is its own, each leaf's gradient is the sum of every call's (as
sequential calls give), no error reaches a caller, and the generated code is kept.
"""

from __future__ import annotations

import sys
import threading
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

import autograd as ag
from autograd import Value

THREADS, CALLS = 8, 25


@pytest.fixture(autouse=True)
def tiny_switch_interval() -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # no fall-back to the engine
            yield
    finally:
        sys.setswitchinterval(previous)


def model(w: list[Value], x: float) -> Value:
    h = (w[0] * x + w[1]).tanh()
    out = h * w[2] + (w[1] * x).sigmoid()
    return out * out if out > 0 else -out


def engine(x: float) -> tuple[float, list[float]]:
    w = [Value(d) for d in (0.3, -0.2, 0.7)]
    out = model(w, x)
    out.backward()
    return out.data, [v.grad for v in w]


def call_from_threads(step: ag.Compiled, inputs: list[list[float]]) -> list[list[float]]:
    """Each thread calls ``step`` on its own inputs, all starting together."""
    start = threading.Barrier(len(inputs))

    def worker(xs: list[float]) -> list[float]:
        start.wait(5)
        return [step(x) for x in xs]

    with ThreadPoolExecutor(len(inputs)) as pool:
        return list(pool.map(worker, inputs))


@pytest.mark.parametrize("warm", [False, True], ids=["traced-in-threads", "traced-before"])
def test_calls_from_threads_add_exactly_every_calls_gradient(warm: bool) -> None:
    w = [Value(d, label=f"w{i}") for i, d in enumerate((0.3, -0.2, 0.7))]
    step = ag.compile(lambda x: model(w, x))
    if warm:
        step(0.5)
        for v in w:
            v.grad = 0.0
    inputs = [[0.1 * t + 0.01 * c - 0.4 for c in range(CALLS)] for t in range(THREADS)]
    results = call_from_threads(step, inputs)
    want_grads = [0.0, 0.0, 0.0]
    for xs, got in zip(inputs, results):
        for x, value in zip(xs, got):
            data, grads = engine(x)
            assert value == pytest.approx(data, rel=1e-12)
            want_grads = [a + b for a, b in zip(want_grads, grads)]
    assert [v.grad for v in w] == pytest.approx(want_grads, rel=1e-12)
    assert step.fallback_reason is None and step.source is not None
    assert set(step.timings) >= {"trace", "generate", "compile", "check"}


def test_the_same_call_from_threads_is_n_times_one_call() -> None:
    w = [Value(d, label=f"w{i}") for i, d in enumerate((0.3, -0.2, 0.7))]
    step = ag.compile(lambda x: model(w, x))
    call_from_threads(step, [[0.25] * CALLS] * THREADS)
    _, grads = engine(0.25)
    assert [v.grad for v in w] == pytest.approx([THREADS * CALLS * g for g in grads], rel=1e-12)
    assert step.fallback_reason is None
