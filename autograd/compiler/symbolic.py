"""The op table evaluated on symbols: each op's own ``forward`` and ``partials`` turned into
Python source, so the table stays the single definition of every primitive.

A :class:`Sym` stands for an operand's raw data (a float, or an array of a known shape):
arithmetic, comparisons and numpy ufuncs on it build an expression instead of a number.
``op.partials(a, b, out)`` evaluated on Syms gives, for the table's ``MUL``, the
expressions ``b`` and ``a``; for ``TANH``, ``1.0 - out * out``. A Sym passes the same
``isinstance`` checks as the data it stands for (``isinstance(s, float)``), so a partial
that branches on the kind of its input takes the same branch as the engine; anything
that needs the *value* (``bool``, ``float()``, ``np.any``) raises :class:`NotSymbolic`,
and the generated code then calls the op's function itself (``abs_partials(x, out)``),
which is always right. Every template is checked once against the engine's own numbers
(:meth:`Templates.get` evaluates it on the traced data), so a symbolic rendering that
differs from the op's function is never used.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import math
import numbers
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.data import MATH_ERRORS
from autograd.ops import WITH_CONSTANT, Op

Kind = tuple[int, ...] | None
"""What a value is: None for one float, else the shape of its numpy array."""


class NotSymbolic(Exception):
    """Evaluating an op on symbols needed a concrete value (a branch, a float, a reduction)."""


def kind_of(x: Any) -> Kind:
    """The :data:`Kind` of some data: None for a number, its shape for an array."""
    return tuple(x.shape) if isinstance(x, np.ndarray) else None


def broadcast(a: Kind, b: Kind) -> Kind:
    if a is None:
        return b
    if b is None:
        return a
    return tuple(np.broadcast_shapes(a, b))


# ---- expressions -----------------------------------------------------------------------------

CMP, OR, AND, ADD, MUL, UNARY, POW, ATOM = 3, 4, 6, 8, 9, 10, 11, 12
_BINARY_PREC = {
    "+": ADD, "-": ADD, "*": MUL, "/": MUL, "@": MUL, "**": POW, "|": OR, "&": AND,
    "<": CMP, "<=": CMP, ">": CMP, ">=": CMP, "==": CMP, "!=": CMP,
}  # fmt: skip


class Expr:
    """A node of a Python expression; ``render`` gives its text with minimal parentheses."""

    prec = ATOM

    def render(self, names: Namespace) -> str:
        raise NotImplementedError


class Placeholder(Expr):
    """An operand of the op (``{0}``, ``{1}``…) or its output (``{out}``), filled in later."""

    def __init__(self, key: int | str) -> None:
        self.key = key

    def render(self, names: Namespace) -> str:
        return "{" + str(self.key) + "}"


class Literal(Expr):
    """A number written in the code: ``1.0``, ``-0.5`` (as ``(-0.5)`` where needed)."""

    def __init__(self, value: float | int | bool) -> None:
        self.value = value
        self.prec = UNARY if _negative(value) else ATOM

    def render(self, names: Namespace) -> str:
        return literal(self.value)


class Bound(Expr):
    """An object the code refers to by name: a constant array, a function."""

    def __init__(self, obj: Any, hint: str) -> None:
        self.obj, self.hint = obj, hint

    def render(self, names: Namespace) -> str:
        return names.name_of(self.obj, self.hint)


class BinOp(Expr):
    def __init__(self, op: str, left: Expr, right: Expr) -> None:
        self.op, self.left, self.right = op, left, right
        self.prec = _BINARY_PREC[op]

    def render(self, names: Namespace) -> str:
        return "".join(self.pieces(names))

    def pieces(self, names: Namespace) -> list[str]:
        """The text in pieces: the first operand, then `` + b``, `` + c``… for each operator
        of a left-nested chain of one precedence (``a + b + c``), walked in a loop: a sum of
        100,000 terms renders without recursing once per term."""
        p = self.prec
        chain = [self]
        while p not in (POW, CMP):  # a left operand of the same precedence needs no (…)
            left = chain[-1].left
            if not (isinstance(left, BinOp) and left.prec == p):
                break
            chain.append(left)
        first = chain[-1].left
        text = first.render(names)
        if first.prec < p or (first.prec == p and p in (POW, CMP)):
            text = f"({text})"
        pieces = [text]
        for node in reversed(chain):
            right = node.right.render(names)
            if (node.right.prec < UNARY) if p == POW else (node.right.prec <= p):
                right = f"({right})"
            pieces.append(f" {node.op} {right}")
        return pieces


class Neg(Expr):
    prec = UNARY

    def __init__(self, operand: Expr) -> None:
        self.operand = operand

    def render(self, names: Namespace) -> str:
        text = self.operand.render(names)
        return f"-({text})" if self.operand.prec < UNARY else f"-{text}"


class Call(Expr):
    def __init__(self, func: Expr, args: Sequence[Expr]) -> None:
        self.func, self.args = func, tuple(args)

    def render(self, names: Namespace) -> str:
        return f"{self.func.render(names)}({', '.join(a.render(names) for a in self.args)})"


class Item(Expr):
    """``expr[i]``: one partial out of the tuple an op's partials function returns."""

    def __init__(self, base: Expr, index: int) -> None:
        self.base, self.index = base, index

    def render(self, names: Namespace) -> str:
        return f"{self.base.render(names)}[{self.index}]"


