"""A large drawing cut into tiles that the page draws only when they come near the screen.

A stepper page for 10,000 nodes holds a drawing a million points wide; as one ``<svg>``,
the browser parses, measures and paints every one of its texts before the page shows.
:func:`cut` cuts it instead into square tiles of :data:`TILE` points. The page holds an
``<div class="cr-tile">`` where each tile goes, holding only the tile's SVG as a string in
a JSON block (text to the browser: nothing to lay out); the stepper's script puts the SVG
into its ``<div>`` when the ``<div>`` comes near the screen (or holds the node of the
current step). The drawing looks exactly as before. To keep the page small, a tile's
texts leave their font and anchor to the tile's ``<g>`` (SVG inherits them) and its groups
drop Graphviz's names (``data-title``).

Each node, edge or text of the drawing goes whole into the tile of its centre, and the
tile grows to hold what it got (tiles may overlap), with :data:`MARGIN` points to spare
around every text for the longer numbers the page may write into it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from viz.interactive.html import esc, json_script

TILE = 1500.0
"""The side of a tile in points: about two screens of the drawing at its natural size."""
MARGIN = 100.0
"""Points of room around each text (a number on the page may grow: ``?`` → ``-1.235e-32``)."""

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ABSOLUTE_PATH = re.compile(r"[MCLZ\d\s,.eE+-]*")
"""Path data Graphviz writes: absolute moves, lines and curves, so every pair is a point."""
_TRANSFORM = re.compile(
    rf"\s*scale\(({_NUMBER.pattern})(?:[ ,]+({_NUMBER.pattern}))?\)\s*rotate\(0\)"
    rf"\s*translate\(({_NUMBER.pattern})[ ,]+({_NUMBER.pattern})\)\s*"
)

_TEXT_ATTRIBUTES = ("font-family", "font-size", "text-anchor")
"""What a text inherits from its group when all texts of a tile share it."""
_TITLE = re.compile(r' data-title="[^"]*"(?=[^<>]*>)')
"""Graphviz's name of a group, inside a start tag (text holds no ``>``: it is written ``&gt;``)."""
_TEXT_TAG = re.compile(r"<text [^>]*>")
Box = tuple[float, float, float, float]
"""``(left, top, right, bottom)`` in the drawing's own units."""


class Untileable(ValueError):
    """The drawing is not laid out as :func:`cut` expects, or has a shape whose extent it
    cannot tell."""


@dataclass
class _Tile:
    box: Box
    members: list[ET.Element] = field(default_factory=list)


@dataclass
class Tiled:
    """A drawing cut into tiles: the page's markup and what the script fills in."""

    markup: str
    """``<div class="cr-tiles">`` (the drawing's size; ``data-w``/``data-h`` in CSS pixels)
    around a ``<div class="cr-canvas">`` of ``<div class="cr-tile" data-tile="k">``, each
    holding only its ``<svg>`` as a JSON string (``<script class="cr-tile-svg">``)."""
    tiles: list[str]
    """Tile ``k``'s ``<svg>``."""
    tile_of: dict[int, int]
    """The tile that holds each node (by its ``data-node``)."""


