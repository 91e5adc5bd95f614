"""Rolled loops: a sum of the same per-sample graph becomes one loop over the samples.

A loss like micrograd's demo, ``sum(relu(1 - yᵢ·mlp(xᵢ)) for each sample) / n``, is a
sum node whose terms are copies of one graph: the same ops on the same shared nodes (the
parameters), differing only in data (the sample's inputs, its label). Such a sum is
written as a loop over the samples' data that runs one term's forward and, straight
after, its backward, so the code (and the time to compile it) has the size of one
sample's graph, not of the whole data set::

    for x0, x1, c0 in _samples1:          # per sample: the term's data
        v3 = w0 * x0 + w1 * x1 + b        # the term's forward …
        ...
        v70 = v70 + v69                   # Σ, in the engine's order
        g_v69 = g_v70                     # … and its backward
        ...
        g_w0 += g_v3 * x0                 # shared nodes accumulate over the samples

Which sums qualify comes from the op table: an n-ary op whose generated forward is
``a + b + …`` and whose partials are all 1. The loop runs forward and backward
together when the gradient reaching the sum does not depend on its value (a mean plus a
penalty: the usual loss); otherwise the graph stays straight-line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from operator import itemgetter
from typing import Any

from autograd.compiler import gating
from autograd.compiler.codegen import Emitter, emit_backward
from autograd.compiler.ir import ARG, CONST, INPUT, OP, Graph, Node
from autograd.compiler.symbolic import PLACEHOLDER, kind_of
from autograd.ops import NARY, WITH_CONSTANT

MIN_TERMS = 8
"""A sum of fewer terms stays straight-line."""


@dataclass(eq=False)
class Loop:
    total: Node
    terms: list[list[Node]]
    """Each term's private nodes in topological order; ``terms[i][-1]`` is the i-th term."""
    slots: list[tuple[str, list[Any]]] = field(default_factory=list)
    """Per varying datum: its role (``leaf`` or ``constant``) and its value in every term."""
    varying: dict[tuple[int, str], int] = field(default_factory=dict)
    """(template position, ``leaf``/``constant``) → the slot it reads."""

    @property
    def template(self) -> list[Node]:
        return self.terms[0]


def is_sum(emitter: Emitter, node: Node) -> bool:
    """An n-ary op that the table defines as ``a + b + …`` with every partial 1."""
    op = node.op
    if node.role != OP or op is None or op.kind is not NARY:
        return False
    template = emitter.template(node)
    n = len(node.parents)
    return (
        template.symbolic_forward
        and template.forward == " + ".join(f"{{{i}}}" for i in range(n))
        and template.symbolic_partials
        and all(p == "1.0" for p in template.partials)
    )


def find_loops(emitter: Emitter) -> list[Loop]:
    """Every sum worth rolling whose terms are copies of one graph, independent of each other."""
    graph = emitter.graph
    for node in graph.nodes:  # the scratch marks of an earlier walk mean nothing now
        node.mark = None
    guarded = {id(n) for _, n, o, _ in graph.guards} | {
        id(o) for _, _, o, _ in graph.guards if isinstance(o, Node)
    }
    loops: list[Loop] = []
    taken: set[int] = set()
    for node in graph.nodes:
        if node.role != OP or len(node.parents) < MIN_TERMS or id(node) in taken:
            continue
        first = node.parents[0]
        if first.role != OP or len(first.consumers) != 1:
            continue  # (a neuron's dot reads parameters first: no sum of per-sample terms)
        if not all(p.role == OP and len(p.consumers) == 1 for p in node.parents):
            continue  # (a neuron's dot reads parameters: no sum of per-sample terms)
        if not is_sum(emitter, node):
            continue
        loop = _match(node, guarded)
        if loop is None:
            continue
        members = set(map(id, chain.from_iterable(loop.terms)))
        if members & taken:
            continue
        loops.append(loop)
        taken |= members | {id(node)}
    loops = [lp for lp in loops if not _depends_on_other(lp, loops)]
    for node in graph.nodes:
        node.mark = None
    for loop in loops:  # mark each term's nodes with their loop, for the layout
        for term in loop.terms:
            for m in term:
                m.mark = loop
    return loops


