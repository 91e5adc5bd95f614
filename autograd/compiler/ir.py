"""The traced graph as the code generator sees it: every node with its role, kind and name.

Roles:

* ``INPUT``: a Value that existed before the call (a parameter): its data is read at
  every call and, if the output depends on it, its ``.grad`` written;
* ``ARG``: a data slot of the arguments (a float, a batch, or a Value argument, whose
  gradient is returned when ``wants_grad``);
* ``CONST``: a Value the function made from plain numbers, or an op whose operands are
  all constants (folded): its traced data is written into the code;
* ``OP``: computed by the code, from the op table;
* ``ALIAS``: a ``detach()`` of another node: its value, no gradient.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from autograd.compiler.symbolic import Kind, kind_of
from autograd.compiler.tracing import Trace
from autograd.naming import names as shared_names
from autograd.ops import WITH_CONSTANT, Op
from autograd.value import Value
from autograd.versions import stamp

INPUT, ARG, CONST, OP, ALIAS = "input", "arg", "const", "op", "alias"


class Unsupported(Exception):
    """The traced function does something the compiled code could not redo faithfully."""


@dataclass(eq=False, slots=True, repr=False)
class Node:
    value: Value
    index: int
    role: str
    kind: Kind
    name: str = ""
    var: str = ""
    op: Op | None = None
    parents: tuple[Node, ...] = ()
    constant: Any = None
    slot: int = -1
    source: Node | None = None
    consumers: list[Node] = field(default_factory=list)
    """The nodes that take this one as an operand (once per use)."""
    needs_grad: bool = False
    grad_kind: Kind = None
    wants_grad: bool = False
    """An input or Value argument the output depends on: its gradient leaves the code."""
    mark: Any = None
    """Scratch space for the layouts' graph walks."""
    position: int = -1
    """Scratch space: the node's place in a rolled term."""

    def __repr__(self) -> str:  # not the dataclass's: that one recurses through the graph
        return f"<{self.role} node {self.index} {self.name!r}>"

    @property
    def data(self) -> Any:
        return self.value._data

    def operands(self) -> list[Any]:
        """What the op takes, in order: parent nodes, and the kept constant last."""
        if self.op is not None and self.op.kind is WITH_CONSTANT:
            return [self.parents[0], self.constant]
        return list(self.parents)


@dataclass
class Graph:
    nodes: list[Node]
    out: Node
    by_value: dict[Value, Node]
    inputs: list[Node]
    """INPUT nodes, in order of first use."""
    args: list[Node]
    """ARG nodes, in slot order."""
    guards: list[tuple[str, Node, Any, Any]]
    aux: list[Node]
    batched: bool

    def node(self, v: Value) -> Node:
        return self.by_value[v]

    def release(self) -> None:
        """Break the cycles between nodes (a parent lists its consumers; a layout's marks),
        so that the graph is freed as soon as it is dropped, not by the cyclic collector
        scanning every node (9 ms for M's 7,679 nodes)."""
        for node in self.nodes:
            node.consumers.clear()
            node.mark = None


def build(
    trace: Trace, out: Value, aux: list[Value], value_slots: set[int],
    order: list[Value] | None = None,
) -> Graph:  # fmt: skip
    """The IR of a trace: roles, kinds, names, consumers, constants folded, who needs a grad.

    ``order``: ``out``'s topological order, when the caller has it already.

    Raises :class:`Unsupported` for what the code could not redo: a node computed before
    the call (only leaves may come from outside), a value computed under ``no_grad`` inside
    the function, or data assigned while it ran.
    """
    if trace.clock_moved:
        raise Unsupported("a Value's data was assigned while the function ran")
    record = trace.record
    roots = [out, *aux, *guarded_values(record.guards), *record.detached.values()]
    # in topological order: the one walk of the graph
    names = shared_names(*roots, order=order if len(roots) == 1 else None)
    roles = _Roles(trace, names, value_slots)
    nodes = [roles.node(v, i) for i, v in enumerate(alias_order(list(names), record.detached))]
    by_value = roles.by_value
    graph_out = by_value[out]
    _mark_gradients(nodes, graph_out, len(roots) > 1)
    guards = [
        (what, by_value[v], by_value[o] if isinstance(o, Value) else o, result)
        for what, v, o, result in record.guards
    ]
    return Graph(
        nodes=nodes,
        out=graph_out,
        by_value=by_value,
        inputs=[n for n in nodes if n.role == INPUT],
        args=sorted((n for n in nodes if n.role == ARG), key=lambda n: n.slot),
        guards=guards,
        aux=[by_value[a] for a in aux],
        batched=any(n.kind is not None for n in nodes),
    )


def guarded_values(guards: list[tuple[str, Value, Any, Any]]) -> list[Value]:
    """The Values the recorded guards read (each compared node, and a Value it met)."""
    found: list[Value] = []
    for _, guarded, other, _ in guards:
        found.append(guarded)
        if isinstance(other, Value):
            found.append(other)
    return found


