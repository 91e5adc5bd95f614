"""Reading drawings back from the SVG that a renderer wrote: texts with estimated boxes,
node outlines, edge curves; and the checks the layout tests make with them.

The viz tests import these helpers (``from support.svg import overlaps``);
tests/test_viz_svg.py shows that the checks catch what they are meant to catch.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import numpy as np

SVG = "{http://www.w3.org/2000/svg}"
FORWARD, BACKWARD = "#1f5fbf", "#c0392b"
SLACK = 0.75
"""Points two boxes may share before they count as overlapping (anti-aliasing, rounding)."""

# ---- reading an SVG ------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, slack: float = SLACK) -> bool:
        return (
            min(self.x1, other.x1) - max(self.x0, other.x0) > slack
            and min(self.y1, other.y1) - max(self.y0, other.y0) > slack
        )

    def contains(self, x: float, y: float, margin: float = 0.0) -> bool:
        return (
            self.x0 - margin <= x <= self.x1 + margin and self.y0 - margin <= y <= self.y1 + margin
        )

    def union(self, other: Box) -> Box:
        return Box(min(self.x0, other.x0), min(self.y0, other.y0),
                   max(self.x1, other.x1), max(self.y1, other.y1))  # fmt: skip


@dataclass(frozen=True)
class Text:
    content: str
    box: Box
    colour: str


@dataclass
class Item:
    """A node, an edge or a cluster of the SVG: its name, texts and drawn shapes."""

    kind: str
    name: str
    texts: list[Text] = field(default_factory=list)
    shapes: list[Box] = field(default_factory=list)
    points: list[tuple[float, float]] = field(default_factory=list)

    @property
    def box(self) -> Box:
        boxes = self.shapes + [t.box for t in self.texts]
        found = boxes[0]
        for b in boxes[1:]:
            found = found.union(b)
        return found


NARROW = set(" .,:;'|!iljtfI[]()-/")
WIDE = set("mwMW@%")


def text_width(content: str, size: float) -> float:
    """An estimate of Helvetica's width, a little generous: digits 0.556 em, and so on."""
    total = 0.0
    for c in content:
        if c in NARROW:
            total += 0.3
        elif c in WIDE:
            total += 0.86
        elif c.isascii() and c.isupper():
            total += 0.68
        elif c.isascii():
            total += 0.56
        else:
            total += 0.62
    return total * size


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def _shape_box(element: ET.Element) -> Box | None:
    tag = element.tag.removeprefix(SVG)
    if element.get("stroke") in ("transparent", "none") and element.get("fill") in (
        "white", "none", "transparent", "#ffffff"):  # fmt: skip
        return None  # an invisible background
    if tag == "ellipse":
        cx, cy = float(element.get("cx", 0)), float(element.get("cy", 0))
        rx, ry = float(element.get("rx", 0)), float(element.get("ry", 0))
        return Box(cx - rx, cy - ry, cx + rx, cy + ry)
    if tag in ("polygon", "polyline", "path"):
        values = _numbers(element.get("points") or element.get("d") or "")
        xs, ys = values[0::2], values[1::2]
        if not xs:
            return None
        return Box(min(xs), min(ys), max(xs), max(ys))
    return None


def _text(element: ET.Element) -> Text:
    content = "".join(element.itertext())
    size = float(element.get("font-size", "14"))
    x, y = float(element.get("x", 0)), float(element.get("y", 0))
    w = text_width(content, size)
    anchor = element.get("text-anchor", "start")
    x0 = x - w / 2 if anchor == "middle" else x - w if anchor == "end" else x
    return Text(content, Box(x0, y - 0.75 * size, x0 + w, y + 0.21 * size), element.get("fill", ""))


def read_svg(svg: str) -> tuple[list[Item], Item, tuple[float, float]]:
    """The nodes, edges and clusters of an SVG, the graph's own texts, and its size in points."""
    root = ET.fromstring(svg)
    size = (_numbers(root.get("width", "0"))[0], _numbers(root.get("height", "0"))[0])
    graph = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "graph")
    items: list[Item] = []
    own = Item("graph", "graph")
    for child in graph:
        kind = child.get("class")
        if child.tag == f"{SVG}text":
            own.texts.append(_text(child))
        if child.tag != f"{SVG}g" or kind not in ("node", "edge", "cluster"):
            continue
        title = child.find(f"{SVG}title")
        item = Item(kind, "".join(title.itertext()) if title is not None else "")
        for element in child.iter():
            if element.tag == f"{SVG}text":
                item.texts.append(_text(element))
            elif (box := _shape_box(element)) is not None:
                item.shapes.append(box)
            if kind == "edge" and element.tag == f"{SVG}path":
                values = _numbers(element.get("d", ""))
                item.points.extend(zip(values[0::2], values[1::2]))
        items.append(item)
    return items, own, size


# ---- what must hold --------------------------------------------------------------------------


def overlaps(svg: str) -> list[str]:
    """Every pair of things that overlap: node with node, a text with a node, text with text.

    Texts are compared with texts of the same owner too: an edge's label, head label
    and tail label are placed independently, and so are the cells of a node's table.
    The texts of two different nodes meet only where the nodes do, which is reported.
    Blank texts (the padding some labels carry) are not compared with each other.
    """
    items, legend, _ = read_svg(svg)
    nodes = [i for i in items if i.kind == "node"]
    loose = [(i.name, t) for i in items if i.kind != "node" for t in i.texts]
    loose += [("graph label", t) for t in legend.texts]
    found = []
    for k, a in enumerate(nodes):
        for b in nodes[k + 1 :]:
            if a.box.overlaps(b.box):
                found.append(f"node {a.name} {a.box} overlaps node {b.name} {b.box}")
        for owner, t in loose:
            if a.box.overlaps(t.box):
                found.append(f"text {t.content!r} of {owner} overlaps node {a.name}")
    groups = [loose] + [[(node.name, t) for t in node.texts] for node in nodes]
    for texts in ([(owner, t) for owner, t in group if t.content.strip()] for group in groups):
        for k, (owner_a, a) in enumerate(texts):
            for owner_b, b in texts[k + 1 :]:
                if a.box.overlaps(b.box):  # text on text
                    found.append(
                        f"text {a.content!r} ({owner_a}) overlaps {b.content!r} ({owner_b})"
                    )
    return found


