"""The exceptions viz raises, each with a message that says what to do next."""

from __future__ import annotations


class GraphTooLargeError(ValueError):
    """The graph has more nodes than can be drawn legibly (and laid out in reasonable time)."""


class RenderError(RuntimeError):
    """No Graphviz renderer could be run, or the renderer rejected the graph."""