def _match(total: Node, guarded: set[int]) -> Loop | None:
    """The loop for ``total`` if its terms are copies of the first one, else None."""
    terms = list(total.parents)
    if len({id(t) for t in terms}) != len(terms):
        return None
    first = terms[0]
    if first.role != OP or len(first.consumers) != 1:
        return None
    template = _private(first)
    if guarded and any(id(m) in guarded for m in template):
        return None
    values = _data_of(template)
    if values is None:
        return None
    regions = [template]
    data = [values]
    wiring = _wiring(template)
    for t in terms[1:]:
        if t.role != OP or len(t.consumers) != 1:
            return None
        region = _copy_from(template, t, guarded, wiring)
        if region is None:
            return None
        regions.append(region)
        data.append(_data_of(region) or [])
    loop = Loop(total, regions)
    for j, (position, role) in enumerate(_roles(template)):
        column = [values[j] for values in data]
        if role == "constant" and all(_same_number(v, column[0]) for v in column):
            continue  # the same constant in every term: written into the loop body
        loop.varying[(position, role)] = len(loop.slots)
        loop.slots.append((role, column))
    return loop


def _copy_from(
    template: list[Node], term: Node, guarded: set[int], wiring: list[Any] | None = None
) -> list[Node] | None:
    """``term``'s private nodes if they are a copy of ``template``, else None.

    Walks the template from its term back to its leaves: each operand of the copy is the
    node at the same place of the copy (found on the way, used by no node outside it) or
    the very same shared node (a parameter) as in the template; ops, kinds and the number
    of uses must agree. ``wiring`` (from :func:`_wiring`) speeds up the operand checks.
    """
    n = len(template)
    wiring = wiring if wiring is not None else _wiring(template)
    region: list[Node | None] = [None] * n
    region[-1] = term
    term.mark, term.position = term, n - 1
    for j in range(n - 1, -1, -1):
        a, b = template[j], region[j]
        if (
            b is None or a.role != b.role or a.op is not b.op or a.kind != b.kind
            or len(a.consumers) != len(b.consumers) or a.grad_kind != b.grad_kind
            or (guarded and id(b) in guarded)
        ):  # fmt: skip
            return None
        # (b's uses are all inside the copy: as many as a's, and the operand edges below
        # mirror the template's, each of which reaches a node of the template from inside)
        if a.role != OP:
            continue
        if (
            a.op is not None
            and a.op.kind is WITH_CONSTANT
            and (kind_of(a.constant) != kind_of(b.constant))
        ):
            return None
        shared_get, shared, private_get, positions, found_get = wiring[j]
        if shared_get(b.parents) != shared:  # the same parameters, compared in C
            return None
        private = private_get(b.parents)
        if found_get(region) == private:  # every operand already placed, and right
            continue
        for pb, k in zip(private, positions):
            found = region[k]
            if found is None:
                if pb.mark is term or pb.role == INPUT:
                    return None
                region[k] = pb
                pb.mark, pb.position = term, k
            elif found is not pb:
                return None
    return region  # type: ignore[return-value]


def _wiring(template: list[Node]) -> list[Any]:
    """Per template node: a getter of its shared operands and their tuple, a getter of its
    private operands and their places in the term."""
    a_term = template[-1]
    wiring: list[Any] = []
    for a in template:
        shared_idx = [i for i, p in enumerate(a.parents) if p.mark is not a_term]
        private_idx = [i for i, p in enumerate(a.parents) if p.mark is a_term]
        shared_get = _getter(shared_idx)
        positions = [a.parents[i].position for i in private_idx]
        wiring.append(
            (shared_get, shared_get(a.parents), _getter(private_idx), positions, _getter(positions))
        )
    return wiring


def _getter(indices: list[int]) -> Any:
    """A function returning the items at ``indices`` of a tuple, always as a tuple."""
    if len(indices) >= 2:
        return itemgetter(*indices)
    if len(indices) == 1:
        i = indices[0]
        return lambda t: (t[i],)
    return lambda t: ()


def _same_number(a: Any, b: Any) -> bool:
    return type(a) is float and type(b) is float and (a == b or (a != a and b != b))


