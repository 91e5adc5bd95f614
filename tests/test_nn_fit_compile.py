"""``nn.fit(compile="auto")``, the default: compiled when the model and loss trace, the
engine otherwise (with a note shown once), the same numbers either way (1e-12 relative)."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from support.threads import run_switching_often

import nn
from autograd import Value
from nn import steps


@pytest.fixture(autouse=True)
def fresh_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts with no note shown yet."""
    monkeypatch.setattr(steps, "_shown", set())


def weights(model: nn.Module) -> np.ndarray:
    return np.array([p.data for p in model.parameters()])


def _xor() -> tuple[nn.Module, dict[str, Any]]:  # demos/xor.py: 2-8-8-1 tanh, BCE, Adam
    X, y = nn.data.xor(120, seed=0)
    model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=0)
    return model, dict(loss="binary_cross_entropy", train=(X, y), optimizer=nn.Adam(model, lr=0.05))


def _moons() -> tuple[nn.Module, dict[str, Any]]:  # demos/moons.py: micrograd's recipe
    X, y01 = nn.data.moons(100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], activation="relu", init="uniform", seed=0)
    opt = nn.SGD(model, lr=lambda k: 1.0 - 0.9 * k / 100)
    return model, dict(loss="hinge", train=(X, 2 * y01 - 1), l2=1e-4, optimizer=opt)


def _representations() -> tuple[nn.Module, dict[str, Any]]:  # demos/representations.py
    X, y = nn.data.spirals(100, noise=0.03, turns=1.25, seed=0)
    model = nn.MLP(2, [16, 2, 1], activation="tanh", seed=0)
    return model, dict(loss="binary_cross_entropy", train=(X, y), optimizer=nn.Adam(model, lr=0.02))


def _shallow_vs_deep() -> tuple[nn.Module, dict[str, Any]]:  # demos/shallow_vs_deep.py
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(80, 2))
    y = np.sin(3 * X[:, 0]) * X[:, 1]
    model = nn.MLP(2, [8, 8, 8, 1], activation="tanh", seed=0)
    opt = nn.SGD(model, lr=0.02, momentum=0.9)
    return model, dict(loss="mse", train=(X[:60], y[:60]), val=(X[60:], y[60:]), optimizer=opt)


def _smoke_pm25() -> tuple[nn.Module, dict[str, Any]]:  # demos/smoke_pm25.py: mini-batches
    X, y = nn.data.lag_features(nn.data.smoke_pm25(days=300, seed=0), lags=3)
    Z, Zv = nn.data.standardize(X[:200], X[200:])
    model = nn.MLP(X.shape[1], [16, 8, 1], activation="relu", seed=0)
    return model, dict(loss="mse", train=(Z, y[:200] / 50), val=(Zv, y[200:] / 50),
                       batch_size=64, seed=0, optimizer=nn.Adam(model, lr=0.003),
                       early_stopping=nn.EarlyStopping(patience=3))  # fmt: skip


def _linear_network() -> tuple[nn.Module, dict[str, Any]]:  # demos/linear_network.py
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 1024)) / 30  # as many features as the cats and dogs images
    y = np.where(rng.uniform(size=40) > 0.5, 1.0, -1.0)
    model = nn.Linear(1024, 1)
    return model, dict(loss="mse", train=(X, y), optimizer=nn.SGD(model, lr=0.3, momentum=0.5))


DEMO_NETWORKS: dict[str, Callable[[], tuple[nn.Module, dict[str, Any]]]] = {
    "xor": _xor,
    "moons": _moons,
    "representations": _representations,
    "shallow_vs_deep": _shallow_vs_deep,
    "smoke_pm25": _smoke_pm25,
    "linear_network": _linear_network,
}


