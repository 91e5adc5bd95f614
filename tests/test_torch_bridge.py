"""The bridge to PyTorch: ``autograd.to_torch`` (graphs) and ``nn.to_torch``/``nn.from_torch``.

Outputs and gradients must agree with PyTorch to 1e-12, relative (``close`` below:
also 1e-12 absolute near 0, where a result that cancels to ~1e-15 makes a relative
error meaningless; every value here is of order 1). Without torch these tests skip,
unless CHAINRULE_REQUIRE_TORCH=1 (as in CI), where a missing torch is a failure.
"""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
from autograd import Value, ops
from autograd.testing import expressions, op_function, op_inputs

try:
    import torch
except ImportError:
    torch = None

REQUIRED = os.environ.get("CHAINRULE_REQUIRE_TORCH") == "1"
needs_torch = pytest.mark.skipif(
    torch is None,
    reason="torch is missing: test_torch_is_installed_when_required fails"
    if REQUIRED
    else "torch is not installed (pip install 'chainrule[torch]');"
    " set CHAINRULE_REQUIRE_TORCH=1 to make this a failure",
)
ROOT = Path(__file__).resolve().parents[1]
TABLE = ops.table()
IDS = [op.display("c") for op in TABLE]
FEW = max(10, settings.default.max_examples // 5)  # per op: the table has ~40 entries
ACTIVATIONS = sorted(nn.ACTIVATIONS)
TOL = 1e-12


def close(ours, theirs, what=""):
    """``|ours - theirs| ≤ 1e-12·(max(|ours|, |theirs|) + 1)`` element-wise."""
    if theirs is None:  # torch leaves .grad unset when the output does not depend on a leaf
        theirs = 0.0
    if torch is not None and isinstance(theirs, torch.Tensor):
        theirs = theirs.detach().numpy()
    a, b = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    a, b = np.broadcast_arrays(a, b)
    bound = TOL * (np.maximum(np.abs(a), np.abs(b)) + 1.0)
    assert np.all(np.abs(a - b) <= bound), f"{what}: chainrule {a} != torch {b}"


def test_torch_is_installed_when_required():
    if REQUIRED and torch is None:
        pytest.fail("CHAINRULE_REQUIRE_TORCH=1 but torch cannot be imported")


def test_importing_autograd_and_nn_does_not_import_torch():
    code = "import sys, autograd, nn; assert 'torch' not in sys.modules, 'torch was imported'"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)


def test_without_torch_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now raises ImportError
    for call in (lambda: ag.to_torch(Value(1.0)), lambda: nn.to_torch(nn.Neuron(2))):
        with pytest.raises(ModuleNotFoundError, match=r"needs PyTorch.*chainrule\[torch\]"):
            call()


# ---- autograd.to_torch -----------------------------------------------------------------------


def compare_graph(root, leaves_to_check):
    """Backward in both engines from ``root``; compare the output and each leaf's gradient."""
    for leaf in leaves_to_check:
        leaf.zero_grad()
    root.backward()
    out, leaves = ag.to_torch(root)
    out.sum().backward()
    close(root.data, out, "output")
    for leaf in leaves_to_check:
        if leaf in leaves:
            close(leaf.grad, leaves[leaf].grad, f"gradient of {leaf}")
        else:  # an input the expression never used
            assert leaf.grad == 0.0
    return out, leaves


@needs_torch
def test_the_readme_example_f_equals_x_plus_y_times_z():
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    f = (x + y) * z
    out, leaves = compare_graph(f, [x, y, z])
    assert out.item() == -12.0
    theirs = [leaves[v].grad.item() for v in (x, y, z)]
    assert theirs == [x.grad, y.grad, z.grad] == [-4.0, -4.0, 3.0]


@needs_torch
def test_leaves_are_float64_tensors_requiring_grad_and_the_graph_is_untouched():
    w, xs = Value(0.5, label="w"), Value(np.array([1.0, -2.0, 3.0]), label="xs")
    f = (w * xs).tanh().batch_mean()
    out, leaves = ag.to_torch(f)
    assert set(leaves) == {w, xs}
    assert leaves[w].shape == () and leaves[xs].shape == (3,)
    assert all(t.dtype == torch.float64 and t.requires_grad and t.is_leaf for t in leaves.values())
    assert out.shape == () and w.grad == 0.0  # nothing ran backward in chainrule
    out.backward()
    f.backward()
    close(w.grad, leaves[w].grad, "w")
    close(xs.grad, leaves[xs].grad, "xs")


