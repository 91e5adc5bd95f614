"""``Value``: one number (or one batch of numbers) in a recorded computation graph."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any, Union

import numpy as np

from autograd import backward as _backward
from autograd import dispatch, ops
from autograd.data import Data, as_data
from autograd.messages import check_finite, short, with_site
from autograd.modes import NodeInfo, settings
from autograd.ops import BINARY, NARY, WITH_CONSTANT, Op
from autograd.versions import CLOCK

Operand = Union["Value", float, int, np.ndarray]

UNRECORDED = ("computed with gradient recording off",)
"""Kept in ``_a`` of a node an op made under ``no_grad``: a result, not an input."""

# ---- the tracing observer (autograd.compiler) ---------------------------------------------
# While autograd.compile traces a function, the few methods that hand a Value's data to
# Python control flow (comparisons, bool, float, item) and detach report what they returned,
# so the compiled code can check the same condition later (a guard). Only those methods look
# at the observer: building the graph (new_node, the ops) never does, so untraced code pays
# one ContextVar lookup per comparison and nothing per op.

TraceObserver = Callable[[str, "Value", Any, Any], None]
_observer: ContextVar[TraceObserver | None] = ContextVar("chainrule_trace_observer", default=None)


def _observed(what: str, node: Value, other: Any, result: Any) -> Any:
    """Return ``result``, first telling the tracing observer (if any) what produced it."""
    observer = _observer.get()
    if observer is not None:
        observer(what, node, other, result)
    return result


_new = object.__new__


def new_node(data: Data, op: Op | None, a: Any = None, b: Any = None) -> Value:
    """Record a node without validating its data (the hot path: no closures, no checks).

    Parents live in two slots: ``a`` (and ``b`` for a two-input op, or the kept
    constant), or for an n-ary op ``a`` is the tuple of parents; a leaf has
    ``op is None``. Under ``no_grad`` the node keeps no parents.
    """
    recording, anomaly, info, _ = settings()  # the modes in force here, one unpacking
    v: Value = _new(Value)
    v._data = data
    v.grad = 0.0
    v._mark = None
    v._version = CLOCK.now
    v._meta = info
    if recording or op is None:
        v._op = op
        v._a = a
        v._b = b
    else:
        v._op = v._b = None
        v._a = UNRECORDED
    if anomaly:
        v._meta = with_site(v._meta)
        check_finite(v, "forward")
    return v


class Value:
    """A node of the computation graph: ``data``, its gradient ``grad``, and how it was made.

    ``parents`` is the ordered tuple of input nodes (``a * a`` has ``a`` twice),
    ``op`` the short name of the op that made it (``""`` for a leaf), ``label`` an
    optional name for printing and drawing, ``group`` the name of the ``nn`` module
    (or :func:`autograd.node_group` block) that created it.
    """

    __slots__ = ("_a", "_b", "_data", "_mark", "_meta", "_op", "_version", "grad")

    _data: Data
    grad: Any
    _a: Any
    _b: Any
    _op: Op | None
    _meta: NodeInfo | None
    _mark: object
    _version: int

    def __init__(self, data: Any, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__} {label!r}")
        self._data = as_data(data)
        self.grad = 0.0
        self._op = self._a = self._b = None
        self._mark = None
        self._version = CLOCK.now
        _, anomaly, self._meta, _ = settings()
        if label:
            self.label = label
        if anomaly:
            self._meta = with_site(self._meta)
            check_finite(self, "forward")

    @property
    def data(self) -> Data:
        """The number (or batch of numbers) this node holds.

        Assigning it is how optimizers update parameters. A graph built from the old
        data is then stale: its ``backward()`` raises instead of mixing old and new.
        """
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        self._data = value if value.__class__ is float else as_data(value)
        stamp = CLOCK.advance()
        self._version = stamp if self._op is None else -stamp  # negative: an op's result changed

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

    # ---- how it was made -----------------------------------------------------------------

    @property
    def parents(self) -> tuple[Value, ...]:
        """The input nodes in order (``a * a`` has ``a`` twice); ``()`` for a leaf."""
        op = self._op
        if op is None:
            return ()
        kind = op.kind
        if kind is BINARY:
            return (self._a, self._b)
        if kind is NARY:
            return self._a
        return (self._a,)

    @property
    def constant(self) -> Any:
        """The constant operand kept on this node (``1.5`` in ``x * 1.5``), else None."""
        op = self._op
        return self._b if op is not None and op.kind is WITH_CONSTANT else None

    @property
    def operands(self) -> tuple[Any, ...]:
        """Everything the op took, in order: the parents, and a kept constant in its place.

        ``(x * 1.5).operands == (x, 1.5)``, ``(2 / x).operands == (2.0, x)``.
        """
        op = self._op
        if op is None:
            return ()
        if op.kind is WITH_CONSTANT:
            return (self._a, self._b) if op.position == 1 else (self._b, self._a)
        return self.parents

    @property
    def op(self) -> str:
        """The short name of the op that produced this node (``""`` for a leaf)."""
        op = self._op
        if op is None:
            return ""
        return op.display(self._b) if op.kind is WITH_CONSTANT else op.symbol

    @property
    def op_entry(self) -> Op | None:
        """The op table entry that produced this node, or None for a leaf."""
        return self._op

    @property
    def is_leaf(self) -> bool:
        """True for a node no op recorded: an input, a parameter, a constant, or a result
        computed under ``no_grad``."""
        return self._op is None

    @property
    def requires_grad(self) -> bool:
        """False for a result computed under ``no_grad`` (it cannot start a backward pass)."""
        return self._a is not UNRECORDED

    @property
    def creation_site(self) -> str | None:
        """``file:line`` of the code that created this node (recorded in anomaly mode only)."""
        return self._meta.site if self._meta is not None else None

    def __repr__(self) -> str:
        text = f"Value(data={short(self._data)}, grad={short(self.grad)}"
        if self.label:
            text += f", label={self.label!r}"
        if self._op is not None:
            text += f", op={self.op!r}"
        return text + ")"

    def __format__(self, spec: str) -> str:
        if not spec:
            return repr(self)
        if isinstance(self._data, np.ndarray):
            return np.array2string(self._data, formatter={"float_kind": lambda v: format(v, spec)})
        return format(self._data, spec)

    def __float__(self) -> float:
        return _observed("float", self, None, float(self._data))

    def __bool__(self) -> bool:
        """``bool(Value(0.0))`` is False, like ``bool(0.0)``; a batch has no single truth value."""
        if isinstance(self._data, np.ndarray):
            raise ValueError(
                "the truth value of a Value holding a batch is ambiguous: "
                "compare its data with .data.any() or .data.all()"
            )
        return _observed("bool", self, None, self._data != 0.0)

    def item(self) -> float:
        """The data as a Python float (like ``torch.Tensor.item``)."""
        return _observed("float", self, None, float(self._data))

    # ---- building the graph ----------------------------------------------------------------

    def apply(self, op: Op, *others: Operand) -> Value:
        """Apply a table op with ``self`` as first input: ``v.apply(ops.MUL, w)`` is ``v * w``."""
        if op.kind is WITH_CONSTANT:
            return apply(op, (self, *others))  # type: ignore[arg-type]
        return apply(op, (self, *(o if isinstance(o, Value) else Value(o) for o in others)))

    __add__ = dispatch.binary_method(ops.ADD, new_node)
    __mul__ = dispatch.binary_method(ops.MUL, new_node)
    __truediv__ = dispatch.binary_method(ops.DIV, new_node)
    __neg__ = dispatch.unary_method(ops.NEG, new_node)
    __abs__ = dispatch.unary_method(ops.ABS, new_node)
    exp = dispatch.unary_method(ops.EXP, new_node)
    log = dispatch.unary_method(ops.LOG, new_node)
    sqrt = dispatch.unary_method(ops.SQRT, new_node)
    tanh = dispatch.unary_method(ops.TANH, new_node)
    sigmoid = dispatch.unary_method(ops.SIGMOID, new_node)
    relu = dispatch.unary_method(ops.RELU, new_node)
    softplus = dispatch.unary_method(ops.SOFTPLUS, new_node)
    sin = dispatch.unary_method(ops.SIN, new_node)
    cos = dispatch.unary_method(ops.COS, new_node)
    batch_mean = dispatch.unary_method(ops.BATCH_MEAN, new_node)
    batch_sum = dispatch.unary_method(ops.BATCH_SUM, new_node)

    __radd__ = dispatch.reflected_method(ops.ADD, new_node)
    __rmul__ = dispatch.reflected_method(ops.MUL, new_node)
    __rtruediv__ = dispatch.reflected_method(ops.DIV, new_node)
    __rpow__ = dispatch.reflected_method(ops.POWV, new_node)
    _powv = dispatch.binary_method(ops.POWV, new_node)

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
            return self._powv(other)
        exponent = as_data(other, "the exponent")
        if not isinstance(exponent, float):
            raise TypeError("the exponent must be a number or a Value, not an array")
        return apply(ops.power(exponent), (self,))

    def leaky_relu(self, alpha: float = 0.01) -> Value:
        """max(x, αx);  ∂/∂x = 1 if x > 0 else α."""
        return apply(ops.leaky_relu(float(alpha)), (self,))

    # ---- comparisons look at data; equality and hashing stay identity-based ----------------

    def __lt__(self, other: Operand) -> Any:
        return _observed("<", self, other, self._data < _raw(other))

    def __le__(self, other: Operand) -> Any:
        return _observed("<=", self, other, self._data <= _raw(other))

    def __gt__(self, other: Operand) -> Any:
        return _observed(">", self, other, self._data > _raw(other))

    def __ge__(self, other: Operand) -> Any:
        return _observed(">=", self, other, self._data >= _raw(other))

    __hash__ = object.__hash__
    __array_ufunc__ = None  # numpy defers to our reflected ops: array + v is a batched Value

    # ---- gradients ---------------------------------------------------------------------------

    def backward(self, gradient: Any = None, create_graph: bool = False) -> None:
        """Fill ``.grad`` of every node this one depends on with ∂self/∂node (× ``gradient``).

        Interior gradients are reset at the start of each call; leaf gradients
        accumulate across calls, as PyTorch's do (call ``zero_grad`` between
        training steps). ``gradient`` is the upstream gradient ∂L/∂self (default
        1; ones for a batch). With ``create_graph=True`` the gradients are Values
        themselves, so ``x.grad.backward()`` gives second derivatives. Raises
        :class:`~autograd.errors.AutogradError` if this node was computed under
        ``no_grad`` or if the data of a node it depends on changed since.
        """
        _backward.backward(self, gradient=gradient, create_graph=create_graph)

    def zero_grad(self) -> None:
        """Set this node's gradient to 0."""
        self.grad = 0.0

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut from the graph."""
        return _observed("detach", self, None, Value(self._data, label=self.label))

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        """Copy the whole graph behind this node, iteratively (any depth)."""
        import copy

        from autograd.graph import topological_order

        for node in topological_order(self):
            if id(node) in memo:
                continue
            twin: Value = _new(Value)
            twin._data = copy.deepcopy(node._data, memo)
            twin._op, twin._meta, twin._mark, twin._version = node._op, node._meta, None, CLOCK.now
            twin._a = _map(node._a, memo)
            twin._b = _map(node._b, memo)
            memo[id(node)] = twin
        for node in topological_order(self):
            twin = memo[id(node)]
            twin.grad = copy.deepcopy(node.grad, memo)
        return memo[id(self)]


def _map(slot: Any, memo: dict[int, Any]) -> Any:
    """A parent slot with every node replaced by its copy (constants kept)."""
    if isinstance(slot, Value):
        return memo[id(slot)]
    if isinstance(slot, tuple) and slot is not UNRECORDED:
        return tuple(memo[id(p)] for p in slot)
    return slot


def _raw(x: Any) -> Any:
    return x._data if isinstance(x, Value) else x


_VALUE_ONLY = frozenset({Value})


def as_values(items: Iterable[Any]) -> tuple[Value, ...]:
    """A tuple of Values: Values as they are, plain numbers wrapped as constant leaves."""
    values = tuple(items)
    if set(map(type, values)) <= _VALUE_ONLY:  # the common case, checked at C speed
        return values
    return tuple(dispatch.constant_leaf(v, new_node) for v in values)


apply: Callable[[Op, tuple[Value, ...]], Value] = dispatch.applier(new_node)
"""``apply(op, inputs)``: apply any table op to a tuple of Values (n-ary ops included)."""
