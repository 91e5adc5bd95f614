"""Gates in rolled loops (autograd/compiler/gating.py): the backward under a closed ReLU
is skipped, and the numbers stay those of the code without gates bit for bit (zeros'
signs, NaN and inf included), and the engine's (to 1e-12, as every rolled loop)."""

import math
import os
import struct
import warnings
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd import Value, ops
from autograd.compiler import gating
from autograd.testing import expressions
from benchmarks import models

GATED_NETWORKS = 500 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 25


@pytest.fixture(autouse=True)
def no_fallback_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


def _bits(x: float) -> bytes:
    """The float's bits: equal bits are equal numbers, zeros of both signs and NaN told apart."""
    return struct.pack("<d", x)


def _agree(a: list[float], b: list[float]) -> bool:
    """As the engine: NaN where it has NaN, the same infinities, and finite numbers equal
    to 1e-12 of the largest (the layouts' test's tolerance)."""
    finite = [abs(y) for y in b if math.isfinite(y)]
    scale = max(finite, default=0.0)
    for x, y in zip(a, b, strict=True):
        if math.isfinite(y):
            if not abs(x - y) <= 1e-12 * max(abs(y), scale * 1e-3):
                return False
        elif _bits(x) != _bits(y) and not (x != x and y != y):
            return False
    return True


def _ungated(monkeypatch, weights, X, y, start_grad=0.0, loss=models.hinge_loss_ours):
    """The same calls with no gate generated (no bound tried)."""
    with monkeypatch.context() as m:
        m.setattr(gating, "LIMITS", ())
        results, step = _gated_and_engine(weights, X, y, start_grad, loss=loss)
    assert "keep_zeros" not in (step.source or "")
    return results


def _same_bits(results, plain) -> bool:
    return all(
        list(map(_bits, [got, *grads])) == list(map(_bits, [p_got, *p_grads]))
        for (got, grads, _, _), (p_got, p_grads, _, _) in zip(results, plain, strict=True)
    )


def _grads(model) -> list[float]:
    return [p.grad for p in model.parameters()]


def _hinge_only(model, X, y) -> Value:
    """The mean hinge loss, no penalty (which would add to every weight's gradient)."""
    scores = [model([x if isinstance(x, Value) else Value(x) for x in row])[0] for row in X]
    return ag.sum([(1.0 + -yi * s).relu() for yi, s in zip(y, scores)]) * (1.0 / len(X))


def _gated_and_engine(weights, X, y, start_grad=0.0, steps=2, loss=models.hinge_loss_ours):
    """Compiled (gated) and engine models after ``steps`` calls from the same weights and
    starting gradients: their losses and gradients, and the compiled function."""
    model, ref = models.make_ours("local", weights), models.make_ours("local", weights)
    step = ag.compile(lambda: loss(model, X, y))
    results = []
    for _ in range(steps):  # the first call traces; later ones run the generated code
        for p, q in zip(model.parameters(), ref.parameters()):
            p.grad = q.grad = start_grad
        got = step()
        engine_loss = loss(ref, X, y)
        engine_loss.backward()
        want = engine_loss.data
        results.append((got, _grads(model), want, _grads(ref)))
    return results, step


def _closed_counts(weights, X, y) -> tuple[int, int]:
    """How many (sample, hidden unit of layer 0) ReLUs and hinges are closed."""
    units = hinges = 0
    for x, yi in zip(X, y):
        a = np.array(x)
        zs = []
        for i, (W, b) in enumerate(weights):
            z = np.array(W) @ a + np.array(b)
            zs.append(z)
            a = np.maximum(z, 0.0) if i < len(weights) - 1 else z
        units += int((zs[0] <= 0).sum())
        hinges += int(1.0 - yi * zs[-1][0] <= 0)
    return units, hinges


