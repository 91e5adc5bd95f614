"""The engine's messages: what a node is, why an op failed, where a NaN appeared."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd.data import data_of
from autograd.errors import AnomalyError, DomainError
from autograd.modes import NodeInfo
from autograd.ops import WITH_CONSTANT, Op

if TYPE_CHECKING:
    from autograd.value import Value

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def describe(v: Value) -> str:
    """``x=-1.0``, or an array's shape and range: a node as an error message shows it."""
    name = f"{v.label}=" if v.label else ""
    data = v.data
    if isinstance(data, np.ndarray):
        return f"{name}array(shape={data.shape}, min={data.min():g}, max={data.max():g})"
    return f"{name}{data!r}"


def operands_text(op: Op, inputs: tuple[Value, ...], constant: Any = None) -> str:
    """The operands of an op application as text, a kept constant in its place."""
    described = [describe(v) for v in inputs]
    if op.kind is WITH_CONSTANT:
        described.insert(op.position, repr(constant))
    return ", ".join(described)


def domain_error(
    op: Op, inputs: tuple[Value, ...], exc: BaseException, constant: Any = None
) -> DomainError:
    """The :class:`DomainError` for ``op`` applied to ``inputs`` failing with ``exc``."""
    operands = operands_text(op, inputs, constant)
    why = str(exc) or type(exc).__name__
    if isinstance(exc, ZeroDivisionError):
        why = "division by zero"
    elif isinstance(exc, OverflowError):
        why = "the result is too large for a float"
    if why == "math domain error":
        why = "outside the domain"
    site = next((f" (created at {v.creation_site})" for v in inputs if v.creation_site), "")
    return DomainError(
        f"{op.name} of ({operands}): {why}; {op.name} is defined for {op.domain}{site}"
    )


def with_site(meta: NodeInfo | None) -> NodeInfo:
    """A copy of ``meta`` that also records where the node is being created."""
    meta = meta or NodeInfo()
    return NodeInfo(meta.label, meta.group, creation_site())


def creation_site() -> str:
    """``file:line`` of the innermost frame outside this package (the user's code)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return "<unknown>"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def check_finite(v: Value, phase: str, value: Any = None) -> None:
    """In anomaly mode: raise AnomalyError if ``value`` (default ``v.data``) has NaN or inf."""
    x = data_of(v.data if value is None else value)
    if np.all(np.isfinite(x)):
        return
    what = "NaN" if np.any(np.isnan(x)) else "inf"
    node = f"node {v.label!r}" if v.label else "an unlabelled node"
    op = v.op_entry
    if phase == "forward":
        if op is None:
            msg = f"{what} in the data of leaf {node}"
        else:
            operands = operands_text(op, v.parents, v.constant)
            msg = f"forward pass: {op.name}({operands}) produced {what} at {node}"
    else:
        msg = f"backward pass: the gradient of {node} (op {v.op or 'leaf'!r}) became {what}"
    site = v.creation_site
    raise AnomalyError(msg + (f", created at {site}" if site else ""))


def short(x: Any) -> str:
    """Short text for data or grad: a float's repr, an array's summary, a Value grad's data."""
    if hasattr(x, "_op"):
        return f"Value({short(x.data)})"
    if isinstance(x, np.ndarray):
        return np.array2string(x, precision=4, threshold=6, separator=", ")
    return repr(x)
