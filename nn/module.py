"""``Module``: the base class of every model; finds parameters, names them, saves their state."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from typing import Any, ClassVar

import numpy as np

from autograd import Value, no_grad, node_group

Inputs = Any
"""What a model accepts: one sample (a sequence of numbers or Values, or a 1-D array) or a
batch (a 2-D numpy array, one row per sample; or a sequence of Values holding arrays)."""


class Module:
    """Base class: subclasses set attributes in ``__init__`` and define ``forward``.

    Parameters are found by walking the instance's public attributes in the order
    they were set: a :class:`~autograd.Value` is a parameter, a ``Module`` or a
    list of them is walked into. Names join the path with dots, e.g.
    ``layers.0.neurons.3.w.1`` (the keys of :meth:`state_dict`); each parameter's
    ``label`` is the short form :func:`parameter_label` makes of it (``L0.n3.w2``).
    ``name`` (optional) is the node group stamped on every node the module creates
    (see :func:`autograd.node_group`); children are named by their attribute path,
    so nested groups read like parameter names.
    """

    registry: ClassVar[dict[str, type[Module]]] = {}
    """Module classes that :func:`nn.load` may rebuild, by class name (never arbitrary code)."""

    nin: int
    name: str = ""
    wraps_inputs: ClassVar[bool] = False
    """True for a module that takes one sample or a batch of ``nin`` numbers: calling it
    first turns them into Values ``x1 … xn`` (:func:`as_inputs`), outside its node group,
    so a drawing shows the inputs apart from every module."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Module.registry[cls.__name__] = cls

    # ---- calling --------------------------------------------------------------------------

    def __call__(self, x: Inputs) -> Any:
        if self.wraps_inputs:
            x = as_inputs(x, self.nin)
        return self.forward_in_group(x)

    def forward_in_group(self, x: Any) -> Any:
        """``forward(x)`` inside this module's node group: calling the module without
        :func:`as_inputs` first. A layer calls its neurons so, on the input Values it has
        already checked (once per layer, not once per neuron)."""
        if not self.name:
            return self.forward(x)
        return self._node_group().call(self.forward, x)

    def node_group_or_none(self) -> node_group | None:
        """This module's node group, or None when it has no name (then it stamps none)."""
        return self._node_group() if self.name else None

    def forward(self, x: Inputs) -> Any:
        """Compute the module's output(s) for one sample or a batch. Called by ``module(x)``:
        when ``wraps_inputs`` is set, ``x`` is already the list of input Values that
        :func:`as_inputs` makes (call the module, not ``forward``, with raw inputs)."""
        raise NotImplementedError

    def group(self) -> Any:
        """A context manager that stamps this module's name on new nodes (no-op if unnamed)."""
        return self._node_group() if self.name else nullcontext()

    def _node_group(self) -> node_group:
        """This module's node group, made once per name (a module may be renamed)."""
        cached = self.__dict__.get("_group")
        if cached is None or cached[0] != self.name:
            cached = self.__dict__["_group"] = (self.name, node_group(self.name))
        return cached[1]

    def predict(self, x: Inputs) -> np.ndarray:
        """The output as a numpy array, computed without recording a graph.

        Shape ``(n,)`` for a batch and one output, ``(n, k)`` for k outputs, ``()`` or
        ``(k,)`` for a single sample.
        """
        with no_grad():
            out = self(x)
        if isinstance(out, Value):
            return np.asarray(out.data, dtype=np.float64)
        return np.stack([np.asarray(o.data, dtype=np.float64) for o in out], axis=-1)

    # ---- parameters ----------------------------------------------------------------------

    def named_parameters(self) -> list[tuple[str, Value]]:
        """``(dotted name, parameter)`` for every parameter, in a fixed order."""
        return _walk(self, "")

    def parameters(self) -> list[Value]:
        """Every parameter, in the order of :meth:`named_parameters`."""
        return [p for _, p in _walk(self, "")]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (call between training steps)."""
        for p in self.parameters():
            p.grad = 0.0

    def num_parameters(self) -> int:
        """How many scalar parameters the module has."""
        return len(self.parameters())

    # ---- state ---------------------------------------------------------------------------

    def config(self) -> dict[str, Any]:
        """The constructor arguments that rebuild this architecture (JSON-compatible)."""
        raise NotImplementedError

    def state_dict(self) -> dict[str, float]:
        """Every parameter's value by dotted name (plain floats, in parameter order)."""
        return {name: float(p.data) for name, p in _walk(self, "")}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Set every parameter from ``state``; validates everything first, then assigns.

        Raises ValueError (missing or unexpected names, non-finite values) or
        TypeError (a value that is not a real number); on error nothing changes.
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"a state dict must be a mapping, got {type(state).__name__}")
        named = self.named_parameters()
        names = [n for n, _ in named]
        missing = [n for n in names if n not in state]
        unexpected = [k for k in state if k not in set(names)]
        if missing or unexpected:
            raise ValueError(
                f"state dict does not match {type(self).__name__} with {len(names)} parameters:"
                + (f" missing {_few(missing)}" if missing else "")
                + (";" if missing and unexpected else "")
                + (f" unexpected {_few(unexpected)}" if unexpected else "")
            )
        values = [check_number(state[n], f"state dict entry {n!r}") for n in names]
        for (_, p), v in zip(named, values):
            p.data = v

    # ---- copy and pickle -------------------------------------------------------------------

    def __reduce_ex__(self, protocol: Any) -> Any:
        """``copy.copy``, ``copy.deepcopy`` and ``pickle`` go through config and state.

        The copy is ``type(self)(**config())`` with the parameters of
        :meth:`state_dict` (bit for bit): an independent model with no graph and
        zero gradients. A subclass that does not define :meth:`config` is copied
        attribute by attribute instead.
        """
        if type(self).config is Module.config:
            return super().__reduce_ex__(protocol)
        return (_rebuild, (type(self), self.config(), self.state_dict()))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"


