"""Execute the chapter notebooks top to bottom in a fresh kernel each, and check their output.

    python notebooks/execute.py            # run all, store the outputs in the .ipynb files
    python notebooks/execute.py --check    # run all, store nothing (what the test suite does)
    python notebooks/execute.py 03 05      # only the notebooks whose names start so

A notebook fails on an error and on any output written to stderr (warnings
included). Each notebook runs in its own folder, as a reader's Jupyter would.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
TIMEOUT = 300
"""Seconds one cell may take before the run fails."""


def notebooks(prefixes: Sequence[str] = ()) -> list[Path]:
    """The chapter notebooks in order, or those whose names start with one of ``prefixes``."""
    found = sorted(HERE.glob("[0-9][0-9]_*.ipynb"))
    return [p for p in found if not prefixes or p.name.startswith(tuple(prefixes))]


def problems(book: nbformat.NotebookNode) -> Iterator[str]:
    """Each error or stderr output of an executed notebook, as a line naming its cell."""
    for index, cell in enumerate(book.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                yield f"cell {index}: {output.get('ename')}: {output.get('evalue')}"
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                yield f"cell {index} wrote to stderr: {output.get('text', '').strip()[:300]}"


def execute(path: Path, store: bool = True) -> tuple[float, list[str]]:
    """Run ``path`` in a fresh kernel; return the seconds taken and its problems."""
    book = nbformat.read(path, as_version=4)
    client = NotebookClient(
        book,
        timeout=TIMEOUT,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    backend = os.environ.pop("MPLBACKEND", None)  # the kernel draws inline, as Jupyter does
    try:
        client.execute()
    finally:
        if backend is not None:
            os.environ["MPLBACKEND"] = backend
    seconds = time.perf_counter() - start
    found = list(problems(book))
    if store and not found:
        for cell in book.cells:
            cell.get("metadata", {}).pop("execution", None)
        nbformat.write(book, path)
    return seconds, found


def main(argv: Sequence[str] | None = None) -> int:
    summary, _, details = (__doc__ or "").partition("\n\n")
    parser = argparse.ArgumentParser(
        description=summary, epilog=details, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="run without storing outputs")
    parser.add_argument("prefixes", nargs="*", help="run only notebooks whose names start so")
    args = parser.parse_args(argv)
    paths = notebooks(args.prefixes)
    if not paths:
        parser.error(f"no notebook matches {' '.join(args.prefixes)!r}")
    failed = 0
    for path in paths:
        seconds, found = execute(path, store=not args.check)
        print(f"{path.name}: {seconds:.1f} s" + ("" if not found else f", {len(found)} problem(s)"))
        for line in found:
            print(f"  {line}")
        failed += bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