@needs_torch
def test_a_leaf_root_and_constants_in_either_position():
    x = Value(0.7, label="x")
    out, leaves = ag.to_torch(x)
    assert out is leaves[x]
    for f in (2.0 / x, x / 2.0, 3.0 - x, x - 3.0, 2.0**x, x**2.5, x**-1, x * 3, 1.5 + x):
        compare_graph(f, [x])
    # a kept constant is no leaf of the torch graph either
    assert list(ag.to_torch(2.0 / x)[1]) == [x]


@needs_torch
@pytest.mark.parametrize("kink", ["relu", "abs", "leaky_relu"])
def test_at_a_kink_both_engines_take_the_same_derivative(kink):
    x = Value(0.0, label="x")
    f = {"relu": x.relu, "abs": x.__abs__, "leaky_relu": lambda: x.leaky_relu(0.2)}[kink]()
    compare_graph(f, [x])
    assert x.grad == (0.2 if kink == "leaky_relu" else 0.0)


@needs_torch
def test_shared_subexpressions_accumulate_like_chainrule():
    x = Value(0.3, label="x")
    q = x.sin() * x
    f = ag.sum([q, q * q, ag.dot([q, x], [x, q], 1.0)]).softplus()
    compare_graph(f, [x])


@needs_torch
@pytest.mark.parametrize("op", TABLE, ids=IDS)
@settings(max_examples=FEW)
@given(data=st.data())
def test_every_op_matches_torch_forward_and_gradient(op, data):
    f, inputs = op_function(op, data.draw(op_inputs(op)))
    xs = [Value(v) for v in inputs]
    compare_graph(f(*xs), xs)


@needs_torch
def test_every_op_in_the_table_has_a_torch_function():
    from autograd.torch_bridge import torch_function

    missing = []
    for op in TABLE:
        try:
            assert callable(torch_function(op))
        except NotImplementedError:
            missing.append(op.display("c"))
    assert not missing, f"ops with no PyTorch counterpart in autograd.to_torch: {missing}"


@needs_torch
def test_an_op_without_a_torch_function_is_named():
    frob = ops.Op(
        name="frobnicate",
        symbol="frob",
        kind=ops.UNARY,
        forward=lambda a: 2.0 * a,
        partials=lambda a, out: (2.0,),
        formulas=("2",),
        doc="2a",
    )
    f = Value(1.0).apply(frob)
    with pytest.raises(NotImplementedError, match="'frobnicate'"):
        ag.to_torch(f)
    with pytest.raises(TypeError, match="expects a Value, got float"):
        ag.to_torch(1.0)


@given(
    st.floats(-8.0, 8.0, allow_nan=False).filter(lambda n: n != 0.0) | st.sampled_from([0.0, 1.0]),
    st.floats(0.0, 1.0, allow_nan=False),
)
def test_family_parameters_are_read_back_exactly(n, alpha):
    from autograd.torch_bridge import leaky_relu_slope, power_exponent

    assert power_exponent(ops.power(n)) == n
    assert leaky_relu_slope(ops.leaky_relu(alpha)) == alpha


@needs_torch
@given(expressions())
def test_random_expressions_match_torch(expr):
    xs = [Value(v) for v in expr.inputs]
    compare_graph(expr(*xs), xs)


@needs_torch
@given(expressions(batch=4))
def test_random_batched_expressions_match_torch(expr):
    xs = [Value(v) for v in expr.inputs]
    compare_graph(expr(*xs), xs)


# ---- nn.to_torch / nn.from_torch -----------------------------------------------------------


@st.composite
def mlps(draw):
    """An MLP of 1–4 layers of width 1–8, random activations, weights and biases."""
    nin = draw(st.integers(1, 8))
    sizes = draw(st.lists(st.integers(1, 8), min_size=1, max_size=4))
    act, out_act = draw(st.sampled_from(ACTIVATIONS)), draw(st.sampled_from(ACTIVATIONS))
    seed = draw(st.integers(0, 2**32 - 1))
    model = nn.MLP(nin, sizes, activation=act, out_activation=out_act, seed=seed)
    rng = np.random.default_rng(seed)
    for name, p in model.named_parameters():
        if name.endswith(".b"):
            p.data = float(rng.uniform(-1.0, 1.0))  # biases start at 0: make them matter
    return model


