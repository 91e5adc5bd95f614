"""Batched layers fused into matrix products.

In batched mode every Value holds a whole batch, and a layer is k ``dot`` nodes reading
the same n inputs. Written one node per line, that is k·n array products; stacked, it is
one matrix product::

    Z1 = W1 @ X1 + B1[:, None]        # rows v1, v3, …: 16 neurons reading x0, x1
    H1 = np.maximum(Z1, 0.0)          # relu, row by row
    Z2 = W2 @ H1 + B2[:, None]        # the next layer reads H1's rows: no copy

and the backward pass the matching products::

    GZ2 = GH2 * (Z2 > 0)              # ∂relu
    GW2 = (GZ2 @ H1.T).tolist()       # ∂z_j/∂w_ji = h_i, summed over the batch
    GH1 = W2.T @ GZ2                  # ∂z_j/∂h_i = w_ji

A *dot group* is a set of nodes whose op the table defines as ``Σ wᵢ·xᵢ (+ b)`` (checked on
the generated template, not by name), with number weights and the same batch inputs in
the same order. A *map group* is one element-wise op applied to every row of a stacked
matrix, checked on the stacked traced data. Everything else stays one line per node and
reads a row of a matrix as a view (``v65 = Z3[0]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.backward import local_partials
from autograd.compiler.codegen import Emitter
from autograd.compiler.ir import CONST, OP, Node
from autograd.compiler.symbolic import LONG_NARY, Template, _evaluate, _same, product
from autograd.ops import NARY, UNARY


@dataclass(eq=False)
class Group:
    """A stacked matrix of rows: a dot group (``inputs`` set) or a map group (``source``)."""

    rows: list[Node]
    inputs: list[Node] = field(default_factory=list)
    bias: bool = False
    source: Group | None = None
    var: str = ""
    x_var: str = ""
    w_var: str = ""
    number: int = 0
    template: Template | None = None
    """For a map group: the op's code on the whole matrix (checked on the traced data)."""

    @property
    def index(self) -> int:
        return self.rows[-1].index

    @property
    def shape(self) -> tuple[int, int]:
        kind = self.rows[0].kind
        assert kind is not None
        return (len(self.rows), kind[0])


def is_dot(emitter: Emitter, node: Node) -> bool:
    """The op the table defines as ``Σ wᵢ·xᵢ (+ b)``, on number weights and batch inputs."""
    op = node.op
    if node.role != OP or op is None or op.kind is not NARY or node.kind is None:
        return False
    parents = node.parents
    n = len(parents) // 2
    if n == 0 or len(node.kind) != 1:
        return False
    ws, xs = parents[:n], parents[n : 2 * n]
    if any(w.kind is not None for w in ws) or any(x.kind != node.kind for x in xs):
        return False
    if len(parents) % 2 and parents[-1].kind is not None:
        return False
    template = emitter.template(node)
    terms = [f"{{{i}}} * {{{i + n}}}" for i in range(n)]
    if len(parents) % 2:
        terms.append(f"{{{2 * n}}}")
    partials = [f"{{{i + n}}}" for i in range(n)] + [f"{{{i}}}" for i in range(n)]
    partials += ["1.0"] * (len(parents) % 2)
    return (
        template.symbolic_forward
        and template.forward == " + ".join(terms)
        and template.symbolic_partials
        and template.partials == partials
    )


def find_groups(emitter: Emitter) -> list[Group]:
    """Dot groups (k ≥ 2 neurons, a dot of more than :data:`LONG_NARY` terms, or any reading
    a stacked matrix) and the map groups on them."""
    graph = emitter.graph
    by_inputs: dict[tuple[Any, ...], list[Node]] = {}
    for node in graph.nodes:
        if is_dot(emitter, node):
            n = len(node.parents) // 2
            key = (tuple(id(x) for x in node.parents[n : 2 * n]), len(node.parents) % 2)
            by_inputs.setdefault(key, []).append(node)
    groups: list[Group] = []
    row_of: dict[int, tuple[Group, int]] = {}
    # in topological order of their last member, so a layer's inputs are grouped first
    pending = sorted(by_inputs.values(), key=lambda nodes: nodes[-1].index)
    for nodes in pending:
        n = len(nodes[0].parents) // 2
        inputs = list(nodes[0].parents[n : 2 * n])
        source = _stacked(inputs, row_of)
        if len(nodes) < 2 and source is None and len(inputs) <= LONG_NARY:
            continue  # (one long dot is one matrix product too: 1 × n by n × batch)
        group = Group(rows=nodes, inputs=inputs, bias=bool(len(nodes[0].parents) % 2))
        groups.append(group)
        for j, row in enumerate(nodes):
            row_of[id(row)] = (group, j)
        mapped = _map_group(emitter, group)
        while mapped is not None:
            groups.append(mapped)
            for j, row in enumerate(mapped.rows):
                row_of[id(row)] = (mapped, j)
            mapped = _map_group(emitter, mapped)
    return groups


