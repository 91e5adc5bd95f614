"""The second self-check of new generated code: on inputs nudged away from the traced ones.

The first check runs the code on the call that traced it. Where two inputs happened to
hold the same number then (``µ = μ = 1.0``), code that confuses them gives the right
answer anyway. Here every input and argument gets its own small nudge, the traced graph
is replayed by the engine on the nudged numbers (each op's forward from the op table,
then ``backward``), and the code must agree. A nudge that changes a branch (a
guard fails) or leaves an op's domain proves nothing either way and is skipped.

A rolled loop (:mod:`.rolling`) is checked here on a few of its samples: the same code,
its globals holding only those samples' data, against the replay of only their terms.
The first check ran every sample; this one is about numbers that happened to be equal,
and one sample's code is every sample's code. So the check costs the size of the code,
not of the data set.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from types import FunctionType
from typing import Any

import numpy as np

from autograd import ops
from autograd.compiler.ir import ALIAS, ARG, INPUT, OP, Graph, Node
from autograd.compiler.rolling import Sampled
from autograd.data import MATH_ERRORS
from autograd.dispatch import on_arrays
from autograd.errors import AutogradError
from autograd.modes import enable_grad
from autograd.value import Value, new_node

GOLDEN = 0.6180339887498949


def nudge(x: Any, k: int) -> Any:
    """``x`` moved by a relative 1e-4 to 2e-4, different for each ``k``: x + δₖ·(1 + |x|)."""
    step = 1e-4 * (1.0 + (k * GOLDEN) % 1.0)
    return x + step * (1.0 + np.abs(x)) if isinstance(x, np.ndarray) else x + step * (1.0 + abs(x))


KEPT_SAMPLES = 3
"""Samples of a rolled loop the check on nudged inputs runs: the first, middle and last."""


@dataclass
class Cut:
    """The samples a check keeps of each rolled loop: the nodes of the other terms, and
    each sum's kept terms."""

    dropped: set[int] = field(default_factory=set)
    terms: dict[int, list[Node]] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    """The code's globals holding only the kept samples' data."""

    @classmethod
    def of(cls, loops: Sequence[Sampled], keep: int = KEPT_SAMPLES) -> Cut:
        cut = cls()
        for loop in loops:
            n = len(loop.terms)
            kept = sorted({round(k * (n - 1) / max(keep - 1, 1)) for k in range(keep)})
            if len(kept) == n:
                continue
            for name, data_for in loop.data.items():
                cut.data[name] = data_for(kept)
            cut.terms[id(loop.total)] = [loop.terms[i][-1] for i in kept]
            for i in set(range(n)).difference(kept):
                cut.dropped.update(map(id, loop.terms[i]))
        return cut

    def code(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """``fn`` reading the kept samples' data (the same code, other globals)."""
        if not self.data:
            return fn
        return FunctionType(fn.__code__, {**fn.__globals__, **self.data}, fn.__name__)


def replay(
    graph: Graph, inputs: Sequence[Any], data: Sequence[Any], cut: Cut | None = None
) -> tuple[Value, list[Value]]:
    """The traced graph rebuilt by the engine on new input and argument data (only the
    kept samples of rolled loops, with ``cut``).

    Returns the new output and the new leaves whose gradients the code returns (the
    inputs', then the arguments', in the code's order)."""
    twins: list[Value | None] = []  # the replay's node for each traced one, by index
    get = twins.__getitem__
    input_data = {id(n): x for n, x in zip(graph.inputs, inputs)}
    dropped = cut.dropped if cut is not None else set()
    kept_terms = cut.terms if cut is not None else {}
    with enable_grad():
        for node in graph.nodes:
            role, op = node.role, node.op
            if dropped and id(node) in dropped:
                twins.append(None)
                continue
            if role == OP and op is not None:  # the op's forward on the new data, same slots
                parents = kept_terms.get(id(node), node.parents) if kept_terms else node.parents
                a = tuple(map(get, map(_index, parents)))
                xs = list(map(_get_data, a))
                if op.kind is ops.NARY:
                    v = new_node(_forward(op, xs), op, a)
                elif op.kind is ops.WITH_CONSTANT:
                    xs.append(node.constant)
                    v = new_node(_forward(op, xs), op, a[0], node.constant)
                elif op.kind is ops.UNARY:
                    v = new_node(_forward(op, xs), op, a[0])
                else:
                    v = new_node(_forward(op, xs), op, *a)
            elif role == INPUT:
                v = Value(input_data[id(node)])
            elif role == ARG:
                v = Value(data[node.slot])
            elif role == ALIAS and node.source is not None:
                source = get(node.source.index)
                assert source is not None
                v = Value(source._data)
            else:  # a constant
                v = Value(node.data)
            twins.append(v)
    wanted = [n for n in graph.inputs if n.wants_grad] + [n for n in graph.args if n.wants_grad]
    out = get(graph.out.index)
    leaves = [get(n.index) for n in wanted]
    assert out is not None and all(leaf is not None for leaf in leaves)
    return out, leaves  # type: ignore[return-value]


_index = attrgetter("index")
_get_data = attrgetter("_data")


_FLOAT = {float}


def _forward(op: ops.Op, xs: list[Any]) -> Any:
    """The op's forward as the engine picks it: on floats, or on arrays if any operand is one."""
    if set(map(type, xs)) == _FLOAT:
        return op.forward(*xs)
    return on_arrays(op.array_forward, *xs)


def pairs(
    fn: Callable[..., Any], graph: Graph, data: Sequence[Any], loops: Sequence[Sampled] = ()
) -> list[tuple[Any, Any]]:
    """``(code's, engine's)`` output and gradients on nudged inputs, the rolled ``loops``
    cut to a few samples (whole if the cut proves nothing); none if the nudge proved
    nothing (a guard failed, or an op's domain was left)."""
    inputs = [nudge(n.data, k) for k, n in enumerate(graph.inputs)]
    nudged = [
        nudge(x, len(inputs) + k) if isinstance(x, (float, np.ndarray)) else x
        for k, x in enumerate(data)
    ]
    cut = Cut.of(loops)
    if any(n.source is not None and id(n.source) in cut.dropped for n in graph.nodes):
        cut = Cut()  # a detached copy outside a loop reads into it: replay it whole
    found = _pairs(fn, graph, inputs, nudged, cut)
    if found is None and cut.data:  # a guard on a sum saw only three samples, say
        found = _pairs(fn, graph, inputs, nudged, Cut())
    return found or []


def _pairs(
    fn: Callable[..., Any], graph: Graph, inputs: list[Any], data: list[Any], cut: Cut
) -> list[tuple[Any, Any]] | None:
    zeros = tuple(
        np.zeros_like(n.value.grad) if isinstance(n.value.grad, np.ndarray) else 0.0
        for n in graph.inputs
        if n.wants_grad
    )
    with np.errstate(divide="raise", over="raise", invalid="raise", under="ignore"):
        try:
            out, leaves = replay(graph, inputs, data, cut)
            out.backward()  # the replay's own leaves: nobody else's gradients
        except (*MATH_ERRORS, AutogradError):
            return None
        try:
            got_out, _, grads, arg_grads = cut.code(fn)(tuple(inputs), zeros, data)
        except Exception:
            return None
    return [(got_out, out._data), *zip([*grads, *arg_grads], [leaf.grad for leaf in leaves])]
