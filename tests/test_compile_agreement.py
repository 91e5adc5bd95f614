"""autograd.compile against the engine on the cases a differential fuzz found.

Each test compiles a function, calls it several times with new inputs, and compares every
result and every leaf's gradient with ``f(*args).backward()`` run by the engine on fresh
Values (or checks that both raise the same error). A fall-back to the engine warns, and
the warning is an error here: the generated code must run.
"""

import collections
import math
import warnings

import pytest

import autograd as ag
from autograd import Value


@pytest.fixture(autouse=True)
def no_fallback_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


def test_detach_of_a_captured_value_an_interior_node_and_a_new_constant():
    w = Value(3.0, label="w")
    captured = ag.compile(lambda x: x * w.detach() + w)
    interior = ag.compile(lambda x: (x * x).detach() * x)
    constant = ag.compile(lambda x: Value(5.0).detach() * x)
    for x in (2.0, -1.5, 4.0):
        a, b, c = Value(x), Value(x), Value(x)
        w.grad = 0.0
        assert captured(a) == x * 3.0 + 3.0 and a.grad == 3.0 and w.grad == 1.0
        assert interior(b) == x**3 and b.grad == x * x  # the copy carries no gradient
        assert constant(c) == 5.0 * x and c.grad == 5.0
    assert captured.traces == interior.traces == constant.traces == 1
    w.data = 0.5  # the copy reads the captured Value's new data
    assert captured(Value(2.0)) == 1.5


def test_namedtuple_in_auxiliary_output():
    Pair = collections.namedtuple("Pair", "square value")
    f = ag.compile(lambda x: (x * x, Pair(x * x, x)), has_aux=True)
    for x in (2.0, 3.0):
        out, aux = f(x)
        assert out == x * x and aux == Pair(x * x, x) and type(aux) is Pair
    assert f.traces == 1
    with ag.detect_anomaly():  # the engine's path rebuilds it the same way
        assert f(2.0)[1] == Pair(4.0, 2.0)


def test_rolled_sum_with_one_varying_constant_per_sample():
    targets = [float(i % 3) - 1.0 for i in range(12)]
    p = Value(0.5, label="p")
    f = ag.compile(lambda: ag.sum([1.0 - y * p for y in targets]))
    for data in (0.5, -2.0):
        p.data, p.grad = data, 0.0
        q = Value(data)
        ag.sum([1.0 - y * q for y in targets]).backward()
        assert f() == pytest.approx(12 - data * sum(targets), rel=1e-15)
        assert p.grad == q.grad
    assert "for c0 in samples" in (f.source or "")


def test_a_guard_on_a_node_with_an_undefined_derivative_there():
    """``sqrt`` at 0 only feeds a comparison: it needs no derivative, so the code runs."""

    def g(x):
        return x * 2.0 if x.sqrt() > 1.0 else x * 3.0

    f = ag.compile(g)
    assert f(0.0) == 0.0 and f(4.0) == 8.0 and f(0.25) == 0.75
    assert f.traces == 2 and f.fallback_reason is None


def _engine_grads(f, make_args, leaves):
    """``f(*args).backward()`` on fresh leaves: the output and each leaf's gradient."""
    fresh = [Value(v.data) for v in leaves]
    out = f(*make_args(*fresh))
    out.backward()
    return out.data, [v.grad for v in fresh]


def test_a_non_leaf_argument_passes_its_gradient_into_the_graph_under_it():
    square = ag.compile(lambda x: x * x)
    a, b = Value(2.0), Value(3.0)
    assert square(a * b) == 36.0 and (a.grad, b.grad) == (36.0, 24.0)
    assert square(a * b) == 36.0 and (a.grad, b.grad) == (72.0, 48.0)  # leaves accumulate
    assert square.traces == 1


def test_the_same_interior_node_twice_gets_the_engines_gradient():
    product = ag.compile(lambda x, y: x * y + x)
    for a_data, b_data in ((2.0, 3.0), (-1.0, 0.5), (4.0, 4.0)):
        a, b = Value(a_data), Value(b_data)
        n = a * b
        product(n, n)
        product(n, n)  # the interior gradient is reset each call, as backward() does
        fa, fb = Value(a_data), Value(b_data)
        for _ in range(2):
            m = fa * fb
            (m * m + m).backward()
        assert (a.grad, b.grad, n.grad) == (fa.grad, fb.grad, m.grad)
    assert product.traces == 1


def test_arguments_sharing_a_graph_with_each_other_and_with_parameters():
    w = Value(0.5, label="w")

    def f(x, y, z):
        return (x * y).tanh() * w + z * x

    step = ag.compile(f)
    for data in (0.3, -1.2, 2.0):
        a = Value(data)
        fa, fw = Value(data), Value(0.5)
        w.grad = 0.0
        x, y = a * w, (a * w).exp()
        step(x, y, a)
        fx, fy = fa * fw, (fa * fw).exp()
        ((fx * fy).tanh() * fw + fa * fx).backward()
        assert a.grad == pytest.approx(fa.grad, rel=1e-13)
        assert w.grad == pytest.approx(fw.grad, rel=1e-13)
        assert x.grad == pytest.approx(fx.grad, rel=1e-13)
    assert step.traces == 1


def test_a_failing_pass_through_an_argument_writes_no_gradient():
    w = Value(2.0, label="w")
    step = ag.compile(lambda x: x * w)
    step(Value(4.0).sqrt())  # traced: fine
    a = Value(0.0)
    w.grad = 0.0
    with pytest.raises(ag.DomainError, match="sqrt"):
        step(a.sqrt())  # the derivative of sqrt at 0 is undefined, in the engine too
    assert w.grad == 0.0 and a.grad == 0.0