def _rebuild(cls: type[Module], config: dict[str, Any], state: dict[str, float]) -> Module:
    """A new ``cls(**config)`` holding ``state`` (how copies and pickles of a Module are made)."""
    try:
        model = cls(**config)
    except TypeError as exc:
        raise TypeError(
            f"cannot rebuild {cls.__name__} from its config() {config}: {exc}; a Module"
            " subclass must accept its config() as keyword arguments to be copied or pickled"
        ) from exc
    model.load_state_dict(state)
    return model


def _walk(obj: Any, prefix: str) -> list[tuple[str, Value]]:
    """Depth-first, attribute order: (name, Value) for every parameter under ``obj``."""
    found: list[tuple[str, Value]] = []
    _collect(obj, prefix, found)
    return found


def _collect(obj: Any, prefix: str, found: list[tuple[str, Value]]) -> None:
    # Appends to one list: nested generators would pass each parameter up through every
    # level (parameters() runs in each step of a training loop's L2 penalty).
    if isinstance(obj, Value):
        found.append((prefix, obj))
    elif isinstance(obj, Module):
        for key, child in vars(obj).items():
            if not key.startswith("_"):
                _collect(child, f"{prefix}.{key}" if prefix else key, found)
    elif isinstance(obj, (list, tuple)):
        for i, child in enumerate(obj):
            _collect(child, f"{prefix}.{i}" if prefix else str(i), found)


def parameter_label(path: str) -> str:
    """The short label a parameter carries in every view, from its :meth:`~Module.named_parameters`
    path: ``layers.0.neurons.3.w.0`` → ``L0.n3.w1``.

    ``layers.i`` → ``Li`` and ``neurons.j`` → ``nj`` (0-based, as in the path);
    weight ``w.i`` → ``w{i+1}`` and a matrix entry ``A.j.i`` → ``A{j+1}.{i+1}``
    and bias ``b.j`` → ``b{j+1}`` (1-based, so ``wᵢ`` and ``Aⱼᵢ`` pair with input
    ``xᵢ``, and ``bⱼ`` with output j); any other part of the path is kept as it is.
    """
    parts = path.split(".")
    out: list[str] = []
    i = 0
    while i < len(parts):
        part, nxt = parts[i], parts[i + 1] if i + 1 < len(parts) else ""
        after = parts[i + 2] if i + 2 < len(parts) else ""
        if part in _SHORT and nxt.isdigit():
            out.append(f"{_SHORT[part]}{nxt}")
            i += 2
        elif part in ("w", "b") and nxt.isdigit():
            out.append(f"{part}{int(nxt) + 1}")
            i += 2
        elif part == "A" and nxt.isdigit() and after.isdigit():
            out.append(f"A{int(nxt) + 1}.{int(after) + 1}")
            i += 3
        else:
            out.append(part)
            i += 1
    return ".".join(out)


_SHORT = {"layers": "L", "neurons": "n"}


