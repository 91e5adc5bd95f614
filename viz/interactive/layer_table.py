"""The layers page's table and quiz: one row per vector of the layer graph, questions whose
answer is a vector.

A row is a vector that crosses between boxes (``x``, ``h1``, …, ``L``) or a layer's
bias ``b`` and weights ``W``: its value, known from the forward step that computes
it, and its gradient, known from the backward step after which nothing more adds to
it. The quiz asks for each vector's gradient (not the output's) before that step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd import LayerGraph, Value, data_of
from autograd.explain import LEAVES, Stage, format_matrix, format_number, format_vector
from viz.interactive.model import PARTIAL

HEADER = ["vector", "data", "grad"]


@dataclass
class Row:
    """One row: a name, its nodes (rows of a matrix for ``W``), when it is known."""

    name: str
    nodes: list[list[Value]]
    data_at: int
    grad_at: int | None
    ask: bool


@dataclass
class LayerTable:
    """The rows, and the steps at which each stage is computed and stepped back through."""

    graph: LayerGraph
    output: str
    forward_at: dict[str, int] = field(default_factory=dict)
    """Stage key (``"inputs"`` for the leaves) → the forward step that computes it."""
    backward_at: dict[str, int] = field(default_factory=dict)
    """Stage key → the backward step that takes it."""
    partial: dict[str, list[list[Any]]] = field(default_factory=dict)
    """Vector name → ``[step, "[…] + ?"]``: its gradient partly summed, when several stages
    read it and some have been stepped back through (what the page's table shows then)."""

    def partly_summed(self, step: int, precision: int) -> None:
        """Call after each backward step: note every vector whose readers are partly done."""
        for name, nodes, users in self._vectors():
            stepped = sum(key in self.backward_at for key in users)
            if 0 < stepped < len(users):
                grads = _text([[v.grad for v in nodes]], precision) + PARTIAL
                self.partial.setdefault(name, []).append([step, grads])

    def _vectors(self) -> list[tuple[str, list[Value], list[str]]]:
        """Each vector that enters a stage, once: its name, nodes and the stages reading it."""
        found = []
        seen: set[tuple[str, int]] = set()
        for stage in self.graph.stages:
            for vector in stage.inputs:
                if (vector.name, vector.source) in seen:
                    continue
                seen.add((vector.name, vector.source))
                ids = {id(v) for v in vector.nodes}
                users = [t.key for t in self.graph.stages
                         if any(ids & {id(v) for v in u.nodes} for u in t.inputs)]  # fmt: skip
                found.append((vector.name, list(vector.nodes), users))
        return found

    def rows(self) -> list[Row]:
        found: list[Row] = []
        seen: set[tuple[str, int]] = set()
        stages = self.graph.stages
        for stage in stages:
            for vector in stage.inputs:
                if (vector.name, vector.source) in seen:
                    continue
                seen.add((vector.name, vector.source))
                source = "inputs" if vector.source == LEAVES else stages[vector.source].key
                users = [t.key for t in stages if any(v.nodes == vector.nodes for v in t.inputs)]
                grad_at = max((self.backward_at.get(k, -1) for k in users), default=-1)
                target = vector.source == LEAVES and not stage.params
                found.append(Row(vector.name, [list(vector.nodes)], self.forward_at.get(source, 0),
                                 grad_at if grad_at >= 0 else None, not target))  # fmt: skip
            found += self._params(stage)
        last = stages[-1]
        first_back = self.backward_at.get(last.key)
        found.append(Row(last.output.name, [list(last.output.nodes)],
                         self.forward_at.get(last.key, 0), first_back, False))  # fmt: skip
        return found

    def _params(self, stage: Stage) -> list[Row]:
        affine = stage.affine
        if affine is None:
            return []
        at, back = self.forward_at.get(stage.key, 0), self.backward_at.get(stage.key)
        rows = [Row(stage.param_name("W"), [list(r) for r in affine.weights], at, back, False)]
        if affine.bias is not None:
            rows.append(Row(stage.param_name("b"), [list(affine.bias)], at, back, True))
        return rows

    def data(
        self, precision: int, quiz: bool, texts: dict[int, str]
    ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
        """The table (``{"header", "rows", "data", "grad"}``), one page node per row (what
        the page reads: ``dataAt``, ``gradAt``), and the questions; ``texts`` holds each
        backward step's text by step, shown after a wrong answer."""
        rows = self.rows()
        cells, nodes, questions = [], [], []
        for k, row in enumerate(rows):
            values = _text([[v.data for v in r] for r in row.nodes], precision)
            grads = _text([[v.grad for v in r] for r in row.nodes], precision)
            cells.append([row.name, values, grads])
            nodes.append({"name": row.name, "leaf": True, "dataAt": row.data_at,
                          "gradAt": row.grad_at, "grads": self.partial.get(row.name, []),
                          "value": values})  # fmt: skip
            answer = [v.grad for v in row.nodes[0]]
            batch = any(isinstance(data_of(g), np.ndarray) for g in answer)
            if quiz and row.ask and row.grad_at is not None and not batch:
                questions.append({
                    "node": k,
                    "at": row.grad_at,
                    "ask": f"∂{self.output}/∂{row.name}",
                    "answer": [float(g) for g in answer],
                    "shown": grads,
                    "chain": texts.get(row.grad_at, ""),
                })  # fmt: skip
        questions.sort(key=lambda q: (q["at"], q["node"]))
        table = {"header": HEADER, "rows": cells, "data": 1, "grad": 2,
                 "title": "the layer vectors (? until the pass reaches them)"}  # fmt: skip
        return table, nodes, questions


def _text(rows: Sequence[Sequence[Any]], precision: int) -> str:
    """A number, a vector or a matrix, as the layer views print them."""
    if len(rows) == 1 and len(rows[0]) == 1:
        return format_number(rows[0][0], precision)
    if len(rows) == 1:
        return format_vector(rows[0], precision)
    return format_matrix(rows, precision)
