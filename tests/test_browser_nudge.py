"""Nudging on the stepper page, in headless Chromium: the JavaScript generated from the op
table gives the engine's numbers, and after a leaf is edited every value and gradient on
the page is the engine's for the new value. Skips like tests/test_browser_stepper.py."""

from __future__ import annotations

import json
import math
import time
from typing import Any

import pytest
from test_javascript_ops import samples

import autograd as ag
import viz
from autograd import Value, explain, ops
from autograd.exercises import random_expression
from demos.tour import build

PAGE = """
var root = document.querySelector('.chainrule-stepper');
var q = function (s) { return Array.prototype.slice.call(root.querySelectorAll(s)); };
return {
  slots: q('.cr-graph [data-kind]').map(function (e) {
    return [+e.getAttribute('data-node'), e.getAttribute('data-kind'), e.textContent]; }),
  rows: q('.cr-table tbody tr').map(function (r) {
    return Array.prototype.map.call(r.children, function (c) { return c.textContent; }); }),
  step: +root.getAttribute('data-step'),
  nudged: root.getAttribute('data-cr-nudged'),
  result: root.crNudge ? root.crNudge.result : null,
  panel: root.querySelector('.cr-nudge') ? {
    delta: root.querySelector('.cr-nudge').getAttribute('data-delta'),
    linear: root.querySelector('.cr-nudge').getAttribute('data-linear'),
    text: root.querySelector('.cr-nudge-result').textContent,
    leaves: q('.cr-nudge-leaf').map(function (e) { return e.textContent; })
  } : null
};
"""


def page(driver: Any) -> dict[str, Any]:
    return driver.execute_script(PAGE)  # type: ignore[no-any-return]


def edit(driver: Any, node: int, value: float | str) -> None:
    field = driver.find_element("css selector", f".cr-nudge-input[data-node='{node}']")
    field.clear()
    field.send_keys(f"{value}\n")


# ---- the generated ops, op by op --------------------------------------------------------------


def test_generated_ops_give_the_engines_numbers(driver: Any) -> None:
    table = ops.table()
    signatures = [(op, op.arity if op.arity is not None else 3) for op in table]
    found = explain.javascript(signatures)
    points = [samples(op, 4, seed=k) for k, op in enumerate(table)]
    driver.get("about:blank")
    got = driver.execute_script(
        found.source
        + f"var fns = window.chainruleOps[{json.dumps(found.key)}], points = arguments[0];"
        " return points.map(function (xs, k) { return xs.map(function (x) {"
        " var out = fns[k].forward.apply(null, x);"
        " return [out, fns[k].partials.apply(null, x.concat([out]))]; }); });",
        points,
    )
    for op, xs_list, results in zip(table, points, got):
        for xs, (out, partials) in zip(xs_list, results):
            want = op.forward(*xs)
            assert out == pytest.approx(want, rel=1e-12, abs=1e-300), (op, xs)
            expected = [float(p) for p in op.partials(*xs, want)]
            assert partials == pytest.approx(expected, rel=1e-12, abs=1e-300), (op, xs)


def test_numbers_are_printed_as_format_number_prints_them(driver: Any, open_page: Any) -> None:
    open_page(viz.stepper(build()[0]))
    numbers = [5.0625, 0.125, 2.5, 0.5, -1.0625, 1e-5, 1.23456789e-7, 123456.0, 1234.5, 99999.5,
               9.9995, 0.00012345, -0.0, 0.0, 1e21, 3.0, -2.75, math.pi, 1e-300, 6.02e23,
               0.30000000000000004, 1.5**4 * 3, 0.1 + 0.2]  # fmt: skip
    precisions = [1, 2, 3, 4, 6, 10, 17]
    got = driver.execute_script(
        "var f = document.querySelector('.chainrule-stepper').crNudge.format, ps = arguments[1];"
        " return arguments[0].map(function (x) {"
        " return ps.map(function (p) { return f(x, p); }); });",
        numbers,
        precisions,
    )
    want = [[ag.format_number(x, p) for p in precisions] for x in numbers]
    assert got == want


