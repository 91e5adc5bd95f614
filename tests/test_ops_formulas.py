"""Each op's ``formulas`` text (what learners read) agrees with its ``partials`` (what runs)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings

from autograd import ops
from autograd.ops import NARY, WITH_CONSTANT, Op
from autograd.testing import op_inputs

_FUNCTIONS = {
    "log": math.log,
    "exp": math.exp,
    "sin": math.sin,
    "cos": math.cos,
    "sigmoid": lambda x: 1.0 / (1.0 + math.exp(-x)),
    "sign": lambda x: float((x > 0) - (x < 0)),
    "step": lambda x: 1.0 if x > 0 else 0.0,
    "N": 1.0,  # a batch of one sample
}


def evaluate(text: str) -> list[float]:
    """The value of each side of a formula such as ``exp(x) = out`` (math notation to Python)."""
    python = (
        text.replace("·", "*")
        .replace("²", "**2")
        .replace("^", "**")
        .replace("σ(", "sigmoid(")
        .replace("ln ", "log")
    )
    return [float(eval(side, {"__builtins__": {}}, dict(_FUNCTIONS))) for side in python.split("=")]


def formula_values(op: Op, xs: list[float], out: float) -> list[list[float]]:
    names = [f"({x!r})" for x in xs]
    count = 1 if op.kind is WITH_CONSTANT else len(xs)
    return [evaluate(op.explain(i, names, f"({out!r})")) for i in range(count)]


@pytest.mark.parametrize("op", ops.table(), ids=lambda op: op.symbol)
def test_every_formula_matches_its_partial(op: Op) -> None:
    @settings(max_examples=25)
    @given(op_inputs(op))
    def check(xs: list[float]) -> None:
        out = op.forward(*xs)
        partials = op.partials(*xs, out)
        shown = formula_values(op, xs, out)
        assert len(shown) == len(partials)
        for sides, partial in zip(shown, partials):
            for value in sides:
                assert value == pytest.approx(float(partial), rel=1e-12, abs=1e-12)

    check()


def test_a_wrong_formula_is_caught() -> None:
    wrong = Op(
        name="square",
        symbol="sq",
        kind=ops.UNARY,
        forward=lambda x: x * x,
        partials=lambda a, out: (2.0 * a,),
        formulas=("{0}",),  # should be 2·{0}
        doc="x²",
    )
    with pytest.raises(AssertionError):
        for sides, partial in zip(formula_values(wrong, [1.5], 2.25), wrong.partials(1.5, 2.25)):
            assert sides[0] == pytest.approx(partial)


def test_nary_formulas_name_the_paired_input() -> None:
    names = ["w1", "w2", "x1", "x2", "b"]
    shown = [ops.DOT.explain(i, names, "z") for i in range(5)]
    assert shown == ["x1", "x2", "w1", "w2", "1"]
    assert ops.DOT.kind is NARY
