"""Fan-out in the layers view: a vector read by several boxes (a skip connection, a layer
output feeding two layers, a value feeding the loss and a layer) carries on each arrow its
share of the gradient, and its gradient shows once where its arrows start, as their sum.

Read back from the SVG both renderers draw; the shares are recomputed here from the
engine's local partials, the sums from ``backward()``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from support.requirements import BACKENDS
from support.svg import texts_of
from test_browser_stepper import keys, state
from test_viz_layout import check

import autograd
import nn
import viz
from autograd import Backprop, Value, layer_graph, node_group, topological_order
from autograd.backward import local_partials
from autograd.layered import Vector

ARROW = re.compile(r"e(\d+)_(\d+)_(\d+)")
SUM_HOLDER = re.compile(r"[xga]\d+")
"""Where a sum is written: an input's name (``x4``), a box (``g0``) or an activation box."""
BATCH = 5


def _inputs(batch: int | None) -> list[Value]:
    if batch is None:
        return [Value(0.5, label="x1"), Value(-1.0, label="x2")]
    data = np.random.default_rng(0).normal(size=(batch, 2))
    return [Value(data[:, 0], label="x1"), Value(data[:, 1], label="x2")]


def _squared_error(out: Value, batch: int | None) -> Value:
    target = Value(np.ones(batch) if batch else 1.0, label="t")
    with node_group("L"):
        loss = (out - target) ** 2
        loss = loss.batch_mean() if batch else loss
    loss.label = "L"
    return loss


def skip(batch: int | None = None) -> Value:
    """x → f1 → h1; f2 reads h1 and x (a skip connection), f3 → L: x feeds f1 and f2."""
    x = _inputs(batch)
    h1 = nn.Layer(2, 2, "tanh", seed=1, name="f1")(x)
    h2 = nn.Layer(4, 2, "tanh", seed=2, name="f2")(h1 + x)
    (out,) = nn.Layer(2, 1, "linear", seed=3, name="f3")(h2)
    return _squared_error(out, batch)


def fork(batch: int | None = None) -> Value:
    """h1 = f1(x) feeds f2 and f3; L = (f2(h1)·f3(h1) - 1)²."""
    h1 = nn.Layer(2, 2, "tanh", seed=5, name="f1")(_inputs(batch))
    (a,) = nn.Layer(2, 1, "tanh", seed=6, name="f2")(h1)
    (b,) = nn.Layer(2, 1, "tanh", seed=7, name="f3")(h1)
    with node_group("L"):
        product = a * b
    return _squared_error(product, batch)


def into_the_loss(batch: int | None = None) -> Value:
    """h1 = f1(x) feeds f2 and the loss, which adds a penalty Σ h1²."""
    h1 = nn.Layer(2, 2, "tanh", seed=8, name="f1")(_inputs(batch))
    (out,) = nn.Layer(2, 1, "linear", seed=9, name="f2")(h1)
    loss = _squared_error(out, batch)
    loss.label = "E"
    with node_group("L"):
        penalty = autograd.sum([h * h for h in h1])
        loss = loss + (penalty.batch_mean() if batch else penalty)
    loss.label = "L"
    return loss


GRAPHS: dict[str, Callable[..., Value]] = {
    "skip connection": skip,
    "layer output into two layers": fork,
    "layer output into the loss": into_the_loss,
}


def box_share(loss: Value, s: int, node: Value) -> Any:
    """Σ over the ops of stage ``s`` that read ``node``: ∂L/∂op · ∂op/∂node (the op table's
    partials after ``backward()``), summed over a batch when ``node`` holds one number."""
    members = {id(v) for v in layer_graph(loss).stages[s].members}
    total: Any = 0.0
    for op in topological_order(loss):
        if id(op) not in members or op.is_leaf:
            continue
        for k, parent in enumerate(op.parents):
            if parent is node:
                share = op.grad * local_partials(op)[k]
                total = total + (np.sum(share) if np.ndim(node.data) == 0 else share)
    return total


def printed(text: str) -> list[float]:
    """The entries of a printed vector, ``[0.42, 1.264]``; a batch's means,
    ``[[5 values, mean 0.58], …]``."""
    if "values, mean" in text:
        return [float(t) for t in re.findall(r"mean (-?[\d.]+(?:e[-+]?\d+)?)", text)]
    return [float(t) for t in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text)]


def shown(xs: Any) -> list[float]:
    """What a drawing prints for each entry: the number, or a batch's mean."""
    return [float(np.mean(x)) for x in xs]


def close(found: list[float], want: list[float]) -> bool:
    """Equal to the 4 significant digits a drawing prints."""
    return len(found) == len(want) and all(
        math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-9) for a, b in zip(found, want)
    )


def fanning(loss: Value) -> set[int]:
    """Ids of the values read by more than one stage."""
    readers: dict[int, int] = {}
    for stage in layer_graph(loss).stages:
        for vector in stage.inputs:
            for v in vector.nodes:
                readers[id(v)] = readers.get(id(v), 0) + 1
    return {key for key, n in readers.items() if n > 1}


