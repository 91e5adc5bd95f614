"""Global switches: gradient recording, anomaly detection and the current node group.

The flags are module attributes read on every op, so they live here, in one
place, and are changed only through the context managers below.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple


class NodeInfo(NamedTuple):
    """What a node carries besides numbers: its label, its group, where it was created."""

    label: str = ""
    group: str = ""
    site: str | None = None


grad_enabled: bool = True
"""When False, ops produce leaf nodes: no parents are kept and nothing is recorded."""

anomaly: bool = False
"""When True, every new node is checked for NaN/inf and remembers where it was created."""

info: NodeInfo | None = None
"""Shared by every node created now: carries the current group name (``nn`` sets it)."""


@contextmanager
def no_grad() -> Iterator[None]:
    """Compute values without recording a graph (like ``torch.no_grad``)."""
    global grad_enabled
    previous, grad_enabled = grad_enabled, False
    try:
        yield
    finally:
        grad_enabled = previous


@contextmanager
def enable_grad() -> Iterator[None]:
    """Record the graph again inside a ``no_grad`` block."""
    global grad_enabled
    previous, grad_enabled = grad_enabled, True
    try:
        yield
    finally:
        grad_enabled = previous


def is_grad_enabled() -> bool:
    """Return whether ops currently record the graph."""
    return grad_enabled


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Raise :class:`AnomalyError` as soon as a NaN or inf appears, naming the node.

    Nodes created inside the block also remember the file and line that created
    them, so the error can point at your code. It costs time: use it to debug.
    """
    global anomaly
    previous, anomaly = anomaly, True
    try:
        yield
    finally:
        anomaly = previous


class node_group:
    """Stamp ``name`` on every node created inside the block (nested names join with '.').

    A small class rather than a generator, reusable and cheap to enter: ``nn``
    keeps one per module and enters it on every call.
    """

    __slots__ = ("_inner", "_name", "_previous")

    def __init__(self, name: str) -> None:
        self._name = name
        self._previous: list[NodeInfo | None] = []
        self._inner: dict[NodeInfo | None, NodeInfo | None] = {}

    def __enter__(self) -> None:
        global info
        outer = info
        self._previous.append(outer)
        inner = self._inner.get(outer, self)
        if inner is self:
            prefix = outer.group if outer is not None else ""
            name = f"{prefix}.{self._name}" if prefix and self._name else prefix or self._name
            inner = self._inner[outer] = NodeInfo(group=name) if name else None
        info = inner  # type: ignore[assignment]

    def __exit__(self, *exc: object) -> None:
        global info
        info = self._previous.pop()
