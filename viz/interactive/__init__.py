"""Interactive views of backprop: the stepper page, worksheets, and the classic bugs side by side.

``viz.stepper``, ``viz.worksheet`` and ``viz.compare_backprop`` live here; the
modules share the graph as addressable SVG (:mod:`~viz.interactive.svg`), the
words every view shows (:mod:`~viz.interactive.sources`) and the HTML helpers
(:mod:`~viz.interactive.html`).
"""

from viz.interactive.compare import Comparison, bug_example, compare_backprop
from viz.interactive.page import Stepper, backprop_html, stepper
from viz.interactive.worksheet import worksheet

__all__ = [
    "Comparison",
    "Stepper",
    "backprop_html",
    "bug_example",
    "compare_backprop",
    "stepper",
    "worksheet",
]
