"""``save``/``load``: a model's architecture and exact parameters as a JSON file.

The file is plain JSON (never pickle, never eval)::

    {"format": "chainrule.nn", "version": 1,
     "architecture": {"class": "MLP", "config": {...}},
     "parameters": {"layers.0.neurons.0.w.0": 0.123..., ...},
     "sha256": "<hash of the canonical architecture + parameters>"}

Floats are written with ``repr``, which reads back bit for bit. ``load`` checks the
format, version, checksum, architecture and every parameter before touching a
model, so a truncated, corrupted, wrong-version or wrong-shape file raises a
:class:`SerializationError` and changes nothing; so does a path that cannot be read
(a directory, no permission) and a config entry of the wrong JSON type.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path
from typing import Any

from nn.module import Module

FORMAT = "chainrule.nn"
VERSION = 1


class SerializationError(ValueError):
    """A model file that cannot be read back: truncated, corrupted, or for another model."""


def _digest(architecture: Any, parameters: Any) -> str:
    canonical = json.dumps(
        {"architecture": architecture, "parameters": parameters},
        sort_keys=True,
        separators=(",", ":"),
        allow_nan=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def save(model: Module, path: str | os.PathLike[str]) -> None:
    """Write ``model``'s architecture and parameters to ``path`` as JSON (atomically)."""
    if not isinstance(model, Module):
        raise TypeError(f"save expects an nn.Module, got {type(model).__name__}")
    state = model.state_dict()
    bad = [name for name, v in state.items() if not math.isfinite(v)]
    if bad:
        raise ValueError(f"cannot save non-finite parameters: {', '.join(bad[:5])}")
    architecture = {"class": type(model).__name__, "config": model.config()}
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "architecture": architecture,
        "parameters": state,
        "sha256": _digest(architecture, state),
    }
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n", encoding="utf-8")
    os.replace(tmp, target)


def _read(path: str | os.PathLike[str]) -> dict[str, Any]:
    where = f"model file {os.fspath(path)!r}"
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SerializationError(f"{where} does not exist") from None
    except IsADirectoryError:
        raise SerializationError(f"{where} is a directory, not a file") from None
    except NotADirectoryError:
        raise SerializationError(f"{where}: a folder on its path is not a directory") from None
    except PermissionError:
        raise SerializationError(f"{where} cannot be read (permission denied)") from None
    except UnicodeDecodeError:
        raise SerializationError(f"{where} is not a text (JSON) file") from None
    except (OSError, ValueError) as exc:  # other OS errors; a NUL byte in the path
        raise SerializationError(f"{where} cannot be read: {exc}") from None
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
            f"{where} has format version {version!r}; this chainrule reads {VERSION}"
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
    return doc


def _is_count(v: Any) -> bool:
    return type(v) is int and v >= 1


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


def _show(value: Any) -> str:
    """A value as it is written in the JSON file (``true``, ``null``, ``"no"``)."""
    try:
        return json.dumps(value)[:60]
    except (TypeError, ValueError, RecursionError):
        return repr(value)[:60]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-finite number {name} in the file")


def _build(arch: dict[str, Any]) -> Module:
    cls = Module.registry.get(arch["class"])
    if cls is None:
        raise SerializationError(f"unknown model class {arch['class']!r} in the file")
    try:
        return cls(**arch["config"])
    except Exception as exc:  # whatever a constructor raises on entries it cannot use
        raise SerializationError(f"cannot rebuild {arch['class']} from the file: {exc}") from exc


def load(path: str | os.PathLike[str], into: Module | None = None) -> Module:
    """Read a model written by :func:`save`.

    Without ``into``, builds a new model of the saved class and returns it. With
    ``into``, the saved architecture must equal ``into``'s and its parameters are
    replaced in place (and ``into`` is returned). Any problem with the file or its
    path raises :class:`SerializationError` before a single parameter changes (an
    ``into`` that is not a Module is a TypeError, as in :func:`save`).
    """
    if into is not None and not isinstance(into, Module):
        raise TypeError(f"load(into=...) expects an nn.Module, got {type(into).__name__}")
    doc = _read(path)
    arch = doc["architecture"]
    if into is None:
        model = _build(arch)
    else:
        mine = {"class": type(into).__name__, "config": into.config()}
        if json.dumps(mine, sort_keys=True) != json.dumps(arch, sort_keys=True):
            raise SerializationError(
                f"the file holds {arch['class']}({arch['config']}), which does not match"
                f" the model {type(into).__name__}({mine['config']})"
            )
        model = into
    try:
        model.load_state_dict(doc["parameters"])
    except (TypeError, ValueError) as exc:
        raise SerializationError(f"parameters in the file do not fit the model: {exc}") from None
    return model
