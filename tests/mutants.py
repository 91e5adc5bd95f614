"""Mutation check: each one-line mutant below must make its tests fail.

    python3 tasks.py mutants              # every mutant (CI runs this)
    python3 tasks.py mutants div adam     # only these (by name)

For each mutant the repository's tracked files are copied to a temporary
directory, one exact text pattern is replaced there, and only the test files
meant to catch it are run (``pytest -x``, stopping at the first failure). A mutant
whose tests still pass *survived*: the script then exits 1. So does a pattern
that is no longer in its file (the code moved on: update the mutant), and so
does a baseline run, on the unmutated copy, whose tests fail (a mutant is only
killed by a failure it caused).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutant:
    """Replace ``old`` (exactly once in ``path``) with ``new``; ``tests`` must then fail."""

    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]
    """Test files or node ids: only these run, so that the whole check takes minutes."""
    what: str


MUTANTS = (
    Mutant(
        "guard-operand",
        "autograd/compiler/codegen.py",
        "ready = self._ready(node) and (not isinstance(other, Node) or self._ready(other))",
        "ready = self._ready(node)",
        ("tests/test_compile.py",),
        "a guard is emitted before its other operand is computed",
    ),
    Mutant(
        "text-on-text",
        "tests/support/svg.py",
        "if a.box.overlaps(b.box):  # text on text",
        "if False:  # text on text",
        ("tests/test_viz_svg.py",),
        "the overlap checker no longer compares texts with texts",
    ),
    Mutant(
        "backward-accumulate",
        "autograd/backward.py",
        "parent.grad += contribution",
        "parent.grad = contribution",
        (
            "tests/test_engine_properties.py::test_backward_equals_gradients_and_finite_differences",
            "tests/test_engine_properties.py::"
            "test_batched_backward_equals_gradients_and_finite_differences",
        ),
        "backward's general path overwrites a gradient instead of adding to it",
    ),
    Mutant(
        "fast-path-constant-factor",
        "autograd/backward.py",
        "a.grad += g * node._b",
        "a.grad += g",
        ("tests/test_engine_chain_rule.py",),
        "backward's float fast path drops the constant of x · c from its partial",
    ),
    Mutant(
        "fast-path-relu-step",
        "autograd/backward.py",
        "a.grad += g if a._data > 0 else g * 0.0",
        "a.grad += g if a._data > 0 else 0.0",
        ("tests/test_engine_chain_rule.py",),
        "backward's float fast path drops a NaN that 0 · ∞ makes behind a relu",
    ),
    Mutant(
        "batch-grad-in-place",
        "autograd/backward.py",
        "        if key in made:",
        "        if key in made or parent.grad.__class__ is np.ndarray:",
        ("tests/test_engine_batched_dot.py",),
        "a batched pass adds into a gradient array the user holds",
    ),
    Mutant(
        "layer-weights-wait",
        "autograd/batch_dot.py",
        "self._wait(weights, key)",
        "None",
        ("tests/test_engine_batched_dot.py",),
        "a batched layer's weight that is not a leaf gets its gradient after its turn",
    ),
    Mutant(
        "div-partial",
        "autograd/ops.py",
        "partials=lambda a, b, out: (1.0 / b, -out / b),",
        "partials=lambda a, b, out: (1.0 / b, out / b),",
        ("tests/test_engine_properties.py::test_op_gradient_matches_finite_differences[/]",),
        "∂(a/b)/∂b loses its sign",
    ),
    Mutant(
        "adam-bias-correction",
        "nn/optim.py",
        "c1, c2 = 1.0 - b1**t, 1.0 - b2**t",
        "c1, c2 = 1.0, 1.0",
        ("tests/test_nn_optim.py",),
        "Adam without bias correction",
    ),
    Mutant(
        "load-into-config",
        "nn/loading.py",
        "if json.dumps(mine, sort_keys=True) != json.dumps(arch, sort_keys=True):",
        "if False:",
        ("tests/test_nn_serialize.py",),
        "nn.load(into=) accepts a file saved from another architecture",
    ),
    Mutant(
        "stepper-question-mark",
        "viz/interactive/assets/stepper.js",
        "function dataLabel(n, s) { return s >= n.dataAt ? null : n.unknown; }",
        "function dataLabel(n, s) { return s > n.dataAt ? null : n.unknown; }",
        (  # not the whole file: two tests that see it, for speed
            "tests/test_browser_stepper.py::test_next_to_the_end_shows_backwards_gradients",
            "tests/test_browser_stepper.py::test_slider_jumps_to_any_step",
        ),
        "the stepper page's graph shows a value one step late (? one step too long)",
    ),
    Mutant(
        "stepper-tooltip-value",
        "viz/interactive/assets/stepper.js",
        'function dataText(n, s) { return s >= n.dataAt ? n.value : "?"; }',
        'function dataText(n, s) { return s > n.dataAt ? n.value : "?"; }',
        ("tests/test_browser_stepper.py::test_hover_shows_op_partial_value_and_gradient",),
        "the stepper page's tooltip shows a value one step late",
    ),
    Mutant(
        "path-product",
        "viz/paths.py",
        "result = result * factor",
        "result = result + factor",
        ("tests/test_viz_draw.py",),
        "a path's product of local derivatives becomes a sum",
    ),
)


def copy_repo(dest: Path) -> None:
    """Copy the files git tracks (and new, unignored ones) to ``dest``."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for raw in filter(None, listed):
        rel = raw.decode()
        source = ROOT / rel
        if source.is_file():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def mutated(mutant: Mutant, repo: Path) -> str:
    """The mutant's file in ``repo`` with its pattern replaced; raises LookupError
    unless the pattern is there exactly once."""
    path = repo / mutant.path
    if not path.is_file():
        raise LookupError(f"mutant {mutant.name}: {mutant.path} does not exist")
    text = path.read_text(encoding="utf-8")
    count = text.count(mutant.old)
    if count != 1:
        raise LookupError(
            f"mutant {mutant.name}: the pattern {mutant.old!r} occurs {count} times in"
            f" {mutant.path} (expected once); the code changed, update the mutant"
        )
    return text.replace(mutant.old, mutant.new)


