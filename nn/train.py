"""``fit``: the training loop (batched by default), its ``History`` and early stopping."""

from __future__ import annotations

import importlib.util
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import tqdm.auto
import tqdm.std

from autograd import Value, no_grad
from nn.history import History
from nn.losses import LOSSES, Loss
from nn.module import Module, check_count, check_number
from nn.optim import Adam, Optimizer
from nn.steps import AutoStep, CompileMode, Step, choose_step

Dataset = tuple[Any, Any]
"""``(X, y)``: inputs of shape (n, nin) and targets with one row per sample."""

REDRAWS = 20
"""About how many times the progress bar is redrawn during one :func:`fit`, whatever
the number of epochs (a notebook keeps every redraw of a text bar as output)."""


def progress_bar(epochs: int, enabled: bool) -> Any:
    """A tqdm bar over the epochs: a widget in Jupyter when ipywidgets is installed, text
    otherwise (never tqdm's warning about a missing ipywidgets), redrawn ~:data:`REDRAWS` times."""
    widgets = importlib.util.find_spec("ipywidgets") is not None
    bar_class = tqdm.auto.tqdm if widgets else tqdm.std.tqdm
    every = max(1, epochs // REDRAWS)
    return bar_class(
        range(epochs), desc="fit", unit="epoch", disable=not enabled, leave=False,
        miniters=every, mininterval=0.0, maxinterval=float("inf"),
    )  # fmt: skip


def summary_line(history: History, seconds: float) -> str:
    """The line that stays after a fit: epochs, final loss, validation accuracy, time."""
    parts = [f"fit: {history.epochs} epochs", f"loss {history.train_loss[-1]:.4g}"]
    if history.val_loss:
        parts.append(f"val loss {history.val_loss[-1]:.4g}")
    if history.val_accuracy:
        parts.append(f"val accuracy {history.val_accuracy[-1]:.3f}")
    elif history.train_accuracy:
        parts.append(f"accuracy {history.train_accuracy[-1]:.3f}")
    if history.stopped_early:
        parts.append("stopped early")
    return ", ".join(parts) + f", {seconds:.1f} s"


class Callback(Protocol):
    """Called after every epoch; returning True stops training."""

    def __call__(self, epoch: int, history: History, model: Module) -> bool | None: ...


class EarlyStopping:
    """Stop when the monitored loss has not improved by ``min_delta`` for ``patience`` epochs.

    Monitors ``val_loss`` when there is validation data, else ``train_loss``; with
    ``restore_best`` the parameters of the best epoch are put back at the end.
    :func:`fit` calls :meth:`reset` first, so one object can serve several runs.
    """

    def __init__(
        self, patience: int = 10, min_delta: float = 0.0, restore_best: bool = True
    ) -> None:
        self.patience = check_count(patience, "patience")
        self.min_delta = check_number(min_delta, "min_delta")
        self.restore_best = restore_best
        self.best = math.inf
        self.best_epoch: int | None = None
        self.best_state: dict[str, float] | None = None

    def reset(self) -> None:
        """Forget the best loss, epoch and parameters seen so far (a fresh run)."""
        self.best = math.inf
        self.best_epoch = None
        self.best_state = None

    def __call__(self, epoch: int, history: History, model: Module) -> bool:
        losses = history.val_loss or history.train_loss
        if losses[-1] < self.best - self.min_delta:
            self.best, self.best_epoch = losses[-1], epoch
            self.best_state = model.state_dict() if self.restore_best else None
        history.best_epoch = self.best_epoch
        return self.best_epoch is not None and epoch - self.best_epoch >= self.patience

    def finish(self, model: Module) -> None:
        """Restore the best parameters (if asked to)."""
        if self.best_state is not None:
            model.load_state_dict(self.best_state)


def _check_data(model: Module, data: Any, loss: Any, what: str) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"{what} must be a pair (X, y) of arrays, got {type(data).__name__}")
    X, y = np.asarray(data[0]), np.asarray(data[1])
    if X.dtype.kind not in "biuf" or y.dtype.kind not in "biuf":
        raise TypeError(f"{what}: X and y must hold numbers, got {X.dtype} and {y.dtype}")
    if X.ndim != 2:
        raise ValueError(f"{what}: X must be 2-D (samples × {model.nin}), got shape {X.shape}")
    if X.shape[0] == 0:
        raise ValueError(f"{what}: the data set is empty (0 samples)")
    if X.shape[1] != model.nin:
        raise ValueError(
            f"{what}: the model takes inputs of width {model.nin}, X has {X.shape[1]} columns"
        )
    if len(y) != len(X):
        raise ValueError(f"{what}: X has {len(X)} samples but y has {len(y)}")
    if not np.isfinite(X).all():
        raise ValueError(f"{what}: X contains NaN or inf")
    if not np.isfinite(y.astype(np.float64)).all():
        raise ValueError(f"{what}: y contains NaN or inf")
    if isinstance(loss, Loss):
        loss.check_target(y)
    return X.astype(np.float64), y


