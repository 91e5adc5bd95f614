"""Jupyter integration: when ``viz`` is imported in IPython, a ``Value`` displays as its
graph and a ``Backprop`` as its stepper page.

``autograd`` knows nothing of this: ``viz`` registers formatters for
``autograd.Value`` (SVG) and ``autograd.Backprop`` (HTML) with the running IPython
shell (if any) when it is imported.
"""

from __future__ import annotations

import sys
from typing import Any

from autograd import Backprop, Value, topological_order
from viz.errors import GraphTooLargeError, RenderError

INLINE_NODES = 40
"""Past this many nodes a Value displays in the layers view (one box per module), not
every node: a network's output on one input would otherwise be a page-long drawing."""


def value_svg(value: Value) -> str | None:
    """A Value's graph as SVG for display (None, so IPython falls back to repr, if impossible)."""
    from viz.draw import draw

    size = len(topological_order(value))
    try:
        return draw(value, style="layers" if size > INLINE_NODES else "values").to_svg()
    except (GraphTooLargeError, RenderError):
        return None


def backprop_page(bp: Backprop) -> str | None:
    """A Backprop as its interactive stepper page, opened at the steps taken."""
    from viz.interactive import backprop_html

    try:
        return backprop_html(bp)
    except (GraphTooLargeError, RenderError, ValueError):
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
    formatters = shell.display_formatter.formatters
    formatters["image/svg+xml"].for_type(Value, value_svg)
    formatters["text/html"].for_type(Backprop, backprop_page)
    return True
