"""``to_torch`` / ``from_torch``: carry a model to PyTorch and back, weights bit for bit.

=========================  =============================================================
chainrule                  ``torch.nn.Sequential`` (float64)
=========================  =============================================================
``MLP(nin, [h, …, k])``    ``Linear(nin, h), act, …, Linear(·, k), out_act``
``Layer``, ``Neuron``      ``Linear(nin, nout)`` (``nout`` = 1 for a neuron), ``act``
``Linear(bias=…)``         ``Linear(nin, nout, bias=…)`` (``y = A x (+ b)``, weight ``A``)
``Perceptron``             ``Linear(nin, 1)``: the score ``w·x + b`` (torch has no step
                           layer; its prediction is ``score > 0``)
activations                ``relu`` ReLU, ``tanh`` Tanh, ``sigmoid`` Sigmoid,
                           ``leaky_relu`` LeakyReLU(0.01), ``linear`` nothing
=========================  =============================================================

PyTorch is optional (``pip install 'chainrule[torch]'``): it is imported only when
one of these functions is called, never by ``import nn``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from autograd.torch_bridge import require_torch
from nn.layer import Layer
from nn.linear import Linear
from nn.mlp import MLP
from nn.module import Module
from nn.neuron import Neuron
from nn.perceptron import Perceptron

if TYPE_CHECKING:
    import torch

LEAKY_SLOPE = 0.01
"""The negative slope of ``nn``'s ``leaky_relu`` activation (``Value.leaky_relu``'s default)."""

TORCH_ACTIVATIONS = {
    "relu": "ReLU",
    "tanh": "Tanh",
    "sigmoid": "Sigmoid",
    "leaky_relu": "LeakyReLU",
    "linear": None,
}
"""Each ``nn`` activation and the ``torch.nn`` layer it becomes (``linear``: no layer)."""

MODELS = (MLP, Layer, Neuron, Linear, Perceptron)
"""The ``nn`` modules that have a ``torch.nn.Sequential`` counterpart."""

_SUPPORTED = (
    "Linear, ReLU, Tanh, Sigmoid, LeakyReLU(negative_slope=0.01), Identity"
    " (and Sequential containers of them)"
)


# ---- nn → torch ----------------------------------------------------------------------------


def to_torch(model: Module) -> torch.nn.Sequential:
    """``model`` as a float64 ``torch.nn.Sequential`` with the same weights and activations.

    See the module docstring for the mapping. The weights are copies (training
    one model leaves the other as it was), and torch's random state is not
    touched. Raises TypeError for a module with no torch counterpart.
    """
    if not isinstance(model, MODELS):
        raise TypeError(
            f"nn.to_torch converts {', '.join('nn.' + m.__name__ for m in MODELS)};"
            f" got {type(model).__name__}"
        )
    torch = require_torch("nn.to_torch")
    layers: list[Any] = []
    if isinstance(model, MLP):
        for layer in model.layers:
            _append(torch, layers, _rows(layer.neurons), _biases(layer.neurons), layer.activation)
    elif isinstance(model, Layer):
        _append(torch, layers, _rows(model.neurons), _biases(model.neurons), model.activation)
    elif isinstance(model, Neuron):
        _append(torch, layers, _rows([model]), _biases([model]), model.activation)
    elif isinstance(model, Perceptron):
        _append(torch, layers, _rows([model]), _biases([model]), "linear")
    else:  # nn.Linear
        matrix = [[float(p.data) for p in row] for row in model.A]
        bias = [float(b.data) for b in model.b] if model.b else None
        _append(torch, layers, matrix, bias, "linear")
    return torch.nn.Sequential(*layers)


def _rows(neurons: Any) -> list[list[float]]:
    return [[float(w.data) for w in n.w] for n in neurons]


def _biases(neurons: Any) -> list[float]:
    return [float(n.b.data) for n in neurons]


def _append(
    torch: Any, layers: list[Any], weight: list[list[float]], bias: list[float] | None, act: str
) -> None:
    """Add ``Linear`` (weight ``(nout, nin)``, optional bias) and the activation's layer."""
    nout, nin = len(weight), len(weight[0])
    f64 = torch.float64
    linear = torch.nn.utils.skip_init(
        torch.nn.Linear, nin, nout, bias=bias is not None, dtype=f64
    )  # no random initialisation: torch's random state stays as it was
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(weight, dtype=f64))
        if bias is not None:
            linear.bias.copy_(torch.tensor(bias, dtype=f64))
    layers.append(linear)
    if act not in TORCH_ACTIVATIONS:
        raise ValueError(f"activation {act!r} has no torch layer in nn.to_torch")
    name = TORCH_ACTIVATIONS[act]
    if name == "LeakyReLU":
        layers.append(torch.nn.LeakyReLU(LEAKY_SLOPE))
    elif name is not None:
        layers.append(getattr(torch.nn, name)())


