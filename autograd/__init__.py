"""chainrule's engine: scalar reverse-mode autodiff you can read, step through and check."""

from autograd.errors import AnomalyError, AutogradError, DomainError, GradcheckError
from autograd.graph import topological_order
from autograd.nary import dot, mean, sum
from autograd.modes import detect_anomaly, enable_grad, is_grad_enabled, no_grad, node_group
from autograd.value import Value

__all__ = [
    "AnomalyError",
    "AutogradError",
    "DomainError",
    "GradcheckError",
    "Value",
    "detect_anomaly",
    "dot",
    "mean",
    "sum",
    "enable_grad",
    "is_grad_enabled",
    "no_grad",
    "node_group",
    "topological_order",
]
