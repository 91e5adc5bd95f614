"""The second self-check of new generated code: on inputs nudged away from the traced ones.

The first check runs the code on the call that traced it. Where two inputs happened to
hold the same number then (``µ = μ = 1.0``), code that confuses them gives the right
answer anyway. Here every input and argument gets its own small nudge, the traced graph
is replayed by the engine on the nudged numbers (each op's forward from the op table,
then ``backward``), and the code must agree. A nudge that changes a branch (a
guard fails) or leaves an op's domain proves nothing either way and is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

import numpy as np

from autograd import ops
from autograd.compiler.ir import ALIAS, ARG, INPUT, OP, Graph
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


def replay(graph: Graph, inputs: Sequence[Any], data: Sequence[Any]) -> tuple[Value, list[Value]]:
    """The traced graph rebuilt by the engine on new input and argument data.

    Returns the new output and the new leaves whose gradients the code returns (the
    inputs', then the arguments', in the code's order)."""
    twins: list[Value] = []  # the replay's node for each traced one, by index
    get = twins.__getitem__
    input_data = {id(n): x for n, x in zip(graph.inputs, inputs)}
    with enable_grad():
        for node in graph.nodes:
            role, op = node.role, node.op
            if role == OP and op is not None:  # the op's forward on the new data, same slots
                a = tuple(map(get, map(_index, node.parents)))
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
                v = Value(get(node.source.index)._data)
            else:  # a constant
                v = Value(node.data)
            twins.append(v)
    wanted = [n for n in graph.inputs if n.wants_grad] + [n for n in graph.args if n.wants_grad]
    return get(graph.out.index), [get(n.index) for n in wanted]


_index = attrgetter("index")
_get_data = attrgetter("_data")


_FLOAT = {float}


def _forward(op: ops.Op, xs: list[Any]) -> Any:
    """The op's forward as the engine picks it: on floats, or on arrays if any operand is one."""
    if set(map(type, xs)) == _FLOAT:
        return op.forward(*xs)
    return on_arrays(op.array_forward, *xs)


def pairs(fn: Callable[..., Any], graph: Graph, data: Sequence[Any]) -> list[tuple[Any, Any]]:
    """``(code's, engine's)`` output and gradients on nudged inputs; none if the nudge
    proved nothing (a guard failed, or an op's domain was left)."""
    inputs = [nudge(n.data, k) for k, n in enumerate(graph.inputs)]
    nudged = [
        nudge(x, len(inputs) + k) if isinstance(x, (float, np.ndarray)) else x
        for k, x in enumerate(data)
    ]
    zeros = tuple(
        np.zeros_like(n.value.grad) if isinstance(n.value.grad, np.ndarray) else 0.0
        for n in graph.inputs
        if n.wants_grad
    )
    with np.errstate(divide="raise", over="raise", invalid="raise", under="ignore"):
        try:
            out, leaves = replay(graph, inputs, nudged)
            out.backward()  # the replay's own leaves: nobody else's gradients
        except (*MATH_ERRORS, AutogradError):
            return []
        try:
            got_out, _, grads, arg_grads = fn(tuple(inputs), zeros, nudged)
        except Exception:
            return []
    return [(got_out, out._data), *zip([*grads, *arg_grads], [leaf.grad for leaf in leaves])]