# ---- torch → nn ----------------------------------------------------------------------------


class _Dense:
    """One torch ``Linear`` (weights read into plain floats) and the activation after it."""

    def __init__(self, torch: Any, name: str, linear: Any) -> None:
        self.name, self.linear = name, linear
        self.nin, self.nout = int(linear.in_features), int(linear.out_features)
        self.weight: list[list[float]] = _floats(torch, linear.weight, self, "weight")
        self.bias: list[float] | None = None
        if linear.bias is not None:
            self.bias = _floats(torch, linear.bias, self, "bias")
        self.activation = "linear"
        self.act_layer: str = ""  # the description of the activation layer, if any

    def describe(self) -> str:
        return _describe(self.name, self.linear)


def from_torch(
    sequential: torch.nn.Module, into: type[Module] | None = None, **options: Any
) -> Module:
    """The ``nn`` model computing what ``sequential`` computes, its weights as exact floats.

    ``sequential`` is a ``torch.nn.Sequential`` (nested ones are read in order)
    or a single ``torch.nn.Linear``, of ``Linear`` layers each followed by at most
    one of ReLU, Tanh, Sigmoid, LeakyReLU(0.01); Identity layers are skipped.
    Weights of any floating dtype (float32, float64, …) become Python floats exactly.

    ``into`` picks the class: by default an :class:`~nn.MLP`, or an
    :class:`~nn.Linear` for one bias-free Linear; ``nn.Layer``, ``nn.Neuron``,
    ``nn.Linear`` and ``nn.Perceptron`` (one ``Linear(nin, 1)``, no activation: its
    score) take a single Linear. ``options`` go to the constructor for what the
    torch layers do not say (``fused``, ``name``; the hidden activation of a
    one-layer MLP, which no layer shows and which otherwise comes back as relu).

    Raises TypeError naming a layer with no ``nn`` counterpart (Conv2d, Dropout, an
    activation ``nn`` lacks, ...) and ValueError naming one ``nn`` cannot arrange
    that way (a LeakyReLU of another slope, a bias-free Linear in an MLP, an
    activation first or twice in a row, hidden activations that differ).
    """
    torch = require_torch("nn.from_torch")
    if into is not None and not (isinstance(into, type) and issubclass(into, MODELS)):
        raise TypeError(
            f"into must be one of {', '.join('nn.' + m.__name__ for m in MODELS)}, got {into!r}"
        )
    dense = _read(torch, sequential)
    if into is None:
        single = len(dense) == 1 and dense[0].bias is None and dense[0].activation == "linear"
        into = Linear if single else MLP
    config, state = _arrange(dense, into)
    clash = sorted(set(options) & set(config))
    if clash:
        raise ValueError(
            f"nn.from_torch reads {', '.join(clash)} from the torch layers;"
            f" do not pass {'it' if len(clash) == 1 else 'them'} as an option"
        )
    model = into(**config, **options)
    model.load_state_dict(state)
    return model


def _describe(name: str, layer: Any) -> str:
    return f"layer {name!r} ({layer!r})"


def _floats(torch: Any, tensor: Any, dense: _Dense, what: str) -> Any:
    """A parameter as nested Python floats (exact: every float dtype widens to float64)."""
    if not tensor.is_floating_point():
        raise TypeError(
            f"{dense.describe()}: its {what} must be floating point, got {tensor.dtype}"
        )
    values = tensor.detach().to(device="cpu", dtype=torch.float64)
    if not bool(torch.isfinite(values).all()):
        raise ValueError(f"{dense.describe()}: its {what} holds NaN or inf")
    return values.tolist()


