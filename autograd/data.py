"""What a Value may hold, checked once at the door: a real number, or a 1-D batch of them."""

from __future__ import annotations

import numbers
from typing import Any, Union

import numpy as np

Data = Union[float, np.ndarray]  # noqa: UP007 - a runtime alias, valid on 3.10

MATH_ERRORS = (ValueError, ZeroDivisionError, OverflowError, FloatingPointError)
"""What math and numpy raise outside an op's domain; turned into :class:`DomainError`."""


def data_of(x: Any) -> Any:
    """The number or array behind ``x``: a Value's ``data``, anything else unchanged."""
    if x.__class__ is float:  # the common case, first
        return x
    return x.data if hasattr(x, "_op") else x  # every Value has an _op slot; numbers don't


def as_data(data: Any, what: str = "Value data") -> Data:
    """Validate and convert user data: a real number to float, a real array to float64.

    A batch (batched mode) is a non-empty 1-D array of samples. Raises TypeError
    for anything else (strings, None, complex numbers, lists), ValueError for an
    empty or multi-dimensional array or a number too large for a float.
    """
    if data.__class__ is float:
        return data
    if isinstance(data, (numbers.Real, np.bool_)):
        try:
            return float(data)  # also turns numpy scalars into plain floats
        except OverflowError:
            bits = abs(int(data)).bit_length() if isinstance(data, numbers.Integral) else 0
            digits = int(bits * 0.30103) + 1 if bits else None  # no str(): huge ints refuse it
            size = f"an integer of {digits} digits" if digits else repr(data)
            raise ValueError(
                f"{what} must fit in a float (at most about 1.8e308), got {size}"
            ) from None
    if isinstance(data, np.ndarray):
        if data.dtype.kind not in "biuf":
            raise TypeError(
                f"{what} must hold real numbers, got a numpy array of dtype {data.dtype}"
                + (" (complex numbers are not supported)" if data.dtype.kind == "c" else "")
            )
        if data.ndim == 0:
            return float(data)
        if data.ndim != 1 or data.size == 0:
            raise ValueError(
                f"{what}: a batch is a non-empty 1-D array of samples, got shape {data.shape}"
            )
        return data.astype(np.float64)
    if isinstance(data, complex):
        raise TypeError(f"{what} must be a real number, got the complex number {data!r}")
    hint = ""
    if isinstance(data, str):
        hint = f"; if you meant the number, write float({data!r})"
    elif isinstance(data, (list, tuple)):
        hint = (
            "; a Value holds one number (or a numpy array of samples for batched mode):"
            " for a vector, make one Value per element"
        )
    raise TypeError(f"{what} must be a real number, got {type(data).__name__} {data!r}{hint}")
