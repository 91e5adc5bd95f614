"""The stepper page in a real browser: headless Chromium driven by Selenium.

Every number is read back from the page's DOM and compared with what the
engine computes (``backward()``), never with hard-coded results. The browser is
the ``driver`` fixture of ``conftest.py`` (it skips without Chromium, chromedriver
or selenium, and fails instead under ``CHAINRULE_REQUIRE_BROWSER=1``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

import autograd as ag
import nn
import viz
from autograd import Value, topological_order
from autograd.backward import local_partials
from autograd.exercises import random_expression
from demos.tour import build
from viz.interactive import browser

STATE = """
var root = arguments[0] ? document.getElementById(arguments[0])
                        : document.querySelector('.chainrule-stepper');
var q = function (s) { return Array.prototype.slice.call(root.querySelectorAll(s)); };
return {
  step: +root.getAttribute('data-step'),
  slots: q('.cr-graph [data-kind]').map(function (e) {
    return [+e.getAttribute('data-node'), e.getAttribute('data-kind'), e.textContent]; }),
  text: root.querySelector('.cr-text').textContent,
  rows: q('.cr-table tbody tr').map(function (r) {
    return Array.prototype.map.call(r.children, function (c) { return c.textContent; }); }),
  current: q('tr.cr-row-current').map(function (r) { return +r.getAttribute('data-row'); }),
  where: root.querySelector('.cr-where').textContent
};
"""


def tour() -> Value:
    """The tour's f = (x + y)·z (the demo's own graph)."""
    return build()[0]


def backward_grads(root: Value) -> list[float]:
    """∂root/∂node for every node in topological order, as ``backward()`` from zero gives."""
    return [float(g) for g in ag.gradients(root, topological_order(root))]


def state(driver: Any, uid: str | None = None) -> dict[str, Any]:
    return driver.execute_script(STATE, uid)  # type: ignore[no-any-return]


def click(driver: Any, css: str, uid: str | None = None) -> None:
    scope = f"#{uid} " if uid else ""
    driver.find_element("css selector", scope + css).click()


def keys(driver: Any, *pressed: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    for key in pressed:
        ActionChains(driver).send_keys(key).perform()


def number(label: str) -> float:
    """The number in an edge label: ``-4``, ``q = 3``."""
    return float(label.rsplit("= ", 1)[-1])


@pytest.mark.parametrize("cut", [False, True], ids=["drawing", "tiles"])
@pytest.mark.parametrize(
    "make", [tour, lambda: random_expression(4, seed=3)], ids=["tour", "diamond"]
)
def test_next_to_the_end_shows_backwards_gradients(
    driver: Any, open_page: Any, make: Any, cut: bool, request: pytest.FixtureRequest
) -> None:
    if cut:  # as a large graph's page is made: a small graph's tiles are all near the screen
        request.getfixturevalue("tiled")
    root = make()
    st = viz.stepper(root, precision=6)
    open_page(st)
    order = topological_order(root)
    start = state(driver)
    assert start["step"] == 0
    assert all(text.endswith("?") for *_, text in start["slots"])  # ?, or q = ? for a label
    forward_steps = sum(1 for s in st.data["steps"] if s["phase"] == "forward")
    presses = 0
    while driver.find_element("css selector", ".cr-next").is_enabled():
        click(driver, ".cr-next")
        presses += 1
        now = state(driver)
        grads = [text for _, kind, text in now["slots"] if kind == "grad"]
        if presses <= forward_steps:  # forward: values fill in, no gradient yet
            assert set(grads) == {"?"}
            node = st.data["steps"][presses]["node"]
            assert all("?" not in t for n, k, t in now["slots"] if n == node and k == "data")
        assert now["text"] == st.steps[presses]  # the engine's own step text
    assert presses == len(st)
    want = backward_grads(root)
    labels = driver.find_elements("css selector", ".cr-graph [data-kind='grad']")
    shares = driver.find_elements("css selector", ".cr-graph [data-kind='share']")
    assert len(labels) + len(shares) >= len(order)  # one below every arrow
    for label in labels:
        node = int(label.get_attribute("data-node"))
        assert number(label.text) == pytest.approx(want[node], rel=1e-5, abs=1e-9)
    for label in shares:  # an arrow of a reused value: ∂L/∂user · ∂user/∂value
        user, k = int(label.get_attribute("data-to")), int(label.get_attribute("data-operand"))
        share = want[user] * float(local_partials(order[user])[k])
        assert number(label.text) == pytest.approx(share, rel=1e-5, abs=1e-9)
    for label in driver.find_elements("css selector", ".cr-graph [data-kind='total']"):
        node = int(label.get_attribute("data-node"))
        assert number(label.text) == pytest.approx(want[node], rel=1e-5, abs=1e-9)
    for label in driver.find_elements("css selector", ".cr-graph [data-kind='data']"):
        node = int(label.get_attribute("data-node"))
        assert number(label.text) == pytest.approx(float(order[node].data), rel=1e-5, abs=1e-9)
    end = state(driver)
    assert end["current"] == [st.data["steps"][-1]["node"]]
    grad_column = st.data["table"]["grad"]
    for row, g in zip(end["rows"], want):
        assert float(row[grad_column]) == pytest.approx(g, rel=1e-5, abs=1e-9)


def test_the_keyboard_moves_like_the_buttons(driver: Any, open_page: Any) -> None:
    from selenium.webdriver.common.keys import Keys

    st = viz.stepper(tour())
    open_page(st)
    by_button = [state(driver)]
    for _ in range(len(st)):
        click(driver, ".cr-next")
        by_button.append(state(driver))
    open_page(st)
    by_key = [state(driver)]
    for _ in range(len(st)):
        keys(driver, Keys.ARROW_RIGHT)
        by_key.append(state(driver))
    assert by_key == by_button
    keys(driver, Keys.ARROW_RIGHT)  # past the end: stays
    assert state(driver) == by_button[-1]
    keys(driver, Keys.ARROW_LEFT)
    assert state(driver) == by_button[-2]
    keys(driver, Keys.HOME)
    assert state(driver) == by_button[0]
    keys(driver, Keys.END)
    assert state(driver) == by_button[-1]
    # space plays from the start at the chosen speed and pauses
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("css selector", ".cr-speed")).select_by_visible_text("4×")
    keys(driver, Keys.HOME, Keys.SPACE)
    deadline = time.time() + 5
    while state(driver)["step"] < 3 and time.time() < deadline:
        time.sleep(0.05)
    keys(driver, Keys.SPACE)
    paused = state(driver)["step"]
    assert 3 <= paused <= len(st)
    time.sleep(0.6)
    assert state(driver)["step"] == paused
    assert state(driver) == by_button[paused]


def test_slider_jumps_to_any_step(driver: Any, open_page: Any) -> None:
    st = viz.stepper(tour())
    open_page(st)
    slider = driver.find_element("css selector", ".cr-slider")
    driver.execute_script(
        "arguments[0].value = 4; arguments[0].dispatchEvent(new Event('input'));", slider
    )
    assert state(driver)["step"] == 4
    assert state(driver)["text"] == st.steps[4]


def test_quiz_accepts_a_right_answer_and_rejects_a_wrong_one(driver: Any, open_page: Any) -> None:
    root = tour()
    want = dict(zip(["x", "y", "q", "z", "f"], backward_grads(root)))
    st = viz.stepper(root, "backward", quiz=True)
    open_page(st)
    answer = driver.find_element("css selector", ".cr-answer")
    question = driver.find_element("css selector", ".cr-question")
    feedback = driver.find_element("css selector", ".cr-feedback")
    click(driver, ".cr-next")
    assert state(driver)["step"] == 0  # asked first: the gradient is not shown yet
    assert "∂f/∂q" in question.text
    assert {t for n, k, t in state(driver)["slots"] if n == 2 and k == "grad"} == {"?"}
    answer.send_keys(f"{want['q']:g}\n")  # right (Enter checks)
    assert "cr-right" in feedback.get_attribute("class")
    assert "∂f/∂z" in question.text  # the step also completes z: asked next
    answer.send_keys("7")
    click(driver, ".cr-check")
    assert "cr-wrong" in feedback.get_attribute("class")
    assert "∂f/∂z = ∂f/∂f·∂f/∂z = 1 × " in feedback.text  # the chain-rule product
    assert driver.find_element("css selector", ".cr-score").text == "Score: 1 of 2 right"
    assert state(driver)["step"] == 0
    click(driver, ".cr-next")  # answered: now the step is shown
    now = state(driver)
    assert now["step"] == 1
    for node, name in ((2, "q"), (3, "z")):
        shown = {t for n, k, t in now["slots"] if n == node and k == "grad"}
        assert shown and all(number(t) == pytest.approx(want[name]) for t in shown)
    click(driver, ".cr-next")
    assert "∂f/∂x" in question.text
    answer.send_keys("four")
    click(driver, ".cr-check")
    assert "cr-invalid" in feedback.get_attribute("class")
    answer.clear()
    answer.send_keys(f"{want['x'] * 1.004:g}".replace("-", "\u2212"))  # within 1 %, a − sign
    click(driver, ".cr-check")
    assert "cr-right" in feedback.get_attribute("class")
    assert driver.find_element("css selector", ".cr-score").text == "Score: 2 of 3 right"


def test_hover_shows_op_partial_value_and_gradient(driver: Any, open_page: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    st = viz.stepper(tour())
    open_page(st)
    keys(driver, Keys.END)
    tip = driver.find_element("css selector", ".cr-tip")
    times = driver.find_element("css selector", ".cr-graph g[data-node='4'] path")
    ActionChains(driver).move_to_element(times).perform()
    assert tip.is_displayed()
    text = tip.text
    assert "f = q * z" in text and "op: *" in text and "value: -12" in text
    assert "gradient ∂f/∂f: 1" in text and "∂f/∂q = z = -4" in text and "∂f/∂z = q = 3" in text
    edge = driver.find_element("css selector", ".cr-graph g[data-edge='0'] path")
    ActionChains(driver).move_to_element(edge).perform()
    assert "x → q (+)" in tip.text and "local partial: ∂q/∂x = 1" in tip.text
    keys(driver, Keys.HOME)
    ActionChains(driver).move_to_element(times).move_by_offset(1, 0).perform()
    assert "value: ?" in tip.text and "gradient ∂f/∂f: ?" in tip.text  # nothing given away
    computed = next(k for k, s in enumerate(st.data["steps"]) if s.get("node") == 4)
    for _ in range(computed):  # to the step that computes f: its value shows at once
        click(driver, ".cr-next")
    ActionChains(driver).move_to_element(times).move_by_offset(-1, 0).perform()
    assert "value: -12" in tip.text and "gradient ∂f/∂f: ?" in tip.text


def test_two_steppers_on_one_page_do_not_interfere(
    driver: Any, open_page: Any, tmp_path: Path
) -> None:
    """As in a notebook: two fragments, each with its own id and its own keys."""
    from selenium.webdriver.common.keys import Keys

    one, two = viz.stepper(tour()), viz.stepper(random_expression(2, seed=1))
    page = tmp_path / "notebook.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        + one._repr_html_() + "<p>between the cells</p>" + two._repr_html_()
        + "</body></html>", encoding="utf-8",
    )  # fmt: skip
    open_page(page)
    uids = driver.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('.chainrule-stepper'),"
        " function (e) { return e.id; });"
    )
    assert len(uids) == 2 and uids[0] != uids[1]
    click(driver, ".cr-next", uids[0])
    click(driver, ".cr-next", uids[0])
    assert (state(driver, uids[0])["step"], state(driver, uids[1])["step"]) == (2, 0)
    driver.find_element("css selector", f"#{uids[1]} .cr-text").click()  # focus the second
    keys(driver, Keys.ARROW_RIGHT)
    assert (state(driver, uids[0])["step"], state(driver, uids[1])["step"]) == (2, 1)
    assert state(driver, uids[1])["text"] == two.steps[1]


def test_layers_view_steps_one_frame_per_layer(driver: Any, open_page: Any) -> None:
    from selenium.webdriver.common.keys import Keys

    model = nn.MLP(2, [3, 3, 1], seed=0)
    loss = (model([Value(0.5, label="x1"), Value(-1.0, label="x2")]) - 1.0) ** 2
    st = viz.stepper(loss, style="layers")
    open_page(st)
    frames = driver.find_elements("css selector", ".cr-frame")
    assert len(frames) == len(st) + 1
    for k in range(len(st) + 1):
        visible = [int(f.get_attribute("data-frame")) for f in frames if f.is_displayed()]
        assert visible == [k]
        assert state(driver)["text"] == st.steps[k]
        keys(driver, Keys.ARROW_RIGHT)


def test_layers_page_has_the_table_the_quiz_and_the_keyboard(driver: Any, open_page: Any) -> None:
    from selenium.webdriver.common.keys import Keys

    from demos.computation_graph import build as network

    loss, _ = network()
    st = viz.stepper(loss, style="layers", quiz=True)
    open_page(st)
    rows = {r[0]: r for r in state(driver)["rows"]}
    assert rows["h1"][1:] == ["?", "?"]  # nothing computed yet
    keys(driver, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)  # inputs, then f1
    rows = {r[0]: r for r in state(driver)["rows"]}
    assert rows["h1"][1:] == ["[0.6241, 0.5526]", "?"] and rows["h2"][1] == "?"
    keys(driver, Keys.END)  # the quiz stops the pass before the first gradient it asks
    question = driver.find_element("css selector", ".cr-question")
    answer = driver.find_element("css selector", ".cr-answer")
    feedback = driver.find_element("css selector", ".cr-feedback")
    assert "∂L/∂ŷ" in question.text and state(driver)["step"] == 5
    answer.send_keys("-0.7226\n")
    assert "cr-right" in feedback.get_attribute("class")
    assert "∂L/∂h2" in question.text and "a vector of 2" in question.text
    answer.send_keys("[-0.08916, -0.8892]\n")  # a vector, brackets and commas
    assert "cr-right" in feedback.get_attribute("class")
    assert "∂L/∂f3.b" in question.text
    answer.send_keys("1\n")  # wrong: the layer's chain rule is shown
    assert "cr-wrong" in feedback.get_attribute("class")
    assert "∂L/∂f3.b = ∂L/∂z3 = -0.7226" in feedback.text
    keys(driver, Keys.ARROW_RIGHT)
    rows = {r[0]: r for r in state(driver)["rows"]}
    assert rows["h2"][2] == "[-0.08916, -0.8892]" and rows["h1"][2] == "?"
    keys(driver, Keys.ARROW_RIGHT)
    assert "∂L/∂h1" in question.text
    answer.send_keys("0.1 0.2 0.3\n")  # three numbers for a vector of two
    assert "cr-invalid" in feedback.get_attribute("class")
    assert driver.find_element("css selector", ".cr-score").text == "Score: 2 of 3 right"


def test_worksheet_and_comparison_pages_load_cleanly(
    driver: Any, open_page: Any, tmp_path: Path
) -> None:
    sheet = viz.worksheet([random_expression(3, seed=0)], tmp_path / "sheet.html")
    driver.get(sheet.resolve().as_uri())
    assert driver.find_elements("css selector", ".cr-exercise svg")
    comparison = viz.compare_backprop(viz.bug_example("no_toposort"), "no_toposort")
    driver.get(comparison.save(tmp_path / "cmp.html").resolve().as_uri())
    assert len(driver.find_elements("css selector", ".chainrule-compare svg")) == 2


PLACES = """
var graph = document.querySelector('.cr-graph'), g = graph.getBoundingClientRect();
var at = function (el) { var r = el.getBoundingClientRect();  // its centre in the graph
  return [(r.left + r.right) / 2 - g.left + graph.scrollLeft,
          (r.top + r.bottom) / 2 - g.top + graph.scrollTop]; };
