"""Every op in the op table against finite differences, second derivatives, forward mode
and batched mode; random expression graphs over the whole table. A new table entry is
picked up by these tests automatically (they iterate ``autograd.ops.table()``).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd import Backprop, Value, gradcheck, gradgradcheck, ops
from autograd.gradcheck import numeric_gradient, tolerance
from autograd.testing import _squash, expressions, op_function, op_inputs

TABLE = ops.table()
IDS = [op.display("c") for op in TABLE]


@pytest.mark.parametrize("op", TABLE, ids=IDS)
@given(data=st.data())
def test_op_gradient_matches_finite_differences(op, data):
    f, inputs = op_function(op, data.draw(op_inputs(op)))
    assert gradcheck(f, *inputs)


@pytest.mark.parametrize("op", TABLE, ids=IDS)
@given(data=st.data())
def test_op_second_derivatives_match_finite_differences(op, data):
    f, inputs = op_function(op, data.draw(op_inputs(op)))
    assert gradgradcheck(f, *inputs)


@pytest.mark.parametrize("op", TABLE, ids=IDS)
@given(data=st.data())
def test_op_forward_mode_equals_reverse_mode(op, data):
    f, inputs = op_function(op, data.draw(op_inputs(op)))
    grads = ag.value_and_grad(f, tuple(range(len(inputs))))(*inputs)[1]
    for i in range(len(inputs)):
        tangents = [1.0 if j == i else 0.0 for j in range(len(inputs))]
        _, directional = ag.jvp(f, inputs, tangents)
        assert directional == pytest.approx(grads[i], rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("op", TABLE, ids=IDS)
@given(data=st.data())
def test_op_batched_equals_one_sample_at_a_time(op, data):
    first = data.draw(op_inputs(op))  # draws the arity of an n-ary op, once
    more = data.draw(st.lists(op_inputs(op, size=len(first)), min_size=1, max_size=3))
    if op.kind is ops.WITH_CONSTANT:  # the constant is one number shared by every sample
        more = [[s[0], first[1]] for s in more]
    samples = [first, *more]
    f, _ = op_function(op, first)
    width = 1 if op.kind is ops.WITH_CONSTANT else len(first)
    leaves = [Value(np.array([s[i] for s in samples])) for i in range(width)]
    f(*leaves).batch_sum().backward()
    for k, sample in enumerate(samples):
        single = [Value(x) for x in sample[:width]]
        op_function(op, sample)[0](*single).backward()
        for leaf, s in zip(leaves, single):
            if op.name == "batch_mean":
                assert leaf.grad[k] == pytest.approx(s.grad / len(samples), rel=1e-12)
            else:
                assert leaf.grad[k] == pytest.approx(s.grad, rel=1e-12, abs=1e-300)


@given(expressions())
def test_random_expressions_gradcheck(expr):
    assert gradcheck(expr, *expr.inputs)


@given(expressions(max_nodes=4))
def test_random_expressions_gradgradcheck(expr):
    first = ag.grad(expr, argnums=tuple(range(len(expr.inputs))))(*expr.inputs)
    if max(abs(g) for g in first) < 1e-6:
        # Deep in a squashing sigmoid's tail the finite differences, not the engine, are
        # wrong: σ(p) rounds to the same float for every p within ε, so the first derivative
        # σ(p)(1 - σ(p)) does not move with p and its difference quotient misses a term
        # (test_second_derivative_in_a_sigmoid_tail has the example hypothesis found).
        return
    assert gradgradcheck(expr, *expr.inputs)


def test_second_derivative_in_a_sigmoid_tail():
    """The example that gradgradcheck rejected (hypothesis found it in the wheel job).

    f(a, b) = s(s(s(a)·s(b))³)³ with s(v) = 6σ(v) - 3, at a = b = -2, where the outer
    sigmoid sees p = 26.1 (σ(p) = 1 - 4.4e-12). The engine's ∂²f/∂a² equals an independent
    computation, the chain rule written out by hand with σ'(v) = σ(v)σ(-v), accurate in the
    tails (and the 60-digit mpmath value, -2.96842157e-9). The central difference of the
    engine's first derivative is stable in ε and 36% off: a step of ε moves σ(p) by less
    than one ulp, so the first derivative σ(p)(1 - σ(p)) that it differences stays put.
    """
    sig = ops.SIGMOID.forward

    def s(v):
        return 6 * sig(v) - 3, 6 * sig(v) * sig(-v), 6 * sig(v) * sig(-v) * (sig(-v) - sig(v))

    a = b = -2.0
    (sa, da, dda), (sb, _, _) = s(a), s(b)
    u, du, ddu = sa * sb, da * sb, dda * sb
    (su, dsu, ddsu) = s(u)
    p, dp = su**3, 3 * su**2 * dsu * du
    ddp = 6 * su * dsu**2 * du**2 + 3 * su**2 * (ddsu * du**2 + dsu * ddu)
    (q, dq_dp, ddq_dp) = s(p)
    dq, ddq = dq_dp * dp, ddq_dp * dp**2 + dq_dp * ddp
    by_hand = 6 * q * dq**2 + 3 * q**2 * ddq

    def f(x, y):
        return (
            _squash(_squash(_squash(x, (-3, 3)) * _squash(y, (-3, 3)), (-3, 3)) ** 3, (-3, 3)) ** 3
        )

    def first(x):
        xs = [Value(x), Value(b)]
        return ag.gradients(f(*xs), xs[0], create_graph=True)

    xs = [Value(a), Value(b)]
    engine = ag.data_of(ag.gradients(ag.gradients(f(*xs), xs[0], create_graph=True), xs[0]))
    assert engine == pytest.approx(by_hand, rel=1e-9)
    assert engine == pytest.approx(-2.96842157e-9, rel=1e-8)
    for eps in (1e-6, 1e-5):
        central = (ag.data_of(first(a + eps)) - ag.data_of(first(a - eps))) / (2 * eps)
        assert central == pytest.approx(-1.89496e-9, rel=1e-4)  # stable, and wrong


@settings(max_examples=max(settings.default.max_examples, 600))
@given(expressions(batch=3, max_inputs=2))
def test_random_batched_expressions_gradcheck(expr):
    """Batches mixed with parameters (one number shared by every sample)."""
    assert gradcheck(expr, *expr.inputs)


def backward_gradients(expr, create_graph: bool = False) -> tuple[Value, list[Value], list]:
    """The output, its leaves, and the gradients ``.backward()`` leaves on them (as data)."""
    leaves = [Value(x) for x in expr.inputs]
    out = expr(*leaves)
    out.backward(create_graph=create_graph)
    return out, leaves, [ag.data_of(leaf.grad) for leaf in leaves]


@given(expressions(), st.booleans())
def test_backward_equals_gradients_and_finite_differences(expr, create_graph):
    """``.backward()`` itself (gradcheck's own side is ``gradients()``), on graphs that reuse
    nodes; ``create_graph=True`` runs backward's general path, as a batch does."""
    out, leaves, grads = backward_gradients(expr, create_graph)
    expected = [ag.data_of(g) for g in ag.gradients(out, leaves)]
    assert grads == pytest.approx(expected, rel=1e-12, abs=1e-300)
    assert gradcheck(expr, *expr.inputs, analytic=grads)


@settings(max_examples=max(settings.default.max_examples, 200))
@given(expressions(batch=3, max_inputs=2))
def test_batched_backward_equals_gradients_and_finite_differences(expr):
    out, leaves, grads = backward_gradients(expr)
    expected = [ag.data_of(g) for g in ag.gradients(out, leaves)]
    for got, want in zip(grads, expected):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300)
    assert gradcheck(expr, *expr.inputs, analytic=grads)


