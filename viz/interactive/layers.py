"""The layers view of the stepper: one box per layer, one step per layer.

For graphs too large to draw value by value. Nodes are grouped by
``Value.group`` cut to its first :data:`DEPTH` dotted parts (``nn`` names its
layers ``layers.0``, ``layers.1``, …); nodes outside every group are the
inputs (leaves) or steps of their own (ops). A forward step computes a whole
layer, a backward step runs every chain-rule step inside one. Each step is a
frame drawn by :func:`viz.draw` in the layers style at that point of the pass;
its text is the ``str()`` of the engine's steps inside the layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from autograd import Value
from viz.draw import draw
from viz.errors import GraphTooLargeError
from viz.grouping import cut
from viz.interactive import sources
from viz.interactive.model import Direction
from viz.interactive.svg import parse
from viz.render import Backend, pipe
from viz.walk import check_size

DEPTH = 2
"""Group names are cut to this many dotted parts: ``layers.0.neurons.3`` steps as ``layers.0``."""
MAX_NODES = 50_000
"""The layers stepper's limit (the page holds the text of every engine step)."""
MAX_LINES = 60
"""Lines of step text shown per layer step; the rest are counted."""


@dataclass
class _At:
    """A stand-in stepper for :func:`viz.draw`: ``order`` done up to ``position``."""

    root: Value
    order: list[Value]
    position: int
    direction: str

    @property
    def current(self) -> Value | None:
        return self.order[self.position] if self.position < len(self.order) else None


def build(
    root: Value, direction: Direction, precision: int, backend: Backend
) -> tuple[dict[str, Any], list[str]]:
    """The page data (mode ``"frames"``) and one SVG per step."""
    check_size(root, MAX_NODES, "Step through a smaller piece of the graph.")
    steps: list[dict[str, Any]] = []
    frames: list[str] = []
    with sources.isolated(root) as order:
        names = sources.names(root, precision)
        keys = [_key(v) for v in order]
        forward = sources.forward_steps(root, precision) if direction != "backward" else []
        forward_text = dict(forward)
        bp = sources.backprop(root, precision)
        backward_text = {id(step.node): text for step, text in sources.backward_steps(bp)}

        def frame(stepper: _At, grads: bool) -> str:
            drawing = draw(root, "layers", step=stepper, group_depth=DEPTH, precision=precision,
                           grads=grads, max_nodes=MAX_NODES)  # fmt: skip
            return parse(pipe(str(drawing.source), "svg", backend).decode("utf-8")).markup()

        if direction != "backward":
            runs = _runs(order, keys, names, forward=True)
            fw_order = [v for _, members in runs for v in members]
            steps.append(_step("start", "start", _start(direction, names[root]), 0))
            frames.append(frame(_At(root, fw_order, 0, "forward"), grads=False))
            done = 0
            for k, (key, members) in enumerate(runs, 1):
                done += len(members)
                text = _join([forward_text[v] for v in members if v in forward_text])
                steps.append(_step("forward", f"forward {k}/{len(runs)}: {key}", text, len(frames)))
                frames.append(frame(_At(root, fw_order, done, "forward"), grads=False))
        if direction != "forward":
            runs = _runs(order, keys, names, forward=False)
            bw_order = [v for _, members in runs for v in members]
            if not steps:
                steps.append(_step("start", "start", _start(direction, names[root]), 0))
                frames.append(frame(_At(root, bw_order, 0, "backward"), grads=True))
            done = 0
            for k, (key, members) in enumerate(runs, 1):
                done += len(members)
                text = _join([backward_text[id(v)] for v in members if id(v) in backward_text])
                steps.append(_step("backward", f"backward {k}/{len(runs)}: {key}", text,
                                   len(frames)))  # fmt: skip
                frames.append(frame(_At(root, bw_order, done, "backward"), grads=True))
    data = {
        "version": 1,
        "mode": "frames",
        "direction": direction,
        "output": names[root],
        "root": len(order) - 1,
        "steps": steps,
        "nodes": [],
        "edges": [],
        "table": None,
        "quiz": None,
    }
    return data, frames


def _key(node: Value) -> str:
    group = cut(node.group, DEPTH)
    if group:
        return group
    return "inputs" if node.is_leaf else ""


def _runs(
    order: list[Value], keys: list[str], names: dict[Value, str], forward: bool
) -> list[tuple[str, list[Value]]]:
    """The layer steps: ``(name, nodes)`` in the order the pass reaches each layer.

    Forward: every node (leaves too) by layer, layers in the order of their first
    op. Backward: the ops only (leaves pass nothing on), layers in reverse.
    An op outside every group is a step of its own, named after its node: ``L (**2)``.
    """
    groups: dict[str, list[int]] = {}
    first: dict[str, int] = {}
    for i, (node, key) in enumerate(zip(order, keys)):
        if not forward and node.is_leaf:
            continue
        name = key or f"{names[node]} ({node.op})"
        groups.setdefault(name, []).append(i)
        if not node.is_leaf or name == "inputs":
            first.setdefault(name, i)
    if not forward:
        ranked = sorted(groups, key=lambda name: -groups[name][-1])
        return [(name, [order[i] for i in reversed(groups[name])]) for name in ranked]
    ranked = sorted(groups, key=lambda name: (name != "inputs", first.get(name, groups[name][0])))
    return [(name, [order[i] for i in groups[name]]) for name in ranked]


def _join(texts: list[str]) -> str:
    lines = "\n".join(texts).splitlines()
    if len(lines) <= MAX_LINES:
        return "\n".join(lines)
    more = len(lines) - MAX_LINES
    return "\n".join(lines[:MAX_LINES]) + f"\n… and {more} more lines (Backprop prints all)"


def _start(direction: Direction, out: str) -> str:
    what = {"forward": "forward", "backward": "backward", "both": "forward, then backward,"}
    return (
        f"Start: one box per layer. Each step runs the {what[direction]} pass through a whole"
        f" layer of {out}'s graph; the text lists the engine's steps inside it."
    )


def _step(phase: str, label: str, text: str, frame: int) -> dict[str, Any]:
    return {"phase": phase, "label": label, "text": text, "node": None, "frame": frame}


__all__ = ["DEPTH", "MAX_NODES", "GraphTooLargeError", "build"]