def test_gated_loop_gives_the_engines_bits_with_closed_hinges_and_units():
    X, y = models.moons_lists(60)
    weights = models.init_weights([2, 8, 8, 1], seed=3)
    weights[-1] = ([[3.0 * w for w in weights[-1][0][0]]], weights[-1][1])  # some margins
    units, hinges = _closed_counts(weights, X, y)
    assert units > 20 and 0 < hinges < 60  # gates closed on both levels, not all
    results, step = _gated_and_engine(weights, X, y)
    for got, grads, want, ref in results:
        assert _agree([got, *grads], [want, *ref])
    source = step.source or ""
    assert source.count(" > 0.0 or keep_zeros:") == 17  # the hinge, each unit of both layers
    assert "keep_zeros = gates_inexact(_inputs, (), " in source  # only dots add: no sign check
    assert step.traces == 1


def test_gated_code_equals_the_ungated_code_bit_for_bit(monkeypatch):
    X, y = models.moons_lists(40)
    weights = models.init_weights([2, 6, 6, 1], seed=5)
    gated, step = _gated_and_engine(weights, X, y, start_grad=0.25)
    assert "keep_zeros" in (step.source or "")
    assert _same_bits(gated, _ungated(monkeypatch, weights, X, y, start_grad=0.25))


@pytest.mark.parametrize("bad", [math.inf, math.nan, 1e60])
def test_a_weight_beyond_the_bound_computes_the_zeros_as_the_engine(bad, monkeypatch):
    """Unit 0 of layer 0 is closed for every sample; the weight it feeds is inf, NaN or
    1e60: its gradient ``g · 0`` is NaN (or, at 1e60, finite) in the engine, which
    skipping it would miss: ``keep_zeros`` opens every gate and the numbers agree."""
    X, y = models.moons_lists(20)
    weights = models.init_weights([2, 4, 4, 1], seed=1)
    (W0, b0), (W1, b1), last = weights
    b0 = [-100.0, *b0[1:]]  # unit 0 never fires
    W1 = [[bad, *row[1:]] if k == 0 else row for k, row in enumerate(W1)]
    weights = [(W0, b0), (W1, b1), last]
    results, step = _gated_and_engine(weights, X, y)
    for got, grads, want, ref in results:
        assert _agree([got, *grads], [want, *ref])
    assert _same_bits(results, _ungated(monkeypatch, weights, X, y))
    if bad != 1e60:
        assert math.isnan(results[-1][3][0])  # L0.n0.w0's gradient: NaN, not the skip's 0
    assert "keep_zeros" in (step.source or "")


def test_large_weights_within_the_bound_keep_gates_exact():
    X, y = models.moons_lists(30)
    rng = np.random.default_rng(7)
    weights = [
        (rng.uniform(-1e40, 1e40, (n_out, n_in)).tolist(), rng.uniform(-1e40, 1e40, n_out).tolist())
        for n_in, n_out in [(2, 5), (5, 5), (5, 1)]
    ]
    assert (
        gating.keep_zeros([w for W, b in weights for row in W for w in row], [], 0.01, 1e50)
        is False
    )
    results, _ = _gated_and_engine(weights, X, y)
    for got, grads, want, ref in results:
        assert _agree([got, *grads], [want, *ref])
        assert all(map(math.isfinite, grads))


def test_a_gradient_starting_at_negative_zero_stays_as_in_the_engine():
    """Unit 0 of layer 0 never fires: only zeros reach its weights, whose gradients start
    at -0.0. The engine skips a ``dot`` whose gradient is 0 (they stay -0.0), and so do
    the gates: no sign check is needed for neurons."""
    X, y = models.moons_lists(20)
    weights = models.init_weights([2, 4, 4, 1], seed=2)
    (W0, b0), rest = weights[0], weights[1:]
    weights = [([[0.5, -0.5], *W0[1:]], [-100.0, *b0[1:]]), *rest]
    results, step = _gated_and_engine(weights, X, y, start_grad=-0.0, loss=_hinge_only)
    assert "keep_zeros = gates_inexact(_inputs, (), " in (step.source or "")
    for got, grads, want, ref in results:
        assert _agree([got, *grads], [want, *ref])
        assert list(map(_bits, grads[:3])) == list(map(_bits, ref[:3])) == [_bits(-0.0)] * 3


