"""``Value``: one number (or one batch of numbers) in a recorded computation graph."""

from __future__ import annotations

import numbers
import operator
import os
import sys
from collections.abc import Callable, Iterable
from typing import Any, Union

import numpy as np

from autograd import modes, ops
from autograd.errors import AnomalyError, DomainError
from autograd.modes import NodeInfo
from autograd.ops import Op

Data = Union[float, np.ndarray]  # noqa: UP007 - a runtime alias, valid on 3.10
Operand = Union["Value", float, int, np.ndarray]

_MATH_ERRORS = (ValueError, ZeroDivisionError, OverflowError, FloatingPointError)
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def as_data(data: Any, what: str = "Value data") -> Data:
    """Validate and convert user data: a real number to float, a real array to float64.

    A batch (batched mode) is a non-empty 1-D array of samples. Raises TypeError
    for anything else (strings, None, complex numbers, lists), ValueError for an
    empty or multi-dimensional array.
    """
    if data.__class__ is float:
        return data
    if isinstance(data, (numbers.Real, np.bool_)):
        return float(data)  # also turns numpy scalars into plain floats
    if isinstance(data, np.ndarray):
        if data.dtype.kind not in "biuf":
            raise TypeError(
                f"{what} must hold real numbers, got a numpy array of dtype {data.dtype}"
                + (" (complex numbers are not supported)" if data.dtype.kind == "c" else "")
            )
        if data.ndim == 0:
            return float(data)
        if data.ndim != 1 or data.size == 0:
            raise ValueError(
                f"{what}: a batch is a non-empty 1-D array of samples, got shape {data.shape}"
            )
        return data.astype(np.float64)
    if isinstance(data, complex):
        raise TypeError(f"{what} must be a real number, got the complex number {data!r}")
    hint = ""
    if isinstance(data, str):
        hint = f"; if you meant the number, write float({data!r})"
    elif isinstance(data, (list, tuple)):
        hint = (
            "; a Value holds one number (or a numpy array of samples for batched mode):"
            " for a vector, make one Value per element"
        )
    raise TypeError(f"{what} must be a real number, got {type(data).__name__} {data!r}{hint}")


_new = object.__new__


def _node(data: Data, op: Op | None, a: Any = None, b: Any = None) -> Value:
    """Create a node without validating its data (the hot path: no closures, no checks).

    Parents live in two slots: ``a`` (and ``b`` for a two-input op), or for an
    n-ary op ``a`` is the tuple of parents; a leaf has ``op is None``.
    """
    v: Value = _new(Value)
    v.data = data
    v.grad = 0.0
    v._mark = None
    v._meta = modes.info
    if modes.grad_enabled:
        v._op = op
        v._a = a
        v._b = b
    else:
        v._op = v._a = v._b = None
    if modes.anomaly:
        v._meta = _with_site(v._meta)
        _check_finite(v, "forward")
    return v


def _constant(x: Any) -> Value:
    """Wrap a plain number (or array) operand in a leaf; a Value is returned as is."""
    if x.__class__ is float:
        return _node(x, None)
    if isinstance(x, Value):
        return x
    return _node(as_data(x, "an operand"), None)


def _raw(x: Any) -> Any:
    return x.data if isinstance(x, Value) else x


def _unary_method(op: Op) -> Callable[[Value], Value]:
    """The method ``v.op()`` for a one-input table op (docstring: the op's formula)."""
    forward, array_forward = op.forward, op.array_forward

    def method(self: Value) -> Value:
        x = self.data
        try:
            out = forward(x) if x.__class__ is float else _on_arrays(array_forward, x)
        except _MATH_ERRORS as exc:
            raise _domain_error(op, (self,), exc) from None
        return _node(out, op, self)

    method.__name__ = op.name
    method.__doc__ = op.doc
    return method


def _binary_method(op: Op) -> Callable[[Value, Operand], Value]:
    """The method ``a.op(b)`` (``a + b``, ...) for a two-input table op.

    A plain-number ``b`` is not made a node: it is kept on the output node
    (op :func:`ops.with_constant`), since a constant needs no gradient.
    """
    forward, array_forward = op.forward, op.array_forward
    bound = ops.with_constant(op, 1)

    def method(self: Value, operand: Operand) -> Value:
        kind = operand.__class__
        if kind is float:
            return _with_constant(bound, self, operand)
        if kind is Value:
            other: Value = operand  # type: ignore[assignment]
        elif isinstance(operand, numbers.Real):
            return _with_constant(bound, self, float(operand))
        else:
            other = _constant(operand)
        x = self.data
        y = other.data
        try:
            if x.__class__ is float and y.__class__ is float:
                out = forward(x, y)
            else:
                out = _on_arrays(array_forward, x, y)
        except _MATH_ERRORS as exc:
            raise _domain_error(op, (self, other), exc) from None
        return _node(out, op, self, other)

    method.__name__ = f"__{op.name}__"
    method.__doc__ = op.doc
    return method


