"""Hand examples with known answers: the chain rule, accumulation, repeated backward."""

import math

import numpy as np
import pytest

import autograd as ag
from autograd import Value


def test_design_example_gradients():
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    f = (x + y) * z
    f.backward()
    assert (f.data, x.grad, y.grad, z.grad) == (-12.0, -4.0, -4.0, 3.0)


def test_gradients_accumulate_over_every_use():
    a = Value(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0
    assert c.parents == (b, b)  # ordered tuple, two edges


def test_square_has_two_edges_and_gradient_2x():
    a = Value(3.0)
    y = a * a
    assert y.parents == (a, a)
    y.backward()
    assert a.grad == 6.0


def test_second_backward_is_not_silently_wrong():
    # micrograd gives 18 here: interior gradients leak into the second pass.
    x = Value(3.0)
    z = x * x + 1
    z.backward()
    assert x.grad == 6.0
    z.backward()
    assert x.grad == 12.0  # leaves accumulate, as in PyTorch
    interior = z.parents[0]
    assert interior.grad == 1.0  # interior gradients were reset, not doubled


def test_zero_grad_then_backward_again_gives_the_same_gradient():
    x = Value(0.7)
    y = (x.tanh() * x).exp()
    y.backward()
    first = x.grad
    x.zero_grad()
    y.backward()
    assert x.grad == first


def test_neuron_by_hand():
    x1, x2, w1, w2, b = (Value(v) for v in (2.0, 0.0, -3.0, 1.0, 6.881373587019543))
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.backward()
    assert o.data == pytest.approx(0.7071067811865476)
    assert (x1.grad, w1.grad, x2.grad, w2.grad) == pytest.approx((-1.5, 1.0, 0.5, 0.0))


def test_mixed_float_operands_and_reflected_ops():
    x = Value(2.0)
    cases = {
        "3 + x": (3 + x, 5.0, 1.0),
        "3 - x": (3 - x, 1.0, -1.0),
        "x - 3": (x - 3, -1.0, 1.0),
        "3 * x": (3 * x, 6.0, 3.0),
        "3 / x": (3 / x, 1.5, -0.75),
        "x / 4": (x / 4, 0.5, 0.25),
        "x ** 3": (x**3, 8.0, 12.0),
        "2 ** x": (2**x, 4.0, 4.0 * math.log(2)),
        "-x": (-x, -2.0, -1.0),
        "abs(-x)": (abs(-x), 2.0, 1.0),
    }
    for name, (out, value, grad) in cases.items():
        x.zero_grad()
        out.backward()
        assert out.data == pytest.approx(value), name
        assert x.grad == pytest.approx(grad), name


def test_value_power_value_partial_wrt_exponent():
    a, b = Value(2.0), Value(3.0)
    out = a**b
    out.backward()
    assert a.grad == pytest.approx(12.0)
    assert b.grad == pytest.approx(8.0 * math.log(2.0))


def test_unary_methods_match_math():
    x = 0.3
    for name, fn, dfn in [
        ("exp", math.exp, math.exp),
        ("log", math.log, lambda t: 1 / t),
        ("sqrt", math.sqrt, lambda t: 0.5 / math.sqrt(t)),
        ("tanh", math.tanh, lambda t: 1 - math.tanh(t) ** 2),
        (
            "sigmoid",
            lambda t: 1 / (1 + math.exp(-t)),
            lambda t: math.exp(-t) / (1 + math.exp(-t)) ** 2,
        ),
        ("softplus", lambda t: math.log1p(math.exp(t)), lambda t: 1 / (1 + math.exp(-t))),
        ("sin", math.sin, math.cos),
        ("cos", math.cos, lambda t: -math.sin(t)),
        ("relu", lambda t: max(t, 0.0), lambda t: 1.0),
    ]:
        v = Value(x)
        out = getattr(v, name)()
        out.backward()
        assert out.data == pytest.approx(fn(x), rel=1e-12), name
        assert v.grad == pytest.approx(dfn(x), rel=1e-9), name


def test_leaky_relu_slope_and_default_alpha():
    v = Value(-2.0)
    out = v.leaky_relu(0.1)
    out.backward()
    assert (out.data, v.grad) == (pytest.approx(-0.2), pytest.approx(0.1))
    assert Value(-1.0).leaky_relu().data == pytest.approx(-0.01)


def test_stable_forms_do_not_overflow():
    assert Value(800.0).tanh().data == 1.0
    assert Value(-800.0).sigmoid().data == 0.0
    assert Value(800.0).sigmoid().data == 1.0
    assert Value(800.0).softplus().data == 800.0
    assert Value(-800.0).softplus().data == 0.0


def test_nary_sum_and_dot_are_single_nodes():
    ws = [Value(1.0), Value(-2.0), Value(0.5)]
    xs = [Value(3.0), Value(4.0), Value(-1.0)]
    b = Value(0.25)
    out = ag.dot(ws, xs, b)
    assert len(out.parents) == 7 and out.op == "dot"
    out.backward()
    assert out.data == pytest.approx(3 - 8 - 0.5 + 0.25)
    assert [w.grad for w in ws] == [3.0, 4.0, -1.0]
    assert [x.grad for x in xs] == [1.0, -2.0, 0.5]
    assert b.grad == 1.0
    s = ag.sum([ws[0], ws[0], 2.0])
    assert len(s.parents) == 3 and s.data == 4.0
    m = ag.mean([Value(1.0), Value(3.0)])
    assert m.data == 2.0


def test_nary_bad_input():
    with pytest.raises(ValueError, match="empty"):
        ag.sum([])
    with pytest.raises(ValueError, match="as many weights as inputs"):
        ag.dot([Value(1.0)], [Value(1.0), Value(2.0)])


def test_chain_of_a_million_ops_with_default_recursion_limit():
    import sys

    assert sys.getrecursionlimit() <= 10_000
    y = x = Value(0.5)
    for _ in range(1_000_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0
    assert len(ag.topological_order(y)) == 1_000_001  # the constant 1.0 is kept on each node


def test_create_graph_gives_second_derivatives():
    x = Value(0.5)
    y = x**3 * x.sin()
    y.backward(create_graph=True)
    g = x.grad
    assert isinstance(g, Value)
    assert g.data == pytest.approx(3 * 0.25 * math.sin(0.5) + 0.125 * math.cos(0.5))
    x.zero_grad()
    g.backward()
    expected = 6 * 0.5 * math.sin(0.5) + 6 * 0.25 * math.cos(0.5) - 0.125 * math.sin(0.5)
    assert x.grad == pytest.approx(expected)


def test_no_grad_and_detach_cut_the_graph():
    x = Value(2.0)
    with ag.no_grad():
        y = x * x
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()
    assert y.parents == () and y.is_leaf and y.data == 4.0
    d = (x * 3).detach()
    assert d.is_leaf and d.data == 6.0
    (d * x).backward()
    assert x.grad == 6.0 and d.grad == 2.0


def test_comparisons_look_at_data_but_equality_is_identity():
    a, b = Value(1.0), Value(1.0)
    assert a < 2 and a <= b and b >= a and not a > b and Value(3.0) > a
    assert a != b and a == a
    assert len({a, b}) == 2
    assert {a: 1}[a] == 1


def test_repr_float_item_and_format():
    q = Value(3.0, label="q")
    assert repr(q) == "Value(data=3.0, grad=0.0, label='q')"
    s = q + Value(1.0)
    assert repr(s) == "Value(data=4.0, grad=0.0, op='+')"
    assert repr(q + 1) == "Value(data=4.0, grad=0.0, op='+1')"
    assert float(s) == 4.0 and s.item() == 4.0
    assert f"{s:.2f}" == "4.00"
    assert Value(2).data == 2.0 and isinstance(Value(2).data, float)
    assert Value(np.float32(1.5)).data == 1.5


def test_batched_mode_sums_parameter_gradients():
    xs = np.array([0.5, -1.0, 2.0])
    w = Value(0.3)
    x = Value(xs)
    loss = (w * x).tanh().batch_mean()
    loss.backward()
    per_sample = [(lambda t: (1 - math.tanh(0.3 * t) ** 2) * t / 3)(t) for t in xs]
    assert isinstance(w.grad, float)
    assert w.grad == pytest.approx(sum(per_sample))
    assert x.grad == pytest.approx((1 - np.tanh(0.3 * xs) ** 2) * 0.3 / 3)


def test_batched_mode_matches_scalar_mode():
    xs = np.linspace(-1.5, 1.5, 7)
    w, b = Value(0.8), Value(-0.2)
    batched = (w * Value(xs) + b).sigmoid().batch_sum()
    batched.backward()
    gw, gb = w.grad, b.grad
    w.zero_grad()
    b.zero_grad()
    total = ag.sum([(w * float(t) + b).sigmoid() for t in xs])
    total.backward()
    assert batched.data == pytest.approx(total.data)
    assert (gw, gb) == pytest.approx((w.grad, b.grad))


def test_node_group_is_stamped_and_nested():
    with ag.node_group("layers"), ag.node_group("0"):
        v = Value(1.0) * 2
    assert v.group == "layers.0"
    assert (v + 1).group == ""


def test_parameter_on_batch_and_float_paths_gets_each_counted_once():
    # w feeds a batch of samples and a float path (w²), in either order.
    xs = np.array([1.0, 2.0, 3.0])
    for build, expected in (
        (lambda w, x: (w * x).batch_sum() + w * w, xs.sum() + 2 * 0.5),
        (lambda w, x: w * w + (w * x).batch_sum(), xs.sum() + 2 * 0.5),
        (lambda w, x: ((w * x) + w * w).batch_mean(), xs.mean() + 2 * 0.5),
    ):
        w = Value(0.5)
        build(w, Value(xs)).backward()
        assert isinstance(w.grad, float)
        assert w.grad == pytest.approx(expected)
        assert ag.gradcheck(build, 0.5, xs)


def test_plain_number_operands_are_kept_on_the_node_not_made_leaves():
    x = Value(2.0, label="x")
    cases = [
        (x * 3, "*3", 3.0),
        (3 * x, "3*", 3.0),
        (x + 0.5, "+0.5", 0.5),
        (x - 1, "+(-1)", -1.0),
        (2 / x, "2/", 2.0),
        (x / 4, "/4", 4.0),
        (2**x, "2**", 2.0),
    ]
    for out, op, constant in cases:
        assert out.parents == (x,), op
        assert (out.op, out.constant) == (op, constant)
        # operands: everything the op took, in its order (the constant on the side it was)
        assert out.operands == ((constant, x) if op[0].isdigit() else (x, constant)), op
    assert (x * x).operands == (x, x) and x.operands == ()
    assert autograd_dot_operands(x) == (x, x, 1.0, 2.0, x)
    assert (x * x).constant is None and x.constant is None
    assert (x * np.float64(1.5)).constant == 1.5  # any real number
    arr = x * np.array([1.0, 2.0])  # an array operand is a batch of data: a leaf
    assert len(arr.parents) == 2


def autograd_dot_operands(x: Value) -> tuple:
    """The operands of ``dot([x, x], [1, 2], x)``: weights, inputs, bias (numbers as leaves)."""
    return tuple(o if o is x else o.data for o in ag.dot([x, x], [1.0, 2.0], x).operands)


def test_batched_dot_with_number_weights_matches_one_sample_at_a_time():
    # the shape of a layer's neuron in batched mode: weights are numbers, inputs batches
    rng = np.random.default_rng(0)
    ws, xs, b = rng.normal(size=5), rng.normal(size=(5, 7)), 0.3

    def neuron(*vs):
        return ag.dot(vs[:5], vs[5:10], vs[10]).tanh()

    leaves = [Value(float(w)) for w in ws] + [Value(x) for x in xs] + [Value(b)]
    neuron(*leaves).batch_sum().backward()
    for k in range(7):
        single = [Value(float(w)) for w in ws] + [Value(float(x[k])) for x in xs] + [Value(b)]
        neuron(*single).backward()
        assert [leaf.grad[k] for leaf in leaves[5:10]] == pytest.approx(
            [s.grad for s in single[5:10]], rel=1e-12
        )
    assert ag.gradcheck(neuron, *ws, *xs, b)


def test_power_zero_has_derivative_zero_everywhere():
    for a in (0.0, -2.0, 3.0):
        x = Value(a)
        y = x**0
        y.backward()
        assert (y.data, x.grad) == (1.0, 0.0)
    xs = Value(np.array([0.0, 1.0]))
    (xs**0).batch_sum().backward()
    assert list(xs.grad) == [0.0, 0.0]


def test_numpy_scalars_become_plain_floats_everywhere():
    assert Value(np.float64(3.0)).data.__class__ is float
    assert Value(np.bool_(True)).data == 1.0
    assert (Value(3.0) ** np.float64(2)).data.__class__ is float
    assert (Value(3.0) ** 2).data.__class__ is float  # the np.float64 exponent left no trace
    with pytest.raises(ag.DomainError):
        Value(1e200) ** 2


def test_relu_passes_nan_through_as_arrays_do():
    assert np.isnan(Value(float("nan")).relu().data)
    assert np.isnan(Value(float("nan")).leaky_relu().data)
    assert np.isnan(Value(np.array([float("nan")])).relu().data[0])


def test_numpy_array_on_the_left_makes_a_batched_value():
    x = Value(2.0)
    out = np.array([1.0, 2.0]) + x
    assert isinstance(out, Value) and list(out.data) == [3.0, 4.0]
    out = np.array([1.0, 2.0]) * x
    out.batch_sum().backward()
    assert x.grad == 3.0


def test_backward_on_a_batch_output_is_the_gradient_of_its_sum():
    x = Value(np.array([1.0, 2.0, 3.0]))
    y = x * 2
    y.backward()
    assert list(x.grad) == [2.0, 2.0, 2.0]
    assert list(y.grad) == [1.0, 1.0, 1.0]


def test_a_batch_of_one_broadcast_against_a_batch_gets_its_summed_gradient():
    a, b = Value(np.array([1.0, 2.0])), Value(np.array([5.0]))
    (a * b).batch_sum().backward()
    assert b.grad.shape == (1,) and b.grad[0] == 3.0
    assert list(a.grad) == [5.0, 5.0]


def test_batches_are_non_empty_and_one_dimensional():
    for bad in (np.array([]), np.ones((2, 2))):
        with pytest.raises(ValueError, match="non-empty 1-D"):
            Value(bad)


def test_format_spec_applies_to_each_sample():
    assert f"{Value(np.array([1.0, 2.5])):.2f}" == "[1.00 2.50]"


def test_sums_and_dots_add_left_to_right_on_every_python():
    """Python 3.12's builtin sum compensates float rounding; the engine does not, so a graph
    gives the same numbers on every Python, as the compiled code (``a + b + c``) does."""
    big = [1e16, 1.0, -1e16]  # (1e16 + 1) rounds to 1e16: left to right gives 0, exactly 1 is 1
    values = [Value(x) for x in big]
    assert ag.sum(values).data == 0.0
    assert ag.dot(values, [Value(1.0)] * 3).data == 0.0
    step = ag.compile(lambda *xs: ag.sum(xs) + ag.dot(xs, [1.0, 1.0, 1.0]))
    assert step(*big) == 0.0


def test_topological_order_is_depth_first_through_first_parents_and_the_same_twice():
    """Parents before children, first parents first, each node once (shared ones too),
    several roots in turn; a second walk (over the first one's marks) gives the same."""
    from autograd import topological_order

    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    ab = a * b
    ab.label = "ab"
    s = (ab + a).relu()
    s.label = "s"
    d = ag.dot([ab, b], [a, s], Value(0.5, label="c"))
    d.label = "d"
    other = b * 3.0
    other.label = "other"
    expected = ["a", "b", "ab", "(ab + a)", "s", "c", "d", "other"]
    for _ in range(2):
        order = topological_order(d, other)
        names = [v.label or f"({v.parents[0].label} + {v.parents[1].label})" for v in order]
        assert names == expected
