"""The installed package: what the wheel holds, and the clash with HIPS autograd's package.

HIPS autograd (``pip install autograd``) installs a top-level ``autograd`` too. With it in
the same environment, ``import autograd``, ``import nn`` and ``import viz`` refuse with a
message naming the clash, whichever of the two packages comes first on ``sys.path``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import autograd

HIPS_METADATA = "Metadata-Version: 2.1\nName: autograd\nVersion: 1.7.0\n"


def hips_site(tmp_path: Path, with_package: bool) -> Path:
    """A site folder holding HIPS autograd's dist-info (and, if asked, its package)."""
    site = tmp_path / "site"
    info = site / "autograd-1.7.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(HIPS_METADATA, encoding="utf-8")
    record = "autograd-1.7.0.dist-info/METADATA,,\n"
    if with_package:
        (site / "autograd").mkdir()
        (site / "autograd" / "__init__.py").write_text(
            "from autograd.differential_operators import grad  # HIPS\n", encoding="utf-8"
        )
        (site / "autograd" / "differential_operators.py").write_text(
            "def grad(fun):\n    return fun\n", encoding="utf-8"
        )
        record += "autograd/__init__.py,,\nautograd/differential_operators.py,,\n"
    (info / "RECORD").write_text(record, encoding="utf-8")
    return site


def import_with(site: Path, module: str) -> subprocess.CompletedProcess[str]:
    """``import module`` in a fresh interpreter with ``site`` first on ``sys.path``."""
    chainrule = str(Path(autograd.__file__).resolve().parents[1])
    path = os.pathsep.join([str(site), chainrule])
    env = dict(os.environ, PYTHONPATH=path)
    return subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        env=env,
        cwd=site,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("module", ["autograd", "nn", "viz"])
def test_hips_autograd_installed_beside_chainrule_is_refused(tmp_path: Path, module: str) -> None:
    """HIPS's dist-info is there but chainrule's package is found first (files overwritten)."""
    result = import_with(hips_site(tmp_path, with_package=False), module)
    assert result.returncode != 0
    assert "DistributionConflictError" in result.stderr
    assert "HIPS autograd" in result.stderr
    assert "distribution autograd 1.7.0" in result.stderr
    assert "pip uninstall autograd" in result.stderr


@pytest.mark.parametrize("module", ["nn", "viz"])
def test_hips_autograd_first_on_the_path_is_named(tmp_path: Path, module: str) -> None:
    """HIPS's package hides chainrule's: nn and viz say so instead of a bare ImportError."""
    site = hips_site(tmp_path, with_package=True)
    result = import_with(site, module)
    assert result.returncode != 0
    assert "cannot import name" not in result.stderr
    # installed: autograd.distribution is missing beside HIPS's package; editable: setuptools'
    # finder still finds chainrule's, whose check names the dist-info
    assert (
        f"the 'autograd' package at {site / 'autograd' / '__init__.py'} is not chainrule's"
        " but most likely HIPS autograd"
        in result.stderr
        or "DistributionConflictError" in result.stderr
    )
    assert "virtual environment" in result.stderr


def test_without_hips_autograd_everything_imports(tmp_path: Path) -> None:
    """The same interpreter set-up without the foreign dist-info: the check passes."""
    site = tmp_path / "site"
    site.mkdir()
    result = import_with(site, "autograd, nn, viz")
    assert result.returncode == 0, result.stderr


ROOT = Path(__file__).resolve().parents[1]
TOP_LEVEL = ("autograd", "nn", "viz", "demos", "benchmarks")


def setuptools_table() -> dict[str, Any]:
    """pyproject.toml's ``[tool.setuptools]``, as written (no validation)."""
    from setuptools.config.pyprojecttoml import load_file

    table: dict[str, Any] = load_file(ROOT / "pyproject.toml")["tool"]["setuptools"]
    return table


def wheel_packages() -> set[str]:
    """The packages setuptools puts in the wheel, from pyproject.toml as it reads it."""
    from setuptools import find_packages

    packages = setuptools_table()["packages"]
    if isinstance(packages, dict):  # [tool.setuptools.packages.find]
        return set(find_packages(str(ROOT), **packages["find"]))
    return set(packages)


@pytest.mark.source_tree
def test_every_package_of_the_source_tree_goes_into_the_wheel() -> None:
    """A listed set once missed autograd.compiler and nn.data: the wheel failed to import."""
    in_tree = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in TOP_LEVEL
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert {"autograd.compiler", "nn.data", "viz.interactive"} <= in_tree
    assert in_tree == wheel_packages()


@pytest.mark.source_tree
def test_every_file_read_at_run_time_is_package_data() -> None:
    """Non-Python files in the packages (the page's CSS and JavaScript, py.typed) ship too."""
    from fnmatch import fnmatch

    data = setuptools_table()["package-data"]
    for top in TOP_LEVEL:
        for path in (ROOT / top).rglob("*"):
            if not path.is_file() or path.suffix in (".py", ".pyc") or path.name == "README.md":
                continue
            package = ".".join(path.parent.relative_to(ROOT).parts)
            while package and not (ROOT / package.replace(".", "/") / "__init__.py").exists():
                package = package.rpartition(".")[0]
            inside = path.relative_to(ROOT / package.replace(".", "/")).as_posix()
            patterns = data.get(package, []) + data.get("*", [])
            assert any(fnmatch(inside, p) for p in patterns), f"{path} is not in package-data"


def test_the_page_assets_are_found_as_package_resources() -> None:
    """viz reads its CSS and JavaScript with importlib.resources, wherever it is installed."""
    from viz.interactive.html import asset

    assert "function" in asset("stepper.js")
    assert asset("stepper.css").strip()