def inputs_for(draw, nin):
    """One sample (1-D) or a batch of 1–5 (2-D), entries in [-3, 3]."""
    point = st.floats(-3.0, 3.0, allow_nan=False)
    if draw(st.booleans()):
        return np.array(draw(st.lists(point, min_size=nin, max_size=nin)))
    n = draw(st.integers(1, 5))
    rows = draw(st.lists(st.lists(point, min_size=nin, max_size=nin), min_size=n, max_size=n))
    return np.array(rows)


def torch_parameter(seq, name):
    """The torch tensor and index holding the nn parameter called ``name``."""
    linears = [m for m in seq.modules() if isinstance(m, torch.nn.Linear)]
    parts = name.split(".")
    i = int(parts[1]) if parts[0] == "layers" else 0
    parts = parts[2:] if parts[0] == "layers" else parts
    if parts[0] == "neurons":
        j, parts = int(parts[1]), parts[2:]
    else:
        j = 0
    if parts[0] == "A":  # nn.Linear: A.j.k and b.j
        return linears[0].weight, (int(parts[1]), int(parts[2]))
    if parts[0] == "b":
        return linears[i].bias, (int(parts[1]) if len(parts) > 1 else j,)
    return linears[i].weight, (j, int(parts[1]))


def compare_model(model, seq, X, output=None):
    """Forward and the gradients of a squared-error loss wrt every parameter, in both."""
    model.zero_grad()
    out = (output or model)(X)
    outs = [out] if isinstance(out, Value) else list(out)
    targets = np.linspace(-1.0, 1.0, len(outs))
    loss = ag.sum([(o - t) ** 2 for o, t in zip(outs, targets)]).batch_mean()
    loss.backward()
    seq.zero_grad()
    theirs = seq(torch.tensor(X))
    close(np.stack([np.asarray(o.data) for o in outs], axis=-1), theirs, "outputs")
    tloss = ((theirs - torch.tensor(targets)) ** 2).sum(-1).mean()
    tloss.backward()
    close(loss.data, tloss, "loss")
    for name, p in model.named_parameters():
        tensor, index = torch_parameter(seq, name)
        close(p.grad, tensor.grad[index], f"∂loss/∂{name}")


@needs_torch
@given(mlps(), st.data())
def test_random_mlps_match_torch_forward_and_gradients(model, data):
    seq = nn.to_torch(model)
    assert all(p.dtype == torch.float64 for p in seq.parameters())
    compare_model(model, seq, inputs_for(data.draw, model.nin))


@needs_torch
@given(mlps())
def test_mlps_round_trip_bit_for_bit(model):
    options = {"activation": model.activation} if len(model.sizes) == 1 else {}
    back = nn.from_torch(nn.to_torch(model), **options)
    assert type(back) is nn.MLP and back.config() == model.config()
    assert bits(back) == bits(model)


def bits(model):
    return {k: v.hex() for k, v in model.state_dict().items()}


def other_models():
    rng = np.random.default_rng(7)
    models = [
        nn.Layer(3, 4, "tanh", seed=1),
        nn.Layer(2, 1, "leaky_relu", seed=2),
        nn.Neuron(5, "sigmoid", seed=3),
        nn.Neuron(1, "linear", seed=4),
        nn.Linear(3, 2, init="xavier", seed=5),
        nn.Linear(4, 3, bias=True, init="xavier", seed=6),
        nn.Perceptron(3),
    ]
    for m in models:
        for p in m.parameters():
            p.data = float(rng.uniform(-1.0, 1.0))
        m.parameters()[-1].data = -0.0  # bit for bit: the sign of zero survives too
    return models


def test_every_exported_model_class_has_a_torch_mapping():
    from nn.torch_bridge import MODELS

    exported = {
        getattr(nn, name)
        for name in nn.__all__
        if isinstance(getattr(nn, name), type)
        and issubclass(getattr(nn, name), nn.Module)
        and getattr(nn, name) is not nn.Module
    }
    assert exported == set(MODELS)


