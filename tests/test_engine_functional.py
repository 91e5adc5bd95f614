"""Function transforms: grad, value_and_grad, hessian, jvp."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd import Value

small = st.floats(-2.0, 2.0, allow_nan=False)


@given(small)
def test_grad_of_square(x):
    assert ag.grad(lambda v: v * v)(x) == pytest.approx(2 * x)


def test_value_and_grad_with_several_argnums():
    value, (gx, gy) = ag.value_and_grad(lambda x, y: x * y + y.sin(), (0, 1))(2.0, 1.0)
    assert value == pytest.approx(2.0 + math.sin(1.0))
    assert (gx, gy) == pytest.approx((1.0, 2.0 + math.cos(1.0)))


@given(small, small)
def test_hessian_matches_closed_form(x, y):
    h = ag.hessian(lambda a, b: a * a * b + (a * b).sin())(x, y)
    s = math.sin(x * y)
    expected = [
        [2 * y - y * y * s, 2 * x + math.cos(x * y) - x * y * s],
        [2 * x + math.cos(x * y) - x * y * s, -x * x * s],
    ]
    assert np.allclose(h, expected, rtol=1e-9, atol=1e-12)


@given(small, small, small, small)
def test_jvp_equals_reverse_mode_projection(x, y, tx, ty):
    def f(a, b):
        return (a * b).tanh() + a.exp() * 0.1

    value, tangent = ag.jvp(f, (x, y), (tx, ty))
    gx, gy = ag.grad(f, (0, 1))(x, y)
    assert value == pytest.approx(f(Value(x), Value(y)).data)
    assert tangent == pytest.approx(gx * tx + gy * ty, rel=1e-9, abs=1e-12)


def test_transforms_report_bad_use():
    with pytest.raises(TypeError, match="must return a Value"):
        ag.grad(lambda x: "3")(1.0)
    with pytest.raises(ValueError, match="out of range"):
        ag.grad(lambda x: x, argnums=2)(1.0)
    with pytest.raises(ValueError, match="one tangent per primal"):
        ag.jvp(lambda x: x, (1.0,), (1.0, 2.0))
    with pytest.raises(TypeError, match="argument 0"):
        ag.grad(lambda x: x)("1")


def test_hessian_of_a_linear_function_is_zero():
    assert ag.hessian(lambda a, b: a * 3.0 + b)(1.0, 2.0) == [[0.0, 0.0], [0.0, 0.0]]


def test_jvp_through_batch_reductions_matches_reverse_mode():
    xs = np.array([1.0, 2.0])
    assert ag.jvp(lambda x: x.batch_sum(), (xs,), (np.ones(2),)) == (3.0, 2.0)
    assert ag.jvp(lambda x: x.batch_mean(), (xs,), (np.ones(2),)) == (1.5, 1.0)
    value, tangent = ag.jvp(lambda x, w: (x * w).batch_mean(), (xs, 3.0), (np.zeros(2), 1.0))
    assert (value, tangent) == (4.5, pytest.approx(1.5))
    assert ag.grad(lambda x, w: (x * w).batch_mean(), 1)(xs, 3.0) == pytest.approx(tangent)


def test_jvp_tangent_must_match_its_primal_and_hessian_takes_numbers():
    with pytest.raises(ValueError, match="shape"):
        ag.jvp(lambda x: x * x, (2.0,), (np.ones(3),))
    with pytest.raises(TypeError, match="single numbers"):
        ag.hessian(lambda x: x * x)(np.array([1.0, 2.0]))
