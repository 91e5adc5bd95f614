"""copy.copy, copy.deepcopy and pickle: a model rebuilt from its config and state, not its graph."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import nn
from autograd import Value

MODELS: dict[str, Callable[[], nn.Module]] = {
    "Neuron": lambda: nn.Neuron(3, "tanh", seed=0, fused=False, name="cell"),
    "Layer": lambda: nn.Layer(3, 2, "leaky_relu", seed=1),
    "MLP": lambda: nn.MLP(3, [4, 2], activation="tanh", out_activation="sigmoid", seed=2),
    "Perceptron": lambda: nn.Perceptron(3, name="p"),
    "Linear": lambda: nn.Linear(3, 2, bias=True, init="xavier", seed=3),
}


def pickled(protocol: int) -> Callable[[Any], Any]:
    return lambda model: pickle.loads(pickle.dumps(model, protocol=protocol))


COPIES: dict[str, Callable[[Any], Any]] = {
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
    **{f"pickle{k}": pickled(k) for k in range(pickle.HIGHEST_PROTOCOL + 1)},
}


def test_every_exported_model_class_is_covered() -> None:
    exported = {
        name
        for name in nn.__all__
        if isinstance(getattr(nn, name), type)
        and issubclass(getattr(nn, name), nn.Module)
        and getattr(nn, name) is not nn.Module
    }
    assert exported == set(MODELS)


def trained(make: Callable[[], nn.Module]) -> nn.Module:
    """A model with awkward parameters (-0.0, values that are not short decimals) and gradients."""
    model = make()
    for i, p in enumerate(model.parameters()):
        p.data = float(np.nextafter(0.1 * i + 1 / 3, np.inf))
    model.parameters()[0].data = -0.0
    score = model.score if isinstance(model, nn.Perceptron) else model
    out = score(np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]]))
    total = sum(out[1:], out[0]) if isinstance(out, list) else out
    total.backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    return model


def bits(model: nn.Module) -> bytes:
    return np.array([p.data for p in model.parameters()], dtype=np.float64).tobytes()


@pytest.mark.parametrize("how", COPIES)
@pytest.mark.parametrize("kind", MODELS)
def test_a_copy_has_the_same_architecture_and_exact_parameters(kind: str, how: str) -> None:
    model = trained(MODELS[kind])
    grads = [p.grad for p in model.parameters()]
    clone = COPIES[how](model)
    assert type(clone) is type(model) and clone.config() == model.config()
    assert bits(clone) == bits(model)  # bit for bit, the sign of zero included
    assert [(n, p.label, p.group) for n, p in clone.named_parameters()] == [
        (n, p.label, p.group) for n, p in model.named_parameters()
    ]
    x = np.random.default_rng(0).normal(size=(4, 3))
    assert np.array_equal(clone.predict(x), model.predict(x))
    # gradients: the copy starts at zero, the original keeps its own
    assert all(p.grad == 0.0 for p in clone.parameters())
    assert [p.grad for p in model.parameters()] == grads


@pytest.mark.parametrize("how", COPIES)
@pytest.mark.parametrize("kind", MODELS)
def test_a_copy_is_independent(kind: str, how: str) -> None:
    model = trained(MODELS[kind])
    clone = COPIES[how](model)
    assert not {id(p) for p in clone.parameters()} & {id(p) for p in model.parameters()}
    before = bits(model)
    for p in clone.parameters():
        p.data = 7.0
        p.grad = 1.0
    assert bits(model) == before
    clone_before = bits(clone)
    for p in model.parameters():
        p.data = -7.0
    assert bits(clone) == clone_before


def test_deepcopy_keeps_shared_models_shared() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    first, second = copy.deepcopy([model, model])
    assert first is second and first is not model


def test_the_copy_trains_like_the_original() -> None:
    X, y = nn.data.xor(40, seed=0)
    model = nn.MLP(2, [4, 1], seed=0)
    clone = pickle.loads(pickle.dumps(model))
    for m in (model, clone):
        nn.fit(m, "binary_cross_entropy", (X, y), epochs=5, optimizer=nn.SGD(m, lr=0.1),
               progress=False)  # fmt: skip
    assert bits(clone) == bits(model)


class Untyped(nn.Module):
    """A user module with no config(): copied attribute by attribute, as before."""

    def __init__(self) -> None:
        self.nin = 1
        self.w = Value(2.0, label="w")

    def forward(self, x: Any) -> Value:
        return self.w * x


class FixedMLP(nn.MLP):
    """A subclass whose constructor does not take its (inherited) config."""

    def __init__(self) -> None:
        super().__init__(2, [1], seed=0)


def test_modules_without_their_own_config() -> None:
    model = Untyped()
    clone = copy.deepcopy(model)
    assert clone.w is not model.w and clone.w.data == 2.0
    with pytest.raises(TypeError, match=r"cannot rebuild FixedMLP from its config\(\)"):
        copy.deepcopy(FixedMLP())
