"""Profile our engine on one workload: ``python -m benchmarks.profile_engine C`` (or M, BM).

Prints cProfile's top functions by own time (``--sort cumulative`` for inclusive time),
and the split between building the graph (forward) and ``backward()``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import time
from collections.abc import Callable
from typing import Any

from benchmarks import models


def _chain(steps: int) -> tuple[Callable[[], Any], Callable[[Any], None]]:
    from autograd import Value

    def forward() -> Any:
        y = Value(0.5)
        for _ in range(steps):
            y = (y * 1.0001 + 0.01).relu()
        return y

    return forward, lambda y: y.backward()


def _moons(variant: str) -> tuple[Callable[[], Any], Callable[[Any], None]]:
    X, y = models.moons_lists(100)
    model = models.make_ours(variant, models.init_weights([2, 16, 16, 1]))

    def forward() -> Any:
        return models.hinge_loss_ours(model, X, y)

    def backward(loss: Any) -> None:
        model.zero_grad()
        loss.backward()

    return forward, backward


def _batched(variant: str) -> tuple[Callable[[], Any], Callable[[Any], None]]:
    from autograd import Value

    X, y = models.moons(10_000)
    yv = Value(y)
    model = models.make_ours(variant, models.init_weights([2, 16, 16, 1]))

    def forward() -> Any:
        return models.hinge_loss_ours_batched(model, models.batch_inputs(variant, X), yv)

    def backward(loss: Any) -> None:
        model.zero_grad()
        loss.backward()

    return forward, backward


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_engine")
    parser.add_argument("workload", choices=["C", "M", "BM"])
    parser.add_argument("--variant", default="local", choices=["local", "nn"])
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    if args.workload == "C":
        forward, backward = _chain(20_000)
    elif args.workload == "M":
        forward, backward = _moons(args.variant)
    else:
        forward, backward = _batched(args.variant)
    backward(forward())  # warm-up
    gc.collect()
    t0 = time.perf_counter()
    out = forward()
    t1 = time.perf_counter()
    backward(out)
    t2 = time.perf_counter()
    print(f"forward {1e3 * (t1 - t0):.1f} ms, backward {1e3 * (t2 - t1):.1f} ms (unprofiled)")
    del out
    gc.collect()
    profiler = cProfile.Profile()
    profiler.enable()
    backward(forward())
    profiler.disable()
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
