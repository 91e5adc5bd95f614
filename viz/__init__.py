"""chainrule's pictures: computation graphs (Graphviz) and the chapters' plots (matplotlib).

Interactive views (:mod:`viz.interactive`): :func:`stepper` (step through the passes
in a browser or Jupyter), :func:`worksheet` (printable exercises and their key) and
:func:`compare_backprop` (a classic bug beside the correct pass); :func:`layer_view`
tells a network's backward pass three ways (scalar engine, layer formulas, compiled
matrix code) and shows they agree; :func:`slides` writes a lecture's PDF, one 16:9 page
per step.

``viz`` reads only what nodes carry (data, grad, parents, op, label, group); it
never imports ``nn``, and it is the only package that imports graphviz and
matplotlib.
"""

# First: is ``autograd`` chainrule's? Its import refuses HIPS autograd installed beside
# it (autograd/distribution.py), but HIPS autograd's own package may be the one found.
import autograd

if not hasattr(autograd, "DistributionConflictError"):
    raise ImportError(
        f"the 'autograd' package at {autograd.__file__} is not chainrule's but most likely"
        " HIPS autograd (pip install autograd): use a separate virtual environment for each"
    )

from viz.animate import animate_backprop, animate_forward
from viz.draw import draw, draw_step, path
from viz.drawing import Drawing
from viz.errors import GraphTooLargeError, RenderError
from viz.export import render, to_svg
from viz.interactive import (
    Comparison,
    Stepper,
    bug_example,
    compare_backprop,
    stepper,
    worksheet,
)
from viz.layer_view import LayerView, layer_view
from viz.notebook import register_ipython
from viz.plots import (
    plot_activations,
    plot_decision_boundary,
    plot_history,
    plot_nudge,
    plot_perceptron_epochs,
    plot_prediction_signs,
    plot_regression,
    plot_representations,
)
from viz.render import available_backends, find_renderer, pipe
from viz.slides import slides

__all__ = [
    "Comparison",
    "Drawing",
    "GraphTooLargeError",
    "LayerView",
    "RenderError",
    "Stepper",
    "animate_backprop",
    "animate_forward",
    "available_backends",
    "bug_example",
    "compare_backprop",
    "draw",
    "draw_step",
    "find_renderer",
    "layer_view",
    "path",
    "pipe",
    "plot_activations",
    "plot_decision_boundary",
    "plot_history",
    "plot_nudge",
    "plot_perceptron_epochs",
    "plot_prediction_signs",
    "plot_regression",
    "plot_representations",
    "register_ipython",
    "render",
    "slides",
    "stepper",
    "to_svg",
    "worksheet",
]

register_ipython()
