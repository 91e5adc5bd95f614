"""Tracing: run the function once with the engine and record what the compiled code must redo.

Arguments are split into what the compiled code reads at every call and what it is
specialised on (:func:`flatten`):

* a Value, a float, or a 1-D numpy array (a batch) is **data**: the function is traced
  with a fresh leaf Value holding it (labelled with the parameter's name), and the
  compiled code reads the new data at every call. A Value argument gets its gradient
  as ``backward()`` would give it: a leaf adds it to its ``.grad``, a node an op made
  carries it on into the graph under it;
* anything else (an int, a string, a 2-D array, a model) is **static**: part of the
  structure key, so a different one traces again (arrays are compared by content).

Values that existed before the call (parameters the function closes over) are inputs
too: their data is read and their gradient written at every call. Values the function
makes from plain numbers are constants of the compiled code, like jax's closed-over
constants. While the function runs, comparisons, ``bool``, ``float`` and ``detach`` of
Values are recorded (:mod:`autograd.value`'s observer) so the compiled code can check
the same conditions (:mod:`autograd.compiler.guards`).
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

import numpy as np

from autograd import value as _value
from autograd.modes import enable_grad
from autograd.value import Value
from autograd.versions import CLOCK

Key = Any


@dataclass
class Flat:
    """One call's arguments, flattened: the structure key, the data slots, the Value args."""

    key: Key
    data: list[Any]
    values: list[Value]
    value_slots: list[int]
    """For each Value argument, its index in ``data`` (where its data is)."""


def flatten(
    args: tuple[Any, ...], kwargs: dict[str, Any], static: frozenset[int] = frozenset()
) -> Flat:
    """The structure key of ``args``/``kwargs`` and their data, in a fixed order.

    Positions in ``static`` are no data: they are part of the key (by content)."""
    data: list[Any] = []
    values: list[Value] = []
    slots: list[int] = []
    key = (
        tuple(
            _static_key(a) if i in static else _walk(a, data, values, slots)
            for i, a in enumerate(args)
        ),
        tuple((k, _walk(v, data, values, slots)) for k, v in kwargs.items()),
    )
    return Flat(key, data, values, slots)


_STATIC_TYPES = (int, bool, str, bytes, type(None), np.integer, np.bool_)


def _static_key(x: Any) -> Key:
    """A static argument in the key, by content: numbers (``-0.0`` apart from ``0.0``),
    arrays, and lists, tuples, dicts and sets of them; any other object by its own ``==``
    and hash. An unhashable object that is none of these cannot be compared: TypeError."""
    if isinstance(x, np.ndarray):
        return ("A", x.shape, x.dtype.str, np.ascontiguousarray(x).tobytes())
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, *map(_static_key, x))
    if isinstance(x, dict):
        return ("d", *((k, _static_key(v)) for k, v in x.items()))
    if isinstance(x, (set, frozenset)):
        return (type(x).__name__, frozenset(map(_static_key, x)))
    if isinstance(x, float):  # 0.0 == -0.0 and nan != nan: the bits tell them apart
        return ("f", type(x).__name__, x.hex())
    if isinstance(x, Value):
        return ("o", id(x))
    try:
        hash(x)
    except TypeError:
        raise TypeError(
            f"a static argument must be comparable by content: {type(x).__name__} is "
            "unhashable and not a list, tuple, dict, set or array (make it hashable, or "
            "pass what the function needs from it)"
        ) from None
    return ("s", type(x).__name__, x)


def _walk(x: Any, data: list[Any], values: list[Value], slots: list[int]) -> Key:
    kind = x.__class__
    if kind is float:
        data.append(x)
        return "f"
    if kind is Value:
        slots.append(len(data))
        values.append(x)
        d = x._data
        data.append(d)
        return ("V", None) if d.__class__ is float else ("V", d.shape)
    if kind is list or kind is tuple:
        batches = _batches(x)
        if batches is not None:  # the columns of a data set: the same key, at C speed
            data.extend(x)
            return (kind.__name__, *batches)
        return (kind.__name__, *(_walk(item, data, values, slots) for item in x))
    if isinstance(x, np.ndarray):
        if x.ndim == 1 and x.size and x.dtype.kind in "biuf":
            data.append(x if x.dtype == np.float64 else x.astype(np.float64))
            return ("a", x.shape)
        return ("A", x.shape, x.dtype.str, np.ascontiguousarray(x).tobytes())
    if isinstance(x, np.floating):
        data.append(float(x))
        return "f"
    if isinstance(x, _STATIC_TYPES):
        return ("s", kind.__name__, x)
    if isinstance(x, Value):  # a subclass
        slots.append(len(data))
        values.append(x)
        data.append(x._data)
        return ("V", getattr(x._data, "shape", None))
    if isinstance(x, dict):
        return ("d", *((k, _walk(v, data, values, slots)) for k, v in x.items()))
    if isinstance(x, numbers.Real):
        data.append(float(x))
        return "f"
    if isinstance(x, (set, frozenset)):
        return _static_key(x)  # read by the function as it is: its content is structure
    return ("o", id(x))  # any other object (a model): the same object, by identity


