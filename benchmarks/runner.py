"""Run the chosen workloads in one process and collect their rows."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from benchmarks import models
from benchmarks.harness import Row, Settings, pinned
from benchmarks.workloads_batched import workload_bm, workload_bt
from benchmarks.workloads_scalar import workload_c, workload_d, workload_m, workload_w

Workload = Callable[[Settings], list[Row]]

WORKLOADS: dict[str, tuple[str, Workload]] = {
    "M": ("scalar: micrograd's demo step (MLP 2-16-16-1, hinge + L2)", workload_m),
    "W": ("scalar: width scaling, MLP 3-N-N-1 tanh, one sample", workload_w),
    "C": ("scalar: 20,000-step relu chain, time and memory", workload_c),
    "D": ("scalar: 1,000,000-op chain, default recursion limit", workload_d),
    "BM": ("batched: workload M on 10,000 points", workload_bm),
    "BT": ("batched: training times (shallow vs deep, XOR)", workload_bt),
}
"""Every workload by id: a one-line description and the function that measures it."""


def run(
    settings: Settings,
    only: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
    threads: int | None = 1,
    info: dict[str, str] | None = None,
) -> list[Row]:
    """Measure the workloads ``only`` (default: all, in table order) and return their rows.

    BLAS threads (numpy, torch) are pinned to ``threads`` and glibc's malloc thresholds
    fixed (:func:`benchmarks.harness.pinned`); ``threads=None`` leaves both as they are.
    What was pinned is written into ``info``.
    """
    names = list(WORKLOADS) if only is None else [n.strip().upper() for n in only]
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        raise ValueError(
            f"unknown workload(s) {', '.join(unknown)}; choose from {', '.join(WORKLOADS)}"
        )
    rows: list[Row] = []
    with frozen_imports(), pinned(threads) as pinning:
        if info is not None:
            info.update(pinning)
        for name in names:
            rows += _one(name, settings, progress)
    return rows


@contextmanager
def frozen_imports() -> Iterator[None]:
    """Import every library first, then ``gc.freeze()`` what exists (modules, functions).

    torch alone brings ~150,000 GC-tracked objects; left in the collected generations,
    every full collection walks them, and the engines that build big graphs (all of
    them) slow down by up to 1.6x just because torch was imported for a comparison.
    Freezing the import-time heap puts every engine back in the process a user would
    have; the collector itself stays on.
    """
    models.torch_module()
    models.micrograd_available()
    models.nn_available()
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _one(name: str, settings: Settings, progress: Callable[[str], None] | None) -> list[Row]:
    description, workload = WORKLOADS[name]
    start = time.perf_counter()
    if progress:
        progress(f"[{name}] {description} ...")
    rows = workload(settings)
    if progress:
        progress(f"[{name}] done in {time.perf_counter() - start:.1f} s")
    return rows
