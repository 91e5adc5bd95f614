"""Animations of a pass through the graph: an animated GIF plus a folder of SVG frames.

Each frame is the drawing at one moment of an :class:`autograd.Backprop` (or
:class:`autograd.Forward`) stepper, rendered by :mod:`viz.render`; Pillow
assembles the PNG frames into the GIF.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from PIL import Image

import autograd
from autograd import Value
from viz.draw import Style, draw
from viz.render import Backend, pipe
from viz.walk import MAX_NODES, check_size

MAX_FRAMES = 400
"""More steps than this make a GIF nobody can follow; the animation refuses them."""
PALETTE_COLORS = 64
"""Colours in the GIF's one shared palette (drawings use a handful, plus anti-aliasing)."""
PALETTE_SAMPLE = 16
NEAR_WHITE = 246
"""Frames (evenly spread, and the last) from which the shared palette is chosen."""
SUFFIXES = (".gif", ".png")
"""The files an animation can be: a GIF, or an animated PNG (no suffix: ``.gif`` is added)."""


def animate_backprop(
    root: Value,
    path: str | os.PathLike[str],
    *,
    style: Style = "values",
    frames_dir: str | os.PathLike[str] | None = None,
    duration: int = 900,
    backend: Backend = "auto",
    **draw_kwargs: Any,
) -> Path:
    """Write the backward pass from ``root`` as an animated GIF at ``path``; return it.

    One frame before the first step and one after each step (the node being
    processed is highlighted, unknown gradients show ``?``; with ``style="layers"`` the
    box holding that node is highlighted and counts its steps, finished boxes are
    green, so a step inside a box still changes the picture); ``duration`` is the
    time per frame in milliseconds. The frames are also written as numbered SVG
    files in ``frames_dir`` (default: a folder named after the GIF, ``<stem>_frames``).
    ``path`` ends in ``.gif`` (added when it has no suffix) or ``.png`` (an animated PNG).
    This runs the backward pass: afterwards the gradients are filled in.
    """
    _check_arguments("animate_backprop", root, path)
    check_size(root, MAX_NODES)
    return _animate(autograd.Backprop(root), root, path, style, frames_dir, duration, backend,
                    draw_kwargs)  # fmt: skip


def animate_forward(
    root: Value,
    path: str | os.PathLike[str],
    *,
    style: Style = "values",
    frames_dir: str | os.PathLike[str] | None = None,
    duration: int = 700,
    backend: Backend = "auto",
    **draw_kwargs: Any,
) -> Path:
    """Write the forward pass that built ``root`` (values appearing node by node) as a GIF."""
    _check_arguments("animate_forward", root, path)
    check_size(root, MAX_NODES)
    draw_kwargs.setdefault("grads", False)
    return _animate(autograd.Forward(root), root, path, style, frames_dir, duration, backend,
                    draw_kwargs)  # fmt: skip


def _check_arguments(caller: str, root: Value, path: str | os.PathLike[str]) -> None:
    """Refuse a non-Value root or an unknown file type before any frame is drawn or written."""
    if not isinstance(root, Value):
        raise TypeError(f"{caller}: root must be an autograd.Value, got {type(root).__name__}")
    suffix = Path(path).suffix
    if suffix and suffix.lower() not in SUFFIXES:
        raise ValueError(
            f"{caller}: path must end in {' or '.join(SUFFIXES)} (or have no suffix, for .gif),"
            f" got {os.fspath(path)!r}"
        )


def _animate(
    stepper: Any,
    root: Value,
    path: str | os.PathLike[str],
    style: Style,
    frames_dir: str | os.PathLike[str] | None,
    duration: int,
    backend: Backend,
    draw_kwargs: dict[str, Any],
) -> Path:
    if len(stepper.order) + 1 > MAX_FRAMES:
        raise ValueError(
            f"{len(stepper.order)} steps would make {len(stepper.order) + 1} frames (at most"
            f" {MAX_FRAMES}); animate a smaller graph, or step through it with viz.draw_step"
        )
    out = Path(path)
    if not out.suffix:
        out = out.with_suffix(".gif")
    folder = Path(frames_dir) if frames_dir is not None else out.with_name(f"{out.stem}_frames")
    if folder.exists():
        for old in folder.glob("frame_*.svg"):
            old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    images = []
    number = 0
    while True:
        drawing = draw(root, style, step=stepper, **draw_kwargs)
        source = str(drawing.source)
        (folder / f"frame_{number:03d}.svg").write_bytes(pipe(source, "svg", backend))
        images.append(Image.open(io.BytesIO(pipe(source, "png", backend))).convert("RGB"))
        number += 1
        if stepper.current is None:
            break
        stepper.step()
    _write_gif(images, out, duration)
    return out


def _write_gif(images: list[Image.Image], out: Path, duration: int) -> None:
    """Pad the frames to one size (white, centred) and save them as a looping GIF.

    Every frame uses one palette, without dithering: the frames of a step-by-step
    pass differ in a few places only, and with identical colours elsewhere the GIF
    stores just those changes (dithered frames differ everywhere and weigh far more).
    """
    width = max(im.width for im in images)
    height = max(im.height for im in images)
    frames = []
    for im in images:
        canvas = Image.new("RGB", (width, height), "white")
        canvas.paste(im, ((width - im.width) // 2, (height - im.height) // 2))
        frames.append(canvas)
    sample = frames[:: max(1, len(frames) // PALETTE_SAMPLE)][:PALETTE_SAMPLE] + frames[-1:]
    strip = Image.new("RGB", (width, height * len(sample)), "white")
    for k, frame in enumerate(sample):
        strip.paste(frame, (0, k * height))
    palette = strip.quantize(PALETTE_COLORS, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    colours = palette.getpalette() or []
    for k in range(0, len(colours), 3):  # near-white medians become white: a clean background
        if min(colours[k : k + 3]) >= NEAR_WHITE:
            colours[k : k + 3] = [255, 255, 255]
    palette.putpalette(colours)
    indexed = [frame.quantize(palette=palette, dither=Image.Dither.NONE) for frame in frames]
    out.parent.mkdir(parents=True, exist_ok=True)
    durations = [duration] * len(indexed)
    durations[-1] = duration * 3  # linger on the finished graph
    indexed[0].save(out, save_all=True, append_images=indexed[1:], duration=durations, loop=0)


__all__ = ["animate_backprop", "animate_forward"]
