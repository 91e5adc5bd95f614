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
  for the property tests and :mod:`autograd.testing`;
* ``expression`` and ``partial_expressions``, only where ``forward`` or ``partials``
  branch on the value (a domain check, a special case at 0): the same maps as plain
  arithmetic, for code generators that cannot call Python (:mod:`autograd.javascript`).
  The test suite checks them against ``forward`` and ``partials`` on ``sample``.

A new primitive is one ``Op(...)`` below plus its name in :data:`TABLE`; the test
suite checks every entry of :func:`table` against finite differences.
"""

from __future__ import annotations

import enum
import math
import operator
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, reduce
from typing import Any

import numpy as np

from autograd.data import data_of

Interval = tuple[float, float]


class Kind(enum.Enum):
    """How an op takes its inputs."""

    UNARY = "one input"
    BINARY = "two inputs"
    NARY = "any number of inputs (sum, dot)"
    WITH_CONSTANT = "one input and a constant kept on the node (x * 3)"

    def __repr__(self) -> str:
        return f"Kind.{self.name}"


UNARY, BINARY, NARY, WITH_CONSTANT = Kind.UNARY, Kind.BINARY, Kind.NARY, Kind.WITH_CONSTANT


@dataclass(frozen=True, eq=False, slots=True, kw_only=True)
class Op:
    """One primitive: its forward map and its local partial derivatives.

    ``kind`` says how it takes inputs (:class:`Kind`). For ``WITH_CONSTANT`` (see
    :func:`with_constant`), ``base`` is the two-input op and ``position`` the
    constant's place.
    """

    name: str
    symbol: str
    kind: Kind
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
    expression: Callable[..., Any] | None = None
    partial_expressions: Callable[..., tuple[Any, ...]] | None = None

    def __post_init__(self) -> None:
        if self.array_forward is None:
            object.__setattr__(self, "array_forward", self.forward)

    def __repr__(self) -> str:
        return f"<op {self.symbol}>"

    @property
    def arity(self) -> int | None:
        """How many graph inputs: 1, 2, or None for an n-ary op (a kept constant is no input)."""
        return {UNARY: 1, BINARY: 2, WITH_CONSTANT: 1}.get(self.kind)

    def explain(self, index: int, names: Sequence[str], out: str) -> str:
        """The partial ``∂out/∂input[index]`` as text, with the operands' names filled in.

        For an op with a constant, ``names`` is ``[input, constant]``.
        """
        if self.kind is WITH_CONSTANT:
            x, c = names
            return self.formulas[0].format(*((x, c) if self.position == 1 else (c, x)), out=out)
        if self.kind is NARY:
            return _nary_formula(self, index, names)
        return self.formulas[index].format(*names, out=out)

    def display(self, constant: Any = None) -> str:
        """The op's short name on a node: ``*``, or with its constant ``*1.5``, ``2/``."""
        if self.kind is not WITH_CONSTANT:
            return self.symbol
        c = f"{constant:g}" if isinstance(constant, float) else str(constant)
        c = f"({c})" if c.startswith("-") else c
        return f"{self.symbol}{c}" if self.position == 1 else f"{c}{self.symbol}"


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
    return ((x if x.__class__ is float else data_of(x)) > 0) * 1.0


def _sign(x: Any) -> Any:
    v = data_of(x)
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
    """aᵇ for a Value exponent: defined for a > 0, and for a = 0 when b > 0 (0ᵇ = 0)."""
    base, exponent = np.asarray(a), np.asarray(b)
    if np.any(base < 0) or np.any((base == 0) & (exponent <= 0)):
        raise ValueError("a Value exponent needs a positive base (or base 0 with exponent > 0)")
    return np.power(a, b) if isinstance(a, np.ndarray) or isinstance(b, np.ndarray) else a**b