def run_tests(repo: Path, tests: tuple[str, ...], python: str) -> tuple[bool, float, str]:
    """Run ``tests`` in ``repo`` (its packages first on the path): (passed, seconds, output)."""
    env = dict(os.environ, PYTHONPATH=str(repo), MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    env["CHAINRULE_REQUIRE_BROWSER"] = "1"  # a skipped test would let its mutant survive
    cmd = [python, "-m", "pytest", "-q", "-x", "-p", "no:randomly", "-p", "no:cacheprovider"]
    start = time.perf_counter()
    result = subprocess.run(
        [*cmd, *tests], cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output = result.stdout.decode(errors="replace")
    return result.returncode == 0, time.perf_counter() - start, output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("names", nargs="*", help="mutants to run (default: all)")
    parser.add_argument("--python", default=sys.executable, help="the interpreter to test with")
    ns = parser.parse_args(argv)
    python = os.path.abspath(ns.python)  # the tests run elsewhere (not resolve(): a venv link)
    chosen = [m for m in MUTANTS if not ns.names or m.name in ns.names]
    unknown = set(ns.names) - {m.name for m in MUTANTS}
    if unknown:
        parser.error(f"no mutant named {', '.join(sorted(unknown))}")
    failures: list[str] = []
    killed = 0
    with tempfile.TemporaryDirectory(prefix="chainrule-mutants-") as tmp:
        base = Path(tmp) / "base"
        copy_repo(base)
        for mutant in chosen:  # every pattern first: a stale one fails before any test runs
            try:
                mutated(mutant, base)
            except LookupError as exc:
                failures.append(str(exc))
        if failures:
            print("\n".join(f"mutants: {f}" for f in failures), file=sys.stderr)
            return 1
        baseline = sorted({t for m in chosen for t in m.tests})
        passed, seconds, output = run_tests(base, tuple(baseline), python)
        print(f"mutants: baseline {' '.join(baseline)}: {'pass' if passed else 'FAIL'}"
              f" ({seconds:.0f} s)", flush=True)  # fmt: skip
        if not passed:
            print("\n".join(output.splitlines()[-40:]), file=sys.stderr)
            print("mutants: the unmutated tests fail, so no kill would mean anything",
                  file=sys.stderr)  # fmt: skip
            return 1
        for mutant in chosen:
            repo = Path(tmp) / mutant.name
            shutil.copytree(base, repo)
            (repo / mutant.path).write_text(mutated(mutant, base), encoding="utf-8")
            passed, seconds, _ = run_tests(repo, mutant.tests, python)
            shutil.rmtree(repo, ignore_errors=True)
            verdict = "SURVIVED" if passed else "killed"
            killed += not passed
            print(f"mutants: {mutant.name}: {verdict} ({seconds:.0f} s): {mutant.what}",
                  flush=True)  # fmt: skip
            if passed:
                failures.append(f"{mutant.name} survived {' '.join(mutant.tests)}")
    print(f"mutants: {killed} of {len(chosen)} killed")
    if failures:
        print("\n".join(f"mutants: {f}" for f in failures), file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