def _flatten(torch: Any, module: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    for name, child in module.named_children():
        path = f"{prefix}.{name}" if prefix else name
        if type(child) is torch.nn.Sequential:
            yield from _flatten(torch, child, path)
        else:
            yield path, child


def _activation(torch: Any, name: str, layer: Any) -> str | None:
    """The ``nn`` activation a torch layer is, None for a Linear; raise for anything else."""
    kind = type(layer)
    if kind is torch.nn.Linear:
        return None
    for act, torch_name in TORCH_ACTIVATIONS.items():
        if torch_name is not None and kind is getattr(torch.nn, torch_name):
            if act == "leaky_relu" and float(layer.negative_slope) != LEAKY_SLOPE:
                raise ValueError(
                    f"{_describe(name, layer)}: nn's leaky_relu has negative slope"
                    f" {LEAKY_SLOPE}, not {layer.negative_slope}"
                )
            return act
    if kind is torch.nn.Identity:
        return "linear"
    raise TypeError(
        f"{_describe(name, layer)} has no counterpart in nn; nn.from_torch reads {_SUPPORTED}"
    )


def _read(torch: Any, sequential: Any) -> list[_Dense]:
    """The Linear layers of ``sequential``, each with the activation that follows it."""
    if type(sequential) is torch.nn.Linear:
        return [_Dense(torch, "0", sequential)]
    if not isinstance(sequential, torch.nn.Sequential):
        raise TypeError(
            "nn.from_torch reads a torch.nn.Sequential (or a single torch.nn.Linear),"
            f" got {type(sequential).__name__}; a module with its own forward() cannot"
            " be read layer by layer"
        )
    dense: list[_Dense] = []
    for name, layer in _flatten(torch, sequential, ""):
        act = _activation(torch, name, layer)
        if type(layer) is torch.nn.Identity:
            continue  # computes nothing
        if act is None:  # a Linear
            if dense and dense[-1].nout != layer.in_features:
                raise ValueError(
                    f"{_describe(name, layer)} takes {layer.in_features} inputs but"
                    f" {dense[-1].describe()} gives {dense[-1].nout}"
                )
            dense.append(_Dense(torch, name, layer))
        elif not dense:
            raise ValueError(
                f"{_describe(name, layer)} comes before any Linear; in nn an activation"
                " follows a Linear (a neuron's act(w·x + b))"
            )
        elif dense[-1].act_layer:
            raise ValueError(
                f"{_describe(name, layer)} follows another activation,"
                f" {dense[-1].act_layer}; nn applies one activation per layer"
            )
        else:
            dense[-1].activation, dense[-1].act_layer = act, _describe(name, layer)
    if not dense:
        raise ValueError("nn.from_torch needs at least one Linear layer; the Sequential has none")
    return dense


def _arrange(dense: list[_Dense], into: type[Module]) -> tuple[dict[str, Any], dict[str, float]]:
    """The constructor config and the state dict of ``into`` holding ``dense``."""
    what = f"nn.{into.__name__}"
    if not issubclass(into, MLP) and len(dense) > 1:
        raise ValueError(
            f"{what} is one layer, but the Sequential has {len(dense)} Linear layers"
            f" ({dense[1].describe()} is the second); use nn.MLP"
        )
    first = dense[0]
    if issubclass(into, Linear):
        if first.activation != "linear":
            raise ValueError(
                f"nn.Linear has no activation, but {first.act_layer}"
                " follows the Linear; use nn.Layer or nn.MLP"
            )
        state = {f"A.{j}.{i}": w for j, row in enumerate(first.weight) for i, w in enumerate(row)}
        if first.bias is not None:
            state.update({f"b.{j}": b for j, b in enumerate(first.bias)})
        return {"nin": first.nin, "nout": first.nout, "bias": first.bias is not None}, state
    for d in dense:
        if d.bias is None:
            raise ValueError(
                f"{d.describe()} has no bias, but every {what} neuron has one;"
                " only nn.Linear(bias=False) has none (one Linear, no activation)"
            )
    if issubclass(into, (Neuron, Perceptron)) and first.nout != 1:
        raise ValueError(f"{what} has one output, but {first.describe()} has {first.nout}")
    if issubclass(into, Perceptron):
        if first.activation != "linear":
            raise ValueError(
                f"nn.Perceptron reads its score w·x + b from one Linear(nin, 1), but"
                f" {first.act_layer} follows it"
            )
        return {"nin": first.nin}, _neuron_state(first, 0, "")
    if issubclass(into, Neuron):
        return {"nin": first.nin, "activation": first.activation}, _neuron_state(first, 0, "")
    if issubclass(into, Layer):
        state = _layer_state(first, "neurons.")
        return {"nin": first.nin, "nout": first.nout, "activation": first.activation}, state
    hidden = dense[:-1]
    for d in hidden[1:]:
        if d.activation != hidden[0].activation:
            raise ValueError(
                f"the activation after {d.describe()} is {d.activation}, after"
                f" {hidden[0].describe()} {hidden[0].activation}: nn.MLP uses one activation"
                " for every hidden layer"
            )
    config: dict[str, Any] = {"nin": first.nin, "sizes": [d.nout for d in dense]}
    if hidden:
        config["activation"] = hidden[0].activation
    config["out_activation"] = dense[-1].activation
    state = {}
    for i, d in enumerate(dense):
        state.update(_layer_state(d, f"layers.{i}.neurons."))
    return config, state


def _neuron_state(d: _Dense, j: int, prefix: str) -> dict[str, float]:
    state = {f"{prefix}w.{i}": w for i, w in enumerate(d.weight[j])}
    state[f"{prefix}b"] = d.bias[j] if d.bias is not None else 0.0
    return state


def _layer_state(d: _Dense, prefix: str) -> dict[str, float]:
    state: dict[str, float] = {}
    for j in range(d.nout):
        state.update(_neuron_state(d, j, f"{prefix}{j}."))
    return state
