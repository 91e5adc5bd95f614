"""Edge labels that cannot drift: a small label node that the arrow runs through.

``tail → [above ━━ below] → head``: the label is an HTML-like table whose middle
cell is a bar in the edge's colour; the arrow enters the bar on one side and
leaves it on the other, so the text sits above and below its own arrow (left
and right of it when the graph runs top to bottom). A label is a node, so
Graphviz keeps it clear of every other node and label, with either renderer.
"""

from __future__ import annotations

import graphviz

from viz.labels import html_label

PORTS = {"LR": ("w", "e"), "RL": ("e", "w"), "TB": ("n", "s"), "BT": ("s", "n")}
"""Where the arrow enters and leaves the label's bar, by ``rankdir``."""


def cell(body: str, min_width: float = 0.0, padding: int = 1) -> str:
    """A table cell holding HTML-like text, at least ``min_width`` points wide ("" if empty)."""
    width = f' width="{min_width:.0f}"' if min_width else ""
    return f'<td{width} cellpadding="{padding}">{body}</td>' if body else ""


def labelled_edge(
    g: graphviz.Digraph,
    tail: str,
    head: str,
    name: str,
    above: str,
    below: str,
    rankdir: str,
    edge: dict[str, str] | None = None,
) -> None:
    """Draw ``tail → head`` through label node ``name`` with cells ``above`` and ``below``.

    ``above`` and ``below`` are table cells (see :func:`cell`); ``tail`` may carry a
    port (``g1:r0:e``). ``edge`` holds the arrow's attributes (colour, pen width).
    """
    attrs = dict(edge or {})
    colour = attrs.get("color", "black")
    thickness = max(1, round(float(attrs.get("penwidth", "1"))))
    into, out = PORTS[rankdir]
    if rankdir in ("LR", "RL"):
        bar = f'<td port="c" height="{thickness}" cellpadding="0" bgcolor="{colour}"></td>'
        rows = [r for r in (above, bar, below) if r]
        body = "".join(f"<tr>{r}</tr>" for r in rows)
    else:
        bar = f'<td port="c" width="{thickness}" cellpadding="0" bgcolor="{colour}"></td>'
        body = f"<tr>{above}{bar}{below}</tr>"
    table = f'<table border="0" cellborder="0" cellspacing="0">{body}</table>'
    g.node(name, html_label(table), shape="plain")
    g.edge(tail, f"{name}:c:{into}", arrowhead="none", **attrs)
    g.edge(f"{name}:c:{out}", head, **attrs)
