"""``backward()``'s float fast path (``_float_chain_rule``, an optimisation) gives the numbers
of the general chain rule (``gradients()``, which never takes it), on every op of the table."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

import autograd as ag
from autograd import Value
from autograd.testing import Expression, expressions


@settings(max_examples=60, deadline=None)
@given(expressions(max_nodes=8))
def test_the_float_fast_path_equals_the_general_chain_rule(expr: Expression) -> None:
    xs = [Value(x) for x in expr.inputs]
    out = expr(*xs)
    general = ag.gradients(out, xs)
    general = general if isinstance(general, tuple) else (general,)
    out.backward()  # every node holds one number: the fast path throughout
    fast = np.array([x.grad for x in xs])
    assert np.allclose(fast, np.array(general, dtype=float), rtol=1e-12, atol=1e-300)


def test_dot_with_operands_used_twice_sums_every_use() -> None:
    """f = a·b + b·a + a·c + 1: ∂f/∂a = 2b + c, ∂f/∂b = 2a, ∂f/∂c = a (exact in floats)."""
    a, b, c = Value(3.0), Value(-2.0), Value(0.5)
    f = ag.dot([a, b, a], [b, a, c], 1.0)
    assert f.data == 3.0 * -2.0 * 2 + 3.0 * 0.5 + 1.0
    f.backward()
    assert (a.grad, b.grad, c.grad) == (2 * -2.0 + 0.5, 2 * 3.0, 3.0)
    assert ag.gradients(f, [a, b, c]) == (2 * -2.0 + 0.5, 2 * 3.0, 3.0)


@pytest.mark.parametrize("upstream", [1.0, -2.5])
def test_dot_fast_path_scales_by_the_upstream_gradient(upstream: float) -> None:
    w, x = [Value(1.5), Value(-0.25)], [Value(2.0), Value(4.0)]
    bias = Value(0.75)
    z = ag.dot(w, x, bias)
    (z * upstream).backward()
    assert [v.grad for v in w] == [upstream * 2.0, upstream * 4.0]
    assert [v.grad for v in x] == [upstream * 1.5, upstream * -0.25]
    assert bias.grad == upstream


def test_a_dot_behind_a_dead_relu_adds_nothing_and_a_non_finite_one_still_adds_nan() -> None:
    """Gradient 0 reaching a finite dot node: its operands get nothing (the fast path skips
    it, gradients() adds 0·xᵢ: the same numbers). A non-finite dot is not skipped, so
    0·inf = nan reaches its operands exactly as on the general path."""
    w, x, b = [Value(1.5), Value(-2.0)], [Value(2.0), Value(4.0)], Value(0.5)
    w[0].grad = 7.0  # leaves accumulate: the skipped pass must leave 7 as it is
    dead = ag.dot(w, x, b).relu()  # 1.5·2 - 2·4 + 0.5 < 0: the relu passes 0 back
    dead.backward()
    assert [v.grad for v in (*w, *x, b)] == [7.0, 0.0, 0.0, 0.0, 1.0 * 0.0]
    assert ag.gradients(dead, [*w, *x, b]) == (0.0, 0.0, 0.0, 0.0, 0.0)

    big, zero = Value(float("inf")), Value(0.0)
    blown = ag.dot([big, Value(1.0)], [zero, Value(-1.0)])  # inf·0 - 1 = nan
    out = blown * 0.0
    out.backward()
    assert np.isnan(zero.grad)  # 0 · ∂blown/∂zero = 0 · inf
    assert np.isnan(ag.gradients(out, [zero]))


def test_a_constant_added_or_multiplied_on_either_side_passes_the_written_out_partials() -> None:
    """f = 2.5 + (1.5 · ((x + 0.25) · -3)): ∂f/∂x = 1.5 · -3 (the fast path writes 1 and c
    out instead of calling the op table); the same as gradients() and as the intermediates'."""
    x = Value(0.75)
    inner = (x + 0.25) * -3.0
    scaled = 1.5 * inner
    f = 2.5 + scaled
    f.backward()
    assert x.grad == 1.5 * -3.0
    assert (inner.grad, scaled.grad) == (1.5, 1.0)
    assert ag.gradients(f, [x, inner]) == (1.5 * -3.0, 1.5)


@pytest.mark.parametrize(
    ("x", "upstream"),
    [(0.5, -2.0), (-0.5, -2.0), (0.0, 3.0), (-0.5, float("inf")), (float("nan"), 1.0)],
)
def test_relu_passes_the_written_out_step_times_the_upstream_gradient(
    x: float, upstream: float
) -> None:
    """∂relu(x)/∂x = step(x): g where x > 0, else g · 0 (NaN for an infinite g, as the
    op table's partial gives it); the fast path's numbers equal gradients()' bit for bit."""
    leaf = Value(x)
    out = leaf.relu() * upstream
    out.backward()
    expected = upstream * (1.0 if x > 0 else 0.0)
    general = ag.gradients(out, [leaf])[0]
    assert np.array_equal([leaf.grad, general], [expected, expected], equal_nan=True)
