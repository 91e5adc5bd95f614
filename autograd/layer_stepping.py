"""The backward pass one layer at a time: the vector chain rule with its numbers.

``Backprop(loss, by="layer")`` (or :class:`LayerBackprop`) walks the stages of
:func:`autograd.layered.layer_graph` from the loss back to the input. At an affine
layer ``h = act(z)``, ``z = W·x + b`` (§9.4) a step prints

    ∂L/∂z2 = ∂L/∂h2 ⊙ tanh′(z2) = [...] ⊙ [...] = [...]
    ∂L/∂f2.W = ∂L/∂z2 · h1ᵀ = [[...]]
    ∂L/∂f2.b = ∂L/∂z2 = [...]
    ∂L/∂h1 = f2.Wᵀ · ∂L/∂z2 = [...]

computed with those matrix formulas (a batch: summed over its samples for W and
b), the activation's derivative from the op table. Any other stage (a loss) is
differentiated by :func:`autograd.gradients`, each input receiving only what this
stage's ops send back to it. A vector that several stages read shows its gradient
as the sum of their shares so far (``[…] + ?`` until the last of them is stepped,
like the scalar stepper's ``3 + ?``). Each step writes the gradients it
found onto the Values, so a drawing (``viz.draw(loss, "layers", step=stepper)``)
shows the pass mid-way; every number equals the scalar engine's gradient.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd.backward import gradients, local_partials
from autograd.data import data_of
from autograd.graph import topological_order
from autograd.layered import LayerGraph, Stage, Vector, layer_graph
from autograd.naming import DEFAULT_PRECISION, check_precision, format_number
from autograd.shares import shares, sum_text
from autograd.value import Value
from autograd.vectors import format_matrix, format_vector


@dataclass(frozen=True)
class LayerStep:
    """One layer's backward step: its stage, position, and the lines of its chain rule."""

    index: int
    total: int
    stage: Stage
    lines: tuple[str, ...]

    def __str__(self) -> str:
        """The step's head line, then its formulas; one longer than :data:`WRAP` characters
        continues under its first ``=`` (``∂L/∂z2 = ∂L/∂h2 ⊙ tanh′(z2)``, ``= […] ⊙ […]``)."""
        head = f"backward {self.index}/{self.total}: {self.stage.key}"
        return "\n".join([head, *(f"  {part}" for line in self.lines for part in _wrap(line))])


