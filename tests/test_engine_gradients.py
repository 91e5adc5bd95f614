"""autograd.gradients and the transforms built on it: no .grad written, any mode, any order."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from autograd import Value

D = ag.grad


def test_gradients_returns_gradients_and_writes_no_grad() -> None:
    x, y = Value(2.0, label="x"), Value(3.0, label="y")
    x.grad = 7.0  # whatever the caller had stays
    h = x * y
    out = h.tanh()
    gx, gy, gh = ag.gradients(out, [x, y, h])
    d = 1 - math.tanh(6.0) ** 2
    assert (gx, gy, gh) == pytest.approx((3 * d, 2 * d, d))
    assert x.grad == 7.0 and y.grad == 0.0 and h.grad == 0.0 and out.grad == 0.0


def test_gradients_of_several_outputs_with_grad_outputs() -> None:
    x = Value(2.0)
    a, b = x * x, x * 3.0
    assert ag.gradients([a, b], x, grad_outputs=[1.0, 10.0]) == 4.0 + 30.0
    assert ag.gradients(a, Value(1.0)) == 0.0  # an input a does not depend on


def test_gradients_with_create_graph_differentiates_again() -> None:
    x = Value(0.5)
    g = ag.gradients(x.sin(), x, create_graph=True)
    assert isinstance(g, Value) and g.data == pytest.approx(math.cos(0.5))
    assert ag.gradients(g, x) == pytest.approx(-math.sin(0.5))


def test_transforms_record_inside_no_grad() -> None:
    with ag.no_grad():
        assert D(lambda v: v.sin())(0.5) == pytest.approx(0.8775825618903728)
        assert np.allclose(ag.hessian(lambda v: v.sin())(0.5), [[-math.sin(0.5)]])
        assert ag.jvp(lambda v: v.sin(), (0.5,), (1.0,))[1] == pytest.approx(math.cos(0.5))
        assert ag.gradcheck(lambda v: v.sin() * v, 0.5)
        assert ag.gradgradcheck(lambda v: v.sin() * v, 0.5)
        assert ag.value_and_grad(lambda v: v * v)(3.0) == (9.0, 6.0)


def test_transforms_leave_the_grad_of_values_they_did_not_create_alone() -> None:
    x = Value(1.0)
    assert D(lambda y: x * y)(2.0) == 1.0
    assert x.grad == 0.0
    ag.hessian(lambda y: x * y * y)(2.0)
    assert x.grad == 0.0
    ag.gradcheck(lambda y: x * y, 2.0)
    assert x.grad == 0.0


def test_grad_composes_without_perturbation_confusion() -> None:
    assert D(lambda x: x * D(lambda y: x * y)(2.0))(1.0) == 2.0
    assert D(lambda x: x * D(lambda y: x + y)(1.0))(1.0) == 1.0


def test_grad_of_grad_to_any_order() -> None:
    f = lambda x: x.sin()  # noqa: E731
    derivatives = [math.cos, lambda t: -math.sin(t), lambda t: -math.cos(t), math.sin]
    g = f
    for expected in derivatives:
        g = D(g)
        assert g(0.3) == pytest.approx(expected(0.3))


def test_jvp_and_grad_compose_both_ways() -> None:
    f = lambda x: x * x * x  # noqa: E731  f'' = 6x
    assert D(lambda x: ag.jvp(f, (x,), (1.0,))[1])(2.0) == pytest.approx(12.0)
    assert ag.jvp(D(f), (2.0,), (1.0,))[1] == pytest.approx(12.0)


def test_hessian_with_argnums() -> None:
    f = lambda a, b: a * a * b + b * b * b  # noqa: E731
    assert np.allclose(ag.hessian(f)(1.0, 2.0), [[4.0, 2.0], [2.0, 12.0]])
    assert ag.hessian(f, argnums=1)(1.0, 2.0) == pytest.approx(12.0)
    assert np.allclose(ag.hessian(f, argnums=(1, 0))(1.0, 2.0), [[12.0, 2.0], [2.0, 4.0]])


def test_a_function_returning_a_plain_number_has_gradient_zero() -> None:
    assert D(lambda x: 3.0)(1.0) == 0.0
    assert ag.value_and_grad(lambda x, y: 2.0, argnums=(0, 1))(1.0, 2.0) == (2.0, (0.0, 0.0))
    assert ag.hessian(lambda x: 1.0)(1.0) == [[0.0]]


def test_bad_argnums_are_named() -> None:
    with pytest.raises(TypeError, match="argnums must be an int or a sequence of ints"):
        D(lambda x: x, argnums=1.0)(1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argnums must hold ints"):
        D(lambda x: x, argnums=(True,))(1.0)


def test_given_a_value_a_transform_returns_a_value_differentiable_further() -> None:
    x = Value(0.5, label="x")
    g = D(lambda v: v * v * v)(x)  # 3x²
    assert isinstance(g, Value) and g.data == pytest.approx(0.75)
    g.backward()
    assert x.grad == pytest.approx(3.0)  # 6x


@given(st.floats(-2.0, 2.0), st.floats(0.5, 2.0))
def test_nested_grad_equals_the_mixed_partial(a: float, b: float) -> None:
    """∂/∂a of (∂/∂b of f(a, b)) for f = sin(a·b)·b: the mixed partial, by hand."""
    inner = lambda x: D(lambda y: (x * y).sin() * y)(b)  # noqa: E731
    expected = -a * b**2 * math.sin(a * b) + 2 * b * math.cos(a * b)
    assert D(inner)(a) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_batched_grad_still_returns_arrays() -> None:
    xs = np.array([1.0, 2.0])
    assert list(D(lambda x: (x * x).batch_sum())(xs)) == [2.0, 4.0]


def test_gradients_never_write_grad_even_for_a_moment() -> None:
    """Another thread that owns p.grad sees only what it wrote, never a pass's partial sums."""
    import sys
    import threading

    p = Value(3.0, label="p")
    stop = threading.Event()
    seen: set[float] = set()

    def transforms() -> None:
        while not stop.is_set():
            D(lambda x: (x * p).sin() * p + p * p)(1.0)

    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    worker = threading.Thread(target=transforms)
    worker.start()
    try:
        for i in range(3000):
            p.grad = float(i)
            seen.add(p.grad - i)
    finally:
        stop.set()
        worker.join()
        sys.setswitchinterval(previous)
    assert seen == {0.0}


