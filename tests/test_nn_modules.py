"""nn modules: Neuron, Layer, MLP, Linear — forward values, gradients, names, labels, groups,
init."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Value

ACT_NP = {
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "linear": lambda z: z,
}


def weights(module: nn.Module) -> np.ndarray:
    return np.array([p.data for p in module.parameters()])


def mlp_numpy(model: nn.MLP, X: np.ndarray) -> np.ndarray:
    """The same network, written with numpy matrices from the parameters."""
    h = X
    for i, layer in enumerate(model.layers):
        W = np.array([[w.data for w in n.w] for n in layer.neurons])
        b = np.array([n.b.data for n in layer.neurons])
        act = model.out_activation if i == len(model.layers) - 1 else model.activation
        h = ACT_NP[act](h @ W.T + b)
    return h


@pytest.mark.parametrize("activation", sorted(nn.ACTIVATIONS))
def test_neuron_forward_and_gradients_by_hand(activation: str) -> None:
    n = nn.Neuron(3, activation, seed=0)
    for p, v in zip(n.parameters(), [0.5, -1.0, 2.0, 0.25]):
        p.data = v
    x = [1.0, 2.0, -0.5]
    z = 0.5 * 1.0 + -1.0 * 2.0 + 2.0 * -0.5 + 0.25  # -2.25
    out = n(x)
    assert out.data == pytest.approx(float(ACT_NP[activation](np.float64(z))))
    out.backward()
    slope = {"relu": 0.0, "linear": 1.0, "leaky_relu": 0.01}.get(activation)
    if slope is None:
        a = out.data
        slope = 1 - a * a if activation == "tanh" else a * (1 - a)
    assert [w.grad for w in n.w] == pytest.approx([slope * xi for xi in x])
    assert n.b.grad == pytest.approx(slope)


def test_fused_and_unfused_neurons_agree_but_build_different_graphs() -> None:
    a = nn.Neuron(4, "tanh", seed=3)
    b = nn.Neuron(4, "tanh", seed=3, fused=False)
    assert np.array_equal(weights(a), weights(b))
    x = [0.3, -0.2, 0.9, 1.1]
    ya, yb = a(x), b(x)
    ya.backward()
    yb.backward()
    assert ya.data == pytest.approx(yb.data, abs=1e-15)
    assert [p.grad for p in a.parameters()] == pytest.approx([p.grad for p in b.parameters()])
    ops_a = [v.op for v in autograd.topological_order(ya) if v.op]
    ops_b = [v.op for v in autograd.topological_order(yb) if v.op]
    assert ops_a == ["dot", "tanh"]
    # float inputs are kept on the * nodes as constants: w.0 * 0.3, ...
    assert sum(op.startswith("*") for op in ops_b) == 4 and ops_b.count("+") == 4


def test_layer_of_width_one_returns_a_list() -> None:
    layer = nn.Layer(2, 1, "relu", seed=0)
    out = layer([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 1 and isinstance(out[0], Value)


def test_mlp_matches_numpy_in_scalar_and_batched_mode() -> None:
    model = nn.MLP(3, [5, 4, 2], activation="tanh", out_activation="sigmoid", seed=7)
    X = np.random.default_rng(1).normal(size=(6, 3))
    expected = mlp_numpy(model, X)
    batched = model(X)
    assert np.allclose(np.stack([v.data for v in batched], axis=1), expected, atol=1e-14)
    for row, exp in zip(X, expected):
        assert [v.data for v in model(list(row))] == pytest.approx(list(exp), abs=1e-14)
    assert np.allclose(model.predict(X), expected)


def test_single_output_mlp_returns_a_value_and_batched_grads_sum_samples() -> None:
    model = nn.MLP(2, [4, 1], seed=2)
    X = np.random.default_rng(0).normal(size=(5, 2))
    out = model(X)
    assert isinstance(out, Value) and out.data.shape == (5,)
    out.batch_sum().backward()
    batched = [p.grad for p in model.parameters()]
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    autograd.sum([model(list(r)) for r in X]).backward()
    assert batched == pytest.approx([p.grad for p in model.parameters()], abs=1e-12)


def test_named_parameters_order_and_names() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    names = [n for n, _ in model.named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert names[-1] == "layers.1.neurons.0.b"
    assert len(names) == len(set(names)) == (2 + 1) * 3 + (3 + 1) * 1 == model.num_parameters()
    assert [p for _, p in model.named_parameters()] == model.parameters()
    # parameters carry their group: the dotted name without the attribute itself
    assert all(n.startswith(f"{p.group}.") for n, p in model.named_parameters())


def test_parameters_carry_short_qualified_labels_the_outermost_module_gives() -> None:
    model = nn.MLP(3, [4, 2], seed=0)
    expected = {}
    for i, layer in enumerate(model.layers):
        for j, neuron in enumerate(layer.neurons):
            for k, w in enumerate(neuron.w):
                expected[id(w)] = f"L{i}.n{j}.w{k + 1}"  # w_k pairs with input x_k, 1-based
            expected[id(neuron.b)] = f"L{i}.n{j}.b"
    assert {id(p): p.label for p in model.parameters()} == expected  # the MLP's labels win
    assert len({p.label for p in model.parameters()}) == model.num_parameters()
    # the state dict keeps its keys (save and load depend on them)
    assert list(model.state_dict())[:2] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1"]
    layer = nn.Layer(2, 2, seed=0)
    assert [p.label for p in layer.parameters()] == [
        "n0.w1", "n0.w2", "n0.b", "n1.w1", "n1.w2", "n1.b"
    ]  # fmt: skip
    assert [p.label for p in nn.Neuron(2, seed=0).parameters()] == ["w1", "w2", "b"]
    assert [p.label for p in nn.Perceptron(2).parameters()] == ["w1", "w2", "b"]
    lin = nn.Linear(3, 2, bias=True)
    assert [p.label for p in lin.parameters()] == [
        f"A{j}.{i}" for j in (1, 2) for i in (1, 2, 3)
    ] + ["b1", "b2"]
    assert lin.A[1][2].label == "A2.3"  # row 2, column 3 of y = A x (1-based)
    assert nn.parameter_label("encoder.layers.2.neurons.10.w.9") == "encoder.L2.n10.w10"
    assert nn.parameter_label("scale") == "scale"


def test_a_custom_module_can_label_what_it_holds() -> None:
    class Twin(nn.Module):
        def __init__(self) -> None:
            self.left = nn.Neuron(2, seed=0)
            self.right = nn.Neuron(2, seed=1)
            self.gain = Value(1.0)
            nn.label_parameters(self)

    twin = Twin()
    assert [p.label for p in twin.parameters()] == [
        "left.w1", "left.w2", "left.b", "right.w1", "right.w2", "right.b", "gain"
    ]  # fmt: skip


@pytest.mark.parametrize(
    "sample", [[0.5, -1.0, 2.0], np.array([0.5, -1.0, 2.0]), np.array([[0.5, -1.0, 2.0]] * 4)]
)
def test_inputs_given_as_numbers_become_values_x1_to_xn(sample) -> None:
    model = nn.MLP(3, [2, 1], seed=0)
    out = model(sample)
    leaves = [v for v in autograd.topological_order(out) if v.is_leaf and v.label.startswith("x")]
    assert [v.label for v in leaves] == ["x1", "x2", "x3"]
    assert all(v.group == "" for v in leaves)  # inputs belong to no module
    columns = np.asarray(sample, dtype=float).T
    assert all(np.array_equal(v.data, c) for v, c in zip(leaves, columns))
    mine = Value(0.5, label="a")
    given = autograd.topological_order(model([mine, -1.0, 2.0]))
    assert mine in given and "x2" in {v.label for v in given}  # a Value is used as it is


def test_forward_nodes_carry_layer_groups() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    out = model([0.5, -0.5])
    groups = {v.group for v in autograd.topological_order(out) if v.op}
    assert groups == {"layers.0.neurons.0", "layers.0.neurons.1", "layers.0.neurons.2",
                      "layers.1.neurons.0"}  # fmt: skip
    named = nn.MLP(2, [1], seed=0, name="net")
    assert named([1.0, 2.0]).group == "net.layers.0.neurons.0"


def test_a_layer_follows_its_neurons_being_renamed_or_replaced_between_calls() -> None:
    layer = nn.Layer(2, 2, seed=0)
    assert [v.group for v in layer([0.5, -0.5])] == ["neurons.0", "neurons.1"]
    layer.neurons[1].name = "second"
    assert [v.group for v in layer([0.5, -0.5])] == ["neurons.0", "second"]
    layer.neurons[0].name = ""  # unnamed: its nodes belong to the layer's group ("" here)
    assert [v.group for v in layer([0.5, -0.5])] == ["", "second"]
    other = nn.Neuron(2, "linear", seed=1, name="swapped")
    layer.neurons[0] = other
    out = layer([0.5, -0.5])
    assert out[0].group == "swapped"
    assert out[0].data == other([0.5, -0.5]).data  # the new neuron's forward ran
    layer.neurons.append(nn.Neuron(2, seed=2, name="third"))
    assert [v.group for v in layer([0.5, -0.5])] == ["swapped", "second", "third"]


def test_initialisation_is_seeded_and_follows_the_scheme() -> None:
    assert np.array_equal(weights(nn.MLP(4, [8, 1], seed=5)), weights(nn.MLP(4, [8, 1], seed=5)))
    assert not np.array_equal(
        weights(nn.MLP(4, [8, 1], seed=5)), weights(nn.MLP(4, [8, 1], seed=6))
    )
    he = nn.Layer(50, 40, "relu", seed=0)
    w = np.array([[p.data for p in n.w] for n in he.neurons])
    limit = math.sqrt(6 / 50)
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.9 * limit
    assert np.var(w) == pytest.approx(limit**2 / 3, rel=0.15)  # U(-a, a) has variance a²/3
    xa = nn.Layer(50, 40, "tanh", seed=0)
    w = np.array([[p.data for p in n.w] for n in xa.neurons])
    limit = math.sqrt(6 / 90)
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.9 * limit
    assert all(n.b.data == 0.0 for n in xa.neurons)


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: nn.Neuron(2, "softmax"), ValueError),
        (lambda: nn.MLP(2, [3, 1], activation="Relu"), ValueError),
        (lambda: nn.MLP(2, [3, 1], out_activation="step"), ValueError),
        (lambda: nn.MLP(2, []), ValueError),
        (lambda: nn.MLP(0, [1]), ValueError),
        (lambda: nn.Layer(2, 2.5), TypeError),  # type: ignore[arg-type]
        (lambda: nn.Neuron(2, 3), TypeError),  # type: ignore[arg-type]
        (lambda: nn.Neuron(2, seed="x"), TypeError),  # type: ignore[arg-type]
    ],
)
def test_bad_construction_is_a_clear_error(make, error) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error):
        make()


def test_unknown_activation_names_the_choices() -> None:
    with pytest.raises(ValueError, match=r"unknown activation 'swish'.*relu"):
        nn.Neuron(2, "swish")


@pytest.mark.parametrize(
    ("x", "message"),
    [
        ([1.0, 2.0, 3.0], "width 2, got 3"),
        (np.zeros((4, 3)), "width 2"),
        (np.zeros((0, 2)), "empty"),
        (np.array([[1.0, np.nan]]), "NaN"),
        ([1.0, float("inf")], "finite"),
        (np.zeros((2, 2, 2)), "dimensions"),
        ("ab", "sequence"),
        (b"ab", "got bytes"),
        (bytearray(b"ab"), "got bytearray"),
        (memoryview(b"ab"), "got memoryview"),
        (np.array([["a", "b"]]), "real numbers"),
    ],
)
def test_bad_inputs_raise_before_anything_changes(x, message) -> None:  # type: ignore[no-untyped-def]
    model = nn.MLP(2, [3, 1], seed=0)
    before = weights(model)
    with pytest.raises((ValueError, TypeError), match=message):
        model(x)
    assert np.array_equal(before, weights(model))


def test_state_dict_round_trip_and_validation() -> None:
    a, b = nn.MLP(3, [4, 2], seed=0), nn.MLP(3, [4, 2], seed=1)
    b.load_state_dict(a.state_dict())
    assert np.array_equal(weights(a), weights(b))
    c = nn.MLP(3, [4, 2], seed=2)
    before = weights(c)
    state = a.state_dict()
    state["layers.1.neurons.1.b"] = float("nan")
    with pytest.raises(ValueError, match="finite"):
        c.load_state_dict(state)
    state = a.state_dict()
    del state["layers.0.neurons.0.w.0"]
    state["bogus"] = 1.0
    with pytest.raises(ValueError, match=r"missing.*w.0.*unexpected.*bogus"):
        c.load_state_dict(state)
    state = a.state_dict()
    state["layers.0.neurons.0.b"] = "1.0"  # type: ignore[assignment]
    with pytest.raises(TypeError, match="real number"):
        c.load_state_dict(state)
    assert np.array_equal(before, weights(c))


def test_linear_is_y_equals_a_x() -> None:
    lin = nn.Linear(3, 2, init="xavier", seed=0)
    A = lin.matrix
    x = np.array([1.0, -2.0, 0.5])
    assert [v.data for v in lin(x)] == pytest.approx(list(A @ x))
    assert [n for n, _ in lin.named_parameters()][:2] == ["A.0.0", "A.0.1"]
    assert np.array_equal(nn.Linear(3, 2).matrix, np.zeros((2, 3)))
    with_bias = nn.Linear(3, 1, bias=True)
    with_bias.b[0].data = 2.0
    assert with_bias(x)[0].data == 2.0


def test_lstsq_pinv_drops_a_singular_value_at_rounding_level() -> None:
    """Centring 80 images of 1,024 pixels leaves one singular value that is zero up to the
    SVD's rounding, which numpy's default cutoff (1e-15·σ₁) inverted on one LAPACK build (a
    solution 3% longer, and another test accuracy in lesson 1). Below max(n, d)·ε·σ₁ is zero."""
    rng = np.random.default_rng(0)
    U = np.linalg.qr(rng.normal(size=(80, 3)))[0]
    V = np.linalg.qr(rng.normal(size=(1024, 3)))[0]
    X = U @ np.diag([1.0, 0.5, 1e-14]) @ V.T  # 1e-14 lies between 1e-15 and 1024·ε = 2.3e-13
    y = U[:, 0] + U[:, 2]
    A = nn.lstsq_pinv(X, y)
    assert np.allclose(A, V[:, 0])  # the third direction is not inverted (it would be 1e14)


def test_lstsq_pinv_and_ridge_match_numpy() -> None:
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 4)), rng.normal(size=20)
    A = nn.lstsq_pinv(X, y)
    assert np.allclose(A, np.linalg.lstsq(X, y, rcond=None)[0])
    Y = rng.normal(size=(20, 2))
    assert nn.lstsq_pinv(X, Y).shape == (2, 4)
    alpha = 0.7
    expected = np.linalg.inv(X.T @ X + alpha * np.eye(4)) @ X.T @ y
    assert np.allclose(nn.ridge(X, y, alpha), expected)
    assert np.allclose(nn.ridge(X, y, 1e-10), A, atol=1e-7)
    with pytest.raises(ValueError, match="alpha"):
        nn.ridge(X, y, 0.0)
    with pytest.raises(ValueError, match="one row per sample"):
        nn.lstsq_pinv(X, y[:5])
    with pytest.raises(ValueError, match="NaN"):
        nn.lstsq_pinv(np.where(X > 2, np.nan, X), y)


def test_gradient_descent_from_zero_reaches_the_minimum_norm_solution() -> None:
    """Under-determined least squares: GD from 0 stays in the row space of X → A = y X⁺."""
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(4, 10)), rng.normal(size=4)
    model = nn.Linear(10, 1)
    opt = nn.SGD(model, lr=0.1)
    for _ in range(800):
        opt.zero_grad()
        nn.mse(model(X)[0], y).backward()
        opt.step()
    A = model.matrix[0]
    assert np.allclose(X @ A, y, atol=1e-8)  # interpolates
    assert np.allclose(A, nn.lstsq_pinv(X, y), atol=1e-8)  # and has minimum norm
    other = A + np.linalg.svd(X)[2][-1]  # add a null-space direction: still interpolates
    assert np.allclose(X @ other, y) and np.linalg.norm(other) > np.linalg.norm(A)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(-3, 3), min_size=3, max_size=3),
    st.sampled_from(sorted(nn.ACTIVATIONS)),
    st.integers(0, 2**16),
)
def test_layer_matches_numpy_for_any_input(x: list[float], activation: str, seed: int) -> None:
    layer = nn.Layer(3, 4, activation, seed=seed)
    W = np.array([[w.data for w in n.w] for n in layer.neurons])
    expected = ACT_NP[activation](W @ np.array(x))
    assert [v.data for v in layer(x)] == pytest.approx(list(expected), abs=1e-12)


# ---- weights as arrays: MLP.from_arrays, Layer.arrays and Layer.load_arrays -----------------


def test_from_arrays_computes_act_of_W_x_plus_b_layer_by_layer():
    rng = np.random.default_rng(5)
    W1, W2 = rng.normal(size=(3, 2)), rng.normal(size=(1, 3))
    b1, b2 = rng.normal(size=3), rng.normal(size=1)
    model = nn.MLP.from_arrays([W1, W2], [b1, b2], activation="tanh")
    assert model.sizes == [3, 1] and model.activation == "tanh"
    X = rng.normal(size=(7, 2))
    expected = (np.tanh(X @ W1.T + b1) @ W2.T + b2).ravel()
    np.testing.assert_allclose(model.predict(X), expected, rtol=1e-13)
    W, b = model.layers[0].arrays()
    assert np.array_equal(W, W1) and np.array_equal(b, b1)


def test_layer_arrays_with_grad_are_dL_dW_and_dL_db():
    rng = np.random.default_rng(6)
    W, b = rng.normal(size=(2, 3)), rng.normal(size=2)
    layer = nn.Layer(3, 2, activation="linear")
    layer.load_arrays(W, b)
    X = rng.normal(size=(5, 3))
    out = layer(X)
    (out[0].batch_sum() + out[1].batch_sum() * 2.0).backward()  # L = Σ h₀ + 2 Σ h₁
    dW, db = layer.arrays(grad=True)
    np.testing.assert_allclose(dW, np.outer([1.0, 2.0], X.sum(axis=0)), rtol=1e-13)
    np.testing.assert_allclose(db, [5.0, 10.0], rtol=1e-13)


def test_from_arrays_zero_biases_by_default():
    model = nn.MLP.from_arrays([np.ones((2, 2)), np.ones((1, 2))])
    assert all(layer.arrays()[1].tolist() == [0.0] * layer.nout for layer in model.layers)


@pytest.mark.parametrize(
    ("weights", "biases", "message"),
    [
        ([], None, "at least one weight matrix"),
        ([np.ones(3)], None, "must be 2-D"),
        ([np.ones((3, 2)), np.ones((1, 4))], None, "4 columns but matrix 0 has 3 rows"),
        ([np.ones((3, 2))], [np.ones(3), np.ones(1)], "2 bias vectors for 1 weight matrices"),
        ([np.ones((3, 2))], [np.ones(2)], r"b must have shape \(3,\)"),
        ([np.full((1, 2), np.nan)], None, "NaN or inf"),
    ],
)
def test_from_arrays_refuses_bad_shapes_and_values(weights, biases, message):
    with pytest.raises(ValueError, match=message):
        nn.MLP.from_arrays(weights, biases)


def test_load_arrays_changes_nothing_on_a_bad_shape():
    layer = nn.Layer(2, 2, seed=0)
    before = layer.state_dict()
    with pytest.raises(ValueError, match=r"W must have shape \(nout, nin\) = \(2, 2\)"):
        layer.load_arrays(np.ones((2, 3)))
    with pytest.raises(ValueError, match="NaN or inf"):
        layer.load_arrays(np.ones((2, 2)), [0.0, np.inf])
    assert layer.state_dict() == before