class LayerBackprop:
    """Step a backward pass one layer (stage) at a time; see the module's docstring.

    ``group_depth`` picks the stages as :func:`autograd.layered.layer_graph` does;
    ``output_name`` is the loss's name in the formulas (``L``). Gradients of the
    whole graph start from 0, like :class:`autograd.Backprop`.
    """

    direction = "backward"

    def __init__(
        self,
        root: Value,
        precision: int = DEFAULT_PRECISION,
        *,
        group_depth: int | None = None,
        output_name: str = "L",
    ) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"Backprop needs a Value, got {type(root).__name__}")
        self.precision = check_precision(precision)
        self.root = root
        self.graph: LayerGraph = layer_graph(root, group_depth, output_name=output_name)
        self.out = output_name
        for node in topological_order(root):
            node.grad = 0.0
        self.stages = list(reversed(self.graph.stages))
        self.order = [v for stage in self.stages for v in reversed(stage.members)]
        self.done_stages = 0
        self.steps: list[LayerStep] = []
        self.readers: dict[int, set[int]] = {}
        """Which stages (their ids) read each node (its id) as an input."""
        for stage in self.graph.stages:
            for vector in stage.inputs:
                for v in vector.nodes:
                    self.readers.setdefault(id(v), set()).add(id(stage))
        self.received: dict[tuple[int, int], Any] = {}
        """The share each stepped stage sent back to each of its inputs: (node, stage) ids."""

    # ---- what a drawing reads (viz.walk.Stepping) ----------------------------------------

    @property
    def position(self) -> int:
        """How many nodes of :attr:`order` the finished steps cover."""
        return sum(len(stage.members) for stage in self.stages[: self.done_stages])

    @property
    def current(self) -> Value | None:
        return self.order[self.position] if self.done_stages < len(self.stages) else None

    # ---- stepping ------------------------------------------------------------------------

    def step(self) -> LayerStep:
        """Take the next layer backwards; StopIteration when the pass is done."""
        if self.done_stages >= len(self.stages):
            raise StopIteration("the backward pass is done: every layer has been stepped")
        stage = self.stages[self.done_stages]
        if self.done_stages == 0:
            self.root.grad = _ones_like(self.root.data)
        lines = self._affine(stage) if stage.affine is not None else self._generic(stage)
        self.done_stages += 1
        found = LayerStep(self.done_stages, len(self.stages), stage, tuple(lines))
        self.steps.append(found)
        return found

    def run(self) -> list[LayerStep]:
        """Every remaining step."""
        found = []
        while self.done_stages < len(self.stages):
            found.append(self.step())
        return found

    def __iter__(self) -> LayerBackprop:
        return self

    def __next__(self) -> LayerStep:
        return self.step()

    def __repr__(self) -> str:
        return f"<LayerBackprop: {self.done_stages}/{len(self.stages)} layers stepped>"

    # ---- one stage -----------------------------------------------------------------------

    def _affine(self, stage: Stage) -> list[str]:
        affine = stage.affine
        assert affine is not None
        x_vector = stage.inputs[affine.input]
        x, h, z = x_vector.name, stage.output.name, affine.pre_name
        W, b = stage.param_name("W"), stage.param_name("b")
        d = f"∂{self.out}/∂"
        gh = [v.grad for v in stage.output.nodes]
        lines = []
        if affine.activation is not None:
            slopes = [local_partials(v)[0] for v in stage.output.nodes]
            gz = [g * s for g, s in zip(gh, slopes)]
            act = affine.activation.symbol
            lines.append(
                f"{d}{z} = {d}{h} ⊙ {act}′({z}) = {self._vec(gh)} ⊙ {self._vec(slopes)}"
                f" = {self._vec(gz)}"
            )
        else:
            gz = list(gh)
            lines.append(f"{d}{z} = {d}{h} = {self._vec(gz)}  (no activation: {h} = {z})")
        members = set(stage.members)
        for zj, g in zip(affine.pre, gz):
            for node in _sum_tree(zj, members):  # z itself, and b + w₁x₁ + … written out
                node.grad = g
        xs = x_vector.nodes
        for row, g in zip(affine.weights, gz):
            for w, xi in zip(row, xs):
                w.grad = w.grad + _reduce(g * data_of(xi), w.data)
        weights = [[w.grad for w in row] for row in affine.weights]
        lines.append(f"{d}{W} = {d}{z} · {x}ᵀ = {format_matrix(weights, self.precision)}")
        if affine.bias is not None:
            for bj, g in zip(affine.bias, gz):
                bj.grad = bj.grad + _reduce(g, bj.data)
            lines.append(f"{d}{b} = {d}{z} = {self._vec([v.grad for v in affine.bias])}")
        into = []
        for i, xi in enumerate(xs):
            share = sum((data_of(row[i]) * g for row, g in zip(affine.weights, gz)), start=0.0)
            into.append(share)
            xi.grad = xi.grad + _reduce(share, xi.data)
        lines.append(self._input_line(stage, x_vector, into, f"{W}ᵀ · {d}{z}"))
        return lines

    def _generic(self, stage: Stage) -> list[str]:
        """A stage that is not one affine layer: its inputs' gradients by the scalar engine."""
        outs = list(stage.output.nodes)
        seeds = [v.grad for v in outs]
        d = f"∂{self.out}/∂"
        lines = []
        if stage.output.nodes == (self.root,):
            lines.append(f"{d}{self.out} = 1")
        else:
            lines.append(f"{d}{stage.output.name} = {self._vec(seeds)}")
        members = list(stage.members)
        found = gradients(outs, members, grad_outputs=seeds) if members else ()
        found = found if isinstance(found, tuple) else (found,)
        local = {id(node): g for node, g in zip(members, found)}
        outputs = {id(v) for v in outs}
        for node, g in zip(members, found):
            if id(node) not in outputs:
                node.grad = node.grad + g if node.is_leaf else g
        sent: dict[int, Any] = {}  # what the stage's ops send back to each outside operand
        for node in (v for v in members if not v.is_leaf):
            for parent, g in zip(node.parents, shares(node, local[id(node)])):
                if id(parent) not in local:
                    sent[id(parent)] = sent[id(parent)] + g if id(parent) in sent else g
        for vector in stage.inputs:
            share = [sent.get(id(v), 0.0) for v in vector.nodes]
            for node, g in zip(vector.nodes, share):
                node.grad = node.grad + g
            lines.append(self._input_line(stage, vector, share))
        return lines

    def _input_line(
        self, stage: Stage, vector: Vector, share: Sequence[Any], formula: str = ""
    ) -> str:
        """``∂L/∂x = f1.Wᵀ · ∂L/∂z1 = […]``; for a vector other stages read too (it fans out),
        its gradient as the sum of their shares, as far as the pass has got:
        ``∂L/∂x = f2.Wᵀ · ∂L/∂z2 + ? = […] + ?``, later
        ``∂L/∂x = […] + f1.Wᵀ · ∂L/∂z1 = […] + […] = […]``."""
        nodes = vector.nodes
        for node, g in zip(nodes, share):
            self.received[(id(node), id(stage))] = g
        head = f"∂{self.out}/∂{vector.name} = "
        others = {id(t) for v in nodes for t in self.graph.stages
                  if id(t) in self.readers[id(v)]} - {id(stage)}  # fmt: skip
        if not others:
            return head + (f"{formula} = " if formula else "") + self._vec(share)
        earlier = [t for t in self.stages[: self.done_stages] if id(t) in others]
        missing = len(others) - len(earlier)
        before = [[self.received.get((id(v), id(t)), 0.0) for v in nodes] for t in earlier]
        texts, note = _one_note([*map(self._vec, before), self._vec(share)])
        (total,), _ = _one_note([self._vec([v.grad for v in nodes])])
        symbolic = sum_text([*texts[:-1], formula], missing) if formula else ""
        numbers = sum_text(texts, missing, total)
        return head + (f"{symbolic} = " if symbolic else "") + numbers + note

    def _vec(self, xs: Sequence[Any]) -> str:
        return format_vector(xs, self.precision) if len(xs) != 1 else self._num(xs[0])

    def _num(self, x: Any) -> str:
        return format_number(x, self.precision)


