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
from typing import Any

from autograd import Value, topological_order
from benchmarks import models
from benchmarks.harness import Row, Settings, measure, peak_memory, recursion_limit
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


def micrograd_m_time(settings: Settings) -> float | None:
    """micrograd's time for one step of workload M (cached: every M row reuses it)."""
    key = (settings.name, "M")
    if key not in _cache:
        if not models.micrograd_available():
            return None
        X, y = models.moons_lists(settings.moons_points)
        model = models.make_micrograd(models.init_weights([2, 16, 16, 1]))

        def step() -> Any:
            loss = models.hinge_loss_micrograd(model, X, y)
            model.zero_grad()
            loss.backward()
            return loss

        with recursion_limit(MICROGRAD_LIMIT):
            _cache[key] = measure(step, settings).median
    return _cache[key]


def workload_m(settings: Settings) -> list[Row]:
    X, y = models.moons_lists(settings.moons_points)
    weights = models.init_weights([2, 16, 16, 1])
    layers = models.plain_layers(weights)
    plain_loss = models.plain_hinge_forward(layers, X, y)
    plain = measure(lambda: models.plain_hinge_forward(layers, X, y), settings).median

    mg_grads: list[float] | None = None
    mg_time = micrograd_m_time(settings)
    if mg_time is not None:
        mg = models.make_micrograd(weights)
        with recursion_limit(MICROGRAD_LIMIT):
            loss = models.hinge_loss_micrograd(mg, X, y)
            loss.backward()
        mg_grads = [float(p.grad) for p in mg.parameters()]

    torch_time: float | None = None
    torch = models.torch_module()
    if torch is not None:
        tmodel = models.TorchScalarMLP(weights)

        def torch_step() -> Any:
            loss = models.hinge_loss_torch_scalar(tmodel, X, y)
            tmodel.zero_grad()
            loss.backward()
            return loss

        torch_time = measure(torch_step, settings).median

    rows: list[Row] = []
    for variant in models.ours_variants():
        model = models.make_ours(variant, weights)

        def step(model: Any = model) -> Value:
            loss = models.hinge_loss_ours(model, X, y)
            model.zero_grad()
            loss.backward()
            return loss

        check = step()
        notes = []
        if not _close(float(check.data), plain_loss):
            notes.append(f"LOSS MISMATCH {float(check.data)!r} vs plain {plain_loss!r}")
        if mg_grads is not None:
            ours_grads = [float(p.grad) for p in model.parameters()]
            if not all(_close(a, b, 1e-7) for a, b in zip(ours_grads, mg_grads)):
                notes.append("GRADIENT MISMATCH with micrograd")
        if not notes:  # say only what was compared
            compared = "loss and gradients agree with micrograd" if mg_grads else "loss agrees"
            notes.append(compared + " (and with plain floats)")
        ours = measure(step, settings).median
        label = f"{settings.moons_points} pts, fwd+zero_grad+bwd, {variant} MLP"
        note = "; ".join(n for n in notes if n)
        rows.append(
            Row("M", label, ours, other_name="micrograd", other=mg_time, kind="speedup",
                bound=25, note=note + ("; " + MG_NOTE if mg_time else "; micrograd absent"))
        )  # fmt: skip
        rows.append(
            Row("M", label, ours, other_name="plain floats, forward only", other=plain,
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


def chain_torch(steps: int) -> Any:
    import torch

    x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    y = x
    for _ in range(steps):
        y = torch.relu(y * 1.0001 + 0.01)
    y.backward()
    return y


def workload_c(settings: Settings) -> list[Row]:
    steps = settings.chain_steps
    nodes = 3 * steps
    ours = measure(lambda: chain_ours(steps), settings).median
    ours_mem = peak_memory(lambda: chain_ours(steps)) / nodes
    plain = measure(lambda: chain_plain(steps), settings).median
    mg_time: float | None = None
    mg_mem: float | None = None
    if models.micrograd_available():
        with recursion_limit(MICROGRAD_LIMIT):
            mg_time = measure(lambda: chain_micrograd(steps), settings).median
            # tracemalloc slows down quadratically under micrograd's deep recursion (32 s at
            # 20,000 steps): its per-node figure comes from a shorter chain.
            mg_steps = min(steps, MICROGRAD_MEMORY_STEPS)
            mg_mem = peak_memory(lambda: chain_micrograd(mg_steps)) / (3 * mg_steps)
    torch_time: float | None = None
    if models.torch_module() is not None:
        torch_time = measure(lambda: chain_torch(steps), settings).median
    label = f"{steps:,}-step relu chain, fwd+bwd"
    compiled = compiled_c_rows(settings, plain)
    return [
        Row("C", label, ours, other_name="micrograd", other=mg_time, kind="speedup", bound=8,
            note="engine issue asked ≥ 6x; " + MG_NOTE),
        Row("C", label, ours, other_name="plain floats, forward only", other=plain,
            kind="slowdown", bound=25),
        Row("C", label, ours, other_name=TORCH_SCALAR, other=torch_time,
            kind="speedup", bound=10, note="" if torch_time else "torch not installed: skipped"),
        Row("C", f"peak memory per op node ({nodes:,} nodes, tracemalloc)", ours_mem, unit="B",
            other_name="micrograd", other=mg_mem, kind="max", bound=250,
            note=f"micrograd {mg_mem:.0f} B/node, measured on a "
            f"{min(steps, MICROGRAD_MEMORY_STEPS):,}-step chain" if mg_mem else ""),
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