def test_gates_over_other_ops_check_for_negative_zero(monkeypatch):
    """``relu(w·x + b)`` written with ``*`` and ``+``: the code adds the zeros to w and b,
    and ``-0.0 + 0.0 = +0.0``, so a gradient starting at -0.0 opens the gates: the numbers
    are those of the code without gates, bit for bit."""
    xs = [float(v) for v in np.linspace(-2.0, 2.0, 12)]

    def run(start: float) -> tuple[list[bytes], str]:
        w, b = Value(0.5, label="w"), Value(-100.0, label="b")

        def f():
            return ag.sum([(w * Value(x) + b).relu() * -3.0 for x in xs])

        step = ag.compile(f)
        seen = []
        for _ in range(2):
            w.grad = b.grad = start
            compiled = [step(), w.grad, b.grad]
            seen.append(list(map(_bits, compiled)))
            w.grad = b.grad = start
            want = f()
            want.backward()
            assert _agree(compiled, [want.data, w.grad, b.grad])
        return seen, step.source or ""

    for start in (-0.0, 0.0, -1.5):
        gated, source = run(start)
        assert "keep_zeros = gates_inexact(_inputs, _grads, " in source
        with monkeypatch.context() as m:
            m.setattr(gating, "LIMITS", ())
            plain, plain_source = run(start)
        assert "keep_zeros" not in plain_source and gated == plain
    assert gated[-1][1:] == [_bits(-1.5), _bits(-1.5)]  # every gate closed: nothing added


def test_keep_zeros_says_when_skipping_could_differ():
    ok = ([1.0, -2.0, 3e49], [0.0, 1.5], 0.01)
    assert gating.keep_zeros(*ok, 1e50) is False
    assert gating.keep_zeros([1.0, math.nan], [0.0], 0.01, 1e50)
    assert gating.keep_zeros([1.0, -math.inf], [0.0], 0.01, 1e50)
    assert gating.keep_zeros([1.0, 2e50], [0.0], 0.01, 1e50)
    assert gating.keep_zeros([1.0], [0.0], math.nan, 1e50)
    assert gating.keep_zeros([1.0], [0.0, -0.0], 0.01, 1e50)
    assert gating.keep_zeros([1.0], [-1.0, -0.0], 0.01, 1e50)
    assert gating.keep_zeros([1.0], [-1.0, 0.0, 2.0], 0.01, 1e50) is False
    assert gating.keep_zeros([], [], 0.0, 1e50) is False


def test_an_op_without_a_bound_keeps_its_relu_ungated():
    """``relu(exp(w·x) - c)``: exp has no rule in gating.RULES, so no bound says that
    skipping its backward is exact: that ReLU gets no gate; the code still agrees."""
    w, c = Value(0.3, label="w"), Value(1.2, label="c")
    xs = [float(v) for v in np.linspace(-2.0, 2.0, 12)]

    def f():
        return ag.sum([((w * Value(x)).exp() - c).relu() for x in xs])

    step = ag.compile(f)
    for _ in range(2):
        w.grad = c.grad = 0.0
        got = step()
        gw, gc = w.grad, c.grad
        w.grad = c.grad = 0.0
        want = f()
        want.backward()
        assert _bits(got) == _bits(want.data) and (_bits(gw), _bits(gc)) == (
            _bits(w.grad),
            _bits(c.grad),
        )
    assert "for " in (step.source or "") and "keep_zeros" not in (step.source or "")


SPECIAL = (0.0, -0.0, 1e30, -1e45, 1e60, math.inf, -math.inf, math.nan)


