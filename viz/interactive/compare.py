"""``viz.compare_backprop``: a classic backprop bug beside the correct pass, on your graph.

Both passes are drawn on one layout (the edges style): the correct gradients
on the left, the buggy ones on the right. The first node where they disagree,
in the order backprop reaches nodes (output first), is highlighted in both, and
one sentence says why the bug gives that node a wrong gradient.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from autograd import Value, format_number, topological_order
from autograd.explain import DEFAULT_PRECISION, check_precision
from viz.fanout import Shares
from viz.interactive import bugs, checks, sources
from viz.interactive.html import asset, document, esc, write
from viz.interactive.svg import GraphSvg, graph_svg
from viz.render import Backend
from viz.walk import GraphView


@dataclass
class Comparison:
    """The correct and the buggy gradients of one graph, and where they first part."""

    bug: str
    root: Value
    names: dict[Value, str]
    correct: dict[Value, float]
    buggy: dict[Value, float]
    first: Value | None
    """The first node, output first, whose buggy gradient is wrong (None: the bug does not show)."""
    why: str
    precision: int = DEFAULT_PRECISION
    drawings: tuple[GraphSvg, GraphSvg] | None = field(default=None, repr=False)

    @property
    def wrong(self) -> list[Value]:
        """Every node whose buggy gradient is wrong, output first."""
        return [v for v in _backward_order(self.root) if not _same(self.correct[v], self.buggy[v])]

    def __str__(self) -> str:
        rows = [("node", "correct", f"with {self.bug}", "")]
        for v in _backward_order(self.root):
            mark = "← first wrong" if v is self.first else "wrong" if v in self.wrong else ""
            rows.append((self.names[v], self._num(self.correct[v]), self._num(self.buggy[v]), mark))
        widths = [max(len(r[c]) for r in rows) for c in range(4)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        return "\n".join([*lines, "", self.why])

    def _num(self, x: float) -> str:
        return format_number(x, self.precision)

    def fragment(self) -> str:
        """The comparison as an HTML fragment (two drawings, the table, the sentence)."""
        bug = bugs.DESCRIPTIONS[self.bug]
        left, right = self.drawings or (None, None)
        rows = "".join(
            f'<tr class="{"cr-first-row" if v is self.first else ""}"><td>{esc(self.names[v])}</td>'
            f'<td class="cr-num">{esc(self._num(self.correct[v]))}</td>'
            f'<td class="cr-num{" cr-bad" if v in self.wrong else ""}">'
            f"{esc(self._num(self.buggy[v]))}</td></tr>"
            for v in _backward_order(self.root)
        )
        figure = (
            '<div class="cr-pair">'
            f"<figure><figcaption>correct: <code>backward()</code></figcaption>{left.markup()}"
            "</figure>"
            f"<figure><figcaption>with the bug: <code>{esc(self.bug)}</code></figcaption>"
            f"{right.markup()}</figure></div>"
            if left is not None and right is not None
            else ""
        )
        return (
            f'<div class="chainrule-compare" data-bug="{esc(self.bug)}">'
            f"<style>{asset('compare.css')}</style>"
            f'<p class="cr-does">The buggy pass {esc(bug.does)}.</p>'
            f'<p class="cr-why">{esc(self.why)}</p>'
            f"{figure}"
            '<table class="cr-grads"><thead><tr><th>node</th><th>correct</th>'
            f"<th>with the bug</th></tr></thead><tbody>{rows}</tbody></table>"
            f'<p class="cr-fix">The fix: {esc(bug.fix)}.</p></div>'
        )

    def html(self) -> str:
        """A standalone page with the comparison."""
        title = f"Backprop with the bug {self.bug}, beside the correct pass"
        body = f'<h1 class="cr-title">{esc(title)}</h1>\n{self.fragment()}'
        return document(title, body, asset("page.css"))

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the comparison page to ``path``; return the path."""
        return write(path, self.html())

    def _repr_html_(self) -> str:
        return self.fragment()


def compare_backprop(
    root: Value,
    bug: str,
    *,
    precision: int = DEFAULT_PRECISION,
    backend: Backend = "auto",
) -> Comparison:
    """Run the pass with ``bug`` beside the correct one on ``root``'s graph.

    ``bug`` is one of ``"no_toposort"``, ``"assign_not_accumulate"``,
    ``"backward_twice"``, ``"zero_params_only"``; :func:`bug_example` gives a graph
    where each shows. ``str()`` of the result is a table; ``.save(path)`` writes a
    page with both drawings, Jupyter shows it inline. The graph is left unchanged.
    """
    checks.root(root, "viz.compare_backprop")
    checks.choice(bug, "bug", bugs.BUGS)
    check_precision(precision)
    checks.scalar_graph(root, "viz.compare_backprop")
    names = sources.names(root, precision)
    right = bugs.correct(root)
    visited: list[Value] = []
    if bug == "no_toposort":
        wrong, visited = bugs.no_toposort(root)
    else:
        wrong = bugs.run(bug, root)
    first = next((v for v in _backward_order(root) if not _same(right[v], wrong[v])), None)
    why = _why(bug, root, names, right, wrong, first, visited, precision)
    result = Comparison(bug, root, names, right, wrong, first, why, precision)
    result.drawings = _drawings(result, backend)
    return result


