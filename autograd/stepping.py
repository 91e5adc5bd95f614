"""Step through a forward or backward pass in the REPL, one node at a time.

>>> from autograd import Value, Backprop
>>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
>>> q = x + y; q.label = "q"
>>> f = q * z; f.label = "f"
>>> bp = Backprop(f)
>>> print(bp.step())
step 1/2  f = q * z = 3.0 * -4.0 = -12.0   (f.grad = 1.0)
  ∂f/∂q = z = -4.0  →  q.grad += 1.0 × -4.0 = -4.0
  ∂f/∂z = q = 3.0  →  z.grad += 1.0 × 3.0 = 3.0

The numbers are the ones :meth:`Value.backward` produces: both use the op
table's partials and start from :func:`autograd.backward.prepare`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from autograd.backward import local_partials, prepare, reduce_to
from autograd.graph import topological_order
from autograd.messages import short
from autograd.ops import WITH_CONSTANT
from autograd.value import Value

_INFIX = {"+", "*", "/", "**"}


def num(x: Any) -> str:
    """A number as the stepper prints it: ``3.0``, ``-0.25``, ``0.731059``, ``1.23457e-07``."""
    if isinstance(x, Value):
        x = x.data
    if isinstance(x, float):
        text = repr(x)
        return text if len(text) <= 8 else f"{x:.6g}"
    return short(x)


def node_names(order: list[Value]) -> dict[Value, str]:
    """A readable name per node: its label, else a constant's value, else ``v1, v2, …``."""
    names: dict[Value, str] = {}
    counter = 0
    for node in order:
        if node.label:
            names[node] = node.label
        elif node.is_leaf:
            names[node] = num(node.data)
        else:
            counter += 1
            names[node] = f"v{counter}"
    return names


def expression(node: Value, names: dict[Value, str], values: bool = False) -> str:
    """``q + z`` or ``tanh(q)``: how ``node`` is computed from its parents (or their data)."""
    args = operand_names(node, names, values)
    op = node.op_entry
    symbol = op.symbol if op is not None else ""
    if symbol in _INFIX and len(args) == 2:
        return f"{args[0]} {symbol} {args[1]}"
    if symbol.startswith("**"):  # a constant power: x ** 2
        return f"{args[0]} ** {symbol[2:]}"
    return f"{symbol}({', '.join(args)})"


def operand_names(node: Value, names: dict[Value, str], values: bool = False) -> list[str]:
    """The names (or data) of ``node``'s operands in op order, a kept constant included."""
    args = [num(p.data) if values else names[p] for p in node.parents]
    op = node.op_entry
    if op is not None and op.kind is WITH_CONSTANT:
        args.insert(op.position, num(node.constant))
    return args


def partial_formula(node: Value, index: int, names: dict[Value, str]) -> str:
    """``∂node/∂parent[index]`` as text from the op table, e.g. ``z`` for ``∂(q*z)/∂q``."""
    op = node.op_entry
    if op is None:
        return ""
    args = [names[p] for p in node.parents]
    if op.kind is WITH_CONSTANT:
        args.append(num(node.constant))
    return op.explain(index, args, names[node])


@dataclass(frozen=True)
class Term:
    """One chain-rule product: ``parent.grad += upstream × partial``."""

    parent: Value
    formula: str
    partial: Any
    upstream: Any
    contribution: Any
    grad_after: Any


@dataclass(frozen=True)
class Step:
    """What one backward step did at ``node``; ``str()`` explains it with numbers."""

    index: int
    total: int
    node: Value
    terms: tuple[Term, ...]
    names: dict[Value, str]

    def __str__(self) -> str:
        name = self.names[self.node]
        lines = [
            f"step {self.index}/{self.total}  {name} = {expression(self.node, self.names)}"
            f" = {expression(self.node, self.names, values=True)} = {num(self.node.data)}"
            f"   ({name}.grad = {num(self.node.grad)})"
        ]
        for t in self.terms:
            parent = self.names[t.parent]
            shown = t.formula if _is_number(t.formula) else f"{t.formula} = {num(t.partial)}"
            lines.append(
                f"  ∂{name}/∂{parent} = {shown}  →  {parent}.grad += {num(t.upstream)} × "
                f"{num(t.partial)} = {num(t.grad_after)}"
            )
        return "\n".join(lines)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


StepT = TypeVar("StepT")