def check_shares_and_sums(loss: Value, svg: str) -> None:
    """Every arrow's gradient is its share into its box; every vector that fans out shows,
    once, its ``backward()`` gradient as the sum of those shares."""
    graph = layer_graph(loss)
    texts = texts_of(svg)
    reused = fanning(loss)
    shared_arrows = 0
    for name, lines in texts.items():
        match = ARROW.fullmatch(name)
        if match is None or match[3] == "99" or len(lines) < 2:
            continue
        vector = graph.stages[int(match[2])].inputs[int(match[3])]
        want = [box_share(loss, int(match[2]), v) for v in vector.nodes]
        assert lines[1].startswith(f"∂L/∂{vector.name} = "), lines
        assert close(printed(lines[1].split(" = ", 1)[1]), shown(want)), (name, lines, want)
        if any(id(v) in reused for v in vector.nodes):
            shared_arrows += 1
            assert not close(shown(want), shown([v.grad for v in vector.nodes]))
    assert shared_arrows >= 2
    sums = {}
    for name, lines in texts.items():
        if SUM_HOLDER.fullmatch(name):
            sums.update({line.split(" = ")[0]: line for line in lines if line.startswith("∂L/∂")})
    sources = {v.name: v for v in graph.vectors}
    fanned = {name for name, v in sources.items() if any(id(n) in reused for n in v.nodes)}
    assert {head.removeprefix("∂L/∂") for head in sums} == fanned
    for head, line in sums.items():
        vector: Vector = sources[head.removeprefix("∂L/∂")]
        *terms, result = line.split(" = ")[1:]
        assert close(printed(result), shown([v.grad for v in vector.nodes]))  # backward()
        if "values" not in line:  # one sample: the terms add up to it
            parts = [printed(t) for t in terms[0].split(" + ")]
            assert len(parts) >= 2
            for column, total in zip(zip(*parts, strict=True), printed(result), strict=True):
                # each term is rounded to 4 digits: their sum to 1e-3 of their size
                assert abs(sum(column) - total) <= 1e-3 * sum(map(abs, column))
    words = " ".join(texts["graph"])
    assert "the gradient that flows back along it; a vector used twice adds them" in words


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("split", [False, True], ids=["layers", "preactivations"])
@pytest.mark.parametrize("graph", list(GRAPHS))
def test_each_arrow_carries_its_share_and_the_source_their_sum(
    graph: str, split: bool, backend: str
) -> None:
    loss = GRAPHS[graph]()
    loss.backward()
    svg = viz.to_svg(loss, backend=backend, style="layers", show_preactivations=split)
    check_shares_and_sums(loss, svg)
    check(svg)


@pytest.mark.parametrize("graph", list(GRAPHS))
def test_a_batch_fans_out_as_its_shares(graph: str) -> None:
    loss = GRAPHS[graph](BATCH)
    loss.backward()
    check_shares_and_sums(loss, viz.to_svg(loss, backend="pure", style="layers"))


def test_a_number_read_by_two_batched_boxes_sums_its_shares_over_the_batch() -> None:
    scale = Value(0.7, label="s")  # one number, outside every box, read by f1 and L
    x = _inputs(BATCH)
    with node_group("f1"):
        h = [scale * xi for xi in x]
    loss = _squared_error(autograd.sum(h), BATCH)
    loss.label = "E"
    with node_group("L"):
        loss = loss + scale * scale
    loss.label = "L"
    loss.backward()
    texts = texts_of(viz.to_svg(loss, backend="pure", style="layers"))
    (total,) = [line for name, lines in texts.items() if SUM_HOLDER.fullmatch(name)
                for line in lines if line.startswith("∂L/∂s = ")]  # fmt: skip
    graph = layer_graph(loss)
    into = [box_share(loss, s, scale) for s, stage in enumerate(graph.stages)
            if any(scale is v for vector in stage.inputs for v in vector.nodes)]  # fmt: skip
    assert all(np.ndim(share) == 0 for share in into)  # summed over the batch
    assert close(printed(total.split(" = ")[-1]), [float(scale.grad)])
    assert close(sorted(printed(total.split(" = ")[1])), sorted(map(float, into)))


