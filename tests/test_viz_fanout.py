"""Fan-out: each arrow of a value used more than once carries its own share of the gradient,
and the value's node shows their sum. Read back from the SVG both renderers draw; the
shares are recomputed here from the engine's local partials, the sums from ``backward()``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable

import numpy as np
import pytest
from support.svg import read_svg

import autograd
import nn
import viz
from autograd import Backprop, Value, topological_order
from autograd.backward import local_partials
from autograd.shares import shares, sum_text
from demos.figures import colah
from viz.fanout import Shares, box_shares
from viz.walk import GraphView

BACKWARD = "#c0392b"
SUM = re.compile(r"(?P<name>\S+)\.grad = (?P<sum>.+)")


def times_itself_times() -> Value:
    """L = x·(x·y) at x = −1.5, y = −2: x's two arrows carry 3 each, x.grad = 6."""
    x, y = Value(-1.5, label="x"), Value(-2.0, label="y")
    inner = x * y
    loss = x * inner
    loss.label = "L"
    return loss


def diamond() -> Value:
    """colah's e = (a + b)(b + 1) at a = 2, b = 1 (as the README's figure): b's arrows carry
    2 and 3, b.grad = 5. Its gradients are zeroed, for the test's own backward()."""
    _, e = colah()
    for node in topological_order(e):
        node.grad = 0.0
    return e


def two_neurons() -> Value:
    """A layer of two tanh neurons on inputs x1, x2: each input feeds both neurons."""
    layer = nn.Layer(2, 2, activation="tanh", seed=3)
    outs = layer([Value(0.5, label="x1"), Value(-1.0, label="x2")])
    loss = autograd.sum(outs)
    loss.label = "L"
    return loss


def neuron_into_two() -> Value:
    """A neuron h = tanh(w·x + b) whose output feeds a layer of two neurons."""
    (h,) = nn.Layer(1, 1, activation="tanh", seed=1, name="first")([Value(0.8, label="x")])
    outs = nn.Layer(1, 2, activation="tanh", seed=2, name="second")([h])
    loss = autograd.sum(outs)
    loss.label = "L"
    return loss


GRAPHS: dict[str, Callable[[], Value]] = {
    "x(xy)": times_itself_times,
    "diamond": diamond,
    "two neurons": two_neurons,
    "neuron into two": neuron_into_two,
}


def uses(root: Value) -> Counter[Value]:
    return Counter(p for node in topological_order(root) for p in node.parents)


def expected_share(user: Value, k: int) -> float:
    """∂L/∂user · ∂user/∂operand_k, from the op table's partials (after backward())."""
    return float(user.grad) * float(local_partials(user)[k])


def numbers(text: str) -> list[float]:
    return [float(t) for t in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text)]


def close(a: float, b: float) -> bool:
    """Equal to the 4 significant digits a drawing prints."""
    return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-9)


@pytest.mark.parametrize("backend", viz.available_backends())
@pytest.mark.parametrize("graph", list(GRAPHS))
def test_each_arrow_carries_its_share_and_the_node_their_sum(graph: str, backend: str) -> None:
    root = GRAPHS[graph]()
    root.backward()
    order = topological_order(root)
    used = uses(root)
    assert any(n > 1 for n in used.values())  # the graph has a fan-out
    items, legend, _ = read_svg(viz.draw(root, "edges").to_svg(backend))  # type: ignore[arg-type]
    by_name = {item.name: item for item in items}
    sums = 0
    for child, node in enumerate(order):
        for k, parent in enumerate(node.parents):
            p = order.index(parent)
            label = by_name[f"e{p}_{child}_{k}"]
            (below,) = [t.content for t in label.texts if t.colour == BACKWARD]
            want = expected_share(node, k) if used[parent] > 1 else float(parent.grad)
            assert close(float(below), want), (graph, p, child, k, below, want)
    for i, node in enumerate(order):
        totals = [t.content for t in by_name[f"n{i}"].texts if t.colour == BACKWARD]
        if used[node] <= 1:
            assert totals == []  # a value used once looks as before
            continue
        (total,) = totals
        match = SUM.fullmatch(total)
        assert match is not None and match["name"] == autograd.names(root)[node]
        *terms, result = numbers(match["sum"])
        want = sorted(
            expected_share(user, k)
            for user in order
            for k, p in enumerate(user.parents)
            if p is node
        )
        assert len(terms) == len(want) and all(map(close, sorted(terms), want))
        assert close(result, float(node.grad))  # the node's total is backward()'s gradient
        assert close(sum(terms), result)
        sums += 1
    assert sums == sum(n > 1 for n in used.values())
    words = " ".join(t.content for t in legend.texts)
    assert "the gradient that flows back along it; a value used twice adds them" in words


def test_the_worked_example_reads_3_plus_3_equals_6() -> None:
    loss = times_itself_times()
    loss.backward()
    x = loss.parents[0]
    svg = viz.draw(loss, "edges").to_svg("pure")
    items, _, _ = read_svg(svg)
    x_texts = next(i for i in items if i.name == "n0").texts
    assert [t.content for t in x_texts] == [
        "x",
        f"x.grad = 3 + 3 = {autograd.format_number(x.grad)}",
    ]
    assert x.grad == 6.0