@st.composite
def networks(draw: st.DrawFn):
    """An MLP 2-h(-h)-1 with weights mostly ordinary, now and then 0, -0.0, large, beyond
    the bound, inf or NaN; 8-12 samples; a loss with or without the penalty; a start
    gradient that may be -0.0."""
    sizes = [2, *draw(st.lists(st.integers(1, 4), min_size=1, max_size=2)), 1]
    ordinary = st.floats(-3.0, 3.0, allow_nan=False)
    special = draw(st.booleans())
    number = st.one_of(ordinary, st.sampled_from(SPECIAL)) if special else ordinary
    weights = [
        (
            [[draw(number) for _ in range(n_in)] for _ in range(n_out)],
            [draw(number) for _ in range(n_out)],
        )
        for n_in, n_out in pairwise(sizes)
    ]
    n = draw(st.integers(8, 12))
    X = [[draw(ordinary), draw(ordinary)] for _ in range(n)]
    y = [draw(st.sampled_from([-1.0, 1.0])) for _ in range(n)]
    loss = draw(st.sampled_from([models.hinge_loss_ours, _hinge_only]))
    start = draw(st.sampled_from([0.0, -0.0, 1.5, -2.0]))
    return weights, X, y, loss, start, special


@settings(max_examples=GATED_NETWORKS, deadline=None, suppress_health_check=list(HealthCheck))
@given(networks())
def test_gated_networks_agree_with_the_engine_and_the_ungated_code(network):
    """Differential: random networks, each call against the engine (NaN where it has NaN)
    and against the code without gates (bit for bit, but for the sign of a zero where a
    gradient starts at -0.0: there the gates skip a ``dot`` as the engine does)."""
    weights, X, y, loss, start, special = network
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # inf - inf in the engine's forward
        gated, step = _gated_and_engine(weights, X, y, start, loss=loss)
        with pytest.MonkeyPatch.context() as m:
            m.setattr(gating, "LIMITS", ())
            plain, _ = _gated_and_engine(weights, X, y, start, loss=loss)
    assert step.fallback_reason is None
    assert special or " > 0.0 or keep_zeros:" in (step.source or "")
    for (got, grads, want, ref), (p_got, p_grads, _, _) in zip(gated, plain, strict=True):
        assert _agree([got, *grads], [want, *ref])
        for a, b in zip([got, *grads], [p_got, *p_grads], strict=True):
            assert _bits(a) == _bits(b) or (a == b == 0.0 and _bits(start) == _bits(-0.0))


@pytest.mark.parametrize("bad", [None, math.inf, math.nan, 1e60])
def test_samples_passed_as_arguments_are_checked_each_call(bad, monkeypatch):
    """Samples as arguments (as ``nn.fit`` passes them): the bound is checked on the
    columns read each call; a NaN, inf or 1e60 in one opens the gates."""
    weights = models.init_weights([2, 4, 4, 1], seed=4)
    X, y = models.moons_lists(12)

    def run() -> tuple[list[list[bytes]], list[list[float]], str]:
        model, ref = models.make_ours("local", weights), models.make_ours("local", weights)
        step = ag.compile(lambda rows, ys: _hinge_only(model, rows, ys))
        seen, numbers = [], []
        for call in range(3):
            rows = [list(r) for r in X]
            if call == 2 and bad is not None:
                rows[5][1] = bad
            model.zero_grad()
            ref.zero_grad()
            out = step(rows, y)
            got = [float(getattr(out, "data", out)), *_grads(model)]
            loss = _hinge_only(ref, rows, y)
            loss.backward()
            assert _agree(got, [loss.data, *_grads(ref)])
            seen.append(list(map(_bits, got)))
            numbers.append(got)
        return seen, numbers, step.source or ""

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        gated, numbers, source = run()
        with monkeypatch.context() as m:
            m.setattr(gating, "LIMITS", ())
            plain, _, _ = run()
    assert "keep_zeros = gates_inexact(_inputs, (), " in source and "(_data))" in source
    assert gated == plain
    if bad is not None and bad != 1e60:
        assert any(math.isnan(g) for g in numbers[-1][1:])


