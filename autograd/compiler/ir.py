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
from autograd.value import UNRECORDED, Value

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


def build(trace: Trace, out: Value, aux: list[Value], value_slots: set[int]) -> Graph:
    """The IR of a trace: roles, kinds, names, consumers, constants folded, who needs a grad.

    Raises :class:`Unsupported` for what the code could not redo: a node computed before
    the call (only leaves may come from outside), a value computed under ``no_grad`` inside
    the function, or data assigned while it ran.
    """
    if trace.clock_moved:
        raise Unsupported("a Value's data was assigned while the function ran")
    record = trace.record
    slot_of = {leaf: i for i, leaf in enumerate(trace.leaves)}
    guard_values: list[Value] = []
    for _, guarded, other, _ in record.guards:
        guard_values.append(guarded)
        if isinstance(other, Value):
            guard_values.append(other)
    roots = [out, *aux, *guard_values, *record.detached.values()]
    names = shared_names(*roots)  # in topological order: the one walk of the graph
    # a detached leaf must come after the node it copies
    order = _alias_order(list(names), record.detached)
    start = trace.start
    nodes: list[Node] = []
    by_value: dict[Value, Node] = {}
    get = by_value.__getitem__
    unnamed = 0
    for i, v in enumerate(order):
        data = v._data
        kind = None if data.__class__ is float else kind_of(data)
        op = v._op
        if op is not None:
            if v._version < start:
                raise Unsupported(
                    f"it uses a Value computed before the call ({_describe(v)}); only leaves "
                    "(parameters, inputs) may come from outside: compute the rest inside"
                )
            parents = tuple(map(get, v.parents))
            node: Node = Node(v, i, OP, kind, names[v], "", op, parents)
            if op.kind is WITH_CONSTANT:
                node.constant = v._b
            for p in parents:
                p.consumers.append(node)
            node.needs_grad = any(map(_needs_grad, parents))
            if parents and parents[0].role == CONST and all(p.role == CONST for p in parents):
                node.role = CONST  # an op whose operands are all constants is a constant
        elif v in slot_of:
            node = Node(v, i, ARG, kind, names[v], slot=slot_of[v])
            node.needs_grad = node.slot in value_slots
        elif v in record.detached:
            node = Node(v, i, ALIAS, kind, names[v], source=by_value[record.detached[v]])
        elif v._version < start:
            if v.label:
                node = Node(v, i, INPUT, kind, names[v])
            else:
                # autograd.names calls an unlabelled leaf by its value, as a constant; an
                # input's value changes from call to call, so it is in1, in2, … in the code
                unnamed += 1
                node = Node(v, i, INPUT, kind, f"in{unnamed}")
            node.needs_grad = True
        elif v._a is UNRECORDED:
            raise Unsupported(
                f"it computes {_describe(v)} under no_grad: the compiled code could not "
                "recompute it; compute it with recording on (or outside the function)"
            )
        else:
            node = Node(v, i, CONST, kind, names[v])
        nodes.append(node)
        by_value[v] = node
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


_needs_grad = attrgetter("needs_grad")


def _describe(v: Value) -> str:
    return repr(v.label) if v.label else f"a node with op {v.op!r}"


def _alias_order(order: list[Value], detached: dict[Value, Value]) -> list[Value]:
    if not detached:
        return order
    position = {v: i for i, v in enumerate(order)}
    late = [a for a, src in detached.items() if a in position and position[a] < position[src]]
    if not late:
        return order
    moved = set(late)
    result: list[Value] = []
    after: dict[Value, list[Value]] = {}
    for a in late:
        after.setdefault(detached[a], []).append(a)
    for v in order:
        if v in moved:
            continue
        result.append(v)
        result.extend(after.get(v, ()))
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
