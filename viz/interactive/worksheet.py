"""``viz.worksheet``: a printable backprop worksheet, and its answer key, in one call.

Each exercise is a graph in the edges style with its forward values filled in
and a ``?`` where each gradient goes (a value used more than once: a ``?`` for
each arrow's share and one for their sum, ``x.grad = ? + ? = ?``), plus its
Wengert list with an empty gradient column. The key (``answers=True``) is the same page with the
gradients filled in and the worked backward pass (``str()`` of every
``autograd.Backprop`` step) under each graph. Pages depend only on the graphs,
so the same expressions give the same file byte for byte.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from autograd import Value, topological_order
from autograd.explain import DEFAULT_PRECISION, check_precision, sum_text
from viz.interactive import checks, sources
from viz.interactive.html import asset, document, esc, write
from viz.interactive.svg import graph_svg
from viz.render import Backend

BLANK = "?"


def worksheet(
    roots: Value | Sequence[Value],
    path: str | os.PathLike[str],
    answers: bool = False,
    *,
    title: str = "Backprop worksheet",
    precision: int = DEFAULT_PRECISION,
    backend: Backend = "auto",
) -> Path:
    """Write a printable worksheet for ``roots`` (one exercise each) to ``path``; return it.

    With ``answers=True`` it writes the key: the same drawings with every gradient
    filled in and the backward pass worked step by step. The graphs' gradients are
    left as they were.
    """
    items = _roots(roots)
    checks.flag(answers, "answers")
    if not isinstance(title, str):
        raise TypeError(f"title must be a str, got {type(title).__name__}")
    check_precision(precision)
    sections = [_exercise(k, root, answers, precision, backend) for k, root in enumerate(items, 1)]
    heading = f"{title} — answers" if answers else title
    intro = (
        "The gradients are filled in below each arrow (a value used more than once: each"
        " arrow's share, and their sum at the value), and each backward pass is worked out"
        " step by step."
        if answers
        else "Each graph shows its forward values above the arrows. Fill in every gradient"
        " ∂L/∂value (each ?) below its arrow and in the table, working backward from the"
        " output, where ∂L/∂L = 1. Where a value is used more than once, write below each"
        " of its arrows the gradient that flows back along it (∂L/∂user · ∂user/∂value), then"
        " add them up where the arrows meet (x.grad = ? + ? = ?)."
    )
    body = (
        f'<main class="cr-sheet">\n<h1 class="cr-title">{esc(heading)}</h1>\n'
        '<p class="cr-name">Name: ______________________</p>\n'
        f'<p class="cr-intro">{esc(intro)}</p>\n' + "\n".join(sections) + "\n</main>"
    )
    return write(path, document(heading, body, asset("page.css") + asset("worksheet.css")))


def _roots(roots: object) -> list[Value]:
    if isinstance(roots, Value):
        return [roots]
    if isinstance(roots, (str, bytes)) or not isinstance(roots, Sequence):
        raise TypeError(
            f"roots must be an autograd.Value or a sequence of Values, got {type(roots).__name__}"
        )
    if not roots:
        raise ValueError("roots is empty: give at least one expression")
    for k, root in enumerate(roots):
        checks.root(root, "viz.worksheet", f"roots[{k}]")
        checks.scalar_graph(root, "viz.worksheet", f"roots[{k}]")
    return list(roots)


def _exercise(k: int, root: Value, answers: bool, precision: int, backend: Backend) -> str:
    with sources.isolated(root):
        bp = sources.backprop(root, precision)
        worked = [text for _, text in sources.backward_steps(bp)]
        header, rows = sources.table(bp)
        drawn = graph_svg(root, precision=precision, backend=backend)
    names = sources.names(root, precision)
    if not answers:
        order = topological_order(root)
        arrows = Counter(node for node, kind, _ in drawn.slots if kind == "share")

        def blank(node: int, kind: str) -> str | None:
            if kind == "total":  # a blank for each arrow's share, and one for their sum
                return f"{names[order[node]]}.grad = {sum_text([BLANK] * arrows[node], 0, BLANK)}"
            return BLANK if kind in ("grad", "share") else None

        drawn.set_texts(blank)
    lower = [h.lower() for h in header]
    grad = lower.index("grad") if "grad" in lower else None
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="cr-blank">{"" if not answers else esc(c)}</td>'
            if j == grad
            else f"<td>{esc(c)}</td>"
            for j, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    solution = (
        '<h3>The backward pass, step by step</h3><pre class="cr-worked">'
        + esc("\n".join(worked) or "(the output is an input: ∂L/∂L = 1)")
        + "</pre>"
        if answers
        else ""
    )
    return (
        f'<section class="cr-exercise">\n'
        f"<h2>Exercise {k}: the gradients of {esc(names[root])}</h2>\n"
        f'<div class="cr-figure">{drawn.markup()}</div>\n'
        f'<table class="cr-wengert"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>\n'
        f"{solution}\n</section>"
    )


__all__ = ["worksheet"]
