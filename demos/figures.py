"""Regenerate every image checked in under docs/images/ by running the demos with fixed seeds.

``python -m demos.figures [--out docs/images]``: each demo runs at its normal
settings with seed 0 into a temporary folder and the chosen files are copied
with stable names. The linear network uses its synthetic stand-in (the cats and
dogs data is not part of the repository), so anyone can reproduce every image.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from demos import _cli

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "docs" / "images"
MAX_BYTES = 300_000

FIGURES: dict[str, dict[str, str]] = {
    "tour": {"graph.svg": "tour_graph.svg", "graph.png": "tour_graph.png"},
    "computation_graph": {
        "layers.png": "computation_graph.png",
        "backprop.gif": "computation_graph_backprop.gif",
    },
    "perceptron": {"perceptron.png": "perceptron.png"},
    "linear_network": {"linear_network.png": "linear_network.png"},
    "activations": {"activations.png": "activations.png"},
    "representations": {"representations.png": "representations.png"},
    "shallow_vs_deep": {"shallow_vs_deep.png": "shallow_vs_deep.png"},
    "xor": {"xor.png": "xor.png"},
    "moons": {"moons.png": "moons.png"},
    "smoke_pm25": {
        "history.png": "smoke_pm25_history.png",
        "predicted_vs_observed.png": "smoke_pm25_predictions.png",
    },
}
"""demo name → {file the demo writes: name under docs/images}."""


def regenerate(out: str | Path = DEFAULT_OUT, only: Sequence[str] = ()) -> list[Path]:
    """Run the demos and copy their images into ``out``; return the written paths."""
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="chainrule-figures-") as tmp:
        for name, files in FIGURES.items():
            if only and name not in only:
                continue
            print(f"== demos.{name}", flush=True)
            module = importlib.import_module(f"demos.{name}")
            module.run(Path(tmp) / name, seed=0, quiet=True)
            for produced, kept in files.items():
                dest = target / kept
                shutil.copyfile(Path(tmp) / name / produced, dest)
                size = dest.stat().st_size
                flag = "  (over the size budget!)" if size > MAX_BYTES else ""
                print(f"   {dest}  {size / 1000:.0f} kB{flag}", flush=True)
                written.append(dest)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m demos.figures", description=__doc__.split("\n")[0])
    p.add_argument("--out", type=_cli.output_dir, default=DEFAULT_OUT, metavar="DIR",
                   help="folder for the images, created if missing; not a file, writable"
                   " (default: docs/images)")  # fmt: skip
    p.add_argument("only", nargs="*", metavar="DEMO",
                   help=f"regenerate only these demos' images ({', '.join(FIGURES)})")  # fmt: skip
    a = p.parse_args(argv)
    unknown = [name for name in a.only if name not in FIGURES]
    if unknown:
        p.error(f"unknown demo(s) {', '.join(unknown)}; choose from {', '.join(FIGURES)}")
    regenerate(a.out, a.only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