@needs_torch
@pytest.mark.parametrize("model", other_models(), ids=repr)
def test_layers_neurons_linear_and_perceptron_match_torch(model):
    seq = nn.to_torch(model)
    X = np.random.default_rng(0).uniform(-3.0, 3.0, size=(6, model.nin))
    score = model.score if isinstance(model, nn.Perceptron) else None  # torch has no step
    compare_model(model, seq, X, output=score)
    compare_model(model, seq, X[0], output=score)
    back = nn.from_torch(seq, into=type(model))
    assert type(back) is type(model) and back.config() == model.config()
    assert bits(back) == bits(model)


@needs_torch
def test_the_mapping_of_each_model():
    describe = lambda m: [type(layer).__name__ for layer in nn.to_torch(m)]  # noqa: E731
    assert describe(nn.MLP(2, [3, 1], seed=0)) == ["Linear", "ReLU", "Linear"]
    assert describe(nn.MLP(2, [3, 1], "tanh", "sigmoid", seed=0)) == [
        "Linear", "Tanh", "Linear", "Sigmoid"
    ]  # fmt: skip
    assert describe(nn.Neuron(2, "leaky_relu")) == ["Linear", "LeakyReLU"]
    assert nn.to_torch(nn.Neuron(2, "leaky_relu"))[1].negative_slope == 0.01
    assert describe(nn.Perceptron(2)) == ["Linear"]
    linear = nn.to_torch(nn.Linear(3, 2))[0]
    assert linear.bias is None and linear.weight.shape == (2, 3)


def test_every_nn_activation_has_a_torch_layer_and_leaky_relu_slopes_agree():
    from nn.torch_bridge import LEAKY_SLOPE, TORCH_ACTIVATIONS

    assert set(TORCH_ACTIVATIONS) == set(nn.ACTIVATIONS)
    assert inspect.signature(Value.leaky_relu).parameters["alpha"].default == LEAKY_SLOPE
    assert nn.ACTIVATIONS["leaky_relu"](Value(-1.0)).data == -LEAKY_SLOPE


@needs_torch
def test_to_torch_copies_weights_and_leaves_torch_random_state_alone():
    model = nn.MLP(2, [3, 1], seed=0)
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    seq = nn.to_torch(model)
    assert torch.equal(torch.rand(3), expected)
    with torch.no_grad():
        seq[0].weight.add_(1.0)
    assert nn.from_torch(seq).state_dict() != model.state_dict()
    assert model.layers[0].neurons[0].w[0].data == seq[0].weight[0, 0].item() - 1.0


@needs_torch
def test_from_torch_reads_float32_weights_exactly():
    torch.manual_seed(0)
    seq = torch.nn.Sequential(
        torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 2), torch.nn.Sigmoid()
    )
    model = nn.from_torch(seq)
    assert model.config() == nn.MLP(3, [5, 2], "tanh", "sigmoid").config()
    w = seq[2].weight.detach().numpy()
    assert model.layers[1].neurons[1].w[4].data == float(w[1, 4])  # float32 → float exactly
    assert {type(v) for v in model.state_dict().values()} == {float}
    compare_model(model, seq.double(), np.random.default_rng(1).normal(size=(4, 3)))


@needs_torch
def test_from_torch_flattens_nested_sequentials_and_skips_identity():
    seq = torch.nn.Sequential(
        torch.nn.Identity(),
        torch.nn.Sequential(torch.nn.Linear(2, 3, dtype=torch.float64), torch.nn.Identity()),
        torch.nn.ReLU(),
        torch.nn.Sequential(torch.nn.Linear(3, 1, dtype=torch.float64)),
    )
    model = nn.from_torch(seq)
    assert model.config() == nn.MLP(2, [3, 1]).config()
    compare_model(model, seq, np.array([[0.5, -1.0], [2.0, 0.25]]))


@needs_torch
def test_a_single_torch_linear_and_the_default_class():
    assert type(nn.from_torch(torch.nn.Linear(3, 2, bias=False))) is nn.Linear
    assert type(nn.from_torch(torch.nn.Linear(3, 2))) is nn.MLP
    back = nn.from_torch(torch.nn.Linear(3, 2), into=nn.Linear)
    assert back.config() == nn.Linear(3, 2, bias=True).config()


