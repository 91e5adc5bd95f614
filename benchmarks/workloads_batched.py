"""Batched mode: one ``Value`` per number whose data is a 1-D numpy array of samples.

* BM — workload M on 10,000 points: against a hand-written numpy forward+backward,
  PyTorch ``nn.Sequential`` (CPU, float64; float32 too, for the compiled rows).
* BT — training times: shallow (1x64) against deep (4x16) on 1,000 points for 1,000
  full-batch epochs, and the XOR network at its largest settings (120 points, 2,000 epochs).
"""

from __future__ import annotations

import functools
import math
import time
from typing import Any

import numpy as np

from autograd import Value
from benchmarks import models
from benchmarks.harness import Row, Settings, measure
from benchmarks.workloads_compiled import compiled_bm_rows

FULL_TRAIN_EPOCHS = 1_000
FULL_XOR_EPOCHS = 2_000
LR = 0.01
TRAIN_BOUND = 10.0
""""Trains in seconds", read as: at most this many seconds per run."""


def _grads_match(model: Any, grads: list[tuple[np.ndarray, np.ndarray]]) -> bool:
    flat = [float(v) for W, b in grads for row, bi in zip(W, b) for v in (*row, bi)]
    ours = [float(p.grad) for p in model.parameters()]
    return len(flat) == len(ours) and all(
        math.isclose(a, b, rel_tol=1e-7, abs_tol=1e-9) for a, b in zip(ours, flat)
    )


def _agreement(
    variant: str, weights: models.Weights, X: np.ndarray, yv: Value, loss: float,
    np_loss: float, model: Any, np_grads: list[tuple[np.ndarray, np.ndarray]],
) -> str:  # fmt: skip
    """Say whether our loss and gradients match numpy's (and, if not, narrow it down)."""
    if not math.isclose(loss, np_loss, rel_tol=1e-9):
        return f"LOSS MISMATCH with numpy: {loss!r} vs {np_loss!r}"
    if _grads_match(model, np_grads):
        return "loss and gradients agree with numpy"
    # Check the data loss alone: is the L2 term (float contributions) the culprit?
    alpha, models.ALPHA = models.ALPHA, 0.0
    try:
        _, grads = models.numpy_hinge_step(weights, X, np.asarray(yv.data))
        fresh = models.make_ours(variant, weights)
        models.hinge_loss_ours_batched(fresh, models.batch_inputs(variant, X), yv).backward()
        data_only = _grads_match(fresh, grads)
    finally:
        models.ALPHA = alpha
    if data_only:
        return (
            "GRADIENT MISMATCH with numpy, only with the L2 term in the graph: a parameter "
            "that gets a batch gradient and a float one has the float counted once per "
            "sample (engine bug)"
        )
    return "GRADIENT MISMATCH with numpy"


def workload_bm(settings: Settings) -> list[Row]:
    n = settings.batch_points
    X, y = models.moons(n)
    weights = models.init_weights([2, 16, 16, 1])
    np_loss, np_grads = models.numpy_hinge_step(weights, X, y)
    numpy_time = measure(lambda: models.numpy_hinge_step(weights, X, y), settings).median

    torch_time: float | None = None
    steps: dict[str, Any] = {"numpy": lambda: models.numpy_hinge_step(weights, X, y)}
    torch = models.torch_module()
    if torch is not None:
        for name, dtype in (("torch f64", torch.float64), ("torch f32", torch.float32)):
            seq = models.torch_sequential(weights, dtype)
            tX, ty = torch.from_numpy(X).to(dtype), torch.from_numpy(y).to(dtype)
            steps[name] = functools.partial(models.torch_batched_step, seq, tX, ty)
        torch_time = measure(steps["torch f64"], settings).median

    rows: list[Row] = []
    yv = Value(y)
    for variant in models.ours_variants():
        model = models.make_ours(variant, weights)

        def step(model: Any = model, variant: str = variant) -> Value:
            loss = models.hinge_loss_ours_batched(model, models.batch_inputs(variant, X), yv)
            model.zero_grad()
            loss.backward()
            return loss

        check = step()
        note = _agreement(variant, weights, X, yv, float(check.data), np_loss, model, np_grads)
        ours = measure(step, settings).median
        label = f"M on {n:,} pts, fwd+zero_grad+bwd, {variant} MLP"
        rows += [
            Row("BM", label, ours, other_name="numpy by hand (fwd+bwd)", other=numpy_time,
                kind="slowdown", bound=3,
                note=note),
            Row("BM", label, ours, other_name="torch nn.Sequential f64", other=torch_time,
                kind="slowdown", bound=5, note="" if torch else "torch not installed: skipped"),
        ]  # fmt: skip
    for variant in models.ours_variants():
        rows += compiled_bm_rows(settings, variant, weights, X, y, steps)
    return rows