var places = {};
document.querySelectorAll('.cr-graph [data-node]').forEach(function (el) {
  var key = (el.getAttribute('data-kind') || 'node') + ':' + el.getAttribute('data-node') + ':' +
            (el.getAttribute('data-to') || '') + ':' + (el.getAttribute('data-operand') || '');
  places[key] = at(el); });
var clipped = [];
document.querySelectorAll('.cr-tile').forEach(function (tile) {
  var box = tile.getBoundingClientRect();
  tile.querySelectorAll('text, path, polygon').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 ||
        r.bottom > box.bottom + 0.5) clipped.push(el.textContent || el.tagName); }); });
return {places: places, clipped: clipped,
        tiles: document.querySelectorAll('.cr-tile').length,
        drawn: document.querySelectorAll('.cr-tile[data-drawn]').length};
"""


def test_tiles_draw_everything_where_the_single_drawing_did(
    driver: Any, open_page: Any, request: pytest.FixtureRequest
) -> None:
    """A large graph's tiles put each node and number where one <svg> puts it, and clip none
    of them, even at the last step (the longest numbers)."""
    root = random_expression(4, seed=11)
    open_page(viz.stepper(root), "whole.html")
    click(driver, ".cr-last")
    whole = driver.execute_script(PLACES)
    request.getfixturevalue("tiled")
    open_page(viz.stepper(root), "tiled.html")
    click(driver, ".cr-last")
    driver.execute_script(  # the far tiles come as they come near
        "var g = document.querySelector('.cr-graph');"
        " g.scrollLeft = g.scrollWidth; g.scrollTop = g.scrollHeight;"
    )
    deadline = time.time() + 5
    while driver.find_elements("css selector", ".cr-tile:not([data-drawn])"):
        assert time.time() < deadline, "a tile near the screen was not drawn"
        time.sleep(0.05)
    cut = driver.execute_script(PLACES)
    assert cut["tiles"] > 3 and cut["drawn"] == cut["tiles"] and whole["tiles"] == 0
    assert cut["clipped"] == []
    assert cut["places"].keys() == whole["places"].keys()
    for key, place in whole["places"].items():
        assert cut["places"][key] == pytest.approx(place, abs=1.0), key


def test_a_large_graphs_tiles_are_drawn_as_they_come_near(
    driver: Any, open_page: Any, tiled: None
) -> None:
    v = Value(0.5, label="x")
    for k in range(60):
        v = (v * Value(0.9, label=f"w{k}")).tanh()
    v.backward()
    st = viz.stepper(v)
    open_page(st)
    opened = driver.execute_script(PLACES)
    assert 0 < opened["drawn"] < opened["tiles"]  # the far end of the chain is not drawn yet
    click(driver, ".cr-last")  # the last step's node: its tile is drawn, marked and shown
    last = st.data["steps"][-1]["node"]
    current = driver.find_element("css selector", f".cr-graph g[data-node='{last}']")
    assert "cr-current" in current.get_attribute("class")
    assert current.is_displayed()
    driver.execute_script(  # to the other end: those tiles come with the last step's numbers
        "var g = document.querySelector('.cr-graph');"
        " g.scrollLeft = g.scrollWidth; g.scrollTop = g.scrollHeight;"
    )
    deadline = time.time() + 5
    root_tile = f".cr-graph g[data-node='{len(topological_order(v)) - 1}']"
    while not driver.find_elements("css selector", root_tile) and time.time() < deadline:
        time.sleep(0.05)
    shown = {(n, kind): text for n, kind, text in state(driver)["slots"]}
    root_data = shown[(len(topological_order(v)) - 1, "data")]
    assert float(root_data) == pytest.approx(v.data, rel=1e-3)
    assert all("?" not in text for text in shown.values())


@pytest.mark.parametrize("nodes", [10, 100, 300])
def test_a_large_page_stays_small_opens_and_answers_a_key(
    driver: Any, open_page: Any, nodes: int, tmp_path: Path
) -> None:
    """Size, not time: how fast pages open is measured by ``python -m benchmarks.page_open``."""
    from selenium.webdriver.common.keys import Keys

    root = random_expression(4, seed=nodes, size=nodes)
    while len(topological_order(root)) > nodes:  # trim the drawn inputs to land on `nodes`
        root = root.parents[0]
    count = len(topological_order(root))
    st = viz.stepper(root)
    path = open_page(st, f"nodes{nodes}.html")
    assert path.stat().st_size < 2_000_000
    drawn = driver.execute_script(
        "return document.querySelectorAll('.cr-graph g[data-node]').length;"
    )
    assert drawn == count
    keys(driver, Keys.ARROW_RIGHT)
    assert (state(driver)["step"], state(driver)["text"]) == (1, st.steps[1])


def test_the_checks_would_notice_a_request_and_an_error(driver: Any, tmp_path: Path) -> None:
    """The fixture's no-network and no-console-error checks are not vacuous."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><html><body><img src='https://example.invalid/x.png'>"
        "<script>console.error('boom')</script></body></html>",
        encoding="utf-8",
    )
    browser.errors(driver), browser.requests(driver)
    driver.get(page.resolve().as_uri())
    time.sleep(0.2)
    assert "https://example.invalid/x.png" in browser.requests(driver)
    assert any("boom" in e for e in browser.errors(driver))


