"""Step through a forward or backward pass in the REPL, one node at a time.

>>> from autograd import Value, Backprop
>>> x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
>>> q = x + y; q.label = "q"
>>> f = q * z; f.label = "f"
>>> bp = Backprop(f)
>>> print(bp.step())
step 1/2  f = q * z = 3 * (-4) = -12   (f.grad = 1)
  ∂f/∂q = z = -4  →  q.grad += 1 × (-4) = -4
  ∂f/∂z = q = 3  →  z.grad += 1 × 3 = 3

The numbers are the ones :meth:`Value.backward` produces: both use the op
table's partials and start from :func:`autograd.backward.prepare`. Every name
comes from :func:`autograd.names` and every number from
:func:`autograd.format_number`, so the text agrees with the Wengert table and
with the drawings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Literal, TypeVar

from autograd.backward import local_partials, prepare
from autograd.graph import topological_order
from autograd.naming import DEFAULT_PRECISION, check_precision, format_number, names, operand
from autograd.shares import shares, sum_text
from autograd.value import Value
from autograd.wengert import WengertTable, is_zero, table_text

WIDTH = 100
"""Columns a line of stepper text may take; longer expressions fold over several lines."""

GradStatus = Literal["known", "partial", "unknown"]
"""How far a pass has got with a node's gradient: summed over every use, over some, or none."""

REPR_WIDTH = 120
"""A stepper's ``repr`` is one line shorter than this (the expression is left out if need be)."""

_INFIX = {"+", "*", "/", "**"}
_CONTINUE = "      + "  # a folded sum continues on the next line after this indent
_RESULT = "    = "  # a folded step's value lines start here


# ---- how a node is computed, as text ---------------------------------------------------------


def _operand_texts(node: Value, names: dict[Value, str], precision: int, values: bool) -> list[str]:
    """``node.operands`` as text: a node's name (or data), a kept constant's value."""
    return [
        (format_number(o.data, precision) if values else names[o])
        if isinstance(o, Value)
        else format_number(o, precision)
        for o in node.operands
    ]


def expression_terms(
    node: Value, names: dict[Value, str], precision: int = DEFAULT_PRECISION, values: bool = False
) -> list[str]:
    """How ``node`` is computed from its operands, as terms to join with ``" + "``.

    One term for most ops (``q * z``, ``tanh(v1)``, ``v7 - 1``, ``(-0.8634) ** 2``);
    one term per operand for a sum and per product ``wᵢ * xᵢ`` (and ``b``) for a
    dot, so long sums can fold between terms. ``values=True`` puts the operands'
    data in place of their names. An add whose kept constant is negative reads as
    a subtraction (``v7 - 1``); ``x - y`` between two nodes is recorded as
    ``x + v1`` with ``v1 = neg(y)`` and reads that way.
    """
    op = node.op_entry
    if op is None:
        return [format_number(node.data, precision) if values else names[node]]
    texts = _operand_texts(node, names, precision, values)
    symbol = op.symbol
    if op.name == "sum":
        return [operand(t) for t in texts]
    if op.name == "dot":
        n = len(texts) // 2
        products = [f"{operand(w)} * {operand(x)}" for w, x in zip(texts[:n], texts[n : 2 * n])]
        return products + [operand(t) for t in texts[2 * n :]]
    if symbol in _INFIX and len(texts) == 2:
        kept = node.operands[1]
        if symbol == "+" and isinstance(kept, float) and kept < 0:  # x + (-1) reads x - 1
            return [f"{operand(texts[0])} - {format_number(-kept, precision)}"]
        return [f"{operand(texts[0])} {symbol} {operand(texts[1])}"]
    if symbol.startswith("**"):  # a constant power: x ** 2
        return [f"{operand(texts[0])} ** {operand(symbol[2:])}"]
    return [f"{symbol}({', '.join(texts)})"]


