"""Execute the chapter notebooks top to bottom in a fresh kernel each, and check their output.

    python notebooks/execute.py            # run all, store the outputs in the .ipynb files
    python notebooks/execute.py --check    # run all, store nothing, compare with the stored outputs
    python notebooks/execute.py 03 05      # only the notebooks whose names start so

A notebook fails on an error and on any output written to stderr (warnings
included), and with ``--check`` on a stored output that differs from the fresh one (text
and HTML compared exactly, but for the random ids of steppers and widgets and the names
of temporary folders; images by
kind). Each notebook runs in its own folder, as a reader's Jupyter would. A widget's
plain-text stand-in is stored as a sentence saying how to use it, not its repr.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
TIMEOUT = 300
"""Seconds one cell may take before the run fails."""
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_TEXT = "(interactive controls: run the notebook to use them)"
"""What a front end without the widget's state shows in place of ``interactive(children=…)``."""
RANDOM_IDS = re.compile(r"\bcr-[0-9a-f]{12}\b")
"""A stepper fragment's id (fresh on every display, so that two on a page never clash)."""
TEMP_DIRS = re.compile(r"tmp[A-Za-z0-9_]{6,}")
"""A folder made by ``tempfile.mkdtemp`` (a new name on every run)."""


def _blank_ids(text: str) -> str:
    return TEMP_DIRS.sub("tmpDIR", RANDOM_IDS.sub("cr-ID", text))


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


VARIES_WITH_INSTALL = "varies-with-install"


def kernelspec(name: str = "python3") -> dict[str, str]:
    """The notebook metadata a Jupyter front end writes for kernel ``name`` when it saves."""
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(name)
    return {"display_name": spec.display_name, "language": spec.language, "name": name}


def readable_widgets(book: nbformat.NotebookNode) -> None:
    """Give every widget output a plain-text stand-in a reader can act on."""
    for cell in book.cells:
        for output in cell.get("outputs", []):
            if WIDGET_VIEW in output.get("data", {}):
                output["data"]["text/plain"] = WIDGET_TEXT


def comparable(output: dict[str, Any]) -> dict[str, Any]:
    """An output as the staleness check compares it: random ids blanked, images by kind."""
    seen: dict[str, Any] = {"type": output.get("output_type"), "name": output.get("name")}
    if "text" in output:
        seen["text"] = _blank_ids("".join(output["text"]))
    for mime, value in output.get("data", {}).items():
        if mime.startswith("image/") and mime != "image/svg+xml":
            seen[mime] = "an image"
        elif mime == WIDGET_VIEW:
            seen[mime] = "a widget"
        else:
            text = value if isinstance(value, str) else "".join(value)
            seen[mime] = _blank_ids(text)
    return seen


def coalesced(outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Consecutive stream outputs of one name joined (how a kernel chunks them varies)."""
    joined: list[dict[str, Any]] = []
    for output in outputs:
        last = joined[-1] if joined else None
        if (
            last is not None
            and output.get("output_type") == last.get("output_type") == "stream"
            and output.get("name") == last.get("name")
        ):
            last["text"] = "".join(last["text"]) + "".join(output["text"])
        else:
            joined.append(dict(output))
    return joined


def stale(stored: nbformat.NotebookNode, fresh: nbformat.NotebookNode) -> Iterator[str]:
    """Each code cell whose stored outputs differ from a fresh run's.

    A cell tagged ``VARIES_WITH_INSTALL`` (one that prints differently when an optional
    package such as PyTorch is installed) is exempt; it must still run without error.
    """
    for index, (old, new) in enumerate(zip(stored.cells, fresh.cells)):
        if old.cell_type != "code" or VARIES_WITH_INSTALL in old.metadata.get("tags", []):
            continue
        before = [comparable(o) for o in coalesced(old.get("outputs", []))]
        after = [comparable(o) for o in coalesced(new.get("outputs", []))]
        if before != after:
            yield f"cell {index}: the stored output is stale (run python3 tasks.py notebooks)"


def execute(path: Path, store: bool = True) -> tuple[float, list[str]]:
    """Run ``path`` in a fresh kernel; return the seconds taken and its problems.

    With ``store=False`` the stored outputs are compared with the fresh ones instead of
    being replaced: a difference is a problem.
    """
    book = nbformat.read(path, as_version=4)
    stored = copy.deepcopy(book)
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
    readable_widgets(book)
    book.metadata["kernelspec"] = kernelspec()
    found = list(problems(book))
    if not store:
        found += stale(stored, book)
        if stored.metadata.get("kernelspec") != book.metadata["kernelspec"]:
            found.append("the stored kernelspec is not the one Jupyter writes on save")
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
