"""How long a stepper page takes to open in headless Chromium, by graph size.

    python -m benchmarks.page_open --nodes 2000 10000 [--repeat 3] [--keep DIR]

For each size it builds a chain ``x → tanh(x·w₀) → tanh(·w₁) → …`` of about that many
nodes, saves its stepper page (Graphviz lays it out: minutes for 10,000 nodes; ``--keep``
keeps the pages so a second run only opens them), opens it ``--repeat`` times and prints
the median of: the time until the page says it is ready (``data-cr-ready-ms``, from the
start of navigation), the stepper script's own share (``data-cr-mount-ms``), the time
the first frame after that was painted (the page as the reader first sees it), and one
step (``next →`` until the browser has laid the page out again). Needs ``chromium`` and
``chromedriver`` (see :mod:`viz.interactive.browser`).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import autograd
import viz
from autograd import Value
from viz.interactive import browser

STATE = (
    "var e = document.querySelector('.chainrule-stepper');"
    " return [+e.getAttribute('data-cr-ready-ms'), +e.getAttribute('data-cr-mount-ms')];"
)
PAINTED = (  # the second animation frame after ready: the first one has been painted
    "var done = arguments[0]; requestAnimationFrame(function () {"
    " requestAnimationFrame(function () { done(performance.now()); }); });"
)
STEP = "document.querySelector('.cr-next').click(); return document.body.offsetHeight;"


def chain(nodes: int) -> Value:
    """A labelled chain of about ``nodes`` nodes (three per link), its gradients filled in."""
    v = x = Value(0.5, label="x")
    for k in range((nodes - 1) // 3):
        v = (v * Value(0.9 + 0.1 * math.sin(k), label=f"w{k}")).tanh()
    v.label = "L"
    v.backward()
    assert v is not x
    return v


def page(nodes: int, folder: Path) -> Path:
    """The saved page for ``nodes`` (made once per folder)."""
    path = folder / f"stepper_{nodes}.html"
    if not path.exists():
        began = time.perf_counter()
        render = sys.modules["viz.render"]
        render.TIMEOUT = max(render.TIMEOUT, 3600.0)  # type: ignore[attr-defined]
        root = chain(nodes)
        viz.stepper(root, max_nodes=len(autograd.topological_order(root))).save(path)
        print(f"  built {path.name} in {time.perf_counter() - began:.0f} s", flush=True)
    return path


def measure(driver: Any, path: Path, repeat: int) -> tuple[float, float, float, float, float]:
    """Medians of (wall seconds, ready ms, script ms, painted ms, one step in seconds)."""
    rows = []
    for _ in range(repeat):
        wall = browser.open_page(driver, path, timeout=600)
        ready, mount = driver.execute_script(STATE)
        painted = driver.execute_async_script(PAINTED)
        began = time.perf_counter()
        driver.execute_script(STEP)
        rows.append((wall, ready, mount, painted, time.perf_counter() - began))
    return tuple(statistics.median(column) for column in zip(*rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.page_open", description=__doc__)
    parser.add_argument("--nodes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="folder for the pages (reused if present)")
    args = parser.parse_args(argv)
    problem = browser.missing()
    if problem:
        print(f"page_open: {problem}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        paths = {n: page(n, folder) for n in args.nodes}
        driver = browser.start()
        try:
            for n, path in paths.items():
                wall, ready, mount, painted, step = measure(driver, path, args.repeat)
                size = path.stat().st_size / 1e6
                print(
                    f"{n:>6} nodes  {size:5.1f} MB  ready at {ready / 1000:5.2f} s"
                    f" (script {mount / 1000:4.2f} s), painted at {painted / 1000:5.2f} s"
                    f" (wall {wall:5.2f} s)  one step {step:5.2f} s",
                    flush=True,
                )
        finally:
            driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