def _private(term: Node) -> list[Node]:
    """The nodes only this term uses: it, and every ancestor whose consumers are all private.

    Nodes of the region get ``mark = term`` and their ``position`` in it (index order).
    """
    term.mark = term
    private = [term]
    stack = [term]
    pending: dict[int, int] = {}
    while stack:
        node = stack.pop()
        if node.role != OP:
            continue
        for p in node.parents:
            role = p.role
            if role == INPUT or p.mark is term or (role == ARG and p.wants_grad) or role == "alias":
                continue
            n = len(p.consumers)
            if n > 1:
                seen = pending.get(id(p), 0) + 1
                pending[id(p)] = seen
                if seen < n:
                    continue
            p.mark = term
            private.append(p)
            stack.append(p)
    private.sort(key=_index)
    for j, node in enumerate(private):
        node.position = j
    return private


def _index(node: Node) -> int:
    return node.index


def _data_of(region: list[Node]) -> list[Any] | None:
    """The first term's data (kept constants, constant leaves, argument slots), in order."""
    values: list[Any] = []
    for node in region:
        if node.role == OP:
            if node.op is not None and node.op.kind is WITH_CONSTANT:
                values.append(node.constant)
        elif node.role == CONST:
            values.append(node.data)
        elif node.role == ARG:
            values.append(("slot", node.slot))
        else:
            return None
    return values


def _roles(region: list[Node]) -> list[tuple[int, str]]:
    roles = []
    for j, node in enumerate(region):
        if node.role == OP:
            if node.op is not None and node.op.kind is WITH_CONSTANT:
                roles.append((j, "constant"))
        else:
            roles.append((j, "leaf"))
    return roles


def _depends_on_other(loop: Loop, loops: list[Loop]) -> bool:
    """A loop whose terms read another loop's sum (or its descendants) is not rolled."""
    for other in loops:
        if other is loop:
            continue
        later = descendants([other.total])
        if any(id(n) in later for term in loop.terms for n in term):
            return True
        if id(loop.total) in later:
            return True
    return False


def descendants(starts: list[Node]) -> set[int]:
    seen: set[int] = set()
    stack = list(starts)
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.extend(node.consumers)
    return seen


def fusable(emitter: Emitter, loops: list[Loop]) -> bool:
    """Can the gradient reaching each sum be computed before the sums' values exist?

    True when no partial on the way from the output down to the sums reads the value of a
    sum or of anything computed from one (a mean, a penalty added: yes; a log of the sum: no).
    """
    after = descendants([lp.total for lp in loops])
    for node in emitter.graph.nodes:
        if id(node) not in after or not node.needs_grad or any(node is lp.total for lp in loops):
            continue
        template = emitter.template(node)
        operands = node.operands()
        texts = list(template.partials)
        if not template.symbolic_partials:
            texts.append(template.partials_call)
        for i, parent in enumerate(node.parents):
            if not parent.needs_grad:
                continue
            for key in PLACEHOLDER.findall(texts[i] + (texts[-1] if len(texts) > i + 1 else "")):
                ref = node if key == "out" else (operands[int(key)] if key.isdigit() else None)
                if isinstance(ref, Node) and id(ref) in after and ref.role != CONST:
                    return False
    return True


def rolled(emitter: Emitter) -> str | None:
    """Write the function with loops for the sums found, or return None (no loop fits)."""
    graph = emitter.graph
    loops = find_loops(emitter)
    if not loops or not fusable(emitter, loops):
        return None
    after = descendants([lp.total for lp in loops])
    before = [n for n in graph.nodes if not isinstance(n.mark, Loop) and id(n) not in after]
    later = [n for n in graph.nodes if id(n) in after]
    aux_at = _aux_positions(graph, loops) if graph.aux else {}

    emitter.skip_loads = {id(m) for m in graph.args if isinstance(m.mark, Loop)}
    emitter.loads()
    emitter.blank("forward of what the samples share")
    for node in before:
        if node.role in (OP, "alias"):
            emitter.forward(node)
    emitter.blank("backward from the output to the sums (needs no value of theirs)")
    if graph.out.needs_grad and id(graph.out) in after:
        emitter.seed(graph.out)
    for node in reversed(later):
        if all(node is not lp.total for lp in loops):
            emitter.backward(node)
    lists: dict[int, str] = {}
    for number, loop in enumerate(loops, 1):
        _emit_loop(emitter, loop, number, aux_at.get(id(loop), {}), lists)
    emitter.blank("forward from the sums to the output")
    for node in later:
        if node.role == OP and all(node is not lp.total for lp in loops):
            emitter.forward(node)
    emitter.blank("backward of what the samples share")
    emit_backward_only(emitter, before)
    emitter.aux_text = _aux_text(graph, loops, aux_at, lists)
    emitter.returns()
    sizes = ", ".join(f"{len(lp.terms)} samples of {len(lp.template)} nodes" for lp in loops)
    return f", rolled into {len(loops)} loop(s) over {sizes}"


