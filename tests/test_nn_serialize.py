"""save/load: exact round trips, and every kind of bad file leaves the model untouched."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn


def weights(model: nn.Module) -> list[float]:
    return [p.data for p in model.parameters()]


MODELS = [
    lambda: nn.MLP(3, [4, 4, 2], activation="tanh", out_activation="sigmoid", seed=0, name="net"),
    lambda: nn.MLP(2, [1], seed=1, fused=False),
    lambda: nn.Layer(2, 3, "leaky_relu", seed=2),
    lambda: nn.Neuron(4, "linear", seed=3),
    lambda: nn.Linear(3, 2, bias=True, init="xavier", seed=4),
    lambda: nn.Perceptron(5),
]


@pytest.mark.parametrize("make", MODELS)
def test_round_trip_is_bit_exact(make, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    model = make()
    for p in model.parameters():  # values that are not short decimals
        p.data = float(np.nextafter(p.data + 1 / 3, np.inf))
    model.parameters()[0].data = -0.0
    path = tmp_path / "model.json"
    nn.save(model, path)
    loaded = nn.load(path)
    assert type(loaded) is type(model) and loaded.config() == model.config()
    a, b = np.array(weights(model)), np.array(weights(loaded))
    assert a.tobytes() == b.tobytes()  # bit for bit, sign of zero included
    x = np.random.default_rng(0).normal(size=(3, model.nin))
    assert np.array_equal(loaded.predict(x), model.predict(x))
    into = make()
    assert nn.load(path, into=into) is into and weights(into) == weights(loaded)


@settings(max_examples=50, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_any_finite_float_survives(value: float) -> None:
    import tempfile

    model = nn.Neuron(1, "linear")
    model.w[0].data = value
    with tempfile.TemporaryDirectory() as d:
        nn.save(model, Path(d) / "m.json")
        got = nn.load(Path(d) / "m.json").w[0].data
    assert np.float64(got).tobytes() == np.float64(value).tobytes()


def test_the_file_is_plain_json(tmp_path: Path) -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    nn.save(model, tmp_path / "m.json")
    doc = json.loads((tmp_path / "m.json").read_text())
    assert doc["format"] == "chainrule.nn" and doc["version"] == 1
    assert doc["architecture"] == {"class": "MLP", "config": model.config()}
    assert list(doc["parameters"]) == [n for n, _ in model.named_parameters()]


NAME = "layers.0.neurons.0.w.0"


def rewrite(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


def corruptions(text: str) -> list[tuple[str, bytes, str]]:
    """Ways to damage a saved file: (name, new content, expected error message)."""
    digit = next(i for i, ch in enumerate(text) if ch.isdigit() and text[i - 1] in "0123456789.")
    flipped = "1" if text[digit] != "1" else "2"
    return [
        ("truncated", text[: len(text) // 2].encode(), "not valid JSON"),
        ("empty", b"", "not valid JSON"),
        ("binary", b"\x89PNG\r\n\x1a\n\xff\xfe", "not a text"),
        ("one digit changed", (text[:digit] + flipped + text[digit + 1 :]).encode(), "checksum"),
    ]


def test_every_corruption_is_a_clear_error_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    source = nn.MLP(2, [3, 1], seed=0)
    target = nn.MLP(2, [3, 1], seed=9)
    before = weights(target)
    checks = [
        (lambda: path.write_text(path.read_text()[:-40]), "not valid JSON"),
        (lambda: path.write_text("[1, 2]"), "not a chainrule model"),
        (lambda: rewrite(path, lambda d: d.update(version=2)), "version 2"),
        (lambda: rewrite(path, lambda d: d.pop("sha256")), "sha256"),
        (lambda: rewrite(path, lambda d: d["parameters"].update(extra=1.0)), "checksum"),
        (
            lambda: rewrite(path, lambda d: d["architecture"].update({"class": "os.system"})),
            "checksum",
        ),
        (lambda: rewrite(path, lambda d: d["parameters"].update({NAME: float("nan")})), "NaN"),
        (lambda: rewrite(path, lambda d: d["parameters"].update({NAME: 1e999})), "Infinity"),
    ]
    for damage, message in checks:
        nn.save(source, path)
        damage()
        for into in (target, None):
            with pytest.raises(nn.SerializationError, match=message):
                nn.load(path, into=into)
        assert weights(target) == before
    nn.save(source, path)
    for name, content, message in corruptions(path.read_text()):
        path.write_bytes(content)
        with pytest.raises(nn.SerializationError, match=message):
            nn.load(path, into=target)
        assert weights(target) == before, name


def test_wrong_architecture_or_shape_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    nn.save(nn.MLP(2, [3, 1], seed=0), path)
    for other in (nn.MLP(2, [4, 1], seed=1), nn.MLP(3, [3, 1], seed=1), nn.Layer(2, 3, seed=1)):
        before = weights(other)
        with pytest.raises(nn.SerializationError, match="does not match"):
            nn.load(path, into=other)
        assert weights(other) == before


def test_a_consistent_file_with_wrong_parameters_is_rejected(tmp_path: Path) -> None:
    """Even with a matching checksum: missing parameters and unknown classes are errors."""
    from nn.serialize import _digest

    path = tmp_path / "m.json"
    nn.save(nn.MLP(2, [3, 1], seed=0), path)

    def forge(d: dict) -> None:  # type: ignore[type-arg]
        d["parameters"].pop("layers.1.neurons.0.b")
        d["sha256"] = _digest(d["architecture"], d["parameters"])

    rewrite(path, forge)
    target = nn.MLP(2, [3, 1], seed=5)
    before = weights(target)
    with pytest.raises(nn.SerializationError, match=r"missing 'layers.1.neurons.0.b'"):
        nn.load(path, into=target)
    assert weights(target) == before

    def unknown(d: dict) -> None:  # type: ignore[type-arg]
        d["architecture"]["class"] = "Pickle"
        d["sha256"] = _digest(d["architecture"], d["parameters"])

    rewrite(path, unknown)
    with pytest.raises(nn.SerializationError, match="unknown model class 'Pickle'"):
        nn.load(path)


def test_missing_file_and_non_finite_parameters(tmp_path: Path) -> None:
    with pytest.raises(nn.SerializationError, match="does not exist"):
        nn.load(tmp_path / "nope.json")
    model = nn.Neuron(2)
    model.b.data = float("inf")
    with pytest.raises(ValueError, match="non-finite"):
        nn.save(model, tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()
    with pytest.raises(TypeError, match=r"nn.Module"):
        nn.save(object(), tmp_path / "m.json")  # type: ignore[arg-type]


def test_unreadable_paths_are_serialization_errors(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A directory, a permission problem or any other OS error: SerializationError, no change."""
    target = nn.MLP(2, [3, 1], seed=9)
    before = weights(target)
    for into in (target, None):
        with pytest.raises(nn.SerializationError, match="is a directory"):
            nn.load(tmp_path, into=into)
    nn.save(nn.MLP(2, [3, 1], seed=0), tmp_path / "m.json")
    with pytest.raises(nn.SerializationError, match="is not a directory"):
        nn.load(tmp_path / "m.json" / "inner.json", into=target)
    with pytest.raises(nn.SerializationError, match="null"):
        nn.load(str(tmp_path / "m\0.json"), into=target)

    def refuse(self: Path, *args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_text", refuse)
    with pytest.raises(nn.SerializationError, match="permission denied"):
        nn.load(tmp_path / "m.json", into=target)
    assert weights(target) == before


def test_deeply_nested_json_is_a_serialization_error(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(nn.SerializationError, match="not valid JSON"):
        nn.load(path)


def forged(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Edit the file and fix its checksum, as a careless hand edit with a recomputed hash would."""
    from nn.serialize import _digest

    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        change(doc)
        doc["sha256"] = _digest(doc["architecture"], doc["parameters"])

    rewrite(path, edit)


def config(**entries: object):  # type: ignore[no-untyped-def]
    return lambda doc: doc["architecture"]["config"].update(entries)


@pytest.mark.parametrize(
    ("make", "change", "message"),
    [
        (MODELS[0], config(fused="no"), r"'fused' must be true or false, got \"no\""),
        (MODELS[0], config(fused=0), r"'fused' must be true or false, got 0"),
        (MODELS[0], config(name=5), r"'name' must be a string, got 5"),
        (MODELS[0], config(name=None), r"'name' must be a string, got null"),
        (MODELS[0], config(activation=1), r"'activation' must be a string, got 1"),
        (MODELS[0], config(out_activation=None), r"'out_activation' must be a string"),
        (MODELS[0], config(nin=True), r"'nin' must be a positive integer, got true"),
        (MODELS[0], config(nin=3.0), r"'nin' must be a positive integer, got 3.0"),
        (MODELS[0], config(nin=0), r"'nin' must be a positive integer, got 0"),
        (MODELS[0], config(sizes=[4, "4", 2]), r"'sizes' must be a non-empty list of positive"),
        (MODELS[0], config(sizes=[]), r"'sizes' must be a non-empty list of positive"),
        (MODELS[0], config(sizes=2), r"'sizes' must be a non-empty list of positive"),
        (MODELS[4], config(bias="yes"), r"'bias' must be true or false, got \"yes\""),
        (MODELS[4], config(nout=[2]), r"'nout' must be a positive integer, got \[2\]"),
        (MODELS[5], config(name=["x"]), r"'name' must be a string"),
    ],
)
def test_config_values_are_type_checked(make, change, message, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "m.json"
    nn.save(make(), path)
    forged(path, change)
    target = make()
    before = weights(target)
    for into in (None, target):
        with pytest.raises(nn.SerializationError, match=message):
            nn.load(path, into=into)
    assert weights(target) == before


@pytest.mark.parametrize(
    ("version", "message"),
    [(True, "got true"), (1.0, "got 1.0"), ("1", 'got "1"'), (None, "got null"), (2, "version 2")],
)
def test_the_version_must_be_the_integer_one(version, message, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "m.json"
    nn.save(nn.Neuron(2, seed=0), path)
    rewrite(path, lambda d: d.update(version=version))
    with pytest.raises(nn.SerializationError, match=message):
        nn.load(path)


def test_any_constructor_error_is_a_serialization_error(tmp_path: Path) -> None:
    """Entries save never writes but a constructor takes (fan_out, seed) cannot escape as-is."""
    path = tmp_path / "m.json"
    for entries in ({"fan_out": -2}, {"seed": -1}, {"init": "glorot"}, {"colour": "red"}):
        nn.save(nn.Neuron(2, "tanh", seed=0), path)
        forged(path, config(**entries))
        with pytest.raises(nn.SerializationError, match="cannot rebuild Neuron"):
            nn.load(path)


def test_load_into_something_that_is_not_a_module(tmp_path: Path) -> None:
    nn.save(nn.Neuron(2, seed=0), tmp_path / "m.json")
    with pytest.raises(TypeError, match=r"nn.Module"):
        nn.load(tmp_path / "m.json", into=object())  # type: ignore[arg-type]