def _pow_base_partial(a: Any, b: Any) -> Any:
    """∂(aᵇ)/∂a = b·aᵇ⁻¹; at a = 0 (then b > 0): 0 for b > 1, b for b = 1, ∞ for b < 1."""
    x, e = data_of(a), data_of(b) - 1.0
    if isinstance(x, np.ndarray) or isinstance(e, np.ndarray):
        if not np.any(x == 0):
            return b * a ** (b - 1.0)
        at_zero = np.where(e > 0, 0.0, np.where(e == 0, 1.0, np.inf))
        return data_of(b) * np.where(x == 0, at_zero, np.where(x == 0, 1.0, x) ** e)
    if x == 0.0 and e <= 0:  # b·0^(b-1) with b - 1 ≤ 0: no power of 0 to take
        return b * (1.0 if e == 0 else math.inf)
    return b * a ** (b - 1.0)  # at a = 0 with b > 1 this is 0, and stays a function of a


def _times_log(out: Any, a: Any) -> Any:
    """∂(aᵇ)/∂b = aᵇ·ln a, taken as 0 where a = 0 (there aᵇ = 0 for every b > 0)."""
    x = data_of(a)
    if isinstance(x, np.ndarray):
        if np.any(x == 0):
            return np.where(x == 0, 0.0, data_of(out) * np.log(np.where(x == 0, 1.0, x)))
    elif x == 0.0:
        return 0.0
    return out * call(LOG, a)


def _out_times_log(out: Any, a: Any) -> Any:
    """aᵇ·ln a as one expression (for :attr:`Op.partial_expressions`; no case at a = 0)."""
    return out * call(LOG, a)


def _sum_in_order(terms: Iterable[Any]) -> Any:
    """``((0 + x₁) + x₂) + … + xₙ``: each addition rounded, in this order."""
    return reduce(operator.add, terms, 0)


# The engine adds a sum's or a dot's terms left to right, as micrograd, the compiled code
# (``a + b + c``) and a person do, on every Python. Up to 3.11 the builtin ``sum`` does
# exactly that (and fast); from 3.12 it compensates the rounding of floats, which would
# make the same graph give other last digits on another Python.
sum_in_order: Callable[[Iterable[Any]], Any] = sum if sys.version_info < (3, 12) else _sum_in_order


def dot_product(ws: Iterable[Any], xs: Iterable[Any], bias: Any = None) -> Any:
    """``Σ wᵢ·xᵢ (+ b)`` on numbers or arrays: the forward of :data:`DOT`, in this order."""
    total = sum_in_order(map(operator.mul, ws, xs))
    return total if bias is None else total + bias


def _dot_forward(*xs: Any) -> Any:
    n = len(xs) // 2
    return dot_product(xs[:n], xs[n : 2 * n], xs[-1] if len(xs) % 2 else None)


def is_layer(ws: Sequence[Any], xs: Sequence[Any]) -> bool:
    """Whether a ``dot``'s operands are a layer's on a batch: numbers for the weights, batches
    (1-D arrays) of one length for the inputs (so that ``np.dot(ws, xs)`` is the sum)."""
    return (
        _FLOATS.issuperset(map(type, ws))
        and _ARRAYS.issuperset(map(type, xs))
        and len(set(map(_shape, xs))) == 1
    )


_FLOATS, _ARRAYS, _shape = {float}, {np.ndarray}, operator.attrgetter("shape")


STACKED_PRODUCTS = 1 << 15
"""A batched layer's ``dot`` with at most this many products (inputs × samples) stacks its
inputs into one matrix; a bigger one (whose matrix would not stay in cache) sums them one
input at a time."""


def _dot_array_forward(*xs: Any) -> Any:
    """:data:`DOT` on batches. On a layer's operands (:func:`is_layer`) the products go into
    one matrix, row i = wᵢ·xᵢ, summed down its columns (numpy adds the rows in order), or
    past :data:`STACKED_PRODUCTS` are summed in place one input at a time: either way the
    numbers of :func:`dot_product`, in its order, without a new array per partial sum.
    Otherwise :func:`dot_product`."""
    n = len(xs) // 2
    ws, inputs = xs[:n], xs[n : 2 * n]
    if not is_layer(ws, inputs):
        return _dot_forward(*xs)
    samples = len(inputs[0])
    if samples > 1 and n * samples <= STACKED_PRODUCTS:  # (one sample: numpy sums pairwise)
        products = np.array(inputs)
        products *= np.array(ws)[:, None]
        total = products.sum(axis=0)  # np.add.reduce down the columns
    else:
        total = inputs[0] * ws[0]
        for w, x in zip(ws[1:], inputs[1:]):
            total += x * w
    return total + xs[-1] if len(xs) % 2 else total


