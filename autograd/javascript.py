"""The op table as JavaScript: each op's own ``forward`` and ``partials`` evaluated on symbols
and written out as JS expressions, so a page can recompute a graph without a second,
hand-written copy of any op.

A :class:`Js` stands for an operand (``a0``, ``a1``…) or the op's output (``out``):
arithmetic, comparisons, numpy ufuncs and ``np.where`` on it build an expression instead of
a number (the idea of :mod:`autograd.compiler.symbolic`, which writes Python). An op is
evaluated on symbols that look like numbers (``isinstance(s, float)``, the engine's path for
one number) and, when that needs a concrete value (a branch such as ``if x >= 0``), on
symbols that look like arrays (its ``array_forward`` path, written with ufuncs). An op whose
functions need values on both paths (a domain check, a special case at 0) gives its formula
as ``Op.expression`` / ``Op.partial_expressions``; the op table's tests check those against
its functions. Anything else raises :class:`NotTranslatable`.

Numbers keep their double precision: JS numbers are IEEE doubles, and ``Math.exp``,
``Math.tanh``… are the C library's functions, as Python's are.
"""

from __future__ import annotations

import hashlib
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd.ops import NARY, WITH_CONSTANT, Op


class NotTranslatable(Exception):
    """An op's function needs a concrete value, or something JavaScript has no form for."""


FUNCTIONS = {
    "exp": "Math.exp", "log": "Math.log", "sqrt": "Math.sqrt", "tanh": "Math.tanh",
    "sin": "Math.sin", "cos": "Math.cos", "absolute": "Math.abs", "fabs": "Math.abs",
    "sign": "Math.sign", "maximum": "Math.max", "minimum": "Math.min", "log1p": "Math.log1p",
    "expm1": "Math.expm1", "power": "Math.pow", "logaddexp": "logaddexp",
}  # fmt: skip
"""numpy's ufuncs by name, and the JavaScript function each is."""

HELPERS = {
    "logaddexp": (
        "function logaddexp(a, b) {\n"
        "  if (a === b) return a + Math.LN2;\n"
        "  var d = a - b;\n"
        "  return d > 0 ? a + Math.log1p(Math.exp(-d)) : b + Math.log1p(Math.exp(d));\n"
        "}"
    ),
}
"""numpy functions JavaScript's Math lacks, written as numpy computes them."""

_OPERATORS = {
    "add": "+", "subtract": "-", "multiply": "*", "true_divide": "/", "divide": "/",
    "less": "<", "less_equal": "<=", "greater": ">", "greater_equal": ">=", "equal": "===",
    "not_equal": "!==",
}  # fmt: skip


