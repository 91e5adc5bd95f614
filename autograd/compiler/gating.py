"""Gates: a rolled loop skips the backward under a ReLU that is off, exactly.

``r = relu(z)`` passes no gradient when ``z ≤ 0``: the engine computes ``g_z = g_r · 0``
and hands zeros on. In a rolled loop, the backward that only gets zeros then goes under
a gate, as code written by hand does, in two sizes:

* a whole block: ``z`` and the nodes whose gradient comes only through it (a sample the
  hinge already classifies with margin: its whole backward; a unit of the first layer:
  its gradient's sum and its weights' gradients)::

      if v1 > 0.0 or keep_zeros:  # gate: relu(v1) is off otherwise: zeros below (skipped)
          g_v2 = (g_v63 * w15 + … + g_v33 * w0)
          g_v1 = (g_v2 if v1 > 0.0 else g_v2 * 0.0)
          g_w0 += g_v1 * x0

* the shares of the shared nodes only (a hidden unit the next layer reads, whose
  gradient still reaches that layer's sums): its weights' gradients::

      g_v33 = (g_v34 if v33 > 0.0 else g_v34 * 0.0)
      if v33 > 0.0 or keep_zeros:  # gate: relu(v33) is off otherwise: zero shares (skipped)
          g_w0 += g_v33 * v2

The lines under a gate are the ones the loop would run anyway. Skipping them gives the
engine's numbers exactly when

* every product skipped is finite: ``g_r`` and each partial below ``z`` (then
  ``g_r · 0`` is a zero, a zero times a finite number too, and a gradient plus a zero is
  that gradient), and
* no gradient the loop adds to starts at -0.0 (``-0.0 + 0.0`` is ``+0.0``; one that
  starts at +0.0 or anything else never becomes -0.0 by adding). The engine itself
  skips a ``dot`` whose gradient is 0 and value finite (:mod:`autograd.backward`), so
  when only ``dot`` nodes of the blocks add to shared gradients (a neuron), skipping is
  what the engine does, signs of zeros included, and this check is not made.

So a gate is written only where a bound of ``g_r`` and of those partials, worked out when
generating from a bound ``L`` on the inputs' size (:func:`bounds`), stays below
:data:`FINITE`; and each call first checks that the inputs and the gradient reaching the
sum are at most ``L`` in size (a NaN or inf is not), and where needed that no input's
gradient starts at -0.0 (:func:`keep_zeros`). When not, ``keep_zeros`` opens every gate:
the zeros are computed, as without gates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import repeat
from math import copysign, inf
from typing import TYPE_CHECKING, Any

from autograd.compiler.ir import CONST, INPUT, OP, Node
from autograd.ops import DOT, RELU, WITH_CONSTANT

if TYPE_CHECKING:
    from autograd.compiler.codegen import Emitter
    from autograd.compiler.rolling import Loop

FINITE = 1e300
"""A bound below this (far from float's 1.8e308) is finite with room for rounding."""

LIMITS = (1e50, 1e20, 1e8)
"""Bounds on the inputs' size tried, largest first: the first that keeps the most gates."""


def keep_zeros(
    inputs: Sequence[float], grads: Sequence[float], seed: float, limit: float,
    *columns: Sequence[float],
) -> bool:  # fmt: skip
    """True unless skipping the backward under closed gates gives the engine's numbers:
    every input, ``seed`` (the gradient reaching the sum) and every datum of the loop's
    ``columns`` read from the arguments at most ``limit`` in size (a NaN or inf is not), and
    no gradient in ``grads`` starting at -0.0."""
    size = sum(map(abs, inputs), abs(seed))
    for column in columns:
        size += sum(map(abs, column))
    if not size <= limit:
        return True
    if min(map(copysign, repeat(1.0), grads), default=1.0) > 0.0:  # no sign bit set
        return False
    return any(g == 0.0 and copysign(1.0, g) < 0.0 for g in grads)


@dataclass
class Gates:
    """The gates of one loop, of two sizes.

    ``blocks``: ReLU node → the nodes its input dominates (input first): their whole
    backward goes under the gate. ``shares``: the input of a ReLU whose backward also
    feeds other nodes of the term (a hidden unit whose value the next layer reads) →
    the ReLU: only its shares of shared nodes (its weights' gradients) go under the gate.
    """

    blocks: dict[int, list[Node]]
    shares: dict[int, Node]
    limit: float
    signs: bool
    """Whether a node other than a ``dot`` adds to a shared gradient under a gate (then
    each call checks that no gradient starts at -0.0)."""

    def __len__(self) -> int:
        return len(self.blocks) + len(self.shares)


def find_gates(emitter: Emitter, loop: Loop) -> Gates | None:
    """The gates worth writing in ``loop``'s body, for the bound on the inputs that keeps
    the most of them; None when there is none (or the graph is not all numbers)."""
    if emitter.graph.batched:  # (an array anywhere)
        return None
    template = loop.template
    if any(n.position != j for j, n in enumerate(template)):
        return None
    members = {id(n) for n in template}
    working = [n for n in reversed(template) if n.role == OP and n.needs_grad]
    place = {id(n): k for k, n in enumerate(working)}
    whole: dict[int, list[Node]] = {}
    partly: dict[int, Node] = {}
    for node in template:
        if node.op is not RELU or not node.needs_grad:
            continue
        z = node.parents[0]
        if len(z.consumers) != 1:  # z's gradient has other shares than this ReLU's
            continue
        block = _dominated(z, working, place, members)
        if block is not None:
            whole[id(node)] = block
        elif z.role == OP and id(z) in members and _shared_parents(z, members):
            partly[id(z)] = node
    if not whole and not partly:
        return None
    data = _data_bounds(loop)
    best: Gates | None = None
    for limit in LIMITS:
        found = bounds(loop, limit, data)
        blocks = {
            r: block
            for r, block in whole.items()
            if found.grads[r] < FINITE
            and all(p < FINITE for n in block for p in found.partials[id(n)])
        }
        shares = {
            z: r
            for z, r in partly.items()
            if found.grads[id(r)] < FINITE
            and all(
                p < FINITE
                for p, parent in zip(found.partials[z], r.parents[0].parents)
                if parent.needs_grad and id(parent) not in members
            )
        }
        gates = Gates(blocks, shares, limit, signs=False)
        if gates and (best is None or len(gates) > len(best)):
            adding = [n for block in blocks.values() for n in block]
            adding += [r.parents[0] for r in shares.values()]
            gates.signs = any(n.op is not DOT and _shared_parents(n, members) for n in adding)
            best = gates
        if len(gates) == len(whole) + len(partly):
            break  # a smaller bound keeps no more
    return best


def _shared_parents(node: Node, members: set[int]) -> bool:
    """Whether ``node`` gives a gradient to a node outside the term (a parameter)."""
    return any(p.needs_grad and id(p) not in members for p in node.parents)


def _dominated(
    z: Node, working: list[Node], place: dict[int, int], members: set[int]
) -> list[Node] | None:
    """``z`` and the nodes whose gradient comes only through it, in the loop's backward
    order (``working``: the nodes with a backward, in that order), if they give gradients
    only to each other and to shared nodes, and come straight after ``z`` in that order
    (so they can be written together); else None."""
    start = place.get(id(z))
    if start is None:
        return None
    block = {id(z)}
    ordered = [z]
    for n in working[start + 1 :]:
        if n.consumers and all(id(c) in block for c in n.consumers):
            block.add(id(n))
            ordered.append(n)
    if working[start : start + len(ordered)] != ordered:
        return None
    for n in ordered:
        for p in n.parents:
            if p.needs_grad and id(p) in members and id(p) not in block:
                return None
    return ordered


@dataclass
class Bounds:
    """Bounds of sizes in one term, when the inputs are at most some limit in size."""

    values: dict[int, float]
    """Node → its value (a term's nodes and the shared nodes they read)."""
    partials: dict[int, list[float]]
    """Op node of the term → its partials, one per parent."""
    grads: dict[int, float]
    """Node of the term → its gradient."""


def bounds(loop: Loop, limit: float, data: dict[int, float] | None = None) -> Bounds:
    """Bounds of the size of every value, partial and gradient in one term of ``loop``,
    when each input and the gradient reaching the sum are at most ``limit`` in size;
    ``inf`` where an op has no rule (:data:`RULES`) or an operand no bound. ``data``:
    :func:`_data_bounds`, if known."""
    template = loop.template
    data = data if data is not None else _data_bounds(loop)
    members = {id(n) for n in template}
    values: dict[int, float] = {}
    partials: dict[int, list[float]] = {}
    for position, node in enumerate(template):
        for p in node.parents:
            if id(p) not in members:
                values[id(p)] = (
                    limit if p.role == INPUT else _size(p.data) if p.role == CONST else inf
                )
        if node.role == OP:
            operands = [values[id(p)] for p in node.parents]
            values[id(node)], partials[id(node)] = _rule(node, operands, data.get(id(node), 0.0))
        elif node.role == CONST:
            values[id(node)] = data[id(node)]
        else:  # an argument's datum, read from a column each call checks (keep_zeros)
            values[id(node)] = limit if (position, "leaf") in loop.varying else inf
    grads = dict.fromkeys(members, 0.0)
    grads[id(template[-1])] = limit
    for node in reversed(template):  # each node's consumers come after it: all seen
        if node.role != OP:
            continue
        g = grads[id(node)]
        for p, partial in zip(node.parents, partials[id(node)]):
            if id(p) in members:
                grads[id(p)] += _times(g, partial)
    return Bounds(values, partials, grads)


def _data_bounds(loop: Loop) -> dict[int, float]:
    """Node → the largest size of its datum over the samples: a kept constant, or a
    constant leaf."""
    data = {}
    for position, node in enumerate(loop.template):
        if node.role == OP and node.op is not None and node.op.kind is WITH_CONSTANT:
            data[id(node)] = _column_bound(loop, position, "constant", node.constant)
        elif node.role == CONST:
            data[id(node)] = _column_bound(loop, position, "leaf", node.data)
    return data


def _column_bound(loop: Loop, position: int, role: str, own: Any) -> float:
    """The largest size of a datum over the samples (its own when the same in each)."""
    slot = loop.varying.get((position, role))
    if slot is None:
        return _size(own)
    column = loop.slots[slot][1]
    return max(map(_size, column), default=inf)


def _size(x: Any) -> float:
    """``|x|`` for a float or an int (``inf`` for NaN, a huge int or anything else)."""
    if type(x) is int and abs(x) < 2**1000:
        x = float(x)
    if type(x) is not float or x != x:
        return inf
    return abs(x)


def _times(a: float, b: float) -> float:
    """A bound of a product (``0 · inf`` may be NaN: no bound)."""
    return inf if a == inf or b == inf else a * b


_Rule = Callable[[list[float], float], tuple[float, list[float]]]


def _rule_dot(xs: list[float], c: float) -> tuple[float, list[float]]:
    n = len(xs) // 2
    w, x, rest = xs[:n], xs[n : 2 * n], xs[2 * n :]
    total = sum(map(_times, w, x)) + sum(rest)
    return total, [*x, *w, *([1.0] * len(rest))]


RULES: dict[str, _Rule] = {
    "add": lambda xs, c: (sum(xs) + c, [1.0] * len(xs)),
    "sum": lambda xs, c: (sum(xs), [1.0] * len(xs)),
    "neg": lambda xs, c: (xs[0], [1.0]),
    "identity": lambda xs, c: (xs[0], [1.0]),
    "relu": lambda xs, c: (xs[0], [1.0]),
    "tanh": lambda xs, c: (1.0, [1.0]),
    "sigmoid": lambda xs, c: (1.0, [0.25]),
    "mul": lambda xs, c: (
        (_times(xs[0], c), [c]) if len(xs) == 1 else (_times(xs[0], xs[1]), [xs[1], xs[0]])
    ),
    "dot": _rule_dot,
}
"""Op name → (bound of its value, bounds of its partials) from bounds of its operands
and of its kept constant (0 if none)."""


def _rule(node: Node, operands: list[float], constant: float) -> tuple[float, list[float]]:
    rule = RULES.get(node.op.name) if node.op is not None else None
    if rule is None:
        return inf, [inf] * len(operands)
    return rule(operands, constant)


def emit_keep_zeros(emitter: Emitter, gates: Gates, seed: str, columns: list[str]) -> str:
    """Before the loop: ``keep_zeros = …`` (see :func:`keep_zeros`; ``columns``: the code of
    the loop's columns read from the arguments); returns the flag's name."""
    flag = emitter.namer.claim("keep_zeros")
    fn = emitter.names.name_of(keep_zeros, "gates_inexact")
    grads = "_grads" if gates.signs else "()"
    read = "".join(f", {c}" for c in columns)
    emitter.emit(
        f"{flag} = {fn}(_inputs, {grads}, {seed}, {gates.limit!r}{read})",
        f"the gates below skip zeros while every input is at most {gates.limit:g} in size"
        + (" and no gradient starts at -0.0" if gates.signs else "")
        + "; else all open",
    )
    return flag


def emit_backward(emitter: Emitter, loop: Loop, gates: Gates | None, flag: str) -> None:
    """One term's backward in reverse order, each gate's block under its ``if``."""
    order = list(reversed(loop.template))
    if gates is None:
        for node in order:
            emitter.backward(node)
        return
    emitter.deferred |= set(gates.blocks)
    members = {id(n) for n in loop.template}
    _emit_nodes(emitter, order, gates, flag, members, set())


def _emit_nodes(
    emitter: Emitter, nodes: list[Node], gates: Gates, flag: str, members: set[int],
    done: set[int],
) -> None:  # fmt: skip
    for node in nodes:
        if id(node) in done:
            continue
        done.add(id(node))
        block = gates.blocks.get(id(node))
        relu = gates.shares.get(id(node))
        if relu is not None:  # z's shares of the parameters under the gate, the rest not
            _flush_shared(emitter, members)
            emitter.backward(node)
            if any(id(n) not in members for n, _ in emitter.pending.values()):
                emitter.emit(
                    f"if {emitter.atom(node)} > 0.0 or {flag}:",
                    f"gate: relu({node.name}) is off otherwise: zero shares (skipped)",
                )
                emitter.depth += 1
                _flush_shared(emitter, members)
                emitter.depth -= 1
            continue
        if block is None or (id(node) not in emitter.assigned and id(node) not in emitter.pending):
            emitter.backward(node)
            continue
        z = block[0]
        _flush_shared(emitter, members)
        emitter.emit(
            f"if {emitter.atom(z)} > 0.0 or {flag}:",
            f"gate: relu({z.name}) is off otherwise: zeros below (skipped)",
        )
        emitter.depth += 1
        written = len(emitter.lines)
        emitter.backward(node)
        _emit_nodes(emitter, block, gates, flag, members, done)
        _flush_shared(emitter, members)
        if len(emitter.lines) == written:
            emitter.emit("pass")
        emitter.depth -= 1


def _flush_shared(emitter: Emitter, members: set[int]) -> None:
    """Write the products waiting for shared nodes' gradients (not to be left inside, or
    taken into, a gate)."""
    for node, _ in list(emitter.pending.values()):
        if id(node) not in members:
            emitter.flush(node)
