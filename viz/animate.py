"""Animations of a pass through the graph: an animated GIF plus a folder of SVG frames.

Each frame is the drawing at one moment of an :class:`autograd.Backprop` (or
:class:`autograd.Forward`) stepper, captioned with that step's own text (its
chain-rule products), rendered by :mod:`viz.render` at ``scale`` (2x by
default); Pillow assembles the PNG frames into the GIF.
"""

from __future__ import annotations

import base64
import html
import io
import os
from collections.abc import Callable
from pathlib import Path, PosixPath, WindowsPath
from typing import Any

from PIL import Image

import autograd
from autograd import Value
from viz.draw import Style, draw
from viz.files import output_path
from viz.render import SCALE, Backend, check_scale, pipe
from viz.styles.common import room
from viz.styles.legend import SIZE as CAPTION_SIZE
from viz.textwidth import width as text_width
from viz.walk import MAX_NODES, check_size

MAX_FRAMES = 400
"""More steps than this make a GIF nobody can follow; the animation refuses them."""
PALETTE_COLORS = 32
"""Colours in the GIF's one shared palette (drawings use a handful, plus anti-aliasing)."""
PALETTE_SAMPLE = 16
"""Frames (evenly spread, and the last) from which the shared palette is chosen."""
NEAR_WHITE = 246
"""Palette colours this light (every channel) are made pure white: a clean background."""
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
    scale: float = SCALE,
    by: str = "node",
    **draw_kwargs: Any,
) -> Animation:
    """Write the backward pass from ``root`` as an animated GIF at ``path``; return it
    (an :class:`Animation`: the file's Path, shown inline in Jupyter).

    One frame before the first step and one after each step: the node just
    processed is orange, the next one blue, finished ones green (a key says so),
    unknown gradients show ``?``, and the caption is the step's own text, its
    chain-rule products (``q.grad += 1.0 × -4.0 = -4.0``). With ``style="layers"``
    the boxes holding those nodes are coloured and count their steps, so a step
    inside a box still changes the picture. ``duration`` is the time per frame in
    milliseconds; ``scale`` the frames' pixels per point (2 = 144 dpi). The frames
    are also written as numbered SVG files in ``frames_dir`` (default: a folder
    named after the GIF, ``<stem>_frames``). ``path`` ends in ``.gif`` (added when
    it has no suffix) or ``.png`` (an animated PNG). ``by="layer"`` takes one layer a
    frame (``Backprop(root, by="layer")``, with ``style="layers"``), captioned with the
    vector chain rule; ``caption_size`` enlarges the caption. This runs the backward
    pass: afterwards the gradients are filled in.
    """
    _check_arguments("animate_backprop", root, path, scale)
    if by == "layer":
        depth = draw_kwargs.get("group_depth")
        return _animate(lambda r: autograd.LayerBackprop(r, group_depth=depth), root, path,
                        style, frames_dir, duration, backend, scale, draw_kwargs)  # fmt: skip
    if by != "node":
        raise ValueError(f"animate_backprop: by must be 'node' or 'layer', got {by!r}")
    check_size(root, MAX_NODES)
    return _animate(autograd.Backprop, root, path, style, frames_dir, duration, backend, scale,
                    draw_kwargs)  # fmt: skip


def animate_forward(
    root: Value,
    path: str | os.PathLike[str],
    *,
    style: Style = "values",
    frames_dir: str | os.PathLike[str] | None = None,
    duration: int = 700,
    backend: Backend = "auto",
    scale: float = SCALE,
    **draw_kwargs: Any,
) -> Animation:
    """Write the forward pass that built ``root`` (values appearing node by node) as a GIF."""
    _check_arguments("animate_forward", root, path, scale)
    check_size(root, MAX_NODES)
    draw_kwargs.setdefault("grads", False)
    return _animate(autograd.Forward, root, path, style, frames_dir, duration, backend, scale,
                    draw_kwargs)  # fmt: skip