def test_jvp_skips_nodes_the_primals_do_not_reach() -> None:
    c = Value(0.0).sqrt()  # its derivative is undefined, but no tangent flows through it
    assert ag.jvp(lambda x: x * c + x, (1.0,), (1.0,)) == (1.0, 1.0)
    with pytest.raises(ag.DomainError, match="sqrt"):
        ag.jvp(lambda x: x.sqrt(), (0.0,), (1.0,))


def test_an_unreached_batched_input_gets_a_zero_array() -> None:
    xb = np.array([1.0, 2.0])
    gx, gy = ag.grad(lambda x, y: y * 2.0, argnums=(0, 1))(xb, 1.0)
    assert isinstance(gx, np.ndarray) and list(gx) == [0.0, 0.0] and gy == 2.0


def test_grad_outputs_as_an_array_give_one_seed_per_output() -> None:
    x = Value(2.0)
    h = [x * x, 3 * x]  # ∂h0/∂x = 4, ∂h1/∂x = 3
    assert ag.gradients(h, x, grad_outputs=np.array([1.0, 10.0])) == 4.0 + 30.0
    assert ag.gradients(h, x, grad_outputs=[1.0, 10.0]) == 34.0
    with pytest.raises(ValueError, match=r"2 output.*3 grad_outputs.*one seed per output"):
        ag.gradients(h, x, grad_outputs=np.array([1.0, 2.0, 3.0]))
    batch = Value(np.array([1.0, 2.0]))
    seed = np.array([1.0, 10.0])  # one output: the array is its (batched) seed
    assert np.allclose(ag.gradients(batch * batch, batch, grad_outputs=seed), [2.0, 40.0])
