#!/usr/bin/env python3
"""Set up and run chainrule's jobs with nothing but Python 3.10+ and pip.

    python3 tasks.py tour      # the main job: the guided tour, figures in out/tour
    python3 tasks.py test      # ruff and mypy, then the test suite (fails if any fails)
    python3 tasks.py figures   # regenerate the images checked in under docs/
    python3 tasks.py notebooks # execute the chapter notebooks, storing their outputs
    python3 tasks.py docs      # build the docs site offline into site/ (warnings are errors)
    python3 tasks.py bench     # the side-by-side benchmarks (installs micrograd)
    python3 tasks.py lint      # ruff and mypy only
    python3 tasks.py mutants   # one-line mutants of the code: the tests must catch each

Each job first makes sure ``.venv`` exists and holds the project installed in
editable mode with the extras it needs; it reinstalls only when pyproject.toml
changed. If the interpreter cannot make a virtual environment (no ensurepip),
it installs into the running interpreter instead.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
TEST_EXTRAS = "dev,notebook,docs,frontends"
"""What the suite needs: it executes the notebooks, opens them in JupyterLab and Notebook 7,
and builds the docs site."""


def _venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    return VENV / scripts / ("python.exe" if os.name == "nt" else "python")


def _python() -> str:
    """Return the interpreter to run jobs with, creating .venv when possible."""
    if not _venv_python().exists():
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except Exception as exc:  # no ensurepip on some system Pythons
            shutil.rmtree(VENV, ignore_errors=True)  # no half-made .venv for the next run
            print(f"tasks.py: could not create .venv ({exc}); using {sys.executable}")
            return sys.executable
    return str(_venv_python())


def _install(python: str, extras: str) -> None:
    """pip install -e .[extras] unless this exact pyproject and extras set is already in."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed-{extras.replace(',', '-')}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    cmd = [python, "-m", "pip", "install", "--quiet", "-e", f".[{extras}]"]
    print("tasks.py:", " ".join(cmd[1:]), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True)
    if VENV.exists():
        stamp.write_text(digest)


def _run(*cmd: str) -> int:
    print("tasks.py: running", " ".join(cmd[1:]), flush=True)
    env = dict(os.environ, MPLBACKEND=os.environ.get("MPLBACKEND", "Agg"))
    return subprocess.run(cmd, cwd=ROOT, env=env).returncode


def main(argv: list[str] | None = None) -> int:
    summary, _, details = __doc__.partition("\n\n")
    parser = argparse.ArgumentParser(
        description=summary,
        epilog=details,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "job",
        choices=["tour", "test", "figures", "notebooks", "docs", "bench", "lint", "mutants"],
        help="tour | test (ruff, mypy, pytest) | figures | notebooks | docs | bench"
        " | lint (ruff and mypy only) | mutants (tests/mutants.py)",
    )
    parser.add_argument("args", nargs=argparse.REMAINDER, help="passed on to the job")
    ns = parser.parse_args(argv)
    python = _python()
    if ns.job == "tour":
        _install(python, "dev")
        return _run(python, "-m", "demos.tour", "--out", "out/tour", *ns.args)
    if ns.job == "figures":
        _install(python, "dev")
        return _run(python, "-m", "demos.figures", *ns.args)
    if ns.job == "notebooks":
        _install(python, "dev,notebook")
        return _run(python, "notebooks/execute.py", *ns.args)
    if ns.job == "docs":
        _install(python, "dev,docs")
        os.environ["NO_MKDOCS_2_WARNING"] = "1"  # MkDocs' own notice, not a warning of ours
        return _run(python, "-m", "mkdocs", "build", "--strict", *ns.args)
    if ns.job == "bench":
        _install(python, "dev,bench")
        return _run(python, "-m", "benchmarks", *ns.args)
    if ns.job == "mutants":
        _install(python, TEST_EXTRAS)  # the same install as the test job
        return _run(python, "tests/mutants.py", "--python", python, *ns.args)
    _install(python, TEST_EXTRAS)
    lint = [
        _run(python, "-m", "ruff", "check", "."),
        _run(python, "-m", "ruff", "format", "--check", "."),
        _run(python, "-m", "mypy"),
    ]
    if ns.job == "lint":
        return max(lint)
    tests = _run(python, "-m", "pytest", "-q", *ns.args)
    return tests or max(lint)


if __name__ == "__main__":
    sys.exit(main())
