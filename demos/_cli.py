"""Shared plumbing for the demos: the command line, the output folder, figures and summary.txt.

Every demo module has a docstring whose first line describes it, a ``run(...)``
function returning a dict of the numbers it printed, and a ``main(argv)`` built
with :func:`parser` and :class:`Report`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

DEFAULT_OUT = Path("out")
"""Where a demo writes when ``--out`` is not given: ``out/<demo name>``."""

DPI = 100
MAX_EPOCHS = 100_000
"""The largest ``--epochs`` a demo accepts."""
MAX_LR = 10.0
"""The largest ``--lr`` a demo accepts: far above a useful step (1e308 overflows the weights)."""


def summary_line(doc: str | None) -> str:
    """The first line of a module docstring: the demo's one-line description."""
    return (doc or "").strip().splitlines()[0].strip() if doc and doc.strip() else ""


def parser(name: str, doc: str | None, seed: int = 0) -> argparse.ArgumentParser:
    """An argument parser with ``--out``, ``--seed`` (default ``seed``) and ``--quick``."""
    text = (doc or "").strip()
    first, _, rest = text.partition("\n")
    p = argparse.ArgumentParser(
        prog=f"python -m demos.{name}",
        description=first,
        epilog=rest.strip() or None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--out",
        type=output_dir,
        default=str(DEFAULT_OUT / name),  # a string, so argparse checks it with output_dir too
        metavar="DIR",
        help="folder for the figures and summary.txt, created if missing; it must not be a file"
        f" and must be writable (default: out/{name})",
    )
    p.add_argument(
        "--seed",
        type=non_negative_int,
        default=seed,
        help=f"random seed for data and weights, an integer ≥ 0 (default: {seed})",
    )
    p.add_argument("--quick", action="store_true", help="small settings (seconds; for smoke tests)")
    return p


def standard_main(
    name: str, doc: str | None, run: Callable[..., Any], seed: int = 0
) -> Callable[..., int]:
    """``main(argv)`` for a demo whose only flags are ``--out``, ``--seed`` and ``--quick``."""

    def main(argv: Sequence[str] | None = None) -> int:
        a = parser(name, doc, seed).parse_args(argv)
        run(a.out, a.seed, a.quick)
        return 0

    return main


def int_range(lo: int, hi: int) -> Callable[[str], int]:
    """An argparse type: an integer in [lo, hi], with a clear error otherwise."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"must be between {lo} and {hi}, got {value}")
        return value

    return convert


def non_negative_int(text: str) -> int:
    """An argparse type: an integer ≥ 0 (a numpy seed), with a clear error otherwise."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {value}")
    return value


def positive_float(text: str) -> float:
    """An argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text}")
    return value


def learning_rate(text: str) -> float:
    """An argparse type: a learning rate, a finite number in (0, MAX_LR]."""
    value = positive_float(text)
    if value > MAX_LR:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_LR:g}, got {text}")
    return value


def _named(text: str, what: str) -> Path:
    """``Path(text)``, refusing ``''`` (which Path would silently read as the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"must name a {what}, got an empty string")
    return Path(text)


def existing_path(text: str) -> Path:
    """An argparse type: a path that exists."""
    path = _named(text, "file or folder")
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{text} does not exist")
    return path


def readable_file(text: str) -> Path:
    """An argparse type: an existing regular file that can be opened for reading."""
    path = _named(text, "file")
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{text} does not exist")
    if not path.is_file():
        kind = "a folder, not a file" if path.is_dir() else "not a regular file"
        raise argparse.ArgumentTypeError(f"{text} is {kind}")
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot read {text}: {exc.strerror}") from None
    return path


def output_dir(text: str) -> Path:
    """An argparse type: a folder to write in, existing or creatable (not a file, not ``''``).

    The nearest existing folder on the way (the folder itself, else the ancestor in which
    it would be created) must take a new file: one is created there and removed at once.
    """
    path = _named(text, "folder")
    try:
        for folder in (path, *path.parents):
            if folder.is_dir():
                break
            if os.path.lexists(folder):  # a file, or a broken link, where a folder must be
                kind = _kind(folder)
                if folder != path:
                    raise argparse.ArgumentTypeError(f"cannot make {text}: {folder} is {kind}")
                raise argparse.ArgumentTypeError(f"{text} is {kind}, not a folder")
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot use {text}: {exc.strerror}") from None
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot write in {folder}: {exc.strerror}") from None
    return path


def _kind(path: Path) -> str:
    """What ``path``, which exists but is no folder, is: for messages."""
    if path.is_file():
        return "a file"
    return "a broken link" if path.is_symlink() else "a special file"


class Report:
    """Prints a demo's lines and file locations; at the end writes them to ``summary.txt``
    and the numbers, seed and settings to ``results.json``."""

    def __init__(self, name: str, out: str | Path, quiet: bool = False) -> None:
        self.name = name
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.quiet = quiet
        self.lines: list[str] = []
        self.files: list[Path] = []
        self.start = time.perf_counter()

    def say(self, text: str = "") -> None:
        """Print ``text`` and keep it for the summary."""
        self.lines.append(text)
        if not self.quiet:
            print(text, flush=True)

    def path(self, filename: str) -> Path:
        """The path of an output file in the demo's folder."""
        return self.out / filename

    def wrote(self, path: Path, what: str) -> Path:
        """Record (and print) that ``path`` holds ``what``."""
        self.files.append(path)
        self.say(f"  wrote {what}: {path}")
        return path

    def figure(self, fig: Any, filename: str, what: str) -> Path:
        """Save a Figure from :mod:`viz` as PNG (deterministic metadata) and record it.

        Every ``viz.plot_*`` function returns a Figure that can save itself headless, so
        the demos never import a plotting library themselves (only ``viz`` does).
        """
        path = self.path(filename)
        fig.savefig(path, dpi=DPI, metadata={"Software": None})
        return self.wrote(path, what)

    def finish(
        self,
        result: dict[str, Any],
        *,
        seed: int | None = None,
        settings: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Write summary.txt (the printed lines and the result numbers) and results.json.

        results.json is ``{"demo", "seed", "settings", "results"}``: the headline numbers
        beside what produced them, for comparing with the book (a NaN or inf is null).
        Returns ``result`` with ``seconds`` and ``files`` added.
        """
        seconds = time.perf_counter() - self.start
        self.say(f"done in {seconds:.1f} s")
        summary = self.path("summary.txt")
        body = [f"demos.{self.name}", "", *self.lines, "", "result:"]
        body += [f"  {k} = {_show(v)}" for k, v in result.items()]
        summary.write_text("\n".join(body) + "\n", encoding="utf-8")
        record = {"demo": self.name, "seed": seed, "settings": settings or {}, "results": result}
        numbers = self.path("results.json")
        numbers.write_text(
            json.dumps(_plain(record), indent=2, ensure_ascii=False, allow_nan=False) + "\n",
            encoding="utf-8",
        )
        if not self.quiet:
            print(f"  summary: {summary}; numbers: {numbers}")
        result["seconds"] = seconds
        result["files"] = [*self.files, summary, numbers]
        return result


def _plain(v: Any) -> Any:
    """``v`` with numpy scalars and arrays, tuples and paths made JSON types; NaN/inf → None."""
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if hasattr(v, "tolist"):  # numpy scalar or array
        return _plain(v.tolist())
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, (str, int, bool)) or v is None:
        return v
    return str(v)


def _show(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def exit_code(func: Callable[[], object]) -> int:
    """Run ``func``; turn a user error (missing data, bad file) into a message and status 2."""
    try:
        func()
    except (FileNotFoundError, ValueError, ImportError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