class _Walk(Generic[StepT]):
    """A pass over ``order`` one node at a time: ``position`` counts the steps done."""

    direction = ""
    order: list[Value]

    def __init__(self, root: Value, forward_order: list[Value]) -> None:
        self.root = root
        self.names = node_names(forward_order)
        self.position = 0

    @property
    def current(self) -> Value | None:
        """The node the next step handles, or None when the pass is finished."""
        return self.order[self.position] if self.position < len(self.order) else None

    @property
    def finished(self) -> bool:
        """True once every node has been handled."""
        return self.position >= len(self.order)

    @property
    def processed(self) -> list[Value]:
        """The nodes already handled, in order."""
        return self.order[: self.position]

    def step(self) -> StepT:
        """Handle the current node and return what happened."""
        node = self.current
        if node is None:
            raise RuntimeError(f"the {self.direction} pass is finished")
        result = self._handle(node, self.position + 1)
        self.position += 1
        return result

    def _handle(self, node: Value, index: int) -> StepT:
        raise NotImplementedError

    def run(self) -> list[StepT]:
        """Finish the pass; return the remaining steps."""
        return list(self)

    def __iter__(self) -> Iterator[StepT]:
        while not self.finished:
            yield self.step()

    def table(self) -> str:
        """The graph's Wengert list: order, name, op, inputs, data, grad."""
        return wengert_table(self.root, self.names)


class Backprop(_Walk[Step]):
    """Perform ``root.backward()`` one node at a time, explaining each chain-rule step.

    ``order`` lists the nodes in processing order (``root`` first, leaves
    skipped: they have nothing to pass on); ``position`` counts the steps done;
    ``current`` is the node the next :meth:`step` processes. Gradients on the
    Values change live, exactly as :meth:`Value.backward` changes them.
    """

    direction = "backward"

    def __init__(self, root: Value) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"Backprop needs a Value, got {type(root).__name__}")
        forward_order = prepare(root)
        super().__init__(root, forward_order)
        self.order = [n for n in reversed(forward_order) if not n.is_leaf]

    def _handle(self, node: Value, index: int) -> Step:
        """Apply the chain rule at ``node``: ``parent.grad += node.grad × ∂node/∂parent``."""
        g = node.grad
        terms = []
        for i, (parent, partial) in enumerate(zip(node.parents, local_partials(node))):
            contribution = reduce_to(parent.data, g * partial)
            parent.grad += contribution
            formula = partial_formula(node, i, self.names)
            terms.append(Term(parent, formula, partial, g, contribution, parent.grad))
        return Step(index, len(self.order), node, tuple(terms), self.names)

    def __repr__(self) -> str:
        done = f"{self.position}/{len(self.order)} steps done"
        node = self.current
        if node is None:
            return f"<Backprop of {self.names[self.root]}: {done}, finished>"
        name = self.names[node]
        return (
            f"<Backprop of {self.names[self.root]}: {done}; next: {name} = "
            f"{expression(node, self.names)} with {name}.grad = {num(node.grad)}>"
        )


@dataclass(frozen=True)
class ForwardStep:
    """One node of the forward replay."""

    index: int
    total: int
    node: Value
    names: dict[Value, str]

    def __str__(self) -> str:
        name = self.names[self.node]
        if self.node.is_leaf:
            return f"step {self.index}/{self.total}  {name} = {num(self.node.data)}   (input)"
        return (
            f"step {self.index}/{self.total}  {name} = {expression(self.node, self.names)}"
            f" = {expression(self.node, self.names, values=True)} = {num(self.node.data)}"
        )


class Forward(_Walk[ForwardStep]):
    """Replay the forward pass that built ``root``: each node computed from its parents."""

    direction = "forward"

    def __init__(self, root: Value) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"Forward needs a Value, got {type(root).__name__}")
        self.order = topological_order(root)
        super().__init__(root, self.order)

    def _handle(self, node: Value, index: int) -> ForwardStep:
        return ForwardStep(index, len(self.order), node, self.names)

    def __repr__(self) -> str:
        shown = f"{self.position}/{len(self.order)} nodes shown"
        return f"<Forward of {self.names[self.root]}: {shown}>"


def wengert_table(root: Value, names: dict[Value, str] | None = None) -> str:
    """The Wengert list of ``root``'s graph as an aligned text table."""
    order = topological_order(root)
    names = names or node_names(order)
    rows = [("#", "name", "op", "inputs", "data", "grad")]
    for i, node in enumerate(order, 1):
        inputs = ", ".join(names[p] for p in node.parents)
        rows.append(
            (str(i), names[node], node.op or "leaf", inputs, num(node.data), num(node.grad))
        )
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
