"""A graph seen by layers (the seed's Figure 9.3): stages, the vectors between them, θ.

Nodes are grouped by ``Value.group`` (``nn`` layers stamp their name, and
:func:`autograd.node_group` makes your own) cut to a depth: each group is a
*stage*, a box of the figure. Ops outside every group that feed one another form
one stage too (a loss written without a group). What crosses from one stage to
the next is a *vector*: the stage's outputs in order, named as a reader expects
(``x``, ``h1``, ``h2``, ``ŷ``, ``L``). Labelled leaves inside a stage are its
parameters θ; a stage whose outputs are ``act(Σᵢ Wⱼᵢ·xᵢ + bⱼ)`` (an ``nn.Layer``,
fused ``dot`` or written out with ``+`` and ``*``) is recognised as affine, with
the matrix ``W``, the bias ``b``, the pre-activations ``z`` and the activation:
``z = W·x + b``, ``h = act(z)`` (§9.4).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from autograd.graph import topological_order
from autograd.ops import UNARY, Op
from autograd.value import Value

LEAVES = -1
"""The ``source`` of a vector of leaves made outside every stage (the data, a target)."""


@dataclass(frozen=True)
class Vector:
    """Values that cross into a stage together: ``name`` (``h1``), the nodes in order, and
    the stage that made them (:data:`LEAVES` for inputs made outside every stage)."""

    name: str
    nodes: tuple[Value, ...]
    source: int


@dataclass(frozen=True)
class Affine:
    """``z = W·x + b``, ``h = act(z)``: ``weights[j][i]`` meets input ``i`` in output ``j``."""

    weights: tuple[tuple[Value, ...], ...]
    bias: tuple[Value, ...] | None
    pre: tuple[Value, ...]
    """The pre-activations ``z`` (equal to the outputs when there is no activation)."""
    activation: Op | None
    """The unary op applied to ``z``; None for a linear layer (``h = z``)."""
    pre_name: str
    """``z1``: the name the pre-activations go by."""
    input: int
    """Which of the stage's inputs is ``x``."""


@dataclass(frozen=True)
class Stage:
    """One box: its group ``key``, member nodes, inputs, output and parameters."""

    key: str
    members: tuple[Value, ...]
    inputs: tuple[Vector, ...]
    output: Vector
    params: tuple[Value, ...]
    affine: Affine | None

    def param_name(self, what: str) -> str:
        """``f1.W``: a parameter qualified by its layer."""
        return f"{self.key}.{what}"

    @property
    def constants(self) -> int:
        """Unlabelled leaves inside the stage (a literal such as the ``2`` of ``2*x``)."""
        return sum(v.is_leaf and not v.label for v in self.members)


@dataclass(frozen=True)
class LayerGraph:
    """The stages of ``root``'s graph in the order data flows through them."""

    root: Value
    stages: tuple[Stage, ...]
    depth: int | None

    @property
    def vectors(self) -> list[Vector]:
        """Every vector that enters a stage, then the output, each once, in flow order."""
        found: list[Vector] = []
        seen: set[tuple[str, int]] = set()
        for stage in self.stages:
            for vector in (*stage.inputs, stage.output):
                if (vector.name, vector.source) not in seen:
                    seen.add((vector.name, vector.source))
                    found.append(vector)
        return found


def cut(group: str, depth: int | None) -> str:
    """``group`` cut to its first ``depth`` dotted parts (``layers.0.neurons.3`` → ``layers.0``)."""
    if depth is None or not group:
        return group
    return ".".join(group.split(".")[:depth])


def layer_graph(
    root: Value,
    group_depth: int | None = None,
    *,
    output_name: str = "L",
    names: Mapping[str, str] | None = None,
) -> LayerGraph:
    """``root``'s graph as stages (one per group, cut to ``group_depth`` dotted parts).

    ``group_depth`` defaults to :func:`default_depth`. ``output_name`` names the
    root's vector; ``names`` renames vectors (``{"h1": "a1", "ŷ": "y"}``). A graph
    without groups has one stage per op.
    """
    if not isinstance(root, Value):
        raise TypeError(f"layer_graph needs an autograd.Value, got {type(root).__name__}")
    order = topological_order(root)
    depth = group_depth if group_depth is not None else default_depth(order)
    if depth is not None and (isinstance(depth, bool) or not isinstance(depth, int) or depth < 1):
        raise ValueError(f"group_depth must be a positive int, got {depth!r}")
    keys = _stage_keys(order, depth)
    return _Builder(root, order, keys, output_name, dict(names or {})).build(depth)


