"""Where compiled M's time goes, in CPU time: ``python -m benchmarks.compiled_parts [local|nn]``.

Against the floor (:mod:`benchmarks.floor`), interleaved, the median of 7 repetitions of
CPU time (``time.process_time``: a neighbour's burst on a shared machine stretches wall
time, not this process's CPU time):

* ``generated code``: the generated function alone, on the inputs' data;
* ``+ call``: ``step()``, which also reads the inputs, checks their kinds and writes the
  gradients back;
* ``+ zero_grad + update``: the benchmark's training step (as ``python -m benchmarks``);

then the first call of a fresh compile (trace, generate, compile, the engine's backward,
check), by phase, median of 7.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import autograd
from benchmarks import floor, models
from benchmarks.workloads_compiled import UPDATE_RATE, _training_step

SIZES = [2, 16, 16, 1]
REPEATS = 7


def cpu_medians(contenders: dict[str, Callable[[], Any]], calls: int) -> dict[str, float]:
    """Seconds of CPU time per call, median of :data:`REPEATS`, the contenders interleaved."""
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(REPEATS):
        for name, fn in contenders.items():
            start = time.process_time()
            for _ in range(calls):
                fn()
            samples[name].append((time.process_time() - start) / calls)
    return {name: statistics.median(s) for name, s in samples.items()}


def first_call_phases(variant: str) -> tuple[float, dict[str, float]]:
    """CPU time of a fresh compile's first call and of its phases, median of :data:`REPEATS`."""
    weights = models.init_weights(SIZES)
    X, y = models.moons_lists(100)
    from autograd.compiler import function

    runs = []
    wall = function.time.perf_counter
    function.time.perf_counter = time.process_time  # the phases in CPU time too, for this run
    try:
        for _ in range(REPEATS):
            model = models.make_ours(variant, weights)
            step = autograd.compile(lambda m=model: models.hinge_loss_ours(m, X, y))
            start = time.process_time()
            step()
            runs.append((time.process_time() - start, dict(step.timings)))
    finally:
        function.time.perf_counter = wall
    runs.sort(key=lambda run: run[0])
    return runs[len(runs) // 2]


def main(variant: str = "local") -> None:
    weights = models.init_weights(SIZES)
    X, y = models.moons_lists(100)
    model = models.make_ours(variant, weights)
    step = autograd.compile(lambda: models.hinge_loss_ours(model, X, y))
    step()
    code = step._last
    assert code is not None, step.fallback_reason
    inputs = tuple(v.data for v in code.loaded)
    before = tuple(v.grad for v in code.written)
    unrolled = floor.unrolled_step(SIZES)
    P = [float(v) for W, b in weights for row, bi in zip(W, b) for v in (*row, bi)]
    times = cpu_medians(
        {
            "generated code": lambda: code.fn(inputs, before, ()),
            "+ call": step,
            "+ zero_grad + update": _training_step(model, step),
            "floor (fwd+bwd+update by hand)": lambda: unrolled(P, X, y, UPDATE_RATE),
        },
        calls=30,
    )
    base = times["floor (fwd+bwd+update by hand)"]
    print(f"compiled M, {variant} MLP, CPU time per step (median of {REPEATS}, interleaved)")
    for name, seconds in times.items():
        print(f"  {name:32s} {seconds * 1e3:7.3f} ms  {seconds / base:5.2f}x the floor")
    total, phases = first_call_phases(variant)
    shown = ", ".join(f"{k} {v * 1e3:.1f}" for k, v in phases.items())
    print(f"first call (CPU time, median of {REPEATS}): {total * 1e3:.1f} ms ({shown} ms)")


if __name__ == "__main__":
    main(*sys.argv[1:2])