@given(expressions())
def test_stepping_to_the_end_equals_backward(expr):
    leaves = [Value(x) for x in expr.inputs]
    out = expr(*leaves)
    out.backward()
    expected = [leaf.grad for leaf in leaves]
    for leaf in leaves:
        leaf.zero_grad()
    steps = Backprop(out).run()
    assert [leaf.grad for leaf in leaves] == expected  # the same numbers, bit for bit
    assert all(str(step) for step in steps)


@given(expressions())
def test_second_backward_doubles_leaf_gradients_only(expr):
    leaves = [Value(x) for x in expr.inputs]
    out = expr(*leaves)
    out.backward()
    once = [leaf.grad for leaf in leaves]
    out.backward()
    assert [leaf.grad for leaf in leaves] == pytest.approx([2 * g for g in once])


def test_gradcheck_catches_a_wrong_derivative():
    bad = ops.Op(
        name="bad_square",
        symbol="bad",
        kind=ops.UNARY,
        forward=lambda x: x * x,
        partials=lambda a, out: (a,),
        formulas=("{0}",),
        doc="x² with ∂ = x",
    )
    with pytest.raises(ag.GradcheckError, match=r"input 0 .*analytic 0\.5 vs numeric 0\.99999"):
        gradcheck(lambda v: v.apply(bad), 0.5)