def default_depth(order: Sequence[Value]) -> int | None:
    """The depth at which groups become stages when ``group_depth`` is not given.

    Going one dotted level deeper at a time, every set of sibling groups (same
    parent) must be connected by the data that flows between them: layers feed
    one another, the neurons of one layer do not. The deepest such level wins,
    then levels that split no group into several are dropped (``layers.0`` rather
    than ``layers.0.neurons`` when the latter is its only part). ``None`` when no
    node has a group.
    """
    groups = sorted({v.group for v in order if v.group})
    if not groups:
        return None
    parts = [g.split(".") for g in groups]
    pairs = _feeding_pairs(order, {g: k for k, g in enumerate(groups)})
    best = 1
    for depth in range(2, max(len(p) for p in parts) + 1):
        if not _siblings_connected(parts, pairs, depth):
            break
        best = depth
    while best > 1 and not _branches(parts, best):
        best -= 1
    return best


# ---- building the stages ---------------------------------------------------------------------


def _stage_keys(order: list[Value], depth: int | None) -> list[str | None]:
    """Each node's stage: its group cut to ``depth``; ungrouped ops that feed one another
    share a stage (``#k``), each op is one when no node has a group; leaves outside
    every group belong to none (None)."""
    keys: list[str | None] = []
    index = {id(v): i for i, v in enumerate(order)}
    link = list(range(len(order)))

    def root(i: int) -> int:
        while link[i] != i:
            link[i] = link[link[i]]
            i = link[i]
        return i

    grouped = any(v.group for v in order)
    for i, v in enumerate(order):
        if grouped and not v.group and not v.is_leaf:
            for p in v.parents:
                k = index[id(p)]
                if not p.group and not p.is_leaf:
                    link[root(k)] = root(i)
    for i, v in enumerate(order):
        if v.group:
            keys.append(cut(v.group, depth))
        elif v.is_leaf:
            keys.append(None)
        else:
            keys.append(f"#{root(i)}")
    return keys