# ---- training ---------------------------------------------------------------------------------


def _nn_fit() -> Any | None:
    try:
        import nn
    except Exception:
        return None
    return getattr(nn, "fit", None)


def train_plain(model: Any, inputs: Any, target: Value, epochs: int, lr: float) -> float:
    """Full-batch gradient descent on the mean squared error (the loop ``nn.fit`` replaces)."""
    params = model.parameters()
    loss = None
    for _ in range(epochs):
        out = model(inputs)[0]
        diff = out - target
        loss = (diff * diff).batch_mean()
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= lr * p.grad
    return float(loss.data) if loss is not None else math.nan


def _time_training(
    variant: str, sizes: list[int], activation: str, X: np.ndarray, y: np.ndarray, epochs: int,
    lr: float, compile: bool = False,
) -> tuple[float, float, str]:  # fmt: skip
    """Train from the same initial weights; nn.fit (plain SGD) when nn exists, else a loop."""
    model = models.make_ours(variant, models.init_weights(sizes, seed=1), activation)
    fit = _nn_fit() if variant == "nn" else None
    start = time.perf_counter()
    if fit is not None:
        import nn

        history = fit(model.model, "mse", (X, y), epochs=epochs, compile=compile,
                      optimizer=nn.SGD(model.model, lr=lr), progress=False)  # fmt: skip
        seconds = time.perf_counter() - start
        final = float(history.train_loss[-1]) if history.train_loss else math.nan
        return seconds, final, "nn.fit(compile=True), SGD" if compile else "nn.fit, SGD"
    final = train_plain(model, models.batch_inputs(variant, X), Value(y), epochs, lr)
    return time.perf_counter() - start, final, "plain loop, SGD"


def regression_data(n: int) -> tuple[np.ndarray, np.ndarray]:
    """1,000 points of ``sin(3x)`` on [-2, 2] (one input, one output)."""
    x = np.linspace(-2.0, 2.0, n)
    return x[:, None], np.sin(3.0 * x)


def xor_data(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points in four noisy clusters around (±1, ±1); label +1 where the signs differ."""
    rng = np.random.default_rng(seed)
    corners = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    which = np.arange(n) % 4
    X = corners[which] + rng.normal(0.0, 0.3, size=(n, 2))
    return X, np.where(which >= 2, 1.0, -1.0)


def workload_bt(settings: Settings) -> list[Row]:
    rows: list[Row] = []
    Xr, yr = regression_data(settings.train_points)
    Xx, yx = xor_data(settings.xor_points)
    cases = [
        ("shallow 1x64 tanh", [1, 64, 1], "tanh", Xr, yr, settings.train_epochs,
         FULL_TRAIN_EPOCHS, f"{settings.train_points:,} pts"),
        ("deep 4x16 tanh", [1, 16, 16, 16, 16, 1], "tanh", Xr, yr, settings.train_epochs,
         FULL_TRAIN_EPOCHS, f"{settings.train_points:,} pts"),
        ("XOR 2-32-1 tanh", [2, 32, 1], "tanh", Xx, yx, settings.xor_epochs,
         FULL_XOR_EPOCHS, f"{settings.xor_points} pts"),
        ("XOR 2-32-32-1 tanh", [2, 32, 32, 1], "tanh", Xx, yx, settings.xor_epochs,
         FULL_XOR_EPOCHS, f"{settings.xor_points} pts"),
        ("XOR 2-32-32-1 relu", [2, 32, 32, 1], "relu", Xx, yx, settings.xor_epochs,
         FULL_XOR_EPOCHS, f"{settings.xor_points} pts"),
    ]  # fmt: skip
    runs = [(v, False) for v in models.ours_variants()]
    if "nn" in models.ours_variants():
        runs.append(("nn", True))
    for variant, compiled in runs:
        for name, sizes, act, X, y, epochs, full, pts in cases:
            seconds, final, how = _time_training(variant, sizes, act, X, y, epochs, LR, compiled)
            estimate = seconds * full / epochs
            is_full = epochs == full
            rows.append(
                Row("BT", f"train {name}, {pts}, {epochs:,} epochs, {variant} MLP"
                    + (", compiled" if compiled else ""), seconds,
                    kind="max" if is_full else "info", bound=TRAIN_BOUND if is_full else None,
                    note=f"final MSE {final:.3g}; {how}"
                    + ("" if is_full else f"; ≈{estimate:.1f} s for {full:,} epochs"),
                    extra={"final_loss": final, "seconds_full_estimate": estimate})
            )  # fmt: skip
    return rows
