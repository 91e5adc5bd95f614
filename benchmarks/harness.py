"""Timing and memory measurement, and the result row every workload produces.

Methodology (the same for every engine):

* one warm-up call (also used to size the inner loop), then ``repeats`` timed
  repetitions; the figure reported is the **median** repetition;
* a repetition runs the callable ``number`` times, with ``number`` chosen so
  that a repetition lasts at least ``min_time`` seconds, and reports the mean
  time per call;
* the garbage collector stays **on**, as a user would have it; ``gc.collect()``
  runs between repetitions (outside the timer) so that one repetition's garbage is
  not charged to the next, and each call's result (the graph) is released after
  its timer stops (tearing a graph down is not timed; collections the cyclic
  garbage collector triggers while a graph is being built are);
* peak memory is measured in a separate run under :mod:`tracemalloc` (which slows
  Python allocations down, so it is never combined with timing).
"""

from __future__ import annotations

import ctypes
import gc
import math
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Settings:
    """How long and how big: :meth:`full`, :meth:`quick` or :meth:`tiny` (the smoke test)."""

    name: str
    repeats: int
    min_time: float
    moons_points: int
    width_sizes: tuple[int, ...]
    chain_steps: int
    deep_ops: int
    deep_memory: bool
    batch_points: int
    train_points: int
    train_epochs: int
    xor_epochs: int
    xor_points: int = 120
    cpu_time: bool = False
    """Time with the process's CPU time (``time.process_time``) instead of the wall clock:
    on a loaded machine it leaves out the time other jobs hold the cores (``--cpu-time``)."""

    @property
    def clock(self) -> Callable[[], float]:
        """The timer every measurement reads."""
        return time.process_time if self.cpu_time else time.perf_counter

    @classmethod
    def full(cls) -> Settings:
        return cls(
            name="full",
            repeats=7,
            min_time=0.2,
            moons_points=100,
            width_sizes=(16, 32, 64, 128, 256),
            chain_steps=20_000,
            deep_ops=1_000_000,
            deep_memory=True,
            batch_points=10_000,
            train_points=1_000,
            train_epochs=1_000,
            xor_epochs=2_000,
        )

    @classmethod
    def quick(cls) -> Settings:
        return cls(
            name="quick",
            repeats=3,
            min_time=0.05,
            moons_points=100,
            width_sizes=(16, 32, 256),
            chain_steps=20_000,
            deep_ops=1_000_000,
            deep_memory=False,
            batch_points=10_000,
            train_points=1_000,
            train_epochs=50,
            xor_epochs=200,
        )

    @classmethod
    def tiny(cls) -> Settings:
        """Sizes small enough for the smoke test (seconds in all); the figures mean nothing."""
        return cls(
            name="tiny",
            repeats=1,
            min_time=0.0,
            moons_points=8,
            width_sizes=(4, 8),
            chain_steps=200,
            deep_ops=3_000,
            deep_memory=True,
            batch_points=64,
            train_points=32,
            train_epochs=2,
            xor_epochs=2,
            xor_points=16,
        )


@dataclass
class Row:
    """One line of the table: our figure, a reference figure, their ratio and the target.

    ``kind`` says how the ratio reads and how the target is checked:

    * ``"speedup"``: ratio = other / ours, passes when ratio ≥ bound ("N× faster");
    * ``"slowdown"``: ratio = ours / other, passes when ratio ≤ bound ("N× the time");
    * ``"max"``: ratio = ours itself (e.g. bytes per node), passes when ≤ bound;
    * ``"check"``: a yes/no requirement, stated in ``note``, result in ``ok``;
    * ``"info"``: no target, figures only.
    """

    workload: str
    variant: str
    ours: float | None
    unit: str = "s"
    other_name: str = ""
    other: float | None = None
    kind: str = "info"
    bound: float | None = None
    note: str = ""
    ok: bool | None = None
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.kind == "max":
            return self.ours
        if self.ours is None or self.other is None or self.ours <= 0 or self.other <= 0:
            return None
        if self.kind == "speedup":
            return self.other / self.ours
        if self.kind == "slowdown":
            return self.ours / self.other
        return None

    @property
    def passed(self) -> bool | None:
        if self.kind == "check":
            return self.ok
        ratio = self.ratio
        if ratio is None or self.bound is None:
            return None
        if self.kind == "speedup":
            return ratio >= self.bound
        return ratio <= self.bound

    @property
    def target(self) -> str:
        if self.bound is None:
            return ""
        if self.kind == "speedup":
            return f"≥ {self.bound:g}x faster"
        if self.kind == "slowdown":
            return f"≤ {self.bound:g}x the time"
        return f"≤ {self.bound:g} {self.unit}"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(ratio=self.ratio, passed=self.passed, target=self.target)
        return data


@dataclass(frozen=True)
class Timing:
    """The median time per call (seconds) and how it was obtained."""

    median: float
    repeats: int
    number: int
    samples: tuple[float, ...]