def literal(value: Any) -> str:
    """A number as JavaScript: ``1.5``, ``(-2.0)``, ``Infinity``, ``NaN``, ``true``."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if not isinstance(value, numbers.Real) or isinstance(value, np.ndarray):
        raise NotTranslatable(f"a {type(value).__name__} constant")
    x = float(value)
    text = repr(x) if math.isfinite(x) else ("NaN" if x != x else "Infinity")
    if x < 0 or math.copysign(1.0, x) < 0:
        text = "(-" + text.lstrip("-") + ")" if math.isfinite(x) else "(-Infinity)"
    return text


class Js:
    """An expression of JavaScript standing for a number (``array=False``) or an array."""

    __slots__ = ("array", "code", "helpers")

    def __init__(self, code: str, array: bool, helpers: frozenset[str] = frozenset()) -> None:
        self.code, self.array, self.helpers = code, array, helpers

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # the engine's isinstance checks take the path of the data
        return np.ndarray if self.array else float

    def _new(self, code: str, *others: Any) -> Js:
        helpers = self.helpers.union(*(o.helpers for o in others if isinstance(o, Js)))
        return Js(code, self.array or any(isinstance(o, Js) and o.array for o in others), helpers)

    def __bool__(self) -> bool:
        raise NotTranslatable("a branch on the value")

    def __float__(self) -> float:
        raise NotTranslatable("float() of the value")

    def __index__(self) -> int:
        raise NotTranslatable("the value as an index")

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise NotTranslatable("the value as an array")

    __hash__ = None  # type: ignore[assignment]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # data_of's hasattr(x, "_op"), numpy's protocol lookups
            raise AttributeError(name)
        raise NotTranslatable(f"attribute {name!r} of the value")

    # ---- arithmetic and comparisons -------------------------------------------------------

    def _binary(self, op: str, other: Any, reflected: bool = False) -> Js:
        right = _code(other)
        left, right = (right, self.code) if reflected else (self.code, right)
        if op == "**":
            return self._new(f"Math.pow({left}, {right})", other)
        return self._new(f"({left} {op} {right})", other)

    def __add__(self, o: Any) -> Js:
        return self._binary("+", o)

    def __radd__(self, o: Any) -> Js:
        if isinstance(o, int) and not isinstance(o, bool) and o == 0:
            return self  # the builtin sum() starts from 0
        return self._binary("+", o, True)

    def __sub__(self, o: Any) -> Js:
        return self._binary("-", o)

    def __rsub__(self, o: Any) -> Js:
        return self._binary("-", o, True)

    def __mul__(self, o: Any) -> Js:
        return self._binary("*", o)

    def __rmul__(self, o: Any) -> Js:
        return self._binary("*", o, True)

    def __truediv__(self, o: Any) -> Js:
        return self._binary("/", o)

    def __rtruediv__(self, o: Any) -> Js:
        return self._binary("/", o, True)

    def __pow__(self, o: Any) -> Js:
        return self._binary("**", o)

    def __rpow__(self, o: Any) -> Js:
        return self._binary("**", o, True)

    def __lt__(self, o: Any) -> Js:
        return self._binary("<", o)

    def __le__(self, o: Any) -> Js:
        return self._binary("<=", o)

    def __gt__(self, o: Any) -> Js:
        return self._binary(">", o)

    def __ge__(self, o: Any) -> Js:
        return self._binary(">=", o)

    def __eq__(self, o: Any) -> Js:  # type: ignore[override]
        return self._binary("===", o)

    def __ne__(self, o: Any) -> Js:  # type: ignore[override]
        return self._binary("!==", o)

    def __neg__(self) -> Js:
        return self._new(f"(-{self.code})")

    def __pos__(self) -> Js:
        return self

    def __abs__(self) -> Js:
        return self._new(f"Math.abs({self.code})")

    # ---- numpy --------------------------------------------------------------------------------

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Js:
        if method != "__call__" or kwargs or ufunc.nout != 1:
            raise NotTranslatable(f"numpy {ufunc.__name__}.{method}")
        name = ufunc.__name__
        args = [_code(x) for x in inputs]
        if name in _OPERATORS and len(args) == 2:
            return self._new(f"({args[0]} {_OPERATORS[name]} {args[1]})", *inputs)
        if name == "negative":
            return self._new(f"(-{args[0]})", *inputs)
        if name not in FUNCTIONS:
            raise NotTranslatable(f"numpy {name}")
        result = self._new(f"{FUNCTIONS[name]}({', '.join(args)})", *inputs)
        if name in HELPERS:
            result.helpers = result.helpers | {name}
        return result

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        if func is np.where and len(args) == 3 and not kwargs:
            condition, yes, no = (_code(a) for a in args)
            return self._new(f"({condition} ? {yes} : {no})", *args)
        raise NotTranslatable(f"numpy {getattr(func, '__name__', func)}")


def _code(x: Any) -> str:
    return x.code if isinstance(x, Js) else literal(x)


def _result(x: Any) -> tuple[str, frozenset[str]]:
    if isinstance(x, Js):
        return x.code, x.helpers
    return literal(x), frozenset()


@dataclass(frozen=True)
class OpScript:
    """One op as JavaScript: ``forward`` over ``a0, a1…`` (an op's constant is its last
    operand), ``partials`` over those and ``out``, and the helpers they call."""

    arity: int
    forward: str
    partials: tuple[str, ...]
    helpers: frozenset[str]

    def function(self) -> str:
        """``{forward: function (a0, a1) {…}, partials: function (a0, a1, out) {…}}``."""
        args = ", ".join(f"a{i}" for i in range(self.arity))
        return (
            f"{{forward: function ({args}) {{ return {self.forward}; }},\n"
            f" partials: function ({args}, out) {{ return [{', '.join(self.partials)}]; }}}}"
        )


def _traced(
    fn: Callable[..., Any], n: int, with_out: bool, array_fn: Callable[..., Any] | None = None
) -> list[tuple[str, frozenset[str]]]:
    """``fn`` on symbols as numbers, then ``array_fn`` (default ``fn``) on symbols as arrays:
    the result(s) as JS."""
    failure: NotTranslatable | None = None
    for array, function in ((False, fn), (True, array_fn or fn)):
        operands = [Js(f"a{i}", array) for i in range(n)]
        try:
            result = function(*operands, Js("out", array)) if with_out else function(*operands)
            return [_result(v) for v in (result if with_out else (result,))]
        except NotTranslatable as exc:
            failure = exc
        except (TypeError, ValueError, AttributeError) as exc:  # a call the symbols cannot take
            failure = NotTranslatable(str(exc))
    assert failure is not None
    raise failure


def op_script(op: Op, parents: int) -> OpScript:
    """``op`` as JavaScript, applied to ``parents`` graph inputs (its constant comes after)."""
    n = parents + (1 if op.kind is WITH_CONSTANT else 0)
    if op.kind is not NARY and op.arity is not None and parents != op.arity:
        raise ValueError(f"{op.name} takes {op.arity} input(s), not {parents}")
    try:
        forward = _traced(op.forward, n, with_out=False, array_fn=op.array_forward)
    except NotTranslatable:
        if op.expression is None:
            raise NotTranslatable(f"{op.name}: its forward needs concrete values") from None
        forward = _traced(op.expression, n, with_out=False)
    try:
        partials = _traced(op.partials, n, with_out=True)
    except NotTranslatable:
        if op.partial_expressions is None:
            raise NotTranslatable(f"{op.name}: its partials need concrete values") from None
        partials = _traced(op.partial_expressions, n, with_out=True)
    helpers = forward[0][1].union(*(h for _, h in partials))
    return OpScript(n, forward[0][0], tuple(code for code, _ in partials), helpers)


@dataclass(frozen=True)
class Script:
    """The ops one graph uses as a JavaScript program (see :func:`script`)."""

    key: str
    source: str
    ops: tuple[OpScript, ...]


def script(signatures: Sequence[tuple[Op, int]]) -> Script:
    """JavaScript defining ``window.chainruleOps[key]``: an array with, for each
    ``(op, parents)`` in ``signatures``, its :meth:`OpScript.function`.

    The source holds only identifiers, numbers and punctuation made here (no text from a
    graph), so it is safe to inline in a page; ``key`` is a hash of it.
    """
    scripts = tuple(op_script(op, n) for op, n in signatures)
    helpers = sorted(set().union(*(s.helpers for s in scripts)))
    body = ",\n".join(s.function() for s in scripts)
    key = hashlib.sha256((body + "".join(helpers)).encode("ascii")).hexdigest()[:16]
    source = (
        "(function (registry) {\n"
        '  "use strict";\n'
        + "".join(HELPERS[h] + "\n" for h in helpers)
        + f'  registry["{key}"] = [\n{body}\n  ];\n'
        "})(window.chainruleOps = window.chainruleOps || {});\n"
    )
    if not source.isascii() or "</" in source or "<!--" in source:
        raise NotTranslatable("the generated script holds characters a page must not inline")
    return Script(key, source, scripts)