def test_static_arguments_are_compared_by_content():
    f = ag.compile(lambda s, x: x * len(s), static_argnums=0)
    s, x = {1}, Value(2.0)
    assert f(s, x) == 2.0
    s.add(2)  # the same set, another content: another structure
    assert f(s, x) == 4.0
    assert f([1, 2, 3], x) == 6.0 and f({"a": 1}, x) == 2.0
    g = ag.compile(lambda s, x: x * len(s))  # a set is read as it is, static or not
    t = {1}
    assert g(t, 1.0) == 1.0
    t.add(5)
    assert g(t, 1.0) == 2.0


def test_static_signed_zeros_and_nans_are_distinct_keys():
    f = ag.compile(lambda sign, x: x * math.copysign(1.0, sign), static_argnums=0)
    assert f(0.0, 2.0) == 2.0 and f(-0.0, 2.0) == -2.0 and f(0.0, 3.0) == 3.0
    assert f.traces == 2
    nan = float("nan")
    assert math.isnan(f(nan, 1.0)) is False and f(nan, 1.0) == 1.0
    assert f.traces == 3  # the same NaN bits: the code traced for it


def test_an_unhashable_static_argument_is_refused_with_a_reason():
    class Settings:
        __hash__ = None

    f = ag.compile(lambda s, x: x * 2.0, static_argnums=0)
    with pytest.raises(TypeError, match="static argument must be comparable by content"):
        f(Settings(), 1.0)


def test_a_value_appended_to_a_captured_list_after_tracing_is_read():
    weights = [Value(1.0)]
    f = ag.compile(lambda x: ag.sum([x * w for w in weights]))
    assert f(3.0) == 3.0
    weights.append(Value(1.0))
    assert f(3.0) == 6.0 and f.traces == 2
    weights[1] = Value(2.0)  # replaced: another Value
    assert f(3.0) == 9.0 and f.traces == 3


GLOBAL_WEIGHT = Value(1.0)


def test_a_rebound_global_is_read():
    global GLOBAL_WEIGHT
    f = ag.compile(lambda x: x * GLOBAL_WEIGHT)
    assert f(3.0) == 3.0
    GLOBAL_WEIGHT = Value(5.0)
    assert f(3.0) == 15.0 and GLOBAL_WEIGHT.grad == 3.0 and f.traces == 2


def test_a_parameter_created_on_the_first_call_is_an_input_from_the_second():
    class Lazy:
        def __call__(self, x):
            if not hasattr(self, "w"):
                self.w = Value(2.0, label="w")
            return x * self.w

    model = Lazy()
    f = ag.compile(lambda x: model(x))
    assert f(3.0) == 6.0 and model.w.grad == 3.0
    model.w.data = 4.0  # an optimizer's update: read by the code
    assert f(3.0) == 12.0 and model.w.grad == 6.0
    assert f(3.0) == 12.0 and model.w.grad == 9.0
    assert f.traces == 2  # the first trace made w: the second one reads it as an input


def test_code_that_failed_for_one_branch_is_generated_for_another():
    from unittest.mock import patch

    from autograd.compiler import layout

    generate, calls = layout.generate, []

    def fail_once(emitter):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a bug of ours, in one branch's code")
        return generate(emitter)

    f = ag.compile(lambda x: x * 2.0 if x > 1.0 else x * 3.0)
    with patch.object(layout, "generate", fail_once):
        with pytest.warns(RuntimeWarning, match="could not generate code"):
            assert f(0.5) == 1.5  # the engine's answer
        assert f(4.0) == 8.0 and f.fallback_reason is None  # the other branch compiles
        assert f(0.5) == 1.5 and f.traces == 3  # and the first one, traced again


def test_an_op_whose_result_is_unused_is_not_computed():
    """A decision, as jax.jit's: the code computes what reaches the output, the auxiliary
    values and the guards, so an unused ``log`` of a negative raises nothing."""

    def f(x):
        x.log()  # never used
        return x * 2.0

    step = ag.compile(f)
    assert step(2.0) == 4.0 and step(-1.0) == -2.0
    with pytest.raises(ag.DomainError, match="log"):
        f(Value(-1.0)).backward()


def test_no_derivative_is_taken_towards_a_number_argument():
    """A decision: a float argument gets no gradient, so a derivative undefined only on the
    way to one (``sqrt`` at 0) raises nothing; backward() over a Value there raises."""
    w = Value(2.0, label="w")
    step = ag.compile(lambda x: w * x.sqrt())
    assert step(4.0) == 4.0 and step(0.0) == 0.0 and w.grad == 2.0
    with pytest.raises(ag.DomainError, match="sqrt"):
        (w * Value(0.0).sqrt()).backward()
    with pytest.raises(ag.DomainError, match="sqrt"):  # a Value argument: as the engine
        step(Value(0.0))


def test_the_watch_on_captured_values_under_threads():
    """Calls from 8 threads while another thread appends to the captured list: each call
    sees a list of some length, and its result is that length's (never a stale one)."""
    import sys
    import threading
    from concurrent.futures import ThreadPoolExecutor

    weights = [Value(1.0)]
    f = ag.compile(lambda x: ag.sum([x * w for w in weights]))
    f(1.0)
    grow = threading.Event()

    def append() -> None:
        for _ in range(5):
            weights.append(Value(1.0))
        grow.set()

    def call(_: int) -> float:
        return f(1.0)

    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(call, range(40)))
            writer = threading.Thread(target=append)
            writer.start()
            results += list(pool.map(call, range(40)))
            writer.join()
    finally:
        sys.setswitchinterval(previous)
    assert grow.is_set() and set(results) <= {1.0, 2.0, 3.0, 4.0, 5.0, 6.0}
    assert f(1.0) == 6.0
