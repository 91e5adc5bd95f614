"""Jupyter integration: a ``Value`` displays as its graph when ``viz`` is imported in IPython.

``autograd`` knows nothing of this: ``viz`` registers an SVG formatter for
``autograd.Value`` with the running IPython shell (if any) when it is imported.
"""

from __future__ import annotations

import sys
from typing import Any

from autograd import Value
from viz.errors import GraphTooLargeError, RenderError


def value_svg(value: Value) -> str | None:
    """A Value's graph as SVG for display (None, so IPython falls back to repr, if impossible)."""
    from viz.draw import draw

    try:
        return draw(value).to_svg()
    except (GraphTooLargeError, RenderError):
        return None


def register_ipython(shell: Any = None) -> bool:
    """Make ``shell`` (default: the running IPython) display Values as graphs; True if done."""
    if shell is None:
        ipython = sys.modules.get("IPython")
        if ipython is None:
            return False
        shell = ipython.get_ipython()
        if shell is None:
            return False
    formatter = shell.display_formatter.formatters["image/svg+xml"]
    formatter.for_type(Value, value_svg)
    return True