def _negative(value: Any) -> bool:
    return isinstance(value, (int, float)) and (value < 0 or math.copysign(1.0, value) < 0)


def literal(value: Any) -> str:
    """A number as code that evaluates to exactly it (``inf``, ``nan`` are bound names).

    Written by ``int``'s and ``float``'s own ``repr``: a subclass's ``__repr__`` (any text)
    never reaches the code."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        text = int.__repr__(value)
    else:
        x = float(value)
        finite = math.isfinite(x)
        text = float.__repr__(x) if finite else ("nan" if x != x else "inf" if x > 0 else "-inf")
    return f"({text})" if _negative(value) else text


class Namespace:
    """The generated module's globals: each bound object (function, array) under one name."""

    def __init__(self, claim: Callable[[str], str]) -> None:
        self.claim = claim
        self.globals: dict[str, Any] = {"np": np, "math": math, "inf": math.inf, "nan": math.nan}
        self._names: dict[int, str] = {}
        self._keep: list[Any] = []

    def name_of(self, obj: Any, hint: str) -> str:
        key = id(obj)
        if key not in self._names:
            name = getattr(obj, "__name__", None)
            if isinstance(obj, np.ufunc) and getattr(np, str(name), None) is obj:
                self._names[key] = f"np.{name}"
            elif isinstance(name, str) and getattr(builtins, name, None) is obj:
                self._names[key] = name  # abs, max: always there
            else:
                name = self.claim(hint)
                self.globals[name] = obj
                self._names[key] = name
            self._keep.append(obj)  # ids stay unique while the namespace lives
        return self._names[key]


def function_hint(fn: Any, fallback: str) -> str:
    """A readable name for a function in the generated code: ``exp``, ``relu``, ``tanh``."""
    name = getattr(fn, "__name__", "") or ""
    if getattr(fn, "__module__", None) in ("math", "builtins", "_operator", "operator") and name:
        return name
    if "<" in getattr(fn, "__qualname__", "<"):  # a lambda or a closure made by a factory
        return fallback
    return name.strip("_") or fallback


# ---- symbols ---------------------------------------------------------------------------------

_UFUNC_OPERATORS = {
    np.add: "+", np.subtract: "-", np.multiply: "*", np.true_divide: "/", np.power: "**",
    np.less: "<", np.less_equal: "<=", np.greater: ">", np.greater_equal: ">=",
    np.equal: "==", np.not_equal: "!=",
}  # fmt: skip


def lift(x: Any) -> tuple[Expr, Kind]:
    """Any operand of an expression as an Expr and its kind."""
    if isinstance(x, Sym):
        return x.expr, x.shape
    if isinstance(x, (bool, np.bool_)):
        return Literal(bool(x)), None
    if isinstance(x, numbers.Real) and not isinstance(x, np.ndarray):
        return Literal(int(x) if isinstance(x, (int, np.integer)) else float(x)), None
    if isinstance(x, np.ndarray):
        return Bound(x, "c"), tuple(x.shape)
    raise NotSymbolic(f"cannot use {type(x).__name__} in generated code")


