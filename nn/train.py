"""``fit``: the training loop (batched by default), its ``History`` and early stopping."""

from __future__ import annotations

import importlib.util
import math
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np
import tqdm.auto
import tqdm.std

from autograd import Value, no_grad
from nn.history import History
from nn.losses import LOSSES, Loss, l2_penalty
from nn.module import Module, check_count, check_number
from nn.optim import Adam, Optimizer

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


def _metrics(loss: Callable[..., Value], pred: Any, y: np.ndarray) -> tuple[float, float | None]:
    value = loss(pred, y)
    acc = loss.accuracy(pred, y) if isinstance(loss, Loss) else None
    return float(value.data), acc


def _compiled_step(
    model: Module, loss: Callable[..., Value], params: list[Value], alpha: float, batched: bool
) -> Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]:
    """``step(xb, yb) -> (data loss, predictions)``: forward and backward as generated code.

    Samples go in as data (columns of a batch, or rows of numbers), so every mini-batch
    runs the same code; so do the targets of a loss with a per-sample term (``mse``,
    ``hinge``, ``binary_cross_entropy``). Other losses get the targets as numpy.
    """
    import autograd
    from nn.losses import _reduce

    term = getattr(loss, "_term", None) if isinstance(loss, Loss) else None

    def traced(inputs: Any, targets: Any) -> tuple[Value, tuple[Value, Any]]:
        pred = model(inputs) if batched else [model(row) for row in inputs]
        if term is None:
            data_loss = loss(pred, targets)
        elif batched:  # one target column per output
            outs = [pred] if isinstance(pred, Value) else pred
            data_loss = _reduce([term(v, t) for v, t in zip(outs, targets)])
        else:  # one target (or row of targets) per sample
            pairs = zip(pred, targets)
            data_loss = _reduce([term(v, t) for p, ts in pairs for v, t in _paired(p, ts)])
        total = data_loss + l2_penalty(params, alpha) if alpha else data_loss
        return total, (data_loss, pred)

    compiled = autograd.compile(traced, has_aux=True, static_argnums=() if term else (1,))

    def step(xb: np.ndarray, yb: np.ndarray) -> tuple[float, np.ndarray]:
        inputs = list(np.ascontiguousarray(xb.T)) if batched else xb.tolist()
        if term is None:
            targets: Any = yb
        elif batched:
            targets = list(np.ascontiguousarray(yb.T)) if yb.ndim == 2 else [yb]
        else:
            targets = yb.astype(np.float64).tolist()
        _, (value, pred) = compiled(inputs, targets)
        if batched and isinstance(pred, list):
            return float(value), np.stack(pred, axis=-1)
        return float(value), np.asarray(pred, dtype=np.float64)

    return step


def _paired(p: Any, ts: Any) -> list[tuple[Any, Any]]:
    """One sample's outputs with its targets: a Value and a number, or two lists."""
    return list(zip(p, ts)) if isinstance(p, (list, tuple)) else [(p, ts)]


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
    compile: bool = False,
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
    ``compile=True`` runs each step as code generated by :func:`autograd.compile`
    (the same numbers, traced once; a loss without a per-sample term, such as
    ``cross_entropy``, compiles for full-batch training only: with mini-batches it
    warns and runs on the engine).
    """
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
        loss = LOSSES[loss]
    if not callable(loss):
        raise TypeError(f"loss must be callable or a loss name, got {type(loss).__name__}")
    X, y = _check_data(model, train, loss, "train")
    Xv, yv = _check_data(model, val, loss, "val") if val is not None else (None, None)
    epochs = check_count(epochs, "epochs")
    size = len(X) if batch_size is None else check_count(batch_size, "batch_size")
    alpha = check_number(l2, "l2")
    if alpha < 0:
        raise ValueError(f"l2 must be ≥ 0, got {alpha!r} (a negative penalty rewards big weights)")
    opt = Adam(model, lr=0.01) if optimizer is None else _check_optimizer(optimizer, model)
    params = model.parameters()
    rng = np.random.default_rng(seed)
    hooks: list[Callable[[int, History, Module], bool | None]] = list(callbacks)
    if early_stopping is not None:
        early_stopping.reset()
        hooks.append(early_stopping)
    history = History()
    step = _compiled_step(model, loss, params, alpha, batched) if compile else None
    if step is not None and getattr(loss, "_term", None) is None and size < len(X):
        warnings.warn(
            "fit(compile=True): this loss has no per-sample term, so its targets are part of "
            "the compiled code and every new mini-batch would be traced again; training runs "
            "on the engine instead (use batch_size=None to compile it)",
            stacklevel=2,
        )
        step = None

    started = time.perf_counter()
    bar = progress_bar(epochs, progress)
    for epoch in bar:
        order = rng.permutation(len(X)) if size < len(X) else np.arange(len(X))
        total, correct = 0.0, 0.0
        for start in range(0, len(X), size):
            idx = order[start : start + size]
            xb, yb = X[idx], y[idx]
            if step is not None:
                opt.zero_grad()
                value, pred = step(xb, yb)
                total += value * len(idx)
            else:
                pred = _forward(model, xb, batched)
                data_loss = loss(pred, yb)
                opt.zero_grad()
                (data_loss + l2_penalty(params, alpha) if alpha else data_loss).backward()
                total += float(data_loss.data) * len(idx)
            if isinstance(loss, Loss):
                correct += (loss.accuracy(pred, yb) or 0.0) * len(idx)
            opt.step()
        history.train_loss.append(total / len(X))
        if isinstance(loss, Loss) and loss.has_accuracy:
            history.train_accuracy.append(correct / len(X))
        if Xv is not None:
            with no_grad():
                vloss, vacc = _metrics(loss, _forward(model, Xv, batched), yv)  # type: ignore[arg-type]
            history.val_loss.append(vloss)
            if vacc is not None:
                history.val_accuracy.append(vacc)
        bar.set_postfix(loss=f"{history.train_loss[-1]:.4g}", refresh=False)
        if any([bool(hook(epoch, history, model)) for hook in hooks]):
            history.stopped_early = True
            break
    bar.close()
    if early_stopping is not None:
        early_stopping.finish(model)
    if progress:
        print(summary_line(history, time.perf_counter() - started))
    return history