def cut(svg: ET.Element, tile: float | None = None) -> Tiled:
    """``svg`` (Graphviz's SVG: one ``<g class="graph">`` of nodes and edges) cut into tiles
    of ``tile`` points (default :data:`TILE`).

    Raises :class:`Untileable` for an SVG that is not laid out that way.
    """
    tile = TILE if tile is None else tile
    if tile <= 0:
        raise ValueError(f"tile must be a positive number of points, got {tile!r}")
    graph = svg.find("g")
    if graph is None or len(svg) != 1:
        raise Untileable("the SVG is not one <g> holding the whole drawing")
    scale, shift = _transform(graph.get("transform", ""))
    unit = _unit(svg)  # points per user unit of the root
    drawn = list(graph)
    background = "none"
    if drawn and drawn[0].tag == "polygon":  # Graphviz's first polygon fills the whole graph
        background = drawn.pop(0).get("fill", "none")
    found: dict[tuple[int, int], _Tile] = {}
    for element in drawn:
        left, top, right, bottom = _extent(element)
        # the root's units: the graph's transform is scale(s) translate(shift)
        box = (
            scale * (left + shift[0]),
            scale * (top + shift[1]),
            scale * (right + shift[0]),
            scale * (bottom + shift[1]),
        )
        key = (int((box[0] + box[2]) / 2 * unit // tile), int((box[1] + box[3]) / 2 * unit // tile))
        if key in found:
            found[key].box = _union(found[key].box, box)
            found[key].members.append(element)
        else:
            found[key] = _Tile(box, [element])
    width, height = (float(v) * unit for v in (svg.get("viewBox") or "0 0 0 0").split()[2:])
    parts = [
        f'<div class="cr-tiles" data-w="{width * 4 / 3:.1f}" data-h="{height * 4 / 3:.1f}"'
        f' style="width:{width:.1f}pt;height:{height:.1f}pt;background:{esc(background)}">'
        f'<div class="cr-canvas" style="width:{width:.1f}pt;height:{height:.1f}pt">'
    ]
    tiles, tile_of = [], {}
    for k, key in enumerate(sorted(found, key=lambda key: (key[1], key[0]))):
        left, top, right, bottom = found[key].box
        tiles.append(_svg(found[key], graph, unit, svg.get("xmlns:xlink")))
        parts.append(
            f'<div class="cr-tile" data-tile="{k}" style="left:{left * unit:.1f}pt;'
            f"top:{top * unit:.1f}pt;width:{(right - left) * unit:.1f}pt;"
            f'height:{(bottom - top) * unit:.1f}pt">{json_script(tiles[-1], "cr-tile-svg")}</div>'
        )
        for member in found[key].members:
            if member.get("data-node") is not None:
                tile_of[int(member.get("data-node", ""))] = k
    parts.append("</div></div>")
    return Tiled("".join(parts), tiles, tile_of)


def _svg(tile: _Tile, graph: ET.Element, unit: float, xlink: str | None) -> str:
    """The tile's part of the drawing, as an ``<svg>`` of its size showing its box."""
    left, top, right, bottom = tile.box
    texts = [e for member in tile.members for e in member.iter("text")]
    shared = {
        key: value
        for key in _TEXT_ATTRIBUTES
        if texts and len({t.get(key) for t in texts}) == 1 and (value := texts[0].get(key))
    }
    attributes = {k: v for k, v in graph.attrib.items() if k != "data-title"}
    group = ET.Element("g", {**attributes, **shared})
    group.extend(tile.members)
    drawing = ET.tostring(group, encoding="unicode", short_empty_elements=True)
    # (ElementTree writes no " < > inside a value, nor < > in a text: these match attributes)
    drawing = _TITLE.sub("", drawing)
    if shared:
        same = re.compile("|".join(f' {k}="{re.escape(_attribute(v))}"' for k, v in shared.items()))
        drawing = _TEXT_TAG.sub(lambda tag: same.sub("", tag[0]), drawing)
    links = f' xmlns:xlink="{esc(xlink)}"' if xlink else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg"{links} width="{(right - left) * unit:.1f}pt"'
        f' height="{(bottom - top) * unit:.1f}pt"'
        f' viewBox="{left:.1f} {top:.1f} {right - left:.1f} {bottom - top:.1f}">{drawing}</svg>'
    )


def _attribute(value: str) -> str:
    """``value`` as ElementTree writes it inside an attribute."""
    written = ET.tostring(ET.Element("x", {"v": value}), encoding="unicode")
    return written[len('<x v="') : -len('" />')]


def _transform(text: str) -> tuple[float, tuple[float, float]]:
    """``scale(s s) rotate(0) translate(x y)`` (what Graphviz writes) as ``(s, (x, y))``."""
    if not text.strip():
        return 1.0, (0.0, 0.0)
    match = _TRANSFORM.fullmatch(text)
    if match is None or (match[2] is not None and float(match[2]) != float(match[1])):
        raise Untileable(f"the drawing's transform {text!r} is not a scale and a shift")
    return float(match[1]), (float(match[3]), float(match[4]))


def _unit(svg: ET.Element) -> float:
    """Points per user unit of the root ``<svg>`` (its width in points over its viewBox's)."""
    view = (svg.get("viewBox") or "").split()
    width = re.fullmatch(rf"({_NUMBER.pattern})(pt)?", svg.get("width", ""))
    if len(view) != 4 or width is None or float(view[2]) <= 0:
        raise Untileable("the SVG has no viewBox and width in points to place tiles by")
    return float(width[1]) / float(view[2])


def _extent(element: ET.Element) -> Box:
    """The box that ``element`` and its children cover, texts with :data:`MARGIN` around."""
    boxes = [_own_extent(e) for e in element.iter()]
    found = [b for b in boxes if b is not None]
    if not found:
        raise Untileable(f"<{element.tag}> draws nothing whose place is known")
    box = found[0]
    for other in found[1:]:
        box = _union(box, other)
    return box


def _own_extent(e: ET.Element) -> Box | None:
    tag = e.tag
    if tag in ("g", "a", "title", "desc"):
        return None
    if tag in ("polygon", "polyline"):
        return _points(_NUMBER.findall(e.get("points", "")), e)
    if tag == "path":
        d = e.get("d", "")
        if not _ABSOLUTE_PATH.fullmatch(d):
            raise Untileable(f"path data {d[:40]!r} is not all absolute points")
        return _points(_NUMBER.findall(d), e)
    if tag == "ellipse":
        cx, cy, rx, ry = (float(e.get(k, "0")) for k in ("cx", "cy", "rx", "ry"))
        return (cx - rx, cy - ry, cx + rx, cy + ry)
    if tag in ("rect", "image"):
        x, y, w, h = (float(e.get(k, "0")) for k in ("x", "y", "width", "height"))
        return (x, y, x + w, y + h)
    if tag == "text":
        x, y = float(e.get("x", "0")), float(e.get("y", "0"))
        size = float(e.get("font-size", "14"))
        wide = size * len(e.text or "")  # generous: Helvetica's widest letters are 1 em
        return (x - wide - MARGIN, y - size - MARGIN, x + wide + MARGIN, y + MARGIN)
    raise Untileable(f"<{tag}> is not a shape whose extent is known")


def _points(numbers: list[str], e: ET.Element) -> Box:
    values = [float(n) for n in numbers]
    if not values or len(values) % 2:
        raise Untileable(f"<{e.tag}> has no list of x, y points")
    xs, ys = values[0::2], values[1::2]
    pad = float(e.get("stroke-width", "1")) + 2  # the stroke and an arrowhead's mitre
    return (min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad)


def _union(a: Box, b: Box) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


__all__ = ["MARGIN", "TILE", "Tiled", "Untileable", "cut"]
