"""Random expressions to practise backprop on: the same seed always gives the same expression.

>>> from autograd.exercises import random_expression
>>> L = random_expression(difficulty=2, seed=7)
>>> L.label
'L'

``difficulty`` (1 to 5) sets the size, the ops drawn from the op table, and
whether a node is reused (used twice by one op, ``x * x``) or feeds a diamond
(two paths that meet again, so its gradient is a sum over paths):

===========  ======  ====  =============================================  =====  =======
difficulty   inputs  ops   ops drawn                                      reuse  diamond
===========  ======  ====  =============================================  =====  =======
1            2-3     2     ``+ *``                                        no     no
2            3       3     and a constant ``x * 3``, ``x + 1``, ``-x``    no     no
3            3       4     and ``exp tanh σ relu x**2``                   yes    no
4            3-4     6     and ``/ log sqrt sin cos abs``                 yes    yes
5            4       8     and ``a**b softplus leaky_relu Σ dot``         yes    yes
===========  ======  ====  =============================================  =====  =======

Inputs are small round numbers (``-3 … 3``, halves) so that a learner can
work the gradients out by hand; an op is only applied where its domain holds
and the numbers stay moderate.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from autograd.nary import dot as _dot
from autograd.nary import sum as _sum
from autograd.value import Value

LEVELS = (1, 2, 3, 4, 5)
INPUT_NAMES = ("x", "y", "z", "w", "a", "b", "c", "d")
INPUT_VALUES = (-3.0, -2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 3.0)
LARGEST = 40.0
"""No intermediate value beyond ±LARGEST: the numbers stay workable by hand."""


@dataclass(frozen=True)
class Level:
    """What one difficulty draws: how many inputs and ops, which ops, reuse and diamonds."""

    inputs: tuple[int, int]
    ops: int
    unary: tuple[str, ...]
    binary: tuple[str, ...]
    reuse: bool
    diamond: bool


_L1 = Level((2, 3), 2, (), ("add", "mul"), False, False)
_L2 = Level((3, 3), 3, ("add_c", "mul_c", "neg"), _L1.binary, False, False)
_L3 = Level((3, 3), 4, (*_L2.unary, "exp", "tanh", "sigmoid", "relu", "square"), _L1.binary,
            True, False)  # fmt: skip
_L4 = Level((3, 4), 6, (*_L3.unary, "log", "sqrt", "sin", "cos", "abs"), (*_L1.binary, "div"),
            True, True)  # fmt: skip
_L5 = Level((4, 4), 8, (*_L4.unary, "softplus", "leaky_relu"), (*_L4.binary, "powv", "sum", "dot"),
            True, True)  # fmt: skip
_LEVELS = {1: _L1, 2: _L2, 3: _L3, 4: _L4, 5: _L5}


Unary = tuple[Callable[[Value], Value], Callable[[float], bool]]
"""An op on one node and the test of where it may be applied."""


def _unary(name: str, rng: random.Random) -> Unary:
    """The op ``name`` on one node, and where it may be applied."""
    c = rng.choice((2.0, 3.0, 0.5, -1.0))
    table: dict[str, Unary] = {
        "add_c": (lambda v: v + c, lambda x: True),
        "mul_c": (lambda v: v * c, lambda x: True),
        "neg": (lambda v: -v, lambda x: True),
        "exp": (lambda v: v.exp(), lambda x: x < 3.0),
        "tanh": (lambda v: v.tanh(), lambda x: True),
        "sigmoid": (lambda v: v.sigmoid(), lambda x: True),
        "relu": (lambda v: v.relu(), lambda x: abs(x) > 1e-3),
        "square": (lambda v: v**2, lambda x: abs(x) < 6.0),
        "log": (lambda v: v.log(), lambda x: x > 0.1),
        "sqrt": (lambda v: v.sqrt(), lambda x: x > 0.1),
        "sin": (lambda v: v.sin(), lambda x: True),
        "cos": (lambda v: v.cos(), lambda x: True),
        "abs": (lambda v: abs(v), lambda x: abs(x) > 1e-3),
        "softplus": (lambda v: v.softplus(), lambda x: True),
        "leaky_relu": (lambda v: v.leaky_relu(0.1), lambda x: abs(x) > 1e-3),
    }
    return table[name]


def _binary(name: str, operands: list[Value]) -> Value | None:
    """The op ``name`` on the first operands (Σ takes up to three, dot four), or None."""
    a, b = operands[0], operands[1]
    x, y = float(a.data), float(b.data)
    if name == "add":
        return a + b
    if name == "mul":
        return a * b
    if name == "div":
        return a / b if abs(y) >= 0.5 else None
    if name == "powv":
        return a**b if 0.2 < x < 4.0 and abs(y) <= 2.0 else None
    if name == "sum":
        return _sum(operands[:3])
    if name == "dot":
        return _dot(operands[:2], operands[2:4]) if len(operands) >= 4 else None
    raise ValueError(f"unknown op {name!r}")


def _arity(name: str, available: int) -> int:
    """How many operands op ``name`` takes when ``available`` results are waiting."""
    if name == "sum":
        return max(2, min(3, available))
    return 4 if name == "dot" else 2


def _inputs(level: Level, rng: random.Random) -> list[Value]:
    count = rng.randint(*level.inputs)
    return [Value(rng.choice(INPUT_VALUES), label=name) for name in INPUT_NAMES[:count]]


def _moderate(v: Value) -> bool:
    x = float(v.data)
    return math.isfinite(x) and abs(x) <= LARGEST


def random_expression(difficulty: int = 2, seed: int = 0, *, size: int | None = None) -> Value:
    """A random expression over the op table, labelled ``L``; its inputs are ``x, y, z, …``.

    The same ``difficulty`` and ``seed`` give the same expression (same ops, same
    numbers, same labels) on every machine. ``size`` overrides the number of ops
    (a graph has about ``size`` nodes plus its inputs).
    """
    if isinstance(difficulty, bool) or not isinstance(difficulty, int):
        raise TypeError(f"difficulty must be an int from 1 to 5, got {type(difficulty).__name__}")
    if difficulty not in _LEVELS:
        raise ValueError(f"difficulty must be an int from 1 to 5, got {difficulty}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__} {seed!r}")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
        raise ValueError(f"size must be a positive int (the number of ops) or None, got {size!r}")
    level = _LEVELS[difficulty]
    rng = random.Random(f"chainrule-exercise:{difficulty}:{seed}")
    for _ in range(100):  # redraw the rare expression whose numbers run away
        root = _draw(level, rng, size or level.ops)
        if root is not None:
            root.label = "L"
            return root
    raise RuntimeError("could not draw a well-behaved expression; try another seed")


def _draw(level: Level, rng: random.Random, n_ops: int) -> Value | None:
    """Build one expression of about ``n_ops`` ops, or None if its numbers ran away.

    ``pending`` holds the inputs and results no op uses yet; each op takes from
    it (the newest result first, so the expression grows deep, not wide) and
    the end adds or multiplies what is left into one output. A diamond is two
    ops on the same result; a reuse is one op taking the same node twice.
    """
    leaves = _inputs(level, rng)
    pending: list[Value] = list(leaves)
    reuse_at = rng.randrange(n_ops) if level.reuse else n_ops
    diamond_at = rng.randrange(1, max(2, n_ops - 1)) if level.diamond else -1
    ops = 0
    while ops < n_ops:
        if 0 <= diamond_at <= ops and not pending[-1].is_leaf and level.unary:
            base = pending[-1]
            left = _apply_unary(base, rng, level.unary)
            right = _apply_unary(base, rng, level.unary)
            if left is None or right is None:
                return None
            pending[-1:] = [left, right]
            diamond_at, ops = -1, ops + 2
            continue
        if level.unary and ops < reuse_at and (len(pending) < 2 or rng.random() < 0.35):
            unary = _apply_unary(pending[-1], rng, level.unary)
            if unary is not None:
                pending[-1] = unary
                ops += 1
                continue
        if ops >= reuse_at:  # one node used twice by one op: x * x, x + x
            reuse_at = n_ops
            name = rng.choice(("add", "mul"))
            consumed = [pending[-1]]
            operands = [pending[-1], pending[-1]]
        else:
            name = rng.choice(level.binary)
            count = min(_arity(name, len(pending)), len(pending))
            consumed = [pending[-1], *rng.sample(pending[:-1], count - 1)]
            operands = list(consumed)
            if len(operands) < 2:  # a single result left: combine it with an input again
                operands.append(rng.choice(leaves))
            if name not in ("sum", "dot") and rng.random() < 0.5:
                operands.reverse()
        out = _binary(name, operands)
        if out is None or not _moderate(out):  # fall back to adding the first two
            operands, consumed = operands[:2], [v for v in consumed if v in operands[:2]]
            out = _binary("add", operands)
        if out is None or not _moderate(out):
            return None
        for v in consumed:
            pending.remove(v)
        pending.append(out)
        ops += 1
    while len(pending) > 1:  # join what is left into one output
        a, b = pending.pop(), pending.pop()
        out = a * b if rng.random() < 0.5 else a + b
        if not _moderate(out):
            out = a + b
            if not _moderate(out):
                return None
        pending.append(out)
    return pending[0]


def _apply_unary(v: Value, rng: random.Random, names: tuple[str, ...]) -> Value | None:
    x = float(v.data)
    for _ in range(8):
        fn, ok = _unary(rng.choice(names), rng)
        if ok(x):
            out = fn(v)
            if _moderate(out):
                return out
    return None


__all__ = ["LEVELS", "random_expression"]