def test_the_values_style_writes_the_sum_in_the_grad_cell() -> None:
    loss = times_itself_times()
    loss.backward()
    items, legend, _ = read_svg(viz.draw(loss).to_svg("pure"))
    x = next(i for i in items if i.name == "n0")
    assert [t.content for t in x.texts] == ["x", "data -1.5", "grad 3 + 3 = 6"]
    assert "a value used twice adds the gradients from each use" in " ".join(
        t.content for t in legend.texts
    )


@pytest.mark.parametrize("style", ["edges", "values"])
def test_a_stepped_drawing_shows_3_plus_question_mark_then_the_sum(style: str) -> None:
    loss = times_itself_times()
    bp = Backprop(loss)

    def x_sum() -> str:
        items, _, _ = read_svg(viz.draw_step(bp, style).to_svg("pure"))  # type: ignore[arg-type]
        texts = [t.content for t in next(i for i in items if i.name == "n0").texts]
        return texts[-1]

    head = "x.grad = " if style == "edges" else "grad "
    assert x_sum() == f"{head}? + ?"
    first = bp.step().terms[0]  # L = x · v1: x's first share
    assert first.text(bp.names) == "x.grad = 1 × 3 + ? = 3 + ?"
    assert x_sum() == f"{head}{autograd.format_number(first.contribution)} + ?"
    second = bp.step().terms[0]
    assert second.text(bp.names) == "x.grad = 3 + (-1.5) × (-2) = 3 + 3 = 6"
    assert x_sum() == f"{head}3 + 3 = {autograd.format_number(loss.parents[0].grad)}"


def test_a_value_used_by_one_op_twice_gets_two_shares() -> None:
    a = Value(3.0, label="a")
    b = a * a
    b.label = "b"
    b.backward()
    labels = {i.name: i for i in read_svg(viz.draw(b, "edges").to_svg("pure"))[0]}
    below = [[t.content for t in labels[f"e0_1_{k}"].texts if t.colour == BACKWARD] for k in (0, 1)]
    assert below == [["3"], ["3"]] and a.grad == 6.0
    assert [t.content for t in labels["n0"].texts][-1] == "a.grad = 3 + 3 = 6"


def test_a_batch_fans_out_as_its_shares() -> None:
    x = Value(np.array([1.0, 2.0, 3.0]), label="x")
    y = Value(np.array([0.5, -1.0, 2.0]), label="y")
    loss = (x * (x * y)).batch_sum()
    loss.label = "L"
    loss.backward()
    view = GraphView.of(loss)
    reader = Shares(view)
    users = [(c, k) for c, node in enumerate(view.nodes) for k, p in enumerate(node.parents)
             if p is x]  # fmt: skip
    found = [reader.share((0, c, k)) for c, k in users]
    want = [view.nodes[c].grad * local_partials(view.nodes[c])[k] for c, k in users]
    assert all(np.allclose(f, w) for f, w in zip(found, want))
    assert np.allclose(sum(found), x.grad)  # the two shares add up to backward()'s gradient
    items, _, _ = read_svg(viz.draw(loss, "edges").to_svg("pure"))
    texts = next(i for i in items if i.name == "n0").texts
    assert texts[-1].content.startswith("x.grad = [3 values, mean")


def test_shares_come_from_the_op_table_and_reduce_a_batch() -> None:
    w = Value(2.0, label="w")
    xs = Value(np.array([1.0, -3.0]), label="xs")
    out = w * xs
    upstream = np.array([0.5, 2.0])
    dw, dxs = shares(out, upstream)
    assert dw == pytest.approx(float(np.sum(upstream * xs.data)))  # summed into the scalar w
    assert np.allclose(dxs, upstream * w.data)


def test_sum_text_counts_what_does_not_fit() -> None:
    assert sum_text(["3"], missing=1) == "3 + ?"
    assert sum_text(["3", "-1.5"], 0, "1.5") == "3 + (-1.5) = 1.5"
    assert sum_text([], missing=2) == "? + ?"
    assert sum_text(list("12345"), 0, "15") == "1 + 2 + 3 + … 2 more = 15"
    assert sum_text(["1"], missing=5) == "1 + ? + ? … 4 to come"
    with pytest.raises(ValueError, match="missing"):
        sum_text(["1"], missing=-1)
    with pytest.raises(ValueError, match="at least one"):
        sum_text([])


def test_box_shares_add_up_by_receiving_box() -> None:
    loss = two_neurons()
    loss.backward()
    view = GraphView.of(loss)
    group = [node.group or "inputs" for node in view.nodes]
    per_box = box_shares(view, lambda i: group[i])
    x1 = next(i for i, node in enumerate(view.nodes) if node.label == "x1")
    into = {box: share for (i, box), share in per_box.items() if i == x1}
    assert len(into) >= 1 and "inputs" not in into
    assert sum(into.values()) == pytest.approx(float(view.nodes[x1].grad))


def test_the_shares_module_example_runs() -> None:
    import doctest

    import autograd.shares

    result = doctest.testmod(autograd.shares)
    assert result.attempted > 0 and result.failed == 0
