"""The mutation clock: how a graph knows that data it was computed from has changed.

Each node is stamped with ``CLOCK.now`` when it is made; assigning ``v.data``
advances the clock and stamps ``v`` again (PyTorch keeps a version counter per
tensor for the same purpose). An edge parent → child is stale when the parent's
stamp is later than the child's: the child was computed from data since changed.
"""

from __future__ import annotations

import threading
from typing import Any


class Clock:
    """A counter of data assignments; ``now`` is read on every node creation."""

    __slots__ = ("_lock", "now")

    def __init__(self) -> None:
        self.now = 0
        self._lock = threading.Lock()

    def advance(self) -> int:
        """Count one more assignment and return its stamp (thread-safe)."""
        lock = self._lock  # acquire and release, not ``with``: half the cost, and nothing
        lock.acquire()  # between them can raise (every optimizer step assigns each parameter)
        self.now = now = self.now + 1
        lock.release()
        return now


CLOCK = Clock()


def stamp(node: Any) -> int:
    """The clock reading ``node`` carries: when it was made, or when its data was last
    assigned (negated for an op's result assigned since). For the compiler, which tells
    the Values a call made from those that existed before it."""
    return int(node._version)