def test_the_tours_page_steps_forward_and_back_with_the_keyboard(
    driver: Any, open_page: Any, tmp_path: Path
) -> None:
    """The issue's finish line: run the tour, open backprop.html, step through with the keys."""
    from selenium.webdriver.common.keys import Keys

    from demos import tour as tour_demo

    tour_demo.run(tmp_path, quick=True, quiet=True)
    open_page(tmp_path / "backprop.html")
    assert "f = (x + y) · z" in driver.title
    f, _ = tour_demo.build()
    names = ["x", "y", "q", "z", "f"]  # topological order
    want = dict(zip(names, backward_grads(f)))
    while driver.find_element("css selector", ".cr-next").is_enabled():
        keys(driver, Keys.ARROW_RIGHT)
    for label in driver.find_elements("css selector", ".cr-graph [data-kind='grad']"):
        name = names[int(label.get_attribute("data-node"))]
        assert number(label.text) == pytest.approx(want[name])
    assert "backward 2/2" in state(driver)["where"]
    keys(driver, Keys.HOME)
    assert {t for _, k, t in state(driver)["slots"] if k == "grad"} == {"?"}


def test_a_backprop_in_a_notebook_opens_where_it_is(
    driver: Any, open_page: Any, tmp_path: Path
) -> None:
    from autograd import Backprop
    from viz.interactive import backprop_html

    f = tour()
    bp = Backprop(f)
    bp.step()
    page = tmp_path / "cell.html"
    page.write_text(f"<!DOCTYPE html><html><body>{backprop_html(bp)}</body></html>", "utf-8")
    open_page(page)
    now = state(driver)
    assert now["step"] == 1 and now["text"].startswith("step 1/2  f = q * z")
    want = dict(zip(["x", "y", "q", "z", "f"], backward_grads(f)))
    shown = {n: t for n, k, t in now["slots"] if k == "grad"}
    assert number(shown[2]) == pytest.approx(want["q"]) and shown[0] == "?"


