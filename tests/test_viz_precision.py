"""``precision=`` reaches every name and number of a view by one route, with one default.

A stepper page made with ``precision=3`` once named a constant node with 4 digits
(``∂v1/∂0.1235`` beside ``v1 = x * 0.123``): its names came from the default.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import viz
from autograd import Value
from autograd.naming import DEFAULT_PRECISION


def graph() -> Value:
    """A constant node (named by its value) and a kept constant, both 0.12345."""
    x = Value(2.0, label="x")
    f = (x * Value(0.12345)) * 0.12345 + x
    f.label = "f"
    f.backward()
    return f


@pytest.mark.parametrize("style", ["edges", "layers"])
@pytest.mark.parametrize("direction", ["forward", "backward", "both"])
def test_a_stepper_page_prints_every_name_at_its_precision(style: str, direction: str) -> None:
    page = viz.stepper(graph(), direction, precision=3, style=style)  # type: ignore[arg-type]
    shown = json.dumps(page.data, ensure_ascii=False) + page.svg + "".join(page.frames)
    assert "0.123" in shown
    assert "0.1235" not in shown  # (the op itself, Value.op, is "*0.12345" at any precision)


def test_a_worksheet_and_a_comparison_print_at_their_precision(tmp_path: Path) -> None:
    sheet = viz.worksheet(graph(), tmp_path / "w.html", precision=3, answers=True)
    assert "0.123" in sheet.read_text("utf-8") and "0.1235" not in sheet.read_text("utf-8")
    comparison = viz.compare_backprop(graph(), "assign_not_accumulate", precision=3)
    assert "0.1235" not in str(comparison) + comparison.html()


def test_one_default_everywhere() -> None:
    import inspect

    from viz.interactive import compare, page, svg

    for function in (page.stepper, page.Stepper, svg.graph_svg, viz.worksheet,
                     compare.compare_backprop, viz.draw):  # fmt: skip
        default = inspect.signature(function).parameters["precision"].default
        assert default == DEFAULT_PRECISION, function
