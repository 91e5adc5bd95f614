"""What a compiled function reaches without being passed it: its closure and its globals.

The generated code reads the Values the trace met. A Value the function reaches another
way after tracing would be missed: a global rebound to a new Value, a Value appended to
a list the function closes over, a parameter created lazily on the first call. So the
compiled function watches what it can see of its surroundings, and traces again when
that changed (:meth:`Captured.state` is part of every variant's guard):

* every closure cell and every global its code names (in nested functions and
  comprehensions too), and the same for a plain function one of them holds (one
  level), by identity: rebinding any of them traces again;
* inside each of those, one level deep: a list, tuple, dict or set by its length and the
  identity of each Value in it; an object's attributes by their number and the
  identity of each Value among them.

Deeper structure (a Value inside a list inside a model) is not watched: create
parameters before compiling, and pass anything that changes as an argument.
"""

from __future__ import annotations

import functools
import inspect
import types
from collections.abc import Callable, Iterator
from typing import Any

from autograd.value import Value

_UNWATCHED = (types.ModuleType, type, types.BuiltinFunctionType, str, bytes, int, float)
_CODE = (types.FunctionType, types.MethodType, functools.partial)


class Captured:
    """The surroundings of one function; :meth:`state` is a snapshot to compare."""

    def __init__(self, f: Callable[..., Any]) -> None:
        self.sources: list[tuple[Any, Any]] = []
        """``(cell, None)`` or ``(globals dict, name)``: where each watched object lives."""
        self.fixed: list[Any] = []
        """Objects bound for good (a partial's arguments, a method's instance)."""
        self._scanned: dict[int, tuple[int, bool]] = {}
        self._collect(f, depth=0, seen=set())

    def _collect(self, f: Any, depth: int, seen: set[int]) -> None:
        if id(f) in seen or depth > 1:
            return
        seen.add(id(f))
        if isinstance(f, functools.partial):
            self.fixed += [*f.args, *f.keywords.values()]
            self._collect(f.func, depth, seen)
            return
        if isinstance(f, types.MethodType):
            self.fixed.append(f.__self__)
            self._collect(f.__func__, depth, seen)
            return
        if not isinstance(f, types.FunctionType):
            call = inspect.getattr_static(type(f), "__call__", None)
            if isinstance(call, types.FunctionType):
                self.fixed.append(f)
                self._collect(call, depth, seen)
            return
        for cell in f.__closure__ or ():
            self.sources.append((cell, None))
            held = _cell_contents(cell)
            if isinstance(held, types.FunctionType):
                self._collect(held, depth + 1, seen)
        namespace = f.__globals__
        for name in sorted(set(_global_names(f.__code__))):
            if name in namespace:
                self.sources.append((namespace, name))
                held = namespace[name]
                if isinstance(held, types.FunctionType):
                    self._collect(held, depth + 1, seen)

    def state(self) -> tuple[Any, ...]:
        """A snapshot that changes when any watched Value could have changed (see module)."""
        objects = [
            _cell_contents(where) if name is None else where.get(name, _MISSING)
            for where, name in self.sources
        ]
        return tuple(self._key(x) for x in [*objects, *self.fixed])

    def _key(self, x: Any) -> Any:
        if isinstance(x, _UNWATCHED) or x.__class__ is Value:
            return id(x)
        if isinstance(x, (list, tuple, set, frozenset)):
            return (id(x), len(x), self._value_ids(x, x))
        if isinstance(x, dict):
            return (id(x), len(x), self._value_ids(x, x.values()))
        attributes = getattr(x, "__dict__", None)
        if isinstance(attributes, dict) and not isinstance(x, _CODE):
            return (id(x), len(attributes), self._value_ids(attributes, attributes.values()))
        return id(x)

    def _value_ids(self, container: Any, items: Any) -> tuple[int, ...]:
        """The identities of the Values in ``items`` (skipped for a container that held none
        when its length was last seen: a plain list of numbers costs one look-up)."""
        size = len(container)
        scanned = self._scanned.get(id(container))
        if scanned is None or scanned[0] != size:
            scanned = (size, any(isinstance(v, Value) for v in items))
            self._scanned[id(container)] = scanned
        if not scanned[1]:
            return ()
        if set(map(type, items)) == _ONLY_VALUES:
            return tuple(map(id, items))  # (the same key, at C speed: a layer's weights)
        return tuple(id(v) for v in items if isinstance(v, Value))


_MISSING = object()
_ONLY_VALUES = {Value}


def _cell_contents(cell: Any) -> Any:
    try:
        return cell.cell_contents
    except ValueError:  # a cell not yet assigned
        return _MISSING


def _global_names(code: types.CodeType) -> Iterator[str]:
    """The global names ``code`` and the functions and comprehensions inside it read."""
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _global_names(const)
