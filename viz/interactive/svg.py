"""The graph as inline SVG whose labels a page can address and rewrite.

:func:`graph_svg` draws ``root`` with :func:`viz.draw` (the edges style), renders
it with :func:`viz.render.pipe` (system ``dot`` or the bundled renderer) and
marks what it drew: each node's group gets ``data-node`` (its topological
position, as in the DOT names ``n0, n1, …``); each edge, drawn as two arrows
through a label node (``e<parent>_<child>_<k>``, ``e_output``; see
:mod:`viz.styles.inline`), gets ``data-edge`` on all three groups; and each
number on a label ``data-node`` plus ``data-kind="data"`` (the forward value,
drawn in the forward colour) or ``data-kind="grad"`` (the gradient, in the
backward colour); on the arrows of a value used more than once the gradient is
that arrow's share, ``data-kind="share"``, and the value's node holds their sum,
``data-kind="total"`` (:mod:`viz.fanout`). Graphviz's own ids and tooltips are
dropped, so several drawings can share one HTML page.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from autograd import Value
from autograd.explain import DEFAULT_PRECISION
from viz.draw import draw
from viz.render import Backend, pipe
from viz.styles.common import BACKWARD, FORWARD

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
OUTPUT = "output"
"""The DOT name of the terminal node the root's edge runs into (edges style)."""

_LABEL = re.compile(r"e(\d+)_(\d+)_(\d+)|e_output")


@dataclass
class GraphSvg:
    """A rendered drawing plus where its nodes, edges and numbers are."""

    svg: ET.Element
    nodes: dict[int, ET.Element] = field(default_factory=dict)
    edges: list[tuple[int, int, ET.Element]] = field(default_factory=list)
    """``(parent, child, group)`` per edge in drawing order; child -1 is the output edge."""
    slots: list[tuple[int, str, ET.Element]] = field(default_factory=list)
    """``(node, kind, <text>)`` for every number drawn: ``"data"`` and ``"grad"`` on an edge,
    ``"share"`` on each edge of a value used more than once (the share that edge carries
    back; the element's ``data-to`` and ``data-operand`` say which edge), ``"total"`` at
    such a value's node (``x.grad = 3 + 3 = 6``)."""

    def copy(self) -> GraphSvg:
        """An independent copy (rewrite its texts without touching this one)."""
        return _index(copy.deepcopy(self.svg))

    def set_texts(self, text: Callable[[int, str], str | None]) -> None:
        """Replace each slot's text by ``text(node, kind)`` (None keeps it)."""
        for node, kind, element in self.slots:
            new = text(node, kind)
            if new is not None:
                element.text = new

    def set_shares(self, text: Callable[[int, int, int], str | None]) -> None:
        """Replace each share's text by ``text(parent, child, operand)`` (None keeps it)."""
        for node, kind, element in self.slots:
            if kind == "share":
                new = text(node, int(element.get("data-to", "0")),
                           int(element.get("data-operand", "0")))  # fmt: skip
                if new is not None:
                    element.text = new

    def mark_node(self, node: int, css_class: str, kinds: tuple[str, ...] = ("grad",)) -> None:
        """Add ``css_class`` to node ``node``'s group and to its numbers of ``kinds``."""
        targets = [self.nodes.get(node)]
        targets += [el for n, kind, el in self.slots if n == node and kind in kinds]
        for el in targets:
            if el is not None:
                add_class(el, css_class)

    def markup(self) -> str:
        """The SVG element as text, ready to inline in HTML."""
        return ET.tostring(self.svg, encoding="unicode", short_empty_elements=True)

    @property
    def size(self) -> tuple[float, float]:
        """Width and height in CSS pixels (Graphviz writes points)."""
        return _px(self.svg.get("width", "0")), _px(self.svg.get("height", "0"))


def graph_svg(
    root: Value,
    *,
    precision: int = DEFAULT_PRECISION,
    grads: bool = True,
    backend: Backend = "auto",
    max_nodes: int | None = None,
) -> GraphSvg:
    """Draw ``root`` in the edges style (values and gradients as they are now) as a GraphSvg."""
    kwargs: dict[str, Any] = {"precision": precision, "grads": grads}
    if max_nodes is not None:
        kwargs["max_nodes"] = max_nodes
    drawing = draw(root, "edges", **kwargs)
    return parse(pipe(str(drawing.source), "svg", backend).decode("utf-8"))


