"""User text never becomes code in ``autograd.compile``: hostile names as labels, dict keys,
keyword names and function names.

A name reaches the generated source only as an identifier (:func:`identifier`) or as
escaped text in a comment or the docstring (:func:`escaped`). Payloads here try to end a
comment with a line break (``\\n``, ``\\r``, U+2028, U+0085…) and run ``open(canary)``; the
canary file must stay absent, no SyntaxError may reach the caller, and the compiled
function must agree with the engine (or fall back to it with a warning saying so).
The property test runs 40 examples by default, 400 with ``HYPOTHESIS_PROFILE=thorough``.
"""

from __future__ import annotations

import ast
import keyword
import os
import unicodedata
import warnings
from pathlib import Path
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
from autograd import Value
from autograd.compiler import identifiers
from autograd.compiler.identifiers import RESERVED, Namer, escaped, identifier

EXAMPLES = 400 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 40

LINE_BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1e", "\x85", "\u2028", "\u2029"]
HOSTILE = [
    *LINE_BREAKS, "\x00", "\t", "'", '"', '"""', "'''", "\\", "\\N{", "\\x", "#", "</script>",
    "x₁", "x²", "µ", "μ", "ﬁ", "if", "None", "__debug__", "1x", "-0.5", "_inputs", "np", " ",
    "\u200b", "\ud800", "é", "e\u0301",
]  # fmt: skip


def payloads(canary: Path) -> list[str]:
    """Text that runs ``open(canary)`` if a line break in it ends a comment."""
    code = [
        f"open({str(canary)!r}, 'w').write('ran')",
        f"__import__('os').system('touch {canary}')",
    ]
    return [
        f"{brk}{indent}{line}  #"
        for brk in LINE_BREAKS
        for indent in ("", "    ", "        ")
        for line in code
    ]


def hostile_text(canary: Path) -> st.SearchStrategy[str]:
    pieces = st.sampled_from(HOSTILE + payloads(canary)) | st.text(max_size=3)
    return st.lists(pieces, max_size=4).map("".join)


def engine_result(label: str, x: float, z: float) -> tuple[float, float, float]:
    w, u = Value(0.5, label=label), Value(-1.5, label=label)
    y = w * x + u * z
    out = (y * y).tanh() if y > 0 else y * 3.0
    out.backward()
    return out.data, w.grad, u.grad


def compile_hostile(label: str, key: object, kwarg: str, function_name: str):
    """A compiled function whose every name is hostile: two parameters labelled ``label``,
    data under dict key ``key`` and keyword ``kwarg``, a guard, named ``function_name``."""
    w, u = Value(0.5, label=label), Value(-1.5, label=label)

    def f(d, **kw):
        y = w * d[key] + u * kw[kwarg]
        return (y * y).tanh() if y > 0 else y * 3.0

    f.__name__ = f.__qualname__ = function_name
    return ag.compile(f), w, u