def test_a_reused_value_shows_each_share_then_the_sum(driver: Any, open_page: Any) -> None:
    """L = x·(x·y): x's sum reads ``? + ?``, then ``3 + ?`` after the first step, then
    ``3 + 3 = 6``; each of x's arrows shows its own share once its user is processed."""
    x, y = Value(-1.5, label="x"), Value(-2.0, label="y")
    inner = x * y
    loss = x * inner
    loss.label = "L"
    order = topological_order(loss)
    want = backward_grads(loss)
    share = {  # (user, operand) → ∂L/∂user · ∂user/∂x, from the engine's partials
        (u, k): want[u] * float(local_partials(order[u])[k])
        for u, node in enumerate(order)
        for k, p in enumerate(node.parents)
        if p is x
    }
    first, second = sorted(share, reverse=True)  # backprop reaches L before x·y
    st = viz.stepper(loss, "backward")
    open_page(st)

    def shown() -> tuple[str, dict[tuple[int, int], str]]:
        total = driver.find_element("css selector", ".cr-graph [data-kind='total']")
        arrows = driver.find_elements("css selector", ".cr-graph [data-kind='share']")
        assert int(total.get_attribute("data-node")) == 0  # x
        return total.text, {
            (int(a.get_attribute("data-to")), int(a.get_attribute("data-operand"))): a.text
            for a in arrows
        }

    fmt = ag.format_number
    assert shown() == ("x.grad = ? + ?", {first: "?", second: "?"})
    click(driver, ".cr-next")
    assert shown() == (f"x.grad = {fmt(share[first])} + ?", {first: fmt(share[first]), second: "?"})
    assert "x.grad = 1 × 3 + ? = 3 + ?" in state(driver)["text"]  # the REPL's own words
    click(driver, ".cr-next")
    total, arrows = shown()
    assert arrows == {first: fmt(share[first]), second: fmt(share[second])}
    assert total == f"x.grad = {fmt(share[first])} + {fmt(share[second])} = {fmt(want[0])}"
    assert want[0] == pytest.approx(share[first] + share[second])
    loss.backward()
    assert total.endswith(f"= {fmt(x.grad)}") and fmt(x.grad) == "6"
    click(driver, ".cr-prev")
    assert shown()[0] == f"x.grad = {fmt(share[first])} + ?"  # stepping back undoes it