@needs_torch
def test_from_torch_passes_options_the_layers_do_not_determine():
    seq = nn.to_torch(nn.MLP(2, [4, 1], "tanh", seed=0))
    model = nn.from_torch(seq, fused=False, name="net")
    assert model.config()["fused"] is False and model.name == "net"
    with pytest.raises(ValueError, match="reads activation, nin from the torch layers"):
        nn.from_torch(seq, nin=2, activation="relu")
    with pytest.raises(TypeError, match="unexpected keyword argument 'fused'"):
        nn.from_torch(nn.to_torch(nn.Perceptron(2)), into=nn.Perceptron, fused=False)


def unsupported_cases():
    L = torch.nn.Linear
    return [
        (torch.nn.Sequential(L(4, 4), torch.nn.Dropout(0.5)), TypeError, r"'1' \(Dropout"),
        (torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3)), TypeError, r"'0' \(Conv2d"),
        (torch.nn.Sequential(L(2, 2), torch.nn.GELU()), TypeError, "GELU.*no counterpart in nn"),
        (torch.nn.Sequential(L(2, 2), torch.nn.Softmax(dim=-1)), TypeError, "Softmax"),
        (torch.nn.Sequential(L(2, 2), torch.nn.LeakyReLU(0.2)), ValueError, "slope 0.01, not 0.2"),
        (torch.nn.Sequential(L(2, 3, bias=False), L(3, 1)), ValueError, "bias=False.*no bias"),
        (torch.nn.Sequential(torch.nn.ReLU(), L(2, 1)), ValueError, "ReLU.*before any Linear"),
        (
            torch.nn.Sequential(L(2, 2), torch.nn.ReLU(), torch.nn.Tanh()),
            ValueError,
            r"'2' \(Tanh\(\)\) follows another activation",
        ),
        (torch.nn.Sequential(L(2, 3), L(4, 1)), ValueError, "takes 4 inputs but.*gives 3"),
        (
            torch.nn.Sequential(L(2, 3), torch.nn.ReLU(), L(3, 3), torch.nn.Tanh(), L(3, 1)),
            ValueError,
            "one activation for every hidden layer",
        ),
        (torch.nn.Sequential(), ValueError, "at least one Linear"),
        (torch.nn.ReLU(), TypeError, "reads a torch.nn.Sequential.*got ReLU"),
        (torch.nn.Sequential(L(2, 2, dtype=torch.float64)).apply(nan_weights), ValueError, "NaN"),
    ]


def nan_weights(module):
    if isinstance(module, torch.nn.Linear):
        with torch.no_grad():
            module.weight[0, 0] = float("nan")


@needs_torch
def test_unsupported_layers_raise_naming_the_layer():
    for seq, error, message in unsupported_cases():
        with pytest.raises(error, match=message):
            nn.from_torch(seq)


@needs_torch
def test_a_class_that_cannot_hold_the_sequential_is_refused():
    two = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    one = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())
    cases = [
        (two, nn.Layer, "nn.Layer is one layer, but the Sequential has 2 Linear layers"),
        (one, nn.Neuron, "nn.Neuron has one output"),
        (one, nn.Linear, r"nn.Linear has no activation, but layer '1' \(ReLU\(\)\)"),
        (torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.Sigmoid()), nn.Perceptron, "score"),
    ]
    for seq, into, message in cases:
        with pytest.raises(ValueError, match=message):
            nn.from_torch(seq, into=into)
    with pytest.raises(TypeError, match=r"into must be one of nn\.MLP"):
        nn.from_torch(two, into=nn.Module)


@needs_torch
def test_to_torch_refuses_a_module_it_cannot_map():
    class Doubler(nn.Module):
        def forward(self, x):
            return [2 * v for v in x]

    with pytest.raises(TypeError, match=r"converts nn\.MLP.*got Doubler"):
        nn.to_torch(Doubler())


@needs_torch
def test_the_readme_section_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Moving on to PyTorch", 1)[1].split("\n## ", 1)[0]
    # ```py, not ```python: tests/test_readme.py runs every ```python block, without torch too
    blocks = re.findall(r"```py\n(.*?)```", section, re.S)
    assert blocks
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "<README.md: Moving on to PyTorch>", "exec"), namespace)