class Sym:
    """The raw data of an operand, as a symbol: a float or an array of ``shape``."""

    __slots__ = ("expr", "shape")

    def __init__(self, expr: Expr, shape: Kind = None) -> None:
        self.expr = expr
        self.shape = shape

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # isinstance(s, float) / isinstance(s, np.ndarray), as the data
        return float if self.shape is None else np.ndarray

    # the value is unknown: no branch, no conversion, no reduction
    def __bool__(self) -> bool:
        raise NotSymbolic("a branch on the value")

    def __float__(self) -> float:
        raise NotSymbolic("float() of the value")

    def __int__(self) -> int:
        raise NotSymbolic("int() of the value")

    def __index__(self) -> int:
        raise NotSymbolic("the value as an index")

    def __len__(self) -> int:
        raise NotSymbolic("len() of the value")

    def __iter__(self) -> Any:
        raise NotSymbolic("iterating over the value")

    def __array__(self, *args: Any, **kwargs: Any) -> Any:
        raise NotSymbolic("converting the value to an array")

    __hash__ = None  # type: ignore[assignment]

    @property
    def ndim(self) -> int:
        return 0 if self.shape is None else len(self.shape)

    @property
    def size(self) -> int:
        return 1 if self.shape is None else math.prod(self.shape)

    @property
    def dtype(self) -> Any:
        return np.dtype(np.float64)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # hasattr(s, "_op") in data_of, numpy's protocol lookups
            raise AttributeError(name)
        raise NotSymbolic(f"attribute {name!r} of the value")  # .sum(), .mean(), …

    # arithmetic and comparisons build expressions
    def _binary(self, op: str, other: Any, reflected: bool = False) -> Sym:
        right, kind = lift(other)
        if _BINARY_PREC[op] == CMP and isinstance(right, Literal):  # x > 0 as x > 0.0
            value = right.value
            if type(value) is int and abs(value) < 2**53:
                right = Literal(float(value))
        left = self.expr
        if reflected:
            left, right = right, left
        if op == "+" and isinstance(left, Literal) and type(left.value) is int and not left.value:
            return Sym(right, broadcast(self.shape, kind))  # builtin sum() starts from int 0
        return Sym(BinOp(op, left, right), broadcast(self.shape, kind))

    def __add__(self, o: Any) -> Sym:
        return self._binary("+", o)

    def __radd__(self, o: Any) -> Sym:
        return self._binary("+", o, True)

    def __sub__(self, o: Any) -> Sym:
        return self._binary("-", o)

    def __rsub__(self, o: Any) -> Sym:
        return self._binary("-", o, True)

    def __mul__(self, o: Any) -> Sym:
        return self._binary("*", o)

    def __rmul__(self, o: Any) -> Sym:
        return self._binary("*", o, True)

    def __truediv__(self, o: Any) -> Sym:
        return self._binary("/", o)

    def __rtruediv__(self, o: Any) -> Sym:
        return self._binary("/", o, True)

    def __pow__(self, o: Any) -> Sym:
        return self._binary("**", o)

    def __rpow__(self, o: Any) -> Sym:
        return self._binary("**", o, True)

    def __lt__(self, o: Any) -> Sym:
        return self._binary("<", o)

    def __le__(self, o: Any) -> Sym:
        return self._binary("<=", o)

    def __gt__(self, o: Any) -> Sym:
        return self._binary(">", o)

    def __ge__(self, o: Any) -> Sym:
        return self._binary(">=", o)

    def __eq__(self, o: Any) -> Sym:  # type: ignore[override]
        return self._binary("==", o)

    def __ne__(self, o: Any) -> Sym:  # type: ignore[override]
        return self._binary("!=", o)

    def __neg__(self) -> Sym:
        return Sym(Neg(self.expr), self.shape)

    def __pos__(self) -> Sym:
        return self

    def __abs__(self) -> Sym:
        return Sym(Call(Bound(abs, "abs"), [self.expr]), self.shape)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Sym:
        if method != "__call__" or kwargs or ufunc.nout != 1:
            raise NotSymbolic(f"numpy {ufunc.__name__}.{method}")
        lifted = [lift(x) for x in inputs]
        shape: Kind = None
        for _, k in lifted:
            shape = broadcast(shape, k)
        if shape is None:  # a ufunc on numbers returns a numpy scalar, not a float
            raise NotSymbolic(f"numpy {ufunc.__name__} of numbers")
        symbol = _UFUNC_OPERATORS.get(ufunc)
        if symbol and len(lifted) == 2:
            return Sym(BinOp(symbol, lifted[0][0], lifted[1][0]), shape)
        if ufunc is np.negative:
            return Sym(Neg(lifted[0][0]), shape)
        return Sym(Call(Bound(ufunc, ufunc.__name__), [e for e, _ in lifted]), shape)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        raise NotSymbolic(f"numpy {getattr(func, '__name__', func)}")

    def apply(self, op: Op, *others: Any) -> Sym:
        """``ops.call(op, self, …)`` for an operand that is no float or array: call the op's
        forward function in the generated code."""
        operands = [lift(o) for o in (self, *others)]
        shape: Kind = None
        for _, k in operands:
            shape = broadcast(shape, k)
        fn = op.forward if shape is None else op.array_forward
        hint = op.name if shape is None else f"{op.name}_array"
        return Sym(Call(Bound(fn, function_hint(fn, hint)), [e for e, _ in operands]), shape)


