"""Walking the graph: iterative topological order (no recursion, any depth)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from autograd.ops import BINARY, NARY

if TYPE_CHECKING:
    from autograd.value import Value


PASS_LOCK = threading.RLock()
"""Held by every walk that marks nodes and every backward pass, so that threads sharing
nodes never see each other's marks or half-summed gradients."""


def topological_order(*roots: Value) -> list[Value]:
    """Every node the roots depend on, parents before children, the roots last.

    Iterative depth-first search (a chain of a million ops needs no recursion)
    that marks nodes in their ``_mark`` slot instead of keeping a visited set;
    the order depends only on the graph (parents in their recorded order), never
    on ``id()``, so it is the same every run. It reads the parent slots directly
    (see :func:`autograd.value.new_node`): this walk is on every backward pass.
    It holds :data:`PASS_LOCK` (re-entrant), so concurrent walks over one graph are safe.
    """
    return order_and_leaves(*roots)[0]


def order_and_leaves(*roots: Value) -> tuple[list[Value], list[Value]]:
    """:func:`topological_order`, and the leaves among the nodes, found in the same walk."""
    with PASS_LOCK:
        return _walk(roots)


def _walk(roots: tuple[Value, ...]) -> tuple[list[Value], list[Value]]:
    expanded, done = object(), object()  # fresh marks: stale ones from earlier walks never match
    order: list[Value] = []
    leaves: list[Value] = []
    stack = list(reversed(roots))
    push, pop, emit, leaf = stack.append, stack.pop, order.append, leaves.append
    binary, nary = BINARY, NARY
    while stack:
        node = pop()
        if node._mark is expanded:  # popped again: its parents are all in the order now
            node._mark = done
            emit(node)
            continue
        # Go down through first parents without the stack (a chain costs no push and pop
        # per node); any other parents wait on the stack. Stop at a node already done.
        while (mark := node._mark) is not done and mark is not expanded:
            op = node._op
            if op is None:  # a leaf: no parents to wait for
                node._mark = done
                emit(node)
                leaf(node)
                break
            node._mark = expanded
            push(node)  # emitted when popped again, after its parents
            kind = op.kind
            if kind is nary:
                for parent in reversed(node._a):
                    if parent._mark is not done:
                        push(parent)
                break
            if kind is binary and node._b._mark is not done:
                push(node._b)
            node = node._a  # one parent, or the first of two (a kept constant is no node)
    return order, leaves