def label_parameters(module: Module, prefix: str = "") -> None:
    """Label every parameter of ``module`` with :func:`parameter_label` of its path,
    after ``prefix`` (a named layer qualifies its parameters: ``f1.n0.w1``).

    Each built-in module calls it at the end of its constructor, so the outermost
    module's labels win (an MLP's ``L0.n3.w1`` over its layer's ``n3.w1``). A
    custom module calls it at the end of its own ``__init__`` to name what it holds.
    ``named_parameters()`` and ``state_dict()`` keys are not affected.
    """
    for path, p in _walk(module, ""):
        p.label = prefix + parameter_label(path)


def _few(names: Sequence[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def check_number(value: Any, what: str) -> float:
    """``value`` as a finite float, or a TypeError/ValueError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{what} must be a real number, got {type(value).__name__} {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{what} must be finite, got {x!r}")
    return x


MAX_PARAMETERS = 1_000_000
"""The most parameters a model is built with unless given ``max_parameters=``: each is a
Value, made and updated one by one in Python (10⁶ take seconds and about 200 MB)."""


def check_parameter_count(count: int, what: str, limit: int) -> None:
    """Refuse to build ``what`` with ``count`` parameters when that is over ``limit``."""
    limit = check_count(limit, "max_parameters")
    if count > limit:
        raise ValueError(
            f"{what} would have {count:,} parameters, over the limit of {limit:,} (each is a"
            " Value, built and updated one by one in Python): use smaller layers, or pass"
            f" max_parameters={count} to build it anyway"
        )


def check_count(value: Any, what: str) -> int:
    """``value`` as a positive int, or a TypeError/ValueError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{what} must be a positive int, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{what} must be a positive int, got {value!r}")
    return int(value)


_CHECKED = frozenset({Value})


def as_inputs(x: Inputs, nin: int) -> list[Value]:
    """Turn one sample or a batch into a list of ``nin`` input Values.

    * a 2-D numpy array (n_samples × nin): batched mode, one Value per column;
    * a 1-D numpy array or a sequence of numbers/Values of length nin: one sample
      (Values may hold arrays: a batch already split into columns);
    * a single number or Value when nin is 1.

    A plain number or column becomes a leaf labelled ``x1 … xn`` by its place (so
    ``wᵢ`` meets ``xᵢ`` in every view); a Value given is used as it is.

    Raises ValueError for a wrong width, an empty batch or NaN/inf in the data,
    TypeError for anything that is not numbers (including str, bytes and bytearray,
    which are sequences but not of numbers).
    """
    if x.__class__ is list and len(x) == nin and set(map(type, x)) <= _CHECKED:
        return x  # already a list of Values (a layer passing its input on)
    if isinstance(x, np.ndarray):
        if x.dtype.kind not in "biuf":
            raise TypeError(f"inputs must be real numbers, got an array of dtype {x.dtype}")
        if x.ndim == 2:
            if x.shape[1] != nin:
                raise ValueError(
                    f"expected inputs of width {nin}, got a batch of shape {x.shape}"
                    f" ({x.shape[1]} columns)"
                )
            if x.shape[0] == 0:
                raise ValueError("got an empty batch (0 samples)")
            _check_finite_array(x)
            cols = np.ascontiguousarray(x.T, dtype=np.float64)
            return [Value(c, label=f"x{i}") for i, c in enumerate(cols, 1)]
        if x.ndim == 1:
            if x.shape[0] != nin:
                raise ValueError(f"expected inputs of width {nin}, got {x.shape[0]} values")
            _check_finite_array(x)
            return [Value(float(v), label=f"x{i}") for i, v in enumerate(x, 1)]
        raise ValueError(
            f"inputs must be one sample (1-D) or a batch (2-D, samples × {nin}),"
            f" got an array with {x.ndim} dimensions"
        )
    if isinstance(x, (Value, numbers.Real)):
        x = [x]
    if isinstance(x, (str, bytes, bytearray, memoryview)):
        raise TypeError(
            f"inputs must be a sequence of numbers or Values, or a numpy array, got"
            f" {type(x).__name__} {x!r:.40} (text and raw bytes are not numeric inputs)"
        )
    if not isinstance(x, Sequence):
        raise TypeError(
            f"inputs must be a sequence of numbers or Values, or a numpy array,"
            f" got {type(x).__name__}"
        )
    if len(x) != nin:
        raise ValueError(f"expected inputs of width {nin}, got {len(x)} values")
    out: list[Value] = []
    for i, v in enumerate(x):
        if isinstance(v, Value):
            out.append(v)
        else:
            out.append(Value(check_number(v, f"input {i}"), label=f"x{i + 1}"))
    return out


def _check_finite_array(x: np.ndarray) -> None:
    bad = ~np.isfinite(x)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"inputs contain NaN or inf (first at index {where})")