def measure(
    fn: Callable[[], Any], settings: Settings, repeats: int | None = None, warmup: bool = True
) -> Timing:
    """Time ``fn()`` (see the module docstring for the method); returns the median per call."""
    repeats = settings.repeats if repeats is None else repeats
    number = calls_per_repetition(fn, settings) if warmup else 1
    samples = [repetition(fn, number, settings.clock) for _ in range(repeats)]
    gc.collect()
    return Timing(statistics.median(samples), repeats, number, tuple(samples))


def calls_per_repetition(fn: Callable[[], Any], settings: Settings) -> int:
    """The warm-up call, which sizes a repetition to last at least ``min_time``."""
    gc.collect()
    clock = settings.clock
    start = clock()
    result = fn()
    first = clock() - start
    del result
    if 0 < first < settings.min_time:
        return max(1, math.ceil(settings.min_time / first))
    return 1


def repetition(
    fn: Callable[[], Any], number: int, clock: Callable[[], float] = time.perf_counter
) -> float:
    """One repetition: the mean time of ``number`` calls, each result released untimed."""
    gc.collect()
    elapsed = 0.0
    for _ in range(number):
        start = clock()
        result = fn()
        elapsed += clock() - start
        del result  # released outside the timer
    return elapsed / number


def measure_together(
    contenders: dict[str, Callable[[], Any]], settings: Settings
) -> dict[str, Timing]:
    """Time several callables interleaved: each repetition runs every contender in turn
    (the order rotating), so a burst of load on the shared machine hits all of them
    alike; each gets the median of its repetitions, as :func:`measure` gives."""
    numbers = {name: calls_per_repetition(fn, settings) for name, fn in contenders.items()}
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for k in range(settings.repeats):
        for name in names[k % len(names) :] + names[: k % len(names)]:
            samples[name].append(repetition(contenders[name], numbers[name], settings.clock))
    gc.collect()
    return {
        name: Timing(statistics.median(s), settings.repeats, numbers[name], tuple(s))
        for name, s in samples.items()
    }


def peak_memory(fn: Callable[[], Any]) -> int:
    """Peak bytes allocated by Python while ``fn()`` runs (tracemalloc), above the start level."""
    gc.collect()
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
        del result
    finally:
        if not was_tracing:
            tracemalloc.stop()
    gc.collect()
    return peak - base


@contextmanager
def recursion_limit(limit: int) -> Iterator[None]:
    """Raise the recursion limit for the block (micrograd's topological sort is recursive)."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


# ---- what the benchmarks do not measure, pinned ----------------------------------------------

MMAP_THRESHOLD = 64 << 20
"""glibc allocates blocks above its mmap threshold with mmap and frees them with munmap: a
10,000-sample temporary (80 kB–1.3 MB) would cost fresh page faults on every call, and the
threshold moves with the heap's history (numpy's BM time moved 1.9–7 ms with it). Pinned
above every temporary of the workloads, with the trim threshold, so freed blocks are reused."""


def pin_malloc() -> str:
    """Fix glibc's mmap and trim thresholds for the process (once; they cannot be undone)."""
    if not sys.platform.startswith("linux"):
        return "not pinned (not glibc)"
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return "not pinned (no libc.so.6)"
    m_trim_threshold, m_mmap_threshold = -1, -3
    ok = libc.mallopt(m_mmap_threshold, MMAP_THRESHOLD) and libc.mallopt(
        m_trim_threshold, 2 * MMAP_THRESHOLD
    )
    mib = MMAP_THRESHOLD >> 20
    return f"glibc mmap threshold {mib} MiB, trim {2 * mib} MiB" if ok else "mallopt failed"


@contextmanager
def pinned(threads: int | None = 1) -> Iterator[dict[str, str]]:
    """BLAS threads of numpy (threadpoolctl) and torch pinned to ``threads``, malloc pinned.

    ``threads=None`` leaves both as they are (the libraries' defaults) and only reports.
    Yields what was done, for the table's header.
    """
    from benchmarks import models

    info: dict[str, str] = {}
    with ExitStack() as stack:
        if threads is None:
            info["threads"] = "library defaults (not pinned)"
            info["malloc"] = "glibc defaults (not pinned)"
            yield info
            return
        try:
            from threadpoolctl import threadpool_limits

            stack.enter_context(threadpool_limits(limits=threads))
            info["threads"] = f"BLAS {threads} (threadpoolctl)"
        except ImportError:
            info["threads"] = "BLAS not pinned (pip install threadpoolctl)"
        torch = models.torch_module()
        if torch is not None:
            previous = torch.get_num_threads()
            torch.set_num_threads(threads)
            stack.callback(torch.set_num_threads, previous)
            info["threads"] += f", torch {threads}"
        info["malloc"] = pin_malloc()
        yield info