def emit_backward_only(emitter: Emitter, nodes: list[Node]) -> None:
    for node in reversed(nodes):
        emitter.backward(node)


def _aux_positions(graph: Graph, loops: list[Loop]) -> dict[int, dict[int, list[tuple[int, Node]]]]:
    """For each loop: template position → the auxiliary outputs that are that node of a term."""
    where: dict[int, tuple[Loop, int, int]] = {}
    for loop in loops:
        for i, term in enumerate(loop.terms):
            for j, node in enumerate(term):
                where[id(node)] = (loop, i, j)
    result: dict[int, dict[int, list[tuple[int, Node]]]] = {}
    for node in graph.aux:
        if id(node) in where:
            loop, i, j = where[id(node)]
            result.setdefault(id(loop), {}).setdefault(j, []).append((i, node))
    return result


def _aux_text(
    graph: Graph, loops: list[Loop], aux_at: dict[int, dict[int, list[tuple[int, Node]]]],
    lists: dict[int, str],
) -> dict[int, str]:  # fmt: skip
    texts: dict[int, str] = {}
    for loop in loops:
        for j, entries in aux_at.get(id(loop), {}).items():
            for i, node in entries:
                texts[id(node)] = f"{lists[id(loop.template[j])]}[{i}]"
    return texts


