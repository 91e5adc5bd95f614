"""autograd.javascript: the op table written as JavaScript from the ops' own functions.

(Running the generated code in Chromium is tests/test_browser_nudge.py.)"""

from __future__ import annotations

import random

import pytest

from autograd import ops
from autograd.javascript import NotTranslatable, literal, op_script, script


def _arity(op: ops.Op) -> int:
    return op.arity if op.arity is not None else 3


def samples(op: ops.Op, count: int = 5, seed: int = 0) -> list[list[float]]:
    """Inputs inside the op's sample intervals (for an op with a constant: x, then c)."""
    rng = random.Random(seed)
    n = _arity(op) + (1 if op.kind is ops.WITH_CONSTANT else 0)
    points = []
    for _ in range(count):
        xs = []
        for k in range(n):
            low, high = rng.choice(op.sample[min(k, len(op.sample) - 1)])
            xs.append(rng.uniform(low, high))
        points.append(xs)
    return points


@pytest.mark.parametrize("op", ops.table(), ids=lambda op: f"{op.name}{op.symbol}")
def test_every_op_in_the_table_has_a_javascript_form(op: ops.Op) -> None:
    found = op_script(op, _arity(op))
    n = _arity(op) + (1 if op.kind is ops.WITH_CONSTANT else 0)
    assert found.arity == n
    assert len(found.partials) == (1 if op.kind is ops.WITH_CONSTANT else _arity(op))
    assert "a0" in found.forward  # the forward reads its input


@pytest.mark.parametrize(
    "op", [op for op in ops.table() if op.expression is not None], ids=lambda op: op.symbol
)
def test_expressions_agree_with_the_ops_functions(op: ops.Op) -> None:
    for xs in samples(op, 20):
        out = op.forward(*xs)
        assert op.expression is not None and op.expression(*xs) == pytest.approx(out, rel=1e-14)
        if op.partial_expressions is not None:
            want = op.partials(*xs, out)
            got = op.partial_expressions(*xs, out)
            assert got == pytest.approx(want, rel=1e-13)


def test_an_op_without_a_symbolic_form_is_refused_by_name() -> None:
    def branchy(x: float) -> float:
        return x if x > 1 else 2 * x

    odd = ops.Op(
        name="branchy", symbol="branchy", kind=ops.UNARY, forward=branchy,
        partials=lambda a, out: (1.0,), formulas=("1",), doc="test",
    )  # fmt: skip
    with pytest.raises(NotTranslatable, match="branchy: its forward needs concrete values"):
        op_script(odd, 1)
    with pytest.raises(ValueError, match="mul takes 2 input"):
        op_script(ops.MUL, 3)


def test_the_script_is_safe_to_inline() -> None:
    found = script([(op, _arity(op)) for op in ops.table()])
    assert found.source.isascii() and "</" not in found.source and "<!--" not in found.source
    assert f'registry["{found.key}"]' in found.source
    assert found.source.count("forward: function") == len(ops.table())
    assert "function logaddexp" in found.source  # softplus's helper, once
    assert script([(ops.MUL, 2)]).key != found.key


def test_literals() -> None:
    assert [literal(x) for x in (1.5, -2.0, float("inf"), float("-inf"), -0.0, True, 3)] == [
        "1.5", "(-2.0)", "Infinity", "(-Infinity)", "(-0.0)", "true", "3.0",
    ]  # fmt: skip
    assert literal(float("nan")) == "NaN"
    with pytest.raises(NotTranslatable):
        literal("1")
