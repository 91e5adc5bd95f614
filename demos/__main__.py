"""``python -m demos``: list the demos, one line each (from each module's docstring)."""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from demos import DEMOS
from demos._cli import summary_line


def descriptions() -> dict[str, str]:
    """Each demo's name and the first line of its module docstring."""
    return {name: summary_line(importlib.import_module(f"demos.{name}").__doc__) for name in DEMOS}


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    argparse.ArgumentParser(
        prog="python -m demos", description="List chainrule's demos."
    ).parse_args(argv)
    items = descriptions()
    width = max(map(len, items))
    print("chainrule demos: python -m demos.<name> [--out DIR] [--seed N] [--quick] (--help)\n")
    for name, line in items.items():
        print(f"  {name:{width}s}  {line}")
    print("\npython -m demos.figures regenerates the images in docs/images/.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
