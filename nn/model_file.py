"""The model file of :func:`nn.save` and :func:`nn.load`: its format, checksum and error.

The file is plain JSON (never pickle, never eval)::

    {"format": "chainrule.nn", "version": 1,
     "architecture": {"class": "MLP", "config": {...}},
     "parameters": {"layers.0.neurons.0.w.0": 0.123..., ...},
     "sha256": "<hash of the canonical architecture + parameters>"}

Floats are written with ``repr``, which reads back bit for bit.
"""

from __future__ import annotations

import hashlib
import json
import stat
from typing import Any

FORMAT = "chainrule.nn"
VERSION = 1
MAX_BYTES = 256 * 1024 * 1024
"""The default ``max_bytes`` of :func:`load`: 256 MiB, about 10 million parameters."""
MAX_COUNT = 2**31 - 1
"""The largest integer a config may hold (a width, ``nin``, ``nout``)."""


class SerializationError(ValueError):
    """A model file that cannot be written or read back, and why (the path is in the message)."""


def _digest(architecture: Any, parameters: Any) -> str:
    canonical = json.dumps(
        {"architecture": architecture, "parameters": parameters},
        sort_keys=True,
        separators=(",", ":"),
        allow_nan=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _kind(mode: int) -> str:
    """What a file of this ``st_mode`` is, for messages."""
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"
