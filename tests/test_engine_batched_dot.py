"""Batched ``dot`` nodes (one Value per feature, holding every sample) and the gradient
arrays of a batched pass.

``backward()`` takes a ``dot`` node holding a batch through ``batch_dot.chain_rule_at_dot``
(an optimisation: a layer's weights get their batch sums as one matrix-vector product, its
inputs' shares wait in ``LayerShares`` for one matrix product), and the forward sums a
layer's products as one matrix. All must give the numbers of one sample at a time, summed;
and a pass must never write into a gradient array it did not make.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd import DomainError, Value, gradcheck, ops

finite = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)


def _layer(draw: st.DrawFn, samples: int) -> tuple[list[float], np.ndarray, float]:
    n = draw(st.integers(1, 5))
    ws = draw(st.lists(finite, min_size=n, max_size=n))
    xs = np.array(draw(st.lists(st.lists(finite, min_size=samples, max_size=samples),
                                min_size=n, max_size=n)))  # fmt: skip
    return ws, xs, draw(finite)


def _by_sample(ws: list[float], xs: np.ndarray, b: float, upstream: np.ndarray) -> list[Any]:
    """Each sample's gradients on the float path: (weights, inputs, bias) per sample."""
    found = []
    for s in range(xs.shape[1]):
        w, x, bias = [Value(v) for v in ws], [Value(float(v)) for v in xs[:, s]], Value(b)
        (ag.dot(w, x, bias) * float(upstream[s])).backward()
        found.append(([v.grad for v in w], [v.grad for v in x], bias.grad))
    return found


def _close_to_sum(got: float, terms: list[float]) -> bool:
    """``got`` is Σ terms up to the rounding of any order of summation."""
    return abs(got - math.fsum(terms)) <= 1e-12 * math.fsum(map(abs, terms)) + 1e-300


@pytest.mark.parametrize("anomaly", [False, True])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_batched_layer_gives_the_per_sample_gradients_summed(
    data: st.DataObject, anomaly: bool
) -> None:
    """Both ways of a layer's backward (kept for two matrix products, or in anomaly mode
    taken at once): forward and gradients equal one sample at a time."""
    with ag.detect_anomaly() if anomaly else contextlib.nullcontext():
        _check_layer_against_samples(data)


def _check_layer_against_samples(data: st.DataObject) -> None:
    samples = data.draw(st.integers(1, 6))
    ws, xs, b = _layer(data.draw, samples)
    upstream = np.array(data.draw(st.lists(finite, min_size=samples, max_size=samples)))
    w, x, bias = [Value(v) for v in ws], [Value(row.copy()) for row in xs], Value(b)
    z = ag.dot(w, x, bias)
    for s in range(samples):
        terms = [wi * xi for wi, xi in zip(ws, xs[:, s])] + [b]
        assert _close_to_sum(float(z.data[s]), terms)
    (z * Value(upstream)).batch_sum().backward()
    per_sample = _by_sample(ws, xs, b, upstream)
    for i, wi in enumerate(w):
        assert _close_to_sum(wi.grad, [g[0][i] for g in per_sample])
    for i, xi in enumerate(x):
        np.testing.assert_allclose(xi.grad, [g[1][i] for g in per_sample], rtol=1e-15, atol=0)
    assert _close_to_sum(bias.grad, [g[2] for g in per_sample])


@pytest.mark.parametrize("inputs", [1, 2, 9, 40])
@pytest.mark.parametrize("samples", [1, 2, 3, 9, 120, 1000])
def test_a_batched_layer_sums_like_dot_product_to_the_last_bit(inputs: int, samples: int) -> None:
    """The batched forward (a stacked matrix, or one input at a time past STACKED_PRODUCTS)
    adds the products in dot_product's order: the compiler's templates rely on it."""
    rng = np.random.default_rng(inputs * samples)
    ws = [float(v) for v in rng.normal(size=inputs) * 10.0 ** rng.uniform(-6, 6, size=inputs)]
    xs = [rng.normal(size=samples) for _ in range(inputs)]
    z = ag.dot([Value(w) for w in ws], [Value(x) for x in xs], Value(0.1))
    np.testing.assert_array_equal(z.data, ops.dot_product(ws, xs, 0.1))


def test_a_batched_layer_passes_gradcheck_and_agrees_with_gradients() -> None:
    rng = np.random.default_rng(0)
    ws, xs = list(rng.normal(size=4)), list(rng.normal(size=(4, 7)))

    def f(*vs: Value) -> Value:
        return (ag.dot(vs[:4], vs[4:8], vs[8]).tanh() * 1.5).batch_sum()

    inputs = [*ws, *xs, 0.25]
    leaves = [Value(v) for v in inputs]
    f(*leaves).backward()
    grads = [v.grad for v in leaves]
    for got, want in zip(grads, ag.gradients(f(*leaves), leaves)):
        np.testing.assert_array_equal(got, want)  # gradients() takes the same fast path
    assert gradcheck(f, *inputs, analytic=grads)


def test_dot_on_other_operands_sums_every_use_and_passes_gradcheck() -> None:
    """Weights that are batches, an input that is a number, a Value used twice and a batch
    bias: not a layer's operands, each partial taken one by one (summed where needed)."""
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=5), rng.normal(size=5)

    def f(wa: Value, wb: Value, c: Value, bias: Value) -> Value:
        return ag.dot([wa, wb, c], [c, wa, wb], bias).batch_sum()

    inputs = [a, b, 0.7, rng.normal(size=5)]
    leaves = [Value(v) for v in inputs]
    f(*leaves).backward()
    wa, wb, c, bias = (v.grad for v in leaves)
    np.testing.assert_allclose(wa, 0.7 + b, rtol=1e-15)  # ∂/∂wa = c + wb, per sample
    np.testing.assert_allclose(wb, a + 0.7, rtol=1e-15)
    assert c == pytest.approx(float(np.sum(a + b)), rel=1e-14)  # a number: summed
    np.testing.assert_array_equal(bias, np.ones(5))
    assert gradcheck(f, *inputs, analytic=[wa, wb, c, bias])