def test_a_relu_input_used_elsewhere_gets_no_gate():
    """``relu(z) + 0.5·z``: z's gradient is not only the ReLU's, so nothing under z is
    only zeros when the ReLU is off: no gate, and the numbers are the engine's."""
    w, b = Value(0.7, label="w"), Value(-0.2, label="b")
    xs = [float(v) for v in np.linspace(-2.0, 2.0, 12)]

    def f():
        terms = []
        for x in xs:
            z = ag.dot([w], [Value(x)], b)
            terms.append(z.relu() + z * 0.5)
        return ag.sum(terms)

    step = ag.compile(f)
    for _ in range(2):
        assert _agree(*_compiled_and_engine(step, f, w, b))
    assert "for " in (step.source or "") and "keep_zeros" not in (step.source or "")


BOUNDED_OPS = [
    ops.ADD, ops.MUL, ops.NEG, ops.RELU, ops.SUM, ops.DOT, ops.TANH,
    ops.with_constant(ops.ADD, 0), ops.with_constant(ops.MUL, 1),
]  # fmt: skip


@st.composite
def per_sample_programs(draw: st.DrawFn):
    """``Σ relu(e(params, xᵢ))·c`` over 8-10 samples, ``e`` a random expression over ops
    with a bound (ReLUs inside it too, behind the squashing sigmoids)."""
    expr = draw(expressions(BOUNDED_OPS, max_inputs=3, max_nodes=6))
    n = len(expr.inputs)
    params = list(expr.inputs[: max(1, n - 1)])
    xs = draw(st.lists(st.floats(-2.0, 2.0), min_size=8, max_size=10, unique=True))
    scale = draw(st.sampled_from([1.0, -0.5]))
    return expr, params, xs, scale


@settings(max_examples=GATED_NETWORKS, deadline=None, suppress_health_check=list(HealthCheck))
@given(per_sample_programs())
def test_random_per_sample_graphs_agree_with_the_engine_and_the_ungated_code(program):
    expr, data, xs, scale = program
    per_sample = len(expr.inputs) > len(data)

    def run(make_gates: bool):
        params = [Value(v, label=f"p{i}") for i, v in enumerate(data)]

        def f():
            terms = [expr(*params, *([Value(x)] if per_sample else [])).relu() * scale for x in xs]
            return ag.sum(terms)

        with pytest.MonkeyPatch.context() as m:
            if not make_gates:
                m.setattr(gating, "LIMITS", ())
            step = ag.compile(f)
            seen = []
            for _ in range(3):
                for p in params:
                    p.grad = 0.0
                got = [step(), *(p.grad for p in params)]
                for p in params:
                    p.grad = 0.0
                want = f()
                want.backward()
                assert _agree(got, [want.data, *(p.grad for p in params)])
                seen.append(list(map(_bits, got)))
                for p in params:
                    p.data = p.data - 0.3 * p.grad
        assert step.fallback_reason is None
        return seen, step.source or ""

    gated, source = run(True)
    plain, _ = run(False)
    assert gated == plain
    if "for " in source:  # rolled into a loop over the samples: its last ReLU gated
        assert "keep_zeros" in source


def test_two_gated_loops_each_check_their_own_seed():
    """Two rolled sums, each with its gates and its own check (the second's seed is its
    own gradient: 2·Σ₁ + Σ₂)."""
    w, b = Value(0.7, label="w"), Value(-0.3, label="b")
    xs = [float(v) for v in np.linspace(-2.0, 2.0, 10)]

    def f():
        first = ag.sum([ag.dot([w], [Value(x)], b).relu() for x in xs])
        second = ag.sum([ag.dot([b], [Value(x * x)], w).relu() for x in xs])
        return first * 2.0 + second

    step = ag.compile(f)
    for _ in range(3):
        assert _agree(*_compiled_and_engine(step, f, w, b))
        w.data, b.data = w.data - 0.2 * w.grad, b.data - 0.2 * b.grad
    source = step.source or ""
    assert source.count("= gates_inexact(") == 2 and "rolled into 2 loop(s)" in source


def _compiled_and_engine(step, f, w, b):
    """``[loss, w.grad, b.grad]`` from the compiled step, then from the engine, each from 0."""
    w.grad = b.grad = 0.0
    got = [step(), w.grad, b.grad]
    w.grad = b.grad = 0.0
    want = f()
    want.backward()
    return got, [want.data, w.grad, b.grad]
