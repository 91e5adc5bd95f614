"""``load``: read a model file (see :mod:`nn.model_file`), trusting nothing in it.

``load`` reads only regular files (never a device or FIFO, even through a link)
and at most ``max_bytes``; it checks the format, version, checksum, every config
entry (types, and integers below :data:`~nn.model_file.MAX_COUNT`), every parameter
value, and that the architecture has exactly as many parameters as the file before
it builds anything. Any problem with the file or its path raises
:class:`~nn.model_file.SerializationError` and changes no model.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import stat
from collections.abc import Callable, Mapping
from typing import Any

from nn.layer import Layer
from nn.linear import Linear
from nn.mlp import MLP
from nn.model_file import (
    FORMAT,
    MAX_BYTES,
    MAX_COUNT,
    VERSION,
    SerializationError,
    _digest,
    _kind,
)
from nn.module import Module, check_count
from nn.neuron import Neuron
from nn.perceptron import Perceptron


def _read_bytes(path: str | os.PathLike[str], max_bytes: int, where: str) -> bytes:
    """At most ``max_bytes`` of a regular file; anything else is a SerializationError."""
    try:
        info = os.stat(path)  # refuse devices and FIFOs (even through a link) before opening
        if not stat.S_ISREG(info.st_mode):
            kind = _kind(info.st_mode)
            raise SerializationError(f"{where} is {kind}, not a regular file")
        if info.st_size > max_bytes:
            raise SerializationError(_too_big(where, max_bytes))
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since the stat
                raise SerializationError(f"{where} is no longer a regular file")
            chunks, left = [], max_bytes + 1
            while left > 0:
                chunk = os.read(fd, min(left, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise SerializationError(f"{where} does not exist") from None
    except NotADirectoryError:
        raise SerializationError(f"{where}: a folder on its path is not a directory") from None
    except PermissionError:
        raise SerializationError(f"{where} cannot be read (permission denied)") from None
    except OSError as exc:
        raise SerializationError(f"{where} cannot be read: {exc.strerror or exc}") from None
    except ValueError as exc:  # a NUL byte in the path
        if isinstance(exc, SerializationError):
            raise
        raise SerializationError(f"{where} cannot be read: {exc}") from None
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise SerializationError(_too_big(where, max_bytes))
    return data


def _too_big(where: str, max_bytes: int) -> str:
    return f"{where} is larger than max_bytes={max_bytes}; pass a larger max_bytes to load it"


def _read(path: str | os.PathLike[str], max_bytes: int) -> tuple[dict[str, Any], dict[str, float]]:
    """The checked architecture and parameter values of a model file."""
    where = f"model file {os.fspath(path)!r}"
    try:
        text = _read_bytes(path, max_bytes, where).decode("utf-8")
    except UnicodeDecodeError:
        raise SerializationError(f"{where} is not a text (JSON) file") from None
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise SerializationError(
            f"{where} is not valid JSON (truncated or corrupted?): {exc}"
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SerializationError(f"{where} is not a chainrule model file (no format {FORMAT!r})")
    version = doc.get("version")
    if type(version) is not int:
        raise SerializationError(
            f"{where}: the format version must be an integer, got {_show(version)}"
        )
    if version != VERSION:
        raise SerializationError(
            f"{where} has format version {_show(version)}; this chainrule reads {VERSION}"
        )
    for key, kind in (("architecture", dict), ("parameters", dict), ("sha256", str)):
        if not isinstance(doc.get(key), kind):
            raise SerializationError(f"{where} lacks a valid {key!r} entry")
    arch = doc["architecture"]
    if not isinstance(arch.get("class"), str) or not isinstance(arch.get("config"), dict):
        raise SerializationError(f"{where}: architecture needs a 'class' name and a 'config'")
    try:
        digest = _digest(arch, doc["parameters"])
    except (TypeError, ValueError, RecursionError):
        digest = ""
    if digest != doc["sha256"]:
        raise SerializationError(f"{where} is corrupted: its checksum does not match its content")
    _check_config(arch["config"], f"{where}: architecture config")
    return arch, _check_parameters(doc["parameters"], where)


def _check_parameters(parameters: dict[str, Any], where: str) -> dict[str, float]:
    """Every parameter value as a finite float (no bools, strings or ints too big for a float)."""
    values = {}
    for name, value in parameters.items():
        if type(value) not in (int, float):
            raise SerializationError(
                f"{where}: parameter {name!r} must be a number, got {_show(value)}"
            )
        try:
            x = float(value)
        except OverflowError:
            raise SerializationError(
                f"{where}: parameter {name!r} is an integer too large for a float"
            ) from None
        if not math.isfinite(x):
            raise SerializationError(f"{where}: parameter {name!r} is not finite ({x!r})")
        values[name] = x
    return values


def _is_count(v: Any) -> bool:
    return type(v) is int and v >= 1  # bool is not int here


_CONFIG_RULES: dict[str, tuple[Any, str]] = {
    "nin": (_is_count, "a positive integer"),
    "nout": (_is_count, "a positive integer"),
    "sizes": (
        lambda v: type(v) is list and bool(v) and all(map(_is_count, v)),
        "a non-empty list of positive integers",
    ),
    "activation": (lambda v: type(v) is str, "a string"),
    "out_activation": (lambda v: type(v) is str, "a string"),
    "name": (lambda v: type(v) is str, "a string"),
    "fused": (lambda v: type(v) is bool, "true or false"),
    "bias": (lambda v: type(v) is bool, "true or false"),
}
"""The JSON type of every config entry the nn modules write (checked strictly: no
``bool("no")``, no ``1.0`` for 1); entries not listed are left to the constructor."""


def _check_config(config: dict[str, Any], where: str) -> None:
    for key, value in config.items():
        rule = _CONFIG_RULES.get(key)
        if rule is not None and not rule[0](value):
            raise SerializationError(f"{where}: {key!r} must be {rule[1]}, got {_show(value)}")
        for v in value if type(value) is list else [value]:
            if type(v) is int and abs(v) > MAX_COUNT:
                raise SerializationError(
                    f"{where}: {key!r} holds the integer {_show(v)}, larger than any model"
                    f" (at most {MAX_COUNT})"
                )


def _show(value: Any) -> str:
    """A value as it is written in the JSON file (``true``, ``null``, ``"no"``), shortened."""
    try:
        text = json.dumps(value)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-finite number {name} in the file")


def _count_linear(config: Mapping[str, Any]) -> int:
    nin, nout = check_count(config["nin"], "nin"), check_count(config.get("nout", 1), "nout")
    return nout * nin + (nout if config.get("bias", False) else 0)


def _count_mlp(config: Mapping[str, Any]) -> int:
    widths = [check_count(w, "a width") for w in [config["nin"], *config["sizes"]]]
    return sum(n_out * (n_in + 1) for n_in, n_out in itertools.pairwise(widths))


PARAMETER_COUNTS: dict[type[Module], Callable[[Mapping[str, Any]], int]] = {
    Neuron: lambda c: check_count(c["nin"], "nin") + 1,
    Perceptron: lambda c: check_count(c["nin"], "nin") + 1,
    Layer: lambda c: check_count(c["nout"], "nout") * (check_count(c["nin"], "nin") + 1),
    Linear: _count_linear,
    MLP: _count_mlp,
}
"""How many parameters ``cls(**config)`` has, computed from the config alone: :func:`load`
compares it with the file before building anything. A class not listed is built as is."""


def _build(arch: dict[str, Any], count: int, where: str) -> Module:
    """A new model of the saved class, once its config is known to give ``count`` parameters."""
    name, config = arch["class"], arch["config"]
    cls = Module.registry.get(name)
    if cls is None:
        raise SerializationError(f"{where}: unknown model class {name!r}")
    counter = PARAMETER_COUNTS.get(cls)
    if counter is not None:
        try:
            expected = counter(config)
        except (KeyError, TypeError, ValueError) as exc:
            raise SerializationError(f"{where}: cannot rebuild {name}: {exc!r}") from None
        if expected != count:
            raise SerializationError(
                f"{where}: its architecture {name}({_show(config)}) has {expected} parameters"
                f" but the file holds {count}; nothing was built"
            )
    try:
        return cls(**config)
    except Exception as exc:  # whatever a constructor raises on entries it cannot use
        reason = str(exc) or type(exc).__name__
        raise SerializationError(f"{where}: cannot rebuild {name} from the file: {reason}") from exc


def load(
    path: str | os.PathLike[str], into: Module | None = None, *, max_bytes: int = MAX_BYTES
) -> Module:
    """Read a model written by :func:`save`.

    Without ``into``, builds a new model of the saved class and returns it. With
    ``into``, the saved architecture must equal ``into``'s and its parameters are
    replaced in place (and ``into`` is returned). A file larger than ``max_bytes``
    (default :data:`MAX_BYTES`, 256 MiB) is refused unread. Any problem with the
    file or its path raises :class:`SerializationError` before a single parameter
    changes (an ``into`` that is not a Module, or a bad ``max_bytes``, is a
    TypeError/ValueError, as in :func:`save`).
    """
    if into is not None and not isinstance(into, Module):
        raise TypeError(f"load(into=...) expects an nn.Module, got {type(into).__name__}")
    limit = check_count(max_bytes, "max_bytes")
    where = f"model file {os.fspath(path)!r}"
    try:
        return _load(path, into, limit, where)
    except SerializationError:
        raise
    except MemoryError:
        raise SerializationError(f"{where}: ran out of memory while loading it") from None
    except (OSError, OverflowError, RecursionError, ValueError, TypeError, KeyError) as exc:
        raise SerializationError(f"{where} cannot be loaded: {exc!r}") from None


def _load(path: str | os.PathLike[str], into: Module | None, limit: int, where: str) -> Module:
    arch, values = _read(path, limit)
    if into is None:
        model = _build(arch, len(values), where)
    else:
        mine = {"class": type(into).__name__, "config": into.config()}
        if json.dumps(mine, sort_keys=True) != json.dumps(arch, sort_keys=True):
            raise SerializationError(
                f"{where} holds {arch['class']}({_show(arch['config'])}), which does not match"
                f" the model {type(into).__name__}({mine['config']})"
            )
        model = into
    try:
        model.load_state_dict(values)
    except (TypeError, ValueError) as exc:
        raise SerializationError(f"{where}: parameters do not fit the model: {exc}") from None
    return model