def _dot_partials(*xs: Any) -> tuple[Any, ...]:
    inputs = xs[:-1]
    n = len(inputs) // 2
    return inputs[n : 2 * n] + inputs[:n] + ((1.0,) if len(inputs) % 2 else ())


def _batch_mean_partial(a: Any, out: Any) -> tuple[Any]:
    v = data_of(a)
    return (np.full(v.shape, 1.0 / v.size) if isinstance(v, np.ndarray) else 1.0,)


def _batch_sum_partial(a: Any, out: Any) -> tuple[Any]:
    v = data_of(a)
    return (np.ones(v.shape) if isinstance(v, np.ndarray) else 1.0,)


def _sin_partials(a: Any) -> tuple[Any]:
    """∂(sin a)/∂a = cos a (a function: COS is defined after SIN)."""
    return (call(COS, a),)


POSITIVE: tuple[Interval, ...] = ((0.2, 4.0),)
NONZERO: tuple[Interval, ...] = ((-3.0, -0.5), (0.5, 3.0))
ANY: tuple[Interval, ...] = ((-3.0, 3.0),)

# ---- the table ---------------------------------------------------------------------------

ADD = Op(
    name="add",
    symbol="+",
    kind=BINARY,
    forward=operator.add,
    partials=lambda a, b, out: (1.0, 1.0),
    formulas=("1", "1"),
    doc="a + b;  ∂/∂a = 1,  ∂/∂b = 1",
    sample=(ANY, ANY),
)
MUL = Op(
    name="mul",
    symbol="*",
    kind=BINARY,
    forward=operator.mul,
    partials=lambda a, b, out: (b, a),
    formulas=("{1}", "{0}"),
    doc="a · b;  ∂/∂a = b,  ∂/∂b = a",
    sample=(ANY, ANY),
)
DIV = Op(
    name="div",
    symbol="/",
    kind=BINARY,
    forward=operator.truediv,
    partials=lambda a, b, out: (1.0 / b, -out / b),
    formulas=("1/{1}", "-{out}/{1}"),
    doc="a / b;  ∂/∂a = 1/b,  ∂/∂b = -a/b² = -out/b",
    domain="b ≠ 0",
    sample=(ANY, NONZERO),
)
NEG = Op(
    name="neg",
    symbol="neg",
    kind=UNARY,
    forward=operator.neg,
    partials=lambda a, out: (-1.0,),
    formulas=("-1",),
    doc="-a;  ∂/∂a = -1",
)
ABS = Op(
    name="abs",
    symbol="abs",
    kind=UNARY,
    forward=abs,
    partials=lambda a, out: (_sign(a),),
    formulas=("sign({0})",),
    doc="|a|;  ∂/∂a = sign(a) (0 at a = 0)",
    array_forward=np.abs,
    kinks=(0.0,),
)
POWV = Op(
    name="powv",
    symbol="**",
    kind=BINARY,
    forward=_powv_forward,
    partials=lambda a, b, out: (_pow_base_partial(a, b), _times_log(out, a)),
    formulas=("{1}·{0}^({1}-1)", "{out}·ln {0}"),
    doc="a ** b for a Value exponent;  ∂/∂a = b·a^(b-1),  ∂/∂b = aᵇ·ln a (0 where a = 0)",
    domain="a > 0, or a = 0 with b > 0 (a Value exponent needs a non-negative base)",
    sample=(POSITIVE, ((-2.0, 2.0),)),
    expression=lambda a, b: a**b,
    partial_expressions=lambda a, b, out: (b * a ** (b - 1.0), _out_times_log(out, a)),
)
EXP = Op(
    name="exp",
    symbol="exp",
    kind=UNARY,
    forward=math.exp,
    partials=lambda a, out: (out,),
    formulas=("exp({0}) = {out}",),
    doc="eᵃ;  ∂/∂a = eᵃ = out",
    array_forward=np.exp,
    domain="a ≤ 709.78 (beyond, eᵃ overflows a float)",
)
LOG = Op(
    name="log",
    symbol="log",
    kind=UNARY,
    forward=math.log,
    partials=lambda a, out: (1.0 / a,),
    formulas=("1/{0}",),
    doc="ln a;  ∂/∂a = 1/a",
    array_forward=np.log,
    domain="a > 0",
    sample=(POSITIVE,),
)
SQRT = Op(
    name="sqrt",
    symbol="sqrt",
    kind=UNARY,
    forward=math.sqrt,
    partials=lambda a, out: (0.5 / out,),
    formulas=("1/(2·{out})",),
    doc="√a;  ∂/∂a = 1/(2√a) = 1/(2·out) (infinite at a = 0)",
    array_forward=np.sqrt,
    domain="a ≥ 0",
    sample=(POSITIVE,),
)
TANH = Op(
    name="tanh",
    symbol="tanh",
    kind=UNARY,
    forward=math.tanh,
    partials=lambda a, out: (1.0 - out * out,),
    formulas=("1 - {out}²",),
    doc="tanh a;  ∂/∂a = 1 - tanh²a = 1 - out²",
    array_forward=np.tanh,
)
SIGMOID = Op(
    name="sigmoid",
    symbol="σ",
    kind=UNARY,
    forward=_sigmoid,
    partials=lambda a, out: (out * (1.0 - out),),
    formulas=("{out}·(1 - {out})",),
    doc="σ(a) = 1/(1 + e⁻ᵃ), computed without overflow;  ∂/∂a = σ(a)(1 - σ(a)) = out(1 - out)",
    array_forward=_sigmoid_array,
)
SOFTPLUS = Op(
    name="softplus",
    symbol="softplus",
    kind=UNARY,
    forward=_softplus,
    partials=lambda a, out: (call(SIGMOID, a),),
    formulas=("σ({0})",),
    doc="ln(1 + eᵃ) = max(a, 0) + ln(1 + e^-|a|);  ∂/∂a = σ(a)",
    array_forward=lambda x: np.logaddexp(0.0, x),
)
RELU = Op(
    name="relu",
    symbol="relu",
    kind=UNARY,
    forward=_relu,
    partials=lambda a, out: (_step(a),),
    formulas=("step({0})",),
    doc="max(a, 0);  ∂/∂a = 1 if a > 0 else 0",
    array_forward=lambda x: np.maximum(x, 0.0),
    kinks=(0.0,),
)
SIN = Op(
    name="sin",
    symbol="sin",
    kind=UNARY,
    forward=math.sin,
    partials=lambda a, out: _sin_partials(a),
    formulas=("cos({0})",),
    doc="sin a;  ∂/∂a = cos a",
    array_forward=np.sin,
)
COS = Op(
    name="cos",
    symbol="cos",
    kind=UNARY,
    forward=math.cos,
    partials=lambda a, out: (-call(SIN, a),),
    formulas=("-sin({0})",),
    doc="cos a;  ∂/∂a = -sin a",
    array_forward=np.cos,
)
SUM = Op(
    name="sum",
    symbol="Σ",
    kind=NARY,
    forward=lambda *xs: sum_in_order(xs),
    partials=lambda *xs: (1.0,) * (len(xs) - 1),
    formulas=(),
    doc="x₁ + x₂ + … + xₙ as one node;  ∂/∂xᵢ = 1",
)
DOT = Op(
    name="dot",
    symbol="dot",
    kind=NARY,
    forward=_dot_forward,
    partials=_dot_partials,
    array_forward=_dot_array_forward,
    formulas=(),
    doc="Σ wᵢ·xᵢ (+ b) as one node with parents (w₁…wₙ, x₁…xₙ[, b]);"
    "  ∂/∂wᵢ = xᵢ,  ∂/∂xᵢ = wᵢ,  ∂/∂b = 1",
)
IDENTITY = Op(
    name="identity",
    symbol="id",
    kind=UNARY,
    forward=lambda x: x,
    partials=lambda a, out: (1.0,),
    formulas=("1",),
    doc="a, as a new node (function transforms start from one);  ∂/∂a = 1",
)
BATCH_MEAN = Op(
    name="batch_mean",
    symbol="batch_mean",
    kind=UNARY,
    forward=lambda x: x,
    partials=_batch_mean_partial,
    formulas=("1/N",),
    doc="the mean over a batch of N samples (identity on a single number);  ∂/∂aᵢ = 1/N",
    array_forward=lambda x: float(np.mean(x)),
)
BATCH_SUM = Op(
    name="batch_sum",
    symbol="batch_sum",
    kind=UNARY,
    forward=lambda x: x,
    partials=_batch_sum_partial,
    formulas=("1",),
    doc="the sum over a batch of samples (identity on a single number);  ∂/∂aᵢ = 1",
    array_forward=lambda x: float(np.sum(x)),
)


