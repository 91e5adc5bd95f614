"""Side-by-side benchmarks: chainrule against micrograd, plain Python floats, numpy and torch.

Run ``python -m benchmarks`` (``--quick`` for a short run, ``--only M,C`` for a subset,
``--json PATH`` to save the results). Speed is measured here, never asserted in the
test suite. :func:`run` is the programmatic entry point used by the CLI and the smoke test.
"""

from benchmarks.harness import Row, Settings
from benchmarks.runner import WORKLOADS, run

__all__ = ["WORKLOADS", "Row", "Settings", "run"]
