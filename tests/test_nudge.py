"""What a gradient means: nudge a leaf, run the forward pass again, compare with grad·h."""

from __future__ import annotations

import numpy as np
import pytest

import viz
from autograd import Value, nudge, topological_order
from autograd.exercises import random_expression
from autograd.nudge import _evaluate


@pytest.mark.parametrize("difficulty", [1, 2, 3, 4, 5])
def test_the_forward_pass_again_gives_the_recorded_values(difficulty: int) -> None:
    for seed in range(20):
        root = random_expression(difficulty, seed=seed)
        order = topological_order(root)
        for leaf in (v for v in order if v.is_leaf):
            assert _evaluate(order, leaf, leaf.data) == root.data  # every op, from the table


def test_the_miss_shrinks_as_h_squared_and_nothing_is_touched() -> None:
    x, w = Value(0.7, label="x"), Value(-1.3, label="w")
    loss = ((w * x).tanh() - 0.25) ** 2
    loss.label = "L"
    table = nudge(loss, w)
    g = 2 * (np.tanh(-1.3 * 0.7) - 0.25) * (1 - np.tanh(-1.3 * 0.7) ** 2) * 0.7
    assert table.grad == pytest.approx(g, rel=1e-12)
    for row in table.rows:
        moved = (np.tanh((-1.3 + row.h) * 0.7) - 0.25) ** 2 - (np.tanh(-1.3 * 0.7) - 0.25) ** 2
        assert row.delta == pytest.approx(moved, rel=1e-9, abs=1e-15)
        assert row.linear == pytest.approx(g * row.h)
    assert table.slope == pytest.approx(2.0, abs=0.05)
    assert w.data == -1.3 and w.grad == 0.0 and loss.grad == 0.0  # nothing written
    text = str(table)
    assert text.startswith("nudging w by h: ∂L/∂w = ") and "ΔL - ∂L/∂w·h" in text
    assert len(text.splitlines()) == 2 + len(table.rows)


def test_html_view_escapes_names_and_the_plot_has_slope_two() -> None:
    a = Value(0.5, label="<a&b>")
    out = (a * a).exp()
    table = nudge(out, a, hs=(1e-1, 1e-2, 1e-3))
    page = table._repr_html_()
    assert "&lt;a&amp;b&gt;" in page and "<a&b>" not in page and page.count("<tr>") == 4
    fig = viz.plot_nudge(table)
    ax = fig.axes[0]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    (dots, reference) = ax.get_lines()[:2]
    xs, ys = np.log10(dots.get_xdata()), np.log10(dots.get_ydata())
    assert np.polyfit(xs, ys, 1)[0] == pytest.approx(2.0, abs=0.05)
    assert ax.get_title() == f"nudging <a&b>: slope {table.slope:.2f}"
    assert reference.get_ydata()[0] == pytest.approx(dots.get_ydata()[0])


def test_bad_input_is_refused() -> None:
    x = Value(1.0, label="x")
    y = x * 2.0
    with pytest.raises(ValueError, match="not a leaf"):
        nudge(y, y)
    with pytest.raises(ValueError, match="does not depend"):
        nudge(y, Value(3.0))
    with pytest.raises(ValueError, match="hs"):
        nudge(y, x, hs=(0.1, -1.0))
    with pytest.raises(ValueError, match="batches"):
        nudge(Value(np.ones(3)) * x, x)
    with pytest.raises(TypeError):
        nudge(2.0, x)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"autograd\.nudge"):
        viz.plot_nudge("table")  # type: ignore[arg-type]