_ARRAYS_ONLY = {np.ndarray}
_FLOAT64_ONLY = {np.dtype(np.float64)}
_get_shape = attrgetter("shape")
_get_dtype = attrgetter("dtype")


def _batches(items: list[Any] | tuple[Any, ...]) -> list[Key] | None:
    """The keys :func:`_walk` gives ``items`` if they are all non-empty 1-D float64 arrays
    (each is data, as it is), else None."""
    if not items or set(map(type, items)) != _ARRAYS_ONLY:
        return None
    if set(map(_get_dtype, items)) != _FLOAT64_ONLY:
        return None
    shapes = set(map(_get_shape, items))
    if not all(len(shape) == 1 and shape[0] for shape in shapes):
        return None
    return [("a", shape) for shape in map(_get_shape, items)]


def lift(
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    names: list[str],
    keep_values: bool = False,
    static: frozenset[int] = frozenset(),
) -> tuple[tuple[Any, ...], dict[str, Any], list[Value]]:
    """The arguments the traced function gets: every data slot a fresh leaf Value.

    Returns the new args and kwargs and the leaves in data-slot order (a float, an array
    or a Value argument each become one leaf, labelled with the parameter's path). With
    ``keep_values`` a Value argument is passed as it is (the engine's own call).
    """
    leaves: list[Value] = []

    def rebuild(x: Any, path: str) -> Any:
        kind = x.__class__
        if (
            kind is float
            or isinstance(x, np.floating)
            or (isinstance(x, numbers.Real) and not isinstance(x, _STATIC_TYPES))
        ):
            leaf = Value(float(x), label=path)
        elif isinstance(x, Value):
            if keep_values:
                return x
            leaf = Value(x._data, label=x.label or path)
        elif isinstance(x, np.ndarray) and x.ndim == 1 and x.size and x.dtype.kind in "biuf":
            leaf = Value(x, label=path)
        elif kind is list or kind is tuple:
            return kind(rebuild(item, f"{path}.{i}") for i, item in enumerate(x))
        elif isinstance(x, dict):
            return {k: rebuild(v, f"{path}.{k}") for k, v in x.items()}
        else:
            return x
        leaves.append(leaf)
        return leaf

    new_args = tuple(
        a if i in static else rebuild(a, names[i] if i < len(names) else f"arg{i}")
        for i, a in enumerate(args)
    )
    new_kwargs = {k: rebuild(v, k) for k, v in kwargs.items()}
    return new_args, new_kwargs, leaves


def parameter_names(f: Callable[..., Any], count: int) -> list[str]:
    """Names for the first ``count`` positional arguments (``x``, ``args.0``…)."""
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        return [f"arg{i}" for i in range(count)]
    names: list[str] = []
    for p in params:
        if p.kind is p.VAR_POSITIONAL:
            names += [f"{p.name}.{i}" for i in range(count - len(names))]
            break
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
    return (names + [f"arg{i}" for i in range(len(names), count)])[:count]


@dataclass
class Record:
    """What the function did with Values' data while it was traced."""

    guards: list[tuple[str, Value, Any, Any]] = field(default_factory=list)
    """``(what, node, other, result)``: comparisons, ``bool`` and ``float`` of a node."""
    detached: dict[Value, Value] = field(default_factory=dict)
    """Each leaf ``detach()`` made, to the node it copies."""

    def __call__(self, what: str, node: Value, other: Any, result: Any) -> None:
        if what == "detach":
            self.detached[result] = node
        else:
            self.guards.append((what, node, other, result))


@dataclass
class Trace:
    """One run of the function under the engine, ready to be compiled."""

    result: Any
    leaves: list[Value]
    """The leaves made for the data slots, in slot order."""
    record: Record
    start: int
    """The clock when the call started: nodes stamped earlier existed before it."""
    clock_moved: bool
    """Some Value's data was assigned while the function ran (inputs are then ambiguous)."""


def run(
    f: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    static: frozenset[int] = frozenset(),
) -> Trace:
    """Call ``f`` on lifted arguments with recording on, observing its use of Values' data."""
    names = parameter_names(f, len(args))
    new_args, new_kwargs, leaves = lift(args, kwargs, names, static=static)
    record = Record()
    start = CLOCK.advance()
    token = _value._observer.set(record)
    try:
        with enable_grad():
            result = f(*new_args, **new_kwargs)
    finally:
        _value._observer.reset(token)
    return Trace(result, leaves, record, start, CLOCK.now != start)
