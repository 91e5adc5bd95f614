"""The chapters' plots with matplotlib (Agg canvas, no pyplot state); each returns its Figure."""

from viz.plots.activations import plot_activations
from viz.plots.decision_boundary import plot_decision_boundary
from viz.plots.history import plot_history
from viz.plots.nudge import plot_nudge
from viz.plots.perceptron import plot_perceptron_epochs
from viz.plots.prediction_signs import plot_prediction_signs
from viz.plots.regression import plot_regression
from viz.plots.representations import plot_representations

__all__ = [
    "plot_activations",
    "plot_decision_boundary",
    "plot_history",
    "plot_nudge",
    "plot_perceptron_epochs",
    "plot_prediction_signs",
    "plot_regression",
    "plot_representations",
]
