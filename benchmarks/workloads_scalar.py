"""Scalar mode: one ``Value`` per number (workloads M, W, C, D).

* M — micrograd's demo step: MLP 2-16-16-1 (ReLU, linear output), 100 points, hinge
  loss + 1e-4·L2, forward + ``zero_grad`` + backward over the whole set.
* W — width scaling: MLP 3-N-N-1 (tanh), forward + backward on one sample.
* C — a chain of 20,000 ``y = relu(y*1.0001 + 0.01)`` (3 op nodes per step).
* D — a chain of 1,000,000 ops, forward and backward, default recursion limit.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from typing import Any

from autograd import Value, topological_order
from benchmarks import models
from benchmarks.harness import (
    Row,
    Settings,
    measure,
    measure_together,
    peak_memory,
    recursion_limit,
)
from benchmarks.workloads_compiled import compiled_c_rows, compiled_m_rows

MICROGRAD_LIMIT = 100_000
"""micrograd's topological sort is recursive: its runs get this recursion limit, nothing else."""

MICROGRAD_MEMORY_STEPS = 2_000
MG_NOTE = (
    f"micrograd run with sys.setrecursionlimit({MICROGRAD_LIMIT:,}); its graph's reference "
    "cycles are collected between repetitions, outside its timer (which understates our lead)"
)
TORCH_SCALAR = "torch 0-dim tensors, micrograd-style (binary ops)"
"""No torch user writes this: one tensor per number, built op by op as micrograd does."""

_cache: dict[tuple[str, str], float] = {}


