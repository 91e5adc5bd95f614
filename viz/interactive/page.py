"""``viz.stepper``: step forward and backward through your own graph, in a browser or Jupyter.

A :class:`Stepper` holds one self-contained page: the graph as inline SVG
(drawn by Graphviz in the edges style; above :data:`TILED_ABOVE` nodes in tiles
drawn as they come near the screen, :mod:`viz.interactive.tiles`), the timeline
of the passes as JSON, and the CSS and JavaScript that play it. ``save`` writes
it as one HTML file that opens from disk with no network access; in Jupyter it
displays inline.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from pathlib import Path
from typing import Any, Literal

from autograd import Value
from autograd.explain import DEFAULT_PRECISION, check_precision
from viz.errors import GraphTooLargeError
from viz.interactive import checks, layers, nudge, sources, tiles
from viz.interactive.html import asset, document, esc, json_script, write
from viz.interactive.model import DIRECTIONS, Direction, Timeline, timeline
from viz.interactive.svg import graph_svg
from viz.render import Backend
from viz.walk import MAX_NODES, check_size

PageStyle = Literal["edges", "layers"]
STYLES = ("edges", "layers")
SPEEDS = (("0.5×", 2000), ("1×", 1000), ("2×", 500), ("4×", 250))
"""Play speeds: label and milliseconds per step."""
STILL_TEXT = "The finished pass; run the cell to step through it."
"""What a stored stepper says under its picture where no script runs (an unrun notebook)."""
TILED_ABOVE = 500
"""Above this many nodes the page cuts its drawing into tiles and its table into blocks that
the browser renders only near the screen (:mod:`viz.interactive.tiles`)."""
LAYERS_HINT = (
    "Step through it layer by layer instead: viz.stepper(root, style='layers') draws one box"
    " per group (nn layers set the groups; autograd.node_group makes your own) and each step"
    " runs a whole layer."
)


def stepper(
    root: Value,
    direction: Direction = "both",
    precision: int = DEFAULT_PRECISION,
    *,
    quiz: bool = False,
    tolerance: float = 0.01,
    style: PageStyle = "edges",
    title: str | None = None,
    start: int = 0,
    backend: Backend = "auto",
    max_nodes: int = MAX_NODES,
) -> Stepper:
    """An interactive page that steps through ``root``'s forward and backward passes.

    * ``direction``: ``"forward"`` (values appear node by node), ``"backward"``
      (gradients appear below the arrows) or ``"both"`` (forward, then backward).
    * ``precision``: significant digits of the numbers on the graph.
    * ``quiz``: before each gradient of a labelled node shows, ask for it (∂L/∂node);
      an answer within ``tolerance`` (relative) counts as right; a wrong one shows
      the chain-rule product; the page keeps the score.
    * ``style``: ``"edges"`` (every value, Figure 9.3) or ``"layers"`` (one box per
      group, one step per layer: for graphs over ``max_nodes`` nodes).
    * ``start``: the step the page opens at (0: before the first).

    With gradients and no quiz, every leaf gets a field: a new value reruns both
    passes in the browser (JavaScript generated from the op table) and shows ΔL next
    to ``grad·h``.

    The passes run once, here, from zero gradients; the graph's gradients are put
    back afterwards. ``.save(path)`` writes the page; Jupyter shows it inline.
    """
    return Stepper(
        root, direction, precision, quiz=quiz, tolerance=tolerance, style=style, title=title,
        start=start, backend=backend, max_nodes=max_nodes,
    )  # fmt: skip


class Stepper:
    """A page that plays the passes through one graph (see :func:`viz.stepper`)."""

    def __init__(
        self,
        root: Value,
        direction: Direction = "both",
        precision: int = DEFAULT_PRECISION,
        *,
        quiz: bool = False,
        tolerance: float = 0.01,
        style: PageStyle = "edges",
        title: str | None = None,
        start: int = 0,
        backend: Backend = "auto",
        max_nodes: int = MAX_NODES,
    ) -> None:
        self.root = checks.root(root, "viz.stepper")
        self.direction: Direction = checks.choice(direction, "direction", DIRECTIONS)  # type: ignore[assignment]
        self.precision = check_precision(precision)
        self.quiz = checks.flag(quiz, "quiz")
        self.tolerance = checks.positive_float(tolerance, "tolerance")
        self.style: PageStyle = checks.choice(style, "style", STYLES)  # type: ignore[assignment]
        if title is not None and not isinstance(title, str):
            raise TypeError(f"title must be a str, got {type(title).__name__}")
        max_nodes = checks.positive_int(max_nodes, "max_nodes")
        if self.quiz and self.direction == "forward":
            raise ValueError(
                "quiz=True asks for gradients: use direction='backward' or 'both', not 'forward'"
            )
        if self.style == "edges":
            check_size(self.root, max_nodes, LAYERS_HINT)
        checks.scalar_graph(self.root, "viz.stepper")
        self.frames: list[str] = []
        self.tiled: tiles.Tiled | None = None
        self.nudge_script = ""
        if self.style == "edges":
            self.data, self.svg = self._edges(backend, max_nodes)
        else:
            self.data, self.frames = layers.build(self.root, self.direction, self.precision,
                                                  backend, self.quiz, self.tolerance)  # fmt: skip
            self.svg = ""
        name = self.data["output"]
        self.title = title or f"Backprop through {name}"
        self.data["title"] = self.title
        if isinstance(start, bool) or not isinstance(start, int) or not 0 <= start <= len(self):
            raise ValueError(f"start must be a step from 0 to {len(self)}, got {start!r}")
        self.data["start"] = start

    def _edges(self, backend: Backend, max_nodes: int) -> tuple[dict[str, Any], str]:
        with sources.isolated(self.root) as order:
            tl = timeline(self.root, order, self.direction, self.precision)
            drawn = graph_svg(self.root, precision=self.precision,
                              grads=self.direction != "forward", backend=backend,
                              max_nodes=max_nodes)  # fmt: skip
            nudging = not self.quiz and self.direction != "forward"  # gradients to compare
            found = nudge.program(order, self.precision) if nudging else None
        edges = []
        seen: dict[tuple[int, int], int] = {}
        for parent, child, _ in drawn.edges:
            if child < 0:
                edges.append({"from": parent, "to": -1, "partial": "", "formula": ""})
                continue
            operands = [k for k, p in enumerate(order[child].parents) if p is order[parent]]
            k = operands[min(seen.get((parent, child), 0), len(operands) - 1)]
            seen[(parent, child)] = seen.get((parent, child), 0) + 1
            edges.append({"from": parent, "to": child, "partial": tl.partials.get((child, k), ""),
                          "formula": tl.formulas.get((child, k), "")})  # fmt: skip
        data = _data(tl, self, order)
        data["edges"] = edges
        if found is not None:  # a control per leaf; both passes rerun in the browser
            data["nudge"], self.nudge_script = found
        data["svgSize"] = [round(x, 1) for x in drawn.size]
        if len(order) > TILED_ABOVE:
            try:
                self.tiled = tiles.cut(drawn.svg)
                return data, self.tiled.markup
            except tiles.Untileable:  # a renderer's SVG of another shape: one drawing, slower
                pass
        return data, drawn.markup()

    # ---- what the page holds -------------------------------------------------------------

    @property
    def steps(self) -> list[str]:
        """The text of every step the page plays, the start included."""
        return [s["text"] for s in self.data["steps"]]

    def __len__(self) -> int:
        """The number of steps after the start (forward steps plus backward steps)."""
        return len(self.data["steps"]) - 1

    def __repr__(self) -> str:
        quiz = ", quiz" if self.quiz else ""
        return (
            f"<Stepper of {self.data['output']}: {self.direction}, {len(self)} steps,"
            f" style={self.style!r}{quiz}; .save('backprop.html') writes the page>"
        )

    # ---- output -----------------------------------------------------------------------------

    def fragment(
        self, uid: str | None = None, standalone: bool = False, picture: bool = False
    ) -> str:
        """The stepper as an HTML fragment with its own style and script, its id ``uid``.

        With ``picture=True`` (how Jupyter shows it) the fragment also holds a static
        picture of the finished pass and the words "run the cell to step through", and its
        live part only as JSON text that its script turns into the stepper in the picture's
        place. Where no script runs (a notebook opened but not run, or a renderer such as
        GitHub's that sanitises HTML, dropping ``<script>``, ``<style>`` and ``style="…"``),
        the picture and that line are all that shows.
        """
        uid = uid or f"cr-{uuid.uuid4().hex[:12]}"
        still = self.picture() if picture else None
        return _markup(self, uid, standalone, inline_css=not standalone, picture=still)

    def picture(self) -> str:
        """The finished pass as a PNG ``data:`` URI (what a notebook shows before it runs)."""
        from viz.draw import Style, draw

        style: Style = "edges" if self.style == "edges" else "layers"
        with sources.isolated(self.root):
            if self.direction != "forward":
                self.root.backward()
            drawing = draw(self.root, style, precision=self.precision,
                           grads=self.direction != "forward")  # fmt: skip
            png = drawing.pipe(format="png")
        return "data:image/png;base64," + base64.b64encode(png).decode("ascii")

    def html(self) -> str:
        """The whole page: one self-contained HTML document."""
        uid = (
            "cr-"
            + hashlib.sha256(json.dumps(self.data, sort_keys=True).encode("utf-8")).hexdigest()[:12]
        )
        body = f'<h1 class="cr-title">{esc(self.title)}</h1>\n' + _markup(
            self, uid, standalone=True, inline_css=False
        )
        return document(self.title, body, asset("page.css") + asset("stepper.css"))

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (``.html`` added if it has no suffix); return the path."""
        return write(path, self.html())

    def _repr_html_(self) -> str:
        return self.fragment(picture=True)


def backprop_html(bp: Any) -> str:
    """An ``autograd.Backprop`` in Jupyter: its graph's stepper page, open where ``bp`` is.

    The page replays the pass from the start on its own (``bp`` is not advanced);
    it opens after the ``bp.position`` steps already taken.
    """
    root = getattr(bp, "root", None)
    position = getattr(bp, "position", None)
    if not isinstance(root, Value) or not isinstance(position, int):
        raise TypeError(f"backprop_html needs an autograd.Backprop, got {type(bp).__name__}")
    precision = getattr(bp, "precision", DEFAULT_PRECISION)
    return Stepper(root, "backward", precision, start=position).fragment(picture=True)


def _data(tl: Timeline, st: Stepper, order: list[Value]) -> dict[str, Any]:
    """The JSON the page plays (see ``assets/stepper.js`` for how each field is used)."""
    names = [n["name"] for n in tl.nodes]
    table = None
    if tl.header and len(tl.rows) == len(order):
        lower = [h.lower() for h in tl.header]
        table = {
            "header": tl.header,
            "rows": tl.rows,
            "data": lower.index("data") if "data" in lower else None,
            "grad": lower.index("grad") if "grad" in lower else None,
        }
        if st.direction == "forward" and table["grad"] is not None:
            drop = table["grad"]
            table["header"] = [h for j, h in enumerate(tl.header) if j != drop]
            table["rows"] = [[c for j, c in enumerate(r) if j != drop] for r in tl.rows]
            table["grad"] = None
    return {
        "version": 1,
        "mode": "slots",
        "direction": st.direction,
        "output": names[-1],
        "root": len(order) - 1,
        "steps": tl.steps,
        "nodes": tl.nodes,
        "table": table,
        "quiz": {"tolerance": st.tolerance, "questions": tl.questions} if st.quiz else None,
        "speeds": [ms for _, ms in SPEEDS],
    }


def _markup(
    st: Stepper, uid: str, standalone: bool, inline_css: bool, picture: str | None = None
) -> str:
    data = st.data
    last = len(data["steps"]) - 1
    speeds = "".join(
        f'<option value="{ms}"{" selected" if ms == 1000 else ""}>{esc(label)}</option>'
        for label, ms in SPEEDS
    )
    if data["mode"] == "slots":
        graph = st.svg
    else:
        graph = "".join(
            f'<div class="cr-frame" data-frame="{k}"{"" if k == 0 else " hidden"}>{svg}</div>'
            for k, svg in enumerate(st.frames)
        )
    # Inside a notebook the stepper takes its keys for itself: JupyterLab and Notebook 7 skip
    # their shortcuts for events from inside an element marked data-lm-suppress-shortcuts.
    keys = "" if standalone else ' data-lm-suppress-shortcuts="true"'
    live = [
        f"<style>{asset('stepper.css')}</style>" if inline_css else "",
        '<div class="cr-bar" role="toolbar" aria-label="step through the passes">',
        _button("cr-first", "⇤ first", "first step (Home)"),
        _button("cr-prev", "← prev", "previous step (←)"),
        _button("cr-play", "▶ play", "play or pause (space)"),
        _button("cr-next", "next →", "next step (→)"),
        _button("cr-last", "last ⇥", "last step (End)"),
        f'<label class="cr-speed-label">speed <select class="cr-speed">{speeds}</select></label>',
        f'<input type="range" class="cr-slider" min="0" max="{last}" value="0" step="1"'
        ' aria-label="step">',
        '<span class="cr-where" aria-live="polite">start</span>',
        '<span class="cr-zoom">',
        _button("cr-zoom-out", "−", "smaller"),
        _button("cr-zoom-fit", "fit", "fit the graph to the width"),
        _button("cr-zoom-in", "+", "larger"),
        "</span></div>",
        '<div class="cr-main">',
        f'<div class="cr-graph">{graph}</div>',
        '<div class="cr-side">',
        '<pre class="cr-text"></pre>',
        _quiz_box() if data.get("quiz") else "",
        nudge.panel(data["nudge"], [n["name"] for n in data["nodes"]]) if data.get("nudge") else "",
        _table(data["table"]),
        "</div></div>",
        '<div class="cr-help">keys: ← → step, Home / End first / last, space play / pause.'
        " Hover a node or an arrow for its op, local partial, value and gradient."
        ' <span class="cr-key-fwd">blue: forward values</span>,'
        ' <span class="cr-key-bwd">red: gradients</span>, ? = not computed yet.</div>',
        '<div class="cr-tip" hidden></div>',
    ]
    markup = "\n".join(p for p in live if p)
    parts = [
        f'<div class="chainrule-stepper" id="{esc(uid)}" tabindex="0"{keys}'
        f' data-standalone="{int(standalone)}" data-mode="{esc(data["mode"])}" data-step="0">',
        # With a picture, the live part is text in a script block that stepper.js turns into
        # markup: a front end that runs no script and strips <style> and style="…" (GitHub's)
        # shows the picture and nothing of the controls, the graph's labels or the table.
        _still(picture, data["output"]) + json_script(markup, "cr-live-markup")
        if picture
        else f'<div class="cr-live">\n{markup}\n</div>',
        json_script(data, "cr-data"),
        _tiles_script(st.tiled, len(data["nodes"])) if st.tiled else "",
        f"<script>{st.nudge_script}</script>" if st.nudge_script else "",
        f"<script>{asset('stepper.js')}</script>",
        f"<script>{asset('nudge.js')}</script>" if st.nudge_script else "",
        "</div>",
    ]
    return "\n".join(p for p in parts if p)


def _tiles_script(tiled: tiles.Tiled, count: int) -> str:
    """The tile that draws each node (-1: none), for the script to draw the current step's."""
    where = [tiled.tile_of.get(i, -1) for i in range(count)]
    return json_script({"tileOf": where}, "cr-tiles-data")


def _still(picture: str, output: str) -> str:
    """The static stand-in: the finished pass as a picture, and how to bring it to life."""
    return (
        '<div class="cr-static">'
        f'<img src="{esc(picture)}" alt="the graph of {esc(output)} after the backward pass">'
        f"<p>{esc(STILL_TEXT)}</p></div>"
    )


def _button(css_class: str, text: str, tip: str) -> str:
    return (
        f'<button type="button" class="{css_class}" title="{esc(tip)}"'
        f' aria-label="{esc(tip)}">{esc(text)}</button>'
    )


def _quiz_box() -> str:
    return (
        '<div class="cr-quiz" hidden>'
        '<div class="cr-question"></div>'
        '<input class="cr-answer" type="text" inputmode="decimal" autocomplete="off"'
        ' spellcheck="false" aria-label="your answer">'
        + _button("cr-check", "check", "check your answer (Enter)")
        + '<div class="cr-feedback" aria-live="polite"></div>'
        "</div>"
        '<div class="cr-score" aria-live="polite"></div>'
    )


TABLE_TITLE = "Wengert list (the current row is highlighted)"


ROWS_PER_BLOCK = 100
"""Rows per block of a long table (each block is laid out only near the screen)."""
WRAP_WIDTH = 24
"""Characters of an ``inputs`` cell per line in a long table (longer ones wrap)."""


def _table(table: dict[str, Any] | None) -> str:
    if table is None:
        return ""
    numeric = {j for j, h in enumerate(table["header"]) if h.lower() in ("#", "data", "grad")}

    wraps = {j for j, h in enumerate(table["header"]) if h.lower() == "inputs"}

    def cls(j: int) -> str:
        names = ["cr-num"] if j in numeric else ["cr-wrap"] if j in wraps else []
        if j == table["data"]:
            names.append("cr-col-data")
        if j == table["grad"]:
            names.append("cr-col-grad")
        return f' class="{" ".join(names)}"' if names else ""

    head = "".join(f"<th{cls(j)}>{esc(h)}</th>" for j, h in enumerate(table["header"]))
    rows = [
        f'<tr data-row="{i}">'
        + "".join(f"<td{cls(j)}>{esc(c)}</td>" for j, c in enumerate(r))
        + "</tr>"
        for i, r in enumerate(table["rows"])
    ]
    title = esc(table.get("title", TABLE_TITLE))
    if len(rows) > TILED_ABOVE:
        body = _blocks(table, head, rows, wraps)
    else:
        body = (
            f'<table class="cr-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
    return (
        f'<details class="cr-table-box" open><summary>{title}</summary>'
        f'<div class="cr-table-wrap">{body}</div></details>'
    )


def _blocks(table: dict[str, Any], head: str, rows: list[str], wraps: set[int]) -> str:
    """A long table as a header and blocks of :data:`ROWS_PER_BLOCK` rows, each its own
    ``<table>`` with the same fixed column widths (in ``ch``: the table's font is monospaced),
    so that the browser lays out only the blocks near the screen (``content-visibility``)."""
    widths = []
    for j, name in enumerate(table["header"]):
        wide = max(len(name), *(len(r[j]) for r in table["rows"])) + 1
        widths.append(min(wide, WRAP_WIDTH) if j in wraps else wide)
    columns = "<colgroup>" + "".join(f'<col style="width:calc({w}ch + 1.1rem)">' for w in widths)
    size = f"width:calc({sum(widths)}ch + {1.1 * len(widths):.1f}rem)"
    parts = [
        f'<table class="cr-table cr-table-head cr-fixed" style="{size}">{columns}</colgroup>'
        f"<thead><tr>{head}</tr></thead></table>"
    ]
    for first in range(0, len(rows), ROWS_PER_BLOCK):
        block = rows[first : first + ROWS_PER_BLOCK]
        parts.append(
            f'<div class="cr-rows" style="contain-intrinsic-height:auto {25 * len(block)}px">'
            f'<table class="cr-table cr-fixed" style="{size}">{columns}</colgroup>'
            f"<tbody>{''.join(block)}</tbody></table></div>"
        )
    return "".join(parts)


__all__ = [
    "LAYERS_HINT", "TILED_ABOVE", "GraphTooLargeError", "Stepper", "backprop_html", "stepper",
]  # fmt: skip
