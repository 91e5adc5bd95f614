"""Operator dispatch: the methods ``v + w``, ``v.exp()``, ... built from the op table.

Each factory takes the op and ``make(data, op, a, b)``, the function that records a
node (:func:`autograd.value.new_node`), so this module needs nothing from the
Value class itself. Forward values are computed here; a failure becomes a
:class:`~autograd.errors.DomainError` naming the op and its operands.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from operator import attrgetter
from typing import Any

import numpy as np

from autograd import ops
from autograd.data import MATH_ERRORS, as_data
from autograd.messages import domain_error
from autograd.ops import NARY, UNARY, WITH_CONSTANT, Op

Make = Callable[..., Any]
"""``make(data, op, a=None, b=None)``: record a node (the parents in ``a``, ``b``)."""

_FLOAT_ONLY = {float}


def on_arrays(fn: Callable[..., Any] | None, *xs: Any) -> Any:
    """Apply an op's array forward with numpy's floating-point errors raised, not warned."""
    if fn is None:
        raise TypeError("this op has no array form")
    with np.errstate(divide="raise", over="raise", invalid="raise", under="ignore"):
        out = fn(*xs)
    if isinstance(out, np.ndarray) and np.iscomplexobj(out):
        raise ValueError("the result is complex")
    return out


def constant_leaf(x: Any, make: Make) -> Any:
    """A plain number (or array) operand as a leaf; a node is returned as it is."""
    if x.__class__ is float:
        return make(x, None)
    if hasattr(x, "_op"):
        return x
    return make(as_data(x, "an operand"), None)


def with_constant(op: Op, node: Any, c: Any, make: Make) -> Any:
    """Apply a :data:`~autograd.ops.WITH_CONSTANT` op to a node and a constant."""
    x = node._data
    try:
        if x.__class__ is float and c.__class__ is float:
            out = op.forward(x, c)
        else:
            out = on_arrays(op.array_forward, x, c)
    except MATH_ERRORS as exc:
        raise domain_error(op, (node,), exc, constant=c) from None
    return make(out, op, node, c)


def applier(make: Make) -> Callable[[Op, tuple[Any, ...]], Any]:
    """The function ``apply(op, inputs)``: any table op on a tuple of nodes (n-ary included)."""
    get_data = attrgetter("_data")

    def apply(op: Op, inputs: tuple[Any, ...]) -> Any:
        kind = op.kind
        if kind is WITH_CONSTANT:
            if len(inputs) != 2:
                raise TypeError(f"{op.name} with a constant takes a node and the constant")
            constant = inputs[1]
            raw = constant.data if hasattr(constant, "_op") else constant
            return with_constant(op, inputs[0], as_data(raw, "the constant"), make)
        if kind is not NARY and len(inputs) != op.arity:
            raise TypeError(f"{op.name} takes {op.arity} input(s), got {len(inputs)}")
        xs = list(map(get_data, inputs))
        try:
            if set(map(type, xs)) == _FLOAT_ONLY:
                out = op.forward(*xs)
            else:
                out = on_arrays(op.array_forward, *xs)
        except MATH_ERRORS as exc:
            raise domain_error(op, inputs, exc) from None
        if kind is NARY:
            return make(out, op, inputs)
        if kind is UNARY:
            return make(out, op, inputs[0])
        return make(out, op, inputs[0], inputs[1])

    return apply


def unary_method(op: Op, make: Make) -> Callable[[Any], Any]:
    """The method ``v.op()`` for a one-input table op (docstring: the op's formula)."""
    forward, array_forward = op.forward, op.array_forward

    def method(self: Any) -> Any:
        x = self._data
        try:
            out = forward(x) if x.__class__ is float else on_arrays(array_forward, x)
        except MATH_ERRORS as exc:
            raise domain_error(op, (self,), exc) from None
        return make(out, op, self)

    method.__name__ = op.name
    method.__doc__ = op.doc
    return method


def binary_method(op: Op, make: Make) -> Callable[[Any, Any], Any]:
    """The method ``a.op(b)`` (``a + b``, ...) for a two-input table op.

    A plain-number ``b`` is not made a node: it is kept on the output node
    (op :func:`ops.with_constant`), since a constant needs no gradient.
    """
    forward, array_forward = op.forward, op.array_forward
    bound = ops.with_constant(op, 1)

    def method(self: Any, operand: Any) -> Any:
        kind = operand.__class__
        if kind is float:
            x = self._data
            if x.__class__ is float:  # a number and a constant, the commonest case: inlined
                try:
                    out = forward(x, operand)
                except MATH_ERRORS:
                    return with_constant(bound, self, operand, make)  # raises the DomainError
                return make(out, bound, self, operand)
            return with_constant(bound, self, operand, make)
        if kind is self.__class__:
            other = operand
        elif isinstance(operand, numbers.Real):
            return with_constant(bound, self, as_data(operand, "an operand"), make)
        else:
            other = constant_leaf(operand, make)
        x = self._data
        y = other._data
        try:
            if x.__class__ is float and y.__class__ is float:
                out = forward(x, y)
            else:
                out = on_arrays(array_forward, x, y)
        except MATH_ERRORS as exc:
            raise domain_error(op, (self, other), exc) from None
        return make(out, op, self, other)

    method.__name__ = f"__{op.name}__"
    method.__doc__ = op.doc
    return method


def reflected_method(op: Op, make: Make) -> Callable[[Any, Any], Any]:
    """The method ``b.__rop__(a)`` for ``a op b`` with a plain-number ``a``."""
    bound = ops.with_constant(op, 0)
    apply = applier(make)

    def method(self: Any, operand: Any) -> Any:
        if operand.__class__ is float:
            return with_constant(bound, self, operand, make)
        if isinstance(operand, numbers.Real):
            return with_constant(bound, self, as_data(operand, "an operand"), make)
        return apply(op, (constant_leaf(operand, make), self))

    method.__name__ = f"__r{op.name}__"
    method.__doc__ = op.doc
    return method
