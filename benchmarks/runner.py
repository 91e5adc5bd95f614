"""Run the chosen workloads in one process and collect their rows."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from benchmarks.harness import Row, Settings
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
) -> list[Row]:
    """Measure the workloads ``only`` (default: all, in table order) and return their rows."""
    names = list(WORKLOADS) if only is None else [n.strip().upper() for n in only]
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        raise ValueError(
            f"unknown workload(s) {', '.join(unknown)}; choose from {', '.join(WORKLOADS)}"
        )
    rows: list[Row] = []
    for name in names:
        description, workload = WORKLOADS[name]
        start = time.perf_counter()
        if progress:
            progress(f"[{name}] {description} ...")
        rows += workload(settings)
        if progress:
            progress(f"[{name}] done in {time.perf_counter() - start:.1f} s")
    return rows
