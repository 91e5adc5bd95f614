"""save/load: exact round trips, and every kind of bad file leaves the model untouched."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.threads import run_switching_often

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

    def refuse(path: object, *args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied", str(path))

    with monkeypatch.context() as patch:  # as root, chmod cannot make a file unreadable
        patch.setattr(os, "open", refuse)
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


# ---- save: a fresh temp file, fsync, rename; never a planted link, never a device --------


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    """Files in ``folder`` other than ``keep`` (a stray temp file shows up here)."""
    return sorted(set(os.listdir(folder)) - keep)


def test_save_never_follows_a_planted_symlink(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    victim = tmp_path / "elsewhere" / "victim.txt"
    victim.parent.mkdir()
    victim.write_text("precious")
    folder = tmp_path / "models"
    folder.mkdir()
    planted = ["m.json.tmp", ".m.json.tmp", "m.json~", ".m.json.planted.tmp", "tmpplanted"]
    for name in planted:
        (folder / name).symlink_to(victim)
    # the first temp name save tries is one an attacker planted: it must take another
    names = iter(["planted", "fresh", "spare"])
    monkeypatch.setattr("tempfile._get_candidate_names", lambda: names)
    model = nn.MLP(2, [3, 1], seed=0)
    nn.save(model, folder / "m.json")
    assert victim.read_text() == "precious"
    assert all((folder / n).is_symlink() for n in planted)
    assert not (folder / "m.json").is_symlink()
    assert weights(nn.load(folder / "m.json")) == weights(model)
    assert leftovers(folder, {"m.json", *planted}) == []


def test_a_symlink_to_a_regular_file_is_replaced_not_written_through(tmp_path: Path) -> None:
    old = tmp_path / "v1.json"
    nn.save(nn.Neuron(2, seed=0), old)
    before = old.read_bytes()
    link = tmp_path / "current.json"
    link.symlink_to(old)
    model = nn.Neuron(2, seed=1)
    nn.save(model, link)
    assert not link.is_symlink() and weights(nn.load(link)) == weights(model)
    assert old.read_bytes() == before
    assert leftovers(tmp_path, {"v1.json", "current.json"}) == []


def special_files(tmp_path: Path) -> list[tuple[str, Path, str]]:
    """(name, path, expected message): paths save must refuse and load must not read."""
    import socket

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    sock.close()
    cases = [
        ("directory", tmp_path / "adir", "a directory"),
        ("fifo", fifo, "a FIFO"),
        ("socket", sock_path, "a socket"),
    ]
    (tmp_path / "adir").mkdir()
    for device in ("/dev/full", "/dev/zero"):
        if os.path.exists(device):
            link = tmp_path / f"to-{Path(device).name}"
            link.symlink_to(device)
            cases.append((f"link to {device}", link, "a character device"))
    return cases


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
def test_save_refuses_directories_devices_fifos_and_sockets(tmp_path: Path) -> None:
    cases = special_files(tmp_path)
    present = set(os.listdir(tmp_path))
    for name, path, message in cases:
        with pytest.raises(nn.SerializationError, match=rf"{path.name}'.*{message}"):
            nn.save(nn.Neuron(2, seed=0), path)
        assert leftovers(tmp_path, present) == [], name
        assert leftovers(tmp_path / "adir", set()) == [], name
    assert (tmp_path / "fifo").is_fifo() and (tmp_path / "sock").is_socket()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_save_to_dev_full_is_refused_and_leaves_the_device(tmp_path: Path) -> None:
    import stat

    before = set(os.listdir("/dev"))
    with pytest.raises(nn.SerializationError, match=r"'/dev/full'.*character device"):
        nn.save(nn.Neuron(2, seed=0), "/dev/full")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    assert set(os.listdir("/dev")) == before


def test_a_failed_write_is_an_error_and_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "m.json"
    nn.save(nn.Neuron(2, seed=0), path)
    before = path.read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", disk_full)
        with pytest.raises(nn.SerializationError, match=r"'.*m\.json'.*No space left"):
            nn.save(nn.Neuron(2, seed=1), path)
    assert path.read_bytes() == before
    assert leftovers(tmp_path, {"m.json"}) == []
    with pytest.raises(nn.SerializationError, match=r"no-such-folder.*No such file"):
        nn.save(nn.Neuron(2), tmp_path / "no-such-folder" / "m.json")
    with pytest.raises(nn.SerializationError, match="null"):
        nn.save(nn.Neuron(2), str(tmp_path / "m\0.json"))
    assert leftovers(tmp_path, {"m.json"}) == []


def test_save_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    os.umask(mask)
    path = tmp_path / "m.json"
    nn.save(nn.Neuron(2, seed=0), path)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask  # as open() would make it
    path.chmod(0o600)
    nn.save(nn.Neuron(2, seed=1), path)
    assert path.stat().st_mode & 0o777 == 0o600


def test_threads_saving_to_one_path_all_succeed(tmp_path: Path) -> None:
    import threading

    path = tmp_path / "m.json"
    models = [nn.MLP(2, [4, 1], seed=i) for i in range(8)]
    start = threading.Barrier(len(models))
    errors: list[BaseException] = []

    def work(model: nn.Module) -> None:
        start.wait()
        for _ in range(10):
            try:
                nn.save(model, path)
            except BaseException as exc:  # collected and reported below
                errors.append(exc)

    run_switching_often([threading.Thread(target=work, args=(m,)) for m in models])
    assert errors == []
    assert weights(nn.load(path)) in [weights(m) for m in models]
    assert leftovers(tmp_path, {"m.json"}) == []


# ---- load: bounded before anything is built ----------------------------------------------


def never_built(monkeypatch, *classes: type) -> None:  # type: ignore[no-untyped-def]
    """Make constructing any of ``classes`` fail the test (pytest.fail is not an Exception)."""

    def refuse(self: object, *args: object, **kwargs: object) -> None:
        pytest.fail(f"load built a {type(self).__name__} from a file it should refuse")

    for cls in classes:
        monkeypatch.setattr(cls, "__init__", refuse)


@pytest.mark.parametrize(
    ("make", "entries", "expected"),
    [
        (lambda: nn.MLP(2, [1], seed=0), {"sizes": [1_000_000]}, 3_000_000),
        (lambda: nn.MLP(2, [3, 1], seed=0), {"sizes": [3, 1_000_000]}, 4_000_009),
        (lambda: nn.Neuron(2, seed=0), {"nin": 1_000_000}, 1_000_001),
        (lambda: nn.Layer(2, 3, seed=0), {"nout": 1_000_000}, 3_000_000),
        (lambda: nn.Linear(2, 1), {"nin": 1_000_000}, 1_000_000),
        (lambda: nn.Linear(2, 1), {"nout": 1_000_000, "bias": True}, 3_000_000),
        (lambda: nn.Perceptron(2), {"nin": 1_000_000}, 1_000_001),
    ],
)
def test_a_huge_architecture_is_refused_before_anything_is_built(  # type: ignore[no-untyped-def]
    make, entries, expected, tmp_path: Path, monkeypatch
) -> None:
    """A few hundred bytes with a valid checksum used to build millions of Values first."""
    path = tmp_path / "m.json"
    model = make()
    nn.save(model, path)
    forged(path, config(**entries))
    assert path.stat().st_size < 2000
    never_built(monkeypatch, nn.MLP, nn.Layer, nn.Neuron, nn.Linear, nn.Perceptron)
    held = model.num_parameters()
    message = rf"has {expected} parameters but the file holds {held}; nothing was built"
    with pytest.raises(nn.SerializationError, match=message):
        nn.load(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (config(sizes=[10**11]), r"'sizes' holds the integer 100000000000, larger than any"),
        (config(nin=10**400), r"'nin' holds the integer 1000000\d{52}…, larger than any model"),
        (config(fan_out=-(10**40)), r"'fan_out' holds the integer -1000.*larger than any"),
        (config(sizes=[True]), r"'sizes' must be a non-empty list of positive integers"),
        (config(nin=[2]), r"'nin' must be a positive integer"),
        (lambda d: d["parameters"].update({NAME: 10**400}), rf"{NAME}' is an integer too large"),
        (lambda d: d["parameters"].update({NAME: True}), rf"{NAME}' must be a number, got true"),
        (lambda d: d["parameters"].update({NAME: "0.5"}), rf"{NAME}' must be a number"),
        (lambda d: d["architecture"]["config"].pop("sizes"), r"cannot rebuild MLP: KeyError"),
    ],
)
def test_huge_or_wrong_numbers_are_serialization_errors(  # type: ignore[no-untyped-def]
    change, message, tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "m.json"
    nn.save(nn.MLP(2, [1], seed=0), path)
    forged(path, change)
    target = nn.MLP(2, [1], seed=3)
    before = weights(target)
    never_built(monkeypatch, nn.MLP, nn.Layer, nn.Neuron)
    with pytest.raises(nn.SerializationError, match=message):
        nn.load(path)
    monkeypatch.undo()
    with pytest.raises(nn.SerializationError):
        nn.load(path, into=target)
    assert weights(target) == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX special files")
def test_load_reads_only_regular_files(tmp_path: Path) -> None:
    """A link to /dev/zero was read until the kernel killed the process; a FIFO blocked."""
    target = nn.Neuron(2, seed=0)
    before = weights(target)
    for _, path, message in special_files(tmp_path):
        for into in (None, target):
            with pytest.raises(nn.SerializationError, match=rf"{path.name}' is {message}"):
                nn.load(path, into=into)
    assert weights(target) == before


def test_max_bytes_bounds_what_load_reads(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    model = nn.MLP(2, [3, 1], seed=0)
    nn.save(model, path)
    size = path.stat().st_size
    with pytest.raises(nn.SerializationError, match=rf"larger than max_bytes={size - 1}"):
        nn.load(path, max_bytes=size - 1)
    assert weights(nn.load(path, max_bytes=size)) == weights(model)
    assert nn.serialize.MAX_BYTES == 256 * 1024 * 1024
    for bad, error in ((0, ValueError), (True, TypeError), ("1e6", TypeError)):
        with pytest.raises(error, match="max_bytes"):
            nn.load(path, max_bytes=bad)  # type: ignore[arg-type]


def test_a_file_growing_past_max_bytes_is_read_no_further(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The size is checked before reading and again on what was read (a file may grow)."""
    path = tmp_path / "m.json"
    nn.save(nn.Neuron(2, seed=0), path)
    real = os.stat
    monkeypatch.setattr(os, "stat", lambda p, *a, **k: os.stat_result(
        (*real(p, *a, **k)[:6], 10, *real(p, *a, **k)[7:])))  # fmt: skip
    with pytest.raises(nn.SerializationError, match="larger than max_bytes=20"):
        nn.load(path, max_bytes=20)


def test_running_out_of_memory_is_a_serialization_error(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "m.json"
    nn.save(nn.Neuron(2, seed=0), path)

    def no_memory(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(json, "loads", no_memory)
    with pytest.raises(nn.SerializationError, match=r"'.*m\.json': ran out of memory"):
        nn.load(path)