def expression(
    node: Value, names: dict[Value, str], precision: int = DEFAULT_PRECISION, values: bool = False
) -> str:
    """``q * z``, ``tanh(v1)``, ``3 * (-4)``: :func:`expression_terms` on one line."""
    return " + ".join(expression_terms(node, names, precision, values))


def summary(
    node: Value, names: dict[Value, str], precision: int = DEFAULT_PRECISION, limit: int = 48
) -> str:
    """``f = q * z``, or ``v3 = dot(17 operands)`` when the expression is long: for reprs."""
    name = _clip(names[node], 24)
    if node.op_entry is None:
        return name
    text = expression(node, names, precision)
    if len(text) > limit and node.op_entry.arity is None:  # a sum or dot: count its operands
        text = f"{node.op_entry.symbol}({len(node.operands)} operands)"
    return f"{name} = {_clip(text, limit)}"


def partial_formula(
    node: Value, index: int, names: dict[Value, str], precision: int = DEFAULT_PRECISION
) -> str:
    """``∂node/∂parents[index]`` as text from the op table, e.g. ``z`` for ``∂(q*z)/∂q``."""
    op = node.op_entry
    if op is None:
        return ""
    texts = _operand_texts(node, names, precision, values=False)
    # Op.explain takes the parents' names, then a kept constant's value
    parents = [t for o, t in zip(node.operands, texts) if isinstance(o, Value)]
    kept = [operand(t) for o, t in zip(node.operands, texts) if not isinstance(o, Value)]
    formula = op.explain(index, parents + kept, names[node])
    if formula.startswith("(") and formula.endswith(")") and _is_number(formula[1:-1]):
        return formula[1:-1]  # a bare constant needs no parentheses: ∂(x*(-2))/∂x = -2
    return formula


def fold(first: str, terms: list[str], width: int = WIDTH) -> list[str]:
    """``first`` then ``terms`` joined by ``" + "``, broken before a ``+`` to fit ``width``."""
    lines: list[str] = []
    line = first + terms[0]
    for term in terms[1:]:
        if len(line) + 3 + len(term) <= width:
            line += " + " + term
        else:
            lines.append(line)
            line = _CONTINUE + term
    lines.append(line)
    return lines


