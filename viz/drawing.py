"""``Drawing``: a ``graphviz.Digraph`` that renders with either backend, inline in Jupyter.

Every ``graphviz.Digraph`` method works on it (``render``, ``view``, ``pipe``, ``save``
…): with the system Graphviz as in the graphviz library, and without one through the
bundled ``graphviz-pure``, which takes the same command line. Only ``unflatten`` needs
the system Graphviz's ``unflatten`` tool.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import graphviz
from graphviz.backend import piping, rendering

from viz.render import SCALE, Backend, pipe, run_bundled, write

PICTURES = ("svg", "png", "pdf")
"""What :meth:`Drawing.save` renders; any other suffix gets the DOT source."""


class Drawing(graphviz.Digraph):
    """What :func:`viz.draw` returns: restyle it like any ``graphviz.Digraph``.

    ``save("graph.png")`` writes a picture (the format from the suffix); Jupyter shows it
    as SVG through :func:`viz.render.pipe`, so it displays with the system Graphviz or
    the bundled ``graphviz-pure`` alike; ``render``, ``view`` and ``pipe`` work without
    the system Graphviz too.
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
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        *,
        skip_existing: bool | None = False,
        format: str | None = None,
        backend: Backend | None = None,
        scale: float = SCALE,
    ) -> Path:
        """Write the picture to ``filename`` when its suffix (or ``format``) is ``svg``,
        ``png`` or ``pdf``, as :func:`viz.render`; else the DOT source, as
        ``graphviz.Digraph.save`` (which ``render`` and ``view`` call). Returns the path.
        """
        picture = format or (Path(filename).suffix.lstrip(".").lower() if filename else "")
        if picture not in PICTURES:
            if format is not None:
                raise ValueError(f"format must be one of {', '.join(PICTURES)}, got {format!r}")
            return Path(super().save(filename, directory=directory, skip_existing=skip_existing))
        path = Path(directory or "", filename or f"{self.name or 'graph'}.{picture}")
        return write(str(self.source), path, picture, backend or self.backend, scale)

    # graphviz.Digraph's render, view and pipe run ``dot`` through these three; without a
    # system Graphviz they run the bundled renderer instead.
    @property
    def _render(self) -> Callable[..., str]:
        return rendering.render if _system_dot() else _render_bundled

    @property
    def _pipe_lines(self) -> Callable[..., bytes]:
        return piping.pipe_lines if _system_dot() else _pipe_bundled

    @property
    def _pipe_lines_string(self) -> Callable[..., str]:
        if _system_dot():
            return piping.pipe_lines_string

        def decoded(*args: Any, encoding: str, **kwargs: Any) -> str:
            return _pipe_bundled(*args, input_encoding=encoding, **kwargs).decode(encoding)

        return decoded

    def __repr__(self) -> str:
        return (
            f"<viz.Drawing of {len(self.body)} DOT statements: .save('graph.svg') or"
            " .save('graph.png') writes it, .view() opens it, Jupyter shows it inline>"
        )

    def _repr_svg_(self) -> str:
        return self.to_svg()

    def _repr_image_svg_xml(self) -> str:
        return self.to_svg()

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, **_: Any
    ) -> dict[str, Any]:
        return {"image/svg+xml": self.to_svg()}


def _system_dot() -> bool:
    return shutil.which("dot") is not None


def _arguments(
    engine: str,
    format: str,
    renderer: str | None = None,
    formatter: str | None = None,
    neato_no_op: bool | int | None = None,
) -> list[str]:
    """Graphviz's command line for these settings (as the graphviz library builds it)."""
    flag = ":".join(f for f in (format, renderer, formatter) if f is not None)
    return [f"-K{engine}", f"-T{flag}", *([f"-n{neato_no_op:d}"] if neato_no_op else [])]


def _bundled(source: str, engine: str, format: str, **settings: Any) -> bytes:
    """``source`` through graphviz-pure; a PDF (which it does not write) by viz.render."""
    if format == "pdf" and engine == "dot" and not any(settings.values()):
        return pipe(source, "pdf", "pure")
    return run_bundled(source, *_arguments(engine, format, **settings))


def _pipe_bundled(
    engine: str,
    format: str,
    input_lines: Iterator[str],
    *,
    input_encoding: str,
    quiet: bool = False,
    **settings: Any,
) -> bytes:
    return _bundled("".join(input_lines), engine, format, **settings)


def _render_bundled(
    engine: str,
    format: str | None = None,
    filepath: str | os.PathLike[str] | None = None,
    renderer: str | None = None,
    formatter: str | None = None,
    neato_no_op: bool | int | None = None,
    quiet: bool = False,
    *,
    outfile: str | os.PathLike[str] | None = None,
    raise_if_result_exists: bool = False,
    overwrite_filepath: bool = False,
) -> str:
    """``graphviz.render`` with the bundled renderer: ``filepath`` into ``outfile``."""
    assert filepath is not None and format is not None  # Digraph.render passes both
    out = (
        Path(outfile)
        if outfile is not None
        else rendering.get_outfile(filepath, format=format, renderer=renderer, formatter=formatter)
    )
    if raise_if_result_exists and out.exists():
        raise graphviz.FileExistsError(f"output file exists: {os.fspath(out)!r}")
    source = Path(filepath).read_text(encoding="utf-8")
    settings = {"renderer": renderer, "formatter": formatter, "neato_no_op": neato_no_op}
    out.write_bytes(_bundled(source, engine, format, **settings))
    return os.fspath(out)
