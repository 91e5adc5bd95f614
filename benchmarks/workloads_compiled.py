"""``autograd.compile`` rows for workloads M, C and BM, measured in the same run as the engine.

* M compiled: one training step of micrograd's demo (the per-sample sum rolled into a
  loop), against micrograd and the plain-float forward; the time of the first call
  (trace with the engine, generate, compile, check) as the compile time; loss and every
  gradient against the engine's.
* C compiled: the 20,000-step chain replayed by its generated code (straight-line),
  against the plain-float forward.
* BM compiled: M in batched mode on 10,000 points (layers fused into matrix products),
  against numpy by hand and torch ``nn.Sequential``, BLAS threads pinned.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import autograd
from autograd import Value
from benchmarks import floor, models
from benchmarks.harness import Row, Settings, measure, measure_together

COMPILE_TIME_BOUND = 0.06
"""Issue 19's target for M: the whole first call (trace, generate, compile, the engine's
backward for that call's gradients, and the check of the new code)."""
EQUAL_BOUND = 1e-12


def relative_difference(got: list[float], want: list[float]) -> float:
    """The largest ``|got - want| / |want|`` (an exact match counts 0, even at 0)."""
    worst = 0.0
    for a, b in zip(got, want, strict=True):
        if a == b:
            continue
        worst = max(worst, abs(a - b) / abs(b) if b else math.inf)
    return worst


