"""Regenerate every image checked in under docs/images/ by running the demos with fixed seeds.

``python -m demos.figures [--out docs/images]``: each demo runs at its normal
settings and its default seed (the chapter's 42 for XOR, else 0) into a temporary
folder and the chosen files are copied with stable names. The linear network
reads the real cats and dogs data from ``$CHAINRULE_DATA`` or ``../shared/data``
(it is not part of the repository); where it is missing, the synthetic stand-in
is used and the figure's title says so.
The README's pictures of ``viz`` options that no demo draws (``DRAWINGS``) are
drawn here directly.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import nn
import viz
from autograd import Backprop, Value
from demos import _cli, tour

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "docs" / "images"
MAX_BYTES = 300_000

FIGURES: dict[str, dict[str, str]] = {
    "tour": {"graph.svg": "tour_graph.svg", "graph.png": "tour_graph.png"},
    "computation_graph": {
        "layers.png": "computation_graph.png",
        "edges.png": "computation_graph_edges.png",
        "backprop.gif": "computation_graph_backprop.gif",
    },
    "perceptron": {"perceptron.png": "perceptron.png"},
    "linear_network": {"linear_network.png": "linear_network.png"},
    "activations": {"activations.png": "activations.png"},
    "representations": {
        "representations.png": "representations.png",
        "representations_trained.png": "representations_trained.png",
    },
    "shallow_vs_deep": {"shallow_vs_deep.png": "shallow_vs_deep.png"},
    "xor": {"xor.png": "xor.png"},
    "moons": {"moons.png": "moons.png"},
    "smoke_pm25": {
        "history.png": "smoke_pm25_history.png",
        "predicted_vs_observed.png": "smoke_pm25_predictions.png",
    },
}
"""demo name → {file the demo writes: name under docs/images}."""


def data_dir() -> Path:
    """Where the cats and dogs data is looked for: ``$CHAINRULE_DATA``, else ../shared/data."""
    return Path(os.environ.get("CHAINRULE_DATA", ROOT.parent / "shared" / "data"))


def run_options(name: str) -> dict[str, object]:
    """Extra arguments for a demo's ``run``: the real data for the linear network."""
    if name != "linear_network":
        return {}
    if data_dir().is_dir():
        return {"data": data_dir()}
    print(f"   no cats/dogs data at {data_dir()}: the synthetic stand-in, titled so", flush=True)
    return {}


def colah() -> tuple[Value, Value]:
    """colah's e = (a + b)·(b + 1) at a = 2, b = 1: b reaches e along two paths."""
    a, b = Value(2.0, label="a"), Value(1.0, label="b")
    c = a + b
    c.label = "c"
    d = b + 1.0
    d.label = "d"
    e = c * d
    e.label = "e"
    e.backward()
    return b, e


def _sum_over_paths(path: Path) -> Path:
    b, e = colah()
    return viz.draw(e, "edges", paths_from=b).save(path)


def _forward_mode(path: Path) -> Path:
    b, e = colah()
    return viz.draw(e, "edges", tangents_from=b, grads=False).save(path)


def _backprop_step(path: Path) -> Path:
    f, _ = tour.build()
    stepper = Backprop(f)
    step = stepper.step()
    return viz.draw_step(stepper, "edges", caption=step).save(path)


def _fan_out_step(path: Path) -> Path:
    """L = x·(x·y) after the first backward step: x's first share is in, x.grad = 3 + ?."""
    x, y = Value(-1.5, label="x"), Value(-2.0, label="y")
    loss = x * (x * y)
    loss.label = "L"
    stepper = Backprop(loss)
    step = stepper.step()
    return viz.draw_step(stepper, "edges", caption=step).save(path)


def _mlp_layers(path: Path) -> Path:
    f = nn.MLP(2, [8, 8, 1], seed=0)([0.5, -1.0])
    f.label = "f"
    f.backward()
    return viz.draw(f, "layers").save(path)


DRAWINGS: dict[str, Callable[[Path], Path]] = {
    "sum_over_paths.png": _sum_over_paths,
    "forward_mode.png": _forward_mode,
    "backprop_step.png": _backprop_step,
    "fan_out_step.png": _fan_out_step,
    "mlp_layers.png": _mlp_layers,
}
"""Pictures of viz options no demo draws: name under docs/images → how to draw it.
Written when every image is regenerated (no demo names given), or with ``viz``."""
VIZ = "viz"


def regenerate(out: str | Path = DEFAULT_OUT, only: Sequence[str] = ()) -> list[Path]:
    """Run the demos and copy their images into ``out``; return the written paths."""
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if not only or VIZ in only:
        print("== viz drawings", flush=True)
        for kept, draw in DRAWINGS.items():
            written.append(_report(draw(target / kept)))
    with tempfile.TemporaryDirectory(prefix="chainrule-figures-") as tmp:
        for name, files in FIGURES.items():
            if only and name not in only:
                continue
            print(f"== demos.{name}", flush=True)
            module = importlib.import_module(f"demos.{name}")
            module.run(Path(tmp) / name, quiet=True, **run_options(name))
            for produced, kept in files.items():
                dest = target / kept
                shutil.copyfile(Path(tmp) / name / produced, dest)
                written.append(_report(dest))
    return written


def _report(dest: Path) -> Path:
    size = dest.stat().st_size
    flag = "  (over the size budget!)" if size > MAX_BYTES else ""
    print(f"   {dest}  {size / 1000:.0f} kB{flag}", flush=True)
    return dest


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m demos.figures", description=__doc__.split("\n")[0])
    p.add_argument("--out", type=_cli.output_dir, default=DEFAULT_OUT, metavar="DIR",
                   help="folder for the images, created if missing; not a file, writable"
                   " (default: docs/images)")  # fmt: skip
    p.add_argument("only", nargs="*", metavar="DEMO",
                   help=f"regenerate only these demos' images ({', '.join(FIGURES)}),"
                   f" or {VIZ} for the viz drawings")  # fmt: skip
    a = p.parse_args(argv)
    unknown = [name for name in a.only if name not in FIGURES and name != VIZ]
    if unknown:
        p.error(f"unknown demo(s) {', '.join(unknown)}; choose from {', '.join(FIGURES)} or {VIZ}")
    regenerate(a.out, a.only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
