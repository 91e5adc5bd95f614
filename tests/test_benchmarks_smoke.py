"""Smoke test of the benchmark harness on tiny sizes: rows come out with numbers.

No timing is asserted (speed is measured by ``python -m benchmarks``, never in tests).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from support.requirements import unavailable

from autograd import topological_order
from benchmarks import WORKLOADS, Row, Settings, models, run, workloads_scalar
from benchmarks.__main__ import main
from benchmarks.harness import measure, peak_memory
from benchmarks.report import markdown, table


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return run(Settings.tiny())


def test_every_workload_produces_rows_with_numbers(rows: list[Row]) -> None:
    assert {row.workload for row in rows} == set(WORKLOADS)
    for row in rows:
        assert row.ours is not None and math.isfinite(row.ours) and row.ours > 0, row
        if row.kind in ("speedup", "slowdown") and row.other is not None:
            assert row.ratio is not None and row.ratio > 0
            assert row.passed in ((True, False) if row.bound is not None else (None,))


def against_micrograd(rows: list[Row]) -> list[str]:
    """The notes of workload M's engine rows (not the compiled ones) against micrograd."""
    return [
        row.note
        for row in rows
        if row.workload == "M" and row.other_name == "micrograd" and "compiled" not in row.variant
    ]


def test_engines_compute_the_same_scalar_loss_and_gradients(rows: list[Row]) -> None:
    """micrograd (in the dev extra) ran, and its loss and every gradient equal ours."""
    assert models.micrograd_available(), "micrograd 0.1.0 is in the dev extra: install it"
    notes = against_micrograd(rows)
    assert notes and all("loss and gradients agree with micrograd" in note for note in notes)


def test_without_micrograd_no_gradient_comparison_is_claimed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(models, "micrograd_available", lambda: False)
    monkeypatch.setattr(workloads_scalar, "_cache", {})
    notes = against_micrograd(workloads_scalar.workload_m(Settings.tiny()))
    claim = "loss agrees (and with plain floats); micrograd absent"
    assert notes and all(claim in note for note in notes)


def test_a_gradient_that_differs_from_micrograds_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make = models.make_micrograd

    def off_by_a_little(weights: Any) -> Any:  # micrograd's first weight nudged by 1e-3
        nudged = [(W.copy(), b.copy()) for W, b in weights]
        nudged[0][0][0, 0] += 1e-3
        return make(nudged)

    monkeypatch.setattr(models, "make_micrograd", off_by_a_little)
    monkeypatch.setattr(workloads_scalar, "_cache", {})
    notes = against_micrograd(workloads_scalar.workload_m(Settings.tiny()))
    assert notes and all("GRADIENT MISMATCH with micrograd" in note for note in notes)


def test_default_recursion_limit_is_enough_for_a_deep_chain(rows: list[Row]) -> None:
    (deep,) = [row for row in rows if row.workload == "D" and row.kind == "check"]
    assert deep.passed is True


def test_table_and_markdown_render(rows: list[Row]) -> None:
    text = table(rows)
    assert "targets:" in text and "micrograd" in text
    assert markdown(rows).count("\n") == len(rows) + 1


def test_measure_and_peak_memory() -> None:
    timing = measure(lambda: sum(range(100)), Settings.tiny())
    assert timing.median >= 0 and timing.repeats == 1
    assert peak_memory(lambda: [0.5] * 10_000) >= 80_000


def test_cli_only_and_json(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.json"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Settings, "quick", classmethod(lambda cls: Settings.tiny()))
        assert main(["--quick", "--only", "c,d", "--json", str(out)]) == 0
    payload = json.loads(out.read_text())
    assert {row["workload"] for row in payload["rows"]} == {"C", "D"}
    assert "chainrule benchmarks" in capsys.readouterr().out


def test_cpu_time_leaves_out_time_spent_waiting(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """--cpu-time reads the process's CPU time: a call that sleeps costs (almost) nothing."""
    import dataclasses
    import time

    cpu = dataclasses.replace(Settings.tiny(), cpu_time=True)
    assert measure(lambda: time.sleep(0.05), cpu).median < 0.02
    assert measure(lambda: time.sleep(0.05), Settings.tiny()).median >= 0.05
    out = tmp_path / "r.json"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Settings, "quick", classmethod(lambda cls: Settings.tiny()))
        assert main(["--quick", "--only", "c", "--cpu-time", "--json", str(out)]) == 0
    assert json.loads(out.read_text())["settings"]["cpu_time"] is True
    assert "CPU time (process_time)" in capsys.readouterr().out


def test_unknown_workload_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown workload"):
        run(Settings.tiny(), only=["Z"])


def test_page_open_builds_opens_and_reports_each_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m benchmarks.page_open`` on two small chains: a page and a line for each."""
    from benchmarks import page_open
    from viz.interactive import browser

    problem = browser.missing()
    if problem:
        unavailable("BROWSER", f"page_open cannot run: {problem}")
    assert 38 <= len(topological_order(page_open.chain(40))) <= 40
    assert page_open.main(["--nodes", "20", "40", "--repeat", "1", "--keep", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stepper_20.html", "stepper_40.html"]
    out = capsys.readouterr().out
    for n in (20, 40):
        line = rf"^ *{n} nodes .* ready at +[\d.]+ s .* painted at +[\d.]+ s .* one step +[\d.]+ s$"
        assert re.search(line, out, re.M), out