def _computation(head: str, node: Value, names: dict[Value, str], precision: int,
                 tail: str = "") -> list[str]:  # fmt: skip
    """``head = names = values = result tail``, on one line if it fits, else folded."""
    by_name = expression_terms(node, names, precision)
    by_value = expression_terms(node, names, precision, values=True)
    result = format_number(node.data, precision)
    line = f"{head} = {' + '.join(by_name)} = {' + '.join(by_value)} = {result}{tail}"
    if len(line) <= WIDTH:
        return [line]
    return [*fold(f"{head} = ", by_name), *fold(_RESULT, by_value), f"{_RESULT}{result}{tail}"]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---- what one step did ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One chain-rule product: ``parent.grad += upstream × partial`` (= ``contribution``),
    taking ``parent.grad`` from ``grad_before`` to ``grad_after``.

    ``earlier`` holds the shares ``parent`` received before this one (a kept gradient
    first, with ``accumulate=True``) and ``pending`` counts its uses still to come.
    """

    parent: Value
    formula: str
    partial: Any
    upstream: Any
    contribution: Any
    grad_after: Any
    grad_before: Any = 0.0
    earlier: tuple[Any, ...] = ()
    pending: int = 0

    def text(
        self, names: dict[Value, str], precision: int = DEFAULT_PRECISION, short: bool = False
    ) -> str:
        """``q.grad += 1 × (-4) = -4`` for a value used once; for one used several times
        its sum so far: ``x.grad = 1 × 3 + ? = 3 + ?``, then ``x.grad = 3 + (-1.5) × (-2)
        = 3 + 3 = 6`` once every use has added its share (:func:`autograd.shares.sum_text`).
        ``short=True`` leaves out the middle (``x.grad = 3 + (-1.5) × (-2) = 6``)."""
        parent = names[self.parent]
        product = (
            f"{operand(format_number(self.upstream, precision))} × "
            f"{operand(format_number(self.partial, precision))}"
        )
        if not self.earlier and not self.pending:
            return f"{parent}.grad += {product} = {format_number(self.grad_after, precision)}"
        before = [format_number(e, precision) for e in self.earlier]
        formula = sum_text([*before, product], self.pending)
        if short:
            return f"{parent}.grad = {formula}" + (
                "" if self.pending else f" = {format_number(self.grad_after, precision)}"
            )
        return f"{parent}.grad = {formula} = {self.sum_so_far(precision)}"

    def sum_so_far(self, precision: int = DEFAULT_PRECISION) -> str:
        """``parent.grad`` after this term as the shares it has received: ``3 + ?`` while
        uses are still to come, ``3 + 3 = 6`` once complete, ``-4`` for a value used once."""
        before = [format_number(e, precision) for e in self.earlier]
        share = format_number(self.contribution, precision)
        return sum_text([*before, share], self.pending, format_number(self.grad_after, precision))

    def __repr__(self) -> str:
        return (
            f"<Term {self.formula!s:.40}: {operand(format_number(self.upstream))} × "
            f"{operand(format_number(self.partial))} = {format_number(self.contribution)}>"
        )


@dataclass(frozen=True)
class Step:
    """What one backward step did at ``node``; ``str()`` explains it with numbers.

    ``terms`` holds one :class:`Term` per operand node; ``names`` and ``precision``
    are the stepper's, so the text matches its table.
    """

    index: int
    total: int
    node: Value
    terms: tuple[Term, ...]
    names: dict[Value, str] = field(repr=False)
    precision: int = DEFAULT_PRECISION

    def __str__(self) -> str:
        p, names = self.precision, self.names
        name = names[self.node]
        head = f"step {self.index}/{self.total}  {name}"
        tail = f"   ({name}.grad = {format_number(self.node.grad, p)})"
        lines = _computation(head, self.node, names, p, tail)
        for t in self.terms:
            parent = names[t.parent]
            value = format_number(t.partial, p)
            shown = t.formula if t.formula == value else f"{t.formula} = {value}"
            because = f"  ∂{name}/∂{parent} = {shown}"
            update = t.text(names, p)
            line = f"{because}  →  {update}"
            if len(line) > WIDTH:  # the sum's middle line goes before the line folds
                update = t.text(names, p, short=True)
                line = f"{because}  →  {update}"
            lines.extend([line] if len(line) <= WIDTH else [because, f"      →  {update}"])
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"<Step {self.index}/{self.total}: {summary(self.node, self.names, self.precision)};"
            f" {len(self.terms)} chain-rule product{'' if len(self.terms) == 1 else 's'}>"
        )


@dataclass(frozen=True)
class ForwardStep:
    """One node of the forward replay: a leaf's value, or a node computed from its operands."""

    index: int
    total: int
    node: Value
    names: dict[Value, str] = field(repr=False)
    precision: int = DEFAULT_PRECISION

    def __str__(self) -> str:
        name = self.names[self.node]
        head = f"step {self.index}/{self.total}  {name}"
        if self.node.is_leaf:
            kind = "input" if self.node.label else "constant"
            return f"{head} = {format_number(self.node.data, self.precision)}   ({kind})"
        return "\n".join(_computation(head, self.node, self.names, self.precision))

    def __repr__(self) -> str:
        shown = summary(self.node, self.names, self.precision)
        return f"<ForwardStep {self.index}/{self.total}: {shown}>"


# ---- the steppers --------------------------------------------------------------------------------

StepT = TypeVar("StepT")


