"""Where a view writes its file: the one rule for every ``save`` and ``render``."""

from __future__ import annotations

import os
from pathlib import Path


def output_path(path: str | os.PathLike[str], suffix: str) -> Path:
    """``path`` with ``suffix`` (``.html``, ``.svg``…) added if it has none, its folder made.

    A path that is an existing folder is refused: writing ``folder.html`` beside it
    instead would lose the file where nobody looks.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    given = Path(path)
    if given.is_dir():
        raise IsADirectoryError(
            f"{given} is a folder: give a file name, such as {given / ('name' + suffix)}"
        )
    out = given if given.suffix else given.with_suffix(suffix)
    out.parent.mkdir(parents=True, exist_ok=True)
    return out
