"""autograd.nudge: ΔL measured by replaying the forward pass, next to grad·h; viz.plot_nudge."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

import autograd as ag
import viz
from autograd import Value
from autograd.explain import reevaluate, replayed

TRUNCATION_HS = (1e-1, 3e-2, 1e-2, 3e-3, 1e-3)
"""Steps where the truncation error dominates rounding, for both estimates."""


def _slope(hs: list[float], errors: list[float]) -> float:
    return float(np.polyfit(np.log(hs), np.log(np.abs(errors)), 1)[0])


Function = Callable[[Value], Value]


def _tanh(x: Value) -> Value:
    return (x * 1.7).tanh() * Value(2.0, label="a")


def _exp(x: Value) -> Value:
    return (x * x).exp() + x.exp() * 0.5


def _product(x: Value) -> Value:
    y = Value(-0.7, label="y")
    return x * y * x * x + y


SMOOTH = pytest.mark.parametrize(
    ("f", "x0"), [(_tanh, 0.4), (_exp, -0.3), (_product, 1.3)], ids=["tanh", "exp", "product"]
)


@SMOOTH
def test_central_gap_shrinks_as_h_squared_and_one_sided_as_h(f: Function, x0: float) -> None:
    x = Value(x0, label="x")
    table = ag.nudge(f(x), x, TRUNCATION_HS)
    hs = [r.h for r in table.rows]
    assert _slope(hs, [r.slope_error for r in table.rows]) == pytest.approx(1.0, abs=0.1)
    assert _slope(hs, [r.central_slope_error for r in table.rows]) == pytest.approx(2.0, abs=0.1)
    assert _slope(hs, [r.gap for r in table.rows]) == pytest.approx(2.0, abs=0.1)


@SMOOTH
def test_values_agree_with_gradients_and_finite_differences(f: Function, x0: float) -> None:
    x = Value(x0, label="x")
    root = f(x)
    (grad,) = ag.gradients(root, [x])
    table = ag.nudge(root, x)
    assert (table.grad, table.loss, table.value) == (grad, root.data, x0)
    for row in table.rows:  # each loss from a graph built afresh at x0 ± h
        up, down = f(Value(x0 + row.h)).data, f(Value(x0 - row.h)).data
        assert row.delta == up - table.loss
        assert row.central == (up - down) / 2
        assert row.linear == grad * row.h
        # the central finite-difference slope is the gradient to O(h²), then rounding
        assert abs(row.central / row.h - grad) <= 10 * row.h**2 + 1e-8


def test_reevaluate_matches_a_graph_built_at_the_new_value() -> None:
    def build(v: float) -> tuple[Value, Value]:
        x = Value(v, label="x")
        return ((x * 2.0 - 1.0).sigmoid() / (x.exp() + 3.0)) ** 2 + (2.0 / x) + x.relu(), x

    root, x = build(0.8)
    again, _ = build(1.3)
    assert reevaluate(root, {x: 1.3})[root] == again.data


def test_replayed_is_a_recorded_copy_with_the_same_names_and_new_gradients() -> None:
    x, y = Value(0.5, label="x"), Value(2.0, label="y")
    q = x * y
    q.label = "q"
    root = (q + 1.0).tanh() / y + x.exp()
    copy, copies = replayed(root, {x: -0.25})
    assert list(ag.names(copy).values()) == list(ag.names(root).values())
    fresh_x, fresh_y = Value(-0.25, label="x"), Value(2.0, label="y")
    fresh = (fresh_x * fresh_y + 1.0).tanh() / fresh_y + fresh_x.exp()
    assert copy.data == fresh.data
    assert ag.gradients(copy, [copies[x], copies[y]]) == ag.gradients(fresh, [fresh_x, fresh_y])
    copy.backward()
    assert x.grad == 0.0 and y.grad == 0.0 and copies[x] is not x


def test_the_graph_is_left_as_it_was() -> None:
    x, y = Value(0.5, label="x"), Value(2.0, label="y")
    root = (x * y).tanh() + y
    root.backward()
    before = [(v.data, v.grad) for v in ag.topological_order(root)]
    ag.nudge(root, x)
    assert [(v.data, v.grad) for v in ag.topological_order(root)] == before


def test_a_leaf_holding_one_number_inside_a_batched_graph() -> None:
    xs = Value(np.array([0.1, -0.4, 0.9]), label="xs")
    w = Value(0.6, label="w")
    loss = ((xs * w).tanh() - 0.2).__pow__(2).batch_mean()
    table = ag.nudge(loss, w, TRUNCATION_HS)
    (grad,) = ag.gradients(loss, [w])
    assert table.grad == pytest.approx(grad)
    for row in table.rows:
        up = float(np.mean((np.tanh(xs.data * (0.6 + row.h)) - 0.2) ** 2))
        assert row.delta == pytest.approx(up - loss.data, rel=1e-9)
    hs = [r.h for r in table.rows]
    assert _slope(hs, [r.central_slope_error for r in table.rows]) == pytest.approx(2.0, abs=0.1)
    with pytest.raises(ValueError, match="holds a batch of 3 values; nudge a leaf holding one"):
        ag.nudge(loss, xs)
    with pytest.raises(ValueError, match="nudge needs one number, such as a loss"):
        ag.nudge(xs * w, w)


def test_bad_input_is_refused_clearly() -> None:
    x = Value(0.5, label="x")
    inner = x * 3.0
    root = inner.tanh()
    with pytest.raises(ValueError, match="each step h must be a finite number > 0, got 0"):
        ag.nudge(root, x, (1e-2, 0.0))
    with pytest.raises(ValueError, match=r"got -0\.1"):
        ag.nudge(root, x, (-0.1,))
    with pytest.raises(ValueError, match="got nan"):
        ag.nudge(root, x, (math.nan,))
    with pytest.raises(ValueError, match="hs is empty"):
        ag.nudge(root, x, ())
    with pytest.raises(TypeError, match="must be a number, got str"):
        ag.nudge(root, x, ("0.1",))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="is not in the graph"):
        ag.nudge(root, Value(1.0, label="elsewhere"))
    with pytest.raises(ValueError, match=r"v1 is computed by mul \(not a leaf\)"):
        ag.nudge(root, inner)
    with pytest.raises(TypeError, match="two Values"):
        ag.nudge(root, 0.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="is computed by an op, not a leaf"):
        reevaluate(root, {inner: 1.0})
    p = Value(0.05, label="p")
    with pytest.raises(ag.DomainError, match=r"log of \(p=-0\.05\): outside the domain"):
        ag.nudge(p.log(), p, (0.1,))


def test_table_prints_aligned_columns_and_escaped_html() -> None:
    x = Value(0.5, label="<x & 'y'>")
    table = ag.nudge((x * x).exp(), x, (1e-1, 1e-3))
    lines = str(table).splitlines()
    assert lines[0].startswith("nudging <x & 'y'> = 0.5")
    header, *body = lines[1:]
    assert "ΔL central" in header and "grad·h" in header and len(body) == 2
    assert len({len(line) for line in lines[1:]}) == 1  # right-aligned columns
    for line, row in zip(body, table.rows):
        assert [float(c) for c in line.split()] == pytest.approx(
            [row.h, row.delta, row.central, row.linear, row.gap, row.central_gap], rel=1e-6
        )
    page = table._repr_html_()
    assert "&lt;x &amp; &#x27;y&#x27;&gt;" in page and "<x &" not in page
    assert page.count("<tr>") == 3


def test_plot_nudge_draws_the_errors_and_reference_slopes() -> None:
    x = Value(0.4, label="x")
    table = ag.nudge((x * 1.7).tanh(), x, TRUNCATION_HS)
    fig = viz.plot_nudge(table)
    (ax,) = fig.axes
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    lines = {line.get_label(): line for line in ax.get_lines()}
    one_sided_label, central_label = "one-sided: ΔL/h − ∂L/∂x", "central: ΔL_c/h − ∂L/∂x"
    assert set(lines) == {one_sided_label, "slope 1", central_label, "slope 2"}
    rows = sorted(table.rows, key=lambda r: r.h)
    one_sided = lines[one_sided_label]
    assert list(one_sided.get_xdata()) == [r.h for r in rows]
    assert list(one_sided.get_ydata()) == [abs(r.slope_error) for r in rows]
    central = lines[central_label]
    assert list(central.get_ydata()) == [abs(r.central_slope_error) for r in rows]
    for label, order in (("slope 1", 1), ("slope 2", 2)):
        line = lines[label]
        assert _slope(list(line.get_xdata()), list(line.get_ydata())) == pytest.approx(order)
    assert _slope([r.h for r in rows], list(central.get_ydata())) == pytest.approx(2.0, abs=0.1)
    with pytest.raises(TypeError, match=r"takes an autograd\.nudge table"):
        viz.plot_nudge([1, 2])  # type: ignore[arg-type]
