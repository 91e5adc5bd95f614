"""Which installed distribution this ``autograd`` package is: chainrule's, and no other's.

``autograd`` is also the import name of HIPS autograd (``pip install autograd``). Both
install a top-level ``autograd`` folder, so with both in one environment one overwrites
the other's files, or the first on ``sys.path`` hides the other: either way a program
would run the wrong engine without a word. :func:`check_no_conflict` runs when
``autograd``, ``nn`` or ``viz`` is imported and refuses, naming both.
"""

from __future__ import annotations

from importlib import metadata

DISTRIBUTION = "chainrule"
"""The name this project is installed under (``pip install chainrule``)."""
CONFLICTING = "autograd"
"""The PyPI project (HIPS autograd) that installs a top-level ``autograd`` package too."""


class DistributionConflictError(ImportError):
    """Another installed distribution provides the top-level ``autograd`` package."""


def conflict_message(where: str) -> str:
    """The explanation and the way out, ``where`` naming what the other one was found as."""
    return (
        f"chainrule's 'autograd' package clashes with another one named 'autograd' ({where}):"
        f" most likely HIPS autograd (pip install {CONFLICTING}). Both install a top-level"
        " 'autograd' folder, so in one environment they overwrite or hide each other and"
        " the wrong engine would run. Use a separate virtual environment for each, or run"
        f" 'pip uninstall {CONFLICTING}' and then 'pip install --force-reinstall"
        f" {DISTRIBUTION}' to restore chainrule's files."
    )


def check_no_conflict() -> None:
    """Raise :class:`DistributionConflictError` if a distribution ``autograd`` is installed."""
    for dist in metadata.distributions(name=CONFLICTING):
        version = dist.metadata["Version"] or "?"
        location = getattr(dist, "_path", None)
        found = f"distribution {CONFLICTING} {version}" + (f" at {location}" if location else "")
        raise DistributionConflictError(conflict_message(found))
