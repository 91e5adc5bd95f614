"""One name per node, shared by every view: the stepper, the Wengert table, every drawing,
the interactive page and compiled code all ask :func:`names`, so ``v3`` is ``v3`` everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd.data import data_of
from autograd.graph import topological_order

if TYPE_CHECKING:
    from autograd.value import Value

DEFAULT_PRECISION = 4
"""Significant digits every view prints numbers with, unless given ``precision=``."""


def format_number(x: Any, precision: int = DEFAULT_PRECISION) -> str:
    """A number as every view prints it: ``3``, ``-0.25``, ``0.7311``, ``1.235e-07``.

    ``precision`` significant digits (``format(x, ".4g")``); a batch is summarised
    by its size and mean; a Value is printed by its data.
    """
    check_precision(precision)
    x = data_of(x)
    if isinstance(x, np.ndarray):
        if x.size == 1:
            return format_number(float(x.reshape(-1)[0]), precision)
        return f"[{x.size} values, mean {float(np.mean(x)):.{precision}g}]"
    if isinstance(x, (str, bytes)):
        raise TypeError(f"format_number needs a number, an array or a Value, got the text {x!r}")
    try:
        number = float(x)
    except (TypeError, ValueError):
        raise TypeError(
            f"format_number needs a number, an array or a Value, got {type(x).__name__} {x!r}"
        ) from None
    return f"{number:.{precision}g}"


MAX_PRECISION = 17
"""A float64 has 17 significant digits at most."""


def operand(text: str) -> str:
    """A name or number as it sits inside an expression: ``(-0.8634)`` keeps ``(-0.8634) ** 2``
    from reading as ``-(0.8634 ** 2)``."""
    return f"({text})" if text.startswith("-") else text


def check_precision(precision: Any) -> int:
    """``precision`` checked: a whole number of significant digits from 1 to 17.

    The one check of every view's ``precision=`` (TypeError for a non-integer).
    """
    message = (
        f"precision must be a whole number of significant digits from 1 to {MAX_PRECISION},"
        f" got {precision!r}"
    )
    if isinstance(precision, bool) or not isinstance(precision, (int, np.integer)):
        raise TypeError(message)
    if not 1 <= precision <= MAX_PRECISION:
        raise ValueError(message)
    return int(precision)


_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Control characters but tab and newline, lone surrogates, and U+FFFE/U+FFFF: the ones
XML (so SVG and Graphviz's HTML-like labels) refuses, or a reader cannot see."""


def _escape(match: re.Match[str]) -> str:
    return match[0].encode("unicode_escape").decode("ascii")


def visible(text: str) -> str:
    """``text`` with each control character shown as its escape (``a\\x0bb``, ``\\r``).

    So are Unicode's format characters (category Cf: zero-width spaces and joiners,
    bidirectional overrides such as U+202E), which a reader cannot see, Graphviz drops, and
    which can make one label read as another (``\\u202e``). Newlines and tabs stay;
    every view shows names through this, so a ``\\x0c`` in a label is seen and cannot
    break a drawing, a page or a terminal.
    """
    text = _INVISIBLE.sub(_escape, text)
    if text.isascii():
        return text
    return "".join(_shown(ch) for ch in text)


def _shown(ch: str) -> str:
    """``ch``, or its escape when it is a format character (Unicode category Cf)."""
    if unicodedata.category(ch) != "Cf":
        return ch
    return f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}"


def names(
    *roots: Value, precision: int = DEFAULT_PRECISION, order: list[Value] | None = None
) -> dict[Value, str]:
    """A name for every node the roots depend on: the one source of names for every view.

    * a labelled node keeps its label (``nn`` labels parameters with their qualified
      name, such as ``L0.n3.w1``), control characters shown by :func:`visible`;
      a label used by several nodes gets ``_2``, ``_3``…
      on its later uses (skipping any name a label already took), so a name always
      means one node;
    * an unlabelled leaf is a constant, named by its value (``2``, ``-0.5``);
    * unlabelled interior nodes are ``v1, v2, …`` in forward (topological) order,
      without gaps, skipping any name a label already took.

    ``order``: the roots' topological order, when the caller has it already.
    """
    if order is None:
        order = topological_order(*roots)
    taken = {visible(node.label) for node in order if node.label}
    result: dict[Value, str] = {}
    uses: dict[str, int] = {}
    counter = 0
    for node in order:
        label = visible(node.label) if node.label else ""
        if label:
            if label in uses:
                k = uses[label] + 1
                while f"{label}_{k}" in taken:  # a node labelled "x_2" keeps its own name
                    k += 1
                uses[label] = k
                name = f"{label}_{k}"
                taken.add(name)
            else:
                uses[label] = 1
                name = label
        elif node.is_leaf:
            name = format_number(node.data, precision)
        else:
            counter += 1
            while f"v{counter}" in taken:
                counter += 1
            name = f"v{counter}"
        result[node] = name
    return result
