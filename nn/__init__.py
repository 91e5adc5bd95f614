"""chainrule's neural networks on ``autograd.Value``: modules, losses, optimizers, training.

:func:`to_torch` and :func:`from_torch` carry a model to ``torch.nn.Sequential`` and
back (PyTorch is optional and imported only when they are called).
"""

# First: is ``autograd`` chainrule's? Its import refuses HIPS autograd installed beside
# it (autograd/distribution.py), but HIPS autograd's own package may be the one found.
import autograd

if not hasattr(autograd, "DistributionConflictError"):
    raise ImportError(
        f"the 'autograd' package at {autograd.__file__} is not chainrule's but most likely"
        " HIPS autograd (pip install autograd): use a separate virtual environment for each"
    )

from nn import data
from nn.activations import ACTIVATIONS
from nn.layer import Layer
from nn.linear import Linear, lstsq_pinv, ridge
from nn.losses import (
    LOSSES,
    Loss,
    binary_cross_entropy,
    cross_entropy,
    hinge,
    l2_penalty,
    mse,
)
from nn.mlp import MLP
from nn.module import Module, label_parameters, parameter_label
from nn.neuron import Neuron
from nn.optim import SGD, Adam, Optimizer
from nn.perceptron import Perceptron, fit_perceptron, signed_labels
from nn.serialize import SerializationError, load, save
from nn.steps import CompileNote
from nn.torch_bridge import from_torch, to_torch
from nn.train import EarlyStopping, History, fit

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "MLP",
    "SGD",
    "Adam",
    "CompileNote",
    "EarlyStopping",
    "History",
    "Layer",
    "Linear",
    "Loss",
    "Module",
    "Neuron",
    "Optimizer",
    "Perceptron",
    "SerializationError",
    "binary_cross_entropy",
    "cross_entropy",
    "data",
    "fit",
    "fit_perceptron",
    "from_torch",
    "hinge",
    "l2_penalty",
    "label_parameters",
    "load",
    "lstsq_pinv",
    "mse",
    "parameter_label",
    "ridge",
    "save",
    "signed_labels",
    "to_torch",
]