def parse(svg_text: str) -> GraphSvg:
    """Parse Graphviz SVG output and mark its nodes, edges and numbers."""
    svg = ET.fromstring(svg_text)
    for el in svg.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = el.tag.split("}", 1)[1]
        for key in [k for k in el.attrib if k.startswith(f"{{{XLINK_NS}}}")]:
            el.attrib["xlink:" + key.split("}", 1)[1]] = el.attrib.pop(key)
    svg.set("xmlns", SVG_NS)
    if any(k.startswith("xlink:") for el in svg.iter() for k in el.attrib):
        svg.set("xmlns:xlink", XLINK_NS)
    return _index(svg)


def _index(svg: ET.Element) -> GraphSvg:
    """Find the node groups, the edges (each through its label node) and their numbers."""
    out = GraphSvg(svg)
    labels: dict[str, ET.Element] = {}
    arrows: dict[str, list[tuple[str, ET.Element]]] = {}
    """label name → the arrows into and out of it, with the real node at their other end"""
    for group in list(svg.iter("g")):
        title = group.find("title")
        name = (title.text or "") if title is not None else group.get("data-title", "")
        if title is not None:
            group.remove(title)  # no browser tooltip "n3": the page shows its own
            group.set("data-title", name)
        group.attrib.pop("id", None)
        kind = group.get("class", "").split()
        if "node" in kind:
            position = _position(name)
            if position is not None:
                out.nodes[position] = group
                group.set("data-node", str(position))
            elif name == OUTPUT:
                add_class(group, "cr-output")
            elif _LABEL.fullmatch(name):
                labels[name] = group
        elif "edge" in kind:
            tail, _, head = name.replace("&#45;", "-").partition("->")
            tail, head = tail.split(":")[0], head.split(":")[0]
            if _LABEL.fullmatch(head):
                arrows.setdefault(head, []).append((tail, group))
            elif _LABEL.fullmatch(tail):
                arrows.setdefault(tail, []).append((head, group))
    for position, group in out.nodes.items():
        for text in group.iter("text"):
            if (text.get("fill") or "").lower() == BACKWARD:  # a reused value's sum
                text.set("data-node", str(position))
                text.set("data-kind", "total")
                out.slots.append((position, "total", text))
    arrows_out: dict[str, int] = {}
    for name in labels:
        match = _LABEL.fullmatch(name)
        if match is not None and match[1] is not None:
            arrows_out[match[1]] = arrows_out.get(match[1], 0) + 1
    for name, label in labels.items():
        match = _LABEL.fullmatch(name)
        assert match is not None
        reused = match[1] is not None and arrows_out[match[1]] > 1
        ends = [_position(other) for other, _ in arrows.get(name, [])]
        if match[1] is not None:
            parent, child = int(match[1]), int(match[2])
        else:  # the output's arrow: from the root into the terminal node
            found = [p for p in ends if p is not None]
            if not found:
                continue
            parent, child = found[0], -1
        number = str(len(out.edges))
        for element in [label, *(group for _, group in arrows.get(name, []))]:
            element.set("data-edge", number)
        out.edges.append((parent, child, label))
        for text in label.iter("text"):
            fill = (text.get("fill") or "").lower()
            kind_name = "data" if fill == FORWARD else "grad" if fill == BACKWARD else ""
            if kind_name == "grad" and reused:
                kind_name = "share"
                text.set("data-to", str(child))
                text.set("data-operand", match[3])
            if kind_name:
                text.set("data-node", str(parent))
                text.set("data-kind", kind_name)
                out.slots.append((parent, kind_name, text))
    return out


def add_class(el: ET.Element, name: str) -> None:
    """Add a CSS class to an element (once)."""
    classes = el.get("class", "").split()
    if name not in classes:
        el.set("class", " ".join([*classes, name]))


def _position(name: str) -> int | None:
    return int(name[1:]) if re.fullmatch(r"n\d+", name) else None


def _px(length: str) -> float:
    match = re.match(r"([\d.]+)\s*(pt|px)?", length)
    if match is None:
        return 0.0
    value = float(match[1])
    return value * 4 / 3 if match[2] in (None, "pt") else value
