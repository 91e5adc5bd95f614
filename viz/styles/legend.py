"""The key under a drawing: what each colour means, the stepping states, and a caption.

It is the graph's own label, so Graphviz places it below the graph, clear of every
node. Every text is escaped (:func:`viz.labels.text`): the output's name and the
caption are user data.
"""

from __future__ import annotations

import graphviz

from viz.labels import html_label, text
from viz.styles.common import DONE, LAST, NEXT, PENDING, Options
from viz.walk import StepState

SIZE = 11
SPACE = "&#160;" * 4
"""Between two entries of one line."""
PER_ROW = 2
"""Key entries on one line; more go on further lines, so the key stays narrow."""


def legend(g: graphviz.Digraph, opts: Options, entries: list[tuple[str, str]]) -> None:
    """Label ``g`` with ``entries`` (text, colour), the step states and ``opts.caption``."""
    rows = []
    if entries:
        lines = [
            SPACE.join(text(t, colour, SIZE) for t, colour in entries[k : k + PER_ROW])
            for k in range(0, len(entries), PER_ROW)
        ]
        rows.append(f'<td align="left" balign="left">{"<br/>".join(lines)}</td>')
    if opts.step is not None:
        rows.append(_states(opts.step))
    if opts.caption or opts.caption_room:
        rows.append(_caption(opts.caption, opts.caption_room, opts.caption_size))
    if not rows:
        return
    body = "".join(f"<tr>{r}</tr>" for r in rows)
    g.attr(label=html_label(f'<table border="0" cellborder="0" cellspacing="4">{body}</table>'),
           labelloc="b", fontsize=str(SIZE))  # fmt: skip


def _caption(caption: str, room: tuple[float, int] | None, size: float = SIZE) -> str:
    """The caption's cell, padded to ``room`` (width in points, lines) when given."""
    lines = caption.split("\n")
    attrs = ""
    if room is not None:
        lines += [" "] * (room[1] - len(lines))
        attrs = f' width="{room[0]:.0f}"'
    return f'<td align="left" balign="left"{attrs}>{text(chr(10).join(lines), size=size)}</td>'


def _states(step: StepState) -> str:
    """A swatch (a square in the state's colour) for each stepping state, and what ``?`` means.

    Squares are characters, so the line stays one text run and keeps to the left.
    """
    just = "just processed" if step.backward else "just computed"
    swatches = [("■", LAST, just), ("■", NEXT, "next"), ("■", DONE, "done"),
                ("□", PENDING, "not reached")]  # fmt: skip
    unknown = (
        "? = not known yet, g + ? = partly summed" if step.backward else "? = not computed yet"
    )
    runs = [
        text(square, colour, SIZE + 4) + text(f" {name}", size=SIZE)
        for square, colour, name in swatches
    ]
    runs.append(text(unknown, size=SIZE))
    return f'<td align="left">{SPACE.join(runs)}</td>'