def _stacked(inputs: list[Node], row_of: dict[int, tuple[Group, int]]) -> Group | None:
    """The group whose rows are exactly ``inputs``, in order, if there is one."""
    first = row_of.get(id(inputs[0]))
    if first is None:
        return None
    group = first[0]
    if len(group.rows) == len(inputs) and all(a is b for a, b in zip(group.rows, inputs)):
        return group
    return None


def _map_group(emitter: Emitter, group: Group) -> Group | None:
    """One element-wise op on every row of ``group``, if its rows all feed one."""
    rows: list[Node] = []
    op = None
    for row in group.rows:
        candidates = [
            c for c in row.consumers
            if c.role == OP and c.op is not None and c.op.kind is UNARY and c.kind == row.kind
        ]  # fmt: skip
        if op is None and candidates:
            op = candidates[0].op
        chosen = next((c for c in candidates if c.op is op), None)
        if chosen is None or chosen.needs_grad != row.needs_grad:
            return None
        rows.append(chosen)
    if len({id(r) for r in rows}) != len(rows):
        return None
    template = _elementwise(emitter, group, rows)
    if template is None:
        return None
    return Group(rows=rows, source=group, template=template)


def _elementwise(emitter: Emitter, group: Group, rows: list[Node]) -> Template | None:
    """The op's code on the stacked matrix, if it gives every row's traced numbers."""
    op = rows[0].op
    assert op is not None
    z = np.stack([r.data for r in group.rows])
    h = np.stack([r.data for r in rows])
    try:
        reference = [np.stack(p) for p in zip(*(local_partials(r.value) for r in rows))]
    except ValueError:
        return None
    template = emitter.templates.get(op, [z.shape], h.shape, [z], h, lambda: tuple(reference))
    env = dict(emitter.names.globals)
    env.update(_a0=z, _out=h)
    if not _same(_evaluate(template.forward.format("_a0"), env), h):
        return None
    if not template.symbolic_partials:
        env["_d"] = _evaluate(template.partials_call.format("_a0", out="_out"), env)
    for text, want in zip(template.partials, reference):
        if not _same(_evaluate(text.format("_a0", out="_out", d="_d"), env), want):
            return None
    return template


# ---- code --------------------------------------------------------------------------------------


def fused(emitter: Emitter) -> str | None:
    """Write the function with matrix products for the groups found, or return None."""
    groups = find_groups(emitter)
    if not groups:
        return None
    graph = emitter.graph
    member: dict[int, Group] = {id(r): g for g in groups for r in g.rows}
    units = _order(graph.nodes, groups, member)
    numbers = {"dot": 0}
    for g in groups:
        if g.source is None:
            numbers["dot"] += 1
            g.number = numbers["dot"]
        else:
            g.number = g.source.number
    for g in groups:
        if g.source is None:
            g.var = emitter.namer.claim(f"Z{g.number}")
            g.w_var = emitter.namer.claim(f"W{g.number}")
        else:
            g.var = emitter.namer.claim(f"H{g.number}")
    views = _views_needed(graph, groups, member)

    emitter.loads()
    emitter.blank("forward")
    for unit in units:
        if isinstance(unit, Group):
            _forward_group(emitter, unit, member)
            for j, row in enumerate(unit.rows):
                if id(row) in views:
                    emitter.emit(f"{emitter.var(row)} = {unit.var}[{j}]", f"{row.name}: row {j}")
                emitter.define(row)
        elif unit.role in (OP, "alias"):
            emitter.forward(unit)
    emitter.blank("backward")
    if graph.out.needs_grad:
        emitter.seed(graph.out)
    grads: dict[int, str] = {}
    for unit in reversed(units):
        if isinstance(unit, Group):
            _backward_group(emitter, unit, member, grads)
        else:
            emitter.backward(unit)
    emitter.returns()
    dots = sum(1 for g in groups if g.source is None)
    return f", {dots} layer(s) fused into matrix products"


