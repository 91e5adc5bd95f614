"""Text for drawings: numbers, and labels made safe for Graphviz.

Plain labels go through :func:`plain` (the graphviz library's
:func:`graphviz.escape` and :func:`graphviz.nohtml`); HTML-like labels are built
from :func:`text` runs, which :func:`html.escape` every character of user data.
Both show control characters as escapes (``\\x0b``: XML refuses most of them), and keep
an ``&`` that starts something like an entity (``&amp;``, ``&#1;``) from being read as
one, by Graphviz or in its SVG, with an invisible word joiner.
Numbers are printed by :func:`autograd.format_number`, the format every view shares.
"""

from __future__ import annotations

import html
import re
from typing import Any

import graphviz
import numpy as np

from autograd import data_of, format_number
from autograd.explain import visible

_ENTITY = re.compile(r"&(?=[#\w]*;)")
_HTML_EXTRA = str.maketrans({"\\": "\\\\", "[": "&#91;", "]": "&#93;"})
"""Graphviz reads escapes (``\\N``, ``\\\\``) in HTML-like text too, so a backslash is doubled;
brackets are references, as Graphviz 2.43 refuses a text run that is only ``]``."""
JOINER = "\u2060"
"""U+2060 WORD JOINER: zero width, it keeps ``&#1;`` in a label from being an entity."""


def literal(text: str) -> str:
    """``text`` with control characters shown as escapes (:func:`autograd.naming.visible`:
    XML, so Graphviz, refuses most of them) and every entity-like ``&…;`` broken by a
    word joiner after the ``&``."""
    return _ENTITY.sub("&" + JOINER, visible(text))


def plain(text: str) -> str:
    """``text`` as a literal Graphviz label: no HTML, no escape sequences; newlines kept."""
    return graphviz.nohtml(graphviz.escape(literal(text)).replace("\n", "\\n"))


def text(content: str, color: str = "", size: float | None = None, bold: bool = False) -> str:
    """``content`` as an HTML-like label run: escaped, in ``color`` and ``size`` points.

    Newlines become line breaks (aligned by the cell's ``balign``); leading spaces and
    tabs are kept as no-break spaces (Graphviz drops them, and refuses a font run
    holding only white space).
    """
    lines = []
    for line in content.replace("\t", " ").split("\n"):
        stripped = line.lstrip()
        escaped = html.escape(literal(stripped)).translate(_HTML_EXTRA)
        lines.append("&#160;" * (len(line) - len(stripped)) + escaped)
    body = "<br/>".join(lines)
    if bold:
        body = f"<b>{body}</b>"
    attrs = (f' color="{color}"' if color else "") + (f' point-size="{size:g}"' if size else "")
    return f"<font{attrs}>{body}</font>" if attrs else body


def html_label(body: str) -> str:
    """An HTML-like label for the graphviz library (which leaves ``<…>`` unquoted)."""
    return f"<{body}>"


def number(x: Any, precision: int) -> str:
    """A node's data or gradient as text, by :func:`autograd.format_number`."""
    return format_number(data_of(x), precision)


def numbers(xs: list[Any], precision: int, limit: int = 3) -> str:
    """Several values compactly: listed when at most ``limit``, else their count and norm."""
    if len(xs) <= limit:
        return ", ".join(number(x, precision) for x in xs)
    norm = float(np.sqrt(sum(float(np.sum(np.square(data_of(x)))) for x in xs)))
    return f"{len(xs)} values, ‖·‖ = {format_number(norm, precision)}"
