"""chainrule's engine: scalar reverse-mode autodiff you can read, step through and check.

The public API, re-exported here:

* :class:`Value` — a node of the graph (ops, ``backward``, ``detach``);
* :func:`sum`, :func:`mean`, :func:`dot` — n-ary nodes;
* :class:`Backprop`, :class:`Forward` — stepping in a REPL (``print(bp.step())``), and
  :func:`wengert_table` — the graph as a table; ``Backprop(loss, by="layer")`` (a
  :class:`LayerBackprop`) steps one layer at a time, the vector chain rule with numbers,
  over :func:`layer_graph` (the stages and vectors of the seed's Figure 9.3);
* :func:`nudge` — what a gradient means: nudge a leaf by h, ΔL against grad·h;
* :func:`gradcheck`, :func:`gradgradcheck` — finite-difference checks
  (hypothesis strategies in :mod:`autograd.testing`);
* :func:`gradients` — ∂outputs/∂inputs without writing ``.grad`` (``torch.autograd.grad``);
* :func:`grad`, :func:`value_and_grad`, :func:`hessian`, :func:`jvp` — function transforms
  built on it, composable to any order;
* :func:`no_grad`, :func:`enable_grad`, :func:`detect_anomaly`, :func:`node_group` — modes,
  per thread and per async task, usable as decorators;
* :func:`names`, :func:`format_number` — one name per node and one number format,
  shared by every view (stepper, table, drawings, compiled code);
* :func:`nudge` — what a gradient means: the loss's change when a leaf moves by h,
  next to ``grad·h`` (:class:`NudgeTable`);
* :func:`data_of` — the number or array behind a Value (anything else unchanged);
* :func:`to_torch` — the graph rebuilt as PyTorch operations, to compare gradients
  (PyTorch is optional and imported only when it is called);
* :func:`compile` — trace a training step once, then run generated forward-and-backward
  code (:mod:`autograd.compiler`);
* :mod:`autograd.ops` — the op table, one entry per primitive;
* :mod:`autograd.explain` — what the views ask the engine: local partials and their
  formulas, operands, names and the number format, gradient shares, tangents.
"""

from autograd import explain, ops
from autograd.backward import gradients
from autograd.compiler import compile
from autograd.data import data_of
from autograd.distribution import DistributionConflictError, check_no_conflict
from autograd.errors import AnomalyError, AutogradError, DomainError, GradcheckError
from autograd.functional import grad, hessian, jvp, value_and_grad
from autograd.gradcheck import gradcheck, gradgradcheck
from autograd.graph import topological_order
from autograd.layer_stepping import LayerBackprop, LayerStep
from autograd.layered import LayerGraph, layer_graph
from autograd.modes import (
    detect_anomaly,
    enable_grad,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    node_group,
)
from autograd.naming import format_number, names
from autograd.nary import dot, mean, sum
from autograd.nudging import NudgeTable, nudge
from autograd.stepping import Backprop, Forward, ForwardStep, Step
from autograd.torch_bridge import to_torch
from autograd.value import Value
from autograd.wengert import wengert_table

check_no_conflict()  # HIPS autograd installed too: refuse rather than run one or the other

__all__ = [
    "AnomalyError",
    "AutogradError",
    "Backprop",
    "DistributionConflictError",
    "DomainError",
    "Forward",
    "ForwardStep",
    "GradcheckError",
    "LayerBackprop",
    "LayerGraph",
    "LayerStep",
    "NudgeTable",
    "Step",
    "Value",
    "compile",
    "data_of",
    "detect_anomaly",
    "dot",
    "enable_grad",
    "explain",
    "format_number",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "gradients",
    "hessian",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "jvp",
    "layer_graph",
    "mean",
    "names",
    "no_grad",
    "node_group",
    "nudge",
    "ops",
    "sum",
    "to_torch",
    "topological_order",
    "value_and_grad",
    "wengert_table",
]
