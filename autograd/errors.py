"""Exceptions raised by the engine, each with a message a learner can act on."""

from __future__ import annotations


class AutogradError(Exception):
    """Base class of every error chainrule's engine raises on purpose."""


class DomainError(AutogradError, ValueError):
    """An op was applied outside the inputs it is defined for (``log(-1)``, ``1/0``, ...)."""


class AnomalyError(AutogradError, FloatingPointError):
    """``detect_anomaly()`` saw a NaN or an infinity appear in the forward or backward pass."""


class GradcheckError(AutogradError, AssertionError):
    """An analytic gradient disagrees with its finite-difference estimate."""
