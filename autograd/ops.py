"""The op table: every primitive defined once, forward and local partial derivatives.

Each :class:`Op` gives

* ``forward(*xs)`` on Python floats (``math``) and ``array_forward(*xs)`` on numpy
  arrays (the same function applied element-wise, for batched mode);
* ``partials(*xs, out)``: the local derivatives ``∂out/∂x_i`` as a tuple, written
  with arithmetic and :func:`call` only, so they evaluate on floats, on arrays and
  on :class:`~autograd.Value` nodes alike. That single definition serves reverse
  mode, forward mode, double backward (``create_graph=True``), the stepper's
  explanations and the derivative labels in drawings;
* ``formulas``: the partials as text, for explanations;
* ``sample`` and ``kinks``: where the op is smooth with derivatives of order one,
  for the property tests and :mod:`autograd.testing`.

A new primitive is one ``Op(...)`` below plus its name in :data:`TABLE`; the test
suite checks every entry of :func:`table` against finite differences.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import numpy as np

Interval = tuple[float, float]


@dataclass(frozen=True, eq=False, slots=True)
class Op:
    """One primitive: its forward map and its local partial derivatives.

    ``arity`` is the number of inputs, 0 for an n-ary op (``sum``, ``dot``), or -1 for
    a two-input op with one input fixed to a constant kept on the node (see
    :func:`with_constant`): ``base`` is that op and ``position`` the constant's place.
    """

    name: str
    symbol: str
    arity: int
    forward: Callable[..., Any]
    partials: Callable[..., tuple[Any, ...]]
    formulas: tuple[str, ...]
    doc: str
    array_forward: Callable[..., Any] | None = None
    domain: str = "every real number"
    sample: tuple[tuple[Interval, ...], ...] = (((-3.0, 3.0),),)
    kinks: tuple[float, ...] = ()
    base: Op | None = None
    position: int = 1

    def __post_init__(self) -> None:
        if self.array_forward is None:
            object.__setattr__(self, "array_forward", self.forward)

    def __repr__(self) -> str:
        return f"<op {self.symbol}>"

    def explain(self, index: int, names: Sequence[str], out: str) -> str:
        """The partial ``∂out/∂input[index]`` as text, with the operands' names filled in.

        For an op with a constant, ``names`` is ``[input, constant]``.
        """
        if self.arity == -1:
            x, c = names
            return self.formulas[0].format(*((x, c) if self.position == 1 else (c, x)), out=out)
        if self.arity:
            return self.formulas[index].format(*names, out=out)
        return _nary_formula(self, index, names)

    def display(self, constant: Any = None) -> str:
        """The op's short name on a node: ``*``, or with its constant ``*1.5``, ``2/``."""
        if self.arity != -1:
            return self.symbol
        c = f"{constant:g}" if isinstance(constant, float) else str(constant)
        c = f"({c})" if c.startswith("-") else c
        return f"{self.symbol}{c}" if self.position == 1 else f"{c}{self.symbol}"


def _data(x: Any) -> Any:
    """The raw number or array behind ``x`` (a Value's ``data``, or ``x`` itself)."""
    return x.data if hasattr(x, "parents") else x


def call(op: Op, *xs: Any) -> Any:
    """Evaluate ``op`` on floats, arrays or Values (then recording a graph node)."""
    first = xs[0]
    if isinstance(first, float):
        return op.forward(*xs)
    if isinstance(first, np.ndarray):
        return op.array_forward(*xs)  # type: ignore[misc]
    return first.apply(op, *xs[1:])


def _step(x: Any) -> Any:
    """Heaviside step of the raw data: 1 where x > 0, else 0 (a constant under ``create_graph``)."""
    return (_data(x) > 0) * 1.0


def _sign(x: Any) -> Any:
    v = _data(x)
    return np.sign(v) if isinstance(v, np.ndarray) else float((v > 0) - (v < 0))


def _nary_formula(op: Op, index: int, names: Sequence[str]) -> str:
    if op.name == "sum":
        return "1"
    n = len(names) // 2
    if index < n:
        return names[index + n]
    if index < 2 * n:
        return names[index - n]
    return "1"


