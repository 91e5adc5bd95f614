"""The two layouts beyond straight-line code: per-sample sums rolled into loops (scalar
mode) and layers fused into matrix products (batched mode); and ``nn.fit(compile=True)``.
Each against the engine: loss and every gradient equal to 1e-12 relative."""

import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import Value
from benchmarks import models


@pytest.fixture(autouse=True)
def no_fallback_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


def _assert_same(compiled_model, engine_model, got, want):
    assert got == pytest.approx(want, rel=1e-12)
    a = np.array([p.grad for p in compiled_model.parameters()])
    b = np.array([p.grad for p in engine_model.parameters()])
    scale = np.max(np.abs(b))
    assert np.allclose(a, b, rtol=1e-12, atol=1e-12 * scale)


@pytest.mark.parametrize("variant", ["local", "nn"])
def test_micrograd_demo_step_is_one_rolled_loop(variant):
    X, y = models.moons(30)
    weights = models.init_weights([2, 8, 8, 1])
    Xl, yl = X.tolist(), y.tolist()
    model, ref = models.make_ours(variant, weights), models.make_ours(variant, weights)
    step = ag.compile(lambda: models.hinge_loss_ours(model, Xl, yl))
    for _ in range(3):  # the trace, then the code; parameters move in between
        model.zero_grad()
        ref.zero_grad()
        got = step()
        loss = models.hinge_loss_ours(ref, Xl, yl)
        loss.backward()
        _assert_same(model, ref, got, loss.data)
        for p, q in zip(model.parameters(), ref.parameters()):
            p.data -= 0.1 * p.grad
            q.data -= 0.1 * q.grad
    assert step.traces == 1
    assert "for x0, x1, c2 in samples1:" in step.source and "rolled into 1 loop" in step.source
    assert step.source.count("relu(") < 30  # one sample's graph, not thirty


@pytest.mark.parametrize("variant", ["local", "nn"])
def test_batched_layers_become_matrix_products(variant):
    X, y = models.moons(64)
    weights = models.init_weights([2, 8, 8, 1])
    yv = Value(y)
    model, ref = models.make_ours(variant, weights), models.make_ours(variant, weights)
    inputs = [Value(np.ascontiguousarray(c)) for c in X.T] if variant == "local" else X
    step = ag.compile(lambda: models.hinge_loss_ours_batched(model, inputs, yv))
    for _ in range(2):
        model.zero_grad()
        ref.zero_grad()
        got = step()
        loss = models.hinge_loss_ours_batched(ref, inputs, yv)
        loss.backward()
        _assert_same(model, ref, got, loss.data)
    source = step.source
    assert "Z1 = W1 @ X1 + B1[:, None]" in source and "H1 = np.maximum(Z1, 0.0)" in source
    assert "Z2 = W2 @ H1 + B2[:, None]" in source
    assert "GZ2 = GH2 * (Z2 > 0.0)" in source and "GH1 = W2.T @ GZ2" in source
    assert step.traces == 1


def test_a_sum_whose_value_the_gradient_needs_stays_straight_line():
    w = Value(0.3)
    f = ag.compile(lambda xs: ag.sum([(w * x).tanh() for x in xs]).log())
    xs = list(np.linspace(0.5, 1.5, 12))
    got = f(xs)
    ref = ag.sum([(w * x).tanh() for x in [Value(x) for x in xs]]).log()
    grad = w.grad
    w.zero_grad()
    ref.backward()
    assert got == pytest.approx(ref.data, rel=1e-14) and grad == pytest.approx(w.grad, rel=1e-12)
    assert "for " not in f.source


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("loss", ["mse", "binary_cross_entropy", "cross_entropy"])
def test_fit_compiled_trains_like_fit(batched, loss):
    X, y = nn.data.xor(40, seed=0)
    nout = 2 if loss == "cross_entropy" else 1
    histories = []
    for compile in (False, True):
        model = nn.MLP(2, [6, nout], seed=0)
        h = nn.fit(model, loss, (X, y), (X, y), epochs=4, optimizer=nn.SGD(model, lr=0.1),
                   progress=False, compile=compile, batched=batched, l2=1e-3)  # fmt: skip
        histories.append(h)
    plain, compiled = histories
    assert compiled.train_loss == pytest.approx(plain.train_loss, rel=1e-12)
    assert compiled.val_loss == pytest.approx(plain.val_loss, rel=1e-12)
    assert compiled.train_accuracy == plain.train_accuracy


def test_fit_compiled_with_mini_batches_traces_per_batch_size_only():
    X, y = nn.data.xor(50, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    h = nn.fit(model, "mse", (X, y), epochs=3, batch_size=16, progress=False, compile=True, seed=1)
    assert len(h.train_loss) == 3
    with pytest.warns(UserWarning, match="runs on the engine"):
        nn.fit(nn.MLP(2, [4, 2], seed=0), "cross_entropy", (X, y), epochs=1, batch_size=16,
               progress=False, compile=True)  # fmt: skip


def test_a_gradient_with_several_products_is_one_sum_in_the_engines_order():
    """``g = (c1 + c2 + c3)``, one line per product: the same additions, in the same order,
    as the engine's ``g += c`` (bit for bit, signed zeros and a dead ReLU's step included)."""
    w = Value(0.5, label="w")

    def f(x):
        h = (x * w).relu()
        return h * x + (h * 3.0).tanh() + x * x

    step = ag.compile(f)
    for data, grad in ((0.7, 0.0), (-1.3, -0.0), (2.0, 1.5), (-0.0, 0.25)):
        w.grad, fw = grad, Value(0.5)
        fw.grad = grad
        x, fx = Value(data), Value(data)
        out = step(x)
        h = (fx * fw).relu()
        ref = h * fx + (h * 3.0).tanh() + fx * fx
        ref.backward()
        assert out == ref.data
        assert (repr(w.grad), repr(x.grad)) == (repr(fw.grad), repr(fx.grad))
    source = step.source or ""
    assert "g_x = (\n" in source and "\n        + " in source  # one product per line
    assert step.traces == 1  # a ReLU is an op, not a branch: one code for every sign