class _Builder:
    def __init__(
        self,
        root: Value,
        order: list[Value],
        keys: list[str | None],
        output_name: str,
        renames: dict[str, str],
    ) -> None:
        self.root, self.order, self.keys = root, order, keys
        self.output_name, self.renames = output_name, renames
        self.index = {id(v): i for i, v in enumerate(order)}
        self.leaf_names: dict[tuple[int, ...], str] = {}

    def build(self, depth: int | None) -> LayerGraph:
        members: dict[str, list[int]] = {}
        for i, key in enumerate(self.keys):
            if key is not None:
                members.setdefault(key, []).append(i)
        ranked = sorted(members, key=lambda k: self._first_op(members[k]))
        stage_of = {key: s for s, key in enumerate(ranked)}
        consumers: list[list[int]] = [[] for _ in self.order]
        for i, v in enumerate(self.order):
            for p in v.parents:
                consumers[self.index[id(p)]].append(i)
        root_key = self.keys[-1]
        outputs: dict[str, list[int]] = {}
        for key in ranked:
            outs = [
                i
                for i in members[key]
                if not self.order[i].is_leaf
                and (i == len(self.order) - 1 or any(self.keys[c] != key for c in consumers[i]))
            ]
            outputs[key] = outs
        names = self._vector_names(ranked, members, root_key)
        stages: list[Stage] = []
        inputs_named: dict[str, int] = {}
        for s, key in enumerate(ranked):
            own = set(members[key])
            nodes = tuple(self.order[i] for i in members[key])
            params = tuple(v for v in nodes if v.is_leaf and v.label)
            outside = self._outside_inputs(members[key], own)
            affine = _affine(
                [self.order[i] for i in outputs[key]], own, self.order, self.index, outside
            )
            if affine is not None:
                outside = self._reorder(outside, affine)
            vectors = self._input_vectors(outside, stage_of, outputs, names, s, inputs_named,
                                          bool(params))  # fmt: skip
            affine_info = None
            whole = [
                k for k, v in enumerate(vectors) if affine is not None and v.nodes == affine[4]
            ]
            if affine is not None and whole:  # x comes from one place: one vector
                weights, bias, pre, act, _ = affine
                pre_name = names.get(f"z:{key}", "z")
                affine_info = Affine(weights, bias, pre, act, pre_name, whole[0])
            out_nodes = tuple(self.order[i] for i in outputs[key])
            title = key
            if key.startswith("#"):  # ungrouped ops: the loss, or one op between groups
                title = self.output_name if key == root_key else self.order[outputs[key][-1]].op
            stages.append(
                Stage(
                    title,
                    nodes,
                    tuple(vectors),
                    Vector(names[key], out_nodes, s),
                    params,
                    affine_info,
                )
            )
        return LayerGraph(self.root, tuple(stages), depth)

    def _first_op(self, group: list[int]) -> int:
        ops = [i for i in group if not self.order[i].is_leaf]
        return ops[0] if ops else group[0]

    def _outside_inputs(self, group: list[int], own: set[int]) -> list[int]:
        """Nodes outside the stage that its ops read, in the order they are first read."""
        found: list[int] = []
        for i in group:
            for p in self.order[i].parents:
                k = self.index[id(p)]
                if k not in own and k not in found:
                    found.append(k)
        return found

    def _reorder(self, outside: list[int], affine: _Found) -> list[int]:
        """``x`` in the order of W's columns, then whatever else the stage reads."""
        x = [self.index[id(v)] for v in affine[4]]
        return x + [k for k in outside if k not in x]

    def _input_vectors(
        self,
        outside: list[int],
        stage_of: dict[str, int],
        outputs: dict[str, list[int]],
        names: dict[str, str],
        s: int,
        inputs_named: dict[str, int],
        has_params: bool,
    ) -> list[Vector]:
        """What the stage reads, one vector per source (another stage, or the leaves)."""
        by_source: dict[int, list[int]] = {}
        for k in outside:
            key = self.keys[k]
            by_source.setdefault(LEAVES if key is None else stage_of[key], []).append(k)
        vectors = []
        for source, ks in by_source.items():
            nodes = tuple(self.order[k] for k in ks)
            if source == LEAVES and not has_params and all(v.label for v in nodes):
                vectors += [Vector(self.renames.get(v.label, v.label), (v,), LEAVES) for v in nodes]
                continue
            if source == LEAVES:  # the same inputs read by several stages keep one name
                ids = tuple(map(id, nodes))
                if ids not in self.leaf_names:
                    self.leaf_names[ids] = self._leaf_name(nodes, has_params, inputs_named)
                name = self.leaf_names[ids]
            else:
                key = next(k for k, v in stage_of.items() if v == source)
                name = names[key]
                full = outputs[key]
                if ks != full:
                    name += "[" + ", ".join(str(full.index(k)) for k in ks) + "]"
            vectors.append(Vector(name, nodes, source))
        return vectors

    def _leaf_name(self, nodes: tuple[Value, ...], into_layer: bool, taken: dict[str, int]) -> str:
        """``x`` for the data a layer reads; a lone labelled leaf keeps its label (``t``)."""
        if into_layer or len(nodes) > 1 or not nodes[0].label:
            base = "x" if into_layer else "y"
        else:
            base = nodes[0].label
        count = taken[base] = taken.get(base, 0) + 1
        name = base if count == 1 else f"{base}{count}"
        return self.renames.get(name, name)

    def _vector_names(
        self, ranked: list[str], members: dict[str, list[int]], root_key: str | None
    ) -> dict[str, str]:
        """Each stage's output name: ``h1``, ``h2``, … then ``ŷ`` for the one the loss reads,
        the output's own name for the root's stage; ``z:<key>`` holds pre-activation names."""
        has_params = {
            key: any(self.order[i].is_leaf and self.order[i].label for i in members[key])
            for key in ranked
        }
        feeds_root = set()
        if root_key is not None and not has_params[root_key]:
            for i in members[root_key]:
                for p in self.order[i].parents:
                    key = self.keys[self.index[id(p)]]
                    feeder = members.get(key, []) if key is not None else []
                    if key != root_key and any(self.order[k].is_leaf for k in feeder):
                        feeds_root.add(key)
        names: dict[str, str] = {}
        k = 0
        for key in ranked:
            if key == root_key:
                names[key] = self.output_name
                continue
            k += 1
            names[key] = "ŷ" if feeds_root == {key} else f"h{k}"
            names[f"z:{key}"] = f"z{k}"
        if root_key is not None and has_params[root_key]:
            names[f"z:{root_key}"] = f"z{k + 1}"
        return {key: self.renames.get(name, name) for key, name in names.items()}


_Found = tuple[
    tuple[tuple[Value, ...], ...], tuple[Value, ...] | None, tuple[Value, ...], Op | None,
    tuple[Value, ...],
]  # fmt: skip


