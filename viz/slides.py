"""Lecture slides: one 16:9 PDF page per step of the forward and backward passes.

Each page is the drawing at that moment of an :class:`autograd.Forward` or
:class:`autograd.Backprop` stepper (the node just processed in colour, values or
gradients not known yet as ``?``), rendered by :mod:`viz.render` as a PNG, with the
step's own text under it in large type. matplotlib's ``PdfPages`` writes the file, so
the captions are real text: a PDF reader can search them and ``pdftotext`` reads them.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

import autograd
from autograd import Value
from viz.draw import STYLES, Style, draw
from viz.render import Backend, pipe
from viz.walk import MAX_NODES, check_size

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PAGE_INCHES = (13.333, 7.5)
"""A 16:9 page, the size of a widescreen slide (PowerPoint's and Beamer's 16:9)."""
CAPTION_POINTS = (22.0, 12.0)
"""The caption's type size: the largest that fits the widest line, between these bounds."""
MONOSPACE_WIDTH = 0.6
"""A monospace character's width as a share of its size (DejaVu Sans Mono)."""
RASTER_SCALE = 3.0
"""Pixels per point of each page's drawing (3 = 216 dpi: sharp on a projector)."""
MAX_PAGES = 400
"""More steps than this make a lecture nobody can follow; the slides refuse them."""
PASSES = ("both", "forward", "backward")


def slides(
    root: Value,
    path: str | os.PathLike[str],
    *,
    style: Style = "edges",
    passes: str = "both",
    title: str | None = None,
    backend: Backend = "auto",
) -> Path:
    """Write the passes through ``root``'s graph as a PDF, one 16:9 page per step; return its path.

    * ``style``: the drawing style of every page (``"edges"``: Figure 9.3, values above the
      arrows and gradients below; ``"values"``; ``"layers"``).
    * ``passes``: ``"both"`` (the forward pass, then the backward pass), ``"forward"`` or
      ``"backward"``.
    * ``title``: a line at the top of every page (default: none).

    Page k of a pass shows the graph after its k-th step, captioned with that step's text
    (its value, or its chain-rule products). The backward pass runs from zero gradients;
    afterwards the gradients are those of ``root.backward()`` from zero.
    """
    if not isinstance(root, Value):
        raise TypeError(f"slides: root must be an autograd.Value, got {type(root).__name__}")
    if style not in STYLES:
        raise ValueError(f"slides: style must be one of {', '.join(STYLES)}, got {style!r}")
    if passes not in PASSES:
        raise ValueError(f"slides: passes must be one of {', '.join(PASSES)}, got {passes!r}")
    out = Path(path)
    if out.suffix.lower() != ".pdf":
        raise ValueError(f"slides: path must end in .pdf, got {os.fspath(path)!r}")
    if out.is_dir():
        raise IsADirectoryError(f"slides: {os.fspath(path)!r} is a folder; give a file name")
    check_size(root, MAX_NODES)
    steps = _step_count(root, passes)
    if steps > MAX_PAGES:
        raise ValueError(
            f"slides: {steps} steps would make {steps} pages (at most {MAX_PAGES});"
            " draw a smaller graph, or step through it with viz.stepper"
        )

    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    out.parent.mkdir(parents=True, exist_ok=True)
    pages = list(_pages(root, style, passes, backend))
    # TrueType fonts (Type 42): a reader can search and copy ∂ and →, which matplotlib 3.10's
    # Type 3 fonts leave out of the text. rcParams are global: one PDF at a time sets them.
    with _RC_LOCK, matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(out) as pdf:
        for png, caption in pages:
            pdf.savefig(_page(png, caption, title))
    return out


_RC_LOCK = threading.Lock()


def _step_count(root: Value, passes: str) -> int:
    """How many pages the passes make: one per node for each pass."""
    return len(autograd.topological_order(root)) * (2 if passes == "both" else 1)


def _pages(root: Value, style: Style, passes: str, backend: Backend) -> Iterator[tuple[bytes, str]]:
    """Each page's drawing (a PNG) and caption, forward steps first."""
    walks: list[type[autograd.Forward] | type[autograd.Backprop]] = []
    if passes in ("both", "forward"):
        walks.append(autograd.Forward)
    if passes in ("both", "backward"):
        walks.append(autograd.Backprop)
    for walk in walks:
        stepper = walk(root)
        grads = walk is autograd.Backprop
        while stepper.current is not None:
            caption = str(stepper.step())
            drawing = draw(root, style, step=stepper, grads=grads)
            yield pipe(str(drawing.source), "png", backend, RASTER_SCALE), caption


def _page(png: bytes, caption: str, title: str | None) -> Figure:
    """One 16:9 figure: the title, the drawing scaled to fit, the caption in monospace."""
    from matplotlib.figure import Figure

    width, height = PAGE_INCHES
    figure = Figure(figsize=PAGE_INCHES)  # no pyplot: no global state, no backend to choose
    lines = caption.split("\n")
    size = _caption_size(lines, width * 72 * 0.94)
    caption_height = (len(lines) * size * 1.35 + 24) / (height * 72)
    title_height = 0.09 if title else 0.02
    top = 1.0 - title_height
    if title:
        figure.text(0.5, 1 - title_height / 2, title, ha="center", va="center", fontsize=24)
    axes = figure.add_axes((0.02, caption_height, 0.96, top - caption_height))
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))  # uint8: quick to embed
    axes.imshow(pixels, interpolation="none")  # the PNG's own pixels, not resampled
    axes.set_axis_off()
    figure.text(0.03, caption_height - 0.02, caption, ha="left", va="top", fontsize=size,
                family="DejaVu Sans Mono", linespacing=1.35)  # fmt: skip
    return figure


def _caption_size(lines: list[str], room_points: float) -> float:
    """The largest type size within :data:`CAPTION_POINTS` at which every line fits the page."""
    widest = max((len(line) for line in lines), default=1) or 1
    fitting = room_points / (widest * MONOSPACE_WIDTH)
    largest, smallest = CAPTION_POINTS
    return max(smallest, min(largest, fitting))


__all__ = ["slides"]