class _Walk(Generic[StepT]):
    """A pass over ``order`` one node at a time: ``position`` counts the steps done."""

    direction: ClassVar[Literal["forward", "backward"]]
    order: list[Value]

    def __init__(self, root: Value, precision: int) -> None:
        self.root = root
        self.precision = precision
        self.names = names(root, precision=precision)
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

    def data_known(self, node: Value) -> bool:
        """Whether this pass has computed ``node.data`` yet (a backward pass starts with all)."""
        self._check_in_graph(node)
        return True

    def grad_status(self, node: Value) -> GradStatus:
        """``"known"``, ``"partial"`` or ``"unknown"``: has this pass summed ∂root/∂node
        over every use of ``node``, over some, or none yet? (A forward pass computes none.)"""
        self._check_in_graph(node)
        return "unknown"

    def grad_known(self, node: Value) -> bool:
        """Whether ``node.grad`` is final for this pass: ``grad_status(node) == "known"``."""
        return self.grad_status(node) == "known"

    def _check_in_graph(self, node: Value) -> None:
        if node not in self.names:
            raise ValueError(f"{node!r:.80} is not a node of the graph of {self._root_name()}")

    def _root_name(self) -> str:
        return _clip(self.names[self.root], 24)

    def table(self) -> WengertTable:
        """The graph's Wengert list as this pass has got to: ``?`` for what it has not
        computed yet (see :func:`autograd.wengert_table`)."""
        order = topological_order(self.root)
        grads = self._grad_cell if self.direction == "backward" else None  # forward: none
        return table_text(order, self.names, self.precision, self._data_cell, grads)

    def _data_cell(self, node: Value) -> str:
        return format_number(node.data, self.precision) if self.data_known(node) else "?"

    def _grad_cell(self, node: Value) -> str:
        """``g``, ``g + …`` while partly summed, ``?`` before the pass reaches ``node``."""
        status = self.grad_status(node)
        if status == "unknown":
            return "?"
        text = format_number(node.grad, self.precision)
        return f"{text} + …" if status == "partial" else text