def check_agrees(label: str, key: object, kwarg: str, function_name: str, canary: Path) -> None:
    step, w, u = compile_hostile(label, key, kwarg, function_name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for x, z in [(2.0, 1.0), (3.0, 0.5), (-4.0, 1.0)]:  # traced, generated code, retrace
            w.grad = u.grad = 0.0
            got = step({key: x}, **{kwarg: z})
            want, w_grad, u_grad = engine_result(label, x, z)
            assert got == pytest.approx(want, rel=1e-12)
            assert (w.grad, u.grad) == pytest.approx((w_grad, u_grad), rel=1e-12)
    assert not canary.exists(), "a name ran as code"
    for warning in caught:  # falling back is allowed, silently or unclearly is not
        assert "the engine runs" in str(warning.message), warning.message
    if not caught:
        assert_only_generated_code(step)


def assert_only_generated_code(step: ag.Compiled) -> None:
    """The source holds no text but the docstring and reads no name it did not bind (its
    variables, the module's globals, the builtins conversions and loops use)."""
    assert step.source is not None and step._last is not None
    function = ast.parse(step.source).body[0]
    assert isinstance(function, ast.FunctionDef)
    texts = [
        n for n in ast.walk(function) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]
    assert texts == [function.body[0].value]  # type: ignore[attr-defined]
    names = [n for n in ast.walk(function) if isinstance(n, ast.Name)]
    bound = {a.arg for a in function.args.args} | {
        n.id for n in names if isinstance(n.ctx, ast.Store)
    }
    known = bound | set(step._last.fn.__globals__) | {"float", "range", "zip", "abs", "max", "min"}
    assert {n.id for n in names} <= known


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    path = tmp_path / "canary"
    assert not path.exists()
    return path


@pytest.mark.parametrize("where", ["label", "key", "kwarg", "function"])
def test_a_line_break_in_a_name_never_runs_code(where: str, canary: Path) -> None:
    for payload in payloads(canary)[::2]:  # each line break and indent, one way to run code
        names = {"label": "w", "key": "k", "kwarg": "z", "function": "f"}
        names[where] = "x" + payload
        check_agrees(names["label"], names["key"], names["kwarg"], names["function"], canary)


def test_names_that_are_not_identifiers_compile(canary: Path) -> None:
    for name in ["x₁", "x²", "a\x00b", "q\\N{", "if", "1x", "__debug__", "ﬁ", "\u200b", "\ud800"]:
        check_agrees(name, name, name + "k", name, canary)


def test_a_guard_shows_a_hostile_repr_escaped(canary: Path) -> None:
    class Sneaky(float):
        def __repr__(self) -> str:
            return f"1\n    open({str(canary)!r}, 'w')  #"

    w = Value(2.0, label="w")
    step = ag.compile(lambda x: w * x if w > Sneaky(1.0) else -w * x)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert step(3.0) == 6.0 and step(4.0) == 8.0
    assert "guard" in step.source and "\\n    open(" in step.source
    assert_only_generated_code(step)
    assert not canary.exists()


def micro_minus_mu(d: dict[str, float], w: Value) -> Value:
    """``µ`` (micro sign, U+00B5) and ``μ`` (Greek mu, U+03BC) are one identifier to Python."""
    return d["\u00b5"] * w - d["\u03bc"] * w + w * 6.0


def test_names_python_reads_as_one_are_two_variables() -> None:
    w = Value(1.0, label="w")
    step = ag.compile(lambda d: micro_minus_mu(d, w))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for micro, mu in [(1.0, 1.0), (-5.0, 1.0)]:  # traced when both coincide, then not
            d = {"\u00b5": micro, "\u03bc": mu}
            w.grad = 0.0
            assert step(d) == micro_minus_mu(d, Value(1.0)).data
            assert w.grad == micro - mu + 6.0
    assert "d_μ_2" in step.source
    labels = [Value(1.0, label="\u00b5"), Value(1.0, label="\u03bc")]
    step = ag.compile(lambda x: x * labels[0] - x * labels[1] * 2.0)
    step(-5.0)
    labels[0].data = 3.0
    assert step(-5.0) == -5.0
    assert "μ_2" in step.source


@given(st.text(max_size=12))
@settings(max_examples=EXAMPLES * 3, deadline=None)
def test_identifier_is_a_valid_normalised_name(name: str) -> None:
    text = identifier(name)
    assert text.isidentifier() and not keyword.iskeyword(text) and text not in RESERVED
    assert unicodedata.normalize("NFKC", text) == text
    assert ast.parse(f"{text} = 1")


@given(st.lists(st.text(max_size=4), max_size=8))
@settings(max_examples=EXAMPLES * 3, deadline=None)
def test_namer_gives_names_python_tells_apart(names: list[str]) -> None:
    namer = Namer()
    claimed = [namer.claim(n) for n in names]
    code = compile("\n".join(f"{c} = {i}" for i, c in enumerate(claimed)), "<t>", "exec")
    scope: dict[str, object] = {}
    exec(code, scope)
    assert [scope[c] for c in claimed] == list(range(len(claimed)))


@given(st.text())
@settings(max_examples=EXAMPLES * 3, deadline=None)
def test_escaped_text_stays_on_its_line_and_reads_back(text: str) -> None:
    shown = escaped(text)
    assert len(f"# {shown}".splitlines()) == 1 and "\x00" not in shown
    assert ast.literal_eval('"""' + shown.replace('"', '\\"') + '"""') == text


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_hostile_names_never_run_and_compile_right(data: st.DataObject, canary: Path) -> None:
    text = hostile_text(canary)
    label, kwarg, function_name = data.draw(text), data.draw(text), data.draw(text)
    key = data.draw(text | st.integers() | st.tuples(text, st.floats(allow_nan=False)))
    assume(kwarg != "create_graph")  # the compiled call's own keyword
    check_agrees(label, key, kwarg, function_name, canary)


def test_the_self_check_catches_two_nodes_sharing_a_variable_when_values_coincide() -> None:
    """Without normalising, the two keys share a variable; they hold the same number when
    traced, so only the check on nudged inputs can see it: the engine must then run."""
    w = Value(1.0, label="w")
    raw = patch.object(identifiers, "identifier", lambda name: name.replace(".", "_"))
    with raw, pytest.warns(RuntimeWarning, match="on nudged inputs.*the engine runs it instead"):
        step = ag.compile(lambda d: micro_minus_mu(d, w))
        step({"\u00b5": 1.0, "\u03bc": 1.0})
    d = {"\u00b5": -5.0, "\u03bc": 1.0}
    assert step(d) == micro_minus_mu(d, Value(1.0)).data == 0.0
    assert step.source is None


def test_a_number_whose_repr_is_code_is_written_as_the_number(canary: Path) -> None:
    """A guard's other side, or a constant, of an int or float subclass with a hostile repr."""
    payload = f"1 and open({str(canary)!r}, 'w')"
    kinds = [type("SneakyInt", (int,), {"__repr__": lambda self: payload})]
    kinds.append(type("SneakyFloat", (float,), {"__repr__": lambda self: payload}))
    w = Value(2.0, label="w")
    for kind in kinds:
        step = ag.compile(lambda x, k=kind: w * x * k(3) if w > k(1) else -w * x)
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            assert step(3.0) == 18.0 and step(4.0) == 24.0
        assert "w > 1" in step.source.replace("w > 1.0", "w > 1")
    assert not canary.exists()


def relabelled_mlp(labels: list[str]) -> nn.MLP:
    model = nn.MLP(2, [4, 1], seed=0)
    for i, p in enumerate(model.parameters()):
        p.label = labels[i % len(labels)]
    return model


def rolled_loss(model: nn.MLP, X: np.ndarray, y: np.ndarray, labels: list[str]) -> Value:
    """A per-sample sum (rolled into a loop), its terms and total labelled ``labels``."""
    terms = []
    for row, target in zip(X.tolist(), y.tolist()):
        term = (1.0 - target * model(row)).relu()
        term.label = labels[0]
        terms.append(term)
    total = ag.sum(terms)
    total.label = labels[-1]
    return total * (1.0 / len(terms))


def fused_loss(model: nn.MLP, X: np.ndarray, y: np.ndarray, labels: list[str]) -> Value:
    """The same in batched mode (layers fused into matrix products)."""
    columns = [Value(np.ascontiguousarray(c), label=labels[0]) for c in X.T]
    out = (1.0 - y * model(columns)).relu()
    out.label = labels[-1]
    return out.batch_mean()


@pytest.mark.parametrize(("loss", "layout"), [(rolled_loss, "for "), (fused_loss, "W1 @ ")])
def test_hostile_labels_in_loops_and_matrix_products(loss, layout, canary: Path) -> None:
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(12, 2)), np.where(rng.normal(size=12) > 0, 1.0, -1.0)
    hostile = [p for p in payloads(canary) if p[0] in "\n\r"]
    for labels in (["w"], hostile[:6], hostile[6:]):
        model, ref = relabelled_mlp(labels), relabelled_mlp(labels)
        step = ag.compile(lambda m=model, names=labels: loss(m, X, y, names))
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            for _ in range(2):  # traced, then generated code
                model.zero_grad()
                ref.zero_grad()
                got = step()
                want = loss(ref, X, y, labels)
                want.backward()
                assert got == pytest.approx(want.data, rel=1e-12)
                assert [p.grad for p in model.parameters()] == pytest.approx(
                    [p.grad for p in ref.parameters()], rel=1e-12, abs=1e-15
                )
        assert layout in step.source
        assert_only_generated_code(step)
    assert not canary.exists()