WRAP = 64
"""Characters a printed formula line may take before it continues on the next line."""


def _wrap(line: str) -> list[str]:
    """``a = b = c`` as ``a = b`` and ``  = c`` under it, when longer than :data:`WRAP`."""
    parts = line.split(" = ")
    if len(line) <= WRAP or len(parts) < 3:
        return [line]
    indent = " " * len(parts[0])
    return [f"{parts[0]} = {parts[1]}", *(f"{indent} = {part}" for part in parts[2:])]


def _one_note(texts: list[str]) -> tuple[list[str], str]:
    """Vectors of a batch each say ``(means over a batch of 8)``: in a sum, once at its end."""
    note = ""
    found = []
    for t in texts:
        body, sep, rest = t.partition(" (means over")
        found.append(body)
        note = f" (means over{rest}" if sep else note
    return found, note


def _sum_tree(z: Value, members: set[Value]) -> list[Value]:
    """``z`` and the ops of the stage below it (partial sums and products, each ∂z/∂· = 1)."""
    found, stack = [], [z]
    while stack:
        node = stack.pop()
        found.append(node)
        stack += [p for p in node.parents if p in members and not p.is_leaf]
    return found


def _reduce(g: Any, like: Any) -> Any:
    """A batch gradient summed over the batch when the node it lands on holds one number."""
    if isinstance(g, np.ndarray) and not isinstance(data_of(like), np.ndarray):
        return float(np.sum(g))
    return g


def _ones_like(x: Any) -> Any:
    return np.ones_like(x) if isinstance(x, np.ndarray) else 1.0