def _check_optimizer(opt: Any, model: Module) -> Optimizer:
    """``opt`` if it trains ``model``: only the model's parameters, at least one of them.

    A non-empty subset is allowed (the others stay frozen, as in fine-tuning).
    """
    if not isinstance(opt, Optimizer):
        raise TypeError(f"optimizer must be an nn.Optimizer, got {type(opt).__name__}")
    mine = {id(p) for p in model.parameters()}
    held = {id(p) for p in opt.params}
    foreign, lacking = len(held - mine), len(mine - held)
    if foreign or lacking == len(mine):
        raise ValueError(
            f"the optimizer would not train this model: {foreign} of its {len(held)}"
            f" parameters are not the model's (another model's?) and it lacks {lacking}"
            f" of the model's {len(mine)}; build it from the model, e.g. nn.Adam(model)"
        )
    return opt


def _forward(model: Module, X: np.ndarray, batched: bool) -> Any:
    if batched:
        return model(X)
    return [model(row) for row in X.tolist()]


@dataclass
class _Run:
    """:func:`fit`'s arguments, checked: what every epoch needs."""

    model: Module
    loss: Callable[..., Value]
    X: np.ndarray
    y: np.ndarray
    val: tuple[np.ndarray, np.ndarray] | None
    epochs: int
    size: int
    """The mini-batch size (``len(X)``: full batch)."""
    alpha: float
    optimizer: Optimizer
    rng: np.random.Generator
    hooks: list[Callable[[int, History, Module], bool | None]]
    batched: bool


def _checked(
    model: Module,
    loss: str | Callable[[Any, Any], Value],
    train: Dataset,
    val: Dataset | None,
    *,
    epochs: int,
    batch_size: int | None,
    optimizer: Optimizer | None,
    l2: float,
    seed: int | None,
    batched: bool,
    callbacks: Sequence[Callable[[int, History, Module], bool | None]],
    early_stopping: EarlyStopping | None,
) -> _Run:
    """Every argument of :func:`fit` checked (a clear exception for the first bad one)."""
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
        loss = LOSSES[loss]
    if not callable(loss):
        raise TypeError(f"loss must be callable or a loss name, got {type(loss).__name__}")
    X, y = _check_data(model, train, loss, "train")
    checked_val = _check_data(model, val, loss, "val") if val is not None else None
    epochs = check_count(epochs, "epochs")
    size = len(X) if batch_size is None else check_count(batch_size, "batch_size")
    alpha = check_number(l2, "l2")
    if alpha < 0:
        raise ValueError(f"l2 must be ≥ 0, got {alpha!r} (a negative penalty rewards big weights)")
    opt = Adam(model, lr=0.01) if optimizer is None else _check_optimizer(optimizer, model)
    hooks = list(callbacks)
    if early_stopping is not None:
        early_stopping.reset()
        hooks.append(early_stopping)
    return _Run(model, loss, X, y, checked_val, epochs, min(size, len(X)), alpha, opt,
                np.random.default_rng(seed), hooks, batched)  # fmt: skip


def _check_compile(compile: Any) -> CompileMode:
    if compile is True or compile is False or compile == "auto":
        return compile
    raise ValueError(f"compile must be True, False or 'auto', got {compile!r}")


