"""Smoke test of the benchmark harness on tiny sizes: rows come out with numbers.

No timing is asserted (speed is measured by ``python -m benchmarks``, never in tests).
"""

from __future__ import annotations

import json
import math

import pytest

from benchmarks import WORKLOADS, Row, Settings, run
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


def test_engines_compute_the_same_scalar_loss(rows: list[Row]) -> None:
    notes = [row.note for row in rows if row.workload == "M" and row.other_name == "micrograd"]
    assert notes and all("agree" in note for note in notes)


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


def test_unknown_workload_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown workload"):
        run(Settings.tiny(), only=["Z"])
