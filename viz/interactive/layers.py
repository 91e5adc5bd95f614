"""The layers view of the stepper: one box per layer, one step per layer.

For graphs too large to draw value by value, and for the seed's Figure 9.3.
Nodes are grouped into the stages of :func:`autograd.layer_graph` (``nn`` names
its layers ``layers.0``, ``layers.1``, …; ungrouped ops that feed one another,
a loss, are one stage); leaves outside every stage are the inputs. A forward
step computes a whole layer (its text: the engine's forward steps inside it); a
backward step is one step of ``Backprop(root, by="layer")``, the vector chain
rule with its numbers. Each step is a frame drawn by :func:`viz.draw` in the
layers style at that point of the pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from autograd import LayerBackprop, Value, layer_graph
from viz.draw import draw
from viz.errors import GraphTooLargeError
from viz.interactive import sources
from viz.interactive.layer_table import LayerTable
from viz.interactive.model import Direction
from viz.interactive.svg import parse
from viz.render import Backend, pipe
from viz.walk import check_size

MAX_NODES = 50_000
"""The layers stepper's limit (the page holds the text of every engine step)."""
SLOT_ATTRIBUTES = ("data-node", "data-kind", "data-to", "data-operand")
"""What marks a number the page rewrites at each step (the scalar view's numbers by node);
a frame's numbers are already those of its step, so its texts carry none of them."""
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
    root: Value,
    direction: Direction,
    precision: int,
    backend: Backend,
    quiz: bool = False,
    tolerance: float = 0.01,
) -> tuple[dict[str, Any], list[str]]:
    """The page data (mode ``"frames"``) and one SVG per step; the table has a row per layer
    vector (:mod:`viz.interactive.layer_table`), and ``quiz`` asks for their gradients."""
    check_size(root, MAX_NODES, "Step through a smaller piece of the graph.")
    steps: list[dict[str, Any]] = []
    frames: list[str] = []
    with sources.isolated(root) as order:
        names = sources.names(root, precision)
        graph = layer_graph(root, output_name=names[root])
        stage_of = {id(v): stage.key for stage in graph.stages for v in stage.members}
        keys = [stage_of.get(id(v), "inputs") for v in order]
        table = LayerTable(graph, names[root])
        texts: dict[int, str] = {}
        forward_text = (
            dict(sources.forward_steps(root, precision)) if direction != "backward" else {}
        )

        def frame(stepper: _At | LayerBackprop, grads: bool) -> str:
            drawing = draw(root, "layers", step=stepper, group_depth=graph.depth,
                           precision=precision, grads=grads, max_nodes=MAX_NODES)  # fmt: skip
            svg = parse(pipe(str(drawing.source), "svg", backend).decode("utf-8"))
            for _, _, element in svg.slots:  # drawn at its step: not a slot the page fills in
                for key in SLOT_ATTRIBUTES:
                    element.attrib.pop(key, None)
            return svg.markup()

        if direction != "backward":
            runs = _runs(order, keys)
            fw_order = [v for _, members in runs for v in members]
            steps.append(_step("start", "start", _start(direction, names[root]), 0))
            frames.append(frame(_At(root, fw_order, 0, "forward"), grads=False))
            done = 0
            for k, (key, members) in enumerate(runs, 1):
                done += len(members)
                text = _join([forward_text[v] for v in members if v in forward_text])
                table.forward_at[key] = len(steps)
                steps.append(_step("forward", f"forward {k}/{len(runs)}: {key}", text, len(frames)))
                frames.append(frame(_At(root, fw_order, done, "forward"), grads=False))
        if direction != "forward":
            bp = LayerBackprop(root, precision, group_depth=graph.depth, output_name=names[root])
            if not steps:
                steps.append(_step("start", "start", _start(direction, names[root]), 0))
                frames.append(frame(bp, grads=True))
            for layer in bp:
                label = f"backward {layer.index}/{layer.total}: {layer.stage.key}"
                table.backward_at[layer.stage.key] = len(steps)
                texts[len(steps)] = str(layer)
                steps.append(_step("backward", label, _join(list(layer.lines)), len(frames)))
                table.partly_summed(len(steps) - 1, precision)
                frames.append(frame(bp, grads=True))
        cells, nodes, questions = table.data(precision, quiz, texts)
    if direction == "forward":
        cells = {**cells, "header": cells["header"][:2], "grad": None,
                 "rows": [row[:2] for row in cells["rows"]]}  # fmt: skip
    data = {
        "version": 1,
        "mode": "frames",
        "direction": direction,
        "output": names[root],
        "root": len(order) - 1,
        "steps": steps,
        "nodes": nodes,
        "edges": [],
        "table": cells,
        "quiz": {"tolerance": tolerance, "questions": questions} if quiz else None,
    }
    return data, frames


def _runs(order: list[Value], keys: list[str]) -> list[tuple[str, list[Value]]]:
    """The forward layer steps: ``(stage, nodes)``, the inputs first, then each stage (its
    leaves too) in the order of its first op."""
    groups: dict[str, list[int]] = {}
    first: dict[str, int] = {}
    for i, (node, key) in enumerate(zip(order, keys)):
        groups.setdefault(key, []).append(i)
        if not node.is_leaf or key == "inputs":
            first.setdefault(key, i)
    ranked = sorted(groups, key=lambda key: (key != "inputs", first.get(key, groups[key][0])))
    return [(key, [order[i] for i in groups[key]]) for key in ranked]


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
        f" layer of {out}'s graph; forward, the text lists the engine's steps inside it;"
        " backward, the vector chain rule with its numbers."
    )


def _step(phase: str, label: str, text: str, frame: int) -> dict[str, Any]:
    return {"phase": phase, "label": label, "text": text, "node": None, "frame": frame}


__all__ = ["MAX_NODES", "GraphTooLargeError", "build"]