def _order(nodes: list[Node], groups: list[Group], member: dict[int, Group]) -> list[Any]:
    """Nodes and groups in an order where every operand comes first (a stable DFS)."""
    unit_of: dict[int, Any] = {}
    for node in nodes:
        unit_of[id(node)] = member.get(id(node), node)
    deps: dict[int, list[Any]] = {}
    for node in nodes:
        unit = unit_of[id(node)]
        lst = deps.setdefault(id(unit), [])
        for p in node.parents:
            dep = unit_of[id(p)]
            if dep is not unit:
                lst.append(dep)
    order: list[Any] = []
    done: set[int] = set()
    for node in nodes:
        start = unit_of[id(node)]
        if id(start) in done:
            continue
        stack: list[tuple[Any, int]] = [(start, 0)]
        while stack:
            unit, i = stack.pop()
            if id(unit) in done:
                continue
            unit_deps = deps.get(id(unit), [])
            while i < len(unit_deps) and id(unit_deps[i]) in done:
                i += 1
            if i < len(unit_deps):
                stack.append((unit, i + 1))
                stack.append((unit_deps[i], 0))
                continue
            done.add(id(unit))
            order.append(unit)
    return order


def _views_needed(graph: Any, groups: list[Group], member: dict[int, Group]) -> set[int]:
    """Rows some node outside the matrix code reads (a view ``v = Z[j]`` is emitted)."""
    inside: set[tuple[int, int]] = set()  # (row, consumer) pairs the groups handle
    for g in groups:
        if g.source is not None:
            for a, b in zip(g.source.rows, g.rows):
                inside.add((id(a), id(b)))
        else:
            stacked = member.get(id(g.inputs[0]))
            if stacked is not None and all(a is b for a, b in zip(stacked.rows, g.inputs)):
                for x in g.inputs:
                    for row in g.rows:
                        inside.add((id(x), id(row)))
    needed: set[int] = set()
    special = {id(graph.out), *(id(a) for a in graph.aux)}
    for _, node, other, _ in graph.guards:
        special.add(id(node))
        if isinstance(other, Node):
            special.add(id(other))
    for g in groups:
        for row in g.rows:
            if id(row) in special or any((id(row), id(c)) not in inside for c in row.consumers):
                needed.add(id(row))
    return needed


def _forward_group(emitter: Emitter, g: Group, member: dict[int, Group]) -> None:
    if g.source is not None:
        template = g.template
        assert template is not None
        first = g.rows[0]
        emitter.emit(
            f"{g.var} = {template.forward.format(g.source.var)}",
            f"{first.op.name if first.op else ''} of every row of {g.source.var}",
        )
        return
    k, n = len(g.rows), len(g.inputs)
    weights = [emitter.atom(w) for row in g.rows for w in row.parents[:n]]
    emitter.emit(
        f"{g.w_var} = np.array(({_wrapped(weights, n)})).reshape({k}, {n})",
        f"weights of {k} neuron(s): {g.rows[0].name} … {g.rows[-1].name}",
    )
    x_var = _input_matrix(emitter, g, member)
    if g.bias:
        b_var = emitter.namer.claim(f"B{g.number}")
        biases = [emitter.atom(row.parents[-1]) for row in g.rows]
        emitter.emit(f"{b_var} = np.array(({', '.join(biases)},))")
        emitter.emit(f"{g.var} = {g.w_var} @ {x_var} + {b_var}[:, None]", "Σ w·x + b, per row")
    else:
        emitter.emit(f"{g.var} = {g.w_var} @ {x_var}", "Σ w·x, per row")


def _wrapped(items: list[str], per_row: int) -> str:
    rows = [", ".join(items[i : i + per_row]) for i in range(0, len(items), per_row)]
    if len(rows) == 1:
        return rows[0] + ","
    return "\n" + "".join(f"        {r},\n" for r in rows) + "    "


def _input_matrix(emitter: Emitter, g: Group, member: dict[int, Group]) -> str:
    stacked = member.get(id(g.inputs[0]))
    if stacked is not None and all(a is b for a, b in zip(stacked.rows, g.inputs)):
        g.x_var = stacked.var
        return g.x_var
    if all(x.role == CONST for x in g.inputs):
        matrix = np.stack([x.data for x in g.inputs])
        g.x_var = emitter.names.name_of(matrix, f"X{g.number}")
        emitter.blank(f"{g.x_var}: the batch, a constant {matrix.shape[0]} × {matrix.shape[1]}")
        return g.x_var
    g.x_var = emitter.namer.claim(f"X{g.number}")
    atoms = ", ".join(emitter.atom(x) for x in g.inputs)
    emitter.emit(f"{g.x_var} = np.stack(({atoms},))", "the inputs, one row each")
    return g.x_var