# ---- forward functions that need more than one library call -----------------------------


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _sigmoid_array(x: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _softplus(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _relu(x: float) -> float:
    return x if not x <= 0 else 0.0  # NaN passes through, as it does for arrays


def _power_forward(n: float) -> Callable[[Any], Any]:
    def forward(x: Any) -> Any:
        if isinstance(x, np.ndarray):
            if not float(n).is_integer() and np.any(x < 0):
                raise ValueError("negative base with a non-integer exponent")
            return np.power(x, n)
        if x < 0 and not float(n).is_integer():
            raise ValueError("negative base with a non-integer exponent")
        return x**n

    return forward


def _power_partials(n: float) -> Callable[[Any, Any], tuple[Any]]:
    """∂(aⁿ)/∂a = n·aⁿ⁻¹, and exactly 0 for n = 0 (no 0·0⁻¹ at a = 0)."""
    if n == 0:
        return lambda a, out: (0.0 * a,)
    return lambda a, out: (n * a ** (n - 1.0),)


def _power_formula(n: float) -> str:
    """∂(aⁿ)/∂a as text: ``3·{0}^2``, ``2·{0}``, ``1``, ``0``."""
    if n == 0:
        return "0"
    if n == 1:
        return "1"
    if n == 2:
        return "2·{0}"
    return f"{n:g}·{{0}}^{n - 1:g}"


def _powv_forward(a: Any, b: Any) -> Any:
    if np.any(np.asarray(a) <= 0):
        raise ValueError("the base must be positive when the exponent is a Value")
    return np.power(a, b) if isinstance(a, np.ndarray) or isinstance(b, np.ndarray) else a**b


def _dot_forward(*xs: Any) -> Any:
    n = len(xs) // 2
    total = sum(map(operator.mul, xs[:n], xs[n : 2 * n]))
    return total + xs[-1] if len(xs) % 2 else total


def _dot_partials(*xs: Any) -> tuple[Any, ...]:
    inputs = xs[:-1]
    n = len(inputs) // 2
    return inputs[n : 2 * n] + inputs[:n] + ((1.0,) if len(inputs) % 2 else ())


def _mean_partial(a: Any, out: Any) -> tuple[Any]:
    v = _data(a)
    return (np.full(v.shape, 1.0 / v.size) if isinstance(v, np.ndarray) else 1.0,)


def _sum_partial(a: Any, out: Any) -> tuple[Any]:
    v = _data(a)
    return (np.ones(v.shape) if isinstance(v, np.ndarray) else 1.0,)


POSITIVE: tuple[Interval, ...] = ((0.2, 4.0),)
NONZERO: tuple[Interval, ...] = ((-3.0, -0.5), (0.5, 3.0))
ANY: tuple[Interval, ...] = ((-3.0, 3.0),)

# ---- the table ---------------------------------------------------------------------------

ADD = Op(
    "add", "+", 2, operator.add, lambda a, b, out: (1.0, 1.0), ("1", "1"),
    "a + b;  ∂/∂a = 1,  ∂/∂b = 1",
    sample=(ANY, ANY),
)  # fmt: skip
MUL = Op(
    "mul", "*", 2, operator.mul, lambda a, b, out: (b, a), ("{1}", "{0}"),
    "a · b;  ∂/∂a = b,  ∂/∂b = a",
    sample=(ANY, ANY),
)  # fmt: skip
DIV = Op(
    "div", "/", 2, operator.truediv, lambda a, b, out: (1.0 / b, -out / b),
    ("1/{1}", "-{out}/{1}"),
    "a / b;  ∂/∂a = 1/b,  ∂/∂b = -a/b² = -out/b",
    domain="b ≠ 0",
    sample=(ANY, NONZERO),
)  # fmt: skip
NEG = Op(
    "neg", "neg", 1, operator.neg, lambda a, out: (-1.0,), ("-1",),
    "-a;  ∂/∂a = -1",
)  # fmt: skip
ABS = Op(
    "abs", "abs", 1, abs, lambda a, out: (_sign(a),), ("sign({0})",),
    "|a|;  ∂/∂a = sign(a) (0 at a = 0)",
    array_forward=np.abs, kinks=(0.0,),
)  # fmt: skip
POWV = Op(
    "powv", "**", 2, _powv_forward,
    lambda a, b, out: (b * a ** (b - 1.0), out * call(TABLE['log'], a)),
    ("{1}·{0}^({1}-1)", "{out}·ln {0}"),
    "a ** b for a Value exponent;  ∂/∂a = b·a^(b-1),  ∂/∂b = aᵇ·ln a",
    domain="a > 0 (a Value exponent needs a positive base)",
    sample=(POSITIVE, ((-2.0, 2.0),)),
)  # fmt: skip
EXP = Op(
    "exp", "exp", 1, math.exp, lambda a, out: (out,), ("exp({0}) = {out}",),
    "eᵃ;  ∂/∂a = eᵃ = out",
    array_forward=np.exp, domain="a ≤ 709.78 (beyond, eᵃ overflows a float)",
)  # fmt: skip
LOG = Op(
    "log", "log", 1, math.log, lambda a, out: (1.0 / a,), ("1/{0}",),
    "ln a;  ∂/∂a = 1/a",
    array_forward=np.log, domain="a > 0", sample=(POSITIVE,),
)  # fmt: skip
SQRT = Op(
    "sqrt", "sqrt", 1, math.sqrt, lambda a, out: (0.5 / out,), ("1/(2·{out})",),
    "√a;  ∂/∂a = 1/(2√a) = 1/(2·out) (infinite at a = 0)",
    array_forward=np.sqrt, domain="a ≥ 0", sample=(POSITIVE,),
)  # fmt: skip
TANH = Op(
    "tanh", "tanh", 1, math.tanh, lambda a, out: (1.0 - out * out,), ("1 - {out}²",),
    "tanh a;  ∂/∂a = 1 - tanh²a = 1 - out²",
    array_forward=np.tanh,
)  # fmt: skip
SIGMOID = Op(
    "sigmoid", "σ", 1, _sigmoid, lambda a, out: (out * (1.0 - out),), ("{out}·(1 - {out})",),
    "σ(a) = 1/(1 + e⁻ᵃ), computed without overflow;  ∂/∂a = σ(a)(1 - σ(a)) = out(1 - out)",
    array_forward=_sigmoid_array,
)  # fmt: skip
SOFTPLUS = Op(
    "softplus", "softplus", 1, _softplus, lambda a, out: (call(SIGMOID, a),), ("σ({0})",),
    "ln(1 + eᵃ) = max(a, 0) + ln(1 + e^-|a|);  ∂/∂a = σ(a)",
    array_forward=lambda x: np.logaddexp(0.0, x),
)  # fmt: skip
RELU = Op(
    "relu", "relu", 1, _relu, lambda a, out: (_step(a),), ("step({0})",),
    "max(a, 0);  ∂/∂a = 1 if a > 0 else 0",
    array_forward=lambda x: np.maximum(x, 0.0), kinks=(0.0,),
)  # fmt: skip
SIN = Op(
    "sin", "sin", 1, math.sin, lambda a, out: (call(TABLE['cos'], a),), ("cos({0})",),
    "sin a;  ∂/∂a = cos a",
    array_forward=np.sin,
)  # fmt: skip
COS = Op(
    "cos", "cos", 1, math.cos, lambda a, out: (-call(SIN, a),), ("-sin({0})",),
    "cos a;  ∂/∂a = -sin a",
    array_forward=np.cos,
)  # fmt: skip
SUM = Op(
    "sum", "Σ", 0, lambda *xs: sum(xs), lambda *xs: (1.0,) * (len(xs) - 1), (),
    "x₁ + x₂ + … + xₙ as one node;  ∂/∂xᵢ = 1",
)  # fmt: skip
DOT = Op(
    "dot", "dot", 0, _dot_forward, _dot_partials, (),
    "Σ wᵢ·xᵢ (+ b) as one node with parents (w₁…wₙ, x₁…xₙ[, b]);"
    "  ∂/∂wᵢ = xᵢ,  ∂/∂xᵢ = wᵢ,  ∂/∂b = 1",
)  # fmt: skip
BATCH_MEAN = Op(
    "batch_mean", "mean", 1, lambda x: x, _mean_partial, ("1/N",),
    "the mean over a batch of N samples (identity on a single number);  ∂/∂aᵢ = 1/N",
    array_forward=lambda x: float(np.mean(x)),
)  # fmt: skip
BATCH_SUM = Op(
    "batch_sum", "Σbatch", 1, lambda x: x, _sum_partial, ("1",),
    "the sum over a batch of samples (identity on a single number);  ∂/∂aᵢ = 1",
    array_forward=lambda x: float(np.sum(x)),
)  # fmt: skip


@lru_cache(maxsize=512)
def power(n: float) -> Op:
    """``a ** n`` for a constant exponent n;  ∂/∂a = n·a^(n-1)."""
    integer = float(n).is_integer()
    return Op(
        "pow", f"**{n:g}", 1, _power_forward(n),
        _power_partials(n), (_power_formula(n),),
        f"a ** {n:g};  ∂/∂a = {n:g}·a^{n - 1:g}",
        domain=("a ≠ 0" if n < 0 else "every real number") if integer
        else ("a > 0" if n < 0 else "a ≥ 0"),
        sample=(ANY if integer and n >= 0 else NONZERO if integer else POSITIVE,),
    )  # fmt: skip


@lru_cache(maxsize=64)
def leaky_relu(alpha: float) -> Op:
    """``max(a, α·a)``;  ∂/∂a = 1 if a > 0 else α."""
    return Op(
        "leaky_relu", f"leaky_relu({alpha:g})",
        1, lambda x: x if not x <= 0 else alpha * x,
        lambda a, out: (alpha + (1.0 - alpha) * _step(a),), (f"1 if {{0}} > 0 else {alpha:g}",),
        f"max(a, {alpha:g}·a);  ∂/∂a = 1 if a > 0 else {alpha:g}",
        array_forward=lambda x: np.where(x > 0, x, alpha * x),
        kinks=(0.0,),
    )  # fmt: skip


@cache
def with_constant(base: Op, position: int) -> Op:
    """``base`` (a two-input op) with input ``position`` fixed to a constant.

    ``x * 1.5`` records one node with one parent, ``x``, and keeps 1.5 on the node
    instead of making a leaf for it: a constant needs no gradient. Forward and
    partials are ``base``'s, called with the constant in its place; the partial
    is the one for the other input.
    """
    if base.arity != 2 or position not in (0, 1):
        raise ValueError(f"with_constant needs a two-input op and position 0 or 1, got {base!r}")
    other = 1 - position
    f, p = base.forward, base.partials
    af = base.array_forward or f  # always set by __post_init__; typed Optional

    def partials_right(x: Any, c: Any, out: Any) -> tuple[Any, ...]:
        return p(x, c, out)[:1]

    def partials_left(x: Any, c: Any, out: Any) -> tuple[Any, ...]:
        return p(c, x, out)[1:]

    if position == 1:  # x op c: base's own forward functions, no wrapper on the hot path
        forward, array_forward, partials = f, af, partials_right
    else:  # c op x
        forward, array_forward = (lambda x, c: f(c, x)), (lambda x, c: af(c, x))
        partials = partials_left
    return Op(
        base.name, base.symbol, -1, forward, partials, (base.formulas[other],),
        f"{base.doc} (input {position + 1} a constant kept on the node)",
        array_forward=array_forward,
        domain=base.domain,
        sample=(base.sample[other], base.sample[position]),
        kinks=base.kinks,
        base=base,
        position=position,
    )  # fmt: skip


TABLE: dict[str, Op] = {
    op.name: op
    for op in (
        ADD,
        MUL,
        DIV,
        NEG,
        ABS,
        POWV,
        EXP,
        LOG,
        SQRT,
        TANH,
        SIGMOID,
        SOFTPLUS,
        RELU,
        SIN,
        COS,
        SUM,
        DOT,
        BATCH_MEAN,
        BATCH_SUM,
    )
}
"""Every fixed primitive, by name."""

FAMILIES: dict[str, tuple[Callable[[float], Op], tuple[float, ...]]] = {
    "pow": (power, (2.0, 3.0, -1.0, 0.5, -1.5, 1.5)),
    "leaky_relu": (leaky_relu, (0.01, 0.1, 0.3)),
}
"""Ops with a constant parameter: the factory and representative parameters to test."""


def table() -> list[Op]:
    """Every op to test: the fixed primitives, each family at its representative params,
    and every two-input op with a constant in either place."""
    return (
        list(TABLE.values())
        + [make(p) for make, params in FAMILIES.values() for p in params]
        + [with_constant(op, k) for op in TABLE.values() if op.arity == 2 for k in (0, 1)]
    )