def _affine(
    outs: list[Value], own: set[int], order: list[Value], index: dict[int, int], outside: list[int]
) -> _Found | None:
    """Recognise ``outⱼ = act(Σᵢ Wⱼᵢ·xᵢ + bⱼ)`` with parameters inside and ``x`` outside."""
    if not outs:
        return None
    rows: list[tuple[Value, ...]] = []
    biases: list[Value | None] = []
    pres: list[Value] = []
    acts: set[str] = set()
    act_op: Op | None = None
    x: tuple[Value, ...] | None = None
    for out in outs:
        z, act = out, None
        entry = out.op_entry
        if entry is not None and entry.kind is UNARY and entry.name != "identity":
            z, act = out.parents[0], entry
        found = _terms(z)
        if found is None or index[id(z)] not in own:
            return None
        ws, xs, b = found
        inside = all(index[id(w)] in own and w.is_leaf for w in ws)
        if not inside or any(index[id(v)] in own for v in xs):
            return None
        if b is not None and not (b.is_leaf and index[id(b)] in own):
            return None
        if x is None:
            x = xs
        elif xs != x:
            return None
        rows.append(ws)
        biases.append(b)
        pres.append(z)
        acts.add(act.symbol if act else "")
        act_op = act
    if len(acts) != 1 or x is None or not set(index[id(v)] for v in x) <= set(outside):
        return None
    has_bias = all(b is not None for b in biases)
    if not has_bias and any(b is not None for b in biases):
        return None
    bias = tuple(b for b in biases if b is not None) if has_bias else None
    return tuple(rows), bias, tuple(pres), act_op, x


def _terms(z: Value) -> tuple[tuple[Value, ...], tuple[Value, ...], Value | None] | None:
    """``(w, x, b)`` of ``z = Σ wᵢ·xᵢ + b``: one ``dot`` node, or ``b + w₁·x₁ + w₂·x₂ + …``."""
    entry = z.op_entry
    if entry is None:
        return None
    if entry.name == "dot":
        parents = z.parents
        n = len(parents) // 2
        bias = parents[-1] if len(parents) % 2 else None
        return tuple(parents[:n]), tuple(parents[n : 2 * n]), bias
    ws: list[Value] = []
    xs: list[Value] = []
    node = z
    while _binary(node, "add"):
        left, right = node.parents
        if not _binary(right, "mul"):
            return None
        w, xi = right.parents
        ws.append(w)
        xs.append(xi)
        node = left
    if node.op_entry is not None:
        if not _binary(node, "mul") or not ws:
            return None
        w, xi = node.parents
        ws.append(w)
        xs.append(xi)
        return tuple(reversed(ws)), tuple(reversed(xs)), None
    if not ws:
        return None
    return tuple(reversed(ws)), tuple(reversed(xs)), node


def _binary(node: Value, name: str) -> bool:
    """Whether ``node`` is op ``name`` of two Values (not ``x + 1``, which keeps its constant)."""
    return node.op_entry is not None and node.op_entry.name == name and len(node.parents) == 2


# ---- the default depth -----------------------------------------------------------------------


def _feeding_pairs(order: Sequence[Value], index: dict[str, int]) -> set[tuple[int, int]]:
    """Pairs of groups (indices) where the first feeds the second, directly or via ungrouped ops."""
    feeds: list[frozenset[int]] = []
    pairs: set[tuple[int, int]] = set()
    position = {id(v): i for i, v in enumerate(order)}
    alone = [frozenset((k,)) for k in range(len(index))]
    empty: frozenset[int] = frozenset()
    for node in order:
        incoming = empty
        for p in node.parents:
            incoming = incoming | feeds[position[id(p)]]
        if node.group:
            own = index[node.group]
            pairs.update((src, own) for src in incoming if src != own)
            feeds.append(alone[own])
        else:
            feeds.append(incoming)
    return pairs


def _siblings_connected(parts: list[list[str]], pairs: set[tuple[int, int]], depth: int) -> bool:
    """Whether, at ``depth``, the children of every parent group form one connected piece."""
    keys = {k: ".".join(p[:depth]) for k, p in enumerate(parts) if len(p) >= depth}
    link: dict[str, str] = {key: key for key in keys.values()}

    def root(key: str) -> str:
        while link[key] != key:
            link[key] = link[link[key]]
            key = link[key]
        return key

    for a, b in pairs:
        if a in keys and b in keys and parts[a][: depth - 1] == parts[b][: depth - 1]:
            link[root(keys[a])] = root(keys[b])
    pieces: dict[tuple[str, ...], set[str]] = {}
    for k, key in keys.items():
        pieces.setdefault(tuple(parts[k][: depth - 1]), set()).add(root(key))
    return all(len(found) == 1 for found in pieces.values())


def _branches(parts: list[list[str]], depth: int) -> bool:
    """Whether going to ``depth`` splits some group of ``depth - 1`` parts into several."""
    children: dict[tuple[str, ...], set[str]] = {}
    for p in parts:
        if len(p) >= depth:
            children.setdefault(tuple(p[: depth - 1]), set()).add(p[depth - 1])
    return any(len(c) > 1 for c in children.values())