def _matrix_grad(emitter: Emitter, g: Group, grads: dict[int, str]) -> str | None:
    """The gradient of a stacked matrix: what whole-matrix products gave, plus each row's own."""
    var = grads.get(id(g))
    rows = [(j, r) for j, r in enumerate(g.rows) if id(r) in emitter.assigned]
    if var is None and not rows:
        return None
    if var is None:
        var = grads[id(g)] = emitter.namer.claim(f"G{g.var}")
        n = g.shape[1]
        parts = [emitter.gvar(r) if id(r) in emitter.assigned else f"np.zeros({n})" for r in g.rows]
        emitter.emit(f"{var} = np.stack(({', '.join(parts)},))", "the rows' gradients")
        return var
    for j, r in rows:
        emitter.emit(f"{var}[{j}] += {emitter.gvar(r)}", f"row {j}, {r.name}, also read alone")
    return var


def _add_matrix_grad(
    emitter: Emitter, g: Group, grads: dict[int, str], text: str, why: str
) -> None:
    var = grads.get(id(g))
    if var is None:
        var = grads[id(g)] = emitter.namer.claim(f"G{g.var}")
        emitter.emit(f"{var} = {text}", why)
    else:
        emitter.emit(f"{var} = {var} + {text}", why)


def _backward_group(
    emitter: Emitter, g: Group, member: dict[int, Group], grads: dict[int, str]
) -> None:
    if not any(r.needs_grad for r in g.rows):
        return
    grad = _matrix_grad(emitter, g, grads)
    if grad is None:
        return
    if g.source is not None:
        template = g.template
        assert template is not None
        op = g.rows[0].op
        assert op is not None
        d = ""
        if not template.symbolic_partials:
            d = emitter.namer.claim(f"d_{g.var}")
            emitter.emit(f"{d} = {template.partials_call.format(g.source.var, out=g.var)}")
        partial = template.partials[0].format(g.source.var, out=g.var, d=d)
        formula = op.explain(0, [g.source.var], g.var)
        _add_matrix_grad(
            emitter,
            g.source,
            grads,
            product(grad, partial),
            f"∂{g.var}/∂{g.source.var} = {formula}",
        )
        return
    k, n = len(g.rows), len(g.inputs)
    ws = [[row.parents[i] for i in range(n)] for row in g.rows]
    if any(w.needs_grad for weights in ws for w in weights):
        gw = emitter.namer.claim(f"GW{g.number}")
        emitter.emit(
            f"{gw} = ({grad} @ {g.x_var}.T).tolist()", "∂z_j/∂w_ji = x_i, summed over the batch"
        )
        for j, weights in enumerate(ws):
            for i, w in enumerate(weights):
                if w.needs_grad:
                    emitter.accumulate(w, f"{gw}[{j}][{i}]", f"∂{g.rows[j].name}/∂{w.name}", None)
    if g.bias and any(row.parents[-1].needs_grad for row in g.rows):
        gb = emitter.namer.claim(f"GB{g.number}")
        emitter.emit(f"{gb} = {grad}.sum(axis=1).tolist()", "∂z_j/∂b_j = 1, summed over the batch")
        for j, row in enumerate(g.rows):
            b = row.parents[-1]
            if b.needs_grad:
                emitter.accumulate(b, f"{gb}[{j}]", f"∂{row.name}/∂{b.name}", None)
    if not any(x.needs_grad for x in g.inputs):
        return
    text = f"{g.w_var}.T @ {grad}"
    stacked = member.get(id(g.inputs[0]))
    if stacked is not None and g.x_var == stacked.var:
        _add_matrix_grad(emitter, stacked, grads, text, "∂z_j/∂x_i = w_ji")
        return
    gx = emitter.namer.claim(f"GX{g.number}")
    emitter.emit(f"{gx} = {text}", "∂z_j/∂x_i = w_ji")
    for i, x in enumerate(g.inputs):
        if x.needs_grad:
            emitter.accumulate(x, f"{gx}[{i}]", f"∂{g.var}/∂{x.name}", x.kind)
    del k


__all__ = ["Group", "find_groups", "fused"]
