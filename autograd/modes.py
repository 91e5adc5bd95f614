"""Switches that change what ops do: gradient recording, anomaly detection, the node group.

Every switch is per thread and per async task: the current settings live in one
:class:`contextvars.ContextVar` (as PyTorch keeps grad mode per thread), so
``with no_grad():`` in one thread never changes what another thread records.
Each switch is a context manager and a decorator, bare (``@no_grad``) or called
(``@no_grad()``), also on generator functions (each resume runs under the mode).
"""

from __future__ import annotations

import contextvars
import functools
import inspect
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any, NamedTuple, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class NodeInfo(NamedTuple):
    """What a node carries besides numbers: its label, its group, where it was created."""

    label: str = ""
    group: str = ""
    site: str | None = None


class Modes(NamedTuple):
    """The settings in force in this thread or task (what :func:`current` returns)."""

    grad_enabled: bool = True
    """When False, ops produce leaf nodes: no parents are kept and nothing is recorded."""
    anomaly: bool = False
    """When True, every new node is checked for NaN/inf and remembers where it was made."""
    info: NodeInfo | None = None
    """Shared by every node created now: carries the current group name (``nn`` sets it)."""
    previous: Settings | None = None
    """The settings to restore when the block that entered these exits."""


Settings = tuple[bool, bool, NodeInfo | None, Any]
""":class:`Modes` as a plain tuple, as the context variable holds them: every node creation
unpacks them, and an exact tuple unpacks at C speed (a NamedTuple goes through its iterator,
about 45 ns more per node). Entering a block (``nn`` enters a node group on every module
call) builds one."""

_new_modes: Callable[[Settings], Modes] = functools.partial(tuple.__new__, Modes)

_modes: ContextVar[Settings] = ContextVar(
    "chainrule_modes",
    default=(True, False, None, None),
)
settings: Callable[[], Settings] = _modes.get
"""The settings in force here, ``(grad_enabled, anomaly, info, previous)``: one C call, read
for every node."""


def current() -> Modes:
    """The settings in force here (in this thread or task), by name."""
    return _new_modes(_modes.get())


_KEEP: Any = object()


def _push(grad_enabled: bool | None = None, anomaly: bool | None = None, info: Any = _KEEP) -> None:
    """Enter new settings (None and _KEEP keep the current ones); :func:`_pop` restores."""
    now = _modes.get()
    recording, detecting, group_info, _ = now
    _modes.set(
        (
            recording if grad_enabled is None else grad_enabled,
            detecting if anomaly is None else anomaly,
            group_info if info is _KEEP else info,
            now,
        )
    )


def _pop() -> None:
    previous = _modes.get()[3]
    if previous is None:  # pragma: no cover - only an unbalanced __exit__ gets here
        raise RuntimeError("mode switch exited more often than entered")
    _modes.set(previous)


def decorate(func: F, make: Callable[[], Any]) -> F:
    """Run ``func`` under the context manager ``make()``.

    A generator function runs in a context of its own, entered once under the mode:
    each resume runs there, so the mode (and any block the generator enters) holds
    across its yields and never leaks into the caller's code between them.
    """
    if inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func):
        raise TypeError(
            f"{func.__qualname__} is async: use the mode as 'with' inside it instead of as a"
            " decorator (a decorator could not hold the mode across its awaits)"
        )
    if inspect.isgeneratorfunction(func):

        @functools.wraps(func)
        def generator(*args: Any, **kwargs: Any) -> Iterator[Any]:
            gen = func(*args, **kwargs)
            own = contextvars.copy_context()
            own.run(make().__enter__)  # left entered: the context is the generator's alone
            try:
                response = own.run(gen.send, None)
                while True:
                    try:
                        request = yield response
                    except GeneratorExit:
                        own.run(gen.close)
                        raise
                    except BaseException as exc:
                        response = own.run(gen.throw, exc)
                    else:
                        response = own.run(gen.send, request)
            except StopIteration as stop:
                return stop.value

        return generator  # type: ignore[return-value]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with make():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class _Switch:
    """A mode switch: ``with s():``, ``@s`` or ``@s()``; one instance may be reused anywhere."""

    __slots__ = ()
    grad_enabled: bool | None = None
    anomaly: bool | None = None

    def __new__(cls, func: Callable[..., Any] | None = None) -> Any:
        switch = object.__new__(cls)
        return switch if func is None else switch(func)

    def __enter__(self) -> None:
        _push(self.grad_enabled, self.anomaly)

    def __exit__(self, *exc: object) -> None:
        _pop()

    def __call__(self, func: F) -> F:
        return decorate(func, type(self))