@lru_cache(maxsize=512)
def power(n: float) -> Op:
    """``a ** n`` for a constant exponent n;  ∂/∂a = n·a^(n-1)."""
    integer = float(n).is_integer()
    if integer:
        domain = "a ≠ 0" if n < 0 else "every real number"
    else:
        domain = "a > 0" if n < 0 else "a ≥ 0"
    return Op(
        name="pow",
        symbol=f"**{n:g}",
        kind=UNARY,
        forward=_power_forward(n),
        partials=_power_partials(n),
        formulas=(_power_formula(n),),
        doc=f"a ** {n:g};  ∂/∂a = {n:g}·a^{n - 1:g}",
        domain=domain,
        sample=(ANY if integer and n >= 0 else NONZERO if integer else POSITIVE,),
        expression=lambda a: a**n,
    )


@lru_cache(maxsize=64)
def leaky_relu(alpha: float) -> Op:
    """``max(a, α·a)``;  ∂/∂a = 1 if a > 0 else α."""
    return Op(
        name="leaky_relu",
        symbol=f"leaky_relu({alpha:g})",
        kind=UNARY,
        forward=lambda x: x if not x <= 0 else alpha * x,
        partials=lambda a, out: (alpha + (1.0 - alpha) * _step(a),),
        formulas=(f"1 if {{0}} > 0 else {alpha:g}",),
        doc=f"max(a, {alpha:g}·a);  ∂/∂a = 1 if a > 0 else {alpha:g}",
        array_forward=lambda x: np.where(x > 0, x, alpha * x),
        kinks=(0.0,),
    )


