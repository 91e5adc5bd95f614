"""Vectors and matrices as every layer view prints them: numpy-like, long ones elided.

``[0.6241, 0.5526]``; past :data:`LIMIT` entries ``[0.6241, 0.5526, …, -0.1022] (8 entries)``;
a matrix row by row, ``[[0.1, -0.2], [0.3, 0.4]]``, and past :data:`LIMIT` columns or
rows its shape and norm. Each entry is :func:`autograd.format_number`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd.data import data_of
from autograd.naming import DEFAULT_PRECISION, format_number

LIMIT = 4
"""Vectors up to this length are printed in full; matrices up to this many rows and columns."""
EDGE = 2
"""A longer vector shows this many entries from its start, then ``…`` and its last entry."""


def elide(entries: Sequence[str]) -> str:
    """``[a, b, c]``; past :data:`LIMIT` entries ``[a, b, …, z] (n entries)``."""
    if len(entries) <= LIMIT:
        return "[" + ", ".join(entries) + "]"
    return "[" + ", ".join(entries[:EDGE]) + f", …, {entries[-1]}] ({len(entries)} entries)"


def format_vector(xs: Sequence[Any], precision: int = DEFAULT_PRECISION) -> str:
    """A vector of numbers (or Values: their data) the way :func:`elide` prints it; a vector
    of batches prints each entry's mean over the batch, and says so."""
    data = [data_of(x) for x in xs]
    sizes = {x.size for x in data if isinstance(x, np.ndarray) and x.size > 1}
    if not sizes:
        return elide([format_number(x, precision) for x in data])
    means = elide([format_number(float(np.mean(x)), precision) for x in data])
    return f"{means} (means over a batch of {max(sizes)})"


def format_matrix(rows: Sequence[Sequence[Any]], precision: int = DEFAULT_PRECISION) -> str:
    """``[[a, b], [c, d]]``, or past :data:`LIMIT` rows or columns ``8×8, ‖·‖ = 2.31``."""
    if fits(rows):
        return "[" + ", ".join(format_vector(row, precision) for row in rows) + "]"
    return f"{shape(rows)}, ‖·‖ = {format_number(norm(rows), precision)}"


def fits(rows: Sequence[Sequence[Any]]) -> bool:
    """Whether a matrix is small enough to print in full."""
    return len(rows) <= LIMIT and all(len(row) <= LIMIT for row in rows)


def shape(rows: Sequence[Sequence[Any]]) -> str:
    """``8×2``: rows × columns."""
    return f"{len(rows)}×{len(rows[0]) if rows else 0}"


def norm(xs: Sequence[Any]) -> float:
    """The Euclidean (Frobenius) norm of numbers, Values or rows of them; a batch's
    entries count one by one."""
    total = 0.0
    for x in xs:
        if isinstance(x, Sequence) and not isinstance(x, str):
            total += norm(x) ** 2
        else:
            total += float(np.sum(np.square(data_of(x))))
    return float(np.sqrt(total))