def bug_example(bug: str) -> Value:
    """A small graph (a diamond or a reused node) on which ``bug`` gives wrong gradients."""
    checks.choice(bug, "bug", bugs.BUGS)
    return bugs.example(bug)


def _drawings(c: Comparison, backend: Backend) -> tuple[GraphSvg, GraphSvg]:
    order = topological_order(c.root)
    saved = [v.grad for v in order]
    try:
        for v in order:
            v.grad = c.correct[v]
        left = graph_svg(c.root, precision=c.precision, backend=backend)
    finally:
        for v, g in zip(order, saved):
            v.grad = g
    right = left.copy()
    position = {v: i for i, v in enumerate(order)}
    # what the buggy pass sends back along each arrow, and what the reused values add up to
    buggy = Shares(GraphView.of(c.root, None), upstream=lambda i: c.buggy[order[i]])

    def text(i: int, kind: str) -> str | None:
        if kind == "grad":
            return c._num(c.buggy[order[i]])
        if kind == "total":
            return f"{c.names[order[i]]}.grad = {buggy.total(i, c.precision, c.buggy[order[i]])}"
        return None

    right.set_texts(text)

    def share(parent: int, child: int, k: int) -> str:
        found = buggy.share((parent, child, k))
        return "?" if found is None else c._num(found)

    right.set_shares(share)
    wrong = {position[v] for v in c.wrong}
    for i, kind, el in right.slots:
        if kind in ("grad", "total") and i in wrong:
            el.set("class", (el.get("class", "") + " cr-bad").strip())
    if c.first is not None:
        for drawing in (left, right):
            drawing.mark_node(position[c.first], "cr-first-wrong")
    return left, right


def _why(
    bug: str,
    root: Value,
    names: dict[Value, str],
    right: dict[Value, float],
    wrong: dict[Value, float],
    first: Value | None,
    visited: list[Value],
    precision: int,
) -> str:
    def num(x: float) -> str:
        return format_number(x, precision)

    if first is None:
        reason = {
            "no_toposort": "breadth-first order happens to reach every node after all its users",
            "assign_not_accumulate": "no node is used twice, so there is nothing to add up",
        }.get(bug, "every gradient here comes out the same")
        return (
            f"On this graph the bug changes nothing: {reason}. Try it on"
            f" viz.bug_example({bug!r}), a graph where it shows."
        )
    name = names[first]
    got = f"{name}.grad is {num(wrong[first])} instead of {num(right[first])}"
    if bug == "no_toposort":
        early, late = _too_early(root, visited)
        return (
            f"{got}: visiting breadth-first, {names[early]} passed its gradient on before"
            f" {names[late]}, which also uses {names[early]}, had added its part. Without a"
            " topological order a node can be processed before every node that uses it."
        )
    if bug == "assign_not_accumulate":
        users = [names[u] for u in topological_order(root) for p in u.parents if p is first]
        return (
            f"{got}: {name} is used {len(users)} times (by {', '.join(users)}), and with = instead"
            f" of += each use overwrote the one before, so only the last use's part is left."
            " A gradient is the sum over every use of the value."
        )
    if bug == "backward_twice":
        return (
            f"{got}: the second backward() added onto what the first one left, and {name}"
            " passed that doubled gradient on, so the error compounds toward the inputs."
            " Zero every gradient before each backward()."
        )
    return (
        f"{got}: {name} is not a parameter, so zeroing the parameters left its gradient from"
        " the first pass; the second pass added onto it and passed the stale sum on to its"
        " inputs."
    )


def _too_early(root: Value, visited: list[Value]) -> tuple[Value, Value]:
    """The first node breadth-first visits before one of its users, and that user."""
    when = {v: k for k, v in enumerate(visited)}
    for node in visited:
        for user in visited:
            if node in user.parents and when[user] > when[node]:
                return node, user
    return root, root  # pragma: no cover - only called when the bug shows


def _backward_order(root: Value) -> list[Value]:
    return list(reversed(topological_order(root)))


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


__all__ = ["Comparison", "bug_example", "compare_backprop"]