@cache
def with_constant(base: Op, position: int) -> Op:
    """``base`` (a two-input op) with input ``position`` fixed to a constant.

    ``x * 1.5`` records one node with one parent, ``x``, and keeps 1.5 on the node
    instead of making a leaf for it: a constant needs no gradient. Forward and
    partials are ``base``'s, called with the constant in its place; the partial
    is the one for the other input.
    """
    if base.kind is not BINARY or position not in (0, 1):
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
    expression = partial_expressions = None
    if base.expression is not None and base.partial_expressions is not None:
        e, pe = base.expression, base.partial_expressions
        if position == 1:
            expression, partial_expressions = e, (lambda x, c, out: pe(x, c, out)[:1])
        else:
            expression = lambda x, c: e(c, x)  # noqa: E731
            partial_expressions = lambda x, c, out: pe(c, x, out)[1:]  # noqa: E731
    return Op(
        name=base.name,
        symbol=base.symbol,
        kind=WITH_CONSTANT,
        forward=forward,
        partials=partials,
        formulas=(base.formulas[other],),
        doc=f"{base.doc} (input {position + 1} a constant kept on the node)",
        array_forward=array_forward,
        domain=base.domain,
        sample=(base.sample[other], base.sample[position]),
        kinks=base.kinks,
        base=base,
        position=position,
        expression=expression,
        partial_expressions=partial_expressions,
    )


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
        IDENTITY,
        BATCH_MEAN,
        BATCH_SUM,
    )
}
"""Every fixed primitive, by name."""

FAMILIES: dict[str, tuple[Callable[[float], Op], tuple[float, ...]]] = {
    "pow": (power, (0.0, 1.0, 2.0, 3.0, -1.0, 0.5, -1.5, 1.5)),
    "leaky_relu": (leaky_relu, (0.01, 0.1, 0.3)),
}
"""Ops with a constant parameter: the factory and representative parameters to test."""


def table() -> list[Op]:
    """Every op to test: the fixed primitives, each family at its representative params,
    and every two-input op with a constant in either place."""
    return (
        list(TABLE.values())
        + [make(p) for make, params in FAMILIES.values() for p in params]
        + [with_constant(op, k) for op in TABLE.values() if op.kind is BINARY for k in (0, 1)]
    )