@pytest.mark.parametrize("cut", [False, True], ids=["drawing", "tiles"])
def test_hostile_labels_stay_visible_text_in_the_browser(
    driver: Any, open_page: Any, cut: bool, request: pytest.FixtureRequest
) -> None:
    """Control characters show as escapes; quotes, NUL, </script> and U+2028 stay text, in
    the drawing too (a large graph's tiles come from JSON strings)."""
    if cut:
        request.getfixturevalue("tiled")
    x = Value(2.0, label="a\x0bb\x00")
    y = Value(-3.0, label='"q"</script>\u2028')
    f = x * y + 1.0
    f.label = "f\x0c"
    st = viz.stepper(f, title="</script><b>t\x0c")
    open_page(st)
    assert driver.find_element("css selector", "h1.cr-title").text == "</script><b>t\\x0c"
    assert driver.execute_script("return document.querySelectorAll('b').length") == 0
    click(driver, ".cr-last")
    now = state(driver)
    shown = now["text"] + "".join(text for *_, text in now["slots"]) + str(now["rows"])
    assert "a\\x0bb\\x00" in shown and "f\\x0c" in shown and '"q"</script>' in shown
    assert not any(ch in shown for ch in "\x00\x0b\x0c")
    names = driver.execute_script(
        "return JSON.parse(document.querySelector('.cr-data').textContent).nodes"
        ".map(function (n) { return n.name; })"
    )
    assert {"a\\x0bb\\x00", '"q"</script>\u2028', "f\\x0c"} <= set(names)
    drawn = driver.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('.cr-graph text'),"
        " function (t) { return t.textContent; });"
    )
    assert "a\\x0bb\\x00" in drawn and '"q"</script>\u2028' in drawn
