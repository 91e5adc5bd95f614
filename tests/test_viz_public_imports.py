"""viz uses only autograd's public surface: ``autograd.X`` or ``autograd.explain.X`` with X in
that module's ``__all__``. Every ``import autograd…``, ``from autograd… import …`` and
``autograd.X`` / ``explain.X`` attribute in every module of viz is checked."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from types import ModuleType

import pytest

import autograd
import viz
from autograd import explain

VIZ = Path(viz.__file__).resolve().parent
"""viz's own files, where they are imported from (the source tree, or an installed wheel)."""


def _public_module(dotted: str) -> ModuleType | None:
    """``autograd`` itself, or a submodule that ``autograd.__all__`` exports; else None."""
    if dotted == "autograd":
        return autograd
    head, _, rest = dotted.partition(".")
    if head != "autograd" or "." in rest or rest not in autograd.__all__:
        return None
    module = getattr(autograd, rest)
    return module if isinstance(module, ModuleType) else None


def _public_home(name: str, obj: object) -> str | None:
    """Where ``obj`` is public: ``from autograd import name`` or ``from autograd.explain …``."""
    if name in autograd.__all__ and getattr(autograd, name) is obj:
        return f"from autograd import {name}"
    if name in explain.__all__ and getattr(explain, name) is obj:
        return f"from autograd.explain import {name}"
    return None


def _replacement(module: str, name: str) -> str:
    try:
        obj = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        obj = None
    if isinstance(obj, ModuleType):
        return (
            f"{obj.__name__} is a private module: import the names you use from it with "
            f"`from autograd.explain import …` (adding them to explain's __all__ if missing)"
        )
    home = None if obj is None else _public_home(name, obj)
    if home is not None:
        return f"replace it with `{home}`"
    return (
        f"add {name} to autograd/explain.py (and its __all__), then "
        f"`from autograd.explain import {name}`"
    )


def _exported(module: ModuleType) -> list[str]:
    return list(getattr(module, "__all__", []))


def violations(source: str, where: str) -> list[str]:
    """Every use of a private part of autograd in ``source``, each with the import to use."""
    found: list[str] = []
    aliases: dict[str, ModuleType] = {}  # local name -> public module it stands for
    tree = ast.parse(source)
    for node in ast.walk(tree):
        at = f"{where}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] != "autograd":
                    continue
                module = _public_module(alias.name)
                if module is None:
                    found.append(
                        f"{at}: `import {alias.name}` is a private module of autograd; import "
                        f"its names from autograd or autograd.explain instead"
                    )
                elif alias.asname or "." not in alias.name:
                    aliases[alias.asname or alias.name] = module
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "autograd":
            module_name = node.module or ""
            module = _public_module(module_name)
            for alias in node.names:
                text = f"from {module_name} import {alias.name}"
                if module is None:
                    found.append(
                        f"{at}: `{text}` imports from the private module {module_name}; "
                        + _replacement(module_name, alias.name)
                    )
                elif alias.name not in _exported(module):
                    found.append(
                        f"{at}: `{text}`: {alias.name} is not in {module_name}.__all__; "
                        + _replacement(module_name, alias.name)
                    )
                else:
                    sub = getattr(module, alias.name)
                    if isinstance(sub, ModuleType):
                        aliases[alias.asname or alias.name] = sub
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = aliases.get(node.value.id)
            dunder = node.attr.startswith("__") and node.attr.endswith("__")  # __file__: a module's
            if module is not None and not dunder and node.attr not in _exported(module):
                found.append(
                    f"{where}:{node.lineno}: `{node.value.id}.{node.attr}`: {node.attr} is not "
                    f"in {module.__name__}.__all__; " + _replacement(module.__name__, node.attr)
                )
    return found


def test_viz_imports_only_public_names_of_autograd() -> None:
    modules = sorted(VIZ.rglob("*.py"))
    assert len(modules) > 20  # the walk found viz, not an empty directory
    found = [
        v
        for path in modules
        for v in violations(path.read_text(), str(path.relative_to(VIZ.parent)))
    ]
    assert not found, "viz uses private parts of autograd:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "from autograd.backward import local_partials",
            "replace it with `from autograd.explain import local_partials`",
        ),
        (
            "from autograd.naming import format_number",
            "replace it with `from autograd import format_number`",
        ),
        (
            "from autograd import stepping",
            "autograd.stepping is a private module: import the names you use from it with",
        ),
        ("import autograd.naming", "`import autograd.naming` is a private module"),
        (
            "import autograd\nx = autograd.naming.DEFAULT_PRECISION",
            "`autograd.naming`: naming is not in autograd.__all__",
        ),
        (
            "from autograd import explain\nexplain.undefined_derivative",
            "add undefined_derivative to autograd/explain.py",
        ),
        ("from autograd.stepping import _INFIX", "add _INFIX to autograd/explain.py"),
    ],
)
def test_a_private_import_is_reported_with_its_replacement(source: str, expected: str) -> None:
    found = violations(source, "viz/example.py")
    assert len(found) == 1 and expected in found[0], found
    assert found[0].startswith("viz/example.py:")


@pytest.mark.parametrize(
    "source",
    [
        "import autograd\nautograd.Backprop",
        "from autograd import Value, explain\nexplain.tangents",
        "from autograd.explain import local_partials, sum_text",
        "import autograd.explain as ex\nex.shares",
        "import numpy as np\nnp.linalg",
    ],
)
def test_public_names_pass(source: str) -> None:
    assert violations(source, "viz/example.py") == []


def test_explain_exports_every_name_it_lists() -> None:
    for name in explain.__all__:
        assert hasattr(explain, name), name
    assert "explain" in autograd.__all__ and autograd.explain is explain
