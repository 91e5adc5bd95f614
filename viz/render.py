"""Turning DOT into SVG, PNG or PDF with whichever Graphviz is at hand.

Two backends: the system's Graphviz ``dot`` (when on PATH) and the
``graphviz-pure`` command that the ``graphviz-pure`` wheel (a chainrule
dependency) installs next to the Python interpreter. ``backend="auto"`` prefers
the system one and falls back to the bundled one.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Literal

import graphviz

from autograd import Value
from viz.errors import RenderError

Backend = Literal["auto", "system", "pure"]
FORMATS = ("svg", "png", "pdf", "dot")
TIMEOUT = 120.0
"""Seconds a renderer may run before it is stopped."""

_EXE = ".exe" if os.name == "nt" else ""


def find_renderer(backend: Backend = "auto") -> tuple[str, str]:
    """The ``(backend name, executable path)`` to use, or :class:`RenderError` naming both."""
    if backend not in ("auto", "system", "pure"):
        raise ValueError(f"backend must be 'auto', 'system' or 'pure', got {backend!r}")
    if backend in ("auto", "system"):
        found = shutil.which("dot")
        if found:
            return "system", found
        if backend == "system":
            raise RenderError(
                "the system Graphviz 'dot' command is not on PATH: install Graphviz"
                " (apt-get install graphviz, brew install graphviz, ...) or use backend='pure'"
                " (the graphviz-pure command that chainrule installs)"
            )
    found = _pure_executable()
    if found:
        return "pure", found
    raise RenderError(
        "no Graphviz renderer found: neither the system 'dot' command (install Graphviz)"
        " nor 'graphviz-pure' (pip install graphviz-pure; it installs next to"
        f" {sys.executable}) is available"
    )


def available_backends() -> list[str]:
    """The backends that can run here: some of ``"system"`` and ``"pure"``."""
    found = []
    if shutil.which("dot"):
        found.append("system")
    if _pure_executable():
        found.append("pure")
    return found


def _pure_executable() -> str | None:
    beside = Path(sys.executable).parent / f"graphviz-pure{_EXE}"
    if beside.is_file():
        return str(beside)
    return shutil.which("graphviz-pure")


def pipe(source: str, format: str = "svg", backend: Backend = "auto") -> bytes:
    """Lay out DOT ``source`` and return the ``format`` output (``dot``: the source itself).

    The bundled renderer writes no PDF; with it a PDF holds the drawing as an image.
    """
    fmt = _check_format(format)
    if fmt == "dot":
        return source.encode("utf-8")
    name, exe = find_renderer(backend)
    if fmt == "pdf" and name == "pure":
        return _png_to_pdf(_run(name, exe, source, "png", "-Gdpi=144"))
    return _run(name, exe, source, fmt)


def _png_to_pdf(png: bytes) -> bytes:
    """graphviz-pure writes no PDF: wrap its PNG (at 2x resolution) in a PDF with Pillow."""
    from PIL import Image

    out = io.BytesIO()
    with Image.open(io.BytesIO(png)) as image:
        image.convert("RGB").save(out, format="PDF", resolution=144.0)
    return out.getvalue()


def _run(name: str, exe: str, source: str, fmt: str, *options: str) -> bytes:
    try:
        result = subprocess.run(
            [exe, f"-T{fmt}", *options],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"the {name} renderer ({exe}) took longer than {TIMEOUT:g} s; the graph is too"
            " large to lay out: try style='layers'"
        ) from None
    except OSError as exc:
        raise RenderError(f"could not run the {name} renderer {exe}: {exc}") from None
    if result.returncode != 0 or not result.stdout:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise RenderError(f"the {name} renderer ({exe}) failed: {message or 'no output'}")
    return result.stdout


def to_svg(graph: graphviz.Digraph | Value, backend: Backend = "auto", **draw_kwargs: Any) -> str:
    """The drawing as SVG text (a ``Value`` is drawn first with :func:`viz.draw`)."""
    return pipe(_source(graph, draw_kwargs), "svg", backend).decode("utf-8")


def render(
    graph: graphviz.Digraph | Value | str,
    path: str | os.PathLike[str],
    format: str | None = None,
    backend: Backend = "auto",
    **draw_kwargs: Any,
) -> Path:
    """Write a drawing (a Digraph, a Value to draw, or DOT text) to ``path``; return the path.

    ``format`` defaults to the file's suffix (``.svg``, ``.png``, ``.pdf``, ``.dot``),
    else ``svg`` (added as the suffix). Extra keywords go to :func:`viz.draw`.
    """
    if not isinstance(graph, (Value, str, graphviz.Graph, graphviz.Digraph, graphviz.Source)):
        raise TypeError(
            "render: graph must be a Value, a drawing (as viz.draw returns; any graphviz Digraph,"
            f" Graph or Source) or DOT text (str), got {type(graph).__name__} {graph!r:.60}"
        )
    out = Path(path)
    fmt = _check_format(format or out.suffix.lstrip(".") or "svg")
    if not out.suffix:
        out = out.with_suffix(f".{fmt}")
    data = pipe(_source(graph, draw_kwargs), fmt, backend)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


def _check_format(format: str) -> str:
    fmt = format.lower()
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
    return fmt


def _source(graph: graphviz.Digraph | Value | str, draw_kwargs: dict[str, Any]) -> str:
    if isinstance(graph, Value):
        from viz.draw import draw

        return str(draw(graph, **draw_kwargs).source)
    if draw_kwargs:
        raise TypeError(f"drawing options {sorted(draw_kwargs)} need a Value, not a drawing")
    if isinstance(graph, str):
        return graph
    return str(graph.source)