def test_batches_of_different_lengths_are_not_taken_for_a_layer() -> None:
    """A batch of one sample beside a batch of three broadcasts, as on the general path;
    its gradient is summed back to one sample."""
    one, three = Value(np.array([2.0])), Value(np.array([1.0, -1.0, 0.5]))
    z = ag.dot([Value(3.0), Value(-1.0)], [one, three])
    np.testing.assert_array_equal(z.data, [5.0, 7.0, 5.5])
    z.batch_sum().backward()
    np.testing.assert_array_equal(one.grad, [9.0])
    np.testing.assert_array_equal(three.grad, [-1.0, -1.0, -1.0])
    assert z.parents[0].grad == 3 * 2.0 and z.parents[1].grad == 0.5


def _two_layers(*vs: Value) -> Value:
    """A 2-3-2 MLP on a batch (leaves: 2 input columns, then W1 3×2 and W2 2×3 by rows),
    plus a second use of a hidden unit and of the inputs outside any dot, an input listed
    twice in one dot, and a weight computed from the inputs (so its turn comes before theirs:
    the layer's gradients must be handed over to it first)."""
    xs, w2 = list(vs[:2]), [vs[8:11], vs[11:14]]
    w1 = [(vs[2] * 3.0 + (xs[0] * xs[1]).batch_mean(), vs[3]), vs[4:6], vs[6:8]]
    h = [ag.dot(row, xs, 0.1).tanh() for row in w1]
    out = [ag.dot(row, h) for row in w2]
    twice = ag.dot([w2[0][0], w2[0][1]], [xs[0], xs[0]])
    return (out[0] * out[1] + h[1] * 2.0 + xs[1] * xs[0] + twice).batch_sum()


def test_a_layers_input_shares_wait_for_the_input_and_give_every_path() -> None:
    """Gradients with the shares kept and handed over (backward), as gradients() gives them,
    as anomaly mode gives them (each share added at once), and as finite differences."""
    rng = np.random.default_rng(3)
    data = [*rng.normal(size=(2, 6)), *map(float, rng.normal(size=12))]
    leaves = [Value(v) for v in data]
    _two_layers(*leaves).backward()
    kept = [v.grad for v in leaves]
    for got, want in zip(kept, ag.gradients(_two_layers(*leaves), leaves)):
        np.testing.assert_array_equal(got, want)
    fresh = [Value(v) for v in data]
    with ag.detect_anomaly():
        _two_layers(*fresh).backward()
    for got, want in zip(kept, [v.grad for v in fresh]):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)
    assert gradcheck(_two_layers, *data, analytic=kept)


# ---- gradient arrays: a pass writes only into arrays it made ---------------------------------


def test_a_gradient_array_the_user_holds_is_not_written_by_the_next_pass() -> None:
    x = Value(np.array([1.0, 2.0, 3.0]))
    (x * 2.0).batch_sum().backward()
    held = x.grad
    (x * 3.0 + x).batch_sum().backward()  # x gets two contributions: the second in place
    np.testing.assert_array_equal(held, [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(x.grad, [6.0, 6.0, 6.0])

    mine = np.zeros(3)
    x.grad = mine
    (x * 5.0).batch_sum().backward()
    np.testing.assert_array_equal(mine, np.zeros(3))
    np.testing.assert_array_equal(x.grad, [5.0, 5.0, 5.0])

    held = x.grad
    x.batch_mean().backward()  # straight from a number to the batch
    np.testing.assert_array_equal(held, [5.0, 5.0, 5.0])
    np.testing.assert_allclose(x.grad, [5.0 + 1 / 3] * 3, rtol=1e-15)


def test_no_two_nodes_share_a_gradient_array_nor_the_seed() -> None:
    rng = np.random.default_rng(2)
    w = [Value(float(v)) for v in rng.normal(size=3)]
    x = [Value(v) for v in rng.normal(size=(3, 4))]
    h = [ag.dot(w, x, 0.5).relu(), ag.dot(w[::-1], x).tanh()]
    out = ag.dot([Value(1.0), Value(-2.0)], h) + h[0]
    seed = rng.normal(size=4)
    kept = seed.copy()
    out.backward(gradient=seed)
    np.testing.assert_array_equal(seed, kept)
    nodes = [v for v in ag.topological_order(out) if isinstance(v.grad, np.ndarray)]
    assert len(nodes) >= 8
    for i, a in enumerate(nodes):
        assert not np.shares_memory(a.grad, seed) or a is out
        for b in nodes[i + 1 :]:
            assert not np.shares_memory(a.grad, b.grad), (a, b)


def test_a_failed_batched_pass_leaves_every_gradient_array_as_it_was() -> None:
    """√x at 0 has no derivative: the pass raises after x got two contributions."""
    x = Value(np.array([4.0, 0.0]))
    before = np.array([1.0, 1.0])
    x.grad = before
    out = (x.sqrt() + x * 2.0 + x * 3.0).batch_sum()
    with pytest.raises(DomainError):
        out.backward()
    assert x.grad is before
    np.testing.assert_array_equal(before, [1.0, 1.0])
