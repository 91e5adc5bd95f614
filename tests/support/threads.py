"""Run threads the way the thread tests need: all at once, switching as often as possible."""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence


def run_switching_often(threads: Sequence[threading.Thread], interval: float = 1e-6) -> None:
    """Start ``threads`` and wait for them, with ``sys.setswitchinterval(interval)`` meanwhile
    (put back afterwards), so that they interleave between nearly any two bytecodes."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