def _train(make: Callable[[], tuple[nn.Module, dict[str, Any]]], **kwargs: Any) -> Any:
    model, args = make()
    start = weights(model)
    loss, train = args.pop("loss"), args.pop("train")
    history = nn.fit(model, loss, train, epochs=12, progress=False, **args, **kwargs)
    assert not np.array_equal(weights(model), start)  # it trained: the comparison means something
    return model, history


@pytest.mark.parametrize("batched", [True, False], ids=["batched", "per-sample"])
@pytest.mark.parametrize("demo", sorted(DEMO_NETWORKS))
def test_the_demos_networks_train_compiled_by_default_as_on_the_engine(
    demo: str, batched: bool
) -> None:
    if not batched and demo in ("smoke_pm25", "linear_network", "shallow_vs_deep"):
        pytest.skip("per-sample graphs of this size are slow; the batched run covers it")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no note, no fallback warning: it compiles
        model, history = _train(DEMO_NETWORKS[demo], batched=batched)
    engine_model, engine = _train(DEMO_NETWORKS[demo], batched=batched, compile=False)
    assert history.compiled and not history.engine_reason
    assert not engine.compiled and engine.engine_reason == "compile=False"
    assert history.train_loss == pytest.approx(engine.train_loss, rel=1e-12)
    assert history.val_loss == pytest.approx(engine.val_loss, rel=1e-12)
    assert history.train_accuracy == engine.train_accuracy
    assert history.best_epoch == engine.best_epoch
    assert np.allclose(weights(model), weights(engine_model), rtol=1e-12, atol=1e-14)


class Doubling(nn.Module):
    """A module of the user's: ``2 · inner(x)``, read through ``.data`` when ``peek`` is set."""

    def __init__(self, peek: bool = False) -> None:
        self.inner = nn.MLP(2, [4, 1], seed=0)
        self.nin = 2
        self.peek = peek

    def forward(self, x: Any) -> Any:
        out = self.inner(x)
        return out * float(np.mean(out.data)) if self.peek else out * 2.0


def _xor_data() -> tuple[np.ndarray, np.ndarray]:
    return nn.data.xor(40, seed=0)


def test_a_module_of_yours_runs_on_the_engine_with_a_note_shown_once() -> None:
    with pytest.warns(nn.CompileNote, match=r"^nn\.fit trains on the engine: Doubling is not"):
        h = nn.fit(Doubling(peek=True), "mse", _xor_data(), epochs=3, progress=False)
    assert not h.compiled and "Doubling" in h.engine_reason
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the same note is not shown again
        again = nn.fit(Doubling(peek=True), "mse", _xor_data(), epochs=3, progress=False)
    assert again.engine_reason == h.engine_reason
    # compiled anyway, a .data read is a constant of the code: the losses drift apart,
    # which is why "auto" does not compile it
    forced = nn.fit(Doubling(peek=True), "mse", _xor_data(), epochs=3, progress=False,
                    compile=True)  # fmt: skip
    assert forced.compiled
    assert forced.train_loss[-1] != pytest.approx(h.train_loss[-1], rel=1e-9)


def test_a_loss_of_yours_runs_on_the_engine_and_compile_true_compiles_it() -> None:
    def squares(pred: Any, y: Any) -> Value:
        return ((pred - Value(y)) ** 2).batch_mean()

    with pytest.warns(nn.CompileNote, match="the loss .*squares is not one of nn.LOSSES"):
        h = nn.fit(nn.MLP(2, [4, 1], seed=0), squares, _xor_data(), epochs=3, progress=False)
    forced = nn.fit(nn.MLP(2, [4, 1], seed=0), squares, _xor_data(), epochs=3, progress=False,
                    compile=True)  # fmt: skip
    assert not h.compiled and forced.compiled
    assert forced.train_loss == pytest.approx(h.train_loss, rel=1e-12)