def first_call_time(
    make: Callable[[], Any], repeats: int, clock: Callable[[], float] = time.perf_counter
) -> tuple[float, dict[str, float]]:
    """A fresh compile's first call, the median of ``repeats``: its whole time by ``clock``
    (the run's: wall or CPU), and the time of each phase (``Compiled.timings``, wall)."""
    runs = []
    for _ in range(repeats):
        compiled = make()
        start = clock()
        compiled()
        runs.append((clock() - start, dict(compiled.timings)))
    runs.sort(key=lambda run: run[0])
    return runs[len(runs) // 2]


def _grads(model: Any) -> list[float]:
    return [float(p.grad) for p in model.parameters()]


def compiled_m_rows(
    settings: Settings, variant: str, weights: models.Weights, X: list[list[float]],
    y: list[float], plain_forward: Callable[[], float], mg_time: float | None,
) -> list[Row]:  # fmt: skip
    """Workload M compiled: per step (with its SGD update), against the unrolled floor and
    the plain-float forward timed interleaved with it; compile time; equality with the
    engine."""
    model = models.make_ours(variant, weights)

    def make() -> Callable[[], Any]:
        fresh = models.make_ours(variant, weights)
        return autograd.compile(lambda: models.hinge_loss_ours(fresh, X, y))

    first_call, phases = first_call_time(make, 5 if settings.name == "full" else 1, settings.clock)
    step = autograd.compile(lambda: models.hinge_loss_ours(model, X, y))
    loss = step()
    diff = _difference_from_engine(
        loss, model, variant, weights, lambda engine: models.hinge_loss_ours(engine, X, y)
    )
    sizes = [2, *(len(b) for _, b in weights)]
    unrolled = floor.unrolled_step(sizes)
    P = [float(v) for W, b in weights for row, bi in zip(W, b) for v in (*row, bi)]
    floor_loss, floor_grads = unrolled(P, X, y, 0.0)
    floor_diff = max(
        relative_difference([floor_loss], [loss]), relative_difference(floor_grads, _grads(model))
    )
    times = measure_together(
        {
            "compiled": _training_step(model, step),
            "floor": lambda: unrolled(P, X, y, UPDATE_RATE),
            "forward": plain_forward,
        },
        settings,
    )
    ours = times["compiled"].median
    label = f"{settings.moons_points} pts, compiled step + update, {variant} MLP"
    return [
        Row("M", label, ours, other_name="micrograd", other=mg_time, kind="speedup",
            bound=200, note="the per-sample sum rolled into one loop; loss and gradients "
            + ("agree with the engine" if diff <= EQUAL_BOUND else "DIFFER from the engine")),
        Row("M", label, ours, other_name=FLOOR_NAME, other=times["floor"].median,
            kind="slowdown", bound=1.15,
            note=f"{len(floor.unrolled_source(sizes).splitlines())} lines by hand, timed "
            "interleaved with ours; its loss and gradients: largest relative difference "
            f"{floor_diff:.1e} from ours"),
        Row("M", label, ours, other_name="plain floats, forward only (generators)",
            other=times["forward"].median, kind="slowdown", bound=1.5,
            note="a generator expression per neuron, no backward: not a floor"),
        Row("M", f"compile time (the whole first call), {variant} MLP",
            first_call, kind="max", bound=COMPILE_TIME_BOUND,
            note=f"trace {phases['trace'] * 1e3:.0f} ms, generate {phases['generate'] * 1e3:.0f}"
            f" ms, compile {phases['compile'] * 1e3:.0f} ms, the engine's backward "
            f"{phases['engine backward'] * 1e3:.0f} ms (that call's gradients), check "
            f"{phases['check'] * 1e3:.0f} ms; {len((step.source or '').splitlines()):,} lines "
            "of code"),
        Row("M", f"compiled = engine, {variant} MLP", 1 + len(_grads(model)), unit="values",
            kind="check",
            ok=diff <= EQUAL_BOUND,
            note=f"loss and {len(_grads(model))} gradients: largest relative difference "
            f"{diff:.1e} (≤ {EQUAL_BOUND:g})"),
    ]  # fmt: skip


FLOOR_NAME = "plain floats, fwd+bwd+update unrolled by hand (floor)"
UPDATE_RATE = 0.0
"""The SGD step both M contenders take: a real update's work (every parameter read and
written), with a rate of 0 so that every repetition times the same step."""


def _training_step(model: Any, step: Callable[[], Any]) -> Callable[[], Any]:
    """Zero the gradients, run the compiled step, update every parameter (SGD)."""
    params = model.parameters()

    def run() -> Any:
        model.zero_grad()
        loss = step()
        for p in params:
            p.data = p.data - UPDATE_RATE * p.grad
        return loss

    return run


def chain(steps: int) -> Callable[[Value], Value]:
    def f(y: Value) -> Value:
        for _ in range(steps):
            y = (y * 1.0001 + 0.01).relu()
        return y

    return f


def compiled_c_rows(settings: Settings, plain: float) -> list[Row]:
    """Workload C's chain compiled once (straight-line code), then replayed."""
    steps = settings.chain_steps
    y0 = Value(0.5, label="y0")
    step = autograd.compile(chain(steps))
    start = time.perf_counter()
    step(y0)
    compile_time = time.perf_counter() - start
    ours = measure(lambda: step(y0), settings).median
    label = f"{steps:,}-step relu chain, compiled, replayed"
    return [
        Row("C", label, ours, other_name="plain floats, forward only", other=plain,
            kind="slowdown", bound=4,
            note=f"straight-line code, {len((step.source or '').splitlines()):,} lines"),
        Row("C", "compile time (first call), chain", compile_time, kind="info"),
    ]  # fmt: skip


def compiled_bm_rows(
    settings: Settings, variant: str, weights: models.Weights, X: np.ndarray, y: np.ndarray,
    others: dict[str, Callable[[], Any]],
) -> list[Row]:  # fmt: skip
    """Workload BM compiled: layers as matrix products, against ``others`` (numpy, and torch
    in float64 and float32 when installed), timed interleaved with it."""
    yv = Value(y)
    model = models.make_ours(variant, weights)
    step = autograd.compile(
        lambda: models.hinge_loss_ours_batched(model, models.batch_inputs(variant, X), yv)
    )
    start = time.perf_counter()
    loss = step()
    compile_time = time.perf_counter() - start
    diff = _difference_from_engine(
        loss, model, variant, weights,
        lambda engine: models.hinge_loss_ours_batched(
            engine, models.batch_inputs(variant, X), Value(y)
        ),
    )  # fmt: skip

    def run() -> Any:
        model.zero_grad()
        return step()

    times = measure_together({"ours": run, **others}, settings)
    ours = times["ours"].median

    def other(name: str) -> float | None:
        return times[name].median if name in times else None

    n = settings.batch_points
    label = f"M on {n:,} pts, compiled step, {variant} MLP"
    skipped = "" if "torch f64" in times else "torch not installed: skipped"
    return [
        Row("BM", label, ours, other_name="numpy by hand (fwd+bwd)", other=other("numpy"),
            kind="slowdown", bound=1.5, note="layers fused into matrix products"),
        Row("BM", label, ours, other_name="torch nn.Sequential f64", other=other("torch f64"),
            kind="slowdown", bound=1.3, note=skipped),
        Row("BM", label, ours, other_name="torch nn.Sequential f32", other=other("torch f32"),
            kind="info", note=skipped or "float32: half the bytes, not the same numbers"),
        Row("BM", f"compiled = engine, {variant} MLP", 1 + len(_grads(model)), unit="values",
            kind="check",
            ok=diff <= EQUAL_BOUND,
            note=f"loss and {len(_grads(model))} gradients: largest relative difference "
            f"{diff:.1e} (≤ {EQUAL_BOUND:g}); first call {compile_time * 1e3:.0f} ms"),
    ]  # fmt: skip


def _difference_from_engine(
    loss: float, model: Any, variant: str, weights: models.Weights, build: Callable[[Any], Value]
) -> float:
    """The largest relative difference between the compiled step's loss and gradients and
    the engine's, on a fresh model with the same weights (``build(model)`` is the loss)."""
    engine = models.make_ours(variant, weights)
    ref = build(engine)
    ref.backward()
    return max(
        relative_difference([loss], [float(ref.data)]),
        relative_difference(_grads(model), _grads(engine)),
    )