def _check_arguments(caller: str, root: Value, path: str | os.PathLike[str], scale: float) -> None:
    """Refuse a non-Value root, an unknown file type or a bad scale before any frame is drawn."""
    if not isinstance(root, Value):
        raise TypeError(f"{caller}: root must be an autograd.Value, got {type(root).__name__}")
    try:
        check_scale(scale)
    except ValueError as exc:
        raise ValueError(f"{caller}: {exc}") from None
    suffix = Path(path).suffix
    if suffix and suffix.lower() not in SUFFIXES:
        raise ValueError(
            f"{caller}: path must end in {' or '.join(SUFFIXES)} (or have no suffix, for .gif),"
            f" got {os.fspath(path)!r}"
        )


class Animation(PosixPath if os.name != "nt" else WindowsPath):  # type: ignore[misc]
    """The path of a written animation; in Jupyter it displays as the animation itself."""

    def _repr_html_(self) -> str | None:
        if not self.is_file():
            return None
        mime = "image/gif" if self.suffix == ".gif" else "image/png"
        data = base64.b64encode(self.read_bytes()).decode("ascii")
        alt = html.escape(self.name, quote=True)
        return f'<img src="data:{mime};base64,{data}" alt="{alt}">'


Walk = Callable[[Value], Any]
"""Makes the stepper of a pass: ``autograd.Backprop``, ``autograd.Forward``, or one by layer."""


def _animate(
    walk: Walk,
    root: Value,
    path: str | os.PathLike[str],
    style: Style,
    frames_dir: str | os.PathLike[str] | None,
    duration: int,
    backend: Backend,
    scale: float,
    draw_kwargs: dict[str, Any],
) -> Animation:
    room = _caption_room(_captions(walk, root), draw_kwargs.get("caption_size", CAPTION_SIZE))
    out = output_path(path, ".gif")
    folder = Path(frames_dir) if frames_dir is not None else out.with_name(f"{out.stem}_frames")
    if folder.exists():
        for old in folder.glob("frame_*.svg"):
            old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    images = []
    number = 0
    stepper = walk(root)
    caption = repr(stepper).strip("<>")  # before the first step: what the stepper says is next
    while True:
        drawing = draw(root, style, step=stepper, caption=caption, caption_room=room,
                       **draw_kwargs)  # fmt: skip
        source = str(drawing.source)
        (folder / f"frame_{number:03d}.svg").write_bytes(pipe(source, "svg", backend))
        png = pipe(source, "png", backend, scale)
        images.append(Image.open(io.BytesIO(png)).convert("RGB"))
        number += 1
        if stepper.current is None:
            break
        caption = str(stepper.step())
    _write_gif(images, out, duration)
    return Animation(out)


def _captions(walk: Walk, root: Value) -> list[str]:
    """Every frame's caption, from a dry run of the pass; the gradients are put back after.

    The captions' size is known before the first frame is drawn, so every frame keeps
    room for the largest and the drawing does not move from frame to frame.
    """
    order = autograd.topological_order(root)
    saved = [node.grad for node in order]
    try:
        dry = walk(root)
        if len(dry.order) + 1 > MAX_FRAMES:
            raise ValueError(
                f"{len(dry.order)} steps would make {len(dry.order) + 1} frames (at most"
                f" {MAX_FRAMES}); animate a smaller graph, or step through it with viz.draw_step"
            )
        return [repr(dry).strip("<>"), *(str(step) for step in dry)]
    finally:
        for node, grad in zip(order, saved):
            node.grad = grad


def _caption_room(captions: list[str], size: float = CAPTION_SIZE) -> tuple[float, int]:
    """The width (points, with a margin for wider fonts) and lines of the largest caption."""
    lines = [line for caption in captions for line in caption.split("\n")]
    widest = max(text_width(line, size) for line in lines)
    return room(widest), max(caption.count("\n") + 1 for caption in captions)


def _write_gif(images: list[Image.Image], out: Path, duration: int) -> None:
    """Pad the frames to one size (white, drawing at the top left) and save a looping GIF.

    Every frame uses one palette, without dithering: the frames of a step-by-step
    pass differ in a few places only, and with identical colours elsewhere the GIF
    stores just those changes (dithered frames differ everywhere and weigh far more).
    """
    width = max(im.width for im in images)
    height = max(im.height for im in images)
    frames = []
    for im in images:
        canvas = Image.new("RGB", (width, height), "white")
        canvas.paste(im, (0, 0))
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