# ---- the page ---------------------------------------------------------------------------------


def expected_page(driver: Any, open_page: Any, root: Value, precision: int) -> dict[str, Any]:
    """What a page built by Python for ``root`` shows at its last step."""
    open_page(viz.stepper(root, precision=precision), "expected.html")
    driver.find_element("css selector", ".cr-last").click()
    return page(driver)


def check_nudge(driver: Any, open_page: Any, root: Value, leaf: Value, new: float,
                precision: int = 4) -> None:  # fmt: skip
    """Edit ``leaf`` to ``new`` on ``root``'s page; compare with the engine at the new value."""
    copy, _ = explain.replayed(root, {leaf: new})
    order, new_order = ag.topological_order(root), ag.topological_order(copy)
    want = expected_page(driver, open_page, copy, precision)
    open_page(viz.stepper(root, precision=precision))
    node = order.index(leaf)
    edit(driver, node, repr(new))
    now = page(driver)
    assert now["nudged"] == "1"
    assert now["slots"] == want["slots"]  # every value, gradient, share and sum, as text
    assert now["rows"] == want["rows"]  # the Wengert table
    result = now["result"]
    grads = ag.gradients(copy, new_order)
    for i, v in enumerate(new_order):
        assert result["value"][i] == pytest.approx(v.data, rel=1e-12, abs=1e-300)
        assert result["grad"][i] == pytest.approx(float(grads[i]), rel=1e-12, abs=1e-14)
    (g,) = ag.gradients(root, [leaf])
    delta, linear = float(now["panel"]["delta"]), float(now["panel"]["linear"])
    assert delta == pytest.approx(copy.data - root.data, rel=1e-12, abs=1e-14)
    assert linear == pytest.approx(g * (new - leaf.data), rel=1e-12, abs=1e-14)
    text = now["panel"]["text"]
    out = ag.names(root)[root]
    assert f"grad·h = Σ ∂{out}/∂leaf · h = {ag.format_number(linear, precision)}" in text


def test_tour_after_editing_each_leaf(driver: Any, open_page: Any) -> None:
    root = build()[0]
    for leaf in [v for v in ag.topological_order(root) if v.is_leaf]:
        check_nudge(driver, open_page, root, leaf, leaf.data + 0.37)


def test_a_tiled_page_after_an_edit(driver: Any, open_page: Any, tiled: None) -> None:
    """As a large graph's page: its drawing in tiles, its table in blocks."""
    root = random_expression(3, seed=5)
    leaf = next(v for v in ag.topological_order(root) if v.is_leaf and v.label)
    check_nudge(driver, open_page, root, leaf, leaf.data + 0.25)


def _covering_expressions() -> list[Value]:
    """Random expressions whose ops, together, are every op the exercises draw from."""
    chosen, seen = [], set()
    for difficulty in (5, 4, 3, 2, 1):
        for seed in range(60):
            root = random_expression(difficulty, seed=seed)
            kinds = {v.op_entry.name for v in ag.topological_order(root) if v.op_entry}
            if kinds - seen:
                chosen.append(root)
                seen |= kinds
    return chosen


EXERCISE_OPS = {
    "add", "mul", "div", "neg", "exp", "tanh", "sigmoid", "relu", "pow", "log", "sqrt", "sin",
    "cos", "abs", "softplus", "leaky_relu", "powv", "sum", "dot",
}  # fmt: skip