def _epoch(run: _Run, step: Step) -> tuple[float, float]:
    """One pass over the training data in mini-batches (shuffled unless full batch):
    each a step and an update. Returns the mean data loss and accuracy, as measured
    before each update."""
    n = len(run.X)
    order = run.rng.permutation(n) if run.size < n else np.arange(n)
    total, correct = 0.0, 0.0
    for start in range(0, n, run.size):
        idx = order[start : start + run.size]
        xb, yb = run.X[idx], run.y[idx]
        run.optimizer.zero_grad()
        value, pred = step(xb, yb)
        total += value * len(idx)
        if isinstance(run.loss, Loss):
            correct += (run.loss.accuracy(pred, yb) or 0.0) * len(idx)
        run.optimizer.step()
    return total / n, correct / n


def _validate(run: _Run, history: History) -> None:
    """Append the validation loss (and accuracy) of the model as it is now, without a graph."""
    if run.val is None:
        return
    Xv, yv = run.val
    with no_grad():
        pred = _forward(run.model, Xv, run.batched)
        history.val_loss.append(float(run.loss(pred, yv).data))
        if isinstance(run.loss, Loss) and run.loss.has_accuracy:
            history.val_accuracy.append(run.loss.accuracy(pred, yv) or 0.0)


def fit(
    model: Module,
    loss: str | Callable[[Any, Any], Value],
    train: Dataset,
    val: Dataset | None = None,
    *,
    epochs: int = 100,
    batch_size: int | None = None,
    optimizer: Optimizer | None = None,
    l2: float = 0.0,
    seed: int | None = None,
    batched: bool = True,
    progress: bool = True,
    callbacks: Sequence[Callable[[int, History, Module], bool | None]] = (),
    early_stopping: EarlyStopping | None = None,
    compile: CompileMode = "auto",
) -> History:
    """Train ``model`` on ``train = (X, y)`` and return the :class:`History`.

    Each step: forward a mini-batch (all of X when ``batch_size`` is None), take
    ``loss(pred, y) + l2·Σp²``, zero the gradients, backpropagate, ``optimizer.step()``.
    ``batched=True`` (default) runs each mini-batch as one graph over numpy
    arrays; ``batched=False`` builds one scalar graph per sample (slow, for
    teaching). Mini-batches are shuffled with ``seed`` (deterministic for a
    fixed seed). With ``progress`` a bar is shown during training (about 20
    redraws) and one summary line printed at the end. The default optimizer is
    ``Adam(model, lr=0.01)``; one given must hold only the model's parameters
    (all of them, or a subset to freeze the rest), else a ValueError. After each
    epoch every callback gets ``(epoch, history, model)``; one returning True
    stops training. ``loss`` is a callable or a name from ``nn.losses.LOSSES``.
    Every input is checked before the first update.

    ``compile="auto"`` (default, as Keras' ``jit_compile="auto"``) runs each step as
    code generated by :func:`autograd.compile` when it can (the same numbers, to 1e-12,
    traced once per mini-batch size): nn's own modules and losses. Otherwise it trains on
    the engine and says why once (a :class:`~nn.steps.CompileNote` warning): a loss or
    module of yours (it may read ``.data``, which compiled code would keep as a constant),
    a loss without a per-sample term (``cross_entropy``) with mini-batches, or a step
    that does not trace. ``compile=True`` compiles whatever the model and loss are;
    ``compile=False`` always runs the engine. ``history.compiled`` says which ran.
    """
    run = _checked(model, loss, train, val, epochs=epochs, batch_size=batch_size,
                   optimizer=optimizer, l2=l2, seed=seed, batched=batched, callbacks=callbacks,
                   early_stopping=early_stopping)  # fmt: skip
    step, reason = choose_step(model, run.loss, run.alpha, batched, run.size < len(run.X),
                               _check_compile(compile))  # fmt: skip
    history = History()
    started = time.perf_counter()
    bar = progress_bar(run.epochs, progress)
    for epoch in bar:
        train_loss, train_accuracy = _epoch(run, step)
        history.train_loss.append(train_loss)
        if isinstance(run.loss, Loss) and run.loss.has_accuracy:
            history.train_accuracy.append(train_accuracy)
        _validate(run, history)
        bar.set_postfix(loss=f"{train_loss:.4g}", refresh=False)
        if any([bool(hook(epoch, history, model)) for hook in run.hooks]):
            history.stopped_early = True
            break
    bar.close()
    history.engine_reason = step.reason if isinstance(step, AutoStep) else reason
    history.compiled = not history.engine_reason
    if early_stopping is not None:
        early_stopping.finish(model)
    if progress:
        print(summary_line(history, time.perf_counter() - started))
    return history