def _emit_loop(
    emitter: Emitter, loop: Loop, number: int, aux: dict[int, list[tuple[int, Node]]],
    lists: dict[int, str],
) -> None:  # fmt: skip
    template = loop.template
    total = loop.total
    term = template[-1]
    names = emitter.names
    # the loop's data: one column per varying datum, zipped (constants baked, args picked)
    loop_vars: list[str] = []
    columns: list[str] = []
    read: list[str] = []  # the columns read from the arguments
    baked = True
    sampled = Sampled(total, loop.terms)
    for k, (role, column) in enumerate(loop.slots):
        var = emitter.namer.claim(f"x{k}" if role == "leaf" else f"c{k}")
        loop_vars.append(var)
        if column and isinstance(column[0], tuple) and column[0][:1] == ("slot",):
            baked = False
            picks = [slot for _, slot in column]
            name = names.name_of(_picker(picks), f"pick{number}_{k}")
            sampled.data[name] = partial(_kept_picker, picks)
            columns.append(f"{name}(_data)")
            read.append(columns[-1])
        else:
            name = names.name_of(tuple(column), f"column{number}_{k}")
            sampled.data[name] = partial(_kept, column)
            columns.append(name)
    for (position, role), k in loop.varying.items():
        node = template[position]
        if role == "leaf":
            emitter.overrides[id(node)] = loop_vars[k]
        else:
            emitter.constant_overrides[id(node)] = loop_vars[k]
    emitter.blank(
        f"{len(loop.terms)} samples, one loop: {total.name} = Σ of "
        f"{len(template)}-node terms like {term.name}"
    )
    emitter.flush_all()  # the loop reads the gradient reaching the sum
    for node in _shared_needing_grad(loop):
        if id(node) not in emitter.assigned and node.role == OP:
            emitter.emit(f"{emitter.gvar(node)} = 0.0")
            emitter.assigned.add(id(node))
    gates = None
    flag = ""
    if total.needs_grad and term.needs_grad:
        gates = gating.find_gates(emitter, loop)
        if gates is not None:
            flag = gating.emit_keep_zeros(emitter, gates, emitter.gvar(total), read)
    emitter.emit(f"{emitter.var(total)} = 0")
    for j in aux:
        lists[id(template[j])] = emitter.namer.claim(f"{emitter.var(template[j])}_all")
        emitter.emit(f"{lists[id(template[j])]} = []")
    if not loop.slots:
        header = f"for _ in range({len(loop.terms)}):"
    elif baked:
        if len(loop.slots) == 1:  # one varying datum: the column itself, no 1-tuples
            rows: list[Any] = list(loop.slots[0][1])
        else:
            rows = list(zip(*(col for _, col in loop.slots)))
        rows_name = names.name_of(tuple(rows), f"samples{number}")
        sampled.data = {rows_name: partial(_kept, rows)}
        header = f"for {', '.join(loop_vars)} in {rows_name}:"
    elif len(columns) == 1:
        header = f"for {loop_vars[0]} in {columns[0]}:"
    else:
        header = f"for {', '.join(loop_vars)} in zip({', '.join(columns)}):"
    shown = ", ".join(f"{v} = {_describe_slot(template, loop, k)}" for k, v in enumerate(loop_vars))
    emitter.emit(header, f"per sample: {shown}" if shown else "")
    if sampled.data:  # (a loop of no data, ``range(n)``, is checked whole)
        emitter.sampled.append(sampled)
    emitter.depth += 1
    for node in template:
        if id(node) in emitter.overrides and node.role != OP:
            emitter.defined.add(id(node))
            continue
        if node.role == OP:
            emitter.forward(node)
        else:
            emitter.defined.add(id(node))
    total_var = emitter.var(total)
    emitter.emit(f"{total_var} = {total_var} + {emitter.atom(term)}", f"{total.name} = Σ")
    for j in aux:
        emitter.emit(f"{lists[id(template[j])]}.append({emitter.atom(template[j])})")
    if total.needs_grad and term.needs_grad:
        emitter.accumulate(term, emitter.gvar(total), f"∂{total.name}/∂{term.name} = 1", None)
        gating.emit_backward(emitter, loop, gates, flag)
    emitter.flush_all()  # inside the loop: each sample's products
    emitter.depth -= 1
    emitter.defined.add(id(total))
    emitter.check_guards()
    for node in template:  # each sample's gradients start afresh in the next iteration
        emitter.assigned.discard(id(node))


@dataclass(eq=False)
class Sampled:
    """A rolled loop as the self-check on nudged inputs sees it (:mod:`.nudged`): the same
    code runs on a few of its samples when the globals in ``data`` hold only theirs."""

    total: Node
    terms: list[list[Node]]
    data: dict[str, Callable[[list[int]], Any]] = field(default_factory=dict)
    """Global name of the loop's data → its value for the kept samples (their indices)."""


def _picker(slots: list[int]) -> Callable[[Any], tuple[Any, ...]]:
    """A function picking the argument ``slots`` out of ``_data``, always as a tuple."""
    if len(slots) == 1:
        return partial(_one, slots[0])
    return itemgetter(*slots)


def _one(i: int, data: Any) -> tuple[Any]:
    return (data[i],)


def _kept(items: list[Any], kept: list[int]) -> tuple[Any, ...]:
    return tuple(items[i] for i in kept)


def _kept_picker(slots: list[int], kept: list[int]) -> Callable[[Any], tuple[Any, ...]]:
    return _picker([slots[i] for i in kept])


def _describe_slot(template: list[Node], loop: Loop, k: int) -> str:
    """``x0`` is a leaf of the sample (named by its value in the first), ``c0`` a constant."""
    for (position, role), slot in loop.varying.items():
        if slot == k:
            node = template[position]
            if role == "leaf":
                return f"{node.name} (first sample)"
            return f"the constant of {node.name}"
    return "?"


def _shared_needing_grad(loop: Loop) -> list[Node]:
    members = {id(m) for m in loop.template}
    shared: dict[int, Node] = {}
    for node in loop.template:
        for p in node.parents:
            if id(p) not in members and p.needs_grad:
                shared[id(p)] = p
    return list(shared.values())


__all__ = ["Loop", "Sampled", "emit_backward", "find_loops", "rolled"]
