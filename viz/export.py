"""``viz.render`` and ``viz.to_svg``: a Value, a drawing or DOT text written out as a file.

A Value is drawn first with :func:`viz.draw`; everything then goes to the leaf
module :mod:`viz.render`, which knows only DOT text.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Union

import graphviz

from autograd import Value
from viz.draw import draw
from viz.render import SCALE, Backend, pipe, write

Graph = Union[graphviz.Graph, graphviz.Digraph, graphviz.Source, Value, str]  # noqa: UP007
"""What :func:`render` and :func:`to_svg` accept."""


def to_svg(graph: Graph, backend: Backend = "auto", **draw_kwargs: Any) -> str:
    """The drawing as SVG text (a ``Value`` is drawn first with :func:`viz.draw`)."""
    return pipe(_source("to_svg", graph, draw_kwargs), "svg", backend).decode("utf-8")


def render(
    graph: Graph,
    path: str | os.PathLike[str],
    format: str | None = None,
    backend: Backend = "auto",
    *,
    scale: float = SCALE,
    **draw_kwargs: Any,
) -> Path:
    """Write a drawing (a Digraph, a Value to draw, or DOT text) to ``path``; return the path.

    ``format`` defaults to the file's suffix (``.svg``, ``.png``, ``.pdf``, ``.dot``),
    else ``svg`` (added as the suffix). ``scale`` sets a PNG's pixels per point (2 =
    144 dpi, the default). Extra keywords go to :func:`viz.draw`.
    """
    return write(_source("render", graph, draw_kwargs), path, format, backend, scale)


def _source(caller: str, graph: Graph, draw_kwargs: dict[str, Any]) -> str:
    if not isinstance(graph, (Value, str, graphviz.Graph, graphviz.Digraph, graphviz.Source)):
        raise TypeError(
            f"{caller}: graph must be a Value, a drawing (as viz.draw returns; any graphviz"
            " Digraph, Graph or Source) or DOT text (str), got"
            f" {type(graph).__name__} {graph!r:.60}"
        )
    if isinstance(graph, Value):
        return str(draw(graph, **draw_kwargs).source)
    if draw_kwargs:
        raise TypeError(f"drawing options {sorted(draw_kwargs)} need a Value, not a drawing")
    return graph if isinstance(graph, str) else str(graph.source)