def as_expr(x: Any) -> tuple[Expr, Kind]:
    """What a forward or partials function returned, as an expression (or NotSymbolic)."""
    if isinstance(x, Sym):
        return x.expr, x.shape
    if isinstance(x, np.ndarray) and x.ndim == 0:
        raise NotSymbolic("a 0-d array")
    return lift(x)


# ---- one-expression functions, inlined -------------------------------------------------------

_ALLOWED = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Name,
    ast.Constant, ast.Attribute, ast.Call, ast.Load, ast.operator, ast.unaryop, ast.boolop,
    ast.cmpop,
)  # fmt: skip
_PURE_BUILTINS = {"abs": abs, "max": max, "min": min}


def inline(fn: Any, arity: int) -> str | None:
    """``fn``'s body as code over ``{0}``, ``{1}``…, if ``fn`` is one expression.

    ``def _relu(x): return x if not x <= 0 else 0.0`` gives ``{0} if not {0} <= 0 else 0.0``:
    the same operations as the call, without its cost. Only arithmetic, comparisons,
    conditionals, ``abs``/``max``/``min`` and ``math``'s functions qualify; a number the
    function closes over is written in (``alpha`` of ``leaky_relu``). Anything else: None.
    """
    code = getattr(fn, "__code__", None)
    if code is None or code.co_argcount != arity or code.co_flags & 0x0C or fn.__defaults__:
        return None
    expr = _body(fn, code)
    if expr is None:
        return None
    params = list(code.co_varnames[:arity])
    closure = dict(zip(code.co_freevars, (c.cell_contents for c in fn.__closure__ or ())))
    marks: dict[str, str] = {}

    class Substitute(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> Any:
            if node.id in params:
                mark = f"__operand{params.index(node.id)}__"
                marks[mark] = "{" + str(params.index(node.id)) + "}"
                return ast.copy_location(ast.Name(mark, ast.Load()), node)
            value = closure.get(node.id, fn.__globals__.get(node.id, _MISSING))
            if type(value) in (int, float, bool):
                return ast.copy_location(ast.Constant(value), node)
            if (
                value is math
                or _PURE_BUILTINS.get(node.id) is value
                or (value is _MISSING and node.id in _PURE_BUILTINS)
            ):
                return node
            raise NotSymbolic(f"{node.id} in {fn!r}")

        def visit_Compare(self, node: ast.Compare) -> Any:
            self.generic_visit(node)
            node.left = _float_bound(node.left)
            node.comparators = [_float_bound(c) for c in node.comparators]
            return node

    try:
        for node in ast.walk(expr):
            if not isinstance(node, _ALLOWED):
                return None
            if isinstance(node, ast.Call) and (
                node.keywords or any(isinstance(a, ast.Starred) for a in node.args)
            ):
                return None
            if isinstance(node, ast.Attribute) and not (
                isinstance(node.value, ast.Name) and node.value.id == "math"
            ):
                return None
        tree = ast.fix_missing_locations(Substitute().visit(expr))
    except NotSymbolic:
        return None
    text = ast.unparse(tree).replace("{", "{{").replace("}", "}}")
    for mark, placeholder in marks.items():
        text = text.replace(mark, placeholder)
    return text


_MISSING = object()


def _float_bound(node: ast.expr) -> ast.expr:
    """An int compared with a float, as a float: the same outcome (exact below 2⁵³), and
    Python compares two floats faster (``x <= 0.0``)."""
    if isinstance(node, ast.Constant) and type(node.value) is int and abs(node.value) < 2**53:
        return ast.copy_location(ast.Constant(float(node.value)), node)
    return node


def _body(fn: Any, code: Any) -> ast.Expression | None:
    """The expression a ``def f(x): return …`` or a ``lambda x: …`` computes."""
    try:
        lines, _ = inspect.getsourcelines(fn)
    except (OSError, TypeError):
        return None
    source = textwrap.dedent("".join(lines))
    if source.lstrip().startswith("def "):
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return None
        func = tree.body[0] if tree.body else None
        if not isinstance(func, ast.FunctionDef) or func.decorator_list:
            return None
        body = func.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # a docstring
        if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
            return None
        return ast.Expression(body[0].value)
    first_line = len(source.split("\n", 1)[0])  # the lambda starts on the code's first line
    found = [i for i in range(first_line) if source.startswith("lambda", i)]
    candidates = []
    for i in found:  # a lambda inside a longer line: find where it parses
        text = source[i:].strip()[:1000]
        ends = [k for k, ch in enumerate(text) if ch in ",)]}\n"] + [len(text)]
        for end in reversed(ends):
            try:
                parsed = ast.parse(text[:end], mode="eval")
            except SyntaxError:
                continue
            if isinstance(parsed.body, ast.Lambda):  # the longest prefix that is the lambda
                candidates.append(parsed.body)
                break
    names = list(code.co_varnames[: code.co_argcount])
    matching = [c for c in candidates if [a.arg for a in c.args.args] == names]
    return ast.Expression(matching[0].body) if len(matching) == 1 else None


# ---- templates: one op applied to operands of given kinds ------------------------------------


@dataclass
class Template:
    """How the code computes one op on operands of given kinds, and its partials.

    ``forward`` and ``partials`` are format strings over the operands ``{0}``, ``{1}``…
    and ``{out}`` (for an op with a constant, ``{1}`` is the constant). When the partials
    are no expressions (``symbolic_partials`` False) ``partials_call`` computes the tuple
    once and ``partials`` index it as ``{d}[i]``.
    """

    forward: str
    symbolic_forward: bool
    partials: list[str]
    partial_kinds: list[Kind]
    symbolic_partials: bool
    partials_call: str = ""
    forward_pieces: list[str] = field(default_factory=list)
    """``forward`` cut where a chain of one operator continues (:meth:`BinOp.pieces`), so
    that a sum of many terms is checked a chunk at a time (Python's compiler recurses over
    a long chain)."""


class Templates:
    """Templates for one generated module, made once per op and operand kinds, each checked
    against the engine's numbers on the first node it is used for."""

    def __init__(self, names: Namespace) -> None:
        self.names = names
        self._cache: dict[tuple[Any, ...], Template] = {}

    def get(
        self, op: Op, kinds: Sequence[Kind], out_kind: Kind, sample: Sequence[Any], out: Any,
        reference_partials: Callable[[], tuple[Any, ...]],
    ) -> Template:  # fmt: skip
        """The template for ``op`` on operands of ``kinds`` (the constant last for an op with
        one), checked on ``sample`` (their data), ``out`` (the engine's result) and the
        engine's partials there."""
        key = (op, tuple(kinds), out_kind)
        template = self._cache.get(key)
        if template is None:
            template = self._make(op, kinds, out_kind)
            if self._check(template, op, sample, out, reference_partials):
                self._cache[key] = template
        return template

    def _make(self, op: Op, kinds: Sequence[Kind], out_kind: Kind) -> Template:
        names = self.names
        operands = [Sym(Placeholder(i), k) for i, k in enumerate(kinds)]
        out = Sym(Placeholder("out"), out_kind)
        floats = all(k is None for k in kinds)
        fn = op.forward if floats else op.array_forward
        assert fn is not None
        pieces: list[str] = []
        try:
            result, _ = as_expr(fn(*operands))
            pieces = result.pieces(names) if isinstance(result, BinOp) else [result.render(names)]
            forward, symbolic = "".join(pieces), True
        except NotSymbolic:
            inlined = inline(fn, len(kinds))
            if inlined is not None:  # a one-expression function: its body, not a call
                forward, symbolic = inlined, True
            else:
                forward, symbolic = self._forward_call(op, kinds), False
        try:
            values = op.partials(*operands, out)
            exprs = [as_expr(v) for v in values]
            partials = [e.render(names) for e, _ in exprs]
            return Template(
                forward, symbolic, partials, [k for _, k in exprs], True, forward_pieces=pieces
            )
        except NotSymbolic:
            args = [Placeholder(i) for i in range(len(kinds))] + [Placeholder("out")]
            callee = Bound(op.partials, f"{op.name}_partials")
            call = Call(callee, args).render(names)
            count = 1 if op.kind is WITH_CONSTANT else op.arity or len(kinds)
            return Template(
                forward, symbolic, [f"{{d}}[{i}]" for i in range(count)], [None] * count,
                False, call,
            )  # fmt: skip

    def _forward_call(self, op: Op, kinds: Sequence[Kind]) -> str:
        """The op's own forward function called in the code: ``relu(v3)``, ``np.exp(v3)``."""
        floats = all(k is None for k in kinds)
        fn = op.forward if floats else op.array_forward
        hint = op.name if floats else f"{op.name}_array"
        if op.kind is WITH_CONSTANT and op.position == 0:
            hint = f"{hint}_of_constant"  # c op x: the base op with its operands swapped
        else:
            hint = function_hint(fn, hint)
        args = [Placeholder(i) for i in range(len(kinds))]
        return Call(Bound(fn, hint), args).render(self.names)

    def _check(
        self, template: Template, op: Op, sample: Sequence[Any], out: Any,
        reference_partials: Callable[[], tuple[Any, ...]],
    ) -> bool:  # fmt: skip
        """Evaluate the template on the traced data; a symbolic form that does not give the
        engine's numbers is replaced by a call of the op's own function. False when the
        partials are undefined at this data (then unchecked: the template is not reused)."""
        env = dict(self.names.globals)
        atoms = [f"_a{i}" for i in range(len(sample))]
        env.update(zip(atoms, sample))
        env["_out"] = out
        if template.symbolic_forward:
            pieces = template.forward_pieces or [template.forward]
            if not _same(_evaluate_chain([fill(p, atoms, out="_out") for p in pieces], env), out):
                template.forward = self._forward_call(op, [kind_of(x) for x in sample])
                template.symbolic_forward = False
        if not template.symbolic_partials:
            env["_d"] = _evaluate(fill(template.partials_call, atoms, out="_out"), env)
            if isinstance(env["_d"], BaseException):
                return False
            template.partial_kinds = [kind_of(v) for v in env["_d"]]
            return True
        try:
            reference = reference_partials()
        except MATH_ERRORS:  # undefined here: a node only a guard reads, needing no gradient
            return False
        ok = len(reference) == len(template.partials)
        values: dict[str, Any] = {}  # one evaluation per text: a sum's n partials are all 1.0
        for i, text in enumerate(template.partials if ok else ()):
            operand = _OPERAND.fullmatch(text)  # ∂(Σ wᵢxᵢ)/∂wᵢ = xᵢ: no need to run Python
            if operand is not None:
                value = sample[int(operand[1])]
            elif text in values:
                value = values[text]
            else:
                value = values[text] = _evaluate(fill(text, atoms, out="_out"), env)
            if not _same(value, reference[i]):
                ok = False
                break
        if not ok:
            args = [Placeholder(i) for i in range(len(sample))] + [Placeholder("out")]
            template.partials_call = Call(Bound(op.partials, f"{op.name}_partials"), args).render(
                self.names
            )
            template.partials = [f"{{d}}[{i}]" for i in range(len(reference))]
            template.partial_kinds = [kind_of(v) for v in reference]
            template.symbolic_partials = False
        return True


LONG_NARY = 64
"""An n-ary op with more operands than this is written as a call of its forward function,
not one long line, and its template is filled in and checked piece by piece."""

PLACEHOLDER = re.compile(r"\{(\w+)\}")
"""A field of a template: ``{0}``, ``{out}``, ``{d}``."""
_OPERAND = re.compile(r"\{(\d+)\}")
_FIELD = re.compile(r"\{\{|\}\}|\{(\w+)\}")


def fill(text: str, operands: Sequence[str], **named: str) -> str:
    """``text.format(*operands, **named)``, in time proportional to ``text`` alone: a
    partial of a dot with 100,000 operands names one or two of them."""
    if len(operands) <= LONG_NARY:
        return text.format(*operands, **named)

    def field_text(match: re.Match[str]) -> str:
        key = match[1]
        if key is None:
            return match[0][0]  # {{ or }}: a literal brace
        return operands[int(key)] if key.isdigit() else named[key]

    return _FIELD.sub(field_text, text)


def _evaluate_chain(pieces: list[str], env: dict[str, Any], chunk: int = 256) -> Any:
    """Evaluate ``"".join(pieces)`` (a left-nested chain, :meth:`BinOp.pieces`) as Python
    does, left to right, ``chunk`` operators at a time."""
    value = _evaluate("".join(pieces[: chunk + 1]), env)
    for start in range(chunk + 1, len(pieces), chunk):
        if isinstance(value, BaseException):
            break
        env["_acc"] = value
        value = _evaluate("_acc" + "".join(pieces[start : start + chunk]), env)
    return value


def _evaluate(text: str, env: dict[str, Any]) -> Any:
    try:
        with np.errstate(all="ignore"):
            return eval(text, env)
    except Exception as exc:  # a bad rendering: report it as a mismatch
        return exc


def _same(a: Any, b: Any) -> bool:
    """Equal numbers (NaN equal to NaN, -0.0 to 0.0), of the same kind."""
    if isinstance(a, BaseException):
        return False
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.shape != b.shape:
            return False
        return bool(np.array_equal(a, b, equal_nan=True))
    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return x == y or (x != x and y != y)


# ---- a chain-rule product as code ------------------------------------------------------------


def product(g: str, partial: str, numbers: bool = False) -> str:
    """``g · ∂`` as code, simplified where that changes no number: ``g`` for a partial of 1,
    ``-g`` for -1, ``g * (x > 0)`` for the step function ``(x > 0) * 1.0``, and, when
    ``g`` and the partial are ``numbers`` (no arrays), ``(g if x > 0 else g * 0.0)``: the
    engine's ``g * 1.0`` and ``g * 0.0``, without multiplying a float by a bool."""
    if partial == "1.0":
        return g
    if partial == "(-1.0)":
        return f"-{g}"
    if partial.endswith(" * 1.0") and _is_comparison(partial[: -len(" * 1.0")]):
        condition = partial[: -len(" * 1.0")]
        if numbers and _is_atom(g):
            return f"({g} if {condition[1:-1]} else {g} * 0.0)"
        return f"{g} * {condition}"
    return f"{g} * {partial}" if _is_atom(partial) else f"{g} * ({partial})"


def _is_comparison(text: str) -> bool:
    return (
        text.startswith("(")
        and text.endswith(")")
        and _balanced(text[1:-1])
        and any(f" {c} " in text for c in ("<", "<=", ">", ">="))
    )


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0


def _is_atom(text: str) -> bool:
    """A name, a number, a call or an index: needs no parentheses as a factor."""
    if text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        return True
    depth = 0
    for ch in text:
        depth += ch in "(["
        depth -= ch in ")]"
        if depth == 0 and ch in " +-*/@<>=|&":
            return False
    return True
