"""Text for drawings: numbers, and labels made safe for Graphviz.

Every label goes through :func:`plain` (ordinary nodes and edges) or
:func:`record_field` (one field of a record-shaped node). Both rely on the
graphviz library's :func:`graphviz.escape` for backslashes and on its quoting
for double quotes; record fields additionally escape ``{ } | < >`` and spaces,
which the record shape would otherwise interpret.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import graphviz
import numpy as np

NumberFormat = str | Callable[[float], str]
"""A format spec for :func:`format` (such as ``".4g"``) or a function from float to text."""

_RECORD_SPECIALS = re.compile(r"([{}|<> ])")


def plain(text: str) -> str:
    """``text`` as a literal Graphviz label: no HTML, no escape sequences; newlines kept."""
    return graphviz.nohtml(graphviz.escape(text).replace("\n", "\\n"))


def record_field(text: str) -> str:
    """``text`` as one literal field of a ``shape=record`` label (combine with ``|``)."""
    escaped = _RECORD_SPECIALS.sub(r"\\\1", graphviz.escape(text))
    return escaped.replace("\n", "\\n")


def record(fields: list[str], horizontal: bool) -> str:
    """A record label from raw field texts, laid out in a row when ``horizontal``."""
    body = "|".join(record_field(f) for f in fields)
    return graphviz.nohtml("{" + body + "}" if horizontal else body)


def format_number(x: float, number_format: NumberFormat = ".4g") -> str:
    """One number as text: a format spec or a callable; ``-0`` prints as ``0``."""
    x = float(x)
    if x == 0.0:
        x = 0.0
    return number_format(x) if callable(number_format) else format(x, number_format)


def format_data(x: Any, number_format: NumberFormat = ".4g") -> str:
    """A node's data or grad as short text: a number, a small array, or an array summary."""
    if hasattr(x, "parents"):  # a gradient that is itself a Value (create_graph=True)
        x = x.data
    if isinstance(x, np.ndarray):
        flat = x.ravel()
        if flat.size <= 3:
            return "[" + ", ".join(format_number(v, number_format) for v in flat) + "]"
        return f"[{flat.size} values, mean {format_number(float(flat.mean()), number_format)}]"
    return format_number(x, number_format)


def format_many(xs: list[Any], number_format: NumberFormat = ".4g", limit: int = 3) -> str:
    """Several values compactly: listed when at most ``limit``, else their count and norm."""
    if len(xs) <= limit:
        return ", ".join(format_data(x, number_format) for x in xs)
    raw = [x.data if hasattr(x, "parents") else x for x in xs]
    norm = float(np.sqrt(sum(float(np.sum(np.square(r))) for r in raw)))
    return f"{len(xs)} values, ‖·‖ = {format_number(norm, number_format)}"