def _close(a: float, b: float, tol: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


# ---- M ---------------------------------------------------------------------------------------


def _with_micrograd_limit(fn: Callable[[], Any]) -> Callable[[], Any]:
    """``fn`` run under micrograd's recursion limit (only micrograd's calls get it)."""

    def run() -> Any:
        with recursion_limit(MICROGRAD_LIMIT):
            return fn()

    return run


def workload_m(settings: Settings) -> list[Row]:
    """Workload M on the engine (both MLPs), timed interleaved with micrograd, the
    plain-float forward and torch (when installed); then the compiled rows."""
    X, y = models.moons_lists(settings.moons_points)
    weights = models.init_weights([2, 16, 16, 1])
    layers = models.plain_layers(weights)
    plain_loss = models.plain_hinge_forward(layers, X, y)
    contenders: dict[str, Callable[[], Any]] = {
        "plain": lambda: models.plain_hinge_forward(layers, X, y)
    }

    mg_grads: list[float] | None = None
    if models.micrograd_available():
        mg = models.make_micrograd(weights)

        def mg_step() -> Any:
            loss = models.hinge_loss_micrograd(mg, X, y)
            mg.zero_grad()
            loss.backward()
            return loss

        with recursion_limit(MICROGRAD_LIMIT):
            mg_step()
        mg_grads = [float(p.grad) for p in mg.parameters()]
        contenders["micrograd"] = _with_micrograd_limit(mg_step)

    torch = models.torch_module()
    if torch is not None:
        tmodel = models.TorchScalarMLP(weights)

        def torch_step() -> Any:
            loss = models.hinge_loss_torch_scalar(tmodel, X, y)
            tmodel.zero_grad()
            loss.backward()
            return loss

        contenders["torch"] = torch_step

    notes: dict[str, list[str]] = {}
    for variant in models.ours_variants():
        model = models.make_ours(variant, weights)

        def step(model: Any = model) -> Value:
            loss = models.hinge_loss_ours(model, X, y)
            model.zero_grad()
            loss.backward()
            return loss

        check = step()
        found = notes[variant] = []
        if not _close(float(check.data), plain_loss):
            found.append(f"LOSS MISMATCH {float(check.data)!r} vs plain {plain_loss!r}")
        if mg_grads is not None:
            ours_grads = [float(p.grad) for p in model.parameters()]
            if not all(_close(a, b, 1e-7) for a, b in zip(ours_grads, mg_grads)):
                found.append("GRADIENT MISMATCH with micrograd")
        if not found:  # say only what was compared
            compared = "loss and gradients agree with micrograd" if mg_grads else "loss agrees"
            found.append(compared + " (and with plain floats)")
        contenders[variant] = step

    times = {name: t.median for name, t in measure_together(contenders, settings).items()}
    mg_time, torch_time = times.get("micrograd"), times.get("torch")
    rows: list[Row] = []
    for variant in models.ours_variants():
        ours = times[variant]
        label = f"{settings.moons_points} pts, fwd+zero_grad+bwd, {variant} MLP"
        note = "; ".join(notes[variant]) + ("; " + MG_NOTE if mg_time else "; micrograd absent")
        rows.append(
            Row("M", label, ours, other_name="micrograd", other=mg_time, kind="speedup",
                bound=25, note=note + "; every engine row of M timed interleaved")
        )  # fmt: skip
        rows.append(
            Row("M", label, ours, other_name="plain floats, forward only", other=times["plain"],
                kind="slowdown", bound=8)
        )  # fmt: skip
        rows.append(
            Row("M", label, ours, other_name=TORCH_SCALAR, other=torch_time,
                kind="speedup", bound=10, note="" if torch else "torch not installed: skipped")
        )  # fmt: skip
    for variant in models.ours_variants():
        rows += compiled_m_rows(
            settings, variant, weights, X, y,
            lambda: models.plain_hinge_forward(layers, X, y), mg_time,
        )  # fmt: skip
    return rows


# ---- W ---------------------------------------------------------------------------------------


def _count_micrograd_nodes(root: Any) -> int:
    seen = {id(root)}
    stack = [root]
    while stack:
        for child in stack.pop()._prev:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return len(seen)


def workload_w(settings: Settings) -> list[Row]:
    sample = [0.5, -0.3, 0.8]
    rows: list[Row] = []
    per_node: dict[tuple[str, int], float] = {}
    for variant in models.ours_variants():
        for n in settings.width_sizes:
            weights = models.init_weights([3, n, n, 1], seed=n)
            model = models.make_ours(variant, weights, "tanh")

            def step(model: Any = model) -> Value:
                out = model(sample)[0]
                out.backward()
                return out

            nodes = len(topological_order(step()))
            ours = measure(step, settings).median
            per_node[variant, n] = ours / nodes
            mg_time: float | None = None
            mg_nodes = 0
            if variant == "local" and models.micrograd_available():
                mg = models.make_micrograd(weights, "tanh")

                def mg_step(mg: Any = mg) -> Any:
                    out = mg(sample)
                    out.backward()
                    return out

                with recursion_limit(MICROGRAD_LIMIT):
                    mg_nodes = _count_micrograd_nodes(mg_step())
                    mg_time = measure(mg_step, settings).median
                _cache[settings.name, f"W{n}"] = mg_time
            elif variant != "local":
                mg_time = _cache.get((settings.name, f"W{n}"))
            extra = {"nodes": float(nodes), "ns_per_node": 1e9 * ours / nodes}
            if mg_nodes:
                extra.update(mg_nodes=float(mg_nodes), mg_ns_per_node=1e9 * mg_time / mg_nodes)  # type: ignore[operator]
            top = n == max(settings.width_sizes)
            rows.append(
                Row("W", f"3-{n}-{n}-1 tanh, 1 sample, {variant} MLP, {nodes:,} nodes", ours,
                    other_name="micrograd", other=mg_time, kind="speedup",
                    bound=25 if top else None,
                    note=f"{extra['ns_per_node']:.0f} ns/node" + (
                        f" (micrograd {extra['mg_ns_per_node']:.0f} ns/node)" if mg_nodes else ""),
                    extra=extra)
            )  # fmt: skip
        small = 32 if 32 in settings.width_sizes else min(settings.width_sizes)
        big = max(settings.width_sizes)
        if big != small:
            rows.append(
                Row("W", f"time per node, N={big} vs N={small}, {variant} MLP",
                    per_node[variant, big], unit="s/node", other_name=f"per node at N={small}",
                    other=per_node[variant, small], kind="slowdown", bound=1.5)
            )  # fmt: skip
    return rows


# ---- C and D -----------------------------------------------------------------------------------


def chain_ours(steps: int) -> Value:
    y = Value(0.5)
    for _ in range(steps):
        y = (y * 1.0001 + 0.01).relu()
    y.backward()
    return y


def chain_micrograd(steps: int) -> Any:
    from micrograd.engine import Value as MGValue

    y = MGValue(0.5)
    for _ in range(steps):
        y = (y * 1.0001 + 0.01).relu()
    y.backward()
    return y


def chain_plain(steps: int) -> float:
    y = 0.5
    for _ in range(steps):
        y = y * 1.0001 + 0.01
        y = y if y > 0 else 0.0
    return y


def chain_floor(steps: int) -> float:
    """The chain's forward *and* backward in plain floats, as a person writes it by hand:
    each pre-activation kept on the way forward, then ``g = step(z)·1.0001`` back over them.
    Returns ∂y/∂y₀ (the engine's ``y0.grad``)."""
    y = 0.5
    pre: list[float] = []
    keep = pre.append
    for _ in range(steps):
        z = y * 1.0001 + 0.01
        keep(z)
        y = z if z > 0 else 0.0
    g = 1.0
    for z in reversed(pre):
        g = (g if z > 0 else 0.0) * 1.0001
    return g


def chain_torch(steps: int) -> Any:
    import torch

    x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    y = x
    for _ in range(steps):
        y = torch.relu(y * 1.0001 + 0.01)
    y.backward()
    return y


def workload_c(settings: Settings) -> list[Row]:
    """Workload C on the engine, timed interleaved with the plain-float forward, the
    hand-written floor, micrograd and torch (when installed); peak memory apart."""
    steps = settings.chain_steps
    nodes = 3 * steps
    y0 = Value(0.5)
    y = y0
    for _ in range(steps):
        y = (y * 1.0001 + 0.01).relu()
    y.backward()
    floor_ok = _close(chain_floor(steps), float(y0.grad), 1e-12)
    contenders: dict[str, Callable[[], Any]] = {
        "ours": lambda: chain_ours(steps),
        "plain": lambda: chain_plain(steps),
        "floor": lambda: chain_floor(steps),
    }
    mg_mem: float | None = None
    if models.micrograd_available():
        contenders["micrograd"] = _with_micrograd_limit(lambda: chain_micrograd(steps))
        with recursion_limit(MICROGRAD_LIMIT):
            # tracemalloc slows down quadratically under micrograd's deep recursion (32 s at
            # 20,000 steps): its per-node figure comes from a shorter chain.
            mg_steps = min(steps, MICROGRAD_MEMORY_STEPS)
            mg_mem = peak_memory(lambda: chain_micrograd(mg_steps)) / (3 * mg_steps)
    if models.torch_module() is not None:
        contenders["torch"] = lambda: chain_torch(steps)
    times = {name: t.median for name, t in measure_together(contenders, settings).items()}
    ours, plain = times["ours"], times["plain"]
    mg_time, torch_time = times.get("micrograd"), times.get("torch")
    ours_mem = peak_memory(lambda: chain_ours(steps)) / nodes
    label = f"{steps:,}-step relu chain, fwd+bwd"
    compiled = compiled_c_rows(settings, plain)
    return [
        Row("C", label, ours, other_name="micrograd", other=mg_time, kind="speedup", bound=10,
            note="timed interleaved with the rows below; " + MG_NOTE),
        Row("C", label, ours, other_name="plain floats, fwd+bwd by hand (floor)",
            other=times["floor"], kind="slowdown", bound=20,
            note="pre-activations kept, then g = step(z)·1.0001 back over them; "
            + ("its ∂y/∂y0 equals ours" if floor_ok else "∂y/∂y0 MISMATCH with ours")),
        Row("C", label, ours, other_name="plain floats, forward only", other=plain,
            kind="slowdown"),
        Row("C", label, ours, other_name=TORCH_SCALAR, other=torch_time,
            kind="speedup", bound=10, note="" if torch_time else "torch not installed: skipped"),
        Row("C", f"peak memory per op node ({nodes:,} nodes, tracemalloc)", ours_mem, unit="B",
            other_name="micrograd", other=mg_mem, kind="max", bound=145,
            note="before issue 19: 144.4 B; " + (f"micrograd {mg_mem:.0f} B/node, "
            f"measured on a {min(steps, MICROGRAD_MEMORY_STEPS):,}-step chain" if mg_mem else "")),
        *compiled,
    ]  # fmt: skip


def workload_d(settings: Settings) -> list[Row]:
    steps = -(-settings.deep_ops // 3)
    nodes = 3 * steps
    limit = sys.getrecursionlimit()
    ok = True
    error = ""
    ours: float | None = None
    try:
        repeats = 3 if settings.name == "full" else 1
        ours = measure(lambda: chain_ours(steps), settings, repeats, warmup=False).median
    except RecursionError as exc:
        ok, error = False, f"RecursionError: {exc}"
    rows = [
        Row("D", f"{nodes:,}-op chain, fwd+bwd", ours, kind="check", ok=ok and limit <= 1000,
            note=error or f"completed with recursion limit {limit} (default 1000)")
    ]  # fmt: skip
    if settings.deep_memory and ok:
        peak = peak_memory(lambda: chain_ours(steps))
        rows.append(
            Row("D", f"{nodes:,}-op chain, peak memory (tracemalloc)", peak / 2**20, unit="MiB",
                note=f"{peak / nodes:.0f} B per op node; micrograd not run "
                "(needs a recursion limit above 1,000,000)",
                extra={"bytes_per_node": peak / nodes})
        )  # fmt: skip
    return rows