def test_gradcheck_tolerance_is_tight_for_small_derivatives():
    off = ops.Op(
        name="off",
        symbol="off",
        kind=ops.UNARY,
        forward=lambda x: 1e-3 * x,
        partials=lambda a, out: (1.1e-3,),
        formulas=("c",),
        doc="1e-3·x, wrong ∂",
    )
    with pytest.raises(ag.GradcheckError):
        gradcheck(lambda v: v.apply(off), 0.5)


def test_gradcheck_scales_its_absolute_tolerance_to_the_function():
    """A gradient of 1e-8 is no longer anything below 1e-6, and the rounding error of a
    function of size 1e8 is no longer a failure."""
    with pytest.raises(ag.GradcheckError, match=r"analytic 0\.0 vs numeric 9\.9999\d*e-09"):
        gradcheck(lambda v: v * 1e-8, 0.5, analytic=[0.0])
    with pytest.raises(ag.GradcheckError, match="input 1"):
        gradcheck(lambda a, b: a * 1e-9 + b * 1e-9, 0.5, 0.5, analytic=[1e-9, 4e-9])
    assert gradcheck(lambda v: v * 1e-8, 0.5, analytic=[1e-8 * (1 + 5e-5)])  # within rtol
    big = 1e8  # f(x ± ε) rounds to multiples of 1.5e-8: the difference quotient is off by ~1e-2
    assert abs(numeric_gradient(lambda v: v + big, [0.3], 0) - 1) > 1e-4
    assert gradcheck(lambda v: v + big, 0.3)
    with pytest.raises(ag.GradcheckError):  # a wrong derivative still is one
        gradcheck(lambda v: v + big, 0.3, analytic=[1.5])


def test_gradcheck_tolerance_is_the_standard_one_for_a_function_of_order_one():
    rounding = 16 * 2.0**-52 / 1e-6  # 3.6e-9 for |f| = 1 at the default step
    truncation = 1000 * 1e-12
    floor = rounding + truncation
    assert tolerance(0.0, 1.0) == pytest.approx(1e-6 + floor)
    assert tolerance(-2.0, 0.5) == pytest.approx(0.5e-6 + 0.5 * rounding + truncation + 2e-4)
    assert tolerance(0.0, 1e-8) == pytest.approx(1e-14 + 1e-8 * rounding + truncation)
    assert tolerance(0.0, 1e8) == pytest.approx(1e-6 + 1e8 * rounding + truncation)
    assert tolerance(0.0, 1.0, eps=1e-8) == pytest.approx(1e-6 + 100 * rounding)  # as 1/ε
    assert tolerance(0.0, 0.0, eps=1e-3) == pytest.approx(1000 * 1e-6)  # truncation, as ε²
    assert gradcheck(lambda v: v**3, 0.0)  # numeric ε² = 1e-12, analytic 0
    with pytest.raises(ValueError, match="2 inputs but 1 analytic"):
        gradcheck(lambda a, b: a * b, 1.0, 2.0, analytic=[1.0])