class no_grad(_Switch):
    """Compute values without recording a graph (like ``torch.no_grad``)."""

    __slots__ = ()
    grad_enabled = False


class enable_grad(_Switch):
    """Record the graph again inside a ``no_grad`` block."""

    __slots__ = ()
    grad_enabled = True


class detect_anomaly(_Switch):
    """Raise :class:`AnomalyError` as soon as a NaN or inf appears, naming the node.

    Nodes created inside the block also remember the file and line that created
    them, so the error can point at your code. It costs time: use it to debug.
    """

    __slots__ = ()
    anomaly = True


def is_grad_enabled() -> bool:
    """Return whether ops currently record the graph (in this thread or task)."""
    return _modes.get()[0]


def is_anomaly_enabled() -> bool:
    """Return whether anomaly detection is on (in this thread or task)."""
    return _modes.get()[1]


class node_group:
    """Stamp ``name`` on every node created inside the block (nested names join with '.').

    A context manager and a decorator (``@node_group("encoder")``). Reusable and
    cheap to enter: ``nn`` keeps one per module and enters it on every call (through
    :meth:`call`); the joined name is cached per enclosing group.
    """

    __slots__ = ("_inner", "_last", "_name")

    def __init__(self, name: str) -> None:
        if not isinstance(name, str):
            raise TypeError(f"node_group name must be a str, got {type(name).__name__} {name!r}")
        self._name = name
        self._inner: dict[NodeInfo | None, NodeInfo | None] = {}
        self._last: tuple[Any, NodeInfo | None] = (_KEEP, None)
        """The last enclosing group and the joined one, as one tuple (replaced whole, so a
        thread never reads a half-updated pair): a layer enters each neuron's group inside
        the same layer group, and an identity test is cheaper than hashing the NodeInfo."""

    def _settings_inside(self, now: Settings) -> Settings:
        """The settings with this group entered under ``now`` (what ``__enter__`` sets)."""
        outer = now[2]
        last = self._last
        if outer is last[0]:
            inner = last[1]
        else:
            try:
                inner = self._inner[outer]
            except KeyError:
                prefix = outer.group if outer is not None else ""
                name = f"{prefix}.{self._name}" if prefix and self._name else prefix or self._name
                inner = self._inner[outer] = NodeInfo(group=name) if name else None
            self._last = (outer, inner)
        return (now[0], now[1], inner, now)

    def __enter__(self) -> None:
        _modes.set(self._settings_inside(_modes.get()))  # _push

    def __exit__(self, *exc: object) -> None:
        _modes.set(_modes.get()[3])  # _pop, inlined

    def call(self, fn: Callable[[Any], Any], arg: Any) -> Any:
        """``fn(arg)`` inside the group: ``with self: return fn(arg)``, without the two
        method calls of the ``with`` protocol (``nn`` calls every neuron so)."""
        now = _modes.get()
        _modes.set(self._settings_inside(now))
        try:
            return fn(arg)
        finally:
            _modes.set(now)

    @staticmethod
    def call_each(
        calls: Iterable[tuple[node_group | None, Callable[[Any], Any]]], arg: Any
    ) -> list[Any]:
        """``[fn(arg) inside group for group, fn in calls]`` (no group for None), the
        enclosing settings read once and restored once: how a layer calls its neurons,
        each in its own group, for less than a :meth:`call` costs per neuron."""
        now = _modes.get()
        out: list[Any] = []
        try:
            for group, fn in calls:
                _modes.set(now if group is None else group._settings_inside(now))
                out.append(fn(arg))
        finally:
            _modes.set(now)
        return out

    def __call__(self, func: F) -> F:
        return decorate(func, lambda: self)