def test_cross_entropy_with_mini_batches_runs_on_the_engine_with_a_note() -> None:
    X, y = _xor_data()
    with pytest.warns(nn.CompileNote, match="cross_entropy has no per-sample term"):
        h = nn.fit(nn.MLP(2, [4, 2], seed=0), "cross_entropy", (X, y), epochs=2, batch_size=16,
                   progress=False)  # fmt: skip
    assert not h.compiled and "batch_size=None" in h.engine_reason
    full = nn.fit(nn.MLP(2, [4, 2], seed=0), "cross_entropy", (X, y), epochs=2, progress=False)
    assert full.compiled


class Branching(nn.Module):
    """A module whose Python branch follows the data: ``x·w`` or ``x·w·3``, by the sign of w."""

    wraps_inputs = True

    def __init__(self) -> None:
        self.nin = 1
        self.w = Value(0.05)

    def forward(self, x: Any) -> Any:
        out = x[0] * self.w
        return out * 3.0 if self.w > 0 else out


def test_a_step_traced_again_and_again_hands_over_to_the_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(steps, "why_not_compiled", lambda *args: None)  # compile it
    monkeypatch.setattr(steps, "MAX_RETRACES", 0)  # the first retrace is one too many
    X = np.linspace(-1, 1, 20)[:, None]
    model = Branching()
    flip = nn.SGD(model, lr=2.0)  # big steps: w changes sign every epoch
    with pytest.warns(nn.CompileNote, match="traced .* times"):
        h = nn.fit(model, "mse", (X, -X[:, 0]), epochs=8, optimizer=flip, progress=False)
    engine = nn.fit(b := Branching(), "mse", (X, -X[:, 0]), epochs=8, progress=False,
                    optimizer=nn.SGD(b, lr=2.0), compile=False)  # fmt: skip
    assert not h.compiled and "traced" in h.engine_reason
    assert h.train_loss == pytest.approx(engine.train_loss, rel=1e-12)


def test_a_step_that_does_not_trace_runs_on_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        def step(xb: Any, yb: Any) -> Any:
            raise TypeError("no tracing today")

        return step, nn.steps.autograd.compile(lambda: Value(1.0))

    monkeypatch.setattr(steps, "compiled_step", broken)
    with pytest.warns(nn.CompileNote, match=r"could not trace it \(TypeError: no tracing today\)"):
        h = nn.fit(nn.MLP(2, [3, 1], seed=0), "mse", _xor_data(), epochs=3, progress=False)
    engine = nn.fit(nn.MLP(2, [3, 1], seed=0), "mse", _xor_data(), epochs=3, progress=False,
                    compile=False)  # fmt: skip
    assert not h.compiled and h.train_loss == engine.train_loss


def test_an_error_of_the_data_is_the_engines_error() -> None:
    X, y = _xor_data()
    model = nn.MLP(2, [3, 1], activation="relu", seed=0)
    for p in model.parameters():
        p.data = 1e200  # the forward pass overflows to inf: the engine's own error, not a note
    with warnings.catch_warnings():
        warnings.simplefilter("error", nn.CompileNote)
        with pytest.raises(Exception) as compiled_error:
            nn.fit(model, "mse", (X, y * 1e300), epochs=1, progress=False)
        with pytest.raises(Exception) as engine_error:
            nn.fit(model, "mse", (X, y * 1e300), epochs=1, progress=False, compile=False)
    assert type(compiled_error.value) is type(engine_error.value)


def test_compile_must_be_true_false_or_auto() -> None:
    with pytest.raises(ValueError, match="compile must be True, False or 'auto', got 'yes'"):
        nn.fit(nn.MLP(2, [3, 1], seed=0), "mse", _xor_data(), epochs=1, progress=False,
               compile="yes")  # type: ignore[arg-type]  # fmt: skip


def test_a_note_is_shown_once_across_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(steps.warnings, "warn", lambda message, *a, **k: shown.append(message))
    run_switching_often(
        [threading.Thread(target=steps.note_once, args=("same",)) for _ in range(8)]
    )
    assert shown == ["nn.fit trains on the engine: same"]