class _Roles:
    """Makes each traced Value's node, with the role its history gives it (see the module)."""

    def __init__(self, trace: Trace, names: dict[Value, str], value_slots: set[int]) -> None:
        self.names = names
        self.value_slots = value_slots
        self.slot_of = {leaf: i for i, leaf in enumerate(trace.leaves)}
        self.detached = trace.record.detached
        self.start = trace.start
        self.by_value: dict[Value, Node] = {}
        self.unnamed_inputs = 0

    def node(self, v: Value, index: int) -> Node:
        """The node of ``v``, the ``index``-th in topological order (its parents are made)."""
        data = v.data
        kind = None if data.__class__ is float else kind_of(data)
        op = v.op_entry
        if op is not None:
            node = self.op_node(v, index, kind, op)
        elif v in self.slot_of:
            node = Node(v, index, ARG, kind, self.names[v], slot=self.slot_of[v])
            node.needs_grad = node.slot in self.value_slots
        elif v in self.detached:
            source = self.by_value[self.detached[v]]
            node = Node(v, index, ALIAS, kind, self.names[v], source=source)
        elif stamp(v) < self.start:
            node = self.input_node(v, index, kind)
        elif not v.requires_grad:
            raise Unsupported(
                f"it computes {_describe(v)} under no_grad: the compiled code could not "
                "recompute it; compute it with recording on (or outside the function)"
            )
        else:
            node = Node(v, index, CONST, kind, self.names[v])
        self.by_value[v] = node
        return node

    def op_node(self, v: Value, index: int, kind: Kind, op: Op) -> Node:
        """An op the call computed: an ``OP``, or a ``CONST`` when all its operands are."""
        if stamp(v) < self.start:
            raise Unsupported(
                f"it uses a Value computed before the call ({_describe(v)}); only leaves "
                "(parameters, inputs) may come from outside: compute the rest inside"
            )
        parents = tuple(map(self.by_value.__getitem__, v.parents))
        node = Node(v, index, OP, kind, self.names[v], "", op, parents)
        if op.kind is WITH_CONSTANT:
            node.constant = v.constant
        for parent in parents:
            parent.consumers.append(node)
        node.needs_grad = any(map(_needs_grad, parents))
        if parents and parents[0].role == CONST and set(map(_role, parents)) == _CONST_ONLY:
            node.role = CONST  # an op whose operands are all constants is a constant
        return node

    def input_node(self, v: Value, index: int, kind: Kind) -> Node:
        """A leaf that existed before the call (a parameter): read, and given its gradient."""
        if v.label:
            node = Node(v, index, INPUT, kind, self.names[v])
        else:
            # autograd.names calls an unlabelled leaf by its value, as a constant; an
            # input's value changes from call to call, so it is in1, in2, … in the code
            self.unnamed_inputs += 1
            node = Node(v, index, INPUT, kind, f"in{self.unnamed_inputs}")
        node.needs_grad = True
        return node


_needs_grad = attrgetter("needs_grad")
_consumers = attrgetter("consumers")
_role = attrgetter("role")
_CONST_ONLY = {CONST}


def _describe(v: Value) -> str:
    return repr(v.label) if v.label else f"a node with op {v.op!r}"


def alias_order(order: list[Value], detached: dict[Value, Value]) -> list[Value]:
    """``order`` (topological) with each detached leaf after the node it copies.

    A copy's source may be reached only through the extra roots, after the copy's own
    consumers (``x * w.detach()``): the source and whatever it needs not placed yet come
    first, then the copy, so every node still follows its parents."""
    if not detached:
        return order
    placed: set[Value] = set()
    result: list[Value] = []
    position = {v: i for i, v in enumerate(order)}
    for v in order:
        if v in placed:
            continue
        stack = [v]
        while stack:  # place stack[-1] once everything it needs is placed
            top = stack[-1]
            needs = [*top.parents, *([detached[top]] if top in detached else [])]
            waiting = [p for p in needs if p not in placed and p in position]
            if waiting:
                stack.extend(sorted(waiting, key=position.__getitem__, reverse=True))
                continue
            stack.pop()
            if top not in placed:
                placed.add(top)
                result.append(top)
    return result


def _mark_gradients(nodes: list[Node], out: Node, extra_roots: bool) -> None:
    """Keep ``needs_grad`` only on a path from a gradient the code returns to the output.

    ``build`` set it on every input and Value argument and every op reading one; with
    other roots (auxiliary outputs, guards) a node may not lead to the output: it needs
    no gradient, and an input it reads gets none (``wants_grad``: the code returns it).
    """
    if extra_roots:
        reaches = {id(out)}
        for node in reversed(nodes):
            if id(node) in reaches:
                reaches.update(id(p) for p in node.parents)
        for node in nodes:
            if id(node) not in reaches:
                node.needs_grad = False
    for node in nodes:
        if node.needs_grad and node.role != OP:
            node.wants_grad = True