def test_random_expressions_covering_every_op(driver: Any, open_page: Any) -> None:
    roots = _covering_expressions()
    covered = {v.op_entry.name for r in roots for v in ag.topological_order(r) if v.op_entry}
    assert covered >= EXERCISE_OPS
    for root in roots:
        leaves = [v for v in ag.topological_order(root) if v.is_leaf and v.label]
        leaf = leaves[0]
        for h in (0.01, -0.01, 0.003):
            try:
                explain.replayed(root, {leaf: leaf.data + h})
            except ag.DomainError:
                continue
            check_nudge(driver, open_page, root, leaf, leaf.data + h, precision=6)
            break


def test_a_tile_drawn_after_an_edit_shows_the_new_numbers(
    driver: Any, open_page: Any, tiled: None
) -> None:
    """The far end of a long chain is drawn only when scrolled to: after an edit at the near
    end, it comes with the recomputed numbers, not those the page was saved with."""
    x = v = Value(0.5, label="x")
    for k in range(60):
        v = (v * Value(0.9, label=f"w{k}")).tanh()
    v.backward()
    open_page(viz.stepper(v))
    last = len(ag.topological_order(v)) - 1
    root_data = f".cr-graph [data-node='{last}'][data-kind='data']"
    assert driver.find_elements("css selector", root_data) == []  # not drawn yet
    edit(driver, 0, 0.75)
    driver.execute_script(
        "var g = document.querySelector('.cr-graph');"
        " g.scrollLeft = g.scrollWidth; g.scrollTop = g.scrollHeight;"
    )
    deadline = time.time() + 5
    while not driver.find_elements("css selector", root_data):
        assert time.time() < deadline, "the far tile was not drawn"
        time.sleep(0.05)
    copy, _ = explain.replayed(v, {x: 0.75})
    shown = driver.find_element("css selector", root_data).get_attribute("textContent")
    assert shown == ag.format_number(copy.data, explain.DEFAULT_PRECISION)
    assert shown != ag.format_number(v.data, explain.DEFAULT_PRECISION)


def test_reset_brings_back_the_timeline(driver: Any, open_page: Any) -> None:
    root = build()[0]
    st = viz.stepper(root)
    open_page(st)
    driver.find_element("css selector", ".cr-last").click()
    before = page(driver)
    edit(driver, 0, 5.0)
    assert page(driver)["slots"] != before["slots"]
    driver.find_element("css selector", ".cr-prev").click()  # stepping waits for reset
    assert page(driver)["step"] == len(st)
    driver.find_element("css selector", ".cr-nudge-reset").click()
    after = page(driver)
    assert after["slots"] == before["slots"] and after["nudged"] is None
    assert after["result"] is None and after["panel"]["delta"] is None
    driver.find_element("css selector", ".cr-prev").click()
    assert page(driver)["step"] == len(st) - 1
    edit(driver, 0, "two")
    assert page(driver)["panel"]["text"] == f"Type a number for {st.data['nodes'][0]['name']}."


def test_labels_stay_text(driver: Any, open_page: Any) -> None:
    tricky = ["</script><script>window.hacked=1</script>", 'it\'s "q"', "a\nb", "x\u2028y"]
    leaves = [Value(0.5 + k, label=label) for k, label in enumerate(tricky)]
    root = (leaves[0] * leaves[1] + leaves[2]).tanh() * leaves[3]
    st = viz.stepper(root)
    open_page(st)
    assert driver.execute_script("return window.hacked === undefined")
    now = page(driver)
    names = ag.names(root)
    assert now["panel"]["leaves"] == [f"{names[v]} = " for v in leaves]
    check_nudge(driver, open_page, root, leaves[2], 0.25)
    assert driver.execute_script("return window.hacked === undefined")


def test_no_controls_where_there_is_nothing_to_compare() -> None:
    root = build()[0]
    for st in (viz.stepper(root, "forward"), viz.stepper(root, quiz=True)):
        assert "nudge" not in st.data and 'class="cr-nudge"' not in st.html()
    assert viz.stepper(root).data["nudge"]["leaves"] == [
        i for i, v in enumerate(ag.topological_order(root)) if v.is_leaf
    ]