def arrows_through_text(svg: str) -> list[str]:
    """Arrows whose curve runs through a text of a node other than their own two ends."""
    items, _, _ = read_svg(svg)
    owners, boxes = [], []
    for node in (i for i in items if i.kind == "node"):
        for t in node.texts:
            owners.append((node.name, t.content))
            boxes.append((t.box.x0 + 1, t.box.y0 + 1, t.box.x1 - 1, t.box.y1 - 1))
    if not boxes:
        return []
    x0, y0, x1, y1 = np.array(boxes).T
    found = []
    for edge in (i for i in items if i.kind == "edge"):
        ends = {part.split(":")[0] for part in edge.name.split("->")}
        xy = _curve(edge.points)
        inside = (
            (xy[:, :1] >= x0) & (xy[:, :1] <= x1) & (xy[:, 1:] >= y0) & (xy[:, 1:] <= y1)
        ).any(axis=0)
        for k in np.flatnonzero(inside):
            if owners[k][0] not in ends:
                found.append(f"edge {edge.name} runs through {owners[k][1]!r} of {owners[k][0]}")
    return found


def _curve(points: list[tuple[float, float]]) -> np.ndarray:
    """Points along a path of cubic Bézier segments (M p0 C p1 p2 p3 p4 p5 p6 …), as rows."""
    s = np.linspace(0, 1, 12)[:, None]
    weights = np.hstack([(1 - s) ** 3, 3 * (1 - s) ** 2 * s, 3 * (1 - s) * s**2, s**3])
    segments = [np.array(points[k : k + 4]) for k in range(0, len(points) - 3, 3)]
    if not segments:
        return np.zeros((0, 2))
    return np.vstack([weights @ seg for seg in segments])


def labels_on_their_arrows(svg: str, horizontal: bool = True) -> list[str]:
    """Each edge label: its arrow ends at it and leaves from it, at the bar between its texts.

    The forward value (blue) lies above the arrow and the gradient (red) below it
    (left and right of it in a top-to-bottom drawing).
    """
    items, _, _ = read_svg(svg)
    nodes = {i.name: i for i in items if i.kind == "node"}
    edges = [i for i in items if i.kind == "edge"]
    found = []
    for name, label in nodes.items():
        if not re.fullmatch(r"e\d+_\d+_\d+|e_output", name):
            continue
        into = [e for e in edges if e.name.split("->")[1].split(":")[0] == name]
        out = [e for e in edges if e.name.split("->")[0].split(":")[0] == name]
        if len(into) != 1 or len(out) != 1:
            found.append(f"label {name}: {len(into)} arrows in, {len(out)} out")
            continue
        end, start = into[0].points[-1], out[0].points[0]
        box = label.box
        for what, (x, y) in (("arrow in", end), ("arrow out", start)):
            if not box.contains(x, y, margin=2.0):
                found.append(f"label {name}: the {what} at {(x, y)} misses its box {box}")
        line = (end[1] + start[1]) / 2 if horizontal else (end[0] + start[0]) / 2
        for t in label.texts:
            lo, hi = (t.box.y0, t.box.y1) if horizontal else (t.box.x0, t.box.x1)
            if t.colour == FORWARD and hi > line + 1:
                found.append(f"label {name}: forward text {t.content!r} is not before its arrow")
            if t.colour == BACKWARD and lo < line - 1:
                found.append(f"label {name}: gradient {t.content!r} is not after its arrow")
    return found


def texts_of(svg: str) -> dict[str, list[str]]:
    """Every node's and edge's texts by title, and the graph's own texts under ``"graph"``."""
    items, own, _ = read_svg(svg)
    found = {i.name: [t.content for t in i.texts] for i in items}
    found["graph"] = [t.content for t in own.texts]
    return found


def all_texts(svg: str) -> list[str]:
    return [t for texts in texts_of(svg).values() for t in texts]


def fills_of(svg: str) -> dict[str, set[str]]:
    """The fill colours each node's outline or table is painted with (white and none left out)."""
    root = ET.fromstring(svg)
    found: dict[str, set[str]] = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "node":
            continue
        title = "".join(next(g.iter(f"{SVG}title")).itertext())
        found[title] = {
            e.get("fill", "").lower()
            for e in g.iter()
            if e.tag.removeprefix(SVG) in ("polygon", "path", "ellipse")
            and e.get("fill", "").lower() not in ("", "none", "white", "#ffffff", "transparent")
        }
    return found


def strokes_of(svg: str) -> dict[str, set[tuple[str, str]]]:
    """Each edge's (stroke colour, stroke width) pairs, by title."""
    root = ET.fromstring(svg)
    found: dict[str, set[tuple[str, str]]] = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "edge":
            title = "".join(next(g.iter(f"{SVG}title")).itertext())
            found[title] = {
                (e.get("stroke", ""), e.get("stroke-width", "1")) for e in g.iter(f"{SVG}path")
            }
    return found
