"""``save``: write a model file (see :mod:`nn.model_file`) atomically.

``save`` writes a fresh temporary file next to the target (a unique name, never
one that already exists, so no planted file or symlink is followed), syncs it to
disk and renames it over the target: readers see the old file or the new one,
never half of one, and concurrent saves to one path each succeed (the last one
wins). It replaces only a regular file: a directory, device, FIFO or socket at
the path is refused. A symlink to a regular file is replaced by the new file (the
file it pointed to is not touched).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import stat
import tempfile
from pathlib import Path

from nn.model_file import FORMAT, VERSION, SerializationError, _digest, _kind
from nn.module import Module


def save(model: Module, path: str | os.PathLike[str]) -> None:
    """Write ``model``'s architecture and parameters to ``path`` as JSON, atomically.

    Raises :class:`SerializationError` (and leaves no temporary file) when the
    parameters are not finite, the path is not a regular file, or writing fails.
    """
    if not isinstance(model, Module):
        raise TypeError(f"save expects an nn.Module, got {type(model).__name__}")
    target = Path(path)
    where = f"cannot save {type(model).__name__} to {os.fspath(path)!r}"
    state = model.state_dict()
    bad = [name for name, v in state.items() if not math.isfinite(v)]
    if bad:
        raise SerializationError(f"{where}: non-finite parameters {', '.join(bad[:5])}")
    architecture = {"class": type(model).__name__, "config": model.config()}
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "architecture": architecture,
        "parameters": state,
        "sha256": _digest(architecture, state),
    }
    text = json.dumps(doc, indent=1, allow_nan=False) + "\n"
    try:
        _write_atomically(target, text.encode("utf-8"), where)
    except OSError as exc:
        raise SerializationError(f"{where}: {exc.strerror or exc}") from exc
    except ValueError as exc:  # a NUL byte in the path
        if isinstance(exc, SerializationError):
            raise
        raise SerializationError(f"{where}: {exc}") from exc


def _write_atomically(target: Path, content: bytes, where: str) -> None:
    """Write a unique temp file in ``target``'s folder, fsync it, rename it over ``target``."""
    mode = _replaceable(target, where)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
        tmp = ""
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    with contextlib.suppress(OSError):  # make the rename itself durable (POSIX only)
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def _replaceable(target: Path, where: str) -> int:
    """The mode for the new file; a SerializationError if ``target`` is not a regular file."""
    try:
        info = os.stat(target)  # through a symlink: what it points to
    except FileNotFoundError:  # nothing there (or a dangling link, which is replaced)
        return _new_file_mode()
    if not stat.S_ISREG(info.st_mode):
        raise SerializationError(
            f"{where}: it is {_kind(info.st_mode)}; save only creates or replaces regular files"
        )
    return stat.S_IMODE(info.st_mode)


def _new_file_mode() -> int:
    """0o666 less the process umask: the mode ``open()`` gives a new file (0o644 if unknown)."""
    with (
        contextlib.suppress(OSError, ValueError, IndexError),
        open("/proc/self/status", encoding="ascii") as status,
    ):
        for line in status:
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    return 0o644
