"""Optional things a test needs (system Graphviz, the cats/dogs data): skip without them,
unless ``CHAINRULE_REQUIRE_<NAME>=1`` (as ``.ci/run`` sets) makes their absence a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("CHAINRULE_DATA") or ROOT.parent / "shared" / "data")
"""The cats/dogs data: ``$CHAINRULE_DATA``, or ../shared/data beside the repository."""


def required(name: str) -> bool:
    """Whether ``CHAINRULE_REQUIRE_<name>=1`` asks for ``name`` to be there."""
    return os.environ.get(f"CHAINRULE_REQUIRE_{name}") == "1"


def unavailable(name: str, problem: str) -> None:
    """Skip the running test for ``problem``, or fail it when ``name`` is required."""
    if required(name):
        pytest.fail(f"CHAINRULE_REQUIRE_{name}=1 but {problem}")
    pytest.skip(f"{problem} (CHAINRULE_REQUIRE_{name}=1 makes this a failure)")


def data_file(name: str) -> Path:
    """The path of a file of the cats/dogs data; skip (or fail, under
    CHAINRULE_REQUIRE_DATA=1) when it is not there."""
    path = DATA / name
    if not path.is_file():
        unavailable("DATA", f"{path} is not there (set CHAINRULE_DATA to its folder)")
    return path


def data_dir() -> Path:
    """The cats/dogs data folder, checked as :func:`data_file` does."""
    if not DATA.is_dir():
        unavailable("DATA", f"{DATA} is not there (set CHAINRULE_DATA to the data folder)")
    return DATA


BACKENDS = [
    pytest.param(
        "system",
        marks=pytest.mark.skipif(
            shutil.which("dot") is None and not required("DOT"),
            reason="no system Graphviz dot (CHAINRULE_REQUIRE_DOT=1 makes this a failure)",
        ),
    ),
    "pure",
]
"""The two renderers, for ``@pytest.mark.parametrize("backend", BACKENDS)``: the system
one skips without ``dot`` unless CHAINRULE_REQUIRE_DOT=1, where ``viz.pipe`` fails."""
