"""autograd.compile: the generated code does what the engine does, and says so readably.

Guards and retracing, modes the code leaves to the engine, the error path, a new op in the
table compiling untouched, the source in tracebacks. Speed is measured by
``python -m benchmarks``, never here.
"""

import inspect
import linecache
import math
import warnings

import numpy as np
import pytest

import autograd as ag
from autograd import DomainError, Value
from autograd.compiler import source_of
from autograd.ops import UNARY, Op
from autograd.value import apply


@pytest.fixture(autouse=True)
def no_fallback_warnings():
    """A compile that fell back to the engine warns: no test here expects one."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


def leaves(*labels_values):
    return [Value(v, label=k) for k, v in labels_values]


def test_tour_example_gradients_and_source():
    x, y, z = leaves(("x", -2.0), ("y", 5.0), ("z", -4.0))
    step = ag.compile(lambda: (x + y) * z)
    assert step() == -12.0
    assert (x.grad, y.grad, z.grad) == (-4.0, -4.0, 3.0)
    source = step.source
    assert "v1 = x + y" in source and "v2 = v1 * z" in source
    assert "g_v1 = g_v2 * z  # ∂v2/∂v1 = z" in source
    assert "g_x += g_v1  # ∂v1/∂x = 1" in source
    assert step() == -12.0  # the generated code now; leaves accumulate as backward() does
    assert (x.grad, y.grad, z.grad) == (-8.0, -8.0, 6.0)
    assert step.traces == 1 and step.retraces == 0


def test_source_of_has_no_side_effects():
    x, y, z = leaves(("x", -2.0), ("y", 5.0), ("z", -4.0))
    q = None

    def f():
        nonlocal q
        q = x + y
        q.label = "q"
        return q * z

    text = source_of(f)
    assert "q = x + y" in text and "g_q = g_v1 * z  # ∂v1/∂q = z" in text
    assert (x.grad, y.grad, z.grad) == (0.0, 0.0, 0.0)
    text = source_of(lambda a, b, c: (a + b) * c, x, y, z)  # as Value arguments
    assert "g_x += g_v1  # ∂v1/∂x = 1" in text and "return v2, (), (), (g_x, g_y, g_z)" in text
    assert (x.grad, y.grad, z.grad) == (0.0, 0.0, 0.0)


def test_decorator_numbers_arrays_and_value_arguments():
    w = Value(0.5, label="w")

    @ag.compile
    def f(x, y):
        return ((x * w - y) ** 2).batch_mean()

    X, Y = np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 0.0])
    assert f(X, Y) == pytest.approx(np.mean((X * 0.5 - Y) ** 2), rel=1e-15)
    assert w.grad == pytest.approx(np.mean(2 * (X * 0.5 - Y) * X), rel=1e-14)
    a, b = Value(3.0), Value(2.0)
    g = ag.compile(lambda a, b: a * b + a)
    assert g(a, b) == 9.0 and (a.grad, b.grad) == (3.0, 3.0)
    c = Value(1.5)
    assert g(c, c) == 3.75 and c.grad == 4.0  # the same Value twice: both uses add up
    assert g.traces == 1
    assert g(2.0, 4.0) == 10.0 and g(1.0, 1.0) == 2.0  # numbers are data, not constants
    assert g.traces == 2  # (numbers are another input structure than Values: no gradient)


def test_matches_backward_on_a_small_network_and_reruns():
    rng = np.random.default_rng(0)
    ws = [Value(float(v), label=f"w{i}") for i, v in enumerate(rng.normal(size=6))]

    def loss(xs):
        h = [(ws[0] * x + ws[1]).tanh() for x in xs]
        return ag.sum([(hi * ws[2] + ws[3]).sigmoid().log() for hi in h]) / len(xs) + ws[4] ** 2

    step = ag.compile(loss)
    for trial in range(3):
        xs = list(rng.normal(size=10))
        for w in ws:
            w.zero_grad()
        out = step(xs)
        got = [w.grad for w in ws]
        for w in ws:
            w.zero_grad()
        ref = loss([Value(x) for x in xs])
        ref.backward()
        assert out == pytest.approx(ref.data, rel=1e-13)
        assert got == pytest.approx([w.grad for w in ws], rel=1e-12)
        assert step.traces == 1, trial


def test_guards_retrace_when_a_branch_changes_and_keep_both_versions():
    @ag.compile
    def f(x):
        return x.log() if x > 1 else (x * x).exp()

    assert f(2.0) == pytest.approx(math.log(2.0))
    assert "guard 0: x > 1 was True" in f.source
    assert f(3.0) == pytest.approx(math.log(3.0)) and f.retraces == 0
    assert f(0.5) == pytest.approx(math.exp(0.25)) and f.retraces == 1
    assert f(5.0) == pytest.approx(math.log(5.0)) and f(0.1) == pytest.approx(math.exp(0.01))
    assert f.retraces == 1  # each branch has its code now


def test_guards_between_two_traced_nodes_on_both_sides_of_the_branch():
    """``x > x * y`` compares two nodes of the trace, the second computed inside the function:
    its guard waits until both are, on either branch, and each branch traces once."""

    def body(x, y):
        return (x * y).tanh() if x > x * y else (x + y) * y

    f = ag.compile(body)
    branches: set[bool] = set()
    for x, y, taken in ((0.5, 0.3, True), (0.6, 0.9, True), (0.5, 2.0, False),
                        (-0.5, 0.2, False), (0.7, 0.1, True), (-1.5, 3.0, True)):  # fmt: skip
        xs, ref = (Value(x), Value(y)), (Value(x), Value(y))
        out = body(*ref)
        out.backward()
        assert (x > x * y) == taken
        branches.add(taken)
        assert f(*xs) == pytest.approx(out.data)
        assert [v.grad for v in xs] == pytest.approx([v.grad for v in ref])
        assert f.traces == len(branches)  # a branch seen before runs its kept code
        assert f.fallback_reason is None and "_Retrace" in f.source
    assert f.traces == 2 and f.retraces == 1  # one trace per branch, both kept


@pytest.mark.parametrize(
    ("body", "traces"),
    [
        (lambda v: v * 2 if bool(v) else v, 2),  # 0 is False, the rest True
        (lambda v: v * float(v), 4),  # one trace per value: 0, 2, 0.25, 3
        (lambda v: max(v, Value(0.5)) * 3, 2),  # 0.5 wins, then v
        (lambda v: v * 3 if v.item() < 1 else v, 4),  # a number out: guarded like float
    ],
    ids=["bool", "float", "max", "item"],
)
def test_bool_float_max_item_are_guarded(body, traces):
    f = ag.compile(body)
    for x in (0.0, 2.0, 0.25, 2.0, 3.0):
        v = Value(x)
        ref = Value(x)
        out = body(ref)
        out.backward()
        assert f(v) == pytest.approx(float(out.data)) and v.grad == pytest.approx(ref.grad)
    assert f.traces == traces and f.retraces == traces - 1


def test_relu_and_abs_need_no_guard():
    f = ag.compile(lambda x: x.relu() + abs(x) + x.leaky_relu(0.1))
    for x in (2.0, -3.0, 0.5, -0.5):
        f(x)
    assert f.retraces == 0 and "_Retrace" not in f.source


def test_input_structure_retraces():
    f = ag.compile(lambda xs: ag.sum([x * x for x in xs]))
    assert f([1.0, 2.0]) == 5.0
    assert f([1.0, 2.0, 3.0]) == 14.0 and f.retraces == 1
    assert f([np.array([1.0, 2.0]), 1.0]) == pytest.approx(np.array([2.0, 5.0]))
    assert f.retraces == 2
    w = Value(1.0)
    g = ag.compile(lambda: w * 3)
    g()
    w.data = np.array([1.0, 2.0])  # a parameter that became a batch
    assert g() == pytest.approx(np.array([3.0, 6.0])) and g.retraces == 1


def test_detach_is_a_copy_of_the_value_without_gradient():
    x = Value(3.0, label="x")
    f = ag.compile(lambda: x * x.detach())
    assert f() == 9.0 and x.grad == 3.0
    x.data, x.grad = 4.0, 0.0
    assert f() == 16.0 and x.grad == 4.0 and f.retraces == 0


def test_has_aux_returns_the_data_of_auxiliary_values():
    w = Value(2.0)
    f = ag.compile(lambda x: (w * x, {"h": w + x, "n": 3}), has_aux=True)
    assert f(1.5) == (3.0, {"h": 3.5, "n": 3})
    assert f(2.5) == (5.0, {"h": 4.5, "n": 3}) and w.grad == 4.0


def test_anomaly_no_grad_and_create_graph_run_the_engine():
    x = Value(0.0, label="x")
    f = ag.compile(lambda: x.log() * 0.0 + x)
    with pytest.raises(DomainError):
        f()
    g = ag.compile(lambda v: (v * 1e308) * 10.0)
    g(1.0)
    with ag.detect_anomaly(), pytest.raises(ag.AnomalyError):
        g(1.0)
    x.data = 2.0
    h = ag.compile(lambda: x * x * x)
    with ag.no_grad():
        assert h() == 8.0
    assert x.grad == 0.0 and h.traces == 0
    h(create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.data == 12.0
    x.grad.backward()
    assert h.traces == 0


def test_domain_error_in_compiled_code_is_the_engines():
    f = ag.compile(lambda x: (x * 2).log())
    assert f(1.0) == pytest.approx(math.log(2.0))
    with pytest.raises(DomainError, match="log of"):
        f(-1.0)
    s = ag.compile(lambda x: x.sqrt())
    s(Value(4.0))
    with pytest.raises(DomainError, match="backward through"):
        s(Value(0.0))  # 1/(2·√0) in the backward pass
    b = ag.compile(lambda x: x.log().batch_sum())
    b(np.array([1.0, 2.0]))
    with pytest.raises(DomainError, match="log of"):
        b(np.array([1.0, -2.0]))


def test_a_new_op_in_the_table_compiles_untouched():
    cube = Op(
        name="cube",
        symbol="cube",
        kind=UNARY,
        forward=lambda x: x * x * x,
        partials=lambda a, out: (3.0 * a * a,),
        formulas=("3·{0}²",),
        doc="a³;  ∂/∂a = 3a²",
    )

    def _kinked_partials(a, out):  # a branch on the value: the code calls this function
        return (1.0 if a > 0 else -2.0,)

    kinked = Op(
        name="kinked",
        symbol="kinked",
        kind=UNARY,
        forward=lambda x: x if x > 0 else -2.0 * x,
        partials=_kinked_partials,
        formulas=("1 if {0} > 0 else -2",),
        doc="a for a > 0, -2a otherwise",
    )

    def f(x):
        return apply(kinked, (apply(cube, (x,)) - 1.0,))

    compiled = ag.compile(f)
    for v in (2.0, 0.5, 1.5, -1.0):
        x, ref = Value(v), Value(v)
        expected = f(ref)
        expected.backward()
        assert compiled(x) == pytest.approx(expected.data)
        assert x.grad == pytest.approx(ref.grad)
    source = compiled.source
    assert "x * x * x" in source and "3.0 * x * x" in source  # from the table's own entry
    assert "kinked_partials(" in source and "# ∂v3/∂v2 = 1 if v2 > 0 else -2" in source
    assert compiled.retraces == 0


def test_source_shows_in_tracebacks_and_inspect():
    x = Value(2.0, label="x")
    f = ag.compile(lambda: (x * 3).tanh())
    f()
    variant = f._last
    assert inspect.getsource(variant.fn) == f.source
    lines = f.source.splitlines()
    assert linecache.getline(variant.filename, 1) == lines[0] + "\n"
    assert variant.filename.startswith("<autograd.compile")


def test_what_the_code_cannot_redo_runs_on_the_engine():
    x = Value(2.0, label="x")
    h = x * 3  # computed before the call: not a leaf
    f = ag.compile(lambda: h * h)
    assert f() == 36.0 and x.grad == 36.0
    assert "computed before the call" in f.fallback_reason
    y = Value(3.0)

    def g():
        with ag.no_grad():
            c = y * 2
        return c * y

    compiled = ag.compile(g)
    assert compiled() == 18.0 and y.grad == 6.0
    y.data = 4.0
    assert compiled() == 32.0  # recomputed, never the stale 6·y
    assert "under no_grad" in compiled.fallback_reason


def test_a_compiled_function_called_while_tracing_is_inlined():
    w = Value(2.0, label="w")
    inner = ag.compile(lambda x: (x * w).tanh())
    outer = ag.compile(lambda x: inner(x) * inner(x * 3))
    for x in (0.1, 0.3):
        ref = Value(x)
        expected = (ref * w).tanh() * (ref * 3 * w).tanh()
        w.zero_grad()
        got = outer(x)
        grad = w.grad
        w.zero_grad()
        expected.backward()
        assert got == pytest.approx(expected.data) and grad == pytest.approx(w.grad)
    assert outer.traces == 1 and inner.traces == 0


def test_rejects_a_non_function():
    with pytest.raises(TypeError, match="needs a function"):
        ag.compile(3)