class Backprop(_Walk[Step]):
    """Perform ``root.backward()`` one node at a time, explaining each chain-rule step.

    * ``root``: the output the pass differentiates; ``direction == "backward"``;
    * ``order``: the nodes in processing order (``root`` first, leaves skipped:
      they have nothing to pass on); ``position`` counts the steps done;
      ``current`` is the node the next :meth:`step` processes;
    * ``precision``: significant digits of every number printed (default 4);
    * ``accumulate``: by default every gradient of the graph, leaves included,
      starts from 0, so what you see is this pass alone; ``accumulate=True``
      keeps the leaves' gradients and adds to them, as :meth:`Value.backward` does;
    * :meth:`grad_status` tells which gradients are final (``known``), partly
      summed (``partial``) or not reached yet (``unknown``); :meth:`table` shows
      the last two as ``g + …`` and ``?``.

    Gradients on the Values change live, exactly as :meth:`Value.backward` changes them.
    """

    direction = "backward"

    def __new__(cls, root: Value, *args: Any, by: str = "node", **kwargs: Any) -> Any:
        """``by="layer"``: a :class:`autograd.layer_stepping.LayerBackprop`, one layer a step."""
        if by == "layer":
            from autograd.layer_stepping import LayerBackprop

            return LayerBackprop(root, *args, **kwargs)
        if by != "node":
            raise ValueError(f"Backprop steps by 'node' or 'layer', got by={by!r}")
        return super().__new__(cls)

    def __init__(
        self,
        root: Value,
        precision: int = DEFAULT_PRECISION,
        *,
        accumulate: bool = False,
        by: str = "node",
    ) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"Backprop needs a Value, got {type(root).__name__}")
        check_precision(precision)
        self.accumulate = bool(accumulate)
        if not accumulate and root.is_leaf and root.requires_grad:
            root.grad = 0.0  # prepare() then seeds it with 1 alone
        forward_order = prepare(root)
        if not accumulate:
            for node in forward_order:
                if node.is_leaf and node is not root:
                    node.grad = 0.0
        super().__init__(root, precision)
        self.order = [n for n in reversed(forward_order) if not n.is_leaf]
        self._uses = dict.fromkeys(forward_order, 0)  # distinct consumers of each node
        self._edges_left = dict.fromkeys(forward_order, 0)  # uses (edges) not processed yet
        for node in forward_order:
            for parent in node.parents:
                self._edges_left[parent] += 1
            for parent in dict.fromkeys(node.parents):
                self._uses[parent] += 1
        self._waiting = dict(self._uses)  # consumers not processed yet
        self._received: dict[Value, list[Any]] = {  # shares each node has received so far
            node: [] if is_zero(node.grad) or node is root else [node.grad]
            for node in forward_order
        }

    def _handle(self, node: Value, index: int) -> Step:
        """Apply the chain rule at ``node``: ``parent.grad += node.grad × ∂node/∂parent``."""
        g = node.grad
        partials = local_partials(node)
        terms = []
        for i, (parent, partial, contribution) in enumerate(
            zip(node.parents, partials, shares(node, g, partials))
        ):
            before = parent.grad
            parent.grad += contribution
            formula = partial_formula(node, i, self.names, self.precision)
            received = self._received[parent]
            self._edges_left[parent] -= 1
            terms.append(Term(parent, formula, partial, g, contribution, parent.grad, before,
                              tuple(received), self._edges_left[parent]))  # fmt: skip
            received.append(contribution)
        for parent in dict.fromkeys(node.parents):
            self._waiting[parent] -= 1
        return Step(index, len(self.order), node, tuple(terms), self.names, self.precision)

    def grad_status(self, node: Value) -> GradStatus:
        """``"known"`` once every node that uses ``node`` has been processed (the root:
        from the start), ``"partial"`` after some, ``"unknown"`` before any."""
        self._check_in_graph(node)
        waiting = self._waiting[node]
        if node is self.root or waiting == 0:
            return "known"
        return "partial" if waiting < self._uses[node] else "unknown"

    def __repr__(self) -> str:
        done = f"{self.position}/{len(self.order)} steps done"
        node = self.current
        if node is None:
            return f"<Backprop of {self._root_name()}: {done}, finished>"
        head = f"<Backprop of {self._root_name()}: {done}; next:"
        name, grad = _clip(self.names[node], 24), format_number(node.grad, self.precision)
        full = f"{head} {summary(node, self.names, self.precision)} with {name}.grad = {grad}>"
        return full if len(full) < REPR_WIDTH else f"{head} {name}>"


class Forward(_Walk[ForwardStep]):
    """Replay the forward pass that built ``root``: each node computed from its operands.

    ``root`` is the output, ``direction == "forward"``; ``order`` lists every node
    (leaves included) parents first; :meth:`data_known` tells whether the replay
    has reached a node, and :meth:`table` shows ``?`` for the data of the ones it
    has not. ``precision`` sets the significant digits printed (default 4).
    """

    direction = "forward"

    def __init__(self, root: Value, precision: int = DEFAULT_PRECISION) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"Forward needs a Value, got {type(root).__name__}")
        check_precision(precision)
        self.order = topological_order(root)
        super().__init__(root, precision)
        self._index = {node: i for i, node in enumerate(self.order)}

    def _handle(self, node: Value, index: int) -> ForwardStep:
        return ForwardStep(index, len(self.order), node, self.names, self.precision)

    def data_known(self, node: Value) -> bool:
        """Whether the replay has computed ``node`` yet (its step is done)."""
        self._check_in_graph(node)
        return self._index[node] < self.position

    def __repr__(self) -> str:
        shown = f"{self.position}/{len(self.order)} nodes computed"
        node = self.current
        if node is None:
            return f"<Forward of {self._root_name()}: {shown}, finished>"
        head = f"<Forward of {self._root_name()}: {shown}; next:"
        full = f"{head} {summary(node, self.names, self.precision)}>"
        return full if len(full) < REPR_WIDTH else f"{head} {_clip(self.names[node], 24)}>"
