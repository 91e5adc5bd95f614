"""Walking the graph: iterative topological order (no recursion, any depth)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograd.value import Value


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, parents before children, ``root`` last.

    Iterative depth-first search (a chain of a million ops needs no recursion)
    that marks nodes in their ``_mark`` slot instead of keeping a visited set;
    the order depends only on the graph (parents in their recorded order), never
    on ``id()``, so it is the same every run.
    """
    expanded, done = object(), object()  # fresh marks: stale ones from earlier walks never match
    order: list[Value] = []
    stack = [root]
    push, pop, emit = stack.append, stack.pop, order.append
    while stack:
        node = pop()
        mark = node._mark
        if mark is done:
            continue
        if mark is expanded:  # second visit: every parent is already in the order
            node._mark = done
            emit(node)
            continue
        parents = node.parents
        if not parents:
            node._mark = done
            emit(node)
            continue
        node._mark = expanded
        push(node)
        for parent in reversed(parents):
            if parent._mark is not done:
                push(parent)
    return order
