"""Hypothesis strategies for property-testing gradients: yours and the engine's.

>>> from hypothesis import given
>>> from autograd import gradcheck
>>> from autograd.testing import expressions
>>> @given(expressions())
... def test_my_engine(expr):
...     assert gradcheck(expr, *expr.inputs)

* :func:`op_instances` draws an entry of the op table (families with a parameter
  included);
* :func:`op_inputs` draws inputs where that op is smooth, derivatives of order one,
  at least ``margin`` away from its kinks;
* :func:`expressions` draws whole random expression graphs over every op, each
  operand squashed into its op's safe domain, as a callable :class:`Expression`.

Requires hypothesis (in the ``dev`` extra); the engine itself does not import this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st

from autograd import ops
from autograd.ops import WITH_CONSTANT, Interval, Op
from autograd.value import Value, apply

KINK_MARGIN = 1e-3


def _pieces(kinks: Sequence[float], interval: Interval, margin: float) -> list[Interval]:
    """Split ``interval`` at ``kinks``, keeping ``margin`` away from each."""
    pieces = [interval]
    for k in kinks:
        split: list[Interval] = []
        for lo, hi in pieces:
            if lo < k < hi:
                split += [(lo, k - margin), (k + margin, hi)]
            else:
                split.append((lo, hi))
        pieces = split
    return [(lo, hi) for lo, hi in pieces if hi - lo > 0]


def safe_intervals(op: Op, position: int, margin: float = KINK_MARGIN) -> list[Interval]:
    """The intervals an input at ``position`` may be drawn from (n-ary ops share one spec)."""
    spec = op.sample[min(position, len(op.sample) - 1)]
    return [piece for interval in spec for piece in _pieces(op.kinks, interval, margin)]


def op_instances() -> st.SearchStrategy[Op]:
    """Any op of the table: fixed primitives and parametrised families at their params."""
    return st.sampled_from(ops.table())


def _arity(op: Op) -> st.SearchStrategy[int]:
    """How many numbers the op takes: its graph inputs plus a kept constant."""
    if op.kind is WITH_CONSTANT:
        return st.just(2)
    if op.arity:
        return st.just(op.arity)
    return st.integers(1, 3).map(lambda n: 2 * n) | st.integers(1, 3).map(lambda n: 2 * n + 1)


@st.composite
def _point(draw: st.DrawFn, intervals: list[Interval]) -> float:
    lo, hi = draw(st.sampled_from(intervals))
    return draw(st.floats(lo, hi, allow_nan=False, allow_infinity=False))


def _nonzero(intervals: list[Interval]) -> st.SearchStrategy[float]:
    """A point of ``intervals`` at least ``KINK_MARGIN`` away from 0."""
    return _point([p for interval in intervals for p in _pieces([0.0], interval, KINK_MARGIN)])


def op_inputs(
    op: Op, margin: float = KINK_MARGIN, size: int | None = None
) -> st.SearchStrategy[list[float]]:
    """A valid input list for ``op`` (its arity; 2–7 inputs for n-ary ops, or ``size``
    of them; for an op with a kept constant, ``[input, constant]``)."""
    arity = _arity(op)
    if size is not None:
        fixed = 2 if op.kind is WITH_CONSTANT else op.arity  # None: n-ary
        if size < 1 or (fixed is not None and size != fixed):
            wanted = f"exactly {fixed}" if fixed else "at least 1"
            raise ValueError(f"op_inputs: {op.name} takes {wanted} inputs, not size={size!r}")
        arity = st.just(size)
    return arity.flatmap(
        lambda n: st.tuples(*(_point(safe_intervals(op, i, margin)) for i in range(n))).map(list)
    )


def _squash(v: Value, interval: Interval) -> Value:
    """Map any value smoothly into ``interval``: lo + (hi - lo)·σ(v)."""
    lo, hi = interval
    return v.sigmoid() * (hi - lo) + lo


def op_function(op: Op, inputs: Sequence[Any]) -> tuple[Callable[..., Value], list[Any]]:
    """``(f, graph_inputs)``: ``op`` as a function of Values, and the inputs that are nodes.

    For an op with a kept constant the constant is fixed inside ``f`` (it gets no
    gradient), so ``gradcheck(f, *graph_inputs)`` checks exactly what the graph sees.
    """
    if op.kind is WITH_CONSTANT:
        constant = inputs[1]
        return (lambda v: apply(op, (v, constant))), [inputs[0]]
    return (lambda *vs: apply(op, vs)), list(inputs)


@dataclass(frozen=True)
class Node:
    """One drawn op application: the op, per graph operand (earlier node index, interval),
    and the constant for an op that keeps one."""

    op: Op
    operands: tuple[tuple[int, Interval], ...]
    constant: float | None = None


@dataclass(frozen=True)
class Expression:
    """A random expression graph: call it with Values (or use ``inputs``) to build it."""

    inputs: tuple[Any, ...]
    nodes: tuple[Node, ...]

    def __call__(self, *xs: Value) -> Value:
        values: list[Value] = list(xs)
        squashed: dict[tuple[int, Interval], Value] = {}  # a reused operand is one node
        for node in self.nodes:
            for operand in node.operands:
                if operand not in squashed:
                    squashed[operand] = _squash(values[operand[0]], operand[1])
            args: tuple[Any, ...] = tuple(squashed[operand] for operand in node.operands)
            if node.constant is not None:
                args += (node.constant,)
            values.append(apply(node.op, args))
        return values[-1]

    def __repr__(self) -> str:
        names = [f"x{i}" for i in range(len(self.inputs))]
        for node in self.nodes:
            args = ", ".join(f"sq({names[i]}→[{lo:g},{hi:g}])" for i, (lo, hi) in node.operands)
            if node.constant is not None:
                args += f", {node.constant!r}"
            names.append(f"{node.op.symbol}({args})")
        return f"Expression({names[-1]}; inputs={self.inputs!r})"

    @property
    def ops(self) -> list[Op]:
        """The ops in the graph, in order."""
        return [node.op for node in self.nodes]


def _operands(
    draw: st.DrawFn, op: Op, arity: int, available: int, pending: list[int]
) -> tuple[tuple[int, Interval], ...]:
    """``arity`` operands for ``op``: values not used yet first (``pending``, which this
    consumes), then any value computed so far, each with the interval it is squashed to."""
    chosen = [pending.pop(0) for _ in range(min(arity, len(pending)))]
    chosen += [draw(st.integers(0, available - 1)) for _ in range(arity - len(chosen))]
    order = draw(st.permutations(range(arity)))  # where each operand goes
    return tuple(
        (chosen[k], draw(st.sampled_from(safe_intervals(op, i)))) for i, k in enumerate(order)
    )


@st.composite
def expressions(
    draw: st.DrawFn,
    ops_to_use: Sequence[Op] | None = None,
    max_inputs: int = 3,
    max_nodes: int = 6,
    batch: int | None = None,
) -> Expression:
    """A random graph over ``ops_to_use`` (default: the whole table), safe for gradcheck.

    Inputs are drawn in [-2, 2]; with ``batch``, the first is a numpy array of
    ``batch`` samples and each other one either such an array or a single number
    (a parameter shared by every sample);
    every operand is squashed into an interval where its op is smooth, so
    finite differences are accurate.

    Every input and every node reaches the output (no gradient is 0 for want of
    a path): each node takes the values no node has used yet first, and after
    the 1 to ``max_nodes`` drawn nodes, ops of two or more inputs join whatever
    is left unused. With only one-input ops to use there is one input. Inputs
    and kept constants stay ``KINK_MARGIN`` away from 0, where a product's
    gradient would be 0 (an input of 0 squashes to 0 in a symmetric interval).
    """
    choices = list(ops_to_use) if ops_to_use is not None else ops.table()
    joins = [op for op in choices if op.kind is not WITH_CONSTANT and op.arity != 1]
    n_inputs = draw(st.integers(1, max_inputs)) if joins else 1
    point = _nonzero([(-2.0, 2.0)])
    if batch is None:
        inputs: tuple[Any, ...] = tuple(draw(point) for _ in range(n_inputs))
    else:  # the first input is a batch; the others are batches or parameters (one number)
        batches = [True] + [draw(st.booleans()) for _ in range(n_inputs - 1)]
        inputs = tuple(
            np.array(draw(st.lists(point, min_size=batch, max_size=batch)))
            if is_batch
            else draw(point)
            for is_batch in batches
        )
    nodes: list[Node] = []
    pending = list(range(n_inputs))  # values no node uses yet
    drawn = draw(st.integers(1, max_nodes))
    while len(nodes) < drawn or len(pending) > 1:
        op = draw(st.sampled_from(choices if len(nodes) < drawn else joins))
        arity = 1 if op.kind is WITH_CONSTANT else draw(_arity(op))
        operands = _operands(draw, op, arity, n_inputs + len(nodes), pending)
        constant = draw(_nonzero(safe_intervals(op, 1))) if op.kind is WITH_CONSTANT else None
        nodes.append(Node(op, operands, constant))
        pending.append(n_inputs + len(nodes) - 1)
    return Expression(inputs, tuple(nodes))


__all__ = [
    "Expression",
    "expressions",
    "op_function",
    "op_inputs",
    "op_instances",
    "safe_intervals",
]
