"""Turning DOT text into SVG, PNG or PDF with whichever Graphviz is at hand.

Two backends: the system's Graphviz ``dot`` (when on PATH) and the
``graphviz-pure`` command that the ``graphviz-pure`` wheel (a chainrule
dependency) installs next to the Python interpreter. ``backend="auto"`` prefers
the system one and falls back to the bundled one.

A leaf module: it knows DOT text only, never Values or drawing styles
(:mod:`viz.export` draws a Value first, then calls :func:`write`).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Literal

from viz.errors import RenderError
from viz.files import output_path

Backend = Literal["auto", "system", "pure"]
FORMATS = ("svg", "png", "pdf", "dot")
TIMEOUT = 120.0
"""Seconds a renderer may run before it is stopped."""
SCALE = 2.0
"""Raster output (PNG, GIF frames, the bundled renderer's PDF) at 2x: 144 dpi, sharp on slides."""
BASE_DPI = 72.0

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


def pipe(
    source: str, format: str = "svg", backend: Backend = "auto", scale: float = SCALE
) -> bytes:
    """Lay out DOT ``source`` and return the ``format`` output (``dot``: the source itself).

    ``scale`` multiplies the pixel size of raster output (PNG; 2 = 144 dpi); SVG and
    PDF are vector formats and ignore it, except that the bundled renderer writes no
    PDF and wraps a PNG at ``scale`` in one.
    """
    fmt = _check_format(format)
    dpi = BASE_DPI * check_scale(scale)
    if fmt == "dot":
        return source.encode("utf-8")
    name, exe = find_renderer(backend)
    option = f"-Gdpi={dpi:g}"
    if fmt == "pdf" and name == "pure":
        return _png_to_pdf(_run(name, exe, source, "-Tpng", option), dpi)
    return _run(name, exe, source, f"-T{fmt}", *([option] if fmt == "png" else []))


def check_scale(scale: object) -> float:
    """``scale`` checked: a number from 0.25 to 8 (raster pixels per point, over 72 dpi)."""
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0.25 <= scale <= 8:
        raise ValueError(f"scale must be a number from 0.25 to 8 (2 = 144 dpi), got {scale!r}")
    return float(scale)


def write(
    source: str,
    path: str | os.PathLike[str],
    format: str | None = None,
    backend: Backend = "auto",
    scale: float = SCALE,
) -> Path:
    """Render DOT ``source`` into ``path``; the format defaults to the suffix, else ``svg``.

    A path without a suffix gets the format's. Returns the path written.
    """
    fmt = _check_format(format or Path(path).suffix.lstrip(".") or "svg")
    out = output_path(path, f".{fmt}")
    out.write_bytes(pipe(source, fmt, backend, scale))
    return out


def _png_to_pdf(png: bytes, dpi: float) -> bytes:
    """graphviz-pure writes no PDF: wrap its PNG in a PDF (at its real size) with Pillow."""
    from PIL import Image

    out = io.BytesIO()
    with Image.open(io.BytesIO(png)) as image:
        image.convert("RGB").save(out, format="PDF", resolution=dpi)
    return out.getvalue()


def run_bundled(source: str, *options: str) -> bytes:
    """DOT ``source`` through the bundled ``graphviz-pure`` with Graphviz command-line
    ``options`` (``-Kneato``, ``-Tjson``, …): what the graphviz library would run ``dot`` with."""
    exe = _pure_executable()
    if exe is None:
        raise RenderError(
            "the bundled renderer graphviz-pure is not installed (pip install graphviz-pure)"
        )
    return _run("pure", exe, source, *options)


def _run(name: str, exe: str, source: str, *arguments: str) -> bytes:
    try:
        result = subprocess.run(
            [exe, *arguments],
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


def _check_format(format: str) -> str:
    fmt = format.lower()
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
    return fmt