def test_the_stepper_shows_a_partial_sum_until_both_layers_are_done() -> None:
    loss = fork()
    stepper = Backprop(loss, by="layer")
    expected = fork()
    expected.backward()
    h1_grad = [v.grad for v in layer_graph(expected).stages[0].output.nodes]

    def h1_sum() -> str:
        texts = texts_of(viz.to_svg(loss, backend="pure", style="layers", step=stepper))
        (line,) = [t for t in texts["g0"] if t.startswith("∂L/∂h1 = ")]
        return line.removeprefix("∂L/∂h1 = ")

    assert h1_sum() == "? + ?"
    stepper.step()  # L
    assert h1_sum() == "? + ?"
    f3 = stepper.step()
    assert f3.stage.key == "f3"
    first = printed(f3.lines[-1].split(" = ")[-1].removesuffix(" + ?"))
    assert f3.lines[-1].startswith("∂L/∂h1 = f3.Wᵀ · ∂L/∂z3 + ? = [")
    assert f3.lines[-1].endswith("] + ?")
    assert re.fullmatch(r"\[[^\]]+\] \+ \?", h1_sum())
    assert close(printed(h1_sum()), first)
    f2 = stepper.step()
    *_, terms, result = f2.lines[-1].split(" = ")
    assert f2.lines[-1].startswith("∂L/∂h1 = [") and "+ f2.Wᵀ · ∂L/∂z2 = [" in f2.lines[-1]
    assert close(printed(result), h1_grad)  # complete: backward()'s gradient
    assert close(printed(terms)[:2], first)
    assert h1_sum().endswith(f"= {result}")


@pytest.mark.parametrize("batch", [None, BATCH], ids=["one sample", "batch of 5"])
@pytest.mark.parametrize("graph", list(GRAPHS))
def test_stepping_by_layer_gives_the_engines_gradients(graph: str, batch: int | None) -> None:
    loss = GRAPHS[graph](batch)
    steps = Backprop(loss, by="layer").run()
    expected = GRAPHS[graph](batch)
    expected.backward()
    for got, want in zip(topological_order(loss), topological_order(expected), strict=True):
        got_grad, want_grad = np.asarray(got.grad, float), np.asarray(want.grad, float)
        np.testing.assert_allclose(got_grad, want_grad, rtol=0, atol=1e-12)
    text = "\n".join(map(str, steps))
    assert "] + ?" in text and re.search(r"\] \+ \[[^\]]+\]\s+= \[", text)


def test_the_layers_page_table_shows_a_partial_sum_until_both_readers_are_done() -> None:
    loss = fork()
    page = viz.stepper(loss, style="layers")
    steps = page.data["steps"]
    (h1,) = [n for n in page.data["nodes"] if n["name"] == "h1"]
    at = {s["label"].split(": ")[1]: k for k, s in enumerate(steps) if s["phase"] == "backward"}
    assert h1["gradAt"] == at["f2"]  # complete once both f3 and f2 are done
    ((step, partial),) = h1["grads"]
    assert step == at["f3"] and re.fullmatch(r"\[[^\]]+\] \+ \?", partial)
    expected = fork()
    stepper = Backprop(expected, by="layer")
    while stepper.step().stage.key != "f3":
        pass
    h1_nodes = layer_graph(expected).stages[0].output.nodes
    assert close(printed(partial), [float(v.grad) for v in h1_nodes])  # f3's share alone
    assert "] + ?" in steps[at["f3"]]["text"]


def test_the_layers_page_in_chromium_shows_the_partial_sum_then_the_total(
    driver: Any,
    open_page: Any,
) -> None:
    from selenium.webdriver.common.keys import Keys

    page = viz.stepper(fork(), style="layers")
    steps = page.data["steps"]
    at = {s["label"].split(": ")[1]: k for k, s in enumerate(steps) if s["phase"] == "backward"}
    (h1,) = [n for n in page.data["nodes"] if n["name"] == "h1"]
    open_page(page)

    def h1_grad() -> str:
        rows = {row[0]: row for row in state(driver)["rows"]}
        return str(rows["h1"][2])

    def frame_texts() -> list[str]:
        """The texts of the frame on show (drawn at its step; the page leaves them)."""
        return driver.execute_script(  # type: ignore[no-any-return]
            "return Array.prototype.map.call(document.querySelectorAll("
            "'.cr-frame:not([hidden]) text'), function (t) { return t.textContent; });"
        )

    keys(driver, *[Keys.ARROW_RIGHT] * at["L"])
    assert state(driver)["step"] == at["L"] and h1_grad() == "?"
    keys(driver, Keys.ARROW_RIGHT)  # f3: its share arrives
    assert h1_grad() == h1["grads"][0][1] and h1_grad().endswith("] + ?")
    sums = [t for t in frame_texts() if t.startswith("∂L/∂h1 = ") and "+" in t]
    assert sums == [f"∂L/∂h1 = {h1_grad()}"]  # the drawing's sum is the table's
    keys(driver, Keys.ARROW_RIGHT)  # f2: the sum is complete
    expected = fork()
    expected.backward()
    want = [float(v.grad) for v in layer_graph(expected).stages[0].output.nodes]
    assert "?" not in h1_grad() and close(printed(h1_grad()), want)
    (total,) = [t for t in frame_texts() if t.startswith("∂L/∂h1 = ") and "+" in t]
    assert total.endswith(f"= {h1_grad()}")


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_layer_step_of_a_fan_out_keeps_labels_apart(backend: str) -> None:
    loss = fork()
    stepper = Backprop(loss, by="layer")
    while True:
        svg = viz.to_svg(loss, backend=backend, style="layers", step=stepper)
        check(svg)
        if stepper.current is None:
            break
        stepper.step()
