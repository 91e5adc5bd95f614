"""``Drawing``: a ``graphviz.Digraph`` that renders with either backend, inline in Jupyter."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import graphviz

from viz.render import SCALE, Backend, pipe, write


class Drawing(graphviz.Digraph):
    """What :func:`viz.draw` returns: restyle it like any ``graphviz.Digraph``.

    Jupyter shows it as SVG through :func:`viz.render.pipe`, so it displays with
    the system Graphviz or with the bundled ``graphviz-pure`` alike.
    """

    backend: Backend = "auto"

    def to_svg(self, backend: Backend | None = None) -> str:
        """The drawing as SVG text."""
        return pipe(str(self.source), "svg", backend or self.backend).decode("utf-8")

    def to_png(self, backend: Backend | None = None, scale: float = SCALE) -> bytes:
        """The drawing as PNG bytes, ``scale`` pixels per point (2 = 144 dpi)."""
        return pipe(str(self.source), "png", backend or self.backend, scale)

    def save(
        self,
        path: str | os.PathLike[str],
        format: str | None = None,
        backend: Backend | None = None,
        scale: float = SCALE,
    ) -> Path:
        """Write the drawing to ``path`` (format from the suffix, as :func:`viz.render`)."""
        return write(str(self.source), path, format, backend or self.backend, scale)

    def _repr_svg_(self) -> str:
        return self.to_svg()

    def _repr_image_svg_xml(self) -> str:
        return self.to_svg()

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, **_: Any
    ) -> dict[str, Any]:
        return {"image/svg+xml": self.to_svg()}