def _with_constant(op: Op, x_node: Value, c: Any) -> Value:
    """Apply an op of :func:`ops.with_constant` to a node and a constant."""
    x = x_node.data
    try:
        if x.__class__ is float and c.__class__ is float:
            out = op.forward(x, c)
        else:
            out = _on_arrays(op.array_forward, x, c)
    except _MATH_ERRORS as exc:
        raise _domain_error(op, (x_node,), exc, constant=c) from None
    return _node(out, op, x_node, c)


def _reflected(op: Op) -> Callable[[Value, Operand], Value]:
    """The method ``b.__rop__(a)`` for ``a op b`` with a plain-number ``a``."""
    bound = ops.with_constant(op, 0)

    def method(self: Value, operand: Operand) -> Value:
        if isinstance(operand, numbers.Real):
            return _with_constant(bound, self, float(operand))
        return apply(op, (_constant(operand), self))

    method.__name__ = f"__r{op.name}__"
    method.__doc__ = op.doc
    return method


_powv = _binary_method(ops.POWV)


class Value:
    """A node of the computation graph: ``data``, its gradient ``grad``, and how it was made.

    ``parents`` is the ordered tuple of input nodes (``a * a`` has ``a`` twice),
    ``op`` the short name of the op that made it (``""`` for a leaf), ``label`` an
    optional name for printing and drawing, ``group`` the name of the ``nn`` module
    (or :func:`autograd.node_group` block) that created it.
    """

    __slots__ = ("_a", "_b", "_mark", "_meta", "_op", "data", "grad")

    data: Data
    grad: Any
    _a: Any
    _b: Any
    _op: Op | None
    _meta: NodeInfo | None
    _mark: object

    def __init__(self, data: Any, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__} {label!r}")
        self.data = as_data(data)
        self.grad = 0.0
        self._op = self._a = self._b = None
        self._mark = None
        self._meta = modes.info
        if label:
            self.label = label
        if modes.anomaly:
            self._meta = _with_site(self._meta)
            _check_finite(self, "forward")

    @property
    def label(self) -> str:
        """An optional name, used when printing, stepping and drawing."""
        return self._meta.label if self._meta is not None else ""

    @label.setter
    def label(self, name: str) -> None:
        if not isinstance(name, str):
            raise TypeError(f"Value label must be a str, got {type(name).__name__} {name!r}")
        meta = self._meta or NodeInfo()
        self._meta = NodeInfo(name, meta.group, meta.site)

    @property
    def group(self) -> str:
        """The name of the ``nn`` module or :func:`~autograd.node_group` block that made it."""
        return self._meta.group if self._meta is not None else ""

    # ---- how it prints -------------------------------------------------------------------

    @property
    def parents(self) -> tuple[Value, ...]:
        """The input nodes in order (``a * a`` has ``a`` twice); ``()`` for a leaf."""
        op = self._op
        if op is None:
            return ()
        if op.arity == 2:
            return (self._a, self._b)
        if op.arity == 0:
            return self._a
        return (self._a,)

    @property
    def constant(self) -> Any:
        """The constant operand kept on this node (``1.5`` in ``x * 1.5``), else None."""
        op = self._op
        return self._b if op is not None and op.arity == -1 else None

    @property
    def op(self) -> str:
        """The short name of the op that produced this node (``""`` for a leaf)."""
        op = self._op
        if op is None:
            return ""
        return op.symbol if op.arity != -1 else op.display(self._b)

    @property
    def op_entry(self) -> Op | None:
        """The op table entry that produced this node, or None for a leaf."""
        return self._op

    @property
    def is_leaf(self) -> bool:
        """True for a node no op produced: an input, a parameter or a constant."""
        return self._op is None

    @property
    def creation_site(self) -> str | None:
        """``file:line`` of the code that created this node (recorded in anomaly mode only)."""
        return self._meta.site if self._meta is not None else None

    def __repr__(self) -> str:
        text = f"Value(data={_fmt(self.data)}, grad={_fmt(self.grad)}"
        if self.label:
            text += f", label={self.label!r}"
        if self._op is not None:
            text += f", op={self.op!r}"
        return text + ")"

    def __format__(self, spec: str) -> str:
        if not spec:
            return repr(self)
        if isinstance(self.data, np.ndarray):
            return np.array2string(self.data, formatter={"float_kind": lambda v: format(v, spec)})
        return format(self.data, spec)

    def __float__(self) -> float:
        return float(self.data)

    def item(self) -> float:
        """The data as a Python float (like ``torch.Tensor.item``)."""
        return float(self.data)

    # ---- building the graph ----------------------------------------------------------------

    def apply(self, op: Op, *others: Operand) -> Value:
        """Apply a table op with ``self`` as first input: ``v.apply(ops.MUL, w)`` is ``v * w``."""
        return apply(op, (self, *(o if isinstance(o, Value) else Value(o) for o in others)))

    __add__ = _binary_method(ops.ADD)
    __mul__ = _binary_method(ops.MUL)
    __truediv__ = _binary_method(ops.DIV)
    __neg__ = _unary_method(ops.NEG)
    __abs__ = _unary_method(ops.ABS)
    exp = _unary_method(ops.EXP)
    log = _unary_method(ops.LOG)
    sqrt = _unary_method(ops.SQRT)
    tanh = _unary_method(ops.TANH)
    sigmoid = _unary_method(ops.SIGMOID)
    relu = _unary_method(ops.RELU)
    softplus = _unary_method(ops.SOFTPLUS)
    sin = _unary_method(ops.SIN)
    cos = _unary_method(ops.COS)
    mean = _unary_method(ops.BATCH_MEAN)
    sum = _unary_method(ops.BATCH_SUM)

    __radd__ = _reflected(ops.ADD)
    __rmul__ = _reflected(ops.MUL)
    __rtruediv__ = _reflected(ops.DIV)
    __rpow__ = _reflected(ops.POWV)

    def __sub__(self, other: Operand) -> Value:
        """``a - b`` is recorded as ``a + (-b)`` (a constant b is negated in place)."""
        if isinstance(other, Value):
            return self + -other
        return self + -as_data(other, "an operand")

    def __rsub__(self, other: Operand) -> Value:
        return -self + other

    def __pow__(self, other: Operand) -> Value:
        """``a ** n`` (constant n: op ``**n``) or ``a ** b`` (Value b: op ``**``, needs a > 0)."""
        if isinstance(other, Value):
            return _powv(self, other)
        exponent = _constant(other).data
        if not isinstance(exponent, float):
            raise TypeError("the exponent must be a number or a Value, not an array")
        return _unary_method(ops.power(exponent))(self)

    def leaky_relu(self, alpha: float = 0.01) -> Value:
        """max(x, αx);  ∂/∂x = 1 if x > 0 else α."""
        return _unary_method(ops.leaky_relu(float(alpha)))(self)

    # ---- comparisons look at data; equality and hashing stay identity-based ----------------

    def __lt__(self, other: Operand) -> Any:
        return self.data < _raw(other)

    def __le__(self, other: Operand) -> Any:
        return self.data <= _raw(other)

    def __gt__(self, other: Operand) -> Any:
        return self.data > _raw(other)

    def __ge__(self, other: Operand) -> Any:
        return self.data >= _raw(other)

    __hash__ = object.__hash__
    __array_ufunc__ = None  # numpy defers to our reflected ops: array + v is a batched Value

    # ---- gradients ---------------------------------------------------------------------------

    def backward(self, create_graph: bool = False) -> None:
        """Fill ``.grad`` of every node this one depends on with ∂self/∂node.

        Interior gradients are reset at the start of each call; leaf gradients
        accumulate across calls, as PyTorch's do (call ``zero_grad`` between
        training steps). With ``create_graph=True`` the gradients are Values
        themselves, so ``x.grad.backward()`` gives second derivatives. A node
        holding a batch is differentiated as its batch sum (seeded with ones).
        """
        from autograd.backward import backward

        backward(self, create_graph=create_graph)

    def zero_grad(self) -> None:
        """Set this node's gradient to 0."""
        self.grad = 0.0

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut from the graph."""
        return Value(self.data, label=self.label)


_get_data = operator.attrgetter("data")
_FLOAT_ONLY = {float}


def as_values(items: Iterable[Any]) -> tuple[Value, ...]:
    """A tuple of Values: Values as they are, plain numbers wrapped as constant leaves."""
    values = tuple(items)
    if set(map(type, values)) <= _VALUE_ONLY:  # the common case, checked at C speed
        return values
    return tuple(map(_constant, values))


_VALUE_ONLY = frozenset({Value})


def apply(op: Op, inputs: tuple[Value, ...]) -> Value:
    """Apply any table op to a tuple of Values (n-ary ops included)."""
    if op.arity == -1:
        constant = inputs[1]
        raw = constant.data if isinstance(constant, Value) else constant
        return _with_constant(op, inputs[0], as_data(raw, "the constant"))
    if op.arity and len(inputs) != op.arity:
        raise TypeError(f"{op.name} takes {op.arity} input(s), got {len(inputs)}")
    xs = list(map(_get_data, inputs))
    try:
        if set(map(type, xs)) == _FLOAT_ONLY:
            out = op.forward(*xs)
        else:
            out = _on_arrays(op.array_forward, *xs)
    except _MATH_ERRORS as exc:
        raise _domain_error(op, inputs, exc) from None
    if op.arity == 1:
        return _node(out, op, inputs[0])
    if op.arity == 2:
        return _node(out, op, inputs[0], inputs[1])
    return _node(out, op, inputs)


def _on_arrays(fn: Callable[..., Any] | None, *xs: Any) -> Any:
    if fn is None:
        raise TypeError("this op has no array form")
    with np.errstate(divide="raise", over="raise", invalid="raise", under="ignore"):
        out = fn(*xs)
    if isinstance(out, np.ndarray) and np.iscomplexobj(out):
        raise ValueError("the result is complex")
    return out


def _describe(v: Value) -> str:
    name = f"{v.label}=" if v.label else ""
    data = v.data
    if isinstance(data, np.ndarray):
        return f"{name}array(shape={data.shape}, min={data.min():g}, max={data.max():g})"
    return f"{name}{data!r}"


def _operands(op: Op, inputs: tuple[Value, ...], constant: Any = None) -> str:
    """The operands of an op application as text, a kept constant in its place."""
    described = [_describe(v) for v in inputs]
    if op.arity == -1:
        described.insert(op.position, repr(constant))
    return ", ".join(described)


def _domain_error(
    op: Op, inputs: tuple[Value, ...], exc: BaseException, constant: Any = None
) -> DomainError:
    operands = _operands(op, inputs, constant)
    why = str(exc) or type(exc).__name__
    if isinstance(exc, ZeroDivisionError):
        why = "division by zero"
    elif isinstance(exc, OverflowError):
        why = "the result is too large for a float"
    if why == "math domain error":
        why = "outside the domain"
    site = next((f" (created at {v.creation_site})" for v in inputs if v.creation_site), "")
    return DomainError(
        f"{op.name} of ({operands}): {why}; {op.name} is defined for {op.domain}{site}"
    )


def _with_site(meta: NodeInfo | None) -> NodeInfo:
    """A copy of ``meta`` that also records where the node is being created."""
    meta = meta or NodeInfo()
    return NodeInfo(meta.label, meta.group, _creation_site())


def _creation_site() -> str:
    """``file:line`` of the innermost frame outside this package (the user's code)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return "<unknown>"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def _check_finite(v: Value, phase: str, value: Any = None) -> None:
    """In anomaly mode: raise AnomalyError if ``value`` (default ``v.data``) has NaN or inf."""
    x = v.data if value is None else value
    x = x.data if isinstance(x, Value) else x
    if np.all(np.isfinite(x)):
        return
    what = "NaN" if np.any(np.isnan(x)) else "inf"
    node = f"node {v.label!r}" if v.label else "an unlabelled node"
    if phase == "forward":
        if v._op is None:
            msg = f"{what} in the data of leaf {node}"
        else:
            operands = _operands(v._op, v.parents, v.constant)
            msg = f"forward pass: {v._op.name}({operands}) produced {what} at {node}"
    else:
        msg = f"backward pass: the gradient of {node} (op {v.op or 'leaf'!r}) became {what}"
    site = v.creation_site
    raise AnomalyError(msg + (f", created at {site}" if site else ""))


def _fmt(x: Any) -> str:
    """Short text for data or grad: a float's repr, an array's summary, a Value grad's data."""
    if isinstance(x, Value):
        return f"Value({_fmt(x.data)})"
    if isinstance(x, np.ndarray):
        return np.array2string(x, precision=4, threshold=6, separator=", ")
    return repr(x)
